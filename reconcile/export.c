#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entry.h"
#include "model/prefix.h"
#include "reconcile/export.h"
#include "reconcile/nft.h"

/* One element's fields, decoded. */
struct decoded {
	char ifname[2][IFNAMSIZ];
	struct jn_prefix addr;		/* the key's address field, as a prefix */
	enum jn_proto proto;
	uint16_t port_min, port_max;
	struct jn_prefix data_addr;
	uint16_t data_port;
};

static int range_len(const uint8_t *first, const uint8_t *last, unsigned bits)
{
	unsigned len = 0;

	while (len < bits && ((first[len / 8] ^ last[len / 8]) & (0x80 >> (len % 8))) == 0)
		len++;
	return (int)len;
}

static void decode(const struct jn_obj *obj, struct decoded *out)
{
	const struct jn_set_def *def = jn_set_def_find(obj->set);
	const struct jn_elem_value *value = obj->nft;
	size_t offset = 0, names = 0;
	uint16_t port;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; def && i < def->n_key; i++) {
		const uint8_t *first = value->key + offset, *last = value->key_end + offset;

		switch (def->key[i]) {
		case JN_F_IFNAME:
			if (names < 2)
				snprintf(out->ifname[names++], IFNAMSIZ, "%.15s", (const char *)first);
			break;
		case JN_F_IPV4:
		case JN_F_IPV6:
			out->addr.family = def->key[i] == JN_F_IPV4 ? AF_INET : AF_INET6;
			memcpy(out->addr.addr, first, jn_field_len(def->key[i]));
			out->addr.len = (uint8_t)range_len(first, last,
							   (unsigned)jn_field_len(def->key[i]) * 8);
			break;
		case JN_F_PROTO:
			out->proto = (enum jn_proto)first[0];
			break;
		case JN_F_PORT:
			memcpy(&port, first, 2);
			out->port_min = ntohs(port);
			memcpy(&port, last, 2);
			out->port_max = ntohs(port);
			break;
		}
		offset += jn_field_padded_len(def->key[i]);
	}
	if (def && def->n_data == 2) {
		out->data_addr.family = def->data[0] == JN_F_IPV4 ? AF_INET : AF_INET6;
		memcpy(out->data_addr.addr, value->data, jn_field_len(def->data[0]));
		memcpy(&port, value->data + jn_field_padded_len(def->data[0]), 2);
		out->data_port = ntohs(port);
	}
}

static bool in_group(const struct jn_obj *obj, enum jn_kind kind, const char *group)
{
	return obj->kind == kind && obj->group && strcmp(obj->group, group) == 0;
}

static const struct jn_obj *find_elem(const struct jn_objlist *list, const char *group,
				      const char *set)
{
	for (size_t i = 0; i < list->count; i++)
		if (in_group(&list->items[i], JN_KIND_NFT_ELEM, group) &&
		    strcmp(list->items[i].set, set) == 0)
			return &list->items[i];
	return NULL;
}

static void print_ports(FILE *out, const struct decoded *d)
{
	if (d->port_min == d->port_max)
		fprintf(out, "%u", d->port_min);
	else
		fprintf(out, "%u-%u", d->port_min, d->port_max);
}

/* Whether the other family holds the same entry for "anywhere", so the
 * two elements came from one entry without a destination. */
static bool has_twin(const struct jn_objlist *list, const struct jn_obj *obj,
		     const char *twin_set, const struct decoded *d)
{
	for (size_t i = 0; i < list->count; i++) {
		struct decoded other;

		if (!in_group(&list->items[i], JN_KIND_NFT_ELEM, obj->group) ||
		    strcmp(list->items[i].set, twin_set) != 0)
			continue;
		decode(&list->items[i], &other);
		if (strncmp(twin_set, "allow_icmp", 10) == 0)
			other.proto = JN_PROTO_ICMP;
		if (other.addr.len == 0 && other.proto == d->proto &&
		    other.port_min == d->port_min && other.port_max == d->port_max)
			return true;
	}
	return false;
}

static bool ns_has_family(const struct jn_objlist *list, const char *group, int family)
{
	return find_elem(list, group, family == AF_INET ? "jail_addr4" : "jail_addr6") != NULL;
}

