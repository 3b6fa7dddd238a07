/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP Vegas (L. Brakmo, L. Peterson, "TCP Vegas: end to end congestion avoidance on a global
 * Internet", IEEE JSAC 13(8), 1995). Once per round trip Vegas compares the rate it expects,
 * cwnd / BaseRTT, with the rate it gets, cwnd / RTT, and keeps their difference times BaseRTT,
 *
 *   Diff = cwnd (RTT - BaseRTT) / RTT     (the segments this flow keeps queued),
 *
 * between alpha and beta: one segment more the next round below alpha, one less above beta.
 * RTT is the smallest sample of the round (it filters delayed ACKs, as Linux does) and BaseRTT
 * the smallest ever (never refreshed: a route change to a longer path leaves it too small).
 * Slow start leaves when Diff exceeds gamma. Linux's defaults 2 / 4 / 1 (FreeBSD: 1 / 3).
 * A round with fewer than 3 samples (no timestamps: Karn allows one per RTT) runs the next as
 * Reno; a loss halves the window as Reno does. Vegas reads any RTT growth as its own queue:
 * on a path whose RTT varies by itself (radio, shared queues) it backs off for nothing.
 *
 * With a minimum rate (the profile's min_rate_mbps; the PEP FAQ's Vegas between a minimum and
 * the rate cap, for capacity shared with others but with a share of it assured) neither a
 * round's decrease nor a loss or ECN reduction (nor the end of its recovery, nor an idle
 * restart) takes cwnd below the minimum rate times BaseRTT,
 * and pacing never goes below it; the connection's max_rate cap stays above both. A timeout
 * still falls to one segment (the path may be down); the next round's decision restores the
 * floor once ACKs return.
 */
#include "tcp_cc.h"

#include <string.h>

#include "tcp_seq.h"

#define VEGAS_ALPHA       2 /* segments */
#define VEGAS_BETA        4
#define VEGAS_GAMMA       1
#define VEGAS_MIN_SAMPLES 3 /* per round, or the next round is Reno's */
#define VEGAS_MIN_CWND    2 /* segments: no step goes below */

struct vegas_priv {
	uint32_t base_rtt_us; /* smallest RTT ever */
	uint32_t min_rtt_us;  /* smallest RTT of this round */
	uint32_t last_rtt_us; /* the latest sample */
	uint32_t samples;     /* RTT samples in this round */
	uint32_t round_end;   /* the round ends once this is acknowledged */
	bool in_round;        /* round_end is set */
	bool reno;            /* the last round had too few samples */
	uint64_t min_rate;    /* octets/s on the wire never paced below; 0: none */
};
TCP_CC_PRIV_CHECK(struct vegas_priv);

static void vegas_new_round(struct vegas_priv *v, uint32_t snd_nxt)
{
	v->round_end = snd_nxt;
	v->in_round = true;
	v->samples = 0;
	v->min_rtt_us = UINT32_MAX;
}

static void vegas_init(struct tcp_cc *cc, const struct tcp_cc_params *p, uint64_t now_us)
{
	struct vegas_priv *v = TCP_CC_PRIV(cc, struct vegas_priv);
	memset(v, 0, sizeof(*v));
	v->base_rtt_us = UINT32_MAX;
	v->reno = true;
	v->min_rate = p->min_rate_bps / 8;
}

/* The minimum rate's window: min_rate x BaseRTT (once measured), at least 2 segments. */
static void vegas_floor(struct tcp_cc *cc, const struct vegas_priv *v)
{
	if (v->min_rate == 0 || v->base_rtt_us == UINT32_MAX)
		return;
	uint64_t w = v->min_rate * v->base_rtt_us / 1000000;
	if (w < VEGAS_MIN_CWND * cc->smss)
		w = VEGAS_MIN_CWND * cc->smss;
	if (w > UINT32_MAX / 2)
		w = UINT32_MAX / 2;
	if (cc->cwnd < w)
		cc->cwnd = (uint32_t)w;
}

static void vegas_on_rtt_sample(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us)
{
	struct vegas_priv *v = TCP_CC_PRIV(cc, struct vegas_priv);
	if (rtt_us < v->base_rtt_us)
		v->base_rtt_us = rtt_us;
	if (rtt_us < v->min_rtt_us)
		v->min_rtt_us = rtt_us;
	v->last_rtt_us = rtt_us;
	v->samples++;
}

