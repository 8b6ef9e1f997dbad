/* Options of plan and apply. */
#ifndef JAILNET_OPTIONS_H
#define JAILNET_OPTIONS_H

#include <stdbool.h>

/* How long a run waits for another run's lock by default, in seconds. */
#define JN_DEFAULT_WAIT 60.0

struct run_options {
	bool apply;
	const char *path;		/* config file, or a saved plan for apply */
	const char *plan_output;	/* plan -o FILE */
	double wait_seconds;
	bool force;
	bool trust_writable_config;
	bool detailed_exitcode;
	bool json;
	bool quiet;
	bool color;
	bool syslog;
};

/* Parse ARGV of plan or apply. Returns 0, 1 after printing help, or -1
 * after printing an error. */
int parse_run_options(int argc, char **argv, struct run_options *opts);

#endif
