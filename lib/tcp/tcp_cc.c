/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The congestion-control framework: the list of modules, the entry points the connection
 * calls (with the Reno defaults of optional ops) and the shared Reno helpers.
 */
#include "tcp_cc.h"

#include <errno.h>
#include <string.h>

#include "tcp_cc_list.h"
#include "tcp_seq.h"

/* RFC 9406 4.3 constants. */
#define HS_MIN_RTT_THRESH_US  4000
#define HS_MAX_RTT_THRESH_US  16000
#define HS_MIN_RTT_DIVISOR    8
#define HS_N_RTT_SAMPLE       8
#define HS_CSS_GROWTH_DIVISOR 4
#define HS_CSS_ROUNDS         5

/* Linux's pacing gains (sysctl tcp_pacing_ss_ratio and tcp_pacing_ca_ratio), percent. */
#define PACING_SS_PERCENT 200
#define PACING_CA_PERCENT 120

#define CC_DECLARE(n) extern const struct tcp_cc_ops tcp_cc_##n;
TCP_CC_LIST(CC_DECLARE)
#undef CC_DECLARE

#define CC_ENTRY(n) &tcp_cc_##n,
static const struct tcp_cc_ops *const cc_modules[] = {TCP_CC_LIST(CC_ENTRY)};
#undef CC_ENTRY

#define CC_COUNT (sizeof(cc_modules) / sizeof(cc_modules[0]))

const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < CC_COUNT; i++)
		if (strcmp(cc_modules[i]->name, name) == 0)
			return cc_modules[i];
	return NULL;
}

unsigned int tcp_cc_count(void)
{
	return CC_COUNT;
}

const char *tcp_cc_name(unsigned int i)
{
	return i < CC_COUNT ? cc_modules[i]->name : NULL;
}

unsigned int tcp_cc_index(const struct tcp_cc_ops *ops)
{
	unsigned int i = 0;
	while (i < CC_COUNT && cc_modules[i] != ops)
		i++;
	return i;
}

uint32_t tcp_cc_initial_window(uint32_t smss, uint32_t iw_segments)
{
	if (iw_segments != 0)
		return iw_segments * smss;
	/* RFC 5681 3.1 eqn (1): IW = min(4*SMSS, max(2*SMSS, 4380)), i.e. RFC
	 * 3390's 2, 3 or 4 segments by SMSS. */
	uint32_t iw = 2 * smss > 4380 ? 2 * smss : 4380;
	return iw < 4 * smss ? iw : 4 * smss;
}

int tcp_cc_init(struct tcp_cc *cc, const struct tcp_cc_ops *ops, const struct tcp_cc_params *p,
                uint64_t now_us)
{
	if (cc == NULL || ops == NULL || p == NULL || ops->priv_size > TCP_CC_PRIV_SIZE ||
	    ops->on_ack == NULL || ops->on_congestion == NULL || p->smss == 0 ||
	    (ops->needs_rate && p->rate_bps == 0))
		return -EINVAL;
	memset(cc, 0, sizeof(*cc));
	cc->ops = ops;
	cc->smss = p->smss;
	cc->iw = tcp_cc_initial_window(p->smss, p->iw_segments);
	cc->cwnd = p->cwnd == 0 ? cc->iw : p->cwnd < p->smss ? p->smss : p->cwnd;
	cc->ssthresh = p->ssthresh;
	cc->prior_ssthresh = p->ssthresh;
	cc->window_pacing = p->pacing;
	cc->per_ack = p->per_ack;
	cc->hs.phase = TCP_CC_HS_SS;
	cc->hs.last_round_min = UINT32_MAX;
	cc->hs.cur_round_min = UINT32_MAX;
	cc->hs.css_baseline_min = UINT32_MAX;
	if (ops->init != NULL)
		ops->init(cc, p, now_us);
	return 0;
}

void tcp_cc_set_smss(struct tcp_cc *cc, uint32_t smss)
{
	if (smss == 0 || smss == cc->smss)
		return;
	uint32_t iw_segs = cc->iw / cc->smss;
	cc->cwnd = (uint32_t)((uint64_t)cc->cwnd * smss / cc->smss);
	if (cc->iw == tcp_cc_initial_window(cc->smss, 0))
		cc->iw = tcp_cc_initial_window(smss, 0);
	else
		cc->iw = iw_segs * smss;
	cc->smss = smss;
	if (cc->cwnd < smss)
		cc->cwnd = smss;
}

