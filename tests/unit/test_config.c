/* Tests of parsing and validation of jailnet.yaml. They check the model
 * structures only and touch no kernel state. */
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "model/names.h"
#include "model/normalize.h"
#include "model/prefix.h"
#include "model/yamltree.h"

/* The example from the file format description. */
static const char example_yaml[] =
	"version: 1\n"
	"uplinks:\n"
	"  wan:\n"
	"    interface: eth0\n"
	"    masquerade: true\n"
	"namespaces:\n"
	"  www:\n"
	"    subnets:\n"
	"      - 10.97.3.0/30\n"
	"      - fd00:97::3:0/112\n"
	"    uplink: wan\n"
	"    allow:\n"
	"      - 123/udp\n"
	"      - 80,443/tcp\n"
	"      - 8000-8100/tcp\n"
	"      - icmp\n"
	"      - { ports: 5432, proto: tcp, to: 192.0.2.7 }\n"
	"    host:\n"
	"      - 53/udp\n"
	"    publish:\n"
	"      - 80:8080/tcp\n"
	"      - 443/tcp\n"
	"    interfaces:\n"
	"      host: www-out\n"
	"      jail: www-in\n";

/* Lines 1-5 of most cases below, so namespaces start on line 6. */
#define HEAD              \
	"version: 1\n"      \
	"uplinks:\n"        \
	"  wan:\n"          \
	"    interface: eth0\n" \
	"namespaces:\n"

/* A namespace on lines 6-8 that may use allow, host and publish. */
#define WWW                                                   \
	HEAD                                                  \
	"  www:\n"                                            \
	"    subnets: [10.97.3.0/30, \"fd00:97::3:0/112\"]\n" \
	"    uplink: wan\n"

/* The result stays valid until the next call. */
static const char *format_prefix(const struct jn_prefix *prefix)
{
	static char buf[JN_PREFIX_STRLEN];

	return jn_prefix_format(prefix, buf);
}

/* The result stays valid until the next call. */
static const char *format_addr(const struct jn_prefix *prefix)
{
	static char buf[JN_PREFIX_STRLEN];

	return jn_prefix_format_addr(prefix, buf);
}

/* Load YAML that must be valid into a new config, for a cmocka setup. */
static int load_valid(void **state, const char *yaml)
{
	struct jn_config *config = unit_xmalloc(sizeof(*config));
	char *errors = unit_load(yaml, config);
	int rc = errors[0] ? -1 : 0;

	if (rc < 0)
		fprintf(stderr, "unexpected errors:\n%s\n", errors);
	free(errors);
	*state = config;
	return rc;
}

static int setup_example(void **state)
{
	return load_valid(state, example_yaml);
}

static int teardown_config(void **state)
{
	jn_config_free(*state);
	free(*state);
	return 0;
}

/* ---- The example, field by field ---- */

static void example_loads(void **state)
{
	struct jn_config config;
	struct jn_diag diag;
	char *errors;
	int rc;

	(void)state;
	jn_diag_init(&diag, UNIT_PATH);
	rc = jn_config_load_buffer(UNIT_PATH, example_yaml, strlen(example_yaml),
				   &config, &diag);
	errors = unit_diag_text(&diag);
	assert_string_equal(errors, "");
	assert_int_equal(rc, 0);
	assert_string_equal(config.path, UNIT_PATH);
	assert_int_equal(config.version, 1);
	free(errors);
	jn_diag_free(&diag);
	jn_config_free(&config);
}

static void example_uplink(void **state)
{
	const struct jn_config *config = *state;
	const struct jn_uplink *wan = &config->uplinks[0];

	assert_int_equal(config->n_uplinks, 1);
	assert_string_equal(wan->name, "wan");
	assert_string_equal(wan->ifname, "eth0");
	assert_true(wan->masquerade);
	assert_int_equal(wan->pos.line, 3);
	assert_int_equal(wan->pos.column, 3);
}

static void example_namespace(void **state)
{
	const struct jn_config *config = *state;
	const struct jn_namespace *www = &config->namespaces[0];

	assert_int_equal(config->n_namespaces, 1);
	assert_string_equal(www->name, "www");
	assert_int_equal(www->pos.line, 7);
	assert_string_equal(www->uplink_name, "wan");
	assert_ptr_equal(www->uplink, &config->uplinks[0]);
	assert_ptr_equal(jn_config_find_namespace(config, "www"), www);
	assert_null(jn_config_find_namespace(config, "db"));
}

static void example_subnets(void **state)
{
	const struct jn_namespace *www = &((struct jn_config *)*state)->namespaces[0];

	assert_int_equal(www->subnet4.family, AF_INET);
	assert_int_equal(www->subnet4.len, 30);
	assert_string_equal(format_prefix(&www->subnet4), "10.97.3.0/30");
	assert_int_equal(www->subnet4_pos.line, 9);
	assert_int_equal(www->subnet6.family, AF_INET6);
	assert_int_equal(www->subnet6.len, 112);
	assert_string_equal(format_prefix(&www->subnet6), "fd00:97::3:0/112");
	assert_int_equal(www->subnet6_pos.line, 10);
}

struct expected_allow {
	enum jn_proto proto;
	unsigned port_min, port_max;
	const char *to;		/* NULL: any destination */
	unsigned line, column;
};

static void assert_allow_list(const struct jn_allow *list, size_t count,
			      const struct expected_allow *expected,
			      size_t expected_count)
{
	assert_int_equal(count, expected_count);
	for (size_t i = 0; i < expected_count; i++) {
		const struct jn_allow *entry = &list[i];

		assert_false(entry->any);
		assert_int_equal(entry->proto, expected[i].proto);
		assert_int_equal(entry->port_min, expected[i].port_min);
		assert_int_equal(entry->port_max, expected[i].port_max);
		if (expected[i].to)
			assert_string_equal(format_prefix(&entry->to), expected[i].to);
		else
			assert_int_equal(entry->to.family, 0);
		assert_int_equal(entry->pos.line, expected[i].line);
		assert_int_equal(entry->pos.column, expected[i].column);
	}
}

static void example_allow(void **state)
{
	const struct jn_namespace *www = &((struct jn_config *)*state)->namespaces[0];
	/* Normalization sorts by protocol number, then destination, then
	 * port. "80,443/tcp" gives two entries, and "icmp" one without ports. */
	static const struct expected_allow expected[] = {
		{ JN_PROTO_ICMP, 0, 0, NULL, 16, 9 },
		{ JN_PROTO_TCP, 80, 80, NULL, 14, 9 },
		{ JN_PROTO_TCP, 443, 443, NULL, 14, 9 },
		{ JN_PROTO_TCP, 8000, 8100, NULL, 15, 9 },
		{ JN_PROTO_TCP, 5432, 5432, "192.0.2.7/32", 17, 18 },
		{ JN_PROTO_UDP, 123, 123, NULL, 13, 9 },
	};

	assert_allow_list(www->allow, www->n_allow, expected,
			  sizeof(expected) / sizeof(expected[0]));
}

static void example_host(void **state)
{
	const struct jn_namespace *www = &((struct jn_config *)*state)->namespaces[0];
	static const struct expected_allow expected[] = {
		{ JN_PROTO_UDP, 53, 53, NULL, 19, 9 },
	};

	assert_allow_list(www->host, www->n_host, expected, 1);
}

static void example_publish(void **state)
{
	const struct jn_namespace *www = &((struct jn_config *)*state)->namespaces[0];

	assert_int_equal(www->n_publish, 2);
	assert_int_equal(www->publish[0].proto, JN_PROTO_TCP);
	assert_int_equal(www->publish[0].outer_port, 80);
	assert_int_equal(www->publish[0].jail_port, 8080);
	assert_int_equal(www->publish[0].pos.line, 21);
	assert_int_equal(www->publish[1].proto, JN_PROTO_TCP);
	assert_int_equal(www->publish[1].outer_port, 443);
	assert_int_equal(www->publish[1].jail_port, 443);
	assert_int_equal(www->publish[1].pos.line, 22);
}

static void example_interfaces(void **state)
{
	const struct jn_namespace *www = &((struct jn_config *)*state)->namespaces[0];

	assert_string_equal(www->host_ifname, "www-out");
	assert_string_equal(www->jail_ifname, "www-in");
	assert_int_equal(www->host_ifname_pos.line, 24);
	assert_int_equal(www->jail_ifname_pos.line, 25);
}

