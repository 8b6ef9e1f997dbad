/* The common form of desired and observed state: a flat list of kernel
 * objects, each with a kind, an identity and a compared value. The diff
 * works on this form alone, so it needs no kernel. */
#ifndef JAILNET_OBJECT_H
#define JAILNET_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "model/model.h"

/* In the order objects are added; removal runs in reverse. */
enum jn_kind {
	JN_KIND_NFT_TABLE,
	JN_KIND_NFT_SET,
	JN_KIND_NFT_CHAIN,
	JN_KIND_NFT_RULE,
	JN_KIND_NFT_ELEM,
	JN_KIND_NETNS,
	JN_KIND_VETH,
	JN_KIND_ADDR,
	JN_KIND_ROUTE,
	JN_KIND_RESOLV,
	JN_KIND_SYSCTL,
	JN_KIND_COUNT
};

struct jn_obj {
	enum jn_kind kind;
	char *group;		/* namespace name, or NULL for shared objects */
	char *id;		/* identity, unique within the kind */
	char *value;		/* state compared between desired and observed */
	char *label;		/* what the plan prints after the kind */
	char *detail;		/* human form of VALUE for "~" lines, or NULL */
	bool owned;		/* observed: carries jailnet's mark */

	/* What apply needs; which fields are set depends on the kind. */
	char netns[JN_NAME_MAX + 1];	/* namespace the object lives in, "" = host */
	char ifname[IFNAMSIZ];		/* link of an address or route; host end of a veth */
	char peer_ifname[IFNAMSIZ];	/* jail end of a veth */
	struct jn_prefix prefix;	/* address, or the gateway of a route */
	char *path;			/* sysctl or resolv.conf file */
	char *chain;			/* nftables chain of a rule */
	char *set;			/* nftables set of an element */
	void *nft;			/* libnftnl object, owned by the list */
	uint64_t handle;		/* nftables handle of an observed object */
	unsigned position;		/* a rule's index in its chain */
};

struct jn_objlist {
	struct jn_obj *items;
	size_t count, capacity;
};

/* Append a zeroed object and fill kind, group, id, value and label
 * (copied). Returns it for the caller to fill the rest. */
struct jn_obj *jn_objlist_add(struct jn_objlist *list, enum jn_kind kind,
			      const char *group, const char *id,
			      const char *value, const char *label);
void jn_objlist_free(struct jn_objlist *list);
/* Free the objects after the first COUNT. */
void jn_objlist_truncate(struct jn_objlist *list, size_t count);
/* Sort by kind then id; the diff needs this order. */
void jn_objlist_sort(struct jn_objlist *list);
void jn_obj_set_detail(struct jn_obj *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *jn_kind_name(enum jn_kind kind);

char *jn_strdup(const char *s);
char *jn_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Lower-case hex of LEN bytes, as a new string. */
char *jn_hex(const void *data, size_t len);

#endif
