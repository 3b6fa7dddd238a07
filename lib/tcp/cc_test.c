/* SPDX-License-Identifier: BSD-3-Clause */
/* The congestion-control framework and NewReno (the shared Reno helpers), without packets. */
#include <string.h>

#include "cc_test_util.h"
#include "tcp_cc_list.h"

static void ack(struct tcp_cc *cc, uint32_t acked)
{
	cc_ack(cc, acked, true);
}

static void lookup_by_name(void **state)
{
	assert_non_null(tcp_cc_find("reno"));
	assert_string_equal(tcp_cc_find("reno")->name, "reno");
	/* One list of names: the configuration never took "newreno", nor does the engine. */
	assert_null(tcp_cc_find("newreno"));
	assert_null(tcp_cc_find("cubic"));
	assert_null(tcp_cc_find(NULL));
	struct tcp_cc cc;
	struct tcp_cc_params p = {.smss = SMSS, .ssthresh = 1u << 30};
	assert_int_equal(tcp_cc_init(&cc, NULL, &p, 0), -22);
	assert_int_equal(tcp_cc_init(&cc, tcp_cc_find("reno"), NULL, 0), -22);
	p.smss = 0;
	assert_int_equal(tcp_cc_init(&cc, tcp_cc_find("reno"), &p, 0), -22);
	/* A module without its two required ops is refused. */
	const struct tcp_cc_ops half = {.name = "half", .on_ack = tcp_cc_reno_ack};
	p.smss = SMSS;
	assert_int_equal(tcp_cc_init(&cc, &half, &p, 0), -22);
}

/* Every module in the list is found by its name, in list order, and nothing beyond it. */
static void the_list(void **state)
{
#define NAME(n) #n,
	static const char *const want[] = {TCP_CC_LIST(NAME)};
#undef NAME
	assert_int_equal(tcp_cc_count(), sizeof(want) / sizeof(want[0]));
	for (unsigned int i = 0; i < tcp_cc_count(); i++) {
		assert_string_equal(tcp_cc_name(i), want[i]);
		const struct tcp_cc_ops *ops = tcp_cc_find(want[i]);
		assert_non_null(ops);
		assert_string_equal(ops->name, want[i]);
		assert_true(ops->priv_size <= TCP_CC_PRIV_SIZE);
		assert_true(strlen(want[i]) < TCP_CC_NAME_MAX);
	}
	assert_null(tcp_cc_name(tcp_cc_count()));
}

static void initial_window(void **state)
{
	assert_int_equal(tcp_cc_initial_window(1460, 0), 4380);
	assert_int_equal(tcp_cc_initial_window(536, 0), 4 * 536);
	assert_int_equal(tcp_cc_initial_window(4000, 0), 8000);
	assert_int_equal(tcp_cc_initial_window(1460, 10), 14600);
}

/* The hook a metrics cache uses: start from a remembered window and ssthresh. */
static void initial_values_from_params(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", SEGS(37), SEGS(30));
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(37));
	assert_int_equal(tcp_cc_ssthresh(&cc), SEGS(30));
	cc_start(&cc, "reno", 1, 1u << 30); /* never below one segment */
	assert_int_equal(tcp_cc_cwnd(&cc), SMSS);
	cc_start(&cc, "reno", 0, 1u << 30); /* 0: the initial window */
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(10));
}

static void slow_start_abc_limit(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", 0, 1u << 30);
	assert_int_equal(tcp_cc_cwnd(&cc), 10 * SMSS);
	/* A stretch ACK of 5 segments grows cwnd by at most L = 2*SMSS (RFC 3465 2.2). */
	ack(&cc, 5 * SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 12 * SMSS);
	ack(&cc, 500);
	assert_int_equal(tcp_cc_cwnd(&cc), 12 * SMSS + 500);
}

