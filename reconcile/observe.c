/* Reading the live state: links, addresses and routes on the host and in
 * every namespace under /run/netns, the forwarding sysctls and the
 * nftables table. Only objects with jailnet's mark become removable
 * objects; foreign ones with a wanted name become problems. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "model/prefix.h"
#include "reconcile/desired.h"
#include "reconcile/host.h"
#include "reconcile/marks.h"
#include "reconcile/netns.h"
#include "reconcile/nft.h"
#include "reconcile/resolv.h"
#include "reconcile/rtnl.h"

struct observed_ns {
	char name[JN_NAME_MAX + 1];
	struct jn_rtnl_dump dump;
};

struct observe_ctx {
	struct jn_host *host;
	const struct jn_config *config;
	struct jn_objlist *list;
	struct jn_problems *problems;
	struct jn_rtnl_dump host_dump;
	struct observed_ns *netns;	/* jailnet's namespaces */
	size_t n_netns;
	bool *host_link_paired;		/* by index into host_dump.links */
};

static bool is_marked(const struct jn_link *link)
{
	return link->group == JN_LINK_GROUP;
}

static const char *addr_state(uint32_t flags)
{
	if (flags & IFA_F_DADFAILED)
		return "dadfailed";
	if (flags & IFA_F_TENTATIVE)
		return "tentative";
	return "ok";
}

static bool is_link_local(const struct jn_prefix *prefix)
{
	return prefix->family == AF_INET6 && prefix->addr[0] == 0xfe &&
	       (prefix->addr[1] & 0xc0) == 0x80;
}

static void add_addrs(struct observe_ctx *ctx, const struct jn_rtnl_dump *dump,
		      const struct jn_link *link, const char *netns, const char *group)
{
	for (size_t i = 0; i < dump->n_addrs; i++) {
		const struct jn_addr *addr = &dump->addrs[i];
		struct jn_obj *obj;
		char *id, *label;

		/* The kernel makes link-local addresses; they are not ours. */
		if (addr->ifindex != link->ifindex || is_link_local(&addr->prefix))
			continue;
		id = jn_addr_id(netns, link->name, &addr->prefix);
		label = jn_addr_label(netns, link->name, &addr->prefix);
		obj = jn_objlist_add(ctx->list, JN_KIND_ADDR, group, id,
				     addr_state(addr->flags), label);
		obj->owned = true;
		snprintf(obj->netns, sizeof(obj->netns), "%s", netns);
		snprintf(obj->ifname, sizeof(obj->ifname), "%s", link->name);
		obj->prefix = addr->prefix;
		free(id);
		free(label);
	}
}

static void add_routes(struct observe_ctx *ctx, const struct observed_ns *ns)
{
	for (size_t i = 0; i < ns->dump.n_routes; i++) {
		const struct jn_route *route = &ns->dump.routes[i];
		const struct jn_link *link = jn_rtnl_link_by_index(&ns->dump, route->oif);
		char text[JN_PREFIX_STRLEN], *id, *value, *label;
		struct jn_obj *obj;

		if (route->protocol != JN_ROUTE_PROTOCOL || route->table != RT_TABLE_MAIN ||
		    route->dst_len != 0 || route->type != RTN_UNICAST)
			continue;
		id = jn_route_id(ns->name, route->family);
		value = jn_sprintf("via %s dev %s",
				   route->gateway.family ? jn_prefix_format_addr(&route->gateway, text)
							 : "(none)",
				   link ? link->name : "(none)");
		label = jn_sprintf("default %s in %s", value, ns->name);
		obj = jn_objlist_add(ctx->list, JN_KIND_ROUTE, ns->name, id, value, label);
		obj->owned = true;
		snprintf(obj->netns, sizeof(obj->netns), "%s", ns->name);
		if (link)
			snprintf(obj->ifname, sizeof(obj->ifname), "%s", link->name);
		obj->prefix = route->gateway;
		obj->prefix.family = route->family;
		free(id);
		free(value);
		free(label);
	}
}

static const char *link_state(const struct jn_link *link)
{
	if (!link)
		return "missing";
	return link->up ? "up" : "down";
}

