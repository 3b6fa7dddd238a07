/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NewReno congestion control: RFC 5681 slow start and congestion avoidance with RFC 3465
 * Appropriate Byte Counting. The NewReno recovery itself (recover point, partial ACKs, RFC
 * 6582) is run by the connection; this module sets the windows at its edges.
 */
#include "tcp_cc.h"

/* NewReno keeps nothing beyond the shared fields; the check still guards the layout. */
struct cc_reno_priv {
	uint32_t congestion_events;
};
TCP_CC_PRIV_CHECK(struct cc_reno_priv);

static void reno_init(struct tcp_cc *cc, uint64_t now_us)
{
	TCP_CC_PRIV(cc, struct cc_reno_priv)->congestion_events = 0;
}

static void reno_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	uint32_t left = tcp_cc_reno_slow_start(cc, ack->acked);
	if (left > 0)
		tcp_cc_reno_cong_avoid(cc, left);
}

static void reno_on_congestion(struct tcp_cc *cc, enum tcp_cc_event ev, uint32_t flight_size,
                               uint64_t now_us)
{
	TCP_CC_PRIV(cc, struct cc_reno_priv)->congestion_events++;
	cc->ssthresh = tcp_cc_reno_ssthresh(flight_size, cc->smss);
	cc->bytes_acked = 0;
	switch (ev) {
	case TCP_CC_EV_RTO:
		/* RFC 5681 3.1: loss window of one segment; RFC 3465 2.3: L = 1*SMSS next. */
		cc->cwnd = cc->smss;
		cc->after_rto = true;
		break;
	case TCP_CC_EV_FAST_RETRANSMIT:
	case TCP_CC_EV_ECN:
		/* RFC 5681 3.2 step 4 / RFC 3168 6.1.2; inflation by 3*SMSS in NewReno recovery
		 * without SACK is the connection's (RFC 6582 3.2 step 2). */
		cc->cwnd = cc->ssthresh;
		break;
	}
}

static void reno_on_recovery_exit(struct tcp_cc *cc, uint32_t flight_size, uint64_t now_us)
{
	/* RFC 6582 3.2 step 3 option (1): min(ssthresh, max(FlightSize, SMSS) + SMSS), which
	 * avoids a burst when little is in flight. */
	uint32_t f = flight_size > cc->smss ? flight_size : cc->smss;
	uint32_t w = f + cc->smss;
	cc->cwnd = w < cc->ssthresh ? w : cc->ssthresh;
	cc->bytes_acked = 0;
}

static void reno_on_idle_restart(struct tcp_cc *cc, uint64_t now_us)
{
	tcp_cc_reno_idle_restart(cc);
}

const struct tcp_cc_ops tcp_cc_newreno = {
        .name = "newreno",
        .priv_size = sizeof(struct cc_reno_priv),
        .init = reno_init,
        .on_ack = reno_on_ack,
        .on_congestion = reno_on_congestion,
        .on_recovery_exit = reno_on_recovery_exit,
        .on_idle_restart = reno_on_idle_restart,
        .pacing_rate = NULL,
};
