# Runs are serialized by flock on /run/jailnet.lock. A run waits at most
# --wait seconds for the lock. Then it exits 3 with an error that names
# the lock, and the pid of the holder when that is a jailnet run. Once the
# holder releases the lock, a waiting run goes ahead.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
LOCK=/run/jailnet.lock

# Milliseconds since an arbitrary start.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Whether another process has the lock.
lock_held() {
	! flock -n "$LOCK" true
}

check "addresses settle" wait_dad_done
BEFORE=$(network_snapshot)

# A holder that is not jailnet: the lock file has no pid in it.
flock "$LOCK" sleep 3 &
HOLDER=$!
check "holder takes the lock" wait_for lock_held

START=$(now_ms)
run_jailnet plan --wait 1 "$FILE"
ELAPSED=$(($(now_ms) - START))
check_eq "plan --wait 1 exits 3" 3 "$RC"
check_eq "plan --wait 1 prints no plan" "" "$OUT"
check_eq "plan --wait 1 error" "jailnet: error: another jailnet run (pid unknown) holds /run/jailnet.lock; gave up after waiting 1 second (raise --wait to wait longer)" "$ERR"
check "plan waited at least 1 s" test "$ELAPSED" -ge 1000
check "plan gave up within 1.5 s" test "$ELAPSED" -lt 1500

run_jailnet apply --wait 0 "$FILE"
check_eq "apply --wait 0 exits 3" 3 "$RC"
check_contains "apply --wait 0 names the lock" "holds /run/jailnet.lock; gave up after waiting 0 seconds" "$ERR"
check_eq "apply --wait 0 changes nothing" "$BEFORE" "$(network_snapshot)"

START=$(now_ms)
run_jailnet plan --wait 10 "$FILE"
ELAPSED=$(($(now_ms) - START))
check_eq "plan --wait 10 exits 0" 0 "$RC"
check_contains "plan --wait 10 prints the plan" "Plan: 93 to add, 2 to change, 0 to remove." "$OUT"
check_fails "holder ended first" kill -0 "$HOLDER"
check "plan waited for the holder" test "$ELAPSED" -ge 1000
check "plan went ahead soon after" test "$ELAPSED" -lt 3000
wait "$HOLDER"

# A jailnet run has the lock: apply removing 20 jails (about a second),
# stopped with SIGSTOP after its first namespace. It wrote its pid into
# the lock file.
write_jails "$WORK/jails.yaml" 20
printf 'version: 1\n' >"$WORK/none.yaml"
run_jailnet apply "$WORK/jails.yaml"
check_eq "20 jails made" 0 "$RC"
"$JAILNET" apply "$WORK/none.yaml" >"$WORK/apply.out" 2>&1 &
APPLY=$!
check "apply starts removing" wait_for_output "$WORK/apply.out" ": netns "
kill -STOP "$APPLY"

run_jailnet plan --wait 0.5 "$FILE"
check_eq "plan behind apply exits 3" 3 "$RC"
check_eq "plan behind apply names it" "jailnet: error: another jailnet run (pid $APPLY) holds /run/jailnet.lock; gave up after waiting 0.5 seconds (raise --wait to wait longer)" "$ERR"

kill -CONT "$APPLY"
wait "$APPLY"
check_eq "stopped apply finishes" 0 "$?"
run_jailnet plan --wait 0 "$WORK/none.yaml"
check_eq "lock free after apply" 0 "$RC"
check_eq "apply converged" "No changes." "$OUT"