static void add_veth(struct observe_ctx *ctx, const char *group, const struct jn_link *host,
		     const struct jn_link *jail, const char *netns)
{
	char *id = jn_veth_id(host ? host->name : "", jail ? jail->name : "");
	char *value = jn_sprintf("host end %s, jail end %s", link_state(host), link_state(jail));
	char *label;
	struct jn_obj *obj;

	if (jail)
		label = jn_sprintf("%s (host end) <-> %s in %s", host ? host->name : "(none)",
				   jail->name, netns);
	else
		label = jn_sprintf("%s (host end) <-> (none)", host->name);
	obj = jn_objlist_add(ctx->list, JN_KIND_VETH, group, id, value, label);
	obj->owned = true;
	snprintf(obj->netns, sizeof(obj->netns), "%s", jail ? netns : "");
	if (host)
		snprintf(obj->ifname, sizeof(obj->ifname), "%s", host->name);
	if (jail)
		snprintf(obj->peer_ifname, sizeof(obj->peer_ifname), "%s", jail->name);
	free(id);
	free(value);
	free(label);
}

/* The host end of JAIL: a marked veth that points at it and back. */
static const struct jn_link *find_host_end(struct observe_ctx *ctx, const struct jn_link *jail)
{
	const struct jn_link *link = jn_rtnl_link_by_index(&ctx->host_dump, jail->peer_ifindex);
	size_t i;

	if (!link || !is_marked(link) || link->peer_ifindex != jail->ifindex)
		return NULL;
	i = (size_t)(link - ctx->host_dump.links);
	if (ctx->host_link_paired[i])
		return NULL;
	ctx->host_link_paired[i] = true;
	return link;
}

static void observe_namespace_objects(struct observe_ctx *ctx, const struct observed_ns *ns)
{
	const struct jn_link *lo = jn_rtnl_find_link(&ns->dump, "lo");
	struct jn_obj *obj;

	obj = jn_objlist_add(ctx->list, JN_KIND_NETNS, ns->name, ns->name,
			     lo && lo->up ? "lo up" : "lo down", NULL);
	obj->owned = true;
	snprintf(obj->netns, sizeof(obj->netns), "%s", ns->name);
	for (size_t i = 0; i < ns->dump.n_links; i++) {
		const struct jn_link *jail = &ns->dump.links[i];
		const struct jn_link *host;

		if (!is_marked(jail) || strcmp(jail->kind, "veth") != 0)
			continue;
		host = find_host_end(ctx, jail);
		add_veth(ctx, ns->name, host, jail, ns->name);
		if (host)
			add_addrs(ctx, &ctx->host_dump, host, "", ns->name);
		add_addrs(ctx, &ns->dump, jail, ns->name, ns->name);
	}
	add_routes(ctx, ns);
}

/* Marked host links whose jail end was not found in any namespace. */
static void observe_orphan_links(struct observe_ctx *ctx)
{
	for (size_t i = 0; i < ctx->host_dump.n_links; i++) {
		const struct jn_link *link = &ctx->host_dump.links[i];
		const char *group = link->alias[0] ? link->alias : link->name;

		if (!is_marked(link) || ctx->host_link_paired[i] ||
		    strcmp(link->kind, "veth") != 0)
			continue;
		if (strncmp(group, "jailnet: ", 9) == 0)
			group += 9;
		/* Its addresses go with it and are not listed: the same
		 * addresses on the new pair must show as additions. */
		add_veth(ctx, group, link, NULL, "");
	}
}

static bool name_is_desired(const struct jn_config *config, const char *name)
{
	return config && jn_config_find_namespace(config, name);
}

/* Open and dump namespace NAME. Only namespaces whose loopback device
 * carries jailnet's mark are jailnet's. */
