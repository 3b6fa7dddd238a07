/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <rte_errno.h>

#include "flow.h"
#include "test_eal.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* A rule that matches everything until a test narrows it. */
static struct flow_rule_params any_rule(enum flow_action_type action)
{
	struct flow_rule_params r;
	memset(&r, 0, sizeof(r));
	r.name = "r";
	r.protocol = FLOW_PROTO_ANY;
	r.ingress_port = -1;
	r.act.action = action;
	r.act.mss_mode = FLOW_MSS_AUTO;
	r.act.fragment = FRAG_POLICY_RESPECT_DF;
	r.act.lan_profile = -1;
	r.act.wan_profile = -1;
	return r;
}

static struct flow_match_input pkt(void)
{
	struct flow_match_input m;
	memset(&m, 0, sizeof(m));
	m.family = FLOW_FAMILY_IPV4;
	m.proto = 6;
	m.src.v4 = IP4(10, 1, 2, 3);
	m.dst.v4 = IP4(192, 168, 7, 9);
	m.sport = 40000;
	m.dport = 104;
	m.dscp = 0;
	m.ingress_port = 0;
	return m;
}

/* Match in against one rule; 0 = matched, -1 = default. */
static int match1(const struct flow_rule_params *c, const struct flow_match_input *in)
{
	struct flow_rules *r = flow_rules_create(c, 1, FLOW_ACTION_FORWARD);
	assert_non_null(r);
	int idx = flow_rules_match(r, in);
	flow_rules_free(r);
	return idx;
}

static void empty_rule_matches_all(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();
	assert_int_equal(match1(&c, &m), 0);
	m.family = FLOW_FAMILY_IPV6;
	m.flags = FLOW_MATCH_F_FRAG_NONFIRST;
	assert_int_equal(match1(&c, &m), 0);
}

static void protocol(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();
	c.protocol = 17;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.proto = 17;
	assert_int_equal(match1(&c, &m), 0);
}

static void src_prefix_lengths(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();

	c.n_src = 1;
	/* /0 matches anything, even with host bits set in the configured address */
	c.src[0] = (struct flow_prefix4){IP4(1, 2, 3, 4), 0};
	assert_int_equal(match1(&c, &m), 0);
	/* /32 exact */
	c.src[0] = (struct flow_prefix4){IP4(10, 1, 2, 3), 32};
	assert_int_equal(match1(&c, &m), 0);
	c.src[0] = (struct flow_prefix4){IP4(10, 1, 2, 4), 32};
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	/* /23: 10.1.2.0/23 covers 10.1.2.0 - 10.1.3.255 */
	c.src[0] = (struct flow_prefix4){IP4(10, 1, 3, 0), 23};
	assert_int_equal(match1(&c, &m), 0);
	m.src.v4 = IP4(10, 1, 3, 255);
	assert_int_equal(match1(&c, &m), 0);
	m.src.v4 = IP4(10, 1, 4, 0);
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.src.v4 = IP4(10, 1, 1, 255);
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	/* /1 */
	c.src[0] = (struct flow_prefix4){IP4(128, 0, 0, 0), 1};
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.src.v4 = IP4(200, 0, 0, 1);
	assert_int_equal(match1(&c, &m), 0);
}

static void dst_prefix_list_any_of(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();

	c.n_dst = 2;
	c.dst[0] = (struct flow_prefix4){IP4(172, 16, 0, 0), 12};
	c.dst[1] = (struct flow_prefix4){IP4(192, 168, 7, 0), 24};
	assert_int_equal(match1(&c, &m), 0);
	m.dst.v4 = IP4(172, 31, 255, 255);
	assert_int_equal(match1(&c, &m), 0);
	m.dst.v4 = IP4(192, 168, 8, 1);
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	/* the src side is not what a dst prefix tests */
	m.src.v4 = IP4(192, 168, 7, 1);
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
}

static void ipv6_never_matches_prefix_rules(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();

	c.n_dst = 1;
	c.dst[0] = (struct flow_prefix4){0, 0};
	assert_int_equal(match1(&c, &m), 0);
	m.family = FLOW_FAMILY_IPV6;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
}

static void dst_port_range_edges(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();

	c.n_dst_ports = 2;
	c.dst_ports[0] = (struct flow_port_range){104, 104};
	c.dst_ports[1] = (struct flow_port_range){11112, 11120};
	assert_int_equal(match1(&c, &m), 0);
	m.dport = 103;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.dport = 105;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.dport = 11111;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.dport = 11112;
	assert_int_equal(match1(&c, &m), 0);
	m.dport = 11120;
	assert_int_equal(match1(&c, &m), 0);
	m.dport = 11121;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	c.n_dst_ports = 1;
	c.dst_ports[0] = (struct flow_port_range){0, 65535};
	m.dport = 65535;
	assert_int_equal(match1(&c, &m), 0);
	m.dport = 0;
	assert_int_equal(match1(&c, &m), 0);
}

