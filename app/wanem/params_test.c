/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wanem's configuration as the engines get it (params.c): the presets give the intended
 * numbers, a direction without keys is the engine's default direction but for what the
 * vocabulary says otherwise, every enum maps to its engine value, and the control channel's
 * `set` reaches the engine with the file's units. Runs from the source root.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "params.h"

static struct wanem_config *load_file(const char *path)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *c = wanem_config_load(path, errs);
	if (c == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(c);
	cfg_errors_free(errs);
	return c;
}

static struct wanem_config *load_text(const char *text)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *c = wanem_config_load_buffer("t.json", text, strlen(text), errs);
	if (c == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(c);
	cfg_errors_free(errs);
	return c;
}

static struct wanem_params params(const struct wanem_cfg_dir *d)
{
	struct wanem_params p;
	const char *why = NULL;
	if (wanem_app_params(d, &p, &why) != 0)
		fail_msg("refused: %s", why);
	return p;
}

static void presets_load_with_intended_numbers(void **state)
{
	struct wanem_config *c = load_file("config/wanem/dicom-branch.json");
	assert_int_equal(c->n_links, 2);
	assert_string_equal(c->links[1].name, "lte");
	for (int d = 0; d < WANEM_NB_DIRS; d++) {
		struct wanem_params coax = params(&c->links[0].dir[d]);
		struct wanem_params lte = params(&c->links[1].dir[d]);
		assert_int_equal(coax.rate_bps, 20000000);
		assert_int_equal(coax.delay_us, 15000); /* 30 ms RTT */
		assert_int_equal(lte.delay_us, 30000);  /* 60 ms RTT */
		assert_int_equal(lte.mtu, 1440);
		assert_true(lte.loss == 0.005);
		/* default FIFO: 100 ms at the rate */
		assert_int_equal(lte.queue_bytes, 125000);
	}
	/* directions draw from different streams */
	assert_true(params(&c->links[0].dir[0]).seed != params(&c->links[0].dir[1]).seed);
	wanem_config_free(c);

	c = load_file("config/wanem/geo-sat.json");
	assert_int_equal(params(&c->links[0].dir[1]).delay_us, 300000);
	wanem_config_free(c);
	c = load_file("config/wanem/lfn.json");
	assert_int_equal(params(&c->links[0].dir[0]).rate_bps, 200000000);
	wanem_config_free(c);
	c = load_file("config/wanem/flaky-lte.json");
	struct wanem_params p = params(&c->links[0].dir[0]);
	assert_int_equal(p.loss_model, WANEM_LOSS_GILBERT_ELLIOTT);
	/* 2% average loss: p / (p + r) */
	assert_true(fabs(p.ge_p / (p.ge_p + p.ge_r) - 0.02) < 1e-4);
	assert_int_equal(p.jitter_us, 10000);
	wanem_config_free(c);
}

static void direction_overrides_both(void **state)
{
	struct wanem_config *c =
	        load_text("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	                  " \"both\": {\"delay_ms\": 10, \"loss\": 0.1},\n"
	                  " \"b2a\": {\"delay_ms\": 20.5, \"down\": true, \"queue_bytes\": 5000, "
	                  "\"rate_mbps\": 1}}]}");
	struct wanem_params a2b = params(&c->links[0].dir[WANEM_A2B]);
	struct wanem_params b2a = params(&c->links[0].dir[WANEM_B2A]);
	assert_int_equal(a2b.delay_us, 10000);
	assert_int_equal(b2a.delay_us, 20500);
	assert_true(b2a.loss == 0.1);
	assert_false(a2b.down);
	assert_true(b2a.down);
	assert_int_equal(b2a.queue_bytes, 5000);
	assert_int_equal(b2a.rate_bps, 1000000);
	assert_int_equal(a2b.queue_bytes, 0); /* unlimited: no FIFO */
	wanem_config_free(c);
}

/* No keys: wanem_params_init() but for the vocabulary's own choices (order kept, a seed). */
static void empty_direction_is_engine_default(void **state)
{
	struct wanem_config *c = load_text("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": "
	                                   "\"y\"}]}");
	struct wanem_params got = params(&c->links[0].dir[WANEM_B2A]), want;

	wanem_params_init(&want);
	want.jitter_keeps_order = true;
	want.seed = 1 * 2 + 1;
	assert_memory_equal(&got, &want, sizeof(want));
	wanem_config_free(c);
}

