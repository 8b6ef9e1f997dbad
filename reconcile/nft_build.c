/* The desired table, sets, chains and rules as objects, and the identity
 * that makes two rules the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "reconcile/marks.h"
#include "reconcile/nft_internal.h"

/* Largest rule message: a few dozen expressions. */
#define RULE_MSG_SIZE 8192

char *jn_nft_rule_identity(struct nftnl_rule *rule)
{
	char buf[RULE_MSG_SIZE];
	struct nlmsghdr *nlh;
	const struct nlattr *attr;
	char *exprs = NULL, *udata = NULL, *identity;

	/* Attribute padding is not written by the builder: zero it. */
	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET, 0, 0);
	nftnl_rule_nlmsg_build_payload(nlh, rule);
	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg)) {
		const void *payload = mnl_attr_get_payload(attr);
		size_t len = mnl_attr_get_payload_len(attr);

		if (mnl_attr_get_type(attr) == NFTA_RULE_EXPRESSIONS && !exprs)
			exprs = jn_hex(payload, len);
		else if (mnl_attr_get_type(attr) == NFTA_RULE_USERDATA && !udata)
			udata = jn_hex(payload, len);
	}
	identity = jn_sprintf("%s/%s", exprs ? exprs : "", udata ? udata : "");
	free(exprs);
	free(udata);
	return identity;
}

static void add_rules(struct jn_objlist *list, const struct jn_chain_def *def)
{
	size_t first = list->count;

	def->build_rules(list);
	for (size_t i = first; i < list->count; i++) {
		struct jn_obj *obj = &list->items[i];
		char *identity = jn_nft_rule_identity(obj->nft);

		free(obj->id);
		obj->id = jn_sprintf("%s %s", def->name, identity);
		obj->position = (unsigned)(i - first);
		free(identity);
	}
}

void jn_nft_desired_skeleton(struct jn_objlist *list)
{
	struct jn_obj *obj;

	obj = jn_objlist_add(list, JN_KIND_NFT_TABLE, NULL, "inet " JN_TABLE_NAME, NULL, NULL);
	obj->nft = jn_table_build();
	for (size_t i = 0; i < jn_n_set_defs; i++) {
		struct nftnl_set *set = jn_set_build(&jn_set_defs[i]);
		char *signature = jn_set_signature(set);

		obj = jn_objlist_add(list, JN_KIND_NFT_SET, NULL, jn_set_defs[i].name,
				     signature, NULL);
		obj->nft = set;
		free(signature);
	}
	for (size_t i = 0; i < jn_n_chain_defs; i++) {
		struct nftnl_chain *chain = jn_chain_build(&jn_chain_defs[i]);
		char *signature = jn_chain_signature(chain);

		obj = jn_objlist_add(list, JN_KIND_NFT_CHAIN, NULL, jn_chain_defs[i].name,
				     signature, NULL);
		obj->nft = chain;
		free(signature);
	}
	for (size_t i = 0; i < jn_n_chain_defs; i++)
		add_rules(list, &jn_chain_defs[i]);
}

void jn_nft_object_free(enum jn_kind kind, void *object)
{
	switch (kind) {
	case JN_KIND_NFT_TABLE:
		nftnl_table_free(object);
		break;
	case JN_KIND_NFT_SET:
		nftnl_set_free(object);
		break;
	case JN_KIND_NFT_CHAIN:
		nftnl_chain_free(object);
		break;
	case JN_KIND_NFT_RULE:
		nftnl_rule_free(object);
		break;
	default:
		free(object);
		break;
	}
}
