/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_WANEM_PRIVATE_H
#define PEPGW_WANEM_PRIVATE_H

/* Internals of lib/wanem. Never included from outside the folder. */

#include <stdint.h>

#include "wanem.h"

#define WANEM_NAME_MAX        32
/* Token bucket arithmetic: one token = 1e-6 bit, so rate_bps tokens arrive per microsecond. */
#define WANEM_TOKENS_PER_BYTE 8000000LL
#define WANEM_MAX_RATE_BPS    1000000000000ULL /* 1 Tbit/s */
#define WANEM_MAX_BURST_BYTES (1u << 30)
#define WANEM_MAX_QUEUE_BYTES (1u << 30)
#define WANEM_MIN_MTU         68 /* RFC 791: every internet module must forward 68 octets */

/* xoshiro256** (Blackman and Vigna, 2018), seeded through splitmix64. */
struct wanem_rng {
	uint64_t s[4];
};

void wanem_rng_seed(struct wanem_rng *r, uint64_t seed);
uint64_t wanem_rng_next(struct wanem_rng *r);
/* Uniform on [0, 1) with 53 random bits. */
double wanem_rng_unit(struct wanem_rng *r);

/*
 * One held packet. The random parts of its fate (jitter, reorder) are drawn when it is
 * enqueued, so the outcome does not depend on how often the caller polls.
 */
struct wanem_entry {
	uint64_t depart_us; /* delay line key, with seq */
	uint64_t seq;       /* enqueue order: ties leave first-in first-out */
	void *pkt;
	uint32_t len;
	int32_t offset_us; /* jitter plus reorder hold-back, added to the delay at FIFO exit */
	uint8_t reordered;
};

struct wanem {
	char name[WANEM_NAME_MAX];
	struct wanem_params p;
	struct wanem_rng rng;
	uint32_t cap; /* max_packets: FIFO + delay line */
	uint8_t ge_bad;

	/* bottleneck FIFO: ring of cap entries */
	struct wanem_entry *fifo;
	uint32_t fifo_head;
	uint32_t fifo_count;
	uint64_t fifo_bytes;
	int64_t tokens; /* may go negative: a frame larger than the bucket depth */
	uint64_t tb_us; /* time up to which tokens are accounted */

	/* delay line: binary min-heap of cap entries keyed by (depart_us, seq) */
	struct wanem_entry *heap;
	uint32_t heap_count;
	uint64_t next_seq;
	uint64_t last_depart_us; /* for jitter_keeps_order */

	uint64_t c[WANEM_C_MAX];
};

#endif
