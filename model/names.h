/* Rules for the names of namespaces, uplinks and interfaces. */
#ifndef JAILNET_NAMES_H
#define JAILNET_NAMES_H

#include <stdbool.h>

/* Namespace and uplink names: 1-64 bytes of [A-Za-z0-9_.-], not starting
 * with '.' or '-'. A namespace name is a file name in /run/netns. */
bool jn_name_is_valid(const char *name);
/* Interface names: 1-15 bytes of the same characters, as the kernel's
 * dev_valid_name() accepts them and scripts can quote them safely. */
bool jn_ifname_is_valid(const char *name);

#endif
