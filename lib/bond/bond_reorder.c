/* SPDX-License-Identifier: BSD-3-Clause */
#include "bond_reorder.h"
#include "bond_path_private.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>

#define NO_WINDOW          0xffffu
/* A link that delivered nothing for this long (or hold_max, if longer) carries nothing. */
#define LINK_ACTIVE_MIN_US 1000000ull

/*
 * One flow bucket. skipped: bit i set = sequence next-1-i was given up (never delivered),
 * so a packet arriving for it is late, not a duplicate.
 */
struct bucket {
	uint32_t next;
	uint16_t win;
	uint16_t n_held;
	uint64_t skipped;
};

struct slot {
	void *pkt; /* NULL = empty */
	uint64_t arrival_us;
	uint32_t sender_ts;
};

/* The slots of a bucket with a hole: sequence s lives in slots[s & (window - 1)]. */
struct window {
	uint32_t bucket;
	uint32_t heap_pos;
	uint64_t oldest_us; /* earliest arrival among the held packets */
	struct slot *slots;
};

struct ring {
	void **a;
	uint32_t mask;
	uint32_t head; /* next to take */
	uint32_t tail; /* next free */
};

struct bond_reorder {
	char name[32];
	struct bond_reorder_params p;
	uint32_t bucket_mask;
	uint32_t slot_mask;
	uint32_t hold_us;
	uint32_t margin_us;
	uint32_t held;
	struct bucket *buckets;
	struct window *wins;
	uint16_t *free_wins;
	uint32_t n_free_wins;
	uint32_t *heap; /* window indices, min-heap on oldest_us */
	uint32_t heap_n;
	uint32_t *scratch; /* bucket ids, for the early give-up pass */
	struct slot *slot_mem;
	struct ring ready;
	struct ring dead;
	bool links_moved;
	bool link_seen[BOND_LINKS_MAX];
	uint32_t link_ts[BOND_LINKS_MAX];
	uint64_t link_last_us[BOND_LINKS_MAX];      /* last arrival of anything */
	uint64_t link_data_last_us[BOND_LINKS_MAX]; /* last data packet (insert) */
	bool link_data_seen[BOND_LINKS_MAX];
	bool data_seen;
	uint64_t data_last_us;       /* last data packet on any link */
	uint64_t data_busy_since_us; /* data without a pause of LINK_ACTIVE_MIN_US since then */
	uint64_t c[BOND_REORDER_C_MAX];
};

static const struct stat_desc counter_descs[BOND_REORDER_C_MAX] = {
        BOND_REORDER_COUNTERS(STAT_DESC)};

const char *bond_reorder_counter_name(enum bond_reorder_counter c)
{
	return (unsigned int)c < BOND_REORDER_C_MAX ? counter_descs[c].name : NULL;
}

const char *bond_reorder_counter_help(enum bond_reorder_counter c)
{
	return (unsigned int)c < BOND_REORDER_C_MAX ? counter_descs[c].help : NULL;
}

const struct stat_desc *bond_reorder_counter_descs(void)
{
	return counter_descs;
}

/* ---- rings ---- */

static uint32_t ring_count(const struct ring *q)
{
	return q->tail - q->head;
}

static bool ring_full(const struct ring *q)
{
	return ring_count(q) > q->mask;
}

static void ring_push(struct ring *q, void *pkt)
{
	q->a[q->tail++ & q->mask] = pkt;
}

static unsigned int ring_take(struct ring *q, void **pkts, unsigned int n)
{
	unsigned int k = 0;

	while (k < n && q->head != q->tail)
		pkts[k++] = q->a[q->head++ & q->mask];
	return k;
}

/* ---- heap of windows, earliest arrival on top ---- */

static bool heap_less(const struct bond_reorder *r, uint32_t a, uint32_t b)
{
	return r->wins[a].oldest_us < r->wins[b].oldest_us;
}

static void heap_set(struct bond_reorder *r, uint32_t pos, uint32_t w)
{
	r->heap[pos] = w;
	r->wins[w].heap_pos = pos;
}

