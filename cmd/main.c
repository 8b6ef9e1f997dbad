/* jailnet: declarative network jails, reconciled over netlink. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "reconcile/netlink.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "plan", cmd_plan, "print what apply would change; change nothing" },
	{ "apply", cmd_apply, "apply exactly those changes, printing each one" },
	{ "validate", cmd_validate, "check the file alone (no kernel access, no root)" },
	{ "show", cmd_show, "print the live state that jailnet owns, as YAML" },
};

static void print_stats(void)
{
	fprintf(stderr, "jailnet: netlink messages sent: %lu, of which modifying: %lu\n",
		jn_nl_stats.sent, jn_nl_stats.sent_modifying);
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: jailnet [--debug] [--stats] COMMAND [OPTIONS] [FILE]\n\n"
		     "Network jails from a YAML file, reconciled with the kernel.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nOptions:\n"
		     "  --debug    print every netlink message sent and received to stderr\n"
		     "  --stats    print the number of netlink messages sent to stderr at exit\n"
		     "  --help     print this help; `jailnet COMMAND --help` for a command\n"
		     "  --version  print the version\n\n"
		     "Exit status: 0 success; 1 error (nothing changed when the error is\n"
		     "found before the first change), also for an invalid command line;\n"
		     "2 changes pending or made (plan and apply with --detailed-exitcode);\n"
		     "3 another run held the lock for longer than --wait.\n");
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return JN_EXIT_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			if (i + 1 < argc) {
				cmd_error("--version takes no arguments, but \"%s\" follows it", argv[i + 1]);
				return JN_EXIT_ERROR;
			}
			printf("jailnet %s\n", JAILNET_VERSION);
			return JN_EXIT_OK;
		}
		if (strcmp(argv[i], "--debug") == 0) {
			jn_nl_debug = true;
			continue;
		}
		if (strcmp(argv[i], "--stats") == 0) {
			atexit(print_stats);
			continue;
		}
		cmd_error("unknown option %s; see jailnet --help", argv[i]);
		return JN_EXIT_ERROR;
	}
	if (i == argc) {
		usage(stderr);
		return JN_EXIT_ERROR;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(argc - i, argv + i);
	cmd_error("unknown command \"%s\"; the commands are plan, apply, validate and show",
		  argv[i]);
	return JN_EXIT_ERROR;
}
