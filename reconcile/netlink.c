#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "reconcile/netlink.h"

/* Large enough for a dump batch of rtnetlink or nftables messages. */
#define JN_NL_BUFSIZE (64 * 1024)

struct jn_nl_stats jn_nl_stats;
static char *shared_buffer;
bool jn_nl_debug;

static int open_here(struct jn_nl *nl, int bus)
{
	int one = 1;

	nl->sock = mnl_socket_open(bus);
	if (!nl->sock)
		return -errno;
	/* Ask for error strings; kernels without it ignore the option. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Lets dump requests carry filters (kernel 4.20+). */
	if (bus == NETLINK_ROUTE)
		mnl_socket_setsockopt(nl->sock, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	return 0;
}

int jn_nl_open(struct jn_nl *nl, int bus, int netns_fd)
{
	int self = -1, rc;

	memset(nl, 0, sizeof(*nl));
	if (netns_fd >= 0) {
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return -errno;
		if (setns(netns_fd, CLONE_NEWNET) < 0) {
			rc = -errno;
			close(self);
			return rc;
		}
	}
	rc = open_here(nl, bus);
	if (self >= 0) {
		/* A failure here would leave us in the wrong namespace. */
		if (setns(self, CLONE_NEWNET) < 0)
			abort();
		close(self);
	}
	if (rc < 0)
		return rc;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)getpid() << 8;
	/* One receive buffer serves every socket: jailnet reads one reply
	 * at a time, and a buffer per namespace would cost 64 KiB each. */
	if (!shared_buffer) {
		shared_buffer = malloc(JN_NL_BUFSIZE);
		if (!shared_buffer)
			abort();
	}
	nl->buf = shared_buffer;
	return 0;
}

uint32_t jn_nl_next_seq(struct jn_nl *nl)
{
	return ++nl->seq;
}

void jn_nl_close(struct jn_nl *nl)
{
	free(nl->queue);
	free(nl->queued);
	nl->queue = NULL;
	nl->queued = NULL;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	nl->buf = NULL;
}

void jn_nl_release_buffer(void)
{
	free(shared_buffer);
	shared_buffer = NULL;
}

struct nlmsghdr *jn_nl_header(struct jn_nl *nl, void *buf, uint16_t type,
			      uint16_t flags)
{
	struct nlmsghdr *nlh;

	/* libmnl 1.0.4 leaves attribute padding unwritten: start from zeros. */
	memset(buf, 0, JN_NL_REQ_SIZE);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

bool jn_nl_is_modifying(int bus, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_flags & NLM_F_DUMP)
		return false;
	if (bus == NETLINK_ROUTE)
		return nlh->nlmsg_type != RTM_GETLINK && nlh->nlmsg_type != RTM_GETADDR &&
		       nlh->nlmsg_type != RTM_GETROUTE && nlh->nlmsg_type != RTM_GETNSID;
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_GETTABLE:
	case NFT_MSG_GETCHAIN:
	case NFT_MSG_GETRULE:
	case NFT_MSG_GETSET:
	case NFT_MSG_GETSETELEM:
	case NFT_MSG_GETGEN:
		return false;
	}
	return nlh->nlmsg_type != NFNL_MSG_BATCH_BEGIN &&
	       nlh->nlmsg_type != NFNL_MSG_BATCH_END;
}

static void debug_message(const char *dir, const struct nlmsghdr *nlh)
{
	if (jn_nl_debug)
		fprintf(stderr, "netlink %s: type %u flags 0x%x seq %u len %u\n", dir,
			nlh->nlmsg_type, nlh->nlmsg_flags, nlh->nlmsg_seq,
			nlh->nlmsg_len);
}

/* Copy the extended ACK message, if any, out of an NLMSG_ERROR. */
static void read_ext_ack(struct jn_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += err->msg.nlmsg_len - sizeof(err->msg);
	mnl_attr_for_each(attr, nlh, offset) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		snprintf(nl->error, sizeof(nl->error), "%s", mnl_attr_get_str(attr));
	}
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct jn_nl *nl = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	read_ext_ack(nl, nlh);
	errno = -err->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct jn_nl *nl = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		nl->dump_interrupted = true;
	return MNL_CB_STOP;
}


