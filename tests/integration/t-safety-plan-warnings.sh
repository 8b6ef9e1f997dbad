# plan and apply warn about host settings that would break jails. A
# warning goes to stderr as "jailnet: warning: ..." and leaves the exit
# status as it is. The settings: a forward base chain with policy drop in
# another table, an uplink with accept_ra 1 when apply is about to switch
# IPv6 forwarding on, and strict reverse path filtering on an uplink.
# Each warning is checked where it applies and where it does not.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
# The facts each warning must state; the wording around them may change.
ACCEPT_RA="stops accepting router advertisements on uplink0 (accept_ra is 1); if uplink0 gets its IPv6 route by SLAAC, set net.ipv6.conf.uplink0.accept_ra=2"
# The table is "filter" or, with its family, "ip filter". The ip6 case
# below checks that the family is named.
FORWARD_DROP="chain FORWARD in table *filter has hook forward and policy drop"
RP_FILTER="strict reverse path filtering is on for uplink0"

# check_matches NAME PATTERN TEXT: TEXT matches the glob PATTERN.
check_matches() {
	if [[ "$3" == $2 ]]; then pass; else fail "$1: \"$3\" does not match \"$2\""; fi
}

# check_warning NAME FACTS: stderr of the last run is one warning that
# contains FACTS.
check_warning() {
	check_matches "$1" "jailnet: warning: *$2*" "$ERR"
	check_eq "$1: one line" 1 "$(wc -l <<<"$ERR")"
}

# The sandbox starts with forwarding off and accept_ra 1 on uplink0.
check_eq "IPv6 forwarding off" 0 "$(cat /proc/sys/net/ipv6/conf/all/forwarding)"
check_eq "accept_ra is 1" 1 "$(cat /proc/sys/net/ipv6/conf/uplink0/accept_ra)"

run_jailnet plan "$FILE"
check_eq "accept_ra 1: plan exits 0" 0 "$RC"
check_warning "accept_ra 1: warning" "$ACCEPT_RA"
check_contains "accept_ra 1: JSON warning" "$ACCEPT_RA" \
	"$("$JAILNET" plan --json "$FILE" 2>/dev/null | jq -r '.warnings[]')"

echo 2 >/proc/sys/net/ipv6/conf/uplink0/accept_ra
run_jailnet plan "$FILE"
check_eq "accept_ra 2: no warning" "" "$ERR"
echo 0 >/proc/sys/net/ipv6/conf/uplink0/accept_ra
run_jailnet plan "$FILE"
check_eq "accept_ra 0: no warning" "" "$ERR"

# With IPv6 forwarding already on, nothing is about to change it.
echo 1 >/proc/sys/net/ipv6/conf/all/forwarding
echo 1 >/proc/sys/net/ipv6/conf/uplink0/accept_ra
run_jailnet plan "$FILE"
check_eq "forwarding already on: no warning" "" "$ERR"
echo 0 >/proc/sys/net/ipv6/conf/all/forwarding
echo 2 >/proc/sys/net/ipv6/conf/uplink0/accept_ra

# A forward chain with policy drop, as `iptables -P FORWARD DROP` makes
# it (iptables-nft: table ip filter, chain FORWARD).
check "iptables policy drop" iptables -P FORWARD DROP
run_jailnet plan "$FILE"
check_eq "forward drop: plan exits 0" 0 "$RC"
check_warning "forward drop: warning" "$FORWARD_DROP"
run_jailnet apply "$FILE"
check_eq "forward drop: apply exits 0" 0 "$RC"
check_warning "forward drop: apply warns" "$FORWARD_DROP"

check "iptables policy accept" iptables -P FORWARD ACCEPT
run_jailnet plan "$FILE"
check_eq "forward accept: no warning" "" "$ERR"

# The same chain in table ip6 filter needs its family in the warning, or
# it reads as table ip filter.
check "ip6tables policy drop" ip6tables -P FORWARD DROP
run_jailnet plan "$FILE"
check_contains "ip6 forward drop: warning names the family" \
	"chain FORWARD in table ip6 filter has hook forward and policy drop" "$ERR"
check "ip6tables policy accept" ip6tables -P FORWARD ACCEPT

# A base chain of another hook with policy drop is no concern here.
nft add table inet other
nft add chain inet other input '{ type filter hook input priority 0; policy drop; }'
run_jailnet plan "$FILE"
check_eq "input drop: no warning" "" "$ERR"
nft delete table inet other

echo 1 >/proc/sys/net/ipv4/conf/uplink0/rp_filter
run_jailnet plan "$FILE"
check_warning "rp_filter 1: warning" "$RP_FILTER"
echo 2 >/proc/sys/net/ipv4/conf/uplink0/rp_filter
run_jailnet plan "$FILE"
check_eq "rp_filter 2: no warning" "" "$ERR"
