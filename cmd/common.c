#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/commands.h"
#include "model/model.h"

char cmd_last_error[512];

void cmd_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd_last_error, sizeof(cmd_last_error), fmt, ap);
	va_end(ap);
	fprintf(stderr, "jailnet: error: %s\n", cmd_last_error);
}

void cmd_warning(const char *fmt, ...)
{
	va_list ap;

	fputs("jailnet: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_load_config(const char *path, struct jn_config *config)
{
	struct jn_diag diag;
	int rc;

	jn_diag_init(&diag, path);
	rc = jn_config_load(path, config, &diag);
	jn_diag_sort(&diag);
	for (size_t i = 0; i < diag.count; i++) {
		char *line = jn_diag_format(&diag, i);

		fprintf(stderr, "%s\n", line);
		free(line);
	}
	jn_diag_free(&diag);
	if (rc < 0)
		jn_config_free(config);
	return rc;
}
