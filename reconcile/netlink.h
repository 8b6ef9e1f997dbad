/* A netlink socket bound to one network namespace, with request/ACK and
 * dump helpers that return the kernel's extended ACK message on error. */
#ifndef JAILNET_NETLINK_H
#define JAILNET_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

/* Size of a buffer for one request message. */
#define JN_NL_REQ_SIZE 4096
/* Interrupted dumps (NLM_F_DUMP_INTR) are retried this many times. */
#define JN_DUMP_RETRIES 5

struct jn_nl {
	struct mnl_socket *sock;
	unsigned portid;
	uint32_t seq;
	char *buf;		/* receive buffer, shared by all sockets */
	char error[256];	/* extended ACK text of the last error, or "" */
	uint32_t error_seq;	/* sequence number of the request that failed */
	bool dump_interrupted;

	/* Pipelining: while QUEUEING is set, jn_nl_request() only appends the
	 * request, tagged with OWNER, and jn_nl_flush() sends them together. */
	bool queueing;
	const void *owner;
	char *queue;
	size_t queue_len, queue_capacity;
	struct jn_nl_queued *queued;
	size_t n_queued;
};

struct jn_nl_queued {
	uint32_t seq;
	const void *owner;
};

/* Counters of messages sent, for the benchmark and for tests that prove an
 * idle apply sends nothing that modifies state. */
struct jn_nl_stats {
	unsigned long sent;
	unsigned long sent_modifying;
};
extern struct jn_nl_stats jn_nl_stats;
extern bool jn_nl_debug;

typedef int (*jn_nl_cb)(const struct nlmsghdr *nlh, void *data);

/* Open a socket for BUS in the network namespace NETNS_FD (-1: current).
 * Returns 0 or -errno. */
int jn_nl_open(struct jn_nl *nl, int bus, int netns_fd);
void jn_nl_close(struct jn_nl *nl);
/* Free the receive buffer that all sockets share, once none is open. */
void jn_nl_release_buffer(void);

/* Prepare a request header in BUF (JN_NL_REQ_SIZE bytes, zeroed here);
 * sets the sequence number. */
struct nlmsghdr *jn_nl_header(struct jn_nl *nl, void *buf, uint16_t type,
			      uint16_t flags);

uint32_t jn_nl_next_seq(struct jn_nl *nl);

/* Send NLH (with NLM_F_ACK added) and wait for its ACK. Returns 0 or
 * -errno; nl->error holds the kernel's message where it gave one. */
int jn_nl_request(struct jn_nl *nl, struct nlmsghdr *nlh);
/* Send every queued request in one write and read one ACK each. Returns
 * 0 or the first -errno, with the OWNER of the failed request in *FAILED
 * and the kernel's text in nl->error. The queue is empty afterwards. */
int jn_nl_flush(struct jn_nl *nl, const void **failed);

/* Send the dump or get request NLH, calling CB for every reply. Returns
 * 0, -EINTR when the kernel marked the dump interrupted (the caller drops
 * what it got and asks again), or another -errno. */
int jn_nl_dump(struct jn_nl *nl, struct nlmsghdr *nlh, jn_nl_cb cb, void *data);
/* Send LEN bytes at BUF (an nftables batch whose messages all carry
 * NLM_F_ACK) and read replies until the one for sequence LAST_SEQ.
 * Returns 0 or the first -errno; nl->error holds its message. */
int jn_nl_send_batch(struct jn_nl *nl, const void *buf, size_t len,
		     uint32_t last_seq, bool modifying);

/* Whether message type TYPE on BUS changes state (for the counters). */
bool jn_nl_is_modifying(int bus, const struct nlmsghdr *nlh);

#endif
