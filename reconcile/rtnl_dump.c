/* Parsing of rtnetlink link, address and route dumps. Every attribute is
 * validated for type and length before it is read; unknown ones are
 * skipped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "reconcile/rtnl.h"

static void *grow(void *array, size_t count, size_t size)
{
	void *grown = realloc(array, (count + 1) * size);

	if (!grown)
		abort();
	memset((char *)grown + count * size, 0, size);
	return grown;
}

static int table_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **table = data;

	table[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static bool attr_is_str(const struct nlattr *attr)
{
	return attr && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0;
}

static bool attr_is_u32(const struct nlattr *attr)
{
	return attr && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0;
}

static void parse_linkinfo(const struct nlattr *info, struct jn_link *link)
{
	const struct nlattr *table[IFLA_INFO_MAX + 1] = { 0 };

	if (mnl_attr_validate(info, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(info, table_cb, table) < 0)
		return;
	if (attr_is_str(table[IFLA_INFO_KIND]))
		snprintf(link->kind, sizeof(link->kind), "%s",
			 mnl_attr_get_str(table[IFLA_INFO_KIND]));
}

static int link_table_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	return table_cb(attr, data);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct jn_rtnl_dump *dump = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *table[IFLA_MAX + 1] = { 0 };
	struct jn_link *link;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_attr_parse(nlh, sizeof(*ifi), link_table_cb, table) < 0)
		return 0;
	if (!attr_is_str(table[IFLA_IFNAME]))
		return -EBADMSG;	/* a link without a name would look missing */
	dump->links = grow(dump->links, dump->n_links, sizeof(*dump->links));
	link = &dump->links[dump->n_links++];
	link->ifindex = ifi->ifi_index;
	link->up = ifi->ifi_flags & IFF_UP;
	snprintf(link->name, sizeof(link->name), "%s", mnl_attr_get_str(table[IFLA_IFNAME]));
	if (attr_is_str(table[IFLA_IFALIAS]))
		snprintf(link->alias, sizeof(link->alias), "%s",
			 mnl_attr_get_str(table[IFLA_IFALIAS]));
	if (attr_is_u32(table[IFLA_GROUP]))
		link->group = mnl_attr_get_u32(table[IFLA_GROUP]);
	if (attr_is_u32(table[IFLA_LINK]))
		link->peer_ifindex = (int)mnl_attr_get_u32(table[IFLA_LINK]);
	if (table[IFLA_LINKINFO])
		parse_linkinfo(table[IFLA_LINKINFO], link);
	return 0;
}

static int addr_table_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;
	return table_cb(attr, data);
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct jn_rtnl_dump *dump = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *table[IFA_MAX + 1] = { 0 };
	const struct nlattr *local;
	size_t len = ifa->ifa_family == AF_INET6 ? 16 : 4;
	struct jn_addr *addr;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    mnl_attr_parse(nlh, sizeof(*ifa), addr_table_cb, table) < 0)
		return 0;
	local = table[IFA_LOCAL] ? table[IFA_LOCAL] : table[IFA_ADDRESS];
	if (!local || mnl_attr_get_payload_len(local) != len)
		return -EBADMSG;
	dump->addrs = grow(dump->addrs, dump->n_addrs, sizeof(*dump->addrs));
	addr = &dump->addrs[dump->n_addrs++];
	addr->ifindex = (int)ifa->ifa_index;
	addr->prefix.family = ifa->ifa_family;
	addr->prefix.len = ifa->ifa_prefixlen;
	memcpy(addr->prefix.addr, mnl_attr_get_payload(local), len);
	addr->flags = ifa->ifa_flags;
	if (attr_is_u32(table[IFA_FLAGS]))
		addr->flags = mnl_attr_get_u32(table[IFA_FLAGS]);
	return 0;
}

