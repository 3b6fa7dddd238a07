/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scalable TCP against Kelly 2003: +0.01 segment per acknowledged segment and -1/8 on a loss
 * above the legacy window of 16 segments, Reno at or below it, and so a recovery from one
 * loss in ln(1/0.875) / ln(1.01) = 13.4 round trips at any rate.
 */
#include <math.h>

#include "cc_test_util.h"

static uint32_t acks_to_grow(uint32_t w)
{
	struct tcp_cc cc;
	cc_start(&cc, "scalable", SEGS(w), SEGS(w));
	for (uint32_t n = 1; n <= 1000; n++) {
		cc_ack(&cc, SMSS, true);
		if (tcp_cc_cwnd(&cc) != SEGS(w)) {
			assert_int_equal(tcp_cc_cwnd(&cc), SEGS(w + 1));
			return n;
		}
	}
	fail_msg("w=%u did not grow", w);
	return 0;
}

static uint32_t ssthresh_after_loss(uint32_t flight)
{
	struct tcp_cc cc;
	cc_start(&cc, "scalable", flight, flight);
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, flight, true);
	assert_int_equal(tcp_cc_cwnd(&cc), tcp_cc_ssthresh(&cc));
	return tcp_cc_ssthresh(&cc);
}

/* a = 0.01: one segment per 100 acknowledged at every window above 16; Reno at 16 and below. */
static void increase(void **state)
{
	static const uint32_t w[] = {17, 50, 100, 1000, 20000, 400000};
	for (unsigned int i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		assert_int_equal(acks_to_grow(w[i]), 100);
	assert_int_equal(acks_to_grow(16), 16);
	assert_int_equal(acks_to_grow(5), 5);
	/* No growth unless the window limited the sender. */
	struct tcp_cc cc;
	cc_start(&cc, "scalable", SEGS(1000), SEGS(1000));
	for (int i = 0; i < 500; i++)
		cc_ack(&cc, SMSS, false);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(1000));
	/* A stretch ACK counts every segment it covers. */
	cc_ack(&cc, SEGS(250), true);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(1002));
}

/* b = 1/8 of the flight above 16 segments, Reno's half at or below. */
static void decrease(void **state)
{
	static const uint32_t w[] = {17, 64, 1000, 20000, 400000};
	for (unsigned int i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		assert_int_equal(ssthresh_after_loss(SEGS(w[i])), SEGS(w[i]) - SEGS(w[i]) / 8);
	assert_int_equal(ssthresh_after_loss(SEGS(16)), SEGS(8));
	assert_int_equal(ssthresh_after_loss(SEGS(3)), SEGS(2));
}

/* One loss at a window of w segments, then round trips of a cwnd-limited sender until the
 * window is back: ~13.4 whatever w (Reno needs w / 2). */
static unsigned int rtts_to_recover(const char *name, uint32_t w)
{
	struct tcp_cc cc;
	cc_start(&cc, name, SEGS(w), SEGS(w));
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, SEGS(w), true);
	tcp_cc_on_recovery_exit(&cc, SEGS(w), 0);
	unsigned int rtts = 0;
	while (tcp_cc_cwnd(&cc) < SEGS(w) && rtts < 100000) {
		cc_rtt(&cc);
		rtts++;
	}
	return rtts;
}

static void recovery_in_13_rtts_at_any_rate(void **state)
{
	double paper = log(1 / 0.875) / log(1.01);
	assert_true(paper > 13.4 && paper < 13.5);
	/* 1 Gbit/s x 100 ms is ~8600 segments of 1448 octets; 10 Gbit/s x 200 ms ~170000. */
	static const uint32_t w[] = {200, 1000, 8600, 50000, 170000};
	for (unsigned int i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		unsigned int n = rtts_to_recover("scalable", w[i]);
		/* Whole round trips: the 14th crosses 13.4. */
		if (n != 14)
			fail_msg("w=%u: recovered in %u RTTs, the paper says 13.4", w[i], n);
	}
	assert_int_equal(rtts_to_recover("reno", 1000), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(increase),
	        cmocka_unit_test(decrease),
	        cmocka_unit_test(recovery_in_13_rtts_at_any_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
