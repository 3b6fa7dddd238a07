/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_SCHED_H
#define PEPGW_BOND_SCHED_H

/*
 * bond_sched: which link(s) of a bond carry the next packet.
 *
 * One scheduler per (peer, bond profile, lcore): a bond profile names the algorithm, so
 * traffic classes that pick different profiles get their own sub-tunnels. The scheduler
 * knows the links through struct bond_link_view (bond_health_views()), refreshed by the caller
 * with bond_sched_set_links() whenever bond_health_generation() changes. It never reads a
 * clock and never allocates after bond_sched_create().
 *
 * Every scheduler skips links that are not usable (down, or down one way: the peer does not
 * receive on them), and returns one link per packet, two when two links are usable for
 * BOND_SCHED_DUPLICATE and for small packets (below).
 *
 * Algorithms:
 *  - ROUND_ROBIN: one packet per usable link in turn.
 *  - WEIGHTED: bytes shared in proportion to the links' configured rates (the estimated rate
 *    for a link without one), by start-time fair queueing: a link that comes back does not
 *    get a burst to "catch up".
 *  - DYNAMIC: per packet, the link on which it is expected to ARRIVE first:
 *      arrival = now + queue ahead of it + bytes / rate + base delay relative to the fastest
 *    The queue is the scheduler's model of the link's bottleneck (what it sent faster than
 *    the rate), raised to what the peer measured when a measurement is newer. The rate is the
 *    configured one, else the estimated delivery rate, probed 25 % higher while the peer
 *    sees no standing queue (an estimate taken from what the link was given must be able to grow).
 *    Links of different delay thus carry one TCP flow in the order it was sent, give or take
 *    the model's error, which the receiver's reorder buffer hides. The probing gain applies
 *    only while the modelled queue is under 10 ms, so an optimistic estimate cannot build a
 *    long real queue before the peer's measurement corrects it.
 *  - ACTIVE_BACKUP: the usable links with the lowest priority value carry everything (several
 *    of equal priority share by DYNAMIC); the others only when those are down.
 *  - DUPLICATE: each packet on the two links that DYNAMIC ranks first (the receiver keeps the
 *    first copy to arrive), for loss-sensitive traffic.
 * Small packets (at most small_copy_bytes on the wire: pure TCP ACKs with SACK blocks) also go
 * on a second link, the other one DYNAMIC ranks first, with ROUND_ROBIN, WEIGHTED and DYNAMIC
 * (not ACTIVE_BACKUP: its backups stay idle). A link that fails one way loses the ACKs on it
 * until the health notices (~350 ms), longer than a minimum RTO: the sender times out, backs
 * off, and nothing is sent whose ACK could tell it the path is back (measured in tests/sim
 * bond_sim: 0.7-1.7 s without a byte delivered after cutting one direction of coax on
 * dicom-branch, 0.1-0.3 s with the copies). The copies cost ~4 % of the data rate in the
 * ACKs' direction; the receiver's reorder buffer drops the second one.
 */

#include <stdint.h>

#include "bond_link.h"

/* The most links one pick returns. */
#define BOND_SCHED_MAX_COPIES               2
/* Rate assumed for a link with neither a configured nor an estimated rate. */
#define BOND_SCHED_DEFAULT_RATE_BPS         10000000ull
/* Rates outside these bounds (views, parameters) are taken as the bound. */
#define BOND_SCHED_RATE_MIN_BPS             1000ull
#define BOND_SCHED_RATE_MAX_BPS             1000000000000ull
/* Packets this small (tunnel bytes) get a second copy by default: a pure ACK with three SACK
 * blocks over IPv4 (20 + 20 + 12 + 2 + 26 = 80) plus the tunnel's 56 fits. */
#define BOND_SCHED_DEFAULT_SMALL_COPY_BYTES 140
/* DYNAMIC's probing gain on an unsaturated link with an estimated rate, in percent. */
#define BOND_SCHED_DEFAULT_PROBE_GAIN_PCT   125

enum bond_sched_kind {
	BOND_SCHED_ROUND_ROBIN = 0,
	BOND_SCHED_WEIGHTED,
	BOND_SCHED_DYNAMIC,
	BOND_SCHED_ACTIVE_BACKUP,
	BOND_SCHED_DUPLICATE,
	BOND_SCHED_KIND_MAX,
};

struct bond_sched_params {
	enum bond_sched_kind kind;
	uint8_t n_links;           /* 1..BOND_LINKS_MAX */
	uint64_t default_rate_bps; /* 0 = BOND_SCHED_DEFAULT_RATE_BPS */
	uint32_t probe_gain_pct;   /* 100..400; 0 = BOND_SCHED_DEFAULT_PROBE_GAIN_PCT */
	/* Small packets copied on a second link: 0 = BOND_SCHED_DEFAULT_SMALL_COPY_BYTES,
	 * negative = never, else up to 1500 bytes. */
	int32_t small_copy_bytes;
};

struct bond_sched_stats {
	uint64_t packets[BOND_LINKS_MAX]; /* copies sent on each link */
	uint64_t bytes[BOND_LINKS_MAX];
	uint64_t no_link; /* picks refused: no usable link */
	uint64_t copies;  /* second copies (DUPLICATE, and small packets) */
};

struct bond_sched;

/* Name of a kind as the configuration spells it ("dynamic"), or NULL out of range. */
const char *bond_sched_kind_name(enum bond_sched_kind kind);

/* Kind for a configuration name. Returns the kind, or -EINVAL for an unknown name. */
int bond_sched_kind_from_name(const char *name);

/*
 * Create a scheduler; every link starts unusable until bond_sched_set_links(). Returns NULL and
 * sets rte_errno: EINVAL (kind or n_links out of range, probe gain or small copy size out of
 * range), ENOMEM.
 */
struct bond_sched *bond_sched_create(const char *name, const struct bond_sched_params *p);

/* Free the scheduler. NULL is a no-op. */
void bond_sched_free(struct bond_sched *s);

/*
 * Replace what the scheduler knows about the links: views[0..n-1] for links 0..n-1 (n must be
 * the scheduler's n_links). A link that was unusable and becomes usable starts with an empty
 * queue model and no fairness debt. Returns 0, or -EINVAL (n mismatch, NULL views).
 */
int bond_sched_set_links(struct bond_sched *s, const struct bond_link_view *views, unsigned int n);

/*
 * Choose the link(s) for one packet of `bytes` wire bytes at now_us and account it on them
 * (the pick commits: the caller sends the packet on every returned link). links[] receives
 * the link ids, best first. Returns the number of links (1, or 2 for DUPLICATE and small
 * packets: the second is a copy the receiver drops), or -ENETDOWN
 * when no link is usable (the caller drops the packet and counts it).
 */
int bond_sched_pick(struct bond_sched *s, uint32_t bytes, uint64_t now_us,
                    uint8_t links[BOND_SCHED_MAX_COPIES]);

/*
 * DYNAMIC's expected arrival of a packet of `bytes` sent now on `link`, in microseconds from
 * now (relative to the fastest link's base delay), without accounting it; UINT64_MAX when the
 * link is unusable or out of range. For telemetry and tests.
 */
uint64_t bond_sched_expected_arrival_us(const struct bond_sched *s, uint8_t link, uint32_t bytes,
                                        uint64_t now_us);

/* Copy the counters. */
void bond_sched_stats_get(const struct bond_sched *s, struct bond_sched_stats *st);

#endif
