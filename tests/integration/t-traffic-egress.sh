# Traffic that a jail starts through its uplink passes only when an allow
# entry matches: port and protocol, destination prefix (long form), icmp
# echo, or any. Everything else times out, and so does all traffic from
# one jail to another, even between two jails that both allow any.
source "$(dirname "$0")/traffic.sh"
make_internet
ip -n internet addr add 192.0.2.7/24 dev inet0
ip -n internet addr add 2001:db8:1::7/64 dev inet0 nodad

# A second uplink to a second internet namespace:
#   host uplink1: 203.0.113.1/24, 2001:db8:3::1/64
#   internet2 inet1: 203.0.113.2/24, 2001:db8:3::2/64
ip netns add internet2
ip link add uplink1 type veth peer name inet1 netns internet2
ip addr add 203.0.113.1/24 dev uplink1
ip addr add 2001:db8:3::1/64 dev uplink1 nodad
ip link set uplink1 up
ip -n internet2 link set lo up
ip -n internet2 addr add 203.0.113.2/24 dev inet1
ip -n internet2 addr add 2001:db8:3::2/64 dev inet1 nodad
ip -n internet2 link set inet1 up

# Routes back to the jails, so that traffic leaving through the wrong
# uplink (and so not masqueraded) would still get a reply, so only
# jailnet's drop can make it time out.
route_jails_from_internet
ip -n internet2 route add 10.97.0.0/16 via 203.0.113.1
ip -n internet2 -6 route add fd00:97::/32 via 2001:db8:3::1

cat >"$WORK/jails.yaml" <<'EOF'
version: 1
uplinks:
  wan:
    interface: uplink0
  wan2:
    interface: uplink1
namespaces:
  alpha:
    subnets:
      - 10.97.1.0/30
      - fd00:97::1:0/112
    uplink: wan
    allow:
      - 123/udp
      - 80,443/tcp
      - 8000-8100/tcp
      - icmp
      - { ports: 5432, proto: tcp, to: 192.0.2.7 }
      - { ports: 5432, proto: tcp, to: "2001:db8:1::4/126" }
      - 9132/sctp
  beta:
    subnets:
      - 10.97.2.0/30
      - fd00:97::2:0/112
    uplink: wan
    allow:
      - any
  gamma:
    subnets:
      - 10.97.6.0/30
      - fd00:97::6:0/112
    uplink: wan
    allow:
      - any
  delta:
    subnets:
      - 10.97.7.0/30
      - fd00:97::7:0/112
    uplink: wan
  zeta:
    subnets:
      - 10.97.8.0/30
      - fd00:97::8:0/112
    uplink: wan2
    allow:
      - any
EOF
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply exits 0" 0 "$RC"

start_server internet tcp :: 22,80,443,5432,7999,8000,8100,8101
start_server internet udp :: 53,80,123
start_server internet2 tcp :: 22
for jail in beta gamma; do
	start_server "$jail" tcp :: 7000
	start_server "$jail" udp :: 7000
done

for family in 4 6; do
	if [[ $family == 4 ]]; then
		inet=192.0.2.2 inet7=192.0.2.7 inet2=203.0.113.2 beta=10.97.2.2 gamma=10.97.6.2
	else
		inet=2001:db8:1::2 inet7=2001:db8:1::7 inet2=2001:db8:3::2 beta=fd00:97::2:2 gamma=fd00:97::6:2
	fi

	# Controls: the servers behind the drop checks reply to the host.
	for port in 22 5432 7999 8101; do
		expect_reply "host to internet tcp $port v$family" host tcp "$inet" "$port"
	done
	for port in 53 80; do
		expect_reply "host to internet udp $port v$family" host udp "$inet" "$port"
	done
	for jail in beta gamma; do
		expect_reply "host to $jail tcp v$family" host tcp "${!jail}" 7000
		expect_reply "host to $jail udp v$family" host udp "${!jail}" 7000
	done

	# alpha: port lists, a range, a destination prefix and icmp.
	expect_reply "alpha udp 123 v$family" alpha udp "$inet" 123
	expect_reply "alpha tcp 80 v$family" alpha tcp "$inet" 80
	expect_reply "alpha tcp 443 v$family" alpha tcp "$inet" 443
	expect_reply "alpha tcp 8000 v$family" alpha tcp "$inet" 8000
	expect_reply "alpha tcp 8100 v$family" alpha tcp "$inet" 8100
	expect_drop "alpha tcp 7999 v$family" alpha tcp "$inet" 7999
	expect_drop "alpha tcp 8101 v$family" alpha tcp "$inet" 8101
	expect_drop "alpha tcp 22 v$family" alpha tcp "$inet" 22
	expect_drop "alpha udp 80 v$family" alpha udp "$inet" 80
	expect_drop "alpha udp 53 v$family" alpha udp "$inet" 53
	expect_reply "alpha tcp 5432 to .7 v$family" alpha tcp "$inet7" 5432
	expect_drop "alpha tcp 5432 to .2 v$family" alpha tcp "$inet" 5432
	expect_ping "alpha ping v$family" alpha "$inet"

	# beta allows any; delta has an uplink and no allow entry.
	expect_reply "beta tcp 22 v$family" beta tcp "$inet" 22
	expect_reply "beta udp 53 v$family" beta udp "$inet" 53
	expect_ping "beta ping v$family" beta "$inet"
	expect_ping_drop "delta ping v$family" delta "$inet"
	expect_drop "delta tcp 80 v$family" delta tcp "$inet" 80

	# Each jail leaves only through its own uplink, even with any.
	expect_reply "host to internet2 tcp 22 v$family" host tcp "$inet2" 22
	expect_reply "zeta tcp 22 on wan2 v$family" zeta tcp "$inet2" 22
	expect_drop "zeta tcp 22 on wan v$family" zeta tcp "$inet" 22
	expect_drop "beta tcp 22 on wan2 v$family" beta tcp "$inet2" 22

	# Jail to jail: dropped, even between two jails that allow any.
	expect_drop "beta to gamma tcp v$family" beta tcp "$gamma" 7000
	expect_drop "beta to gamma udp v$family" beta udp "$gamma" 7000
	expect_ping_drop "beta to gamma ping v$family" beta "$gamma"
	expect_drop "gamma to beta tcp v$family" gamma tcp "$beta" 7000
	expect_drop "alpha to beta tcp v$family" alpha tcp "$beta" 7000
	check_probes
done

# SCTP: the allow entry 9132/sctp has its set element either way; the
# traffic check needs SCTP sockets.
check_eq "allow4 has the sctp entry" 1 \
	"$(nft -j list set inet jailnet allow4 | jq '[.nftables[].set.elem[]? | .elem.val.concat | select(.[2] == "sctp" and .[3] == 9132)] | length')"
if reason=$(sctp_missing); then
	skip "alpha sctp 9132" "$reason"
	skip "alpha sctp 9133" "$reason"
else
	start_server internet sctp :: 9132,9133
	for inet in 192.0.2.2 2001:db8:1::2; do
		expect_reply "host to internet sctp 9133 $inet" host sctp "$inet" 9133
		expect_reply "alpha sctp 9132 $inet" alpha sctp "$inet" 9132
		expect_drop "alpha sctp 9133 $inet" alpha sctp "$inet" 9133
	done
	check_probes
fi
