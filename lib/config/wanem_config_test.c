/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wanem's vocabulary (lib/config): the presets load; directions take "both" then their own keys,
 * in the file's units with the engine's defaults; every kind of error is reported with
 * FILE:LINE:COL and path; the control channel's key setter. Runs from the source root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "wanem.h"
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

static void presets_load(void **state)
{
	static const char *const presets[] = {"dicom-branch", "geo-sat", "lfn", "flaky-lte"};
	struct cfg_errors *errs = cfg_errors_create();

	for (unsigned int i = 0; i < 4; i++) {
		char path[64];
		snprintf(path, sizeof(path), "config/wanem/%s.json", presets[i]);
		struct wanem_config *c = wanem_config_load(path, errs);
		if (c == NULL)
			cfg_errors_print(errs, stderr);
		assert_non_null(c);
		wanem_config_free(c);
	}
	assert_int_equal(cfg_errors_count(errs), 0);
	cfg_errors_free(errs);
}

/* In the file's units; app/wanem/params_test.c checks what the engines get. */
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
	const struct wanem_cfg_dir *a2b = &c->links[0].dir[WANEM_A2B];
	const struct wanem_cfg_dir *b2a = &c->links[0].dir[WANEM_B2A];
	assert_true(a2b->delay_ms == 10);
	assert_true(b2a->delay_ms == 20.5);
	assert_true(b2a->loss == 0.1);
	assert_int_equal(b2a->loss_model, WANEM_CFG_LOSS_RANDOM);
	assert_false(a2b->down);
	assert_true(b2a->down);
	assert_int_equal(b2a->queue_bytes, 5000);
	assert_int_equal(a2b->queue_bytes, 0); /* not given: follows the rate */
	assert_true(b2a->rate_mbps == 1);
	assert_true(a2b->rate_mbps == 0);
	/* the vocabulary's defaults: the engine's, order kept, seed from the link index */
	assert_true(a2b->jitter_keeps_order);
	assert_true(a2b->loss_bad == WANEM_DEFAULT_LOSS_BAD);
	assert_true(a2b->reorder_delay_ms * 1000 == WANEM_DEFAULT_REORDER_DELAY_US);
	assert_int_equal(a2b->max_packets, WANEM_DEFAULT_MAX_PACKETS);
	assert_int_equal(a2b->seed, 1 * 2 + 0);
	assert_int_equal(b2a->seed, 1 * 2 + 1);
	assert_int_equal(c->idle_sleep_us, WANEM_CFG_DEFAULT_IDLE_SLEEP_US);
	assert_int_equal(wanem_config_find_link(c, "l"), 0);
	assert_int_equal(wanem_config_find_link(c, "m"), -1);
	wanem_config_free(c);
	cfg_errors_free(errs);
}

static void gilbert_elliott_object(void **state)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *c = load_text(
	        "{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	        " \"a2b\": {\"loss\": {\"p\": 0.01, \"r\": 0.5, \"loss_good\": 0.001}, "
	        "\"mtu\": 1400, \"mtu_action\": \"icmp\", \"jitter_ms\": 1, \"delay_ms\": 2, "
	        "\"jitter_distribution\": \"normal\", \"seed\": 7}}]}",
	        errs);
	assert_non_null(c);
	const struct wanem_cfg_dir *d = &c->links[0].dir[WANEM_A2B];
	assert_int_equal(d->loss_model, WANEM_CFG_LOSS_GILBERT_ELLIOTT);
	assert_true(d->ge_p == 0.01 && d->ge_r == 0.5 && d->loss_good == 0.001);
	assert_true(d->loss_bad == WANEM_DEFAULT_LOSS_BAD);
	assert_int_equal(d->mtu, 1400);
	assert_int_equal(d->mtu_action, WANEM_CFG_MTU_ICMP);
	assert_int_equal(d->jitter_distribution, WANEM_CFG_JITTER_NORMAL);
	assert_int_equal(d->seed, 14);
	assert_string_equal(wanem_cfg_loss_model_name(d->loss_model), "gilbert_elliott");
	assert_string_equal(wanem_cfg_mtu_action_name(d->mtu_action), "icmp");
	assert_string_equal(wanem_cfg_jitter_dist_name(d->jitter_distribution), "normal");
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
	struct wanem_cfg_dir d;
	const char *why;
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *c =
	        load_text("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\"}]}", errs);

	assert_non_null(c);
	d = c->links[0].dir[WANEM_A2B];
	assert_int_equal(wanem_config_set_key(&d, "loss", "0.02", &why), 0);
	assert_true(d.loss == 0.02);
	assert_int_equal(wanem_config_set_key(&d, "delay_ms", "12.5", &why), 0);
	assert_true(d.delay_ms == 12.5);
	assert_int_equal(wanem_config_set_key(&d, "rate_mbps", "8", &why), 0);
	assert_true(d.rate_mbps == 8);
	assert_int_equal(d.queue_bytes, 0); /* still follows the rate */
	assert_int_equal(wanem_config_set_key(&d, "down", "true", &why), 0);
	assert_true(d.down);
	assert_int_equal(wanem_config_set_key(&d, "ge_p", "0.1", &why), 0);
	assert_int_equal(d.loss_model, WANEM_CFG_LOSS_GILBERT_ELLIOTT);
	assert_int_equal(wanem_config_set_key(&d, "loss_model", "random", &why), 0);
	assert_int_equal(d.loss_model, WANEM_CFG_LOSS_RANDOM);
	/* refused values leave d unchanged */
	assert_int_equal(wanem_config_set_key(&d, "loss", "2", &why), -EINVAL);
	assert_non_null(strstr(why, "0..1"));
	assert_int_equal(wanem_config_set_key(&d, "loss", "0.1x", &why), -EINVAL);
	assert_int_equal(wanem_config_set_key(&d, "jitter_ms", "13", &why), -EINVAL);
	assert_non_null(strstr(why, "jitter"));
	assert_int_equal(wanem_config_set_key(&d, "queue_bytes", "1000", &why), -EINVAL);
	assert_non_null(strstr(why, "1518"));
	assert_int_equal(wanem_config_set_key(&d, "mtu", "67", &why), -EINVAL);
	assert_int_equal(wanem_config_set_key(&d, "speed", "1", &why), -EINVAL);
	assert_non_null(strstr(why, "unknown key"));
	assert_true(d.loss == 0.02);
	assert_true(d.jitter_ms == 0);
	assert_int_equal(d.queue_bytes, 0);
	assert_int_equal(d.mtu, 0);
	wanem_config_free(c);
	cfg_errors_free(errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(presets_load),
	        cmocka_unit_test(direction_overrides_both),
	        cmocka_unit_test(gilbert_elliott_object),
	        cmocka_unit_test(errors_have_position_path_and_allowed),
	        cmocka_unit_test(all_errors_reported_at_once),
	        cmocka_unit_test(control_set_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
