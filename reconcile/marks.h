/* The marks that record ownership in the kernel objects themselves, so no
 * state file can drift from the kernel. jailnet changes or removes only
 * objects that carry one of them. */
#ifndef JAILNET_MARKS_H
#define JAILNET_MARKS_H

/* Device group of every link jailnet makes, and of the loopback device of
 * every namespace it makes. Set at creation (IFLA_GROUP), so there is no
 * moment when such a link exists unmarked. "jn" in ASCII. */
#define JN_LINK_GROUP 0x6a6eu
/* Routing protocol number of jailnet's routes (`ip route` shows "proto
 * 213"); iproute2 6.1 assigns no name to it. */
#define JN_ROUTE_PROTOCOL 213
/* Comment (user data) of the nftables table. */
#define JN_TABLE_COMMENT "managed by jailnet; changes are reverted"
#define JN_TABLE_NAME "jailnet"
/* The set whose comment is JN_TABLE_COMMENT as well, for kernels that drop
 * table comments (before 5.13). */
#define JN_OWNER_SET "jail_hosts"

#endif
