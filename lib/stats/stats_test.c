/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "stats.h"

static void names_are_unique_snake_case(void **state)
{
	for (int i = 0; i < STAT_MAX; i++) {
		const char *n = stats_name(i);
		assert_non_null(n);
		for (const char *p = n; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			            *p == '_');
		for (int j = i + 1; j < STAT_MAX; j++)
			assert_string_not_equal(n, stats_name(j));
	}
	assert_null(stats_name(STAT_MAX));
	assert_true(stats_is_drop(STAT_drop_runt));
	assert_false(stats_is_drop(STAT_rx_packets));
}

/* Every entry of the gateway's list passes the rules of stat_desc.h. */
static void list_follows_the_rules(void **state)
{
	unsigned int bad = STAT_MAX;
	int rc = stat_desc_check(stats_descs(), STAT_MAX, &bad);
	if (rc != 0)
		fail_msg("counter %s breaks the rules of stat_desc.h", stats_name(bad));
	for (int i = 0; i < STAT_MAX; i++)
		assert_string_equal(stats_help(i), stats_descs()[i].help);
	assert_null(stats_help(STAT_MAX));
}

/* Counters that are not drops are not listed as drops, and each fallback has its own cause. */
static void kinds_say_what_is_counted(void **state)
{
	const struct stat_desc *d = stats_descs();
	assert_false(stats_is_drop(STAT_flow_table_full));
	assert_int_equal(d[STAT_flow_table_full].kind, STAT_KIND_event);
	const enum stat_id fallbacks[] = {STAT_accel_passthrough, STAT_accel_fallback_engine_full,
	                                  STAT_accel_stray_rst, STAT_accel_fallback_no_entry,
	                                  STAT_accel_fallback_fragment};
	for (unsigned int i = 0; i < RTE_DIM(fallbacks); i++) {
		assert_int_equal(d[fallbacks[i]].kind, STAT_KIND_fallback);
		assert_false(stats_is_drop(fallbacks[i]));
	}
	unsigned int drops = 0;
	for (int i = 0; i < STAT_MAX; i++)
		drops += stats_is_drop(i) ? 1 : 0;
	assert_true(drops > 0 && drops < STAT_MAX);
	assert_string_equal(stat_kind_name(STAT_KIND_drop), "drop");
	assert_string_equal(stat_kind_name(STAT_KIND_fallback), "fallback");
	assert_string_equal(stat_kind_name(STAT_KIND_event), "event");
	assert_null(stat_kind_name(STAT_KIND_MAX));
}

static void check_refuses_what_breaks_the_rules(void **state)
{
	char long_help[STAT_HELP_MAX + 1];
	memset(long_help, 'x', sizeof(long_help) - 1);
	long_help[STAT_HELP_MAX] = '\0';
	const struct stat_desc good[] = {
	        {"rx_packets", "packets received", STAT_KIND_event},
	        {"drop_runt", "frame too short", STAT_KIND_drop},
	        {"accel_fallback_x", "flows forwarded unsplit", STAT_KIND_fallback},
	};
	const struct {
		struct stat_desc d;
		const char *why;
	} bad[] = {
	        {{"table_full", "a drop without the drop_ prefix", STAT_KIND_drop}, "prefix"},
	        {{"drop_table_full", "drop_ prefix on an event", STAT_KIND_event}, "kind"},
	        {{"drop_x", "drop_ prefix on a fallback", STAT_KIND_fallback}, "kind"},
	        {{"rx_packets", "the same name twice", STAT_KIND_event}, "duplicate"},
	        {{"Rx", "upper case", STAT_KIND_event}, "case"},
	        {{"rx-x", "a dash", STAT_KIND_event}, "dash"},
	        {{"", "empty name", STAT_KIND_event}, "empty name"},
	        {{"no_help", "", STAT_KIND_event}, "empty help"},
	        {{"null_help", NULL, STAT_KIND_event}, "null help"},
	        {{"long_help", long_help, STAT_KIND_event}, "long help"},
	        {{"bad_kind", "kind out of range", STAT_KIND_MAX}, "bad kind"},
	};
	unsigned int at = 99;
	assert_int_equal(stat_desc_check(good, RTE_DIM(good), &at), 0);
	assert_int_equal(at, 99);
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		struct stat_desc list[RTE_DIM(good) + 1];
		memcpy(list, good, sizeof(good));
		list[RTE_DIM(good)] = bad[i].d;
		at = 99;
		if (stat_desc_check(list, RTE_DIM(list), &at) != -EINVAL)
			fail_msg("not refused: %s", bad[i].why);
		assert_int_equal(at, RTE_DIM(good));
	}
	assert_int_equal(stat_desc_check(good, 0, NULL), 0);
}

static void sum_adds_every_lcore(void **state)
{
	struct stats_block b[3];
	struct stats_block total;
	memset(b, 0, sizeof(b));
	stats_inc(&b[0], STAT_rx_packets);
	stats_add(&b[1], STAT_rx_packets, 41);
	stats_add(&b[2], STAT_drop_rule, 7);
	stats_sum(b, 3, &total);
	assert_int_equal(total.c[STAT_rx_packets], 42);
	assert_int_equal(total.c[STAT_drop_rule], 7);
	assert_int_equal(total.c[STAT_tx_packets], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(names_are_unique_snake_case),
	        cmocka_unit_test(list_follows_the_rules),
	        cmocka_unit_test(kinds_say_what_is_counted),
	        cmocka_unit_test(check_refuses_what_breaks_the_rules),
	        cmocka_unit_test(sum_adds_every_lcore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
