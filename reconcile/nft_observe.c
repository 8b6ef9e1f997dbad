/* Reading table inet jailnet back from the kernel as objects. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "reconcile/marks.h"
#include "reconcile/nft_internal.h"

struct observe_ctx {
	struct jn_objlist *list;
	struct nftnl_table *table;	/* ours, if found */
	bool table_found;
	bool sets_loaded;	/* sets were dumped to check ownership */
	struct nftnl_set **sets;
	size_t n_sets;
	int error;
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const struct nftnl_udata **found = data;

	if (nftnl_udata_type(attr) == 0 && nftnl_udata_len(attr) > 0) {
		const char *text = nftnl_udata_get(attr);

		if (text[nftnl_udata_len(attr) - 1] == '\0')
			*found = attr;
	}
	return 0;
}

char *jn_udata_comment(const void *data, uint32_t len, uint8_t type)
{
	const struct nftnl_udata *found = NULL;

	/* Every comment type (table, chain, rule, element) is 0 in libnftnl. */
	(void)type;
	if (!data || !len || nftnl_udata_parse(data, len, comment_cb, &found) < 0 || !found)
		return NULL;
	return jn_strdup(nftnl_udata_get(found));
}

/* Older kernels ignore the table filter of a dump: check it here. */
static bool in_our_table(uint32_t family, const char *table)
{
	return family == NFPROTO_INET && table && strcmp(table, JN_TABLE_NAME) == 0;
}

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct observe_ctx *ctx = data;
	struct nftnl_table *table = nftnl_table_alloc();

	if (!table)
		abort();
	if (nftnl_table_nlmsg_parse(nlh, table) < 0) {
		nftnl_table_free(table);
		return -EBADMSG;
	}
	if (!in_our_table(nftnl_table_get_u32(table, NFTNL_TABLE_FAMILY),
			  nftnl_table_get_str(table, NFTNL_TABLE_NAME))) {
		nftnl_table_free(table);
		return 0;
	}
	ctx->table_found = true;
	ctx->table = table;
	return 0;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct observe_ctx *ctx = data;
	struct nftnl_set *set = nftnl_set_alloc();
	struct nftnl_set **grown;

	if (!set)
		abort();
	if (nftnl_set_nlmsg_parse(nlh, set) < 0) {
		nftnl_set_free(set);
		return -EBADMSG;
	}
	/* An anonymous set belongs to the rule that uses it and goes with
	 * that rule; it is never an object of its own. */
	if (!in_our_table(nftnl_set_get_u32(set, NFTNL_SET_FAMILY),
			  nftnl_set_get_str(set, NFTNL_SET_TABLE)) ||
	    (nftnl_set_get_u32(set, NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS)) {
		nftnl_set_free(set);
		return 0;
	}
	grown = realloc(ctx->sets, (ctx->n_sets + 1) * sizeof(*grown));
	if (!grown)
		abort();
	ctx->sets = grown;
	grown[ctx->n_sets++] = set;
	return 0;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct observe_ctx *ctx = data;
	struct nftnl_chain *chain = nftnl_chain_alloc();
	struct jn_obj *obj;
	char *signature;

	if (!chain)
		abort();
	if (nftnl_chain_nlmsg_parse(nlh, chain) < 0) {
		nftnl_chain_free(chain);
		return -EBADMSG;
	}
	if (!in_our_table(nftnl_chain_get_u32(chain, NFTNL_CHAIN_FAMILY),
			  nftnl_chain_get_str(chain, NFTNL_CHAIN_TABLE))) {
		nftnl_chain_free(chain);
		return 0;
	}
	signature = jn_chain_signature(chain);
	obj = jn_objlist_add(ctx->list, JN_KIND_NFT_CHAIN, NULL,
			     nftnl_chain_get_str(chain, NFTNL_CHAIN_NAME), signature, NULL);
	free(signature);
	obj->owned = true;
	obj->nft = chain;
	obj->handle = nftnl_chain_get_u64(chain, NFTNL_CHAIN_HANDLE);
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct observe_ctx *ctx = data;
	struct nftnl_rule *rule = nftnl_rule_alloc();
	const char *chain;
	struct jn_obj *obj;
	char *identity, *id, *comment;
	uint32_t len = 0;
	const void *udata;

	if (!rule)
		abort();
	if (nftnl_rule_nlmsg_parse(nlh, rule) < 0) {
		nftnl_rule_free(rule);
		return -EBADMSG;
	}
	if (!in_our_table(nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY),
			  nftnl_rule_get_str(rule, NFTNL_RULE_TABLE))) {
		nftnl_rule_free(rule);
		return 0;
	}
	chain = nftnl_rule_get_str(rule, NFTNL_RULE_CHAIN);
	identity = jn_nft_rule_identity(rule);
	id = jn_sprintf("%s %s", chain, identity);
	udata = nftnl_rule_get_data(rule, NFTNL_RULE_USERDATA, &len);
	comment = jn_udata_comment(udata, len, NFTNL_UDATA_RULE_COMMENT);
	obj = jn_objlist_add(ctx->list, JN_KIND_NFT_RULE, NULL, id, NULL, NULL);
	free(obj->label);
	obj->handle = nftnl_rule_get_u64(rule, NFTNL_RULE_HANDLE);
	obj->label = jn_sprintf("in chain %s: %s (handle %llu)", chain,
				comment ? comment : "a rule jailnet did not make",
				(unsigned long long)obj->handle);
	obj->owned = true;
	obj->chain = jn_strdup(chain);
	obj->nft = rule;
	/* A dump lists each chain's rules in order. */
	for (size_t i = 0; i + 1 < ctx->list->count; i++) {
		const struct jn_obj *other = &ctx->list->items[i];

		if (other->kind == JN_KIND_NFT_RULE && strcmp(other->chain, chain) == 0)
			obj->position++;
	}
	free(identity);
	free(id);
	free(comment);
	return 0;
}

