/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_prefetch.h>

#include "flow.h"
#include "flow_private.h"

RTE_LOG_REGISTER_DEFAULT(flow_logtype, NOTICE);

#define FLOW_NAME_MAX     24
#define FLOW_MIN_CAPACITY 8
#define FLOW_US_PER_S     UINT64_C(1000000)
#define IPPROTO_TCP_NUM   6

struct flow_table {
	struct rte_hash *h;
	struct flow_entry *entries; /* indexed by rte_hash key position */
	uint32_t capacity;
	uint32_t count;
	uint32_t cursor; /* next slot flow_table_age() examines */
	uint64_t tcp_idle_us;
	uint64_t idle_us;
	flow_expire_cb on_expire;
	void *on_expire_arg;
};

void flow_table_params_from_cfg(struct flow_table_params *p, const struct cfg_flows *cfg,
                                const char *name, int socket_id)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->capacity = cfg->table_size;
	p->tcp_idle_timeout_s = cfg->idle_timeout_s;
	p->idle_timeout_s = cfg->udp_idle_timeout_s;
	p->socket_id = socket_id;
}

struct flow_table *flow_table_create(const struct flow_table_params *p)
{
	char hname[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp;
	struct flow_table *t;

	if (p == NULL || p->name == NULL || strlen(p->name) > FLOW_NAME_MAX ||
	    p->capacity < FLOW_MIN_CAPACITY) {
		rte_errno = EINVAL;
		return NULL;
	}
	snprintf(hname, sizeof(hname), "flow_%s", p->name);
	if (rte_hash_find_existing(hname) != NULL) {
		rte_errno = EEXIST;
		return NULL;
	}
	t = rte_zmalloc_socket("flow_table", sizeof(*t), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	/*
	 * Single writer, single reader (the owning lcore): no concurrency flags, so deletes free
	 * the slot at once. The extendable bucket table lets the table hold exactly capacity
	 * keys whatever their hashes, so "full" means full.
	 */
	hp = (struct rte_hash_parameters){
	        .name = hname,
	        .entries = p->capacity,
	        .key_len = sizeof(struct flow_key),
	        .hash_func = flow_key_hash,
	        .hash_func_init_val = 0,
	        .socket_id = p->socket_id,
	        .extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	t->h = rte_hash_create(&hp);
	if (t->h == NULL) {
		int err = rte_errno;
		FLOW_LOG(ERR, "table %s: rte_hash_create: %s", p->name, rte_strerror(err));
		rte_free(t);
		rte_errno = err ? err : ENOMEM;
		return NULL;
	}
	t->entries = rte_zmalloc_socket("flow_entries", (size_t)p->capacity * sizeof(t->entries[0]),
	                                RTE_CACHE_LINE_SIZE, p->socket_id);
	if (t->entries == NULL) {
		rte_hash_free(t->h);
		rte_free(t);
		rte_errno = ENOMEM;
		return NULL;
	}
	t->capacity = p->capacity;
	t->tcp_idle_us = (uint64_t)p->tcp_idle_timeout_s * FLOW_US_PER_S;
	t->idle_us = (uint64_t)p->idle_timeout_s * FLOW_US_PER_S;
	t->on_expire = p->on_expire;
	t->on_expire_arg = p->on_expire_arg;
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
	rte_free(t->entries);
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
	int32_t pos = rte_hash_lookup(t->h, key);

	if (pos < 0 || (uint32_t)pos >= t->capacity)
		return NULL;
	return &t->entries[pos];
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

/* Insert with a precomputed hash. NULL when full (rte_errno ENOSPC). */
static struct flow_entry *table_insert(struct flow_table *t, const struct flow_key *key,
                                       hash_sig_t sig, int rule_idx, const struct flow_action *act,
                                       uint8_t orig_side, uint64_t now_us, int *created)
{
	int32_t pos = rte_hash_add_key_with_hash(t->h, key, sig);
	struct flow_entry *e;

	*created = 0;
	if (pos < 0) {
		rte_errno = -pos == ENOSPC ? ENOSPC : EINVAL;
		return NULL;
	}
	if ((uint32_t)pos >= t->capacity) {
		/* Cannot happen with the flags above; never index past the array if it does. */
		rte_hash_del_key_with_hash(t->h, key, sig);
		rte_errno = ENOSPC;
		return NULL;
	}
	e = &t->entries[pos];
	/* rte_hash returns the existing slot for a key already present. */
	if (e->in_use)
		return e;
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
	return table_insert(t, key, rte_hash_hash(t->h, key), rule_idx, act, orig_side, now_us,
	                    &created);
}

static void entry_remove(struct flow_table *t, struct flow_entry *e)
{
	rte_hash_del_key(t->h, &e->key);
	e->in_use = 0;
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
	uint64_t packets, bytes, flows;
};

static inline void rule_acc_flush(struct rule_acc *a)
{
	if (a->packets == 0 || a->c == NULL)
		return;
	struct flow_rule_counters *s = &a->c[flow_rule_slot(a->rule)];
	s->packets += a->packets;
	s->bytes += a->bytes;
	s->flows += a->flows;
	a->packets = a->bytes = a->flows = 0;
}

static inline void count_packet(struct rule_acc *a, int rule, uint32_t bytes, int created)
{
	if (unlikely(rule != a->rule)) {
		rule_acc_flush(a);
		a->rule = rule;
	}
	a->packets++;
	a->bytes += bytes;
	a->flows += (uint64_t)created;
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
	struct flow_key keys[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	hash_sig_t sig[RTE_HASH_LOOKUP_BULK_MAX];
	int32_t pos[RTE_HASH_LOOKUP_BULK_MAX];
	int8_t side[RTE_HASH_LOOKUP_BULK_MAX];
	unsigned int created_total = 0, full = 0;
	struct rule_acc acc = {.c = counters, .rule = FLOW_RULE_DEFAULT};

	for (unsigned int base = 0; base < n; base += RTE_HASH_LOOKUP_BULK_MAX) {
		unsigned int m = RTE_MIN(n - base, (unsigned int)RTE_HASH_LOOKUP_BULK_MAX);
		unsigned int nk = 0;
		uint8_t ki[RTE_HASH_LOOKUP_BULK_MAX]; /* packet -> key index, or 0xff */

		for (unsigned int i = 0; i < m; i++) {
			int s = flow_key_make_sig(&keys[nk], &pkts[base + i].m, &sig[nk]);
			if (s < 0) {
				ki[i] = UINT8_MAX;
				continue;
			}
			side[nk] = (int8_t)s;
			kp[nk] = &keys[nk];
			ki[i] = (uint8_t)nk++;
		}
		if (nk > 0)
			rte_hash_lookup_with_hash_bulk(t->h, kp, sig, nk, pos);
		/* The entries are a cold random access each: start all the loads at once. */
		for (unsigned int k = 0; k < nk; k++)
			if (pos[k] >= 0 && (uint32_t)pos[k] < t->capacity)
				rte_prefetch0(&t->entries[pos[k]]);

		for (unsigned int i = 0; i < m; i++) {
			const struct flow_pkt_info *p = &pkts[base + i];
			struct flow_result *res = &out[base + i];
			struct flow_entry *e = NULL;
			unsigned int k = ki[i];
			int created = 0;

			res->created = 0;
			if (k != UINT8_MAX && pos[k] >= 0 && (uint32_t)pos[k] < t->capacity) {
				e = &t->entries[pos[k]];
			} else {
				int rule = flow_rules_match(r, &p->m);
				const struct flow_action *act = flow_rules_action(r, rule);

				if (k != UINT8_MAX)
					e = table_insert(t, &keys[k], sig[k], rule, act,
					                 (uint8_t)side[k], now_us, &created);
				if (e == NULL) {
					/* No entry: act by rule, never fail the packet. */
					res->entry = NULL;
					res->act = act;
					res->rule = (int16_t)rule;
					res->dir = FLOW_DIR_ORIG;
					count_packet(&acc, rule, p->bytes, 1);
					full += k != UINT8_MAX;
					continue;
				}
			}
			entry_hit(e, res, side[k], p->bytes, now_us);
			res->created = (uint8_t)created;
			created_total += (unsigned int)created;
			count_packet(&acc, e->rule, p->bytes, created);
		}
	}
	rule_acc_flush(&acc);
	if (n_full != NULL)
		*n_full = full;
	return created_total;
}

/* A hit must touch one cache line of its entry (see struct flow_entry). */
_Static_assert(offsetof(struct flow_entry, bytes) + sizeof(((struct flow_entry *)0)->bytes) <=
                       RTE_CACHE_LINE_MIN_SIZE,
               "flow_entry hot fields exceed the first cache line");
_Static_assert(sizeof(struct flow_key) == 48, "flow_key must stay 48 bytes (rte_hash k48 compare)");
