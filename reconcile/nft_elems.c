/* Set elements: what each namespace puts into the sets of nft_sets.c, and
 * how an element reads in the plan. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entry.h"
#include "model/prefix.h"
#include "reconcile/nft.h"

/* A key or data value under construction, field by field. */
struct elem_builder {
	const struct jn_set_def *def;
	struct jn_elem_value value;
	size_t key_field, data_field;
};

static void put_field(uint8_t *start, uint8_t *end, size_t *offset,
		      enum jn_field field, const void *first, const void *last)
{
	size_t len = jn_field_len(field);

	memcpy(start + *offset, first, len);
	memcpy(end + *offset, last, len);
	*offset += jn_field_padded_len(field);
}

static void key_range(struct elem_builder *b, const void *first, const void *last)
{
	put_field(b->value.key, b->value.key_end, &b->value.key_len,
		  b->def->key[b->key_field++], first, last);
}

static void key_value(struct elem_builder *b, const void *value)
{
	key_range(b, value, value);
}

static void key_ifname(struct elem_builder *b, const char *name)
{
	char padded[IFNAMSIZ] = { 0 };

	snprintf(padded, sizeof(padded), "%s", name);
	key_value(b, padded);
}

static void key_prefix(struct elem_builder *b, const struct jn_prefix *prefix)
{
	uint8_t last[16];
	unsigned max = jn_prefix_max_len(prefix->family);

	memcpy(last, prefix->addr, sizeof(last));
	for (unsigned bit = prefix->len; bit < max; bit++)
		last[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	key_range(b, prefix->addr, last);
}

static void key_ports(struct elem_builder *b, uint16_t min, uint16_t max)
{
	uint16_t first = htons(min), last = htons(max);

	key_range(b, &first, &last);
}

static void key_proto(struct elem_builder *b, enum jn_proto proto)
{
	uint8_t value = (uint8_t)proto;

	key_value(b, &value);
}

static void data_put(struct elem_builder *b, const void *value)
{
	uint8_t unused[64];

	put_field(b->value.data, unused, &b->value.data_len,
		  b->def->data[b->data_field++], value, value);
}

static struct elem_builder start(const char *set)
{
	struct elem_builder b = { .def = jn_set_def_find(set) };

	if (!b.def)
		abort();
	return b;
}

static void finish(struct jn_objlist *list, const struct jn_namespace *ns,
		   struct elem_builder *b)
{
	jn_nft_add_element(list, ns->name, b->def, &b->value, ns->name);
}

struct ns_addrs {
	struct jn_prefix host4, jail4, host6, jail6;
};

static void ns_addrs(const struct jn_namespace *ns, struct ns_addrs *a)
{
	memset(a, 0, sizeof(*a));
	if (ns->subnet4.family) {
		jn_prefix_host_end(&ns->subnet4, &a->host4);
		jn_prefix_jail_end(&ns->subnet4, &a->jail4);
	}
	if (ns->subnet6.family) {
		jn_prefix_host_end(&ns->subnet6, &a->host6);
		jn_prefix_jail_end(&ns->subnet6, &a->jail6);
	}
}

static void ifname_pair(struct jn_objlist *list, const struct jn_namespace *ns,
			const char *set, const char *first, const char *second)
{
	struct elem_builder b = start(set);

	key_ifname(&b, first);
	if (second)
		key_ifname(&b, second);
	finish(list, ns, &b);
}

static void ifname_addr(struct jn_objlist *list, const struct jn_namespace *ns,
			const char *set, const struct jn_prefix *addr)
{
	struct elem_builder b = start(set);

	key_ifname(&b, ns->host_ifname);
	key_value(&b, addr->addr);
	finish(list, ns, &b);
}

static void any_destination(int family, struct jn_prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
}

/* One `allow` entry in one family. */
static void allow_family(struct jn_objlist *list, const struct jn_namespace *ns,
			 const struct jn_allow *entry, int family)
{
	bool v6 = family == AF_INET6;
	struct jn_prefix to = entry->to;
	struct elem_builder b;

	if (!to.family)
		any_destination(family, &to);
	if (to.family != family)
		return;
	b = start(entry->proto == JN_PROTO_ICMP ? (v6 ? "allow_icmp6" : "allow_icmp4")
						: (v6 ? "allow6" : "allow4"));
	key_ifname(&b, ns->host_ifname);
	key_prefix(&b, &to);
	if (entry->proto != JN_PROTO_ICMP) {
		key_proto(&b, entry->proto);
		key_ports(&b, entry->port_min, entry->port_max);
	}
	finish(list, ns, &b);
}

/* One `host` entry towards the host-end address HOST. */
static void host_family(struct jn_objlist *list, const struct jn_namespace *ns,
			const struct jn_allow *entry, const struct jn_prefix *host)
{
	bool v6 = host->family == AF_INET6;
	struct elem_builder b;

	b = start(entry->proto == JN_PROTO_ICMP ? (v6 ? "host_icmp6" : "host_icmp4")
						: (v6 ? "host6" : "host4"));
	key_ifname(&b, ns->host_ifname);
	key_value(&b, host->addr);
	if (entry->proto != JN_PROTO_ICMP) {
		key_proto(&b, entry->proto);
		key_ports(&b, entry->port_min, entry->port_max);
	}
	finish(list, ns, &b);
}

static void publish_entry(struct jn_objlist *list, const struct jn_namespace *ns,
			  const struct jn_publish *entry, const struct ns_addrs *a)
{
	const char *uplink = ns->uplink->ifname;
	uint16_t outer = htons(entry->outer_port), inner = htons(entry->jail_port);
	struct elem_builder b = start("publish_in");

	key_ifname(&b, uplink);
	key_ifname(&b, ns->host_ifname);
	key_proto(&b, entry->proto);
	key_value(&b, &inner);
	finish(list, ns, &b);
	for (int v6 = 0; v6 <= 1; v6++) {
		const struct jn_prefix *jail = v6 ? &a->jail6 : &a->jail4;

		if (!jail->family)
			continue;
		b = start(v6 ? "publish6" : "publish4");
		key_ifname(&b, uplink);
		key_proto(&b, entry->proto);
		key_value(&b, &outer);
		data_put(&b, jail->addr);
		data_put(&b, &inner);
		finish(list, ns, &b);
	}
}

static void uplink_elements(struct jn_objlist *list, const struct jn_namespace *ns,
			    const struct ns_addrs *a)
{
	const char *uplink = ns->uplink->ifname;

	ifname_pair(list, ns, "jail_uplinks", ns->host_ifname, uplink);
	for (size_t i = 0; i < ns->n_allow; i++) {
		if (ns->allow[i].any) {
			ifname_pair(list, ns, "allow_any", ns->host_ifname, NULL);
			continue;
		}
		if (a->jail4.family)
			allow_family(list, ns, &ns->allow[i], AF_INET);
		if (a->jail6.family)
			allow_family(list, ns, &ns->allow[i], AF_INET6);
	}
	for (size_t i = 0; i < ns->n_publish; i++)
		publish_entry(list, ns, &ns->publish[i], a);
	if (!ns->uplink->masquerade)
		return;
	for (int v6 = 0; v6 <= 1; v6++) {
		const struct jn_prefix *jail = v6 ? &a->jail6 : &a->jail4;
		struct elem_builder b;

		if (!jail->family)
			continue;
		b = start(v6 ? "masquerade6" : "masquerade4");
		key_value(&b, jail->addr);
		key_ifname(&b, uplink);
		finish(list, ns, &b);
	}
}

static void namespace_elements(struct jn_objlist *list, const struct jn_namespace *ns)
{
	struct ns_addrs a;

	ns_addrs(ns, &a);
	ifname_pair(list, ns, "jail_hosts", ns->host_ifname, NULL);
	if (a.jail4.family)
		ifname_addr(list, ns, "jail_addr4", &a.jail4);
	if (a.jail6.family)
		ifname_addr(list, ns, "jail_addr6", &a.jail6);
	for (size_t i = 0; i < ns->n_host; i++) {
		if (a.host4.family)
			host_family(list, ns, &ns->host[i], &a.host4);
		if (a.host6.family)
			host_family(list, ns, &ns->host[i], &a.host6);
	}
	if (ns->uplink)
		uplink_elements(list, ns, &a);
}

void jn_nft_desired_elements(const struct jn_config *config, struct jn_objlist *list)
{
	for (size_t i = 0; i < config->n_namespaces; i++)
		namespace_elements(list, &config->namespaces[i]);
}
