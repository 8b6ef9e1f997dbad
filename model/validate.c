/* Rules that involve more than one value: references between sections,
 * overlaps and duplicates across namespaces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entry.h"
#include "model/model.h"
#include "model/normalize.h"
#include "model/prefix.h"

static const struct jn_uplink *find_uplink(const struct jn_config *config,
					   const char *name)
{
	for (size_t i = 0; i < config->n_uplinks; i++)
		if (strcmp(config->uplinks[i].name, name) == 0)
			return &config->uplinks[i];
	return NULL;
}

/* Write the uplink names as "a", "b", "c" into BUF, cut with "..." when
 * they do not fit. */
static void format_uplink_names(const struct jn_config *config, char *buf,
				size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < config->n_uplinks; i++) {
		int n = snprintf(buf + used, size - used, "%s\"%s\"",
				 i ? ", " : "", config->uplinks[i].name);

		if (n < 0 || (size_t)n >= size - used) {
			/* Keep the names that fit and mark the cut. */
			memcpy(buf + (used + 4 <= size ? used : size - 4), "...", 4);
			return;
		}
		used += (size_t)n;
	}
}

static int resolve_uplink(const struct jn_config *config, struct jn_namespace *ns,
			  struct jn_diag *diag)
{
	char names[256];

	if (!ns->uplink_name)
		return 0;
	ns->uplink = find_uplink(config, ns->uplink_name);
	if (ns->uplink)
		return 0;
	if (config->n_uplinks) {
		format_uplink_names(config, names, sizeof(names));
		jn_diag_add(diag, ns->uplink_pos,
			    "namespaces.%s.uplink: uplink \"%s\" is not defined; use a defined uplink (%s) or add it under uplinks",
			    ns->name, ns->uplink_name, names);
	} else {
		jn_diag_add(diag, ns->uplink_pos,
			    "namespaces.%s.uplink: uplink \"%s\" is not defined; add it under uplinks with its interface",
			    ns->name, ns->uplink_name);
	}
	return -1;
}

static int check_needs(const struct jn_namespace *ns, struct jn_diag *diag)
{
	bool has_subnet = ns->subnet4.family || ns->subnet6.family;
	int rc = 0;

	if (!ns->uplink_name && ns->n_allow) {
		jn_diag_add(diag, ns->allow[0].pos,
			    "namespaces.%s.allow: egress rules need an uplink; add \"uplink: NAME\" to the namespace or remove allow",
			    ns->name);
		rc = -1;
	}
	if (!ns->uplink_name && ns->n_publish) {
		jn_diag_add(diag, ns->publish[0].pos,
			    "namespaces.%s.publish: published ports need an uplink; add \"uplink: NAME\" to the namespace or remove publish",
			    ns->name);
		rc = -1;
	}
	if (!has_subnet && (ns->uplink_name || ns->n_host)) {
		jn_diag_add(diag, ns->pos,
			    "namespace \"%s\" has %s but no subnet; add subnets, as in subnets: [10.97.3.0/30]",
			    ns->name, ns->uplink_name ? "an uplink" : "host entries");
		rc = -1;
	}
	return rc;
}

static int check_destinations(const struct jn_namespace *ns, struct jn_diag *diag)
{
	char text[JN_PREFIX_STRLEN];
	int rc = 0;

	for (size_t i = 0; i < ns->n_allow; i++) {
		const struct jn_allow *entry = &ns->allow[i];
		const struct jn_prefix *own = entry->to.family == AF_INET ? &ns->subnet4
									   : &ns->subnet6;

		if (!entry->to.family || own->family)
			continue;
		jn_diag_add(diag, entry->pos,
			    "namespaces.%s.allow: destination %s is %s, but the namespace has no %s subnet; add one or remove the entry",
			    ns->name, jn_prefix_format(&entry->to, text),
			    entry->to.family == AF_INET ? "IPv4" : "IPv6",
			    entry->to.family == AF_INET ? "IPv4" : "IPv6");
		rc = -1;
	}
	return rc;
}

/* Write ENTRY in the syntax of the file, as in "8000-8100/tcp" or
 * "5432/tcp to 192.0.2.7". */
