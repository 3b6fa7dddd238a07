/* SPDX-License-Identifier: BSD-3-Clause */
#include "bond_sched.h"
#include "bond_path_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>

#define NS_PER_US            1000ull
#define NS_PER_S             1000000000ull
#define PROBE_GAIN_MIN_PCT   100
#define PROBE_GAIN_MAX_PCT   400
/* The modelled queue is kept within this above the queue the peer last measured. */
#define MODEL_SLACK_NS       25000000ull
/* Probe above the estimate only while the modelled queue is shorter than this. */
#define PROBE_BACKLOG_MAX_NS 10000000ull
#define SMALL_COPY_MAX_BYTES 1500

struct sched_link {
	struct bond_link_view v;
	/* DYNAMIC: the modelled bottleneck is busy sending until busy_ns (scheduler time, ns). */
	uint64_t busy_ns;
	uint64_t queue_absorbed_at_us; /* the last peer measurement folded into busy_ns */
	/* WEIGHTED: bytes sent divided by the link's weight, in ns at that rate. */
	uint64_t vfinish;
};

struct bond_sched {
	char name[32];
	enum bond_sched_kind kind;
	unsigned int n_links;
	uint64_t default_rate_bps;
	uint32_t probe_gain_pct;
	uint32_t small_copy_bytes; /* 0: never */
	unsigned int rr_next;
	struct sched_link link[BOND_LINKS_MAX];
	struct bond_sched_stats st;
};

static const char *const kind_names[BOND_SCHED_KIND_MAX] = {
        [BOND_SCHED_ROUND_ROBIN] = "round_robin", [BOND_SCHED_WEIGHTED] = "weighted",
        [BOND_SCHED_DYNAMIC] = "dynamic",         [BOND_SCHED_ACTIVE_BACKUP] = "active_backup",
        [BOND_SCHED_DUPLICATE] = "duplicate",
};

const char *bond_sched_kind_name(enum bond_sched_kind kind)
{
	return (unsigned int)kind < BOND_SCHED_KIND_MAX ? kind_names[kind] : NULL;
}

int bond_sched_kind_from_name(const char *name)
{
	for (int k = 0; name != NULL && k < BOND_SCHED_KIND_MAX; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -EINVAL;
}

/* Rates are kept in [1 kbit/s, 1 Tbit/s]: no division by zero, no overflow on a gain. */
static uint64_t sane_rate(uint64_t bps)
{
	return RTE_MIN(RTE_MAX(bps, BOND_SCHED_RATE_MIN_BPS), BOND_SCHED_RATE_MAX_BPS);
}

struct bond_sched *bond_sched_create(const char *name, const struct bond_sched_params *p)
{
	struct bond_sched *s;

	if (p == NULL || (unsigned int)p->kind >= BOND_SCHED_KIND_MAX || p->n_links == 0 ||
	    p->n_links > BOND_LINKS_MAX ||
	    (p->probe_gain_pct != 0 &&
	     (p->probe_gain_pct < PROBE_GAIN_MIN_PCT || p->probe_gain_pct > PROBE_GAIN_MAX_PCT)) ||
	    p->small_copy_bytes > SMALL_COPY_MAX_BYTES) {
		rte_errno = EINVAL;
		return NULL;
	}
	/* Built once per bond profile at start-up, never on the data path. */
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "%s", name != NULL ? name : "bond");
	s->kind = p->kind;
	s->n_links = p->n_links;
	s->default_rate_bps =
	        sane_rate(p->default_rate_bps ? p->default_rate_bps : BOND_SCHED_DEFAULT_RATE_BPS);
	s->probe_gain_pct =
	        p->probe_gain_pct ? p->probe_gain_pct : BOND_SCHED_DEFAULT_PROBE_GAIN_PCT;
	s->small_copy_bytes = p->small_copy_bytes == 0  ? BOND_SCHED_DEFAULT_SMALL_COPY_BYTES
	                      : p->small_copy_bytes < 0 ? 0
	                                                : (uint32_t)p->small_copy_bytes;
	BOND_LOG(DEBUG, "%s: %s scheduler over %u links", s->name, kind_names[s->kind], s->n_links);
	return s;
}

void bond_sched_free(struct bond_sched *s)
{
	free(s);
}