static void src_port_range(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();

	c.n_src_ports = 1;
	c.src_ports[0] = (struct flow_port_range){1024, 40000};
	assert_int_equal(match1(&c, &m), 0);
	m.sport = 40001;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.sport = 1023;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.sport = 1024;
	assert_int_equal(match1(&c, &m), 0);
}

static void nonfirst_fragment_skips_port_rules(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();

	c.n_dst_ports = 1;
	c.dst_ports[0] = (struct flow_port_range){0, 1023};
	m.sport = m.dport = 0;
	assert_int_equal(match1(&c, &m), 0);
	m.flags = FLOW_MATCH_F_FRAG_NONFIRST;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
}

static void dscp_list(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();

	c.n_dscp = 2;
	c.dscp[0] = 46;
	c.dscp[1] = 63;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.dscp = 46;
	assert_int_equal(match1(&c, &m), 0);
	m.dscp = 63;
	assert_int_equal(match1(&c, &m), 0);
	m.dscp = 47;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	c.n_dscp = 1;
	c.dscp[0] = 0;
	m.dscp = 0;
	assert_int_equal(match1(&c, &m), 0);
}

static void ingress_port(void **state)
{
	struct flow_rule_params c = any_rule(FLOW_ACTION_DROP);
	struct flow_match_input m = pkt();

	c.ingress_port = 1;
	assert_int_equal(match1(&c, &m), FLOW_RULE_DEFAULT);
	m.ingress_port = 1;
	assert_int_equal(match1(&c, &m), 0);
}

static void first_match_wins_and_default(void **state)
{
	struct flow_rule_params c[3] = {any_rule(FLOW_ACTION_DROP), any_rule(FLOW_ACTION_FORWARD),
	                                any_rule(FLOW_ACTION_ACCELERATE)};
	struct flow_match_input m = pkt();
	struct flow_rules *r;

	c[0].protocol = 17;   /* udp: drop */
	c[1].n_dst_ports = 1; /* tcp/104: forward */
	c[1].dst_ports[0] = (struct flow_port_range){104, 104};
	c[1].act.mss_mode = FLOW_MSS_FIXED;
	c[1].act.mss = 1300;
	c[2].protocol = 6; /* any tcp: accelerate, also matches port 104 */
	c[2].act.lan_profile = 2;
	r = flow_rules_create(c, 3, FLOW_ACTION_DROP);
	assert_non_null(r);
	assert_int_equal(flow_rules_count(r), 3);
	assert_int_equal(flow_rules_counter_slots(r), 4);

	assert_int_equal(flow_rules_match(r, &m), 1);
	assert_int_equal(flow_rules_action(r, 1)->action, FLOW_ACTION_FORWARD);
	assert_int_equal(flow_rules_action(r, 1)->mss_mode, FLOW_MSS_FIXED);
	assert_int_equal(flow_rules_action(r, 1)->mss, 1300);
	m.dport = 22;
	assert_int_equal(flow_rules_match(r, &m), 2);
	assert_int_equal(flow_rules_action(r, 2)->lan_profile, 2);
	m.proto = 17;
	assert_int_equal(flow_rules_match(r, &m), 0);
	m.proto = 1;
	assert_int_equal(flow_rules_match(r, &m), FLOW_RULE_DEFAULT);
	assert_int_equal(flow_rules_action(r, FLOW_RULE_DEFAULT)->action, FLOW_ACTION_DROP);
	assert_int_equal(flow_rules_action(r, FLOW_RULE_DEFAULT)->lan_profile, -1);
	assert_null(flow_rules_action(r, 3));
	assert_null(flow_rules_action(r, -2));
	flow_rules_free(r);
}

static void no_rules_default(void **state)
{
	struct flow_match_input m = pkt();
	struct flow_rules *r = flow_rules_create(NULL, 0, FLOW_ACTION_FORWARD);
	assert_non_null(r);
	assert_int_equal(flow_rules_match(r, &m), FLOW_RULE_DEFAULT);
	assert_int_equal(flow_rules_action(r, FLOW_RULE_DEFAULT)->action, FLOW_ACTION_FORWARD);
	flow_rules_free(r);
}

