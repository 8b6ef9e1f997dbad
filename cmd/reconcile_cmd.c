/* plan and apply: load the file, lock, observe the kernel, diff, and print
 * or carry out the changes. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/config_file.h"
#include "cmd/options.h"
#include "cmd/output.h"
#include "cmd/plan_file.h"
#include "model/model.h"
#include "reconcile/lock.h"
#include "reconcile/nft.h"
#include "reconcile/session.h"

struct run {
	struct run_options opts;
	struct report report;
	struct jn_config config;
	bool config_loaded;
	struct saved_plan saved;
	bool from_plan_file;
	struct jn_session session;
};

static int load_diag(struct run *run, struct jn_diag *diag, int rc)
{
	jn_diag_sort(diag);
	for (size_t i = 0; i < diag->count; i++) {
		char *line = jn_diag_format(diag, i);

		if (run->opts.json)
			report_error(&run->report, "%s", line);
		else
			fprintf(stderr, "%s\n", line);
		free(line);
	}
	jn_diag_free(diag);
	if (rc < 0)
		jn_config_free(&run->config);
	run->config_loaded = rc == 0;
	return rc;
}

static int load_config(struct run *run)
{
	const char *path = run->opts.path;
	char message[1024];
	struct jn_diag diag;

	if (run->opts.apply && is_plan_file(path)) {
		/* A saved plan carries the config it applies: same check. */
		if (!run->opts.trust_writable_config &&
		    check_config_permissions(path, "plan file", message, sizeof(message)) < 0) {
			report_error(&run->report, "%s", message);
			return -1;
		}
		if (load_plan(path, &run->saved, message, sizeof(message)) < 0) {
			report_error(&run->report, "%s", message);
			return -1;
		}
		run->from_plan_file = true;
		jn_diag_init(&diag, run->saved.config_path);
		return load_diag(run, &diag,
				 jn_config_load_buffer(run->saved.config_path, run->saved.config_text,
						       run->saved.config_size, &run->config, &diag));
	}
	if (!run->opts.trust_writable_config &&
	    check_config_permissions(path, "config file", message, sizeof(message)) < 0) {
		report_error(&run->report, "%s", message);
		return -1;
	}
	jn_diag_init(&diag, path);
	return load_diag(run, &diag, jn_config_load(path, &run->config, &diag));
}

static int take_lock(struct run *run)
{
	char holder[64] = "";
	int rc = jn_session_lock(&run->session, run->opts.wait_seconds, holder, sizeof(holder));

	if (rc == -ETIMEDOUT) {
		report_error(&run->report,
			     "another jailnet run (pid %s) holds %s; gave up after waiting %g second%s (raise --wait to wait longer)",
			     holder, JN_LOCK_PATH, run->opts.wait_seconds,
			     run->opts.wait_seconds == 1 ? "" : "s");
		return JN_EXIT_LOCKED;
	}
	if (rc < 0) {
		report_error(&run->report, "cannot take the lock %s: %s%s", JN_LOCK_PATH, strerror(-rc),
			     rc == -EACCES || rc == -EPERM ? " (jailnet needs root)" : "");
		return JN_EXIT_ERROR;
	}
	return JN_EXIT_OK;
}

/* Foreign objects always stop the run; blockers stop apply only. */
static int check_problems(struct run *run)
{
	const struct jn_problems *problems = &run->session.problems;
	bool blocked = run->opts.apply && problems->n_blockers;

	for (size_t i = 0; !run->opts.json && i < problems->count; i++)
		cmd_error("%s", problems->messages[i]);
	for (size_t i = 0; i < problems->n_blockers; i++) {
		if (run->opts.apply)
			report_error(&run->report, "%s", problems->blockers[i]);
		else if (!run->opts.json)
			cmd_warning("%s", problems->blockers[i]);
	}
	if (!problems->count && !blocked)
		return 0;
	if (!run->opts.json)
		cmd_error("nothing was changed");
	return -1;
}

static int changes_status(const struct run *run)
{
	if (run->opts.detailed_exitcode && run->session.plan.count)
		return JN_EXIT_CHANGES;
	return JN_EXIT_OK;
}

static int finish_plan(struct run *run)
{
	const struct jn_plan *plan = &run->session.plan;
	char message[1024];

	if (jn_session_check(&run->session, run->opts.json ? NULL : stderr) < 0) {
		if (run->opts.json)
			report_error(&run->report, "the kernel rejects the nftables changes: %s",
				     run->session.host.nft.error);
		return JN_EXIT_ERROR;
	}
	if (run->opts.plan_output &&
	    save_plan(run->opts.plan_output, run->opts.path, &run->session.observed, plan,
		      message, sizeof(message)) < 0) {
		report_error(&run->report, "%s", message);
		return JN_EXIT_ERROR;
	}
	if (!run->opts.json && !run->opts.quiet) {
		for (size_t i = 0; i < plan->count; i++)
			jn_change_print_color(stdout, &plan->changes[i], run->opts.color);
		jn_plan_print_summary(stdout, plan, false);
	}
	return changes_status(run);
}

/* A saved plan applies only to the host state it was made against. */
static int check_saved_plan(struct run *run)
{
	char *lines = plan_lines(&run->session.plan);
	bool same = state_fingerprint(&run->session.observed) == run->saved.fingerprint &&
		    strcmp(lines ? lines : "", run->saved.lines) == 0;

	free(lines);
	if (same)
		return 0;
	report_error(&run->report,
		     "the host changed since the plan %s was made, or the plan file was edited, so it no longer describes what apply would do; nothing was changed. Make a new plan with jailnet plan -o",
		     run->opts.path);
	return -1;
}

