#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/output.h"
#include "reconcile/export.h"
#include "reconcile/host.h"

/* Report the NAMES that are not namespaces of jailnet's. */
static bool missing_names(const struct jn_objlist *observed, char **names, size_t count)
{
	bool missing = false;

	for (size_t i = 0; i < count; i++) {
		bool found = false;

		for (size_t j = 0; j < observed->count && !found; j++)
			found = observed->items[j].kind == JN_KIND_NETNS &&
				strcmp(observed->items[j].group, names[i]) == 0;
		if (!found)
			cmd_error("namespace %s not found among jailnet's namespaces; run jailnet show to list them",
				  names[i]);
		missing |= !found;
	}
	return missing;
}

int cmd_show(int argc, char **argv)
{
	struct jn_objlist observed = { 0 };
	struct jn_problems problems = { 0 };
	struct jn_host host;
	char **names = calloc((size_t)argc + 1, sizeof(*names));
	size_t n_names = 0;
	bool json = false;
	int rc;

	if (!names)
		abort();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("Usage: jailnet show [--json] [NAMESPACE...]\n\n"
			       "Print the namespaces, links, addresses and nftables elements that\n"
			       "jailnet owns on this host, as a config file that apply accepts;\n"
			       "only the NAMESPACEs given, when there are any. With --json, print\n"
			       "every object instead (see docs/json.md).\n");
			free(names);
			return JN_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		}
		if (argv[i][0] == '-') {
			cmd_error("invalid option %s for show; show takes --json and namespace names",
				  argv[i]);
			free(names);
			return JN_EXIT_ERROR;
		}
		names[n_names++] = argv[i];
	}
	rc = jn_host_open(&host);
	if (rc < 0) {
		free(names);
		cmd_error("cannot open netlink sockets: %s (jailnet needs root or CAP_NET_ADMIN)",
			  strerror(-rc));
		return JN_EXIT_ERROR;
	}
	rc = jn_observe(&host, NULL, &observed, &problems);
	for (size_t i = 0; i < problems.count; i++)
		cmd_error("%s%s", problems.messages[i],
			  geteuid() != 0 && strstr(problems.messages[i], "not permitted")
				  ? " (jailnet needs root)" : "");
	if (rc < 0 && rc != -ENOENT)
		cmd_error("cannot read the kernel's state: %s", strerror(-rc));
	else if (problems.count == 0 && missing_names(&observed, names, n_names))
		rc = -ENOENT;
	else if (problems.count == 0 && json)
		print_objects_json(stdout, &observed, names, n_names);
	else if (problems.count == 0)
		jn_export_yaml(&observed, names, n_names, stdout);
	free(names);
	jn_problems_free(&problems);
	jn_objlist_free(&observed);
	jn_host_close(&host);
	return rc < 0 || problems.count ? JN_EXIT_ERROR : JN_EXIT_OK;
}