/* The rate DYNAMIC assumes for a link's bottleneck at now_ns. */
static uint64_t model_rate_bps(const struct bond_sched *s, const struct sched_link *l,
                               uint64_t now_ns)
{
	if (l->v.rate_bps != 0)
		return sane_rate(l->v.rate_bps);
	if (l->v.rate_est_bps == 0)
		return s->default_rate_bps;
	/*
	 * An estimate is what the link delivered of what it was given; while no queue shows, the
	 * link may carry more, so offer it more (BBR's probing, per link) - at the edge only: a
	 * long modelled queue at an overestimated rate would overflow the real one.
	 */
	if (!l->v.saturated && l->busy_ns < now_ns + PROBE_BACKLOG_MAX_NS)
		return sane_rate(l->v.rate_est_bps) * s->probe_gain_pct / 100;
	return sane_rate(l->v.rate_est_bps);
}

/* WEIGHTED's share: the configured rate, else the estimate, else the default. */
static uint64_t weight_bps(const struct bond_sched *s, const struct sched_link *l)
{
	if (l->v.rate_bps != 0)
		return sane_rate(l->v.rate_bps);
	return l->v.rate_est_bps != 0 ? sane_rate(l->v.rate_est_bps) : s->default_rate_bps;
}

static uint64_t tx_ns(uint32_t bytes, uint64_t rate_bps)
{
	return (uint64_t)bytes * 8 * NS_PER_S / rate_bps;
}

int bond_sched_set_links(struct bond_sched *s, const struct bond_link_view *views, unsigned int n)
{
	uint64_t vmin = UINT64_MAX;

	if (views == NULL || n != s->n_links)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (s->link[i].v.usable && views[i].usable)
			vmin = RTE_MIN(vmin, s->link[i].vfinish);
	for (unsigned int i = 0; i < n; i++) {
		struct sched_link *l = &s->link[i];
		bool was_usable = l->v.usable;

		l->v = views[i];
		if (!l->v.usable)
			continue;
		if (!was_usable) {
			/* Back from down: nothing queued on it, no fairness debt to repay. */
			l->busy_ns = 0;
			l->vfinish = vmin != UINT64_MAX ? vmin : 0;
		}
		if (l->v.queue_at_us > l->queue_absorbed_at_us) {
			/*
			 * The peer measured the standing queue: the model may not stray far from
			 * it. Above it by more than the slack, the model counted packets the link
			 * dropped or underrated the link; below it, it overrated the link.
			 */
			uint64_t at = l->v.queue_at_us * NS_PER_US + l->v.queue_us * NS_PER_US;

			l->busy_ns = RTE_MIN(RTE_MAX(l->busy_ns, at), at + MODEL_SLACK_NS);
			l->queue_absorbed_at_us = l->v.queue_at_us;
		}
	}
	return 0;
}

static uint64_t arrival_ns(const struct bond_sched *s, const struct sched_link *l, uint32_t bytes,
                           uint64_t now_ns)
{
	uint64_t start = RTE_MAX(now_ns, l->busy_ns);

	return start - now_ns + tx_ns(bytes, model_rate_bps(s, l, now_ns)) +
	       (uint64_t)l->v.owd_rel_us * NS_PER_US;
}

static void account_model(struct bond_sched *s, unsigned int i, uint32_t bytes, uint64_t now_ns)
{
	struct sched_link *l = &s->link[i];

	l->busy_ns = RTE_MAX(now_ns, l->busy_ns) + tx_ns(bytes, model_rate_bps(s, l, now_ns));
}

/*
 * The usable links ranked by expected arrival, among those with priority <= max_prio; writes
 * at most `want` ids into out, best first. Ties go to the lower link id.
 */
static unsigned int rank_by_arrival(const struct bond_sched *s, uint32_t bytes, uint64_t now_ns,
                                    unsigned int max_prio, uint8_t *out, unsigned int want)
{
	uint64_t best[BOND_SCHED_MAX_COPIES];
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->n_links; i++) {
		const struct sched_link *l = &s->link[i];
		uint64_t a;
		unsigned int k;

		if (!l->v.usable || l->v.priority > max_prio)
			continue;
		a = arrival_ns(s, l, bytes, now_ns);
		/* insertion into the short sorted list */
		for (k = n; k > 0 && a < best[k - 1]; k--) {
			if (k < want) {
				best[k] = best[k - 1];
				out[k] = out[k - 1];
			}
		}
		if (k < want) {
			best[k] = a;
			out[k] = (uint8_t)i;
			if (n < want)
				n++;
		}
	}
	return n;
}