static void on_signal(int signal)
{
	(void)signal;
	jn_interrupted = 1;
}

static void catch_signals(void)
{
	struct sigaction action = { .sa_handler = on_signal };

	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
}

static void log_changes(const struct jn_plan *plan)
{
	/* syslog(3) writes only to /dev/log; without it every line would cost
	 * a failed connect. */
	if (access("/dev/log", W_OK) != 0)
		return;
	openlog("jailnet", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	for (size_t i = 0; i < plan->count; i++) {
		char *line = NULL;
		size_t size = 0;
		FILE *out = open_memstream(&line, &size);

		if (!out)
			continue;
		jn_change_print(out, &plan->changes[i]);
		fclose(out);
		line[strcspn(line, "\n")] = '\0';
		syslog(LOG_NOTICE, "%s", line);
		free(line);
	}
	closelog();
}

static void add_detail_lines(struct run *run, char *text)
{
	char *save = NULL;

	if (!text)
		return;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "jailnet: ", 9) == 0)
			line += 9;
		report_error(&run->report, "%s", line);
	}
}

static int finish_apply(struct run *run)
{
	struct jn_apply_options options = {
		.out = run->opts.json || run->opts.quiet ? NULL : stdout,
		.color = run->opts.color,
		.err = stderr,
		.interruptible = true,
	};
	char *details = NULL;
	size_t details_size = 0;
	int rc;

	if (run->from_plan_file && check_saved_plan(run) < 0)
		return JN_EXIT_ERROR;
	if (run->session.plan.count == 0)
		return JN_EXIT_OK;
#ifdef JAILNET_FAULT_INJECTION
	if (getenv("JAILNET_FAULT_STEP"))
		options.fail_step = (unsigned)strtoul(getenv("JAILNET_FAULT_STEP"), NULL, 10);
#endif
	catch_signals();
	/* With --json the failing step and the undo go into "errors". */
	if (run->opts.json)
		options.err = open_memstream(&details, &details_size);
	rc = jn_session_apply(&run->session, &run->config, &options);
	if (run->opts.json && options.err) {
		fclose(options.err);
		add_detail_lines(run, details);
		free(details);
	}
	if (rc < 0) {
		if (rc == -EINTR)
			report_error(&run->report, "interrupted by a signal; the changes made were undone");
		else if (run->opts.json)
			report_error(&run->report, "apply failed: %s", strerror(-rc));
		return JN_EXIT_ERROR;
	}
	run->report.applied = true;
	if (run->opts.syslog)
		log_changes(&run->session.plan);
	if (!run->opts.json && !run->opts.quiet)
		jn_plan_print_summary(stdout, &run->session.plan, true);
	return changes_status(run);
}

static int reconcile(struct run *run)
{
	int status = take_lock(run), rc;

	if (status != JN_EXIT_OK)
		return status;
	rc = jn_session_plan(&run->session, &run->config);
	if (rc == -EINTR) {
		report_error(&run->report,
			     "the kernel interrupted every attempt to read its state (%d tries), because other programs kept changing it; nothing was changed, try again later",
			     JN_DUMP_RETRIES);
		return JN_EXIT_ERROR;
	}
	if (rc < 0) {
		report_error(&run->report, "cannot read the kernel's state: %s (jailnet needs root or CAP_NET_ADMIN); nothing was changed",
			     strerror(-rc));
		return JN_EXIT_ERROR;
	}
	run->report.plan = &run->session.plan;
	run->report.problems = &run->session.problems;
	if (check_problems(run) < 0)
		return JN_EXIT_ERROR;
	if (!run->opts.json)
		print_report(&run->report);
	return run->opts.apply ? finish_apply(run) : finish_plan(run);
}

static int run_command(int argc, char **argv, bool apply)
{
	struct run run = { .opts.apply = apply, .session.lock_fd = -1 };
	int status, rc = parse_run_options(argc, argv, &run.opts);

	if (rc < 0 && run.opts.json) {
		/* Callers that asked for JSON get a document for this error too. */
		run.report = (struct report){ .command = apply ? "apply" : "plan", .json = true };
		report_error(&run.report, "%s", cmd_last_error);
		print_report(&run.report);
		report_free(&run.report);
	}
	if (rc != 0)
		return rc < 0 ? JN_EXIT_ERROR : JN_EXIT_OK;
	run.report = (struct report){
		.command = apply ? "apply" : "plan", .file = run.opts.path,
		.json = run.opts.json,
	};
	run.session.force = run.opts.force;
	status = load_config(&run) < 0 ? JN_EXIT_ERROR : reconcile(&run);
	if (run.opts.json) {
		run.report.plan = run.report.plan ? &run.session.plan : NULL;
		print_report(&run.report);
	}
	jn_session_close(&run.session);
	report_free(&run.report);
	saved_plan_free(&run.saved);
	if (run.config_loaded)
		jn_config_free(&run.config);
	return status;
}

int cmd_plan(int argc, char **argv)
{
	return run_command(argc, argv, false);
}

int cmd_apply(int argc, char **argv)
{
	return run_command(argc, argv, true);
}
