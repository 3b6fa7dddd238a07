/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every drop reason of lib/bond is counted by the gateway under its own counter, named after
 * it: drop_<reason> -> drop_tunnel_<reason>, each counter for one reason only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tunnel_stats.h"

static void every_bond_drop_has_its_counter(void **state)
{
	int used[STAT_MAX] = {0};

	for (unsigned int r = 0; r < BOND_R_MAX; r++) {
		enum stat_id s = gw_tunnel_result_stat((enum bond_result)r);
		const char *bond = bond_result_name((enum bond_result)r);
		if (!bond_result_is_drop((enum bond_result)r)) {
			assert_int_equal(s, STAT_MAX);
			continue;
		}
		char want[64];
		snprintf(want, sizeof(want), "drop_tunnel_%s", bond + strlen("drop_"));
		assert_true(s < STAT_MAX);
		assert_string_equal(stats_name(s), want);
		assert_true(stats_is_drop(s));
		assert_int_equal(used[s]++, 0);
	}
	assert_int_equal(gw_tunnel_result_stat(BOND_R_MAX), STAT_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(every_bond_drop_has_its_counter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