static int route_table_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;
	return table_cb(attr, data);
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct jn_rtnl_dump *dump = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *table[RTA_MAX + 1] = { 0 };
	size_t len = rtm->rtm_family == AF_INET6 ? 16 : 4;
	struct jn_route *route;

	/* Blackhole, unreachable and prohibit routes claim a prefix too. */
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    (rtm->rtm_type != RTN_UNICAST && rtm->rtm_type != RTN_BLACKHOLE &&
	     rtm->rtm_type != RTN_UNREACHABLE && rtm->rtm_type != RTN_PROHIBIT) ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    mnl_attr_parse(nlh, sizeof(*rtm), route_table_cb, table) < 0)
		return 0;
	dump->routes = grow(dump->routes, dump->n_routes, sizeof(*dump->routes));
	route = &dump->routes[dump->n_routes++];
	route->family = rtm->rtm_family;
	route->type = rtm->rtm_type;
	route->dst_len = rtm->rtm_dst_len;
	route->dst.family = rtm->rtm_family;
	route->dst.len = rtm->rtm_dst_len;
	if (table[RTA_DST] && mnl_attr_get_payload_len(table[RTA_DST]) == len)
		memcpy(route->dst.addr, mnl_attr_get_payload(table[RTA_DST]), len);
	route->protocol = rtm->rtm_protocol;
	route->table = attr_is_u32(table[RTA_TABLE]) ? mnl_attr_get_u32(table[RTA_TABLE])
						     : rtm->rtm_table;

	if (attr_is_u32(table[RTA_OIF]))
		route->oif = (int)mnl_attr_get_u32(table[RTA_OIF]);
	if (table[RTA_GATEWAY] && mnl_attr_get_payload_len(table[RTA_GATEWAY]) == len) {
		route->gateway.family = rtm->rtm_family;
		route->gateway.len = (uint8_t)(len * 8);
		memcpy(route->gateway.addr, mnl_attr_get_payload(table[RTA_GATEWAY]), len);
	}
	return 0;
}

static int dump_one(struct jn_nl *nl, uint16_t type, size_t header_size,
		    jn_nl_cb cb, struct jn_rtnl_dump *dump, uint8_t route_protocol)
{
	char buf[JN_NL_REQ_SIZE];

	for (int attempt = 0; attempt < JN_DUMP_RETRIES; attempt++) {
		struct nlmsghdr *nlh = jn_nl_header(nl, buf, type, NLM_F_DUMP);
		size_t before[3] = { dump->n_links, dump->n_addrs, dump->n_routes };
		void *header;
		int rc;

		/* The family byte comes first in every header type: AF_UNSPEC. */
		header = mnl_nlmsg_put_extra_header(nlh, header_size);
		if (type == RTM_GETROUTE && route_protocol) {
			/* With strict checking (kernel 4.20+) the kernel dumps only
			 * ROUTE_PROTOCOL's routes of the main table; older kernels
			 * ignore the filter, and the callers check both anyway. */
			struct rtmsg *rtm = header;

			rtm->rtm_table = RT_TABLE_MAIN;
			rtm->rtm_protocol = route_protocol;
		}
		rc = jn_nl_dump(nl, nlh, cb, dump);
		if (rc != -EINTR)
			return rc;
		/* An interrupted dump may miss objects: drop it and ask again. */
		dump->n_links = before[0];
		dump->n_addrs = before[1];
		dump->n_routes = before[2];
	}
	return -EINTR;
}

static int compare_ifindex(const void *a, const void *b)
{
	const struct jn_link *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int jn_rtnl_dump(struct jn_nl *nl, struct jn_rtnl_dump *dump, uint8_t route_protocol)
{
	int rc;

	memset(dump, 0, sizeof(*dump));
	rc = dump_one(nl, RTM_GETLINK, sizeof(struct ifinfomsg), link_cb, dump, 0);
	if (rc == 0)
		rc = dump_one(nl, RTM_GETADDR, sizeof(struct ifaddrmsg), addr_cb, dump, 0);
	if (rc == 0)
		rc = dump_one(nl, RTM_GETROUTE, sizeof(struct rtmsg), route_cb, dump,
			      route_protocol);
	if (rc < 0)
		jn_rtnl_dump_free(dump);
	else if (dump->n_links)
		qsort(dump->links, dump->n_links, sizeof(*dump->links), compare_ifindex);
	return rc;
}

void jn_rtnl_dump_free(struct jn_rtnl_dump *dump)
{
	free(dump->links);
	free(dump->addrs);
	free(dump->routes);
	memset(dump, 0, sizeof(*dump));
}

const struct jn_link *jn_rtnl_find_link(const struct jn_rtnl_dump *dump,
					const char *name)
{
	for (size_t i = 0; i < dump->n_links; i++)
		if (strcmp(dump->links[i].name, name) == 0)
			return &dump->links[i];
	return NULL;
}

const struct jn_link *jn_rtnl_link_by_index(const struct jn_rtnl_dump *dump,
					    int ifindex)
{
	struct jn_link key = { .ifindex = ifindex };

	if (!dump->n_links)
		return NULL;
	return bsearch(&key, dump->links, dump->n_links, sizeof(*dump->links), compare_ifindex);
}
