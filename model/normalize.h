#ifndef JAILNET_NORMALIZE_H
#define JAILNET_NORMALIZE_H

#include <stdbool.h>

#include "model/model.h"

/* Sort LIST, merge duplicates and overlapping or touching port ranges of
 * the same protocol and destination, and drop entries that another entry
 * contains. *COUNT shrinks accordingly. */
void jn_allow_normalize(struct jn_allow *list, size_t *count);
/* Whether two entries overlap while neither contains the other. */
bool jn_allow_conflicts(const struct jn_allow *a, const struct jn_allow *b);

#endif
