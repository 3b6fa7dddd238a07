/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_REORDER_H
#define PEPGW_BOND_REORDER_H

/*
 * bond_reorder: the receiver's reorder buffer of the bonded tunnel.
 *
 * The sender numbers the packets of each flow bucket with a 16-bit reorder sequence (the wire
 * header's flow sequence) that starts at 0 with every session (bond_reorder_seq_next()). A
 * bucket here is whatever the caller makes it, below n_buckets: with several sender queues,
 * sender queue x flow buckets + the inner packet's flow bucket (the hash both ends compute).
 * The receiver releases each bucket in sequence order; a bucket's hole never holds back
 * another bucket.
 *
 * A hole is given up (its packets are skipped, the packets behind it released in order):
 *  - after the hold time: no packet waits longer than hold_us (bond_reorder_set_hold(): the
 *    links' delay spread and jitter, bond_health_reorder_hold_us(), capped by hold_max_us);
 *  - earlier, as soon as every active link has delivered a packet (data or probe) sent more
 *    than margin_us after the first packet waiting behind the hole: each link keeps its
 *    order, so the missing packet is lost, not late. Active: delivered anything within the
 *    last second (hold_max_us if longer); once data has flowed for that long, delivered DATA
 *    within it: a link the scheduler keeps avoiding carries only probes and would hold every
 *    hole for its delay difference. The first packet on a link avoided for a second may
 *    thus come late;
 *  - when memory runs out (below), counted apart.
 * Packets behind the release point are never delivered: a duplicate (also the DUPLICATE
 * scheduler's second copy: one copy reaches the end host) or a late packet whose hole was
 * given up is put on the death row, which the caller frees in batches (as DPDK's ip_frag).
 *
 * Memory is fixed at creation: n_buckets records of 16 bytes, max_windows windows of `window`
 * slots for the buckets with a hole, at most max_packets packets held, a ready list of twice
 * that and a death row of max_packets (the caller drains both after every burst). A packet
 * more than `window` ahead of its bucket's release point makes the bucket give up holes up to
 * it; a bucket that needs a window when none is free, or a packet to hold when max_packets
 * are held, makes the oldest hole be given up first.
 *
 * Packets are opaque non-NULL pointers; the buffer never touches or frees them. Pure: time
 * is now_us, one object per lcore, no allocation after create.
 */

#include <stdint.h>

#include "bond_link.h"
#include "stat_desc.h"

/* 16 sender queues x 1024 flow buckets */
#define BOND_REORDER_DEFAULT_BUCKETS     16384
#define BOND_REORDER_DEFAULT_WINDOW      256
#define BOND_REORDER_DEFAULT_MAX_WINDOWS 128
#define BOND_REORDER_DEFAULT_MAX_PACKETS 8192
#define BOND_REORDER_DEFAULT_HOLD_MAX_US 200000
/* Old packets are told apart (duplicate or late) up to this far behind the release point. */
#define BOND_REORDER_HISTORY             64

struct bond_reorder_params {
	uint32_t n_buckets;   /* power of 2, 1..2^20 */
	uint32_t window;      /* power of 2, 2..4096: packets a bucket holds */
	uint32_t max_windows; /* 1..65535: buckets with a hole at once */
	uint32_t max_packets; /* 1..2^22: packets held */
	uint32_t hold_max_us; /* the bond profile's reorder_max_hold_ms, 0..10 s */
};

/* What the wire header and the inner packet say about one packet. */
struct bond_reorder_meta {
	uint32_t bucket;    /* < n_buckets */
	uint32_t seq;       /* the bucket's reorder sequence (16 bits) */
	uint32_t sender_ts; /* sender's stamp (bond_stamp(): 24-bit microseconds) */
	uint8_t link;       /* < BOND_LINKS_MAX */
};

enum bond_reorder_verdict {
	BOND_REORDER_READY = 0, /* in order: ready to drain */
	BOND_REORDER_HELD,      /* behind a hole */
	BOND_REORDER_DUPLICATE, /* on the death row: this sequence was delivered */
	BOND_REORDER_LATE,      /* on the death row: its hole was given up */
	BOND_REORDER_OLD,       /* on the death row: too far behind to tell duplicate from late */
};

/*
 * Counters, generated from one list in the shape of every counter list (stat_desc.h: name,
 * kind, help; stable snake_case telemetry keys).
 * in = in_order + held + drop_*; held = released + still held; skipped_* count sequence
 * numbers given up, not packets.
 */
#define BOND_REORDER_COUNTERS(X)                                                                   \
	X(in_packets, event, "packets offered")                                                    \
	X(in_order, event, "packets ready at once")                                                \
	X(held, event, "packets held behind a hole")                                               \
	X(released, event, "held packets released in order")                                       \
	X(skipped_expired, event, "sequence numbers given up after the hold time")                 \
	X(skipped_passed, event,                                                                   \
	  "sequence numbers given up because every link delivered later packets")                  \
	X(skipped_window, event,                                                                   \
	  "sequence numbers given up: a packet came more than a window ahead")                     \
	X(skipped_memory, event,                                                                   \
	  "sequence numbers given up: no window or no packet slot was free")                       \
	X(drop_duplicate, drop, "packets dropped: their sequence was delivered already")           \
	X(drop_late, drop, "packets dropped: their hole had been given up")                        \
	X(drop_old, drop, "packets dropped: too far behind to tell duplicate from late")

