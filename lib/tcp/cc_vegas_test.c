/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Vegas against Brakmo & Peterson: once per round, Diff = cwnd (RTT - BaseRTT) / RTT segments
 * queued; +1 below alpha = 2, -1 above beta = 4, hold between; slow start ends above
 * gamma = 1; fewer than 3 RTT samples in a round mean Reno; a loss halves as Reno.
 */
#include "cc_test_util.h"

#define BASE_US 100000u

struct flow {
	struct tcp_cc cc;
	uint32_t una, nxt; /* what the sender has had acknowledged and sent */
};

static void flow_start(struct flow *f, uint32_t cwnd, uint32_t ssthresh)
{
	cc_start(&f->cc, "vegas", cwnd, ssthresh);
	f->una = 1000;
	f->nxt = f->una + cwnd;
}

/* One round trip: n RTT samples of rtt_us, then one ACK for everything sent the round
 * before (it ends that round), after which the sender fills the window again. */
static void round_trip(struct flow *f, uint32_t rtt_us, unsigned int n, bool limited)
{
	for (unsigned int i = 0; i < n; i++)
		tcp_cc_on_rtt_sample(&f->cc, rtt_us, 0);
	const struct tcp_cc_ack a = {.acked = f->nxt - f->una,
	                             .flight_size = f->nxt - f->una,
	                             .snd_una = f->nxt,
	                             .snd_nxt = f->nxt + tcp_cc_cwnd(&f->cc),
	                             .flags = limited ? TCP_CC_ACKF_CWND_LIMITED : 0};
	f->una = a.snd_una;
	f->nxt = a.snd_nxt;
	tcp_cc_on_ack(&f->cc, &a);
}

/* A flow in congestion avoidance at 20 segments that has measured BaseRTT = 100 ms. */
static void avoiding(struct flow *f)
{
	flow_start(f, SEGS(20), SEGS(20));
	round_trip(f, BASE_US, 3, false); /* starts the first round */
	round_trip(f, BASE_US, 3, false); /* ends it (not limited: no growth) */
	assert_int_equal(tcp_cc_cwnd(&f->cc), SEGS(20));
}

static void plus_one_minus_one_hold(void **state)
{
	struct flow f;
	/* Diff 0 < alpha: one more segment per round, not per ACK. */
	avoiding(&f);
	round_trip(&f, BASE_US, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(21));
	round_trip(&f, BASE_US, 5, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(22));
	/* Diff = 22 x 20 / 120 = 3.7 segments: between alpha and beta, hold. */
	round_trip(&f, 120000, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(22));
	/* Diff = 22 x 50 / 150 = 7.3 > beta: one less, and no slow start below ssthresh. */
	round_trip(&f, 150000, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(21));
	assert_true(tcp_cc_ssthresh(&f.cc) <= tcp_cc_cwnd(&f.cc));
	/* The round's smallest sample counts: one 100 ms sample among delayed ones. */
	round_trip(&f, 300000, 3, true);
	tcp_cc_on_rtt_sample(&f.cc, BASE_US, 0);
	round_trip(&f, 300000, 2, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(21)); /* 300 ms round: -1; 100 ms: +1 */
	/* Near alpha: Diff = 21 x 11 / 111 = 2.08 holds; 21 x 10 / 110 = 1.9 grows. */
	round_trip(&f, 111000, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(21));
	round_trip(&f, 110000, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(22));
	/* Below alpha but not limited by cwnd: hold. */
	round_trip(&f, BASE_US, 3, false);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(22));
}

/* Fewer than 3 samples in a round: the next one is Reno's (per ACK, one segment per window). */
static void too_few_samples_is_reno(void **state)
{
	struct flow f;
	avoiding(&f);
	/* 2 samples: no Vegas step; the ACK that ends the round already counts as Reno's (a
	 * window acknowledged: one segment), and so do the ACKs within the next round. */
	round_trip(&f, BASE_US, 2, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(21));
	for (int i = 0; i < 21; i++)
		cc_ack(&f.cc, SMSS, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(22));
	/* With enough samples, ACKs within a round do not move cwnd in avoidance. */
	avoiding(&f);
	for (int i = 0; i < 40; i++)
		cc_ack(&f.cc, SMSS, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(20));
}

static void slow_start_exit(void **state)
{
	struct flow f;
	/* Slow start, 2 SMSS per stretch ACK (RFC 3465): 20, then 22, where Diff = 22 x 4 / 104
	 * = 0.85 <= gamma: it goes on. */
	flow_start(&f, SEGS(20), 1u << 30);
	round_trip(&f, BASE_US, 3, true);
	round_trip(&f, 104000, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(24));
	assert_true(tcp_cc_cwnd(&f.cc) < tcp_cc_ssthresh(&f.cc));
	/* Diff = 24 x 25 / 125 = 4.8 > gamma: slow start ends, and the window comes back to
	 * the rate measured, 24 x 100 / 125 = 19.2 segments, plus gamma. */
	round_trip(&f, 125000, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), 19200 + SMSS);
	assert_int_equal(tcp_cc_ssthresh(&f.cc), tcp_cc_cwnd(&f.cc));
	/* From then on, avoidance: ACKs within a round do not grow it. */
	uint32_t w = tcp_cc_cwnd(&f.cc);
	for (int i = 0; i < 10; i++)
		cc_ack(&f.cc, SMSS, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), w);
}