static int dump(struct jn_nl *nl, uint16_t type, void *object, jn_nl_cb cb,
		struct observe_ctx *ctx)
{
	char buf[JN_NL_REQ_SIZE] = { 0 };

	for (int attempt = 0; attempt < JN_DUMP_RETRIES; attempt++) {
		struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET,
							     NLM_F_DUMP, jn_nl_next_seq(nl));
		size_t before = ctx->list->count;
		int rc;

		if (type == NFT_MSG_GETSET)
			nftnl_set_nlmsg_build_payload(nlh, object);
		else if (type == NFT_MSG_GETRULE)
			nftnl_rule_nlmsg_build_payload(nlh, object);
		else if (type == NFT_MSG_GETCHAIN)
			nftnl_chain_nlmsg_build_payload(nlh, object);
		else if (type == NFT_MSG_GETSETELEM)
			nftnl_set_elems_nlmsg_build_payload(nlh, object);
		rc = jn_nl_dump(nl, nlh, cb, ctx);
		if (rc != -EINTR)
			return rc;
		jn_objlist_truncate(ctx->list, before);
	}
	return -EINTR;
}

static int element_cb(struct nftnl_set_elem *elem, void *data)
{
	void **args = data;
	struct jn_objlist *list = args[0];
	const struct jn_set_def *def = args[1];
	struct jn_elem_value value = { 0 };
	const void *bytes;
	uint32_t len = 0;
	char *comment;

	bytes = nftnl_set_elem_get(elem, NFTNL_SET_ELEM_KEY, &len);
	if (!bytes || len > sizeof(value.key))
		return -1;
	memcpy(value.key, bytes, len);
	value.key_len = len;
	bytes = nftnl_set_elem_get(elem, NFTNL_SET_ELEM_KEY_END, &len);
	if (bytes && len == value.key_len)
		memcpy(value.key_end, bytes, len);
	else
		memcpy(value.key_end, value.key, value.key_len);
	bytes = nftnl_set_elem_get(elem, NFTNL_SET_ELEM_DATA, &len);
	if (bytes && len <= sizeof(value.data)) {
		memcpy(value.data, bytes, len);
		value.data_len = len;
	}
	bytes = nftnl_set_elem_get(elem, NFTNL_SET_ELEM_USERDATA, &len);
	comment = jn_udata_comment(bytes, len, NFTNL_UDATA_SET_ELEM_COMMENT);
	jn_nft_add_element(list, comment, def, &value, comment);
	list->items[list->count - 1].owned = true;
	free(comment);
	return 0;
}

