/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scalable TCP (T. Kelly, "Scalable TCP: improving performance in highspeed wide area
 * networks", ACM CCR 33(2), 2003). Above the legacy window lwnd = 16 segments each acknowledged
 * segment adds a = 0.01 segment and a congestion event takes b = 1/8 of the window, so the
 * window recovers from one loss in ln(1/(1 - b)) / ln(1 + a) ~ 13.4 RTTs whatever the rate
 * (Reno's recovery time grows with the window). At or below lwnd it is Reno; slow start is
 * RFC 5681's with ABC.
 */
#include "tcp_cc.h"

#define SCALABLE_LOW_WINDOW  16  /* segments: Kelly's lwnd */
#define SCALABLE_AI_SEGMENTS 100 /* a = 0.01: one segment per 100 acknowledged */
#define SCALABLE_MD_SHIFT    3   /* b = 1/8 */

static void scalable_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	if (!(ack->flags & TCP_CC_ACKF_CWND_LIMITED))
		return;
	uint32_t left = tcp_cc_reno_slow_start(cc, ack->acked);
	if (left == 0)
		return;
	if (cc->cwnd / cc->smss <= SCALABLE_LOW_WINDOW) {
		tcp_cc_reno_cong_avoid(cc, left);
		return;
	}
	/* The ABC counter, with 100 segments per increment in place of cwnd octets. */
	uint64_t per_inc = (uint64_t)SCALABLE_AI_SEGMENTS * cc->smss;
	uint64_t credit = (uint64_t)cc->bytes_acked + left;
	uint64_t cwnd = cc->cwnd + credit / per_inc * cc->smss;
	cc->bytes_acked = (uint32_t)(credit % per_inc);
	cc->cwnd = cwnd < UINT32_MAX ? (uint32_t)cwnd : UINT32_MAX;
}

static void scalable_on_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e)
{
	uint32_t ssthresh = tcp_cc_reno_ssthresh(e->flight_size, cc->smss);
	if (e->flight_size / cc->smss > SCALABLE_LOW_WINDOW)
		ssthresh = e->flight_size - (e->flight_size >> SCALABLE_MD_SHIFT);
	tcp_cc_reno_congestion(cc, e, ssthresh);
}

const struct tcp_cc_ops tcp_cc_scalable = {
        .name = "scalable",
        .on_ack = scalable_on_ack,
        .on_congestion = scalable_on_congestion,
};
