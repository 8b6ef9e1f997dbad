/* Finding the processes inside a named namespace, by comparing the
 * namespace inode with /proc/PID/ns/net. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reconcile/netns.h"
#include "reconcile/object.h"

static void read_comm(const char *pid, char *comm, size_t size)
{
	char path[PATH_MAX];
	FILE *file;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	comm[0] = '\0';
	file = fopen(path, "r");
	if (!file)
		return;
	if (fgets(comm, (int)size, file))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(file);
}

char *jn_netns_processes(const char *name, size_t max)
{
	char path[PATH_MAX], *list = NULL;
	struct stat ns, proc;
	struct dirent *entry;
	size_t found = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s", JN_NETNS_DIR, name);
	if (stat(path, &ns) < 0 || !(dir = opendir("/proc")))
		return NULL;
	while ((entry = readdir(dir))) {
		char comm[32], *grown;

		if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", entry->d_name);
		if (stat(path, &proc) < 0 || proc.st_ino != ns.st_ino || proc.st_dev != ns.st_dev)
			continue;
		if (++found > max)
			continue;
		read_comm(entry->d_name, comm, sizeof(comm));
		grown = jn_sprintf("%s%s%s (%s)", list ? list : "", list ? ", " : "",
				   entry->d_name, comm);
		free(list);
		list = grown;
	}
	closedir(dir);
	if (found > max) {
		char *grown = jn_sprintf("%s and %zu more", list, found - max);

		free(list);
		list = grown;
	}
	return list;
}
