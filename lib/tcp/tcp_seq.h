/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_SEQ_H
#define PEPGW_TCP_SEQ_H

/*
 * Wrap-safe sequence number arithmetic (RFC 9293 section 3.4): sequence numbers live in a
 * 2^32 circle, so "a before b" means the signed 32-bit distance from b to a is negative. Valid
 * as long as the two numbers are less than 2^31 apart, which the window limits guarantee.
 */

#include <stdbool.h>
#include <stdint.h>

static inline bool tcp_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool tcp_seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline bool tcp_seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline bool tcp_seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static inline uint32_t tcp_seq_max(uint32_t a, uint32_t b)
{
	return tcp_seq_gt(a, b) ? a : b;
}

static inline uint32_t tcp_seq_min(uint32_t a, uint32_t b)
{
	return tcp_seq_lt(a, b) ? a : b;
}

/* True when lo <= s < hi in sequence space (an empty range holds nothing). */
static inline bool tcp_seq_in(uint32_t s, uint32_t lo, uint32_t hi)
{
	return tcp_seq_geq(s, lo) && tcp_seq_lt(s, hi);
}

#endif
