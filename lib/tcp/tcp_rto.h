/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_RTO_H
#define PEPGW_TCP_RTO_H

/*
 * Retransmission timeout estimator, RFC 6298. SRTT is kept scaled by 8 and RTTVAR by 4 (in
 * microseconds), so the 1/8 and 1/4 gains are shifts without losing the fraction.
 */

#include <stdbool.h>
#include <stdint.h>

#define TCP_RTO_SRTT_SHIFT   3 /* alpha = 1/8 */
#define TCP_RTO_RTTVAR_SHIFT 2 /* beta = 1/4 */
#define TCP_RTO_K            4
#define TCP_RTO_BACKOFF_MAX  16

struct tcp_rto {
	uint64_t srtt8;   /* SRTT << 3, us */
	uint64_t rttvar4; /* RTTVAR << 2, us */
	uint32_t rto_us;  /* base RTO (no backoff), clamped to [min, max] */
	uint32_t min_us, max_us, init_us, granularity_us;
	uint32_t var_floor_us; /* lower bound of the variance term (0: RFC 6298 as written) */
	uint8_t backoff;       /* number of doublings since the last valid sample */
	bool has_sample;
};

/* RFC 6298 2.1: RTO = initial until the first sample. g is the clock granularity G. */
void tcp_rto_init(struct tcp_rto *r, uint32_t init_us, uint32_t min_us, uint32_t max_us,
                  uint32_t granularity_us);

/*
 * Floor the variance term: RTO = SRTT + max(G, 4*RTTVAR, floor). With an RTT sample on every
 * ACK (timestamps) RTTVAR decays to nothing over a few rounds of a steady path, and then any
 * growth of the queue fires a spurious timeout; Linux floors the term with its rto_min for
 * the same reason (tcp_rtt_estimator). Recomputes the RTO now.
 */
void tcp_rto_set_var_floor(struct tcp_rto *r, uint32_t floor_us);

/*
 * Start from what an earlier connection to the same host measured (the congestion metrics
 * cache): RTO = srtt + max(G, 4*rttvar, floor), clamped, until this connection's first sample,
 * which then starts the estimator afresh (RFC 6298 2.2; Linux seeds only the RTO from its
 * tcp_metrics too and keeps its estimator for its own samples).
 */
void tcp_rto_seed(struct tcp_rto *r, uint32_t srtt_us, uint32_t rttvar_us);

/* Feed one RTT measurement (RFC 6298 2.2/2.3); resets the backoff (RFC 6298 5.7 note). */
void tcp_rto_sample(struct tcp_rto *r, uint32_t rtt_us);

/*
 * Karn's rule (RFC 6298 3): a sample timed on a retransmitted segment is ambiguous and is
 * dropped, unless it comes from a timestamp echo (RFC 7323 4.1), which names the exact
 * transmission. Returns true when the sample was used.
 */
bool tcp_rto_ack_sample(struct tcp_rto *r, uint32_t rtt_us, bool retransmitted, bool from_ts);

/* RFC 6298 5.5: the timer expired; double the RTO (up to max). */
void tcp_rto_backoff(struct tcp_rto *r);

/* The timeout to arm now: base RTO doubled per backoff, clamped to max (RFC 6298 2.5). */
uint32_t tcp_rto_timeout_us(const struct tcp_rto *r);

static inline uint32_t tcp_rto_srtt_us(const struct tcp_rto *r)
{
	return (uint32_t)(r->srtt8 >> TCP_RTO_SRTT_SHIFT);
}

static inline uint32_t tcp_rto_rttvar_us(const struct tcp_rto *r)
{
	return (uint32_t)(r->rttvar4 >> TCP_RTO_RTTVAR_SHIFT);
}

#endif
