/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_WANEM_H
#define PEPGW_WANEM_H

/*
 * wanem: the impairment engine for ONE direction of an emulated WAN link.
 *
 * Packets are opaque pointers (mbufs in the app, anything in tests); the engine never touches
 * their contents, never frees them and never reads a clock: the caller passes now_us
 * (microseconds, monotonic, arbitrary origin). One engine belongs to one lcore; nothing here
 * is thread safe.
 *
 * Pipeline applied by wanem_enqueue(), in this order:
 *   1. MTU:       l3_len > mtu -> drop (or drop and ask the caller to answer with ICMP
 *                 fragmentation-needed, RFC 792 / RFC 1191 section 4, as a router would).
 *   2. blackhole: the direction is down -> drop.
 *   3. loss:      independent (Bernoulli) or Gilbert-Elliott bursty loss.
 *   4. duplicate: with probability `duplicate` the verdict asks the caller to enqueue a copy
 *                 (flag WANEM_F_DUPLICATE; a copy is never duplicated again).
 *   5. bottleneck: token bucket at rate_bps with a FIFO limited to queue_bytes, tail drop.
 *                 A packet leaves the FIFO when the bucket holds its frame length.
 *   6. delay line: departure = bottleneck exit + delay_us + jitter (+ reorder_delay_us for a
 *                 packet picked by the `reorder` probability). With jitter_keeps_order a
 *                 packet never departs before the one enqueued before it.
 * wanem_dequeue() returns the packets whose departure time has come. While the direction is
 * down, packets that come due are handed back for freeing instead (a cut link also loses what
 * was on the wire), so delivery stops at once.
 *
 * Memory is bounded at creation: at most max_packets are held (FIFO + delay line together),
 * and the FIFO holds at most queue_bytes of frames. A packet beyond either limit is dropped
 * and counted (queue_full, delay_line_full). Held bytes <= queue_bytes + max_packets * the
 * largest frame the caller passes.
 *
 * Determinism: all randomness comes from a private xoshiro256** generator seeded from
 * params.seed, so the same seed and the same calls give the same result.
 */

#include <stdbool.h>
#include <stdint.h>

#include "stat_desc.h"

/* Defaults used by the config layer and by wanem_params_init(). */
#define WANEM_DEFAULT_MAX_PACKETS      16384
#define WANEM_DEFAULT_REORDER_DELAY_US 10000
#define WANEM_DEFAULT_LOSS_BAD         1.0 /* Gilbert's model: the bad state loses every packet */
#define WANEM_MAX_PACKETS_LIMIT        (1u << 22)
/* A rate-limited FIFO smaller than one maximum Ethernet frame would drop every full frame. */
#define WANEM_MIN_QUEUE_BYTES          1518
#define WANEM_MAX_DELAY_US             10000000u /* 10 s: more than any real path, far from overflow */

enum wanem_loss_model {
	WANEM_LOSS_RANDOM = 0,      /* each packet lost with probability loss */
	WANEM_LOSS_GILBERT_ELLIOTT, /* two-state Markov chain (Gilbert 1960, Elliott 1963) */
};

enum wanem_jitter_dist {
	/* jitter uniform on [-jitter_us, +jitter_us] */
	WANEM_JITTER_UNIFORM = 0,
	/*
	 * Approximately normal with sigma = jitter_us / 3 (Irwin-Hall sum of 12 uniforms),
	 * truncated to [-jitter_us, +jitter_us]: same hard bound as uniform, values crowd the
	 * centre.
	 */
	WANEM_JITTER_NORMAL,
};

enum wanem_mtu_action {
	WANEM_MTU_DROP = 0, /* oversize packets vanish, as on a path with an ICMP black hole */
	WANEM_MTU_ICMP,     /* oversize packets are dropped and the caller answers with ICMP */
};

struct wanem_params {
	/* MTU check on the L3 length; 0 = no check. */
	uint32_t mtu;
	enum wanem_mtu_action mtu_action;

	/* Bottleneck. rate_bps 0 = unlimited (no FIFO, packets go straight to the delay line). */
	uint64_t rate_bps;
	uint32_t
	        burst_bytes; /* bucket depth; below one frame a frame still passes at full bucket */
	uint32_t queue_bytes; /* FIFO limit, >= WANEM_MIN_QUEUE_BYTES when rate_bps > 0 */

	/* Delay line. */
	uint32_t delay_us;
	uint32_t jitter_us; /* <= delay_us: the departure never precedes the bottleneck exit */
	enum wanem_jitter_dist jitter_dist;
	bool jitter_keeps_order;

	/* Loss. */
	enum wanem_loss_model loss_model;
	double loss;      /* WANEM_LOSS_RANDOM: probability, 0..1 */
	double ge_p;      /* P(good -> bad) per packet */
	double ge_r;      /* P(bad -> good) per packet */
	double loss_bad;  /* loss probability in the bad state (1 = classic Gilbert) */
	double loss_good; /* loss probability in the good state (0 = classic Gilbert) */

	double duplicate; /* probability that the caller should send a copy */
	double reorder;   /* probability that a packet is held back by reorder_delay_us */
	uint32_t reorder_delay_us;

	bool down; /* blackhole */

	/* Creation only (ignored by wanem_set_params). */
	uint32_t max_packets; /* packets held, FIFO + delay line; 0 = WANEM_DEFAULT_MAX_PACKETS */
	uint64_t seed;
};

/* Flags of wanem_enqueue(). */
#define WANEM_F_DUPLICATE 0x1u /* this packet is the copy asked for by WANEM_QUEUED_DUP */

