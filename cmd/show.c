#include <stdio.h>

#include "cmd/commands.h"

int cmd_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("show is not implemented yet");
	return JN_EXIT_ERROR;
}