static void example_endpoints(void **state)
{
	const struct jn_namespace *www = &((struct jn_config *)*state)->namespaces[0];
	struct jn_prefix end;

	jn_prefix_host_end(&www->subnet4, &end);
	assert_string_equal(format_addr(&end), "10.97.3.1");
	jn_prefix_jail_end(&www->subnet4, &end);
	assert_string_equal(format_addr(&end), "10.97.3.2");
	jn_prefix_host_end(&www->subnet6, &end);
	assert_string_equal(format_addr(&end), "fd00:97::3:1");
	jn_prefix_jail_end(&www->subnet6, &end);
	assert_string_equal(format_addr(&end), "fd00:97::3:2");
}

/* ---- Defaults and valid variations ---- */

static int setup_defaults(void **state)
{
	return load_valid(state,
			  HEAD
			  "  zeta:\n"
			  "    subnets: [10.97.9.0/30]\n"
			  "    uplink: wan\n"
			  "  alpha:\n"
			  "  mid:\n"
			  "    subnets: [\"fd00:97::5:0/112\"]\n"
			  "    host: [53/udp]\n"
			  "    allow:\n"
			  "    publish:\n");
}

static void defaults_sorted(void **state)
{
	const struct jn_config *config = *state;

	assert_int_equal(config->n_namespaces, 3);
	assert_string_equal(config->namespaces[0].name, "alpha");
	assert_string_equal(config->namespaces[1].name, "mid");
	assert_string_equal(config->namespaces[2].name, "zeta");
}

static void defaults_fields_follow_sort(void **state)
{
	const struct jn_config *config = *state;
	const struct jn_namespace *alpha = &config->namespaces[0];
	const struct jn_namespace *mid = &config->namespaces[1];
	const struct jn_namespace *zeta = &config->namespaces[2];

	assert_int_equal(alpha->subnet4.family, 0);
	assert_int_equal(alpha->subnet6.family, 0);
	assert_null(alpha->uplink_name);
	assert_null(alpha->uplink);
	assert_int_equal(alpha->pos.line, 9);
	assert_string_equal(format_prefix(&mid->subnet6), "fd00:97::5:0/112");
	assert_int_equal(mid->n_host, 1);
	assert_int_equal(mid->n_allow, 0);
	assert_int_equal(mid->n_publish, 0);
	assert_string_equal(format_prefix(&zeta->subnet4), "10.97.9.0/30");
	assert_ptr_equal(zeta->uplink, &config->uplinks[0]);
}

static void defaults_ifnames(void **state)
{
	const struct jn_config *config = *state;

	assert_string_equal(config->namespaces[0].host_ifname, "alpha-out");
	assert_string_equal(config->namespaces[0].jail_ifname, "alpha-in");
	assert_string_equal(config->namespaces[2].host_ifname, "zeta-out");
	assert_string_equal(config->namespaces[2].jail_ifname, "zeta-in");
	/* A derived name points at the namespace key. */
	assert_int_equal(config->namespaces[0].host_ifname_pos.line, 9);
}

static void defaults_masquerade(void **state)
{
	const struct jn_config *config = *state;

	assert_true(config->uplinks[0].masquerade);
}

static void masquerade_false(void **state)
{
	struct jn_config config;
	char *errors;

	(void)state;
	errors = unit_load("version: 1\n"
			   "uplinks:\n"
			   "  wan:\n"
			   "    interface: eth0\n"
			   "    masquerade: false\n",
			   &config);
	assert_string_equal(errors, "");
	assert_false(config.uplinks[0].masquerade);
	free(errors);
	jn_config_free(&config);
}

static void version_only(void **state)
{
	struct jn_config config;
	char *errors;

	(void)state;
	errors = unit_load("version: 1\nuplinks:\nnamespaces:\n", &config);
	assert_string_equal(errors, "");
	assert_int_equal(config.n_uplinks, 0);
	assert_int_equal(config.n_namespaces, 0);
	free(errors);
	jn_config_free(&config);
}

static void ifname_15_bytes(void **state)
{
	struct jn_config config;
	char *errors;

	(void)state;
	/* "abcdefghijk-out" and "abcdefghijklmno" are exactly 15 bytes. */
	errors = unit_load(HEAD
			   "  abcdefghijk:\n"
			   "    interfaces: { jail: abcdefghijklmno }\n",
			   &config);
	assert_string_equal(errors, "");
	assert_string_equal(config.namespaces[0].host_ifname, "abcdefghijk-out");
	assert_string_equal(config.namespaces[0].jail_ifname, "abcdefghijklmno");
	free(errors);
	jn_config_free(&config);
}

static void prefix_31_127_accepted(void **state)
{
	struct jn_config config;
	struct jn_prefix end;
	const struct jn_namespace *ns;
	char *errors;

	(void)state;
	errors = unit_load(HEAD
			   "  p2p:\n"
			   "    subnets: [10.97.3.0/31, \"fd00:97::3:0/127\"]\n",
			   &config);
	assert_string_equal(errors, "");
	ns = &config.namespaces[0];
	jn_prefix_host_end(&ns->subnet4, &end);
	assert_string_equal(format_addr(&end), "10.97.3.0");
	jn_prefix_jail_end(&ns->subnet4, &end);
	assert_string_equal(format_addr(&end), "10.97.3.1");
	jn_prefix_host_end(&ns->subnet6, &end);
	assert_string_equal(format_addr(&end), "fd00:97::3:0");
	jn_prefix_jail_end(&ns->subnet6, &end);
	assert_string_equal(format_addr(&end), "fd00:97::3:1");
	free(errors);
	jn_config_free(&config);
}

/* ---- Validation rules, one exact message each ---- */

static void unknown_key_top(void **state)
{
	(void)state;
	assert_errors("version: 1\nnamespace: {}\n",
		      "test.yaml:2:1: unknown key \"namespace\" in the top level; valid keys are version, uplinks and namespaces");
}

static void unknown_key_namespace(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnet: [10.97.3.0/30]\n",
		      "test.yaml:7:5: unknown key \"subnet\" in namespaces.www; valid keys are subnets, uplink, allow, host, publish, interfaces and dns");
}

static void unknown_key_uplink(void **state)
{
	(void)state;
	assert_errors("version: 1\nuplinks:\n  wan:\n    interface: eth0\n    nat: true\n",
		      "test.yaml:5:5: unknown key \"nat\" in uplinks.wan; valid keys are interface and masquerade");
}

static void unknown_key_interfaces(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    interfaces: { outside: www-o }\n",
		      "test.yaml:7:19: unknown key \"outside\" in namespaces.www.interfaces; valid keys are host and jail");
}

static void unknown_key_entry(void **state)
{
	(void)state;
	assert_errors(WWW "    allow:\n      - { port: 5432, proto: tcp }\n",
		      "test.yaml:10:11: namespaces.www.allow[0]: unknown key \"port\"; valid keys are ports, proto and to");
}

static void unknown_keys_all_reported(void **state)
{
	(void)state;
	assert_errors("version: 1\nfoo: 1\nbar: 2\n",
		      "test.yaml:2:1: unknown key \"foo\" in the top level; valid keys are version, uplinks and namespaces\n"
		      "test.yaml:3:1: unknown key \"bar\" in the top level; valid keys are version, uplinks and namespaces");
}

static void name_derived_too_long(void **state)
{
	(void)state;
	/* "webserver-01-out" is 16 bytes, but "webserver-01-in" fits in 15. */
	assert_errors(HEAD "  webserver-01:\n    subnets: [10.97.3.0/30]\n",
		      "test.yaml:6:3: namespace \"webserver-01\": the derived interface name \"webserver-01-out\" is 16 bytes, longer than the kernel's limit of 15; shorten the namespace name to at most 11 bytes or set interfaces.host");
}

static void name_derived_both_too_long(void **state)
{
	(void)state;
	assert_errors(HEAD "  webserver-prod:\n",
		      "test.yaml:6:3: namespace \"webserver-prod\": the derived interface name \"webserver-prod-out\" is 18 bytes, longer than the kernel's limit of 15; shorten the namespace name to at most 11 bytes or set interfaces.host\n"
		      "test.yaml:6:3: namespace \"webserver-prod\": the derived interface name \"webserver-prod-in\" is 17 bytes, longer than the kernel's limit of 15; shorten the namespace name to at most 12 bytes or set interfaces.jail");
}