static void invalid_rules_rejected(void **state)
{
	struct flow_rule_params c;

	c = any_rule(FLOW_ACTION_DROP);
	c.n_src = 1;
	c.src[0].len = 33;
	assert_null(flow_rules_create(&c, 1, FLOW_ACTION_FORWARD));
	assert_int_equal(rte_errno, EINVAL);
	c = any_rule(FLOW_ACTION_DROP);
	c.n_dst_ports = 1;
	c.dst_ports[0] = (struct flow_port_range){10, 9};
	assert_null(flow_rules_create(&c, 1, FLOW_ACTION_FORWARD));
	c = any_rule(FLOW_ACTION_DROP);
	c.n_dscp = 1;
	c.dscp[0] = 64;
	assert_null(flow_rules_create(&c, 1, FLOW_ACTION_FORWARD));
	c = any_rule(FLOW_ACTION_DROP);
	c.n_src = FLOW_RULE_PREFIXES_MAX + 1;
	assert_null(flow_rules_create(&c, 1, FLOW_ACTION_FORWARD));
	c = any_rule(FLOW_ACTION_DROP);
	c.protocol = 256;
	assert_null(flow_rules_create(&c, 1, FLOW_ACTION_FORWARD));
	assert_null(flow_rules_create(NULL, 1, FLOW_ACTION_FORWARD));
	assert_null(flow_rules_create(&c, FLOW_RULES_MAX + 1, FLOW_ACTION_FORWARD));
}

static void counters_sum_over_lcores(void **state)
{
	struct flow_rule_params c[2] = {any_rule(FLOW_ACTION_DROP), any_rule(FLOW_ACTION_FORWARD)};
	struct flow_rules *r = flow_rules_create(c, 2, FLOW_ACTION_FORWARD);
	struct flow_rule_counters l0[3], l1[3], l2[3], sum[3];
	const struct flow_rule_counters *per[4] = {l0, NULL, l1, l2};

	assert_non_null(r);
	memset(l0, 0, sizeof(l0));
	memset(l1, 0, sizeof(l1));
	memset(l2, 0, sizeof(l2));
	l0[flow_rule_slot(FLOW_RULE_DEFAULT)] = (struct flow_rule_counters){{1, 100, 1, 0}};
	l1[flow_rule_slot(FLOW_RULE_DEFAULT)] = (struct flow_rule_counters){{2, 200, 0, 0}};
	l1[flow_rule_slot(0)] = (struct flow_rule_counters){{5, 500, 3, 0}};
	l2[flow_rule_slot(1)] = (struct flow_rule_counters){{7, 700, 2, 0}};
	l2[flow_rule_slot(0)] = (struct flow_rule_counters){{1, 10, 1, 0}};
	memset(sum, 0xff, sizeof(sum));
	flow_rule_counters_sum(r, per, 4, sum);
	assert_int_equal(sum[0].c[FLOW_RC_packets], 3);
	assert_int_equal(sum[0].c[FLOW_RC_bytes], 300);
	assert_int_equal(sum[0].c[FLOW_RC_flows], 1);
	assert_int_equal(sum[1].c[FLOW_RC_packets], 6);
	assert_int_equal(sum[1].c[FLOW_RC_bytes], 510);
	assert_int_equal(sum[1].c[FLOW_RC_flows], 4);
	assert_int_equal(sum[2].c[FLOW_RC_packets], 7);
	assert_int_equal(sum[2].c[FLOW_RC_flows], 2);
	flow_rules_free(r);
}

/* The per-rule list has the one shape of every counter list (stat_desc.h). */
static void counter_list_follows_the_rules(void **state)
{
	unsigned int bad = FLOW_RC_MAX;
	if (stat_desc_check(flow_rule_counter_descs(), FLOW_RC_MAX, &bad) != 0)
		fail_msg("rule counter %u breaks the rules of stat_desc.h", bad);
	assert_string_equal(flow_rule_counter_descs()[FLOW_RC_table_full].name, "table_full");
}

static int setup(void **state)
{
	return test_eal_init();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(empty_rule_matches_all),
	        cmocka_unit_test(protocol),
	        cmocka_unit_test(src_prefix_lengths),
	        cmocka_unit_test(dst_prefix_list_any_of),
	        cmocka_unit_test(ipv6_never_matches_prefix_rules),
	        cmocka_unit_test(dst_port_range_edges),
	        cmocka_unit_test(src_port_range),
	        cmocka_unit_test(nonfirst_fragment_skips_port_rules),
	        cmocka_unit_test(dscp_list),
	        cmocka_unit_test(ingress_port),
	        cmocka_unit_test(first_match_wins_and_default),
	        cmocka_unit_test(no_rules_default),
	        cmocka_unit_test(invalid_rules_rejected),
	        cmocka_unit_test(counters_sum_over_lcores),
	        cmocka_unit_test(counter_list_follows_the_rules),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
