/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_prefetch.h>

#include "flow.h"
#include "flow_private.h"

#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif

RTE_LOG_REGISTER(flow_logtype, pepgw.flow, NOTICE);

#define FLOW_NAME_MAX     24
#define FLOW_MIN_CAPACITY 8
#define FLOW_US_PER_S     UINT64_C(1000000)
#define IPPROTO_TCP_NUM   6
#define FLOW_BULK         64 /* packets looked up together in flow_classify_burst */

/*
 * The index: open addressing with linear probing over a power-of-two array of at least twice
 * the capacity (load <= 1/2, so probes stay short), each slot the key's 32-bit hash and the
 * entry index + 1 (0 = empty). A lookup reads one slot line, then the entry (key in its
 * second line, counters in its first); deletion shifts the following slots back (no
 * tombstones), so lookups never slow down with churn. Entries come from a free stack: the
 * table holds exactly capacity flows whatever their hashes.
 */
struct flow_slot {
	uint32_t sig;
	uint32_t idx1; /* entry index + 1; 0 = empty */
};

struct flow_table {
	struct flow_slot *slots;
	uint32_t mask; /* slots - 1 */
	struct flow_entry *entries;
	uint32_t *free_idx; /* stack of unused entry indexes */
	uint32_t n_free;
	uint32_t capacity;
	uint32_t count;
	uint32_t cursor; /* next slot flow_table_age() examines */
	uint64_t tcp_idle_us;
	uint64_t idle_us;
	flow_expire_cb on_expire;
	void *on_expire_arg;
	const struct rte_memzone *name_mz; /* holds the name: a second table by it is EEXIST */
};

static inline bool key_eq(const struct flow_key *a, const struct flow_key *b)
{
#if defined(__SSE4_1__)
	/* Three 16-byte compares, one test: ~10 instructions instead of a 6-step loop. */
	const __m128i *x = (const __m128i *)a, *y = (const __m128i *)b;
	__m128i d = _mm_or_si128(
	        _mm_xor_si128(_mm_loadu_si128(x), _mm_loadu_si128(y)),
	        _mm_or_si128(_mm_xor_si128(_mm_loadu_si128(x + 1), _mm_loadu_si128(y + 1)),
	                     _mm_xor_si128(_mm_loadu_si128(x + 2), _mm_loadu_si128(y + 2))));
	return _mm_testz_si128(d, d);
#else
	uint64_t x[6], y[6], d = 0;
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	for (unsigned int i = 0; i < 6; i++)
		d |= x[i] ^ y[i];
	return d == 0;
#endif
}

/* Slot holding key (hash sig), or the empty slot where it would go: probe from the home. */
static inline uint32_t probe(const struct flow_table *t, const struct flow_key *key, uint32_t sig,
                             uint32_t i)
{
	for (;;) {
		const struct flow_slot *s = &t->slots[i];
		if (s->idx1 == 0 || (s->sig == sig && key_eq(&t->entries[s->idx1 - 1].key, key)))
			return i;
		i = (i + 1) & t->mask;
	}
}

/* Entry index of key, or -1. */
static inline int32_t index_lookup(const struct flow_table *t, const struct flow_key *key,
                                   uint32_t sig)
{
	const struct flow_slot *s = &t->slots[probe(t, key, sig, sig & t->mask)];
	return s->idx1 ? (int32_t)(s->idx1 - 1) : -1;
}

/* Remove entry index idx (hash sig) from the index, shifting later slots of its run back. */
static void index_delete(struct flow_table *t, uint32_t sig, uint32_t idx)
{
	uint32_t i = sig & t->mask;
	while (t->slots[i].idx1 != idx + 1) {
		if (t->slots[i].idx1 == 0)
			return; /* not indexed: cannot happen */
		i = (i + 1) & t->mask;
	}
	/* Knuth 6.4 algorithm R: refill the hole with the next slot whose home allows it. */
	uint32_t j = i;
	for (;;) {
		j = (j + 1) & t->mask;
		if (t->slots[j].idx1 == 0)
			break;
		uint32_t home = t->slots[j].sig & t->mask;
		/* Leave slot j where it is when its home lies cyclically in (i, j]. */
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (stays)
			continue;
		t->slots[i] = t->slots[j];
		i = j;
	}
	t->slots[i].idx1 = 0;
	t->slots[i].sig = 0;
}

