/* The desired state: what jailnet.yaml describes, after parsing and
 * validation. Nothing here touches the kernel. */
#ifndef JAILNET_MODEL_H
#define JAILNET_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "model/diag.h"

/* Interface names are at most 15 bytes: IFNAMSIZ (16) includes the NUL. */
#define JN_IFNAME_MAX (IFNAMSIZ - 1)
/* Resolvers per namespace: glibc reads at most three (MAXNS). */
#define JN_DNS_MAX 3
/* Namespace names become file names under /run/netns. */
#define JN_NAME_MAX 64

enum jn_proto {
	JN_PROTO_NONE = 0,
	JN_PROTO_ICMP = 1,	/* echo request, ICMP for IPv4 and ICMPv6 */
	JN_PROTO_TCP = 6,
	JN_PROTO_UDP = 17,
	JN_PROTO_SCTP = 132,
};

struct jn_prefix {
	int family;		/* AF_INET or AF_INET6; 0 when unset */
	uint8_t addr[16];	/* network byte order, IPv4 in the first 4 */
	uint8_t len;		/* prefix length in bits */
};

/* One entry of `allow` or `host`: traffic a jail may start. */
struct jn_allow {
	struct jn_pos pos;
	bool any;		/* "any": all egress through the uplink */
	enum jn_proto proto;
	uint16_t port_min, port_max;	/* 0-65535 when the entry gives no ports */
	struct jn_prefix to;		/* destination; family 0 means anywhere */
};

/* One entry of `publish`: inbound from the uplink, DNATed to the jail. */
struct jn_publish {
	struct jn_pos pos;
	enum jn_proto proto;
	uint16_t outer_port;	/* port on the uplink */
	uint16_t jail_port;	/* port inside the jail */
};

struct jn_uplink {
	struct jn_pos pos;
	char *name;			/* logical name used by namespaces */
	char ifname[IFNAMSIZ];		/* host interface */
	bool masquerade;
	bool invalid;		/* parsing reported an error */
};

struct jn_namespace {
	struct jn_pos pos;
	char *name;
	struct jn_prefix subnet4, subnet6;	/* family 0 when absent */
	struct jn_pos subnet4_pos, subnet6_pos;
	char *uplink_name;			/* NULL without an uplink */
	struct jn_pos uplink_pos;
	const struct jn_uplink *uplink;		/* resolved by validation */
	struct jn_allow *allow;
	size_t n_allow;
	struct jn_allow *host;
	size_t n_host;
	struct jn_publish *publish;
	size_t n_publish;
	char host_ifname[IFNAMSIZ];
	char jail_ifname[IFNAMSIZ];
	struct jn_pos host_ifname_pos, jail_ifname_pos;
	struct jn_prefix dns[JN_DNS_MAX];	/* resolvers, full-length prefixes */
	size_t n_dns;
	bool invalid;		/* parsing reported an error: skipped by validation */
};

struct jn_config {
	char *path;
	int version;
	struct jn_uplink *uplinks;
	size_t n_uplinks;
	struct jn_namespace *namespaces;	/* sorted by name after validation */
	size_t n_namespaces;
};

/* Parse and validate FILE. Returns 0, or -1 with every problem in DIAG and
 * CONFIG freed. */
int jn_config_load(const char *path, struct jn_config *config,
		   struct jn_diag *diag);
/* Same for a buffer; PATH is used only in messages. */
int jn_config_load_buffer(const char *path, const char *data, size_t size,
			  struct jn_config *config, struct jn_diag *diag);
void jn_config_free(struct jn_config *config);

int jn_config_validate(struct jn_config *config, struct jn_diag *diag);

const struct jn_namespace *jn_config_find_namespace(const struct jn_config *config,
						    const char *name);

/* Host-end and jail-end addresses of a subnet: the first two usable
 * addresses, or both addresses of a /31 or /127. */
void jn_prefix_host_end(const struct jn_prefix *subnet, struct jn_prefix *out);
void jn_prefix_jail_end(const struct jn_prefix *subnet, struct jn_prefix *out);

#endif
