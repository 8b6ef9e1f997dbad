/* Parsing of `allow`, `host` and `publish` entries. */
#ifndef JAILNET_ENTRY_H
#define JAILNET_ENTRY_H

#include "model/model.h"
#include "model/yamltree.h"

enum jn_entry_list { JN_LIST_ALLOW, JN_LIST_HOST };

/* Append the entries that NODE (one list item) stands for to *LIST.
 * "80,443/tcp" gives two entries. WHERE names the item in messages.
 * Returns 0, or -1 with an error in DIAG. */
int jn_parse_allow_entry(const struct jn_node *node, enum jn_entry_list kind,
			 const char *where, struct jn_allow **list, size_t *count,
			 struct jn_diag *diag);
int jn_parse_publish_entry(const struct jn_node *node, const char *where,
			   struct jn_publish **list, size_t *count,
			   struct jn_diag *diag);
const char *jn_proto_name(enum jn_proto proto);

#endif
