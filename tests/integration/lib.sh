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
# The interpreter itself, not a wrapper script such as a pyenv shim: the
# traffic tests start dozens of probes at once, and a shim (a bash script
# that runs pyenv) can take many times as long to start as Python itself.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
NETCHECK="$PYTHON $ROOT/tests/integration/netcheck.py"
WORK=$(mktemp -d /tmp/jailnet-test.XXXXXX)
FAILURES=0
CHECKS=0
SKIPS=0
SERVER_PIDS=()
trap finish_test EXIT

finish_test() {
	local rc=$?
	stop_servers
	rm -rf "$WORK"
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
	if [[ $SKIPS -gt 0 ]]; then
		echo "ok: $(basename "$0"): $CHECKS checks, $SKIPS skipped (not counted)"
	else
		echo "ok: $(basename "$0"): $CHECKS checks"
	fi
}

pass() { CHECKS=$((CHECKS + 1)); }
fail() {
	CHECKS=$((CHECKS + 1))
	FAILURES=$((FAILURES + 1))
	echo "  not ok: $*" >&2
}

# End the background servers that the test started (their pids are in
# SERVER_PIDS); each also ends by itself after its own time limit.
stop_servers() {
	local pid

	for pid in "${SERVER_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	SERVER_PIDS=()
}

