#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "reconcile/marks.h"
#include "reconcile/nft_expr.h"
#include "reconcile/nft.h"

static struct nftnl_expr *expr_new(struct nftnl_rule *rule, const char *name)
{
	struct nftnl_expr *expr = nftnl_expr_alloc(name);

	if (!expr)
		abort();
	nftnl_rule_add_expr(rule, expr);
	return expr;
}

void jn_expr_meta(struct nftnl_rule *rule, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *expr = expr_new(rule, "meta");

	nftnl_expr_set_u32(expr, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_META_DREG, dreg);
}

void jn_expr_payload(struct nftnl_rule *rule, uint32_t base, uint32_t offset,
		     uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *expr = expr_new(rule, "payload");

	nftnl_expr_set_u32(expr, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_PAYLOAD_DREG, dreg);
}

void jn_expr_cmp(struct nftnl_rule *rule, uint32_t sreg, uint32_t op,
		 const void *data, uint32_t len)
{
	struct nftnl_expr *expr = expr_new(rule, "cmp");

	nftnl_expr_set_u32(expr, NFTNL_EXPR_CMP_SREG, sreg);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(expr, NFTNL_EXPR_CMP_DATA, data, len);
}

void jn_expr_cmp_u8(struct nftnl_rule *rule, uint32_t sreg, uint32_t op, uint8_t value)
{
	jn_expr_cmp(rule, sreg, op, &value, sizeof(value));
}

void jn_expr_bits_set(struct nftnl_rule *rule, uint32_t sreg, uint32_t mask)
{
	struct nftnl_expr *expr = expr_new(rule, "bitwise");
	uint32_t zero = 0;

	nftnl_expr_set_u32(expr, NFTNL_EXPR_BITWISE_SREG, sreg);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_BITWISE_DREG, sreg);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_BITWISE_OP, NFT_BITWISE_BOOL);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_BITWISE_LEN, sizeof(uint32_t));
	nftnl_expr_set(expr, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
	nftnl_expr_set(expr, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
	jn_expr_cmp(rule, sreg, NFT_CMP_NEQ, &zero, sizeof(zero));
}

void jn_expr_ct(struct nftnl_rule *rule, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *expr = expr_new(rule, "ct");

	nftnl_expr_set_u32(expr, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_CT_DREG, dreg);
}

void jn_expr_verdict(struct nftnl_rule *rule, int verdict, const char *chain)
{
	struct nftnl_expr *expr = expr_new(rule, "immediate");

	nftnl_expr_set_u32(expr, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (chain)
		nftnl_expr_set_str(expr, NFTNL_EXPR_IMM_CHAIN, chain);
}

static void load_source(struct nftnl_rule *rule, enum jn_source source, uint32_t reg)
{
	switch (source) {
	case JN_SRC_IIFNAME:
		jn_expr_meta(rule, NFT_META_IIFNAME, reg);
		break;
	case JN_SRC_OIFNAME:
		jn_expr_meta(rule, NFT_META_OIFNAME, reg);
		break;
	case JN_SRC_IP_SADDR:
		jn_expr_payload(rule, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, reg);
		break;
	case JN_SRC_IP_DADDR:
		jn_expr_payload(rule, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, reg);
		break;
	case JN_SRC_IP6_SADDR:
		jn_expr_payload(rule, NFT_PAYLOAD_NETWORK_HEADER, 8, 16, reg);
		break;
	case JN_SRC_IP6_DADDR:
		jn_expr_payload(rule, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, reg);
		break;
	case JN_SRC_L4PROTO:
		jn_expr_meta(rule, NFT_META_L4PROTO, reg);
		break;
	case JN_SRC_TH_DPORT:
		jn_expr_payload(rule, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg);
		break;
	}
}

static uint32_t source_words(enum jn_source source)
{
	switch (source) {
	case JN_SRC_IIFNAME:
	case JN_SRC_OIFNAME:
	case JN_SRC_IP6_SADDR:
	case JN_SRC_IP6_DADDR:
		return 4;
	default:
		return 1;
	}
}

uint32_t jn_reg32(uint32_t word)
{
	/* The kernel reports a 32-bit register that starts a 16-byte one by
	 * the 16-byte name; use the same name so rules compare equal. */
	if (word % 4 == 0)
		return NFT_REG_1 + word / 4;
	return NFT_REG32_00 + word;
}

void jn_expr_lookup(struct nftnl_rule *rule, const enum jn_source *sources,
		    size_t count, const char *set, bool invert, int dreg)
{
	struct nftnl_expr *expr;
	uint32_t word = 0;

	for (size_t i = 0; i < count; i++) {
		load_source(rule, sources[i], jn_reg32(word));
		word += source_words(sources[i]);
	}
	expr = expr_new(rule, "lookup");
	/* A lookup's source is the first register of the concatenation, which
	 * nft names by its 16-byte alias. */
	nftnl_expr_set_u32(expr, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(expr, NFTNL_EXPR_LOOKUP_SET, set);
	if (dreg >= 0)
		nftnl_expr_set_u32(expr, NFTNL_EXPR_LOOKUP_DREG, (uint32_t)dreg);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_LOOKUP_FLAGS, invert ? NFT_LOOKUP_F_INV : 0);
}

void jn_expr_fib_local(struct nftnl_rule *rule)
{
	struct nftnl_expr *expr = expr_new(rule, "fib");
	uint32_t local = RTN_LOCAL;

	nftnl_expr_set_u32(expr, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	jn_expr_cmp(rule, NFT_REG_1, NFT_CMP_EQ, &local, sizeof(local));
}

void jn_expr_dnat(struct nftnl_rule *rule, int family, uint32_t reg_addr,
		  uint32_t reg_port)
{
	struct nftnl_expr *expr = expr_new(rule, "nat");

	nftnl_expr_set_u32(expr, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_NAT_FAMILY, (uint32_t)family);
	/* The kernel reports the max registers and these flags even when only
	 * the min registers were given; set them so rules compare equal. */
	nftnl_expr_set_u32(expr, NFTNL_EXPR_NAT_REG_ADDR_MIN, reg_addr);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_NAT_REG_ADDR_MAX, reg_addr);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_NAT_REG_PROTO_MIN, reg_port);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_NAT_REG_PROTO_MAX, reg_port);
	nftnl_expr_set_u32(expr, NFTNL_EXPR_NAT_FLAGS,
			   NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
}

void jn_expr_masquerade(struct nftnl_rule *rule)
{
	expr_new(rule, "masq");
}

void jn_expr_family(struct nftnl_rule *rule, uint8_t nfproto)
{
	jn_expr_meta(rule, NFT_META_NFPROTO, NFT_REG_1);
	jn_expr_cmp_u8(rule, NFT_REG_1, NFT_CMP_EQ, nfproto);
}