struct flow_table *flow_table_create(const struct flow_table_params *p)
{
	char hname[RTE_MEMZONE_NAMESIZE];
	struct flow_table *t;

	if (p == NULL || p->name == NULL || strlen(p->name) > FLOW_NAME_MAX ||
	    p->capacity < FLOW_MIN_CAPACITY || p->capacity > (UINT32_MAX >> 2)) {
		rte_errno = EINVAL;
		return NULL;
	}
	snprintf(hname, sizeof(hname), "flow_%s", p->name);
	t = rte_zmalloc_socket("flow_table", sizeof(*t), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->name_mz = rte_memzone_reserve(hname, RTE_CACHE_LINE_SIZE, p->socket_id, 0);
	if (t->name_mz == NULL) {
		int err = rte_errno;
		rte_free(t);
		rte_errno = err == EEXIST ? EEXIST : ENOMEM;
		return NULL;
	}
	uint32_t n_slots = rte_align32pow2(p->capacity * 2);
	t->mask = n_slots - 1;
	t->slots = rte_zmalloc_socket("flow_slots", (size_t)n_slots * sizeof(t->slots[0]),
	                              RTE_CACHE_LINE_SIZE, p->socket_id);
	t->entries = rte_zmalloc_socket("flow_entries", (size_t)p->capacity * sizeof(t->entries[0]),
	                                RTE_CACHE_LINE_SIZE, p->socket_id);
	t->free_idx = rte_malloc_socket("flow_free", (size_t)p->capacity * sizeof(t->free_idx[0]),
	                                0, p->socket_id);
	if (t->slots == NULL || t->entries == NULL || t->free_idx == NULL) {
		FLOW_LOG(ERR, "table %s: no memory for %u entries", p->name, p->capacity);
		flow_table_free(t);
		rte_errno = ENOMEM;
		return NULL;
	}
	/* Lowest indexes first: a small population stays in few cache lines. */
	for (uint32_t i = 0; i < p->capacity; i++)
		t->free_idx[i] = p->capacity - 1 - i;
	t->n_free = p->capacity;
	t->capacity = p->capacity;
	t->tcp_idle_us = (uint64_t)p->tcp_idle_timeout_s * FLOW_US_PER_S;
	t->idle_us = (uint64_t)p->idle_timeout_s * FLOW_US_PER_S;
	t->on_expire = p->on_expire;
	t->on_expire_arg = p->on_expire_arg;
	FLOW_LOG(DEBUG, "table %s: %u entries, %u index slots", p->name, p->capacity, t->mask + 1);
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	rte_free(t->slots);
	rte_free(t->entries);
	rte_free(t->free_idx);
	rte_memzone_free(t->name_mz);
	rte_free(t);
}

uint32_t flow_table_count(const struct flow_table *t)
{
	return t->count;
}

uint32_t flow_table_capacity(const struct flow_table *t)
{
	return t->capacity;
}

struct flow_entry *flow_table_lookup(struct flow_table *t, const struct flow_key *key)
{
	int32_t pos = index_lookup(t, key, flow_key_hash(key, sizeof(*key), 0));

