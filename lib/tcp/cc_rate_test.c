/* SPDX-License-Identifier: BSD-3-Clause */
/* The rate module (cc_rate.c) without packets: its window, its pacing rate, no back-off. */
#include <errno.h>

#include "cc_test_util.h"

#define RATE_BPS 8000000u /* 1 000 000 octets per second */

static void rate_start(struct tcp_cc *cc)
{
	const struct tcp_cc_params p = {
	        .smss = SMSS, .iw_segments = 10, .ssthresh = 1u << 30, .rate_bps = RATE_BPS};
	assert_int_equal(tcp_cc_init(cc, tcp_cc_find("rate"), &p, 0), 0);
}

/* No rate, no module: a profile must give one. */
static void needs_a_rate(void **state)
{
	struct tcp_cc cc;
	const struct tcp_cc_params p = {.smss = SMSS, .ssthresh = 1u << 30};
	assert_true(tcp_cc_find("rate")->needs_rate);
	assert_int_equal(tcp_cc_init(&cc, tcp_cc_find("rate"), &p, 0), -22);
	assert_false(tcp_cc_find("reno")->needs_rate);
}

/* The rate from the first segment; the window is twice what the rate puts in flight over the
 * smallest RTT, from the handshake's RTT on; never in slow start. */
static void window_from_rate_and_min_rtt(void **state)
{
	struct tcp_cc cc;
	rate_start(&cc);
	assert_int_equal(tcp_cc_pacing_rate(&cc, 0, 0), RATE_BPS / 8);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(10)); /* no RTT yet: the initial window */
	assert_int_equal(tcp_cc_ssthresh(&cc), tcp_cc_cwnd(&cc));
	tcp_cc_on_established(&cc, 0, 0); /* the SYN went twice: no RTT */
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(10));
	tcp_cc_on_established(&cc, 600000, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), 1200000); /* 2 x 1 MB/s x 0.6 s */
	tcp_cc_on_rtt_sample(&cc, 900000, 0);        /* a queue: the window stays */
	assert_int_equal(tcp_cc_cwnd(&cc), 1200000);
	tcp_cc_on_rtt_sample(&cc, 500000, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), 1000000);
	assert_int_equal(tcp_cc_ssthresh(&cc), 1000000);
	tcp_cc_on_rtt_sample(&cc, 1000, 0); /* never below 4 segments */
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(4));
	/* ACKs do not grow it, cwnd-limited or not */
	cc_rtt(&cc);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(4));
}

/* Loss is not congestion on reserved capacity: fast retransmit, ECN and a first timeout leave
 * the window alone, recovery neither inflates nor deflates it. */
static void no_back_off(void **state)
{
	struct tcp_cc cc;
	rate_start(&cc);
	tcp_cc_on_established(&cc, 100000, 0);
	uint32_t w = tcp_cc_cwnd(&cc);
	assert_int_equal(w, 200000);
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, w, true);
	assert_int_equal(tcp_cc_cwnd(&cc), w);
	const struct tcp_cc_ack dup = {.flight_size = w};
	tcp_cc_on_recovery_ack(&cc, &dup); /* no SACK: still no inflation */
	const struct tcp_cc_ack partial = {.acked = SEGS(5), .flight_size = w};
	tcp_cc_on_recovery_ack(&cc, &partial);
	tcp_cc_on_recovery_exit(&cc, SEGS(2), 0);
	assert_int_equal(tcp_cc_cwnd(&cc), w);
	cc_event(&cc, TCP_CC_EV_ECN, w, true);
	cc_event(&cc, TCP_CC_EV_RTO, w, true);
	assert_int_equal(tcp_cc_cwnd(&cc), w);
	tcp_cc_on_idle_restart(&cc, 0); /* pacing spreads the restart, no IW cap */
	assert_int_equal(tcp_cc_cwnd(&cc), w);
	assert_int_equal(tcp_cc_pacing_rate(&cc, 100000, w), RATE_BPS / 8);
}

/* Over a bonded tunnel the smallest sample is the fastest link's, but data is acknowledged after
 * the slowest one's round trip: the window is sized from the path's floor until the samples
 * are larger. */
