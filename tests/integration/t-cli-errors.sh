# The command line: invalid files, a missing file, unknown commands and
# options, help and version, and a missing uplink interface. Every error
# exits 1, and a plan or apply that fails changes nothing.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml

# check_invalid NAME ERROR: `jailnet validate $WORK/NAME.yaml` exits 1,
# prints nothing to stdout and exactly ERROR (after the path) to stderr.
check_invalid() {
	local name=$1 error=$2

	run_jailnet validate "$WORK/$name.yaml"
	check_eq "validate $name: exits 1" 1 "$RC"
	check_eq "validate $name: no stdout" "" "$OUT"
	check_eq "validate $name: error" "$WORK/$name.yaml:$error" "$ERR"
}

cat >"$WORK/unknown-key.yaml" <<'YAML'
version: 1
namespaces:
  foobar:
    subnets: [10.97.3.0/30]
    alow:
      - 123/udp
YAML
check_invalid unknown-key '5:5: unknown key "alow" in namespaces.foobar; valid keys are subnets, uplink, allow, host, publish, interfaces and dns'

cat >"$WORK/bad-prefix.yaml" <<'YAML'
version: 1
namespaces:
  foobar:
    subnets:
      - 10.97.3.0/33
YAML
check_invalid bad-prefix '5:9: namespaces.foobar.subnets[0]: invalid prefix "10.97.3.0/33"; write ADDRESS/LENGTH, as in 10.97.3.0/30 or fd00:97::3:0/112'

cat >"$WORK/bad-port.yaml" <<'YAML'
version: 1
uplinks:
  wan:
    interface: uplink0
namespaces:
  foobar:
    subnets:
      - 10.97.3.0/30
    uplink: wan
    allow:
      - 70000/udp
YAML
check_invalid bad-port '11:9: namespaces.foobar.allow[0]: invalid port "70000"; ports are numbers 1-65535, as in 80, 80,443 or 8000-8100'

cat >"$WORK/no-uplink.yaml" <<'YAML'
version: 1
namespaces:
  foobar:
    subnets:
      - 10.97.3.0/30
    uplink: wan
YAML
check_invalid no-uplink '6:13: namespaces.foobar.uplink: uplink "wan" is not defined; add it under uplinks with its interface'

cat >"$WORK/bad-version.yaml" <<'YAML'
version: 2
namespaces: {}
YAML
check_invalid bad-version '1:10: unsupported version "2"; this jailnet reads version 1 only'

# An unclosed flow list: the parser finds the error at the end of the file.
printf 'version: 1\nnamespaces:\n  foobar:\n    subnets: [10.97.3.0/30\n' >"$WORK/bad-yaml.yaml"
check_invalid bad-yaml "5:1: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence at line 4, column 14; fix the syntax at this point"

run_jailnet validate "$FILE"
check_eq "validate seed: exits 0" 0 "$RC"
check_eq "validate seed: output" "$FILE: valid, 2 namespaces, 1 uplink" "$OUT"

# plan and apply on an invalid file, with jails in place: exit 1, report
# the error, change nothing.
run_jailnet apply "$FILE"
check_eq "first apply exits 0" 0 "$RC"
check "addresses settle" wait_dad_done
BEFORE=$(network_snapshot)
RULESET=$(nft list ruleset)
NETNS=$(ip netns list)
for command in plan apply; do
	run_jailnet "$command" "$WORK/bad-prefix.yaml"
	check_eq "$command invalid file: exits 1" 1 "$RC"
	check_eq "$command invalid file: no stdout" "" "$OUT"
	check_contains "$command invalid file: error" "$WORK/bad-prefix.yaml:5:9: " "$ERR"
	check_eq "$command invalid file: ruleset unchanged" "$RULESET" "$(nft list ruleset)"
	check_eq "$command invalid file: namespaces unchanged" "$NETNS" "$(ip netns list)"
	check_eq "$command invalid file: nothing changed" "$BEFORE" "$(network_snapshot)"
done

# A missing file.
run_jailnet validate "$WORK/missing.yaml"
check_eq "validate missing file: exits 1" 1 "$RC"
check_eq "validate missing file: error" \
	"$WORK/missing.yaml: cannot open the file: No such file or directory" "$ERR"
