/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bond_reorder on a virtual clock: holes, hold expiry, early give-up when every link is past
 * a hole, per-bucket independence, duplicates, late and old packets, memory bounds, sequence
 * wrap, reset and flush.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_errno.h>

#include "bond_reorder.h"

/* Fake packets: the pointer carries (bucket << 32 | seq) + 1 (16-bit sequences). */
#define PKT(b, s)  ((void *)(uintptr_t)((((uint64_t)(b) << 32) | (uint32_t)(s)) + 1))
#define PKT_SEQ(p) ((uint32_t)((uintptr_t)(p)-1) & 0xffff)
#define PKT_BKT(p) ((uint32_t)(((uint64_t)(uintptr_t)(p)-1) >> 32))

static struct bond_reorder *make(uint32_t window, uint32_t max_windows, uint32_t max_packets,
                                 uint32_t hold_us)
{
	struct bond_reorder_params p;
	struct bond_reorder *r;

	bond_reorder_params_init(&p);
	p.n_buckets = 16;
	p.window = window;
	p.max_windows = max_windows;
	p.max_packets = max_packets;
	p.hold_max_us = hold_us;
	r = bond_reorder_create("test", &p);
	assert_non_null(r);
	return r;
}

static int put(struct bond_reorder *r, uint32_t bucket, uint32_t seq, uint8_t link, uint32_t ts,
               uint64_t now)
{
	struct bond_reorder_meta m = {.bucket = bucket, .seq = seq, .sender_ts = ts, .link = link};

	return bond_reorder_insert(r, PKT(bucket, seq), &m, now);
}

/* Drain and check the released sequence numbers of one bucket are exactly want[]. */
static void expect_ready(struct bond_reorder *r, uint32_t bucket, const uint32_t *want,
                         unsigned int n)
{
	void *out[64];
	unsigned int k = bond_reorder_drain(r, out, 64);

	assert_int_equal(k, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(PKT_BKT(out[i]), bucket);
		assert_int_equal(PKT_SEQ(out[i]), want[i]);
	}
}

static uint64_t counter(struct bond_reorder *r, enum bond_reorder_counter c)
{
	struct bond_reorder_stats st;

	bond_reorder_stats_get(r, &st);
	return st.c[c];
}

static void free_all(struct bond_reorder *r)
{
	void *out[256];

	while (bond_reorder_flush(r, out, 256) > 0)
		;
	bond_reorder_free(r);
}

static void in_order_passes_straight(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);

	for (uint32_t s = 0; s < 5; s++)
		assert_int_equal(put(r, 3, s, 0, s, 0), BOND_REORDER_READY);
	expect_ready(r, 3, (uint32_t[]){0, 1, 2, 3, 4}, 5);
	assert_int_equal(bond_reorder_next_deadline_us(r), UINT64_MAX);
	assert_int_equal(counter(r, BOND_REORDER_C_in_order), 5);
	free_all(r);
}

static void hole_filled_releases_in_order(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);

	assert_int_equal(put(r, 1, 0, 0, 0, 0), BOND_REORDER_READY);
	assert_int_equal(put(r, 1, 2, 0, 20, 100), BOND_REORDER_HELD);
	assert_int_equal(put(r, 1, 3, 0, 30, 200), BOND_REORDER_HELD);
	expect_ready(r, 1, (uint32_t[]){0}, 1);
	assert_int_equal(put(r, 1, 1, 1, 10, 300), BOND_REORDER_READY);
	expect_ready(r, 1, (uint32_t[]){1, 2, 3}, 3);
	assert_int_equal(counter(r, BOND_REORDER_C_released), 2);
	assert_int_equal(bond_reorder_next_deadline_us(r), UINT64_MAX);
	free_all(r);
}

/* No packet waits longer than the hold; the packet that comes after is late, and dropped. */
static void hold_expiry_gives_up_hole(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);
	void *dead[4];

	bond_reorder_set_hold(r, 10000, 0);
	assert_int_equal(put(r, 0, 0, 0, 0, 1000), BOND_REORDER_READY);
	/* sent together (same stamp): the link being past them says nothing */
	assert_int_equal(put(r, 0, 2, 0, 0, 1000), BOND_REORDER_HELD);
	assert_int_equal(put(r, 0, 3, 0, 0, 5000), BOND_REORDER_HELD);
	assert_int_equal(bond_reorder_next_deadline_us(r), 11000);
	bond_reorder_advance(r, 10999);
	expect_ready(r, 0, (uint32_t[]){0}, 1);
	bond_reorder_advance(r, 11000);
	expect_ready(r, 0, (uint32_t[]){2, 3}, 2);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_expired), 1);
	assert_int_equal(put(r, 0, 1, 1, 10, 12000), BOND_REORDER_LATE);
	/* a second copy of the late one is a duplicate */
	assert_int_equal(put(r, 0, 1, 1, 10, 12001), BOND_REORDER_DUPLICATE);
	assert_int_equal(bond_reorder_death_row(r, dead, 4), 2);
	assert_int_equal(PKT_SEQ(dead[0]), 1);
	expect_ready(r, 0, NULL, 0);
	free_all(r);
}

