# plan, apply and show with --json: every document is valid under
# docs/jailnet-output.schema.json, its summary agrees with its changes and
# with the text output, and errors carry file:line:column as in text mode.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
CHECK_SCHEMA=$ROOT/tests/check-json-schema

# check_schema NAME FILE: FILE is one document, valid under the schema.
check_schema() {
	local name=$1 file=$2 problems

	check_eq "$name: one document" 1 "$(jq -s length "$file" 2>&1)"
	if problems=$("$CHECK_SCHEMA" "$file" 2>&1); then
		pass
	else
		fail "$name: schema: $problems"
	fi
}

# check_schema_rejects NAME JQ_FILTER: the plan document changed by
# JQ_FILTER is invalid, so the schema can catch that mistake.
check_schema_rejects() {
	jq "$2" "$WORK/plan.json" >"$WORK/mutated.json"
	check_fails "schema rejects $1" "$CHECK_SCHEMA" "$WORK/mutated.json"
}

# Print the summary that the changes of JSON document FILE add up to.
counted_summary() {
	jq -c '[.changes[].action] as $a
		| {add: ($a | map(select(. == "add")) | length),
		   change: ($a | map(select(. == "change")) | length),
		   remove: ($a | map(select(. == "remove")) | length)}' "$1"
}

# Print the text lines of `jailnet plan` rebuilt from JSON document FILE.
text_from_json() {
	jq -r '(.changes[]
		| ({add: "+", change: "~", remove: "-"}[.action]) + " "
		  + (.namespace // "host") + ": " + .kind + " " + .description
		  + (if .action == "change" then " (\(.before.value) -> \(.after.value))" else "" end)),
		(if (.changes | length) == 0 then "No changes."
		 else "Plan: \(.summary.add) to add, \(.summary.change) to change, \(.summary.remove) to remove."
		 end)' "$1"
}

# run_json NAME ARGS...: run jailnet ARGS, keep stdout in $WORK/NAME.json.
run_json() {
	local name=$1
	shift
	run_jailnet "$@"
	printf '%s\n' "$OUT" >"$WORK/$name.json"
}

# plan: the document describes exactly what the text output prints.
run_jailnet plan --no-color "$FILE"
TEXT=$OUT
TEXT_WARNINGS=$(sed -n 's/^jailnet: warning: //p' <<<"$ERR")
run_json plan plan --json "$FILE"
check_eq "plan exits 0" 0 "$RC"
check_eq "plan prints nothing to stderr" "" "$ERR"
check_schema "plan" "$WORK/plan.json"
check_eq "plan command" plan "$(jq -r .command "$WORK/plan.json")"
check_eq "plan file" "$FILE" "$(jq -r .file "$WORK/plan.json")"
check_eq "plan has no applied key" false "$(jq 'has("applied")' "$WORK/plan.json")"
check_eq "plan summary counts the changes" "$(counted_summary "$WORK/plan.json")" \
	"$(jq -c .summary "$WORK/plan.json")"
check_eq "plan adds objects" true "$(jq '.summary.add > 0' "$WORK/plan.json")"
check_eq "plan turns forwarding on" \
	'["net.ipv4.ip_forward","net.ipv6.conf.all.forwarding"]' \
	"$(jq -c '[.changes[] | select(.kind == "sysctl" and .action == "change") | .id]' "$WORK/plan.json")"
check_eq "plan shared objects have no namespace" 0 \
	"$(jq '[.changes[] | select(.kind | startswith("nft ") and . != "nft element") | select(.namespace != null)] | length' "$WORK/plan.json")"
check_eq "plan lines match the text output" "$TEXT" "$(text_from_json "$WORK/plan.json")"
check_eq "plan warnings match the text output" "$TEXT_WARNINGS" \
	"$(jq -r '.warnings[]' "$WORK/plan.json")"
check_eq "plan errors" "[]" "$(jq -c .errors "$WORK/plan.json")"

run_jailnet plan --json --detailed-exitcode "$FILE"
check_eq "plan --detailed-exitcode exits 2 with changes" 2 "$RC"

# The schema is strict enough to catch a wrong document.
check_schema_rejects "a missing summary" 'del(.summary)'
check_schema_rejects "an unknown action" '.changes[0].action = "added"'
check_schema_rejects "an add with a before state" '.changes[0].before = {value: "x"}'
check_schema_rejects "an unknown kind" '.changes[0].kind = "bridge"'
check_schema_rejects "an applied key in a plan" '.applied = true'
check_schema_rejects "a count that is a string" '.summary.add = "1"'
printf '{"format_version": 1, "format_version": 1}\n' >"$WORK/duplicate.json"
check_fails "schema check rejects duplicate keys" "$CHECK_SCHEMA" "$WORK/duplicate.json"