static void congestion_avoidance_one_smss_per_window(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", 0, 10 * SMSS);
	/* cwnd == ssthresh: avoidance. 9 segments of 10 acked: no growth; the 10th grows. */
	for (int i = 0; i < 9; i++)
		ack(&cc, SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 10 * SMSS);
	ack(&cc, SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 11 * SMSS);
	/* Slow start that crosses ssthresh hands the rest to avoidance. */
	cc_start(&cc, "reno", 0, 11 * SMSS);
	ack(&cc, 2 * SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 11 * SMSS);
	assert_int_equal(cc.bytes_acked, SMSS);
}

/* The profile's abc false: RFC 5681 without RFC 3465. Slow start grows min(acked, SMSS) per ACK
 * (a stretch ACK of 5 segments: one), avoidance SMSS x SMSS / cwnd per ACK whatever it acks. */
static void without_abc_growth_is_per_ack(void **state)
{
	struct tcp_cc cc;
	const struct tcp_cc_params p = {
	        .smss = SMSS, .iw_segments = 10, .ssthresh = 1u << 30, .per_ack = true};
	assert_int_equal(tcp_cc_init(&cc, tcp_cc_find("reno"), &p, 0), 0);
	ack(&cc, 5 * SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 11 * SMSS);
	ack(&cc, 2 * SMSS); /* a delayed ACK of two segments: one, where ABC gives two */
	assert_int_equal(tcp_cc_cwnd(&cc), 12 * SMSS);
	ack(&cc, 500);
	assert_int_equal(tcp_cc_cwnd(&cc), 12 * SMSS + 500);
	/* Avoidance at 10 segments: 22 ACKs of 2 segments each count 22 SMSS, two steps (10
	 * then 11); with ABC the 44 segments they acknowledge make three (10, 11, 12). */
	const struct tcp_cc_params q = {.smss = SMSS,
	                                .iw_segments = 10,
	                                .ssthresh = 10 * SMSS,
	                                .cwnd = 10 * SMSS,
	                                .per_ack = true};
	assert_int_equal(tcp_cc_init(&cc, tcp_cc_find("reno"), &q, 0), 0);
	for (int i = 0; i < 22; i++)
		ack(&cc, 2 * SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 12 * SMSS);
	cc_start(&cc, "reno", 10 * SMSS, 10 * SMSS);
	for (int i = 0; i < 22; i++)
		ack(&cc, 2 * SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 13 * SMSS);
}

/* The connection says whether cwnd limited it; the module does not grow when it did not. */
static void grows_only_when_cwnd_limited(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", 0, 1u << 30);
	for (int i = 0; i < 20; i++)
		cc_ack(&cc, SMSS, false);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(10));
	cc_start(&cc, "reno", SEGS(10), SEGS(10));
	for (int i = 0; i < 20; i++)
		cc_ack(&cc, SMSS, false);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(10));
	/* Linux's rule: slow start while half the window is out, avoidance while full but 3. */
	cc_start(&cc, "reno", SEGS(10), 1u << 30);
	assert_false(tcp_cc_is_cwnd_limited(&cc, SEGS(5) - 1));
	assert_true(tcp_cc_is_cwnd_limited(&cc, SEGS(5)));
	cc_start(&cc, "reno", SEGS(10), SEGS(10));
	assert_false(tcp_cc_is_cwnd_limited(&cc, SEGS(7) - 1));
	assert_true(tcp_cc_is_cwnd_limited(&cc, SEGS(7)));
}

static void fast_retransmit_halves_flight(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", 0, 1u << 30);
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, 20 * SMSS, true);
	assert_int_equal(tcp_cc_ssthresh(&cc), 10 * SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 10 * SMSS);
	/* Never below 2 SMSS. */
	cc_event(&cc, TCP_CC_EV_ECN, 3 * SMSS, true);
	assert_int_equal(tcp_cc_ssthresh(&cc), 2 * SMSS);
	/* Recovery exit with little in flight does not burst. */
	cc_start(&cc, "reno", 0, 1u << 30);
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, 20 * SMSS, true);
	tcp_cc_on_recovery_exit(&cc, 2 * SMSS, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), 3 * SMSS);
	tcp_cc_on_recovery_exit(&cc, 20 * SMSS, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), 10 * SMSS);
}