static void print_allow(FILE *out, const struct jn_objlist *list, const struct jn_obj *obj)
{
	bool icmp = strncmp(obj->set, "allow_icmp", 10) == 0;
	bool v6 = obj->set[strlen(obj->set) - 1] == '6';
	char text[JN_PREFIX_STRLEN];
	struct decoded d;
	bool short_form;

	decode(obj, &d);
	if (icmp)
		d.proto = JN_PROTO_ICMP;
	short_form = d.addr.len == 0 && (icmp || d.port_min > 0);
	if (short_form && ns_has_family(list, obj->group, v6 ? AF_INET : AF_INET6)) {
		const char *twin = icmp ? (v6 ? "allow_icmp4" : "allow_icmp6")
					: (v6 ? "allow4" : "allow6");

		if (!has_twin(list, obj, twin, &d))
			short_form = false;
		else if (v6)
			return;	/* printed with its IPv4 twin */
	}
	if (short_form && icmp) {
		fprintf(out, "      - icmp\n");
	} else if (short_form) {
		fprintf(out, "      - ");
		print_ports(out, &d);
		fprintf(out, "/%s\n", jn_proto_name(d.proto));
	} else {
		fprintf(out, "      - { ");
		if (!icmp && !(d.port_min == 0 && d.port_max == 65535)) {
			fprintf(out, "ports: \"");
			print_ports(out, &d);
			fprintf(out, "\", ");
		}
		fprintf(out, "proto: %s, to: \"%s\" }\n", jn_proto_name(d.proto),
			jn_prefix_format(&d.addr, text));
	}
}

static void print_allow_list(FILE *out, const struct jn_objlist *list, const char *group)
{
	static const char *const sets[] = { "allow_icmp4", "allow_icmp6", "allow4", "allow6" };
	bool any = find_elem(list, group, "allow_any") != NULL;
	bool header = false;

	for (size_t s = 0; s < 4; s++) {
		for (size_t i = 0; i < list->count; i++) {
			const struct jn_obj *obj = &list->items[i];

			if (!in_group(obj, JN_KIND_NFT_ELEM, group) || strcmp(obj->set, sets[s]) != 0)
				continue;
			if (!header)
				fprintf(out, "    allow:\n");
			header = true;
			print_allow(out, list, obj);
		}
	}
	if (any)
		fprintf(out, "%s      - any\n", header ? "" : "    allow:\n");
}

static void print_host_list(FILE *out, const struct jn_objlist *list, const char *group)
{
	bool v4 = ns_has_family(list, group, AF_INET);
	const char *ports = v4 ? "host4" : "host6", *icmp = v4 ? "host_icmp4" : "host_icmp6";
	bool header = false;

	for (size_t i = 0; i < list->count; i++) {
		const struct jn_obj *obj = &list->items[i];
		struct decoded d;

		if (!in_group(obj, JN_KIND_NFT_ELEM, group) ||
		    (strcmp(obj->set, ports) != 0 && strcmp(obj->set, icmp) != 0))
			continue;
		if (!header)
			fprintf(out, "    host:\n");
		header = true;
		decode(obj, &d);
		if (strcmp(obj->set, icmp) == 0) {
			fprintf(out, "      - icmp\n");
			continue;
		}
		if (d.port_min == 0 && d.port_max == 65535) {
			fprintf(out, "      - { proto: %s }\n", jn_proto_name(d.proto));
			continue;
		}
		fprintf(out, "      - ");
		print_ports(out, &d);
		fprintf(out, "/%s\n", jn_proto_name(d.proto));
	}
}

static void print_publish_list(FILE *out, const struct jn_objlist *list, const char *group)
{
	const char *map = ns_has_family(list, group, AF_INET) ? "publish4" : "publish6";
	bool header = false;

	for (size_t i = 0; i < list->count; i++) {
		const struct jn_obj *obj = &list->items[i];
		struct decoded d;

		if (!in_group(obj, JN_KIND_NFT_ELEM, group) || strcmp(obj->set, map) != 0)
			continue;
		if (!header)
			fprintf(out, "    publish:\n");
		header = true;
		decode(obj, &d);
		if (d.port_min == d.data_port)
			fprintf(out, "      - %u/%s\n", d.port_min, jn_proto_name(d.proto));
		else
			fprintf(out, "      - %u:%u/%s\n", d.port_min, d.data_port,
				jn_proto_name(d.proto));
	}
}

static void print_subnets(FILE *out, const struct jn_objlist *list, const char *group)
{
	bool header = false;

	for (size_t i = 0; i < list->count; i++) {
		const struct jn_obj *obj = &list->items[i];
		char text[JN_PREFIX_STRLEN];
		struct jn_prefix subnet;

		if (!in_group(obj, JN_KIND_ADDR, group) || strcmp(obj->netns, group) != 0)
			continue;
		if (!header)
			fprintf(out, "    subnets:\n");
		header = true;
		subnet = obj->prefix;
		jn_prefix_mask(&subnet);
		fprintf(out, "      - %s\n", jn_prefix_format(&subnet, text));
	}
}

