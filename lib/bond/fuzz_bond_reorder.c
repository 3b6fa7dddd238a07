/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target driving the reorder buffer with arbitrary operations (inserts near and far,
 * duplicates, time, holds, link progress, drains, resets) on small limits. Checks that every
 * packet the buffer took comes out exactly once (ready, death row or flush), that each
 * bucket's packets come out in sequence order, that no more than max_packets are ever held,
 * and that the lists never exceed their bounds: no leak, no double delivery, bounded memory.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bond_reorder.h"

#define MAX_OPS  4096
#define BUCKETS  8
#define MAX_HELD 24

struct shadow {
	uint32_t bucket, seq, epoch;
	bool taken, out;
};

static struct shadow pk[MAX_OPS];
static uint32_t n_pk;
static uint32_t epoch;
static bool last_valid[BUCKETS];
static uint32_t last_seq[BUCKETS], last_epoch[BUCKETS];

static void *ptr(uint32_t id)
{
	return (void *)(uintptr_t)(id + 1);
}

static uint32_t id_of(void *p)
{
	uint32_t id = (uint32_t)((uintptr_t)p - 1);

	if ((uintptr_t)p == 0 || id >= n_pk || !pk[id].taken || pk[id].out)
		abort(); /* unknown, never taken or handed out twice */
	pk[id].out = true;
	return id;
}

static void delivered(void *p)
{
	struct shadow *s = &pk[id_of(p)];

	/*
	 * Out of order or twice within a session. Between two deliveries the release point may
	 * have moved by 2^15 or more through several skips, which 16 bits cannot tell from going
	 * back: only a step back by less than 2^14 is unambiguous.
	 */
	if (last_valid[s->bucket] && last_epoch[s->bucket] == s->epoch &&
	    bond_flow_seq_diff(s->seq, last_seq[s->bucket]) <= 0 &&
	    bond_flow_seq_diff(s->seq, last_seq[s->bucket]) > -(1 << 14))
		abort();
	last_valid[s->bucket] = true;
	last_seq[s->bucket] = s->seq;
	last_epoch[s->bucket] = s->epoch;
}

static void check_bounds(const struct bond_reorder *r)
{
	struct bond_reorder_stats st;

	bond_reorder_stats_get(r, &st);
	if (st.held_packets > MAX_HELD || st.ready_packets > 2 * 32 || st.death_row_packets > 32 ||
	    st.windows_in_use > 4)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bond_reorder_params p;
	struct bond_reorder *r;
	uint32_t next_seq[BUCKETS] = {0};
	uint64_t now = 0;
	uint32_t ts = 0;
	void *out[64];
	size_t i = 0;
	unsigned int n;

	bond_reorder_params_init(&p);
	p.n_buckets = BUCKETS;
	p.window = 16;
	p.max_windows = 4;
	p.max_packets = MAX_HELD; /* ready list 64, death row 32 */
	p.hold_max_us = 20000;
	r = bond_reorder_create("fuzz", &p);
	if (r == NULL)
		abort();
	n_pk = 0;
	epoch = 0;
	memset(last_valid, 0, sizeof(last_valid));

	while (i + 4 <= size && n_pk < MAX_OPS) {
		const uint8_t *d = data + i;
		uint32_t b = d[1] % BUCKETS;

		i += 4;
		switch (d[0] % 8) {
		case 0:
		case 1: /* insert near the bucket's front: holes, duplicates, late ones */
		case 7: {
			uint32_t seq = (d[0] % 8 == 7 ? (uint32_t)d[2] << 8 | d[3]
			                              : next_seq[b] + (uint32_t)(int8_t)d[2]) &
			               BOND_FLOW_SEQ_MASK;
			struct bond_reorder_meta m = {
			        .bucket = b, .seq = seq, .sender_ts = ts + d[3], .link = d[3] % 3};
			int v;

			pk[n_pk] = (struct shadow){.bucket = b, .seq = seq, .epoch = epoch};
			v = bond_reorder_insert(r, ptr(n_pk), &m, now);
			if (v >= 0) {
				pk[n_pk].taken = true;
				n_pk++;
			} else if (v != -ENOBUFS) {
				abort();
			}
			if (bond_flow_seq_diff(seq, next_seq[b]) >= 0)
				next_seq[b] = (seq + 1) & BOND_FLOW_SEQ_MASK;
			break;
		}
		case 2: /* time passes */
			now += (uint64_t)d[2] * 100 + d[3];
			ts += d[2];
			bond_reorder_advance(r, now);
			break;
		case 3: /* the caller drains */
			n = bond_reorder_drain(r, out, d[2] % 64);
			for (unsigned int k = 0; k < n; k++)
				delivered(out[k]);
			break;
		case 4:
			n = bond_reorder_death_row(r, out, d[2] % 64);
			for (unsigned int k = 0; k < n; k++)
				id_of(out[k]);
			break;
		case 5:
			bond_reorder_set_hold(r, (uint32_t)d[2] * 200, d[3]);
			break;
		case 6:
			if (d[2] & 1) {
				bond_reorder_link_seen(r, d[3] % 4, ts + d[3], now);
			} else if (d[2] == 0) {
				bond_reorder_reset(r);
				epoch++;
				memset(next_seq, 0, sizeof(next_seq));
			} else {
				(void)bond_reorder_next_deadline_us(r);
			}
			break;
		}
		check_bounds(r);
	}
	/* drain in order, then everything else comes back through flush */
	while ((n = bond_reorder_drain(r, out, 64)) > 0)
		for (unsigned int k = 0; k < n; k++)
			delivered(out[k]);
	while ((n = bond_reorder_flush(r, out, 64)) > 0)
		for (unsigned int k = 0; k < n; k++)
			id_of(out[k]);
	for (uint32_t k = 0; k < n_pk; k++)
		if (!pk[k].out)
			abort(); /* leaked */
	bond_reorder_free(r);
	return 0;
}
