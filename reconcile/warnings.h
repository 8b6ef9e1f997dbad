/* Things on the host that will undo or override jailnet's work: reported
 * as warnings in the plan, never changed. */
#ifndef JAILNET_WARNINGS_H
#define JAILNET_WARNINGS_H

#include "model/model.h"
#include "reconcile/diff.h"
#include "reconcile/host.h"

void jn_warn_host(struct jn_host *host, const struct jn_config *config,
		  struct jn_plan *plan);

#endif
