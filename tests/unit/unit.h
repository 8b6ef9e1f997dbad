/* Helpers shared by the unit tests: loading YAML text and turning the
 * diagnostics into one string that a test can compare exactly. */
#ifndef JAILNET_TESTS_UNIT_H
#define JAILNET_TESTS_UNIT_H

/* cmocka needs these before its own header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/diag.h"
#include "model/model.h"

/* The path that unit_load() passes to the model, as it appears in messages. */
#define UNIT_PATH "test.yaml"

static inline void *unit_xmalloc(size_t size)
{
	void *memory = malloc(size ? size : 1);

	if (!memory)
		abort();
	return memory;
}

/* Sort DIAG and join its formatted entries with newlines, without a
 * newline after the last one. Returns "" when there are no entries.
 * The caller frees the string. */
static inline char *unit_diag_text(struct jn_diag *diag)
{
	size_t size = 1;
	char *text;

	jn_diag_sort(diag);
	for (size_t i = 0; i < diag->count; i++) {
		char *line = jn_diag_format(diag, i);

		size += strlen(line) + 1;
		free(line);
	}
	text = unit_xmalloc(size);
	text[0] = '\0';
	for (size_t i = 0; i < diag->count; i++) {
		char *line = jn_diag_format(diag, i);

		if (i)
			strcat(text, "\n");
		strcat(text, line);
		free(line);
	}
	return text;
}

/* Load SIZE bytes of DATA through jn_config_load_buffer() as UNIT_PATH.
 * Returns the diagnostics as unit_diag_text() formats them. *CONFIG keeps
 * the result, and the caller frees it with jn_config_free(). */
static inline char *unit_load_size(const char *data, size_t size,
				   struct jn_config *config)
{
	struct jn_diag diag;
	char *text;

	jn_diag_init(&diag, UNIT_PATH);
	jn_config_load_buffer(UNIT_PATH, data, size, config, &diag);
	text = unit_diag_text(&diag);
	jn_diag_free(&diag);
	return text;
}

/* unit_load_size() for a NUL-terminated YAML text. */
static inline char *unit_load(const char *yaml, struct jn_config *config)
{
	return unit_load_size(yaml, strlen(yaml), config);
}

/* Load YAML and return only its diagnostics. The config is freed. */
static inline char *unit_errors(const char *yaml)
{
	struct jn_config config;
	char *text = unit_load(yaml, &config);

	jn_config_free(&config);
	return text;
}

/* Assert that YAML loads with exactly the diagnostics EXPECTED, joined
 * as unit_diag_text() joins them. */
#define assert_errors(yaml, expected)                 \
	do {                                          \
		char *unit_text_ = unit_errors(yaml); \
		assert_string_equal(unit_text_, expected); \
		free(unit_text_);                     \
	} while (0)

/* Read the whole file at PATH into a new NUL-terminated string, storing
 * its length in *SIZE. Returns NULL when the file cannot be read. */
static inline char *unit_read_file(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	size_t capacity = 4096, used = 0;
	char *data;

	if (!file)
		return NULL;
	data = unit_xmalloc(capacity);
	for (;;) {
		size_t n = fread(data + used, 1, capacity - used - 1, file);

		used += n;
		if (n == 0)
			break;
		if (capacity - used == 1) {
			capacity *= 2;
			data = realloc(data, capacity);
			if (!data)
				abort();
		}
	}
	if (ferror(file)) {
		fclose(file);
		free(data);
		return NULL;
	}
	fclose(file);
	data[used] = '\0';
	*size = used;
	return data;
}

#endif
