/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_rto.h"

#include <string.h>

static uint32_t clamp(const struct tcp_rto *r, uint64_t v)
{
	if (v < r->min_us)
		v = r->min_us;
	if (v > r->max_us)
		v = r->max_us;
	return (uint32_t)v;
}

void tcp_rto_init(struct tcp_rto *r, uint32_t init_us, uint32_t min_us, uint32_t max_us,
                  uint32_t granularity_us)
{
	memset(r, 0, sizeof(*r));
	r->min_us = min_us;
	r->max_us = max_us < min_us ? min_us : max_us;
	r->init_us = init_us;
	r->granularity_us = granularity_us;
	r->rto_us = clamp(r, init_us);
}

static void recompute(struct tcp_rto *r)
{
	/* RFC 6298 2.2/2.3: RTO = SRTT + max(G, K*RTTVAR). rttvar4 is already 4*RTTVAR. */
	uint64_t var = r->rttvar4;
	if (var < r->granularity_us)
		var = r->granularity_us;
	if (var < r->var_floor_us)
		var = r->var_floor_us;
	if (!r->has_sample) {
		r->rto_us = clamp(r, r->init_us);
		return;
	}
	r->rto_us = clamp(r, (r->srtt8 >> TCP_RTO_SRTT_SHIFT) + var);
}

void tcp_rto_set_var_floor(struct tcp_rto *r, uint32_t floor_us)
{
	r->var_floor_us = floor_us;
	recompute(r);
}

void tcp_rto_seed(struct tcp_rto *r, uint32_t srtt_us, uint32_t rttvar_us)
{
	uint64_t var = (uint64_t)rttvar_us * TCP_RTO_K;
	if (var < r->granularity_us)
		var = r->granularity_us;
	if (var < r->var_floor_us)
		var = r->var_floor_us;
	r->init_us = clamp(r, srtt_us + var);
	recompute(r);
}

void tcp_rto_sample(struct tcp_rto *r, uint32_t rtt_us)
{
	uint64_t m = rtt_us;

	if (!r->has_sample) {
		/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2. */
		r->srtt8 = m << TCP_RTO_SRTT_SHIFT;
		r->rttvar4 = (m << TCP_RTO_RTTVAR_SHIFT) / 2;
		r->has_sample = true;
	} else {
		/* RFC 6298 2.3, RTTVAR first (it uses the old SRTT):
		 * RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|, SRTT = 7/8 SRTT + 1/8 R'. */
		uint64_t srtt = r->srtt8 >> TCP_RTO_SRTT_SHIFT;
		uint64_t err = srtt > m ? srtt - m : m - srtt;
		r->rttvar4 = r->rttvar4 - (r->rttvar4 >> TCP_RTO_RTTVAR_SHIFT) + err;
		r->srtt8 = r->srtt8 - (r->srtt8 >> TCP_RTO_SRTT_SHIFT) + m;
	}
	r->backoff = 0;
	recompute(r);
}

bool tcp_rto_ack_sample(struct tcp_rto *r, uint32_t rtt_us, bool retransmitted, bool from_ts)
{
	if (retransmitted && !from_ts)
		return false;
	tcp_rto_sample(r, rtt_us);
	return true;
}

void tcp_rto_backoff(struct tcp_rto *r)
{
	if (r->backoff < TCP_RTO_BACKOFF_MAX)
		r->backoff++;
}

uint32_t tcp_rto_timeout_us(const struct tcp_rto *r)
{
	uint64_t t = (uint64_t)r->rto_us << r->backoff;
	return t > r->max_us ? r->max_us : (uint32_t)t;
}
