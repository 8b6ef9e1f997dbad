#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model/prefix.h"
#include "reconcile/desired.h"
#include "reconcile/nft.h"
#include "reconcile/resolv.h"

char *jn_veth_id(const char *host, const char *jail)
{
	return jn_sprintf("%s <-> %s", host[0] ? host : "(none)", jail[0] ? jail : "(none)");
}

char *jn_addr_id(const char *netns, const char *ifname, const struct jn_prefix *addr)
{
	char text[JN_PREFIX_STRLEN];

	return jn_sprintf("%s %s %s", netns[0] ? netns : "-", ifname,
			  jn_prefix_format(addr, text));
}

char *jn_addr_label(const char *netns, const char *ifname, const struct jn_prefix *addr)
{
	char text[JN_PREFIX_STRLEN];

	if (!netns[0])
		return jn_sprintf("%s on %s", jn_prefix_format(addr, text), ifname);
	return jn_sprintf("%s on %s in %s", jn_prefix_format(addr, text), ifname, netns);
}

char *jn_route_id(const char *netns, int family)
{
	return jn_sprintf("%s default %s", netns, family == AF_INET6 ? "ipv6" : "ipv4");
}

char *jn_sysctl_path(const char *name)
{
	char *path = jn_sprintf("/proc/sys/%s", name);

	for (char *c = path + strlen("/proc/sys/"); *c; c++)
		if (*c == '.')
			*c = '/';
	return path;
}

static void add_addr(struct jn_objlist *list, const struct jn_namespace *ns,
		     const char *netns, const char *ifname, const struct jn_prefix *addr)
{
	char *id = jn_addr_id(netns, ifname, addr);
	char *label = jn_addr_label(netns, ifname, addr);
	struct jn_obj *obj = jn_objlist_add(list, JN_KIND_ADDR, ns->name, id, "ok", label);

	snprintf(obj->netns, sizeof(obj->netns), "%s", netns);
	snprintf(obj->ifname, sizeof(obj->ifname), "%s", ifname);
	obj->prefix = *addr;
	free(id);
	free(label);
}

static void add_route(struct jn_objlist *list, const struct jn_namespace *ns,
		      const struct jn_prefix *gateway)
{
	char text[JN_PREFIX_STRLEN];
	char *id = jn_route_id(ns->name, gateway->family);
	char *value = jn_sprintf("via %s dev %s", jn_prefix_format_addr(gateway, text),
				 ns->jail_ifname);
	char *label = jn_sprintf("default %s in %s", value, ns->name);
	struct jn_obj *obj = jn_objlist_add(list, JN_KIND_ROUTE, ns->name, id, value, label);

	snprintf(obj->netns, sizeof(obj->netns), "%s", ns->name);
	snprintf(obj->ifname, sizeof(obj->ifname), "%s", ns->jail_ifname);
	obj->prefix = *gateway;
	free(id);
	free(value);
	free(label);
}

static void add_subnet(struct jn_objlist *list, const struct jn_namespace *ns,
		       const struct jn_prefix *subnet)
{
	struct jn_prefix host, jail;

	if (!subnet->family)
		return;
	jn_prefix_host_end(subnet, &host);
	jn_prefix_jail_end(subnet, &jail);
	add_addr(list, ns, "", ns->host_ifname, &host);
	add_addr(list, ns, ns->name, ns->jail_ifname, &jail);
	if (ns->uplink)
		add_route(list, ns, &host);
}

static void add_namespace(struct jn_objlist *list, const struct jn_namespace *ns)
{
	struct jn_obj *obj;
	char *id, *label;

	obj = jn_objlist_add(list, JN_KIND_NETNS, ns->name, ns->name, "lo up", NULL);
	snprintf(obj->netns, sizeof(obj->netns), "%s", ns->name);
	id = jn_veth_id(ns->host_ifname, ns->jail_ifname);
	label = jn_sprintf("%s (host end) <-> %s in %s", ns->host_ifname, ns->jail_ifname,
			   ns->name);
	obj = jn_objlist_add(list, JN_KIND_VETH, ns->name, id, "host end up, jail end up",
			     label);
	snprintf(obj->netns, sizeof(obj->netns), "%s", ns->name);
	snprintf(obj->ifname, sizeof(obj->ifname), "%s", ns->host_ifname);
	snprintf(obj->peer_ifname, sizeof(obj->peer_ifname), "%s", ns->jail_ifname);
	free(id);
	free(label);
	add_subnet(list, ns, &ns->subnet4);
	add_subnet(list, ns, &ns->subnet6);
	jn_resolv_desired(list, ns);
}

static void add_sysctl(struct jn_objlist *list, const char *name)
{
	struct jn_obj *obj = jn_objlist_add(list, JN_KIND_SYSCTL, NULL, name, "1", NULL);

	obj->path = jn_sysctl_path(name);
}

void jn_desired_build(const struct jn_config *config, struct jn_objlist *list)
{
	bool forward4 = false, forward6 = false;

	jn_nft_desired_skeleton(list);
	jn_nft_desired_elements(config, list);
	for (size_t i = 0; i < config->n_namespaces; i++) {
		const struct jn_namespace *ns = &config->namespaces[i];

		add_namespace(list, ns);
		forward4 |= ns->uplink && ns->subnet4.family;
		forward6 |= ns->uplink && ns->subnet6.family;
	}
	if (forward4)
		add_sysctl(list, JN_SYSCTL_IPV4_FORWARD);
	if (forward6)
		add_sysctl(list, JN_SYSCTL_IPV6_FORWARD);
}
