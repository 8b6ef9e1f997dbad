# Output conventions for cron and terminals: colour only on a terminal and
# never with NO_COLOR, -q, --detailed-exitcode, and saved plans that apply
# exactly what they show or refuse once the host changed.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
ESC=$'\033['

# A terminal: `script` gives jailnet a pseudo-terminal as stdout.
on_terminal() {
	script -qec "$*" /dev/null
}

TTY_OUT=$(on_terminal "$JAILNET plan $FILE" 2>/dev/null)
check_contains "colour on a terminal" "${ESC}32m+ foobar: netns foobar" "$TTY_OUT"
TTY_OUT=$(NO_COLOR=1 on_terminal "$JAILNET plan $FILE" 2>/dev/null)
check_not_contains "NO_COLOR on a terminal" "$ESC" "$TTY_OUT"
TTY_OUT=$(on_terminal "$JAILNET plan --no-color $FILE" 2>/dev/null)
check_not_contains "--no-color on a terminal" "$ESC" "$TTY_OUT"
run_jailnet plan "$FILE"
check_not_contains "no colour in a pipe" "$ESC" "$OUT"

run_jailnet plan -q --detailed-exitcode "$FILE"
check_eq "plan -q prints nothing" "" "$OUT"
check_eq "plan with changes: exit 2" 2 "$RC"

# A saved plan applies exactly what it showed.
run_jailnet plan -o "$WORK/saved.plan" "$FILE"
SHOWN=$(grep '^[-+~] ' <<<"$OUT")
check_eq "saved plan is private" "600" "$(stat -c %a "$WORK/saved.plan")"
run_jailnet apply --detailed-exitcode "$WORK/saved.plan"
check_eq "apply saved plan: exit 2" 2 "$RC"
check_eq "apply saved plan: same lines" "$SHOWN" "$(grep '^[-+~] ' <<<"$OUT")"

run_jailnet apply --detailed-exitcode "$FILE"
check_eq "idle apply: exit 0" 0 "$RC"
check_eq "idle apply: quiet" "" "$OUT"
run_jailnet plan --detailed-exitcode "$FILE"
check_eq "idle plan: exit 0" 0 "$RC"

# A plan made before the host changed is refused, and changes nothing.
ip netns exec foobar ip link set foobar-in down
run_jailnet plan -o "$WORK/stale.plan" "$FILE"
ip netns exec web ip link set web-in down
run_jailnet apply "$WORK/stale.plan"
check_eq "stale plan: exit 1" 1 "$RC"
check_contains "stale plan: message" "the host changed since the plan $WORK/stale.plan was made" "$ERR"
check_eq "stale plan: nothing changed" "DOWN" "$(ip -n foobar -j link show foobar-in | jq -r '.[0].operstate')"

# The saved plan carries its config: editing the file afterwards does not
# change what the plan applies.
cp "$FILE" "$WORK/config.yaml"
sed -i 's|123/udp|124/udp|' "$WORK/config.yaml"
run_jailnet plan -o "$WORK/fresh.plan" "$WORK/config.yaml"
sed -i 's|124/udp|125/udp|' "$WORK/config.yaml"
run_jailnet apply "$WORK/fresh.plan"
check_eq "fresh plan applies" 0 "$RC"
check_eq "jail end up again" "UP" "$(ip -n web -j link show web-in | jq -r '.[0].operstate')"
check_eq "planned port applied" "124" \
	"$(nft -j list set inet jailnet allow4 | jq -r '.nftables[1].set.elem[0].elem.val.concat[3]')"

printf 'jailnet plan 1\nstate zz\n' >"$WORK/broken.plan"
run_jailnet apply "$WORK/broken.plan"
check_eq "broken plan: exit 1" 1 "$RC"
check_contains "broken plan: message" "is not a complete jailnet plan" "$ERR"
