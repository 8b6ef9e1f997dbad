# The Ansible module in contrib/ansible, run by ansible-playbook against
# localhost (connection: local) inside the sandbox. The first apply reports
# a change and the second none, and check mode changes nothing in the
# kernel. Diff mode shows the changed objects, inline content works and its
# temporary file is removed, and invalid input fails the task with
# jailnet's message.
source "$(dirname "$0")/lib.sh"
make_internet
DESIRED=$WORK/jails.yaml
cp "$ROOT/testdata/foobar.yaml" "$DESIRED"

if ! command -v ansible-playbook >/dev/null; then
	fail "ansible-playbook not found; run tests/install-deps"
	exit 1
fi

# Everything ansible and the module write goes under $WORK: no ansible.cfg
# or inventory from the machine, no ~/.ansible, no syslog entries, and
# TMPDIR for the module's temporary content file.
mkdir "$WORK/tmp" "$WORK/ansible-home"
: >"$WORK/ansible.cfg"
export ANSIBLE_CONFIG=$WORK/ansible.cfg
export ANSIBLE_HOME=$WORK/ansible-home
export ANSIBLE_LOCAL_TEMP=$WORK/ansible-home/tmp
export ANSIBLE_REMOTE_TEMP=$WORK/ansible-home/remote-tmp
export ANSIBLE_COLLECTIONS_PATH=$WORK/ansible-home/collections
export ANSIBLE_ROLES_PATH=$ROOT/contrib/ansible/roles
export ANSIBLE_NO_TARGET_SYSLOG=1
export ANSIBLE_NOCOLOR=1
export TMPDIR=$WORK/tmp

# Print the start of a play against localhost that loads the jailnet role,
# and with it the module, without gathering facts.
play_header() {
	cat <<EOF
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  roles:
    - jailnet
  tasks:
EOF
}

# path_task REGISTER FILE [OPTION...]: print a task that runs the module on
# FILE, with each OPTION ("key: value") added, and registers REGISTER.
path_task() {
	local register=$1 file=$2 option
	shift 2

	cat <<EOF
    - name: Run jailnet on $(basename "$file")
      jailnet:
        path: $file
        binary: $JAILNET
        syslog: false
EOF
	for option in "$@"; do
		echo "        $option"
	done
	echo "      register: $register"
}

# mapping_task REGISTER BINARY: print a task that runs BINARY through the
# module with inline content given as a mapping (foobar alone, allowed
# 123/udp) and registers REGISTER.
mapping_task() {
	cat <<EOF
    - name: Apply content given as a mapping
      jailnet:
        binary: $2
        syslog: false
        content:
          version: 1
          uplinks:
            wan:
              interface: uplink0
          namespaces:
            foobar:
              subnets:
                - 10.97.3.0/30
                - fd00:97::3:0/112
              uplink: wan
              allow:
                - 123/udp
      register: $1
EOF
}

# text_task REGISTER FILE: print a task that applies the text of FILE as
# inline content given as a YAML string and registers REGISTER.
text_task() {
	cat <<EOF
    - name: Apply content given as a YAML string
      jailnet:
        binary: $JAILNET
        syslog: false
        content: |
$(sed 's/^/          /' "$2")
      register: $1
EOF
}

# save_task NAME VAR...: print the task that writes the registered
# variables VAR... to $WORK/NAME.json, as one JSON object keyed by name.
save_task() {
	local name=$1 pairs=() var
	shift

	for var in "$@"; do
		pairs+=("'$var': $var")
	done
	cat <<EOF
    - name: Save the registered results
      check_mode: false
      diff: false
      ansible.builtin.copy:
        dest: $WORK/$name.json
        content: "{{ {$(IFS=,; echo "${pairs[*]}")} | to_nice_json }}"
EOF
}

# run_playbook NAME [OPTION...]: run $WORK/NAME.yml with ansible-playbook,
# keeping its output in $WORK/NAME.log and its exit status in $PLAY_RC.
run_playbook() {
	local name=$1
	shift

	ansible-playbook -i localhost, "$@" "$WORK/$name.yml" >"$WORK/$name.log" 2>&1
	PLAY_RC=$?
	if [[ $PLAY_RC -ne 0 ]]; then
		sed 's/^/    /' "$WORK/$name.log" >&2
	fi
}

# result NAME FILTER: apply the jq FILTER to $WORK/NAME.json.
result() {
	jq -r "$2" "$WORK/$1.json"
}

