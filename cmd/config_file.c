/* The ownership check on the config file, as sshd's StrictModes does: when
 * jailnet runs as root, a file that another user could have written would
 * let that user choose what root does to the network. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/config_file.h"

/* Whether PATH (a file or directory) can be written only by root. A
 * root-owned directory with the sticky bit (/tmp) is accepted, since other
 * users cannot replace root's files in it. */
static int check_one(const char *path, const char *what, bool is_dir, char *message,
		     size_t size)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(message, size, "cannot check %s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_uid != 0) {
		snprintf(message, size,
			 "%s %s is owned by uid %u, not root, so that user could change what jailnet does as root; make root its owner (chown root %s) or pass --trust-writable-config",
			 what, path, (unsigned)st.st_uid, path);
		return -1;
	}
	if ((st.st_mode & 022) && !(is_dir && (st.st_mode & S_ISVTX))) {
		snprintf(message, size,
			 "%s %s is writable by group or others (mode %04o), so other users could change what jailnet does as root; run chmod go-w %s or pass --trust-writable-config",
			 what, path, (unsigned)(st.st_mode & 07777),
			 path);
		return -1;
	}
	return 0;
}

int check_config_permissions(const char *path, const char *what, char *message,
			     size_t size)
{
	char resolved[PATH_MAX], dir[PATH_MAX];

	if (geteuid() != 0)
		return 0;
	/* The directories of the path as given count too: whoever can write
	 * one of them can point a symbolic link at another file. */
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *parent = dirname(dir); strcmp(parent, "/") != 0 && strcmp(parent, ".") != 0;
	     parent = dirname(parent)) {
		if (check_one(parent, "directory", true, message, size) < 0)
			return -1;
	}
	if (!realpath(path, resolved)) {
		snprintf(message, size, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (check_one(resolved, what, false, message, size) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", resolved);
	for (;;) {
		char *parent = dirname(dir);

		if (check_one(parent, "directory", true, message, size) < 0)
			return -1;
		if (strcmp(parent, "/") == 0)
			return 0;
		memmove(dir, parent, strlen(parent) + 1);
	}
}