static int elements_cb(const struct nlmsghdr *nlh, void *data)
{
	struct observe_ctx *ctx = data;
	struct nftnl_set *set = ctx->sets[ctx->n_sets - 1];

	(void)ctx;
	if (nftnl_set_elems_nlmsg_parse(nlh, set) < 0)
		return -EBADMSG;
	return 0;
}

/* Dump the elements of SET (a set jailnet defines) into the object list. */
static int observe_elements(struct jn_nl *nl, struct observe_ctx *ctx,
			    struct nftnl_set *set, const struct jn_set_def *def)
{
	struct observe_ctx one = *ctx;
	struct nftnl_set *holder = nftnl_set_alloc();
	void *args[2] = { ctx->list, (void *)def };
	int rc;

	if (!holder)
		abort();
	nftnl_set_set_u32(holder, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(holder, NFTNL_SET_TABLE, JN_TABLE_NAME);
	nftnl_set_set_str(holder, NFTNL_SET_NAME, nftnl_set_get_str(set, NFTNL_SET_NAME));
	one.sets = &holder;
	one.n_sets = 1;
	for (int attempt = 0; attempt < JN_DUMP_RETRIES; attempt++) {
		char buf[JN_NL_REQ_SIZE] = { 0 };
		struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM,
							     NFPROTO_INET, NLM_F_DUMP,
							     jn_nl_next_seq(nl));

		nftnl_set_elems_nlmsg_build_payload(nlh, holder);
		rc = jn_nl_dump(nl, nlh, elements_cb, &one);
		if (rc != -EINTR)
			break;
		nftnl_set_free(holder);
		holder = nftnl_set_alloc();
		if (!holder)
			abort();
		nftnl_set_set_u32(holder, NFTNL_SET_FAMILY, NFPROTO_INET);
		nftnl_set_set_str(holder, NFTNL_SET_TABLE, JN_TABLE_NAME);
		nftnl_set_set_str(holder, NFTNL_SET_NAME, nftnl_set_get_str(set, NFTNL_SET_NAME));
	}
	if (rc == 0 && nftnl_set_elem_foreach(holder, element_cb, args) < 0)
		rc = -EBADMSG;
	nftnl_set_free(holder);
	return rc;
}

/* Turn the dumped sets into objects and read the elements of ours. */
static int observe_sets(struct jn_nl *nl, struct observe_ctx *ctx)
{
	int rc = 0;

	for (size_t i = 0; i < ctx->n_sets && rc == 0; i++) {
		struct nftnl_set *set = ctx->sets[i];
		const char *name = nftnl_set_get_str(set, NFTNL_SET_NAME);
		const struct jn_set_def *def = jn_set_def_find(name);
		char *signature = jn_set_signature(set);
		struct jn_obj *obj;
		bool matches;

		obj = jn_objlist_add(ctx->list, JN_KIND_NFT_SET, NULL, name, signature, NULL);
		obj->owned = true;
		obj->nft = set;
		ctx->sets[i] = NULL;
		if (def) {
			struct nftnl_set *wanted = jn_set_build(def);
			char *expected_signature = jn_set_signature(wanted);

			matches = strcmp(expected_signature, signature) == 0;
			free(expected_signature);
			nftnl_set_free(wanted);
			/* Elements of a set with another layout would decode
			 * wrongly; the set is rebuilt with them anyway. */
			if (matches)
				rc = observe_elements(nl, ctx, set, def);
		}
		free(signature);
	}
	return rc;
}

static bool comment_is_ours(const void *udata, uint32_t len, uint8_t type)
{
	char *comment = jn_udata_comment(udata, len, type);
	bool ours = comment && strcmp(comment, JN_TABLE_COMMENT) == 0;

	free(comment);
	return ours;
}

/* The table's comment marks it. A table without user data comes from a
 * kernel that drops table comments: then the owner set's comment counts. */
