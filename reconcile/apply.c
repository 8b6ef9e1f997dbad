/* The apply loop: the nftables batch first, then every other change in
 * plan order. Requests of address, route and link-state changes are
 * pipelined: queued per socket and sent together before the next change
 * that needs the kernel's reply, each still tied to its change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reconcile/apply_internal.h"
#include "reconcile/nft.h"
#include "reconcile/rtnl.h"

volatile sig_atomic_t jn_interrupted;

void jn_report_failure(const struct jn_change *change, int rc,
		       const char *message, FILE *err)
{
	if (!err)
		return;
	fprintf(err, "jailnet: apply failed: ");
	if (change)
		jn_change_print(err, change);
	else
		fprintf(err, "nftables transaction\n");
	fprintf(err, "jailnet: the kernel answered: %s%s%s\n", strerror(-rc),
		message && message[0] ? ": " : "", message ? message : "");
}

static void print_line(const struct jn_apply_options *options,
		       const struct jn_change *change)
{
	if (!options->out)
		return;
	jn_change_print_color(options->out, change, options->color);
	fflush(options->out);
}

struct jn_nl *jn_applier_socket(struct applier *a, const char *name,
				const struct jn_change *change, int *rc)
{
	struct jn_nl *nl = jn_host_rtnl(a->host, name, rc);

	if (!nl) {
		if (*rc == 0)
			*rc = -EIO;
		return NULL;
	}
	/* Without a change the caller sends and waits itself. */
	if (change) {
		bool known = false;

		nl->queueing = true;
		nl->owner = change;
		for (size_t i = 0; i < a->n_queued_sockets; i++)
			known |= a->queued_sockets[i] == nl;
		if (!known) {
			a->queued_sockets = realloc(a->queued_sockets,
						    (a->n_queued_sockets + 1) * sizeof(nl));
			if (!a->queued_sockets)
				abort();
			a->queued_sockets[a->n_queued_sockets++] = nl;
		}
		if (!a->n_pending || a->pending[a->n_pending - 1] != change) {
			a->pending = realloc(a->pending, (a->n_pending + 1) * sizeof(change));
			if (!a->pending)
				abort();
			a->pending[a->n_pending++] = change;
		}
	}
	return nl;
}

int jn_applier_flush(struct applier *a)
{
	const struct jn_change *failed_change = NULL;
	const char *message = NULL;
	int rc = 0;

	for (size_t i = 0; i < a->n_queued_sockets; i++) {
		struct jn_nl *nl = a->queued_sockets[i];
		const void *failed = NULL;
		int one = jn_nl_flush(nl, &failed);

		nl->queueing = false;
		if (one < 0 && rc == 0) {
			rc = one;
			failed_change = failed;
			message = nl->error;
			jn_report_failure(failed_change, rc, message, a->options->err);
		}
	}
	a->n_queued_sockets = 0;
	/* On failure some of the pending changes may have been made; counting
	 * them all makes the caller undo whatever is there. */
	*a->steps_done += a->n_pending;
	for (size_t i = 0; i < a->n_pending && rc == 0; i++)
		print_line(a->options, a->pending[i]);
	a->n_pending = 0;
	return rc;
}

void jn_applier_forget(struct applier *a, const char *netns)
{
	size_t kept = 0;

	for (size_t i = 0; i < a->n_ifindexes; i++)
		if (strcmp(a->ifindexes[i].netns, netns) != 0)
			a->ifindexes[kept++] = a->ifindexes[i];
	a->n_ifindexes = kept;
	jn_host_forget(a->host, netns);
}

int jn_applier_ifindex(struct applier *a, const char *netns, const char *ifname)
{
	struct ifindex_entry *entry;
	int rc = 0, ifindex;
	struct jn_nl *nl;

	for (size_t i = 0; i < a->n_ifindexes; i++)
		if (strcmp(a->ifindexes[i].netns, netns) == 0 &&
		    strcmp(a->ifindexes[i].ifname, ifname) == 0)
			return a->ifindexes[i].ifindex;
	nl = jn_host_rtnl(a->host, netns, &rc);
	if (!nl)
		return rc ? rc : -EIO;
	ifindex = jn_rtnl_ifindex(nl, ifname);
	if (ifindex < 0)
		return ifindex;
	a->ifindexes = realloc(a->ifindexes, (a->n_ifindexes + 1) * sizeof(*entry));
	if (!a->ifindexes)
		abort();
	entry = &a->ifindexes[a->n_ifindexes++];
	snprintf(entry->netns, sizeof(entry->netns), "%s", netns);
	snprintf(entry->ifname, sizeof(entry->ifname), "%s", ifname);
	entry->ifindex = ifindex;
	return ifindex;
}

/* Returns -EIO for the step that a test build is set to fail. */
static int injected_fault(const struct jn_apply_options *options, size_t step,
			  struct jn_host *host)
{
#ifdef JAILNET_FAULT_INJECTION
	if (options->fail_step && options->fail_step == step + 1) {
		snprintf(host->rtnl.error, sizeof(host->rtnl.error), "injected fault");
		snprintf(host->nft.error, sizeof(host->nft.error), "injected fault");
		return -EIO;
	}
#else
	(void)options;
	(void)step;
	(void)host;
#endif
	return 0;
}

static const char *kernel_message(struct jn_host *host, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	int rc = 0;
	struct jn_nl *nl;

	if (obj->kind <= JN_KIND_NFT_ELEM)
		return host->nft.error;
	if (!obj->netns[0] || obj->kind == JN_KIND_NETNS || obj->kind == JN_KIND_VETH)
		return host->rtnl.error;
	nl = jn_host_rtnl(host, obj->netns, &rc);
	return nl ? nl->error : "";
}

