/* jailnet.yaml: from the YAML tree to struct jn_config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entry.h"
#include "model/model.h"
#include "model/names.h"
#include "model/prefix.h"
#include "model/yamltree.h"

static int check_keys(const struct jn_node *map, const char *where,
		      const char *const *keys, const char *hint,
		      struct jn_diag *diag)
{
	int rc = 0;

	for (size_t i = 0; i < map->count; i++) {
		const char *key = map->keys[i]->scalar;
		bool known = false;

		for (const char *const *k = keys; *k; k++)
			known |= strcmp(key, *k) == 0;
		if (known)
			continue;
		if (strcmp(key, "<<") == 0)
			jn_diag_add(diag, map->keys[i]->pos,
				    "YAML merge key \"<<\" in %s is not supported; write the keys out in full",
				    where);
		else
			jn_diag_add(diag, map->keys[i]->pos,
				    "unknown key \"%s\" in %s; valid keys are %s",
				    key, where, hint);
		rc = -1;
	}
	return rc;
}

/* A key with nothing after it ("allow:") is YAML null, an empty value. */
static bool is_empty(const struct jn_node *node)
{
	return node->type == JN_NODE_SCALAR && node->plain &&
	       (!node->scalar[0] || strcmp(node->scalar, "null") == 0 ||
		strcmp(node->scalar, "~") == 0);
}

static int expect_type(const struct jn_node *node, enum jn_node_type type,
		       const char *where, struct jn_diag *diag)
{
	static const char *const wanted[] = {
		[JN_NODE_SCALAR] = "a single value",
		[JN_NODE_MAP] = "a mapping",
		[JN_NODE_SEQ] = "a list",
	};

	if (node->type == type)
		return 0;
	if (is_empty(node))
		jn_diag_add(diag, node->pos, "%s is empty; it must be %s", where,
			    wanted[type]);
	else
		jn_diag_add(diag, node->pos, "%s must be %s, not a %s", where,
			    wanted[type], jn_node_type_name(node));
	return -1;
}

static char *xstrdup(const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		abort();
	return copy;
}

static int parse_bool(const struct jn_node *node, const char *where, bool *out,
		      struct jn_diag *diag)
{
	if (expect_type(node, JN_NODE_SCALAR, where, diag) < 0)
		return -1;
	if (node->plain && strcmp(node->scalar, "true") == 0)
		*out = true;
	else if (node->plain && strcmp(node->scalar, "false") == 0)
		*out = false;
	else {
		jn_diag_add(diag, node->pos, "%s: invalid value \"%s\"; use true or false",
			    where, node->scalar);
		return -1;
	}
	return 0;
}

static int parse_ifname(const struct jn_node *node, const char *where,
			char *out, struct jn_diag *diag)
{
	if (expect_type(node, JN_NODE_SCALAR, where, diag) < 0)
		return -1;
	if (strlen(node->scalar) > JN_IFNAME_MAX) {
		jn_diag_add(diag, node->pos,
			    "%s: interface name \"%s\" is %zu bytes, longer than the kernel's limit of %d; choose a shorter name",
			    where, node->scalar, strlen(node->scalar), JN_IFNAME_MAX);
		return -1;
	}
	if (!jn_ifname_is_valid(node->scalar)) {
		jn_diag_add(diag, node->pos,
			    "%s: invalid interface name \"%s\"; use letters, digits, '_', '.' and '-', not starting with '.' or '-'",
			    where, node->scalar);
		return -1;
	}
	snprintf(out, IFNAMSIZ, "%s", node->scalar);
	return 0;
}

static int parse_name_key(const struct jn_node *key, const char *what,
			  struct jn_diag *diag)
{
	if (jn_name_is_valid(key->scalar))
		return 0;
	jn_diag_add(diag, key->pos,
		    "invalid %s name \"%s\"; use 1-%d letters, digits, '_', '.' and '-', not starting with '.' or '-'",
		    what, key->scalar, JN_NAME_MAX);
	return -1;
}

static int parse_uplink(const struct jn_node *key, const struct jn_node *value,
			struct jn_uplink *uplink, struct jn_diag *diag)
{
	static const char *const keys[] = { "interface", "masquerade", NULL };
	const struct jn_node *ifname, *masquerade;
	char where[128];
	int rc = 0;