static int table_is_ours(struct jn_nl *nl, struct observe_ctx *ctx)
{
	uint32_t len = 0;
	const void *udata = nftnl_table_get_data(ctx->table, NFTNL_TABLE_USERDATA, &len);
	struct nftnl_set *filter;
	int rc;

	if (udata && len)
		return comment_is_ours(udata, len, NFTNL_UDATA_TABLE_COMMENT);
	filter = nftnl_set_alloc();
	if (!filter)
		abort();
	nftnl_set_set_str(filter, NFTNL_SET_TABLE, JN_TABLE_NAME);
	rc = dump(nl, NFT_MSG_GETSET, filter, set_cb, ctx);
	nftnl_set_free(filter);
	if (rc < 0)
		return rc;
	ctx->sets_loaded = true;
	for (size_t i = 0; i < ctx->n_sets; i++) {
		struct nftnl_set *set = ctx->sets[i];

		udata = nftnl_set_get_data(set, NFTNL_SET_USERDATA, &len);
		if (strcmp(nftnl_set_get_str(set, NFTNL_SET_NAME), JN_OWNER_SET) == 0 &&
		    comment_is_ours(udata, len, NFTNL_UDATA_SET_COMMENT))
			return 1;
	}
	return 0;
}

static int observe_table_contents(struct jn_nl *nl, struct observe_ctx *ctx)
{
	struct nftnl_set *set_filter = nftnl_set_alloc();
	struct nftnl_chain *chain_filter = nftnl_chain_alloc();
	struct nftnl_rule *rule_filter = nftnl_rule_alloc();
	int rc;

	if (!set_filter || !chain_filter || !rule_filter)
		abort();
	nftnl_set_set_str(set_filter, NFTNL_SET_TABLE, JN_TABLE_NAME);
	nftnl_chain_set_str(chain_filter, NFTNL_CHAIN_TABLE, JN_TABLE_NAME);
	nftnl_rule_set_str(rule_filter, NFTNL_RULE_TABLE, JN_TABLE_NAME);
	rc = ctx->sets_loaded ? 0 : dump(nl, NFT_MSG_GETSET, set_filter, set_cb, ctx);
	if (rc == 0)
		rc = dump(nl, NFT_MSG_GETCHAIN, chain_filter, chain_cb, ctx);
	if (rc == 0)
		rc = dump(nl, NFT_MSG_GETRULE, rule_filter, rule_cb, ctx);
	if (rc == 0)
		rc = observe_sets(nl, ctx);
	nftnl_set_free(set_filter);
	nftnl_chain_free(chain_filter);
	nftnl_rule_free(rule_filter);
	return rc;
}

static int generation_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *gen = nftnl_gen_alloc();

	if (!gen)
		abort();
	if (nftnl_gen_nlmsg_parse(nlh, gen) == 0)
		*(uint32_t *)data = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
	nftnl_gen_free(gen);
	return 0;
}

static int read_generation(struct jn_nl *nl, uint32_t *generation)
{
	char buf[JN_NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, NFPROTO_UNSPEC,
						     0, jn_nl_next_seq(nl));

	return jn_nl_dump(nl, nlh, generation_cb, generation);
}

int jn_nft_observe(struct jn_nl *nl, struct jn_objlist *list, uint32_t *generation,
		   char *error, size_t error_size)
{
	struct observe_ctx ctx = { .list = list };
	struct jn_obj *obj;
	int rc;

	rc = read_generation(nl, generation);
	if (rc == 0)
		rc = dump(nl, NFT_MSG_GETTABLE, NULL, table_cb, &ctx);
	if (rc < 0 || !ctx.table_found)
		return rc;
	rc = table_is_ours(nl, &ctx);
	if (rc <= 0) {
		snprintf(error, error_size,
			 "nftables table inet %s exists but was not made by jailnet (its comment is not \"%s\"); rename or delete that table, or run jailnet on a host where the name is free",
			 JN_TABLE_NAME, JN_TABLE_COMMENT);
		nftnl_table_free(ctx.table);
		for (size_t i = 0; i < ctx.n_sets; i++)
			nftnl_set_free(ctx.sets[i]);
		free(ctx.sets);
		return rc < 0 ? rc : -EEXIST;
	}
	obj = jn_objlist_add(list, JN_KIND_NFT_TABLE, NULL, "inet " JN_TABLE_NAME, NULL, NULL);
	obj->owned = true;
	obj->nft = ctx.table;
	rc = observe_table_contents(nl, &ctx);
	for (size_t i = 0; i < ctx.n_sets; i++)
		if (ctx.sets[i])
			nftnl_set_free(ctx.sets[i]);
	free(ctx.sets);
	return rc;
}
