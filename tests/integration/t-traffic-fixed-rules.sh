# The rules of table inet jailnet do not depend on the configuration:
# one namespace and twenty namespaces give the same rules, and allowing
# one more port adds set elements and touches no rule. Traffic checks
# show that the added elements take effect.
source "$(dirname "$0")/traffic.sh"
make_internet

# Print the table's rules as JSON, one rule a line, with their handles.
rules() {
	nft -j list table inet jailnet | jq -c '.nftables[] | .rule? | select(. != null)'
}

rules_without_handles() {
	rules | jq -c 'del(.handle)'
}

# Print every set and map of the table, with its elements, one a line,
# except the sets named as arguments.
sets_except() {
	nft -j list table inet jailnet |
		jq -c --args '.nftables[] | (.set? // .map?) | select(. != null) |
			select(.name as $name | $ARGS.positional | index($name) | not)' "$@"
}

# Print the number of elements of SET.
element_count() {
	nft -j list set inet jailnet "$1" | jq '[.nftables[].set.elem[]?] | length'
}

write_alpha() {
	cat >"$WORK/jails.yaml" <<-EOF
		version: 1
		uplinks:
		  wan:
		    interface: uplink0
		namespaces:
		  alpha:
		    subnets:
		      - 10.97.100.0/30
		      - fd00:97::100:0/112
		    uplink: wan
		    allow:
	EOF
	local entry
	for entry in "$@"; do
		echo "      - $entry" >>"$WORK/jails.yaml"
	done
}

write_alpha 80/tcp
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply one namespace exits 0" 0 "$RC"
RULES_ONE=$(rules)
RULES_ONE_COUNT=$(wc -l <<<"$RULES_ONE")
check "rules exist" test "$RULES_ONE_COUNT" -gt 0
SETS_ONE=$(sets_except allow4 allow6)
check "other sets listed" test -n "$SETS_ONE"
ALLOW4_ONE=$(element_count allow4)
ALLOW6_ONE=$(element_count allow6)

start_server internet tcp :: 80,443
for inet in 192.0.2.2 2001:db8:1::2; do
	expect_reply "port 80 to $inet" alpha tcp "$inet" 80
	expect_drop "port 443 before to $inet" alpha tcp "$inet" 443
done
check_probes

# One more port: the plan lists set elements only, and the rules keep
# their handles.
write_alpha 80/tcp 443/tcp
run_jailnet plan "$WORK/jails.yaml"
check_eq "plan for a port" \
	"+ alpha: nft element allow4 { alpha-out . 0.0.0.0/0 . tcp . 443 }
+ alpha: nft element allow6 { alpha-out . ::/0 . tcp . 443 }" \
	"$(sed '$d' <<<"$OUT")"
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply a port exits 0" 0 "$RC"
check_eq "rules kept for a port" "$RULES_ONE" "$(rules)"
check_eq "other sets kept for a port" "$SETS_ONE" "$(sets_except allow4 allow6)"
check_eq "allow4 gains one element" $((ALLOW4_ONE + 1)) "$(element_count allow4)"
check_eq "allow6 gains one element" $((ALLOW6_ONE + 1)) "$(element_count allow6)"
for inet in 192.0.2.2 2001:db8:1::2; do
	expect_reply "port 443 after to $inet" alpha tcp "$inet" 443
done
check_probes

# Twenty namespaces, each with allow, host and publish entries.
write_alpha 80/tcp 443/tcp
for i in $(seq 1 19); do
	cat >>"$WORK/jails.yaml" <<-EOF
		  j$i:
		    subnets:
		      - 10.97.$i.0/30
		      - fd00:97::$i:0/112
		    uplink: wan
		    allow:
		      - 80/tcp
		      - $((1000 + i))/udp
		      - icmp
		    host:
		      - 53/udp
		    publish:
		      - $((8000 + i)):80/tcp
	EOF
done
run_jailnet apply "$WORK/jails.yaml"
check_eq "apply twenty namespaces exits 0" 0 "$RC"
check_eq "twenty namespaces" 20 \
	"$(ip -j netns list | jq '[.[] | select(.name != "internet")] | length')"
check_eq "rule count for twenty" "$RULES_ONE_COUNT" "$(rules | wc -l)"
check_eq "rules for twenty" "$(jq -c 'del(.handle)' <<<"$RULES_ONE")" "$(rules_without_handles)"

# The new namespaces' elements work: j19 goes out on port 80 only, and
# its published port reaches it.
start_server j19 tcp :: 80
for family in 4 6; do
	if [[ $family == 4 ]]; then
		inet=192.0.2.2 uplink=192.0.2.1
	else
		inet=2001:db8:1::2 uplink=2001:db8:1::1
	fi
	expect_reply "j19 port 80 v$family" j19 tcp "$inet" 80
	expect_drop "j19 port 443 v$family" j19 tcp "$inet" 443
	expect_reply "alpha port 443 v$family" alpha tcp "$inet" 443
	expect_reply "publish 8019 to j19 v$family" internet tcp "$uplink" 8019
done
check_probes