/* The hold of the second hole counts from when its packets arrived, not from the first. */
static void second_hole_held_from_its_own_arrivals(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);

	bond_reorder_set_hold(r, 10000, 0);
	put(r, 0, 0, 0, 0, 0);
	put(r, 0, 2, 0, 0, 0);    /* hole at 1 */
	put(r, 0, 4, 0, 0, 8000); /* hole at 3 */
	expect_ready(r, 0, (uint32_t[]){0}, 1);
	assert_int_equal(put(r, 0, 1, 0, 0, 9000), BOND_REORDER_READY);
	expect_ready(r, 0, (uint32_t[]){1, 2}, 2);
	assert_int_equal(bond_reorder_next_deadline_us(r), 18000);
	bond_reorder_advance(r, 17999);
	expect_ready(r, 0, NULL, 0);
	bond_reorder_advance(r, 18000);
	expect_ready(r, 0, (uint32_t[]){4}, 1);
	free_all(r);
}

/* A hole in one bucket holds back nothing of another. */
static void buckets_are_independent(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);

	put(r, 5, 0, 0, 0, 0);
	assert_int_equal(put(r, 5, 2, 0, 0, 0), BOND_REORDER_HELD);
	for (uint32_t s = 0; s < 3; s++)
		assert_int_equal(put(r, 6, s, 0, 0, 10), BOND_REORDER_READY);
	void *out[8];
	assert_int_equal(bond_reorder_drain(r, out, 8), 4);
	assert_int_equal(PKT_BKT(out[0]), 5);
	for (int i = 1; i < 4; i++)
		assert_int_equal(PKT_BKT(out[i]), 6);
	free_all(r);
}

/* Two copies of every packet (the duplicate scheduler), in any order: one copy each is out. */
static void duplicates_never_delivered_twice(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);
	void *out[64];
	unsigned int k, n = 0;
	uint32_t next = 0;

	for (uint32_t s = 0; s < 40; s += 2) {
		/* link 0 brings s+1 then s, link 1 brings s then s+1 later */
		put(r, 2, s + 1, 0, s + 1, s);
		put(r, 2, s, 0, s, s);
		put(r, 2, s, 1, s, s + 1);
		put(r, 2, s + 1, 1, s + 1, s + 1);
		k = bond_reorder_drain(r, out, 64);
		for (unsigned int i = 0; i < k; i++)
			assert_int_equal(PKT_SEQ(out[i]), next++);
		n += k;
	}
	assert_int_equal(n, 40);
	assert_int_equal(counter(r, BOND_REORDER_C_drop_duplicate), 40);
	k = bond_reorder_death_row(r, out, 64);
	assert_int_equal(k, 40);
	free_all(r);
}

static void held_twice_is_duplicate(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);

	put(r, 0, 0, 0, 0, 0);
	assert_int_equal(put(r, 0, 3, 0, 0, 0), BOND_REORDER_HELD);
	assert_int_equal(put(r, 0, 3, 1, 0, 0), BOND_REORDER_DUPLICATE);
	free_all(r);
}

static void far_behind_is_old(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);

	for (uint32_t s = 0; s < 100; s++)
		put(r, 0, s, 0, 0, 0);
	assert_int_equal(put(r, 0, 100 - BOND_REORDER_HISTORY, 0, 0, 0), BOND_REORDER_DUPLICATE);
	assert_int_equal(put(r, 0, 99 - BOND_REORDER_HISTORY, 0, 0, 0), BOND_REORDER_OLD);
	assert_int_equal(counter(r, BOND_REORDER_C_drop_old), 1);
	free_all(r);
}

/*
 * Link 1 delivered packet 3 (sent at 30) before link 0 delivered 1 and 2: hole at 1. Once
 * link 0 delivered something sent after 30 (past the margin), packet 1 is not coming on
 * either link: it is given up long before the hold.
 */
