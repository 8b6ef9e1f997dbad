#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/output.h"
#include "reconcile/export.h"
#include "reconcile/host.h"

int cmd_show(int argc, char **argv)
{
	struct jn_objlist observed = { 0 };
	struct jn_problems problems = { 0 };
	struct jn_host host;
	bool json = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("Usage: jailnet show [--json]\n\n"
			       "Print the namespaces, links, addresses and nftables elements that\n"
			       "jailnet owns on this host, as a config file that apply accepts.\n"
			       "With --json, print every object instead (see docs/json.md).\n");
			return JN_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		}
		cmd_error("invalid argument \"%s\" for show; show takes only --json", argv[i]);
		return JN_EXIT_ERROR;
	}
	rc = jn_host_open(&host);
	if (rc < 0) {
		cmd_error("cannot open netlink sockets: %s (jailnet needs root or CAP_NET_ADMIN)",
			  strerror(-rc));
		return JN_EXIT_ERROR;
	}
	rc = jn_observe(&host, NULL, &observed, &problems);
	for (size_t i = 0; i < problems.count; i++)
		cmd_error("%s", problems.messages[i]);
	if (rc < 0)
		cmd_error("cannot read the kernel's state: %s", strerror(-rc));
	else if (problems.count == 0 && json)
		print_objects_json(stdout, &observed);
	else if (problems.count == 0)
		jn_export_yaml(&observed, stdout);
	jn_problems_free(&problems);
	jn_objlist_free(&observed);
	jn_host_close(&host);
	return rc < 0 || problems.count ? JN_EXIT_ERROR : JN_EXIT_OK;
}
