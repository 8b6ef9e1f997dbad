#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "model/yamltree.h"

struct tree_builder {
	yaml_parser_t parser;
	struct jn_diag *diag;
	const char *data;	/* the input, for positions of reader errors */
	size_t size;
	unsigned depth;
};

static struct jn_pos mark_pos(yaml_mark_t mark)
{
	struct jn_pos pos = { (unsigned)mark.line + 1, (unsigned)mark.column + 1 };
	return pos;
}

static struct jn_node *node_new(enum jn_node_type type, yaml_mark_t mark)
{
	struct jn_node *node = calloc(1, sizeof(*node));

	if (!node)
		abort();
	node->type = type;
	node->pos = mark_pos(mark);
	return node;
}

void jn_node_free(struct jn_node *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->count; i++) {
		if (node->keys)
			jn_node_free(node->keys[i]);
		jn_node_free(node->items[i]);
	}
	free(node->keys);
	free(node->items);
	free(node->scalar);
	free(node);
}

static void node_append(struct jn_node *parent, struct jn_node *key,
			struct jn_node *value)
{
	size_t n = parent->count + 1;

	parent->items = realloc(parent->items, n * sizeof(*parent->items));
	if (!parent->items)
		abort();
	if (parent->type == JN_NODE_MAP) {
		parent->keys = realloc(parent->keys, n * sizeof(*parent->keys));
		if (!parent->keys)
			abort();
		parent->keys[n - 1] = key;
	}
	parent->items[n - 1] = value;
	parent->count = n;
}

/* Move *POS past byte I of DATA, counting as libyaml counts marks.
 * Columns count characters, so UTF-8 continuation bytes add nothing, and
 * CR LF is one line break. */
static void advance_pos(struct jn_pos *pos, const char *data, size_t size,
			size_t i)
{
	unsigned char c = (unsigned char)data[i];

	if (c == '\n' || (c == '\r' && (i + 1 == size || data[i + 1] != '\n'))) {
		pos->line++;
		pos->column = 1;
	} else if ((c & 0xc0) != 0x80 && c != '\r') {
		pos->column++;
	}
}

/* Position of byte OFFSET in DATA. */
static struct jn_pos offset_pos(const char *data, size_t size, size_t offset)
{
	struct jn_pos pos = { 1, 1 };

	for (size_t i = 0; i < offset && i < size; i++)
		advance_pos(&pos, data, size, i);
	return pos;
}

/* Whether the character at POS in the input is a tab. */
static bool tab_at(const struct tree_builder *b, struct jn_pos pos)
{
	struct jn_pos at = { 1, 1 };

	for (size_t i = 0; i < b->size && at.line <= pos.line; i++) {
		if (at.line == pos.line && at.column == pos.column &&
		    ((unsigned char)b->data[i] & 0xc0) != 0x80)
			return b->data[i] == '\t';
		advance_pos(&at, b->data, b->size, i);
	}
	return false;
}

/* Report a UTF-8 sequence that the byte at OFFSET does not continue. The
 * message points at the byte that starts the sequence, because that byte
 * is usually the one in the wrong encoding, as in "caf\xe9" in Latin-1. */
static void report_bad_sequence(struct tree_builder *b, size_t offset)
{
	const unsigned char *data = (const unsigned char *)b->data;
	size_t start = offset;

	/* libyaml has checked the bytes between the start and OFFSET, so
	 * they are continuation bytes (10xxxxxx). */
	while (start > 0 && (data[start - 1] & 0xc0) == 0x80)
		start--;
	if (start > 0)
		start--;
	jn_diag_add(b->diag, offset_pos(b->data, b->size, start),
		    "invalid UTF-8: byte 0x%02X starts a sequence that byte 0x%02X does not continue; save the file as UTF-8 text",
		    data[start], data[offset]);
}

/* libyaml's reader checks the encoding and sets problem_offset and
 * problem_value, but not problem_mark. */
static void report_reader_error(struct tree_builder *b)
{
	yaml_parser_t *p = &b->parser;
	struct jn_pos pos = offset_pos(b->data, b->size, p->problem_offset);

	if (strcmp(p->problem, "control characters are not allowed") == 0)
		jn_diag_add(b->diag, pos,
			    "control character U+%04X is not allowed in YAML; remove it",
			    (unsigned)p->problem_value);
	else if (strcmp(p->problem, "invalid trailing UTF-8 octet") == 0)
		report_bad_sequence(b, p->problem_offset);
	else if (strstr(p->problem, "octet") && p->problem_value >= 0)
		jn_diag_add(b->diag, pos,
			    "invalid UTF-8 byte 0x%02X (%s); save the file as UTF-8 text",
			    (unsigned)p->problem_value, p->problem);
	else if (p->problem_value >= 0)
		jn_diag_add(b->diag, pos,
			    "character U+%04X is not allowed in YAML (%s); remove it",
			    (unsigned)p->problem_value, p->problem);
	else
		jn_diag_add(b->diag, pos,
			    "invalid UTF-8 (%s); save the file as UTF-8 text",
			    p->problem);
}