static void every_link_past_hole_gives_up_early(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 100000);

	bond_reorder_set_hold(r, 80000, 5);
	put(r, 0, 0, 0, 0, 0);
	assert_int_equal(put(r, 0, 2, 1, 30, 1000), BOND_REORDER_HELD);
	assert_int_equal(put(r, 0, 3, 1, 40, 1100), BOND_REORDER_HELD);
	bond_reorder_advance(r, 1100);
	expect_ready(r, 0, (uint32_t[]){0}, 1);
	bond_reorder_link_seen(r, 0, 34, 2000); /* within the margin: maybe still coming */
	bond_reorder_advance(r, 2000);
	expect_ready(r, 0, NULL, 0);
	bond_reorder_link_seen(r, 0, 36, 3000); /* a probe sent after 30 + 5 */
	bond_reorder_advance(r, 3000);
	expect_ready(r, 0, (uint32_t[]){2, 3}, 2);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_passed), 1);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_expired), 0);
	free_all(r);
}

/* Sender stamps are 24 bits: a link is past a hole across their wrap too. */
static void early_give_up_across_stamp_wrap(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 100000);

	bond_reorder_set_hold(r, 80000, 0);
	put(r, 0, 0, 0, 0xffff00, 0);
	assert_int_equal(put(r, 0, 2, 1, 0xfffff0, 1000), BOND_REORDER_HELD);
	bond_reorder_link_seen(r, 1, 0x000010, 1000);
	bond_reorder_link_seen(r, 0, 0x000020, 1000);
	bond_reorder_advance(r, 1000);
	expect_ready(r, 0, (uint32_t[]){0, 2}, 2);
	free_all(r);
}

/* A link silent for over a second (dead) does not stop the early give-up. */
static void silent_link_does_not_block_early_give_up(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 100000);

	bond_reorder_set_hold(r, 80000, 0);
	bond_reorder_link_seen(r, 2, 0, 0);
	put(r, 0, 0, 0, 1000000, 1000000);
	put(r, 0, 2, 0, 1000100, 1100000);
	bond_reorder_link_seen(r, 0, 1000200, 1100050);
	bond_reorder_advance(r, 1100050);
	expect_ready(r, 0, (uint32_t[]){0, 2}, 2);
	free_all(r);
}

/*
 * A link that carries only probes while data has flowed on another for a second (the
 * scheduler avoids it) does not hold a hole until its next probe: the hole is given up as
 * soon as the data link passed it. At the start of a transfer it still counts, and once it
 * carries data again it counts again.
 */
static void avoided_link_does_not_block_early_give_up(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 100000);

	bond_reorder_set_hold(r, 80000, 0);
	bond_reorder_link_seen(r, 1, 500, 1000); /* a probe on the slow link, sent at 500 */
	put(r, 0, 0, 0, 1000, 2000);
	/* start of the transfer: link 1 may carry the missing packet */
	assert_int_equal(put(r, 0, 2, 0, 1200, 2200), BOND_REORDER_HELD);
	bond_reorder_link_seen(r, 0, 1300, 2300);
	bond_reorder_advance(r, 2300);
	expect_ready(r, 0, (uint32_t[]){0}, 1);
	bond_reorder_link_seen(r, 1, 1250, 3000); /* its probe passes the hole */
	bond_reorder_advance(r, 3000);
	expect_ready(r, 0, (uint32_t[]){2}, 1);
	/* data on link 0 only for over a second, link 1 only probes */
	for (uint32_t k = 3; k < 8; k++) {
		put(r, 0, k, 0, 1300 + k * 300000, 3000 + k * 300000);
		bond_reorder_link_seen(r, 1, 1300 + k * 300000, 3000 + k * 300000);
	}
	expect_ready(r, 0, (uint32_t[]){3, 4, 5, 6, 7}, 5);
	uint64_t t = 3000 + 8 * 300000;
	uint32_t ts = 1300 + 8 * 300000;
	assert_int_equal(put(r, 0, 9, 0, ts, t), BOND_REORDER_HELD);
	bond_reorder_link_seen(r, 0, ts + 100, t + 10);
	bond_reorder_advance(r, t + 10);
	expect_ready(r, 0, (uint32_t[]){9}, 1);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_passed), 2);
	/* link 1 carries data again: a hole waits for it */
	put(r, 0, 10, 1, ts + 200, t + 100);
	assert_int_equal(put(r, 0, 12, 0, ts + 400, t + 200), BOND_REORDER_HELD);
	bond_reorder_link_seen(r, 0, ts + 500, t + 300);
	bond_reorder_advance(r, t + 300);
	expect_ready(r, 0, (uint32_t[]){10}, 1);
	bond_reorder_link_seen(r, 1, ts + 450, t + 400); /* link 1 passed it too */
	bond_reorder_advance(r, t + 400);
	expect_ready(r, 0, (uint32_t[]){12}, 1);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_passed), 3);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_expired), 0);
	free_all(r);
}