# apply: the same changes, made.
run_json apply apply --json "$FILE"
check_eq "apply exits 0" 0 "$RC"
check_eq "apply prints nothing to stderr" "" "$ERR"
check_schema "apply" "$WORK/apply.json"
check_eq "apply command" apply "$(jq -r .command "$WORK/apply.json")"
check_eq "apply applied" true "$(jq .applied "$WORK/apply.json")"
check_eq "apply changes are the plan's" "$(jq -c .changes "$WORK/plan.json")" \
	"$(jq -c .changes "$WORK/apply.json")"
check_eq "apply summary is the plan's" "$(jq -c .summary "$WORK/plan.json")" \
	"$(jq -c .summary "$WORK/apply.json")"
check_eq "apply errors" "[]" "$(jq -c .errors "$WORK/apply.json")"
check_eq "apply made the namespaces" "foobar internet web" "$(netns_names | xargs)"

run_json apply-again apply --json --detailed-exitcode "$FILE"
check_eq "second apply exits 0" 0 "$RC"
check_schema "second apply" "$WORK/apply-again.json"
check_eq "second apply has no changes" "[]" "$(jq -c .changes "$WORK/apply-again.json")"
check_eq "second apply summary" '{"add":0,"change":0,"remove":0}' \
	"$(jq -c .summary "$WORK/apply-again.json")"
check_eq "second apply applied" false "$(jq .applied "$WORK/apply-again.json")"

run_json plan-clean plan --json --detailed-exitcode "$FILE"
check_eq "plan after apply exits 0" 0 "$RC"
check_schema "plan after apply" "$WORK/plan-clean.json"
check_eq "plan after apply has no changes" 0 "$(jq '.changes | length' "$WORK/plan-clean.json")"

# An invalid file: the errors of validate, in the document, not on stderr.
cat >"$WORK/bad.yaml" <<'YAML'
version: 1
uplinks:
  wan:
    interface: uplink0
namespaces:
  foobar:
    subnets:
      - 10.97.3.1/30
    uplink: wan
    allow:
      - 0/udp
YAML
BAD_ERRORS=$(jq -cn --arg f "$WORK/bad.yaml" '[
	"\($f):8:9: namespaces.foobar.subnets[0]: prefix \"10.97.3.1/30\" has host bits set; write 10.97.3.0/30",
	"\($f):11:9: namespaces.foobar.allow[0]: invalid port \"0\"; ports are numbers 1-65535, as in 80, 80,443 or 8000-8100"]')
run_json bad-plan plan --json "$WORK/bad.yaml"
check_eq "invalid file: plan exits 1" 1 "$RC"
check_eq "invalid file: plan prints nothing to stderr" "" "$ERR"
check_schema "invalid file: plan" "$WORK/bad-plan.json"
check_eq "invalid file: plan errors" "$BAD_ERRORS" "$(jq -c .errors "$WORK/bad-plan.json")"
check_eq "invalid file: plan changes" "[]" "$(jq -c .changes "$WORK/bad-plan.json")"
check_eq "invalid file: plan summary" '{"add":0,"change":0,"remove":0}' \
	"$(jq -c .summary "$WORK/bad-plan.json")"
run_jailnet validate "$WORK/bad.yaml"
check_eq "invalid file: errors are validate's" "$ERR" "$(jq -r '.errors[]' "$WORK/bad-plan.json")"

run_json bad-apply apply --json "$WORK/bad.yaml"
check_eq "invalid file: apply exits 1" 1 "$RC"
check_schema "invalid file: apply" "$WORK/bad-apply.json"
check_eq "invalid file: apply errors" "$BAD_ERRORS" "$(jq -c .errors "$WORK/bad-apply.json")"
check_eq "invalid file: apply applied" false "$(jq .applied "$WORK/bad-apply.json")"

# A missing uplink interface warns in plan and stops apply.
sed 's/uplink0/nosuch0/' "$FILE" >"$WORK/no-uplink.yaml"
MISSING="uplink wan: interface nosuch0 not found; create it or fix uplinks.wan.interface"
run_json no-uplink-plan plan --json "$WORK/no-uplink.yaml"
check_eq "missing uplink: plan exits 0" 0 "$RC"
check_schema "missing uplink: plan" "$WORK/no-uplink-plan.json"
check_eq "missing uplink: plan warns" true \
	"$(jq --arg m "$MISSING" '.warnings | index($m) != null' "$WORK/no-uplink-plan.json")"
