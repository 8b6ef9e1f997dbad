# show writes files that apply accepts unchanged: for every namespace, for
# one namespace at a time, and with two uplinks on one interface that
# differ in masquerade. apply colours its lines on a terminal too.
source "$(dirname "$0")/lib.sh"
make_internet

cat >"$WORK/jails.yaml" <<'YAML'
version: 1
uplinks:
  wan: { interface: uplink0 }
  lan: { interface: uplink0, masquerade: false }
namespaces:
  a:
    subnets: [10.97.8.0/30, "fd00:98::8:0/112"]
    uplink: wan
    allow: [icmp, "443/tcp", { proto: udp, to: 192.0.2.0/24 }]
    dns: [192.0.2.53]
  b:
    subnets: [10.97.9.0/31]
    uplink: lan
    allow: ["80,8080/tcp"]
    publish: ["8081:80/tcp"]
  c:
    subnets: ["fd00:98::c:0/127"]
    uplink: wan
    host: ["53/udp"]
YAML

ESC=$'\033['
TTY_OUT=$(script -qec "$JAILNET apply $WORK/jails.yaml" /dev/null 2>/dev/null)
check_contains "apply colours on a terminal" "${ESC}32m+ a: netns a${ESC}0m" "$TTY_OUT"
run_jailnet plan "$WORK/jails.yaml"
check_eq "applied" "No changes." "$OUT"

"$JAILNET" show >"$WORK/all.yaml"
run_jailnet plan "$WORK/all.yaml"
check_eq "show: round trip" "No changes." "$OUT"
check_eq "show: uplink without masquerade kept" "false" \
	"$(awk '/uplink0_nomasq:/ { found = 1 } found && /masquerade:/ { print $2; exit }' "$WORK/all.yaml")"

for ns in a b c; do
	"$JAILNET" show "$ns" >"$WORK/$ns.yaml"
	run_jailnet validate "$WORK/$ns.yaml"
	check_eq "show $ns: valid" 0 "$RC"
	check_eq "show $ns: one namespace" "$WORK/$ns.yaml: valid, 1 namespace, 1 uplink" "$OUT"
done

run_jailnet show nope
check_eq "show unknown namespace: exit 1" 1 "$RC"
check_contains "show unknown namespace: error" "namespace nope not found among jailnet's namespaces" "$ERR"
