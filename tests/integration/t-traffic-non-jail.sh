# Traffic that involves no jail interface passes jailnet's base chains:
# between the host and the internet namespace, and forwarded between two
# non-jail namespaces through the host, with no DNAT or masquerade. A
# foreign nftables table is left as it was.
source "$(dirname "$0")/traffic.sh"

nft add table ip other
nft add chain ip other c
nft add set ip other s '{ type ipv4_addr; }'
nft add element ip other s '{ 198.51.100.9 }'
nft add rule ip other c ip daddr @s accept
FOREIGN=$(nft -j list table ip other)
# A foreign inet table with a base chain named like one of jailnet's.
nft add table inet other
nft add chain inet other input '{ type filter hook input priority 10; policy accept; }'
FOREIGN_INET=$(nft -j list table inet other)

make_internet

# A second non-jail namespace "lan", routed to the internet namespace
# through the host:
#   host lan0: 198.51.100.1/24, 2001:db8:2::1/64
#   lan lan1:  198.51.100.2/24, 2001:db8:2::2/64
ip netns add lan
ip link add lan0 type veth peer name lan1 netns lan
ip addr add 198.51.100.1/24 dev lan0
ip addr add 2001:db8:2::1/64 dev lan0 nodad
ip link set lan0 up
ip -n lan link set lo up
ip -n lan addr add 198.51.100.2/24 dev lan1
ip -n lan addr add 2001:db8:2::2/64 dev lan1 nodad
ip -n lan link set lan1 up
ip -n lan route add default via 198.51.100.1
ip -n lan -6 route add default via 2001:db8:2::1
ip -n internet route add 198.51.100.0/24 via 192.0.2.1
ip -n internet -6 route add 2001:db8:2::/64 via 2001:db8:1::1

# The jail publishes port 80 on the uplink, allows only icmp, and is
# masqueraded: none of it may touch the traffic above.
cat >"$WORK/jails.yaml" <<'EOF'
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
    publish:
      - 80:8080/tcp
EOF
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply exits 0" 0 "$RC"
check_eq "foreign table after apply" "$FOREIGN" "$(nft -j list table ip other)"
check_eq "foreign inet table after apply" "$FOREIGN_INET" "$(nft -j list table inet other)"

start_server internet tcp :: 7100 --peer
start_server internet udp :: 7100 --peer
start_server lan tcp :: 80,7200 --peer
start_server lan udp :: 7200
start_server host tcp :: 7300
start_server host udp :: 7300

for family in 4 6; do
	if [[ $family == 4 ]]; then
		inet=192.0.2.2 uplink=192.0.2.1 lan=198.51.100.2 lan_end=198.51.100.1
	else
		inet=2001:db8:1::2 uplink=2001:db8:1::1 lan=2001:db8:2::2 lan_end=2001:db8:2::1
	fi

	expect_reply "host to internet tcp v$family" host tcp "$inet" 7100
	expect_reply "host to internet udp v$family" host udp "$inet" 7100
	expect_ping "host ping internet v$family" host "$inet"
	expect_reply "internet to host tcp v$family" internet tcp "$uplink" 7300
	expect_reply "internet to host udp v$family" internet udp "$uplink" 7300
	expect_ping "internet ping host v$family" internet "$uplink"
	expect_reply "lan to host tcp v$family" lan tcp "$lan_end" 7300
	expect_reply "internet to lan tcp v$family" internet tcp "$lan" 7200
	expect_reply "internet to lan udp v$family" internet udp "$lan" 7200
	expect_ping "internet ping lan v$family" internet "$lan"
	expect_ping "lan ping internet v$family" lan "$inet"
	# The table is live: the jail may not reach the same server, and its
	# icmp entry covers only traffic that leaves through its uplink.
	expect_drop "jail to internet tcp v$family" web tcp "$inet" 7100
	expect_ping "jail ping internet v$family" web "$inet"
	expect_ping_drop "jail ping lan v$family" web "$lan"
	check_probes

	# Forwarded non-jail traffic is neither masqueraded nor DNATed.
	check_eq "lan to internet tcp v$family" "pong from 7100 peer $lan" \
		"$(probe_output lan tcp "$inet" 7100)"
	check_eq "lan to internet udp v$family" "pong from 7100 peer $lan" \
		"$(probe_output lan udp "$inet" 7100)"
	check_eq "internet to lan tcp 80 v$family" "pong from 80 peer $inet" \
		"$(probe_output internet tcp "$lan" 80)"
done

# A second apply that changes jailnet's own table leaves the foreign one
# alone too.
cat >>"$WORK/jails.yaml" <<'EOF'
  mail:
    subnets:
      - 10.97.5.0/30
    uplink: wan
    allow:
      - 25/tcp
EOF
run_jailnet apply "$WORK/jails.yaml"
check_eq "second apply exits 0" 0 "$RC"
check_contains "second apply adds mail" "mail" "$OUT"
check_eq "foreign table after second apply" "$FOREIGN" "$(nft -j list table ip other)"
check_eq "foreign inet table after second apply" "$FOREIGN_INET" "$(nft -j list table inet other)"