static void heap_up(struct bond_reorder *r, uint32_t pos)
{
	uint32_t w = r->heap[pos];

	while (pos > 0) {
		uint32_t parent = (pos - 1) / 2;

		if (!heap_less(r, w, r->heap[parent]))
			break;
		heap_set(r, pos, r->heap[parent]);
		pos = parent;
	}
	heap_set(r, pos, w);
}

static void heap_down(struct bond_reorder *r, uint32_t pos)
{
	uint32_t w = r->heap[pos];

	for (;;) {
		uint32_t child = 2 * pos + 1;

		if (child >= r->heap_n)
			break;
		if (child + 1 < r->heap_n && heap_less(r, r->heap[child + 1], r->heap[child]))
			child++;
		if (!heap_less(r, r->heap[child], w))
			break;
		heap_set(r, pos, r->heap[child]);
		pos = child;
	}
	heap_set(r, pos, w);
}

static void heap_push(struct bond_reorder *r, uint32_t w)
{
	heap_set(r, r->heap_n++, w);
	heap_up(r, r->heap_n - 1);
}

static void heap_remove(struct bond_reorder *r, uint32_t w)
{
	uint32_t pos = r->wins[w].heap_pos;
	uint32_t last;

	r->heap_n--;
	if (pos == r->heap_n)
		return;
	last = r->heap[r->heap_n];
	heap_set(r, pos, last);
	heap_up(r, pos);
	if (r->heap[pos] == last)
		heap_down(r, pos);
}

/* ---- create / free ---- */

void bond_reorder_params_init(struct bond_reorder_params *p)
{
	p->n_buckets = BOND_REORDER_DEFAULT_BUCKETS;
	p->window = BOND_REORDER_DEFAULT_WINDOW;
	p->max_windows = BOND_REORDER_DEFAULT_MAX_WINDOWS;
	p->max_packets = BOND_REORDER_DEFAULT_MAX_PACKETS;
	p->hold_max_us = BOND_REORDER_DEFAULT_HOLD_MAX_US;
}

static bool pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static bool params_ok(const struct bond_reorder_params *p)
{
	return p != NULL && pow2(p->n_buckets) && p->n_buckets <= (1u << 20) && pow2(p->window) &&
	       p->window >= 2 && p->window <= 4096 && p->max_windows >= 1 &&
	       p->max_windows < NO_WINDOW && p->max_packets >= 1 && p->max_packets <= (1u << 22) &&
	       p->hold_max_us <= 10000000;
}

void bond_reorder_free(struct bond_reorder *r)
{
	if (r == NULL)
		return;
	free(r->buckets);
	free(r->wins);
	free(r->free_wins);
	free(r->heap);
	free(r->scratch);
	free(r->slot_mem);
	free(r->ready.a);
	free(r->dead.a);
	free(r);
}

static bool ring_init(struct ring *q, uint32_t n)
{
	uint32_t size = rte_align32pow2(n);

	q->a = calloc(size, sizeof(*q->a));
	q->mask = size - 1;
	return q->a != NULL;
}

struct bond_reorder *bond_reorder_create(const char *name, const struct bond_reorder_params *p)
{
	struct bond_reorder *r;

	if (!params_ok(p)) {
		rte_errno = EINVAL;
		return NULL;
	}
	/* Built once per peer and lcore at start-up, never on the data path. */
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(r->name, sizeof(r->name), "%s", name != NULL ? name : "reorder");
	r->p = *p;
	r->bucket_mask = p->n_buckets - 1;
	r->slot_mask = p->window - 1;
	r->hold_us = p->hold_max_us;
	r->buckets = calloc(p->n_buckets, sizeof(*r->buckets));
	r->wins = calloc(p->max_windows, sizeof(*r->wins));
	r->free_wins = calloc(p->max_windows, sizeof(*r->free_wins));
	r->heap = calloc(p->max_windows, sizeof(*r->heap));
	r->scratch = calloc(p->max_windows, sizeof(*r->scratch));
	r->slot_mem = calloc((size_t)p->max_windows * p->window, sizeof(*r->slot_mem));
	if (r->buckets == NULL || r->wins == NULL || r->free_wins == NULL || r->heap == NULL ||
	    r->scratch == NULL || r->slot_mem == NULL ||
	    !ring_init(&r->ready, 2 * p->max_packets) || !ring_init(&r->dead, p->max_packets)) {
		bond_reorder_free(r);
		rte_errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < p->n_buckets; i++)
		r->buckets[i].win = NO_WINDOW;
	for (uint32_t w = 0; w < p->max_windows; w++) {
		r->wins[w].slots = r->slot_mem + (size_t)w * p->window;
		r->free_wins[w] = (uint16_t)(p->max_windows - 1 - w);
	}
	r->n_free_wins = p->max_windows;
	return r;
}

