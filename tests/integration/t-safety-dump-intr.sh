# A dump that the kernel marks interrupted (NLM_F_DUMP_INTR) is read again,
# and never makes objects look missing: a few interruptions change
# nothing, endless ones stop the run before any change.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
FAULT=$ROOT/jailnet-fault

run_jailnet apply -q "$FILE"
check_eq "apply exits 0" 0 "$RC"

OUT=$(JAILNET_FAULT_DUMP_INTR=3 "$FAULT" plan "$FILE" 2>"$WORK/stderr")
RC=$?
check_eq "interrupted dumps: plan exits 0" 0 "$RC"
check_eq "interrupted dumps: nothing missing" "No changes." "$OUT"

# Every rtnetlink dump interrupted: the namespaces must not look deleted.
BEFORE=$(ip -j netns list | jq -c 'sort_by(.name)')
OUT=$(JAILNET_FAULT_DUMP_INTR=100000 "$FAULT" apply "$FILE" 2>"$WORK/stderr")
RC=$?
ERR=$(cat "$WORK/stderr")
check_eq "endless interruptions: exit 1" 1 "$RC"
check_eq "endless interruptions: no change printed" "" "$OUT"
check_contains "endless interruptions: message" \
	"the kernel interrupted every attempt to read its state (5 tries)" "$ERR"
check_eq "endless interruptions: namespaces kept" "$BEFORE" "$(ip -j netns list | jq -c 'sort_by(.name)')"
run_jailnet plan "$FILE"
check_eq "still in sync" "No changes." "$OUT"
