#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/diag.h"

/* Bounds the memory a hostile file can make us spend on messages. */
#define JN_DIAG_MAX 100

void jn_diag_init(struct jn_diag *diag, const char *path)
{
	memset(diag, 0, sizeof(*diag));
	diag->path = path;
}

void jn_diag_free(struct jn_diag *diag)
{
	for (size_t i = 0; i < diag->count; i++)
		free(diag->entries[i].message);
	free(diag->entries);
	diag->entries = NULL;
	diag->count = diag->capacity = 0;
}

void jn_diag_add(struct jn_diag *diag, struct jn_pos pos, const char *fmt, ...)
{
	va_list ap;
	char *message;

	if (diag->count >= JN_DIAG_MAX)
		return;
	if (diag->count == diag->capacity) {
		size_t capacity = diag->capacity ? diag->capacity * 2 : 8;
		struct jn_diag_entry *entries;

		entries = realloc(diag->entries, capacity * sizeof(*entries));
		if (!entries)
			abort();
		diag->entries = entries;
		diag->capacity = capacity;
	}
	va_start(ap, fmt);
	if (vasprintf(&message, fmt, ap) < 0)
		abort();
	va_end(ap);
	diag->entries[diag->count].pos = pos;
	diag->entries[diag->count].message = message;
	diag->count++;
}

char *jn_diag_format(const struct jn_diag *diag, size_t i)
{
	const struct jn_diag_entry *entry = &diag->entries[i];
	const char *path = diag->path ? diag->path : "-";
	char *text;
	int rc;

	if (entry->pos.line)
		rc = asprintf(&text, "%s:%u:%u: %s", path, entry->pos.line,
			      entry->pos.column, entry->message);
	else
		rc = asprintf(&text, "%s: %s", path, entry->message);
	if (rc < 0)
		abort();
	return text;
}

static bool entry_precedes(const struct jn_diag_entry *x,
			   const struct jn_diag_entry *y)
{
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line;
	return x->pos.column < y->pos.column;
}

void jn_diag_sort(struct jn_diag *diag)
{
	/* Insertion sort, because it is stable. Errors at one position keep
	 * the order in which they were found, so the output is the same with
	 * every C library. JN_DIAG_MAX keeps the quadratic cost small. */
	for (size_t i = 1; i < diag->count; i++) {
		struct jn_diag_entry entry = diag->entries[i];
		size_t j = i;

		while (j > 0 && entry_precedes(&entry, &diag->entries[j - 1])) {
			diag->entries[j] = diag->entries[j - 1];
			j--;
		}
		diag->entries[j] = entry;
	}
}