struct dump_ctx {
	struct jn_nl *nl;
	jn_nl_cb cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	int rc;

	debug_message("received", nlh);
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->nl->dump_interrupted = true;
	if (!ctx->cb)
		return MNL_CB_OK;
	rc = ctx->cb(nlh, ctx->data);
	if (rc < 0) {
		errno = -rc;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}


/* Handle one reply of the exchange with sequence SEQ. Returns 1 to go
 * on, 0 when the exchange ended, or -errno when it failed. */
static int handle_reply(const struct nlmsghdr *nlh, struct dump_ctx *ctx, int *cb_error)
{
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (error_cb(nlh, ctx->nl) == MNL_CB_ERROR)
			return -errno;
		return 0;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		done_cb(nlh, ctx->nl);
		return 0;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return 1;
	/* After a callback failed, the rest of the dump is still read, so
	 * no stale reply is left on the socket for the next request. */
	if (!*cb_error && data_cb(nlh, ctx) == MNL_CB_ERROR)
		*cb_error = errno ? -errno : -EBADMSG;
	return 1;
}

/* Read the replies to one request or dump until the kernel ends it.
 * Answers with another sequence number (left by an earlier exchange that
 * was cut short) are skipped. */
static int receive(struct jn_nl *nl, uint32_t seq, struct dump_ctx *ctx)
{
	int cb_error = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, JN_NL_BUFSIZE);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
		int remaining = (int)n;

		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
			int rc;

			if (nlh->nlmsg_seq != seq)
				continue;
			rc = handle_reply(nlh, ctx, &cb_error);
			if (rc <= 0)
				return rc < 0 ? rc : cb_error;
		}
	}
}

/* Read one ACK or error per message of a batch, up to the one for LAST.
 * Keeps the first error and its extended ACK text. */
static int receive_batch(struct jn_nl *nl, uint32_t begin, uint32_t last)
{
	int first_error = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, JN_NL_BUFSIZE);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
		int remaining = (int)n;

		if (n < 0)
			return first_error ? first_error : -errno;
		for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (error_cb(nlh, nl) == MNL_CB_ERROR && !first_error) {
				first_error = -errno;
				nl->error_seq = nlh->nlmsg_seq;
			}
			/* An error on the batch begin message (a changed
			 * generation) is the only reply the kernel sends. */
			if (nlh->nlmsg_seq == last || (first_error && nlh->nlmsg_seq == begin))
				return first_error;
		}
	}
}

static int send_message(struct jn_nl *nl, const void *buf, size_t len)
{
	if (mnl_socket_sendto(nl->sock, buf, len) < 0)
		return -errno;
	return 0;
}

/* Requests per flush: their ACKs must fit the socket's receive buffer. */
#define JN_NL_MAX_QUEUED 256

static void queue_request(struct jn_nl *nl, const struct nlmsghdr *nlh)
{
	if (nl->queue_len + nlh->nlmsg_len > nl->queue_capacity) {
		nl->queue_capacity = (nl->queue_len + nlh->nlmsg_len) * 2 + 4096;
		nl->queue = realloc(nl->queue, nl->queue_capacity);
		if (!nl->queue)
			abort();
	}
	nl->queued = realloc(nl->queued, (nl->n_queued + 1) * sizeof(*nl->queued));
	if (!nl->queued)
		abort();
	memcpy(nl->queue + nl->queue_len, nlh, nlh->nlmsg_len);
	nl->queue_len += NLMSG_ALIGN(nlh->nlmsg_len);
	nl->queued[nl->n_queued].seq = nlh->nlmsg_seq;
	nl->queued[nl->n_queued].owner = nl->owner;
	nl->n_queued++;
}

