/* SPDX-License-Identifier: BSD-3-Clause */
#include "wanem.h"
#include "wanem_private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_log.h>

RTE_LOG_REGISTER(wanem_logtype, pepgw.wanem, INFO);
#define WANEM_LOG(level, fmt, ...)                                                                 \
	rte_log(RTE_LOG_##level, wanem_logtype, "wanem: " fmt "\n", ##__VA_ARGS__)

static const struct stat_desc counter_descs[WANEM_C_MAX] = {WANEM_COUNTERS(STAT_DESC)};

const struct stat_desc *wanem_counter_descs(void)
{
	return counter_descs;
}

const char *wanem_counter_name(enum wanem_counter c)
{
	return (unsigned int)c < WANEM_C_MAX ? counter_descs[c].name : NULL;
}

const char *wanem_counter_help(enum wanem_counter c)
{
	return (unsigned int)c < WANEM_C_MAX ? counter_descs[c].help : NULL;
}

void wanem_params_init(struct wanem_params *p)
{
	memset(p, 0, sizeof(*p));
	p->reorder_delay_us = WANEM_DEFAULT_REORDER_DELAY_US;
	p->loss_bad = WANEM_DEFAULT_LOSS_BAD;
	p->max_packets = WANEM_DEFAULT_MAX_PACKETS;
}

static bool is_probability(double x)
{
	return x >= 0.0 && x <= 1.0; /* false for NaN too */
}

int wanem_params_check(const struct wanem_params *p, const char **why)
{
	const char *msg = NULL;

	if (p->mtu != 0 && (p->mtu < WANEM_MIN_MTU || p->mtu > UINT16_MAX))
		msg = "mtu: allowed 0 (no check) or 68..65535";
	else if (p->mtu_action != WANEM_MTU_DROP && p->mtu_action != WANEM_MTU_ICMP)
		msg = "mtu_action: allowed drop, icmp";
	else if (p->rate_bps > WANEM_MAX_RATE_BPS)
		msg = "rate_bps: allowed 0 (unlimited) .. 1e12";
	else if (p->burst_bytes > WANEM_MAX_BURST_BYTES)
		msg = "burst_bytes: allowed 0 .. 2^30";
	else if (p->queue_bytes > WANEM_MAX_QUEUE_BYTES)
		msg = "queue_bytes: allowed up to 2^30";
	else if (p->rate_bps != 0 && p->queue_bytes < WANEM_MIN_QUEUE_BYTES)
		msg = "queue_bytes: allowed >= 1518 when the rate is limited";
	else if (p->delay_us > WANEM_MAX_DELAY_US)
		msg = "delay_us: allowed 0 .. 10000000";
	else if (p->jitter_us > p->delay_us)
		msg = "jitter_us: allowed 0 .. delay_us";
	else if (p->jitter_dist != WANEM_JITTER_UNIFORM && p->jitter_dist != WANEM_JITTER_NORMAL)
		msg = "jitter_dist: allowed uniform, normal";
	else if (p->loss_model != WANEM_LOSS_RANDOM && p->loss_model != WANEM_LOSS_GILBERT_ELLIOTT)
		msg = "loss_model: allowed random, gilbert_elliott";
	else if (!is_probability(p->loss))
		msg = "loss: allowed 0 .. 1";
	else if (!is_probability(p->ge_p) || !is_probability(p->ge_r))
		msg = "gilbert_elliott p, r: allowed 0 .. 1";
	else if (!is_probability(p->loss_bad) || !is_probability(p->loss_good))
		msg = "gilbert_elliott loss_bad, loss_good: allowed 0 .. 1";
	else if (!is_probability(p->duplicate))
		msg = "duplicate: allowed 0 .. 1";
	else if (!is_probability(p->reorder))
		msg = "reorder: allowed 0 .. 1";
	else if (p->reorder_delay_us > WANEM_MAX_DELAY_US)
		msg = "reorder_delay_us: allowed 0 .. 10000000";
	else if (p->max_packets > WANEM_MAX_PACKETS_LIMIT)
		msg = "max_packets: allowed 0 (default) .. 4194304";

	if (why != NULL)
		*why = msg;
	return msg == NULL ? 0 : -EINVAL;
}

struct wanem *wanem_create(const char *name, const struct wanem_params *p)
{
	const char *why;
	struct wanem *w;

	if (name == NULL || p == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (wanem_params_check(p, &why) != 0) {
		WANEM_LOG(ERR, "%s: %s", name, why);
		rte_errno = EINVAL;
		return NULL;
	}
	/*
	 * Created once per direction at start-up, never on the data path: plain calloc keeps the
	 * engine usable in tests and simulations without EAL.
	 */
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->p = *p;
	w->cap = p->max_packets != 0 ? p->max_packets : WANEM_DEFAULT_MAX_PACKETS;
	w->p.max_packets = w->cap;
	w->fifo = calloc(w->cap, sizeof(*w->fifo));
	w->heap = calloc(w->cap, sizeof(*w->heap));
	if (w->fifo == NULL || w->heap == NULL) {
		wanem_free(w);
		rte_errno = ENOMEM;
		return NULL;
	}
	wanem_rng_seed(&w->rng, p->seed);
	w->tokens = (int64_t)p->burst_bytes * WANEM_TOKENS_PER_BYTE;
	return w;
}

void wanem_free(struct wanem *w)
{
	if (w == NULL)
		return;
	free(w->fifo);
	free(w->heap);
	free(w);
}

/* ---- delay line: binary min-heap on (depart_us, seq) ---- */

static inline bool entry_before(const struct wanem_entry *a, const struct wanem_entry *b)
{
	return a->depart_us < b->depart_us || (a->depart_us == b->depart_us && a->seq < b->seq);
}

static void heap_push(struct wanem *w, const struct wanem_entry *e)
{
	uint32_t i = w->heap_count++;

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (!entry_before(e, &w->heap[parent]))
			break;
		w->heap[i] = w->heap[parent];
		i = parent;
	}
	w->heap[i] = *e;
}

static void heap_pop(struct wanem *w, struct wanem_entry *out)
{
	struct wanem_entry last;
	uint32_t i = 0;

	*out = w->heap[0];
	last = w->heap[--w->heap_count];
	for (;;) {
		uint32_t child = 2 * i + 1;
		if (child >= w->heap_count)
			break;
		if (child + 1 < w->heap_count && entry_before(&w->heap[child + 1], &w->heap[child]))
			child++;
		if (!entry_before(&w->heap[child], &last))
			break;
		w->heap[i] = w->heap[child];
		i = child;
	}
	if (w->heap_count > 0)
		w->heap[i] = last;
}

/* ---- bottleneck: token bucket in front of a byte-limited FIFO ---- */

static inline int64_t bucket_depth(const struct wanem *w)
{
	return (int64_t)w->p.burst_bytes * WANEM_TOKENS_PER_BYTE;
}

/* Account tokens up to time t (never backwards), capped at the bucket depth. */
static void bucket_advance(struct wanem *w, uint64_t t)
{
	int64_t depth = bucket_depth(w);
	uint64_t dt;

	if (t <= w->tb_us)
		return;
	dt = t - w->tb_us;
	w->tb_us = t;
	if (w->tokens >= depth)
		return;
	/* Compare before multiplying: rate * dt overflows after a long idle period. */
	if (dt >= (uint64_t)(depth - w->tokens) / w->p.rate_bps + 1)
		w->tokens = depth;
	else
		w->tokens = RTE_MIN(depth, w->tokens + (int64_t)(w->p.rate_bps * dt));
}

/*
 * Earliest time the FIFO head may leave: when the bucket is non-negative and holds the frame,
 * or the whole depth for a frame larger than the bucket (the bucket then goes negative, so the
 * long-run rate stays exact). With burst_bytes 0 this is plain serialisation at rate_bps.
 */
static uint64_t fifo_head_ready_us(const struct wanem *w)
{
	const struct wanem_entry *e = &w->fifo[w->fifo_head];
	int64_t need = RTE_MIN((int64_t)e->len * WANEM_TOKENS_PER_BYTE, bucket_depth(w));
	uint64_t missing;

	if (w->tokens >= need)
		return w->tb_us;
	missing = (uint64_t)(need - w->tokens);
	return w->tb_us + (missing + w->p.rate_bps - 1) / w->p.rate_bps;
}

static void delay_line_insert(struct wanem *w, struct wanem_entry *e, uint64_t exit_us)
{
	int64_t d = (int64_t)w->p.delay_us + e->offset_us;
	uint64_t depart = exit_us + (uint64_t)RTE_MAX(d, (int64_t)0);

	/*
	 * Order-keeping jitter: never before the previous packet (as on a serial link whose
	 * latency varies). A packet picked for reordering is exempt, and others do not queue
	 * behind it, otherwise it would reorder nothing.
	 */
	if (!e->reordered) {
		if (w->p.jitter_keeps_order && depart < w->last_depart_us)
			depart = w->last_depart_us;
		w->last_depart_us = RTE_MAX(w->last_depart_us, depart);
	}
	e->depart_us = depart;
	heap_push(w, e);
}

/* Move every FIFO packet whose bucket time has come (<= now_us) into the delay line. */
static void fifo_service(struct wanem *w, uint64_t now_us)
{
	while (w->fifo_count > 0) {
		struct wanem_entry *e = &w->fifo[w->fifo_head];
		uint64_t t;

		if (w->p.rate_bps == 0) {
			t = now_us; /* limit lifted at run time: the queue drains at once */
		} else {
			t = fifo_head_ready_us(w);
			if (t > now_us)
				break;
			bucket_advance(w, t);
			w->tokens -= (int64_t)e->len * WANEM_TOKENS_PER_BYTE;
		}
		w->fifo_bytes -= e->len;
		w->fifo_count--;
		w->fifo_head = w->fifo_head + 1 == w->cap ? 0 : w->fifo_head + 1;
		delay_line_insert(w, e, t);
	}
	if (w->p.rate_bps != 0)
		bucket_advance(w, now_us);
}

/* ---- random decisions ---- */

static bool chance(struct wanem *w, double p)
{
	/* Draw only when the outcome is uncertain: p = 0 or 1 costs nothing and consumes no state.
	 */
	if (p <= 0.0)
		return false;
	if (p >= 1.0)
		return true;
	return wanem_rng_unit(&w->rng) < p;
}

static bool loss_decide(struct wanem *w)
{
	bool lost;

	if (w->p.loss_model == WANEM_LOSS_RANDOM)
		return chance(w, w->p.loss);
	/*
	 * Gilbert-Elliott: loss depends on the current state, then the chain moves. In steady
	 * state P(bad) = p / (p + r) and a stay in the bad state lasts 1/r packets on average.
	 */
	lost = chance(w, w->ge_bad ? w->p.loss_bad : w->p.loss_good);
	if (w->ge_bad) {
		if (chance(w, w->p.ge_r))
			w->ge_bad = 0;
	} else if (chance(w, w->p.ge_p)) {
		w->ge_bad = 1;
	}
	return lost;
}

static int32_t jitter_draw(struct wanem *w)
{
	double j = w->p.jitter_us;
	double x;

	if (w->p.jitter_us == 0)
		return 0;
	if (w->p.jitter_dist == WANEM_JITTER_UNIFORM) {
		/* integers -J..+J, each equally likely */
		x = floor(wanem_rng_unit(&w->rng) * (2.0 * j + 1.0)) - j;
	} else {
		/* Irwin-Hall: the sum of 12 U(0,1) minus 6 has mean 0 and variance 1. */
		double z = -6.0;
		for (int i = 0; i < 12; i++)
			z += wanem_rng_unit(&w->rng);
		x = round(z * j / 3.0);
		x = RTE_MAX(-j, RTE_MIN(j, x));
	}
	return (int32_t)x;
}

/* ---- public data path ---- */

static enum wanem_verdict drop(struct wanem *w, enum wanem_verdict v, enum wanem_counter c)
{
	w->c[c]++;
	return v;
}

enum wanem_verdict wanem_enqueue(struct wanem *w, void *pkt, uint32_t frame_len, uint32_t l3_len,
                                 uint64_t now_us, unsigned int flags)
{
	bool is_copy = (flags & WANEM_F_DUPLICATE) != 0;
	bool dup = false;
	struct wanem_entry e;

	if (is_copy) {
		w->c[WANEM_C_duplicated]++;
	} else {
		w->c[WANEM_C_in_packets]++;
		w->c[WANEM_C_in_bytes] += frame_len;
	}
	if (w->p.mtu != 0 && l3_len > w->p.mtu)
		return drop(
		        w, w->p.mtu_action == WANEM_MTU_ICMP ? WANEM_DROP_MTU_ICMP : WANEM_DROP_MTU,
		        WANEM_C_drop_mtu);
	if (w->p.down)
		return drop(w, WANEM_DROP_BLACKHOLE, WANEM_C_drop_blackhole);
	if (loss_decide(w))
		return drop(w, WANEM_DROP_LOSS, WANEM_C_drop_loss);
	if (!is_copy)
		dup = chance(w, w->p.duplicate);

	memset(&e, 0, sizeof(e));
	e.pkt = pkt;
	e.len = frame_len;
	e.offset_us = jitter_draw(w);
	if (chance(w, w->p.reorder)) {
		e.reordered = 1;
		e.offset_us += (int32_t)w->p.reorder_delay_us;
	}

	if (w->p.rate_bps != 0) {
		fifo_service(w, now_us); /* the FIFO as it stands at now_us */
		if (w->fifo_bytes + frame_len > w->p.queue_bytes)
			return drop(w, WANEM_DROP_QUEUE_FULL, WANEM_C_drop_queue_full);
	}
	if (w->fifo_count + w->heap_count >= w->cap)
		return drop(w, WANEM_DROP_DELAY_LINE_FULL, WANEM_C_drop_delay_line_full);

	/* Counted only once the packet is accepted, so reordered <= packets actually held back. */
	if (e.reordered)
		w->c[WANEM_C_reordered]++;
	e.seq = w->next_seq++;
	if (w->p.rate_bps == 0 && w->fifo_count == 0) {
		delay_line_insert(w, &e, now_us);
	} else {
		uint32_t tail = w->fifo_head + w->fifo_count;
		if (tail >= w->cap)
			tail -= w->cap;
		w->fifo[tail] = e;
		w->fifo_count++;
		w->fifo_bytes += frame_len;
		fifo_service(w, now_us);
	}
	return dup ? WANEM_QUEUED_DUP : WANEM_QUEUED;
}

unsigned int wanem_dequeue(struct wanem *w, uint64_t now_us, void **tx, unsigned int n,
                           void **drop_out, unsigned int *n_drop)
{
	unsigned int nb_tx = 0, nb_drop = 0;
	struct wanem_entry e;

	fifo_service(w, now_us);
	while (nb_tx + nb_drop < n && w->heap_count > 0 && w->heap[0].depart_us <= now_us) {
		heap_pop(w, &e);
		if (w->p.down) {
			w->c[WANEM_C_drop_blackhole]++;
			drop_out[nb_drop++] = e.pkt;
		} else {
			w->c[WANEM_C_out_packets]++;
			w->c[WANEM_C_out_bytes] += e.len;
			tx[nb_tx++] = e.pkt;
		}
	}
	*n_drop = nb_drop;
	return nb_tx;
}

uint64_t wanem_next_event_us(const struct wanem *w)
{
	uint64_t t = UINT64_MAX;

	if (w->heap_count > 0)
		t = w->heap[0].depart_us;
	if (w->fifo_count > 0)
		t = RTE_MIN(t, w->p.rate_bps == 0 ? w->tb_us : fifo_head_ready_us(w));
	return t;
}

unsigned int wanem_flush(struct wanem *w, void **pkts, unsigned int n)
{
	unsigned int k = 0;

	while (k < n && w->fifo_count > 0) {
		struct wanem_entry *e = &w->fifo[w->fifo_head];
		pkts[k++] = e->pkt;
		w->fifo_bytes -= e->len;
		w->fifo_count--;
		w->fifo_head = w->fifo_head + 1 == w->cap ? 0 : w->fifo_head + 1;
	}
	while (k < n && w->heap_count > 0)
		pkts[k++] = w->heap[--w->heap_count].pkt; /* the last leaf: heap order is kept */
	return k;
}

int wanem_set_params(struct wanem *w, const struct wanem_params *p, uint64_t now_us)
{
	bool was_limited = w->p.rate_bps != 0;
	struct wanem_params np = *p;
	const char *why;

	np.max_packets = w->p.max_packets;
	np.seed = w->p.seed;
	if (wanem_params_check(&np, &why) != 0) {
		WANEM_LOG(ERR, "%s: %s", w->name, why);
		return -EINVAL;
	}
	/* Everything that left the bottleneck before now_us left at the old rate. */
	fifo_service(w, now_us);
	w->p = np;
	if (!was_limited) {
		/* The bucket starts full, as at creation. */
		w->tokens = bucket_depth(w);
		w->tb_us = now_us;
	} else {
		w->tokens = RTE_MIN(w->tokens, bucket_depth(w));
	}
	/* A lifted limit or a bigger bucket may let queued packets go at once. */
	fifo_service(w, now_us);
	return 0;
}

void wanem_get_params(const struct wanem *w, struct wanem_params *p)
{
	*p = w->p;
}

void wanem_set_down(struct wanem *w, bool down)
{
	w->p.down = down;
}

void wanem_stats_get(const struct wanem *w, struct wanem_stats *s)
{
	memcpy(s->c, w->c, sizeof(s->c));
	s->queue_packets = w->fifo_count;
	s->queue_bytes = w->fifo_bytes;
	s->delay_line_packets = w->heap_count;
}
