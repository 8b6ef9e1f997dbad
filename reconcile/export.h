/* `jailnet show`: the live state jailnet owns, written back as a config
 * file that apply accepts, so show followed by apply changes nothing. */
#ifndef JAILNET_EXPORT_H
#define JAILNET_EXPORT_H

#include <stdio.h>

#include "reconcile/object.h"

/* Write OBSERVED (from jn_observe) as jailnet.yaml to OUT; only the
 * namespaces in NAMES (and the uplinks they use) when COUNT is not 0. */
void jn_export_yaml(const struct jn_objlist *observed, char *const *names, size_t count,
		    FILE *out);

#endif