/* A packet further ahead than the window makes the bucket give up up to it. */
static void beyond_window_skips(void **state)
{
	struct bond_reorder *r = make(8, 4, 256, 50000);

	put(r, 0, 0, 0, 0, 0);
	put(r, 0, 2, 0, 0, 0);
	put(r, 0, 5, 0, 0, 0);
	expect_ready(r, 0, (uint32_t[]){0}, 1);
	/* 12 - 8 + 1 = 5: 1, 3 and 4 are given up, 2 released, 5 released, 12 held */
	assert_int_equal(put(r, 0, 12, 0, 0, 0), BOND_REORDER_HELD);
	expect_ready(r, 0, (uint32_t[]){2, 5}, 2);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_window), 3);
	/* far ahead of an empty bucket: one jump */
	assert_int_equal(put(r, 1, 30000, 0, 0, 0), BOND_REORDER_HELD);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_window), 3 + 30000 - 7);
	/* more than half the sequence space ahead is behind: old */
	assert_int_equal(put(r, 2, 40000, 0, 0, 0), BOND_REORDER_OLD);
	free_all(r);
}

/* At most max_packets are held: the oldest hole goes first. */
static void memory_bound_packets(void **state)
{
	struct bond_reorder *r = make(64, 16, 8, 50000);
	struct bond_reorder_stats st;

	for (uint32_t b = 0; b < 8; b++)
		assert_int_equal(put(r, b, 1, 0, 0, b), BOND_REORDER_HELD);
	bond_reorder_stats_get(r, &st);
	assert_int_equal(st.held_packets, 8);
	assert_int_equal(put(r, 9, 1, 0, 0, 100), BOND_REORDER_HELD);
	bond_reorder_stats_get(r, &st);
	assert_int_equal(st.held_packets, 8);
	assert_int_equal(st.c[BOND_REORDER_C_skipped_memory], 1);
	void *out[4];
	assert_int_equal(bond_reorder_drain(r, out, 4), 1);
	assert_int_equal(PKT_BKT(out[0]), 0); /* the oldest */
	free_all(r);
}

static void memory_bound_windows(void **state)
{
	struct bond_reorder *r = make(64, 2, 256, 50000);
	struct bond_reorder_stats st;

	put(r, 0, 1, 0, 0, 10);
	put(r, 0, 2, 0, 0, 10);
	put(r, 1, 1, 0, 0, 20);
	assert_int_equal(put(r, 2, 1, 0, 0, 30), BOND_REORDER_HELD);
	bond_reorder_stats_get(r, &st);
	assert_int_equal(st.windows_in_use, 2);
	assert_int_equal(st.c[BOND_REORDER_C_skipped_memory], 1);
	expect_ready(r, 0, (uint32_t[]){1, 2}, 2);
	free_all(r);
}

/* A caller that never drains gets -ENOBUFS and keeps its packet; nothing is lost. */
static void undrained_lists_refuse(void **state)
{
	struct bond_reorder *r = make(64, 2, 4, 50000); /* ready list 8, death row 4 */
	int ret = 0;
	uint32_t s;

	for (s = 0; s < 100 && ret >= 0; s++)
		ret = put(r, 0, s, 0, 0, 0);
	assert_int_equal(ret, -ENOBUFS);
	assert_int_equal(s, 9);
	ret = 0;
	for (s = 0; s < 100 && ret != -ENOBUFS; s++)
		ret = put(r, 0, 0, 0, 0, 0);
	assert_int_equal(ret, -ENOBUFS);
	free_all(r);
}

/* Bring a bucket's release point to seq through the window skip, in hops of 0x4000. */
static void bring_to(struct bond_reorder *r, uint32_t bucket, uint32_t seq)
{
	void *out[64];

	for (uint32_t at = 0x4000; at < 0x10000; at += 0x4000) {
		if (put(r, bucket, at, 0, 0, 0) < 0)
			fail();
		bond_reorder_advance(r, 1000000);
		while (bond_reorder_drain(r, out, 64) > 0)
			;
	}
	put(r, bucket, seq, 0, 0, 1000000);
	bond_reorder_advance(r, 2000000);
	while (bond_reorder_drain(r, out, 64) > 0)
		;
}