static void name_long_with_ifnames(void **state)
{
	(void)state;
	assert_errors(HEAD "  webserver-prod:\n    interfaces: { host: web-o, jail: web-i }\n", "");
}

static void namespace_name_invalid(void **state)
{
	(void)state;
	assert_errors(HEAD "  \"web server\":\n",
		      "test.yaml:6:3: invalid namespace name \"web server\"; use 1-64 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
}

static void namespace_name_dash(void **state)
{
	(void)state;
	assert_errors(HEAD "  -www: {}\n",
		      "test.yaml:6:3: invalid namespace name \"-www\"; use 1-64 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
}

static void ifname_invalid(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    interfaces: { host: \"www/out\" }\n",
		      "test.yaml:7:25: namespaces.www.interfaces.host: invalid interface name \"www/out\"; use letters, digits, '_', '.' and '-', not starting with '.' or '-'");
}

static void ifname_empty(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    interfaces: { jail: \"\" }\n",
		      "test.yaml:7:25: namespaces.www.interfaces.jail: invalid interface name \"\"; use letters, digits, '_', '.' and '-', not starting with '.' or '-'");
}

static void ifname_16_bytes(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    interfaces: { jail: abcdefghijklmnop }\n",
		      "test.yaml:7:25: namespaces.www.interfaces.jail: interface name \"abcdefghijklmnop\" is 16 bytes, longer than the kernel's limit of 15; choose a shorter name");
}

static void uplink_ifname_16_bytes(void **state)
{
	(void)state;
	assert_errors("version: 1\nuplinks:\n  wan: { interface: abcdefghijklmnop }\n",
		      "test.yaml:3:21: uplinks.wan.interface: interface name \"abcdefghijklmnop\" is 16 bytes, longer than the kernel's limit of 15; choose a shorter name");
}

static void prefix_host_bits(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets: [10.97.3.1/30, \"fd00:97::3:1/112\"]\n",
		      "test.yaml:7:15: namespaces.www.subnets[0]: prefix \"10.97.3.1/30\" has host bits set; write 10.97.3.0/30\n"
		      "test.yaml:7:29: namespaces.www.subnets[1]: prefix \"fd00:97::3:1/112\" has host bits set; write fd00:97::3:0/112");
}

static void prefix_32(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets: [10.97.3.0/32]\n",
		      "test.yaml:7:15: namespaces.www.subnets[0]: prefix \"10.97.3.0/32\" contains one address, but the host end and the jail end need two; use /31 or shorter");
}

static void prefix_128(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets: [\"fd00:97::3:0/128\"]\n",
		      "test.yaml:7:15: namespaces.www.subnets[0]: prefix \"fd00:97::3:0/128\" contains one address, but the host end and the jail end need two; use /127 or shorter");
}

static void prefix_invalid(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets: [10.97.3.0]\n",
		      "test.yaml:7:15: namespaces.www.subnets[0]: invalid prefix \"10.97.3.0\"; write ADDRESS/LENGTH, as in 10.97.3.0/30 or fd00:97::3:0/112");
}

static void subnet_overlap(void **state)
{
	(void)state;
	assert_errors(HEAD
		      "  www:\n"
		      "    subnets: [10.97.0.0/16, \"fd00:97::/64\"]\n"
		      "  db:\n"
		      "    subnets:\n"
		      "      - 10.97.3.0/30\n"
		      "      - fd00:97::3:0/112\n",
		      "test.yaml:10:9: namespaces.db.subnets: 10.97.3.0/30 overlaps 10.97.0.0/16 of namespace \"www\" (line 7); give each namespace its own subnet\n"
		      "test.yaml:11:9: namespaces.db.subnets: fd00:97::3:0/112 overlaps fd00:97::/64 of namespace \"www\" (line 7); give each namespace its own subnet");
}

static void subnet_adjacent(void **state)
{
	(void)state;
	assert_errors(HEAD
		      "  www:\n    subnets: [10.97.3.0/30]\n"
		      "  db:\n    subnets: [10.97.3.4/30]\n",
		      "");
}

static void host_ifname_duplicate(void **state)
{
	(void)state;
	assert_errors(HEAD
		      "  www:\n    interfaces: { host: veth0 }\n"
		      "  db:\n    interfaces: { host: veth0 }\n",
		      "test.yaml:9:25: namespace \"db\": host interface name \"veth0\" is also used by namespace \"www\" (line 7); set a different interfaces.host");
}

static void host_ifname_derived_duplicate(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    interfaces: { host: db-out }\n  db: {}\n",
		      "test.yaml:8:3: namespace \"db\": host interface name \"db-out\" is also used by namespace \"www\" (line 7); set a different interfaces.host");
}

static void host_ifname_uplink(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    interfaces: { host: eth0 }\n",
		      "test.yaml:7:25: namespace \"www\": host interface name \"eth0\" is the interface of uplink \"wan\"; set a different interfaces.host");
}

static void jail_ifname_loopback(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    interfaces: { jail: lo }\n",
		      "test.yaml:7:25: namespace \"www\": jail interface name \"lo\" is the loopback device; choose another name");
}

static void port_zero(void **state)
{
	(void)state;
	assert_errors(WWW "    allow: [0/tcp]\n",
		      "test.yaml:9:13: namespaces.www.allow[0]: invalid port \"0\"; ports are numbers 1-65535, as in 80, 80,443 or 8000-8100");
}

static void port_65536(void **state)
{
	(void)state;
	assert_errors(WWW "    allow: [65536/tcp]\n",
		      "test.yaml:9:13: namespaces.www.allow[0]: invalid port \"65536\"; ports are numbers 1-65535, as in 80, 80,443 or 8000-8100");
}

static void port_70000(void **state)
{
	(void)state;
	assert_errors(WWW "    host: [70000/udp]\n",
		      "test.yaml:9:12: namespaces.www.host[0]: invalid port \"70000\"; ports are numbers 1-65535, as in 80, 80,443 or 8000-8100");
}

static void port_65535(void **state)
{
	struct jn_config config;
	char *errors;

	(void)state;
	errors = unit_load(WWW "    allow: [1/tcp, 65535/tcp]\n", &config);
	assert_string_equal(errors, "");
	assert_int_equal(config.namespaces[0].n_allow, 2);
	assert_int_equal(config.namespaces[0].allow[0].port_min, 1);
	assert_int_equal(config.namespaces[0].allow[1].port_max, 65535);
	free(errors);
	jn_config_free(&config);
}

static void port_range_end_65536(void **state)
{
	(void)state;
	assert_errors(WWW "    allow:\n      - { ports: 8000-65536, proto: udp }\n",
		      "test.yaml:10:18: namespaces.www.allow[0]: invalid port \"8000-65536\"; ports are numbers 1-65535, as in 80, 80,443 or 8000-8100");
}

static void port_range_reversed(void **state)
{
	(void)state;
	assert_errors(WWW "    allow: [8100-8000/tcp]\n",
		      "test.yaml:9:13: namespaces.www.allow[0]: reversed port range \"8100-8000\"; write the lower port first, as in 8000-8100");
}

static void publish_port_zero(void **state)
{
	(void)state;
	assert_errors(WWW "    publish: [\"0:80/tcp\"]\n",
		      "test.yaml:9:15: namespaces.www.publish[0]: invalid port in \"0:80/tcp\"; ports are single numbers 1-65535 (ranges are not supported here)");
}

static void allow_without_uplink(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets: [10.97.3.0/30]\n    allow: [80/tcp]\n",
		      "test.yaml:8:13: namespaces.www.allow: egress rules need an uplink; add \"uplink: NAME\" to the namespace or remove allow");
}

static void publish_without_uplink(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets: [10.97.3.0/30]\n    publish: [80/tcp]\n",
		      "test.yaml:8:15: namespaces.www.publish: published ports need an uplink; add \"uplink: NAME\" to the namespace or remove publish");
}