static void print_dns(FILE *out, const struct jn_objlist *list, const char *group)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct jn_obj *obj = &list->items[i];
		char *copy, *save = NULL;
		bool header = false;

		if (!in_group(obj, JN_KIND_RESOLV, group))
			continue;
		copy = jn_strdup(obj->value);
		for (char *line = strtok_r(copy, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "nameserver ", 11) != 0)
				continue;
			if (!header)
				fprintf(out, "    dns:\n");
			header = true;
			fprintf(out, "      - \"%s\"\n", line + 11);
		}
		free(copy);
	}
}

static bool selected(char *const *names, size_t count, const char *group)
{
	if (count == 0)
		return true;
	for (size_t i = 0; group && i < count; i++)
		if (strcmp(names[i], group) == 0)
			return true;
	return false;
}

/* Whether namespace GROUP's traffic is masqueraded: the uplink setting
 * lives in the masquerade elements of each namespace. */
static bool masqueraded(const struct jn_objlist *list, const char *group)
{
	return find_elem(list, group, "masquerade4") || find_elem(list, group, "masquerade6");
}

/* The uplink name show writes for namespace GROUP: its interface, with
 * "_nomasq" appended where the namespace is not masqueraded, so two
 * uplinks on one interface that differ in masquerade stay apart. */
static void uplink_name(const struct jn_objlist *list, const char *group, const char *ifname,
			char *out, size_t size)
{
	snprintf(out, size, "%s%s", ifname, masqueraded(list, group) ? "" : "_nomasq");
}

static void print_namespace(FILE *out, const struct jn_objlist *list, const char *name)
{
	const struct jn_obj *uplink = find_elem(list, name, "jail_uplinks");

	fprintf(out, "  %s:\n", name);
	print_subnets(out, list, name);
	if (uplink) {
		char uplink_text[IFNAMSIZ + 16];
		struct decoded d;

		decode(uplink, &d);
		uplink_name(list, name, d.ifname[1], uplink_text, sizeof(uplink_text));
		fprintf(out, "    uplink: %s\n", uplink_text);
	}
	print_allow_list(out, list, name);
	print_host_list(out, list, name);
	print_publish_list(out, list, name);
	print_dns(out, list, name);
	for (size_t i = 0; i < list->count; i++) {
		const struct jn_obj *obj = &list->items[i];

		if (in_group(obj, JN_KIND_VETH, name) && obj->ifname[0] && obj->peer_ifname[0]) {
			fprintf(out, "    interfaces:\n      host: %s\n      jail: %s\n",
				obj->ifname, obj->peer_ifname);
			break;
		}
	}
}

/* Whether an element before UPTO already named uplink NAME. */
static bool uplink_listed(const struct jn_objlist *list, size_t upto, const char *name,
			  char *const *names, size_t count)
{
	for (size_t i = 0; i < upto; i++) {
		const struct jn_obj *obj = &list->items[i];
		char other[IFNAMSIZ + 16];
		struct decoded d;

		if (obj->kind != JN_KIND_NFT_ELEM || strcmp(obj->set, "jail_uplinks") != 0 ||
		    !selected(names, count, obj->group))
			continue;
		decode(obj, &d);
		uplink_name(list, obj->group, d.ifname[1], other, sizeof(other));
		if (strcmp(other, name) == 0)
			return true;
	}
	return false;
}

static void print_uplinks(FILE *out, const struct jn_objlist *list, char *const *names,
			  size_t count)
{
	bool header = false;

	for (size_t i = 0; i < list->count; i++) {
		const struct jn_obj *obj = &list->items[i];
		char name[IFNAMSIZ + 16];
		struct decoded d;

		if (obj->kind != JN_KIND_NFT_ELEM || strcmp(obj->set, "jail_uplinks") != 0 ||
		    !selected(names, count, obj->group))
			continue;
		decode(obj, &d);
		uplink_name(list, obj->group, d.ifname[1], name, sizeof(name));
		if (uplink_listed(list, i, name, names, count))
			continue;
		if (!header)
			fprintf(out, "uplinks:\n");
		header = true;
		fprintf(out, "  %s:\n    interface: %s\n    masquerade: %s\n", name, d.ifname[1],
			masqueraded(list, obj->group) ? "true" : "false");
	}
}

void jn_export_yaml(const struct jn_objlist *observed, char *const *names, size_t count,
		    FILE *out)
{
	bool header = false;

	fprintf(out, "# The state jailnet owns on this host, as read from the kernel.\n"
		     "# Uplinks are named after their interfaces.\n"
		     "version: 1\n");
	print_uplinks(out, observed, names, count);
	for (size_t i = 0; i < observed->count; i++) {
		const struct jn_obj *obj = &observed->items[i];

		if (obj->kind != JN_KIND_NETNS || !selected(names, count, obj->group))
			continue;
		if (!header)
			fprintf(out, "namespaces:\n");
		header = true;
		print_namespace(out, observed, obj->group);
	}
	if (!header)
		fprintf(out, "namespaces: {}\n");
}