/* The 16-bit flow sequence wraps: a hole across the wrap is held and filled in order. */
static void sequence_wraps(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);
	struct bond_reorder_seq *tx = bond_reorder_seq_create(16);
	uint32_t b;

	bring_to(r, 4, 0xfffd);
	assert_int_equal(put(r, 4, 0xfffe, 0, 0, 3000000), BOND_REORDER_READY);
	assert_int_equal(put(r, 4, 0x0001, 0, 0, 3000000), BOND_REORDER_HELD);
	assert_int_equal(put(r, 4, 0x0000, 0, 0, 3000000), BOND_REORDER_HELD);
	assert_int_equal(put(r, 4, 0xffff, 0, 0, 3000000), BOND_REORDER_READY);
	expect_ready(r, 4, (uint32_t[]){0xfffe, 0xffff, 0, 1}, 4);
	assert_int_equal(put(r, 4, 0xffff, 0, 0, 3000000), BOND_REORDER_DUPLICATE);
	/* the sender's numbers wrap the same way */
	for (uint32_t i = 0; i < 0xffff; i++)
		bond_reorder_seq_next(tx, 4, &b);
	assert_int_equal(bond_reorder_seq_next(tx, 4, &b), 0xffff);
	assert_int_equal(bond_reorder_seq_next(tx, 4, &b), 0);
	bond_reorder_seq_free(tx);
	free_all(r);
}

static void hold_is_capped(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 30000);
	struct bond_reorder_stats st;

	bond_reorder_set_hold(r, 500000, 0);
	bond_reorder_stats_get(r, &st);
	assert_int_equal(st.hold_us, 30000);
	put(r, 0, 1, 0, 0, 100);
	assert_int_equal(bond_reorder_next_deadline_us(r), 30100);
	free_all(r);
}

static void reset_releases_and_restarts(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);

	put(r, 0, 0, 0, 0, 0);
	put(r, 0, 1, 0, 0, 0);
	put(r, 0, 3, 0, 0, 0);
	put(r, 0, 5, 0, 0, 0);
	bond_reorder_reset(r);
	expect_ready(r, 0, (uint32_t[]){0, 1, 3, 5}, 4);
	assert_int_equal(bond_reorder_next_deadline_us(r), UINT64_MAX);
	assert_int_equal(put(r, 0, 0, 0, 0, 0), BOND_REORDER_READY);
	free_all(r);
}

/* Resetting some buckets releases and restarts only those. */
static void reset_buckets_touches_only_its_range(void **state)
{
	struct bond_reorder *r = make(64, 4, 256, 50000);

	put(r, 2, 0, 0, 0, 0);
	put(r, 2, 2, 0, 0, 0);
	put(r, 2, 4, 0, 0, 0);
	expect_ready(r, 2, (uint32_t[]){0}, 1);
	put(r, 5, 0, 0, 0, 0);
	put(r, 5, 2, 0, 0, 0);
	expect_ready(r, 5, (uint32_t[]){0}, 1);
	assert_int_equal(bond_reorder_reset_buckets(r, 0, 4), 0);
	expect_ready(r, 2, (uint32_t[]){2, 4}, 2);
	assert_int_equal(counter(r, BOND_REORDER_C_skipped_expired), 2);
	/* Bucket 2 starts again at 0; bucket 5 still waits for its 1. */
	assert_int_equal(put(r, 2, 0, 0, 0, 0), BOND_REORDER_READY);
	expect_ready(r, 2, (uint32_t[]){0}, 1);
	assert_int_equal(put(r, 5, 1, 0, 0, 0), BOND_REORDER_READY);
	expect_ready(r, 5, (uint32_t[]){1, 2}, 2);
	assert_int_equal(bond_reorder_reset_buckets(r, 15, 2), -EINVAL);
	assert_int_equal(bond_reorder_reset_buckets(r, 16, 0), -EINVAL);
	free_all(r);
}

