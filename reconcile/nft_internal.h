/* Shared between the files that build, observe and send the ruleset. */
#ifndef JAILNET_NFT_INTERNAL_H
#define JAILNET_NFT_INTERNAL_H

#include <stdint.h>

#include "reconcile/nft.h"

struct nftnl_set;
struct nftnl_chain;
struct nftnl_table;

struct jn_chain_def {
	const char *name;
	const char *type;	/* NULL for a regular chain */
	uint32_t hook;
	int32_t priority;
	/* Appends the chain's rules to LIST. */
	void (*build_rules)(struct jn_objlist *list);
};

extern const struct jn_chain_def jn_chain_defs[];
extern const size_t jn_n_chain_defs;

uint32_t jn_set_flags(const struct jn_set_def *def);
struct nftnl_set *jn_set_build(const struct jn_set_def *def);
char *jn_set_signature(struct nftnl_set *set);

struct nftnl_table *jn_table_build(void);
struct nftnl_chain *jn_chain_build(const struct jn_chain_def *def);
char *jn_chain_signature(struct nftnl_chain *chain);
/* A comment (rule, table or element user data) as a new string, or NULL. */
char *jn_udata_comment(const void *data, uint32_t len, uint8_t type);

#endif
