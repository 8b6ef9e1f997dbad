/* Readable text for set elements in the plan: "www-out . 10.97.3.2". */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entry.h"
#include "model/prefix.h"
#include "reconcile/nft.h"

struct text {
	char buf[512];
	size_t len;
};

static void append(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

/* The prefix length that makes [FIRST, LAST] one prefix, or -1. */
static int range_prefix_len(const uint8_t *first, const uint8_t *last, size_t len)
{
	unsigned bits = (unsigned)len * 8, prefix = 0;

	while (prefix < bits) {
		uint8_t mask = (uint8_t)(0x80 >> (prefix % 8));

		if ((first[prefix / 8] & mask) != (last[prefix / 8] & mask))
			break;
		prefix++;
	}
	for (unsigned bit = prefix; bit < bits; bit++) {
		uint8_t mask = (uint8_t)(0x80 >> (bit % 8));

		if ((first[bit / 8] & mask) || !(last[bit / 8] & mask))
			return -1;
	}
	return (int)prefix;
}

static void render_addr(struct text *t, int family, const uint8_t *first,
			const uint8_t *last)
{
	size_t len = family == AF_INET6 ? 16 : 4;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int prefix = range_prefix_len(first, last, len);

	inet_ntop(family, first, a, sizeof(a));
	if (prefix == (int)len * 8)
		append(t, "%s", a);
	else if (prefix >= 0)
		append(t, "%s/%d", a, prefix);
	else
		append(t, "%s-%s", a, inet_ntop(family, last, b, sizeof(b)));
}

static void render_field(struct text *t, enum jn_field field, const uint8_t *first,
			 const uint8_t *last)
{
	uint16_t p1, p2;

	switch (field) {
	case JN_F_IFNAME:
		append(t, "%.16s", (const char *)first);
		break;
	case JN_F_IPV4:
		render_addr(t, AF_INET, first, last);
		break;
	case JN_F_IPV6:
		render_addr(t, AF_INET6, first, last);
		break;
	case JN_F_PROTO:
		append(t, "%s", jn_proto_name((enum jn_proto)first[0]));
		break;
	case JN_F_PORT:
		memcpy(&p1, first, 2);
		memcpy(&p2, last, 2);
		if (p1 == p2)
			append(t, "%u", ntohs(p1));
		else
			append(t, "%u-%u", ntohs(p1), ntohs(p2));
		break;
	}
}

static void render_fields(struct text *t, const enum jn_field *fields, size_t count,
			  const uint8_t *first, const uint8_t *last)
{
	size_t offset = 0;

	for (size_t i = 0; i < count; i++) {
		if (i)
			append(t, " . ");
		render_field(t, fields[i], first + offset, last + offset);
		offset += jn_field_padded_len(fields[i]);
	}
}

void jn_nft_add_element(struct jn_objlist *list, const char *group,
			const struct jn_set_def *def, const struct jn_elem_value *value,
			const char *comment)
{
	struct text label = { .len = 0 };
	char *key = jn_hex(value->key, value->key_len);
	char *key_end = jn_hex(value->key_end, value->key_len);
	char *data = jn_hex(value->data, value->data_len);
	char *id = jn_sprintf("%s %s-%s", def->name, key, key_end);
	char *compared = jn_sprintf("%s %s", data, comment ? comment : "");
	struct jn_obj *obj;

	append(&label, "%s { ", def->name);
	render_fields(&label, def->key, def->n_key, value->key, value->key_end);
	if (def->n_data) {
		append(&label, " : ");
		render_fields(&label, def->data, def->n_data, value->data, value->data);
	}
	append(&label, " }");
	obj = jn_objlist_add(list, JN_KIND_NFT_ELEM, group, id, compared, label.buf);
	obj->set = jn_strdup(def->name);
	obj->nft = malloc(sizeof(*value));
	if (!obj->nft)
		abort();
	memcpy(obj->nft, value, sizeof(*value));
	/* The readable form for "~" lines and JSON; VALUE is raw bytes. */
	jn_obj_set_detail(obj, "%s comment \"%s\"", label.buf, comment ? comment : "");
	free(key);
	free(key_end);
	free(data);
	free(id);
	free(compared);
}
