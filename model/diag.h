/* Diagnostics: errors and warnings tied to a place in the input file. */
#ifndef JAILNET_DIAG_H
#define JAILNET_DIAG_H

#include <stddef.h>

/* A position in the YAML file, 1-based; line 0 means "the whole file". */
struct jn_pos {
	unsigned line;
	unsigned column;
};

struct jn_diag_entry {
	struct jn_pos pos;
	char *message;
};

struct jn_diag {
	const char *path;
	struct jn_diag_entry *entries;
	size_t count;
	size_t capacity;
};

void jn_diag_init(struct jn_diag *diag, const char *path);
void jn_diag_free(struct jn_diag *diag);
/* Record an error at POS; the message should name the value and the fix. */
void jn_diag_add(struct jn_diag *diag, struct jn_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Order the entries by position in the file. The sort is stable. */
void jn_diag_sort(struct jn_diag *diag);
/* Format entry I as "FILE:LINE:COLUMN: MESSAGE" into a new string. */
char *jn_diag_format(const struct jn_diag *diag, size_t i);

#endif
