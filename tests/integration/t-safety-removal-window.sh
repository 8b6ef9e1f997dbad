# While apply removes jails, and after it is killed halfway, every jail
# link that still exists is still filtered: its host end stays in the
# nftables set jail_hosts until the link is gone. Otherwise the rule that
# lets non-jail traffic pass would let the jail's traffic pass too.
source "$(dirname "$0")/lib.sh"
make_internet

write_jails "$WORK/jails.yaml" 30
printf 'version: 1\nuplinks:\n  wan:\n    interface: uplink0\nnamespaces: {}\n' >"$WORK/none.yaml"

# Host ends of jailnet's links (device group 27246) that are not in
# jail_hosts; prints nothing when every existing jail link is filtered.
unfiltered_links() {
	local members
	members=$(nft -j list set inet jailnet jail_hosts 2>/dev/null |
		jq -r '.nftables[] | .set? | select(. != null) | .elem[]? | if type == "object" then .elem.val else . end')
	ip -j link show group 27246 | jq -r '.[] | .ifname // empty' | while read -r link; do
		grep -qxF "$link" <<<"$members" || echo "$link"
	done
}

for delay in 0.05 0.1 0.2 0.3 0.5 0.8; do
	run_jailnet apply -q "$WORK/jails.yaml"
	check_eq "delay $delay: jails applied" 0 "$RC"
	check_eq "delay $delay: all filtered before" "" "$(unfiltered_links)"
	"$JAILNET" apply -q --no-syslog "$WORK/none.yaml" >/dev/null 2>&1 &
	REMOVAL=$!
	sleep "$delay"
	check_eq "delay $delay: filtered during removal" "" "$(unfiltered_links)"
	kill -9 "$REMOVAL" 2>/dev/null
	wait "$REMOVAL" 2>/dev/null
	check_eq "delay $delay: filtered after kill" "" "$(unfiltered_links)"
done

run_jailnet apply -q "$WORK/none.yaml"
check_eq "removal converges" 0 "$RC"
check_eq "no jail links left" "" "$(ip -j link show group 27246 | jq -r '.[] | .ifname // empty')"
