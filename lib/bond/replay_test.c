/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/bond anti-replay window: new, duplicate, too old, far ahead, ESN inference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bond_replay.h"

#define W BOND_REPLAY_WINDOW

static void in_window_out_of_order(void **state)
{
	struct bond_replay w;
	bond_replay_init(&w);
	/* 1..100 arriving as evens first, then odds: every one is new once. */
	for (uint64_t s = 2; s <= 100; s += 2)
		assert_int_equal(bond_replay_update(&w, s), BOND_R_ok);
	for (uint64_t s = 1; s <= 100; s += 2)
		assert_int_equal(bond_replay_update(&w, s), BOND_R_ok);
	for (uint64_t s = 1; s <= 100; s++)
		assert_int_equal(bond_replay_update(&w, s), BOND_R_drop_replayed);
}

static void duplicate_and_zero(void **state)
{
	struct bond_replay w;
	bond_replay_init(&w);
	assert_int_equal(bond_replay_update(&w, 0), BOND_R_drop_replayed);
	assert_int_equal(bond_replay_update(&w, 7), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, 7), BOND_R_drop_replayed);
	/* check never moves the window. */
	assert_int_equal(bond_replay_check(&w, 8), BOND_R_ok);
	assert_int_equal(bond_replay_check(&w, 8), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, 8), BOND_R_ok);
	assert_int_equal(bond_replay_check(&w, 8), BOND_R_drop_replayed);
}

static void too_old_at_the_edge(void **state)
{
	struct bond_replay w;
	bond_replay_init(&w);
	uint64_t top = 10 * W + 17;
	assert_int_equal(bond_replay_update(&w, top), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, top - W), BOND_R_drop_too_old);
	assert_int_equal(bond_replay_update(&w, top - W + 1), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, top - W + 1), BOND_R_drop_replayed);
	assert_int_equal(bond_replay_update(&w, 1), BOND_R_drop_too_old);
}

static void far_ahead(void **state)
{
	struct bond_replay w;
	bond_replay_init(&w);
	assert_int_equal(bond_replay_update(&w, 5), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, 5 + BOND_REPLAY_MAX_AHEAD + 1),
	                 BOND_R_drop_far_ahead);
	/* Refused means untouched: 6 is still new and in the window. */
	assert_int_equal(bond_replay_update(&w, 6), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, 6 + BOND_REPLAY_MAX_AHEAD), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, 6), BOND_R_drop_too_old);
}

static void slide_clears_reused_words(void **state)
{
	struct bond_replay w;
	bond_replay_init(&w);
	for (uint64_t s = 1; s <= 200; s++)
		assert_int_equal(bond_replay_update(&w, s), BOND_R_ok);
	/* Jump by exactly the ring size in bits: the same words now stand for new sequences. */
	uint64_t ring = 64 * BOND_REPLAY_WORDS;
	assert_int_equal(bond_replay_update(&w, 200 + ring), BOND_R_ok);
	for (uint64_t s = 200 + ring - W + 1; s < 200 + ring; s++)
		assert_int_equal(bond_replay_check(&w, s), BOND_R_ok);
	/* A small step into the next word clears only that word. */
	bond_replay_init(&w);
	for (uint64_t s = 1; s <= 130; s++)
		assert_int_equal(bond_replay_update(&w, s), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, 200), BOND_R_ok);
	for (uint64_t s = 1; s <= 130; s++)
		assert_int_equal(bond_replay_check(&w, s), BOND_R_drop_replayed);
	for (uint64_t s = 131; s < 200; s++)
		assert_int_equal(bond_replay_check(&w, s), BOND_R_ok);
}

