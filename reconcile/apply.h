/* Carrying out a plan against the kernel, and undoing it. */
#ifndef JAILNET_APPLY_H
#define JAILNET_APPLY_H

#include <signal.h>
#include <stdio.h>

#include "reconcile/diff.h"
#include "reconcile/host.h"

/* Set by the SIGINT and SIGTERM handlers; apply stops after the current
 * step when it is set. */
extern volatile sig_atomic_t jn_interrupted;

struct jn_apply_options {
	FILE *out;		/* each change line once it is done, or NULL */
	bool color;		/* colour the lines on OUT (a terminal) */
	FILE *err;		/* the failing change and the kernel's message */
	uint32_t generation;	/* nftables generation the plan was made from */
	bool interruptible;	/* stop with -EINTR when jn_interrupted is set */
	/* Test builds only (JAILNET_FAULT_INJECTION): fail step N (1-based)
	 * with -EIO before sending it; 0 for none. */
	unsigned fail_step;
};

/* Run PLAN's changes in order. Returns 0, or -errno after reporting the
 * failing change. *STEPS_DONE counts the steps that reached the kernel
 * (the nftables batch is one step), so a caller knows whether anything
 * needs undoing. */
int jn_apply(struct jn_host *host, const struct jn_plan *plan,
	     const struct jn_objlist *desired, const struct jn_apply_options *options,
	     size_t *steps_done);

#endif
