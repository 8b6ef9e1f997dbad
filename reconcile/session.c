#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reconcile/desired.h"
#include "reconcile/lock.h"
#include "reconcile/netns.h"
#include "reconcile/nft.h"
#include "reconcile/session.h"
#include "reconcile/warnings.h"

int jn_session_lock(struct jn_session *session, double wait_seconds,
		    char *holder, size_t size)
{
	int fd = jn_lock_acquire(wait_seconds, holder, size);

	if (fd < 0)
		return fd;
	session->lock_fd = fd;
	return 0;
}

static void clear_state(struct jn_session *session)
{
	jn_plan_free(&session->plan);
	jn_objlist_free(&session->desired);
	jn_objlist_free(&session->observed);
	jn_problems_free(&session->problems);
}

/* Namespaces to remove that still have processes: apply stops unless
 * forced, because removing the name would not stop them. */
static void check_busy_namespaces(struct jn_session *session)
{
	struct jn_proc_table table = { 0 };
	bool read = false;

	for (size_t i = 0; i < session->plan.count; i++) {
		const struct jn_change *change = &session->plan.changes[i];
		const struct jn_obj *obj = jn_change_obj(change);
		char *pids;

		if (change->action != JN_REMOVE || obj->kind != JN_KIND_NETNS)
			continue;
		/* One pass over /proc serves every namespace. */
		if (!read)
			jn_proc_table_read(&table);
		read = true;
		pids = jn_netns_processes(&table, obj->netns, 10);
		if (!pids)
			continue;
		if (session->force)
			jn_plan_warn(&session->plan,
				     "namespace %s is removed with processes still inside: %s",
				     obj->netns, pids);
		else
			jn_blocker_add(&session->problems,
				       "namespace %s has processes inside: %s; stop them or use --force",
				       obj->netns, pids);
		free(pids);
	}
	jn_proc_table_free(&table);
}

int jn_session_plan(struct jn_session *session, const struct jn_config *config)
{
	int rc;

	clear_state(session);
	if (!session->host_open) {
		rc = jn_host_open(&session->host);
		if (rc < 0)
			return rc;
		session->host_open = true;
	}
	jn_desired_build(config, &session->desired);
	rc = jn_observe(&session->host, config, &session->observed, &session->problems);
	if (rc < 0)
		return rc;
	jn_objlist_sort(&session->desired);
	jn_objlist_sort(&session->observed);
	jn_diff(&session->desired, &session->observed, &session->plan);
	check_busy_namespaces(session);
	jn_warn_host(&session->host, config, &session->plan);
	return 0;
}

int jn_session_check(struct jn_session *session, FILE *err)
{
	const struct jn_change *failed = NULL;
	int rc;

	if (!jn_plan_has_nft(&session->plan))
		return 0;
	rc = jn_nft_apply(&session->host.nft, &session->plan, &session->desired, 0, true,
			  &failed);
	if (rc < 0 && err) {
		fprintf(err, "jailnet: error: the kernel rejects the nftables changes");
		if (failed) {
			fprintf(err, " at: ");
			jn_change_print(err, failed);
		} else {
			fputc('\n', err);
		}
		fprintf(err, "jailnet: the kernel answered: %s%s%s\n", strerror(-rc),
			session->host.nft.error[0] ? ": " : "", session->host.nft.error);
	}
	return rc;
}

/* Bring the kernel back to SNAPSHOT, the state observed before the run. */
static int undo(struct jn_session *session, struct jn_objlist *snapshot, FILE *err)
{
	struct jn_apply_options options = { .err = err };
	struct jn_objlist now = { 0 };
	struct jn_problems problems = { 0 };
	struct jn_plan plan;
	size_t steps;
	int rc;

	rc = jn_observe(&session->host, NULL, &now, &problems);
	jn_problems_free(&problems);
	if (rc == 0) {
		jn_objlist_sort(&now);
		jn_diff(snapshot, &now, &plan);
		rc = jn_apply(&session->host, &plan, snapshot, &options, &steps);
		jn_plan_free(&plan);
	}
	jn_objlist_free(&now);
	return rc;
}

static int apply_once(struct jn_session *session, struct jn_apply_options *options)
{
	size_t steps = 0;
	int rc, undo_rc;

	options->generation = session->host.nft_generation;
	rc = jn_apply(&session->host, &session->plan, &session->desired, options, &steps);
	if (rc == 0 || rc == -ERESTART || steps == 0)
		return rc;
	if (options->err)
		fprintf(options->err, "jailnet: %s after %zu step%s; undoing them\n",
			rc == -EINTR ? "interrupted" : "apply failed", steps,
			steps == 1 ? "" : "s");
	undo_rc = undo(session, &session->observed, options->err);
	if (options->err && undo_rc < 0)
		fprintf(options->err,
			"jailnet: error: undoing failed too (%s); run jailnet plan to see what is left\n",
			strerror(-undo_rc));
	else if (options->err)
		fprintf(options->err, "jailnet: the host is as it was before this run\n");
	return rc;
}

int jn_session_apply(struct jn_session *session, const struct jn_config *config,
		     struct jn_apply_options *options)
{
	int rc = apply_once(session, options);

	for (int attempt = 1; rc == -ERESTART && attempt <= JN_GENERATION_RETRIES; attempt++) {
		if (options->err)
			fprintf(options->err,
				"jailnet: another program changed the nftables ruleset; planning again (%d of %d)\n",
				attempt, JN_GENERATION_RETRIES);
		rc = jn_session_plan(session, config);
		if (rc == 0 && (session->problems.count || session->problems.n_blockers))
			return -EEXIST;
		if (rc == 0)
			rc = apply_once(session, options);
	}
	if (rc == -ERESTART && options->err)
		fprintf(options->err,
			"jailnet: error: the nftables ruleset kept changing during %d attempts; nothing was changed\n",
			JN_GENERATION_RETRIES + 1);
	return rc;
}

void jn_session_close(struct jn_session *session)
{
	clear_state(session);
	if (session->host_open)
		jn_host_close(&session->host);
	session->host_open = false;
	jn_lock_release(session->lock_fd);
	session->lock_fd = -1;
}
