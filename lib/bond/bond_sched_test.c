/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bond_sched: each scheduler's choices over hand-made link views on a virtual clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_errno.h>

#include "bond_sched.h"

#define MBIT 1000000ull
#define PKT  1400u

static struct bond_sched *make(enum bond_sched_kind kind, uint8_t n)
{
	struct bond_sched_params p = {.kind = kind, .n_links = n};
	struct bond_sched *s = bond_sched_create("test", &p);

	assert_non_null(s);
	return s;
}

static struct bond_link_view up(uint64_t rate_bps, uint32_t owd_rel_us, uint8_t prio)
{
	return (struct bond_link_view){
	        .usable = true, .rate_bps = rate_bps, .owd_rel_us = owd_rel_us, .priority = prio};
}

static void set(struct bond_sched *s, const struct bond_link_view *v, unsigned int n)
{
	assert_int_equal(bond_sched_set_links(s, v, n), 0);
}

static int pick1(struct bond_sched *s, uint64_t now)
{
	uint8_t l[BOND_SCHED_MAX_COPIES];
	int n = bond_sched_pick(s, PKT, now, l);

	assert_int_equal(n, 1);
	return l[0];
}

static void weighted_shares_follow_configured_rates(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_WEIGHTED, 3);
	struct bond_link_view v[3] = {up(20 * MBIT, 0, 0), up(10 * MBIT, 0, 0), up(5 * MBIT, 0, 0)};
	struct bond_sched_stats st;

	set(s, v, 3);
	for (unsigned int i = 0; i < 35000; i++)
		pick1(s, i);
	bond_sched_stats_get(s, &st);
	assert_int_equal(st.packets[0] + st.packets[1] + st.packets[2], 35000);
	/* 4:2:1 within one packet each: fair queueing has no random error */
	assert_true(llabs((long long)st.packets[0] - 20000) <= 1);
	assert_true(llabs((long long)st.packets[1] - 10000) <= 1);
	assert_true(llabs((long long)st.packets[2] - 5000) <= 1);
	assert_int_equal(st.copies, 0);
	bond_sched_free(s);
}

static void weighted_uses_estimate_without_configured_rate(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_WEIGHTED, 2);
	struct bond_link_view v[2] = {up(0, 0, 0), up(0, 0, 0)};
	struct bond_sched_stats st;

	v[0].rate_est_bps = 30 * MBIT;
	v[1].rate_est_bps = 10 * MBIT;
	set(s, v, 2);
	for (unsigned int i = 0; i < 4000; i++)
		pick1(s, i);
	bond_sched_stats_get(s, &st);
	assert_true(llabs((long long)st.packets[0] - 3000) <= 1);
	bond_sched_free(s);
}

/* A link that comes back shares from then on: it does not get everything to catch up. */
static void weighted_link_back_gets_no_burst(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_WEIGHTED, 2);
	struct bond_link_view v[2] = {up(10 * MBIT, 0, 0), up(10 * MBIT, 0, 0)};
	unsigned int on1 = 0;

	v[1].usable = false;
	set(s, v, 2);
	for (unsigned int i = 0; i < 1000; i++)
		assert_int_equal(pick1(s, i), 0);
	v[1].usable = true;
	set(s, v, 2);
	for (unsigned int i = 0; i < 100; i++)
		on1 += pick1(s, 1000 + i) == 1;
	assert_true(on1 >= 49 && on1 <= 51);
	bond_sched_free(s);
}

static void round_robin_skips_down_links(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_ROUND_ROBIN, 3);
	struct bond_link_view v[3] = {up(0, 0, 0), up(0, 0, 0), up(0, 0, 0)};

	set(s, v, 3);
	assert_int_equal(pick1(s, 0), 0);
	assert_int_equal(pick1(s, 0), 1);
	assert_int_equal(pick1(s, 0), 2);
	assert_int_equal(pick1(s, 0), 0);
	v[1].usable = false;
	set(s, v, 3);
	assert_int_equal(pick1(s, 0), 2);
	assert_int_equal(pick1(s, 0), 0);
	assert_int_equal(pick1(s, 0), 2);
	bond_sched_free(s);
}