static void uplink_undefined(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets: [10.97.3.0/30]\n    uplink: lan\n",
		      "test.yaml:8:13: namespaces.www.uplink: uplink \"lan\" is not defined; use a defined uplink (\"wan\") or add it under uplinks");
}

static void uplink_undefined_none(void **state)
{
	(void)state;
	assert_errors("version: 1\nnamespaces:\n  www:\n    subnets: [10.97.3.0/30]\n    uplink: wan\n",
		      "test.yaml:5:13: namespaces.www.uplink: uplink \"wan\" is not defined; add it under uplinks with its interface");
}

static void uplink_undefined_names(void **state)
{
	(void)state;
	assert_errors("version: 1\n"
		      "uplinks:\n"
		      "  wan: { interface: eth0 }\n"
		      "  dmz: { interface: eth1 }\n"
		      "namespaces:\n"
		      "  www:\n"
		      "    subnets: [10.97.3.0/30]\n"
		      "    uplink: lan\n",
		      "test.yaml:8:13: namespaces.www.uplink: uplink \"lan\" is not defined; use a defined uplink (\"wan\", \"dmz\") or add it under uplinks");
}

static void uplink_undefined_many(void **state)
{
	char name[61], yaml[1024], expected[512];
	size_t used;

	(void)state;
	/* Five names of 61 bytes do not fit in the message, so it lists the
	 * first three and marks the cut. */
	memset(name, 'u', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	used = (size_t)snprintf(yaml, sizeof(yaml), "version: 1\nuplinks:\n");
	for (int i = 0; i < 5; i++)
		used += (size_t)snprintf(yaml + used, sizeof(yaml) - used,
					 "  %s%d: { interface: eth%d }\n", name, i, i);
	snprintf(yaml + used, sizeof(yaml) - used,
		 "namespaces:\n  www:\n    subnets: [10.97.3.0/30]\n    uplink: lan\n");
	snprintf(expected, sizeof(expected),
		 "test.yaml:11:13: namespaces.www.uplink: uplink \"lan\" is not defined; use a defined uplink (\"%s0\", \"%s1\", \"%s2\"...) or add it under uplinks",
		 name, name, name);
	assert_errors(yaml, expected);
}

static void subnet_missing(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    uplink: wan\n",
		      "test.yaml:6:3: namespace \"www\" has an uplink but no subnet; add subnets, as in subnets: [10.97.3.0/30]");
}

static void subnet_second_ipv4(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets:\n      - 10.97.3.0/30\n      - 10.97.4.0/30\n",
		      "test.yaml:9:9: namespaces.www.subnets[1]: a second IPv4 subnet \"10.97.4.0/30\"; a namespace has at most one IPv4 and one IPv6 subnet (the first is at line 8)");
}

static void subnet_second_ipv6(void **state)
{
	(void)state;
	assert_errors(HEAD "  www:\n    subnets:\n      - fd00:97::3:0/112\n      - fd00:98::3:0/112\n",
		      "test.yaml:9:9: namespaces.www.subnets[1]: a second IPv6 subnet \"fd00:98::3:0/112\"; a namespace has at most one IPv4 and one IPv6 subnet (the first is at line 8)");
}

static void icmp_ports(void **state)
{
	(void)state;
	assert_errors(WWW "    allow: [8/icmp]\n",
		      "test.yaml:9:13: namespaces.www.allow[0]: icmp takes no ports, but \"8\" is given; write plain icmp");
}

static void icmp_ports_long(void **state)
{
	(void)state;
	assert_errors(WWW "    allow:\n      - { ports: 8, proto: icmp }\n",
		      "test.yaml:10:18: namespaces.www.allow[0]: icmp takes no ports, but \"8\" is given; write plain icmp");
}

static void destination_family(void **state)
{
	(void)state;
	assert_errors(HEAD
		      "  www:\n"
		      "    subnets: [10.97.3.0/30]\n"
		      "    uplink: wan\n"
		      "    allow:\n"
		      "      - { ports: 5432, proto: tcp, to: \"2001:db8::7\" }\n",
		      "test.yaml:10:18: namespaces.www.allow: destination 2001:db8::7/128 is IPv6, but the namespace has no IPv6 subnet; add one or remove the entry");
}

static void version_missing(void **state)
{
	(void)state;
	assert_errors("namespaces:\n  www: {}\n",
		      "test.yaml:1:1: missing key \"version\"; add \"version: 1\" at the top of the file");
}

static void version_2(void **state)
{
	(void)state;
	assert_errors("version: 2\n",
		      "test.yaml:1:10: unsupported version \"2\"; this jailnet reads version 1 only");
}

static void version_quoted(void **state)
{
	(void)state;
	assert_errors("version: \"1\"\n",
		      "test.yaml:1:10: version must be the number 1, not a quoted string; write \"version: 1\" without quotes");
}

static void version_list(void **state)
{
	(void)state;
	assert_errors("version: [1]\n",
		      "test.yaml:1:10: version must be the number 1, not a list; write \"version: 1\"");
}

/* ---- YAML structure ---- */

static void duplicate_key(void **state)
{
	(void)state;
	assert_errors("version: 1\nversion: 1\n",
		      "test.yaml:2:1: duplicate key \"version\" (the first is at line 1); remove one of the two entries");
}

static void duplicate_key_namespace(void **state)
{
	(void)state;
	assert_errors(HEAD "  www: {}\n  db: {}\n  www: {}\n",
		      "test.yaml:8:3: duplicate key \"www\" (the first is at line 6); remove one of the two entries");
}

static void yaml_alias(void **state)
{
	(void)state;
	assert_errors("version: 1\nuplinks:\n  wan: &wan\n    interface: eth0\n  lan: *wan\n",
		      "test.yaml:5:8: YAML alias \"*wan\" is not supported; write the value out in full");
}

static void yaml_alias_bomb(void **state)
{
	(void)state;
	/* Each level would expand nine times, but the first alias stops parsing. */
	assert_errors("version: 1\n"
		      "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
		      "test.yaml:3:8: YAML alias \"*a\" is not supported; write the value out in full");
}

static void merge_key(void **state)
{
	(void)state;
	assert_errors("version: 1\nuplinks:\n  wan:\n    interface: eth0\n    <<: { masquerade: false }\n",
		      "test.yaml:5:5: YAML merge key \"<<\" in uplinks.wan is not supported; write the keys out in full");
}

static void merge_key_alias(void **state)
{
	(void)state;
	assert_errors("version: 1\nuplinks:\n  base: &base { interface: eth0 }\n  wan:\n    <<: *base\n",
		      "test.yaml:5:9: YAML alias \"*base\" is not supported; write the value out in full");
}

static void empty_file(void **state)
{
	(void)state;
	assert_errors("",
		      "test.yaml: the file is empty; write at least \"version: 1\", and a namespaces mapping for jails");
}

static void empty_document(void **state)
{
	(void)state;
	assert_errors("---\n",
		      "test.yaml: the file is empty; write at least \"version: 1\", and a namespaces mapping for jails");
}

static void nul_byte(void **state)
{
	static const char data[] = "version: 1\nnamespaces:\n  www\0: {}\n";
	struct jn_config config;
	char *errors;

	(void)state;
	errors = unit_load_size(data, sizeof(data) - 1, &config);
	assert_string_equal(errors,
			    "test.yaml:3:6: a NUL byte in the file; jailnet.yaml must be UTF-8 text, so remove it");
	free(errors);
	jn_config_free(&config);
}

static void nul_escape(void **state)
{
	(void)state;
	assert_errors("version: 1\nnamespaces:\n  \"www\\0\": {}\n",
		      "test.yaml:3:3: a NUL character (\\0) in a quoted value; remove it");
}

static void non_utf8_latin1(void **state)
{
	(void)state;
	/* "café" in Latin-1: 0xE9 starts a three-byte UTF-8 sequence. */
	assert_errors("version: 1\nnamespaces:\n  caf\xe9: {}\n",
		      "test.yaml:3:6: invalid UTF-8: byte 0xE9 starts a sequence that byte 0x3A does not continue; save the file as UTF-8 text");
}

static void non_utf8_leading(void **state)
{
	(void)state;
	assert_errors("version: 1\n# \xc3\xa9t\xc3\xa9 \xff\n",
		      "test.yaml:2:7: invalid UTF-8 byte 0xFF (invalid leading UTF-8 octet); save the file as UTF-8 text");
}

