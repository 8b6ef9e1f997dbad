#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reconcile/apply.h"
#include "reconcile/marks.h"
#include "reconcile/netns.h"
#include "reconcile/nft.h"
#include "reconcile/rtnl.h"

/* Runs inside a new namespace before it gets its name: bring lo up and
 * mark it, so the namespace is never visible without jailnet's mark. */
static int mark_namespace(void *data)
{
	struct jn_nl nl;
	int rc = jn_nl_open(&nl, NETLINK_ROUTE, -1);

	(void)data;
	if (rc < 0)
		return rc;
	rc = jn_rtnl_set_link(&nl, "lo", true, NULL, JN_LINK_GROUP);
	jn_nl_close(&nl);
	return rc;
}

static struct jn_nl *netns_rtnl(struct jn_host *host, const char *name, int *rc)
{
	struct jn_nl *nl = jn_host_rtnl(host, name, rc);

	if (!nl && *rc == 0)
		*rc = -EIO;
	return nl;
}

static int apply_netns(struct jn_host *host, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	struct jn_nl *nl;
	int rc = 0, fd;

	switch (change->action) {
	case JN_ADD:
		fd = jn_netns_create(obj->netns, mark_namespace, NULL);
		if (fd < 0)
			return fd;
		close(fd);
		return 0;
	case JN_CHANGE:
		nl = netns_rtnl(host, obj->netns, &rc);
		return nl ? jn_rtnl_set_link(nl, "lo", true, NULL, JN_LINK_GROUP) : rc;
	case JN_REMOVE:
		jn_host_forget(host, obj->netns);
		return jn_netns_delete(obj->netns);
	}
	return -EINVAL;
}

static int set_veth_up(struct jn_host *host, const struct jn_obj *obj)
{
	char *alias = jn_sprintf("jailnet: %s", obj->group);
	struct jn_nl *nl;
	int rc = jn_rtnl_set_link(&host->rtnl, obj->ifname, true, alias, JN_LINK_GROUP);

	if (rc == 0 && (nl = netns_rtnl(host, obj->netns, &rc)))
		rc = jn_rtnl_set_link(nl, obj->peer_ifname, true, alias, JN_LINK_GROUP);
	free(alias);
	return rc;
}

/* After a namespace goes away the kernel deletes its veth peers
 * asynchronously, so the host end's name can still be taken for a moment:
 * wait for it, at most 2 s. */
static int add_veth_waiting(struct jn_host *host, const struct jn_obj *obj, int fd)
{
	int rc = jn_rtnl_add_veth(&host->rtnl, obj->ifname, obj->peer_ifname, fd);

	for (int i = 0; rc == -EEXIST && i < 40; i++) {
		usleep(50 * 1000);
		rc = jn_rtnl_add_veth(&host->rtnl, obj->ifname, obj->peer_ifname, fd);
	}
	return rc;
}

static int apply_veth(struct jn_host *host, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	struct jn_nl *nl;
	int rc = 0, fd;

	switch (change->action) {
	case JN_ADD:
		fd = jn_netns_open(obj->netns);
		if (fd < 0)
			return fd;
		rc = add_veth_waiting(host, obj, fd);
		close(fd);
		return rc < 0 ? rc : set_veth_up(host, obj);
	case JN_CHANGE:
		return set_veth_up(host, obj);
	case JN_REMOVE:
		/* ENODEV: the kernel removed it with its namespace meanwhile. */
		if (obj->ifname[0])
			rc = jn_rtnl_del_link(&host->rtnl, obj->ifname);
		else if ((nl = netns_rtnl(host, obj->netns, &rc)))
			rc = jn_rtnl_del_link(nl, obj->peer_ifname);
		return rc == -ENODEV ? 0 : rc;
	}
	return -EINVAL;
}

static int apply_addr(struct jn_host *host, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	int rc = 0, ifindex;
	struct jn_nl *nl = netns_rtnl(host, obj->netns, &rc);

	if (!nl)
		return rc;
	ifindex = jn_rtnl_ifindex(nl, obj->ifname);
	if (ifindex < 0)
		return ifindex;
	/* A changed address (tentative, failed DAD) is made anew. */
	if (change->action != JN_ADD)
		rc = jn_rtnl_addr(nl, false, ifindex, &change->observed->prefix);
	if (rc == 0 && change->action != JN_REMOVE)
		rc = jn_rtnl_addr(nl, true, ifindex, &obj->prefix);
	return rc;
}

