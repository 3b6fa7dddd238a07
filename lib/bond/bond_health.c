/* SPDX-License-Identifier: BSD-3-Clause */
#include "bond_health.h"
#include "bond_path_private.h"
#include "bond_reorder.h"
#include "bond_wire.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h> /* US_PER_S */
#include <rte_errno.h>

/* The same log type as the wire layer's (bond_wire.c), with the same default level. */
RTE_LOG_REGISTER(bond_path_logtype, pepgw.bond, NOTICE);

/* The path layer reads the wire header's fields: their widths must stay the same. */
static_assert(BOND_STAMP_MASK == BOND_TS_MASK, "sender stamp width differs from bond_wire.h");
static_assert(BOND_LINKS_MAX == BOND_MAX_LINKS, "link count differs from bond_wire.h");
static_assert(BOND_QUEUES_MAX == BOND_MAX_QUEUES, "queue count differs from bond_wire.h");
static_assert(BOND_FLOW_SEQ_MASK == UINT16_MAX, "flow sequence width differs from bond_wire.h");
static_assert(BOND_REORDER_DEFAULT_BUCKETS == BOND_MAX_QUEUES * BOND_WIRE_FLOW_BUCKETS,
              "reorder buckets: one per (sender queue, flow bucket)");

/* Base one-way delay: minimum over BASE_SLOTS slots of one second each. */
#define BASE_SLOTS                 10
/* A link that goes down within this long of coming up doubles its recovery hold. */
#define FLAP_WINDOW_US             10000000ull
/* Probability of "k probes in a row lost" below which silence means death. */
#define SILENCE_FALSE_ALARM        1e-6
/* During recovery, a gap longer than this many probe intervals (x2) starts it over. */
#define RECOVER_GAP_HALF_INTERVALS 5
/* A standing queue above this (plus twice the jitter) means the link ran at capacity. */
#define SATURATED_QUEUE_US         5000u
/* A rate sample counts at most this many bytes (keeps the arithmetic far from overflow). */
#define RATE_SAMPLE_MAX_BYTES      (1ull << 40)
/* Per-link sequence jumping back further than this: the peer restarted. */
#define SEQ_RESYNC_DISTANCE        65536
/* Reorder hold: delay spread + 2 x jitter + HOLD_MARGIN_US, at least HOLD_MIN_US. */
#define HOLD_MARGIN_US             2000u
#define HOLD_MIN_US                1000u
/* A probe body built less than this before the newest one taken in is stale (see input). */
#define STALE_US                   1000000u
/* A delay sample differing from the previous one by more is a clock jump, not jitter. */
#define JITTER_SAMPLE_MAX_US       1000000
/*
 * Loss: over the latest probe intervals that together expected LOSS_MIN_PACKETS packets, at
 * most LOSS_TICKS of them (a busy link is measured over ~1 s, an idle one over 10 s).
 */
#define LOSS_TICKS                 100
#define LOSS_MIN_PACKETS           1000

struct rx_dir {
	enum bond_link_state state;
	bool seen;
	bool ever_up;
	uint64_t packets;
	uint64_t bytes;
	uint64_t lost; /* inferred from the sequence streams */
	uint16_t queues_seen;
	uint64_t highest_seq[BOND_QUEUES_MAX]; /* per sender queue */
	uint64_t last_us;                      /* local time of the last arrival */
	uint32_t last_sender_ts;               /* echoed to the peer */
	uint32_t last_transit;
	uint32_t jitter16; /* RFC 3550 6.4.1 jitter, x16 */
	/* minimum one-way delay (raw) in the current and the previous probe interval */
	uint32_t owd_cur, owd_prev;
	uint32_t owd_cur_max, owd_prev_max; /* and the maximum, for the reorder hold */
	bool owd_cur_valid, owd_prev_valid;
	uint32_t base_min[BASE_SLOTS];
	uint64_t base_epoch[BASE_SLOTS]; /* second + 1 the slot holds; 0 = empty */
	uint32_t tick_expected, tick_lost;
	uint32_t hist_expected[LOSS_TICKS], hist_lost[LOSS_TICKS];
	unsigned int hist_pos;
	uint32_t loss_ppm;
	uint64_t tick_bytes_mark;
	uint64_t rate_bps;
	uint32_t silence_us; /* cached silence limit */
	uint32_t up_after_us;
	uint64_t recover_since_us; /* 0 = not recovering */
	uint64_t up_since_us;
	uint64_t downs, ups;
};