/* RFC 6582 3.2 without SACK: inflate by 3, then 1 per duplicate; a partial ACK deflates. */
static void newreno_inflation_without_sack(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", 0, 1u << 30);
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, SEGS(20), false);
	assert_int_equal(tcp_cc_ssthresh(&cc), SEGS(10));
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(13));
	const struct tcp_cc_ack dup = {.flight_size = SEGS(20)};
	tcp_cc_on_recovery_ack(&cc, &dup);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(14));
	const struct tcp_cc_ack partial = {.acked = SEGS(4), .flight_size = SEGS(20)};
	tcp_cc_on_recovery_ack(&cc, &partial);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(11)); /* 14 - 4 + 1 */
	const struct tcp_cc_ack small = {.acked = 500, .flight_size = SEGS(16)};
	tcp_cc_on_recovery_ack(&cc, &small);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(11) - 500);
	/* With SACK the connection counts pipe: none of this. */
	cc_start(&cc, "reno", 0, 1u << 30);
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, SEGS(20), true);
	const struct tcp_cc_ack sdup = {.flight_size = SEGS(20), .flags = TCP_CC_ACKF_SACK};
	tcp_cc_on_recovery_ack(&cc, &sdup);
	const struct tcp_cc_ack spart = {
	        .acked = SEGS(4), .flight_size = SEGS(20), .flags = TCP_CC_ACKF_SACK};
	tcp_cc_on_recovery_ack(&cc, &spart);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(10));
}

static void rto_loss_window_then_abc_one_smss(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", 0, 1u << 30);
	cc_event(&cc, TCP_CC_EV_RTO, 16 * SMSS, false);
	assert_int_equal(tcp_cc_cwnd(&cc), SMSS);
	assert_int_equal(tcp_cc_ssthresh(&cc), 8 * SMSS);
	ack(&cc, 4 * SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 2 * SMSS); /* L = 1*SMSS after an RTO */
	for (int i = 0; i < 6; i++)
		ack(&cc, 4 * SMSS);
	assert_int_equal(tcp_cc_cwnd(&cc), 8 * SMSS); /* reached ssthresh */
	assert_false(cc.after_rto);
}

/* RFC 5681 3.1: back-to-back timeouts keep the ssthresh of the first. */
static void repeated_rto_keeps_ssthresh(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", 0, 1u << 30);
	cc_event(&cc, TCP_CC_EV_RTO, SEGS(16), false);
	cc_event(&cc, TCP_CC_EV_RTO_REPEAT, SMSS, false);
	assert_int_equal(tcp_cc_ssthresh(&cc), SEGS(8));
	assert_int_equal(tcp_cc_cwnd(&cc), SMSS);
}

/* RFC 4015 5: a spurious timeout gives back pipe_prev = max(FlightSize, ssthresh) and
 * cwnd = FlightSize + min(acked, IW). */
static void undo_after_spurious_rto(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", SEGS(30), SEGS(20));
	cc_event(&cc, TCP_CC_EV_RTO, SEGS(30), false);
	cc_event(&cc, TCP_CC_EV_RTO_REPEAT, SEGS(30), false);
	const struct tcp_cc_undo u = {.in_flight = SEGS(25), .acked = SEGS(15)};
	tcp_cc_undo(&cc, &u);
	assert_int_equal(tcp_cc_ssthresh(&cc), SEGS(30));
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(35)); /* 25 + min(15, IW 10) */
	assert_false(cc.after_rto);
	cc_start(&cc, "reno", SEGS(10), SEGS(40));
	cc_event(&cc, TCP_CC_EV_RTO, SEGS(10), false);
	const struct tcp_cc_undo v = {.in_flight = SEGS(9), .acked = SEGS(1)};
	tcp_cc_undo(&cc, &v);
	assert_int_equal(tcp_cc_ssthresh(&cc), SEGS(40));
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(10));
}