static int apply_route(struct jn_host *host, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	int rc = 0, ifindex = 0;
	struct jn_nl *nl = netns_rtnl(host, obj->netns, &rc);

	if (!nl)
		return rc;
	if (change->action != JN_ADD) {
		const struct jn_obj *old = change->observed;

		ifindex = old->ifname[0] ? jn_rtnl_ifindex(nl, old->ifname) : 0;
		rc = jn_rtnl_default_route(nl, false, ifindex > 0 ? ifindex : 0, &old->prefix);
	}
	if (rc == 0 && change->action != JN_REMOVE) {
		ifindex = jn_rtnl_ifindex(nl, obj->ifname);
		rc = ifindex < 0 ? ifindex : jn_rtnl_default_route(nl, true, ifindex, &obj->prefix);
	}
	return rc;
}

static int apply_sysctl(const struct jn_change *change)
{
	const struct jn_obj *obj = change->desired;
	int fd, rc = 0;

	if (!obj)	/* jailnet switches forwarding on, never off */
		return 0;
	fd = open(obj->path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, obj->value, strlen(obj->value)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int apply_one(struct jn_host *host, const struct jn_change *change)
{
	if (change->implied)
		return 0;
	switch (jn_change_obj(change)->kind) {
	case JN_KIND_NETNS:
		return apply_netns(host, change);
	case JN_KIND_VETH:
		return apply_veth(host, change);
	case JN_KIND_ADDR:
		return apply_addr(host, change);
	case JN_KIND_ROUTE:
		return apply_route(host, change);
	case JN_KIND_SYSCTL:
		return apply_sysctl(change);
	default:
		return -EINVAL;
	}
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

static void report_failure(struct jn_host *host, const struct jn_change *change,
			   int rc, FILE *err)
{
	const char *message = change ? kernel_message(host, change) : host->nft.error;

	if (!err)
		return;
	fprintf(err, "jailnet: apply failed: ");
	if (change)
		jn_change_print(err, change);
	else
		fprintf(err, "nftables transaction\n");
	fprintf(err, "jailnet: the kernel answered: %s%s%s\n", strerror(-rc),
		message[0] ? ": " : "", message);
}

volatile sig_atomic_t jn_interrupted;

/* Returns -EIO for the step that a test build was told to fail. */
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

static void print_line(const struct jn_apply_options *options,
		       const struct jn_change *change)
{
	if (!options->out)
		return;
	jn_change_print(options->out, change);
	fflush(options->out);
}

static int apply_nft(struct jn_host *host, const struct jn_plan *plan,
		     const struct jn_objlist *desired,
		     const struct jn_apply_options *options, size_t *steps_done)
{
	const struct jn_change *failed = NULL;
	int rc;

	if (!jn_plan_has_nft(plan))
		return 0;
	rc = injected_fault(options, *steps_done, host);
	if (rc == 0)
		rc = jn_nft_apply(&host->nft, plan, desired, options->generation, false, &failed);
	if (rc == -ERESTART)
		return rc;	/* the caller plans again; nothing was changed */
	if (rc < 0) {
		report_failure(host, failed, rc, options->err);
		return rc;
	}
	(*steps_done)++;
	for (size_t i = 0; i < plan->count; i++)
		if (jn_change_phase(&plan->changes[i]) == 0)
			print_line(options, &plan->changes[i]);
	return 0;
}

int jn_apply(struct jn_host *host, const struct jn_plan *plan,
	     const struct jn_objlist *desired, const struct jn_apply_options *options,
	     size_t *steps_done)
{
	int rc;

	*steps_done = 0;
	rc = apply_nft(host, plan, desired, options, steps_done);
	for (size_t i = 0; i < plan->count && rc == 0; i++) {
		const struct jn_change *change = &plan->changes[i];

		if (jn_change_phase(change) == 0)
			continue;
		if (options->interruptible && jn_interrupted)
			return -EINTR;
		if (!change->implied) {
			rc = injected_fault(options, *steps_done, host);
			if (rc == 0)
				rc = apply_one(host, change);
			if (rc < 0) {
				report_failure(host, change, rc, options->err);
				break;
			}
			(*steps_done)++;
		}
		print_line(options, change);
	}
	if (rc == 0 && options->interruptible && jn_interrupted)
		return -EINTR;
	return rc;
}
