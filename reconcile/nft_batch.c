/* Sending the nftables part of a plan as one transaction. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "reconcile/marks.h"
#include "reconcile/nft_internal.h"

/* Room reserved for one message; element messages stop adding elements
 * well before it (ELEMS_PER_MESSAGE). */
#define MESSAGE_ROOM (64 * 1024)
#define ELEMS_PER_MESSAGE 128

struct batch {
	struct jn_nl *nl;
	char *buf;
	size_t len, capacity;
	/* The change each message stands for, by position in the batch. */
	const struct jn_change **owners;
	uint32_t *seqs;
	size_t n_messages;
};

static char *batch_reserve(struct batch *b)
{
	if (b->len + MESSAGE_ROOM > b->capacity) {
		size_t old = b->capacity;

		b->capacity = (b->len + MESSAGE_ROOM) * 2;
		b->buf = realloc(b->buf, b->capacity);
		if (!b->buf)
			abort();
		/* Builders skip some padding bytes; the buffer is written once,
		 * front to back, so zeroing new room once keeps them defined. */
		memset(b->buf + old, 0, b->capacity - old);
	}
	return b->buf + b->len;
}

static void batch_commit(struct batch *b, struct nlmsghdr *nlh,
			 const struct jn_change *owner)
{
	b->owners = realloc(b->owners, (b->n_messages + 1) * sizeof(*b->owners));
	b->seqs = realloc(b->seqs, (b->n_messages + 1) * sizeof(*b->seqs));
	if (!b->owners || !b->seqs)
		abort();
	b->owners[b->n_messages] = owner;
	b->seqs[b->n_messages] = nlh->nlmsg_seq;
	b->n_messages++;
	b->len += nlh->nlmsg_len;
}

static struct nlmsghdr *message(struct batch *b, uint16_t type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(batch_reserve(b), type, NFPROTO_INET,
				     flags | NLM_F_ACK, jn_nl_next_seq(b->nl));
}

static void put_table(struct batch *b, bool add, const struct jn_change *owner,
		      struct nftnl_table *table)
{
	struct nlmsghdr *nlh = message(b, add ? NFT_MSG_NEWTABLE : NFT_MSG_DELTABLE,
				       add ? NLM_F_CREATE : 0);

	/* An object read from the kernel (when undoing a run) carries a
	 * handle, which would turn an addition into an update. */
	nftnl_table_unset(table, NFTNL_TABLE_HANDLE);
	nftnl_table_nlmsg_build_payload(nlh, table);
	batch_commit(b, nlh, owner);
}

static void put_set(struct batch *b, const struct jn_change *owner, struct nftnl_set *set)
{
	struct nlmsghdr *nlh = message(b, NFT_MSG_NEWSET, NLM_F_CREATE);
	static uint32_t next_id = 1000;

	nftnl_set_unset(set, NFTNL_SET_HANDLE);
	if (!nftnl_set_is_set(set, NFTNL_SET_ID))
		nftnl_set_set_u32(set, NFTNL_SET_ID, next_id++);
	nftnl_set_nlmsg_build_payload(nlh, set);
	batch_commit(b, nlh, owner);
}

static void put_chain(struct batch *b, const struct jn_change *owner,
		      struct nftnl_chain *chain)
{
	struct nlmsghdr *nlh = message(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE);

	nftnl_chain_unset(chain, NFTNL_CHAIN_HANDLE);
	nftnl_chain_unset(chain, NFTNL_CHAIN_USE);
	nftnl_chain_unset(chain, NFTNL_CHAIN_BYTES);
	nftnl_chain_unset(chain, NFTNL_CHAIN_PACKETS);
	nftnl_chain_nlmsg_build_payload(nlh, chain);
	batch_commit(b, nlh, owner);
}

static void put_rule(struct batch *b, const struct jn_change *owner, struct nftnl_rule *rule)
{
	struct nlmsghdr *nlh = message(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);

	nftnl_rule_unset(rule, NFTNL_RULE_HANDLE);
	nftnl_rule_unset(rule, NFTNL_RULE_POSITION);
	nftnl_rule_nlmsg_build_payload(nlh, rule);
	batch_commit(b, nlh, owner);
}

