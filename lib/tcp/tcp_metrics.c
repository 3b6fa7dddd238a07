/* SPDX-License-Identifier: BSD-3-Clause */
/* The congestion metrics cache: a set-associative table with LRU per set (tcp_metrics.h). */
#include "tcp_metrics.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

static uint32_t sets_for(uint32_t entries)
{
	uint32_t sets = 1;
	while (sets * 2 <= entries / TCP_METRICS_WAYS)
		sets *= 2;
	return sets;
}

uint32_t tcp_metrics_slots(uint32_t entries)
{
	return sets_for(entries) * TCP_METRICS_WAYS;
}

int tcp_metrics_init(struct tcp_metrics *m, struct tcp_metrics_entry *slots, uint32_t entries)
{
	if (m == NULL || slots == NULL || entries == 0)
		return -EINVAL;
	m->e = slots;
	m->set_mask = sets_for(entries) - 1;
	memset(slots, 0, sizeof(*slots) * tcp_metrics_slots(entries));
	return 0;
}

/* The first entry of key's set (a 64-bit mix of address and profile, MurmurHash3's finalizer). */
static struct tcp_metrics_entry *set_of(const struct tcp_metrics *m,
                                        const struct tcp_metrics_key *k)
{
	uint64_t h = k->profile * 0x9e3779b97f4a7c15ull ^ k->raddr;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return &m->e[(h & m->set_mask) * TCP_METRICS_WAYS];
}

static bool live(const struct tcp_metrics_entry *e, uint64_t now_us, uint64_t max_age_us)
{
	return e->stored_us != 0 && now_us - e->stored_us < max_age_us;
}

static bool same(const struct tcp_metrics_key *a, const struct tcp_metrics_key *b)
{
	return a->raddr == b->raddr && a->profile == b->profile;
}

bool tcp_metrics_lookup(struct tcp_metrics *m, const struct tcp_metrics_key *key, uint64_t now_us,
                        uint64_t max_age_us, struct tcp_metrics_val *out)
{
	struct tcp_metrics_entry *set = set_of(m, key);
	for (unsigned int i = 0; i < TCP_METRICS_WAYS; i++) {
		struct tcp_metrics_entry *e = &set[i];
		if (e->stored_us == 0 || !same(&e->key, key))
			continue;
		if (!live(e, now_us, max_age_us)) {
			e->stored_us = 0; /* aged out (a newer entry for key may follow) */
			continue;
		}
		e->used_us = now_us;
		*out = e->val;
		return true;
	}
	return false;
}

/* key's live entry, else a free or aged one, else the least recently used of the set. */
static struct tcp_metrics_entry *slot_for(struct tcp_metrics *m, const struct tcp_metrics_key *key,
                                          uint64_t now_us, uint64_t max_age_us, bool *fresh)
{
	struct tcp_metrics_entry *set = set_of(m, key), *victim = NULL;
	for (unsigned int i = 0; i < TCP_METRICS_WAYS; i++) {
		struct tcp_metrics_entry *e = &set[i];
		bool ok = live(e, now_us, max_age_us);
		if (ok && same(&e->key, key)) {
			*fresh = false;
			return e;
		}
		if (!ok) {
			if (victim == NULL || victim->stored_us != 0)
				victim = e; /* free or aged: better than any live one */
		} else if (victim == NULL ||
		           (victim->stored_us != 0 && e->used_us < victim->used_us)) {
			victim = e;
		}
	}
	/* Another key's aged entry in the same set is reused as well as a free one. */
	*fresh = true;
	return victim;
}

void tcp_metrics_update(struct tcp_metrics *m, const struct tcp_metrics_key *key,
                        const struct tcp_metrics_sample *s, uint64_t now_us, uint64_t max_age_us)
{
	bool fresh;
	struct tcp_metrics_entry *e = slot_for(m, key, now_us, max_age_us, &fresh);
	struct tcp_metrics_val *v = &e->val;

	if (fresh) {
		memset(e, 0, sizeof(*e));
		e->key = *key;
		v->srtt_us = s->srtt_us;
		v->rttvar_us = s->rttvar_us;
	} else {
		/* Overestimating the RTO costs a little waiting; underestimating it costs
		 * spurious retransmissions: up at once, down slowly. */
		if (s->srtt_us >= v->srtt_us)
			v->srtt_us = s->srtt_us;
		else
			v->srtt_us -= (v->srtt_us - s->srtt_us) / 8;
		if (s->rttvar_us >= v->rttvar_us)
			v->rttvar_us = s->rttvar_us;
		else
			v->rttvar_us -= (v->rttvar_us - s->rttvar_us) / 4;
	}
	if (s->ssthresh_segs == 0) {
		/* Still in its first slow start: cwnd is a lower bound of what the path takes. */
		if (s->cwnd_segs > v->cwnd_segs)
			v->cwnd_segs = s->cwnd_segs;
		if (v->ssthresh_segs != 0 && s->cwnd_segs / 2 > v->ssthresh_segs)
			v->ssthresh_segs = s->cwnd_segs / 2;
	} else if (!s->in_recovery && s->cwnd_segs >= s->ssthresh_segs) {
		/* Congestion avoidance: cwnd is what the path held. */
		uint32_t half = s->cwnd_segs / 2;
		v->ssthresh_segs = half > s->ssthresh_segs ? half : s->ssthresh_segs;
		v->cwnd_segs = fresh ? s->cwnd_segs : (v->cwnd_segs + s->cwnd_segs) / 2;
	} else {
		/* Recovering, or in slow start after a loss: ssthresh is the better guess. */
		v->cwnd_segs = fresh ? s->ssthresh_segs : (v->cwnd_segs + s->ssthresh_segs) / 2;
		if (s->ssthresh_segs > v->ssthresh_segs)
			v->ssthresh_segs = s->ssthresh_segs;
	}
	e->stored_us = now_us ? now_us : 1;
	e->used_us = e->stored_us;
}

uint32_t tcp_metrics_count(const struct tcp_metrics *m)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < (m->set_mask + 1) * TCP_METRICS_WAYS; i++)
		n += m->e[i].stored_us != 0;
	return n;
}
