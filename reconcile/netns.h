/* Named network namespaces, made and removed the way `ip netns add` and
 * `ip netns del` do, so `ip netns exec` and nsjail use them. */
#ifndef JAILNET_NETNS_H
#define JAILNET_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define JN_NETNS_DIR "/run/netns"
/* Mode of the file a namespace is mounted on. `ip netns add` uses 0, so
 * an empty, unmounted file with this mode is what a killed jailnet left. */
#define JN_NETNS_FILE_MODE 0444

/* List the names in JN_NETNS_DIR. Returns 0 or -errno; a missing
 * directory is an empty list. */
int jn_netns_list(char ***names, size_t *count);
void jn_netns_list_free(char **names, size_t count);

/* Open namespace NAME. Returns an fd, -ENOENT when the name is free, or
 * -ENOTNAM when the file is not a network namespace mount. */
int jn_netns_open(const char *name);

/* Make namespace NAME. SETUP runs inside the new namespace before the name
 * is published, so the namespace is never visible unmarked. Returns an fd
 * of the new namespace or -errno. */
int jn_netns_create(const char *name, int (*setup)(void *data), void *data);

/* Whether NAME is an empty regular file that no namespace is mounted on:
 * what `ip netns add` or jailnet leave when killed halfway. */
bool jn_netns_is_placeholder(const char *name);

/* Whether NAME is such a placeholder with jailnet's file mode: a run was
 * killed between unmounting a namespace and removing its name. */
bool jn_netns_is_own_leftover(const char *name);

/* Remove the name. The namespace ends when no process keeps it open. */
int jn_netns_delete(const char *name);

/* The network namespace of every process, read from /proc once. */
struct jn_proc_netns {
	ino_t ino;
	dev_t dev;
	char pid[16];
};

struct jn_proc_table {
	struct jn_proc_netns *procs;
	size_t count;
};

int jn_proc_table_read(struct jn_proc_table *table);
void jn_proc_table_free(struct jn_proc_table *table);
/* "PID (COMM), ..." for the processes of TABLE inside namespace NAME (at
 * most MAX listed), or NULL when there are none. */
char *jn_netns_processes(const struct jn_proc_table *table, const char *name, size_t max);

#endif