/* ---- bucket mechanics ---- */

static struct slot *slot_of(struct bond_reorder *r, const struct bucket *b, uint32_t seq)
{
	return &r->wins[b->win].slots[seq & r->slot_mask];
}

static void window_release(struct bond_reorder *r, struct bucket *b)
{
	uint32_t w = b->win;

	heap_remove(r, w);
	r->free_wins[r->n_free_wins++] = (uint16_t)w;
	b->win = NO_WINDOW;
}

/* Packets released or given up leave the window: recompute its place in the heap. */
static void window_refresh(struct bond_reorder *r, struct bucket *b)
{
	struct window *w;
	uint64_t oldest = UINT64_MAX;

	if (b->n_held == 0) {
		window_release(r, b);
		return;
	}
	w = &r->wins[b->win];
	for (uint32_t i = 0; i < r->p.window; i++)
		if (w->slots[i].pkt != NULL && w->slots[i].arrival_us < oldest)
			oldest = w->slots[i].arrival_us;
	w->oldest_us = oldest;
	heap_down(r, w->heap_pos);
}

/* Release the in-order run that starts at b->next. */
static void release_run(struct bond_reorder *r, struct bucket *b)
{
	bool any = false;

	if (b->win == NO_WINDOW)
		return;
	for (;;) {
		struct slot *s = slot_of(r, b, b->next);

		if (s->pkt == NULL)
			break;
		ring_push(&r->ready, s->pkt);
		s->pkt = NULL;
		b->next = (b->next + 1) & BOND_FLOW_SEQ_MASK;
		b->skipped <<= 1;
		b->n_held--;
		r->held--;
		r->c[BOND_REORDER_C_released]++;
		any = true;
	}
	if (any)
		window_refresh(r, b);
}

/* Give up the hole at b->next (the bucket holds packets behind it), then release the run. */
static void give_up_hole(struct bond_reorder *r, struct bucket *b, enum bond_reorder_counter why)
{
	while (slot_of(r, b, b->next)->pkt == NULL) {
		b->next = (b->next + 1) & BOND_FLOW_SEQ_MASK;
		b->skipped = (b->skipped << 1) | 1;
		r->c[why]++;
	}
	release_run(r, b);
}

/*
 * Move the bucket's release point to `target` (ahead of it): held packets before target are
 * released in order, missing ones given up; then the run from target is released.
 */
static void skip_to(struct bond_reorder *r, struct bucket *b, uint32_t target,
                    enum bond_reorder_counter why)
{
	uint32_t gap;

	while (b->win != NO_WINDOW && bond_flow_seq_diff(b->next, target) < 0) {
		struct slot *s = slot_of(r, b, b->next);

		if (s->pkt != NULL) {
			ring_push(&r->ready, s->pkt);
			s->pkt = NULL;
			b->skipped <<= 1;
			b->n_held--;
			r->held--;
			r->c[BOND_REORDER_C_released]++;
		} else {
			b->skipped = (b->skipped << 1) | 1;
			r->c[why]++;
		}
		b->next = (b->next + 1) & BOND_FLOW_SEQ_MASK;
		if (b->n_held == 0)
			window_release(r, b);
	}
	if (b->win != NO_WINDOW) {
		window_refresh(r, b);
		release_run(r, b);
		return;
	}
	if (bond_flow_seq_diff(b->next, target) >= 0)
		return;
	/* Nothing held: jump at once. */
	gap = (uint32_t)bond_flow_seq_diff(target, b->next);
	r->c[why] += gap;
	b->skipped = gap >= 64 ? UINT64_MAX : (b->skipped << gap) | ((1ull << gap) - 1);
	b->next = target & BOND_FLOW_SEQ_MASK;
}

