/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rate-based sending for reserved capacity (the PEP FAQ, ../shared/seeds 001; SCPS-TP's rate
 * control): when the gateways are the only way into a link of known capacity, congestion on it
 * cannot happen, so a loss is corruption, not a signal. Send at the profile's rate_bps (bits/s
 * on the wire, each packet counted with the overhead added after us: the connection paces at
 * pacing_rate), never back off on loss, and leave the rest to flow control and SACK
 * retransmission, which goes out within the same rate.
 *
 * The window only bounds what is in flight: twice what the rate puts in flight over the
 * smallest RTT seen (BBR's cwnd gain of 2), so that delayed ACKs and a recovery never hold the
 * sender below its rate, while a rate set above the real capacity builds a queue of at most one
 * such window rather than one as deep as the peer's window. The peer's window still applies.
 * The RTT is never taken below the path's floor (rtt_floor_us): over a bonded tunnel the
 * smallest sample is the fastest link's, but in-order delivery acknowledges data only after the
 * slowest link in use carried its share, and a window of the fastest link's RTT held a 18 Mbit/s
 * rate to 11 over links of 5, 10 and 15 ms (tests/e2e/pepgw_tunnel_nat.sh).
 * While the peer's window holds new data back (a receiver still autotuning its window, early in
 * a transfer), the rate's idle time carries a second copy of each unacknowledged segment
 * (window_copies, tcp_output.c): a random loss then seldom leaves a hole, which would stop the
 * window's left edge for the two round trips its repair takes.
 * A repeated timeout means the link is down: one segment per (backed-off) timeout until an ACK
 * comes back, then the full window again.
 */
#include "tcp_cc.h"

#define RATE_CWND_GAIN  2 /* window = RATE_CWND_GAIN x rate x min RTT */
#define RATE_MIN_WINDOW 4 /* segments: the window never goes below (RFC 5681's IW ceiling) */

struct rate_priv {
	uint64_t rate;         /* octets per second on the wire */
	uint32_t min_rtt_us;   /* smallest RTT seen; UINT32_MAX before the first sample */
	uint32_t rtt_floor_us; /* the path's floor (tcp_cc_params), 0 = none */
	bool path_down;        /* repeated timeouts: one segment until an ACK */
};
TCP_CC_PRIV_CHECK(struct rate_priv);

/* The window the rate needs, once an RTT is known; until then the initial window. */
static void rate_window(struct tcp_cc *cc)
{
	struct rate_priv *r = TCP_CC_PRIV(cc, struct rate_priv);
	if (r->path_down) {
		cc->cwnd = cc->smss;
		return;
	}
	if (r->min_rtt_us == UINT32_MAX)
		return;
	uint64_t rtt = r->min_rtt_us > r->rtt_floor_us ? r->min_rtt_us : r->rtt_floor_us;
	uint64_t w = RATE_CWND_GAIN * r->rate * rtt / 1000000;
	if (w < (uint64_t)RATE_MIN_WINDOW * cc->smss)
		w = (uint64_t)RATE_MIN_WINDOW * cc->smss;
	if (w > UINT32_MAX / 2)
		w = UINT32_MAX / 2;
	cc->cwnd = (uint32_t)w;
	cc->ssthresh = cc->cwnd; /* never in slow start */
}

static void rate_init(struct tcp_cc *cc, const struct tcp_cc_params *p, uint64_t now_us)
{
	struct rate_priv *r = TCP_CC_PRIV(cc, struct rate_priv);
	r->rate = p->rate_bps / 8 ? p->rate_bps / 8 : 1;
	r->min_rtt_us = UINT32_MAX;
	r->rtt_floor_us = p->rtt_floor_us;
	r->path_down = false;
	cc->ssthresh = cc->cwnd;
}

static void rate_min_rtt(struct tcp_cc *cc, uint32_t rtt_us)
{
	struct rate_priv *r = TCP_CC_PRIV(cc, struct rate_priv);
	if (rtt_us < r->min_rtt_us) {
		r->min_rtt_us = rtt_us;
		rate_window(cc);
	}
}

/* The SYN's round trip sizes the first window, so that the first flight leaves at the rate. */
static void rate_on_established(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us)
{
	if (rtt_us != 0)
		rate_min_rtt(cc, rtt_us);
}

static void rate_on_rtt_sample(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us)
{
	rate_min_rtt(cc, rtt_us);
}

static void rate_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	struct rate_priv *r = TCP_CC_PRIV(cc, struct rate_priv);
	if (r->path_down && ack->acked > 0) {
		r->path_down = false;
		rate_window(cc);
	}
}

static void rate_on_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e)
{
	/* Loss and ECN marks are not congestion on reserved capacity: keep the window (SACK
	 * recovery resends within the rate). Only a repeated timeout says the link is gone. */
	if (e->ev == TCP_CC_EV_RTO_REPEAT) {
		TCP_CC_PRIV(cc, struct rate_priv)->path_down = true;
		rate_window(cc);
	}
}

static void rate_keep(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	/* No RFC 6582 inflation or deflation: the window is not what was cut. */
}

static void rate_on_recovery_exit(struct tcp_cc *cc, uint32_t flight_size, uint64_t now_us)
{
}

static void rate_undo(struct tcp_cc *cc, const struct tcp_cc_undo *u)
{
	TCP_CC_PRIV(cc, struct rate_priv)->path_down = false;
	rate_window(cc);
}

static void rate_on_idle_restart(struct tcp_cc *cc, uint64_t now_us)
{
	/* No restart window (RFC 5681 4.1): pacing already spreads the first flight. */
}

static uint64_t rate_pacing_rate(const struct tcp_cc *cc, uint32_t srtt_us, uint32_t flight_size)
{
	return TCP_CC_PRIV(cc, const struct rate_priv)->rate;
}

/* The path's capacity changed (a bonded tunnel's link went down or came back). */
static void rate_set_rate(struct tcp_cc *cc, uint64_t rate_bps)
{
	struct rate_priv *r = TCP_CC_PRIV(cc, struct rate_priv);
	r->rate = rate_bps / 8 ? rate_bps / 8 : 1;
	rate_window(cc);
}

const struct tcp_cc_ops tcp_cc_rate = {
        .name = "rate",
        .priv_size = sizeof(struct rate_priv),
        .needs_rate = true,
        .window_copies = true,
        .init = rate_init,
        .on_ack = rate_on_ack,
        .on_recovery_ack = rate_keep,
        .on_established = rate_on_established,
        .on_rtt_sample = rate_on_rtt_sample,
        .on_congestion = rate_on_congestion,
        .on_recovery_exit = rate_on_recovery_exit,
        .undo = rate_undo,
        .on_idle_restart = rate_on_idle_restart,
        .pacing_rate = rate_pacing_rate,
        .set_rate = rate_set_rate,
};