/* The end of a round: Brakmo & Peterson's decision for the next. */
static void vegas_decide(struct tcp_cc *cc, struct vegas_priv *v, bool cwnd_limited)
{
	v->reno = v->samples < VEGAS_MIN_SAMPLES;
	if (v->reno)
		return;
	uint32_t rtt = v->min_rtt_us;
	uint64_t diff = (uint64_t)cc->cwnd * (rtt - v->base_rtt_us) / rtt; /* octets */
	if (cc->cwnd < cc->ssthresh) {
		if (diff > (uint64_t)VEGAS_GAMMA * cc->smss) {
			/* Leave slow start. It doubles cwnd every RTT (the paper's every other), so
			 * the window is up to twice the one measured: bring it back to the rate the
			 * round delivered plus gamma, as Linux does. A paced round starts on an
			 * empty queue, so its smallest RTT lags the queue the window has built by
			 * now: the latest sample, when larger, is the RTT this window meets. */
			uint32_t now_rtt = v->last_rtt_us > rtt ? v->last_rtt_us : rtt;
			uint64_t fits = (uint64_t)cc->cwnd * v->base_rtt_us / now_rtt +
			                (uint64_t)VEGAS_GAMMA * cc->smss;
			if (fits < cc->cwnd)
				cc->cwnd = (uint32_t)fits;
			if (cc->cwnd < VEGAS_MIN_CWND * cc->smss)
				cc->cwnd = VEGAS_MIN_CWND * cc->smss;
			vegas_floor(cc, v);
			cc->ssthresh = cc->cwnd;
		}
		return;
	}
	if (diff > (uint64_t)VEGAS_BETA * cc->smss) {
		if (cc->cwnd >= (VEGAS_MIN_CWND + 1) * cc->smss)
			cc->cwnd -= cc->smss;
	} else if (diff < (uint64_t)VEGAS_ALPHA * cc->smss && cwnd_limited) {
		cc->cwnd += cc->smss;
	}
	vegas_floor(cc, v);
	if (cc->ssthresh > cc->cwnd)
		cc->ssthresh = cc->cwnd; /* stay out of slow start */
}

static void vegas_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	struct vegas_priv *v = TCP_CC_PRIV(cc, struct vegas_priv);
	bool limited = ack->flags & TCP_CC_ACKF_CWND_LIMITED;
	if (!v->in_round || tcp_seq_geq(ack->snd_una, v->round_end)) {
		if (v->in_round)
			vegas_decide(cc, v, limited);
		vegas_new_round(v, ack->snd_nxt);
	}
	if (v->reno)
		tcp_cc_reno_ack(cc, ack);
	else if (limited)
		tcp_cc_reno_slow_start(cc, ack->acked); /* avoidance moves at round ends only */
}

static void vegas_on_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e)
{
	/* Reno halving; the round that saw the loss says nothing about the queue. */
	struct vegas_priv *v = TCP_CC_PRIV(cc, struct vegas_priv);
	v->in_round = false;
	tcp_cc_reno_congestion(cc, e, tcp_cc_reno_ssthresh(e->flight_size, cc->smss));
	if (e->ev == TCP_CC_EV_FAST_RETRANSMIT || e->ev == TCP_CC_EV_ECN)
		vegas_floor(cc, v);
}

/* RFC 6582's exit, then the minimum rate's window. */
static void vegas_on_recovery_exit(struct tcp_cc *cc, uint32_t flight_size, uint64_t now_us)
{
	tcp_cc_reno_recovery_exit(cc, flight_size);
	vegas_floor(cc, TCP_CC_PRIV(cc, struct vegas_priv));
}

/* The window's pacing rate, never below the minimum rate (when pacing at all). */
static uint64_t vegas_pacing_rate(const struct tcp_cc *cc, uint32_t srtt_us, uint32_t flight_size)
{
	const struct vegas_priv *v = TCP_CC_PRIV(cc, const struct vegas_priv);
	uint64_t r = tcp_cc_window_pacing_rate(cc, srtt_us, flight_size);
	return r != 0 && r < v->min_rate ? v->min_rate : r;
}

static void vegas_on_idle_restart(struct tcp_cc *cc, uint64_t now_us)
{
	struct vegas_priv *v = TCP_CC_PRIV(cc, struct vegas_priv);
	v->in_round = false;
	tcp_cc_reno_idle_restart(cc);
	vegas_floor(cc, v);
}

const struct tcp_cc_ops tcp_cc_vegas = {
        .name = "vegas",
        .priv_size = sizeof(struct vegas_priv),
        .init = vegas_init,
        .on_ack = vegas_on_ack,
        .on_rtt_sample = vegas_on_rtt_sample,
        .on_congestion = vegas_on_congestion,
        .on_idle_restart = vegas_on_idle_restart,
        .on_recovery_exit = vegas_on_recovery_exit,
        .pacing_rate = vegas_pacing_rate,
};
