#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entry.h"
#include "model/prefix.h"

#define MAX_PORT_RANGES 64

struct port_range {
	uint16_t min, max;
};

const char *jn_proto_name(enum jn_proto proto)
{
	switch (proto) {
	case JN_PROTO_TCP:
		return "tcp";
	case JN_PROTO_UDP:
		return "udp";
	case JN_PROTO_SCTP:
		return "sctp";
	case JN_PROTO_ICMP:
		return "icmp";
	case JN_PROTO_NONE:
		break;
	}
	return "none";
}

static int parse_proto(const char *text, enum jn_proto *out)
{
	static const enum jn_proto all[] = {
		JN_PROTO_TCP, JN_PROTO_UDP, JN_PROTO_SCTP, JN_PROTO_ICMP,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(text, jn_proto_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}

/* Parse a decimal port 1-65535 from [TEXT, END). */
static int parse_port(const char *text, const char *end, uint16_t *out)
{
	unsigned long value = 0;

	if (text == end || end - text > 5 || *text == '0')
		return -1;
	for (const char *c = text; c < end; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		value = value * 10 + (unsigned long)(*c - '0');
	}
	if (value < 1 || value > 65535)
		return -1;
	*out = (uint16_t)value;
	return 0;
}

/* Parse "80", "80,443" or "8000-8100,9000". */
static int parse_port_list(const char *text, const struct jn_node *node,
			   const char *where, struct port_range *ranges,
			   size_t *count, struct jn_diag *diag)
{
	const char *item = text;

	*count = 0;
	for (;;) {
		const char *end = strchr(item, ',');
		const char *dash;
		struct port_range range;

		if (!end)
			end = item + strlen(item);
		dash = memchr(item, '-', (size_t)(end - item));
		if (parse_port(item, dash ? dash : end, &range.min) < 0 ||
		    (dash && parse_port(dash + 1, end, &range.max) < 0)) {
			jn_diag_add(diag, node->pos,
				    "%s: invalid port \"%.*s\"; ports are numbers 1-65535, as in 80, 80,443 or 8000-8100",
				    where, (int)(end - item), item);
			return -1;
		}
		if (!dash)
			range.max = range.min;
		if (range.max < range.min) {
			jn_diag_add(diag, node->pos,
				    "%s: reversed port range \"%.*s\"; write the lower port first, as in %u-%u",
				    where, (int)(end - item), item, range.max, range.min);
			return -1;
		}
		if (*count == MAX_PORT_RANGES) {
			jn_diag_add(diag, node->pos,
				    "%s: more than %d ports in one entry; use a range or split the entry",
				    where, MAX_PORT_RANGES);
			return -1;
		}
		ranges[(*count)++] = range;
		if (!*end)
			return 0;
		item = end + 1;
	}
}

static struct jn_allow *allow_append(struct jn_allow **list, size_t *count)
{
	struct jn_allow *grown = realloc(*list, (*count + 1) * sizeof(**list));

	if (!grown)
		abort();
	*list = grown;
	memset(&grown[*count], 0, sizeof(**list));
	return &grown[(*count)++];
}

/* Expand PROTO with PORTS (NULL: all ports) into entries. */
static int add_allow_entries(const struct jn_node *node, const char *where,
			     enum jn_proto proto, const char *ports,
			     const struct jn_prefix *to, struct jn_allow **list,
			     size_t *count, struct jn_diag *diag)
{
	struct port_range ranges[MAX_PORT_RANGES];
	size_t n = 1;

	if (proto == JN_PROTO_ICMP && ports) {
		jn_diag_add(diag, node->pos,
			    "%s: icmp takes no ports, but \"%s\" is given; write plain icmp",
			    where, ports);
		return -1;
	}
	/* Without ports an entry covers every port of its protocol. */
	ranges[0].min = 0;
	ranges[0].max = proto == JN_PROTO_ICMP ? 0 : 65535;
	if (ports && parse_port_list(ports, node, where, ranges, &n, diag) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct jn_allow *entry = allow_append(list, count);

		entry->pos = node->pos;
		entry->proto = proto;
		entry->port_min = ranges[i].min;
		entry->port_max = ranges[i].max;
		if (to)
			entry->to = *to;
	}
	return 0;
}

static int parse_short_allow(const struct jn_node *node, enum jn_entry_list kind,
			     const char *where, struct jn_allow **list,
			     size_t *count, struct jn_diag *diag)
{
	const char *text = node->scalar;
	const char *slash = strrchr(text, '/');
	enum jn_proto proto;
	char ports[256];

	if (strcmp(text, "any") == 0 && kind == JN_LIST_ALLOW) {
		struct jn_allow *entry = allow_append(list, count);

		entry->pos = node->pos;
		entry->any = true;
		return 0;
	}
	if (strcmp(text, "icmp") == 0)
		return add_allow_entries(node, where, JN_PROTO_ICMP, NULL, NULL,
					 list, count, diag);
	if (!slash || parse_proto(slash + 1, &proto) < 0 ||
	    (size_t)(slash - text) >= sizeof(ports) || slash == text) {
		jn_diag_add(diag, node->pos,
			    "%s: invalid entry \"%s\"; write PORTS/PROTO (as in 80,443/tcp or 8000-8100/udp)%s",
			    where, text,
			    kind == JN_LIST_ALLOW ? ", icmp or any" : " or icmp");
		return -1;
	}
	memcpy(ports, text, (size_t)(slash - text));
	ports[slash - text] = '\0';
	return add_allow_entries(node, where, proto, ports, NULL, list, count, diag);
}

static int check_entry_keys(const struct jn_node *node, const char *where,
			    const char *const *keys, const char *hint,
			    struct jn_diag *diag)
{
	for (size_t i = 0; i < node->count; i++) {
		bool known = false;

		for (const char *const *k = keys; *k; k++)
			known |= strcmp(node->keys[i]->scalar, *k) == 0;
		if (!known) {
			jn_diag_add(diag, node->keys[i]->pos,
				    "%s: unknown key \"%s\"; valid keys are %s",
				    where, node->keys[i]->scalar, hint);
			return -1;
		}
	}
	return 0;
}

static const char *scalar_or_error(const struct jn_node *node, const char *where,
				   const char *key, struct jn_diag *diag)
{
	if (node->type != JN_NODE_SCALAR) {
		jn_diag_add(diag, node->pos, "%s.%s must be a single value, not a %s",
			    where, key, jn_node_type_name(node));
		return NULL;
	}
	return node->scalar;
}

static int parse_destination(const struct jn_node *node, const char *where,
			     struct jn_prefix *to, struct jn_diag *diag)
{
	const char *text = scalar_or_error(node, where, "to", diag);
	char network[JN_PREFIX_STRLEN];

	if (!text)
		return -1;
	if (jn_prefix_parse(text, true, to) < 0) {
		jn_diag_add(diag, node->pos,
			    "%s.to: invalid address or prefix \"%s\"; write an address such as 192.0.2.7 or a prefix such as 2001:db8::/32",
			    where, text);
		return -1;
	}
	if (!jn_prefix_is_network(to)) {
		struct jn_prefix masked = *to;

		jn_prefix_mask(&masked);
		jn_diag_add(diag, node->pos,
			    "%s.to: prefix \"%s\" has host bits set; write %s",
			    where, text, jn_prefix_format(&masked, network));
		return -1;
	}
	return 0;
}

static int parse_long_allow(const struct jn_node *node, enum jn_entry_list kind,
			    const char *where, struct jn_allow **list,
			    size_t *count, struct jn_diag *diag)
{
	static const char *const allow_keys[] = { "ports", "proto", "to", NULL };
	static const char *const host_keys[] = { "ports", "proto", NULL };
	const struct jn_node *proto_node = jn_node_get(node, "proto");
	const struct jn_node *ports_node = jn_node_get(node, "ports");
	const struct jn_node *to_node = jn_node_get(node, "to");
	const char *ports = NULL, *proto_text;
	struct jn_prefix to;
	enum jn_proto proto;

	if (check_entry_keys(node, where, kind == JN_LIST_ALLOW ? allow_keys : host_keys,
			     kind == JN_LIST_ALLOW ? "ports, proto and to" : "ports and proto",
			     diag) < 0)
		return -1;
	if (!proto_node) {
		jn_diag_add(diag, node->pos,
			    "%s: missing key \"proto\"; add proto: tcp, udp, sctp or icmp",
			    where);
		return -1;
	}
	proto_text = scalar_or_error(proto_node, where, "proto", diag);
	if (!proto_text)
		return -1;
	if (parse_proto(proto_text, &proto) < 0) {
		jn_diag_add(diag, proto_node->pos,
			    "%s.proto: unknown protocol \"%s\"; use tcp, udp, sctp or icmp",
			    where, proto_text);
		return -1;
	}
	if (ports_node && ports_node->type != JN_NODE_SCALAR) {
		jn_diag_add(diag, ports_node->pos,
			    "%s.ports must be a single value, not a %s; write the ports as one string, as in ports: \"80,443\"",
			    where, jn_node_type_name(ports_node));
		return -1;
	}
	if (ports_node)
		ports = ports_node->scalar;
	if (to_node && parse_destination(to_node, where, &to, diag) < 0)
		return -1;
	return add_allow_entries(ports_node ? ports_node : node, where, proto, ports,
				 to_node ? &to : NULL, list, count, diag);
}

int jn_parse_allow_entry(const struct jn_node *node, enum jn_entry_list kind,
			 const char *where, struct jn_allow **list, size_t *count,
			 struct jn_diag *diag)
{
	if (node->type == JN_NODE_SCALAR)
		return parse_short_allow(node, kind, where, list, count, diag);
	if (node->type == JN_NODE_MAP)
		return parse_long_allow(node, kind, where, list, count, diag);
	jn_diag_add(diag, node->pos,
		    "%s must be a string such as 80/tcp or a mapping with ports and proto, not a list",
		    where);
	return -1;
}

static int parse_publish_text(const struct jn_node *node, const char *where,
			      struct jn_publish *out, struct jn_diag *diag)
{
	const char *text = node->scalar;
	const char *slash = strrchr(text, '/');
	const char *colon = strchr(text, ':');

	if (!slash || parse_proto(slash + 1, &out->proto) < 0 ||
	    out->proto == JN_PROTO_ICMP || (colon && colon > slash)) {
		jn_diag_add(diag, node->pos,
			    "%s: invalid entry \"%s\"; write UPLINK_PORT:JAIL_PORT/PROTO or PORT/PROTO with tcp, udp or sctp, as in 80:8080/tcp",
			    where, text);
		return -1;
	}
	if (colon ? parse_port(text, colon, &out->outer_port) < 0 ||
			    parse_port(colon + 1, slash, &out->jail_port) < 0
		  : parse_port(text, slash, &out->outer_port) < 0) {
		jn_diag_add(diag, node->pos,
			    "%s: invalid port in \"%s\"; ports are single numbers 1-65535 (ranges are not supported here)",
			    where, text);
		return -1;
	}
	if (!colon)
		out->jail_port = out->outer_port;
	return 0;
}

int jn_parse_publish_entry(const struct jn_node *node, const char *where,
			   struct jn_publish **list, size_t *count,
			   struct jn_diag *diag)
{
	struct jn_publish entry = { .pos = node->pos };
	struct jn_publish *grown;

	if (node->type != JN_NODE_SCALAR) {
		jn_diag_add(diag, node->pos,
			    "%s must be a string such as 80:8080/tcp, not a %s",
			    where, jn_node_type_name(node));
		return -1;
	}
	if (parse_publish_text(node, where, &entry, diag) < 0)
		return -1;
	grown = realloc(*list, (*count + 1) * sizeof(**list));
	if (!grown)
		abort();
	*list = grown;
	grown[(*count)++] = entry;
	return 0;
}
