# An apply that finds nothing to change sends no request that changes
# state: `ip monitor all` on the host and in each jail and `nft monitor`
# record nothing while it runs. A control run with drift in every place
# shows that the same monitors do record jailnet's changes.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
MONITORS=(host foobar web nft)

# Run `jailnet apply FILE` while ip and nft monitors record into
# $WORK/NAME.log, keeping its output in $OUT and status in $RC. The
# monitors start 0.5 s before apply and stop 0.5 s after it.
monitor_apply() {
	local file=$1 pids=() pid

	ip monitor all >"$WORK/host.log" 2>&1 &
	pids+=($!)
	ip -n foobar monitor all >"$WORK/foobar.log" 2>&1 &
	pids+=($!)
	ip -n web monitor all >"$WORK/web.log" 2>&1 &
	pids+=($!)
	nft monitor >"$WORK/nft.log" 2>&1 &
	pids+=($!)
	sleep 0.5
	run_jailnet apply "$file"
	sleep 0.5
	for pid in "${pids[@]}"; do
		kill "$pid"
	done
	wait "${pids[@]}" 2>/dev/null
}

# The events in $WORK/NAME.log, without neighbour table events: the kernel
# changes neighbour entries on its own timers and when a jail sends a
# router solicitation, and jailnet sends no neighbour requests.
events() {
	grep -v '^\[NEIGH\]' "$WORK/$1.log"
}

run_jailnet apply "$FILE"
check_eq "first apply exits 0" 0 "$RC"
# Link-local addresses finish duplicate address detection about a second
# after their link comes up; the kernel's events for that must not fall
# into the monitored run.
check "addresses settle" wait_dad_done

monitor_apply "$FILE"
check_eq "second apply exits 0" 0 "$RC"
check_eq "second apply prints nothing" "" "$OUT"
for name in "${MONITORS[@]}"; do
	check_eq "no $name events" "" "$(events "$name")"
done

# Control: drift on the host, in each jail and in the table.
ip link set foobar-out down
ip -n web link set lo down
nft delete element inet jailnet jail_hosts '{ "web-out" }'
check "control: addresses settle" wait_dad_done
monitor_apply "$FILE"
check_eq "control apply exits 0" 0 "$RC"
check_contains "control apply repairs" "Applied: 2 to add, 2 to change, 0 to remove." "$OUT"
for name in "${MONITORS[@]}"; do
	check "control: $name events recorded" test -n "$(events "$name")"
done