static void window_never_below_the_path_floor(void **state)
{
	struct tcp_cc cc;
	const struct tcp_cc_params p = {.smss = SMSS,
	                                .iw_segments = 10,
	                                .ssthresh = 1u << 30,
	                                .rate_bps = RATE_BPS,
	                                .rtt_floor_us = 30000};
	assert_int_equal(tcp_cc_init(&cc, tcp_cc_find("rate"), &p, 0), 0);
	tcp_cc_on_established(&cc, 10000, 0);      /* the fastest link's round trip */
	assert_int_equal(tcp_cc_cwnd(&cc), 60000); /* 2 x 1 MB/s x 30 ms, not x 10 ms */
	tcp_cc_on_rtt_sample(&cc, 8000, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), 60000);
	struct tcp_cc plain; /* without a floor: the smallest sample */
	rate_start(&plain);
	tcp_cc_on_established(&plain, 10000, 0);
	assert_int_equal(tcp_cc_cwnd(&plain), 20000);
	tcp_cc_on_rtt_sample(&plain, 8000, 0);
	assert_int_equal(tcp_cc_cwnd(&plain), 16000);
}

/* Back-to-back timeouts: the link is down; one segment per timeout until an ACK returns. */
static void repeated_timeout_probes(void **state)
{
	struct tcp_cc cc;
	rate_start(&cc);
	tcp_cc_on_established(&cc, 100000, 0);
	cc_event(&cc, TCP_CC_EV_RTO, SEGS(200), true);
	cc_event(&cc, TCP_CC_EV_RTO_REPEAT, SEGS(200), true);
	assert_int_equal(tcp_cc_cwnd(&cc), SMSS);
	tcp_cc_on_rtt_sample(&cc, 90000, 0); /* a sample alone does not reopen it */
	assert_int_equal(tcp_cc_cwnd(&cc), SMSS);
	cc_ack(&cc, SMSS, true);
	assert_int_equal(tcp_cc_cwnd(&cc), 180000);
	/* A timeout proved spurious gives the window back as well. */
	cc_event(&cc, TCP_CC_EV_RTO_REPEAT, SEGS(200), true);
	const struct tcp_cc_undo u = {.in_flight = SEGS(3), .acked = SEGS(1)};
	tcp_cc_undo(&cc, &u);
	assert_int_equal(tcp_cc_cwnd(&cc), 180000);
}

/* The path's capacity moves (a bonded tunnel's link cut, then back): the pacing rate and the
 * window follow the new rate at once, the path floor still applies. */
static void rate_follows_set_rate(void **state)
{
	struct tcp_cc cc;
	rate_start(&cc);
	tcp_cc_on_established(&cc, 100000, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), 200000); /* 2 x 1 MB/s x 0.1 s */
	assert_int_equal(tcp_cc_set_rate(&cc, RATE_BPS / 4), 0);
	assert_int_equal(tcp_cc_pacing_rate(&cc, 100000, 0), RATE_BPS / 8 / 4);
	assert_int_equal(tcp_cc_cwnd(&cc), 50000);
	assert_int_equal(tcp_cc_set_rate(&cc, RATE_BPS * 2), 0);
	assert_int_equal(tcp_cc_pacing_rate(&cc, 100000, 0), RATE_BPS / 8 * 2);
	assert_int_equal(tcp_cc_cwnd(&cc), 400000);
	struct tcp_cc reno; /* only a rate-based module has a rate */
	const struct tcp_cc_params p = {.smss = SMSS, .iw_segments = 10, .ssthresh = 1u << 30};
	assert_int_equal(tcp_cc_init(&reno, tcp_cc_find("reno"), &p, 0), 0);
	assert_int_equal(tcp_cc_set_rate(&reno, RATE_BPS), -ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(needs_a_rate),
	        cmocka_unit_test(window_from_rate_and_min_rtt),
	        cmocka_unit_test(window_never_below_the_path_floor),
	        cmocka_unit_test(no_back_off),
	        cmocka_unit_test(repeated_timeout_probes),
	        cmocka_unit_test(rate_follows_set_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
