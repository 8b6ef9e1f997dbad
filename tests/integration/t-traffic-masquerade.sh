# Masquerade (IPv4 and IPv6): a jail's traffic reaches the internet
# namespace with the uplink address 192.0.2.1 or 2001:db8:1::1 as source.
# With `masquerade: false` the source is the jail's own address.
source "$(dirname "$0")/traffic.sh"
make_internet

write_config() {
	cat >"$WORK/jails.yaml" <<-EOF
		version: 1
		uplinks:
		  wan:
		    interface: uplink0
		    masquerade: $1
		namespaces:
		  alpha:
		    subnets:
		      - 10.97.3.0/30
		      - fd00:97::3:0/112
		    uplink: wan
		    allow:
		      - 7000/tcp
		      - 7000/udp
		      - icmp
	EOF
}

write_config true
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply exits 0" 0 "$RC"

start_server internet tcp :: 7000 --peer
start_server internet udp :: 7000 --peer

# The internet namespace has no route to the jails yet, so every reply
# below comes back through masquerade.
check_eq "masquerade tcp v4" "pong from 7000 peer 192.0.2.1" \
	"$(probe_output alpha tcp 192.0.2.2 7000)"
check_eq "masquerade udp v4" "pong from 7000 peer 192.0.2.1" \
	"$(probe_output alpha udp 192.0.2.2 7000)"
check_eq "masquerade tcp v6" "pong from 7000 peer 2001:db8:1::1" \
	"$(probe_output alpha tcp 2001:db8:1::2 7000)"
check_eq "masquerade udp v6" "pong from 7000 peer 2001:db8:1::1" \
	"$(probe_output alpha udp 2001:db8:1::2 7000)"
expect_ping "masquerade ping v4" alpha 192.0.2.2
expect_ping "masquerade ping v6" alpha 2001:db8:1::2
check_probes

write_config false
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply without masquerade exits 0" 0 "$RC"

# Without masquerade the replies need a route back to the jail.
route_jails_from_internet
check_eq "no masquerade tcp v4" "pong from 7000 peer 10.97.3.2" \
	"$(probe_output alpha tcp 192.0.2.2 7000)"
check_eq "no masquerade udp v4" "pong from 7000 peer 10.97.3.2" \
	"$(probe_output alpha udp 192.0.2.2 7000)"
check_eq "no masquerade tcp v6" "pong from 7000 peer fd00:97::3:2" \
	"$(probe_output alpha tcp 2001:db8:1::2 7000)"
check_eq "no masquerade udp v6" "pong from 7000 peer fd00:97::3:2" \
	"$(probe_output alpha udp 2001:db8:1::2 7000)"
