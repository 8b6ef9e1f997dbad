/* Builders of nftables expressions: each appends one expression to a rule. */
#ifndef JAILNET_NFT_EXPR_H
#define JAILNET_NFT_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nftnl_rule;

/* Packet fields that rules load into registers for a lookup. */
enum jn_source {
	JN_SRC_IIFNAME,
	JN_SRC_OIFNAME,
	JN_SRC_IP_SADDR,
	JN_SRC_IP_DADDR,
	JN_SRC_IP6_SADDR,
	JN_SRC_IP6_DADDR,
	JN_SRC_L4PROTO,
	JN_SRC_TH_DPORT,
};

/* The register that holds 32-bit word WORD of the register file, named
 * the way the kernel reports it. */
uint32_t jn_reg32(uint32_t word);
void jn_expr_meta(struct nftnl_rule *rule, uint32_t key, uint32_t dreg);
void jn_expr_payload(struct nftnl_rule *rule, uint32_t base, uint32_t offset,
		     uint32_t len, uint32_t dreg);
void jn_expr_cmp(struct nftnl_rule *rule, uint32_t sreg, uint32_t op,
		 const void *data, uint32_t len);
void jn_expr_cmp_u8(struct nftnl_rule *rule, uint32_t sreg, uint32_t op, uint8_t value);
/* reg = (reg & MASK) != 0, for ct state and ct status bits. */
void jn_expr_bits_set(struct nftnl_rule *rule, uint32_t sreg, uint32_t mask);
void jn_expr_ct(struct nftnl_rule *rule, uint32_t key, uint32_t dreg);
void jn_expr_verdict(struct nftnl_rule *rule, int verdict, const char *chain);
/* Load SOURCES into consecutive 32-bit registers from NFT_REG32_00 and
 * look them up in SET. A negative DREG means no map data. */
void jn_expr_lookup(struct nftnl_rule *rule, const enum jn_source *sources,
		    size_t count, const char *set, bool invert, int dreg);
/* fib daddr type local */
void jn_expr_fib_local(struct nftnl_rule *rule);
void jn_expr_dnat(struct nftnl_rule *rule, int family, uint32_t reg_addr,
		  uint32_t reg_port);
void jn_expr_masquerade(struct nftnl_rule *rule);
/* meta nfproto FAMILY */
void jn_expr_family(struct nftnl_rule *rule, uint8_t nfproto);

#endif
