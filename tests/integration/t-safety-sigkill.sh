# SIGKILL at any moment of apply leaves a host that the next run repairs.
# After the kill, plan exits 0, apply exits 0, and the plan after that is
# "No changes.". SIGKILL cannot be caught, so nothing is undone. What
# counts is that no half-made object blocks the next run, such as a
# namespace file without a mount, a veth pair that is down or a missing
# element. For each of 15 delays from 0 to 56 ms, apply is killed while it
# makes 20 jails (about 150 ms in all), then again while it removes them.
source "$(dirname "$0")/lib.sh"
make_internet
write_jails "$WORK/jails.yaml" 20
printf 'version: 1\n' >"$WORK/none.yaml"

PARTIAL=0

# kill_and_repair NAME FILE DELAY_MS: kill `jailnet apply FILE` after
# DELAY_MS milliseconds, then check that the next runs converge on FILE.
kill_and_repair() {
	local name=$1 file=$2 delay=$3 before pid

	before=$("$JAILNET" plan "$file" 2>/dev/null)
	"$JAILNET" apply "$file" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' "$delay")"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null

	run_jailnet plan "$file"
	check_eq "$name: plan exits 0" 0 "$RC"
	check_not_contains "$name: plan has no error" "error" "$ERR"
	if [[ "$OUT" != "$before" && "$OUT" != "No changes." ]]; then
		PARTIAL=$((PARTIAL + 1))
	fi
	run_jailnet apply "$file"
	check_eq "$name: apply exits 0" 0 "$RC"
	check_not_contains "$name: apply has no error" "error" "$ERR"
	run_jailnet plan "$file"
	check_eq "$name: converged" "No changes." "$OUT"
}

for delay in $(seq 0 4 56); do
	kill_and_repair "add, kill after $delay ms" "$WORK/jails.yaml" "$delay"
	check_eq "add, kill after $delay ms: 20 jails" 21 "$(netns_names | wc -l)"
	kill_and_repair "remove, kill after $delay ms" "$WORK/none.yaml" "$delay"
	check_eq "remove, kill after $delay ms: no jails" "internet" "$(netns_names)"
done

# Without kills that land between two changes, this test proves nothing.
echo "kills that left a partly applied plan: $PARTIAL of 30"
check "some kills land mid-apply" test "$PARTIAL" -ge 3
