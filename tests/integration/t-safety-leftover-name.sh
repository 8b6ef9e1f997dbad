# A run killed between unmounting a namespace and removing its name leaves
# an empty file in /run/netns. jailnet makes those files with mode 0444, so
# such a leftover is its own to remove; an empty file of another tool
# (`ip netns add` uses mode 0) is left alone.
source "$(dirname "$0")/lib.sh"

printf 'version: 1\nnamespaces:\n  gone:\n    subnets: [10.98.0.0/30]\n' >"$WORK/one.yaml"
printf 'version: 1\nnamespaces: {}\n' >"$WORK/none.yaml"

run_jailnet apply -q "$WORK/one.yaml"
check_eq "apply exits 0" 0 "$RC"
check_eq "namespace file mode" "444" "$(stat -c %a /run/netns/gone)"

# What the killed removal left: the mount gone, the name still there.
umount /run/netns/gone
: >/run/netns/other
chmod 0 /run/netns/other

run_jailnet plan "$WORK/none.yaml"
check_contains "plan removes the leftover" "- gone: netns gone (an empty file left in /run/netns)" "$OUT"
check_not_contains "plan leaves the other file" "other" "$OUT"
run_jailnet apply -q "$WORK/none.yaml"
check_eq "apply exits 0 again" 0 "$RC"
check_fails "leftover removed" test -e /run/netns/gone
check "other file kept" test -e /run/netns/other
run_jailnet plan "$WORK/none.yaml"
check_eq "in sync" "No changes." "$OUT"
