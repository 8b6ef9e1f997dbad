/* Normalization of allow and host lists: duplicate entries and
 * overlapping port ranges are merged, because the kernel rejects
 * duplicate or overlapping elements in an interval set and would fail
 * the whole batch. */
#include <stdlib.h>
#include <string.h>

#include "model/normalize.h"
#include "model/prefix.h"

static int compare_allow(const void *a, const void *b)
{
	const struct jn_allow *x = a, *y = b;
	int diff;

	if (x->any != y->any)
		return x->any ? -1 : 1;
	if (x->proto != y->proto)
		return (int)x->proto - (int)y->proto;
	if (x->to.family != y->to.family)
		return x->to.family - y->to.family;
	diff = memcmp(x->to.addr, y->to.addr, sizeof(x->to.addr));
	if (diff)
		return diff;
	if (x->to.len != y->to.len)
		return (int)x->to.len - (int)y->to.len;
	return (int)x->port_min - (int)y->port_min;
}

static bool same_target(const struct jn_allow *a, const struct jn_allow *b)
{
	return a->any == b->any && a->proto == b->proto &&
	       a->to.family == b->to.family && a->to.len == b->to.len &&
	       memcmp(a->to.addr, b->to.addr, sizeof(a->to.addr)) == 0;
}

/* Whether every packet that B matches is also matched by A. */
static bool allow_subsumes(const struct jn_allow *a, const struct jn_allow *b)
{
	if (a->any)
		return true;
	if (b->any || a->proto != b->proto)
		return false;
	if (a->port_min > b->port_min || a->port_max < b->port_max)
		return false;
	if (!a->to.family)
		return true;
	return b->to.family == a->to.family && b->to.len >= a->to.len &&
	       jn_prefix_overlaps(&a->to, &b->to);
}

static void drop_subsumed(struct jn_allow *list, size_t *count)
{
	size_t out = 0;

	for (size_t i = 0; i < *count; i++) {
		bool redundant = false;

		for (size_t j = 0; j < *count && !redundant; j++)
			redundant = j != i && allow_subsumes(&list[j], &list[i]) &&
				    !(allow_subsumes(&list[i], &list[j]) && j > i);
		if (!redundant)
			list[out++] = list[i];
	}
	*count = out;
}

void jn_allow_normalize(struct jn_allow *list, size_t *count)
{
	size_t out = 0;

	if (*count == 0)
		return;
	qsort(list, *count, sizeof(*list), compare_allow);
	for (size_t i = 1; i < *count; i++) {
		struct jn_allow *last = &list[out];

		/* Touching ranges merge too: 80-89 and 90-99 become 80-99. */
		if (same_target(last, &list[i]) &&
		    (unsigned)list[i].port_min <= (unsigned)last->port_max + 1) {
			if (list[i].port_max > last->port_max)
				last->port_max = list[i].port_max;
			continue;
		}
		list[++out] = list[i];
	}
	*count = out + 1;
	drop_subsumed(list, count);
}

/* Whether A and B match some packet in common while neither contains the
 * other: the kernel rejects such overlapping interval elements. Call it
 * after jn_allow_normalize(), which drops contained entries. */
bool jn_allow_conflicts(const struct jn_allow *a, const struct jn_allow *b)
{
	if (a->any || b->any || a->proto != b->proto || same_target(a, b))
		return false;
	if (a->port_max < b->port_min || b->port_max < a->port_min)
		return false;
	if (a->to.family && b->to.family)
		return jn_prefix_overlaps(&a->to, &b->to);
	return true;
}