	snprintf(where, sizeof(where), "uplinks.%s", key->scalar);
	uplink->pos = key->pos;
	uplink->name = xstrdup(key->scalar);
	uplink->masquerade = true;
	if (parse_name_key(key, "uplink", diag) < 0 ||
	    expect_type(value, JN_NODE_MAP, where, diag) < 0)
		return -1;
	rc |= check_keys(value, where, keys, "interface and masquerade", diag);
	ifname = jn_node_get(value, "interface");
	if (!ifname) {
		jn_diag_add(diag, value->pos,
			    "%s: missing key \"interface\"; name the host interface, as in interface: eth0",
			    where);
		return -1;
	}
	snprintf(where, sizeof(where), "uplinks.%s.interface", key->scalar);
	rc |= parse_ifname(ifname, where, uplink->ifname, diag);
	masquerade = jn_node_get(value, "masquerade");
	snprintf(where, sizeof(where), "uplinks.%s.masquerade", key->scalar);
	if (masquerade)
		rc |= parse_bool(masquerade, where, &uplink->masquerade, diag);
	return rc;
}

static int parse_subnets(const struct jn_node *node, const char *ns,
			 struct jn_namespace *out, struct jn_diag *diag)
{
	char where[128], text[JN_PREFIX_STRLEN];
	int rc = 0;

	snprintf(where, sizeof(where), "namespaces.%s.subnets", ns);
	if (expect_type(node, JN_NODE_SEQ, where, diag) < 0)
		return -1;
	for (size_t i = 0; i < node->count; i++) {
		const struct jn_node *item = node->items[i];
		struct jn_prefix prefix, *slot;
		struct jn_pos *slot_pos;

		snprintf(where, sizeof(where), "namespaces.%s.subnets[%zu]", ns, i);
		if (expect_type(item, JN_NODE_SCALAR, where, diag) < 0) {
			rc = -1;
			continue;
		}
		if (jn_prefix_parse(item->scalar, false, &prefix) < 0) {
			jn_diag_add(diag, item->pos,
				    "%s: invalid prefix \"%s\"; write ADDRESS/LENGTH, as in 10.97.3.0/30 or fd00:97::3:0/112",
				    where, item->scalar);
			rc = -1;
			continue;
		}
		if (!jn_prefix_is_network(&prefix)) {
			struct jn_prefix masked = prefix;

			jn_prefix_mask(&masked);
			jn_diag_add(diag, item->pos,
				    "%s: prefix \"%s\" has host bits set; write %s",
				    where, item->scalar, jn_prefix_format(&masked, text));
			rc = -1;
			continue;
		}
		if (prefix.len >= jn_prefix_max_len(prefix.family)) {
			jn_diag_add(diag, item->pos,
				    "%s: prefix \"%s\" contains one address, but the host end and the jail end need two; use /%u or shorter",
				    where, item->scalar, jn_prefix_max_len(prefix.family) - 1);
			rc = -1;
			continue;
		}
		slot = prefix.family == AF_INET ? &out->subnet4 : &out->subnet6;
		slot_pos = prefix.family == AF_INET ? &out->subnet4_pos : &out->subnet6_pos;
		if (slot->family) {
			jn_diag_add(diag, item->pos,
				    "%s: a second %s subnet \"%s\"; a namespace has at most one IPv4 and one IPv6 subnet (the first is at line %u)",
				    where, prefix.family == AF_INET ? "IPv4" : "IPv6",
				    item->scalar, slot_pos->line);
			rc = -1;
			continue;
		}
		*slot = prefix;
		*slot_pos = item->pos;
	}
	return rc;
}

static int parse_allow_list(const struct jn_node *node, const char *ns,
			    const char *key, enum jn_entry_list kind,
			    struct jn_allow **list, size_t *count,
			    struct jn_diag *diag)
{
	char where[160];
	int rc = 0;

	snprintf(where, sizeof(where), "namespaces.%s.%s", ns, key);
	if (expect_type(node, JN_NODE_SEQ, where, diag) < 0)
		return -1;
	for (size_t i = 0; i < node->count; i++) {
		snprintf(where, sizeof(where), "namespaces.%s.%s[%zu]", ns, key, i);
		rc |= jn_parse_allow_entry(node->items[i], kind, where, list, count, diag);
	}
	return rc;
}

static int parse_publish_list(const struct jn_node *node, const char *ns,
			      struct jn_namespace *out, struct jn_diag *diag)
{
	char where[160];
	int rc = 0;

	snprintf(where, sizeof(where), "namespaces.%s.publish", ns);
	if (expect_type(node, JN_NODE_SEQ, where, diag) < 0)
		return -1;
	for (size_t i = 0; i < node->count; i++) {
		snprintf(where, sizeof(where), "namespaces.%s.publish[%zu]", ns, i);
		rc |= jn_parse_publish_entry(node->items[i], where, &out->publish,
					     &out->n_publish, diag);
	}
	return rc;
}

