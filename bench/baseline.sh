#!/bin/bash
# The shell script an operator writes today for the jails that jailnet
# makes, used by bench/run as the baseline:
#
#   bench/baseline.sh up JAIL_LIST     make every jail, then load the ruleset
#   bench/baseline.sh down JAIL_LIST   remove the ruleset and every jail
#
# JAIL_LIST has one jail a line, fields separated by spaces:
#
#   NAME HOST4/LEN JAIL4/LEN HOST6/LEN JAIL6/LEN UPLINK TCP_PORTS UDP_PORTS
#   j0001 10.100.0.1/30 10.100.0.2/30 fd00:99::1:1/112 fd00:99::1:2/112 uplink0 443,5201 53
#
# TCP_PORTS and UDP_PORTS are comma-separated, or "-" for none. Each jail
# gets a namespace NAME, a veth pair NAME-out (host) <-> NAME-in (jail),
# the four addresses (IPv6 with nodad), its links and lo up, and IPv4 and
# IPv6 default routes via the host end. Forwarding is switched on once.
# Then one `nft -f` loads table inet jails. Its forward chain accepts
# established traffic, and per jail the listed ports from the jail's
# address out through its uplink. It drops everything else from or to a
# jail. The postrouting chain masquerades each jail's address on its
# uplink. Unlike jailnet's table, this one does not filter traffic from a
# jail to the host itself (no input chain), so it is a little less work.
# `down` deletes the table and the namespaces, and leaves forwarding on,
# as jailnet does.
#
# One command at a time, as written by hand: no parallel jobs and no
# `ip -batch`. Run it only inside tests/sandbox.
set -euo pipefail

usage() {
	echo "usage: bench/baseline.sh up|down JAIL_LIST" >&2
	exit 1
}

# Print the nft rules of one address family for one jail.
jail_rules() {
	local name=$1 family=$2 address=$3 uplink=$4 tcp=$5 udp=$6

	if [[ $tcp != - ]]; then
		printf '\t\tiifname "%s-out" oifname "%s" %s saddr %s tcp dport { %s } accept\n' \
			"$name" "$uplink" "$family" "$address" "${tcp//,/, }"
	fi
	if [[ $udp != - ]]; then
		printf '\t\tiifname "%s-out" oifname "%s" %s saddr %s udp dport { %s } accept\n' \
			"$name" "$uplink" "$family" "$address" "${udp//,/, }"
	fi
}

# Print the whole ruleset for JAIL_LIST on stdout, in the syntax of nft -f.
print_ruleset() {
	local list=$1 name host4 jail4 host6 jail6 uplink tcp udp

	# Declaring the table first lets the delete succeed when it is absent,
	# so the file replaces any table left by an earlier run.
	printf 'table inet jails\ndelete table inet jails\n'
	printf 'table inet jails {\n'
	printf '\tchain forward {\n'
	printf '\t\ttype filter hook forward priority filter; policy accept;\n'
	printf '\t\tct state established,related accept\n'
	while read -r name host4 jail4 host6 jail6 uplink tcp udp; do
		jail_rules "$name" ip "${jail4%/*}" "$uplink" "$tcp" "$udp"
		jail_rules "$name" ip6 "${jail6%/*}" "$uplink" "$tcp" "$udp"
		printf '\t\tiifname "%s-out" drop\n' "$name"
		printf '\t\toifname "%s-out" drop\n' "$name"
	done <"$list"
	printf '\t}\n'
	printf '\tchain postrouting {\n'
	printf '\t\ttype nat hook postrouting priority srcnat; policy accept;\n'
	while read -r name host4 jail4 host6 jail6 uplink tcp udp; do
		printf '\t\toifname "%s" ip saddr %s masquerade\n' "$uplink" "${jail4%/*}"
		printf '\t\toifname "%s" ip6 saddr %s masquerade\n' "$uplink" "${jail6%/*}"
	done <"$list"
	printf '\t}\n'
	printf '}\n'
}

jails_up() {
	local list=$1 name host4 jail4 host6 jail6 uplink tcp udp

	while read -r name host4 jail4 host6 jail6 uplink tcp udp; do
		ip netns add "$name"
		ip link add "$name-out" type veth peer name "$name-in" netns "$name"
		ip addr add "$host4" dev "$name-out"
		ip addr add "$host6" dev "$name-out" nodad
		ip -n "$name" addr add "$jail4" dev "$name-in"
		ip -n "$name" addr add "$jail6" dev "$name-in" nodad
		ip link set "$name-out" up
		ip -n "$name" link set lo up
		ip -n "$name" link set "$name-in" up
		ip -n "$name" route add default via "${host4%/*}"
		ip -n "$name" -6 route add default via "${host6%/*}"
	done <"$list"
	sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	print_ruleset "$list" | nft -f -
}

jails_down() {
	local list=$1 name host4 jail4 host6 jail6 uplink tcp udp

	if nft list table inet jails >/dev/null 2>&1; then
		nft delete table inet jails
	fi
	# Deleting a namespace also deletes the veth pair with one end in it,
	# with the addresses and routes, so no `ip link del` is needed. The
	# kernel finishes that removal after `ip netns del` returns.
	while read -r name host4 jail4 host6 jail6 uplink tcp udp; do
		ip netns del "$name"
	done <"$list"
}

if [[ $# -ne 2 ]]; then
	usage
fi
if [[ "${JAILNET_SANDBOX:-}" != "inside" ]]; then
	echo "bench/baseline.sh changes network state; run it inside tests/sandbox" >&2
	exit 1
fi
case $1 in
up) jails_up "$2" ;;
down) jails_down "$2" ;;
*) usage ;;
esac
