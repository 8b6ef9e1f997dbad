# dns: writes /etc/netns/NAME/resolv.conf, which `ip netns exec` shows the
# jail as /etc/resolv.conf; the file is diffed, mended and removed like
# any other object, and a foreign file with that name is left alone.
source "$(dirname "$0")/lib.sh"

FILE=$WORK/dns.yaml
cat >"$FILE" <<'YAML'
version: 1
namespaces:
  resolver:
    subnets: [10.98.0.0/30]
    dns: [192.0.2.53, "2001:db8::53"]
YAML

run_jailnet apply "$FILE"
check_eq "apply exits 0" 0 "$RC"
check_contains "apply line" "+ resolver: resolv.conf /etc/netns/resolver/resolv.conf" "$OUT"
check_eq "resolvers inside the jail" "192.0.2.53 2001:db8::53" \
	"$(ip netns exec resolver awk '/^nameserver/ { printf "%s%s", sep, $2; sep=" " }' /etc/resolv.conf)"
check_eq "file mode" "644" "$(stat -c %a /etc/netns/resolver/resolv.conf)"

run_jailnet plan "$FILE"
check_eq "in sync" "No changes." "$OUT"

echo "nameserver 198.51.100.1" >>/etc/netns/resolver/resolv.conf
run_jailnet plan "$FILE"
check_eq "drift is one change" \
	"~ resolver: resolv.conf /etc/netns/resolver/resolv.conf (nameservers 192.0.2.53, 2001:db8::53, 198.51.100.1 -> nameservers 192.0.2.53, 2001:db8::53)
Plan: 0 to add, 1 to change, 0 to remove." "$OUT"
run_jailnet apply -q "$FILE"
check_eq "drift mended" "" "$(grep 198.51.100.1 /etc/netns/resolver/resolv.conf)"

sed -i 's/dns: .*/dns: []/' "$FILE"
run_jailnet apply "$FILE"
check_contains "removal line" "- resolver: resolv.conf /etc/netns/resolver/resolv.conf" "$OUT"
check_fails "file removed" test -e /etc/netns/resolver/resolv.conf
check_fails "empty directory removed" test -d /etc/netns/resolver

# A resolv.conf that someone else wrote is never overwritten.
mkdir -p /etc/netns/resolver
echo "nameserver 203.0.113.9" >/etc/netns/resolver/resolv.conf
sed -i 's/dns: .*/dns: [192.0.2.53]/' "$FILE"
run_jailnet apply "$FILE"
check_eq "foreign file stops apply" 1 "$RC"
check_contains "foreign file named" "/etc/netns/resolver/resolv.conf exists but was not written by jailnet" "$ERR"
check_eq "foreign file kept" "nameserver 203.0.113.9" "$(cat /etc/netns/resolver/resolv.conf)"

sed -i 's/dns: .*/dns: [192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4]/' "$FILE"
run_jailnet validate "$FILE"
check_eq "four resolvers rejected" 1 "$RC"
check_contains "four resolvers message" "namespaces.resolver.dns[3]: more than 3 resolvers" "$ERR"