check_eq "missing uplink: plan errors" "[]" "$(jq -c .errors "$WORK/no-uplink-plan.json")"
run_json no-uplink-apply apply --json "$WORK/no-uplink.yaml"
check_eq "missing uplink: apply exits 1" 1 "$RC"
check_schema "missing uplink: apply" "$WORK/no-uplink-apply.json"
check_eq "missing uplink: apply errors" "[\"$MISSING\"]" \
	"$(jq -c .errors "$WORK/no-uplink-apply.json")"
check_eq "missing uplink: apply applied" false "$(jq .applied "$WORK/no-uplink-apply.json")"
check_eq "missing uplink: apply lists the changes it did not make" true \
	"$(jq '.summary.add > 0 and (.changes | length) > 0' "$WORK/no-uplink-apply.json")"
run_jailnet plan "$FILE"
check_eq "missing uplink: nothing was changed" "No changes." "$OUT"

# A foreign interface with a name that the file wants stops the run.
ip link add clash-out type veth peer name clash-peer
printf 'version: 1\nnamespaces:\n  clash:\n' >"$WORK/clash.yaml"
run_json clash plan --json "$WORK/clash.yaml"
check_eq "foreign interface: plan exits 1" 1 "$RC"
check_schema "foreign interface: plan" "$WORK/clash.json"
check_contains "foreign interface: plan errors" \
	"interface clash-out exists on the host but was not made by jailnet" \
	"$(jq -r '.errors[]' "$WORK/clash.json")"
ip link del clash-out

# Another run holds the lock (this shell, on descriptor 8): exit 3, and
# the reason in errors.
exec 8>>/run/jailnet.lock
flock --exclusive 8
run_json locked plan --json --wait 0.3 "$FILE"
exec 8>&-
check_eq "lock held: plan exits 3" 3 "$RC"
check_schema "lock held: plan" "$WORK/locked.json"
check_contains "lock held: plan errors" "another jailnet run" "$(jq -r '.errors[]' "$WORK/locked.json")"

# File names with characters that JSON escapes.
ODD="$WORK/quote\"back\\slash.yaml"
cp "$FILE" "$ODD"
run_json odd-name plan --json "$ODD"
check_eq "odd file name: plan exits 0" 0 "$RC"
check_schema "odd file name" "$WORK/odd-name.json"
check_eq "odd file name: file" "$ODD" "$(jq -r .file "$WORK/odd-name.json")"

# An invalid command line after --json: the error on stderr and in a
# document without a file.
run_json bad-option plan --json --no-such-option "$FILE"
check_eq "invalid option: exits 1" 1 "$RC"
check_schema "invalid option" "$WORK/bad-option.json"
check_eq "invalid option: file" null "$(jq .file "$WORK/bad-option.json")"
check_eq "invalid option: errors" '["invalid option --no-such-option for plan; see jailnet plan --help"]' \
	"$(jq -c .errors "$WORK/bad-option.json")"
check_eq "invalid option: stderr" "jailnet: error: invalid option --no-such-option for plan; see jailnet plan --help" "$ERR"
check_schema_rejects "a null file without errors" '.file = null'

# show --json: what apply made, with the ownership marks.
run_json show show --json
check_eq "show exits 0" 0 "$RC"
check_schema "show" "$WORK/show.json"
check_eq "show command" show "$(jq -r .command "$WORK/show.json")"
check_eq "show lists the namespaces as owned" '["foobar",true] ["web",true]' \
	"$(jq -c '.objects[] | select(.kind == "netns") | [.id, .owned]' "$WORK/show.json" | sort | paste -sd " ")"
check_eq "show lists the sysctls as not owned" '["net.ipv4.ip_forward",false] ["net.ipv6.conf.all.forwarding",false]' \
	"$(jq -c '.objects[] | select(.kind == "sysctl") | [.id, .owned]' "$WORK/show.json" | sort | paste -sd " ")"
check_eq "show lists the plan's objects" \
	"$(jq -r '.changes[] | "\(.kind) \(.id)"' "$WORK/plan.json" | sort)" \
	"$(jq -r '.objects[] | "\(.kind) \(.id)"' "$WORK/show.json" | sort)"

# A dns list adds a resolv.conf object, a kind of its own.
{ cat "$FILE"; printf '    dns:\n      - 192.0.2.53\n'; } >"$WORK/dns.yaml"
run_json dns plan --json "$WORK/dns.yaml"
check_eq "dns: plan exits 0" 0 "$RC"
check_schema "dns: plan" "$WORK/dns.json"
check_eq "dns: plan adds the resolv.conf of web" \
	'[{"action":"add","namespace":"web","id":"/etc/netns/web/resolv.conf","after":{"value":"nameservers 192.0.2.53"}}]' \
	"$(jq -c '[.changes[] | select(.kind == "resolv.conf") | {action, namespace, id, after}]' "$WORK/dns.json")"
