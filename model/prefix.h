/* IPv4 and IPv6 prefixes: parsing, formatting and arithmetic. */
#ifndef JAILNET_PREFIX_H
#define JAILNET_PREFIX_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define JN_PREFIX_STRLEN 64

/* Parse "ADDR/LEN", or a bare address as a full-length prefix when
 * ALLOW_BARE. Returns 0 or -1. */
int jn_prefix_parse(const char *text, bool allow_bare, struct jn_prefix *out);
/* Whether bits after the prefix length are zero. */
bool jn_prefix_is_network(const struct jn_prefix *prefix);
bool jn_prefix_overlaps(const struct jn_prefix *a, const struct jn_prefix *b);
size_t jn_prefix_addr_len(int family);
unsigned jn_prefix_max_len(int family);
/* "ADDR/LEN" into BUF (JN_PREFIX_STRLEN bytes). */
const char *jn_prefix_format(const struct jn_prefix *prefix, char *buf);
/* "ADDR" alone into BUF. */
const char *jn_prefix_format_addr(const struct jn_prefix *prefix, char *buf);
/* Zero the host bits of *PREFIX. */
void jn_prefix_mask(struct jn_prefix *prefix);

#endif