/*
 * dicom-branch: coax 20 Mbit/s, LTE 10 Mbit/s with 15 ms more one-way delay, an open-loop
 * sender at 27 Mbit/s. The test models the two links itself (serialization at their rate,
 * then their delay): when the scheduler knows the links, every packet arrives after the one
 * sent before it - one TCP flow across both links is not reordered - and the fast link
 * carries its full rate before the slow one takes the rest.
 */
static void dynamic_earliest_arrival_keeps_order(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_DYNAMIC, 2);
	struct bond_link_view v[2] = {up(20 * MBIT, 0, 0), up(10 * MBIT, 15000, 0)};
	const uint64_t rate[2] = {20 * MBIT, 10 * MBIT}, delay_ns[2] = {15000000, 30000000};
	struct bond_sched_stats st;
	const uint64_t gap_ns = (uint64_t)PKT * 8 * 1000000000ull / (27 * MBIT);
	uint64_t free_at[2] = {0, 0}, last_arrival = 0;
	unsigned int n = 27 * MBIT / 8 / PKT * 2, reordered = 0; /* 2 s */

	set(s, v, 2);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t now_ns = (uint64_t)i * gap_ns;
		int l = pick1(s, now_ns / 1000);
		uint64_t arrival;

		free_at[l] =
		        RTE_MAX(free_at[l], now_ns) + (uint64_t)PKT * 8 * 1000000000ull / rate[l];
		arrival = free_at[l] + delay_ns[l];
		/* 1 us: the scheduler sees time in microseconds */
		if (arrival + 1000 < last_arrival)
			reordered++;
		last_arrival = RTE_MAX(last_arrival, arrival);
	}
	bond_sched_stats_get(s, &st);
	/* coax carries 20 of the 27 Mbit/s (74 %), LTE the rest */
	double share0 = (double)st.bytes[0] / (double)(st.bytes[0] + st.bytes[1]);
	printf("dynamic: coax share %.3f, %u of %u packets overtaken\n", share0, reordered, n);
	assert_int_equal(reordered, 0);
	assert_true(fabs(share0 - 20.0 / 27.0) < 0.02);
	bond_sched_free(s);
}

/* At a low rate everything takes the lower-delay link; the slower one waits. */
static void dynamic_low_load_prefers_low_delay(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_DYNAMIC, 2);
	struct bond_link_view v[2] = {up(10 * MBIT, 30000, 0), up(10 * MBIT, 0, 0)};

	set(s, v, 2);
	for (unsigned int i = 0; i < 1000; i++)
		assert_int_equal(pick1(s, (uint64_t)i * 10000), 1); /* 1.1 Mbit/s */
	bond_sched_free(s);
}

/* A queue the peer measured steers packets away until the model has drained it. */
static void dynamic_measured_queue_steers_away(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_DYNAMIC, 2);
	struct bond_link_view v[2] = {up(10 * MBIT, 0, 0), up(10 * MBIT, 5000, 0)};

	set(s, v, 2);
	assert_int_equal(pick1(s, 1000000), 0);
	v[0].queue_us = 40000;
	v[0].queue_at_us = 1000000;
	set(s, v, 2);
	for (unsigned int i = 0; i < 20; i++)
		assert_int_equal(pick1(s, 1000000 + i * 1000), 1);
	/* the same measurement again is not a new queue */
	set(s, v, 2);
	assert_int_equal(pick1(s, 1050000), 0);
	bond_sched_free(s);
}

