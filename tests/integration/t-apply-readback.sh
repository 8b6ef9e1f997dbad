# apply makes what testdata/foobar.yaml describes; ip -j and nft -j read it back,
# and a second plan finds nothing to change.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml

run_jailnet apply "$FILE"
check_eq "apply exits 0" 0 "$RC"
check_contains "apply prints the netns line" "+ foobar: netns foobar" "$OUT"
check_contains "apply prints a summary" "Applied:" "$OUT"

check_eq "ip netns list" "foobar internet web" \
	"$(ip -j netns list | jq -r '[.[].name] | sort | join(" ")')"

# Host end: up, in the jail's namespace pair, with the first address.
check_eq "host end up" "UP" "$(ip -j link show foobar-out | jq -r '.[0].operstate')"
check_eq "host end addresses" "10.97.3.1/30 fd00:97::3:1/112" \
	"$(ip -j addr show foobar-out | jq -r '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"] | join(" ")')"
NSID=$(ip -j link show foobar-out | jq -r '.[0].link_netnsid')
check_eq "host end peer is in foobar" "foobar" \
	"$(ip -j netns list | jq -r --argjson id "$NSID" '.[] | select(.id == $id) | .name')"

# Jail end and lo inside, both up; IPv6 usable at once (no tentative flag).
check_eq "lo up inside" "UNKNOWN" "$(ip -n foobar -j link show lo | jq -r '.[0].operstate')"
check_eq "jail end up" "UP" "$(ip -n foobar -j link show foobar-in | jq -r '.[0].operstate')"
check_eq "jail end addresses" "10.97.3.2/30 fd00:97::3:2/112" \
	"$(ip -n foobar -j addr show foobar-in | jq -r '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"] | join(" ")')"
check_eq "no tentative address" "" \
	"$(ip -n foobar -j addr show foobar-in | jq -r '.[0].addr_info[] | select(.scope == "global") | select(.tentative == true) | .local')"
check_eq "IPv4 default route" "10.97.3.1 foobar-in 213" \
	"$(ip -n foobar -j route show default | jq -r '.[0] | "\(.gateway) \(.dev) \(.protocol)"')"
check_eq "IPv6 default route" "fd00:97::3:1 foobar-in 213" \
	"$(ip -n foobar -j -6 route show default | jq -r '.[0] | "\(.gateway) \(.dev) \(.protocol)"')"

check_eq "IPv4 forwarding on" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"
check_eq "IPv6 forwarding on" 1 "$(cat /proc/sys/net/ipv6/conf/all/forwarding)"

# nftables: one table, fixed chains, and the seed's elements.
RULESET=$(nft -j list ruleset)
check_eq "one table" "inet jailnet" \
	"$(jq -r '[.nftables[] | .table? | select(. != null) | "\(.family) \(.name)"] | join(",")' <<<"$RULESET")"
check_eq "chains" "forward from_jail input postrouting prerouting to_jail" \
	"$(jq -r '[.nftables[] | .chain? | select(. != null) | .name] | sort | join(" ")' <<<"$RULESET")"
check_eq "allow4 holds 123/udp only" '["foobar-out",{"prefix":{"addr":"0.0.0.0","len":0}},"udp",123]' \
	"$(jq -c '.nftables[] | .set? | select(.name == "allow4") | .elem[0].elem.val.concat' <<<"$RULESET")"
check_eq "allow4 has one element" 1 \
	"$(jq '[.nftables[] | .set? | select(.name == "allow4") | .elem[]] | length' <<<"$RULESET")"
check_eq "publish4 map" "443:10.97.4.2.443 80:10.97.4.2.8080" \
	"$(jq -r '[.nftables[] | .map? | select(.name == "publish4") | .elem[] | "\(.[0].elem.val.concat[2]):\(.[1].concat[0]).\(.[1].concat[1])"] | sort | join(" ")' <<<"$RULESET")"

run_jailnet plan "$FILE"
check_eq "second plan exits 0" 0 "$RC"
check_eq "second plan is empty" "No changes." "$OUT"
run_jailnet apply "$FILE"
check_eq "second apply is quiet" "" "$OUT"
check_eq "second apply exits 0" 0 "$RC"

# show writes a file that apply accepts and that changes nothing.
"$JAILNET" show >"$WORK/shown.yaml"
run_jailnet plan "$WORK/shown.yaml"
check_eq "show round trip" "No changes." "$OUT"
