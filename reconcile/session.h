/* One plan or apply run: lock, observe, diff, check, apply, undo. */
#ifndef JAILNET_SESSION_H
#define JAILNET_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "model/model.h"
#include "reconcile/apply.h"
#include "reconcile/diff.h"
#include "reconcile/host.h"

/* A changed nftables generation makes apply plan again this many times. */
#define JN_GENERATION_RETRIES 3

struct jn_session {
	struct jn_host host;
	bool host_open;
	int lock_fd;
	struct jn_objlist desired, observed;
	struct jn_problems problems;
	struct jn_plan plan;
	bool force;	/* remove namespaces that still have processes */
};

/* Take the run lock (JN_LOCK_PATH), waiting at most WAIT_SECONDS. Returns
 * 0, -ETIMEDOUT with the holder's pid in HOLDER, or -errno. */
int jn_session_lock(struct jn_session *session, double wait_seconds,
		    char *holder, size_t size);
/* Observe the kernel and diff it against CONFIG. Returns 0 or -errno when
 * the kernel cannot be read; foreign objects go to session->problems. */
int jn_session_plan(struct jn_session *session, const struct jn_config *config);
/* Have the kernel validate the nftables part of the plan without
 * committing it. Returns 0 or -errno, reporting the failure to ERR. */
int jn_session_check(struct jn_session *session, FILE *err);
/* Apply the plan. On a failure or an interruption the steps already made
 * are undone in reverse, so the host is as it was; the return value is
 * the original error. Replans when another program changed the nftables
 * ruleset meanwhile. */
int jn_session_apply(struct jn_session *session, const struct jn_config *config,
		     struct jn_apply_options *options);
void jn_session_close(struct jn_session *session);

#endif