static const char *format_allow(const struct jn_allow *entry, char *buf,
				size_t size)
{
	const char *proto = jn_proto_name(entry->proto);
	char to[JN_PREFIX_STRLEN];
	int n;

	if (entry->any)
		n = snprintf(buf, size, "any");
	else if (entry->proto == JN_PROTO_ICMP)
		n = snprintf(buf, size, "icmp");
	else if (entry->port_min == 0 && entry->port_max == 65535)
		n = snprintf(buf, size, "%s (all ports)", proto);
	else if (entry->port_min == entry->port_max)
		n = snprintf(buf, size, "%u/%s", entry->port_min, proto);
	else
		n = snprintf(buf, size, "%u-%u/%s", entry->port_min,
			     entry->port_max, proto);
	if (n < 0 || (size_t)n >= size || !entry->to.family)
		return buf;
	if (entry->to.len == jn_prefix_max_len(entry->to.family))
		jn_prefix_format_addr(&entry->to, to);
	else
		jn_prefix_format(&entry->to, to);
	snprintf(buf + n, size - (size_t)n, " to %s", to);
	return buf;
}

static int check_overlaps(const struct jn_namespace *ns, const char *key,
			  const struct jn_allow *list, size_t count,
			  struct jn_diag *diag)
{
	char first[128], second[128];

	for (size_t i = 0; i < count; i++) {
		for (size_t j = i + 1; j < count; j++) {
			if (!jn_allow_conflicts(&list[i], &list[j]))
				continue;
			jn_diag_add(diag, list[j].pos,
				    "namespaces.%s.%s: %s overlaps %s (line %u), and neither contains the other; make the port ranges disjoint or widen one entry to contain the other",
				    ns->name, key,
				    format_allow(&list[j], second, sizeof(second)),
				    format_allow(&list[i], first, sizeof(first)),
				    list[i].pos.line);
			return -1;
		}
	}
	return 0;
}

/* Report subnet PB of namespace B (at POS_B) if it overlaps subnet PA of
 * namespace A (at POS_A). */
static int check_subnet_pair(const struct jn_namespace *a, const struct jn_namespace *b,
			     const struct jn_prefix *pa, const struct jn_prefix *pb,
			     struct jn_pos pos_a, struct jn_pos pos_b,
			     struct jn_diag *diag)
{
	char ta[JN_PREFIX_STRLEN], tb[JN_PREFIX_STRLEN];

	if (!pa->family || !pb->family || !jn_prefix_overlaps(pa, pb))
		return 0;
	jn_diag_add(diag, pos_b,
		    "namespaces.%s.subnets: %s overlaps %s of namespace \"%s\" (line %u); give each namespace its own subnet",
		    b->name, jn_prefix_format(pb, tb), jn_prefix_format(pa, ta),
		    a->name, pos_a.line);
	return -1;
}

static int check_ifname_clash(const struct jn_config *config, size_t index,
			      struct jn_diag *diag)
{
	const struct jn_namespace *ns = &config->namespaces[index];

	for (size_t i = 0; i < index; i++) {
		const struct jn_namespace *other = &config->namespaces[i];

		if (strcmp(other->host_ifname, ns->host_ifname) == 0) {
			jn_diag_add(diag, ns->host_ifname_pos,
				    "namespace \"%s\": host interface name \"%s\" is also used by namespace \"%s\" (line %u); set a different interfaces.host",
				    ns->name, ns->host_ifname, other->name,
				    other->host_ifname_pos.line);
			return -1;
		}
	}
	for (size_t i = 0; i < config->n_uplinks; i++) {
		if (strcmp(config->uplinks[i].ifname, ns->host_ifname) == 0) {
			jn_diag_add(diag, ns->host_ifname_pos,
				    "namespace \"%s\": host interface name \"%s\" is the interface of uplink \"%s\"; set a different interfaces.host",
				    ns->name, ns->host_ifname, config->uplinks[i].name);
			return -1;
		}
	}
	if (strcmp(ns->jail_ifname, "lo") == 0) {
		jn_diag_add(diag, ns->jail_ifname_pos,
			    "namespace \"%s\": jail interface name \"lo\" is the loopback device; choose another name",
			    ns->name);
		return -1;
	}
	return 0;
}

static int check_publish_clash(const struct jn_config *config, size_t index,
			       struct jn_diag *diag)
{
	const struct jn_namespace *ns = &config->namespaces[index];

