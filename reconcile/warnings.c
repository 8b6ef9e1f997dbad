#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>

#include "reconcile/desired.h"
#include "reconcile/marks.h"
#include "reconcile/warnings.h"

static const char *family_name(uint32_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return "unknown";
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct jn_plan *plan = data;
	struct nftnl_chain *chain = nftnl_chain_alloc();

	if (!chain)
		abort();
	if (nftnl_chain_nlmsg_parse(nlh, chain) == 0 &&
	    nftnl_chain_is_set(chain, NFTNL_CHAIN_HOOKNUM) &&
	    nftnl_chain_get_u32(chain, NFTNL_CHAIN_HOOKNUM) == NF_INET_FORWARD &&
	    nftnl_chain_is_set(chain, NFTNL_CHAIN_POLICY) &&
	    nftnl_chain_get_u32(chain, NFTNL_CHAIN_POLICY) == NF_DROP &&
	    strcmp(nftnl_chain_get_str(chain, NFTNL_CHAIN_TABLE), JN_TABLE_NAME) != 0)
		jn_plan_warn(plan,
			     "chain %s in table %s %s has hook forward and policy drop; it drops jail traffic that jailnet accepts unless it accepts the jail interfaces itself",
			     nftnl_chain_get_str(chain, NFTNL_CHAIN_NAME),
			     family_name(nftnl_chain_get_u32(chain, NFTNL_CHAIN_FAMILY)),
			     nftnl_chain_get_str(chain, NFTNL_CHAIN_TABLE));
	nftnl_chain_free(chain);
	return 0;
}

static void warn_forward_drop(struct jn_host *host, struct jn_plan *plan)
{
	char buf[JN_NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC,
						     NLM_F_DUMP, jn_nl_next_seq(&host->nft));

	/* NOTE: a dump interrupted here loses only warnings, not state. */
	jn_nl_dump(&host->nft, nlh, chain_cb, plan);
}

static bool process_runs(const char *name)
{
	DIR *dir = opendir("/proc");
	struct dirent *entry;
	bool found = false;

	if (!dir)
		return false;
	while (!found && (entry = readdir(dir))) {
		char path[512], comm[64] = "";
		FILE *file;

		if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", entry->d_name);
		if (!(file = fopen(path, "r")))
			continue;
		if (fgets(comm, sizeof(comm), file))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(file);
		found = strcmp(comm, name) == 0;
	}
	closedir(dir);
	return found;
}

static int read_int(const char *path)
{
	FILE *file = fopen(path, "r");
	int value = -1;

	if (!file)
		return -1;
	if (fscanf(file, "%d", &value) != 1)
		value = -1;
	fclose(file);
	return value;
}

static bool plan_turns_on(const struct jn_plan *plan, const char *sysctl)
{
	for (size_t i = 0; i < plan->count; i++) {
		const struct jn_obj *obj = jn_change_obj(&plan->changes[i]);

		if (obj->kind == JN_KIND_SYSCTL && strcmp(obj->id, sysctl) == 0 &&
		    plan->changes[i].desired)
			return true;
	}
	return false;
}

static void warn_uplinks(const struct jn_config *config, struct jn_plan *plan)
{
	bool forward6 = plan_turns_on(plan, JN_SYSCTL_IPV6_FORWARD);
	int all_rp = read_int("/proc/sys/net/ipv4/conf/all/rp_filter");

	for (size_t i = 0; i < config->n_uplinks; i++) {
		const char *ifname = config->uplinks[i].ifname;
		bool seen = false;
		char path[128];
		int rp;

		/* Two uplinks may share an interface: warn once for it. */
		for (size_t j = 0; j < i; j++)
			seen |= strcmp(config->uplinks[j].ifname, ifname) == 0;
		if (seen)
			continue;
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra", ifname);
		if (forward6 && read_int(path) == 1)
			jn_plan_warn(plan,
				     "this run switches IPv6 forwarding on, so the kernel stops accepting router advertisements on %s (accept_ra is 1); if %s gets its IPv6 route by SLAAC, set net.ipv6.conf.%s.accept_ra=2",
				     ifname, ifname, ifname);
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", ifname);
		rp = read_int(path);
		/* The kernel uses the larger of the two values; 1 is strict. */
		if ((all_rp > rp ? all_rp : rp) == 1)
			jn_plan_warn(plan,
				     "strict reverse path filtering is on for %s (the larger of conf.all and conf.%s rp_filter is 1); asymmetric jail traffic will be dropped",
				     ifname, ifname);
	}
}

void jn_warn_host(struct jn_host *host, const struct jn_config *config,
		  struct jn_plan *plan)
{
	warn_forward_drop(host, plan);
	if (config)
		warn_uplinks(config, plan);
	if (config && config->n_namespaces && process_runs("NetworkManager"))
		jn_plan_warn(plan,
			     "NetworkManager is running and may manage the jail veth interfaces; list them in its unmanaged-devices setting");
}
