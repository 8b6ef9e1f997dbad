/* Shared by the apply loop (apply.c) and the steps of each object kind
 * (apply_steps.c). */
#ifndef JAILNET_APPLY_INTERNAL_H
#define JAILNET_APPLY_INTERNAL_H

#include "reconcile/apply.h"

/* Link indexes learned during one apply, so each link is looked up once. */
struct ifindex_entry {
	char netns[JN_NAME_MAX + 1];
	char ifname[IFNAMSIZ];
	int ifindex;
};

struct applier {
	struct jn_host *host;
	const struct jn_apply_options *options;
	/* Changes whose requests wait in socket queues, in plan order. */
	const struct jn_change **pending;
	size_t n_pending;
	/* Sockets that may hold queued requests. */
	struct jn_nl **queued_sockets;
	size_t n_queued_sockets;
	struct ifindex_entry *ifindexes;
	size_t n_ifindexes;
	size_t *steps_done;
	/* Namespaces this plan removes, and the host ends of their veth pairs:
	 * the kernel removes those pairs with the namespace, all in one batch,
	 * where deleting each one costs a kernel-wide wait of tens of ms. */
	const struct jn_plan *plan;
	char **vanishing;
	size_t n_vanishing;
	/* The kernel's cleanup of dying namespaces takes a few hundred ms
	 * whatever their number, deleting a pair about 40 ms (measured with
	 * bench/run): below JN_BATCH_REMOVAL namespaces, pairs are deleted. */
	bool many_netns_removed;
};

#define JN_BATCH_REMOVAL 8

/* Whether PLAN removes namespace NAME. */
bool jn_plan_removes_netns(const struct jn_plan *plan, const char *name);
/* Wait (at most 5 s) for the vanishing links to go, then delete any left. */
int jn_applier_wait_vanishing(struct applier *a);

/* Whether a change only queues requests (flushed before the next change
 * that needs the kernel's reply). */
bool jn_step_is_queued(const struct jn_change *change);
/* Carry out CHANGE, queueing its requests where jn_step_is_queued(). */
int jn_apply_step(struct applier *a, const struct jn_change *change);
/* The socket of namespace NAME ("" for the host), queueing for CHANGE. */
struct jn_nl *jn_applier_socket(struct applier *a, const char *name,
				const struct jn_change *change, int *rc);
/* Send every queued request; on failure report the change it belonged to. */
int jn_applier_flush(struct applier *a);
void jn_applier_forget(struct applier *a, const char *netns);
int jn_applier_ifindex(struct applier *a, const char *netns, const char *ifname);
void jn_report_failure(const struct jn_change *change, int rc,
		       const char *message, FILE *err);

#endif