void tcp_cc_on_syn_loss(struct tcp_cc *cc)
{
	cc->cwnd = cc->smss;
}

bool tcp_cc_is_cwnd_limited(const struct tcp_cc *cc, uint32_t flight_size)
{
	if (cc->cwnd < cc->ssthresh)
		return 2 * (uint64_t)flight_size >= cc->cwnd;
	return (uint64_t)flight_size + 3 * cc->smss >= cc->cwnd;
}

/* ---- HyStart++ (RFC 9406) ---- */

/* A new round begins once the last one's data is acknowledged (RFC 9406 4.2). */
static void hystart_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	struct tcp_cc_hystart *h = &cc->hs;
	if (h->phase == TCP_CC_HS_OFF)
		return;
	if (cc->cwnd >= cc->ssthresh) {
		h->phase = TCP_CC_HS_OFF; /* the module left slow start by itself */
		return;
	}
	if (h->in_round && tcp_seq_lt(ack->snd_una, h->window_end))
		return;
	h->in_round = true;
	h->window_end = ack->snd_nxt;
	h->last_round_min = h->cur_round_min;
	h->cur_round_min = UINT32_MAX;
	h->samples = 0;
	if (h->phase == TCP_CC_HS_CSS && ++h->css_rounds >= HS_CSS_ROUNDS) {
		/* RFC 9406 4.3: CSS_ROUNDS rounds of CSS: congestion avoidance from here. */
		cc->ssthresh = cc->cwnd;
		h->phase = TCP_CC_HS_OFF;
	}
}

static void hystart_on_rtt_sample(struct tcp_cc *cc, uint32_t rtt_us)
{
	struct tcp_cc_hystart *h = &cc->hs;
	if (h->phase == TCP_CC_HS_OFF || !h->in_round || cc->cwnd >= cc->ssthresh)
		return;
	if (rtt_us < h->cur_round_min)
		h->cur_round_min = rtt_us;
	if (h->samples < UINT16_MAX)
		h->samples++;
	if (h->samples < HS_N_RTT_SAMPLE || h->last_round_min == UINT32_MAX)
		return;
	uint32_t thresh = h->last_round_min / HS_MIN_RTT_DIVISOR;
	if (thresh > HS_MAX_RTT_THRESH_US)
		thresh = HS_MAX_RTT_THRESH_US;
	if (thresh < HS_MIN_RTT_THRESH_US)
		thresh = HS_MIN_RTT_THRESH_US;
	if (h->phase == TCP_CC_HS_SS) {
		if ((uint64_t)h->cur_round_min >= (uint64_t)h->last_round_min + thresh) {
			/* The round's RTT rose: a queue is building. Grow gently from here. */
			h->css_baseline_min = h->cur_round_min;
			h->css_rounds = 0;
			h->phase = TCP_CC_HS_CSS;
		}
		return;
	}
	if (h->cur_round_min < h->css_baseline_min) {
		/* RFC 9406 4.3: the rise was jitter, not a queue: back to slow start. */
		h->css_baseline_min = UINT32_MAX;
		h->phase = TCP_CC_HS_SS;
	} else if ((uint64_t)h->cur_round_min >= (uint64_t)h->css_baseline_min + thresh) {
		/* Not in RFC 9406, which runs CSS for CSS_ROUNDS rounds whatever the RTT does:
		 * a second rise by the threshold is the queue growing with the window, not jitter.
		 * CSS's threefold growth over its rounds would overflow a queue of twice the
		 * path's bandwidth-delay product on a 600 ms path; avoidance starts now. */
		cc->ssthresh = cc->cwnd;
		h->phase = TCP_CC_HS_OFF;
	}
}

/* ---- entry points ---- */

void tcp_cc_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	hystart_on_ack(cc, ack);
	cc->ops->on_ack(cc, ack);
}