static void utf8_bom_accepted(void **state)
{
	struct jn_config config;
	char *errors;

	(void)state;
	errors = unit_load("\xef\xbb\xbfversion: 1\r\nnamespaces:\r\n  www:\r\n", &config);
	assert_string_equal(errors, "");
	assert_int_equal(config.n_namespaces, 1);
	free(errors);
	jn_config_free(&config);
}

static void utf8_bom_positions(void **state)
{
	(void)state;
	assert_errors("\xef\xbb\xbfversion: 1\nfoo: 1\n",
		      "test.yaml:2:1: unknown key \"foo\" in the top level; valid keys are version, uplinks and namespaces");
}

static void utf16_rejected(void **state)
{
	static const char data[] = "\xff\xfev\0e\0r\0";
	struct jn_config config;
	char *errors;

	(void)state;
	errors = unit_load_size(data, sizeof(data) - 1, &config);
	assert_string_equal(errors,
			    "test.yaml: the file starts with a UTF-16 byte order mark; save it as UTF-8 text");
	free(errors);
	jn_config_free(&config);
}

static void control_character(void **state)
{
	(void)state;
	assert_errors("version: 1\nnamespaces:\n  www\x1b: {}\n",
		      "test.yaml:3:6: control character U+001B is not allowed in YAML; remove it");
}

static char *nested_lists(unsigned depth)
{
	static const char head[] = "version: 1\nx: ";
	size_t size = sizeof(head) + 2 * depth + 1;
	char *yaml = unit_xmalloc(size);
	char *end = yaml + sizeof(head) - 1;

	memcpy(yaml, head, sizeof(head) - 1);
	memset(end, '[', depth);
	memset(end + depth, ']', depth);
	strcpy(end + 2 * depth, "\n");
	return yaml;
}

static void nesting_at_limit(void **state)
{
	/* The top-level mapping is one level, so this is exactly the limit. */
	char *yaml = nested_lists(JN_YAML_MAX_DEPTH - 1);

	(void)state;
	assert_errors(yaml,
		      "test.yaml:2:1: unknown key \"x\" in the top level; valid keys are version, uplinks and namespaces");
	free(yaml);
}

static void nesting_too_deep(void **state)
{
	char *yaml = nested_lists(JN_YAML_MAX_DEPTH);

	(void)state;
	assert_errors(yaml,
		      "test.yaml:2:19: nesting deeper than 16 levels; jailnet.yaml needs at most 5, so check the brackets and indentation here");
	free(yaml);
}

static void file_too_large(void **state)
{
	size_t size = JN_YAML_MAX_BYTES + 1;
	char *data = unit_xmalloc(size);
	struct jn_config config;
	char *errors;

	(void)state;
	memset(data, '\n', size);
	errors = unit_load_size(data, size, &config);
	assert_string_equal(errors,
			    "test.yaml: the file is larger than the limit of 4194304 bytes; check that it is the right file, because a jailnet.yaml is normally a few kilobytes");
	free(errors);
	free(data);
	jn_config_free(&config);
}

static void two_documents(void **state)
{
	(void)state;
	assert_errors("version: 1\n---\nversion: 1\n",
		      "test.yaml:2:1: more than one YAML document; keep a single document in the file");
}

static void syntax_error(void **state)
{
	(void)state;
	assert_errors("version: 1\nnamespaces: www: {}\n",
		      "test.yaml:2:16: invalid YAML: mapping values are not allowed in this context; fix the syntax at this point");
}

static void syntax_tab_indent(void **state)
{
	(void)state;
	assert_errors("version: 1\nnamespaces:\n\twww: {}\n",
		      "test.yaml:3:1: invalid YAML: a tab character here; indent with spaces, because YAML does not allow tabs in indentation");
}

static void syntax_unterminated_quote(void **state)
{
	(void)state;
	assert_errors("version: 1\nnamespaces:\n  \"www:\n",
		      "test.yaml:4:1: invalid YAML: found unexpected end of stream while scanning a quoted scalar at line 3, column 3; fix the syntax at this point");
}

static void top_level_list(void **state)
{
	(void)state;
	assert_errors("- version: 1\n",
		      "test.yaml:1:1: the top level must be a mapping, not a list");
}

static void section_empty_uplink(void **state)
{
	(void)state;
	assert_errors("version: 1\nuplinks:\n  wan:\n",
		      "test.yaml:3:7: uplinks.wan is empty; it must be a mapping");
}

static void load_missing_file(void **state)
{
	struct jn_config config;
	struct jn_diag diag;
	char *errors;
	int rc;

	(void)state;
	jn_diag_init(&diag, "testdata/no-such-file.yaml");
	rc = jn_config_load("testdata/no-such-file.yaml", &config, &diag);
	errors = unit_diag_text(&diag);
	assert_int_equal(rc, -1);
	assert_string_equal(errors,
			    "testdata/no-such-file.yaml: cannot open the file: No such file or directory");
	free(errors);
	jn_diag_free(&diag);
	jn_config_free(&config);
}

/* ---- Normalization through the file ---- */

static void allow_duplicates_merged(void **state)
{
	struct jn_config config;
	const struct jn_namespace *www;
	char *errors;

	(void)state;
	errors = unit_load(WWW "    allow: [80/tcp, 80/tcp]\n", &config);
	assert_string_equal(errors, "");
	www = &config.namespaces[0];
	assert_int_equal(www->n_allow, 1);
	assert_int_equal(www->allow[0].proto, JN_PROTO_TCP);
	assert_int_equal(www->allow[0].port_min, 80);
	assert_int_equal(www->allow[0].port_max, 80);
	free(errors);
	jn_config_free(&config);
}

static void allow_ranges_merged(void **state)
{
	struct jn_config config;
	const struct jn_namespace *www;
	char *errors;

	(void)state;
	errors = unit_load(WWW "    allow: [8000-8100/tcp, 8050-8200/tcp]\n", &config);
	assert_string_equal(errors, "");
	www = &config.namespaces[0];
	assert_int_equal(www->n_allow, 1);
	assert_int_equal(www->allow[0].port_min, 8000);
	assert_int_equal(www->allow[0].port_max, 8200);
	free(errors);
	jn_config_free(&config);
}

static void allow_any_drops_contained(void **state)
{
	struct jn_config config;
	const struct jn_namespace *www;
	char *errors;

	(void)state;
	errors = unit_load(WWW
			   "    allow:\n"
			   "      - 80/tcp\n"
			   "      - any\n"
			   "      - icmp\n"
			   "      - { ports: 5432, proto: tcp, to: 192.0.2.7 }\n",
			   &config);
	assert_string_equal(errors, "");
	www = &config.namespaces[0];
	assert_int_equal(www->n_allow, 1);
	assert_true(www->allow[0].any);
	assert_int_equal(www->allow[0].pos.line, 11);
	free(errors);
	jn_config_free(&config);
}

static void allow_partial_overlap_rejected(void **state)
{
	(void)state;
	assert_errors(WWW
		      "    allow:\n"
		      "      - 8000-8100/tcp\n"
		      "      - { ports: 8050-8200, proto: tcp, to: 192.0.2.0/24 }\n",
		      "test.yaml:11:18: namespaces.www.allow: 8050-8200/tcp to 192.0.2.0/24 overlaps 8000-8100/tcp (line 10), and neither contains the other; make the port ranges disjoint or widen one entry to contain the other");
}

static void host_entries_merged(void **state)
{
	struct jn_config config;
	const struct jn_namespace *www;
	char *errors;

	(void)state;
	/* Host entries have no destination, so they merge instead of
	 * overlapping. All udp ports contain 53/udp. */
	errors = unit_load(WWW
			   "    host:\n"
			   "      - { proto: udp }\n"
			   "      - 53/udp\n"
			   "      - 50-60/tcp\n"
			   "      - 55-70/tcp\n",
			   &config);
	assert_string_equal(errors, "");
	www = &config.namespaces[0];
	assert_int_equal(www->n_host, 2);
	assert_int_equal(www->host[0].proto, JN_PROTO_TCP);
	assert_int_equal(www->host[0].port_min, 50);
	assert_int_equal(www->host[0].port_max, 70);
	assert_int_equal(www->host[1].proto, JN_PROTO_UDP);
	assert_int_equal(www->host[1].port_min, 0);
	assert_int_equal(www->host[1].port_max, 65535);
	free(errors);
	jn_config_free(&config);
}

