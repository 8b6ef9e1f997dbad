# Drift of namespaces, veth pairs, addresses and routes. After apply, one
# object is changed by hand. Plan must list exactly the repair, apply must
# make it, and the plan after that must be empty. Some cases list more
# than the object changed by hand, because the kernel removes other
# objects with it. Each case says which.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml

run_jailnet apply "$FILE"
check_eq "first apply exits 0" 0 "$RC"

# The web jail is never changed by hand, so its state must stay as it is.
web_state() {
	ip -j -d link show web-out
	ip -j addr show web-out
	ip -n web -j -d link show
	ip -n web -j addr show
	ip -n web -j -4 route show table all
	ip -n web -j -6 route show table all
}
check "addresses settle" wait_dad_done
WEB_BEFORE=$(web_state)

# Addresses of the host end.
ip addr del 10.97.3.1/30 dev foobar-out
check_drift "host end IPv4 address" "$FILE" "+ foobar: address 10.97.3.1/30 on foobar-out
Plan: 1 to add, 0 to change, 0 to remove."
check_eq "host end IPv4 address: read back" "10.97.3.1/30 fd00:97::3:1/112" \
	"$(global_addrs "" foobar-out)"

ip addr del fd00:97::3:1/112 dev foobar-out
check_drift "host end IPv6 address" "$FILE" "+ foobar: address fd00:97::3:1/112 on foobar-out
Plan: 1 to add, 0 to change, 0 to remove."
check_eq "host end IPv6 address: read back" "10.97.3.1/30 fd00:97::3:1/112" \
	"$(global_addrs "" foobar-out)"

# Addresses of the jail end. Without an IPv4 address on foobar-in the
# kernel also drops the IPv4 routes through it, the default route too.
ip -n foobar addr del 10.97.3.2/30 dev foobar-in
check_drift "jail end IPv4 address" "$FILE" "+ foobar: address 10.97.3.2/30 on foobar-in in foobar
+ foobar: route default via 10.97.3.1 dev foobar-in in foobar
Plan: 2 to add, 0 to change, 0 to remove."
check_eq "jail end IPv4 address: read back" "10.97.3.2/30 fd00:97::3:2/112" \
	"$(global_addrs foobar foobar-in)"
check_eq "jail end IPv4 address: route back" "10.97.3.1 foobar-in 213" \
	"$(default_route foobar 4)"

ip -n foobar addr del fd00:97::3:2/112 dev foobar-in
check_drift "jail end IPv6 address" "$FILE" "+ foobar: address fd00:97::3:2/112 on foobar-in in foobar
Plan: 1 to add, 0 to change, 0 to remove."
check_eq "jail end IPv6 address: read back" "10.97.3.2/30 fd00:97::3:2/112" \
	"$(global_addrs foobar foobar-in)"

# Default routes.
ip -n foobar -4 route del default
check_drift "IPv4 default route" "$FILE" "+ foobar: route default via 10.97.3.1 dev foobar-in in foobar
Plan: 1 to add, 0 to change, 0 to remove."
check_eq "IPv4 default route: read back" "10.97.3.1 foobar-in 213" "$(default_route foobar 4)"

ip -n foobar -6 route del default
check_drift "IPv6 default route" "$FILE" "+ foobar: route default via fd00:97::3:1 dev foobar-in in foobar
Plan: 1 to add, 0 to change, 0 to remove."
check_eq "IPv6 default route: read back" "fd00:97::3:1 foobar-in 213" "$(default_route foobar 6)"

# Links set down. A link that goes down loses its IPv6 addresses (kernel
# default net.ipv6.conf.*.keep_addr_on_down=0) and the routes through it.
# So the jail end going down also takes both default routes with it.
ip link set foobar-out down
check_drift "host end down" "$FILE" "~ foobar: veth foobar-out (host end) <-> foobar-in in foobar (host end down, jail end up -> host end up, jail end up)
+ foobar: address fd00:97::3:1/112 on foobar-out
Plan: 1 to add, 1 to change, 0 to remove."
check_eq "host end down: up again" "UP" "$(ip -j link show foobar-out | jq -r '.[0].operstate')"
check_eq "host end down: addresses back" "10.97.3.1/30 fd00:97::3:1/112" \
	"$(global_addrs "" foobar-out)"