void tcp_cc_on_recovery_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	if (cc->ops->on_recovery_ack != NULL)
		cc->ops->on_recovery_ack(cc, ack);
	else
		tcp_cc_reno_recovery_ack(cc, ack);
}

void tcp_cc_on_established(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us)
{
	if (cc->ops->on_established != NULL)
		cc->ops->on_established(cc, rtt_us, now_us);
}

void tcp_cc_on_rtt_sample(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us)
{
	if (rtt_us == 0)
		return;
	hystart_on_rtt_sample(cc, rtt_us);
	if (cc->ops->on_rtt_sample != NULL)
		cc->ops->on_rtt_sample(cc, rtt_us, now_us);
}

void tcp_cc_on_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e)
{
	/* RFC 9406 4.2: HyStart++ only for the first slow start; ssthresh guides the next. */
	cc->hs.phase = TCP_CC_HS_OFF;
	cc->ops->on_congestion(cc, e);
}

void tcp_cc_on_recovery_exit(struct tcp_cc *cc, uint32_t flight_size, uint64_t now_us)
{
	if (cc->ops->on_recovery_exit != NULL)
		cc->ops->on_recovery_exit(cc, flight_size, now_us);
	else
		tcp_cc_reno_recovery_exit(cc, flight_size);
}

void tcp_cc_undo(struct tcp_cc *cc, const struct tcp_cc_undo *u)
{
	if (cc->ops->undo != NULL)
		cc->ops->undo(cc, u);
	else
		tcp_cc_reno_undo(cc, u);
}

void tcp_cc_on_idle_restart(struct tcp_cc *cc, uint64_t now_us)
{
	if (cc->ops->on_idle_restart != NULL)
		cc->ops->on_idle_restart(cc, now_us);
	else
		tcp_cc_reno_idle_restart(cc);
}

uint64_t tcp_cc_pacing_rate(const struct tcp_cc *cc, uint32_t srtt_us, uint32_t flight_size)
{
	if (cc->ops->pacing_rate != NULL)
		return cc->ops->pacing_rate(cc, srtt_us, flight_size);
	return tcp_cc_window_pacing_rate(cc, srtt_us, flight_size);
}

int tcp_cc_set_rate(struct tcp_cc *cc, uint64_t rate_bps)
{
	if (cc->ops == NULL || cc->ops->set_rate == NULL)
		return -ENOTSUP;
	cc->ops->set_rate(cc, rate_bps);
	return 0;
}

uint64_t tcp_cc_window_pacing_rate(const struct tcp_cc *cc, uint32_t srtt_us, uint32_t flight_size)
{
	if (!cc->window_pacing || srtt_us == 0)
		return 0;
	/* Linux (tcp_update_pacing_rate): twice the window per RTT in the first half of slow
	 * start, so that it can still double each round, 1.2 times above; max(cwnd, flight) so
	 * that a window cut does not stall what is already allowed out. */
	uint64_t w = cc->cwnd > flight_size ? cc->cwnd : flight_size;
	uint64_t pct = cc->cwnd < cc->ssthresh / 2 ? PACING_SS_PERCENT : PACING_CA_PERCENT;
	return w * pct * (1000000 / 100) / srtt_us;
}

/* ---- shared Reno helpers ---- */

uint32_t tcp_cc_reno_ssthresh(uint32_t flight_size, uint32_t smss)
{
	uint32_t half = flight_size / 2;
	return half > 2 * smss ? half : 2 * smss;
}

uint32_t tcp_cc_reno_slow_start(struct tcp_cc *cc, uint32_t acked)
{
	/* RFC 3465 2.2-2.3: L = 2 SMSS, 1 after an RTO; without ABC, RFC 5681 3.1 eqn (2). */
	uint32_t limit = cc->after_rto || cc->per_ack ? cc->smss : 2 * cc->smss;
	uint32_t inc = acked < limit ? acked : limit;
	if (cc->hs.phase == TCP_CC_HS_CSS)
		inc /= HS_CSS_GROWTH_DIVISOR; /* RFC 9406 4.3 */

	if (cc->cwnd >= cc->ssthresh)
		return acked;
	if ((uint64_t)cc->cwnd + inc >= cc->ssthresh) {
		uint32_t used = cc->ssthresh - cc->cwnd;
		cc->cwnd = cc->ssthresh;
		cc->after_rto = false;
		return acked > used ? acked - used : 0;
	}
	cc->cwnd += inc;
	return 0;
}

