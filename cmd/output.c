#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/output.h"

void report_error(struct report *report, const char *fmt, ...)
{
	char **grown = realloc(report->errors, (report->n_errors + 1) * sizeof(*grown));
	va_list ap;

	if (!grown)
		abort();
	report->errors = grown;
	va_start(ap, fmt);
	if (vasprintf(&grown[report->n_errors], fmt, ap) < 0)
		abort();
	va_end(ap);
	if (!report->json)
		cmd_error("%s", grown[report->n_errors]);
	report->n_errors++;
}

void report_free(struct report *report)
{
	for (size_t i = 0; i < report->n_errors; i++)
		free(report->errors[i]);
	free(report->errors);
	report->errors = NULL;
	report->n_errors = 0;
}


/* Length of the valid UTF-8 sequence at C, or 0 when it is not one. */
static size_t utf8_length(const unsigned char *c)
{
	size_t len = *c < 0x80 ? 1 : (*c & 0xe0) == 0xc0 ? 2 : (*c & 0xf0) == 0xe0 ? 3
		   : (*c & 0xf8) == 0xf0 ? 4 : 0;

	if (len == 2 && *c < 0xc2)
		return 0;	/* overlong */
	for (size_t i = 1; i < len; i++)
		if ((c[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* A JSON string; bytes that are not UTF-8 (a file name, say) become
 * U+FFFD, so the document stays valid JSON. */
static void json_string(FILE *out, const char *text)
{
	const unsigned char *c = (const unsigned char *)text;

	fputc('"', out);
	while (c && *c) {
		size_t len = utf8_length(c);

		if (len == 0) {
			fputs("\\ufffd", out);
			c++;
			continue;
		}
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", out);
		else if (*c < 0x20)
			fprintf(out, "\\u%04x", *c);
		else
			fwrite(c, 1, len, out);
		c += len;
	}
	fputc('"', out);
}

static void json_state(FILE *out, const struct jn_obj *obj)
{
	if (!obj) {
		fputs("null", out);
		return;
	}
	fputs("{\"value\": ", out);
	json_string(out, obj->detail ? obj->detail : obj->value);
	fputs("}", out);
}

static const char *action_name(enum jn_action action)
{
	if (action == JN_ADD)
		return "add";
	if (action == JN_CHANGE)
		return "change";
	return "remove";
}

/* The members every object has: kind, namespace, id and description. */
static void json_object_members(FILE *out, const struct jn_obj *obj)
{
	fputs("\"kind\": ", out);
	json_string(out, jn_kind_name(obj->kind));
	fputs(", \"namespace\": ", out);
	if (obj->group)
		json_string(out, obj->group);
	else
		fputs("null", out);
	fputs(", \"id\": ", out);
	json_string(out, obj->id);
	fputs(", \"description\": ", out);
	json_string(out, obj->label);
}

static void json_change(FILE *out, const struct jn_change *change)
{
	fputs("    {\"action\": ", out);
	json_string(out, action_name(change->action));
	fputs(", ", out);
	json_object_members(out, jn_change_obj(change));
	fputs(", \"before\": ", out);
	json_state(out, change->observed);
	fputs(", \"after\": ", out);
	json_state(out, change->desired);
	fputs("}", out);
}

static void json_strings(FILE *out, const char *key, char **items, size_t count,
			 char **more, size_t n_more)
{
	fprintf(out, "  \"%s\": [", key);
	for (size_t i = 0; i < count + n_more; i++) {
		fputs(i ? ", " : "", out);
		json_string(out, i < count ? items[i] : more[i - count]);
	}
	fputs("]", out);
}

static void print_json(const struct report *report)
{
	const struct jn_plan *plan = report->plan;
	const struct jn_problems *problems = report->problems;
	bool is_apply = strcmp(report->command, "apply") == 0;

	printf("{\n  \"format_version\": 1,\n  \"command\": ");
	json_string(stdout, report->command);
	printf(",\n  \"file\": ");
	if (report->file)
		json_string(stdout, report->file);
	else
		fputs("null", stdout);
	printf(",\n  \"changes\": [");
	for (size_t i = 0; plan && i < plan->count; i++) {
		fputs(i ? ",\n" : "\n", stdout);
		json_change(stdout, &plan->changes[i]);
	}
	printf("%s],\n", plan && plan->count ? "\n  " : "");
	printf("  \"summary\": {\"add\": %zu, \"change\": %zu, \"remove\": %zu},\n",
	       plan ? plan->n_add : 0, plan ? plan->n_change : 0, plan ? plan->n_remove : 0);
	if (is_apply)
		printf("  \"applied\": %s,\n", report->applied ? "true" : "false");
	json_strings(stdout, "warnings", plan ? plan->warnings : NULL, plan ? plan->n_warnings : 0,
		     is_apply || !problems ? NULL : problems->blockers,
		     is_apply || !problems ? 0 : problems->n_blockers);
	printf(",\n");
	json_strings(stdout, "errors", problems ? problems->messages : NULL,
		     problems ? problems->count : 0, report->errors, report->n_errors);
	printf("\n}\n");
}

void print_report(const struct report *report)
{
	if (report->json) {
		print_json(report);
		return;
	}
	for (size_t i = 0; report->plan && i < report->plan->n_warnings; i++)
		cmd_warning("%s", report->plan->warnings[i]);
}

static bool in_names(char *const *names, size_t count, const char *group)
{
	for (size_t i = 0; group && i < count; i++)
		if (strcmp(names[i], group) == 0)
			return true;
	return count == 0;
}

void print_objects_json(FILE *out, const struct jn_objlist *list, char *const *names,
			size_t count)
{
	size_t printed = 0;

	fputs("{\n  \"format_version\": 1,\n  \"command\": \"show\",\n  \"objects\": [", out);
	for (size_t i = 0; i < list->count; i++) {
		const struct jn_obj *obj = &list->items[i];

		if (!in_names(names, count, obj->group))
			continue;
		fputs(printed++ ? ",\n    {" : "\n    {", out);
		json_object_members(out, obj);
		fputs(", \"value\": ", out);
		json_string(out, obj->detail ? obj->detail : obj->value);
		fputs(", \"owned\": ", out);
		fputs(obj->owned ? "true}" : "false}", out);
	}
	fputs(printed ? "\n  ]\n}\n" : "]\n}\n", out);
}
