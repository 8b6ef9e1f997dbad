#ifndef JAILNET_CONFIG_FILE_H
#define JAILNET_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* When running as root: check that only root can write PATH and every
 * directory above it. WHAT names the file in messages ("config file").
 * Returns 0, or -1 with the reason and the fix in MESSAGE. */
int check_config_permissions(const char *path, const char *what, char *message,
			     size_t size);

#endif