/* The oldest hole of all buckets is given up (memory pressure). */
static void give_up_oldest(struct bond_reorder *r)
{
	struct bucket *b = &r->buckets[r->wins[r->heap[0]].bucket];

	give_up_hole(r, b, BOND_REORDER_C_skipped_memory);
}

static int to_death_row(struct bond_reorder *r, void *pkt, enum bond_reorder_counter why,
                        enum bond_reorder_verdict v)
{
	if (ring_full(&r->dead))
		return -ENOBUFS;
	ring_push(&r->dead, pkt);
	r->c[BOND_REORDER_C_in_packets]++;
	r->c[why]++;
	return v;
}

static void note_link(struct bond_reorder *r, uint8_t link, uint32_t ts, bool data, uint64_t now_us)
{
	if (data) {
		if (!r->data_seen || now_us - r->data_last_us > LINK_ACTIVE_MIN_US)
			r->data_busy_since_us = now_us;
		r->data_seen = true;
		r->data_last_us = now_us;
		r->link_data_seen[link] = true;
		r->link_data_last_us[link] = now_us;
	}
	if (!r->link_seen[link] || bond_stamp_diff(ts, r->link_ts[link]) > 0) {
		r->link_ts[link] = ts;
		r->links_moved = true;
	}
	r->link_seen[link] = true;
	r->link_last_us[link] = now_us;
}

void bond_reorder_link_seen(struct bond_reorder *r, uint8_t link, uint32_t sender_ts,
                            uint64_t now_us)
{
	if (link < BOND_LINKS_MAX)
		note_link(r, link, sender_ts & BOND_STAMP_MASK, false, now_us);
}

int bond_reorder_insert(struct bond_reorder *r, void *pkt, const struct bond_reorder_meta *m,
                        uint64_t now_us)
{
	uint32_t seq = m->seq & BOND_FLOW_SEQ_MASK;
	uint32_t ts = m->sender_ts & BOND_STAMP_MASK;
	struct bucket *b;
	struct slot *s;
	int32_t d;

	if (pkt == NULL || m->bucket > r->bucket_mask || m->link >= BOND_LINKS_MAX)
		return -EINVAL;
	b = &r->buckets[m->bucket];
	note_link(r, m->link, ts, true, now_us);
again:
	d = bond_flow_seq_diff(seq, b->next);
	if (d < 0) {
		uint32_t age = (uint32_t)-d;
		uint64_t bit = age <= BOND_REORDER_HISTORY ? 1ull << (age - 1) : 0;

		if (bit == 0)
			return to_death_row(r, pkt, BOND_REORDER_C_drop_old, BOND_REORDER_OLD);
		if ((b->skipped & bit) == 0)
			return to_death_row(r, pkt, BOND_REORDER_C_drop_duplicate,
			                    BOND_REORDER_DUPLICATE);
		if (ring_full(&r->dead))
			return -ENOBUFS;
		b->skipped &= ~bit; /* a second copy of it is a duplicate */
		return to_death_row(r, pkt, BOND_REORDER_C_drop_late, BOND_REORDER_LATE);
	}
	/* Room in the ready list for everything held plus this one keeps releases safe. */
	if (r->held + ring_count(&r->ready) + 1 > r->ready.mask + 1)
		return -ENOBUFS;
	if (d == 0) {
		ring_push(&r->ready, pkt);
		b->next = (b->next + 1) & BOND_FLOW_SEQ_MASK;
		b->skipped <<= 1;
		r->c[BOND_REORDER_C_in_packets]++;
		r->c[BOND_REORDER_C_in_order]++;
		release_run(r, b);
		return BOND_REORDER_READY;
	}
	if ((uint32_t)d >= r->p.window) {
		skip_to(r, b, (seq - r->p.window + 1) & BOND_FLOW_SEQ_MASK,
		        BOND_REORDER_C_skipped_window);
		goto again;
	}
	if (b->win != NO_WINDOW && slot_of(r, b, seq)->pkt != NULL)
		return to_death_row(r, pkt, BOND_REORDER_C_drop_duplicate, BOND_REORDER_DUPLICATE);
	if (r->held >= r->p.max_packets || (b->win == NO_WINDOW && r->n_free_wins == 0)) {
		/* Memory: the oldest hole goes (maybe this bucket's: look again). */
		give_up_oldest(r);
		goto again;
	}
	if (b->win == NO_WINDOW) {
		struct window *w;

		b->win = r->free_wins[--r->n_free_wins];
		w = &r->wins[b->win];
		w->bucket = m->bucket;
		w->oldest_us = now_us;
		heap_push(r, b->win);
	}
	s = slot_of(r, b, seq);
	s->pkt = pkt;
	s->arrival_us = now_us;
	s->sender_ts = ts;
	b->n_held++;
	r->held++;
	r->c[BOND_REORDER_C_in_packets]++;
	r->c[BOND_REORDER_C_held]++;
	return BOND_REORDER_HELD;
}