	return pos < 0 ? NULL : &t->entries[pos];
}

static void entry_init(struct flow_entry *e, const struct flow_key *key, int rule_idx,
                       const struct flow_action *act, uint8_t orig_side, uint64_t now_us)
{
	memset(e, 0, sizeof(*e));
	e->key = *key;
	e->act = *act;
	e->rule = (int16_t)rule_idx;
	e->orig_side = orig_side;
	e->in_use = 1;
	e->conn = FLOW_CONN_NONE;
	e->created_us = now_us;
	e->last_seen_us = now_us;
}

/* Insert with a precomputed hash; the existing entry if key is present. NULL when full. */
static struct flow_entry *table_insert(struct flow_table *t, const struct flow_key *key,
                                       uint32_t sig, int rule_idx, const struct flow_action *act,
                                       uint8_t orig_side, uint64_t now_us, int *created)
{
	uint32_t i = probe(t, key, sig, sig & t->mask);
	struct flow_entry *e;

	*created = 0;
	if (t->slots[i].idx1 != 0)
		return &t->entries[t->slots[i].idx1 - 1];
	if (t->n_free == 0) {
		rte_errno = ENOSPC;
		return NULL;
	}
	uint32_t idx = t->free_idx[--t->n_free];
	t->slots[i].sig = sig;
	t->slots[i].idx1 = idx + 1;
	e = &t->entries[idx];
	entry_init(e, key, rule_idx, act, orig_side, now_us);
	t->count++;
	*created = 1;
	return e;
}

struct flow_entry *flow_table_add(struct flow_table *t, const struct flow_key *key, int rule_idx,
                                  const struct flow_action *act, uint8_t orig_side, uint64_t now_us)
{
	int created;

	if (t == NULL || key == NULL || act == NULL || orig_side > 1 ||
	    rule_idx < FLOW_RULE_DEFAULT || rule_idx > INT16_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	return table_insert(t, key, flow_key_hash(key, sizeof(*key), 0), rule_idx, act, orig_side,
	                    now_us, &created);
}

static void entry_remove(struct flow_table *t, struct flow_entry *e)
{
	uint32_t idx = (uint32_t)(e - t->entries);
	index_delete(t, flow_key_hash(&e->key, sizeof(e->key), 0), idx);
	e->in_use = 0;
	t->free_idx[t->n_free++] = idx;
	t->count--;
}

static int entry_of_table(const struct flow_table *t, const struct flow_entry *e)
{
	uintptr_t off;

	if (e < t->entries || e >= t->entries + t->capacity)
		return 0;
	off = (uintptr_t)e - (uintptr_t)t->entries;
	return off % sizeof(*e) == 0 && e->in_use;
}

int flow_table_remove(struct flow_table *t, struct flow_entry *e)
{
	if (t == NULL || e == NULL || !entry_of_table(t, e))
		return -ENOENT;
	entry_remove(t, e);
	return 0;
}

static void entry_expire(struct flow_table *t, struct flow_entry *e)
{
	if (t->on_expire != NULL)
		t->on_expire(e, t->on_expire_arg);
	entry_remove(t, e);
}

void flow_table_flush(struct flow_table *t)
{
	for (uint32_t i = 0; i < t->capacity && t->count > 0; i++)
		if (t->entries[i].in_use)
			entry_expire(t, &t->entries[i]);
	t->cursor = 0;
}

unsigned int flow_table_age(struct flow_table *t, uint64_t now_us, unsigned int max_scan)
{
	unsigned int expired = 0;
	uint32_t cur = t->cursor;

	if (max_scan > t->capacity)
		max_scan = t->capacity;
	for (unsigned int i = 0; i < max_scan; i++) {
		struct flow_entry *e = &t->entries[cur];

		if (++cur == t->capacity)
			cur = 0;
		if (!e->in_use)
			continue;
		uint64_t limit = e->key.proto == IPPROTO_TCP_NUM ? t->tcp_idle_us : t->idle_us;
		/* A clock behind last_seen (caller's origin changed) counts as not idle. */
		if (now_us > e->last_seen_us && now_us - e->last_seen_us > limit) {
			entry_expire(t, e);
			expired++;
		}
	}
	t->cursor = cur;
	return expired;
}

/*
 * Rule counters of a burst: consecutive packets of the same rule (the common case: a burst is
 * mostly one or two rules) are summed in registers and added to the lcore's array when the
 * rule changes and at the end of the burst, instead of a read-modify-write per packet.
 */
struct rule_acc {
	struct flow_rule_counters *c; /* may be NULL: nothing counted */
	int rule;
	uint64_t packets, bytes, flows, table_full;
};

static inline void rule_acc_flush(struct rule_acc *a)
{
	if (a->packets == 0 || a->c == NULL)
		return;
	uint64_t *s = a->c[flow_rule_slot(a->rule)].c;
	s[FLOW_RC_packets] += a->packets;
	s[FLOW_RC_bytes] += a->bytes;
	s[FLOW_RC_flows] += a->flows;
	s[FLOW_RC_table_full] += a->table_full;
	a->packets = a->bytes = a->flows = a->table_full = 0;
}

/* created: the packet made a flow entry; full: it found none and the table had no room. */
static inline void count_packet(struct rule_acc *a, int rule, uint32_t bytes, int created, int full)
{
	if (unlikely(rule != a->rule)) {
		rule_acc_flush(a);
		a->rule = rule;
	}
	a->packets++;
	a->bytes += bytes;
	a->flows += (uint64_t)created;
	a->table_full += (uint64_t)full;
}

static inline void entry_hit(struct flow_entry *e, struct flow_result *res, int side,
                             uint32_t bytes, uint64_t now_us)
{
	uint8_t dir = (uint8_t)side ^ e->orig_side;

	e->last_seen_us = now_us;
	e->packets[dir]++;
	e->bytes[dir] += bytes;
	res->entry = e;
	res->act = &e->act;
	res->rule = e->rule;
	res->dir = dir;
}

unsigned int flow_classify_burst(struct flow_table *t, const struct flow_rules *r,
                                 const struct flow_pkt_info *pkts, unsigned int n, uint64_t now_us,
                                 struct flow_result *out, struct flow_rule_counters *counters,
                                 unsigned int *n_full)
{
	struct flow_key keys[FLOW_BULK];
	const struct flow_key *kp[FLOW_BULK]; /* the packet's own key (KEYED) or keys[] */
	uint32_t sig[FLOW_BULK];
	int32_t pos[FLOW_BULK];
	int8_t side[FLOW_BULK];
	unsigned int created_total = 0, full = 0;
	struct rule_acc acc = {.c = counters, .rule = FLOW_RULE_DEFAULT};

	for (unsigned int base = 0; base < n; base += FLOW_BULK) {
		unsigned int m = RTE_MIN(n - base, (unsigned int)FLOW_BULK);
		unsigned int nk = 0;
		uint8_t ki[FLOW_BULK]; /* packet -> key index, or 0xff */

		/* Keys and hashes; start loading every home slot. */
		for (unsigned int i = 0; i < m; i++) {
			const struct flow_pkt_info *p = &pkts[base + i];
			int s;
			if (likely(p->flags & FLOW_PKT_F_KEYED)) {
				kp[nk] = &p->key;
				sig[nk] = p->sig;
				s = p->side;
			} else {
				s = flow_key_make_sig(&keys[nk], &p->m, &sig[nk]);
				kp[nk] = &keys[nk];
			}
			if (s < 0) {
				ki[i] = UINT8_MAX;
				continue;
			}
			rte_prefetch0(&t->slots[sig[nk] & t->mask]);
			side[nk] = (int8_t)s;
			ki[i] = (uint8_t)nk++;
		}
		/*
		 * First slot whose hash matches (or the empty one ending the run): the likely
		 * entry, whose two lines (key, counters) are loaded for all keys at once before
		 * any key is compared.
		 */
		uint32_t cand[FLOW_BULK];
		for (unsigned int k = 0; k < nk; k++) {
			uint32_t i = sig[k] & t->mask;
			while (t->slots[i].idx1 != 0 && t->slots[i].sig != sig[k])
				i = (i + 1) & t->mask;
			cand[k] = i;
			if (t->slots[i].idx1 != 0) {
				const struct flow_entry *e = &t->entries[t->slots[i].idx1 - 1];
				rte_prefetch0(e);
				rte_prefetch0(&e->key);
			}
		}
		for (unsigned int k = 0; k < nk; k++) {
			const struct flow_slot *sl = &t->slots[cand[k]];
			if (sl->idx1 == 0) {
				pos[k] = -1;
			} else if (likely(key_eq(&t->entries[sl->idx1 - 1].key, kp[k]))) {
				pos[k] = (int32_t)(sl->idx1 - 1);
			} else {
				/* Same 32-bit hash, another key: walk the rest of the run. */
				pos[k] = index_lookup(t, kp[k], sig[k]);
			}
		}

		for (unsigned int i = 0; i < m; i++) {
			const struct flow_pkt_info *p = &pkts[base + i];
			struct flow_result *res = &out[base + i];
			struct flow_entry *e = NULL;
			unsigned int k = ki[i];
			int created = 0;

			res->created = 0;
			res->undecided = 0;
			if (k != UINT8_MAX && pos[k] >= 0) {
				e = &t->entries[pos[k]];
				if (unlikely(p->flags & FLOW_PKT_F_PEEK)) {
					res->entry = e;
					res->act = &e->act;
					res->rule = e->rule;
					res->dir = (uint8_t)side[k] ^ e->orig_side;
					continue;
				}
			} else {
				int rule = flow_rules_match(r, &p->m);
				const struct flow_action *act = flow_rules_action(r, rule);

				if (unlikely((p->flags & (FLOW_PKT_F_DEFER | FLOW_PKT_F_PEEK)) ||
				             (act->flags & FLOW_ACT_F_DEFER))) {
					res->entry = NULL;
					res->act = act;
					res->rule = (int16_t)rule;
					res->dir = FLOW_DIR_ORIG;
					res->undecided = 1;
					if (!(p->flags & FLOW_PKT_F_PEEK))
						count_packet(&acc, rule, p->bytes, 0, 0);
					continue;
				}
				if (k != UINT8_MAX)
					e = table_insert(t, kp[k], sig[k], rule, act,
					                 (uint8_t)side[k], now_us, &created);
				if (e == NULL) {
					/* No entry: act by rule, never fail the packet. */
					res->entry = NULL;
					res->act = act;
					res->rule = (int16_t)rule;
					res->dir = FLOW_DIR_ORIG;
					count_packet(&acc, rule, p->bytes, 0, k != UINT8_MAX);
					full += k != UINT8_MAX;
					continue;
				}
			}
			entry_hit(e, res, side[k], p->bytes, now_us);
			res->created = (uint8_t)created;
			created_total += (unsigned int)created;
			count_packet(&acc, e->rule, p->bytes, created, 0);
		}
	}
	rule_acc_flush(&acc);
	if (n_full != NULL)
		*n_full = full;
	return created_total;
}

struct flow_entry *flow_decide(struct flow_table *t, const struct flow_pkt_info *p,
                               struct flow_result *res, struct flow_rule_counters *counters,
                               uint64_t now_us)
{
	struct flow_key key;
	uint32_t sig;
	int created;

	if (t == NULL || p == NULL || res == NULL || !res->undecided) {
		rte_errno = EINVAL;
		return NULL;
	}
	int side = flow_key_make_sig(&key, &p->m, &sig);
	if (side < 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct flow_entry *e =
	        table_insert(t, &key, sig, res->rule, res->act, (uint8_t)side, now_us, &created);
	uint64_t *c = counters != NULL ? counters[flow_rule_slot(res->rule)].c : NULL;
	if (e == NULL) {
		if (c != NULL)
			c[FLOW_RC_table_full]++;
		rte_errno = ENOSPC;
		return NULL;
	}
	entry_hit(e, res, side, p->bytes, now_us);
	res->created = (uint8_t)created;
	res->undecided = 0;
	if (c != NULL && created)
		c[FLOW_RC_flows]++;
	return e;
}

/* A hit must touch one cache line of its entry (see struct flow_entry). */
_Static_assert(offsetof(struct flow_entry, bytes) + sizeof(((struct flow_entry *)0)->bytes) <=
                       RTE_CACHE_LINE_MIN_SIZE,
               "flow_entry hot fields exceed the first cache line");
_Static_assert(sizeof(struct flow_key) == 48, "flow_key is compared as six 8-byte words");
