#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "model/model.h"

int cmd_validate(int argc, char **argv)
{
	struct jn_config config;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("Usage: jailnet validate FILE\n\n"
			       "Check FILE against every rule of the format without reading or\n"
			       "changing the kernel. Needs no privileges.\n");
			return JN_EXIT_OK;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			cmd_error("invalid option %s for validate; validate takes only FILE", argv[i]);
			return JN_EXIT_ERROR;
		}
		if (path) {
			cmd_error("validate takes one FILE, but \"%s\" follows \"%s\"", argv[i], path);
			return JN_EXIT_ERROR;
		}
		path = argv[i];
	}
	if (!path) {
		cmd_error("validate needs a FILE, as in: jailnet validate jails.yaml");
		return JN_EXIT_ERROR;
	}
	if (cmd_load_config(path, &config) < 0)
		return JN_EXIT_ERROR;
	printf("%s: valid, %zu namespace%s, %zu uplink%s\n", path, config.n_namespaces,
	       config.n_namespaces == 1 ? "" : "s", config.n_uplinks,
	       config.n_uplinks == 1 ? "" : "s");
	jn_config_free(&config);
	return JN_EXIT_OK;
}
