#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/options.h"

static void print_help(bool apply)
{
	if (apply)
		printf("Usage: jailnet apply [OPTIONS] FILE|PLANFILE\n\n"
		       "Make the kernel match FILE, printing each change as it is made, or\n"
		       "apply exactly a plan saved with `jailnet plan -o PLANFILE`. Prints\n"
		       "nothing when nothing needs to change. On a failure or SIGINT/SIGTERM\n"
		       "the changes already made are undone.\n\n");
	else
		printf("Usage: jailnet plan [OPTIONS] FILE\n\n"
		       "Print what `jailnet apply FILE` would change, one line per kernel\n"
		       "object (+ add, ~ change, - remove), then a summary. Changes nothing;\n"
		       "the kernel checks the nftables part without committing it.\n\n");
	printf("Options:\n"
	       "  --detailed-exitcode  exit 0 when nothing %s, 2 when changes %s, 1 on error\n"
	       "  --json               print one JSON document (see docs/json.md)\n"
	       "  -q, --quiet          print only errors and warnings\n"
	       "  --no-color           no colours even on a terminal (NO_COLOR works too)\n"
	       "  --wait SECONDS       wait at most SECONDS for another run's lock (default %g)\n"
	       "  --trust-writable-config\n"
	       "                       accept a config file or directory that users other\n"
	       "                       than root can write\n",
	       apply ? "changed" : "would change", apply ? "were made" : "are pending",
	       JN_DEFAULT_WAIT);
	if (apply)
		printf("  --force              remove namespaces that still have processes inside\n"
		       "  --no-syslog          do not log each change to syslog\n");
	else
		printf("  -o, --out PLANFILE   also save the plan for `jailnet apply PLANFILE`\n");
	printf("\nExit status: 0 success, 1 error, 2 changes (with --detailed-exitcode),\n"
	       "3 another run held the lock for --wait seconds.\n");
}

static int parse_wait(const char *text, double *out)
{
	char *end;
	double value = strtod(text, &end);

	/* Plain decimal only: strtod would also take "nan", "inf" and hex. */
	if (*text == '\0' || *end != '\0' || strspn(text, "0123456789.") != strlen(text) ||
	    !(value >= 0 && value <= 86400)) {
		cmd_error("invalid --wait value \"%s\"; give seconds from 0 to 86400", text);
		return -1;
	}
	*out = value;
	return 0;
}

enum {
	OPT_DETAILED = 256, OPT_JSON, OPT_NO_COLOR, OPT_WAIT, OPT_TRUST, OPT_FORCE,
	OPT_NO_SYSLOG, OPT_HELP,
};

static const struct option long_options[] = {
	{ "detailed-exitcode", no_argument, NULL, OPT_DETAILED },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "trust-writable-config", no_argument, NULL, OPT_TRUST },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "no-syslog", no_argument, NULL, OPT_NO_SYSLOG },
	{ "out", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Options that only one of the two commands takes. */
static bool option_fits(int option, bool apply)
{
	if (option == OPT_FORCE || option == OPT_NO_SYSLOG)
		return apply;
	if (option == 'o')
		return !apply;
	return true;
}

static int apply_option(int option, struct run_options *opts)
{
	switch (option) {
	case OPT_DETAILED: opts->detailed_exitcode = true; break;
	case OPT_JSON: opts->json = true; break;
	case 'q': opts->quiet = true; break;
	case OPT_NO_COLOR: opts->color = false; break;
	case OPT_WAIT: return parse_wait(optarg, &opts->wait_seconds);
	case OPT_TRUST: opts->trust_writable_config = true; break;
	case OPT_FORCE: opts->force = true; break;
	case OPT_NO_SYSLOG: opts->syslog = false; break;
	case 'o': opts->plan_output = optarg; break;
	default: return -1;
	}
	return 0;
}

int parse_run_options(int argc, char **argv, struct run_options *opts)
{
	const char *name = opts->apply ? "apply" : "plan";
	const char *no_color = getenv("NO_COLOR");
	int option;

	opts->wait_seconds = JN_DEFAULT_WAIT;
	/* Known before parsing, so even an invalid command line gets JSON. */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		opts->json |= strcmp(argv[i], "--json") == 0;
	opts->syslog = true;
	opts->color = isatty(STDOUT_FILENO) && !(no_color && no_color[0]);
	optind = 1;
	opterr = 0;
	/* The leading ':' makes getopt tell a missing value from an unknown
	 * option. */
	while ((option = getopt_long(argc, argv, ":qho:", long_options, NULL)) != -1) {
		if (option == 'h' || option == OPT_HELP) {
			print_help(opts->apply);
			return 1;
		}
		if (option == OPT_JSON)
			opts->json = true;
		if (option == ':' && optopt == 'o' && opts->apply) {
			cmd_error("invalid option -o for apply; saving a plan is jailnet plan -o FILE");
			return -1;
		}
		if (option == ':') {
			cmd_error("option %s needs a value; see jailnet %s --help", argv[optind - 1], name);
			return -1;
		}
		if (option == '?' || !option_fits(option, opts->apply)) {
			/* An option of the other command is named by itself, not
			 * by the value that may follow it. */
			const char *given = option == 'o' ? "-o" : argv[optind - 1];
			bool global = strcmp(given, "--debug") == 0 || strcmp(given, "--stats") == 0;

			cmd_error("invalid option %s for %s; %s", given, name,
				  global ? "global options go before the command, as in jailnet --debug plan FILE"
					 : name[0] == 'a' ? "see jailnet apply --help" : "see jailnet plan --help");
			return -1;
		}
		if (apply_option(option, opts) < 0)
			return -1;
	}
	if (optind != argc - 1) {
		if (optind == argc)
			cmd_error("%s needs a FILE, as in: jailnet %s /etc/jailnet/jails.yaml",
				  name, name);
		else
			cmd_error("%s takes one FILE, but %d arguments were given", name,
				  argc - optind);
		return -1;
	}
	opts->path = argv[optind];
	if (opts->json)
		opts->color = false;
	return 0;
}