/* clang-format off: the X-macro list expands to the enumerators */
enum bond_reorder_counter {
#define BOND_REORDER_COUNTER_ENUM(name, kind, help) BOND_REORDER_C_##name,
	BOND_REORDER_COUNTERS(BOND_REORDER_COUNTER_ENUM)
#undef BOND_REORDER_COUNTER_ENUM
	        BOND_REORDER_C_MAX
};
/* clang-format on */

struct bond_reorder_stats {
	uint64_t c[BOND_REORDER_C_MAX];
	/* gauges */
	uint32_t held_packets;
	uint32_t ready_packets;
	uint32_t death_row_packets;
	uint32_t windows_in_use;
	uint32_t hold_us;
};

struct bond_reorder;

/* Fill p with the defaults. */
void bond_reorder_params_init(struct bond_reorder_params *p);

/*
 * Create a reorder buffer; every bucket expects sequence 0. The hold starts at hold_max_us.
 * Returns NULL and sets rte_errno: EINVAL (a parameter out of range), ENOMEM.
 */
struct bond_reorder *bond_reorder_create(const char *name, const struct bond_reorder_params *p);

/* Free it. Packets still inside are NOT freed: bond_reorder_flush() first. NULL is a no-op. */
void bond_reorder_free(struct bond_reorder *r);

/*
 * Offer one packet at now_us. Returns a verdict >= 0 (the buffer owns the packet: it becomes
 * ready, held, or goes to the death row), or a negative errno and the caller keeps it:
 * -EINVAL (NULL packet, bucket or link out of range), -ENOBUFS (the ready list or the death row is
 * full: drain them after every burst).
 */
int bond_reorder_insert(struct bond_reorder *r, void *pkt, const struct bond_reorder_meta *m,
                        uint64_t now_us);

/*
 * A packet of any kind (a probe too) arrived on `link` with sender stamp sender_ts: the link
 * has delivered everything it carried that was sent before. Lets holes be given up early (on
 * links that carry data: bond_reorder_insert marks them).
 */
void bond_reorder_link_seen(struct bond_reorder *r, uint8_t link, uint32_t sender_ts,
                            uint64_t now_us);

/*
 * Give up the holes whose time has come at now_us, and those every link has passed (their
 * packets become ready). Call it after every burst of inserts and at the deadline.
 */
void bond_reorder_advance(struct bond_reorder *r, uint64_t now_us);

/*
 * The earliest time a hold expires, or UINT64_MAX: the caller's loop calls
 * bond_reorder_advance() then at the latest. Early give-ups only follow arrivals, so the caller
 * needs no other timer.
 */
uint64_t bond_reorder_next_deadline_us(const struct bond_reorder *r);

/* Take up to n ready packets, in release order. Returns how many. */
unsigned int bond_reorder_drain(struct bond_reorder *r, void **pkts, unsigned int n);

/* Take up to n packets to free (duplicates, late, overflow). Returns how many. */
unsigned int bond_reorder_death_row(struct bond_reorder *r, void **pkts, unsigned int n);

/*
 * Set the hold (clamped to hold_max_us) and the margin a link must be past a missing packet
 * before it is given up early (see bond_health_reorder_hold_us()).
 */
void bond_reorder_set_hold(struct bond_reorder *r, uint32_t hold_us, uint32_t margin_us);

/*
 * A new session: every held packet becomes ready (each bucket in order, holes skipped and
 * counted as skipped_expired) and every bucket expects sequence 0 again.
 */
void bond_reorder_reset(struct bond_reorder *r);

/*
 * A new session in part of the buckets: the n buckets from first (e.g. one key slot's) release
 * what they hold (in order, holes skipped and counted as skipped_expired) and expect sequence
 * 0 again; the other buckets are untouched. Returns 0, or -EINVAL (range beyond n_buckets).
 */
int bond_reorder_reset_buckets(struct bond_reorder *r, uint32_t first, uint32_t n);

/*
 * Hand back up to n packets of any kind still inside (held, ready, death row), without
 * counting them, e.g. before bond_reorder_free(). Returns how many; 0 when empty.
 */
unsigned int bond_reorder_flush(struct bond_reorder *r, void **pkts, unsigned int n);

void bond_reorder_stats_get(const struct bond_reorder *r, struct bond_reorder_stats *st);

/* Telemetry key of a counter, or NULL out of range. */
const char *bond_reorder_counter_name(enum bond_reorder_counter c);
/* One-line description of a counter, or NULL. */
const char *bond_reorder_counter_help(enum bond_reorder_counter c);
/* The descriptors of the counters (name, kind, help), indexed by enum bond_reorder_counter. */
const struct stat_desc *bond_reorder_counter_descs(void);

/*
 * Sender side: the reorder sequence of each flow bucket. One per (peer, lcore) that sends; a
 * bucket must be fed by one sender object only.
 */
struct bond_reorder_seq;

/* Returns NULL and sets rte_errno: EINVAL (n_buckets not a power of 2 in 1..2^20), ENOMEM. */
struct bond_reorder_seq *bond_reorder_seq_create(uint32_t n_buckets);
void bond_reorder_seq_free(struct bond_reorder_seq *s);
/*
 * The next sequence number (16 bits, wrapping) of bucket (hash & (n_buckets - 1)); the bucket
 * is written too.
 */
uint32_t bond_reorder_seq_next(struct bond_reorder_seq *s, uint32_t hash, uint32_t *bucket);
/* A new session: every bucket starts at 0 again. */
void bond_reorder_seq_reset(struct bond_reorder_seq *s);

#endif
