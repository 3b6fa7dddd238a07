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

/* Links per peer; link ids on the wire are 0..BOND_LINKS_MAX-1. */
#define BOND_LINKS_MAX 8

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