static void idle_restart_caps_to_iw(void **state)
{
	struct tcp_cc cc;
	const struct tcp_cc_params p = {
	        .smss = SMSS, .iw_segments = 4, .ssthresh = 1u << 30, .cwnd = 50 * SMSS};
	tcp_cc_init(&cc, tcp_cc_find("reno"), &p, 0);
	tcp_cc_on_idle_restart(&cc, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), 4 * SMSS);
	cc_event(&cc, TCP_CC_EV_RTO, SEGS(4), false);
	ack(&cc, SMSS); /* cwnd 2 segments */
	tcp_cc_on_idle_restart(&cc, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), 2 * SMSS);
}

static void smss_change_rescales(void **state)
{
	struct tcp_cc cc;
	const struct tcp_cc_params p = {.smss = 536, .iw_segments = 10, .ssthresh = 1u << 30};
	tcp_cc_init(&cc, tcp_cc_find("reno"), &p, 0);
	tcp_cc_set_smss(&cc, 1460);
	assert_int_equal(tcp_cc_cwnd(&cc), 14600);
	assert_int_equal(cc.iw, 14600);
	tcp_cc_on_syn_loss(&cc);
	assert_int_equal(tcp_cc_cwnd(&cc), 1460);
}

static void optional_ops_default(void **state)
{
	struct tcp_cc cc;
	cc_start(&cc, "reno", 0, 1u << 30);
	assert_int_equal(tcp_cc_pacing_rate(&cc, 100000, 0), 0); /* params.pacing off */
	tcp_cc_on_rtt_sample(&cc, 1000, 0); /* Reno takes none: nothing happens */
	tcp_cc_on_established(&cc, 1000, 0);
	assert_int_equal(tcp_cc_cwnd(&cc), SEGS(10));
}

static void pacing_start(struct tcp_cc *cc, uint32_t cwnd, uint32_t ssthresh)
{
	const struct tcp_cc_params p = {.smss = SMSS,
	                                .iw_segments = 10,
	                                .ssthresh = ssthresh,
	                                .cwnd = cwnd,
	                                .pacing = true};
	assert_int_equal(tcp_cc_init(cc, tcp_cc_find("reno"), &p, 0), 0);
}

/* Linux's rule: 2 x max(cwnd, flight) / SRTT below half of ssthresh, 1.2 x above; none
 * before an RTT is known. */
static void pacing_rate_gain_by_phase(void **state)
{
	struct tcp_cc cc;
	pacing_start(&cc, SEGS(10), 1u << 30);
	assert_int_equal(tcp_cc_pacing_rate(&cc, 0, 0), 0);
	/* 10 segments per 100 ms at twice that: 200 000 octets/s */
	assert_int_equal(tcp_cc_pacing_rate(&cc, 100000, SEGS(4)), 200000);
	/* a flight larger than cwnd (just after a cut) sets the rate */
	assert_int_equal(tcp_cc_pacing_rate(&cc, 100000, SEGS(15)), 300000);
	pacing_start(&cc, SEGS(10), SEGS(20)); /* cwnd = ssthresh / 2: avoidance's gain */
	assert_int_equal(tcp_cc_pacing_rate(&cc, 100000, SEGS(10)), 120000);
	pacing_start(&cc, SEGS(10), SEGS(21));
	assert_int_equal(tcp_cc_pacing_rate(&cc, 100000, SEGS(10)), 200000);
	pacing_start(&cc, SEGS(40), SEGS(40));
	assert_int_equal(tcp_cc_pacing_rate(&cc, 600000, 0), 80000);
}

/* ---- HyStart++ (RFC 9406) ---- */

/* A sender with its window full: each ACK acknowledges one segment and carries an RTT sample. */
struct hs_sender {
	uint32_t una, nxt;
};

