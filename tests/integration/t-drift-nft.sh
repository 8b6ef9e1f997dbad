# Drift of table inet jailnet. After apply, an element, a rule or the whole
# table is changed by hand with nft. Plan must list exactly the repair,
# apply must make it, and the plan after that must be empty.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml

# Table inet jailnet as JSON without handles, which change when apply
# rebuilds a chain, and with set elements sorted, because a hash set lists
# its elements in an order that changes when the set is made anew.
table_canonical() {
	nft -j list table inet jailnet | jq -S '
		[.nftables[] | del(.. | .handle?)
		 | if .set.elem then .set.elem |= sort_by(tostring)
		   elif .map.elem then .map.elem |= sort_by(tostring)
		   else . end]'
}

# The comments of the rules of CHAIN, in chain order.
chain_comments() {
	nft -j list chain inet jailnet "$1" | jq -r '[.nftables[] | .rule? | select(. != null) | .comment] | join("|")'
}

# The handles of the rules of CHAIN, one a line.
chain_handles() {
	nft -j -a list chain inet jailnet "$1" | jq -r '.nftables[] | .rule? | select(. != null) | .handle'
}

# Links, addresses and routes of the host and the jails: nothing that
# repairs the table may touch them.
links_state() {
	local ns

	for ns in "" foobar web; do
		ip ${ns:+-n "$ns"} -j -d link show
		ip ${ns:+-n "$ns"} -j addr show
		ip ${ns:+-n "$ns"} -j -4 route show
		ip ${ns:+-n "$ns"} -j -6 route show
	done
}

run_jailnet apply "$FILE"
check_eq "first apply exits 0" 0 "$RC"
# Every nftables line of the first apply: what a lost table must bring back.
NFT_LINES=$(grep -E '^\+ [a-z]+: nft ' <<<"$OUT")
check_eq "nft objects made" 77 "$(wc -l <<<"$NFT_LINES")"
TABLE=$(table_canonical)
FORWARD=$(chain_comments forward)
check_eq "forward rules" "traffic that involves no jail|established and related traffic|from a jail|to a jail|everything else from or to a jail" \
	"$FORWARD"

# A set element deleted.
nft delete element inet jailnet allow4 '{ "foobar-out" . 0.0.0.0/0 . udp . 123 }'
check_drift "element deleted" "$FILE" "+ foobar: nft element allow4 { foobar-out . 0.0.0.0/0 . udp . 123 }
Plan: 1 to add, 0 to change, 0 to remove."
check_eq "element deleted: read back" '["foobar-out",{"prefix":{"addr":"0.0.0.0","len":0}},"udp",123]' \
	"$(nft -j list set inet jailnet allow4 | jq -c '.nftables[] | .set? | select(. != null) | .elem[].elem.val.concat')"
check_eq "element deleted: comment back" "foobar" \
	"$(nft -j list set inet jailnet allow4 | jq -r '.nftables[] | .set? | select(. != null) | .elem[].elem.comment')"

# A rule deleted by handle: it comes back at its place in the chain.
HANDLE=$(nft -j -a list chain inet jailnet forward |
	jq '.nftables[] | .rule? | select(.comment == "established and related traffic") | .handle')
nft delete rule inet jailnet forward handle "$HANDLE"
check_drift "rule deleted" "$FILE" "+ host: nft rule in chain forward: established and related traffic
Plan: 1 to add, 0 to change, 0 to remove."
check_eq "rule deleted: chain order" "$FORWARD" "$(chain_comments forward)"

# Rules added by hand are removed, however nft spells them. The handle of
# the new rule is found by comparing handles, not by matching rule text,
# because nft lists "udp dport { 123 }" as "udp dport 123".
added_rule_handle() {
	comm -13 <(sort <<<"$1") <(chain_handles forward | sort)
}

BEFORE=$(chain_handles forward)
nft insert rule inet jailnet forward udp dport 123 accept
ADDED=$(added_rule_handle "$BEFORE")
check_drift "rule inserted" "$FILE" "- host: nft rule in chain forward: a rule jailnet did not make (handle $ADDED)
Plan: 0 to add, 0 to change, 1 to remove."
check_eq "rule inserted: chain" "$FORWARD" "$(chain_comments forward)"

BEFORE=$(chain_handles forward)
nft add rule inet jailnet forward udp dport '{ 123 }' accept
ADDED=$(added_rule_handle "$BEFORE")
check_drift "rule with braces" "$FILE" "- host: nft rule in chain forward: a rule jailnet did not make (handle $ADDED)
Plan: 0 to add, 0 to change, 1 to remove."
check_eq "rule with braces: chain" "$FORWARD" "$(chain_comments forward)"

# Two ports make nft put an anonymous set into the table, bound to the
# rule. It is part of the rule: the kernel deletes it with the rule, and
# `nft list` does not show it as a set.
BEFORE=$(chain_handles forward)
nft add rule inet jailnet forward tcp dport '{ 22, 80 }' accept
ADDED=$(added_rule_handle "$BEFORE")
check_drift "rule with anonymous set" "$FILE" "- host: nft rule in chain forward: a rule jailnet did not make (handle $ADDED)
Plan: 0 to add, 0 to change, 1 to remove."
check_eq "rule with anonymous set: chain" "$FORWARD" "$(chain_comments forward)"

# The whole table deleted: plan brings every nftables object back, and
# nothing else.
check "addresses settle" wait_dad_done
LINKS=$(links_state)
nft delete table inet jailnet
check_drift "table deleted" "$FILE" "$NFT_LINES
Plan: 77 to add, 0 to change, 0 to remove."
check_eq "table deleted: read back" "$TABLE" "$(table_canonical)"
check_eq "table deleted: links untouched" "$LINKS" "$(links_state)"

nft flush ruleset
check_drift "ruleset flushed" "$FILE" "$NFT_LINES
Plan: 77 to add, 0 to change, 0 to remove."
check_eq "ruleset flushed: read back" "$TABLE" "$(table_canonical)"
check_eq "ruleset flushed: links untouched" "$LINKS" "$(links_state)"