struct tx_dir {
	enum bond_link_state state;
	bool peer_rx_up;
	uint64_t packets;
	uint64_t bytes;
	bool measured; /* a report with delays arrived */
	uint32_t owd_base, owd_recent;
	uint32_t queue_us;
	uint64_t queue_at_us;
	bool saturated;
	uint32_t jitter_us;
	uint32_t loss_ppm;
	bool mark_valid;
	uint64_t mark_bytes;
	uint32_t mark_us; /* peer clock */
	uint64_t rate_est_bps;
	uint32_t srtt_us, rtt_min_us;
	uint64_t downs, ups;
};

struct hlink {
	struct bond_health_link_params cfg;
	struct rx_dir rx;
	struct tx_dir tx;
	uint64_t probes_tx, probes_rx;
};

struct bond_health {
	char name[32];
	struct bond_health_params p;
	unsigned int n_links;
	uint64_t next_probe_us;
	uint64_t epoch; /* now_us / 1 s at the last tick */
	bool urgent;    /* a state changed: probe every link at the next poll */
	bool any_report;
	uint64_t last_report_us;
	uint32_t newest_built_us; /* peer clock: build time of the newest body taken in */
	uint64_t generation;
	struct bond_health_stats st;
	struct hlink l[BOND_LINKS_MAX];
};

void bond_health_params_init(struct bond_health_params *p, uint8_t n_links)
{
	memset(p, 0, sizeof(*p));
	p->n_links = n_links;
	p->probe_interval_us = BOND_HEALTH_DEFAULT_PROBE_INTERVAL_US;
	p->down_after_min_us = BOND_HEALTH_DEFAULT_DOWN_AFTER_MIN_US;
	p->down_after_max_us = BOND_HEALTH_DEFAULT_DOWN_AFTER_MAX_US;
	p->up_after_us = BOND_HEALTH_DEFAULT_UP_AFTER_US;
	p->up_after_max_us = BOND_HEALTH_DEFAULT_UP_AFTER_MAX_US;
	p->first_up_after_us = BOND_HEALTH_DEFAULT_FIRST_UP_AFTER_US;
}

int bond_health_params_check(const struct bond_health_params *p, const char **why)
{
	const char *w = NULL;

	if (p->n_links < 1 || p->n_links > BOND_LINKS_MAX)
		w = "n_links: 1..16";
	else if (p->probe_interval_us < 10000 || p->probe_interval_us > 1000000)
		w = "probe_interval_us: 10000..1000000";
	else if (p->down_after_min_us < 2 * p->probe_interval_us)
		w = "down_after_min_us: at least 2 probe intervals";
	else if (p->down_after_max_us < p->down_after_min_us || p->down_after_max_us > 10000000)
		w = "down_after_max_us: down_after_min_us..10000000";
	else if (p->up_after_max_us > 60000000)
		w = "up_after_max_us: at most 60000000";
	else if (p->up_after_us < p->probe_interval_us || p->up_after_us > p->up_after_max_us)
		w = "up_after_us: probe_interval_us..up_after_max_us";
	else if (p->first_up_after_us > p->up_after_us)
		w = "first_up_after_us: 0..up_after_us";
	if (why != NULL)
		*why = w;
	return w != NULL ? -EINVAL : 0;
}

/*
 * Silence after which the peer's direction is dead: k probe intervals and a half, where k
 * probes in a row are lost by chance less than once in 10^6 at the measured loss, plus twice
 * the jitter; clamped to the profile's bounds.
 */
static uint32_t silence_limit_us(const struct bond_health *h, const struct rx_dir *rx)
{
	double p = rx->loss_ppm / 1e6;
	double k = 2;
	uint64_t lim;

	if (p >= 1.0)
		return h->p.down_after_max_us;
	if (p > 0) {
		k = ceil(log(SILENCE_FALSE_ALARM) / log(p));
		if (k < 2)
			k = 2;
		if (k > 1000)
			k = 1000;
	}
	lim = (uint64_t)((2 * k + 1) * h->p.probe_interval_us / 2) +
	      2 * (uint64_t)(rx->jitter16 >> 4);
	return (uint32_t)RTE_MIN(RTE_MAX(lim, (uint64_t)h->p.down_after_min_us),
	                         (uint64_t)h->p.down_after_max_us);
}

