/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wanem engine on a virtual clock: delay, jitter, ordering, token bucket rate, FIFO byte limit,
 * memory bound, MTU and run-time changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_errno.h>

#include "wanem.h"
#include "wanem_test_util.h"

static struct wanem *make(const struct wanem_params *p)
{
	struct wanem *w = wanem_create("test", p);
	assert_non_null(w);
	return w;
}

static void delay_exact_without_jitter(void **state)
{
	struct wanem_params p;
	void *tx[4], *drop[4];
	unsigned int nd;

	wanem_params_init(&p);
	p.delay_us = 30000;
	struct wanem *w = make(&p);

	assert_int_equal(wanem_enqueue(w, PKT(0), 100, 86, 1000, 0), WANEM_QUEUED);
	assert_int_equal(wanem_enqueue(w, PKT(1), 100, 86, 1500, 0), WANEM_QUEUED);
	assert_int_equal(wanem_next_event_us(w), 31000);
	assert_int_equal(wanem_dequeue(w, 30999, tx, 4, drop, &nd), 0);
	assert_int_equal(wanem_dequeue(w, 31000, tx, 4, drop, &nd), 1);
	assert_ptr_equal(tx[0], PKT(0));
	assert_int_equal(wanem_dequeue(w, 31499, tx, 4, drop, &nd), 0);
	assert_int_equal(wanem_dequeue(w, 31500, tx, 4, drop, &nd), 1);
	assert_ptr_equal(tx[0], PKT(1));
	assert_int_equal(nd, 0);
	assert_int_equal(wanem_next_event_us(w), UINT64_MAX);
	wanem_free(w);
}

/* One packet every 100 us through a jittery link; returns the one-way delays. */
static void measure_delays(enum wanem_jitter_dist dist, double *mean, double *sd, uint64_t *lo,
                           uint64_t *hi)
{
	enum { N = 100000 };
	struct wanem_params p;
	static struct delivery d[N];
	double sum = 0, sq = 0;

	wanem_params_init(&p);
	p.delay_us = 25000;
	p.jitter_us = 10000;
	p.jitter_dist = dist;
	p.seed = 7;
	struct wanem *w = make(&p);
	unsigned int k = 0;
	for (unsigned int i = 0; i < N; i++) {
		assert_int_equal(wanem_enqueue(w, PKT(i), 100, 86, (uint64_t)i * 100, 0),
		                 WANEM_QUEUED);
		k += drain_until(w, (uint64_t)i * 100, d + k, N - k, NULL);
	}
	k += drain_until(w, UINT64_MAX - 1, d + k, N - k, NULL);
	assert_int_equal(k, N);
	*lo = UINT64_MAX;
	*hi = 0;
	for (unsigned int i = 0; i < N; i++) {
		uint64_t delay = d[i].t_us - d[i].id * 100;
		sum += (double)delay;
		sq += (double)delay * (double)delay;
		*lo = delay < *lo ? delay : *lo;
		*hi = delay > *hi ? delay : *hi;
	}
	*mean = sum / N;
	*sd = sqrt(sq / N - *mean * *mean);
	wanem_free(w);
}

static void jitter_uniform_bounds_and_mean(void **state)
{
	double mean, sd;
	uint64_t lo, hi;

	measure_delays(WANEM_JITTER_UNIFORM, &mean, &sd, &lo, &hi);
	/* never outside delay +- jitter, and the edges are reached */
	assert_true(lo >= 15000 && lo < 15100);
	assert_true(hi <= 35000 && hi > 34900);
	/* standard error of the mean: 5774 / sqrt(1e5) = 18 us; 100 us is > 5 sigma */
	assert_true(fabs(mean - 25000) < 100);
	/* uniform on +-J: sd = J / sqrt(3) */
	assert_true(fabs(sd - 10000 / sqrt(3)) < 100);
}

static void jitter_normal_bounds_and_mean(void **state)
{
	double mean, sd;
	uint64_t lo, hi;

	measure_delays(WANEM_JITTER_NORMAL, &mean, &sd, &lo, &hi);
	assert_true(lo >= 15000);
	assert_true(hi <= 35000);
	assert_true(fabs(mean - 25000) < 100);
	/* sigma = J / 3, slightly less after truncation at 3 sigma */
	assert_true(sd > 3150 && sd < 3400);
}