enum wanem_verdict {
	WANEM_QUEUED = 0,      /* the engine holds the packet */
	WANEM_QUEUED_DUP,      /* held; the caller should enqueue a copy with WANEM_F_DUPLICATE */
	WANEM_DROP_MTU,        /* not held: free it */
	WANEM_DROP_MTU_ICMP,   /* not held: free it, answer with ICMP fragmentation-needed */
	WANEM_DROP_BLACKHOLE,  /* not held */
	WANEM_DROP_LOSS,       /* not held */
	WANEM_DROP_QUEUE_FULL, /* not held */
	WANEM_DROP_DELAY_LINE_FULL, /* not held */
};

static inline bool wanem_verdict_is_drop(enum wanem_verdict v)
{
	return v >= WANEM_DROP_MTU;
}

/*
 * Counters of one direction, generated from one list (stable snake_case telemetry keys).
 * in + duplicated = out + every drop_* + packets still held.
 */
#define WANEM_COUNTERS(X)                                                                          \
	X(in_packets, event, "packets offered (copies not included)")                              \
	X(in_bytes, event, "frame bytes offered")                                                  \
	X(out_packets, event, "packets delivered")                                                 \
	X(out_bytes, event, "frame bytes delivered")                                               \
	X(duplicated, event, "copies offered (each then delivered or dropped like any packet)")    \
	X(reordered, event, "packets held back by the reorder probability")                        \
	X(drop_loss, drop, "dropped by the loss model")                                            \
	X(drop_queue_full, drop, "tail drop: bottleneck FIFO byte limit reached")                  \
	X(drop_mtu, drop, "larger than the MTU")                                                   \
	X(drop_blackhole, drop, "direction down (on entry or in flight)")                          \
	X(drop_delay_line_full, drop, "max_packets held already")

/* clang-format off: the X-macro list expands to the enumerators */
enum wanem_counter {
#define WANEM_COUNTER_ENUM(name, kind, help) WANEM_C_##name,
	WANEM_COUNTERS(WANEM_COUNTER_ENUM)
#undef WANEM_COUNTER_ENUM
	        WANEM_C_MAX
};
/* clang-format on */

struct wanem_stats {
	uint64_t c[WANEM_C_MAX];
	/* gauges */
	uint64_t queue_packets;
	uint64_t queue_bytes;
	uint64_t delay_line_packets;
};

struct wanem;

/* Fill p with a transparent link: no limit, no delay, no loss, up. */
void wanem_params_init(struct wanem_params *p);

/*
 * Check every field's range. Returns 0, or -EINVAL; when why is not NULL it is pointed at a
 * static string naming the offending field and its allowed range.
 */
int wanem_params_check(const struct wanem_params *p, const char **why);

/*
 * Create an engine. Returns NULL and sets rte_errno: EINVAL (params out of range, see
 * wanem_params_check), ENOMEM.
 */
struct wanem *wanem_create(const char *name, const struct wanem_params *p);

/* Free the engine. Packets still held are NOT freed: call wanem_flush() first. NULL is a no-op. */
void wanem_free(struct wanem *w);

/*
 * Change rate, delay, jitter, loss, duplication, reordering, MTU and blackhole while running.
 * Queued and in-flight packets are kept: the bottleneck is first advanced to now_us at the old
 * rate, packets already in the delay line keep their departure time, the Gilbert-Elliott state
 * is kept. max_packets and seed are ignored. Returns 0 or -EINVAL (nothing changed).
 */
int wanem_set_params(struct wanem *w, const struct wanem_params *p, uint64_t now_us);

/* Current parameters (as last set). */
void wanem_get_params(const struct wanem *w, struct wanem_params *p);

/* Take the direction down (blackhole) or bring it back up. Same as set_params with `down`. */
void wanem_set_down(struct wanem *w, bool down);

/*
 * Offer one packet of frame_len bytes (counted by the bottleneck) whose L3 length is l3_len
 * (checked against the MTU) at now_us. flags: 0 or WANEM_F_DUPLICATE. now_us must not go
 * backwards between calls. Returns the verdict; on a drop verdict the caller keeps the packet.
 */
enum wanem_verdict wanem_enqueue(struct wanem *w, void *pkt, uint32_t frame_len, uint32_t l3_len,
                                 uint64_t now_us, unsigned int flags);

/*
 * Release the packets due at now_us, at most n in total: those to transmit go to tx (return
 * value), those that came due while the direction is down go to drop (*n_drop, counted as
 * drop_blackhole); drop must have room for n pointers. Packets due at the same time leave in
 * the order they were enqueued.
 */
unsigned int wanem_dequeue(struct wanem *w, uint64_t now_us, void **tx, unsigned int n, void **drop,
                           unsigned int *n_drop);

/*
 * Time of the next event (a packet leaving the FIFO or the delay line), or UINT64_MAX when
 * nothing is held. Lets a caller sleep or a simulation jump its clock.
 */
uint64_t wanem_next_event_us(const struct wanem *w);

/* Hand back up to n held packets (any order) without counting them, e.g. before wanem_free. */
unsigned int wanem_flush(struct wanem *w, void **pkts, unsigned int n);

/* Copy the counters and gauges. */
void wanem_stats_get(const struct wanem *w, struct wanem_stats *s);

/* Telemetry key of a counter ("drop_loss"), or NULL out of range. */
const char *wanem_counter_name(enum wanem_counter c);
/* One-line description of a counter, or NULL. */
const char *wanem_counter_help(enum wanem_counter c);
/* The descriptors of the counters, indexed by enum wanem_counter. */
const struct stat_desc *wanem_counter_descs(void);

#endif
