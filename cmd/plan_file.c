#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/plan_file.h"

/* FNV-1a: detects change, is not meant to resist forgery (the plan file
 * is as trusted as the config file). */
static uint64_t fnv1a(uint64_t hash, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		hash ^= *c;
		hash *= 0x100000001b3ULL;
	}
	return (hash ^ 0xff) * 0x100000001b3ULL;
}

uint64_t state_fingerprint(const struct jn_objlist *observed)
{
	uint64_t hash = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < observed->count; i++) {
		const struct jn_obj *obj = &observed->items[i];

		hash = fnv1a(hash, jn_kind_name(obj->kind));
		hash = fnv1a(hash, obj->id);
		hash = fnv1a(hash, obj->value);
	}
	return hash;
}

char *plan_lines(const struct jn_plan *plan)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (!out)
		abort();
	for (size_t i = 0; i < plan->count; i++)
		jn_change_print(out, &plan->changes[i]);
	fclose(out);
	return text;
}

static char *read_all(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	char *text = NULL;
	size_t used = 0, capacity = 0;

	if (!file)
		return NULL;
	for (;;) {
		if (used + 4096 > capacity) {
			capacity = (used + 4096) * 2;
			text = realloc(text, capacity + 1);
			if (!text)
				abort();
		}
		size_t n = fread(text + used, 1, 4096, file);

		used += n;
		if (n < 4096)
			break;
	}
	fclose(file);
	text[used] = '\0';
	*size = used;
	return text;
}

bool is_plan_file(const char *path)
{
	char head[sizeof(JN_PLAN_MAGIC)] = "";
	FILE *file = fopen(path, "rb");
	size_t n;

	if (!file)
		return false;
	n = fread(head, 1, sizeof(head) - 1, file);
	fclose(file);
	head[n] = '\0';
	return strcmp(head, JN_PLAN_MAGIC) == 0;
}

int save_plan(const char *out, const char *config_path, const struct jn_objlist *observed,
	      const struct jn_plan *plan, char *message, size_t size)
{
	size_t config_size;
	char *config = read_all(config_path, &config_size);
	char *lines = plan_lines(plan);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *file = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc = 0;

	if (!config || !file) {
		snprintf(message, size, "cannot write plan %s: %s", out, strerror(errno));
		rc = -1;
	} else {
		fprintf(file, "%sstate %016" PRIx64 "\nconfig %zu %s\nlines %zu\n%s", JN_PLAN_MAGIC,
			state_fingerprint(observed), config_size, config_path, strlen(lines ? lines : ""),
			lines ? lines : "");
		fwrite(config, 1, config_size, file);
		if (fflush(file) != 0) {
			snprintf(message, size, "cannot write plan %s: %s", out, strerror(errno));
			rc = -1;
		}
	}
	if (file)
		fclose(file);
	else if (fd >= 0)
		close(fd);
	free(config);
	free(lines);
	return rc;
}

int load_plan(const char *path, struct saved_plan *saved, char *message, size_t size)
{
	size_t total, config_size, lines_size;
	char *text = read_all(path, &total);
	char config_path[4096];
	int header = 0;

	memset(saved, 0, sizeof(*saved));
	if (!text) {
		snprintf(message, size, "cannot read plan %s: %s", path, strerror(errno));
		return -1;
	}
	if (sscanf(text + strlen(JN_PLAN_MAGIC), "state %" SCNx64 "\nconfig %zu %4095[^\n]\nlines %zu\n%n",
		   &saved->fingerprint, &config_size, config_path, &lines_size, &header) != 4 ||
	    header == 0 ||
	    strlen(JN_PLAN_MAGIC) + (size_t)header + lines_size + config_size != total) {
		snprintf(message, size, "%s is not a complete jailnet plan; make it again with jailnet plan -o",
			 path);
		free(text);
		return -1;
	}
	char *body = text + strlen(JN_PLAN_MAGIC) + header;

	saved->config_path = strdup(config_path);
	saved->lines = strndup(body, lines_size);
	saved->config_text = malloc(config_size + 1);
	if (!saved->config_path || !saved->lines || !saved->config_text)
		abort();
	memcpy(saved->config_text, body + lines_size, config_size);
	saved->config_text[config_size] = '\0';
	saved->config_size = config_size;
	free(text);
	return 0;
}

void saved_plan_free(struct saved_plan *saved)
{
	free(saved->config_path);
	free(saved->config_text);
	free(saved->lines);
	memset(saved, 0, sizeof(*saved));
}
