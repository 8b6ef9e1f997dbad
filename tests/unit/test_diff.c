/* The diff on object lists alone: what is added, changed and removed, in
 * which order, and what is never touched. No kernel is involved. */
#include "tests/unit/unit.h"

#include "reconcile/desired.h"
#include "reconcile/diff.h"
#include "reconcile/nft.h"

static struct jn_obj *add(struct jn_objlist *list, enum jn_kind kind, const char *group,
			  const char *id, const char *value, bool owned)
{
	struct jn_obj *obj = jn_objlist_add(list, kind, group, id, value, NULL);

	obj->owned = owned;
	return obj;
}

static char *plan_text(const struct jn_plan *plan)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	jn_plan_print(out, plan);
	fclose(out);
	return text;
}

static void diff_text(struct jn_objlist *desired, struct jn_objlist *observed,
		      const char *expected)
{
	struct jn_plan plan;
	char *text;

	jn_objlist_sort(desired);
	jn_objlist_sort(observed);
	jn_diff(desired, observed, &plan);
	text = plan_text(&plan);
	assert_string_equal(text, expected);
	free(text);
	jn_plan_free(&plan);
	jn_objlist_free(desired);
	jn_objlist_free(observed);
}

static void diff_in_sync(void **state)
{
	struct jn_objlist desired = { 0 }, observed = { 0 };

	(void)state;
	add(&desired, JN_KIND_NETNS, "www", "www", "lo up", false);
	add(&observed, JN_KIND_NETNS, "www", "www", "lo up", true);
	diff_text(&desired, &observed, "No changes.\n");
}

static void diff_add_change_remove(void **state)
{
	struct jn_objlist desired = { 0 }, observed = { 0 };

	(void)state;
	add(&desired, JN_KIND_NETNS, "www", "www", "lo up", false);
	add(&desired, JN_KIND_SYSCTL, NULL, "net.ipv4.ip_forward", "1", false);
	add(&observed, JN_KIND_SYSCTL, NULL, "net.ipv4.ip_forward", "0", false);
	add(&observed, JN_KIND_NETNS, "old", "old", "lo up", true);
	diff_text(&desired, &observed,
		  "- old: netns old\n"
		  "+ www: netns www\n"
		  "~ host: sysctl net.ipv4.ip_forward (0 -> 1)\n"
		  "Plan: 1 to add, 1 to change, 1 to remove.\n");
}

static void diff_never_removes_foreign(void **state)
{
	struct jn_objlist desired = { 0 }, observed = { 0 };

	(void)state;
	add(&observed, JN_KIND_NETNS, "other", "other", "lo up", false);
	add(&observed, JN_KIND_SYSCTL, NULL, "net.ipv6.conf.all.forwarding", "1", false);
	diff_text(&desired, &observed, "No changes.\n");
}

static void diff_removes_duplicate_rule(void **state)
{
	struct jn_objlist desired = { 0 }, observed = { 0 };
	struct jn_obj *obj;

	(void)state;
	obj = add(&desired, JN_KIND_NFT_RULE, NULL, "forward 00ff", "", false);
	obj->chain = jn_strdup("forward");
	for (int i = 0; i < 2; i++) {
		obj = add(&observed, JN_KIND_NFT_RULE, NULL, "forward 00ff", "", true);
		obj->chain = jn_strdup("forward");
		obj->position = (unsigned)i;
	}
	diff_text(&desired, &observed,
		  "- host: nft rule forward 00ff\n"
		  "Plan: 0 to add, 0 to change, 1 to remove.\n");
}

/* Link removals first (in reverse dependency order, so a removed jail's
 * traffic stops before its elements go), then the nftables batch
 * (removals before additions), then additions, then sysctls. */
static void diff_order_of_phases(void **state)
{
	struct jn_objlist desired = { 0 }, observed = { 0 };
	struct jn_obj *obj;

	(void)state;
	add(&desired, JN_KIND_SYSCTL, NULL, "net.ipv4.ip_forward", "1", false);
	add(&observed, JN_KIND_SYSCTL, NULL, "net.ipv4.ip_forward", "0", false);
	add(&desired, JN_KIND_ADDR, "b", "b-addr", "ok", false);
	add(&desired, JN_KIND_NETNS, "b", "b", "lo up", false);
	add(&observed, JN_KIND_NETNS, "a", "a", "lo up", true);
	obj = add(&observed, JN_KIND_VETH, "a", "a-out <-> a-in", "up", true);
	snprintf(obj->ifname, sizeof(obj->ifname), "a-out");
	obj = add(&desired, JN_KIND_NFT_ELEM, "b", "jail_hosts b", "", false);
	obj->set = jn_strdup("jail_hosts");
	obj = add(&observed, JN_KIND_NFT_ELEM, "a", "jail_hosts a", "", true);
	obj->set = jn_strdup("jail_hosts");
	diff_text(&desired, &observed,
		  "- a: veth a-out <-> a-in\n"
		  "- a: netns a\n"
		  "- a: nft element jail_hosts a\n"
		  "+ b: nft element jail_hosts b\n"
		  "+ b: netns b\n"
		  "+ b: address b-addr\n"
		  "~ host: sysctl net.ipv4.ip_forward (0 -> 1)\n"
		  "Plan: 3 to add, 1 to change, 3 to remove.\n");
}