static void publish_duplicate_namespaces(void **state)
{
	(void)state;
	assert_errors(HEAD
		      "  www:\n"
		      "    subnets: [10.97.3.0/30]\n"
		      "    uplink: wan\n"
		      "    publish: [80/tcp]\n"
		      "  db:\n"
		      "    subnets: [10.97.4.0/30]\n"
		      "    uplink: wan\n"
		      "    publish:\n"
		      "      - 443/tcp\n"
		      "      - 80:8080/tcp\n",
		      "test.yaml:15:9: namespaces.db.publish[1]: uplink port 80/tcp on interface eth0 is already published by namespace \"www\" (line 9); choose another uplink port");
}

static void publish_duplicate_shared_interface(void **state)
{
	(void)state;
	/* Two uplink names for one interface still share its ports. */
	assert_errors("version: 1\n"
		      "uplinks:\n"
		      "  wan: { interface: eth0 }\n"
		      "  wan2: { interface: eth0, masquerade: false }\n"
		      "namespaces:\n"
		      "  www:\n"
		      "    subnets: [10.97.3.0/30]\n"
		      "    uplink: wan\n"
		      "    publish: [80/tcp]\n"
		      "  db:\n"
		      "    subnets: [10.97.4.0/30]\n"
		      "    uplink: wan2\n"
		      "    publish: [\"80:8080/tcp\"]\n",
		      "test.yaml:13:15: namespaces.db.publish[0]: uplink port 80/tcp on interface eth0 is already published by namespace \"www\" (line 9); choose another uplink port");
}

static void publish_same_port_other_proto(void **state)
{
	(void)state;
	assert_errors(HEAD
		      "  www:\n"
		      "    subnets: [10.97.3.0/30]\n"
		      "    uplink: wan\n"
		      "    publish: [80/tcp]\n"
		      "  db:\n"
		      "    subnets: [10.97.4.0/30]\n"
		      "    uplink: wan\n"
		      "    publish: [80/udp]\n",
		      "");
}

static void publish_same_port_other_interface(void **state)
{
	(void)state;
	assert_errors("version: 1\n"
		      "uplinks:\n"
		      "  wan: { interface: eth0 }\n"
		      "  dmz: { interface: eth1 }\n"
		      "namespaces:\n"
		      "  www:\n"
		      "    subnets: [10.97.3.0/30]\n"
		      "    uplink: wan\n"
		      "    publish: [80/tcp]\n"
		      "  db:\n"
		      "    subnets: [10.97.4.0/30]\n"
		      "    uplink: dmz\n"
		      "    publish: [80/tcp]\n",
		      "");
}

/* ---- jn_allow_normalize and jn_allow_conflicts directly ---- */

static struct jn_allow allow_entry(enum jn_proto proto, unsigned port_min,
				   unsigned port_max, const char *to)
{
	struct jn_allow entry;

	memset(&entry, 0, sizeof(entry));
	entry.proto = proto;
	entry.port_min = (uint16_t)port_min;
	entry.port_max = (uint16_t)port_max;
	if (to && jn_prefix_parse(to, true, &entry.to) < 0)
		fail_msg("invalid destination %s in the test", to);
	return entry;
}

static struct jn_allow allow_any(void)
{
	struct jn_allow entry;

	memset(&entry, 0, sizeof(entry));
	entry.any = true;
	return entry;
}

static void normalize_empty(void **state)
{
	size_t count = 0;

	(void)state;
	jn_allow_normalize(NULL, &count);
	assert_int_equal(count, 0);
}

static void normalize_duplicates(void **state)
{
	struct jn_allow list[] = {
		allow_entry(JN_PROTO_TCP, 80, 80, NULL),
		allow_entry(JN_PROTO_TCP, 80, 80, NULL),
		allow_entry(JN_PROTO_TCP, 80, 80, NULL),
	};
	size_t count = 3;

	(void)state;
	jn_allow_normalize(list, &count);
	assert_int_equal(count, 1);
	assert_int_equal(list[0].port_min, 80);
	assert_int_equal(list[0].port_max, 80);
}

static void normalize_overlapping(void **state)
{
	struct jn_allow list[] = {
		allow_entry(JN_PROTO_TCP, 8050, 8200, NULL),
		allow_entry(JN_PROTO_TCP, 8000, 8100, NULL),
	};
	size_t count = 2;

	(void)state;
	jn_allow_normalize(list, &count);
	assert_int_equal(count, 1);
	assert_int_equal(list[0].port_min, 8000);
	assert_int_equal(list[0].port_max, 8200);
}

static void normalize_touching(void **state)
{
	struct jn_allow list[] = {
		allow_entry(JN_PROTO_UDP, 90, 99, NULL),
		allow_entry(JN_PROTO_UDP, 80, 89, NULL),
		allow_entry(JN_PROTO_UDP, 101, 110, NULL),
	};
	size_t count = 3;

	(void)state;
	jn_allow_normalize(list, &count);
	assert_int_equal(count, 2);
	assert_int_equal(list[0].port_min, 80);
	assert_int_equal(list[0].port_max, 99);
	assert_int_equal(list[1].port_min, 101);
	assert_int_equal(list[1].port_max, 110);
}

static void normalize_full_range(void **state)
{
	struct jn_allow list[] = {
		allow_entry(JN_PROTO_TCP, 1, 65535, NULL),
		allow_entry(JN_PROTO_TCP, 65535, 65535, NULL),
	};
	size_t count = 2;

	(void)state;
	jn_allow_normalize(list, &count);
	assert_int_equal(count, 1);
	assert_int_equal(list[0].port_min, 1);
	assert_int_equal(list[0].port_max, 65535);
}

static void normalize_protocols_apart(void **state)
{
	struct jn_allow list[] = {
		allow_entry(JN_PROTO_UDP, 53, 53, NULL),
		allow_entry(JN_PROTO_TCP, 53, 53, NULL),
		allow_entry(JN_PROTO_SCTP, 53, 53, NULL),
	};
	size_t count = 3;

	(void)state;
	jn_allow_normalize(list, &count);
	assert_int_equal(count, 3);
	assert_int_equal(list[0].proto, JN_PROTO_TCP);
	assert_int_equal(list[1].proto, JN_PROTO_UDP);
	assert_int_equal(list[2].proto, JN_PROTO_SCTP);
}

static void normalize_any_contains_all(void **state)
{
	struct jn_allow list[] = {
		allow_entry(JN_PROTO_TCP, 80, 80, NULL),
		allow_entry(JN_PROTO_ICMP, 0, 0, NULL),
		allow_any(),
		allow_entry(JN_PROTO_UDP, 53, 53, "192.0.2.0/24"),
		allow_any(),
	};
	size_t count = 5;

	(void)state;
	jn_allow_normalize(list, &count);
	assert_int_equal(count, 1);
	assert_true(list[0].any);
}

static void normalize_contained_dropped(void **state)
{
	struct jn_allow list[] = {
		allow_entry(JN_PROTO_TCP, 5432, 5432, "192.0.2.7"),
		allow_entry(JN_PROTO_TCP, 5000, 6000, NULL),
		allow_entry(JN_PROTO_TCP, 5400, 5500, "192.0.2.0/24"),
	};
	size_t count = 3;

	(void)state;
	jn_allow_normalize(list, &count);
	assert_int_equal(count, 1);
	assert_int_equal(list[0].to.family, 0);
	assert_int_equal(list[0].port_min, 5000);
	assert_int_equal(list[0].port_max, 6000);
}

static void normalize_destinations_apart(void **state)
{
	struct jn_allow list[] = {
		allow_entry(JN_PROTO_TCP, 443, 443, "192.0.2.7"),
		allow_entry(JN_PROTO_TCP, 443, 443, "2001:db8::7"),
		allow_entry(JN_PROTO_TCP, 443, 443, "198.51.100.0/24"),
	};
	size_t count = 3;

	(void)state;
	jn_allow_normalize(list, &count);
	assert_int_equal(count, 3);
	assert_string_equal(format_prefix(&list[0].to), "192.0.2.7/32");
	assert_string_equal(format_prefix(&list[1].to), "198.51.100.0/24");
	assert_string_equal(format_prefix(&list[2].to), "2001:db8::7/128");
}

