# A namespace dropped from the file is removed with everything jailnet made
# for it: namespace, veth pair, addresses, routes and set elements.
# Nothing else changes, neither the other jail nor a namespace, veth pair,
# nftables table or iptables rule that someone else made.
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
    host:
      - 53/udp
    publish:
      - 80:8080/tcp
      - 443/tcp
YAML

run_jailnet apply "$FILE"
check_eq "first apply exits 0" 0 "$RC"

# Foreign objects: a namespace joined to the host by an unmarked veth pair
# named like a jail's, a table loaded from an nft file, and an iptables rule
# (iptables-nft keeps it in table ip filter).
ip netns add other
ip link add other-out type veth peer name other-in netns other
ip addr add 10.98.0.1/30 dev other-out
ip link set other-out up
ip -n other addr add 10.98.0.2/30 dev other-in
ip -n other link set other-in up
cat >"$WORK/other.nft" <<'NFT'
table inet other {
	set blocked {
		type ipv4_addr
		elements = { 198.51.100.9 }
	}
	chain input {
		type filter hook input priority 10; policy accept;
		ip saddr @blocked drop comment "made by hand"
	}
}
NFT
check "foreign table loaded" nft -f "$WORK/other.nft"
check "iptables rule added" iptables -A INPUT -s 198.51.100.7 -p tcp --dport 22 -j DROP

# The web jail's elements of table inet jailnet, sorted.
web_elements() {
	nft -j list table inet jailnet |
		jq -c '[.. | objects | select(.elem?.comment? == "web")] | sort_by(tostring)'
}

# Everything that must stay byte for byte as it is.
others_state() {
	echo "table inet other"
	nft -j list table inet other
	echo "table ip filter"
	nft -j list table ip filter
	echo "web elements"
	web_elements
	echo "host links"
	ip -j -d link show web-out
	ip -j addr show web-out
	ip -j -d link show other-out
	ip -j addr show other-out
	ip -j -d link show uplink0
	ip -j addr show uplink0
	for ns in web other internet; do
		echo "namespace $ns"
		ip -n "$ns" -j -d link show
		ip -n "$ns" -j addr show
		ip -n "$ns" -j -4 route show table all
		ip -n "$ns" -j -6 route show table all
	done
}

check "addresses settle" wait_dad_done
BEFORE=$(others_state)
check_eq "web elements exist" 16 "$(web_elements | jq length)"

# The jail's links go first: once its elements are removed, its traffic
# would no longer count as a jail's.
EXPECTED="- foobar: route default via 10.97.3.1 dev foobar-in in foobar
- foobar: route default via fd00:97::3:1 dev foobar-in in foobar
- foobar: address 10.97.3.1/30 on foobar-out
- foobar: address fd00:97::3:1/112 on foobar-out
- foobar: address 10.97.3.2/30 on foobar-in in foobar
- foobar: address fd00:97::3:2/112 on foobar-in in foobar
- foobar: veth foobar-out (host end) <-> foobar-in in foobar
- foobar: netns foobar
- foobar: nft element allow4 { foobar-out . 0.0.0.0/0 . udp . 123 }
- foobar: nft element allow6 { foobar-out . ::/0 . udp . 123 }
- foobar: nft element jail_addr4 { foobar-out . 10.97.3.2 }
- foobar: nft element jail_addr6 { foobar-out . fd00:97::3:2 }
- foobar: nft element jail_hosts { foobar-out }
- foobar: nft element jail_uplinks { foobar-out . uplink0 }
- foobar: nft element masquerade4 { 10.97.3.2 . uplink0 }
- foobar: nft element masquerade6 { fd00:97::3:2 . uplink0 }
Plan: 0 to add, 0 to change, 16 to remove."
check_drift "foobar removed" "$WORK/web-only.yaml" "$EXPECTED"

check_eq "namespaces left" "internet other web" "$(netns_names | paste -sd ' ')"
check_fails "host end gone" ip link show foobar-out
check_eq "no foobar elements" 0 \
	"$(nft -j list table inet jailnet | jq '[.. | objects | select(.elem?.comment? == "foobar")] | length')"
check_eq "no foobar-out in the table" "" "$(nft list table inet jailnet | grep foobar)"
check_eq "everything else unchanged" "$BEFORE" "$(others_state)"
check_eq "iptables rule kept" "-A INPUT -s 198.51.100.7/32 -p tcp -m tcp --dport 22 -j DROP" \
	"$(iptables -S INPUT | grep -- '^-A')"
