#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reconcile/nft.h"
#include "reconcile/object.h"

char *jn_strdup(const char *s)
{
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	if (!copy)
		abort();
	return copy;
}

char *jn_sprintf(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		abort();
	va_end(ap);
	return text;
}

char *jn_hex(const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *bytes = data;
	char *text = malloc(len * 2 + 1);

	if (!text)
		abort();
	for (size_t i = 0; i < len; i++) {
		text[2 * i] = digits[bytes[i] >> 4];
		text[2 * i + 1] = digits[bytes[i] & 0xf];
	}
	text[len * 2] = '\0';
	return text;
}

struct jn_obj *jn_objlist_add(struct jn_objlist *list, enum jn_kind kind,
			      const char *group, const char *id,
			      const char *value, const char *label)
{
	struct jn_obj *obj;

	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 64;
		struct jn_obj *items = realloc(list->items, capacity * sizeof(*items));

		if (!items)
			abort();
		list->items = items;
		list->capacity = capacity;
	}
	obj = &list->items[list->count++];
	memset(obj, 0, sizeof(*obj));
	obj->kind = kind;
	obj->group = jn_strdup(group);
	obj->id = jn_strdup(id);
	obj->value = jn_strdup(value ? value : "");
	obj->label = jn_strdup(label ? label : id);
	return obj;
}

void jn_obj_set_detail(struct jn_obj *obj, const char *fmt, ...)
{
	va_list ap;

	free(obj->detail);
	va_start(ap, fmt);
	if (vasprintf(&obj->detail, fmt, ap) < 0)
		abort();
	va_end(ap);
}

static void obj_free(struct jn_obj *obj)
{
	free(obj->group);
	free(obj->id);
	free(obj->value);
	free(obj->label);
	free(obj->detail);
	free(obj->path);
	free(obj->chain);
	free(obj->set);
	if (obj->nft)
		jn_nft_object_free(obj->kind, obj->nft);
}

void jn_objlist_truncate(struct jn_objlist *list, size_t count)
{
	while (list->count > count)
		obj_free(&list->items[--list->count]);
}

void jn_objlist_free(struct jn_objlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		obj_free(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

static int compare_objs(const void *a, const void *b)
{
	const struct jn_obj *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->id, y->id);
}

void jn_objlist_sort(struct jn_objlist *list)
{
	if (list->count)
		qsort(list->items, list->count, sizeof(*list->items), compare_objs);
}

const char *jn_kind_name(enum jn_kind kind)
{
	static const char *const names[JN_KIND_COUNT] = {
		[JN_KIND_NFT_TABLE] = "nft table",
		[JN_KIND_NFT_SET] = "nft set",
		[JN_KIND_NFT_CHAIN] = "nft chain",
		[JN_KIND_NFT_RULE] = "nft rule",
		[JN_KIND_NFT_ELEM] = "nft element",
		[JN_KIND_NETNS] = "netns",
		[JN_KIND_VETH] = "veth",
		[JN_KIND_ADDR] = "address",
		[JN_KIND_ROUTE] = "route",
		[JN_KIND_RESOLV] = "resolv.conf",
		[JN_KIND_SYSCTL] = "sysctl",
	};

	return kind < JN_KIND_COUNT ? names[kind] : "object";
}