void tcp_cc_reno_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
	cc->bytes_acked += cc->per_ack && acked > cc->smss ? cc->smss : acked;
	if (cc->bytes_acked >= cc->cwnd) {
		cc->bytes_acked -= cc->cwnd;
		if (cc->cwnd <= UINT32_MAX - cc->smss)
			cc->cwnd += cc->smss;
	}
}

void tcp_cc_reno_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	if (!(ack->flags & TCP_CC_ACKF_CWND_LIMITED))
		return;
	uint32_t left = tcp_cc_reno_slow_start(cc, ack->acked);
	if (left > 0)
		tcp_cc_reno_cong_avoid(cc, left);
}

void tcp_cc_reno_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e, uint32_t ssthresh)
{
	if (e->ev != TCP_CC_EV_RTO_REPEAT) {
		/* RFC 4015 5 (1): pipe_prev = max(FlightSize, ssthresh), for tcp_cc_undo. */
		cc->prior_ssthresh = e->flight_size > cc->ssthresh ? e->flight_size : cc->ssthresh;
		cc->ssthresh = ssthresh;
		cc->bytes_acked = 0;
	}
	switch (e->ev) {
	case TCP_CC_EV_RTO:
		/* RFC 5681 3.1: loss window of one segment; RFC 3465 2.3: L = 1*SMSS next. */
		cc->cwnd = cc->smss;
		cc->after_rto = true;
		break;
	case TCP_CC_EV_RTO_REPEAT:
		/* RFC 5681 3.1: a repeated timeout keeps ssthresh; the loss window stays 1. */
		cc->cwnd = cc->smss;
		break;
	case TCP_CC_EV_FAST_RETRANSMIT:
		/* RFC 5681 3.2 step 4; without SACK, RFC 6582 3.2 step 2 inflates by the three
		 * segments that left the network. */
		cc->cwnd = ssthresh;
		if (!e->sack)
			cc->cwnd += 3 * cc->smss;
		break;
	case TCP_CC_EV_ECN:
		cc->cwnd = ssthresh; /* RFC 3168 6.1.2 */
		break;
	}
}

void tcp_cc_reno_recovery_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	if (ack->flags & TCP_CC_ACKF_SACK)
		return; /* RFC 6675 counts pipe instead */
	if (ack->acked == 0) {
		cc->cwnd += cc->smss; /* RFC 6582 3.2 step 3: one more segment left the network */
		return;
	}
	/* RFC 6582 3.2 step 5 partial ACK: deflate by the amount acknowledged, add back one
	 * SMSS if that was at least one. */
	cc->cwnd = cc->cwnd > ack->acked ? cc->cwnd - ack->acked : cc->smss;
	if (ack->acked >= cc->smss)
		cc->cwnd += cc->smss;
}

void tcp_cc_reno_recovery_exit(struct tcp_cc *cc, uint32_t flight_size)
{
	/* RFC 6582 3.2 step 3 option (1): min(ssthresh, max(FlightSize, SMSS) + SMSS), which
	 * avoids a burst when little is in flight. */
	uint32_t f = flight_size > cc->smss ? flight_size : cc->smss;
	uint32_t w = f + cc->smss;
	cc->cwnd = w < cc->ssthresh ? w : cc->ssthresh;
	cc->bytes_acked = 0;
}

void tcp_cc_reno_undo(struct tcp_cc *cc, const struct tcp_cc_undo *u)
{
	/* RFC 4015 5 (3)-(4): cwnd = FlightSize + min(bytes_acked, IW), ssthresh = pipe_prev. */
	cc->cwnd = u->in_flight + (u->acked < cc->iw ? u->acked : cc->iw);
	cc->ssthresh = cc->prior_ssthresh;
	cc->after_rto = false;
	cc->bytes_acked = 0;
}

void tcp_cc_reno_idle_restart(struct tcp_cc *cc)
{
	if (cc->cwnd > cc->iw)
		cc->cwnd = cc->iw;
	cc->bytes_acked = 0;
}
