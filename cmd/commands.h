/* The subcommands of jailnet; main.c parses global options and dispatches. */
#ifndef JAILNET_COMMANDS_H
#define JAILNET_COMMANDS_H

#include <stdbool.h>

/* Each returns the process exit status. */
int cmd_plan(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_show(int argc, char **argv);

/* Load and validate PATH, printing every error to stderr. Returns 0 or -1. */
struct jn_config;
int cmd_load_config(const char *path, struct jn_config *config);
/* The message of the last cmd_error(), for JSON documents. */
extern char cmd_last_error[512];
/* Print "jailnet: error: MESSAGE" to stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exit statuses. */
enum { JN_EXIT_OK = 0, JN_EXIT_ERROR = 1, JN_EXIT_CHANGES = 2, JN_EXIT_LOCKED = 3 };

#endif
