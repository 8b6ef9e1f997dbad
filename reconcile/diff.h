/* The difference between desired and observed objects: the plan. */
#ifndef JAILNET_DIFF_H
#define JAILNET_DIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "reconcile/object.h"

enum jn_action { JN_ADD, JN_CHANGE, JN_REMOVE };

struct jn_change {
	enum jn_action action;
	const struct jn_obj *desired;	/* NULL when removing */
	const struct jn_obj *observed;	/* NULL when adding */
	/* Removed by the kernel with its link or namespace: listed in the
	 * plan, but apply sends no request of its own. */
	bool implied;
};

struct jn_plan {
	struct jn_change *changes;	/* in the order apply runs them */
	size_t count;
	size_t n_add, n_change, n_remove;
	char **warnings;
	size_t n_warnings;
};

/* Compare sorted lists (jn_objlist_sort). Observed objects without
 * jailnet's mark are never removed. PLAN points into both lists. */
void jn_diff(const struct jn_objlist *desired, const struct jn_objlist *observed,
	     struct jn_plan *plan);
void jn_plan_free(struct jn_plan *plan);
void jn_plan_warn(struct jn_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The apply phases, in order. Links and namespaces are removed before the
 * nftables batch: once a jail's elements are gone its interface no longer
 * counts as a jail's, so its traffic would pass unfiltered while its link
 * still existed. Additions come after the batch for the same reason. */
enum jn_phase {
	JN_PHASE_REMOVE_LINKS,
	JN_PHASE_NFT,
	JN_PHASE_ADD_LINKS,
	JN_PHASE_SYSCTL,
};

enum jn_phase jn_change_phase(const struct jn_change *change);
const struct jn_obj *jn_change_obj(const struct jn_change *change);

/* Print one change as a plan line: "+ GROUP: KIND LABEL". */
void jn_change_print(FILE *out, const struct jn_change *change);
/* The same, in green, yellow or red when COLOR (for a terminal). */
void jn_change_print_color(FILE *out, const struct jn_change *change, bool color);
/* Print every line, then the summary or "No changes.". */
void jn_plan_print(FILE *out, const struct jn_plan *plan);
void jn_plan_print_summary(FILE *out, const struct jn_plan *plan, bool applied);

#endif