static void conflicts_partial_overlap(void **state)
{
	struct jn_allow wide = allow_entry(JN_PROTO_TCP, 8000, 8100, NULL);
	struct jn_allow narrow = allow_entry(JN_PROTO_TCP, 8050, 8200, "192.0.2.0/24");

	(void)state;
	assert_true(jn_allow_conflicts(&wide, &narrow));
	assert_true(jn_allow_conflicts(&narrow, &wide));
}

static void conflicts_disjoint(void **state)
{
	struct jn_allow a = allow_entry(JN_PROTO_TCP, 8000, 8100, NULL);
	struct jn_allow b = allow_entry(JN_PROTO_TCP, 8101, 8200, "192.0.2.0/24");
	struct jn_allow c = allow_entry(JN_PROTO_UDP, 8000, 8100, "192.0.2.0/24");
	struct jn_allow d = allow_entry(JN_PROTO_TCP, 8000, 8200, "198.51.100.0/24");

	(void)state;
	assert_false(jn_allow_conflicts(&a, &b));
	assert_false(jn_allow_conflicts(&a, &c));
	assert_false(jn_allow_conflicts(&b, &d));
}

static void conflicts_same_target(void **state)
{
	struct jn_allow a = allow_entry(JN_PROTO_TCP, 80, 90, "192.0.2.0/24");
	struct jn_allow b = allow_entry(JN_PROTO_TCP, 85, 95, "192.0.2.0/24");
	struct jn_allow any = allow_any();

	(void)state;
	assert_false(jn_allow_conflicts(&a, &b));
	assert_false(jn_allow_conflicts(&a, &any));
}

/* ---- Prefixes ---- */

static void prefix_parse_ipv4(void **state)
{
	struct jn_prefix prefix;
	static const uint8_t addr[4] = { 10, 97, 3, 0 };

	(void)state;
	assert_int_equal(jn_prefix_parse("10.97.3.0/30", false, &prefix), 0);
	assert_int_equal(prefix.family, AF_INET);
	assert_int_equal(prefix.len, 30);
	assert_memory_equal(prefix.addr, addr, sizeof(addr));
	assert_true(jn_prefix_is_network(&prefix));
}

static void prefix_parse_ipv6(void **state)
{
	struct jn_prefix prefix;
	static const uint8_t addr[16] = { 0xfd, 0x00, 0x00, 0x97, [13] = 3 };

	(void)state;
	assert_int_equal(jn_prefix_parse("fd00:97::3:0/112", false, &prefix), 0);
	assert_int_equal(prefix.family, AF_INET6);
	assert_int_equal(prefix.len, 112);
	assert_memory_equal(prefix.addr, addr, sizeof(addr));
}

static void prefix_parse_bare(void **state)
{
	struct jn_prefix prefix;

	(void)state;
	assert_int_equal(jn_prefix_parse("192.0.2.7", true, &prefix), 0);
	assert_int_equal(prefix.len, 32);
	assert_int_equal(jn_prefix_parse("2001:db8::7", true, &prefix), 0);
	assert_int_equal(prefix.len, 128);
	assert_int_equal(jn_prefix_parse("192.0.2.7", false, &prefix), -1);
}

static void prefix_parse_invalid(void **state)
{
	static const char *const invalid[] = {
		"", "/24", "10.97.3.0/", "10.97.3.0/33", "fd00::/129",
		"10.97.3.0/030", "10.97.3.0/-1", "10.97.3.0/24x", "10.97.300.0/24",
		"10.97.3/24", "db.example.com/24", "fd00:::1/64", " 10.97.3.0/24",
		"10.97.3.0/24/1",
	};
	struct jn_prefix prefix;

	(void)state;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		if (jn_prefix_parse(invalid[i], true, &prefix) == 0)
			fail_msg("\"%s\" parsed as a prefix", invalid[i]);
	}
}

static void prefix_format_roundtrip(void **state)
{
	static const char *const texts[] = {
		"10.97.3.0/30", "0.0.0.0/0", "255.255.255.255/32",
		"fd00:97::3:0/112", "::/0", "2001:db8::/32",
	};
	struct jn_prefix prefix;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(jn_prefix_parse(texts[i], false, &prefix), 0);
		assert_string_equal(format_prefix(&prefix), texts[i]);
	}
}

static void prefix_format_canonical(void **state)
{
	struct jn_prefix prefix;

	(void)state;
	assert_int_equal(jn_prefix_parse("FD00:0097:0:0::3:0/112", false, &prefix), 0);
	assert_string_equal(format_prefix(&prefix), "fd00:97::3:0/112");
	assert_string_equal(format_addr(&prefix), "fd00:97::3:0");
}

static void prefix_host_bits_mask(void **state)
{
	struct jn_prefix prefix;

	(void)state;
	assert_int_equal(jn_prefix_parse("10.97.3.6/30", false, &prefix), 0);
	assert_false(jn_prefix_is_network(&prefix));
	jn_prefix_mask(&prefix);
	assert_true(jn_prefix_is_network(&prefix));
	assert_string_equal(format_prefix(&prefix), "10.97.3.4/30");
}

static bool overlaps(const char *a, const char *b)
{
	struct jn_prefix pa, pb;

	if (jn_prefix_parse(a, true, &pa) < 0 || jn_prefix_parse(b, true, &pb) < 0)
		fail_msg("invalid prefix %s or %s in the test", a, b);
	return jn_prefix_overlaps(&pa, &pb);
}

static void prefix_overlaps(void **state)
{
	(void)state;
	assert_true(overlaps("10.97.0.0/16", "10.97.3.0/30"));
	assert_true(overlaps("10.97.3.0/30", "10.97.0.0/16"));
	assert_true(overlaps("10.97.3.0/30", "10.97.3.0/30"));
	assert_true(overlaps("0.0.0.0/0", "192.0.2.7"));
	assert_true(overlaps("fd00:97::/64", "fd00:97::3:0/112"));
	assert_false(overlaps("10.97.3.0/30", "10.97.3.4/30"));
	assert_false(overlaps("10.97.3.0/31", "10.97.3.2/31"));
	assert_false(overlaps("fd00:97::3:0/112", "fd00:97::4:0/112"));
	/* Different families never overlap, even with equal bytes. */
	assert_false(overlaps("0.0.0.0/0", "::/0"));
}

struct expected_ends {
	const char *subnet, *host, *jail;
};

static void prefix_ends(void **state)
{
	static const struct expected_ends cases[] = {
		{ "10.97.3.0/30", "10.97.3.1", "10.97.3.2" },
		{ "10.97.3.0/31", "10.97.3.0", "10.97.3.1" },
		{ "10.97.3.0/24", "10.97.3.1", "10.97.3.2" },
		{ "10.97.255.0/24", "10.97.255.1", "10.97.255.2" },
		{ "fd00:97::3:0/112", "fd00:97::3:1", "fd00:97::3:2" },
		{ "fd00:97::3:0/127", "fd00:97::3:0", "fd00:97::3:1" },
	};
	struct jn_prefix subnet, end;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(jn_prefix_parse(cases[i].subnet, false, &subnet), 0);
		jn_prefix_host_end(&subnet, &end);
		assert_string_equal(format_addr(&end), cases[i].host);
		assert_int_equal(end.len, subnet.len);
		jn_prefix_jail_end(&subnet, &end);
		assert_string_equal(format_addr(&end), cases[i].jail);
		assert_int_equal(end.len, subnet.len);
	}
}

/* ---- Names and diagnostics ---- */

