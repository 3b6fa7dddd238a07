/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "wanem_app.h"

/* The application's list has the one shape of every counter list (stat_desc.h). */
static void app_list_follows_the_rules(void **state)
{
	static const struct stat_desc d[WANEM_APP_C_MAX] = {WANEM_APP_COUNTERS(STAT_DESC)};
	unsigned int bad = WANEM_APP_C_MAX;
	if (stat_desc_check(d, WANEM_APP_C_MAX, &bad) != 0)
		fail_msg("counter %s breaks the rules of stat_desc.h", d[bad].name);
	/* stats prints the engine's keys and the application's on one line: never the same. */
	for (int a = 0; a < WANEM_APP_C_MAX; a++)
		for (int e = 0; e < WANEM_C_MAX; e++)
			assert_string_not_equal(d[a].name, wanem_counter_name(e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(app_list_follows_the_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
