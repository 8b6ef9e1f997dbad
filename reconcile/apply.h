/* Carrying out a plan against the kernel. */
#ifndef JAILNET_APPLY_H
#define JAILNET_APPLY_H

#include <stdio.h>

#include "reconcile/diff.h"
#include "reconcile/host.h"

/* Run PLAN's changes in order, printing each line to OUT once it is done.
 * Returns 0, or -errno after printing the failing change and the kernel's
 * message to ERR. */
int jn_apply(struct jn_host *host, const struct jn_plan *plan,
	     const struct jn_objlist *desired, FILE *out, FILE *err);

#endif