/* Count adjacent deliveries out of enqueue order with jitter 10 ms and a packet every 100 us. */
static unsigned int inversions_with_jitter(bool keep_order)
{
	enum { N = 20000 };
	struct wanem_params p;
	static struct delivery d[N];
	unsigned int inv = 0;

	wanem_params_init(&p);
	p.delay_us = 20000;
	p.jitter_us = 10000;
	p.jitter_keeps_order = keep_order;
	struct wanem *w = make(&p);
	unsigned int k = 0;
	for (unsigned int i = 0; i < N; i++) {
		wanem_enqueue(w, PKT(i), 100, 86, (uint64_t)i * 100, 0);
		k += drain_until(w, (uint64_t)i * 100, d + k, N - k, NULL);
	}
	k += drain_until(w, UINT64_MAX - 1, d + k, N - k, NULL);
	assert_int_equal(k, N);
	for (unsigned int i = 1; i < N; i++) {
		if (d[i].id < d[i - 1].id)
			inv++;
		/* and never earlier than the configured minimum */
		assert_true(d[i].t_us >= d[i].id * 100 + 10000);
	}
	wanem_free(w);
	return inv;
}

static void order_kept_when_order_preserving(void **state)
{
	assert_int_equal(inversions_with_jitter(true), 0);
	/* the same link in reordering mode does reorder: the option is what keeps order */
	assert_true(inversions_with_jitter(false) > 1000);
}

static void token_bucket_rate_within_1_percent(void **state)
{
	struct wanem_params p;
	void *tx[64], *drop[64];
	unsigned int nd;
	uint64_t bytes = 0, last_t = 0;

	wanem_params_init(&p);
	p.rate_bps = 10000000;
	p.burst_bytes = 3000;
	p.queue_bytes = 150000;
	struct wanem *w = make(&p);
	/* 1500-byte frames every 100 us: 120 Mbit/s offered into 10 Mbit/s, 10 s of virtual time */
	for (uint64_t t = 0; t < 10000000; t += 100) {
		wanem_enqueue(w, PKT(0), 1500, 1486, t, 0);
		unsigned int n = wanem_dequeue(w, t, tx, 64, drop, &nd);
		bytes += (uint64_t)n * 1500;
		if (n > 0)
			last_t = t;
	}
	double rate = (double)bytes * 8 / 10.0;
	assert_true(fabs(rate - 10e6) / 10e6 < 0.01);
	assert_true(last_t > 9990000);
	struct wanem_stats s;
	wanem_stats_get(w, &s);
	assert_true(s.c[WANEM_C_drop_queue_full] > 0);
	assert_true(s.queue_bytes <= 150000);
	wanem_free(w);
}

static void serialisation_spacing(void **state)
{
	/* burst 0: each 1250-byte frame takes exactly 1 ms at 10 Mbit/s */
	struct wanem_params p;
	struct delivery d[8];

	wanem_params_init(&p);
	p.rate_bps = 10000000;
	p.queue_bytes = 100000;
	p.delay_us = 5000;
	struct wanem *w = make(&p);
	for (unsigned int i = 0; i < 5; i++)
		assert_int_equal(wanem_enqueue(w, PKT(i), 1250, 1236, 0, 0), WANEM_QUEUED);
	assert_int_equal(drain_until(w, UINT64_MAX - 1, d, 8, NULL), 5);
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(d[i].id, i);
		assert_int_equal(d[i].t_us, 5000 + 1000 * i);
	}
	wanem_free(w);
}

static void queue_limit_in_bytes_and_tail_drop(void **state)
{
	struct wanem_params p;
	struct wanem_stats s;
	struct delivery d[128];
	unsigned int accepted = 0;

	wanem_params_init(&p);
	p.rate_bps = 1000000;
	p.queue_bytes = 15000;
	struct wanem *w = make(&p);
	for (unsigned int i = 0; i < 100; i++)
		if (wanem_enqueue(w, PKT(i), 1000, 986, 0, 0) == WANEM_QUEUED)
			accepted++;
	/* the first frame starts at once (bucket at 0), 15 wait in 15000 bytes, the rest drop */
	assert_int_equal(accepted, 16);
	wanem_stats_get(w, &s);
	assert_int_equal(s.c[WANEM_C_drop_queue_full], 84);
	assert_int_equal(s.queue_bytes, 15000);
	assert_int_equal(s.queue_packets, 15);
	/* tail drop: the survivors are the first 16, delivered 8 ms apart */
	assert_int_equal(drain_until(w, UINT64_MAX - 1, d, 128, NULL), 16);
	for (unsigned int i = 0; i < 16; i++) {
		assert_int_equal(d[i].id, i);
		assert_int_equal(d[i].t_us, 8000 * i);
	}
	/* once drained, the queue accepts again */
	assert_int_equal(wanem_enqueue(w, PKT(200), 1000, 986, 200000, 0), WANEM_QUEUED);
	wanem_free(w);
}

