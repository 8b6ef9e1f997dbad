/* The desired state of the kernel, derived from a validated config. */
#ifndef JAILNET_DESIRED_H
#define JAILNET_DESIRED_H

#include "model/model.h"
#include "reconcile/object.h"

#define JN_SYSCTL_IPV4_FORWARD "net.ipv4.ip_forward"
#define JN_SYSCTL_IPV6_FORWARD "net.ipv6.conf.all.forwarding"

/* Build every object CONFIG describes, unsorted. */
void jn_desired_build(const struct jn_config *config, struct jn_objlist *list);

/* Objects of namespace NAME named the same way on both sides. */
char *jn_veth_id(const char *host, const char *jail);
char *jn_addr_id(const char *netns, const char *ifname, const struct jn_prefix *addr);
char *jn_addr_label(const char *netns, const char *ifname, const struct jn_prefix *addr);
char *jn_route_id(const char *netns, int family);
char *jn_sysctl_path(const char *name);

#endif
