/* SPDX-License-Identifier: BSD-3-Clause */
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
	        cmocka_unit_test(sum_adds_every_lcore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