static void hs_ack(struct tcp_cc *cc, struct hs_sender *s, uint32_t rtt_us)
{
	tcp_cc_on_rtt_sample(cc, rtt_us, 0);
	uint32_t flight = s->nxt - s->una;
	s->una += SMSS;
	const struct tcp_cc_ack a = {.acked = SMSS,
	                             .flight_size = flight,
	                             .snd_una = s->una,
	                             .snd_nxt = s->nxt,
	                             .flags = TCP_CC_ACKF_CWND_LIMITED};
	tcp_cc_on_ack(cc, &a);
	if (s->una + tcp_cc_cwnd(cc) > s->nxt)
		s->nxt = s->una + tcp_cc_cwnd(cc) / SMSS * SMSS;
}

/* The rest of HyStart++'s current round, every ACK with rtt_us; the last ACK begins the next. */
static void hs_round(struct tcp_cc *cc, struct hs_sender *s, uint32_t rtt_us)
{
	uint32_t end = cc->hs.in_round ? cc->hs.window_end : s->nxt;
	while (s->una < end)
		hs_ack(cc, s, rtt_us);
}

static void hs_start(struct tcp_cc *cc, struct hs_sender *s)
{
	cc_start(cc, "reno", 0, 1u << 30);
	s->una = 0;
	s->nxt = tcp_cc_cwnd(cc);
}

/* Slow start doubles while each round's smallest RTT stays; a rise by the threshold (RTT/8,
 * between 4 and 16 ms) moves to CSS, which grows a quarter as fast. */
static void hystart_rtt_rise_starts_css(void **state)
{
	struct tcp_cc cc;
	struct hs_sender s;
	hs_start(&cc, &s);
	hs_round(&cc, &s, 100000);
	uint32_t before = tcp_cc_cwnd(&cc), una = s.una;
	hs_round(&cc, &s, 100000);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_SS);
	assert_int_equal(tcp_cc_cwnd(&cc), before + (s.una - una)); /* one SMSS per SMSS */
	hs_round(&cc, &s, 112400); /* 100 + 12.5 ms is the threshold: not yet */
	assert_int_equal(cc.hs.phase, TCP_CC_HS_SS);
	before = tcp_cc_cwnd(&cc);
	for (int i = 0; i < 7; i++)
		hs_ack(&cc, &s, 126450);             /* 112.4 + 14.05 ms */
	assert_int_equal(cc.hs.phase, TCP_CC_HS_SS); /* 7 samples are not enough */
	hs_ack(&cc, &s, 126450);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_CSS);
	assert_int_equal(cc.hs.css_baseline_min, 126450);
	/* the 8th sample came before its ACK: that ACK already grew a quarter as much */
	assert_int_equal(tcp_cc_cwnd(&cc), before + SEGS(7) + SMSS / 4);
	before = tcp_cc_cwnd(&cc);
	for (int i = 0; i < 8; i++)
		hs_ack(&cc, &s, 126450);
	assert_int_equal(tcp_cc_cwnd(&cc), before + SEGS(2)); /* SMSS / 4 per ACK */
	assert_true(tcp_cc_cwnd(&cc) < tcp_cc_ssthresh(&cc));
}

/* RFC 9406 4.3: a round whose RTT falls below the one that started CSS was jitter. */
static void hystart_css_back_to_slow_start(void **state)
{
	struct tcp_cc cc;
	struct hs_sender s;
	hs_start(&cc, &s);
	hs_round(&cc, &s, 100000);
	hs_round(&cc, &s, 100000);
	hs_round(&cc, &s, 130000);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_CSS);
	hs_round(&cc, &s, 101000);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_SS);
	assert_int_equal(cc.hs.css_baseline_min, UINT32_MAX);
}

