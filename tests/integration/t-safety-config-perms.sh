# As root, plan and apply reject a config file that a user other than root
# could have written. That is a file or a directory above it that group or
# others can write, or that another uid owns. A directory with the sticky
# bit, such as /tmp, is fine. The error names the path and the fix, and
# nothing changes. --trust-writable-config accepts such a file. A plan
# saved with plan -o contains the config, so the same rules apply to it.
source "$(dirname "$0")/lib.sh"
make_internet
FILE=$ROOT/testdata/foobar.yaml
DIR=$(realpath "$WORK")
PLAN="Plan: 93 to add, 2 to change, 0 to remove."

check "addresses settle" wait_dad_done
BEFORE=$(network_snapshot)

# check_rejected NAME PATH ERROR: plan and apply of PATH exit 1 with
# exactly ERROR, print nothing to stdout and change nothing; with
# --trust-writable-config, plan exits 0 and prints the plan.
check_rejected() {
	local name=$1 path=$2 error=$3 command

	for command in plan apply; do
		run_jailnet "$command" "$path"
		check_eq "$name: $command exits 1" 1 "$RC"
		check_eq "$name: $command prints nothing" "" "$OUT"
		check_eq "$name: $command error" "jailnet: error: $error" "$ERR"
	done
	check_eq "$name: nothing changed" "$BEFORE" "$(network_snapshot)"
	run_jailnet plan --trust-writable-config "$path"
	check_eq "$name: trusted plan exits 0" 0 "$RC"
	check_contains "$name: trusted plan" "$PLAN" "$OUT"
}

# check_accepted NAME PATH: plan of PATH exits 0 and prints the plan.
check_accepted() {
	run_jailnet plan "$2"
	check_eq "$1: plan exits 0" 0 "$RC"
	check_contains "$1: plan" "$PLAN" "$OUT"
	check_not_contains "$1: no error" "error" "$ERR"
}

install -m 0644 "$FILE" "$DIR/ok.yaml"
check_accepted "root file in a 0700 directory under /tmp" "$DIR/ok.yaml"

TOP=$(mktemp /tmp/jailnet-safety.XXXXXX.yaml)
install -m 0644 "$FILE" "$TOP"
check_accepted "root file in /tmp" "$TOP"
rm -f "$TOP"

install -m 0666 "$FILE" "$DIR/world.yaml"
check_rejected "mode 0666" "$DIR/world.yaml" \
	"config file $DIR/world.yaml is writable by group or others (mode 0666), so other users could change what jailnet does as root; run chmod go-w $DIR/world.yaml or pass --trust-writable-config"

install -m 0620 "$FILE" "$DIR/group.yaml"
check_rejected "mode 0620" "$DIR/group.yaml" \
	"config file $DIR/group.yaml is writable by group or others (mode 0620), so other users could change what jailnet does as root; run chmod go-w $DIR/group.yaml or pass --trust-writable-config"

install -m 0644 -o 65534 "$FILE" "$DIR/nobody.yaml"
check_rejected "owner uid 65534" "$DIR/nobody.yaml" \
	"config file $DIR/nobody.yaml is owned by uid 65534, not root, so that user could change what jailnet does as root; make root its owner (chown root $DIR/nobody.yaml) or pass --trust-writable-config"

install -d -m 0777 "$DIR/open"
install -m 0644 "$FILE" "$DIR/open/jails.yaml"
check_rejected "directory 0777" "$DIR/open/jails.yaml" \
	"directory $DIR/open is writable by group or others (mode 0777), so other users could change what jailnet does as root; run chmod go-w $DIR/open or pass --trust-writable-config"

install -d -m 0755 -o 65534 "$DIR/theirs"
install -m 0644 "$FILE" "$DIR/theirs/jails.yaml"
check_rejected "directory of uid 65534" "$DIR/theirs/jails.yaml" \
	"directory $DIR/theirs is owned by uid 65534, not root, so that user could change what jailnet does as root; make root its owner (chown root $DIR/theirs) or pass --trust-writable-config"

install -d -m 1777 "$DIR/sticky"
install -m 0644 "$FILE" "$DIR/sticky/jails.yaml"
check_accepted "root file in a sticky directory" "$DIR/sticky/jails.yaml"

# The path is checked where it leads: a root-owned symlink to the 0666
# file is rejected with the file's own path.
ln -s "$DIR/world.yaml" "$DIR/link.yaml"
run_jailnet plan "$DIR/link.yaml"
check_eq "symlink to mode 0666: plan exits 1" 1 "$RC"
check_contains "symlink to mode 0666: error names the target" "config file $DIR/world.yaml is writable" "$ERR"

# Trusted, a writable file applies.
run_jailnet apply --trust-writable-config "$DIR/world.yaml"
check_eq "trusted apply exits 0" 0 "$RC"
check_contains "trusted apply" "Applied: 93 to add, 2 to change, 0 to remove." "$OUT"
run_jailnet plan "$DIR/ok.yaml"
check_eq "trusted apply converged" "No changes." "$OUT"

# A saved plan (here: remove foobar) in a file that others can write.
sed '/^  foobar:/,/^  web:/{/^  web:/!d}' "$FILE" >"$DIR/web-only.yaml"
run_jailnet plan -o "$DIR/saved.plan" "$DIR/web-only.yaml"
check_eq "plan -o exits 0" 0 "$RC"
check_contains "saved plan removes foobar" "- foobar: netns foobar" "$OUT"
chmod 0666 "$DIR/saved.plan"
check "addresses settle after apply" wait_dad_done
BEFORE=$(network_snapshot)
run_jailnet apply "$DIR/saved.plan"
check_eq "plan file mode 0666: apply exits 1" 1 "$RC"
check_contains "plan file mode 0666: error" \
	"$DIR/saved.plan is writable by group or others (mode 0666)" "$ERR"
check_eq "plan file mode 0666: nothing changed" "$BEFORE" "$(network_snapshot)"

# A symbolic link in a directory that others can write points at a
# root-owned file: whoever can write the directory chooses the target.
mkdir -p "$DIR/open"
chmod 0777 "$DIR/open"
ln -s "$FILE" "$DIR/open/link.yaml"
run_jailnet plan "$DIR/open/link.yaml"
check_eq "link in an open directory: exit 1" 1 "$RC"
check_contains "link in an open directory: error" \
	"directory $DIR/open is writable by group or others (mode 0777)" "$ERR"
