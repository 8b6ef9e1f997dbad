/* Links, addresses and routes as rtnetlink reports them, and the requests
 * that make and remove them. */
#ifndef JAILNET_RTNL_H
#define JAILNET_RTNL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "model/model.h"
#include "reconcile/netlink.h"

struct jn_link {
	int ifindex;
	char name[IFNAMSIZ];
	char alias[128];
	char kind[16];		/* IFLA_INFO_KIND, "" when absent */
	uint32_t group;
	bool up;		/* IFF_UP */
	int peer_ifindex;	/* IFLA_LINK: a veth's peer, 0 when absent */
};

struct jn_addr {
	int ifindex;
	struct jn_prefix prefix;	/* the local address and its length */
	uint32_t flags;			/* IFA_F_* */
};

struct jn_route {
	int family;
	uint8_t type;		/* RTN_UNICAST, RTN_BLACKHOLE, ... */
	struct jn_prefix dst;	/* length 0 for a default route */
	uint8_t dst_len;
	uint8_t protocol;
	uint32_t table;
	int oif;
	struct jn_prefix gateway;	/* family 0 when absent */
};

struct jn_rtnl_dump {
	struct jn_link *links;		/* sorted by ifindex */
	size_t n_links;
	struct jn_addr *addrs;
	size_t n_addrs;
	struct jn_route *routes;
	size_t n_routes;
};

/* Dump links, addresses and the routes that claim a prefix (unicast,
 * blackhole, unreachable, prohibit) of every table of the namespace NL is
 * bound to; only ROUTE_PROTOCOL's routes of the main table when it is not
 * 0. Returns 0 or -errno. */
int jn_rtnl_dump(struct jn_nl *nl, struct jn_rtnl_dump *dump, uint8_t route_protocol);
void jn_rtnl_dump_free(struct jn_rtnl_dump *dump);
const struct jn_link *jn_rtnl_find_link(const struct jn_rtnl_dump *dump,
					const char *name);
const struct jn_link *jn_rtnl_link_by_index(const struct jn_rtnl_dump *dump,
					    int ifindex);

/* Make a veth pair: HOST here (up), JAIL in the namespace JAIL_NETNS_FD
 * (down), both in JN_LINK_GROUP. */
int jn_rtnl_add_veth(struct jn_nl *nl, const char *host, const char *jail,
		     int jail_netns_fd);
/* Set a link up, its alias and group, by name. ALIAS may be NULL. */
int jn_rtnl_set_link(struct jn_nl *nl, const char *name, bool up,
		     const char *alias, uint32_t group);
int jn_rtnl_del_link(struct jn_nl *nl, const char *name);
/* The index of link NAME, or -errno (-ENODEV when absent). */
int jn_rtnl_ifindex(struct jn_nl *nl, const char *name);
/* Add or delete ADDR/LEN on IFINDEX. IPv6 addresses skip duplicate
 * address detection, so they are usable at once. */
int jn_rtnl_addr(struct jn_nl *nl, bool add, int ifindex,
		 const struct jn_prefix *addr);
/* Add or delete the default route of FAMILY via GATEWAY on IFINDEX. */
int jn_rtnl_default_route(struct jn_nl *nl, bool add, int ifindex,
			  const struct jn_prefix *gateway);

#endif