# skip NAME REASON: a check that could not run here. It is printed and is
# not counted as a check, so a test made only of skips fails.
skip() {
	SKIPS=$((SKIPS + 1))
	echo "  skip: $1: $2" >&2
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

# check_drift NAME FILE EXPECTED: check that `jailnet plan FILE` exits 0
# and prints exactly EXPECTED, every change line and the summary. Then
# check that `jailnet apply FILE` exits 0 and prints the same lines with
# "Applied:" in place of "Plan:", and that the next plan is "No changes.".
check_drift() {
	local name=$1 file=$2 expected=$3

	run_jailnet plan "$file"
	check_eq "$name: plan exits 0" 0 "$RC"
	check_eq "$name: plan" "$expected" "$OUT"
	run_jailnet apply "$file"
	check_eq "$name: apply exits 0" 0 "$RC"
	check_eq "$name: apply" "$(sed '$s/^Plan:/Applied:/' <<<"$expected")" "$OUT"
	run_jailnet plan "$file"
	check_eq "$name: plan after apply" "No changes." "$OUT"
}

# Print "ADDRESS/LENGTH ..." of the global addresses on IFNAME in namespace
# NS ("" for the host).
global_addrs() {
	local ns=$1 ifname=$2

	ip ${ns:+-n "$ns"} -j addr show dev "$ifname" |
		jq -r '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"] | join(" ")'
}

# Print "GATEWAY DEV PROTOCOL" of the default route of FAMILY (4 or 6) in
# namespace NS.
default_route() {
	local ns=$1 family=$2

	ip -n "$ns" -j "-$family" route show default |
		jq -r '.[] | "\(.gateway) \(.dev) \(.protocol)"'
}

# Print the namespaces of the sandbox, one name a line.
netns_names() {
	ip -j netns list | jq -r '.[].name' | sort
}

# Wait (at most 10 s) until no address on the host or in any namespace is
# tentative. IPv6 duplicate address detection of link-local addresses ends
# a few seconds after a link comes up, and then the kernel changes the
# address and adds routes. Tests that compare state or watch netlink call
# this first, so that those kernel events fall outside what they check.
wait_dad_done() {
	local i ns tentative

	for i in $(seq 100); do
		tentative=$(ip -j addr show | jq '[.[].addr_info[] | select(.tentative == true)] | length')
		for ns in $(netns_names); do
			tentative=$((tentative + $(ip -n "$ns" -j addr show |
				jq '[.[].addr_info[] | select(.tentative == true)] | length')))
		done
		if [[ $tentative -eq 0 ]]; then return 0; fi
		sleep 0.1
	done
	return 1
}

# Print the sandbox's network state: the nftables ruleset, the forwarding
# sysctls, and the links, addresses and routes on the host and in every
# namespace. Equal output before and after a command means the command
# changed none of it (call wait_dad_done first).
network_snapshot() {
	local ns

	nft -j list ruleset
	cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding
	for ns in "" $(netns_names); do
		echo "namespace ${ns:-(host)}"
		ip ${ns:+-n "$ns"} -j -d link show
		ip ${ns:+-n "$ns"} -j addr show
		ip ${ns:+-n "$ns"} -j -4 route show table all
		ip ${ns:+-n "$ns"} -j -6 route show table all
	done
}

# Print the sandbox's network state: namespaces, forwarding sysctls, the
# nftables ruleset, and links, addresses and routes on the host and in
# every namespace. Left out is what the kernel assigns anew when an object
# is re-created with the same configuration. That is interface indexes,
# MAC addresses and the link-local addresses derived from them, namespace
# ids, nftables handles, and the order of set elements, addresses and
# routes. Equal output means the same objects with the same settings. One
# jq process handles all namespaces, because jq 1.6 takes tens of
# milliseconds to start.
normalized_snapshot() {
	local ns

	echo "namespaces"
	ls /run/netns
	echo "sysctls"
	grep -H . /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/forwarding \
		/proc/sys/net/ipv6/conf/*/forwarding
	echo "nftables"
	nft -j list ruleset | jq -S -c '
		walk(if type == "object" then del(.handle) else . end) |
		walk(if type == "object" and (.elem | type) == "array"
		     then .elem |= sort_by(tostring) else . end)'
	for ns in "" $(ls /run/netns); do
		printf '{"namespace": "%s", "links": %s, "addresses": %s, "routes": [%s, %s]}\n' \
			"${ns:-(host)}" \
			"$(ip ${ns:+-n "$ns"} -j -d link show 2>&1)" \
			"$(ip ${ns:+-n "$ns"} -j addr show 2>&1)" \
			"$(ip ${ns:+-n "$ns"} -j -4 route show table all 2>&1)" \
			"$(ip ${ns:+-n "$ns"} -j -6 route show table all 2>&1)"
	done | jq -S -c '
		.namespace,
		(.links | map(del(.ifindex, .link_index, .address, .broadcast, .link_netnsid)) |
			sort_by(.ifname)[]),
		(.addresses | map({ifname, addr_info: (.addr_info |
			map(if .scope == "link" and .family == "inet6"
			    then .local = "(link-local)" else . end) |
			sort_by(tostring))}) | sort_by(.ifname)[]),
		(.routes | add |
			map(if (.dst | startswith("fe80::")) and (.dst | endswith("/64") | not)
			    then .dst = "(link-local)" else . end) |
			sort_by(tostring)[])'
}

# Wait (at most 10 s) until no address on the host or in any namespace is
# tentative. This is wait_dad_done without jq, whose start-up per
# namespace makes each poll take seconds in tests with 20 namespaces.
wait_no_tentative() {
	local i ns busy

	for i in $(seq 100); do
		busy=0
		for ns in "" $(ls /run/netns); do
			if ip ${ns:+-n "$ns"} addr show 2>/dev/null | grep -q tentative; then
				busy=1
				break
			fi
		done
		if [[ $busy -eq 0 ]]; then return 0; fi
		sleep 0.1
	done
	return 1
}

# check_state NAME EXPECTED: normalized_snapshot prints EXPECTED (taken
# after wait_no_tentative) within 10 s. A link that was just re-created
# has a tentative link-local address, and its local route is missing, for
# about two seconds.
check_state() {
	local name=$1 expected=$2 actual i

	for i in $(seq 50); do
		actual=$(normalized_snapshot)
		if [[ "$actual" == "$expected" ]]; then break; fi
		sleep 0.2
	done
	check_eq "$name" "$expected" "$actual"
}

# Print the steps of a plan (read from stdin) in the order apply makes
# them. All "nft" lines are one step, printed as "nftables transaction"
# where they start. Every other change line is a step, except the removal
# of an address or route that goes with a removed veth pair or namespace.
step_lines() {
	awk '
	$1 !~ /^[-+~]$/ { next }
	# The nftables lines are one step, the transaction, where they start.
	$3 == "nft" { if (!nft) lines[++n] = "nftables transaction"; nft = 1; next }
	{ lines[++n] = $0 }
	$1 == "-" && $3 == "netns" { gone_ns[$4] = 1 }
	$1 == "-" && $3 == "veth" { gone_if[$4] = 1; gone_if[$8] = 1 }
	END {
		for (i = 1; i <= n; i++) {
			split(lines[i], f, " ")
			if (f[1] == "-" && f[3] == "address" &&
			    (gone_if[f[6]] || (f[7] == "in" && gone_ns[f[8]])))
				continue
			if (f[1] == "-" && f[3] == "route" && (gone_if[f[8]] || gone_ns[f[10]]))
				continue
			print lines[i]
		}
	}'
}

# write_jails FILE COUNT: a config with the uplink of make_internet and
# COUNT namespaces j01, j02, ..., each with an IPv4 and an IPv6 subnet,
# an uplink, two allow entries and a published port.
write_jails() {
	local file=$1 count=$2 i

	printf 'version: 1\nuplinks:\n  wan:\n    interface: uplink0\nnamespaces:\n' >"$file"
	for i in $(seq "$count"); do
		printf '  j%02d:\n    subnets: [10.98.%d.0/30, "fd00:98::%d:0/112"]\n' "$i" "$i" "$i"
		printf '    uplink: wan\n    allow: [icmp, 80/tcp]\n'
		printf '    publish: ["%d:80/tcp"]\n' $((8000 + i))
	done >>"$file"
}

# check_every_fault NAME FILE: run `JAILNET_FAULT_STEP=N jailnet-fault
# apply FILE` for every step N of the apply, the lines of step_lines. Each
# run must exit 1, print the changes made before step N, name step N and
# the injected fault, undo the steps made, and leave normalized_snapshot
# as it was. Call it where `jailnet plan FILE` exits 0.
check_every_fault() {
	local name=$1 file=$2 plan before line made n
	local -a steps=()

	run_jailnet plan "$file"
	check_eq "$name: plan exits 0" 0 "$RC"
	plan=$(grep '^[-+~] ' <<<"$OUT")
	mapfile -t steps < <(step_lines <<<"$plan")
	check "$name: addresses settle" wait_no_tentative
	before=$(normalized_snapshot)

	for ((n = 1; n <= ${#steps[@]}; n++)); do
		line=${steps[n - 1]}
		# The lines before the failing one: nftables lines are printed
		# after the transaction, and implied removals as they are passed.
		if [[ $line == "nftables transaction" ]]; then
			made=$(awk '$3 == "nft" { exit } { print }' <<<"$plan")
		else
			made=$(awk -v failing="$line" '$0 == failing { exit } { print }' <<<"$plan")
		fi
		JAILNET=$ROOT/jailnet-fault JAILNET_FAULT_STEP=$n run_jailnet apply "$file"
		check_eq "$name: step $n: apply exits 1" 1 "$RC"
		check_eq "$name: step $n: changes made before" "$made" "$OUT"
		check_contains "$name: step $n: failing change" "jailnet: apply failed: $line" "$ERR"
		check_contains "$name: step $n: fault message" \
			"jailnet: the kernel answered: Input/output error: injected fault" "$ERR"
		if [[ $n -gt 1 ]]; then
			check_contains "$name: step $n: undo starts" "jailnet: apply failed after $((n - 1)) step" "$ERR"
			check_contains "$name: step $n: undo ends" "jailnet: the host is as it was before this run" "$ERR"
		fi
		check_not_contains "$name: step $n: undo succeeds" "undoing failed" "$ERR"
		check_state "$name: step $n: state as before" "$before"
	done
	echo "$name: injected a fault at each of ${#steps[@]} steps"
}

# wait_for_output FILE TEXT: wait (at most 5 s, polling every 5 ms) until
# FILE contains TEXT; for catching a background run between two changes.
wait_for_output() {
	local file=$1 text=$2 i

	for i in $(seq 1000); do
		if grep -qF -- "$text" "$file" 2>/dev/null; then return 0; fi
		sleep 0.005
	done
	return 1
}
