# A jail reaches the host itself only through its `host` entries, on its
# own host-end address, and with ICMPv6 neighbour discovery. Other ports,
# the uplink address, another jail's host end and `allow: any` give it
# nothing on the host.
source "$(dirname "$0")/traffic.sh"
make_internet

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
    host:
      - 53/udp
      - icmp
  plain:
    subnets:
      - 10.97.5.0/30
      - fd00:97::5:0/112
    uplink: wan
    allow:
      - any
EOF
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply exits 0" 0 "$RC"

# The host's services listen on every address, the uplink's included.
start_server host udp :: 53,5353
start_server host tcp :: 53,2222
start_server web udp :: 7000

for family in 4 6; do
	if [[ $family == 4 ]]; then
		web_end=10.97.4.1 plain_end=10.97.5.1 uplink=192.0.2.1
	else
		web_end=fd00:97::4:1 plain_end=fd00:97::5:1 uplink=2001:db8:1::1
	fi

	# Controls: every service replies to the internet namespace.
	expect_reply "internet to host udp 53 v$family" internet udp "$uplink" 53
	expect_reply "internet to host udp 5353 v$family" internet udp "$uplink" 5353
	expect_reply "internet to host tcp 53 v$family" internet tcp "$uplink" 53
	expect_reply "internet to host tcp 2222 v$family" internet tcp "$uplink" 2222

	# web: its host entries on its own host end, nothing else.
	expect_reply "web udp 53 v$family" web udp "$web_end" 53
	expect_ping "web ping host end v$family" web "$web_end"
	expect_drop "web udp 5353 v$family" web udp "$web_end" 5353
	expect_drop "web tcp 53 v$family" web tcp "$web_end" 53
	expect_drop "web tcp 2222 v$family" web tcp "$web_end" 2222
	expect_drop "web udp 53 on uplink v$family" web udp "$uplink" 53
	expect_ping_drop "web ping uplink v$family" web "$uplink"
	expect_drop "web udp 53 on plain's end v$family" web udp "$plain_end" 53

	# plain: no host entries, and `any` covers only traffic through the
	# uplink.
	expect_drop "plain udp 53 v$family" plain udp "$plain_end" 53
	expect_ping_drop "plain ping host end v$family" plain "$plain_end"
	expect_drop "plain udp 53 on uplink v$family" plain udp "$uplink" 53
	expect_drop "plain tcp 2222 on uplink v$family" plain tcp "$uplink" 2222
	check_probes
done

# Neighbour discovery: with both neighbour caches empty, the jail's
# solicitation and the host's, and the advertisements that reply to
# them, must pass.
ip -6 neigh flush dev web-out
ip -n web -6 neigh flush dev web-in
expect_reply "web udp 53 after neighbour flush" web udp fd00:97::4:1 53
check_probes
ip -6 neigh flush dev web-out
ip -n web -6 neigh flush dev web-in
expect_reply "host to web after neighbour flush" host udp fd00:97::4:2 7000
check_probes
