/* Printing a plan or an apply as text or as one JSON document. */
#ifndef JAILNET_OUTPUT_H
#define JAILNET_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "reconcile/diff.h"
#include "reconcile/host.h"

struct report {
	const char *command;	/* "plan" or "apply" */
	const char *file;
	bool json;
	const struct jn_plan *plan;		/* NULL when the run failed early */
	const struct jn_problems *problems;	/* NULL when none */
	bool applied;				/* apply: the changes were made */
	char **errors;				/* further errors, for JSON */
	size_t n_errors;
};

void report_error(struct report *report, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void report_free(struct report *report);

/* Text: the warnings to stderr. JSON: the whole document to stdout. */
void print_report(const struct report *report);
/* The JSON document of `show`: every object, or those of the namespaces in
 * NAMES when COUNT is not 0. */
void print_objects_json(FILE *out, const struct jn_objlist *list, char *const *names,
			size_t count);

#endif