static int parse_interfaces(const struct jn_node *node, const char *ns,
			    struct jn_namespace *out, struct jn_diag *diag)
{
	static const char *const keys[] = { "host", "jail", NULL };
	const struct jn_node *host, *jail;
	char where[160];
	int rc = 0;

	snprintf(where, sizeof(where), "namespaces.%s.interfaces", ns);
	if (expect_type(node, JN_NODE_MAP, where, diag) < 0)
		return -1;
	rc |= check_keys(node, where, keys, "host and jail", diag);
	host = jn_node_get(node, "host");
	jail = jn_node_get(node, "jail");
	snprintf(where, sizeof(where), "namespaces.%s.interfaces.host", ns);
	if (host) {
		rc |= parse_ifname(host, where, out->host_ifname, diag);
		out->host_ifname_pos = host->pos;
	}
	snprintf(where, sizeof(where), "namespaces.%s.interfaces.jail", ns);
	if (jail) {
		rc |= parse_ifname(jail, where, out->jail_ifname, diag);
		out->jail_ifname_pos = jail->pos;
	}
	return rc;
}

static int parse_dns_item(const struct jn_node *item, const char *where,
			  struct jn_namespace *out, struct jn_diag *diag)
{
	struct jn_prefix addr;

	if (expect_type(item, JN_NODE_SCALAR, where, diag) < 0)
		return -1;
	if (jn_prefix_parse(item->scalar, true, &addr) < 0 ||
	    addr.len != jn_prefix_max_len(addr.family)) {
		jn_diag_add(diag, item->pos,
			    "%s: invalid resolver address \"%s\"; write one IPv4 or IPv6 address, as in 192.0.2.53 or 2001:db8::53",
			    where, item->scalar);
		return -1;
	}
	for (size_t i = 0; i < out->n_dns; i++) {
		if (memcmp(out->dns[i].addr, addr.addr, sizeof(addr.addr)) == 0 &&
		    out->dns[i].family == addr.family) {
			jn_diag_add(diag, item->pos, "%s: resolver \"%s\" is listed twice; remove one",
				    where, item->scalar);
			return -1;
		}
	}
	if (out->n_dns == JN_DNS_MAX) {
		jn_diag_add(diag, item->pos,
			    "%s: more than %d resolvers; the C library reads only the first %d, so list at most %d",
			    where, JN_DNS_MAX, JN_DNS_MAX, JN_DNS_MAX);
		return -1;
	}
	out->dns[out->n_dns++] = addr;
	return 0;
}

/* `dns`: the resolvers written to /etc/netns/NAME/resolv.conf. */
static int parse_dns(const struct jn_node *node, const char *ns,
		     struct jn_namespace *out, struct jn_diag *diag)
{
	char where[160];
	int rc = 0;

	snprintf(where, sizeof(where), "namespaces.%s.dns", ns);
	if (expect_type(node, JN_NODE_SEQ, where, diag) < 0)
		return -1;
	for (size_t i = 0; i < node->count && rc == 0; i++) {
		snprintf(where, sizeof(where), "namespaces.%s.dns[%zu]", ns, i);
		rc = parse_dns_item(node->items[i], where, out, diag);
	}
	return rc;
}

/* Derive NAME-out / NAME-in where the file gives no interface names. */
static int default_ifname(const struct jn_namespace *ns, const char *suffix,
			  char *out, struct jn_pos *pos, struct jn_diag *diag)
{
	char derived[JN_NAME_MAX + 8];

	if (*out)
		return 0;
	snprintf(derived, sizeof(derived), "%s-%s", ns->name, suffix);
	*pos = ns->pos;
	if (strlen(derived) > JN_IFNAME_MAX) {
		jn_diag_add(diag, ns->pos,
			    "namespace \"%s\": the derived interface name \"%s\" is %zu bytes, longer than the kernel's limit of %d; shorten the namespace name to at most %zu bytes or set interfaces.%s",
			    ns->name, derived, strlen(derived), JN_IFNAME_MAX,
			    JN_IFNAME_MAX - 1 - strlen(suffix),
			    strcmp(suffix, "out") == 0 ? "host" : "jail");
		return -1;
	}
	/* memcpy, because GCC at -O1 cannot see the length check above and
	 * warns that snprintf may truncate. */
	memcpy(out, derived, strlen(derived) + 1);
	return 0;
}

static int parse_namespace_fields(const struct jn_node *value, const char *name,
				  struct jn_namespace *ns, struct jn_diag *diag)
{
	const struct jn_node *node;
	char where[160];
	int rc = 0;

