# A failure at any step of apply leaves the host as it was.
# JAILNET_FAULT_STEP=N makes jailnet-fault fail step N. The nftables
# transaction is one step, where its lines start, and so is each change
# line that another change does not imply. apply must undo the steps
# already made.
# The first plan is the seed file on an empty host, so it only adds. The
# second changes foobar's subnets and allow list, removes web and adds
# baz, so it removes, changes and adds. Every step of both plans fails
# once, and then a real apply converges.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml

cat >"$WORK/changed.yaml" <<'YAML'
version: 1
uplinks:
  wan:
    interface: uplink0
namespaces:
  foobar:
    subnets:
      - 10.97.5.0/30
      - fd00:97::5:0/112
    uplink: wan
    allow:
      - 53/udp
      - icmp
  baz:
    subnets:
      - 10.97.6.0/30
      - fd00:97::6:0/112
    uplink: wan
    allow:
      - 443/tcp
    publish:
      - 8443:443/tcp
YAML

check_every_fault "add" "$FILE"
run_jailnet apply "$FILE"
check_eq "add: real apply exits 0" 0 "$RC"
run_jailnet plan "$FILE"
check_eq "add: plan after apply" "No changes." "$OUT"

run_jailnet plan "$WORK/changed.yaml"
check_contains "mixed: plan removes web" "- web: netns web" "$OUT"
check_contains "mixed: plan removes an address" "- foobar: address 10.97.3.1/30 on foobar-out" "$OUT"
check_contains "mixed: plan changes a route" "~ foobar: route default" "$OUT"
check_contains "mixed: plan adds baz" "+ baz: netns baz" "$OUT"

check_every_fault "mixed" "$WORK/changed.yaml"
run_jailnet apply "$WORK/changed.yaml"
check_eq "mixed: real apply exits 0" 0 "$RC"
run_jailnet plan "$WORK/changed.yaml"
check_eq "mixed: plan after apply" "No changes." "$OUT"