	for (size_t p = 0; p < ns->n_publish; p++) {
		const struct jn_publish *entry = &ns->publish[p];

		for (size_t i = 0; i <= index; i++) {
			const struct jn_namespace *other = &config->namespaces[i];
			size_t end = i == index ? p : other->n_publish;

			if (!other->uplink || !ns->uplink ||
			    strcmp(other->uplink->ifname, ns->uplink->ifname) != 0)
				continue;
			for (size_t q = 0; q < end; q++) {
				if (other->publish[q].proto != entry->proto ||
				    other->publish[q].outer_port != entry->outer_port)
					continue;
				jn_diag_add(diag, entry->pos,
					    "namespaces.%s.publish[%zu]: uplink port %u/%s on interface %s is already published by namespace \"%s\" (line %u); choose another uplink port",
					    ns->name, p, entry->outer_port, jn_proto_name(entry->proto),
					    ns->uplink->ifname, other->name, other->publish[q].pos.line);
				return -1;
			}
		}
	}
	return 0;
}

static int check_namespace(struct jn_config *config, size_t index,
			   struct jn_diag *diag)
{
	struct jn_namespace *ns = &config->namespaces[index];
	int rc = 0;

	rc |= resolve_uplink(config, ns, diag);
	rc |= check_needs(ns, diag);
	rc |= check_destinations(ns, diag);
	jn_allow_normalize(ns->allow, &ns->n_allow);
	jn_allow_normalize(ns->host, &ns->n_host);
	rc |= check_overlaps(ns, "allow", ns->allow, ns->n_allow, diag);
	rc |= check_overlaps(ns, "host", ns->host, ns->n_host, diag);
	rc |= check_ifname_clash(config, index, diag);
	rc |= check_publish_clash(config, index, diag);
	return rc;
}

struct subnet_ref {
	const struct jn_prefix *prefix;
	struct jn_pos pos;
	size_t index;		/* of the namespace, in file order */
};

static int compare_subnet_refs(const void *a, const void *b)
{
	const struct subnet_ref *x = a, *y = b;
	int diff = memcmp(x->prefix->addr, y->prefix->addr, sizeof(x->prefix->addr));

	if (diff)
		return diff;
	return (int)x->prefix->len - (int)y->prefix->len;
}

/* Overlapping subnets between namespaces. Prefixes overlap only when one
 * contains the other, so after sorting by address (shorter first) every
 * overlap shows up between neighbours: n log n instead of n squared. */
static int check_subnet_overlaps(const struct jn_config *config, int family,
				 struct jn_diag *diag)
{
	struct subnet_ref *refs = calloc(config->n_namespaces + 1, sizeof(*refs));
	size_t count = 0;
	int rc = 0;

	if (!refs)
		abort();
	for (size_t i = 0; i < config->n_namespaces; i++) {
		const struct jn_namespace *ns = &config->namespaces[i];
		const struct jn_prefix *prefix = family == AF_INET ? &ns->subnet4 : &ns->subnet6;

		if (prefix->family && !ns->invalid)
			refs[count++] = (struct subnet_ref){
				prefix, family == AF_INET ? ns->subnet4_pos : ns->subnet6_pos, i,
			};
	}
	if (count > 1)
		qsort(refs, count, sizeof(*refs), compare_subnet_refs);
	for (size_t i = 1; i < count; i++) {
		const struct subnet_ref *a = &refs[i - 1], *b = &refs[i];

		if (a->index > b->index) {
			const struct subnet_ref *later = a;

			a = b;
			b = later;
		}
		rc |= check_subnet_pair(&config->namespaces[a->index], &config->namespaces[b->index],
					a->prefix, b->prefix, a->pos, b->pos, diag);
	}
	free(refs);
	return rc;
}

static int compare_namespaces(const void *a, const void *b)
{
	const struct jn_namespace *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int jn_config_validate(struct jn_config *config, struct jn_diag *diag)
{
	int rc = 0;

	for (size_t i = 0; i < config->n_namespaces; i++)
		if (!config->namespaces[i].invalid)
			rc |= check_namespace(config, i, diag);
	rc |= check_subnet_overlaps(config, AF_INET, diag);
	rc |= check_subnet_overlaps(config, AF_INET6, diag);
	if (rc < 0 || diag->count)
		return -1;
	/* With no namespaces the array may be NULL, which qsort must not get. */
	if (config->n_namespaces > 1)
		qsort(config->namespaces, config->n_namespaces,
		      sizeof(*config->namespaces), compare_namespaces);
	return 0;
}