	if ((node = jn_node_get(value, "subnets")))
		rc |= parse_subnets(node, name, ns, diag);
	if ((node = jn_node_get(value, "uplink"))) {
		snprintf(where, sizeof(where), "namespaces.%s.uplink", name);
		if (expect_type(node, JN_NODE_SCALAR, where, diag) < 0) {
			rc = -1;
		} else if (is_empty(node)) {
			jn_diag_add(diag, node->pos,
				    "%s is empty; name an uplink defined under uplinks, as in uplink: wan, or remove the key",
				    where);
			rc = -1;
		} else {
			ns->uplink_name = xstrdup(node->scalar);
		}
		ns->uplink_pos = node->pos;
	}
	if ((node = jn_node_get(value, "allow")) && !is_empty(node))
		rc |= parse_allow_list(node, name, "allow", JN_LIST_ALLOW,
				       &ns->allow, &ns->n_allow, diag);
	if ((node = jn_node_get(value, "host")) && !is_empty(node))
		rc |= parse_allow_list(node, name, "host", JN_LIST_HOST,
				       &ns->host, &ns->n_host, diag);
	if ((node = jn_node_get(value, "publish")) && !is_empty(node))
		rc |= parse_publish_list(node, name, ns, diag);
	if ((node = jn_node_get(value, "interfaces")))
		rc |= parse_interfaces(node, name, ns, diag);
	if ((node = jn_node_get(value, "dns")) && !is_empty(node))
		rc |= parse_dns(node, name, ns, diag);
	return rc;
}

static int parse_namespace(const struct jn_node *key, const struct jn_node *value,
			   struct jn_namespace *ns, struct jn_diag *diag)
{
	static const char *const keys[] = {
		"subnets", "uplink", "allow", "host", "publish", "interfaces", "dns", NULL,
	};
	char where[128];
	int rc = 0;

	ns->pos = key->pos;
	ns->name = xstrdup(key->scalar);
	if (parse_name_key(key, "namespace", diag) < 0)
		return -1;
	snprintf(where, sizeof(where), "namespaces.%s", key->scalar);
	/* "name:" with nothing after it: a namespace with every default. */
	if (!is_empty(value)) {
		if (expect_type(value, JN_NODE_MAP, where, diag) < 0)
			return -1;
		rc |= check_keys(value, where, keys,
				 "subnets, uplink, allow, host, publish, interfaces and dns", diag);
		rc |= parse_namespace_fields(value, key->scalar, ns, diag);
	}
	rc |= default_ifname(ns, "out", ns->host_ifname, &ns->host_ifname_pos, diag);
	rc |= default_ifname(ns, "in", ns->jail_ifname, &ns->jail_ifname_pos, diag);
	return rc;
}

static int parse_section(const struct jn_node *node, const char *name,
			 struct jn_config *config, struct jn_diag *diag)
{
	bool uplinks = strcmp(name, "uplinks") == 0;
	int rc = 0;

	/* An empty section ("uplinks:" alone) is an empty mapping. */
	if (is_empty(node))
		return 0;
	if (expect_type(node, JN_NODE_MAP, name, diag) < 0)
		return -1;
	if (uplinks) {
		config->uplinks = calloc(node->count ? node->count : 1, sizeof(*config->uplinks));
		if (!config->uplinks)
			abort();
	} else {
		config->namespaces = calloc(node->count ? node->count : 1,
					    sizeof(*config->namespaces));
		if (!config->namespaces)
			abort();
	}
	for (size_t i = 0; i < node->count; i++) {
		if (uplinks) {
			config->uplinks[i].invalid =
				parse_uplink(node->keys[i], node->items[i], &config->uplinks[i], diag) < 0;
			rc |= config->uplinks[i].invalid ? -1 : 0;
			config->n_uplinks++;
		} else {
			config->namespaces[i].invalid =
				parse_namespace(node->keys[i], node->items[i],
						&config->namespaces[i], diag) < 0;
			rc |= config->namespaces[i].invalid ? -1 : 0;
			config->n_namespaces++;
		}
	}
	return rc;
}

static int parse_version(const struct jn_node *root, struct jn_config *config,
			 struct jn_diag *diag)
{
	const struct jn_node *node = jn_node_get(root, "version");

