/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HighSpeed TCP against RFC 3649's formulas: the test recomputes a(w) and b(w) in floating
 * point and checks the module's increase and decrease at every point where a(w) reaches a new
 * integer (the rows of its fixed-point table), just below each, and between.
 */
#include <math.h>

#include "cc_test_util.h"

#define LOW_WINDOW     38.0
#define HIGH_WINDOW    83000.0
#define HIGH_DECREASE  0.1
#define LAST_ROW_BELOW 83000 /* the table ends at the last row below High_Window */

static double rfc_b(double w)
{
	return (HIGH_DECREASE - 0.5) * (log(w) - log(LOW_WINDOW)) /
	               (log(HIGH_WINDOW) - log(LOW_WINDOW)) +
	       0.5;
}

static double rfc_a(double w)
{
	double p = 0.078 / pow(w, 1.2);
	return w * w * p * 2.0 * rfc_b(w) / (2.0 - rfc_b(w));
}

/* Segments acknowledged, one at a time, before a window of w segments in congestion
 * avoidance grows; it must then grow by exactly one segment. */
static uint32_t acks_to_grow(uint32_t w)
{
	struct tcp_cc cc;
	cc_start(&cc, "highspeed", SEGS(w), SEGS(w));
	for (uint32_t n = 1; n <= w + 1; n++) {
		cc_ack(&cc, SMSS, true);
		if (tcp_cc_cwnd(&cc) != SEGS(w)) {
			assert_int_equal(tcp_cc_cwnd(&cc), SEGS(w + 1));
			return n;
		}
	}
	fail_msg("w=%u did not grow", w);
	return 0;
}

/* ssthresh after a fast retransmit with w segments in flight. */
static uint32_t ssthresh_after_loss(uint32_t w)
{
	struct tcp_cc cc;
	cc_start(&cc, "highspeed", SEGS(w), SEGS(w));
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, SEGS(w), true);
	assert_int_equal(tcp_cc_cwnd(&cc), tcp_cc_ssthresh(&cc));
	return tcp_cc_ssthresh(&cc);
}

static void check_decrease(uint32_t w, uint32_t row_w)
{
	/* b(w) of the row, in 1/65536: within one unit of it, and one octet of rounding. */
	double want = SEGS(w) * (1.0 - rfc_b(row_w));
	double got = ssthresh_after_loss(w);
	if (fabs(got - want) > SEGS(w) / 65536.0 + 1.0)
		fail_msg("w=%u: ssthresh %.0f, RFC 3649 says %.1f (b=%.4f)", w, got, want,
		         rfc_b(row_w));
}

/* At every table point w_n (a(w) first >= n): a = n from w_n on, n - 1 just below, and
 * b(w_n) applies from w_n to the next point. 70 rows up to High_Window. */
static void a_and_b_at_table_points(void **state)
{
	uint32_t prev = 38, n = 2, rows = 1;
	for (uint32_t w = 39; w < LAST_ROW_BELOW; w++) {
		if (rfc_a(w) < n)
			continue;
		uint32_t want = (w + n - 1) / n; /* a(w) = n: one segment per w/n acked */
		if (acks_to_grow(w) != want)
			fail_msg("w=%u: grew after %u segments, a(w)=%u wants %u", w,
			         acks_to_grow(w), n, want);
		uint32_t below = (w - 1 + n - 2) / (n - 1);
		if (acks_to_grow(w - 1) != below)
			fail_msg("w=%u: grew after %u segments, a(w)=%u wants %u", w - 1,
			         acks_to_grow(w - 1), n - 1, below);
		check_decrease(w, w);
		check_decrease((prev + w) / 2, prev); /* between points: the lower row's b */
		check_decrease(w - 1, prev);
		prev = w;
		n++;
		rows++;
	}
	assert_int_equal(rows, 70);
	/* Beyond the last row its a (70) and b hold. */
	assert_int_equal(acks_to_grow(100000), (100000 + 69) / 70);
	check_decrease(100000, prev);
}

/* At or below Low_Window: Reno (one segment per window, halving). */
static void reno_at_or_below_low_window(void **state)
{
	assert_int_equal(acks_to_grow(38), 38);
	assert_int_equal(acks_to_grow(20), 20);
	assert_int_equal(ssthresh_after_loss(38), SEGS(19));
	assert_int_equal(ssthresh_after_loss(10), SEGS(5));
	/* The first row above: a = 1 but b from the formula (0.5 at 38 exactly). */
	assert_int_equal(acks_to_grow(39), 39);
}

/* Growth needs a window that limits the sender; a stretch ACK earns at most a(w) segments. */
static void limited_and_stretch_acks(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "highspeed", SEGS(1000), SEGS(1000));
	for (int i = 0; i < 1000; i++)
		cc_ack(&cc, SMSS, false);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(1000));
	cc_ack(&cc, SEGS(5000), true); /* a(1000) = 7 */
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(1007));
	/* Slow start is RFC 5681's. */
	cc_start(&cc, "highspeed", SEGS(1000), 1u << 30);
	cc_ack(&cc, SEGS(1), true);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(1001));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(a_and_b_at_table_points),
	        cmocka_unit_test(reno_at_or_below_low_window),
	        cmocka_unit_test(limited_and_stretch_acks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