static void memory_bound(void **state)
{
	struct wanem_params p;
	struct wanem_stats s;
	void *pkts[256];

	wanem_params_init(&p);
	p.delay_us = 1000000;
	p.max_packets = 100;
	struct wanem *w = make(&p);
	for (unsigned int i = 0; i < 1000; i++) {
		enum wanem_verdict v = wanem_enqueue(w, PKT(i), 1500, 1486, i, 0);
		assert_int_equal(v, i < 100 ? WANEM_QUEUED : WANEM_DROP_DELAY_LINE_FULL);
	}
	wanem_stats_get(w, &s);
	assert_int_equal(s.delay_line_packets, 100);
	assert_int_equal(s.c[WANEM_C_drop_delay_line_full], 900);
	/* flush hands every held packet back exactly once */
	assert_int_equal(wanem_flush(w, pkts, 256), 100);
	uint8_t seen[100] = {0};
	for (unsigned int i = 0; i < 100; i++) {
		assert_true(PKT_ID(pkts[i]) < 100);
		assert_int_equal(seen[PKT_ID(pkts[i])]++, 0);
	}
	assert_int_equal(wanem_next_event_us(w), UINT64_MAX);
	wanem_free(w);

	/* rate limited: FIFO + delay line together never exceed max_packets */
	wanem_params_init(&p);
	p.rate_bps = 1000000;
	p.queue_bytes = 1000000;
	p.delay_us = 1000000;
	p.max_packets = 50;
	w = make(&p);
	for (unsigned int i = 0; i < 1000; i++) {
		wanem_enqueue(w, PKT(i), 100, 86, (uint64_t)i * 100, 0);
		wanem_stats_get(w, &s);
		assert_true(s.queue_packets + s.delay_line_packets <= 50);
	}
	assert_int_equal(s.queue_packets + s.delay_line_packets, 50);
	assert_true(s.c[WANEM_C_drop_delay_line_full] > 0);
	wanem_flush(w, pkts, 256);
	wanem_free(w);
}

static void mtu_drop_or_icmp(void **state)
{
	struct wanem_params p;
	struct wanem_stats s;

	wanem_params_init(&p);
	p.mtu = 1440;
	struct wanem *w = make(&p);
	assert_int_equal(wanem_enqueue(w, PKT(0), 1454, 1440, 0, 0), WANEM_QUEUED);
	assert_int_equal(wanem_enqueue(w, PKT(1), 1455, 1441, 0, 0), WANEM_DROP_MTU);
	p.mtu_action = WANEM_MTU_ICMP;
	assert_int_equal(wanem_set_params(w, &p, 0), 0);
	assert_int_equal(wanem_enqueue(w, PKT(2), 1514, 1500, 0, 0), WANEM_DROP_MTU_ICMP);
	assert_true(wanem_verdict_is_drop(WANEM_DROP_MTU_ICMP));
	assert_false(wanem_verdict_is_drop(WANEM_QUEUED_DUP));
	wanem_stats_get(w, &s);
	assert_int_equal(s.c[WANEM_C_drop_mtu], 2);
	void *pkts[4];
	wanem_flush(w, pkts, 4);
	wanem_free(w);
}

static void rate_change_keeps_queued_packets(void **state)
{
	struct wanem_params p;
	struct wanem_stats s;
	struct delivery d[64];

	wanem_params_init(&p);
	p.rate_bps = 1000000; /* 1000-byte frame = 8 ms */
	p.queue_bytes = 100000;
	p.delay_us = 10000;
	struct wanem *w = make(&p);
	for (unsigned int i = 0; i < 20; i++)
		assert_int_equal(wanem_enqueue(w, PKT(i), 1000, 986, 0, 0), WANEM_QUEUED);
	/* at 20 ms: frames 0, 1, 2 left the bottleneck (0, 8, 16 ms); 17 still queued */
	p.rate_bps = 8000000; /* now 1 ms per frame */
	assert_int_equal(wanem_set_params(w, &p, 20000), 0);
	wanem_stats_get(w, &s);
	assert_int_equal(s.queue_packets, 17);
	assert_int_equal(drain_until(w, UINT64_MAX - 1, d, 64, NULL), 20);
	assert_int_equal(d[0].t_us, 10000);
	assert_int_equal(d[1].t_us, 18000);
	assert_int_equal(d[2].t_us, 26000);
	/*
	 * After frame 2 the bucket was at -1000 bytes; by 20 ms it refilled to -500 at 1 Mbit/s,
	 * the last 500 bytes come at 8 Mbit/s in 0.5 ms: frame 3 exits at 20.5 ms.
	 */
	assert_int_equal(d[3].t_us, 30500);
	for (unsigned int i = 4; i < 20; i++) {
		assert_int_equal(d[i].id, i);
		assert_int_equal(d[i].t_us, d[i - 1].t_us + 1000);
	}
	wanem_stats_get(w, &s);
	assert_int_equal(s.c[WANEM_C_out_packets], 20);

	/* lifting the limit drains the queue at once */
	p.rate_bps = 1000000;
	assert_int_equal(wanem_set_params(w, &p, 1000000), 0);
	for (unsigned int i = 0; i < 10; i++)
		wanem_enqueue(w, PKT(100 + i), 1000, 986, 1000000, 0);
	p.rate_bps = 0;
	assert_int_equal(wanem_set_params(w, &p, 1000001), 0);
	wanem_stats_get(w, &s);
	assert_int_equal(s.queue_packets, 0);
	assert_int_equal(s.delay_line_packets, 10);
	assert_int_equal(drain_until(w, UINT64_MAX - 1, d, 64, NULL), 10);
	assert_int_equal(d[9].t_us, 1000001 + 10000);
	wanem_free(w);
}