static uint32_t recover_gap_us(const struct bond_health *h)
{
	return RECOVER_GAP_HALF_INTERVALS * h->p.probe_interval_us / 2;
}

static uint32_t tx_stale_us(const struct bond_health *h)
{
	return h->p.down_after_min_us + 2 * h->p.probe_interval_us;
}

static uint32_t rx_need_us(const struct bond_health *h, const struct rx_dir *rx)
{
	return rx->ever_up ? rx->up_after_us : h->p.first_up_after_us;
}

struct bond_health *bond_health_create(const char *name, const struct bond_health_params *p,
                                       uint64_t now_us)
{
	struct bond_health *h;

	if (p == NULL || bond_health_params_check(p, NULL) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	/* One per peer at start-up, never on the data path. */
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(h->name, sizeof(h->name), "%s", name != NULL ? name : "peer");
	h->p = *p;
	if (h->p.default_rate_bps == 0)
		h->p.default_rate_bps = BOND_HEALTH_DEFAULT_RATE_BPS;
	h->n_links = p->n_links;
	h->next_probe_us = now_us; /* probe at once: the peer learns of us within a delay */
	h->epoch = now_us / US_PER_S;
	for (unsigned int i = 0; i < h->n_links; i++) {
		h->l[i].cfg = p->link[i];
		h->l[i].rx.up_after_us = p->up_after_us;
		h->l[i].rx.silence_us = silence_limit_us(h, &h->l[i].rx);
	}
	return h;
}

void bond_health_free(struct bond_health *h)
{
	free(h);
}

unsigned int bond_health_n_links(const struct bond_health *h)
{
	return h->n_links;
}

void bond_health_tx(struct bond_health *h, uint8_t link, uint32_t bytes)
{
	struct tx_dir *tx;

	if (link >= h->n_links) {
		h->st.link_invalid++;
		return;
	}
	tx = &h->l[link].tx;
	tx->packets++;
	tx->bytes += bytes;
}

/* Raw one-way delays compare modulo 2^24, as the stamps they come from. */
static bool owd_before(uint32_t a, uint32_t b)
{
	return bond_stamp_diff(a, b) < 0;
}

static void base_add(struct rx_dir *rx, uint64_t epoch, uint32_t owd)
{
	unsigned int s = epoch % BASE_SLOTS;

	if (rx->base_epoch[s] != epoch + 1) {
		rx->base_epoch[s] = epoch + 1;
		rx->base_min[s] = owd;
	} else if (owd_before(owd, rx->base_min[s])) {
		rx->base_min[s] = owd;
	}
}

static bool base_get(const struct rx_dir *rx, uint64_t epoch, uint32_t *owd)
{
	bool valid = false;

	for (unsigned int s = 0; s < BASE_SLOTS; s++) {
		uint64_t e = rx->base_epoch[s];

		if (e == 0 || e - 1 + BASE_SLOTS <= epoch)
			continue;
		if (!valid || owd_before(rx->base_min[s], *owd))
			*owd = rx->base_min[s];
		valid = true;
	}
	return valid;
}

static bool owd_recent(const struct rx_dir *rx, uint32_t *owd)
{
	if (rx->owd_cur_valid && rx->owd_prev_valid)
		*owd = owd_before(rx->owd_cur, rx->owd_prev) ? rx->owd_cur : rx->owd_prev;
	else if (rx->owd_cur_valid)
		*owd = rx->owd_cur;
	else if (rx->owd_prev_valid)
		*owd = rx->owd_prev;
	else
		return false;
	return true;
}

static void rx_set_state(struct bond_health *h, unsigned int i, enum bond_link_state s,
                         uint64_t now_us)
{
	struct rx_dir *rx = &h->l[i].rx;

	rx->state = s;
	rx->recover_since_us = 0;
	if (s == BOND_LINK_UP) {
		rx->ups++;
		rx->ever_up = true;
		rx->up_since_us = now_us;
	} else {
		rx->downs++;
		/* Damping: a link that does not stay up has to prove itself longer next time. */
		if (now_us - rx->up_since_us < FLAP_WINDOW_US)
			rx->up_after_us = RTE_MIN(2 * rx->up_after_us, h->p.up_after_max_us);
	}
	BOND_LOG(NOTICE, "%s: link %u receive direction %s", h->name, i,
	         s == BOND_LINK_UP ? "up" : "down");
	h->urgent = true;
	h->generation++;
}

/* Something arrived on link i: evidence that the peer's direction works. */
static void rx_evidence(struct bond_health *h, unsigned int i, uint64_t now_us)
{
	struct rx_dir *rx = &h->l[i].rx;

	if (rx->state == BOND_LINK_DOWN) {
		if (rx->recover_since_us == 0 || !rx->seen ||
		    now_us - rx->last_us > recover_gap_us(h))
			rx->recover_since_us = now_us;
		rx->last_us = now_us;
		if (now_us - rx->recover_since_us >= rx_need_us(h, rx))
			rx_set_state(h, i, BOND_LINK_UP, now_us);
	} else {
		rx->last_us = now_us;
	}
}

/* Loss accounting from one sender queue's sequence stream on a link. */
static void rx_sequence(struct bond_health *h, struct rx_dir *rx, uint8_t queue, uint64_t seq)
{
	uint16_t bit = (uint16_t)(1u << queue);
	int64_t d;

	if ((rx->queues_seen & bit) == 0) {
		rx->queues_seen |= bit;
		rx->highest_seq[queue] = seq;
		rx->tick_expected++;
		return;
	}
	d = (int64_t)(seq - rx->highest_seq[queue]);
	if (d > 0) {
		uint64_t gap = RTE_MIN((uint64_t)d - 1, (uint64_t)SEQ_RESYNC_DISTANCE);

		rx->tick_expected += (uint32_t)gap + 1;
		rx->tick_lost += (uint32_t)gap;
		rx->lost += gap;
		rx->highest_seq[queue] = seq;
	} else if (d < -SEQ_RESYNC_DISTANCE) {
		/* a new session numbers from 1 again */
		h->st.rx_seq_resync++;
		rx->highest_seq[queue] = seq;
		rx->tick_expected++;
	} else if (d < 0) {
		/* reordered within the link: it was counted lost when the gap opened */
		if (rx->tick_lost > 0)
			rx->tick_lost--;
		if (rx->lost > 0)
			rx->lost--;
	}
}

int bond_health_rx(struct bond_health *h, uint8_t link, uint8_t queue, uint64_t link_seq,
                   uint32_t sender_ts, uint32_t bytes, uint64_t now_us)
{
	struct rx_dir *rx;
	uint32_t transit;

	if (link >= h->n_links || queue >= BOND_QUEUES_MAX) {
		h->st.link_invalid++;
		return -EINVAL;
	}
	rx = &h->l[link].rx;
	/* raw one-way delay: our stamp minus the sender's, modulo 2^24, offset included */
	transit = (bond_stamp(now_us) - sender_ts) & BOND_STAMP_MASK;
	rx_sequence(h, rx, queue, link_seq);
	if (rx->seen) {
		int32_t dj = bond_stamp_diff(transit, rx->last_transit);

		if (dj < 0)
			dj = -dj;
		if (dj < JITTER_SAMPLE_MAX_US)
			rx->jitter16 += (uint32_t)dj - ((rx->jitter16 + 8) >> 4);
	}
	rx->last_transit = transit;
	rx->last_sender_ts = sender_ts & BOND_STAMP_MASK;
	rx->packets++;
	rx->bytes += bytes;
	if (!rx->owd_cur_valid) {
		rx->owd_cur = rx->owd_cur_max = transit;
		rx->owd_cur_valid = true;
	} else if (owd_before(transit, rx->owd_cur)) {
		rx->owd_cur = transit;
	} else if (owd_before(rx->owd_cur_max, transit)) {
		rx->owd_cur_max = transit;
	}
	base_add(rx, h->epoch, transit);
	rx_evidence(h, link, now_us);
	rx->seen = true;
	return 0;
}

static uint32_t loss_over_history(const struct rx_dir *rx)
{
	uint64_t expected = 0, lost = 0;

	for (unsigned int k = 1; k <= LOSS_TICKS && expected < LOSS_MIN_PACKETS; k++) {
		unsigned int i = (rx->hist_pos + LOSS_TICKS - k) % LOSS_TICKS;

		expected += rx->hist_expected[i];
		lost += rx->hist_lost[i];
	}
	return expected != 0 ? (uint32_t)(lost * 1000000 / expected) : 0;
}

/* Once per probe interval: close the interval's delay, loss and rate measurements. */
static void tick(struct bond_health *h, uint64_t now_us)
{
	h->epoch = now_us / US_PER_S;
	for (unsigned int i = 0; i < h->n_links; i++) {
		struct rx_dir *rx = &h->l[i].rx;

		rx->owd_prev = rx->owd_cur;
		rx->owd_prev_max = rx->owd_cur_max;
		rx->owd_prev_valid = rx->owd_cur_valid;
		rx->owd_cur_valid = false;
		rx->hist_expected[rx->hist_pos] = rx->tick_expected;
		rx->hist_lost[rx->hist_pos] = RTE_MIN(rx->tick_lost, rx->tick_expected);
		rx->hist_pos = (rx->hist_pos + 1) % LOSS_TICKS;
		rx->loss_ppm = loss_over_history(rx);
		rx->tick_expected = 0;
		rx->tick_lost = 0;
		rx->rate_bps = (3 * rx->rate_bps + (rx->bytes - rx->tick_bytes_mark) * 8 *
		                                           US_PER_S / h->p.probe_interval_us) /
		               4;
		rx->tick_bytes_mark = rx->bytes;
		rx->silence_us = silence_limit_us(h, rx);
		if (rx->state == BOND_LINK_UP && now_us - rx->up_since_us >= FLAP_WINDOW_US)
			rx->up_after_us = h->p.up_after_us;
	}
}

static void tx_evaluate(struct bond_health *h, unsigned int i, uint64_t now_us)
{
	struct tx_dir *tx = &h->l[i].tx;
	bool fresh = h->any_report && now_us - h->last_report_us <= tx_stale_us(h);
	enum bond_link_state s = fresh && tx->peer_rx_up ? BOND_LINK_UP : BOND_LINK_DOWN;

	if (s == tx->state)
		return;
	tx->state = s;
	if (s == BOND_LINK_UP)
		tx->ups++;
	else
		tx->downs++;
	BOND_LOG(NOTICE, "%s: link %u send direction %s%s", h->name, i,
	         s == BOND_LINK_UP ? "up" : "down", fresh ? "" : " (no report from the peer)");
	h->generation++;
}

uint32_t bond_health_poll(struct bond_health *h, uint64_t now_us)
{
	uint32_t all = (1u << h->n_links) - 1;
	uint32_t mask = 0;

	if (now_us >= h->next_probe_us) {
		tick(h, now_us);
		mask = all;
		h->next_probe_us += h->p.probe_interval_us;
		if (h->next_probe_us <= now_us)
			h->next_probe_us = now_us + h->p.probe_interval_us;
	}
	for (unsigned int i = 0; i < h->n_links; i++) {
		struct rx_dir *rx = &h->l[i].rx;

		if (rx->state == BOND_LINK_UP) {
			if (now_us - rx->last_us > rx->silence_us)
				rx_set_state(h, i, BOND_LINK_DOWN, now_us);
		} else if (rx->recover_since_us != 0) {
			if (now_us - rx->last_us > recover_gap_us(h))
				rx->recover_since_us = 0;
		}
		tx_evaluate(h, i, now_us);
	}
	if (h->urgent) {
		h->urgent = false;
		mask = all;
	}
	for (unsigned int i = 0; i < h->n_links; i++)
		if (mask & (1u << i))
			h->l[i].probes_tx++;
	return mask;
}

uint64_t bond_health_next_deadline_us(const struct bond_health *h)
{
	uint64_t d = h->next_probe_us;
	bool any_tx_up = false;

	if (h->urgent)
		return 0;
	for (unsigned int i = 0; i < h->n_links; i++) {
		const struct rx_dir *rx = &h->l[i].rx;

		if (rx->state == BOND_LINK_UP)
			d = RTE_MIN(d, rx->last_us + rx->silence_us + 1);
		else if (rx->recover_since_us != 0)
			d = RTE_MIN(d, rx->last_us + recover_gap_us(h) + 1);
		any_tx_up |= h->l[i].tx.state == BOND_LINK_UP;
	}
	if (any_tx_up)
		d = RTE_MIN(d, h->last_report_us + tx_stale_us(h) + 1);
	return d;
}

int bond_health_probe_build(struct bond_health *h, uint64_t now_us, void *buf, size_t cap)
{
	struct bond_probe pr;

	memset(&pr, 0, sizeof(pr));
	pr.built_us = (uint32_t)now_us;
	pr.n_reports = (uint8_t)h->n_links;
	for (unsigned int i = 0; i < h->n_links; i++) {
		const struct rx_dir *rx = &h->l[i].rx;
		struct bond_probe_report *r = &pr.r[i];

		r->link = (uint8_t)i;
		if (!rx->seen)
			continue;
		r->flags = BOND_PROBE_F_SEEN | (rx->state == BOND_LINK_UP ? BOND_PROBE_F_RX_UP : 0);
		r->rx_packets = (uint32_t)rx->packets;
		r->rx_bytes = rx->bytes;
		r->rx_lost = (uint32_t)rx->lost;
		r->rx_last_us = (uint32_t)rx->last_us;
		if (!base_get(rx, h->epoch, &r->owd_base))
			r->owd_base = rx->last_transit;
		if (!owd_recent(rx, &r->owd_recent))
			r->owd_recent = r->owd_base;
		r->jitter_us = rx->jitter16 >> 4;
		r->loss_ppm = rx->loss_ppm;
		r->echo_ts = rx->last_sender_ts;
		r->echo_hold_us = (uint32_t)RTE_MIN(now_us - rx->last_us, (uint64_t)UINT32_MAX);
	}
	return bond_probe_encode(&pr, buf, cap);
}

/* The peer's report on our sending direction of link i, arrived on link `via`. */
static void rtt_sample(struct bond_health *h, unsigned int i, const struct bond_probe_report *r,
                       unsigned int via, uint64_t now_us);

static void tx_ingest(struct bond_health *h, unsigned int i, const struct bond_probe_report *r,
                      unsigned int via, bool stale, uint64_t now_us)
{
	struct tx_dir *tx = &h->l[i].tx;
	int32_t q;

	if (stale) {
		rtt_sample(h, i, r, via, now_us);
		return;
	}
	tx->peer_rx_up = (r->flags & BOND_PROBE_F_RX_UP) != 0;
	if ((r->flags & BOND_PROBE_F_SEEN) == 0)
		return;
	tx->measured = true;
	tx->owd_base = r->owd_base;
	tx->owd_recent = r->owd_recent;
	q = bond_stamp_diff(r->owd_recent, r->owd_base);
	tx->queue_us = q > 0 ? (uint32_t)q : 0;
	tx->queue_at_us = now_us;
	tx->jitter_us = r->jitter_us;
	tx->loss_ppm = r->loss_ppm;
	tx->saturated = tx->queue_us >= SATURATED_QUEUE_US + 2 * (uint64_t)r->jitter_us;

	if (tx->mark_valid && r->rx_bytes >= tx->mark_bytes) {
		int32_t dt = bond_diff32(r->rx_last_us, tx->mark_us);

		if (dt >= (int32_t)(h->p.probe_interval_us / 2)) {
			uint64_t bytes =
			        RTE_MIN(r->rx_bytes - tx->mark_bytes, RATE_SAMPLE_MAX_BYTES);
			uint64_t sample = bytes * 8 * US_PER_S / (uint64_t)dt;

			/*
			 * Under a standing queue the link delivered all it could: that is its
			 * rate. Otherwise it delivered what it was given, a floor only - and no
			 * estimate at all while below the default rate (a link that only
			 * carried probes says nothing of its rate).
			 */
			if (tx->saturated)
				tx->rate_est_bps = tx->rate_est_bps != 0
				                           ? (3 * tx->rate_est_bps + sample) / 4
				                           : sample;
			else if (sample > tx->rate_est_bps &&
			         (tx->rate_est_bps != 0 || sample >= h->p.default_rate_bps))
				tx->rate_est_bps = sample;
			tx->mark_bytes = r->rx_bytes;
			tx->mark_us = r->rx_last_us;
		} else if (dt < 0) {
			tx->mark_valid = false;
		}
	} else {
		tx->mark_valid = true;
		tx->mark_bytes = r->rx_bytes;
		tx->mark_us = r->rx_last_us;
	}

	rtt_sample(h, i, r, via, now_us);
}

/* The round trip only from a report that came back on the link it is about. */
static void rtt_sample(struct bond_health *h, unsigned int i, const struct bond_probe_report *r,
                       unsigned int via, uint64_t now_us)
{
	struct tx_dir *tx = &h->l[i].tx;

	if (via == i) {
		int64_t rtt =
		        (int64_t)bond_stamp_diff(bond_stamp(now_us), r->echo_ts) - r->echo_hold_us;

		if (rtt > 0 && rtt < (int64_t)(10 * US_PER_S)) {
			tx->srtt_us = tx->srtt_us != 0
			                      ? (uint32_t)((7 * (uint64_t)tx->srtt_us + rtt) / 8)
			                      : (uint32_t)rtt;
			if (tx->rtt_min_us == 0 || rtt < tx->rtt_min_us)
				tx->rtt_min_us = (uint32_t)rtt;
		}
	}
}

int bond_health_probe_input(struct bond_health *h, uint8_t link, const void *body, size_t len,
                            uint64_t now_us)
{
	struct bond_probe pr;

	if (link >= h->n_links) {
		h->st.link_invalid++;
		return -EINVAL;
	}
	if (bond_probe_decode(body, len, &pr) != 0) {
		h->st.probes_bad++;
		return -EBADMSG;
	}
	for (unsigned int k = 0; k < pr.n_reports; k++) {
		if (pr.r[k].link >= h->n_links) {
			h->st.probes_bad++;
			return -EBADMSG;
		}
	}
	h->l[link].probes_rx++;
	/*
	 * The same body goes on every link of a round; a body built earlier than one already
	 * taken in came by a slower link and says less than we know: applying it would take back
	 * what the newer one said (a link just seen up, reported down again). Within STALE_US
	 * only: a peer whose clock went back further (a restart) is believed.
	 */
	int32_t age = bond_diff32(h->newest_built_us, pr.built_us);
	bool stale = h->any_report && age > 0 && age < (int32_t)STALE_US;

	if (stale)
		h->st.probes_stale++;
	for (unsigned int k = 0; k < pr.n_reports; k++)
		tx_ingest(h, pr.r[k].link, &pr.r[k], link, stale, now_us);
	if (stale)
		return 0;
	h->any_report = true;
	h->last_report_us = now_us;
	h->newest_built_us = pr.built_us;
	for (unsigned int i = 0; i < h->n_links; i++)
		tx_evaluate(h, i, now_us);
	h->generation++;
	return 0;
}

uint64_t bond_health_generation(const struct bond_health *h)
{
	return h->generation;
}

/* The smallest base delay of our sending directions (raw), if any was measured. */
static bool tx_base_min(const struct bond_health *h, uint32_t *min)
{
	bool valid = false;

	for (unsigned int i = 0; i < h->n_links; i++) {
		const struct tx_dir *tx = &h->l[i].tx;

		if (tx->measured && (!valid || owd_before(tx->owd_base, *min))) {
			*min = tx->owd_base;
			valid = true;
		}
	}
	return valid;
}

void bond_health_views(const struct bond_health *h, struct bond_link_view *views)
{
	uint32_t base_min = 0;
	bool have_min = tx_base_min(h, &base_min);

	for (unsigned int i = 0; i < h->n_links; i++) {
		const struct tx_dir *tx = &h->l[i].tx;
		struct bond_link_view *v = &views[i];

		memset(v, 0, sizeof(*v));
		v->usable = tx->state == BOND_LINK_UP;
		v->priority = h->l[i].cfg.priority;
		v->rate_bps = h->l[i].cfg.rate_tx_bps;
		v->rate_est_bps = tx->rate_est_bps;
		if (!tx->measured)
			continue;
		v->saturated = tx->saturated;
		if (have_min)
			v->owd_rel_us =
			        (uint32_t)RTE_MAX(bond_stamp_diff(tx->owd_base, base_min), 0);
		v->queue_us = tx->queue_us;
		v->queue_at_us = tx->queue_at_us;
		v->jitter_us = tx->jitter_us;
		v->loss_ppm = tx->loss_ppm;
	}
}

uint32_t bond_health_reorder_hold_us(const struct bond_health *h, uint32_t cap_us,
                                     uint32_t *margin_us)
{
	uint32_t lo = 0, hi = 0, jit = 0;
	bool any = false;
	uint64_t hold;

	for (unsigned int i = 0; i < h->n_links; i++) {
		const struct rx_dir *rx = &h->l[i].rx;
		uint32_t owd, owd_max;

		if (rx->state != BOND_LINK_UP || !owd_recent(rx, &owd))
			continue;
		owd_max = rx->owd_cur_valid ? rx->owd_cur_max : rx->owd_prev_max;
		if (rx->owd_cur_valid && rx->owd_prev_valid &&
		    owd_before(owd_max, rx->owd_prev_max))
			owd_max = rx->owd_prev_max;
		if (!any || owd_before(owd, lo))
			lo = owd;
		if (!any || owd_before(hi, owd_max))
			hi = owd_max;
		jit = RTE_MAX(jit, rx->jitter16 >> 4);
		any = true;
	}
	hold = (uint64_t)(uint32_t)bond_stamp_diff(hi, lo) + 2 * (uint64_t)jit + HOLD_MARGIN_US;
	if (margin_us != NULL)
		*margin_us = 2 * jit;
	return (uint32_t)RTE_MIN(RTE_MAX(hold, (uint64_t)HOLD_MIN_US), (uint64_t)cap_us);
}

int bond_health_link_info(const struct bond_health *h, uint8_t link, struct bond_link_info *info)
{
	const struct hlink *l;
	uint32_t base_min = 0, rx_base = 0;
	int best = -1;
	int32_t offset = 0;

	if (link >= h->n_links)
		return -EINVAL;
	l = &h->l[link];
	memset(info, 0, sizeof(*info));
	info->tx_state = l->tx.state;
	info->rx_state = l->rx.state;
	info->rtt_us = l->tx.srtt_us;
	info->rtt_min_us = l->tx.rtt_min_us;
	/*
	 * Clock offset as NTP estimates it: on the link of the smallest round trip, assume both
	 * directions take as long; raw_tx = owd + offset, raw_rx = owd - offset.
	 */
	for (unsigned int i = 0; i < h->n_links; i++) {
		const struct hlink *c = &h->l[i];

		if (c->tx.measured && c->tx.rtt_min_us != 0 &&
		    base_get(&c->rx, h->epoch, &rx_base) &&
		    (best < 0 || c->tx.rtt_min_us < h->l[best].tx.rtt_min_us)) {
			best = (int)i;
			offset = bond_stamp_diff(c->tx.owd_base, rx_base) / 2;
		}
	}
	if (l->tx.measured) {
		if (best >= 0)
			info->owd_tx_us = bond_stamp_diff(l->tx.owd_base, (uint32_t)offset);
		if (tx_base_min(h, &base_min))
			info->owd_tx_rel_us =
			        (uint32_t)RTE_MAX(bond_stamp_diff(l->tx.owd_base, base_min), 0);
	}
	if (best >= 0 && base_get(&l->rx, h->epoch, &rx_base))
		info->owd_rx_us = bond_stamp_diff(rx_base + (uint32_t)offset, 0);
	info->queue_tx_us = l->tx.queue_us;
	info->jitter_tx_us = l->tx.jitter_us;
	info->jitter_rx_us = l->rx.jitter16 >> 4;
	info->loss_tx_ppm = l->tx.loss_ppm;
	info->loss_rx_ppm = l->rx.loss_ppm;
	info->rate_tx_est_bps = l->tx.rate_est_bps;
	info->rate_rx_bps = l->rx.rate_bps;
	info->silence_limit_us = l->rx.silence_us;
	info->up_after_us = l->rx.up_after_us;
	info->tx_packets = l->tx.packets;
	info->tx_bytes = l->tx.bytes;
	info->rx_packets = l->rx.packets;
	info->rx_bytes = l->rx.bytes;
	info->probes_tx = l->probes_tx;
	info->probes_rx = l->probes_rx;
	info->rx_downs = l->rx.downs;
	info->rx_ups = l->rx.ups;
	info->tx_downs = l->tx.downs;
	info->tx_ups = l->tx.ups;
	return 0;
}

void bond_health_stats_get(const struct bond_health *h, struct bond_health_stats *st)
{
	*st = h->st;
}
