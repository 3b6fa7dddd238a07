/* SPDX-License-Identifier: BSD-3-Clause */
/* wanem JSON loader: presets load with the intended numbers; every kind of error is reported
 * with FILE:LINE:COL and path; the control channel's key setter. Runs from the source root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "wanem_config.h"

static struct wanem_config *load_text(const char *text, struct cfg_errors *errs)
{
	return wanem_config_load_buffer("t.json", text, strlen(text), errs);
}

/* The one error of text contains every needle. */
static void expect_error(const char *text, const char *n1, const char *n2)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *cfg = load_text(text, errs);
	assert_null(cfg);
	assert_true(cfg_errors_count(errs) >= 1);
	const char *msg = cfg_errors_get(errs, 0);
	print_message("  %s\n", msg);
	assert_non_null(strstr(msg, n1));
	if (n2 != NULL)
		assert_non_null(strstr(msg, n2));
	cfg_errors_free(errs);
}

static void presets_load_with_intended_numbers(void **state)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *c;

	c = wanem_config_load("config/wanem/dicom-branch.json", errs);
	if (c == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(c);
	assert_int_equal(c->n_links, 2);
	assert_string_equal(c->links[1].name, "lte");
	for (int d = 0; d < WANEM_NB_DIRS; d++) {
		assert_int_equal(c->links[0].dir[d].params.rate_bps, 20000000);
		assert_int_equal(c->links[0].dir[d].params.delay_us, 15000); /* 30 ms RTT */
		assert_int_equal(c->links[1].dir[d].params.delay_us, 30000); /* 60 ms RTT */
		assert_int_equal(c->links[1].dir[d].params.mtu, 1440);
		assert_true(c->links[1].dir[d].params.loss == 0.005);
		/* default FIFO: 100 ms at the rate */
		assert_int_equal(c->links[1].dir[d].params.queue_bytes, 125000);
	}
	/* directions draw from different streams */
	assert_true(c->links[0].dir[0].params.seed != c->links[0].dir[1].params.seed);
	wanem_config_free(c);

	c = wanem_config_load("config/wanem/geo-sat.json", errs);
	assert_non_null(c);
	assert_int_equal(c->links[0].dir[1].params.delay_us, 300000);
	wanem_config_free(c);
	c = wanem_config_load("config/wanem/lfn.json", errs);
	assert_non_null(c);
	assert_int_equal(c->links[0].dir[0].params.rate_bps, 200000000);
	wanem_config_free(c);
	c = wanem_config_load("config/wanem/flaky-lte.json", errs);
	assert_non_null(c);
	const struct wanem_params *p = &c->links[0].dir[0].params;
	assert_int_equal(p->loss_model, WANEM_LOSS_GILBERT_ELLIOTT);
	/* 2% average loss: p / (p + r) */
	assert_true(fabs(p->ge_p / (p->ge_p + p->ge_r) - 0.02) < 1e-4);
	assert_int_equal(p->jitter_us, 10000);
	wanem_config_free(c);
	assert_int_equal(cfg_errors_count(errs), 0);
	cfg_errors_free(errs);
}

static void direction_overrides_both(void **state)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *c =
	        load_text("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	                  " \"both\": {\"delay_ms\": 10, \"loss\": 0.1},\n"
	                  " \"b2a\": {\"delay_ms\": 20.5, \"down\": true, \"queue_bytes\": 5000, "
	                  "\"rate_mbps\": 1}}]}",
	                  errs);
	assert_non_null(c);
	assert_int_equal(c->links[0].dir[WANEM_A2B].params.delay_us, 10000);
	assert_int_equal(c->links[0].dir[WANEM_B2A].params.delay_us, 20500);
	assert_true(c->links[0].dir[WANEM_B2A].params.loss == 0.1);
	assert_false(c->links[0].dir[WANEM_A2B].params.down);
	assert_true(c->links[0].dir[WANEM_B2A].params.down);
	assert_int_equal(c->links[0].dir[WANEM_B2A].params.queue_bytes, 5000);
	assert_int_equal(c->idle_sleep_us, WANEM_CFG_DEFAULT_IDLE_SLEEP_US);
	assert_int_equal(wanem_config_find_link(c, "l"), 0);
	assert_int_equal(wanem_config_find_link(c, "m"), -1);
	wanem_config_free(c);
	cfg_errors_free(errs);
}

