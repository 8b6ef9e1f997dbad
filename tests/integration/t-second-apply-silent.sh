# An apply that finds nothing to change sends no request that changes
# state, so `ip monitor all` on the host and in each jail and `nft monitor`
# record nothing while it runs. With drift in every place, they must
# still record nothing during plan, and, as a control, record apply's
# changes in every place.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
MONITORS=(host foobar web nft)

# Run `jailnet COMMAND FILE` while ip and nft monitors record into
# $WORK/NAME.log, keeping its output in $OUT and status in $RC. The
# monitors start 0.5 s before jailnet and stop 0.5 s after it.
monitor_run() {
	local command=$1 file=$2 pids=() pid

	ip monitor all >"$WORK/host.log" 2>&1 &
	pids+=($!)
	ip -n foobar monitor all >"$WORK/foobar.log" 2>&1 &
	pids+=($!)
	ip -n web monitor all >"$WORK/web.log" 2>&1 &
	pids+=($!)
	nft monitor >"$WORK/nft.log" 2>&1 &
	pids+=($!)
	sleep 0.5
	run_jailnet "$command" "$file"
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
# The kernel's events at the end of duplicate address detection must not
# fall into the monitored run.
check "addresses settle" wait_dad_done

monitor_run apply "$FILE"
check_eq "second apply exits 0" 0 "$RC"
check_eq "second apply prints nothing" "" "$OUT"
for name in "${MONITORS[@]}"; do
	check_eq "no $name events" "" "$(events "$name")"
done

# Drift on the host, in each jail and in the table.
ip link set foobar-out down
ip -n web link set lo down
nft delete element inet jailnet jail_hosts '{ "web-out" }'
check "drift: addresses settle" wait_dad_done

monitor_run plan "$FILE"
check_eq "plan with drift exits 0" 0 "$RC"
check_contains "plan with drift finds it" "Plan: 2 to add, 2 to change, 0 to remove." "$OUT"
for name in "${MONITORS[@]}"; do
	check_eq "plan: no $name events" "" "$(events "$name")"
done

monitor_run apply "$FILE"
check_eq "control apply exits 0" 0 "$RC"
check_contains "control apply repairs" "Applied: 2 to add, 2 to change, 0 to remove." "$OUT"
for name in "${MONITORS[@]}"; do
	check "control: $name events recorded" test -n "$(events "$name")"
done
