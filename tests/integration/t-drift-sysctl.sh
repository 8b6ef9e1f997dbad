# Drift of the forwarding sysctls. After apply they are set to 0 by hand.
# Plan must show the change back to 1, and apply must make it.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml

run_jailnet apply "$FILE"
check_eq "first apply exits 0" 0 "$RC"

sysctl -q -w net.ipv4.ip_forward=0
check_drift "IPv4 forwarding off" "$FILE" "~ host: sysctl net.ipv4.ip_forward (0 -> 1)
Plan: 0 to add, 1 to change, 0 to remove."
check_eq "IPv4 forwarding: read back" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"

sysctl -q -w net.ipv6.conf.all.forwarding=0
check_drift "IPv6 forwarding off" "$FILE" "~ host: sysctl net.ipv6.conf.all.forwarding (0 -> 1)
Plan: 0 to add, 1 to change, 0 to remove."
check_eq "IPv6 forwarding: read back" 1 "$(cat /proc/sys/net/ipv6/conf/all/forwarding)"

sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
check_drift "both forwarding off" "$FILE" "~ host: sysctl net.ipv4.ip_forward (0 -> 1)
~ host: sysctl net.ipv6.conf.all.forwarding (0 -> 1)
Plan: 0 to add, 2 to change, 0 to remove."
check_eq "both forwarding: IPv4 read back" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"
check_eq "both forwarding: IPv6 read back" 1 "$(cat /proc/sys/net/ipv6/conf/all/forwarding)"
