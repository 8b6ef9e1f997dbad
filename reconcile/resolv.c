#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/names.h"
#include "model/prefix.h"
#include "reconcile/resolv.h"

/* Larger files are not jailnet's: it writes at most three lines. */
#define MAX_RESOLV_SIZE 4096

static char *marker(const char *name)
{
	return jn_sprintf("# Managed by jailnet for namespace %s; changes are reverted.\n", name);
}

static char *resolv_path(const char *name)
{
	return jn_sprintf("%s/%s/resolv.conf", JN_ETC_NETNS, name);
}

void jn_resolv_desired(struct jn_objlist *list, const struct jn_namespace *ns)
{
	char *content = marker(ns->name), *servers = jn_strdup(""), *path;
	char text[JN_PREFIX_STRLEN];
	struct jn_obj *obj;

	if (!ns->n_dns) {
		free(content);
		free(servers);
		return;
	}
	for (size_t i = 0; i < ns->n_dns; i++) {
		char *grown = jn_sprintf("%snameserver %s\n", content,
					 jn_prefix_format_addr(&ns->dns[i], text));
		char *listed = jn_sprintf("%s%s%s", servers, i ? ", " : "", text);

		free(content);
		free(servers);
		content = grown;
		servers = listed;
	}
	path = resolv_path(ns->name);
	obj = jn_objlist_add(list, JN_KIND_RESOLV, ns->name, path, content, path);
	obj->path = path;
	snprintf(obj->netns, sizeof(obj->netns), "%s", ns->name);
	jn_obj_set_detail(obj, "nameservers %s", servers);
	free(content);
	free(servers);
}

static char *read_small(const char *path)
{
	char *text = malloc(MAX_RESOLV_SIZE + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : read(fd, text, MAX_RESOLV_SIZE + 1);

	if (fd >= 0)
		close(fd);
	if (!text)
		abort();
	if (n < 0 || n > MAX_RESOLV_SIZE) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

/* "nameservers A, B" from the file's nameserver lines, for the plan. */
static void set_servers_detail(struct jn_obj *obj, const char *content)
{
	char *servers = jn_strdup(""), *copy = jn_strdup(content), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *grown;

		if (strncmp(line, "nameserver ", 11) != 0)
			continue;
		grown = jn_sprintf("%s%s%s", servers, servers[0] ? ", " : "", line + 11);
		free(servers);
		servers = grown;
	}
	jn_obj_set_detail(obj, "nameservers %s", servers[0] ? servers : "(none)");
	free(servers);
	free(copy);
}

static void observe_one(struct jn_objlist *list, const struct jn_config *config,
			struct jn_problems *problems, const char *name)
{
	const struct jn_namespace *ns = config ? jn_config_find_namespace(config, name) : NULL;
	char *path = resolv_path(name), *content = read_small(path), *mark = marker(name);
	struct jn_obj *obj;

	if (content && strncmp(content, mark, strlen(mark)) == 0) {
		obj = jn_objlist_add(list, JN_KIND_RESOLV, name, path, content, path);
		obj->owned = true;
		obj->path = jn_strdup(path);
		snprintf(obj->netns, sizeof(obj->netns), "%.64s", name);
		set_servers_detail(obj, content);
	} else if ((content || access(path, F_OK) == 0) && ns && ns->n_dns) {
		jn_problem_add(problems,
			       "%s exists but was not written by jailnet (its first line is not jailnet's marker); move it away or remove dns from namespace %s",
			       path, name);
	}
	free(path);
	free(content);
	free(mark);
}

void jn_resolv_observe(struct jn_objlist *list, const struct jn_config *config,
		       struct jn_problems *problems)
{
	DIR *dir = opendir(JN_ETC_NETNS);
	struct dirent *entry;

	if (!dir)
		return;
	/* Only names jailnet could have used are candidates. */
	while ((entry = readdir(dir)))
		if (jn_name_is_valid(entry->d_name))
			observe_one(list, config, problems, entry->d_name);
	closedir(dir);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int jn_resolv_write(const char *path, const char *content)
{
	char dir[PATH_MAX], *tmp = jn_sprintf("%s.jailnet-new", path);
	int rc = make_dir(JN_ETC_NETNS), fd;
	size_t len = strlen(content);

	snprintf(dir, sizeof(dir), "%s", path);
	if (rc == 0)
		rc = make_dir(dirname(dir));
	fd = rc < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (rc == 0 && fd < 0)
		rc = -errno;
	if (fd >= 0) {
		if (write(fd, content, len) != (ssize_t)len || fsync(fd) < 0)
			rc = -errno ? -errno : -EIO;
		close(fd);
	}
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int jn_resolv_remove(const char *path)
{
	char dir[PATH_MAX];

	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	snprintf(dir, sizeof(dir), "%s", path);
	/* Other files (nsswitch.conf, hosts) keep the directory. */
	rmdir(dirname(dir));
	return 0;
}
