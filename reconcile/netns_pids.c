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

int jn_proc_table_read(struct jn_proc_table *table)
{
	struct dirent *entry;
	DIR *dir = opendir("/proc");

	memset(table, 0, sizeof(*table));
	if (!dir)
		return -1;
	while ((entry = readdir(dir))) {
		char path[PATH_MAX];
		struct stat st;
		struct jn_proc_netns *grown;

		if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", entry->d_name);
		if (stat(path, &st) < 0)
			continue;	/* the process ended meanwhile */
		grown = realloc(table->procs, (table->count + 1) * sizeof(*grown));
		if (!grown)
			abort();
		table->procs = grown;
		grown[table->count].ino = st.st_ino;
		grown[table->count].dev = st.st_dev;
		snprintf(grown[table->count].pid, sizeof(grown[0].pid), "%.15s", entry->d_name);
		table->count++;
	}
	closedir(dir);
	return 0;
}

void jn_proc_table_free(struct jn_proc_table *table)
{
	free(table->procs);
	memset(table, 0, sizeof(*table));
}

char *jn_netns_processes(const struct jn_proc_table *table, const char *name, size_t max)
{
	char path[PATH_MAX], *list = NULL;
	struct stat ns;
	size_t found = 0;

	snprintf(path, sizeof(path), "%s/%s", JN_NETNS_DIR, name);
	if (stat(path, &ns) < 0)
		return NULL;
	for (size_t i = 0; i < table->count; i++) {
		const struct jn_proc_netns *proc = &table->procs[i];
		char comm[32], *grown;

		if (proc->ino != ns.st_ino || proc->dev != ns.st_dev || ++found > max)
			continue;
		read_comm(proc->pid, comm, sizeof(comm));
		grown = jn_sprintf("%s%s%s (%s)", list ? list : "", list ? ", " : "", proc->pid, comm);
		free(list);
		list = grown;
	}
	if (found > max) {
		char *grown = jn_sprintf("%s and %zu more", list, found - max);

		free(list);
		list = grown;
	}
	return list;
}