/* Paced, a round starts on an empty queue: its smallest RTT is the old one while the latest
 * sample already shows the queue this window built. The window comes back to the rate at the
 * latest RTT: 24 x 100 / 200 = 12 segments plus gamma, not 24 x 100 / 125. */
static void slow_start_exit_at_the_latest_rtt(void **state)
{
	struct flow f;
	flow_start(&f, SEGS(20), 1u << 30);
	round_trip(&f, BASE_US, 3, true);
	round_trip(&f, 104000, 3, true);
	tcp_cc_on_rtt_sample(&f.cc, 125000, 0);
	tcp_cc_on_rtt_sample(&f.cc, 160000, 0);
	round_trip(&f, 200000, 1, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(12) + SMSS);
	assert_int_equal(tcp_cc_ssthresh(&f.cc), tcp_cc_cwnd(&f.cc));
}

static void loss_halves_as_reno(void **state)
{
	struct flow f;
	avoiding(&f);
	cc_event(&f.cc, TCP_CC_EV_FAST_RETRANSMIT, SEGS(20), true);
	assert_int_equal(tcp_cc_ssthresh(&f.cc), SEGS(10));
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(10));
	cc_event(&f.cc, TCP_CC_EV_RTO, SEGS(10), false);
	assert_int_equal(tcp_cc_ssthresh(&f.cc), SEGS(5));
	assert_int_equal(tcp_cc_cwnd(&f.cc), SMSS);
}

/* Vegas between a minimum and the rate cap: with min_rate_bps 1.6 Mbit/s (200 000 octets/s)
 * and BaseRTT 100 ms the window never goes below 20 segments, whatever the RTT or a loss says,
 * and pacing never below 200 000 octets/s; a timeout still falls to one segment. */
static void min_rate_floor(void **state)
{
	struct flow f;
	const struct tcp_cc_params p = {.smss = SMSS,
	                                .iw_segments = 10,
	                                .ssthresh = SEGS(22),
	                                .cwnd = SEGS(22),
	                                .pacing = true,
	                                .min_rate_bps = 1600000};
	assert_int_equal(tcp_cc_init(&f.cc, tcp_cc_find("vegas"), &p, 0), 0);
	f.una = 1000;
	f.nxt = f.una + SEGS(22);
	round_trip(&f, BASE_US, 3, true); /* Reno's first round: +1 */
	round_trip(&f, BASE_US, 3, true); /* Diff 0 < alpha: +1 */
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(24));
	/* Diff far above beta, round after round: 24 -> 23 -> ... -> 20, then held at 20. */
	for (int i = 0; i < 6; i++)
		round_trip(&f, 400000, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(20));
	/* Pacing: 1.2 x 20 000 / 400 ms = 60 000 octets/s by the window; the floor wins. */
	assert_int_equal(tcp_cc_pacing_rate(&f.cc, 400000, SEGS(20)), 200000);
	/* Above the floor the window's rate stands: 1.2 x 20 000 / 100 ms. */
	assert_int_equal(tcp_cc_pacing_rate(&f.cc, BASE_US, SEGS(20)), 240000);
	/* A loss halves 20 segments to 10: the floor brings cwnd back to 20, ssthresh stays. */
	cc_event(&f.cc, TCP_CC_EV_FAST_RETRANSMIT, SEGS(20), true);
	assert_int_equal(tcp_cc_ssthresh(&f.cc), SEGS(10));
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(20));
	tcp_cc_on_recovery_exit(&f.cc, SEGS(5), 0); /* RFC 6582 would leave 6 segments */
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(20));
	cc_event(&f.cc, TCP_CC_EV_RTO, SEGS(20), false);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SMSS);
	/* Without a minimum the same rounds go on down. */
	avoiding(&f);
	for (int i = 0; i < 6; i++)
		round_trip(&f, 400000, 3, true);
	assert_int_equal(tcp_cc_cwnd(&f.cc), SEGS(14));
	assert_int_equal(tcp_cc_pacing_rate(&f.cc, 400000, SEGS(14)), 0); /* not pacing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(plus_one_minus_one_hold),
	        cmocka_unit_test(too_few_samples_is_reno),
	        cmocka_unit_test(slow_start_exit),
	        cmocka_unit_test(slow_start_exit_at_the_latest_rtt),
	        cmocka_unit_test(loss_halves_as_reno),
	        cmocka_unit_test(min_rate_floor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
