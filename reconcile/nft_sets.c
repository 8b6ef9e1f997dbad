/* The sets and maps of table inet jailnet. Each element carries the name
 * of its namespace as comment, so elements can be grouped and attributed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "reconcile/marks.h"
#include "reconcile/nft.h"
#include "reconcile/nft_internal.h"

#define F(...) { __VA_ARGS__ }, sizeof((enum jn_field[]){ __VA_ARGS__ }) / sizeof(enum jn_field)

const struct jn_set_def jn_set_defs[] = {
	/* host ends of all jails */
	{ "jail_hosts", F(JN_F_IFNAME), { 0 }, 0, false },
	/* host end . uplink interface: where a jail may route out */
	{ "jail_uplinks", F(JN_F_IFNAME, JN_F_IFNAME), { 0 }, 0, false },
	/* host end . jail address: anti-spoofing */
	{ "jail_addr4", F(JN_F_IFNAME, JN_F_IPV4), { 0 }, 0, false },
	{ "jail_addr6", F(JN_F_IFNAME, JN_F_IPV6), { 0 }, 0, false },
	/* host end: "any" */
	{ "allow_any", F(JN_F_IFNAME), { 0 }, 0, false },
	/* host end . destination: icmp echo requests */
	{ "allow_icmp4", F(JN_F_IFNAME, JN_F_IPV4), { 0 }, 0, true },
	{ "allow_icmp6", F(JN_F_IFNAME, JN_F_IPV6), { 0 }, 0, true },
	/* host end . destination . protocol . port */
	{ "allow4", F(JN_F_IFNAME, JN_F_IPV4, JN_F_PROTO, JN_F_PORT), { 0 }, 0, true },
	{ "allow6", F(JN_F_IFNAME, JN_F_IPV6, JN_F_PROTO, JN_F_PORT), { 0 }, 0, true },
	/* host end . host-end address . protocol . port: host services */
	{ "host4", F(JN_F_IFNAME, JN_F_IPV4, JN_F_PROTO, JN_F_PORT), { 0 }, 0, true },
	{ "host6", F(JN_F_IFNAME, JN_F_IPV6, JN_F_PROTO, JN_F_PORT), { 0 }, 0, true },
	{ "host_icmp4", F(JN_F_IFNAME, JN_F_IPV4), { 0 }, 0, false },
	{ "host_icmp6", F(JN_F_IFNAME, JN_F_IPV6), { 0 }, 0, false },
	/* uplink . host end . protocol . jail port: DNATed traffic to let in */
	{ "publish_in", F(JN_F_IFNAME, JN_F_IFNAME, JN_F_PROTO, JN_F_PORT), { 0 }, 0, false },
	/* uplink . protocol . uplink port : jail address . jail port */
	{ "publish4", F(JN_F_IFNAME, JN_F_PROTO, JN_F_PORT), { JN_F_IPV4, JN_F_PORT }, 2, false },
	{ "publish6", F(JN_F_IFNAME, JN_F_PROTO, JN_F_PORT), { JN_F_IPV6, JN_F_PORT }, 2, false },
	/* jail address . uplink: masquerade (iifname is unset in postrouting) */
	{ "masquerade4", F(JN_F_IPV4, JN_F_IFNAME), { 0 }, 0, false },
	{ "masquerade6", F(JN_F_IPV6, JN_F_IFNAME), { 0 }, 0, false },
};
const size_t jn_n_set_defs = sizeof(jn_set_defs) / sizeof(jn_set_defs[0]);

const struct jn_set_def *jn_set_def_find(const char *name)
{
	for (size_t i = 0; i < jn_n_set_defs; i++)
		if (strcmp(jn_set_defs[i].name, name) == 0)
			return &jn_set_defs[i];
	return NULL;
}

size_t jn_field_len(enum jn_field field)
{
	switch (field) {
	case JN_F_IFNAME:
	case JN_F_IPV6:
		return 16;
	case JN_F_IPV4:
		return 4;
	case JN_F_PROTO:
		return 1;
	case JN_F_PORT:
		return 2;
	}
	return 0;
}

size_t jn_field_padded_len(enum jn_field field)
{
	return (jn_field_len(field) + 3) & ~(size_t)3;
}

/* nft's datatype numbers, so `nft list` prints the keys readably. */
static uint32_t field_type(enum jn_field field)
{
	switch (field) {
	case JN_F_IFNAME:
		return 41;
	case JN_F_IPV4:
		return 7;
	case JN_F_IPV6:
		return 8;
	case JN_F_PROTO:
		return 12;
	case JN_F_PORT:
		return 13;
	}
	return 0;
}

