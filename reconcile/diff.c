#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reconcile/diff.h"

static void plan_append(struct jn_plan *plan, enum jn_action action,
			const struct jn_obj *desired, const struct jn_obj *observed)
{
	struct jn_change *grown = realloc(plan->changes,
					  (plan->count + 1) * sizeof(*grown));

	if (!grown)
		abort();
	plan->changes = grown;
	grown[plan->count].action = action;
	grown[plan->count].desired = desired;
	grown[plan->count].observed = observed;
	grown[plan->count].implied = false;
	plan->count++;
}

static int compare_key(const struct jn_obj *a, const struct jn_obj *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Merge two sorted lists. Equal ids pair up one to one, so an observed
 * duplicate of a desired object (a rule added twice) is removed. */
static void merge(const struct jn_objlist *desired, const struct jn_objlist *observed,
		  struct jn_plan *plan)
{
	size_t i = 0, j = 0;

	while (i < desired->count || j < observed->count) {
		const struct jn_obj *d = i < desired->count ? &desired->items[i] : NULL;
		const struct jn_obj *o = j < observed->count ? &observed->items[j] : NULL;
		int cmp;

		if (!d)
			cmp = 1;
		else if (!o)
			cmp = -1;
		else
			cmp = compare_key(d, o);

		if (cmp < 0 && d) {
			plan_append(plan, JN_ADD, d, NULL);
			i++;
		} else if (cmp > 0 && o) {
			if (o->owned)
				plan_append(plan, JN_REMOVE, NULL, o);
			j++;
		} else if (d && o) {
			if (strcmp(d->value, o->value) != 0)
				plan_append(plan, JN_CHANGE, d, o);
			i++;
			j++;
		}
	}
}

const struct jn_obj *jn_change_obj(const struct jn_change *change)
{
	return change->desired ? change->desired : change->observed;
}

enum jn_phase jn_change_phase(const struct jn_change *change)
{
	enum jn_kind kind = jn_change_obj(change)->kind;

	if (kind <= JN_KIND_NFT_ELEM)
		return JN_PHASE_NFT;
	if (kind == JN_KIND_SYSCTL)
		return JN_PHASE_SYSCTL;
	return change->action == JN_REMOVE ? JN_PHASE_REMOVE_LINKS : JN_PHASE_ADD_LINKS;
}

static int compare_groups(const char *a, const char *b)
{
	if (!a && !b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

/* Apply order: see jn_change_phase(). In the nftables batch every
 * removal comes before every addition, and kinds go in dependency order
 * (elements before the sets that hold them are removed, tables before
 * the chains they hold are added). Elsewhere changes go by namespace. */
static int compare_changes(const void *a, const void *b)
{
	const struct jn_change *x = a, *y = b;
	const struct jn_obj *ox = jn_change_obj(x), *oy = jn_change_obj(y);
	enum jn_phase px = jn_change_phase(x), py = jn_change_phase(y);
	bool rx = x->action == JN_REMOVE, ry = y->action == JN_REMOVE;
	int cmp;

	if (px != py)
		return px < py ? -1 : 1;
	if (px == JN_PHASE_NFT && rx != ry)
		return rx ? -1 : 1;
	if (px == JN_PHASE_NFT && ox->kind != oy->kind)
		return (ox->kind < oy->kind) != rx ? -1 : 1;
	cmp = compare_groups(ox->group, oy->group);
	if (cmp)
		return cmp;
	if (ox->kind != oy->kind)
		return (ox->kind < oy->kind) != rx ? -1 : 1;
	/* Rules read best in chain order. */
	if (ox->kind == JN_KIND_NFT_RULE && strcmp(ox->chain, oy->chain) == 0 &&
	    ox->position != oy->position)
		return ox->position < oy->position ? -1 : 1;
	return strcmp(ox->id, oy->id);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool contains(const char **sorted, size_t count, const char *name)
{
	return name[0] && count &&
	       bsearch(&name, sorted, count, sizeof(*sorted), compare_strings);
}

/* Addresses and routes of a link or namespace that is removed go with it.
 * The names of removed links and namespaces are sorted once, so this
 * stays n log n for plans that remove thousands of objects. */
static void mark_implied(struct jn_plan *plan)
{
	char **links = calloc(2 * plan->count + 1, sizeof(*links));
	const char **netns = calloc(plan->count + 1, sizeof(*netns));
	size_t n_links = 0, n_netns = 0;

	if (!links || !netns)
		abort();
	for (size_t i = 0; i < plan->count; i++) {
		const struct jn_obj *obj = plan->changes[i].observed;

		if (plan->changes[i].action != JN_REMOVE)
			continue;
		/* Jail ends of different namespaces may share a name, so a link
		 * is known by namespace and name. */
		if (obj->kind == JN_KIND_VETH) {
			links[n_links++] = jn_sprintf("/%s", obj->ifname);
			links[n_links++] = jn_sprintf("%s/%s", obj->netns, obj->peer_ifname);
		} else if (obj->kind == JN_KIND_NETNS) {
			netns[n_netns++] = obj->netns;
		}
	}
	qsort(links, n_links, sizeof(*links), compare_strings);
	qsort(netns, n_netns, sizeof(*netns), compare_strings);
	for (size_t i = 0; i < plan->count; i++) {
		struct jn_change *change = &plan->changes[i];
		const struct jn_obj *obj = change->observed;

		if (change->action != JN_REMOVE ||
		    (obj->kind != JN_KIND_ADDR && obj->kind != JN_KIND_ROUTE))
			continue;

		char *key = jn_sprintf("%s/%s", obj->netns, obj->ifname);

		change->implied = contains((const char **)links, n_links, key) ||
				  contains(netns, n_netns, obj->netns);
		free(key);
	}
	for (size_t i = 0; i < n_links; i++)
		free(links[i]);
	free(links);
	free(netns);
}

void jn_diff(const struct jn_objlist *desired, const struct jn_objlist *observed,
	     struct jn_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	merge(desired, observed, plan);
	if (plan->count)
		qsort(plan->changes, plan->count, sizeof(*plan->changes), compare_changes);
	mark_implied(plan);
	for (size_t i = 0; i < plan->count; i++) {
		switch (plan->changes[i].action) {
		case JN_ADD:
			plan->n_add++;
			break;
		case JN_CHANGE:
			plan->n_change++;
			break;
		case JN_REMOVE:
			plan->n_remove++;
			break;
		}
	}
}

void jn_plan_warn(struct jn_plan *plan, const char *fmt, ...)
{
	char **grown = realloc(plan->warnings, (plan->n_warnings + 1) * sizeof(*grown));
	va_list ap;

	if (!grown)
		abort();
	plan->warnings = grown;
	va_start(ap, fmt);
	if (vasprintf(&grown[plan->n_warnings], fmt, ap) < 0)
		abort();
	va_end(ap);
	plan->n_warnings++;
}

void jn_plan_free(struct jn_plan *plan)
{
	for (size_t i = 0; i < plan->n_warnings; i++)
		free(plan->warnings[i]);
	free(plan->warnings);
	free(plan->changes);
	memset(plan, 0, sizeof(*plan));
}

void jn_change_print(FILE *out, const struct jn_change *change)
{
	jn_change_print_color(out, change, false);
}

void jn_change_print_color(FILE *out, const struct jn_change *change, bool color)
{
	static const char signs[] = { [JN_ADD] = '+', [JN_CHANGE] = '~', [JN_REMOVE] = '-' };
	/* ANSI colours: green, yellow, red. */
	static const char *const colors[] = {
		[JN_ADD] = "\033[32m", [JN_CHANGE] = "\033[33m", [JN_REMOVE] = "\033[31m",
	};
	const struct jn_obj *obj = jn_change_obj(change);

	if (color)
		fputs(colors[change->action], out);
	fprintf(out, "%c %s: %s %s", signs[change->action],
		obj->group ? obj->group : "host", jn_kind_name(obj->kind), obj->label);
	if (change->action == JN_CHANGE)
		fprintf(out, " (%s -> %s)",
			change->observed->detail ? change->observed->detail : change->observed->value,
			change->desired->detail ? change->desired->detail : change->desired->value);
	if (color)
		fputs("\033[0m", out);
	fputc('\n', out);
}

void jn_plan_print_summary(FILE *out, const struct jn_plan *plan, bool applied)
{
	if (plan->count == 0) {
		fprintf(out, "No changes.\n");
		return;
	}
	fprintf(out, "%s %zu to add, %zu to change, %zu to remove.\n",
		applied ? "Applied:" : "Plan:", plan->n_add, plan->n_change,
		plan->n_remove);
}

void jn_plan_print(FILE *out, const struct jn_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		jn_change_print(out, &plan->changes[i]);
	jn_plan_print_summary(out, plan, false);
}
