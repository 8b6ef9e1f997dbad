/* The chains and rules of table inet jailnet. Nothing here depends on the
 * configuration: per-namespace data is in the sets (nft_sets.c).
 *
 * forward: traffic that involves no jail interface is accepted at once,
 *   so the host's own forwarding and other tables are unaffected. Then
 *   established and related traffic passes, and the rest goes to
 *   from_jail or to_jail, which end in drop.
 * from_jail: the packet must leave through its jail's uplink, carry the
 *   jail's own address, and match an allow element.
 * to_jail: only published ports that arrived on the uplink, after DNAT.
 * input: a jail reaches the host only for its `host` entries and
 *   neighbour discovery.
 * prerouting / postrouting: DNAT of published ports and masquerade. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "reconcile/marks.h"
#include "reconcile/nft_expr.h"
#include "reconcile/nft_internal.h"

/* Append an empty rule for CHAIN with COMMENT; returns it for expressions. */
static struct nftnl_rule *rule_new(struct jn_objlist *list, const char *chain,
				   const char *comment)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();
	struct nftnl_udata_buf *udata = nftnl_udata_buf_alloc(256);
	struct jn_obj *obj;

	if (!rule || !udata)
		abort();
	nftnl_rule_set_u32(rule, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, JN_TABLE_NAME);
	nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, chain);
	nftnl_udata_put_strz(udata, NFTNL_UDATA_RULE_COMMENT, comment);
	nftnl_rule_set_data(rule, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(udata),
			    nftnl_udata_buf_len(udata));
	nftnl_udata_buf_free(udata);
	obj = jn_objlist_add(list, JN_KIND_NFT_RULE, NULL, "", NULL, NULL);
	obj->nft = rule;
	obj->chain = jn_strdup(chain);
	free(obj->label);
	obj->label = jn_sprintf("in chain %s: %s", chain, comment);
	return rule;
}

static void accept_established(struct jn_objlist *list, const char *chain)
{
	struct nftnl_rule *rule = rule_new(list, chain, "established and related traffic");

	jn_expr_ct(rule, NFT_CT_STATE, NFT_REG_1);
	jn_expr_bits_set(rule, NFT_REG_1, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
					   NF_CT_STATE_BIT(IP_CT_RELATED));
	jn_expr_verdict(rule, NF_ACCEPT, NULL);
}

static void drop_rest(struct jn_objlist *list, const char *chain)
{
	struct nftnl_rule *rule = rule_new(list, chain, "everything else from or to a jail");

	jn_expr_verdict(rule, NF_DROP, NULL);
}

/* Accept traffic whose SOURCES (and the other direction's interface)
 * involve no jail. */
static void accept_without_jail(struct jn_objlist *list, const char *chain,
				bool both_directions)
{
	static const enum jn_source in[] = { JN_SRC_IIFNAME };
	static const enum jn_source out[] = { JN_SRC_OIFNAME };
	struct nftnl_rule *rule = rule_new(list, chain, "traffic that involves no jail");

	jn_expr_lookup(rule, in, 1, "jail_hosts", true, -1);
	if (both_directions)
		jn_expr_lookup(rule, out, 1, "jail_hosts", true, -1);
	jn_expr_verdict(rule, NF_ACCEPT, NULL);
}

static void build_forward(struct jn_objlist *list)
{
	static const enum jn_source in[] = { JN_SRC_IIFNAME };
	static const enum jn_source out[] = { JN_SRC_OIFNAME };
	struct nftnl_rule *rule;

	accept_without_jail(list, "forward", true);
	accept_established(list, "forward");
	rule = rule_new(list, "forward", "from a jail");
	jn_expr_lookup(rule, in, 1, "jail_hosts", false, -1);
	jn_expr_verdict(rule, NFT_JUMP, "from_jail");
	rule = rule_new(list, "forward", "to a jail");
	jn_expr_lookup(rule, out, 1, "jail_hosts", false, -1);
	jn_expr_verdict(rule, NFT_JUMP, "to_jail");
	drop_rest(list, "forward");
}

static void family_lookup(struct jn_objlist *list, const char *chain,
			  const char *comment, uint8_t nfproto,
			  const enum jn_source *sources, size_t count,
			  const char *set, bool invert, int verdict)
{
	struct nftnl_rule *rule = rule_new(list, chain, comment);

	if (nfproto)
		jn_expr_family(rule, nfproto);
	jn_expr_lookup(rule, sources, count, set, invert, -1);
	jn_expr_verdict(rule, verdict, NULL);
}