/* Addresses and routes of a removed link or namespace go with it: they are
 * listed but apply sends nothing for them. */
static void diff_marks_implied(void **state)
{
	struct jn_objlist desired = { 0 }, observed = { 0 };
	struct jn_obj *veth, *addr, *kept, *route;
	struct jn_plan plan;

	(void)state;
	veth = add(&observed, JN_KIND_VETH, "a", "a-out <-> eth0", "up", true);
	snprintf(veth->ifname, sizeof(veth->ifname), "a-out");
	snprintf(veth->peer_ifname, sizeof(veth->peer_ifname), "eth0");
	snprintf(veth->netns, sizeof(veth->netns), "a");
	addr = add(&observed, JN_KIND_ADDR, "a", "a eth0 10.0.0.2/30", "ok", true);
	snprintf(addr->ifname, sizeof(addr->ifname), "eth0");
	snprintf(addr->netns, sizeof(addr->netns), "a");
	/* Same jail-end name in another namespace: not implied. */
	kept = add(&observed, JN_KIND_ADDR, "b", "b eth0 10.0.1.2/30", "ok", true);
	snprintf(kept->ifname, sizeof(kept->ifname), "eth0");
	snprintf(kept->netns, sizeof(kept->netns), "b");
	route = add(&observed, JN_KIND_ROUTE, "a", "a default ipv4", "via", true);
	snprintf(route->netns, sizeof(route->netns), "a");
	snprintf(route->ifname, sizeof(route->ifname), "eth0");
	jn_objlist_sort(&desired);
	jn_objlist_sort(&observed);
	jn_diff(&desired, &observed, &plan);
	assert_int_equal(plan.count, 4);
	for (size_t i = 0; i < plan.count; i++) {
		const struct jn_obj *obj = plan.changes[i].observed;
		bool expected = obj->kind != JN_KIND_VETH && strcmp(obj->netns, "a") == 0;

		assert_int_equal(plan.changes[i].implied, expected);
	}
	jn_plan_free(&plan);
	jn_objlist_free(&desired);
	jn_objlist_free(&observed);
}

/* The whole desired state of the seed file, planned against an empty host. */
static void diff_seed_from_scratch(void **state)
{
	struct jn_objlist desired = { 0 }, observed = { 0 };
	struct jn_config config;
	struct jn_diag diag;
	struct jn_plan plan;
	size_t netns = 0, rules = 0;

	(void)state;
	jn_diag_init(&diag, "testdata/foobar.yaml");
	assert_int_equal(jn_config_load("testdata/foobar.yaml", &config, &diag), 0);
	jn_desired_build(&config, &desired);
	add(&observed, JN_KIND_SYSCTL, NULL, JN_SYSCTL_IPV4_FORWARD, "1", false);
	add(&observed, JN_KIND_SYSCTL, NULL, JN_SYSCTL_IPV6_FORWARD, "1", false);
	jn_objlist_sort(&desired);
	jn_objlist_sort(&observed);
	jn_diff(&desired, &observed, &plan);
	for (size_t i = 0; i < plan.count; i++) {
		assert_int_equal(plan.changes[i].action, JN_ADD);
		netns += jn_change_obj(&plan.changes[i])->kind == JN_KIND_NETNS;
		rules += jn_change_obj(&plan.changes[i])->kind == JN_KIND_NFT_RULE;
	}
	assert_int_equal(netns, 2);
	/* forward 5, from_jail 9, to_jail 2, input 8, prerouting 2, postrouting 2 */
	assert_int_equal(rules, 28);
	assert_int_equal(plan.n_change, 0);
	assert_int_equal(plan.n_remove, 0);
	assert_int_equal(jn_change_obj(&plan.changes[0])->kind, JN_KIND_NFT_TABLE);
	jn_plan_free(&plan);
	jn_objlist_free(&desired);
	jn_objlist_free(&observed);
	jn_config_free(&config);
	jn_diag_free(&diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diff_in_sync),
		cmocka_unit_test(diff_add_change_remove),
		cmocka_unit_test(diff_never_removes_foreign),
		cmocka_unit_test(diff_removes_duplicate_rule),
		cmocka_unit_test(diff_order_of_phases),
		cmocka_unit_test(diff_marks_implied),
		cmocka_unit_test(diff_seed_from_scratch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
