# Objects with a name jailnet wants but without its mark: a namespace, a
# host interface and table inet jailnet made by hand. plan and apply must
# fail with an error that names the object, and change nothing. Chains of
# another inet table, in contrast, must not show up in the plan at all.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml

# check_rejected NAME ERROR: plan and apply of $FILE exit 1, print nothing
# to stdout, print ERROR and "nothing was changed" to stderr, and leave the
# sandbox's network state as it was.
check_rejected() {
	local name=$1 error=$2 before command

	check "$name: addresses settle" wait_dad_done
	before=$(network_snapshot)
	for command in plan apply; do
		run_jailnet "$command" "$FILE"
		check_eq "$name: $command exits 1" 1 "$RC"
		check_eq "$name: $command prints no changes" "" "$OUT"
		check_eq "$name: $command error" "jailnet: error: $error
jailnet: error: nothing was changed" "$ERR"
		check_eq "$name: $command changes nothing" "$before" "$(network_snapshot)"
	done
}

# A namespace made with `ip netns add`: its loopback device is not marked.
ip netns add foobar
check_rejected "foreign namespace" "namespace foobar exists but was not made by jailnet (its loopback device is not in group 27246); rename the namespace in the config or remove the other one"
check_eq "foreign namespace: lo unmarked" "default" "$(ip -n foobar -j -d link show lo | jq -r '.[0].group')"
ip netns del foobar

# A host interface with the name of foobar's host end. It is a veth, the
# kind jailnet makes, so only the missing mark distinguishes it.
# NOTE: the sandbox kernel has no dummy driver, so a veth is used instead.
ip link add foobar-out type veth peer name foreign0
check_rejected "foreign interface" "interface foobar-out exists on the host but was not made by jailnet (it is not in device group 27246); choose another interfaces.host for namespace foobar or remove that interface"
check_eq "foreign interface: kept" "foreign0" \
	"$(ip -j link show foobar-out | jq -r '.[0].link')"
ip link del foobar-out

# Table inet jailnet made by hand: without comment, and with another one.
nft add table inet jailnet
check_rejected "foreign table" "nftables table inet jailnet exists but was not made by jailnet (its comment is not \"managed by jailnet; changes are reverted\"); rename or delete that table, or run jailnet on a host where the name is free"
nft delete table inet jailnet

nft add table inet jailnet '{ comment "firewall of the host"; }'
nft add chain inet jailnet input '{ type filter hook input priority 0; policy accept; }'
nft add rule inet jailnet input tcp dport 22 accept
check_rejected "foreign table with comment" "nftables table inet jailnet exists but was not made by jailnet (its comment is not \"managed by jailnet; changes are reverted\"); rename or delete that table, or run jailnet on a host where the name is free"
nft delete table inet jailnet

# With every foreign object gone, the same file applies.
run_jailnet apply "$FILE"
check_eq "clean host: apply exits 0" 0 "$RC"
run_jailnet plan "$FILE"
check_eq "clean host: plan after apply" "No changes." "$OUT"

# Another inet table, with a chain named like one of jailnet's and one
# that is not, is no part of table inet jailnet: plan ignores it, and
# apply leaves it alone.
nft add table inet other
nft add chain inet other input '{ type filter hook input priority 10; policy accept; }'
nft add chain inet other mychain
OTHER=$(nft -j list table inet other)
run_jailnet plan "$FILE"
check_eq "other inet table: plan exits 0" 0 "$RC"
check_eq "other inet table: plan" "No changes." "$OUT"
run_jailnet apply "$FILE"
check_eq "other inet table: apply exits 0" 0 "$RC"
check_eq "other inet table: apply" "" "$OUT"
check_eq "other inet table: kept" "$OTHER" "$(nft -j list table inet other)"
