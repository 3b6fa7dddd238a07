/* SPDX-License-Identifier: BSD-3-Clause */
/* The congestion metrics cache without packets: insert, hit, aging, the bound, the rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "tcp_metrics.h"
#include "tcp_rto.h"

#define S        1000000ull /* one second in us */
#define LIFETIME (3600 * S)

static struct tcp_metrics_entry slots[1024];

static struct tcp_metrics cache(uint32_t entries)
{
	struct tcp_metrics m;
	assert_true(tcp_metrics_slots(entries) <= 1024);
	assert_int_equal(tcp_metrics_init(&m, slots, entries), 0);
	return m;
}

static struct tcp_metrics_key key(uint32_t addr)
{
	return (struct tcp_metrics_key){.profile = 1, .raddr = addr};
}

/* A connection in congestion avoidance: cwnd 100 segments, ssthresh 60. */
static const struct tcp_metrics_sample avoid = {
        .srtt_us = 600000, .rttvar_us = 50000, .cwnd_segs = 100, .ssthresh_segs = 60};

static void insert_then_hit(void **state)
{
	struct tcp_metrics m = cache(64);
	struct tcp_metrics_val v;
	const struct tcp_metrics_key k = key(0x0a140002);

	assert_false(tcp_metrics_lookup(&m, &k, 10 * S, LIFETIME, &v));
	tcp_metrics_update(&m, &k, &avoid, 10 * S, LIFETIME);
	assert_int_equal(tcp_metrics_count(&m), 1);
	assert_true(tcp_metrics_lookup(&m, &k, 11 * S, LIFETIME, &v));
	assert_int_equal(v.srtt_us, 600000);
	assert_int_equal(v.rttvar_us, 50000);
	/* Congestion avoidance: ssthresh = max(cwnd / 2, ssthresh) = 60; cwnd as it was. */
	assert_int_equal(v.ssthresh_segs, 60);
	assert_int_equal(v.cwnd_segs, 100);
}

static void other_host_or_profile_misses(void **state)
{
	struct tcp_metrics m = cache(64);
	struct tcp_metrics_val v;
	const struct tcp_metrics_key k = key(0x0a140002);
	struct tcp_metrics_key other_prof = k;
	other_prof.profile = 2;
	const struct tcp_metrics_key other_host = key(0x0a140003);

	tcp_metrics_update(&m, &k, &avoid, 10 * S, LIFETIME);
	assert_false(tcp_metrics_lookup(&m, &other_prof, 10 * S, LIFETIME, &v));
	assert_false(tcp_metrics_lookup(&m, &other_host, 10 * S, LIFETIME, &v));
	assert_true(tcp_metrics_lookup(&m, &k, 10 * S, LIFETIME, &v));
}

static void entries_age_out(void **state)
{
	struct tcp_metrics m = cache(64);
	struct tcp_metrics_val v;
	const struct tcp_metrics_key k = key(0x0a140002);

	tcp_metrics_update(&m, &k, &avoid, 10 * S, 60 * S);
	assert_true(tcp_metrics_lookup(&m, &k, 69 * S, 60 * S, &v));
	/* A hit does not extend the life: only what a connection learns does. */
	assert_false(tcp_metrics_lookup(&m, &k, 70 * S, 60 * S, &v));
	assert_int_equal(tcp_metrics_count(&m), 0);
	/* An aged entry is not folded into: the next sample starts afresh. */
	tcp_metrics_update(&m, &k, &avoid, 10 * S, 60 * S);
	const struct tcp_metrics_sample low = {
	        .srtt_us = 100000, .rttvar_us = 1000, .cwnd_segs = 20, .ssthresh_segs = 10};
	tcp_metrics_update(&m, &k, &low, 200 * S, 60 * S);
	assert_true(tcp_metrics_lookup(&m, &k, 200 * S, 60 * S, &v));
	assert_int_equal(v.srtt_us, 100000);
	assert_int_equal(v.cwnd_segs, 20);
}

static void the_table_is_bounded(void **state)
{
	struct tcp_metrics m = cache(64);
	struct tcp_metrics_val v;

	/* 1000 hosts into 64 entries: never more than 64, and the newest is always there. */
	for (uint32_t i = 0; i < 1000; i++) {
		const struct tcp_metrics_key k = key(0x0a000000 + i);
		tcp_metrics_update(&m, &k, &avoid, (10 + i) * S, LIFETIME);
		assert_true(tcp_metrics_count(&m) <= 64);
		assert_true(tcp_metrics_lookup(&m, &k, (10 + i) * S, LIFETIME, &v));
	}
	assert_int_equal(tcp_metrics_slots(64), 64);
	assert_true(tcp_metrics_count(&m) > 32); /* the hash spreads over the sets */
	/* A size that is not whole sets of a power of two rounds down, never up. */
	assert_int_equal(tcp_metrics_slots(100), 64);
	assert_int_equal(tcp_metrics_slots(1), 4);
}

static void a_full_set_gives_up_its_least_recently_used(void **state)
{
	/* One set of 4: the fifth host evicts the one used longest ago, not the oldest. */
	struct tcp_metrics m = cache(4);
	struct tcp_metrics_val v;
	for (uint32_t i = 0; i < 4; i++) {
		const struct tcp_metrics_key k = key(100 + i);
		tcp_metrics_update(&m, &k, &avoid, (1 + i) * S, LIFETIME);
	}
	const struct tcp_metrics_key first = key(100), second = key(101), fifth = key(104);
	assert_true(tcp_metrics_lookup(&m, &first, 10 * S, LIFETIME, &v)); /* used again */
	tcp_metrics_update(&m, &fifth, &avoid, 11 * S, LIFETIME);
	assert_int_equal(tcp_metrics_count(&m), 4);
	assert_true(tcp_metrics_lookup(&m, &first, 12 * S, LIFETIME, &v));
	assert_false(tcp_metrics_lookup(&m, &second, 12 * S, LIFETIME, &v));
	assert_true(tcp_metrics_lookup(&m, &fifth, 12 * S, LIFETIME, &v));
}

