/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_LINK_H
#define PEPGW_BOND_LINK_H

/*
 * What the path layer of the bonded tunnel says about one WAN link: the limits shared by
 * bond_health (which measures the links), bond_sched (which chooses among them) and
 * bond_reorder (which uses the link id carried by each packet).
 *
 * A link has two directions. Ours (tx) is judged by the peer, which tells us in its probes
 * what it received; the peer's (rx) is judged here from what arrives. The schedulers only look
 * at the tx direction, through struct bond_link_view.
 */

#include <stdbool.h>
#include <stdint.h>

/*
 * Wire facts the path layer follows (the wire header, bond_wire.h, carries them):
 *  - link ids 0..BOND_LINKS_MAX-1, numbered alike on both gateways;
 *  - sender queues 0..BOND_QUEUES_MAX-1: each sender queue (lcore) numbers its own per-link
 *    sequence stream and its own flow-sequence spaces;
 *  - the sender stamp is the low BOND_STAMP_BITS bits of the sender's microsecond clock;
 *  - the flow (reorder) sequence has BOND_FLOW_SEQ_BITS bits.
 */
#define BOND_LINKS_MAX     16
#define BOND_QUEUES_MAX    16
#define BOND_STAMP_BITS    24
#define BOND_STAMP_MASK    ((1u << BOND_STAMP_BITS) - 1)
#define BOND_FLOW_SEQ_BITS 16
#define BOND_FLOW_SEQ_MASK ((1u << BOND_FLOW_SEQ_BITS) - 1)

/* The sender stamp of a packet sent at now_us. */
static inline uint32_t bond_stamp(uint64_t now_us)
{
	return (uint32_t)now_us & BOND_STAMP_MASK;
}

/* a - b for two stamps (or raw one-way delays), modulo 2^24: valid within +-8.4 s. */
static inline int32_t bond_stamp_diff(uint32_t a, uint32_t b)
{
	uint32_t d = (a - b) & BOND_STAMP_MASK;

	return (d & (1u << (BOND_STAMP_BITS - 1))) != 0
	               ? (int32_t)d - (int32_t)(1u << BOND_STAMP_BITS)
	               : (int32_t)d;
}

/* a - b for two flow sequence numbers, modulo 2^16. */
static inline int32_t bond_flow_seq_diff(uint32_t a, uint32_t b)
{
	return (int16_t)(uint16_t)(a - b);
}

enum bond_link_state {
	BOND_LINK_DOWN = 0, /* carries no data (probes still go, so it can come back) */
	BOND_LINK_UP,
};

/*
 * One link's sending direction as a scheduler sees it (bond_health_views() fills it; tests may
 * fill it by hand). One-way delays on the wire are sender-clock stamps read with the
 * receiver's clock, so each carries the unknown offset between the two clocks; the offset is
 * the same for every link between the same two gateways, so differences between links are
 * exact, and that is all a scheduler needs.
 */
struct bond_link_view {
	bool usable;           /* sending direction up: the peer receives on it */
	uint8_t priority;      /* active_backup: the lowest value is used first */
	bool saturated;        /* the peer measured a standing queue: the link ran at capacity */
	uint64_t rate_bps;     /* configured rate of the sending direction, 0 = not configured */
	uint64_t rate_est_bps; /* estimated delivery rate, 0 = not measured yet */
	uint32_t owd_rel_us;   /* base one-way delay minus the smallest base delay of the links */
	uint32_t queue_us;     /* standing queue measured by the peer (recent delay - base delay) */
	uint64_t queue_at_us;  /* when that measurement arrived here (0 = none) */
	uint32_t jitter_us;    /* interarrival jitter measured by the peer (RFC 3550 6.4.1) */
	uint32_t loss_ppm;     /* loss measured by the peer, parts per million */
};

#endif