/* An estimated rate is probed 25 % higher until the peer sees a standing queue. */
static void dynamic_probes_estimate_until_saturated(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_DYNAMIC, 1);
	struct bond_link_view v = up(0, 0, 0);
	const uint32_t bytes = 10000; /* 80 kbit */

	set(s, &v, 1);
	/* nothing known: the default rate, 10 Mbit/s */
	assert_int_equal(bond_sched_expected_arrival_us(s, 0, bytes, 0), 8000);
	v.rate_est_bps = 8 * MBIT;
	set(s, &v, 1);
	assert_int_equal(bond_sched_expected_arrival_us(s, 0, bytes, 0), 8000); /* 8 x 1.25 */
	/* only at the edge: past 10 ms of modelled queue, the estimate as it is */
	uint8_t l[BOND_SCHED_MAX_COPIES];
	assert_int_equal(bond_sched_pick(s, bytes, 0, l), 1);
	assert_int_equal(bond_sched_pick(s, bytes, 0, l), 1);
	assert_int_equal(bond_sched_expected_arrival_us(s, 0, bytes, 0), 16000 + 10000);
	bond_sched_free(s);
	s = make(BOND_SCHED_DYNAMIC, 1);
	v.saturated = true;
	set(s, &v, 1);
	assert_int_equal(bond_sched_expected_arrival_us(s, 0, bytes, 0), 10000);
	/* a configured rate is taken as it is */
	v.rate_bps = 16 * MBIT;
	v.saturated = false;
	set(s, &v, 1);
	assert_int_equal(bond_sched_expected_arrival_us(s, 0, bytes, 0), 5000);
	bond_sched_free(s);
}

/*
 * The model counts what it sent; a link that dropped much of it (the only link left, given
 * more than it carries) must not look busy for seconds once the peer says its queue is short.
 */
static void dynamic_model_follows_measured_queue_down(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_DYNAMIC, 2);
	struct bond_link_view v[2] = {up(10 * MBIT, 15000, 0), up(20 * MBIT, 0, 0)};

	v[1].usable = false;
	set(s, v, 2);
	for (unsigned int i = 0; i < 5000; i++)
		pick1(s, 1000000);
	assert_true(bond_sched_expected_arrival_us(s, 0, PKT, 1000000) > 5000000);
	v[0].queue_us = 100000;
	v[0].queue_at_us = 1000000;
	v[1].usable = true;
	set(s, v, 2);
	/* at most the measured queue and 25 ms of slack, plus its own delay and one packet */
	assert_true(bond_sched_expected_arrival_us(s, 0, PKT, 1000000) <=
	            100000 + 25000 + 15000 + 1200);
	assert_int_equal(pick1(s, 1000000), 1);
	bond_sched_free(s);
}

static void active_backup_failover_and_failback(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_ACTIVE_BACKUP, 3);
	/* link 1 is the primary although it is slower; link 2 the last resort */
	struct bond_link_view v[3] = {up(20 * MBIT, 0, 1), up(10 * MBIT, 15000, 0),
	                              up(50 * MBIT, 0, 2)};

	set(s, v, 3);
	for (unsigned int i = 0; i < 100; i++)
		assert_int_equal(pick1(s, i * 100), 1);
	v[1].usable = false; /* primary down: the next priority */
	set(s, v, 3);
	for (unsigned int i = 0; i < 100; i++)
		assert_int_equal(pick1(s, 10000 + i * 100), 0);
	v[0].usable = false;
	set(s, v, 3);
	assert_int_equal(pick1(s, 20000), 2);
	v[0].usable = v[1].usable = true; /* failback to the primary */
	set(s, v, 3);
	for (unsigned int i = 0; i < 100; i++)
		assert_int_equal(pick1(s, 30000 + i * 100), 1);
	bond_sched_free(s);
}

static void active_backup_equal_priorities_share(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_ACTIVE_BACKUP, 3);
	struct bond_link_view v[3] = {up(10 * MBIT, 0, 0), up(10 * MBIT, 0, 0),
	                              up(10 * MBIT, 0, 1)};
	struct bond_sched_stats st;

	set(s, v, 3);
	for (unsigned int i = 0; i < 1000; i++)
		pick1(s, 0); /* a burst: both primaries fill */
	bond_sched_stats_get(s, &st);
	assert_int_equal(st.packets[2], 0);
	assert_true(llabs((long long)st.packets[0] - 500) <= 1);
	bond_sched_free(s);
}