static void delay_change_applies_to_new_packets(void **state)
{
	struct wanem_params p;
	struct delivery d[4];

	for (int keep = 0; keep <= 1; keep++) {
		wanem_params_init(&p);
		p.delay_us = 30000;
		p.jitter_keeps_order = keep;
		struct wanem *w = make(&p);
		wanem_enqueue(w, PKT(0), 100, 86, 0, 0);
		p.delay_us = 10000;
		assert_int_equal(wanem_set_params(w, &p, 1000), 0);
		wanem_enqueue(w, PKT(1), 100, 86, 1000, 0);
		assert_int_equal(drain_until(w, UINT64_MAX - 1, d, 4, NULL), 2);
		if (keep) {
			/* the faster newcomer waits for the packet already on the wire */
			assert_int_equal(d[0].id, 0);
			assert_int_equal(d[1].id, 1);
			assert_int_equal(d[1].t_us, 30000);
		} else {
			assert_int_equal(d[0].id, 1);
			assert_int_equal(d[0].t_us, 11000);
			assert_int_equal(d[1].t_us, 30000);
		}
		wanem_free(w);
	}
}

static void params_out_of_range_rejected(void **state)
{
	struct wanem_params p;
	const char *why = NULL;

	wanem_params_init(&p);
	assert_int_equal(wanem_params_check(&p, &why), 0);
	assert_null(why);

	p.loss = 1.5;
	assert_int_equal(wanem_params_check(&p, &why), -EINVAL);
	assert_non_null(strstr(why, "loss"));
	p.loss = NAN;
	assert_int_equal(wanem_params_check(&p, &why), -EINVAL);
	wanem_params_init(&p);
	p.delay_us = 1000;
	p.jitter_us = 1001;
	assert_int_equal(wanem_params_check(&p, &why), -EINVAL);
	assert_non_null(strstr(why, "jitter"));
	wanem_params_init(&p);
	p.rate_bps = 1000000;
	p.queue_bytes = 100;
	assert_int_equal(wanem_params_check(&p, &why), -EINVAL);
	assert_null(wanem_create("bad", &p));
	assert_int_equal(rte_errno, EINVAL);
	wanem_params_init(&p);
	p.mtu = 67;
	assert_int_equal(wanem_params_check(&p, NULL), -EINVAL);

	/* set_params refuses and changes nothing */
	wanem_params_init(&p);
	p.delay_us = 500;
	struct wanem *w = make(&p);
	struct wanem_params bad = p, now;
	bad.duplicate = -0.1;
	assert_int_equal(wanem_set_params(w, &bad, 0), -EINVAL);
	wanem_get_params(w, &now);
	assert_int_equal(now.delay_us, 500);
	assert_true(now.duplicate == 0.0);
	wanem_free(w);

	assert_string_equal(wanem_counter_name(WANEM_C_drop_loss), "drop_loss");
	assert_null(wanem_counter_name(WANEM_C_MAX));
	assert_non_null(wanem_counter_help(WANEM_C_in_packets));
	/* The one shape of every counter list (stat_desc.h): drops are drop_ and kind drop. */
	unsigned int bad_c = WANEM_C_MAX;
	if (stat_desc_check(wanem_counter_descs(), WANEM_C_MAX, &bad_c) != 0)
		fail_msg("counter %s breaks the rules of stat_desc.h", wanem_counter_name(bad_c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(delay_exact_without_jitter),
	        cmocka_unit_test(jitter_uniform_bounds_and_mean),
	        cmocka_unit_test(jitter_normal_bounds_and_mean),
	        cmocka_unit_test(order_kept_when_order_preserving),
	        cmocka_unit_test(token_bucket_rate_within_1_percent),
	        cmocka_unit_test(serialisation_spacing),
	        cmocka_unit_test(queue_limit_in_bytes_and_tail_drop),
	        cmocka_unit_test(memory_bound),
	        cmocka_unit_test(mtu_drop_or_icmp),
	        cmocka_unit_test(rate_change_keeps_queued_packets),
	        cmocka_unit_test(delay_change_applies_to_new_packets),
	        cmocka_unit_test(params_out_of_range_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