/* CSS_ROUNDS rounds of CSS with the RTT where it rose: avoidance (ssthresh = cwnd). */
static void hystart_css_rounds_then_avoidance(void **state)
{
	struct tcp_cc cc;
	struct hs_sender s;
	hs_start(&cc, &s);
	hs_round(&cc, &s, 100000);
	hs_round(&cc, &s, 100000);
	hs_round(&cc, &s, 130000);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_CSS);
	/* The round CSS began in counts as its first (as quiche counts). */
	for (int r = 0; r < 3; r++) {
		hs_round(&cc, &s, 135000); /* below 130 + 16: the same queue */
		assert_int_equal(cc.hs.phase, TCP_CC_HS_CSS);
	}
	hs_round(&cc, &s, 135000); /* the fifth round ends: done */
	assert_int_equal(cc.hs.phase, TCP_CC_HS_OFF);
	assert_int_equal(tcp_cc_ssthresh(&cc), tcp_cc_cwnd(&cc));
}

/* Beyond RFC 9406: in CSS a second rise by the threshold is the queue growing with the
 * window, and avoidance starts at once rather than after CSS_ROUNDS. */
static void hystart_second_rise_ends_css(void **state)
{
	struct tcp_cc cc;
	struct hs_sender s;
	hs_start(&cc, &s);
	hs_round(&cc, &s, 600000);
	hs_round(&cc, &s, 600000);
	hs_round(&cc, &s, 616000); /* the threshold is capped at 16 ms */
	assert_int_equal(cc.hs.phase, TCP_CC_HS_CSS);
	hs_round(&cc, &s, 631000);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_CSS);
	for (int i = 0; i < 7; i++)
		hs_ack(&cc, &s, 632000);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_CSS); /* 7 samples are not enough */
	uint32_t cwnd = tcp_cc_cwnd(&cc);
	hs_ack(&cc, &s, 632000); /* the 8th: 616 + 16 */
	assert_int_equal(cc.hs.phase, TCP_CC_HS_OFF);
	assert_int_equal(tcp_cc_ssthresh(&cc), cwnd);
}

/* At a short RTT the threshold is 4 ms; a loss ends HyStart++ for good (RFC 9406 4.2). */
static void hystart_floor_and_loss(void **state)
{
	struct tcp_cc cc;
	struct hs_sender s;
	hs_start(&cc, &s);
	hs_round(&cc, &s, 10000);
	hs_round(&cc, &s, 13900);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_SS);
	hs_round(&cc, &s, 18000);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_CSS);
	cc_event(&cc, TCP_CC_EV_FAST_RETRANSMIT, tcp_cc_cwnd(&cc), true);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_OFF);
	/* The slow start after a timeout is RFC 5681's whatever the RTT does. */
	cc_event(&cc, TCP_CC_EV_RTO, SEGS(100), true);
	for (int i = 0; i < 20; i++)
		hs_round(&cc, &s, 50000 + 10000 * i);
	assert_int_equal(cc.hs.phase, TCP_CC_HS_OFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(lookup_by_name),
	        cmocka_unit_test(the_list),
	        cmocka_unit_test(initial_window),
	        cmocka_unit_test(initial_values_from_params),
	        cmocka_unit_test(slow_start_abc_limit),
	        cmocka_unit_test(without_abc_growth_is_per_ack),
	        cmocka_unit_test(congestion_avoidance_one_smss_per_window),
	        cmocka_unit_test(grows_only_when_cwnd_limited),
	        cmocka_unit_test(fast_retransmit_halves_flight),
	        cmocka_unit_test(newreno_inflation_without_sack),
	        cmocka_unit_test(rto_loss_window_then_abc_one_smss),
	        cmocka_unit_test(repeated_rto_keeps_ssthresh),
	        cmocka_unit_test(undo_after_spurious_rto),
	        cmocka_unit_test(idle_restart_caps_to_iw),
	        cmocka_unit_test(smss_change_rescales),
	        cmocka_unit_test(optional_ops_default),
	        cmocka_unit_test(pacing_rate_gain_by_phase),
	        cmocka_unit_test(hystart_rtt_rise_starts_css),
	        cmocka_unit_test(hystart_css_back_to_slow_start),
	        cmocka_unit_test(hystart_css_rounds_then_avoidance),
	        cmocka_unit_test(hystart_second_rise_ends_css),
	        cmocka_unit_test(hystart_floor_and_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