static void duplicate_picks_two_best(void **state)
{
	struct bond_sched *s = make(BOND_SCHED_DUPLICATE, 3);
	struct bond_link_view v[3] = {up(10 * MBIT, 40000, 0), up(10 * MBIT, 0, 0),
	                              up(10 * MBIT, 10000, 0)};
	struct bond_sched_stats st;
	uint8_t l[BOND_SCHED_MAX_COPIES];

	set(s, v, 3);
	for (unsigned int i = 0; i < 100; i++) {
		assert_int_equal(bond_sched_pick(s, 200, (uint64_t)i * 20000, l), 2);
		assert_int_equal(l[0], 1);
		assert_int_equal(l[1], 2);
	}
	v[1].usable = false;
	set(s, v, 3);
	assert_int_equal(bond_sched_pick(s, 200, 2000000, l), 2);
	assert_int_equal(l[0], 2);
	assert_int_equal(l[1], 0);
	v[2].usable = false;
	set(s, v, 3);
	assert_int_equal(bond_sched_pick(s, 200, 2000000, l), 1);
	assert_int_equal(l[0], 0);
	bond_sched_stats_get(s, &st);
	assert_int_equal(st.copies, 101);
	bond_sched_free(s);
}

/* No scheduler sends on a down link; with none usable every one refuses, and only DUPLICATE
 * ever sends two copies. */
/* Pure ACKs also go on the second-ranked link, except with active_backup; big packets do not;
 * one usable link: one copy; the copy can be turned off. */
static void small_packets_get_a_second_copy(void **state)
{
	struct bond_link_view v[3] = {up(20 * MBIT, 0, 0), up(10 * MBIT, 15000, 1),
	                              up(5 * MBIT, 40000, 2)};
	const enum bond_sched_kind kinds[] = {BOND_SCHED_ROUND_ROBIN, BOND_SCHED_WEIGHTED,
	                                      BOND_SCHED_DYNAMIC, BOND_SCHED_ACTIVE_BACKUP};
	uint8_t l[BOND_SCHED_MAX_COPIES];
	struct bond_sched_stats st;

	for (unsigned int k = 0; k < RTE_DIM(kinds); k++) {
		struct bond_sched *s = make(kinds[k], 3);
		bool copies = kinds[k] != BOND_SCHED_ACTIVE_BACKUP;

		set(s, v, 3);
		for (unsigned int i = 0; i < 100; i++) {
			int n = bond_sched_pick(s, BOND_SCHED_DEFAULT_SMALL_COPY_BYTES, i * 1000,
			                        l);

			assert_int_equal(n, copies ? 2 : 1);
			if (n == 2) {
				assert_int_not_equal(l[0], l[1]);
				/* the copy takes the best other link by arrival: never the 40 ms
				 * one */
				assert_true(l[0] != 2 || l[1] != 2);
				assert_true(l[1] < 2);
			}
			assert_int_equal(bond_sched_pick(s, BOND_SCHED_DEFAULT_SMALL_COPY_BYTES + 1,
			                                 i * 1000 + 500, l),
			                 1);
		}
		bond_sched_stats_get(s, &st);
		assert_int_equal(st.copies, copies ? 100 : 0);
		bond_sched_free(s);
	}
	/* one usable link: nothing to copy onto */
	struct bond_sched *s = make(BOND_SCHED_DYNAMIC, 3);
	v[1].usable = v[2].usable = false;
	set(s, v, 3);
	assert_int_equal(bond_sched_pick(s, 60, 0, l), 1);
	assert_int_equal(l[0], 0);
	bond_sched_free(s);
	/* turned off */
	struct bond_sched_params p = {
	        .kind = BOND_SCHED_DYNAMIC, .n_links = 3, .small_copy_bytes = -1};
	s = bond_sched_create("off", &p);
	assert_non_null(s);
	v[1].usable = v[2].usable = true;
	set(s, v, 3);
	assert_int_equal(bond_sched_pick(s, 60, 0, l), 1);
	bond_sched_free(s);
	p.small_copy_bytes = 1501;
	assert_null(bond_sched_create("big", &p));
}

