/* A small YAML document tree with source positions, built from libyaml
 * events. Aliases are rejected, duplicate keys are errors, and depth and
 * size are bounded, so a hostile file costs little. */
#ifndef JAILNET_YAMLTREE_H
#define JAILNET_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"

/* Larger files are rejected before parsing. */
#define JN_YAML_MAX_BYTES (4u << 20)
#define JN_YAML_MAX_DEPTH 16

enum jn_node_type { JN_NODE_SCALAR, JN_NODE_MAP, JN_NODE_SEQ };

struct jn_node {
	enum jn_node_type type;
	struct jn_pos pos;
	char *scalar;		/* JN_NODE_SCALAR: the text, NUL-terminated */
	bool plain;		/* scalar written without quotes */
	struct jn_node **keys;	/* JN_NODE_MAP: scalar keys */
	struct jn_node **items;	/* map values or sequence items */
	size_t count;
};

/* Parse DATA (SIZE bytes) into *ROOT. An empty document gives a NULL root.
 * Returns 0, or -1 with the error in DIAG. */
int jn_yaml_parse(const char *data, size_t size, struct jn_node **root,
		  struct jn_diag *diag);
void jn_node_free(struct jn_node *node);

/* Value of KEY in map NODE, or NULL. */
const struct jn_node *jn_node_get(const struct jn_node *map, const char *key);
const char *jn_node_type_name(const struct jn_node *node);

#endif
