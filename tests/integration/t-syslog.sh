# An apply that changes something logs one line per change to syslog, so
# cron runs leave an audit trail; --no-syslog and an idle apply log nothing.
source "$(dirname "$0")/lib.sh"
make_internet

# syslog(3) writes to /dev/log. Each run below gets a mount namespace of
# its own with a private /dev, so the test owns that socket without
# touching the machine's /dev. Propagation stays unchanged so that the
# namespaces jailnet mounts under /run/netns (a shared mount) outlive it.
cat >"$WORK/listen.py" <<'PY'
import socket, sys, time
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("/dev/log")
sock.settimeout(0.2)
deadline = time.monotonic() + float(sys.argv[2])
with open(sys.argv[1], "w") as log:
    while time.monotonic() < deadline:
        try:
            log.write(sock.recv(4096).decode(errors="replace") + "\n")
            log.flush()
        except socket.timeout:
            pass
PY

# Run jailnet ARGS with a syslog listener on a private /dev/log; the
# messages land in $WORK/syslog.txt.
apply_logged() {
	mkdir -p "$WORK/dev"
	for node in null zero random urandom; do
		touch "$WORK/dev/$node"
	done
	unshare --mount --propagation unchanged bash -c '
		set -e
		for node in null zero random urandom; do
			mount --bind /dev/$node "$0/dev/$node"
		done
		mount -t tmpfs -o mode=0755 jailnet-test-dev /dev
		for node in null zero random urandom; do
			touch /dev/$node
			mount --bind "$0/dev/$node" /dev/$node
		done
		python3 "$0/listen.py" "$0/syslog.txt" 3 &
		for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.05; done
		"$@" >"$0/out.txt" 2>&1 || true
		wait
	' "$WORK" "$@"
	OUT=$(cat "$WORK/out.txt")
}

apply_logged "$JAILNET" apply --no-syslog "$ROOT/testdata/foobar.yaml"
check_contains "apply ran" "Applied:" "$OUT"
check_eq "--no-syslog logs nothing" 0 "$(grep -c jailnet "$WORK/syslog.txt")"

ip netns del web
apply_logged "$JAILNET" apply "$ROOT/testdata/foobar.yaml"
CHANGES=$(grep -c '^[-+~] ' <<<"$OUT")
check_eq "changes were made" "yes" "$([[ $CHANGES -gt 0 ]] && echo yes)"
check_eq "one syslog line per change" "$CHANGES" \
	"$(grep -c 'jailnet\[[0-9]*\]: [-+~] ' "$WORK/syslog.txt")"
check_eq "netns line logged" 1 "$(grep -c 'jailnet\[[0-9]*\]: + web: netns web' "$WORK/syslog.txt")"

apply_logged "$JAILNET" apply "$ROOT/testdata/foobar.yaml"
check_eq "idle apply prints nothing" "" "$OUT"
check_eq "idle apply logs nothing" 0 "$(grep -c jailnet "$WORK/syslog.txt")"