ip -n foobar link set foobar-in down
check_drift "jail end down" "$FILE" "~ foobar: veth foobar-out (host end) <-> foobar-in in foobar (host end up, jail end down -> host end up, jail end up)
+ foobar: address fd00:97::3:2/112 on foobar-in in foobar
+ foobar: route default via 10.97.3.1 dev foobar-in in foobar
+ foobar: route default via fd00:97::3:1 dev foobar-in in foobar
Plan: 3 to add, 1 to change, 0 to remove."
check_eq "jail end down: up again" "UP" \
	"$(ip -n foobar -j link show foobar-in | jq -r '.[0].operstate')"
check_eq "jail end down: addresses back" "10.97.3.2/30 fd00:97::3:2/112" \
	"$(global_addrs foobar foobar-in)"
check_eq "jail end down: IPv4 route back" "10.97.3.1 foobar-in 213" "$(default_route foobar 4)"
check_eq "jail end down: IPv6 route back" "fd00:97::3:1 foobar-in 213" "$(default_route foobar 6)"

ip -n foobar link set lo down
check_drift "lo down" "$FILE" "~ foobar: netns foobar (lo down -> lo up)
Plan: 0 to add, 1 to change, 0 to remove."
check_eq "lo down: up again" "true" \
	"$(ip -n foobar -j link show lo | jq '.[0].flags | index("UP") != null')"
check_eq "lo down: mark kept" "27246" "$(ip -n foobar -j -d link show lo | jq -r '.[0].group')"

# The veth pair deleted: both ends go, with their addresses and the routes.
ip link del foobar-out
check_drift "veth deleted" "$FILE" "+ foobar: veth foobar-out (host end) <-> foobar-in in foobar
+ foobar: address 10.97.3.1/30 on foobar-out
+ foobar: address fd00:97::3:1/112 on foobar-out
+ foobar: address 10.97.3.2/30 on foobar-in in foobar
+ foobar: address fd00:97::3:2/112 on foobar-in in foobar
+ foobar: route default via 10.97.3.1 dev foobar-in in foobar
+ foobar: route default via fd00:97::3:1 dev foobar-in in foobar
Plan: 7 to add, 0 to change, 0 to remove."
check_eq "veth deleted: host end marked" "27246" "$(ip -j -d link show foobar-out | jq -r '.[0].group')"
check_eq "veth deleted: jail end marked" "27246" \
	"$(ip -n foobar -j -d link show foobar-in | jq -r '.[0].group')"
check_eq "veth deleted: host end addresses" "10.97.3.1/30 fd00:97::3:1/112" \
	"$(global_addrs "" foobar-out)"
check_eq "veth deleted: jail end addresses" "10.97.3.2/30 fd00:97::3:2/112" \
	"$(global_addrs foobar foobar-in)"
check_eq "veth deleted: IPv4 route" "10.97.3.1 foobar-in 213" "$(default_route foobar 4)"
check_eq "veth deleted: IPv6 route" "fd00:97::3:1 foobar-in 213" "$(default_route foobar 6)"

# The namespace deleted as an operator would. The kernel destroys it, and
# the veth with it, in the background, so plan runs once the host end is
# gone.
ip netns del foobar
check "netns deleted: host end goes" wait_for bash -c '! ip link show foobar-out'
check_drift "netns deleted" "$FILE" "+ foobar: netns foobar
+ foobar: veth foobar-out (host end) <-> foobar-in in foobar
+ foobar: address 10.97.3.1/30 on foobar-out
+ foobar: address fd00:97::3:1/112 on foobar-out
+ foobar: address 10.97.3.2/30 on foobar-in in foobar
+ foobar: address fd00:97::3:2/112 on foobar-in in foobar
+ foobar: route default via 10.97.3.1 dev foobar-in in foobar
+ foobar: route default via fd00:97::3:1 dev foobar-in in foobar
Plan: 8 to add, 0 to change, 0 to remove."
check_eq "netns deleted: namespaces" "foobar internet web" "$(netns_names | paste -sd ' ')"
check_eq "netns deleted: lo up and marked" "UNKNOWN 27246" \
	"$(ip -n foobar -j -d link show lo | jq -r '.[0] | "\(.operstate) \(.group)"')"
check_eq "netns deleted: jail end up" "UP" \
	"$(ip -n foobar -j link show foobar-in | jq -r '.[0].operstate')"
check_eq "netns deleted: jail end addresses" "10.97.3.2/30 fd00:97::3:2/112" \
	"$(global_addrs foobar foobar-in)"
check_eq "netns deleted: IPv4 route" "10.97.3.1 foobar-in 213" "$(default_route foobar 4)"
check_eq "netns deleted: IPv6 route" "fd00:97::3:1 foobar-in 213" "$(default_route foobar 6)"

check_eq "web jail untouched" "$WEB_BEFORE" "$(web_state)"
