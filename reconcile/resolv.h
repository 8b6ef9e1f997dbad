/* /etc/netns/NAME/resolv.conf: `ip netns exec NAME` bind-mounts it over
 * /etc/resolv.conf, so it gives a jail its resolvers. jailnet owns the
 * files whose first line is its marker. */
#ifndef JAILNET_RESOLV_H
#define JAILNET_RESOLV_H

#include "model/model.h"
#include "reconcile/host.h"
#include "reconcile/object.h"

#define JN_ETC_NETNS "/etc/netns"

/* The desired resolv.conf object of NS, when it lists resolvers. */
void jn_resolv_desired(struct jn_objlist *list, const struct jn_namespace *ns);
/* Read every /etc/netns/NAME/resolv.conf: jailnet's become objects, and a
 * foreign one that CONFIG wants to write becomes a problem. */
void jn_resolv_observe(struct jn_objlist *list, const struct jn_config *config,
		       struct jn_problems *problems);
/* Write CONTENT to PATH atomically (temporary file and rename). */
int jn_resolv_write(const char *path, const char *content);
/* Remove PATH and, when empty, its directory. */
int jn_resolv_remove(const char *path);

#endif
