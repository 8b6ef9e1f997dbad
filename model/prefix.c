#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model/prefix.h"

size_t jn_prefix_addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

unsigned jn_prefix_max_len(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

static int parse_length(const char *text, unsigned max, uint8_t *out)
{
	char *end;
	unsigned long value;

	if (*text < '0' || *text > '9')
		return -1;
	value = strtoul(text, &end, 10);
	if (*end || value > max || (text[0] == '0' && text[1]))
		return -1;
	*out = (uint8_t)value;
	return 0;
}

int jn_prefix_parse(const char *text, bool allow_bare, struct jn_prefix *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t addr_len = slash ? (size_t)(slash - text) : strlen(text);

	memset(out, 0, sizeof(*out));
	if (addr_len == 0 || addr_len >= sizeof(addr) || (!slash && !allow_bare))
		return -1;
	memcpy(addr, text, addr_len);
	addr[addr_len] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -1;
	if (!slash) {
		out->len = (uint8_t)jn_prefix_max_len(out->family);
		return 0;
	}
	return parse_length(slash + 1, jn_prefix_max_len(out->family), &out->len);
}

static bool bit_is_set(const uint8_t *addr, unsigned bit)
{
	return addr[bit / 8] & (0x80 >> (bit % 8));
}

bool jn_prefix_is_network(const struct jn_prefix *prefix)
{
	unsigned max = jn_prefix_max_len(prefix->family);

	for (unsigned bit = prefix->len; bit < max; bit++)
		if (bit_is_set(prefix->addr, bit))
			return false;
	return true;
}

void jn_prefix_mask(struct jn_prefix *prefix)
{
	unsigned max = jn_prefix_max_len(prefix->family);

	for (unsigned bit = prefix->len; bit < max; bit++)
		prefix->addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

bool jn_prefix_overlaps(const struct jn_prefix *a, const struct jn_prefix *b)
{
	unsigned len = a->len < b->len ? a->len : b->len;

	if (a->family != b->family)
		return false;
	for (unsigned bit = 0; bit < len; bit++)
		if (bit_is_set(a->addr, bit) != bit_is_set(b->addr, bit))
			return false;
	return true;
}

const char *jn_prefix_format_addr(const struct jn_prefix *prefix, char *buf)
{
	if (!inet_ntop(prefix->family, prefix->addr, buf, INET6_ADDRSTRLEN))
		snprintf(buf, JN_PREFIX_STRLEN, "?");
	return buf;
}

const char *jn_prefix_format(const struct jn_prefix *prefix, char *buf)
{
	char addr[JN_PREFIX_STRLEN];

	snprintf(buf, JN_PREFIX_STRLEN, "%.46s/%u",
		 jn_prefix_format_addr(prefix, addr), prefix->len);
	return buf;
}

/* Add N to the address part (big-endian arithmetic). */
static void addr_add(uint8_t *addr, size_t len, unsigned n)
{
	for (size_t i = len; i-- > 0 && n;) {
		unsigned sum = addr[i] + (n & 0xff);

		addr[i] = (uint8_t)sum;
		n = (n >> 8) + (sum >> 8);
	}
}

static void prefix_end(const struct jn_prefix *subnet, unsigned offset,
		       struct jn_prefix *out)
{
	unsigned max = jn_prefix_max_len(subnet->family);

	*out = *subnet;
	/* A /31 or /127 has no network address to skip. */
	if (subnet->len < max - 1)
		offset++;
	addr_add(out->addr, jn_prefix_addr_len(subnet->family), offset);
}

void jn_prefix_host_end(const struct jn_prefix *subnet, struct jn_prefix *out)
{
	prefix_end(subnet, 0, out);
}

void jn_prefix_jail_end(const struct jn_prefix *subnet, struct jn_prefix *out)
{
	prefix_end(subnet, 1, out);
}
