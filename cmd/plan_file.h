/* Saved plans: `plan -o PLANFILE` and `apply PLANFILE`. A saved plan holds
 * the config text it was made from, a fingerprint of the kernel state it
 * was made against, and its change lines; apply refuses it once the host
 * has changed. */
#ifndef JAILNET_PLAN_FILE_H
#define JAILNET_PLAN_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "reconcile/diff.h"
#include "reconcile/object.h"

#define JN_PLAN_MAGIC "jailnet plan 1\n"

struct saved_plan {
	char *config_path;
	char *config_text;
	size_t config_size;
	uint64_t fingerprint;
	char *lines;		/* the change lines, as plan printed them */
};

uint64_t state_fingerprint(const struct jn_objlist *observed);
char *plan_lines(const struct jn_plan *plan);
bool is_plan_file(const char *path);
int save_plan(const char *out, const char *config_path, const struct jn_objlist *observed,
	      const struct jn_plan *plan, char *message, size_t size);
int load_plan(const char *path, struct saved_plan *saved, char *message, size_t size);
void saved_plan_free(struct saved_plan *saved);

#endif