	if (!node) {
		jn_diag_add(diag, root->pos,
			    "missing key \"version\"; add \"version: 1\" at the top of the file");
		return -1;
	}
	if (node->type != JN_NODE_SCALAR) {
		jn_diag_add(diag, node->pos,
			    "version must be the number 1, not a %s; write \"version: 1\"",
			    jn_node_type_name(node));
		return -1;
	}
	if (strcmp(node->scalar, "1") == 0 && !node->plain) {
		jn_diag_add(diag, node->pos,
			    "version must be the number 1, not a quoted string; write \"version: 1\" without quotes");
		return -1;
	}
	if (strcmp(node->scalar, "1") != 0) {
		jn_diag_add(diag, node->pos,
			    "unsupported version \"%s\"; this jailnet reads version 1 only",
			    node->scalar);
		return -1;
	}
	config->version = 1;
	return 0;
}

static int parse_root(const struct jn_node *root, struct jn_config *config,
		      struct jn_diag *diag)
{
	static const char *const keys[] = { "version", "uplinks", "namespaces", NULL };
	const struct jn_node *node;
	int rc = 0;

	/* A file with only "---" or "~" has a null document. */
	if (!root || is_empty(root)) {
		struct jn_pos whole = { 0, 0 };

		jn_diag_add(diag, whole,
			    "the file is empty; write at least \"version: 1\", and a namespaces mapping for jails");
		return -1;
	}
	if (expect_type(root, JN_NODE_MAP, "the top level", diag) < 0)
		return -1;
	rc |= check_keys(root, "the top level", keys,
			 "version, uplinks and namespaces", diag);
	rc |= parse_version(root, config, diag);
	if ((node = jn_node_get(root, "uplinks")))
		rc |= parse_section(node, "uplinks", config, diag);
	if ((node = jn_node_get(root, "namespaces")))
		rc |= parse_section(node, "namespaces", config, diag);
	return rc;
}

int jn_config_load_buffer(const char *path, const char *data, size_t size,
			  struct jn_config *config, struct jn_diag *diag)
{
	struct jn_node *root = NULL;
	int rc;

	memset(config, 0, sizeof(*config));
	config->path = xstrdup(path);
	rc = jn_yaml_parse(data, size, &root, diag);
	if (rc == 0 && root) {
		/* Validation runs even after parse errors, on the namespaces that
		 * parsed, so one run reports every problem it can. */
		rc = parse_root(root, config, diag);
		rc |= jn_config_validate(config, diag);
	} else if (rc == 0) {
		rc = parse_root(root, config, diag);
	}
	jn_node_free(root);
	/* On failure nothing is left for the caller to free. */
	if (rc < 0)
		jn_config_free(config);
	return rc < 0 ? -1 : 0;
}

static int read_file(const char *path, char **data, size_t *size,
		     struct jn_diag *diag)
{
	struct jn_pos whole = { 0, 0 };
	FILE *file = fopen(path, "rb");
	size_t capacity = 4096, used = 0;
	char *buf;

	if (!file) {
		jn_diag_add(diag, whole, "cannot open the file: %s", strerror(errno));
		return -1;
	}
	buf = malloc(capacity);
	if (!buf)
		abort();
	for (;;) {
		size_t n = fread(buf + used, 1, capacity - used, file);

		used += n;
		if (used < capacity || used > JN_YAML_MAX_BYTES)
			break;
		capacity *= 2;
		buf = realloc(buf, capacity);
		if (!buf)
			abort();
	}
	if (ferror(file)) {
		jn_diag_add(diag, whole, "cannot read the file: %s", strerror(errno));
		fclose(file);
		free(buf);
		return -1;
	}
	fclose(file);
	*data = buf;
	*size = used;
	return 0;
}

int jn_config_load(const char *path, struct jn_config *config,
		   struct jn_diag *diag)
{
	char *data;
	size_t size;
	int rc;

	memset(config, 0, sizeof(*config));
	if (read_file(path, &data, &size, diag) < 0)
		return -1;
	rc = jn_config_load_buffer(path, data, size, config, diag);
	free(data);
	return rc;
}

void jn_config_free(struct jn_config *config)
{
	for (size_t i = 0; i < config->n_uplinks; i++)
		free(config->uplinks[i].name);
	for (size_t i = 0; i < config->n_namespaces; i++) {
		struct jn_namespace *ns = &config->namespaces[i];

		free(ns->name);
		free(ns->uplink_name);
		free(ns->allow);
		free(ns->host);
		free(ns->publish);
	}
	free(config->uplinks);
	free(config->namespaces);
	free(config->path);
	memset(config, 0, sizeof(*config));
}

const struct jn_namespace *jn_config_find_namespace(const struct jn_config *config,
						    const char *name)
{
	for (size_t i = 0; i < config->n_namespaces; i++)
		if (strcmp(config->namespaces[i].name, name) == 0)
			return &config->namespaces[i];
	return NULL;
}
