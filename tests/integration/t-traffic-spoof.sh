# What a jail's root can change inside its own namespace gains it nothing:
# a forged source address (a foreign one, or another jail's) is dropped,
# flushing the namespace's own nftables ruleset opens nothing, and neither
# does pointing its routes elsewhere.
source "$(dirname "$0")/traffic.sh"
make_internet

# Switch off reverse path filtering, so that jailnet alone decides about
# forged sources.
sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0

cat >"$WORK/jails.yaml" <<'EOF'
version: 1
uplinks:
  wan:
    interface: uplink0
namespaces:
  open:
    subnets:
      - 10.97.2.0/30
      - fd00:97::2:0/112
    uplink: wan
    allow:
      - any
  shut:
    subnets:
      - 10.97.1.0/30
      - fd00:97::1:0/112
    uplink: wan
    allow:
      - 80/tcp
EOF
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply exits 0" 0 "$RC"
check_eq "rp_filter off on open-out" 0 "$(sysctl -n net.ipv4.conf.open-out.rp_filter)"

# The internet server records the source of every datagram; each forged
# source below gets a port of its own.
SEEN=$WORK/seen.log
start_server internet udp :: 7100,7101,7102,7103,7104 --log "$SEEN"
start_server internet tcp :: 22,80
start_server open tcp :: 7000

# Forged sources: the jail's root adds addresses of its choice.
ip -n open addr add 10.99.0.5/32 dev open-in
ip -n open addr add fd00:99::5/128 dev open-in nodad
ip -n open addr add 10.97.1.2/32 dev open-in
ip -n open addr add fd00:97::1:2/128 dev open-in nodad
pids=()
for probe in "7101 192.0.2.2 10.99.0.5" "7102 2001:db8:1::2 fd00:99::5" \
	"7103 192.0.2.2 10.97.1.2" "7104 2001:db8:1::2 fd00:97::1:2"; do
	read -r port inet source <<<"$probe"
	in_ns open $NETCHECK probe udp "$inet" "$port" "$DROP_SECONDS" --source "$source" \
		>/dev/null 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"

# Control: the jail's own address passes and is masqueraded.
expect_reply "open udp v4" open udp 192.0.2.2 7100 --source 10.97.2.2
expect_reply "open udp v6" open udp 2001:db8:1::2 7100 --source fd00:97::2:2
check_probes
check_contains "control reached the server" "udp 7100 192.0.2.1" "$(cat "$SEEN")"
check_eq "forged foreign source v4" "" "$(grep '^udp 7101 ' "$SEEN")"
check_eq "forged foreign source v6" "" "$(grep '^udp 7102 ' "$SEEN")"
check_eq "forged jail source v4" "" "$(grep '^udp 7103 ' "$SEEN")"
check_eq "forged jail source v6" "" "$(grep '^udp 7104 ' "$SEEN")"

# The jail's root flushes its namespace's ruleset: nothing changes.
check "flush jail ruleset" in_ns shut nft flush ruleset
for inet in 192.0.2.2 2001:db8:1::2; do
	expect_reply "after flush tcp 80 to $inet" shut tcp "$inet" 80
	expect_drop "after flush tcp 22 to $inet" shut tcp "$inet" 22
done
check_probes

# The jail's root points its default routes elsewhere: at the host's
# uplink address (the host replies to ARP requests for it on shut-out)
# and at the host end's link-local address. Allowed traffic still passes
# over the new routes, and the rest is still dropped.
link_local() {
	ip -j -6 addr show dev shut-out |
		jq -r '.[0].addr_info[] | select(.scope == "link" and .tentative != true) | .local'
}
# The link-local address becomes usable when its duplicate address
# detection ends, about a second after the link came up.
link_local_ready() {
	[[ -n $(link_local) ]]
}
wait_for link_local_ready
LINK_LOCAL=$(link_local)
ip -n shut route replace default via 192.0.2.1 dev shut-in onlink
ip -n shut -6 route replace default via "$LINK_LOCAL" dev shut-in
ip -n shut route add 10.97.2.0/30 via 192.0.2.1 dev shut-in onlink
check_eq "IPv4 route replaced" 192.0.2.1 \
	"$(ip -n shut -j route show default | jq -r '.[0].gateway')"
check_eq "IPv6 route replaced" "$LINK_LOCAL" \
	"$(ip -n shut -j -6 route show default | jq -r '.[0].gateway')"
for inet in 192.0.2.2 2001:db8:1::2; do
	expect_reply "new route tcp 80 to $inet" shut tcp "$inet" 80
	expect_drop "new route tcp 22 to $inet" shut tcp "$inet" 22
done
expect_reply "host to open tcp" host tcp 10.97.2.2 7000
expect_drop "new route to open tcp" shut tcp 10.97.2.2 7000
check_probes
