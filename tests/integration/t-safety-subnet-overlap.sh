# A jail subnet that overlaps an address or route on the host that jailnet
# does not manage stops plan and apply before any change. They exit 1
# with one error per overlap that names the subnet, the namespace and the
# other prefix, then "nothing was changed". Adjacent prefixes and
# jailnet's own addresses and routes are no overlap.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
PLAN="Plan: 93 to add, 2 to change, 0 to remove."

# check_rejected NAME ERRORS: plan and apply of $FILE exit 1, print
# nothing to stdout, print exactly ERRORS and "nothing was changed" to
# stderr, and change nothing.
check_rejected() {
	local name=$1 errors=$2 before command

	check "$name: addresses settle" wait_dad_done
	before=$(network_snapshot)
	for command in plan apply; do
		run_jailnet "$command" "$FILE"
		check_eq "$name: $command exits 1" 1 "$RC"
		check_eq "$name: $command prints no changes" "" "$OUT"
		check_eq "$name: $command errors" "$errors
jailnet: error: nothing was changed" "$ERR"
	done
	check_eq "$name: nothing changed" "$before" "$(network_snapshot)"
}

# check_plan_ok NAME: plan of $FILE exits 0 with the full plan.
check_plan_ok() {
	run_jailnet plan "$FILE"
	check_eq "$1: plan exits 0" 0 "$RC"
	check_contains "$1: plan" "$PLAN" "$OUT"
}

check_plan_ok "clean host"

# An IPv4 address on the uplink whose /16 covers both jails; its prefix
# route is a second overlap.
ip addr add 10.97.0.1/16 dev uplink0
check_rejected "IPv4 address" "jailnet: error: subnet 10.97.3.0/30 of namespace foobar overlaps address 10.97.0.1/16 on uplink0, which jailnet does not manage; choose another subnet
jailnet: error: subnet 10.97.3.0/30 of namespace foobar overlaps route 10.97.0.0/16 on uplink0, which jailnet does not manage; choose another subnet
jailnet: error: subnet 10.97.4.0/30 of namespace web overlaps address 10.97.0.1/16 on uplink0, which jailnet does not manage; choose another subnet
jailnet: error: subnet 10.97.4.0/30 of namespace web overlaps route 10.97.0.0/16 on uplink0, which jailnet does not manage; choose another subnet"
ip addr del 10.97.0.1/16 dev uplink0

# An IPv6 address whose /120 lies inside web's /112.
ip addr add fd00:97::4:9/120 dev uplink0 nodad
check_rejected "IPv6 address" "jailnet: error: subnet fd00:97::4:0/112 of namespace web overlaps address fd00:97::4:9/120 on uplink0, which jailnet does not manage; choose another subnet
jailnet: error: subnet fd00:97::4:0/112 of namespace web overlaps route fd00:97::4:0/120 on uplink0, which jailnet does not manage; choose another subnet"
ip addr del fd00:97::4:9/120 dev uplink0

# Routes through the internet namespace: IPv4 covering foobar, IPv6
# covering both jails.
ip route add 10.97.3.0/24 via 192.0.2.2
ip -6 route add fd00:97::/64 via 2001:db8:1::2
check_rejected "routes" "jailnet: error: subnet 10.97.3.0/30 of namespace foobar overlaps route 10.97.3.0/24 on uplink0, which jailnet does not manage; choose another subnet
jailnet: error: subnet fd00:97::3:0/112 of namespace foobar overlaps route fd00:97::/64 on uplink0, which jailnet does not manage; choose another subnet
jailnet: error: subnet fd00:97::4:0/112 of namespace web overlaps route fd00:97::/64 on uplink0, which jailnet does not manage; choose another subnet"
ip route del 10.97.3.0/24 via 192.0.2.2
ip -6 route del fd00:97::/64 via 2001:db8:1::2

# Prefixes just below and just above foobar's /30, and an IPv6 prefix
# near foobar's, are no overlap.
ip route add 10.97.3.4/30 via 192.0.2.2
ip route add 10.97.2.0/24 via 192.0.2.2
ip -6 route add fd00:97::3:1:0/112 via 2001:db8:1::2
check_plan_ok "adjacent routes"

# A route in another routing table counts too, because policy routing
# uses it.
ip route add 10.97.4.0/29 via 192.0.2.2 table 100
check_rejected "route in table 100" "jailnet: error: subnet 10.97.4.0/30 of namespace web overlaps route 10.97.4.0/29 on uplink0, which jailnet does not manage; choose another subnet"
ip route del 10.97.4.0/29 via 192.0.2.2 table 100

# A blackhole route has no interface, but jailnet's connected /30 would
# still take part of its range away.
ip route add blackhole 10.97.3.0/29
check_rejected "blackhole route" "jailnet: error: subnet 10.97.3.0/30 of namespace foobar overlaps route 10.97.3.0/29, which jailnet does not manage; choose another subnet"
ip route del blackhole 10.97.3.0/29

# jailnet's own addresses and routes do not count; a foreign route added
# after apply does.
run_jailnet apply "$FILE"
check_eq "apply exits 0" 0 "$RC"
run_jailnet plan "$FILE"
check_eq "own prefixes: plan after apply" "No changes." "$OUT"
ip route add 10.97.4.0/24 via 192.0.2.2
check_rejected "route after apply" "jailnet: error: subnet 10.97.4.0/30 of namespace web overlaps route 10.97.4.0/24 on uplink0, which jailnet does not manage; choose another subnet"
