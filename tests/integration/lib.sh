# Helpers for integration tests. Each test is a bash script that runs
# inside tests/sandbox (run-all starts a fresh sandbox per test), sources
# this file, and calls the check_* functions; the script fails at its end
# if any check failed.
#
# Topology made by make_internet: the sandbox's own namespace is "the
# host"; a namespace "internet" is joined to it by the veth pair
# uplink0 (host) <-> inet0 (internet).
#   host uplink0: 192.0.2.1/24, 2001:db8:1::1/64
#   internet inet0: 192.0.2.2/24, 2001:db8:1::2/64 (no route back to jails,
#   so replies reach jails only through masquerade)

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAILNET=${JAILNET:-$ROOT/jailnet}
NETCHECK="python3 $ROOT/tests/integration/netcheck.py"
WORK=$(mktemp -d /tmp/jailnet-test.XXXXXX)
FAILURES=0
CHECKS=0
trap 'rm -rf "$WORK"; finish_test' EXIT

finish_test() {
	local rc=$?
	if [[ $FAILURES -gt 0 ]]; then
		echo "FAIL: $(basename "$0"): $FAILURES of $CHECKS checks failed"
		exit 1
	fi
	if [[ $rc -ne 0 ]]; then
		echo "FAIL: $(basename "$0"): exited with status $rc after $CHECKS checks"
		exit 1
	fi
	if [[ $CHECKS -eq 0 ]]; then
		echo "FAIL: $(basename "$0"): ran no checks"
		exit 1
	fi
	echo "ok: $(basename "$0"): $CHECKS checks"
}

pass() { CHECKS=$((CHECKS + 1)); }
fail() {
	CHECKS=$((CHECKS + 1))
	FAILURES=$((FAILURES + 1))
	echo "  not ok: $*" >&2
}

# check NAME COMMAND...: COMMAND must exit 0.
check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass; else fail "$name"; fi
}

# check_fails NAME COMMAND...: COMMAND must exit non-zero.
check_fails() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then fail "$name (expected failure)"; else pass; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [[ "$2" == "$3" ]]; then
		pass
	else
		fail "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /' >&2
	fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
	if [[ "$3" == *"$2"* ]]; then pass; else fail "$1: missing \"$2\" in: $3"; fi
}

check_not_contains() {
	if [[ "$3" != *"$2"* ]]; then pass; else fail "$1: unexpected \"$2\" in: $3"; fi
}

# Run jailnet, keeping stdout, stderr and status in $OUT, $ERR and $RC.
run_jailnet() {
	OUT=$("$JAILNET" "$@" 2>"$WORK/stderr")
	RC=$?
	ERR=$(cat "$WORK/stderr")
}

make_internet() {
	ip netns add internet
	ip link add uplink0 type veth peer name inet0 netns internet
	ip addr add 192.0.2.1/24 dev uplink0
	ip addr add 2001:db8:1::1/64 dev uplink0 nodad
	ip link set uplink0 up
	ip -n internet link set lo up
	ip -n internet addr add 192.0.2.2/24 dev inet0
	ip -n internet addr add 2001:db8:1::2/64 dev inet0 nodad
	ip -n internet link set inet0 up
}

# The jail's processes run with `ip netns exec NAME`, as an operator's would.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Wait (at most 5 s) until COMMAND succeeds.
wait_for() {
	local i
	for i in $(seq 50); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	return 1
}
