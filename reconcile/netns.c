#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "reconcile/netns.h"

static void netns_path(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", JN_NETNS_DIR, name);
}

int jn_netns_list(char ***names, size_t *count)
{
	DIR *dir = opendir(JN_NETNS_DIR);
	struct dirent *entry;

	*names = NULL;
	*count = 0;
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((entry = readdir(dir))) {
		char **grown;

		if (entry->d_name[0] == '.')
			continue;
		grown = realloc(*names, (*count + 1) * sizeof(**names));
		if (!grown)
			abort();
		*names = grown;
		grown[*count] = strdup(entry->d_name);
		if (!grown[*count])
			abort();
		(*count)++;
	}
	closedir(dir);
	return 0;
}

void jn_netns_list_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int jn_netns_open(const char *name)
{
	char path[PATH_MAX];
	struct statfs fs;
	int fd;

	netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &fs) < 0 || fs.f_type != NSFS_MAGIC) {
		close(fd);
		return -ENOTNAM;
	}
	return fd;
}

/* Make JN_NETNS_DIR a shared mount point, as iproute2 does, so that a
 * namespace mounted here is seen in every mount namespace that shares it. */
static int prepare_dir(void)
{
	if (mkdir(JN_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("", JN_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	if (mount(JN_NETNS_DIR, JN_NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	if (mount("", JN_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
		return -errno;
	return 0;
}

/* Enter a new namespace, run SETUP there, and bind it to PATH. The caller
 * returns to the namespace it came from. */
static int create_inside(const char *name, const char *path,
			 int (*setup)(void *data), void *data)
{
	int fd, rc;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	if (setup && (rc = setup(data)) < 0)
		return rc;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, JN_NETNS_FILE_MODE);
	if (fd < 0 && errno == EEXIST && jn_netns_is_placeholder(name))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	/* A kill between open() and mount() leaves an empty file that is not
	 * a namespace; jn_netns_is_placeholder() recognizes it later. */
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		rc = -errno;
		unlink(path);
		return rc;
	}
	return 0;
}

int jn_netns_create(const char *name, int (*setup)(void *data), void *data)
{
	char path[PATH_MAX];
	int self, rc;

	rc = prepare_dir();
	if (rc < 0)
		return rc;
	netns_path(name, path, sizeof(path));
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	rc = create_inside(name, path, setup, data);
	/* Staying in the new namespace would point every later step at it. */
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	close(self);
	if (rc < 0)
		return rc;
	return jn_netns_open(name);
}

bool jn_netns_is_placeholder(const char *name)
{
	char path[PATH_MAX];
	struct statfs fs;
	struct stat st;

	netns_path(name, path, sizeof(path));
	return statfs(path, &fs) == 0 && fs.f_type != NSFS_MAGIC &&
	       stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

bool jn_netns_is_own_leftover(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	netns_path(name, path, sizeof(path));
	return jn_netns_is_placeholder(name) && stat(path, &st) == 0 &&
	       (st.st_mode & 07777) == JN_NETNS_FILE_MODE;
}

int jn_netns_delete(const char *name)
{
	char path[PATH_MAX];

	netns_path(name, path, sizeof(path));
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