/* icmp echo-request (or ICMPv6 echo request) whose SOURCES are in SET. */
static void echo_lookup(struct jn_objlist *list, const char *chain,
			const char *comment, bool ipv6,
			const enum jn_source *sources, const char *set)
{
	struct nftnl_rule *rule = rule_new(list, chain, comment);

	jn_expr_family(rule, ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	jn_expr_meta(rule, NFT_META_L4PROTO, NFT_REG_1);
	jn_expr_cmp_u8(rule, NFT_REG_1, NFT_CMP_EQ, ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	jn_expr_payload(rule, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	jn_expr_cmp_u8(rule, NFT_REG_1, NFT_CMP_EQ, ipv6 ? 128 : 8);
	jn_expr_lookup(rule, sources, 2, set, false, -1);
	jn_expr_verdict(rule, NF_ACCEPT, NULL);
}

static void build_from_jail(struct jn_objlist *list)
{
	static const enum jn_source route[] = { JN_SRC_IIFNAME, JN_SRC_OIFNAME };
	static const enum jn_source saddr4[] = { JN_SRC_IIFNAME, JN_SRC_IP_SADDR };
	static const enum jn_source saddr6[] = { JN_SRC_IIFNAME, JN_SRC_IP6_SADDR };
	static const enum jn_source in[] = { JN_SRC_IIFNAME };
	static const enum jn_source daddr4[] = { JN_SRC_IIFNAME, JN_SRC_IP_DADDR };
	static const enum jn_source daddr6[] = { JN_SRC_IIFNAME, JN_SRC_IP6_DADDR };
	static const enum jn_source port4[] = {
		JN_SRC_IIFNAME, JN_SRC_IP_DADDR, JN_SRC_L4PROTO, JN_SRC_TH_DPORT,
	};
	static const enum jn_source port6[] = {
		JN_SRC_IIFNAME, JN_SRC_IP6_DADDR, JN_SRC_L4PROTO, JN_SRC_TH_DPORT,
	};

	family_lookup(list, "from_jail", "not leaving through the jail's uplink", 0,
		      route, 2, "jail_uplinks", true, NF_DROP);
	family_lookup(list, "from_jail", "IPv4 source that is not the jail's address",
		      NFPROTO_IPV4, saddr4, 2, "jail_addr4", true, NF_DROP);
	family_lookup(list, "from_jail", "IPv6 source that is not the jail's address",
		      NFPROTO_IPV6, saddr6, 2, "jail_addr6", true, NF_DROP);
	family_lookup(list, "from_jail", "allow: any", 0, in, 1, "allow_any", false,
		      NF_ACCEPT);
	echo_lookup(list, "from_jail", "allow: icmp echo", false, daddr4, "allow_icmp4");
	echo_lookup(list, "from_jail", "allow: icmpv6 echo", true, daddr6, "allow_icmp6");
	family_lookup(list, "from_jail", "allow: IPv4 ports", NFPROTO_IPV4, port4, 4,
		      "allow4", false, NF_ACCEPT);
	family_lookup(list, "from_jail", "allow: IPv6 ports", NFPROTO_IPV6, port6, 4,
		      "allow6", false, NF_ACCEPT);
	drop_rest(list, "from_jail");
}

static void build_to_jail(struct jn_objlist *list)
{
	static const enum jn_source published[] = {
		JN_SRC_IIFNAME, JN_SRC_OIFNAME, JN_SRC_L4PROTO, JN_SRC_TH_DPORT,
	};
	struct nftnl_rule *rule = rule_new(list, "to_jail", "published ports, after DNAT");

	jn_expr_ct(rule, NFT_CT_STATUS, NFT_REG_1);
	jn_expr_bits_set(rule, NFT_REG_1, IPS_DST_NAT);
	jn_expr_lookup(rule, published, 4, "publish_in", false, -1);
	jn_expr_verdict(rule, NF_ACCEPT, NULL);
	drop_rest(list, "to_jail");
}

static void neighbour_discovery(struct jn_objlist *list)
{
	struct nftnl_rule *rule = rule_new(list, "input",
					   "ICMPv6 neighbour solicitation and advertisement");
	uint8_t first = 135, last = 136;

	jn_expr_family(rule, NFPROTO_IPV6);
	jn_expr_meta(rule, NFT_META_L4PROTO, NFT_REG_1);
	jn_expr_cmp_u8(rule, NFT_REG_1, NFT_CMP_EQ, IPPROTO_ICMPV6);
	jn_expr_payload(rule, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	jn_expr_cmp(rule, NFT_REG_1, NFT_CMP_GTE, &first, 1);
	jn_expr_cmp(rule, NFT_REG_1, NFT_CMP_LTE, &last, 1);
	jn_expr_verdict(rule, NF_ACCEPT, NULL);
}

static void build_input(struct jn_objlist *list)
{
	static const enum jn_source port4[] = {
		JN_SRC_IIFNAME, JN_SRC_IP_DADDR, JN_SRC_L4PROTO, JN_SRC_TH_DPORT,
	};
	static const enum jn_source port6[] = {
		JN_SRC_IIFNAME, JN_SRC_IP6_DADDR, JN_SRC_L4PROTO, JN_SRC_TH_DPORT,
	};
	static const enum jn_source daddr4[] = { JN_SRC_IIFNAME, JN_SRC_IP_DADDR };
	static const enum jn_source daddr6[] = { JN_SRC_IIFNAME, JN_SRC_IP6_DADDR };

	accept_without_jail(list, "input", false);
	accept_established(list, "input");
	neighbour_discovery(list);
	family_lookup(list, "input", "host: IPv4 ports", NFPROTO_IPV4, port4, 4, "host4",
		      false, NF_ACCEPT);
	family_lookup(list, "input", "host: IPv6 ports", NFPROTO_IPV6, port6, 4, "host6",
		      false, NF_ACCEPT);
	echo_lookup(list, "input", "host: icmp echo", false, daddr4, "host_icmp4");
	echo_lookup(list, "input", "host: icmpv6 echo", true, daddr6, "host_icmp6");
	drop_rest(list, "input");
}

static void publish_rule(struct jn_objlist *list, bool ipv6)
{
	static const enum jn_source key[] = {
		JN_SRC_IIFNAME, JN_SRC_L4PROTO, JN_SRC_TH_DPORT,
	};
	struct nftnl_rule *rule = rule_new(list, "prerouting",
					   ipv6 ? "DNAT of IPv6 published ports"
						: "DNAT of IPv4 published ports");

	jn_expr_family(rule, ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	jn_expr_fib_local(rule);
	jn_expr_lookup(rule, key, 3, ipv6 ? "publish6" : "publish4", false, NFT_REG_1);
	/* The map data is the address, then the port in the next 32-bit
	 * register after it. */
	jn_expr_dnat(rule, ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4, NFT_REG_1,
		     jn_reg32(ipv6 ? 4 : 1));
}

static void build_prerouting(struct jn_objlist *list)
{
	publish_rule(list, false);
	publish_rule(list, true);
}

static void build_postrouting(struct jn_objlist *list)
{
	static const enum jn_source key4[] = { JN_SRC_IP_SADDR, JN_SRC_OIFNAME };
	static const enum jn_source key6[] = { JN_SRC_IP6_SADDR, JN_SRC_OIFNAME };
	struct nftnl_rule *rule;

	rule = rule_new(list, "postrouting", "masquerade IPv4 jail traffic on its uplink");
	jn_expr_family(rule, NFPROTO_IPV4);
	jn_expr_lookup(rule, key4, 2, "masquerade4", false, -1);
	jn_expr_masquerade(rule);
	rule = rule_new(list, "postrouting", "masquerade IPv6 jail traffic on its uplink");
	jn_expr_family(rule, NFPROTO_IPV6);
	jn_expr_lookup(rule, key6, 2, "masquerade6", false, -1);
	jn_expr_masquerade(rule);
}

const struct jn_chain_def jn_chain_defs[] = {
	{ "forward", "filter", NF_INET_FORWARD, 0, build_forward },
	{ "from_jail", NULL, 0, 0, build_from_jail },
	{ "to_jail", NULL, 0, 0, build_to_jail },
	{ "input", "filter", NF_INET_LOCAL_IN, 0, build_input },
	{ "prerouting", "nat", NF_INET_PRE_ROUTING, -100, build_prerouting },
	{ "postrouting", "nat", NF_INET_POST_ROUTING, 100, build_postrouting },
};
const size_t jn_n_chain_defs = sizeof(jn_chain_defs) / sizeof(jn_chain_defs[0]);

struct nftnl_chain *jn_chain_build(const struct jn_chain_def *def)
{
	struct nftnl_chain *chain = nftnl_chain_alloc();

	if (!chain)
		abort();
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, JN_TABLE_NAME);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, def->name);
	if (def->type) {
		nftnl_chain_set_str(chain, NFTNL_CHAIN_TYPE, def->type);
		nftnl_chain_set_u32(chain, NFTNL_CHAIN_HOOKNUM, def->hook);
		nftnl_chain_set_s32(chain, NFTNL_CHAIN_PRIO, def->priority);
		nftnl_chain_set_u32(chain, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	return chain;
}

char *jn_chain_signature(struct nftnl_chain *chain)
{
	if (!nftnl_chain_is_set(chain, NFTNL_CHAIN_HOOKNUM))
		return jn_strdup("regular");
	return jn_sprintf("type %s hook %u priority %d policy %s",
			  nftnl_chain_get_str(chain, NFTNL_CHAIN_TYPE),
			  nftnl_chain_get_u32(chain, NFTNL_CHAIN_HOOKNUM),
			  nftnl_chain_get_s32(chain, NFTNL_CHAIN_PRIO),
			  nftnl_chain_is_set(chain, NFTNL_CHAIN_POLICY) &&
					  nftnl_chain_get_u32(chain, NFTNL_CHAIN_POLICY) == NF_DROP
				  ? "drop"
				  : "accept");
}

struct nftnl_table *jn_table_build(void)
{
	struct nftnl_table *table = nftnl_table_alloc();
	struct nftnl_udata_buf *udata = nftnl_udata_buf_alloc(256);

	if (!table || !udata)
		abort();
	nftnl_table_set_u32(table, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(table, NFTNL_TABLE_NAME, JN_TABLE_NAME);
	nftnl_udata_put_strz(udata, NFTNL_UDATA_TABLE_COMMENT, JN_TABLE_COMMENT);
	nftnl_table_set_data(table, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(udata),
			     nftnl_udata_buf_len(udata));
	nftnl_udata_buf_free(udata);
	return table;
}