static int observe_netns(struct observe_ctx *ctx, const char *name)
{
	int err = 0;
	struct jn_nl *nl = jn_host_rtnl(ctx->host, name, &err);
	struct jn_rtnl_dump dump;
	const struct jn_link *lo;
	int rc;

	if (!nl && err == -ENOTNAM && !name_is_desired(ctx->config, name) &&
	    jn_netns_is_own_leftover(name)) {
		/* A run killed between unmounting a namespace and removing its
		 * name left this file: jailnet's to remove. */
		struct jn_obj *obj = jn_objlist_add(ctx->list, JN_KIND_NETNS, name, name,
						    "leftover empty file", NULL);

		obj->owned = true;
		snprintf(obj->netns, sizeof(obj->netns), "%s", name);
		free(obj->label);
		obj->label = jn_sprintf("%s (an empty file left in %s)", name, JN_NETNS_DIR);
		return 0;
	}
	if (!nl) {
		if (err == -ENOTNAM && name_is_desired(ctx->config, name) &&
		    !jn_netns_is_placeholder(name))
			jn_problem_add(ctx->problems,
				       "%s/%s exists but is not a network namespace mount; remove the file or rename the namespace in the config",
				       JN_NETNS_DIR, name);
		else if (err != -ENOTNAM && err != -ENOENT)
			jn_problem_add(ctx->problems, "cannot enter namespace %s: %s", name,
				       strerror(-err));
		return 0;
	}
	rc = jn_rtnl_dump(nl, &dump, JN_ROUTE_PROTOCOL);
	/* Reopened on demand by apply: keeping a socket per namespace open
	 * would run into the file descriptor limit on large hosts. */
	jn_host_forget(ctx->host, name);
	if (rc < 0) {
		jn_problem_add(ctx->problems, "cannot read namespace %s: %s", name, strerror(-rc));
		return 0;
	}
	lo = jn_rtnl_find_link(&dump, "lo");
	if (!lo || lo->group != JN_LINK_GROUP) {
		if (name_is_desired(ctx->config, name))
			jn_problem_add(ctx->problems,
				       "namespace %s exists but was not made by jailnet (its loopback device is not in group %u); rename the namespace in the config or remove the other one",
				       name, JN_LINK_GROUP);
		jn_rtnl_dump_free(&dump);
		return 0;
	}
	ctx->netns = realloc(ctx->netns, (ctx->n_netns + 1) * sizeof(*ctx->netns));
	if (!ctx->netns)
		abort();
	snprintf(ctx->netns[ctx->n_netns].name, sizeof(ctx->netns[0].name), "%s", name);
	ctx->netns[ctx->n_netns].dump = dump;
	ctx->n_netns++;
	return 0;
}

static void observe_sysctl(struct observe_ctx *ctx, const char *name)
{
	char *path = jn_sysctl_path(name);
	FILE *file = fopen(path, "r");
	char value[32] = "";
	struct jn_obj *obj;

	if (!file) {
		jn_problem_add(ctx->problems, "cannot read %s: %s", path, strerror(errno));
		free(path);
		return;
	}
	if (!fgets(value, sizeof(value), file))
		value[0] = '\0';
	fclose(file);
	value[strcspn(value, "\n")] = '\0';
	obj = jn_objlist_add(ctx->list, JN_KIND_SYSCTL, NULL, name, value, NULL);
	obj->path = path;
}

/* Host links that have a name the config wants but not jailnet's mark. */
static void check_foreign_links(struct observe_ctx *ctx)
{
	const struct jn_config *config = ctx->config;

	for (size_t i = 0; config && i < config->n_namespaces; i++) {
		const struct jn_namespace *ns = &config->namespaces[i];
		const struct jn_link *link = jn_rtnl_find_link(&ctx->host_dump, ns->host_ifname);

		if (link && !is_marked(link))
			jn_problem_add(ctx->problems,
				       "interface %s exists on the host but was not made by jailnet (it is not in device group %u); choose another interfaces.host for namespace %s or remove that interface",
				       ns->host_ifname, JN_LINK_GROUP, ns->name);
	}
}

/* An address or route on the host that jailnet does not manage. */
struct foreign_prefix {
	struct jn_prefix prefix;
	const char *what;	/* "address" or "route" */
	const char *ifname;
};

/* Collect the foreign addresses and routes once, so checking N subnets
 * costs N times their count, not N times the whole host. */
static struct foreign_prefix *foreign_prefixes(const struct jn_rtnl_dump *dump, size_t *count)
{
	struct foreign_prefix *list = calloc(dump->n_addrs + dump->n_routes + 1, sizeof(*list));
	size_t n = 0;

	if (!list)
		abort();
	for (size_t i = 0; i < dump->n_addrs; i++) {
		const struct jn_link *link = jn_rtnl_link_by_index(dump, dump->addrs[i].ifindex);

		if (!link || is_marked(link) || is_link_local(&dump->addrs[i].prefix))
			continue;
		list[n++] = (struct foreign_prefix){ dump->addrs[i].prefix, "address", link->name };
	}
	for (size_t i = 0; i < dump->n_routes; i++) {
		const struct jn_route *route = &dump->routes[i];
		const struct jn_link *link = jn_rtnl_link_by_index(dump, route->oif);

		/* Default routes overlap everything; routes on jailnet's own
		 * links are the kernel's prefix routes for its addresses. */
		if (route->dst_len == 0 || (link && is_marked(link)))
			continue;
		list[n++] = (struct foreign_prefix){ route->dst, "route", link ? link->name : "" };
	}
	*count = n;
	return list;
}

