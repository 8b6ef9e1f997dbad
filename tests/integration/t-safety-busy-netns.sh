# Namespaces that are no longer in the state jailnet left them in.
# - A namespace to remove still has a process inside. plan warns and names
#   the process, apply stops and changes nothing, apply --force removes it.
# - /run/netns/NAME is an empty regular file, as a killed `ip netns add`
#   leaves it. apply makes the namespace on it. A file with content stops
#   the run.
# - The name was deleted with `ip netns del` while a process still uses
#   the namespace. apply makes a new namespace and veth pair, without
#   "File exists" and without a second host end.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
sed '/^  foobar:/,/^  web:/{/^  web:/!d}' "$FILE" >"$WORK/web-only.yaml"

# Whether process PID runs sleep (`ip netns exec` execs it in place).
runs_sleep() {
	[[ "$(cat "/proc/$1/comm" 2>/dev/null)" == sleep ]]
}

# start_in_foobar: start `sleep 30` in namespace foobar, as an operator
# would, and set SLEEPER to its pid once it runs there.
start_in_foobar() {
	ip netns exec foobar sleep 30 &
	SLEEPER=$!
	SERVER_PIDS+=("$SLEEPER")
	check "sleep runs in foobar" wait_for runs_sleep "$SLEEPER"
}

run_jailnet apply "$FILE"
check_eq "apply exits 0" 0 "$RC"

# A process inside a namespace that the file no longer has.
start_in_foobar
BUSY="namespace foobar has processes inside: $SLEEPER (sleep); stop them or use --force"

run_jailnet plan "$WORK/web-only.yaml"
check_eq "busy: plan exits 0" 0 "$RC"
check_contains "busy: plan removes foobar" "- foobar: netns foobar" "$OUT"
check_contains "busy: plan warns" "jailnet: warning: $BUSY" "$ERR"

check "busy: addresses settle" wait_dad_done
BEFORE=$(network_snapshot 2>/dev/null)
run_jailnet apply "$WORK/web-only.yaml"
check_eq "busy: apply exits 1" 1 "$RC"
check_eq "busy: apply prints no changes" "" "$OUT"
check_eq "busy: apply error" "jailnet: error: $BUSY
jailnet: error: nothing was changed" "$ERR"
check_eq "busy: nothing changed" "$BEFORE" "$(network_snapshot)"

run_jailnet apply --force "$WORK/web-only.yaml"
check_eq "busy, --force: apply exits 0" 0 "$RC"
check_contains "busy, --force: warning" \
	"jailnet: warning: namespace foobar is removed with processes still inside: $SLEEPER (sleep)" "$ERR"
check_contains "busy, --force: netns removed" "- foobar: netns foobar" "$OUT"
check_eq "busy, --force: name gone" "internet web" "$(netns_names | paste -sd ' ')"
check_fails "busy, --force: host end gone" ip link show foobar-out
check "busy, --force: process left running" kill -0 "$SLEEPER"
run_jailnet plan "$WORK/web-only.yaml"
check_eq "busy, --force: converged" "No changes." "$OUT"
stop_servers

# An empty file where the namespace should be mounted, as `ip netns add`
# leaves it when killed between creating the file and mounting on it.
install -m 0 /dev/null /run/netns/foobar
install -m 0 /dev/null /run/netns/stale
run_jailnet plan "$FILE"
check_eq "placeholder: plan exits 0" 0 "$RC"
check_contains "placeholder: plan adds foobar" "+ foobar: netns foobar" "$OUT"
run_jailnet apply "$FILE"
check_eq "placeholder: apply exits 0" 0 "$RC"
check_not_contains "placeholder: no File exists" "File exists" "$ERR"
check_eq "placeholder: namespace mounted" "nsfs" "$(stat -f -c %T /run/netns/foobar)"
check "placeholder: jail end inside" ip -n foobar link show foobar-in
check_eq "placeholder: other file left alone" "regular empty file 0" \
	"$(stat -c '%F %a' /run/netns/stale)"
rm /run/netns/stale
run_jailnet plan "$FILE"
check_eq "placeholder: converged" "No changes." "$OUT"

# A regular file with content is not what `ip netns add` leaves: the run
# stops before any change.
run_jailnet apply --force "$WORK/web-only.yaml"
check_eq "file: foobar removed" 0 "$RC"
echo "not a namespace" >/run/netns/foobar
check "file: addresses settle" wait_dad_done
BEFORE=$(network_snapshot 2>/dev/null)
run_jailnet apply "$FILE"
check_eq "file: apply exits 1" 1 "$RC"
check_eq "file: apply error" "jailnet: error: /run/netns/foobar exists but is not a network namespace mount; remove the file or rename the namespace in the config
jailnet: error: nothing was changed" "$ERR"
check_eq "file: nothing changed" "$BEFORE" "$(network_snapshot 2>/dev/null)"
check_eq "file: file kept" "not a namespace" "$(cat /run/netns/foobar)"
rm /run/netns/foobar

# `ip netns del` while a process runs in the namespace: the name goes,
# but the namespace and its veth pair stay.
run_jailnet apply "$FILE"
check_eq "deleted name: apply exits 0" 0 "$RC"
start_in_foobar
ip netns del foobar
check "deleted name: old jail end remains" nsenter -t "$SLEEPER" -n ip link show foobar-in

run_jailnet plan "$FILE"
check_eq "deleted name: plan exits 0" 0 "$RC"
check_contains "deleted name: plan removes the host end" "- foobar: veth foobar-out (host end) <-> (none)" "$OUT"
check_contains "deleted name: plan adds the namespace" "+ foobar: netns foobar" "$OUT"
run_jailnet apply "$FILE"
check_eq "deleted name: apply exits 0" 0 "$RC"
check_not_contains "deleted name: no File exists" "File exists" "$ERR"
check_eq "deleted name: one host end" 1 \
	"$(ip -j link show | jq '[.[] | select(.ifname == "foobar-out")] | length')"
NSID=$(ip -j link show foobar-out | jq -r '.[0].link_netnsid')
check_eq "deleted name: host end pairs with the new namespace" "foobar" \
	"$(ip -j netns list | jq -r --argjson id "$NSID" '.[] | select(.id == $id) | .name')"
check_fails "deleted name: old jail end gone" nsenter -t "$SLEEPER" -n ip link show foobar-in
run_jailnet plan "$FILE"
check_eq "deleted name: converged" "No changes." "$OUT"