static void names_valid(void **state)
{
	char longest[JN_NAME_MAX + 2];

	(void)state;
	memset(longest, 'n', sizeof(longest) - 1);
	longest[JN_NAME_MAX] = '\0';
	assert_true(jn_name_is_valid("www"));
	assert_true(jn_name_is_valid("a.b_c-1"));
	assert_true(jn_name_is_valid(longest));
	longest[JN_NAME_MAX] = 'n';
	longest[JN_NAME_MAX + 1] = '\0';
	assert_false(jn_name_is_valid(longest));
	assert_false(jn_name_is_valid(""));
	assert_false(jn_name_is_valid(".www"));
	assert_false(jn_name_is_valid("-www"));
	assert_false(jn_name_is_valid("w/w"));
	assert_false(jn_name_is_valid("w w"));
	assert_true(jn_ifname_is_valid("abcdefghijklmno"));
	assert_false(jn_ifname_is_valid("abcdefghijklmnop"));
	assert_false(jn_ifname_is_valid("eth0:1"));
}

static void diag_sort_stable(void **state)
{
	struct jn_diag diag;
	struct jn_pos late = { 3, 1 }, early = { 1, 5 }, whole = { 0, 0 };
	char *text;

	(void)state;
	jn_diag_init(&diag, "f.yaml");
	jn_diag_add(&diag, late, "third");
	jn_diag_add(&diag, late, "fourth");
	jn_diag_add(&diag, early, "second");
	jn_diag_add(&diag, whole, "first");
	jn_diag_add(&diag, late, "fifth");
	text = unit_diag_text(&diag);
	assert_string_equal(text,
			    "f.yaml: first\n"
			    "f.yaml:1:5: second\n"
			    "f.yaml:3:1: third\n"
			    "f.yaml:3:1: fourth\n"
			    "f.yaml:3:1: fifth");
	free(text);
	jn_diag_free(&diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_loads),
		cmocka_unit_test_setup_teardown(example_uplink, setup_example, teardown_config),
		cmocka_unit_test_setup_teardown(example_namespace, setup_example, teardown_config),
		cmocka_unit_test_setup_teardown(example_subnets, setup_example, teardown_config),
		cmocka_unit_test_setup_teardown(example_allow, setup_example, teardown_config),
		cmocka_unit_test_setup_teardown(example_host, setup_example, teardown_config),
		cmocka_unit_test_setup_teardown(example_publish, setup_example, teardown_config),
		cmocka_unit_test_setup_teardown(example_interfaces, setup_example, teardown_config),
		cmocka_unit_test_setup_teardown(example_endpoints, setup_example, teardown_config),
		cmocka_unit_test_setup_teardown(defaults_sorted, setup_defaults, teardown_config),
		cmocka_unit_test_setup_teardown(defaults_fields_follow_sort, setup_defaults, teardown_config),
		cmocka_unit_test_setup_teardown(defaults_ifnames, setup_defaults, teardown_config),
		cmocka_unit_test_setup_teardown(defaults_masquerade, setup_defaults, teardown_config),
		cmocka_unit_test(masquerade_false),
		cmocka_unit_test(version_only),
		cmocka_unit_test(ifname_15_bytes),
		cmocka_unit_test(prefix_31_127_accepted),

		cmocka_unit_test(unknown_key_top),
		cmocka_unit_test(unknown_key_namespace),
		cmocka_unit_test(unknown_key_uplink),
		cmocka_unit_test(unknown_key_interfaces),
		cmocka_unit_test(unknown_key_entry),
		cmocka_unit_test(unknown_keys_all_reported),
		cmocka_unit_test(name_derived_too_long),
		cmocka_unit_test(name_derived_both_too_long),
		cmocka_unit_test(name_long_with_ifnames),
		cmocka_unit_test(namespace_name_invalid),
		cmocka_unit_test(namespace_name_dash),
		cmocka_unit_test(ifname_invalid),
		cmocka_unit_test(ifname_empty),
		cmocka_unit_test(ifname_16_bytes),
		cmocka_unit_test(uplink_ifname_16_bytes),
		cmocka_unit_test(prefix_host_bits),
		cmocka_unit_test(prefix_32),
		cmocka_unit_test(prefix_128),
		cmocka_unit_test(prefix_invalid),
		cmocka_unit_test(subnet_overlap),
		cmocka_unit_test(subnet_adjacent),
		cmocka_unit_test(host_ifname_duplicate),
		cmocka_unit_test(host_ifname_derived_duplicate),
		cmocka_unit_test(host_ifname_uplink),
		cmocka_unit_test(jail_ifname_loopback),
		cmocka_unit_test(port_zero),
		cmocka_unit_test(port_65536),
		cmocka_unit_test(port_70000),
		cmocka_unit_test(port_65535),
		cmocka_unit_test(port_range_end_65536),
		cmocka_unit_test(port_range_reversed),
		cmocka_unit_test(publish_port_zero),
		cmocka_unit_test(allow_without_uplink),
		cmocka_unit_test(publish_without_uplink),
		cmocka_unit_test(uplink_undefined),
		cmocka_unit_test(uplink_undefined_none),
		cmocka_unit_test(uplink_undefined_names),
		cmocka_unit_test(uplink_undefined_many),
		cmocka_unit_test(subnet_missing),
		cmocka_unit_test(subnet_second_ipv4),
		cmocka_unit_test(subnet_second_ipv6),
		cmocka_unit_test(icmp_ports),
		cmocka_unit_test(icmp_ports_long),
		cmocka_unit_test(destination_family),
		cmocka_unit_test(version_missing),
		cmocka_unit_test(version_2),
		cmocka_unit_test(version_quoted),
		cmocka_unit_test(version_list),

		cmocka_unit_test(duplicate_key),
		cmocka_unit_test(duplicate_key_namespace),
		cmocka_unit_test(yaml_alias),
		cmocka_unit_test(yaml_alias_bomb),
		cmocka_unit_test(merge_key),
		cmocka_unit_test(merge_key_alias),
		cmocka_unit_test(empty_file),
		cmocka_unit_test(empty_document),
		cmocka_unit_test(nul_byte),
		cmocka_unit_test(nul_escape),
		cmocka_unit_test(non_utf8_latin1),
		cmocka_unit_test(non_utf8_leading),
		cmocka_unit_test(utf8_bom_accepted),
		cmocka_unit_test(utf8_bom_positions),
		cmocka_unit_test(utf16_rejected),
		cmocka_unit_test(control_character),
		cmocka_unit_test(nesting_at_limit),
		cmocka_unit_test(nesting_too_deep),
		cmocka_unit_test(file_too_large),
		cmocka_unit_test(two_documents),
		cmocka_unit_test(syntax_error),
		cmocka_unit_test(syntax_tab_indent),
		cmocka_unit_test(syntax_unterminated_quote),
		cmocka_unit_test(top_level_list),
		cmocka_unit_test(section_empty_uplink),
		cmocka_unit_test(load_missing_file),

		cmocka_unit_test(allow_duplicates_merged),
		cmocka_unit_test(allow_ranges_merged),
		cmocka_unit_test(allow_any_drops_contained),
		cmocka_unit_test(allow_partial_overlap_rejected),
		cmocka_unit_test(host_entries_merged),
		cmocka_unit_test(publish_duplicate_namespaces),
		cmocka_unit_test(publish_duplicate_shared_interface),
		cmocka_unit_test(publish_same_port_other_proto),
		cmocka_unit_test(publish_same_port_other_interface),

		cmocka_unit_test(normalize_empty),
		cmocka_unit_test(normalize_duplicates),
		cmocka_unit_test(normalize_overlapping),
		cmocka_unit_test(normalize_touching),
		cmocka_unit_test(normalize_full_range),
		cmocka_unit_test(normalize_protocols_apart),
		cmocka_unit_test(normalize_any_contains_all),
		cmocka_unit_test(normalize_contained_dropped),
		cmocka_unit_test(normalize_destinations_apart),
		cmocka_unit_test(conflicts_partial_overlap),
		cmocka_unit_test(conflicts_disjoint),
		cmocka_unit_test(conflicts_same_target),

		cmocka_unit_test(prefix_parse_ipv4),
		cmocka_unit_test(prefix_parse_ipv6),
		cmocka_unit_test(prefix_parse_bare),
		cmocka_unit_test(prefix_parse_invalid),
		cmocka_unit_test(prefix_format_roundtrip),
		cmocka_unit_test(prefix_format_canonical),
		cmocka_unit_test(prefix_host_bits_mask),
		cmocka_unit_test(prefix_overlaps),
		cmocka_unit_test(prefix_ends),

		cmocka_unit_test(names_valid),
		cmocka_unit_test(diag_sort_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