static int apply_nft(struct applier *a, const struct jn_plan *plan,
		     const struct jn_objlist *desired)
{
	const struct jn_apply_options *options = a->options;
	const struct jn_change *failed = NULL;
	int rc;

	if (!jn_plan_has_nft(plan))
		return 0;
	rc = injected_fault(options, *a->steps_done, a->host);
	if (rc == 0)
		rc = jn_nft_apply(&a->host->nft, plan, desired, options->generation, false, &failed);
	if (rc == -ERESTART)
		return rc;	/* the caller plans again; nothing was changed */
	if (rc < 0) {
		jn_report_failure(failed, rc, a->host->nft.error, options->err);
		return rc;
	}
	(*a->steps_done)++;
	for (size_t i = 0; i < plan->count; i++)
		if (jn_change_phase(&plan->changes[i]) == JN_PHASE_NFT)
			print_line(options, &plan->changes[i]);
	return 0;
}

/* One change: a step that needs the kernel's replies first sends what is
 * queued. */
static int apply_change(struct applier *a, const struct jn_change *change)
{
	bool injected = false;
	size_t pending;
	int rc = 0;

	if (!jn_step_is_queued(change) || a->options->fail_step)
		rc = jn_applier_flush(a);
	pending = a->n_pending;
	if (rc == 0) {
		rc = injected_fault(a->options, *a->steps_done + a->n_pending, a->host);
		injected = rc < 0;
	}
	if (rc == 0)
		rc = jn_apply_step(a, change);
	if (rc < 0) {
		const char *message = injected ? "injected fault" : kernel_message(a->host, change);

		/* What was queued before the failure reaches the kernel, so
		 * undoing starts from a known state. */
		jn_applier_flush(a);
		jn_report_failure(change, rc, message, a->options->err);
		return rc;
	}
	/* A step that queued nothing is done now. */
	if (a->n_pending == pending) {
		(*a->steps_done)++;
		print_line(a->options, change);
	}
	return 0;
}

bool jn_plan_removes_netns(const struct jn_plan *plan, const char *name)
{
	for (size_t i = 0; plan && i < plan->count; i++) {
		const struct jn_change *change = &plan->changes[i];

		if (change->action == JN_REMOVE && change->observed->kind == JN_KIND_NETNS &&
		    strcmp(change->observed->netns, name) == 0)
			return true;
	}
	return false;
}

/* Links that the kernel is removing with their namespaces: wait for them
 * (at most 5 s), and delete the ones a process keeps alive (a namespace
 * removed with --force). */
int jn_applier_wait_vanishing(struct applier *a)
{
	int rc = 0;

	for (int round = 0; round < 500 && a->n_vanishing; round++) {
		size_t left = 0;

		for (size_t i = 0; i < a->n_vanishing; i++) {
			if (jn_rtnl_ifindex(&a->host->rtnl, a->vanishing[i]) == -ENODEV)
				free(a->vanishing[i]);
			else
				a->vanishing[left++] = a->vanishing[i];
		}
		a->n_vanishing = left;
		if (left)
			usleep(10 * 1000);
	}
	for (size_t i = 0; i < a->n_vanishing; i++) {
		int one = jn_rtnl_del_link(&a->host->rtnl, a->vanishing[i]);

		if (one < 0 && one != -ENODEV && rc == 0)
			rc = one;
		free(a->vanishing[i]);
	}
	a->n_vanishing = 0;
	return rc;
}

static void applier_free(struct applier *a)
{
	for (size_t i = 0; i < a->n_vanishing; i++)
		free(a->vanishing[i]);
	free(a->vanishing);
	for (size_t i = 0; i < a->n_queued_sockets; i++)
		a->queued_sockets[i]->queueing = false;
	free(a->pending);
	free(a->queued_sockets);
	free(a->ifindexes);
}

int jn_apply(struct jn_host *host, const struct jn_plan *plan,
	     const struct jn_objlist *desired, const struct jn_apply_options *options,
	     size_t *steps_done)
{
	struct applier a = {
		.host = host, .options = options, .steps_done = steps_done, .plan = plan,
	};
	bool nft_done = false;
	size_t dying = 0;
	int rc = 0;

	for (size_t i = 0; i < plan->count; i++)
		dying += plan->changes[i].action == JN_REMOVE &&
			 plan->changes[i].observed->kind == JN_KIND_NETNS;
	a.many_netns_removed = dying >= JN_BATCH_REMOVAL;
	*steps_done = 0;
	for (size_t i = 0; i <= plan->count && rc == 0; i++) {
		const struct jn_change *change = i < plan->count ? &plan->changes[i] : NULL;

		/* The batch goes in where its phase starts (or at the end). */
		if (!nft_done && (!change || jn_change_phase(change) >= JN_PHASE_NFT)) {
			rc = jn_applier_flush(&a);
			if (rc == 0)
				rc = jn_applier_wait_vanishing(&a);
			if (rc == 0)
				rc = apply_nft(&a, plan, desired);
			nft_done = true;
			if (rc < 0)
				break;
		}
		if (!change || jn_change_phase(change) == JN_PHASE_NFT)
			continue;
		if (options->interruptible && jn_interrupted) {
			rc = jn_applier_flush(&a);
			rc = rc < 0 ? rc : -EINTR;
			break;
		}
		if (change->implied) {
			rc = jn_applier_flush(&a);
			if (rc == 0)
				print_line(options, change);
			continue;
		}
		rc = apply_change(&a, change);
	}
	if (rc == 0)
		rc = jn_applier_flush(&a);
	if (rc == 0 && options->interruptible && jn_interrupted)
		rc = -EINTR;
	applier_free(&a);
	return rc;
}
