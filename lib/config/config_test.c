/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the configuration loader: each test names one behaviour of the contract in
 * doc/configuration.md and checks the exact message ("FILE:LINE:COL: path: message").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg.h"
#include "pepgw_config.h"

/* Two valid ports that most snippets reuse. */
#define PORTS                                                                                    \
	"\"ports\": [\n"                                                                         \
	"  {\"name\": \"lan0\", \"device\": \"net_null0\", \"role\": \"lan\", \"ipv4\": "      \
	"\"10.0.0.1/24\"},\n"                                                                    \
	"  {\"name\": \"wan0\", \"device\": \"net_null1\", \"role\": \"wan\", \"ipv4\": "      \
	"\"192.0.2.1/24\"}\n"                                                                    \
	"]"

static struct pepgw_config *load(const char *text, struct cfg_errors **errs)
{
	*errs = cfg_errors_create();
	assert_non_null(*errs);
	return pepgw_config_load_buffer("t.json", text, strlen(text), *errs);
}

/* Load text that must fail with exactly the messages given (NULL-terminated). */
static void expect_errors(const char *text, ...)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg = load(text, &errs);
	va_list ap;
	unsigned int n = 0;
	const char *want;

	assert_null(cfg);
	va_start(ap, text);
	while ((want = va_arg(ap, const char *)) != NULL) {
		const char *got = cfg_errors_get(errs, n);
		if (got == NULL || strcmp(got, want) != 0)
			cfg_errors_print(errs, stderr);
		assert_non_null(got);
		assert_string_equal(got, want);
		n++;
	}
	va_end(ap);
	if (cfg_errors_count(errs) != n)
		cfg_errors_print(errs, stderr);
	assert_int_equal(cfg_errors_count(errs), n);
	cfg_errors_free(errs);
}

static void syntax_error_has_line_and_column(void **state)
{
	expect_errors("{\n  \"ports\": [1,\n  ]\n}",
		      "t.json:3:3: syntax error: unexpected token near ']'", NULL);
}

static void unknown_key_is_reported_at_the_key(void **state)
{
	expect_errors("{" PORTS ",\n  \"flows\": {\"table_sise\": 4096}\n}",
		      "t.json:5:13: flows.table_sise: unknown key (allowed: table_size, "
		      "idle_timeout_s, udp_idle_timeout_s)",
		      NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syntax_error_has_line_and_column),
		cmocka_unit_test(unknown_key_is_reported_at_the_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
