# Objects that others made stay exactly as they are through apply, plan
# and removal. They are rules added with Debian's iptables and ip6tables,
# which keep them in nftables tables ip filter, ip nat and ip6 filter.
# Then tables loaded with `nft -f`, one of them inet like jailnet's, with
# chains and a set named like jailnet's. Last, a namespace from
# `ip netns add` with its own veth pair, addresses and route. None of
# them is re-created, so the comparison keeps handles and interface
# indexes.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
sed '/^  foobar:/,/^  web:/{/^  web:/!d}' "$FILE" >"$WORK/web-only.yaml"
printf 'version: 1\n' >"$WORK/none.yaml"

check "iptables rule added" iptables -A INPUT -s 198.51.100.7 -p tcp --dport 22 -j DROP
check "iptables FORWARD policy set" iptables -P FORWARD ACCEPT
check "iptables forward rule added" iptables -A FORWARD -i eth9 -o eth8 -j ACCEPT
check "iptables nat rule added" iptables -t nat -A POSTROUTING -s 10.99.0.0/24 -o eth9 -j MASQUERADE
check "ip6tables rule added" ip6tables -A INPUT -s 2001:db8:9::/48 -j DROP

cat >"$WORK/handmade.nft" <<'NFT'
table inet handmade {
	set allow4 {
		type ipv4_addr
		elements = { 198.51.100.9 }
	}
	chain input {
		type filter hook input priority 10; policy accept;
		ip saddr @allow4 counter accept comment "made by hand"
	}
	chain forward {
		type filter hook forward priority 10; policy accept;
		iifname "eth9" accept
	}
	chain audit {
		ip daddr 203.0.113.0/24 counter
	}
}
table ip6 handmade6 {
	chain output {
		type filter hook output priority 0; policy accept;
		ip6 daddr 2001:db8:7::/48 counter
	}
}
NFT
check "nft file loaded" nft -f "$WORK/handmade.nft"

ip netns add other
ip link add other-out type veth peer name other-in netns other
ip addr add 10.98.0.1/30 dev other-out
ip link set other-out up
ip -n other addr add 10.98.0.2/30 dev other-in
ip -n other addr add fd00:98::2/64 dev other-in nodad
ip -n other link set lo up
ip -n other link set other-in up
ip -n other route add default via 10.98.0.1

# Everything that others made, byte for byte.
foreign_state() {
	local table

	for table in "inet handmade" "ip6 handmade6" "ip filter" "ip nat" "ip6 filter"; do
		echo "table $table"
		nft -j list table $table
	done
	iptables -S
	iptables -t nat -S
	ip6tables -S
	echo "namespace other"
	ip -n other -j -d link show
	ip -n other -j addr show
	ip -n other -j -4 route show table all
	ip -n other -j -6 route show table all
	echo "host end other-out"
	ip -j -d link show other-out
	ip -j addr show other-out
}

check "addresses settle" wait_dad_done
BEFORE=$(foreign_state)

# check_step NAME FILE: apply FILE exits 0, the plan after it is "No
# changes.", and the foreign state is unchanged.
check_step() {
	local name=$1 file=$2

	run_jailnet apply "$file"
	check_eq "$name: apply exits 0" 0 "$RC"
	check_not_contains "$name: apply leaves table handmade" "handmade" "$OUT"
	check_eq "$name: foreign state after apply" "$BEFORE" "$(foreign_state)"
	run_jailnet plan "$file"
	check_eq "$name: plan exits 0" 0 "$RC"
	check_eq "$name: plan after apply" "No changes." "$OUT"
	check_eq "$name: foreign state after plan" "$BEFORE" "$(foreign_state)"
}

check_step "add" "$FILE"
check_eq "add: other still a namespace" "foobar internet other web" "$(netns_names | paste -sd ' ')"
check_step "remove foobar" "$WORK/web-only.yaml"
check_step "add foobar again" "$FILE"
check_step "remove all" "$WORK/none.yaml"
check_eq "remove all: namespaces left" "internet other" "$(netns_names | paste -sd ' ')"
