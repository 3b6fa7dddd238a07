/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NewReno congestion control: RFC 5681 slow start and congestion avoidance with RFC 3465
 * Appropriate Byte Counting, RFC 6582's window inflation in fast recovery without SACK, RFC
 * 4015's undo. The recovery itself (recover point, partial ACKs) is the connection's; every
 * window change is a shared Reno helper (tcp_cc.c), which the other modules use where they
 * behave as Reno.
 */
#include "tcp_cc.h"

static void reno_on_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e)
{
	tcp_cc_reno_congestion(cc, e, tcp_cc_reno_ssthresh(e->flight_size, cc->smss));
}

const struct tcp_cc_ops tcp_cc_reno = {
        .name = "reno",
        .on_ack = tcp_cc_reno_ack,
        .on_congestion = reno_on_congestion,
};
