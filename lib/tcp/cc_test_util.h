/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_CC_TEST_UTIL_H
#define PEPGW_CC_TEST_UTIL_H

/* Driving a congestion-control module without packets, for the cc_*_test.c files. */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>

#include "tcp_cc.h"

#define SMSS    1000u
#define SEGS(n) ((uint32_t)(n)*SMSS)

/* A module in state: cwnd and ssthresh in octets (through the metrics-cache hook). */
static inline void cc_start(struct tcp_cc *cc, const char *name, uint32_t cwnd, uint32_t ssthresh)
{
	const struct tcp_cc_params p = {
	        .smss = SMSS, .iw_segments = 10, .ssthresh = ssthresh, .cwnd = cwnd};
	assert_int_equal(tcp_cc_init(cc, tcp_cc_find(name), &p, 0), 0);
}

/* One ACK of `acked` octets with a full window in flight. */
static inline void cc_ack(struct tcp_cc *cc, uint32_t acked, bool cwnd_limited)
{
	const struct tcp_cc_ack a = {.acked = acked,
	                             .flight_size = tcp_cc_cwnd(cc),
	                             .flags = cwnd_limited ? TCP_CC_ACKF_CWND_LIMITED : 0};
	tcp_cc_on_ack(cc, &a);
}

/* One round trip of a cwnd-limited sender: the window it started with, ACKed by segment. */
static inline void cc_rtt(struct tcp_cc *cc)
{
	for (uint32_t left = tcp_cc_cwnd(cc); left > 0;) {
		uint32_t n = left < SMSS ? left : SMSS;
		cc_ack(cc, n, true);
		left -= n;
	}
}

static inline void cc_event(struct tcp_cc *cc, enum tcp_cc_event ev, uint32_t flight, bool sack)
{
	const struct tcp_cc_cong e = {.ev = ev, .flight_size = flight, .sack = sack};
	tcp_cc_on_congestion(cc, &e);
}

#endif