# netns_changes NAME VAR: print "ACTION NAMESPACE,..." for the namespaces
# in the changes of the registered result VAR in $WORK/NAME.json.
netns_changes() {
	result "$1" "[.$2.changes[] | select(.kind == \"netns\") | \"\\(.action) \\(.id)\"] | sort | join(\",\")"
}

# The module's documentation parses as Ansible reads it.
docs=$(ansible-doc --json -M "$ROOT/contrib/ansible/roles/jailnet/library" jailnet 2>&1)
check_eq "ansible-doc reads the module" jailnet "$(jq -r '.jailnet.doc.module' <<<"$docs" 2>&1)"

# First and second apply of the file.
{
	play_header
	path_task first "$DESIRED"
	path_task second "$DESIRED"
	save_task apply first second
} >"$WORK/apply.yml"
run_playbook apply
check_eq "apply: playbook exits 0" 0 "$PLAY_RC"
check_eq "first apply: changed" true "$(result apply '.first.changed')"
check_eq "first apply: applied" true "$(result apply '.first.applied')"
check_eq "first apply: namespaces added" "add foobar,add web" "$(netns_changes apply first)"
check_eq "first apply: summary counts the changes" true \
	"$(result apply '.first.summary.add + .first.summary.change + .first.summary.remove == (.first.changes | length)')"
check_contains "first apply: jailnet's warning" "this run switches IPv6 forwarding on" \
	"$(result apply '.first.warnings | join("\n")')"
check_eq "second apply: not changed" false "$(result apply '.second.changed')"
check_eq "second apply: not applied" false "$(result apply '.second.applied')"
check_eq "second apply: no changes" 0 "$(result apply '.second.changes | length')"
check_eq "apply: namespaces in the kernel" "$(printf '%s\n' foobar internet web)" "$(netns_names)"
run_jailnet plan "$DESIRED"
check_eq "apply: jailnet plan finds nothing left" "No changes." "$OUT"

# Check mode with diff, after a change to the file: foobar may send
# 124/udp in place of 123/udp, and a namespace "extra" is added.
sed -i 's|- 123/udp|- 124/udp|' "$DESIRED"
cat >>"$DESIRED" <<'EOF'
  extra:
    subnets:
      - 10.97.5.0/30
EOF
{
	play_header
	path_task planned "$DESIRED"
	save_task check planned
} >"$WORK/check.yml"
check "check: addresses settle before" wait_dad_done
nft_before=$(nft -j list ruleset)
netns_before=$(ip -j netns list)
state_before=$(network_snapshot)
run_playbook check --check --diff
check "check: addresses settle after" wait_dad_done
check_eq "check: playbook exits 0" 0 "$PLAY_RC"
check_eq "check: changed" true "$(result check '.planned.changed')"
check_eq "check: no applied key" false "$(result check '.planned | has("applied")')"
check_eq "check: namespace to add" "add extra" "$(netns_changes check planned)"
check_eq "check: nft ruleset unchanged" "$nft_before" "$(nft -j list ruleset)"
check_eq "check: namespaces unchanged" "$netns_before" "$(ip -j netns list)"
check_eq "check: network state unchanged" "$state_before" "$(network_snapshot)"
check_contains "check: diff before has 123/udp" \
	"foobar: nft element allow4 { foobar-out . 0.0.0.0/0 . udp . 123 } = allow4 { foobar-out . 0.0.0.0/0 . udp . 123 } comment \"foobar\"" \
	"$(result check '.planned.diff.before')"
check_not_contains "check: diff before lacks extra" "extra" "$(result check '.planned.diff.before')"
check_contains "check: diff after has 124/udp" \
	"foobar: nft element allow4 { foobar-out . 0.0.0.0/0 . udp . 124 } = allow4 { foobar-out . 0.0.0.0/0 . udp . 124 } comment \"foobar\"" \
	"$(result check '.planned.diff.after')"
check_contains "check: diff after has extra" "extra: netns extra = lo up" \
	"$(result check '.planned.diff.after')"
check_contains "check: ansible prints removed line" \
	"-foobar: nft element allow4 { foobar-out . 0.0.0.0/0 . udp . 123 } = allow4 { foobar-out . 0.0.0.0/0 . udp . 123 } comment \"foobar\"" \
	"$(cat "$WORK/check.log")"
check_contains "check: ansible prints added line" "+extra: netns extra = lo up" \
	"$(cat "$WORK/check.log")"

# Apply the changed file in diff mode.
{
	play_header
	path_task applied "$DESIRED"
	save_task apply-diff applied
} >"$WORK/apply-diff.yml"
run_playbook apply-diff --diff
check_eq "apply with diff: playbook exits 0" 0 "$PLAY_RC"
check_eq "apply with diff: changed" true "$(result apply-diff '.applied.changed')"
check_contains "apply with diff: diff after has extra" "extra: netns extra = lo up" \
	"$(result apply-diff '.applied.diff.after')"
