# Traffic towards a jail passes only as a published port that arrived on
# the uplink and was DNATed to the jail: uplink port 80 reaches the jail's
# listener on 8080. Other jail ports, and the published jail port itself
# when addressed directly, stay unreachable from the internet namespace
# even with a route to the jail. The host's own processes may connect to
# a jail.
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
    publish:
      - 80:8080/tcp
      - 5300:5301/udp
      - 9132/sctp
  other:
    subnets:
      - 10.97.5.0/30
      - fd00:97::5:0/112
    uplink: wan
    allow:
      - any
EOF
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply exits 0" 0 "$RC"

start_server web tcp :: 8080,9000 --peer
start_server web udp :: 5301,5399 --peer

for family in 4 6; do
	if [[ $family == 4 ]]; then
		uplink=192.0.2.1 client=192.0.2.2
	else
		uplink=2001:db8:1::1 client=2001:db8:1::2
	fi

	# The published ports are DNATed to the jail's ports, and the source
	# stays the client's own address.
	reply=$(probe_output internet tcp "$uplink" 80)
	check_contains "publish tcp 80 to 8080 v$family" "pong from 8080 " "$reply"
	check_contains "publish tcp keeps client v$family" " peer $client" "$reply"
	reply=$(probe_output internet udp "$uplink" 5300)
	check_contains "publish udp 5300 to 5301 v$family" "pong from 5301 " "$reply"
	check_contains "publish udp keeps client v$family" " peer $client" "$reply"

	# Another jail reaching the uplink address is not DNATed.
	expect_drop "other jail to uplink port 80 v$family" other tcp "$uplink" 80
	check_probes
done

# Give the internet namespace a route to the jails, so that only
# jailnet's rules can keep it from the jail's ports.
route_jails_from_internet
for family in 4 6; do
	if [[ $family == 4 ]]; then
		jail=10.97.4.2
	else
		jail=fd00:97::4:2
	fi

	# Controls: the host's own processes reach every jail port.
	expect_reply "host to jail tcp 9000 v$family" host tcp "$jail" 9000
	expect_reply "host to jail tcp 8080 v$family" host tcp "$jail" 8080
	expect_reply "host to jail udp 5399 v$family" host udp "$jail" 5399
	expect_reply "host to jail udp 5301 v$family" host udp "$jail" 5301

	expect_drop "internet to jail tcp 9000 v$family" internet tcp "$jail" 9000
	expect_drop "internet to jail tcp 8080 v$family" internet tcp "$jail" 8080
	expect_drop "internet to jail udp 5399 v$family" internet udp "$jail" 5399
	expect_drop "internet to jail udp 5301 v$family" internet udp "$jail" 5301
	check_probes
done

if reason=$(sctp_missing); then
	skip "publish sctp 9132" "$reason"
else
	start_server web sctp :: 9132
	for uplink in 192.0.2.1 2001:db8:1::1; do
		expect_reply "publish sctp 9132 $uplink" internet sctp "$uplink" 9132
	done
	check_probes
fi