static void every_kind_skips_down_links(void **state)
{
	for (int k = 0; k < BOND_SCHED_KIND_MAX; k++) {
		struct bond_sched *s = make(k, 3);
		struct bond_link_view v[3] = {up(10 * MBIT, 0, 0), up(20 * MBIT, 0, 0),
		                              up(5 * MBIT, 9000, 1)};
		struct bond_sched_stats st;
		uint8_t l[BOND_SCHED_MAX_COPIES];

		v[1].usable = false;
		set(s, v, 3);
		for (unsigned int i = 0; i < 1000; i++) {
			int n = bond_sched_pick(s, PKT, (uint64_t)i * 50, l);

			assert_int_equal(n, k == BOND_SCHED_DUPLICATE ? 2 : 1);
			for (int c = 0; c < n; c++)
				assert_int_not_equal(l[c], 1);
		}
		v[0].usable = v[2].usable = false;
		set(s, v, 3);
		assert_int_equal(bond_sched_pick(s, PKT, 100000, l), -ENETDOWN);
		bond_sched_stats_get(s, &st);
		assert_int_equal(st.no_link, 1);
		assert_int_equal(st.packets[1], 0);
		bond_sched_free(s);
	}
}

static void names_and_bad_params(void **state)
{
	struct bond_sched_params p = {.kind = BOND_SCHED_DYNAMIC, .n_links = 0};

	for (int k = 0; k < BOND_SCHED_KIND_MAX; k++)
		assert_int_equal(bond_sched_kind_from_name(bond_sched_kind_name(k)), k);
	assert_int_equal(bond_sched_kind_from_name("fastest"), -EINVAL);
	assert_null(bond_sched_kind_name(BOND_SCHED_KIND_MAX));
	assert_null(bond_sched_create("x", &p));
	assert_int_equal(rte_errno, EINVAL);
	p.n_links = BOND_LINKS_MAX + 1;
	assert_null(bond_sched_create("x", &p));
	p.n_links = 2;
	p.probe_gain_pct = 50;
	assert_null(bond_sched_create("x", &p));
	p.probe_gain_pct = 0;
	p.kind = BOND_SCHED_KIND_MAX;
	assert_null(bond_sched_create("x", &p));
	p.kind = BOND_SCHED_WEIGHTED;
	struct bond_sched *s = bond_sched_create("x", &p);
	struct bond_link_view v[3] = {0};
	assert_non_null(s);
	assert_int_equal(bond_sched_set_links(s, v, 3), -EINVAL);
	assert_int_equal(bond_sched_expected_arrival_us(s, 7, PKT, 0), UINT64_MAX);
	bond_sched_free(s);
	bond_sched_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(weighted_shares_follow_configured_rates),
	        cmocka_unit_test(weighted_uses_estimate_without_configured_rate),
	        cmocka_unit_test(weighted_link_back_gets_no_burst),
	        cmocka_unit_test(round_robin_skips_down_links),
	        cmocka_unit_test(dynamic_earliest_arrival_keeps_order),
	        cmocka_unit_test(dynamic_low_load_prefers_low_delay),
	        cmocka_unit_test(dynamic_measured_queue_steers_away),
	        cmocka_unit_test(dynamic_probes_estimate_until_saturated),
	        cmocka_unit_test(dynamic_model_follows_measured_queue_down),
	        cmocka_unit_test(active_backup_failover_and_failback),
	        cmocka_unit_test(active_backup_equal_priorities_share),
	        cmocka_unit_test(duplicate_picks_two_best),
	        cmocka_unit_test(small_packets_get_a_second_copy),
	        cmocka_unit_test(every_kind_skips_down_links),
	        cmocka_unit_test(names_and_bad_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
