# On SIGINT or SIGTERM, apply stops after the change it is making and
# undoes the changes made. It exits 1 with "interrupted by a signal; the
# changes made were undone", and the host is as it was. Each signal is
# sent while apply makes 20 jails, then while it removes them. It is sent
# once apply has printed its first namespace line, so some steps are done
# and some remain.
source "$(dirname "$0")/lib.sh"
make_internet
write_jails "$WORK/jails.yaml" 20
printf 'version: 1\n' >"$WORK/none.yaml"

# interrupt NAME SIGNAL FILE: send SIGNAL to `jailnet apply FILE` in the
# middle of its changes and check the outcome.
interrupt() {
	local name=$1 signal=$2 file=$3 before pid

	check "$name: addresses settle" wait_no_tentative
	before=$(normalized_snapshot)
	"$JAILNET" apply "$file" >"$WORK/out" 2>"$WORK/err" &
	pid=$!
	check "$name: apply starts changing" wait_for_output "$WORK/out" ": netns "
	kill -s "$signal" "$pid"
	wait "$pid"
	RC=$?
	ERR=$(cat "$WORK/err")

	check_eq "$name: apply exits 1" 1 "$RC"
	check_contains "$name: apply stopped mid-run" "jailnet: interrupted after" "$ERR"
	check_contains "$name: interruption reported" \
		"jailnet: error: interrupted by a signal; the changes made were undone" "$ERR"
	check_contains "$name: undo reported" "jailnet: the host is as it was before this run" "$ERR"
	check_not_contains "$name: undo succeeds" "undoing failed" "$ERR"
	check_not_contains "$name: no summary" "Applied:" "$(cat "$WORK/out")"
	check_state "$name: host as before" "$before"
}

for signal in INT TERM; do
	interrupt "SIG$signal while adding" "$signal" "$WORK/jails.yaml"
	check_eq "SIG$signal while adding: no jails" "internet" "$(netns_names)"

	run_jailnet apply "$WORK/jails.yaml"
	check_eq "SIG$signal: apply after it exits 0" 0 "$RC"

	interrupt "SIG$signal while removing" "$signal" "$WORK/none.yaml"
	check_eq "SIG$signal while removing: 20 jails" 21 "$(netns_names | wc -l)"
	run_jailnet plan "$WORK/jails.yaml"
	check_eq "SIG$signal while removing: jails intact" "No changes." "$OUT"

	run_jailnet apply "$WORK/none.yaml"
	check_eq "SIG$signal: removal after it exits 0" 0 "$RC"
done