static int pick_weighted(struct bond_sched *s, uint32_t bytes, uint8_t *out)
{
	uint64_t best = UINT64_MAX;
	int chosen = -1;

	for (unsigned int i = 0; i < s->n_links; i++) {
		const struct sched_link *l = &s->link[i];
		uint64_t fin;

		if (!l->v.usable)
			continue;
		fin = l->vfinish + tx_ns(bytes, weight_bps(s, l));
		if (fin < best) {
			best = fin;
			chosen = (int)i;
		}
	}
	if (chosen < 0)
		return 0;
	s->link[chosen].vfinish = best;
	out[0] = (uint8_t)chosen;
	return 1;
}

static int pick_round_robin(struct bond_sched *s, uint8_t *out)
{
	for (unsigned int k = 0; k < s->n_links; k++) {
		unsigned int i = (s->rr_next + k) % s->n_links;

		if (s->link[i].v.usable) {
			s->rr_next = (i + 1) % s->n_links;
			out[0] = (uint8_t)i;
			return 1;
		}
	}
	return 0;
}

static unsigned int lowest_priority_value(const struct bond_sched *s)
{
	unsigned int p = UINT8_MAX;

	for (unsigned int i = 0; i < s->n_links; i++)
		if (s->link[i].v.usable)
			p = RTE_MIN(p, (unsigned int)s->link[i].v.priority);
	return p;
}

int bond_sched_pick(struct bond_sched *s, uint32_t bytes, uint64_t now_us,
                    uint8_t links[BOND_SCHED_MAX_COPIES])
{
	uint64_t now_ns = now_us * NS_PER_US;
	int n = 0;

	switch (s->kind) {
	case BOND_SCHED_ROUND_ROBIN:
		n = pick_round_robin(s, links);
		break;
	case BOND_SCHED_WEIGHTED:
		n = pick_weighted(s, bytes, links);
		break;
	case BOND_SCHED_DYNAMIC:
		n = (int)rank_by_arrival(s, bytes, now_ns, UINT8_MAX, links, 1);
		break;
	case BOND_SCHED_ACTIVE_BACKUP:
		n = (int)rank_by_arrival(s, bytes, now_ns, lowest_priority_value(s), links, 1);
		break;
	case BOND_SCHED_DUPLICATE:
		n = (int)rank_by_arrival(s, bytes, now_ns, UINT8_MAX, links, 2);
		break;
	default:
		break;
	}
	if (n == 0) {
		s->st.no_link++;
		return -ENETDOWN;
	}
	if (n == 1 && bytes <= s->small_copy_bytes && s->kind != BOND_SCHED_ACTIVE_BACKUP &&
	    s->kind != BOND_SCHED_DUPLICATE) {
		/* the other of the two links DYNAMIC ranks first */
		uint8_t best[BOND_SCHED_MAX_COPIES];
		unsigned int k = rank_by_arrival(s, bytes, now_ns, UINT8_MAX, best, 2);

		for (unsigned int i = 0; i < k && n == 1; i++)
			if (best[i] != links[0])
				links[n++] = best[i];
	}
	for (int k = 0; k < n; k++) {
		/* Every scheduler keeps the model current, so switching profiles starts sane. */
		account_model(s, links[k], bytes, now_ns);
		s->st.packets[links[k]]++;
		s->st.bytes[links[k]] += bytes;
	}
	s->st.copies += (uint64_t)(n - 1);
	return n;
}

uint64_t bond_sched_expected_arrival_us(const struct bond_sched *s, uint8_t link, uint32_t bytes,
                                        uint64_t now_us)
{
	if (link >= s->n_links || !s->link[link].v.usable)
		return UINT64_MAX;
	return arrival_ns(s, &s->link[link], bytes, now_us * NS_PER_US) / NS_PER_US;
}

void bond_sched_stats_get(const struct bond_sched *s, struct bond_sched_stats *st)
{
	*st = s->st;
}
