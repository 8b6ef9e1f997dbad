/* The kernel requests that add, change and remove each kind of object
 * other than nftables ones (those go in one batch, nft_batch.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reconcile/apply_internal.h"
#include "reconcile/marks.h"
#include "reconcile/netns.h"
#include "reconcile/resolv.h"
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

static int apply_netns(struct applier *a, const struct jn_change *change)
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
		nl = jn_applier_socket(a, obj->netns, NULL, &rc);
		return nl ? jn_rtnl_set_link(nl, "lo", true, NULL, JN_LINK_GROUP) : rc;
	case JN_REMOVE:
		jn_applier_forget(a, obj->netns);
		return jn_netns_delete(obj->netns);
	}
	return -EINVAL;
}

/* Queue: both ends up, with an alias naming the namespace. */
static int set_veth_up(struct applier *a, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	char *alias = jn_sprintf("jailnet: %s", obj->group);
	int rc = 0;
	struct jn_nl *nl = jn_applier_socket(a, "", change, &rc);

	if (nl)
		rc = jn_rtnl_set_link(nl, obj->ifname, true, alias, JN_LINK_GROUP);
	if (rc == 0 && (nl = jn_applier_socket(a, obj->netns, change, &rc)))
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

static int add_veth(struct applier *a, const struct jn_change *change)
{
	const struct jn_obj *obj = change->desired;
	struct jn_host *host = a->host;
	bool queueing = host->rtnl.queueing;
	int fd = jn_netns_open(obj->netns), rc;

	if (fd < 0)
		return fd;
	/* The pair must exist before its addresses are queued. */
	host->rtnl.queueing = false;
	rc = add_veth_waiting(host, obj, fd);
	host->rtnl.queueing = queueing;
	close(fd);
	return rc < 0 ? rc : set_veth_up(a, change);
}

/* A veth whose namespace goes too: the kernel removes it with the
 * namespace. jn_apply() waits for that before the nftables batch, so the
 * link is gone before its elements are. */
static int leave_to_namespace(struct applier *a, const struct jn_obj *obj)
{
	a->vanishing = realloc(a->vanishing, (a->n_vanishing + 1) * sizeof(*a->vanishing));
	if (!a->vanishing)
		abort();
	a->vanishing[a->n_vanishing++] = jn_strdup(obj->ifname);
	/* Index numbers of removed links may be reused. */
	a->n_ifindexes = 0;
	return 0;
}

static int apply_veth(struct applier *a, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	struct jn_nl *nl;
	int rc = 0;

	switch (change->action) {
	case JN_ADD:
		return add_veth(a, change);
	case JN_CHANGE:
		return set_veth_up(a, change);
	case JN_REMOVE:
		if (obj->ifname[0] && obj->netns[0] && a->many_netns_removed &&
		    jn_plan_removes_netns(a->plan, obj->netns))
			return leave_to_namespace(a, obj);
		/* ENODEV: the kernel removed it with its namespace meanwhile. */
		if (obj->ifname[0])
			rc = jn_rtnl_del_link(&a->host->rtnl, obj->ifname);
		else if ((nl = jn_applier_socket(a, obj->netns, NULL, &rc)))
			rc = jn_rtnl_del_link(nl, obj->peer_ifname);
		/* Index numbers of removed links may be reused. */
		a->n_ifindexes = 0;
		return rc == -ENODEV ? 0 : rc;
	}
	return -EINVAL;
}

/* Send one request now, not queued, treating GONE as success: removing
 * an address or route that the kernel already removed with its prefix. */
static int request_now(struct jn_nl *nl, int rc_of_request(struct jn_nl *nl, const void *arg),
		       const void *arg, int gone)
{
	bool queueing = nl->queueing;
	int rc;

	nl->queueing = false;
	rc = rc_of_request(nl, arg);
	nl->queueing = queueing;
	return rc == gone ? 0 : rc;
}

struct addr_request {
	int ifindex;
	const struct jn_prefix *prefix;
};

static int delete_addr(struct jn_nl *nl, const void *arg)
{
	const struct addr_request *request = arg;

	return jn_rtnl_addr(nl, false, request->ifindex, request->prefix);
}

static int delete_route(struct jn_nl *nl, const void *arg)
{
	const struct addr_request *request = arg;

	return jn_rtnl_default_route(nl, false, request->ifindex, request->prefix);
}

static int apply_addr(struct applier *a, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	int rc = 0, ifindex;
	struct jn_nl *nl = jn_applier_socket(a, obj->netns, change, &rc);

	if (!nl)
		return rc;
	ifindex = jn_applier_ifindex(a, obj->netns, obj->ifname);
	if (ifindex < 0)
		return ifindex;
	/* A changed address (tentative, failed DAD) is made anew. */
	if (change->action != JN_ADD) {
		struct addr_request request = { ifindex, &change->observed->prefix };

		rc = request_now(nl, delete_addr, &request, -EADDRNOTAVAIL);
	}
	if (rc == 0 && change->action != JN_REMOVE)
		rc = jn_rtnl_addr(nl, true, ifindex, &obj->prefix);
	return rc;
}

static int apply_route(struct applier *a, const struct jn_change *change)
{
	const struct jn_obj *obj = jn_change_obj(change);
	int rc = 0, ifindex = 0;
	struct jn_nl *nl = jn_applier_socket(a, obj->netns, change, &rc);

	if (!nl)
		return rc;
	if (change->action != JN_ADD) {
		const struct jn_obj *old = change->observed;

		struct addr_request request;

		ifindex = old->ifname[0] ? jn_applier_ifindex(a, old->netns, old->ifname) : 0;
		request = (struct addr_request){ ifindex > 0 ? ifindex : 0, &old->prefix };
		/* The kernel drops a route whose gateway's prefix went away. */
		rc = request_now(nl, delete_route, &request, -ESRCH);
	}
	if (rc == 0 && change->action != JN_REMOVE) {
		ifindex = jn_applier_ifindex(a, obj->netns, obj->ifname);
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

bool jn_step_is_queued(const struct jn_change *change)
{
	enum jn_kind kind = jn_change_obj(change)->kind;

	return kind == JN_KIND_ADDR || kind == JN_KIND_ROUTE ||
	       (kind == JN_KIND_VETH && change->action == JN_CHANGE);
}

int jn_apply_step(struct applier *a, const struct jn_change *change)
{
	switch (jn_change_obj(change)->kind) {
	case JN_KIND_NETNS:
		return apply_netns(a, change);
	case JN_KIND_VETH:
		return apply_veth(a, change);
	case JN_KIND_ADDR:
		return apply_addr(a, change);
	case JN_KIND_ROUTE:
		return apply_route(a, change);
	case JN_KIND_RESOLV:
		if (change->action == JN_REMOVE)
			return jn_resolv_remove(change->observed->path);
		return jn_resolv_write(change->desired->path, change->desired->value);
	case JN_KIND_SYSCTL:
		return apply_sysctl(change);
	default:
		return -EINVAL;
	}
}