static void flush_chain(struct batch *b, const struct jn_change *owner, const char *chain)
{
	struct nftnl_rule *filter = nftnl_rule_alloc();
	struct nlmsghdr *nlh = message(b, NFT_MSG_DELRULE, 0);

	if (!filter)
		abort();
	nftnl_rule_set_u32(filter, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(filter, NFTNL_RULE_TABLE, JN_TABLE_NAME);
	nftnl_rule_set_str(filter, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_nlmsg_build_payload(nlh, filter);
	nftnl_rule_free(filter);
	batch_commit(b, nlh, owner);
}

static struct nftnl_set_elem *element_build(const struct jn_obj *obj)
{
	const struct jn_elem_value *value = obj->nft;
	const struct jn_set_def *def = jn_set_def_find(obj->set);
	struct nftnl_set_elem *elem = nftnl_set_elem_alloc();
	struct nftnl_udata_buf *udata = nftnl_udata_buf_alloc(128);

	if (!elem || !udata)
		abort();
	nftnl_set_elem_set(elem, NFTNL_SET_ELEM_KEY, value->key, (uint32_t)value->key_len);
	if (def && def->interval)
		nftnl_set_elem_set(elem, NFTNL_SET_ELEM_KEY_END, value->key_end,
				   (uint32_t)value->key_len);
	if (value->data_len)
		nftnl_set_elem_set(elem, NFTNL_SET_ELEM_DATA, value->data,
				   (uint32_t)value->data_len);
	if (obj->group) {
		nftnl_udata_put_strz(udata, NFTNL_UDATA_SET_ELEM_COMMENT, obj->group);
		nftnl_set_elem_set(elem, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(udata),
				   nftnl_udata_buf_len(udata));
	}
	nftnl_udata_buf_free(udata);
	return elem;
}

/* Put elements OBJS[0..COUNT) of one set into messages of TYPE. */
static void put_elements(struct batch *b, uint16_t type, const struct jn_obj **objs,
			 const struct jn_change **owners, size_t count)
{
	for (size_t first = 0; first < count; first += ELEMS_PER_MESSAGE) {
		size_t end = first + ELEMS_PER_MESSAGE < count ? first + ELEMS_PER_MESSAGE : count;
		struct nftnl_set *set = nftnl_set_alloc();
		struct nlmsghdr *nlh;

		if (!set)
			abort();
		nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_INET);
		nftnl_set_set_str(set, NFTNL_SET_TABLE, JN_TABLE_NAME);
		nftnl_set_set_str(set, NFTNL_SET_NAME, objs[first]->set);
		for (size_t i = first; i < end; i++)
			nftnl_set_elem_add(set, element_build(objs[i]));
		nlh = message(b, type, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0);
		nftnl_set_elems_nlmsg_build_payload(nlh, set);
		nftnl_set_free(set);
		batch_commit(b, nlh, owners[first]);
	}
}

bool jn_plan_has_nft(const struct jn_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if (jn_change_phase(&plan->changes[i]) == JN_PHASE_NFT)
			return true;
	return false;
}

/* A change to the table, a set or a chain of an existing table: the table
 * is deleted and made anew in the same transaction, so no packet sees a
 * half-built ruleset and no chain is re-created with another hook. */
static const struct jn_change *rebuild_cause(const struct jn_plan *plan)
{
	bool table_added = false;

	for (size_t i = 0; i < plan->count; i++) {
		const struct jn_change *change = &plan->changes[i];

		if (change->action == JN_ADD && jn_change_obj(change)->kind == JN_KIND_NFT_TABLE)
			table_added = true;
	}
	for (size_t i = 0; i < plan->count; i++) {
		const struct jn_change *change = &plan->changes[i];
		enum jn_kind kind = jn_change_obj(change)->kind;

		if (table_added)
			break;
		if (kind == JN_KIND_NFT_TABLE || kind == JN_KIND_NFT_SET ||
		    kind == JN_KIND_NFT_CHAIN)
			return change;
	}
	return NULL;
}

/* Removing many interval elements one by one costs the kernel far more
 * (about 1 ms each at 1000 jails, measured with bench/run) than deleting
 * the table and adding the remaining elements in the same transaction. */
#define MASS_REMOVAL 512

static const struct jn_change *mass_removal_cause(const struct jn_plan *plan,
						  const struct jn_objlist *desired)
{
	const struct jn_change *first = NULL;
	size_t removed = 0, kept = 0;

	for (size_t i = 0; i < plan->count; i++) {
		const struct jn_change *change = &plan->changes[i];

		if (change->action == JN_REMOVE && change->observed->kind == JN_KIND_NFT_ELEM) {
			removed++;
			if (!first)
				first = change;
		}
	}
	for (size_t i = 0; i < desired->count; i++)
		kept += desired->items[i].kind == JN_KIND_NFT_ELEM;
	return removed >= MASS_REMOVAL && kept < removed ? first : NULL;
}

/* Append every desired object of KIND; for rules only those of CHAIN. */
static void put_desired(struct batch *b, const struct jn_objlist *desired,
			enum jn_kind kind, const char *chain,
			const struct jn_change *owner)
{
	for (size_t pos = 0;; pos++) {
		bool found = false;

		for (size_t i = 0; i < desired->count; i++) {
			const struct jn_obj *obj = &desired->items[i];

			if (obj->kind != kind || (chain && strcmp(obj->chain, chain) != 0))
				continue;
			if (kind == JN_KIND_NFT_RULE && obj->position != pos)
				continue;
			found = true;
			if (kind == JN_KIND_NFT_TABLE)
				put_table(b, true, owner, obj->nft);
			else if (kind == JN_KIND_NFT_SET)
				put_set(b, owner, obj->nft);
			else if (kind == JN_KIND_NFT_CHAIN)
				put_chain(b, owner, obj->nft);
			else if (kind == JN_KIND_NFT_RULE)
				put_rule(b, owner, obj->nft);
		}
		/* Rules go by position; other kinds in one pass. */
		if (kind != JN_KIND_NFT_RULE || !found)
			return;
	}
}

struct elem_ref {
	const struct jn_obj *obj;
	const struct jn_change *owner;
};

struct elem_run {
	struct elem_ref *refs;
	size_t count;
};

static void run_add(struct elem_run *run, const struct jn_obj *obj,
		    const struct jn_change *owner)
{
	run->refs = realloc(run->refs, (run->count + 1) * sizeof(*run->refs));
	if (!run->refs)
		abort();
	run->refs[run->count].obj = obj;
	run->refs[run->count].owner = owner;
	run->count++;
}

static int compare_by_set(const void *a, const void *b)
{
	const struct elem_ref *x = a, *y = b;

	return strcmp(x->obj->set, y->obj->set);
}

/* Send RUN's elements in messages of TYPE, one set at a time. */
static void put_element_run(struct batch *b, uint16_t type, struct elem_run *run)
{
	const struct jn_obj **objs;
	const struct jn_change **owners;
	size_t first = 0;

	/* qsort must not get the NULL array of an empty run. */
	if (run->count == 0)
		return;
	objs = calloc(run->count + 1, sizeof(*objs));
	owners = calloc(run->count + 1, sizeof(*owners));
	if (!objs || !owners)
		abort();
	qsort(run->refs, run->count, sizeof(*run->refs), compare_by_set);
	for (size_t i = 0; i < run->count; i++) {
		objs[i] = run->refs[i].obj;
		owners[i] = run->refs[i].owner;
	}
	for (size_t i = 1; i <= run->count; i++) {
		if (i < run->count && strcmp(objs[i]->set, objs[first]->set) == 0)
			continue;
		put_elements(b, type, objs + first, owners + first, i - first);
		first = i;
	}
	free(objs);
	free(owners);
	free(run->refs);
	memset(run, 0, sizeof(*run));
}

static void build_rebuild(struct batch *b, const struct jn_objlist *desired,
			  const struct jn_change *cause)
{
	struct nftnl_table *table = jn_table_build();
	struct elem_run adds = { 0 };

	put_table(b, false, cause, table);
	nftnl_table_free(table);
	put_desired(b, desired, JN_KIND_NFT_TABLE, NULL, cause);
	put_desired(b, desired, JN_KIND_NFT_SET, NULL, cause);
	put_desired(b, desired, JN_KIND_NFT_CHAIN, NULL, cause);
	for (size_t i = 0; i < jn_n_chain_defs; i++)
		put_desired(b, desired, JN_KIND_NFT_RULE, jn_chain_defs[i].name, cause);
	for (size_t i = 0; i < desired->count; i++)
		if (desired->items[i].kind == JN_KIND_NFT_ELEM)
			run_add(&adds, &desired->items[i], cause);
	put_element_run(b, NFT_MSG_NEWSETELEM, &adds);
}

/* Chains whose rules change are flushed and refilled in order. */
static void build_rules(struct batch *b, const struct jn_plan *plan,
			const struct jn_objlist *desired)
{
	for (size_t c = 0; c < jn_n_chain_defs; c++) {
		const char *chain = jn_chain_defs[c].name;
		const struct jn_change *cause = NULL;
		bool chain_is_new = false;

		for (size_t i = 0; i < plan->count; i++) {
			const struct jn_obj *obj = jn_change_obj(&plan->changes[i]);

			if (obj->kind == JN_KIND_NFT_CHAIN && strcmp(obj->id, chain) == 0)
				chain_is_new = true;
			if (obj->kind == JN_KIND_NFT_RULE && strcmp(obj->chain, chain) == 0 && !cause)
				cause = &plan->changes[i];
		}
		if (!cause)
			continue;
		if (!chain_is_new)
			flush_chain(b, cause, chain);
		put_desired(b, desired, JN_KIND_NFT_RULE, chain, cause);
	}
}

static bool set_keeps_elements(const struct jn_objlist *desired, const char *set)
{
	for (size_t i = 0; i < desired->count; i++)
		if (desired->items[i].kind == JN_KIND_NFT_ELEM &&
		    strcmp(desired->items[i].set, set) == 0)
			return true;
	return false;
}

/* DELSETELEM without elements: the kernel removes them all. */
static void flush_set(struct batch *b, const struct jn_change *owner, const char *name)
{
	struct nftnl_set *set = nftnl_set_alloc();
	struct nlmsghdr *nlh = message(b, NFT_MSG_DELSETELEM, 0);

	if (!set)
		abort();
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(set, NFTNL_SET_TABLE, JN_TABLE_NAME);
	nftnl_set_set_str(set, NFTNL_SET_NAME, name);
	nftnl_set_elems_nlmsg_build_payload(nlh, set);
	nftnl_set_free(set);
	batch_commit(b, nlh, owner);
}

/* A set that keeps none of its elements is flushed with one message: the
 * kernel's removal of single interval elements costs far more. */
static void flush_emptied_sets(struct batch *b, const struct jn_plan *plan,
			       const struct jn_objlist *desired, bool *flushed)
{
	for (size_t s = 0; s < jn_n_set_defs; s++) {
		const struct jn_change *cause = NULL;

		for (size_t i = 0; i < plan->count && !cause; i++) {
			const struct jn_change *change = &plan->changes[i];

			if (change->action == JN_REMOVE && change->observed->kind == JN_KIND_NFT_ELEM &&
			    strcmp(change->observed->set, jn_set_defs[s].name) == 0)
				cause = change;
		}
		if (!cause || set_keeps_elements(desired, jn_set_defs[s].name))
			continue;
		flushed[s] = true;
		flush_set(b, cause, jn_set_defs[s].name);
	}
}

static bool was_flushed(const bool *flushed, const char *set)
{
	const struct jn_set_def *def = jn_set_def_find(set);

	return def && flushed[def - jn_set_defs];
}

static void build_incremental(struct batch *b, const struct jn_plan *plan,
			      const struct jn_objlist *desired)
{
	struct elem_run removes = { 0 }, adds = { 0 };
	bool *flushed = calloc(jn_n_set_defs, sizeof(*flushed));

	if (!flushed)
		abort();
	flush_emptied_sets(b, plan, desired, flushed);
	for (size_t i = 0; i < plan->count; i++) {
		const struct jn_change *change = &plan->changes[i];
		const struct jn_obj *obj = jn_change_obj(change);

		if (obj->kind != JN_KIND_NFT_ELEM)
			continue;
		if (change->action != JN_ADD && !was_flushed(flushed, change->observed->set))
			run_add(&removes, change->observed, change);
		if (change->action != JN_REMOVE)
			run_add(&adds, change->desired, change);
	}
	free(flushed);
	put_element_run(b, NFT_MSG_DELSETELEM, &removes);
	for (size_t i = 0; i < plan->count; i++) {
		const struct jn_change *change = &plan->changes[i];
		const struct jn_obj *obj = jn_change_obj(change);

		if (change->action != JN_ADD)
			continue;
		if (obj->kind == JN_KIND_NFT_TABLE)
			put_table(b, true, change, obj->nft);
		else if (obj->kind == JN_KIND_NFT_SET)
			put_set(b, change, obj->nft);
		else if (obj->kind == JN_KIND_NFT_CHAIN)
			put_chain(b, change, obj->nft);
	}
	build_rules(b, plan, desired);
	put_element_run(b, NFT_MSG_NEWSETELEM, &adds);
}

static void grow_socket_buffers(struct jn_nl *nl, size_t batch_len, size_t messages)
{
	int fd = mnl_socket_get_fd(nl->sock);
	int send_size = (int)(batch_len + 65536);
	int recv_size = (int)(messages * 512 + 65536);

	/* The FORCE variants pass the sysctl limits; root may use them. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &send_size, sizeof(send_size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_size, sizeof(send_size));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &recv_size, sizeof(recv_size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &recv_size, sizeof(recv_size));
}

static const struct jn_change *owner_of(const struct batch *b, uint32_t seq)
{
	for (size_t i = 0; i < b->n_messages; i++)
		if (b->seqs[i] == seq)
			return b->owners[i];
	return NULL;
}

int jn_nft_apply(struct jn_nl *nl, const struct jn_plan *plan,
		 const struct jn_objlist *desired, uint32_t generation, bool check_only,
		 const struct jn_change **failed)
{
	struct batch b = { .nl = nl };
	const struct jn_change *cause = rebuild_cause(plan);
	struct nlmsghdr *begin;
	uint32_t last_seq;
	int rc;

	*failed = NULL;
	if (!cause)
		cause = mass_removal_cause(plan, desired);
	begin = nftnl_batch_begin(batch_reserve(&b), jn_nl_next_seq(nl));
	/* The kernel rejects the batch with ERESTART if another program
	 * changed the ruleset since GENERATION was read. */
	if (generation)
		mnl_attr_put_u32(begin, NFNL_BATCH_GENID, htonl(generation));
	b.len += begin->nlmsg_len;
	if (cause)
		build_rebuild(&b, desired, cause);
	else
		build_incremental(&b, plan, desired);
	if (b.n_messages == 0) {
		free(b.buf);
		return 0;
	}
	last_seq = b.seqs[b.n_messages - 1];
	/* Without the end message the kernel checks and then aborts. */
	if (!check_only) {
		struct nlmsghdr *end = nftnl_batch_end(batch_reserve(&b), jn_nl_next_seq(nl));

		b.len += end->nlmsg_len;
	}
	grow_socket_buffers(nl, b.len, b.n_messages);
	rc = jn_nl_send_batch(nl, b.buf, b.len, last_seq, !check_only);
	if (rc < 0)
		*failed = owner_of(&b, nl->error_seq);
	free(b.buf);
	free(b.owners);
	free(b.seqs);
	return rc;
}
