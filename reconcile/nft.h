/* jailnet's nftables ruleset: one table, `inet jailnet`, with a fixed set
 * of chains and rules. Per-namespace data lives only in set elements, so
 * adding a namespace or a port adds elements and no rules, and a packet is
 * classified by set lookups, not by walking per-namespace rules. */
#ifndef JAILNET_NFT_H
#define JAILNET_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "reconcile/diff.h"
#include "reconcile/netlink.h"
#include "reconcile/object.h"

struct nftnl_rule;

/* Fields of set keys and map data. Each takes a multiple of 4 bytes in a
 * key, as the kernel lays out concatenations in 32-bit registers. */
enum jn_field { JN_F_IFNAME, JN_F_IPV4, JN_F_IPV6, JN_F_PROTO, JN_F_PORT };

#define JN_SET_MAX_FIELDS 4

struct jn_set_def {
	const char *name;
	enum jn_field key[JN_SET_MAX_FIELDS];
	size_t n_key;
	enum jn_field data[2];		/* maps only */
	size_t n_data;
	bool interval;
};

extern const struct jn_set_def jn_set_defs[];
extern const size_t jn_n_set_defs;
const struct jn_set_def *jn_set_def_find(const char *name);

/* Bytes that FIELD takes in a key, with padding, and without it. */
size_t jn_field_padded_len(enum jn_field field);
size_t jn_field_len(enum jn_field field);

/* One value of a set element: the key (and, for interval sets, the key of
 * the range end) and, for maps, the data, in kernel layout. */
struct jn_elem_value {
	uint8_t key[64], key_end[64], data[64];
	size_t key_len, data_len;
};

/* Build the desired table, sets, chains and rules as objects. */
void jn_nft_desired_skeleton(struct jn_objlist *list);
/* Build the desired set elements of every namespace in CONFIG. */
void jn_nft_desired_elements(const struct jn_config *config, struct jn_objlist *list);
/* Turn an element into an object with a readable label. */
void jn_nft_add_element(struct jn_objlist *list, const char *group,
			const struct jn_set_def *def, const struct jn_elem_value *value,
			const char *comment);

/* Dump table inet jailnet into LIST. Returns 0, -errno, or -EEXIST when a
 * table of that name exists without jailnet's mark (message in ERROR). */
int jn_nft_observe(struct jn_nl *nl, struct jn_objlist *list, uint32_t *generation,
		   char *error, size_t error_size);

/* Send the nftables changes of PLAN in one batch. With CHECK_ONLY the batch
 * has no commit, so the kernel validates every message and aborts, as
 * `nft -c` does. A nonzero GENERATION makes the kernel reject the batch
 * with -ERESTART when the ruleset changed since it was read. Returns 0 or
 * -errno with the kernel's text in nl->error and the failing change in
 * *FAILED (NULL when none can be named). */
int jn_nft_apply(struct jn_nl *nl, const struct jn_plan *plan,
		 const struct jn_objlist *desired, uint32_t generation, bool check_only,
		 const struct jn_change **failed);
bool jn_plan_has_nft(const struct jn_plan *plan);

void jn_nft_object_free(enum jn_kind kind, void *object);

/* The canonical bytes of a rule's expressions and comment, as hex: what
 * makes two rules the same. */
char *jn_nft_rule_identity(struct nftnl_rule *rule);

#endif