static void check_overlap(struct observe_ctx *ctx, const struct jn_namespace *ns,
			  const struct jn_prefix *subnet, const struct foreign_prefix *list,
			  size_t count)
{
	char a[JN_PREFIX_STRLEN], b[JN_PREFIX_STRLEN];

	for (size_t i = 0; subnet->family && i < count; i++) {
		if (!jn_prefix_overlaps(&list[i].prefix, subnet))
			continue;
		jn_problem_add(ctx->problems,
			       "subnet %s of namespace %s overlaps %s %s%s%s, which jailnet does not manage; choose another subnet",
			       jn_prefix_format(subnet, a), ns->name, list[i].what,
			       jn_prefix_format(&list[i].prefix, b),
			       list[i].ifname[0] ? " on " : "", list[i].ifname);
	}
}

static void check_subnets(struct observe_ctx *ctx)
{
	size_t count;
	struct foreign_prefix *list;

	if (!ctx->config)
		return;
	list = foreign_prefixes(&ctx->host_dump, &count);
	for (size_t i = 0; i < ctx->config->n_namespaces; i++) {
		const struct jn_namespace *ns = &ctx->config->namespaces[i];

		check_overlap(ctx, ns, &ns->subnet4, list, count);
		check_overlap(ctx, ns, &ns->subnet6, list, count);
	}
	free(list);
}

static void check_uplinks(struct observe_ctx *ctx)
{
	const struct jn_config *config = ctx->config;
	struct jn_problems *problems = ctx->problems;

	for (size_t i = 0; config && i < config->n_uplinks; i++) {
		const struct jn_uplink *uplink = &config->uplinks[i];

		if (!jn_rtnl_find_link(&ctx->host_dump, uplink->ifname))
			jn_blocker_add(problems,
				       "uplink %s: interface %s not found; create it or fix uplinks.%s.interface",
				       uplink->name, uplink->ifname, uplink->name);
	}
}

static int observe_all_netns(struct observe_ctx *ctx)
{
	char **names;
	size_t count;
	int rc = jn_netns_list(&names, &count);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < count && rc == 0; i++)
		rc = observe_netns(ctx, names[i]);
	jn_netns_list_free(names, count);
	return rc;
}

static int observe_nft(struct observe_ctx *ctx)
{
	char error[512] = "";
	int rc = jn_nft_observe(&ctx->host->nft, ctx->list, &ctx->host->nft_generation,
				error, sizeof(error));

	if (rc == -EEXIST) {
		jn_problem_add(ctx->problems, "%s", error);
		return 0;
	}
	return rc;
}

int jn_observe(struct jn_host *host, const struct jn_config *config,
	       struct jn_objlist *list, struct jn_problems *problems)
{
	struct observe_ctx ctx = {
		.host = host, .config = config, .list = list, .problems = problems,
	};
	int rc = jn_rtnl_dump(&host->rtnl, &ctx.host_dump, 0);

	if (rc < 0)
		return rc;
	ctx.host_link_paired = calloc(ctx.host_dump.n_links + 1, sizeof(bool));
	if (!ctx.host_link_paired)
		abort();
	rc = observe_all_netns(&ctx);
	if (rc == 0)
		rc = observe_nft(&ctx);
	if (rc == 0) {
		for (size_t i = 0; i < ctx.n_netns; i++)
			observe_namespace_objects(&ctx, &ctx.netns[i]);
		observe_orphan_links(&ctx);
		check_foreign_links(&ctx);
		check_uplinks(&ctx);
		check_subnets(&ctx);
		jn_resolv_observe(list, config, problems);
		observe_sysctl(&ctx, JN_SYSCTL_IPV4_FORWARD);
		observe_sysctl(&ctx, JN_SYSCTL_IPV6_FORWARD);
	}
	for (size_t i = 0; i < ctx.n_netns; i++)
		jn_rtnl_dump_free(&ctx.netns[i].dump);
	free(ctx.netns);
	free(ctx.host_link_paired);
	jn_rtnl_dump_free(&ctx.host_dump);
	return rc;
}