static void enums_and_units_map_to_the_engine(void **state)
{
	struct wanem_config *c = load_text(
	        "{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": \"y\",\n"
	        " \"a2b\": {\"loss\": {\"p\": 0.01, \"r\": 0.5}, \"mtu\": 1400, \"mtu_action\": "
	        "\"icmp\", \"jitter_ms\": 1.0004, \"delay_ms\": 2.0006, \"jitter_distribution\": "
	        "\"normal\", \"reorder\": 0.2, \"reorder_delay_ms\": 3, \"duplicate\": 0.3, "
	        "\"burst_bytes\": 3000, \"max_packets\": 99, \"rate_mbps\": 0.001},\n"
	        " \"b2a\": {\"jitter_keeps_order\": false, \"rate_mbps\": 1e6}}]}");
	struct wanem_params p = params(&c->links[0].dir[WANEM_A2B]);
	assert_int_equal(p.loss_model, WANEM_LOSS_GILBERT_ELLIOTT);
	assert_true(p.ge_p == 0.01 && p.ge_r == 0.5 && p.loss_bad == 1.0 && p.loss_good == 0);
	assert_int_equal(p.mtu, 1400);
	assert_int_equal(p.mtu_action, WANEM_MTU_ICMP);
	assert_int_equal(p.jitter_dist, WANEM_JITTER_NORMAL);
	assert_int_equal(p.jitter_us, 1000); /* to the nearest microsecond */
	assert_int_equal(p.delay_us, 2001);
	assert_true(p.reorder == 0.2 && p.duplicate == 0.3);
	assert_int_equal(p.reorder_delay_us, 3000);
	assert_int_equal(p.burst_bytes, 3000);
	assert_int_equal(p.max_packets, 99);
	assert_int_equal(p.rate_bps, 1000);
	assert_int_equal(p.queue_bytes, WANEM_CFG_MIN_DEFAULT_QUEUE); /* 100 ms at 1 kbit/s */
	p = params(&c->links[0].dir[WANEM_B2A]);
	assert_false(p.jitter_keeps_order);
	assert_int_equal(p.jitter_dist, WANEM_JITTER_UNIFORM);
	assert_int_equal(p.mtu_action, WANEM_MTU_DROP);
	assert_int_equal(p.loss_model, WANEM_LOSS_RANDOM);
	assert_int_equal(p.rate_bps, 1000000000000ull);
	assert_int_equal(p.queue_bytes, WANEM_CFG_MAX_QUEUE_BYTES); /* 12.5 GB capped at 1 GB */
	wanem_config_free(c);
}

/* The control channel's `set` (lib/config) as the engine gets it. */
static void control_set_key_reaches_the_engine(void **state)
{
	struct wanem_config *c = load_text("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": "
	                                   "\"y\"}]}");
	struct wanem_cfg_dir d = c->links[0].dir[WANEM_A2B];
	struct wanem_params p;
	const char *why;

	assert_int_equal(wanem_config_set_key(&d, "loss", "0.02", &why), 0);
	assert_true(params(&d).loss == 0.02);
	assert_int_equal(wanem_config_set_key(&d, "delay_ms", "12.5", &why), 0);
	assert_int_equal(params(&d).delay_us, 12500);
	/* a rate on an unlimited link gets a default FIFO so the engine accepts it */
	assert_int_equal(wanem_config_set_key(&d, "rate_mbps", "8", &why), 0);
	p = params(&d);
	assert_int_equal(p.rate_bps, 8000000);
	assert_int_equal(p.queue_bytes, 100000);
	assert_int_equal(wanem_config_set_key(&d, "down", "true", &why), 0);
	assert_true(params(&d).down);
	/* refused values leave the direction unchanged */
	assert_int_equal(wanem_config_set_key(&d, "loss", "2", &why), -EINVAL);
	assert_int_equal(wanem_config_set_key(&d, "jitter_ms", "13", &why), -EINVAL);
	p = params(&d);
	assert_true(p.loss == 0.02);
	assert_int_equal(p.jitter_us, 0);
	/* an explicit queue below one frame is refused by the engine's own check too */
	d.queue_bytes = 100;
	assert_int_equal(wanem_app_params(&d, &p, &why), -EINVAL);
	assert_non_null(strstr(why, "queue_bytes"));
	wanem_config_free(c);
}

static void port_params_are_a_promiscuous_bridge_end(void **state)
{
	struct wanem_config *c = load_text("{\"links\": [{\"name\": \"l\", \"a\": \"x\", \"b\": "
	                                   "\"y\"}]}");
	struct port_params pp;

	wanem_app_port_params(&c->links[0], 1, "l.b", NULL, &pp);
	assert_string_equal(pp.name, "l.b");
	assert_string_equal(pp.devargs, "y");
	assert_int_equal(pp.n_rxq, 1);
	assert_int_equal(pp.n_txq, 1);
	assert_true(pp.promiscuous);
	wanem_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(presets_load_with_intended_numbers),
	        cmocka_unit_test(direction_overrides_both),
	        cmocka_unit_test(empty_direction_is_engine_default),
	        cmocka_unit_test(enums_and_units_map_to_the_engine),
	        cmocka_unit_test(control_set_key_reaches_the_engine),
	        cmocka_unit_test(port_params_are_a_promiscuous_bridge_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