/* Sender stamp of the first packet held behind the bucket's hole. */
static uint32_t first_held_ts(struct bond_reorder *r, const struct bucket *b)
{
	for (uint32_t k = 1; k < r->p.window; k++) {
		const struct slot *s = slot_of(r, b, (b->next + k) & BOND_FLOW_SEQ_MASK);

		if (s->pkt != NULL)
			return s->sender_ts;
	}
	return 0; /* not reached: a window holds a packet */
}

/*
 * Every active link delivered something sent more than margin after ts: a packet sent before
 * ts is not on its way on any of them (each link keeps its order). Active: delivered anything
 * within the last second; but once data has flowed for a second, only links that delivered
 * DATA within it. A link the scheduler keeps avoiding (a slow one while a faster one has
 * room) carries only probes, and would otherwise hold every hole for its delay difference
 * plus up to a probe interval, since only its next probe can pass the hole: in bond_sim with
 * LTE at 150 ms one way beside coax at 15 ms, each coax loss stalled the flow ~140 ms and the
 * bond delivered 11 Mbit/s of coax's 18. At the start of a transfer every link counts (the
 * scheduler spreads the first packets over all of them). The price: when the scheduler turns
 * to a link it avoided for a second, the hole of its first packet can be given up before it
 * arrives (counted late, resent by TCP).
 */
static bool links_passed(const struct bond_reorder *r, uint32_t ts, uint64_t now_us)
{
	uint64_t active = RTE_MAX((uint64_t)r->p.hold_max_us, LINK_ACTIVE_MIN_US);
	bool steady = r->data_seen && now_us - r->data_busy_since_us >= active;
	bool any = false;

	for (unsigned int l = 0; l < BOND_LINKS_MAX; l++) {
		bool counts =
		        steady ? r->link_data_seen[l] && now_us - r->link_data_last_us[l] <= active
		               : r->link_seen[l] && now_us - r->link_last_us[l] <= active;

		if (!counts)
			continue;
		if (bond_stamp_diff(r->link_ts[l], ts) <= (int32_t)r->margin_us)
			return false;
		any = true;
	}
	return any;
}

void bond_reorder_advance(struct bond_reorder *r, uint64_t now_us)
{
	while (r->heap_n > 0 && r->wins[r->heap[0]].oldest_us + r->hold_us <= now_us) {
		struct bucket *b = &r->buckets[r->wins[r->heap[0]].bucket];

		give_up_hole(r, b, BOND_REORDER_C_skipped_expired);
	}
	if (!r->links_moved || r->heap_n == 0)
		return;
	r->links_moved = false;
	/* Give-ups reshape the heap: walk a copy of the buckets it holds. */
	uint32_t n = r->heap_n;
	for (uint32_t i = 0; i < n; i++)
		r->scratch[i] = r->wins[r->heap[i]].bucket;
	for (uint32_t i = 0; i < n; i++) {
		struct bucket *b = &r->buckets[r->scratch[i]];

		while (b->win != NO_WINDOW && links_passed(r, first_held_ts(r, b), now_us))
			give_up_hole(r, b, BOND_REORDER_C_skipped_passed);
	}
}