static void flush_returns_everything(void **state)
{
	struct bond_reorder *r = make(8, 4, 256, 50000);
	void *out[16];
	unsigned int n = 0, k;
	struct bond_reorder_stats st;

	put(r, 0, 0, 0, 0, 0); /* ready */
	put(r, 0, 0, 0, 0, 0); /* death row */
	put(r, 1, 3, 0, 0, 0); /* held */
	put(r, 2, 5, 0, 0, 0);
	put(r, 2, 6, 0, 0, 0);
	while ((k = bond_reorder_flush(r, out, 2)) > 0)
		n += k;
	assert_int_equal(n, 5);
	bond_reorder_stats_get(r, &st);
	assert_int_equal(st.held_packets + st.ready_packets + st.death_row_packets, 0);
	assert_int_equal(st.windows_in_use, 0);
	bond_reorder_free(r);
}

static void bad_input(void **state)
{
	struct bond_reorder_params p;
	struct bond_reorder *r = make(8, 4, 256, 50000);
	struct bond_reorder_meta m = {.bucket = 16};

	assert_int_equal(bond_reorder_insert(r, PKT(0, 0), &m, 0), -EINVAL);
	m.bucket = 0;
	m.link = BOND_LINKS_MAX;
	assert_int_equal(bond_reorder_insert(r, PKT(0, 0), &m, 0), -EINVAL);
	m.link = 0;
	assert_int_equal(bond_reorder_insert(r, NULL, &m, 0), -EINVAL);
	assert_int_equal(counter(r, BOND_REORDER_C_in_packets), 0);
	free_all(r);

	bond_reorder_params_init(&p);
	p.n_buckets = 1000;
	assert_null(bond_reorder_create("x", &p));
	assert_int_equal(rte_errno, EINVAL);
	bond_reorder_params_init(&p);
	p.window = 1;
	assert_null(bond_reorder_create("x", &p));
	bond_reorder_params_init(&p);
	p.max_windows = 0;
	assert_null(bond_reorder_create("x", &p));
	bond_reorder_params_init(&p);
	p.hold_max_us = 10000001;
	assert_null(bond_reorder_create("x", &p));
	assert_null(bond_reorder_seq_create(3));
	bond_reorder_free(NULL);
	for (int c = 0; c < BOND_REORDER_C_MAX; c++)
		assert_non_null(bond_reorder_counter_name(c));
	assert_null(bond_reorder_counter_name(BOND_REORDER_C_MAX));
	/* The one shape of every counter list (stat_desc.h): drops are drop_ and kind drop. */
	unsigned int bad = 0;
	if (stat_desc_check(bond_reorder_counter_descs(), BOND_REORDER_C_MAX, &bad) != 0)
		fail_msg("counter %s breaks the rules of stat_desc.h",
		         bond_reorder_counter_name(bad));
}

static void sender_sequences_per_bucket(void **state)
{
	struct bond_reorder_seq *s = bond_reorder_seq_create(16);
	uint32_t b;

	assert_non_null(s);
	assert_int_equal(bond_reorder_seq_next(s, 0x12345673, &b), 0);
	assert_int_equal(b, 3);
	assert_int_equal(bond_reorder_seq_next(s, 3, &b), 1);
	assert_int_equal(bond_reorder_seq_next(s, 4, &b), 0);
	bond_reorder_seq_reset(s);
	assert_int_equal(bond_reorder_seq_next(s, 3, &b), 0);
	bond_reorder_seq_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(in_order_passes_straight),
	        cmocka_unit_test(hole_filled_releases_in_order),
	        cmocka_unit_test(hold_expiry_gives_up_hole),
	        cmocka_unit_test(second_hole_held_from_its_own_arrivals),
	        cmocka_unit_test(buckets_are_independent),
	        cmocka_unit_test(duplicates_never_delivered_twice),
	        cmocka_unit_test(held_twice_is_duplicate),
	        cmocka_unit_test(far_behind_is_old),
	        cmocka_unit_test(every_link_past_hole_gives_up_early),
	        cmocka_unit_test(early_give_up_across_stamp_wrap),
	        cmocka_unit_test(silent_link_does_not_block_early_give_up),
	        cmocka_unit_test(avoided_link_does_not_block_early_give_up),
	        cmocka_unit_test(beyond_window_skips),
	        cmocka_unit_test(memory_bound_packets),
	        cmocka_unit_test(memory_bound_windows),
	        cmocka_unit_test(undrained_lists_refuse),
	        cmocka_unit_test(sequence_wraps),
	        cmocka_unit_test(hold_is_capped),
	        cmocka_unit_test(reset_releases_and_restarts),
	        cmocka_unit_test(reset_buckets_touches_only_its_range),
	        cmocka_unit_test(flush_returns_everything),
	        cmocka_unit_test(bad_input),
	        cmocka_unit_test(sender_sequences_per_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
