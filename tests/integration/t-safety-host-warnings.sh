# Warnings about things on the host that override jailnet's work:
# NetworkManager running, and strict reverse path filtering on an uplink.
# A warning never stops plan and never changes the host.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
NM_WARNING="jailnet: warning: NetworkManager is running and may manage the jail veth interfaces; list them in its unmanaged-devices setting"

run_jailnet plan "$FILE"
check_eq "plan exits 0" 0 "$RC"
check_not_contains "no NetworkManager warning" "NetworkManager" "$ERR"
check_not_contains "no rp_filter warning" "reverse path filtering" "$ERR"

# A process whose name is NetworkManager (a renamed sleep, started and
# stopped by the test) stands for the daemon.
cp "$(command -v sleep)" "$WORK/NetworkManager"
"$WORK/NetworkManager" 30 &
FAKE_NM=$!
run_jailnet plan "$FILE"
check_eq "plan with NetworkManager exits 0" 0 "$RC"
check_contains "NetworkManager warning" "$NM_WARNING" "$ERR"
kill "$FAKE_NM"
wait "$FAKE_NM" 2>/dev/null

# The kernel uses the larger of conf.all and conf.IFACE; 1 is strict.
sysctl -qw net.ipv4.conf.all.rp_filter=0
sysctl -qw net.ipv4.conf.uplink0.rp_filter=1
run_jailnet plan "$FILE"
check_contains "strict rp_filter warning" \
	"strict reverse path filtering is on for uplink0" "$ERR"
sysctl -qw net.ipv4.conf.uplink0.rp_filter=2
run_jailnet plan "$FILE"
check_not_contains "loose rp_filter: no warning" "reverse path filtering" "$ERR"
check_eq "plan with warnings changed nothing" "" "$(ip -j netns list | jq -r '.[] | select(.name == "foobar") | .name')"