check_eq "apply with diff: namespaces in the kernel" \
	"$(printf '%s\n' extra foobar internet web)" "$(netns_names)"
run_jailnet plan "$DESIRED"
check_eq "apply with diff: jailnet plan finds nothing left" "No changes." "$OUT"

# Inline content, as a mapping and as a YAML string. The first mapping
# task runs jailnet through a wrapper that records the mode and owner of
# the temporary file and of its directory.
cat >"$WORK/recording-jailnet" <<EOF
#!/bin/bash
for config; do :; done
stat -c '%a %U' "\$config" "\$(dirname "\$config")" >"$WORK/content-modes"
exec "$JAILNET" "\$@"
EOF
chmod 0755 "$WORK/recording-jailnet"
cat >"$WORK/inline.yaml" <<'EOF'
version: 1
uplinks:
  wan:
    interface: uplink0
namespaces:
  foobar:
    subnets:
      - 10.97.3.0/30
      - fd00:97::3:0/112
    uplink: wan
    allow:
      - 123/udp
      - 53/udp
EOF
{
	play_header
	mapping_task mapping_first "$WORK/recording-jailnet"
	mapping_task mapping_second "$JAILNET"
	text_task text_first "$WORK/inline.yaml"
	text_task text_second "$WORK/inline.yaml"
	save_task inline mapping_first mapping_second text_first text_second
} >"$WORK/inline.yml"
run_playbook inline
check_eq "inline: playbook exits 0" 0 "$PLAY_RC"
check_eq "mapping: first changed" true "$(result inline '.mapping_first.changed')"
check_eq "mapping: namespaces removed" "remove extra,remove web" "$(netns_changes inline mapping_first)"
check_eq "mapping: second not changed" false "$(result inline '.mapping_second.changed')"
check_eq "mapping: temporary file and directory modes" \
	"$(printf '%s\n' '600 root' '700 root')" "$(cat "$WORK/content-modes")"
check_eq "text: first changed" true "$(result inline '.text_first.changed')"
check_eq "text: second not changed" false "$(result inline '.text_second.changed')"
check_eq "inline: temporary files removed" "" "$(ls -A "$WORK/tmp")"
check_eq "inline: namespaces in the kernel" "$(printf '%s\n' foobar internet)" "$(netns_names)"
run_jailnet plan "$WORK/inline.yaml"
check_eq "inline: jailnet plan finds nothing left" "No changes." "$OUT"

# Invalid input: a file that fails validation, content that fails
# validation, and a --wait value that jailnet rejects before it prints
# any JSON.
cp "$ROOT/testdata/invalid/allow-conflict.yaml" "$WORK/allow-conflict.yaml"
expected_conflict=$(sed "s|^testdata/invalid/|$WORK/|" "$ROOT/testdata/invalid/allow-conflict.err")
printf 'version: 7\n' >"$WORK/version-7.yaml"
{
	play_header
	path_task invalid_file "$WORK/allow-conflict.yaml"
	echo "      ignore_errors: true"
	text_task invalid_content "$WORK/version-7.yaml"
	echo "      ignore_errors: true"
	path_task invalid_wait "$DESIRED" "wait: -1"
	echo "      ignore_errors: true"
	save_task invalid invalid_file invalid_content invalid_wait
} >"$WORK/invalid.yml"
check "invalid: addresses settle" wait_dad_done
state_before=$(network_snapshot)
run_playbook invalid
check_eq "invalid: playbook exits 0" 0 "$PLAY_RC"
check_eq "invalid file: failed" true "$(result invalid '.invalid_file.failed')"
check_eq "invalid file: jailnet's message" "$expected_conflict" "$(result invalid '.invalid_file.msg')"
check_eq "invalid content: failed" true "$(result invalid '.invalid_content.failed')"
check_eq "invalid content: jailnet's message" \
	'content:1:10: unsupported version "7"; this jailnet reads version 1 only' \
	"$(result invalid '.invalid_content.msg')"
check_eq "invalid wait: failed" true "$(result invalid '.invalid_wait.failed')"
check_eq "invalid wait: jailnet's message" \
	'invalid --wait value "-1.0"; give seconds from 0 to 86400' \
	"$(result invalid '.invalid_wait.msg')"
check_eq "invalid: temporary files removed" "" "$(ls -A "$WORK/tmp")"
check_eq "invalid: network state unchanged" "$state_before" "$(network_snapshot)"
