# jailnet's nftables batch carries the ruleset generation it was planned
# from. So when another program changes the ruleset between plan and
# commit, the kernel rejects the batch, and apply plans again, at most 3
# times. It never touches the other program's objects. First gdb changes
# the ruleset at exact points. Then a writer adds and deletes table ip
# other in a loop while applies run.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml

cat >"$WORK/web-only.yaml" <<'YAML'
version: 1
uplinks:
  wan:
    interface: uplink0
namespaces:
  web:
    subnets:
      - 10.97.4.0/30
      - fd00:97::4:0/112
    uplink: wan
    allow:
      - icmp
YAML

# apply_under_gdb FUNCTION COMMAND FILE: run `jailnet apply FILE` under
# gdb, which runs the shell COMMAND each time FUNCTION is entered. Sets
# OUT, ERR and RC as run_jailnet does.
apply_under_gdb() {
	local function=$1 command=$2 file=$3

	cat >"$WORK/hook.gdb" <<GDB
set pagination off
set confirm off
break $function
commands
silent
shell $command
continue
end
run apply $file >$WORK/gdb.out 2>$WORK/gdb.err
quit \$_exitcode
GDB
	# LeakSanitizer cannot run under ptrace. In a sanitizer build, the
	# other tests check for leaks.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		gdb -q -batch -x "$WORK/hook.gdb" "$JAILNET" </dev/null >"$WORK/gdb.log" 2>&1
	RC=$?
	OUT=$(cat "$WORK/gdb.out")
	ERR=$(cat "$WORK/gdb.err")
}

if command -v gdb >/dev/null; then
	# A change before every commit: apply gives up after 4 attempts.
	check "addresses settle" wait_dad_done
	BEFORE=$(network_snapshot)
	apply_under_gdb jn_nft_apply "nft add table ip other && nft delete table ip other" "$FILE"
	check_eq "always changed: apply exits 1" 1 "$RC"
	check_contains "always changed: retries" "planning again (3 of 3)" "$ERR"
	check_contains "always changed: error" "jailnet: error: the nftables ruleset kept changing during 4 attempts; nothing was changed" "$ERR"
	check_eq "always changed: nothing changed" "$BEFORE" "$(network_snapshot)"

	# One change between plan and commit: apply plans again and succeeds.
	apply_under_gdb jn_session_apply "nft add table ip other" "$FILE"
	check_eq "changed once: apply exits 0" 0 "$RC"
	check_contains "changed once: plans again" "jailnet: another program changed the nftables ruleset; planning again (1 of 3)" "$ERR"
	check_contains "changed once: applied" "Applied: 93 to add, 2 to change, 0 to remove." "$OUT"
	check "changed once: table ip other kept" nft list table ip other
	run_jailnet plan "$FILE"
	check_eq "changed once: converged" "No changes." "$OUT"
	nft delete table ip other
else
	skip "ruleset changed at exact points" "gdb is not installed"
fi

# A writer loop for at most 4 s, against applies that switch between two
# files. The writer fails if any of its own commands fails, which would
# mean that jailnet changed table ip other.
writer() {
	local i deadline=$((SECONDS + 4))

	for i in $(seq 200); do
		if [[ $SECONDS -ge $deadline ]]; then break; fi
		nft add table ip other || return 1
		sleep 0.01
		nft delete table ip other || return 1
		sleep 0.01
	done
}
writer 2>"$WORK/writer.err" &
WRITER=$!

RETRIES=0
for i in $(seq 12); do
	if ! kill -0 "$WRITER" 2>/dev/null; then break; fi
	if ((i % 2)); then target=$WORK/web-only.yaml; else target=$FILE; fi
	run_jailnet apply "$target"
	check_eq "apply $i during writes exits 0" 0 "$RC"
	RETRIES=$((RETRIES + $(grep -c "planning again" <<<"$ERR")))
done
wait "$WRITER"
check_eq "writer's commands all succeed" 0 "$?"
check_eq "writer has no errors" "" "$(cat "$WORK/writer.err")"
echo "applies that planned again during writes: $RETRIES"
check_fails "table ip other gone, as the writer left it" nft list table ip other

run_jailnet apply "$FILE"
check_eq "apply after writes exits 0" 0 "$RC"
run_jailnet plan "$FILE"
check_eq "converged after writes" "No changes." "$OUT"