/* A concatenation's type: 6 bits per field, the first field highest. */
static uint32_t concat_type(const enum jn_field *fields, size_t count)
{
	uint32_t type = 0;

	for (size_t i = 0; i < count; i++)
		type = (type << 6) | field_type(fields[i]);
	return type;
}

static uint32_t concat_len(const enum jn_field *fields, size_t count)
{
	size_t len = 0;

	for (size_t i = 0; i < count; i++)
		len += jn_field_padded_len(fields[i]);
	return (uint32_t)len;
}

uint32_t jn_set_flags(const struct jn_set_def *def)
{
	uint32_t flags = 0;

	if (def->n_data)
		flags |= NFT_SET_MAP;
	if (def->interval)
		flags |= NFT_SET_INTERVAL;
	if (def->interval && def->n_key > 1)
		flags |= NFT_SET_CONCAT;
	return flags;
}

struct nftnl_set *jn_set_build(const struct jn_set_def *def)
{
	struct nftnl_set *set = nftnl_set_alloc();
	/* libnftnl 1.2 takes one byte per field and counts up to a zero. */
	uint8_t field_lens[JN_SET_MAX_FIELDS + 1] = { 0 };

	if (!set)
		abort();
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(set, NFTNL_SET_TABLE, JN_TABLE_NAME);
	nftnl_set_set_str(set, NFTNL_SET_NAME, def->name);
	nftnl_set_set_u32(set, NFTNL_SET_FLAGS, jn_set_flags(def));
	/* The kernel requires a transaction-local set id on every new set. */
	nftnl_set_set_u32(set, NFTNL_SET_ID, (uint32_t)(def - jn_set_defs) + 1);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE, concat_type(def->key, def->n_key));
	nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, concat_len(def->key, def->n_key));
	if (def->n_data) {
		nftnl_set_set_u32(set, NFTNL_SET_DATA_TYPE, concat_type(def->data, def->n_data));
		nftnl_set_set_u32(set, NFTNL_SET_DATA_LEN, concat_len(def->data, def->n_data));
	}
	if (def->n_key == 1 && def->key[0] == JN_F_IFNAME) {
		/* Tells nft that the key is a string, not a number to byte-swap;
		 * without it `nft list` prints the names as "". */
		struct nftnl_udata_buf *udata = nftnl_udata_buf_alloc(256);

		if (!udata)
			abort();
		nftnl_udata_put_u32(udata, NFTNL_UDATA_SET_KEYBYTEORDER, 1);
		/* Kernels before 5.13 keep no table comment; this set's comment
		 * then marks the table as jailnet's. */
		if (strcmp(def->name, JN_OWNER_SET) == 0)
			nftnl_udata_put_strz(udata, NFTNL_UDATA_SET_COMMENT, JN_TABLE_COMMENT);
		nftnl_set_set_data(set, NFTNL_SET_USERDATA, nftnl_udata_buf_data(udata),
				   nftnl_udata_buf_len(udata));
		nftnl_udata_buf_free(udata);
	}
	/* Only interval concatenations (the pipapo set type) take field
	 * lengths; hash sets reject them. */
	if (def->interval && def->n_key > 1) {
		for (size_t i = 0; i < def->n_key; i++)
			field_lens[i] = (uint8_t)jn_field_len(def->key[i]);
		nftnl_set_set_data(set, NFTNL_SET_DESC_CONCAT, field_lens,
				   (uint32_t)def->n_key);
	}
	return set;
}

/* The signature of a set: the types, lengths and flags that make a kernel
 * set the one jailnet expects. */
char *jn_set_signature(struct nftnl_set *set)
{
	uint32_t data_type = 0, data_len = 0;

	if (nftnl_set_is_set(set, NFTNL_SET_DATA_TYPE))
		data_type = nftnl_set_get_u32(set, NFTNL_SET_DATA_TYPE);
	if (nftnl_set_is_set(set, NFTNL_SET_DATA_LEN))
		data_len = nftnl_set_get_u32(set, NFTNL_SET_DATA_LEN);
	return jn_sprintf("flags 0x%x key type 0x%x len %u data type 0x%x len %u",
			  nftnl_set_get_u32(set, NFTNL_SET_FLAGS),
			  nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE),
			  nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN), data_type, data_len);
}
