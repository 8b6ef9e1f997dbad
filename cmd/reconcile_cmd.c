/* plan and apply: load the file, observe the kernel, diff, and print or
 * carry out the changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "model/model.h"
#include "reconcile/apply.h"
#include "reconcile/desired.h"
#include "reconcile/diff.h"
#include "reconcile/host.h"
#include "reconcile/nft.h"

struct run_options {
	bool apply;
	const char *path;
};

static void command_usage(FILE *out, bool apply)
{
	if (apply)
		fprintf(out, "Usage: jailnet apply FILE\n\n"
			     "Make the kernel match FILE, printing each change as it is made.\n"
			     "Prints nothing when nothing needs to change.\n");
	else
		fprintf(out, "Usage: jailnet plan FILE\n\n"
			     "Print what `jailnet apply FILE` would change, one line per kernel\n"
			     "object (+ add, ~ change, - remove), then a summary. Changes nothing.\n");
}

static int parse_args(int argc, char **argv, struct run_options *opts)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			command_usage(stdout, opts->apply);
			return 1;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			cmd_error("unknown option %s for %s; see jailnet %s --help", argv[i],
				  argv[0], argv[0]);
			return -1;
		}
		if (opts->path) {
			cmd_error("%s takes one FILE, but \"%s\" follows \"%s\"", argv[0], argv[i],
				  opts->path);
			return -1;
		}
		opts->path = argv[i];
	}
	if (!opts->path) {
		cmd_error("%s needs a FILE, as in: jailnet %s /etc/jailnet/jails.yaml", argv[0],
			  argv[0]);
		return -1;
	}
	return 0;
}

static int report_problems(const struct jn_problems *problems, bool apply)
{
	for (size_t i = 0; i < problems->count; i++)
		cmd_error("%s", problems->messages[i]);
	for (size_t i = 0; i < problems->n_missing_uplinks; i++) {
		if (apply)
			cmd_error("%s; create it or fix the uplink's interface before apply",
				  problems->missing_uplinks[i]);
		else
			cmd_warning("%s; apply will fail until it exists",
				    problems->missing_uplinks[i]);
	}
	if (problems->count || (apply && problems->n_missing_uplinks)) {
		cmd_error("nothing was changed");
		return -1;
	}
	return 0;
}

static int reconcile(const struct jn_config *config, bool apply)
{
	struct jn_objlist desired = { 0 }, observed = { 0 };
	struct jn_problems problems = { 0 };
	struct jn_plan plan;
	struct jn_host host;
	int rc = jn_host_open(&host);

	if (rc < 0) {
		cmd_error("cannot open netlink sockets: %s (jailnet needs root or CAP_NET_ADMIN)",
			  strerror(-rc));
		return JN_EXIT_ERROR;
	}
	jn_desired_build(config, &desired);
	rc = jn_observe(&host, config, &observed, &problems);
	if (rc < 0) {
		cmd_error("cannot read the kernel's state: %s; nothing was changed", strerror(-rc));
		goto out;
	}
	if (report_problems(&problems, apply) < 0) {
		rc = -1;
		goto out;
	}
	jn_objlist_sort(&desired);
	jn_objlist_sort(&observed);
	jn_diff(&desired, &observed, &plan);
	if (!apply) {
		jn_plan_print(stdout, &plan);
	} else if (plan.count) {
		rc = jn_apply(&host, &plan, &desired, stdout, stderr);
		if (rc == 0)
			jn_plan_print_summary(stdout, &plan, true);
	}
	jn_plan_free(&plan);
out:
	jn_problems_free(&problems);
	jn_objlist_free(&desired);
	jn_objlist_free(&observed);
	jn_host_close(&host);
	return rc < 0 ? JN_EXIT_ERROR : JN_EXIT_OK;
}

static int run(int argc, char **argv, bool apply)
{
	struct run_options opts = { .apply = apply };
	struct jn_config config;
	int rc = parse_args(argc, argv, &opts);

	if (rc != 0)
		return rc < 0 ? JN_EXIT_ERROR : JN_EXIT_OK;
	if (cmd_load_config(opts.path, &config) < 0)
		return JN_EXIT_ERROR;
	rc = reconcile(&config, apply);
	jn_config_free(&config);
	return rc;
}

int cmd_plan(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cmd_apply(int argc, char **argv)
{
	return run(argc, argv, true);
}