uint64_t bond_reorder_next_deadline_us(const struct bond_reorder *r)
{
	if (r->heap_n == 0)
		return UINT64_MAX;
	return r->wins[r->heap[0]].oldest_us + r->hold_us;
}

unsigned int bond_reorder_drain(struct bond_reorder *r, void **pkts, unsigned int n)
{
	return ring_take(&r->ready, pkts, n);
}

unsigned int bond_reorder_death_row(struct bond_reorder *r, void **pkts, unsigned int n)
{
	return ring_take(&r->dead, pkts, n);
}

void bond_reorder_set_hold(struct bond_reorder *r, uint32_t hold_us, uint32_t margin_us)
{
	r->hold_us = RTE_MIN(hold_us, r->p.hold_max_us);
	r->margin_us = margin_us;
}

void bond_reorder_reset(struct bond_reorder *r)
{
	while (r->heap_n > 0)
		give_up_hole(r, &r->buckets[r->wins[r->heap[0]].bucket],
		             BOND_REORDER_C_skipped_expired);
	for (uint32_t i = 0; i < r->p.n_buckets; i++) {
		r->buckets[i].next = 0;
		r->buckets[i].skipped = 0;
	}
}

int bond_reorder_reset_buckets(struct bond_reorder *r, uint32_t first, uint32_t n)
{
	if (first >= r->p.n_buckets || n > r->p.n_buckets - first)
		return -EINVAL;
	for (uint32_t i = first; i < first + n; i++) {
		struct bucket *b = &r->buckets[i];

		/* Each pass gives up one hole and releases the run behind it. */
		while (b->win != NO_WINDOW)
			give_up_hole(r, b, BOND_REORDER_C_skipped_expired);
		b->next = 0;
		b->skipped = 0;
	}
	return 0;
}

unsigned int bond_reorder_flush(struct bond_reorder *r, void **pkts, unsigned int n)
{
	unsigned int k = ring_take(&r->dead, pkts, n);

	k += ring_take(&r->ready, pkts + k, n - k);
	while (k < n && r->heap_n > 0) {
		struct bucket *b = &r->buckets[r->wins[r->heap[0]].bucket];
		struct window *w = &r->wins[b->win];

		for (uint32_t i = 0; i < r->p.window && k < n; i++) {
			if (w->slots[i].pkt == NULL)
				continue;
			pkts[k++] = w->slots[i].pkt;
			w->slots[i].pkt = NULL;
			b->n_held--;
			r->held--;
		}
		if (b->n_held == 0)
			window_release(r, b);
	}
	return k;
}

void bond_reorder_stats_get(const struct bond_reorder *r, struct bond_reorder_stats *st)
{
	memcpy(st->c, r->c, sizeof(st->c));
	st->held_packets = r->held;
	st->ready_packets = ring_count(&r->ready);
	st->death_row_packets = ring_count(&r->dead);
	st->windows_in_use = r->p.max_windows - r->n_free_wins;
	st->hold_us = r->hold_us;
}

/* ---- sender side ---- */

struct bond_reorder_seq {
	uint32_t mask;
	uint32_t next[];
};

struct bond_reorder_seq *bond_reorder_seq_create(uint32_t n_buckets)
{
	struct bond_reorder_seq *s;

	if (!pow2(n_buckets) || n_buckets > (1u << 20)) {
		rte_errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s) + (size_t)n_buckets * sizeof(s->next[0]));
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->mask = n_buckets - 1;
	return s;
}

void bond_reorder_seq_free(struct bond_reorder_seq *s)
{
	free(s);
}

uint32_t bond_reorder_seq_next(struct bond_reorder_seq *s, uint32_t hash, uint32_t *bucket)
{
	uint32_t b = hash & s->mask;

	*bucket = b;
	uint32_t seq = s->next[b];

	s->next[b] = (seq + 1) & BOND_FLOW_SEQ_MASK;
	return seq;
}

void bond_reorder_seq_reset(struct bond_reorder_seq *s)
{
	memset(s->next, 0, ((size_t)s->mask + 1) * sizeof(s->next[0]));
}