static void report_parser_error(struct tree_builder *b)
{
	yaml_parser_t *p = &b->parser;
	yaml_mark_t mark = p->problem ? p->problem_mark : p->context_mark;
	const char *problem = p->problem ? p->problem : "unknown error";
	struct jn_pos pos = mark_pos(mark);
	struct jn_pos start = mark_pos(p->context_mark);

	if (p->error == YAML_READER_ERROR && p->problem) {
		report_reader_error(b);
		return;
	}
	/* libyaml reports a tab in indentation as a character that cannot
	 * start a token, which does not tell what to change. */
	if (p->error == YAML_SCANNER_ERROR && tab_at(b, pos)) {
		jn_diag_add(b->diag, pos,
			    "invalid YAML: a tab character here; indent with spaces, because YAML does not allow tabs in indentation");
		return;
	}
	/* The context mark is where the construct that failed starts, as in
	 * the opening quote of an unterminated string. */
	if (p->context && (start.line != pos.line || start.column != pos.column))
		jn_diag_add(b->diag, pos,
			    "invalid YAML: %s %s at line %u, column %u; fix the syntax at this point",
			    problem, p->context, start.line, start.column);
	else if (p->context)
		jn_diag_add(b->diag, pos,
			    "invalid YAML: %s %s; fix the syntax at this point",
			    problem, p->context);
	else
		jn_diag_add(b->diag, pos,
			    "invalid YAML: %s; fix the syntax at this point",
			    problem);
}

static int next_event(struct tree_builder *b, yaml_event_t *event)
{
	if (!yaml_parser_parse(&b->parser, event)) {
		report_parser_error(b);
		return -1;
	}
	return 0;
}

static int parse_node(struct tree_builder *b, yaml_event_t *event,
		      struct jn_node **out);

static const struct jn_node *find_key(const struct jn_node *map, const char *key)
{
	for (size_t i = 0; i < map->count; i++)
		if (strcmp(map->keys[i]->scalar, key) == 0)
			return map->keys[i];
	return NULL;
}

static int parse_children(struct tree_builder *b, struct jn_node *parent,
			  yaml_event_type_t end)
{
	for (;;) {
		yaml_event_t event;
		struct jn_node *key = NULL, *value = NULL;
		const struct jn_node *first;

		if (next_event(b, &event) < 0)
			return -1;
		if (event.type == end) {
			yaml_event_delete(&event);
			return 0;
		}
		if (parse_node(b, &event, parent->type == JN_NODE_MAP ? &key : &value) < 0)
			return -1;
		if (parent->type == JN_NODE_MAP) {
			if (key->type != JN_NODE_SCALAR) {
				jn_diag_add(b->diag, key->pos,
					    "invalid key: a %s is used as a mapping key; keys must be plain names",
					    jn_node_type_name(key));
				jn_node_free(key);
				return -1;
			}
			first = find_key(parent, key->scalar);
			if (first) {
				jn_diag_add(b->diag, key->pos,
					    "duplicate key \"%s\" (the first is at line %u); remove one of the two entries",
					    key->scalar, first->pos.line);
				jn_node_free(key);
				return -1;
			}
			if (next_event(b, &event) < 0 || parse_node(b, &event, &value) < 0) {
				jn_node_free(key);
				return -1;
			}
		}
		node_append(parent, key, value);
	}
}

static int parse_collection(struct tree_builder *b, yaml_event_t *event,
			    struct jn_node **out)
{
	bool is_map = event->type == YAML_MAPPING_START_EVENT;
	struct jn_node *node = node_new(is_map ? JN_NODE_MAP : JN_NODE_SEQ,
					event->start_mark);
	int rc;

	yaml_event_delete(event);
	if (++b->depth > JN_YAML_MAX_DEPTH) {
		jn_diag_add(b->diag, node->pos,
			    "nesting deeper than %d levels; jailnet.yaml needs at most 5, so check the brackets and indentation here",
			    JN_YAML_MAX_DEPTH);
		jn_node_free(node);
		return -1;
	}
	rc = parse_children(b, node, is_map ? YAML_MAPPING_END_EVENT
					    : YAML_SEQUENCE_END_EVENT);
	b->depth--;
	if (rc < 0) {
		jn_node_free(node);
		return -1;
	}
	*out = node;
	return 0;
}

