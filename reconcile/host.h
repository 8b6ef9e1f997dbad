/* Connections to the kernel for one run: rtnetlink and nftables sockets in
 * the host namespace, and rtnetlink sockets inside jail namespaces, opened
 * once and reused. */
#ifndef JAILNET_HOST_H
#define JAILNET_HOST_H

#include "model/model.h"
#include "reconcile/netlink.h"
#include "reconcile/object.h"

struct jn_netns_handle {
	char name[JN_NAME_MAX + 1];
	struct jn_nl nl;
};

struct jn_host {
	struct jn_nl rtnl;
	struct jn_nl nft;
	struct jn_netns_handle **netns;
	size_t n_netns;
	uint32_t nft_generation;
};

int jn_host_open(struct jn_host *host);
void jn_host_close(struct jn_host *host);
/* The rtnetlink socket of namespace NAME ("" for the host), opened on
 * first use. Returns NULL with *ERR set when the namespace cannot be
 * entered. */
struct jn_nl *jn_host_rtnl(struct jn_host *host, const char *name, int *err);
/* Forget namespace NAME after it was removed. */
void jn_host_forget(struct jn_host *host, const char *name);

/* A problem that stops the run before any change: a foreign object with
 * a name jailnet wants, or a kernel that cannot be read. */
struct jn_problems {
	char **messages;
	size_t count;
	/* Problems that stop apply but only warn in plan: a missing uplink
	 * interface, a namespace with processes inside. */
	char **blockers;
	size_t n_blockers;
};
void jn_problem_add(struct jn_problems *problems, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void jn_blocker_add(struct jn_problems *problems, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void jn_problems_free(struct jn_problems *problems);

/* Read everything jailnet owns into LIST, and report in PROBLEMS the
 * foreign objects that CONFIG's names collide with (CONFIG may be NULL).
 * Returns 0 or -errno when the kernel cannot be read. */
int jn_observe(struct jn_host *host, const struct jn_config *config,
	       struct jn_objlist *list, struct jn_problems *problems);

#endif
