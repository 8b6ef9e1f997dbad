/* rtnetlink requests that make, change and remove links, addresses and
 * routes. They never print; callers report errors with nl->error. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "reconcile/marks.h"
#include "reconcile/rtnl.h"

int jn_rtnl_add_veth(struct jn_nl *nl, const char *host, const char *jail,
		     int jail_netns_fd)
{
	char buf[JN_NL_REQ_SIZE];
	struct nlmsghdr *nlh = jn_nl_header(nl, buf, RTM_NEWLINK,
					    NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *linkinfo, *data, *peer;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	mnl_attr_put_u32(nlh, IFLA_GROUP, JN_LINK_GROUP);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer is brought up afterwards: kernel 6.18 returns ENOTCONN
	 * to IFF_UP on a peer made in another namespace. */
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, jail);
	mnl_attr_put_u32(nlh, IFLA_GROUP, JN_LINK_GROUP);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)jail_netns_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return jn_nl_request(nl, nlh);
}

int jn_rtnl_set_link(struct jn_nl *nl, const char *name, bool up,
		     const char *alias, uint32_t group)
{
	char buf[JN_NL_REQ_SIZE];
	struct nlmsghdr *nlh = jn_nl_header(nl, buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	if (alias)
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return jn_nl_request(nl, nlh);
}

int jn_rtnl_del_link(struct jn_nl *nl, const char *name)
{
	char buf[JN_NL_REQ_SIZE];
	struct nlmsghdr *nlh = jn_nl_header(nl, buf, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return jn_nl_request(nl, nlh);
}

int jn_rtnl_addr(struct jn_nl *nl, bool add, int ifindex,
		 const struct jn_prefix *addr)
{
	char buf[JN_NL_REQ_SIZE];
	struct nlmsghdr *nlh = jn_nl_header(nl, buf, add ? RTM_NEWADDR : RTM_DELADDR,
					    add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	size_t len = addr->family == AF_INET6 ? 16 : 4;

	ifa->ifa_family = (uint8_t)addr->family;
	ifa->ifa_prefixlen = addr->len;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, len, addr->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, addr->addr);
	if (add && addr->family == AF_INET6) {
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	return jn_nl_request(nl, nlh);
}

int jn_rtnl_default_route(struct jn_nl *nl, bool add, int ifindex,
			  const struct jn_prefix *gateway)
{
	char buf[JN_NL_REQ_SIZE];
	struct nlmsghdr *nlh = jn_nl_header(nl, buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
					    add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = (uint8_t)gateway->family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = JN_ROUTE_PROTOCOL;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, gateway->family == AF_INET6 ? 16 : 4,
		     gateway->addr);
	if (ifindex > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return jn_nl_request(nl, nlh);
}

static int ifindex_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK)
		*(int *)data = ifi->ifi_index;
	return 0;
}

int jn_rtnl_ifindex(struct jn_nl *nl, const char *name)
{
	char buf[JN_NL_REQ_SIZE];
	struct nlmsghdr *nlh = jn_nl_header(nl, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int ifindex = 0, rc;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	rc = jn_nl_dump(nl, nlh, ifindex_cb, &ifindex);
	if (rc < 0)
		return rc;
	return ifindex > 0 ? ifindex : -ENODEV;
}
