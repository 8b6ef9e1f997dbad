# Helpers for the traffic tests (t-traffic-*.sh): servers in namespaces,
# probes that run in parallel and are checked together, and routes back
# to the jails. Source this file in place of lib.sh.
#
# A probe that must be dropped must time out. A reply means the packet
# passed, and an error (refused, unreachable) means that something other
# than jailnet's drop stopped it, so both fail the check. Each drop check
# is paired with a control probe that gets a reply from the same server on
# a path that is allowed.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Maximum run time of each server in seconds. stop_servers ends them
# earlier, when the test exits.
SERVER_SECONDS=120
# Maximum wait in seconds for a reply that must come, and for one that
# must not come.
REPLY_SECONDS=5
DROP_SECONDS=1

PENDING_PIDS=()
PENDING_NAMES=()
PENDING_EXPECT=()
PENDING_OUT=()

# run_in NS COMMAND...: run COMMAND in namespace NS. NS "host" is the
# sandbox's own namespace, where jailnet runs.
run_in() {
	local ns=$1
	shift
	if [[ $ns == host ]]; then
		"$@"
	else
		in_ns "$ns" "$@"
	fi
}

# start_server NS PROTO ADDRESS PORTS [--peer] [--log FILE]: start a
# netcheck.py server in the background and wait (at most 5 s) until it
# listens. A server that does not start is a failed check.
start_server() {
	local ns=$1 proto=$2 address=$3 ports=$4
	local out=$WORK/server.${#SERVER_PIDS[@]}
	shift 4

	run_in "$ns" $NETCHECK serve "$proto" "$address" "$ports" "$SERVER_SECONDS" "$@" \
		>"$out" 2>&1 &
	SERVER_PIDS+=($!)
	if ! wait_for grep -q listening "$out"; then
		fail "$proto server on $ns $address $ports did not start: $(cat "$out")"
	fi
}

queue_probe() {
	local expect=$1 name=$2 ns=$3
	local out=$WORK/probe.${#PENDING_PIDS[@]}
	shift 3

	(
		run_in "$ns" "$@" >"$out" 2>&1
		echo $? >"$out.rc"
	) &
	PENDING_PIDS+=($!)
	PENDING_NAMES+=("$name")
	PENDING_EXPECT+=("$expect")
	PENDING_OUT+=("$out")
}

# expect_reply NAME NS PROTO ADDRESS PORT [--source ADDRESS]: queue a
# probe from NS that must get a reply. check_probes runs the check.
expect_reply() {
	local name=$1 ns=$2 proto=$3 address=$4 port=$5
	shift 5
	queue_probe reply "$name" "$ns" $NETCHECK probe "$proto" "$address" "$port" \
		"$REPLY_SECONDS" "$@"
}

# expect_drop NAME NS PROTO ADDRESS PORT [--source ADDRESS]: queue a probe
# that must time out.
expect_drop() {
	local name=$1 ns=$2 proto=$3 address=$4 port=$5
	shift 5
	queue_probe drop "$name" "$ns" $NETCHECK probe "$proto" "$address" "$port" \
		"$DROP_SECONDS" "$@"
}

# expect_ping NAME NS ADDRESS: queue one ICMP echo request that must get a
# reply.
expect_ping() {
	queue_probe ping "$1" "$2" ping -c1 -W1 "$3"
}

# expect_ping_drop NAME NS ADDRESS: queue one echo request that must get
# neither a reply nor an ICMP error.
expect_ping_drop() {
	queue_probe ping_drop "$1" "$2" ping -c1 -W1 "$3"
}

# Wait for every queued probe and check each against its expectation.
check_probes() {
	local i rc output

	for i in "${!PENDING_PIDS[@]}"; do
		wait "${PENDING_PIDS[$i]}"
		rc=$(cat "${PENDING_OUT[$i]}.rc")
		output=$(tr '\n' ' ' <"${PENDING_OUT[$i]}")
		case ${PENDING_EXPECT[$i]} in
		reply | ping)
			if [[ $rc -eq 0 ]]; then
				pass
			else
				fail "${PENDING_NAMES[$i]}: no reply (exit $rc): $output"
			fi
			;;
		drop)
			if [[ $rc -eq 1 ]]; then
				pass
			elif [[ $rc -eq 0 ]]; then
				fail "${PENDING_NAMES[$i]}: got a reply, but must be dropped: $output"
			else
				fail "${PENDING_NAMES[$i]}: failed instead of timing out (exit $rc): $output"
			fi
			;;
		ping_drop)
			if [[ $rc -eq 0 ]]; then
				fail "${PENDING_NAMES[$i]}: got a reply, but must be dropped: $output"
			elif [[ $rc -eq 1 ]] && ! grep -qi -e error -e unreachable "${PENDING_OUT[$i]}"; then
				pass
			else
				fail "${PENDING_NAMES[$i]}: failed instead of timing out (exit $rc): $output"
			fi
			;;
		esac
	done
	PENDING_PIDS=()
	PENDING_NAMES=()
	PENDING_EXPECT=()
	PENDING_OUT=()
}

# probe_output NS PROTO ADDRESS PORT [--source ADDRESS]: print the reply
# to one probe, or nothing when none came.
probe_output() {
	local ns=$1 proto=$2 address=$3 port=$4
	shift 4
	run_in "$ns" $NETCHECK probe "$proto" "$address" "$port" "$REPLY_SECONDS" "$@" 2>/dev/null
}

# Print why SCTP sockets cannot be made here and return 0, or return 1
# when they can. SCTP checks are skipped (not passed) when it returns 0.
sctp_missing() {
	python3 - 2>&1 <<-'EOF'
		import socket, sys
		try:
		    socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP).close()
		except OSError as error:
		    print("this kernel makes no SCTP sockets: %s" % error)
		    sys.exit(0)
		sys.exit(1)
	EOF
}

# Route the jail subnets 10.97.0.0/16 and fd00:97::/32 from the internet
# namespace through the host's uplink address, so the internet can address
# a jail directly and reply to a jail whose source was not masqueraded.
route_jails_from_internet() {
	ip -n internet route add 10.97.0.0/16 via 192.0.2.1
	ip -n internet -6 route add fd00:97::/32 via 2001:db8:1::1
}