/* Consume EVENT (and the events of its children) into *OUT. */
static int parse_node(struct tree_builder *b, yaml_event_t *event,
		      struct jn_node **out)
{
	struct jn_node *node;

	switch (event->type) {
	case YAML_SCALAR_EVENT:
		node = node_new(JN_NODE_SCALAR, event->start_mark);
		node->scalar = strndup((const char *)event->data.scalar.value,
				       event->data.scalar.length);
		if (!node->scalar)
			abort();
		node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (strlen(node->scalar) != event->data.scalar.length) {
			jn_diag_add(b->diag, node->pos,
				    "a NUL character (\\0) in a quoted value; remove it");
			jn_node_free(node);
			yaml_event_delete(event);
			return -1;
		}
		yaml_event_delete(event);
		*out = node;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return parse_collection(b, event, out);
	case YAML_ALIAS_EVENT:
		jn_diag_add(b->diag, mark_pos(event->start_mark),
			    "YAML alias \"*%s\" is not supported; write the value out in full",
			    event->data.alias.anchor);
		yaml_event_delete(event);
		return -1;
	default:
		jn_diag_add(b->diag, mark_pos(event->start_mark),
			    "unexpected YAML event; fix the syntax at this point");
		yaml_event_delete(event);
		return -1;
	}
}

static int expect_event(struct tree_builder *b, yaml_event_type_t type)
{
	yaml_event_t event;

	if (next_event(b, &event) < 0)
		return -1;
	if (event.type != type) {
		jn_diag_add(b->diag, mark_pos(event.start_mark),
			    "more than one YAML document; keep a single document in the file");
		yaml_event_delete(&event);
		return -1;
	}
	yaml_event_delete(&event);
	return 0;
}

static int parse_stream(struct tree_builder *b, struct jn_node **root)
{
	yaml_event_t event;

	if (expect_event(b, YAML_STREAM_START_EVENT) < 0 || next_event(b, &event) < 0)
		return -1;
	if (event.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&event);
		return 0;
	}
	yaml_event_delete(&event);	/* document start */
	if (next_event(b, &event) < 0 || parse_node(b, &event, root) < 0)
		return -1;
	if (expect_event(b, YAML_DOCUMENT_END_EVENT) < 0 ||
	    expect_event(b, YAML_STREAM_END_EVENT) < 0) {
		jn_node_free(*root);
		*root = NULL;
		return -1;
	}
	return 0;
}

int jn_yaml_parse(const char *data, size_t size, struct jn_node **root,
		  struct jn_diag *diag)
{
	struct tree_builder b = { .diag = diag, .data = data, .size = size };
	struct jn_pos whole = { 0, 0 };
	const char *nul;
	int rc;

	*root = NULL;
	/* Some editors start UTF-8 files with a byte order mark. libyaml 0.2.5
	 * skips it only when it detects the encoding itself, and the encoding
	 * is fixed to UTF-8 below so that UTF-16 files are rejected. */
	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		size -= 3;
		b.data = data;
		b.size = size;
	}
	/* SIZE may be only the part of a larger file that was read, so the
	 * message does not state it. */
	if (size > JN_YAML_MAX_BYTES) {
		jn_diag_add(diag, whole,
			    "the file is larger than the limit of %u bytes; check that it is the right file, because a jailnet.yaml is normally a few kilobytes",
			    JN_YAML_MAX_BYTES);
		return -1;
	}
	if (size >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 ||
			  memcmp(data, "\xfe\xff", 2) == 0)) {
		jn_diag_add(diag, whole,
			    "the file starts with a UTF-16 byte order mark; save it as UTF-8 text");
		return -1;
	}
	nul = memchr(data, '\0', size);
	if (nul) {
		jn_diag_add(diag, offset_pos(data, size, (size_t)(nul - data)),
			    "a NUL byte in the file; jailnet.yaml must be UTF-8 text, so remove it");
		return -1;
	}
	if (!yaml_parser_initialize(&b.parser))
		abort();
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)data, size);
	yaml_parser_set_encoding(&b.parser, YAML_UTF8_ENCODING);
	rc = parse_stream(&b, root);
	yaml_parser_delete(&b.parser);
	return rc;
}

const struct jn_node *jn_node_get(const struct jn_node *map, const char *key)
{
	if (!map || map->type != JN_NODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->count; i++)
		if (strcmp(map->keys[i]->scalar, key) == 0)
			return map->items[i];
	return NULL;
}

const char *jn_node_type_name(const struct jn_node *node)
{
	switch (node->type) {
	case JN_NODE_SCALAR:
		return "scalar";
	case JN_NODE_MAP:
		return "mapping";
	case JN_NODE_SEQ:
		return "list";
	}
	return "node";
}