for command in plan apply; do
	run_jailnet "$command" "$WORK/missing.yaml"
	check_eq "$command missing file: exits 1" 1 "$RC"
	check_eq "$command missing file: error" \
		"jailnet: error: cannot open $WORK/missing.yaml: No such file or directory" "$ERR"
done
check_eq "missing file: nothing changed" "$BEFORE" "$(network_snapshot)"

# Command line errors.
run_jailnet frob
check_eq "unknown command: exits 1" 1 "$RC"
check_eq "unknown command: error" \
	'jailnet: error: unknown command "frob"; the commands are plan, apply, validate and show' "$ERR"
run_jailnet --frob plan "$FILE"
check_eq "unknown option: exits 1" 1 "$RC"
check_eq "unknown option: error" "jailnet: error: unknown option --frob; see jailnet --help" "$ERR"
run_jailnet plan --frob "$FILE"
check_eq "unknown plan option: exits 1" 1 "$RC"
check_eq "unknown plan option: error" \
	"jailnet: error: invalid option --frob for plan; see jailnet plan --help" "$ERR"
run_jailnet
check_eq "no command: exits 1" 1 "$RC"
check_contains "no command: usage on stderr" "Usage: jailnet" "$ERR"
check_eq "no command: no stdout" "" "$OUT"
run_jailnet plan
check_eq "plan without file: exits 1" 1 "$RC"
run_jailnet apply "$FILE" "$FILE"
check_eq "apply with two files: exits 1" 1 "$RC"
run_jailnet show extra
check_eq "show with argument: exits 1" 1 "$RC"
check_eq "command errors: nothing changed" "$BEFORE" "$(network_snapshot)"

# Help and version.
run_jailnet --help
check_eq "--help: exits 0" 0 "$RC"
check_eq "--help: usage" "Usage: jailnet [--debug] [--stats] COMMAND [OPTIONS] [FILE]" "$(head -1 <<<"$OUT")"
check_eq "--help: no stderr" "" "$ERR"
run_jailnet --version
check_eq "--version: exits 0" 0 "$RC"
check "--version: format" grep -Eqx 'jailnet [0-9]+\.[0-9]+\.[0-9]+' <<<"$OUT"
for command in plan apply validate show; do
	run_jailnet "$command" --help
	check_eq "$command --help: exits 0" 0 "$RC"
	check_contains "$command --help: usage" "Usage: jailnet $command" "$(head -1 <<<"$OUT")"
	check_eq "$command --help: no stderr" "" "$ERR"
done
check_eq "help: nothing changed" "$BEFORE" "$(network_snapshot)"

# An uplink interface that does not exist: plan warns and still plans,
# apply fails before changing anything. This runs on a host without jails,
# so that any change would show.
ip netns del foobar
ip netns del web
nft delete table inet jailnet
sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
check "jails gone" wait_for bash -c '! ip link show foobar-out && ! ip link show web-out'
sed 's/interface: uplink0/interface: uplink9/' "$FILE" >"$WORK/missing-uplink.yaml"
BEFORE=$(network_snapshot)
run_jailnet plan "$WORK/missing-uplink.yaml"
check_eq "missing uplink plan: exits 0" 0 "$RC"
check_eq "missing uplink plan: warning" \
	"jailnet: warning: uplink wan: interface uplink9 not found; create it or fix uplinks.wan.interface" "$ERR"
check_eq "missing uplink plan: summary" "Plan: 93 to add, 2 to change, 0 to remove." "$(tail -1 <<<"$OUT")"
run_jailnet apply "$WORK/missing-uplink.yaml"
check_eq "missing uplink apply: exits 1" 1 "$RC"
check_eq "missing uplink apply: no stdout" "" "$OUT"
check_eq "missing uplink apply: error" \
	"jailnet: error: uplink wan: interface uplink9 not found; create it or fix uplinks.wan.interface
jailnet: error: nothing was changed" "$ERR"
check_eq "missing uplink apply: nothing changed" "$BEFORE" "$(network_snapshot)"
