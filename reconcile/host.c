#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reconcile/host.h"
#include "reconcile/netns.h"

int jn_host_open(struct jn_host *host)
{
	int rc;

	memset(host, 0, sizeof(*host));
	rc = jn_nl_open(&host->rtnl, NETLINK_ROUTE, -1);
	if (rc < 0)
		return rc;
	rc = jn_nl_open(&host->nft, NETLINK_NETFILTER, -1);
	if (rc < 0)
		jn_nl_close(&host->rtnl);
	return rc;
}

static void handle_close(struct jn_netns_handle *handle)
{
	jn_nl_close(&handle->nl);
	free(handle);
}

void jn_host_close(struct jn_host *host)
{
	for (size_t i = 0; i < host->n_netns; i++)
		handle_close(host->netns[i]);
	free(host->netns);
	jn_nl_close(&host->rtnl);
	jn_nl_close(&host->nft);
	jn_nl_release_buffer();
	memset(host, 0, sizeof(*host));
}

struct jn_nl *jn_host_rtnl(struct jn_host *host, const char *name, int *err)
{
	struct jn_netns_handle *handle;
	int fd;

	if (!name[0])
		return &host->rtnl;
	for (size_t i = 0; i < host->n_netns; i++)
		if (strcmp(host->netns[i]->name, name) == 0)
			return &host->netns[i]->nl;
	fd = jn_netns_open(name);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	host->netns = realloc(host->netns, (host->n_netns + 1) * sizeof(*host->netns));
	if (!host->netns)
		abort();
	handle = calloc(1, sizeof(*handle));
	if (!handle)
		abort();
	snprintf(handle->name, sizeof(handle->name), "%s", name);
	*err = jn_nl_open(&handle->nl, NETLINK_ROUTE, fd);
	/* The socket keeps the namespace; the fd is not needed any more. */
	close(fd);
	if (*err < 0) {
		free(handle);
		return NULL;
	}
	host->netns[host->n_netns++] = handle;
	return &handle->nl;
}

void jn_host_forget(struct jn_host *host, const char *name)
{
	for (size_t i = 0; i < host->n_netns; i++) {
		if (strcmp(host->netns[i]->name, name) != 0)
			continue;
		handle_close(host->netns[i]);
		host->netns[i] = host->netns[--host->n_netns];
		return;
	}
}

void jn_problem_add(struct jn_problems *problems, const char *fmt, ...)
{
	char **grown = realloc(problems->messages, (problems->count + 1) * sizeof(*grown));
	va_list ap;

	if (!grown)
		abort();
	problems->messages = grown;
	va_start(ap, fmt);
	if (vasprintf(&grown[problems->count], fmt, ap) < 0)
		abort();
	va_end(ap);
	problems->count++;
}

void jn_blocker_add(struct jn_problems *problems, const char *fmt, ...)
{
	char **grown = realloc(problems->blockers, (problems->n_blockers + 1) * sizeof(*grown));
	va_list ap;

	if (!grown)
		abort();
	problems->blockers = grown;
	va_start(ap, fmt);
	if (vasprintf(&grown[problems->n_blockers], fmt, ap) < 0)
		abort();
	va_end(ap);
	problems->n_blockers++;
}

void jn_problems_free(struct jn_problems *problems)
{
	for (size_t i = 0; i < problems->count; i++)
		free(problems->messages[i]);
	free(problems->messages);
	for (size_t i = 0; i < problems->n_blockers; i++)
		free(problems->blockers[i]);
	free(problems->blockers);
	memset(problems, 0, sizeof(*problems));
}