static void errors_have_position_path_and_allowed(void **state)
{
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	             "  \"both\": {\"delay\": 10}}]}",
	             "t.json:2:12: links[0].both.delay", "unknown key");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	             "  \"a2b\": {\"loss\": 1.5}}]}",
	             "t.json:2:19: links[0].a2b.loss", "0..1");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	             "  \"a2b\": {\"delay_ms\": \"10\"}}]}",
	             "links[0].a2b.delay_ms", "number");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	             "  \"a2b\": {\"delay_ms\": 5, \"jitter_ms\": 6}}]}",
	             "links[0].a2b", "jitter");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\"},\n"
	             " {\"name\": \"m\", \"a\": \"z\", \"b\": \"x\"}]}",
	             "t.json:2:31: links[1].b", "already used by links[0].a");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	             "  \"a2b\": {\"loss\": {\"p\": 0.1}}}]}",
	             "links[0].a2b.loss", "r");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\", \"a\": \"q\"}]}",
	             "t.json:1:", "duplicate");
	expect_error("{\"links\": []}", "links", "empty");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\"}]}", "links[0]", "b");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	             "  \"a2b\": {\"mtu_action\": \"reject\"}}]}",
	             "links[0].a2b.mtu_action", "icmp");
	expect_error("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\"}",
	             "t.json:1:", NULL);
}

static void all_errors_reported_at_once(void **state)
{
	struct cfg_errors *errs = cfg_errors_create();
	assert_null(load_text(
	        "{\"burst\": 0, \"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	        " \"a2b\": {\"loss\": 2, \"duplicate\": -1}, \"c2d\": {}}]}",
	        errs));
	assert_int_equal(cfg_errors_count(errs), 4);
	cfg_errors_free(errs);
}

static void control_set_key(void **state)
{
	struct wanem_params p;
	const char *why;

	wanem_params_init(&p);
	assert_int_equal(wanem_config_set_key(&p, "loss", "0.02", &why), 0);
	assert_true(p.loss == 0.02);
	assert_int_equal(wanem_config_set_key(&p, "delay_ms", "12.5", &why), 0);
	assert_int_equal(p.delay_us, 12500);
	/* a rate on an unlimited link gets a default FIFO so the engine accepts it */
	assert_int_equal(wanem_config_set_key(&p, "rate_mbps", "8", &why), 0);
	assert_int_equal(p.rate_bps, 8000000);
	assert_int_equal(p.queue_bytes, 100000);
	assert_int_equal(wanem_config_set_key(&p, "down", "true", &why), 0);
	assert_true(p.down);
	/* refused values leave p unchanged */
	assert_int_equal(wanem_config_set_key(&p, "loss", "2", &why), -EINVAL);
	assert_non_null(strstr(why, "0..1"));
	assert_int_equal(wanem_config_set_key(&p, "loss", "0.1x", &why), -EINVAL);
	assert_int_equal(wanem_config_set_key(&p, "jitter_ms", "13", &why), -EINVAL);
	assert_non_null(strstr(why, "jitter"));
	assert_int_equal(wanem_config_set_key(&p, "speed", "1", &why), -EINVAL);
	assert_non_null(strstr(why, "unknown key"));
	assert_true(p.loss == 0.02);
	assert_int_equal(p.jitter_us, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(presets_load_with_intended_numbers),
	        cmocka_unit_test(direction_overrides_both),
	        cmocka_unit_test(errors_have_position_path_and_allowed),
	        cmocka_unit_test(all_errors_reported_at_once),
	        cmocka_unit_test(control_set_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