static void esn_inference(void **state)
{
	struct bond_replay w;
	bond_replay_init(&w);
	/* Before the window fills, low bits are the sequence. */
	assert_int_equal(bond_replay_infer(&w, 5), 5);
	assert_int_equal(bond_replay_infer(&w, UINT32_MAX), UINT32_MAX);
	/* Top just below 2^32: a small low value is the next epoch. */
	const uint64_t e = 1ull << 32;
	for (uint64_t s = BOND_REPLAY_MAX_AHEAD; s < e; s += BOND_REPLAY_MAX_AHEAD)
		assert_int_equal(bond_replay_update(&w, s), BOND_R_ok); /* climb within the limit */
	assert_int_equal(bond_replay_update(&w, e - 10), BOND_R_ok);
	assert_int_equal(bond_replay_infer(&w, 5), e + 5);
	assert_int_equal(bond_replay_infer(&w, (uint32_t)(e - 3)), e - 3);
	assert_int_equal(bond_replay_update(&w, e + 5), BOND_R_ok);
	/* Top just above 2^32: a large low value within the window is the epoch before. */
	assert_int_equal(bond_replay_infer(&w, (uint32_t)(e - 7)), e - 7);
	assert_int_equal(bond_replay_update(&w, e - 7), BOND_R_ok);
	assert_int_equal(bond_replay_update(&w, e - 10), BOND_R_drop_replayed);
	/* Further back than the window: still the right value, so it is judged too old. */
	assert_int_equal(bond_replay_infer(&w, (uint32_t)(e - 10 - W)), e - 10 - W);
	assert_int_equal(bond_replay_update(&w, e - 10 - W), BOND_R_drop_too_old);
	/* The range is centred on the top: up to 2^31 back, less than 2^31 ahead. */
	const uint64_t top = 3 * e + 100000, half = 1ull << 31;
	w.top = top; /* as if it had climbed there */
	assert_int_equal(bond_replay_infer(&w, 100000 - W), top - W);
	assert_int_equal(bond_replay_infer(&w, (uint32_t)(top - half)), top - half);
	assert_int_equal(bond_replay_infer(&w, (uint32_t)(top + half - 1)), top + half - 1);
	assert_int_equal(bond_replay_infer(&w, (uint32_t)(top + half)), top - half);
	/* Never below zero: near the start a "behind" value is taken as it is. */
	w.top = 5;
	assert_int_equal(bond_replay_infer(&w, UINT32_MAX - 3), UINT32_MAX - 3);
}

/* Against a plain set, on a random walk with reordering, duplicates and jumps. */
static void matches_a_model(void **state)
{
	enum { SPAN = 3 * W };
	struct bond_replay w;
	bond_replay_init(&w);
	uint8_t *seen = calloc(1, 1 << 22);
	assert_non_null(seen);
	uint64_t top = 0;
	srandom(42);
	for (int i = 0; i < 300000; i++) {
		uint64_t s;
		long r = random();
		if (r % 1000 == 0)
			s = top + 1 + (uint64_t)(random() % (2 * W)); /* jump */
		else if (top > SPAN)
			s = top - SPAN / 2 + (uint64_t)(random() % SPAN);
		else
			s = (uint64_t)(random() % SPAN);
		if (s >= (1ull << 25))
			break;
		enum bond_result want;
		if (s > top)
			want = BOND_R_ok;
		else if (top - s >= W)
			want = BOND_R_drop_too_old;
		else if (s == 0 || (seen[s >> 3] >> (s & 7)) & 1)
			want = BOND_R_drop_replayed;
		else
			want = BOND_R_ok;
		assert_int_equal(bond_replay_update(&w, s), want);
		if (want == BOND_R_ok) {
			seen[s >> 3] |= (uint8_t)(1 << (s & 7));
			if (s > top)
				top = s;
		}
	}
	free(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(in_window_out_of_order),    cmocka_unit_test(duplicate_and_zero),
	        cmocka_unit_test(too_old_at_the_edge),       cmocka_unit_test(far_ahead),
	        cmocka_unit_test(slide_clears_reused_words), cmocka_unit_test(esn_inference),
	        cmocka_unit_test(matches_a_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