static const void *queued_owner(const struct jn_nl *nl, uint32_t seq)
{
	for (size_t i = 0; i < nl->n_queued; i++)
		if (nl->queued[i].seq == seq)
			return nl->queued[i].owner;
	return NULL;
}

int jn_nl_flush(struct jn_nl *nl, const void **failed)
{
	int rc = 0;

	*failed = NULL;
	if (nl->n_queued == 0)
		return 0;
	nl->error[0] = '\0';
	rc = send_message(nl, nl->queue, nl->queue_len);
	if (rc == 0)
		rc = receive_batch(nl, 0, nl->queued[nl->n_queued - 1].seq);
	if (rc < 0)
		*failed = queued_owner(nl, nl->error_seq);
	nl->queue_len = 0;
	nl->n_queued = 0;
	return rc;
}

int jn_nl_request(struct jn_nl *nl, struct nlmsghdr *nlh)
{
	struct dump_ctx ctx = { .nl = nl };
	const void *failed;
	int rc;

	if (nl->queueing) {
		nlh->nlmsg_flags |= NLM_F_ACK;
		debug_message("queued", nlh);
		jn_nl_stats.sent++;
		jn_nl_stats.sent_modifying++;
		/* A full queue is sent at once; an error then fails this
		 * request, though an earlier one caused it. */
		if (nl->n_queued >= JN_NL_MAX_QUEUED && (rc = jn_nl_flush(nl, &failed)) < 0)
			return rc;
		queue_request(nl, nlh);
		return 0;
	}
	nlh->nlmsg_flags |= NLM_F_ACK;
	nl->error[0] = '\0';
	debug_message("sent", nlh);
	jn_nl_stats.sent++;
	jn_nl_stats.sent_modifying++;
	rc = send_message(nl, nlh, nlh->nlmsg_len);
	if (rc < 0)
		return rc;
	return receive(nl, nlh->nlmsg_seq, &ctx);
}

int jn_nl_dump(struct jn_nl *nl, struct nlmsghdr *nlh, jn_nl_cb cb, void *data)
{
	struct dump_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	int rc;

	nl->error[0] = '\0';
	nl->dump_interrupted = false;
	/* A plain get ends with its ACK, a dump with NLMSG_DONE. */
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	debug_message("sent", nlh);
	jn_nl_stats.sent++;
	rc = send_message(nl, nlh, nlh->nlmsg_len);
	if (rc < 0)
		return rc;
	rc = receive(nl, nlh->nlmsg_seq, &ctx);
#ifdef JAILNET_FAULT_INJECTION
	/* Test builds: JAILNET_FAULT_DUMP_INTR=N marks the first N dumps as
	 * interrupted, as a concurrent change would. */
	static long interrupts_left = -1;

	if (interrupts_left < 0)
		interrupts_left = getenv("JAILNET_FAULT_DUMP_INTR")
					  ? strtol(getenv("JAILNET_FAULT_DUMP_INTR"), NULL, 10) : 0;
	if (rc == 0 && (nlh->nlmsg_flags & NLM_F_DUMP) && interrupts_left > 0) {
		interrupts_left--;
		nl->dump_interrupted = true;
	}
#endif
	if (rc == 0 && nl->dump_interrupted)
		return -EINTR;
	return rc;
}

int jn_nl_send_batch(struct jn_nl *nl, const void *buf, size_t len,
		     uint32_t last_seq, bool modifying)
{
	const struct nlmsghdr *nlh = buf;
	int remaining = (int)len, rc;

	nl->error[0] = '\0';
	for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
		debug_message("sent", nlh);
		jn_nl_stats.sent++;
		if (modifying && jn_nl_is_modifying(NETLINK_NETFILTER, nlh))
			jn_nl_stats.sent_modifying++;
	}
	rc = send_message(nl, buf, len);
	if (rc < 0)
		return rc;
	return receive_batch(nl, ((const struct nlmsghdr *)buf)->nlmsg_seq, last_seq);
}