static void rtt_up_at_once_down_slowly(void **state)
{
	struct tcp_metrics m = cache(64);
	struct tcp_metrics_val v;
	const struct tcp_metrics_key k = key(7);
	struct tcp_metrics_sample s = avoid;

	tcp_metrics_update(&m, &k, &s, 1 * S, LIFETIME);
	s.srtt_us = 800000;
	s.rttvar_us = 90000;
	tcp_metrics_update(&m, &k, &s, 2 * S, LIFETIME);
	assert_true(tcp_metrics_lookup(&m, &k, 2 * S, LIFETIME, &v));
	assert_int_equal(v.srtt_us, 800000);
	assert_int_equal(v.rttvar_us, 90000);
	s.srtt_us = 400000;
	s.rttvar_us = 10000;
	tcp_metrics_update(&m, &k, &s, 3 * S, LIFETIME);
	assert_true(tcp_metrics_lookup(&m, &k, 3 * S, LIFETIME, &v));
	assert_int_equal(v.srtt_us, 800000 - 400000 / 8);
	assert_int_equal(v.rttvar_us, 90000 - 80000 / 4);
}

static void windows_by_phase(void **state)
{
	struct tcp_metrics m = cache(64);
	struct tcp_metrics_val v;
	const struct tcp_metrics_key k = key(8);

	/* Closed in its first slow start at 40 segments: cwnd 40 learnt, ssthresh unknown. */
	const struct tcp_metrics_sample ss = {
	        .srtt_us = 600000, .rttvar_us = 1000, .cwnd_segs = 40, .ssthresh_segs = 0};
	tcp_metrics_update(&m, &k, &ss, 1 * S, LIFETIME);
	assert_true(tcp_metrics_lookup(&m, &k, 1 * S, LIFETIME, &v));
	assert_int_equal(v.cwnd_segs, 40);
	assert_int_equal(v.ssthresh_segs, 0);
	/* A smaller first slow start never lowers it. */
	struct tcp_metrics_sample ss2 = ss;
	ss2.cwnd_segs = 10;
	tcp_metrics_update(&m, &k, &ss2, 2 * S, LIFETIME);
	assert_true(tcp_metrics_lookup(&m, &k, 2 * S, LIFETIME, &v));
	assert_int_equal(v.cwnd_segs, 40);
	/* Congestion avoidance at 100 (ssthresh 60): ssthresh max(50, 60), cwnd averaged. */
	tcp_metrics_update(&m, &k, &avoid, 3 * S, LIFETIME);
	assert_true(tcp_metrics_lookup(&m, &k, 3 * S, LIFETIME, &v));
	assert_int_equal(v.ssthresh_segs, 60);
	assert_int_equal(v.cwnd_segs, (40 + 100) / 2);
	/* Closed in recovery (cwnd meaningless): cwnd averaged with its ssthresh 30; the cached
	 * ssthresh only rises. */
	const struct tcp_metrics_sample rec = {.srtt_us = 600000,
	                                       .rttvar_us = 1000,
	                                       .cwnd_segs = 5,
	                                       .ssthresh_segs = 30,
	                                       .in_recovery = true};
	tcp_metrics_update(&m, &k, &rec, 4 * S, LIFETIME);
	assert_true(tcp_metrics_lookup(&m, &k, 4 * S, LIFETIME, &v));
	assert_int_equal(v.cwnd_segs, (70 + 30) / 2);
	assert_int_equal(v.ssthresh_segs, 60);
}

static void rto_seeded_from_the_cache(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r, 3000000, 200000, 60000000, 1000);
	tcp_rto_set_var_floor(&r, 200000);
	/* srtt 600 ms, rttvar 100 ms: 600 + 4 x 100 = 1000 ms instead of the initial 3 s. */
	tcp_rto_seed(&r, 600000, 100000);
	assert_int_equal(tcp_rto_timeout_us(&r), 1000000);
	assert_false(r.has_sample);
	/* A tiny variance is floored like the estimator's (min_rto). */
	tcp_rto_seed(&r, 600000, 1000);
	assert_int_equal(tcp_rto_timeout_us(&r), 800000);
	/* The connection's own first sample starts the estimator afresh (RFC 6298 2.2). */
	tcp_rto_sample(&r, 100000);
	assert_int_equal(tcp_rto_srtt_us(&r), 100000);
	assert_int_equal(tcp_rto_timeout_us(&r), 300000);
}

static void bad_arguments(void **state)
{
	struct tcp_metrics m;
	assert_int_equal(tcp_metrics_init(NULL, slots, 4), -EINVAL);
	assert_int_equal(tcp_metrics_init(&m, NULL, 4), -EINVAL);
	assert_int_equal(tcp_metrics_init(&m, slots, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(insert_then_hit),
	        cmocka_unit_test(other_host_or_profile_misses),
	        cmocka_unit_test(entries_age_out),
	        cmocka_unit_test(the_table_is_bounded),
	        cmocka_unit_test(a_full_set_gives_up_its_least_recently_used),
	        cmocka_unit_test(rtt_up_at_once_down_slowly),
	        cmocka_unit_test(windows_by_phase),
	        cmocka_unit_test(rto_seeded_from_the_cache),
	        cmocka_unit_test(bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
