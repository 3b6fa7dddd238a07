/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bond_health: two gateways (A and B, clocks apart by more than 2^32 us) exchanging probes
 * over an in-test network of links with delay, rate, loss and per-direction cuts, on a virtual
 * clock that jumps from event to event, using only the health objects' own deadlines. Checks
 * the per-direction state machine (both-way and one-way failures, detection time, recovery
 * with hysteresis and damping, no flapping on a lossy link), rate estimation, delays and the
 * probe codec.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "bond_health.h"

#define MAX_INFLIGHT 8192
#define MBIT         1000000ull
#define MS           1000ull

enum { A = 0, B = 1 };

struct vpkt {
	uint64_t at;
	int to;
	uint8_t link, queue;
	bool probe;
	uint64_t seq;
	uint32_t ts, bytes;
	uint16_t len;
	uint8_t body[BOND_PROBE_MAX_LEN];
};

struct vdir {
	uint32_t delay_us;
	bool down;
	uint32_t loss_ppm;
	uint64_t rate_bps;
	uint32_t queue_max_us;
	uint64_t free_at;
};

struct stream {
	bool on;
	uint8_t link;
	uint64_t rate_bps;
	uint32_t bytes;
	uint64_t next_at;
};

struct vnet {
	struct bond_health *h[2];
	uint64_t offset[2];
	uint8_t n_links;
	struct vdir d[2][BOND_LINKS_MAX]; /* [from][link] */
	struct stream data;               /* A -> B */
	struct vpkt *q;
	unsigned int n;
	uint64_t now;
	uint64_t rng;
	unsigned int stuck;
	/* the wire layer's sequence streams: [side][link][queue]; probes queue 0, data queue 1 */
	uint64_t next_seq[2][BOND_LINKS_MAX][2];
};

static uint64_t local(const struct vnet *v, int side)
{
	return v->now + v->offset[side];
}

static uint32_t rnd_ppm(struct vnet *v)
{
	v->rng ^= v->rng << 13;
	v->rng ^= v->rng >> 7;
	v->rng ^= v->rng << 17;
	return (uint32_t)(v->rng % 1000000);
}

static void vsend(struct vnet *v, int from, uint8_t link, uint32_t bytes, const uint8_t *body,
                  int len)
{
	struct vdir *d = &v->d[from][link];
	uint8_t queue = body != NULL ? 0 : 1;
	uint64_t seq = ++v->next_seq[from][link][queue];
	uint64_t at = v->now;
	struct vpkt *p;

	bond_health_tx(v->h[from], link, bytes);
	if (d->down || (d->loss_ppm != 0 && rnd_ppm(v) < d->loss_ppm))
		return;
	if (d->rate_bps != 0) {
		uint64_t start = RTE_MAX(v->now, d->free_at);

		if (start - v->now > d->queue_max_us)
			return; /* tail drop */
		d->free_at = start + (uint64_t)bytes * 8 * 1000000 / d->rate_bps;
		at = d->free_at;
	}
	assert_true(v->n < MAX_INFLIGHT);
	p = &v->q[v->n++];
	p->at = at + d->delay_us;
	p->to = !from;
	p->link = link;
	p->queue = queue;
	p->seq = seq;
	p->ts = bond_stamp(local(v, from));
	p->bytes = bytes;
	p->probe = body != NULL;
	p->len = (uint16_t)len;
	if (body != NULL)
		memcpy(p->body, body, (size_t)len);
}

static void poll_side(struct vnet *v, int s)
{
	uint32_t mask = bond_health_poll(v->h[s], local(v, s));
	uint8_t body[BOND_PROBE_MAX_LEN];
	int len;

	if (mask == 0)
		return;
	len = bond_health_probe_build(v->h[s], local(v, s), body, sizeof(body));
	assert_true(len > 0);
	for (uint8_t l = 0; l < v->n_links; l++)
		if (mask & (1u << l))
			vsend(v, s, l, (uint32_t)len + 40, body, len);
}

static void vnet_init(struct vnet *v, uint8_t n_links)
{
	struct bond_health_params p;

	memset(v, 0, sizeof(*v));
	v->q = calloc(MAX_INFLIGHT, sizeof(*v->q));
	assert_non_null(v->q);
	v->n_links = n_links;
	v->rng = 0x9e3779b97f4a7c15ull;
	v->offset[A] = 1000000;
	v->offset[B] = 4294000000ull; /* far from A; 24-bit stamps wrap every 16.8 s anyway */
	bond_health_params_init(&p, n_links);
	for (int s = 0; s < 2; s++) {
		v->h[s] = bond_health_create(s == A ? "A" : "B", &p, local(v, s));
		assert_non_null(v->h[s]);
		for (int l = 0; l < n_links; l++)
			v->d[s][l].delay_us = 15000 * (l + 1);
	}
}

static void vnet_fini(struct vnet *v)
{
	bond_health_free(v->h[A]);
	bond_health_free(v->h[B]);
	free(v->q);
}

/* One event: the earliest deadline, arrival or data send, if it is not after `until`. */
static bool vnet_step(struct vnet *v, uint64_t until)
{
	uint64_t t = UINT64_MAX;
	unsigned int i;

	for (int s = 0; s < 2; s++) {
		uint64_t d = bond_health_next_deadline_us(v->h[s]);

		d = d < v->offset[s] ? 0 : d - v->offset[s];
		t = RTE_MIN(t, d);
	}
	for (i = 0; i < v->n; i++)
		t = RTE_MIN(t, v->q[i].at);
	if (v->data.on)
		t = RTE_MIN(t, v->data.next_at);
	if (t > until)
		return false;
	/* a deadline that a poll does not move would spin here: fail instead */
	v->stuck = t <= v->now ? v->stuck + 1 : 0;
	assert_true(v->stuck < 100000);
	v->now = RTE_MAX(v->now, t);
	for (i = 0; i < v->n;) {
		struct vpkt *p = &v->q[i];

		if (p->at > v->now) {
			i++;
			continue;
		}
		assert_int_equal(bond_health_rx(v->h[p->to], p->link, p->queue, p->seq, p->ts,
		                                p->bytes, local(v, p->to)),
		                 0);
		if (p->probe)
			assert_int_equal(bond_health_probe_input(v->h[p->to], p->link, p->body,
			                                         p->len, local(v, p->to)),
			                 0);
		*p = v->q[--v->n];
	}
	if (v->data.on && v->data.next_at <= v->now) {
		vsend(v, A, v->data.link, v->data.bytes, NULL, 0);
		v->data.next_at += (uint64_t)v->data.bytes * 8 * 1000000 / v->data.rate_bps;
	}
	poll_side(v, A);
	poll_side(v, B);
	return true;
}

static void run_until(struct vnet *v, uint64_t t)
{
	while (vnet_step(v, t))
		;
	v->now = RTE_MAX(v->now, t);
}

static struct bond_link_info info(struct vnet *v, int side, uint8_t link)
{
	struct bond_link_info i;

	assert_int_equal(bond_health_link_info(v->h[side], link, &i), 0);
	return i;
}

static struct bond_link_info info_of(struct bond_health *h, uint8_t link)
{
	struct bond_link_info i;

	assert_int_equal(bond_health_link_info(h, link, &i), 0);
	return i;
}

static enum bond_link_state tx_state(struct vnet *v, int side, uint8_t link)
{
	return info(v, side, link).tx_state;
}

static enum bond_link_state rx_state(struct vnet *v, int side, uint8_t link)
{
	return info(v, side, link).rx_state;
}

/* Run until side's tx state of link is `want`; returns the time it took, or UINT64_MAX. */
static uint64_t time_to_tx_state(struct vnet *v, int side, uint8_t link, enum bond_link_state want,
                                 uint64_t limit)
{
	uint64_t start = v->now;

	while (tx_state(v, side, link) != want) {
		if (!vnet_step(v, start + limit))
			return UINT64_MAX;
	}
	return v->now - start;
}

static void all_up(struct vnet *v)
{
	for (int s = 0; s < 2; s++)
		for (uint8_t l = 0; l < v->n_links; l++) {
			assert_int_equal(tx_state(v, s, l), BOND_LINK_UP);
			assert_int_equal(rx_state(v, s, l), BOND_LINK_UP);
		}
}

static void links_come_up(void **state)
{
	struct vnet v;

	vnet_init(&v, 2);
	run_until(&v, 200 * MS);
	assert_int_equal(tx_state(&v, A, 0), BOND_LINK_DOWN); /* 200 ms of evidence first */
	run_until(&v, 500 * MS);
	all_up(&v);
	vnet_fini(&v);
}

static void both_way_failure_found_within_a_second(void **state)
{
	struct vnet v;
	uint64_t ta;

	vnet_init(&v, 2);
	run_until(&v, 3000 * MS);
	all_up(&v);
	v.d[A][1].down = v.d[B][1].down = true;
	ta = time_to_tx_state(&v, A, 1, BOND_LINK_DOWN, 1000 * MS);
	printf("both-way cut: A stops sending on it after %.0f ms\n", ta / 1000.0);
	assert_true(ta <= 1000 * MS);
	assert_true(ta <= 600 * MS); /* the aim: about half a second */
	run_until(&v, 4000 * MS);
	assert_int_equal(tx_state(&v, B, 1), BOND_LINK_DOWN);
	assert_int_equal(rx_state(&v, A, 1), BOND_LINK_DOWN);
	assert_int_equal(rx_state(&v, B, 1), BOND_LINK_DOWN);
	/* the other link never wavered */
	assert_int_equal(info(&v, A, 0).tx_downs + info(&v, A, 0).rx_downs, 0);
	assert_int_equal(info(&v, B, 0).tx_downs + info(&v, B, 0).rx_downs, 0);
	vnet_fini(&v);
}

/* A's sending direction of link 1 dies; B still reaches A on it. */
static void one_way_failure_a_to_b(void **state)
{
	struct vnet v;
	uint64_t t;

	vnet_init(&v, 2);
	run_until(&v, 3000 * MS);
	v.d[A][1].down = true;
	t = time_to_tx_state(&v, A, 1, BOND_LINK_DOWN, 1000 * MS);
	printf("one-way cut A->B: A stops sending on it after %.0f ms\n", t / 1000.0);
	assert_true(t <= 1000 * MS);
	run_until(&v, 6000 * MS);
	assert_int_equal(tx_state(&v, A, 1), BOND_LINK_DOWN);
	assert_int_equal(rx_state(&v, B, 1), BOND_LINK_DOWN);
	assert_int_equal(tx_state(&v, B, 1), BOND_LINK_UP);
	assert_int_equal(rx_state(&v, A, 1), BOND_LINK_UP);
	assert_int_equal(info(&v, B, 1).tx_downs, 0);
	vnet_fini(&v);
}

static void one_way_failure_b_to_a(void **state)
{
	struct vnet v;
	uint64_t t;

	vnet_init(&v, 2);
	run_until(&v, 3000 * MS);
	v.d[B][1].down = true;
	t = time_to_tx_state(&v, B, 1, BOND_LINK_DOWN, 1000 * MS);
	printf("one-way cut B->A: B stops sending on it after %.0f ms\n", t / 1000.0);
	assert_true(t <= 1000 * MS);
	run_until(&v, 6000 * MS);
	assert_int_equal(tx_state(&v, B, 1), BOND_LINK_DOWN);
	assert_int_equal(rx_state(&v, A, 1), BOND_LINK_DOWN);
	assert_int_equal(tx_state(&v, A, 1), BOND_LINK_UP);
	assert_int_equal(rx_state(&v, B, 1), BOND_LINK_UP);
	vnet_fini(&v);
}

/* Back after 1 s of good probes, not before; a second failure soon after doubles that. */
static void recovery_with_hysteresis_and_damping(void **state)
{
	struct vnet v;
	uint64_t t;

	vnet_init(&v, 2);
	run_until(&v, 12000 * MS); /* up for over 10 s: no damping yet */
	v.d[A][1].down = v.d[B][1].down = true;
	assert_true(time_to_tx_state(&v, A, 1, BOND_LINK_DOWN, 1000 * MS) <= 1000 * MS);
	run_until(&v, 14000 * MS);
	v.d[A][1].down = v.d[B][1].down = false;
	t = time_to_tx_state(&v, A, 1, BOND_LINK_UP, 3000 * MS);
	printf("recovery after %.0f ms\n", t / 1000.0);
	assert_true(t >= 1000 * MS && t <= 1300 * MS);
	/* it fails again 2 s later: the next recovery needs 2 s */
	run_until(&v, v.now + 2000 * MS);
	v.d[A][1].down = v.d[B][1].down = true;
	assert_true(time_to_tx_state(&v, A, 1, BOND_LINK_DOWN, 1000 * MS) <= 1000 * MS);
	run_until(&v, v.now + 1000 * MS);
	v.d[A][1].down = v.d[B][1].down = false;
	t = time_to_tx_state(&v, A, 1, BOND_LINK_UP, 5000 * MS);
	printf("damped recovery after %.0f ms\n", t / 1000.0);
	assert_true(t >= 2000 * MS && t <= 2300 * MS);
	assert_int_equal(info(&v, B, 1).up_after_us, 2000 * MS);
	/* 10 s up and the damping is forgotten */
	run_until(&v, v.now + 10500 * MS);
	assert_int_equal(info(&v, B, 1).up_after_us, 1000 * MS);
	vnet_fini(&v);
}

/*
 * One object alone, driven only by its own deadlines: the receive direction goes down exactly
 * at the deadline it announced (last arrival + silence limit), and that poll asks for a probe
 * on every link at once, not at the next probe interval.
 */
static void deadline_announces_down_and_probes_at_once(void **state)
{
	struct bond_health_params p;
	struct bond_health *h;
	struct bond_link_info i;
	uint64_t now = 0, last_rx = 0, down_at = 0;
	uint32_t seq = 0, mask = 0;

	bond_health_params_init(&p, 2);
	h = bond_health_create("x", &p, 0);
	assert_non_null(h);
	for (now = 0; now <= 2000 * MS; now += 100 * MS + 37) {
		bond_health_rx(h, 0, 0, seq++, bond_stamp(now), 100, now);
		bond_health_poll(h, now);
		last_rx = now;
	}
	assert_int_equal(info_of(h, 0).rx_state, BOND_LINK_UP);
	now = last_rx;
	while (down_at == 0) {
		uint64_t d = bond_health_next_deadline_us(h);

		assert_true(d > now); /* after a poll, the next work is later: no busy loop */
		now = d;
		mask = bond_health_poll(h, now);
		if (info_of(h, 0).rx_state == BOND_LINK_DOWN)
			down_at = now;
		assert_true(now < 10000 * MS);
	}
	i = info_of(h, 0);
	assert_int_equal(down_at - last_rx, i.silence_limit_us + 1);
	assert_int_equal(mask, 3);
	bond_health_free(h);
}

/* A link that works for 300 ms out of every 600 never proves itself: it stays down. */
static void intermittent_link_stays_down(void **state)
{
	struct vnet v;

	vnet_init(&v, 2);
	run_until(&v, 12000 * MS);
	v.d[A][1].down = v.d[B][1].down = true;
	run_until(&v, 13000 * MS);
	assert_int_equal(tx_state(&v, A, 1), BOND_LINK_DOWN);
	for (int k = 0; k < 10; k++) {
		v.d[A][1].down = v.d[B][1].down = false;
		run_until(&v, v.now + 300 * MS);
		v.d[A][1].down = v.d[B][1].down = true;
		run_until(&v, v.now + 300 * MS);
		assert_int_equal(tx_state(&v, A, 1), BOND_LINK_DOWN);
		assert_int_equal(tx_state(&v, B, 1), BOND_LINK_DOWN);
	}
	assert_int_equal(info(&v, A, 1).tx_ups, 1);
	vnet_fini(&v);
}

/* 15 % loss each way, probes only: the link stays up for a minute. */
static void lossy_link_does_not_flap(void **state)
{
	struct vnet v;

	vnet_init(&v, 2);
	v.d[A][1].loss_ppm = v.d[B][1].loss_ppm = 150000;
	run_until(&v, 60000 * MS);
	for (int s = 0; s < 2; s++) {
		struct bond_link_info i = info(&v, s, 1);

		printf("side %d: loss %u ppm, silence limit %u us\n", s, i.loss_rx_ppm,
		       i.silence_limit_us);
		assert_int_equal(i.tx_state, BOND_LINK_UP);
		assert_int_equal(i.rx_downs, 0);
		assert_int_equal(i.tx_downs, 0);
		assert_true(i.loss_rx_ppm > 80000 && i.loss_rx_ppm < 250000);
		assert_true(i.silence_limit_us > 500 * MS);
	}
	/* and a clean link's limit stays short */
	assert_true(info(&v, A, 0).silence_limit_us <= 400 * MS);
	vnet_fini(&v);
}

/* Loss is known per direction: 2 % from A to B under a data stream, none back. */
static void loss_measured_per_direction(void **state)
{
	struct vnet v;
	struct bond_link_info i;

	vnet_init(&v, 2);
	v.d[A][1].loss_ppm = 20000;
	v.data = (struct stream){.on = true, .link = 1, .rate_bps = 4 * MBIT, .bytes = 1250};
	run_until(&v, 10000 * MS);
	i = info(&v, A, 1);
	printf("A->B loss seen by A %u ppm, B->A loss %u ppm\n", i.loss_tx_ppm, i.loss_rx_ppm);
	assert_true(i.loss_tx_ppm >= 12000 && i.loss_tx_ppm <= 28000);
	assert_int_equal(i.loss_rx_ppm, 0);
	assert_int_equal(info(&v, B, 1).loss_rx_ppm, i.loss_tx_ppm);
	assert_int_equal(info(&v, A, 0).loss_tx_ppm, 0);
	vnet_fini(&v);
}

/*
 * Delivery-rate estimation. Given less than the default rate, a link says nothing (the
 * default stands); given more without a queue forming, what it delivered is a floor; with a
 * standing queue, what it delivers is its rate, and the estimate follows it down.
 */
static void rate_estimate_converges(void **state)
{
	struct vnet v;
	struct bond_link_view views[2];
	struct bond_link_info i;

	vnet_init(&v, 2);
	v.d[A][0].rate_bps = 100 * MBIT;
	v.d[A][0].queue_max_us = 100000;
	v.data = (struct stream){.on = true, .link = 0, .rate_bps = 4 * MBIT, .bytes = 1250};
	run_until(&v, 2000 * MS);
	assert_int_equal(info(&v, A, 0).rate_tx_est_bps, 0);
	v.data.rate_bps = 30 * MBIT;
	run_until(&v, 4000 * MS);
	i = info(&v, A, 0);
	bond_health_views(v.h[A], views);
	printf("rate estimate at 30 Mbit/s offered to 100: %.2f Mbit/s\n", i.rate_tx_est_bps / 1e6);
	assert_true(i.rate_tx_est_bps >= 29000000 && i.rate_tx_est_bps <= 31000000);
	assert_false(views[0].saturated);
	/* the link narrows to 10 Mbit/s: a queue stands, the estimate is the link's rate */
	v.d[A][0].rate_bps = 10 * MBIT;
	run_until(&v, 7000 * MS);
	i = info(&v, A, 0);
	bond_health_views(v.h[A], views);
	printf("after the link narrowed to 10 Mbit/s: %.2f Mbit/s, queue %u us\n",
	       i.rate_tx_est_bps / 1e6, views[0].queue_us);
	assert_true(views[0].saturated);
	assert_true(i.rate_tx_est_bps >= 9500000 && i.rate_tx_est_bps <= 10500000);
	v.d[A][0].rate_bps = 6 * MBIT;
	run_until(&v, 10000 * MS);
	i = info(&v, A, 0);
	printf("after it slowed to 6 Mbit/s: %.2f Mbit/s\n", i.rate_tx_est_bps / 1e6);
	assert_true(i.rate_tx_est_bps >= 5700000 && i.rate_tx_est_bps <= 6300000);
	/* an unsaturated lower sample does not lower it */
	v.data.rate_bps = 3 * MBIT;
	run_until(&v, 13000 * MS);
	assert_true(info(&v, A, 0).rate_tx_est_bps >= 5700000);
	/* the receiver measured what it got too */
	assert_true(info(&v, B, 0).rate_rx_bps >= 2800000);
	vnet_fini(&v);
}

/* Delays despite clocks 4293 s apart: relative delays exact, absolute ones NTP-estimated. */
static void delays_round_trip_and_hold(void **state)
{
	struct vnet v;
	struct bond_link_view views[2];
	struct bond_link_info i0, i1;
	uint32_t margin;

	vnet_init(&v, 2);
	run_until(&v, 3000 * MS);
	bond_health_views(v.h[A], views);
	assert_int_equal(views[0].owd_rel_us, 0);
	assert_int_equal(views[1].owd_rel_us, 15000);
	i0 = info(&v, A, 0);
	i1 = info(&v, A, 1);
	assert_int_equal(i0.rtt_min_us, 30000);
	assert_int_equal(i1.rtt_min_us, 60000);
	assert_int_equal(i0.owd_tx_us, 15000);
	assert_int_equal(i0.owd_rx_us, 15000);
	assert_int_equal(i1.owd_tx_us, 30000);
	assert_int_equal(i1.owd_rx_us, 30000);
	assert_int_equal(i1.owd_tx_rel_us, 15000);
	/* B's reorder hold: 15 ms of spread + 2 ms, no jitter */
	assert_int_equal(bond_health_reorder_hold_us(v.h[B], 200000, &margin), 17000);
	assert_int_equal(margin, 0);
	assert_int_equal(bond_health_reorder_hold_us(v.h[B], 10000, NULL), 10000);
	vnet_fini(&v);
}

/* The peer vanishes: with no report, nothing confirms delivery, every link stops. */
static void silent_peer_stops_everything(void **state)
{
	struct vnet v;
	uint64_t t;

	vnet_init(&v, 2);
	run_until(&v, 3000 * MS);
	v.d[B][0].down = v.d[B][1].down = true;
	t = time_to_tx_state(&v, A, 0, BOND_LINK_DOWN, 1000 * MS);
	assert_true(t <= 700 * MS);
	run_until(&v, v.now + 100 * MS);
	assert_int_equal(tx_state(&v, A, 1), BOND_LINK_DOWN);
	vnet_fini(&v);
}

static bool same_report(const struct bond_probe_report *a, const struct bond_probe_report *b)
{
	return a->link == b->link && a->flags == b->flags && a->rx_packets == b->rx_packets &&
	       a->rx_bytes == b->rx_bytes && a->rx_lost == b->rx_lost &&
	       a->rx_last_us == b->rx_last_us && a->owd_base == b->owd_base &&
	       a->owd_recent == b->owd_recent && a->jitter_us == b->jitter_us &&
	       a->loss_ppm == b->loss_ppm && a->echo_ts == b->echo_ts &&
	       a->echo_hold_us == b->echo_hold_us;
}

static void probe_codec(void **state)
{
	struct bond_probe p = {.built_us = 0xdeadbeef, .n_reports = 2}, q;
	uint8_t buf[BOND_PROBE_MAX_LEN];
	int len;

	p.r[0] = (struct bond_probe_report){.link = 3,
	                                    .flags = BOND_PROBE_F_ALL,
	                                    .rx_packets = 7,
	                                    .rx_bytes = 0x123456789aull,
	                                    .rx_lost = 0xfffffff0,
	                                    .rx_last_us = 1,
	                                    .owd_base = 2,
	                                    .owd_recent = 3,
	                                    .jitter_us = 4,
	                                    .loss_ppm = 5,
	                                    .echo_ts = 6,
	                                    .echo_hold_us = 7};
	p.r[1] = (struct bond_probe_report){.link = 0};
	len = bond_probe_encode(&p, buf, sizeof(buf));
	assert_int_equal(len, BOND_PROBE_HDR_LEN + 2 * BOND_PROBE_REPORT_LEN);
	assert_int_equal(bond_probe_decode(buf, (size_t)len, &q), 0);
	assert_int_equal(q.built_us, p.built_us);
	assert_int_equal(q.n_reports, 2);
	assert_true(same_report(&q.r[0], &p.r[0]));
	assert_true(same_report(&q.r[1], &p.r[1]));
	assert_int_equal(bond_probe_encode(&p, buf, (size_t)len - 1), -ENOSPC);

	/* every malformed body is refused */
	assert_int_equal(bond_probe_decode(buf, (size_t)len - 1, &q), -EBADMSG);
	assert_int_equal(bond_probe_decode(buf, (size_t)len + 1, &q), -EBADMSG);
	assert_int_equal(bond_probe_decode(buf, 3, &q), -EBADMSG);
	buf[0] = 2;
	assert_int_equal(bond_probe_decode(buf, (size_t)len, &q), -EBADMSG);
	buf[0] = BOND_PROBE_VERSION;
	buf[2] = 1;
	assert_int_equal(bond_probe_decode(buf, (size_t)len, &q), -EBADMSG);
	buf[2] = 0;
	buf[BOND_PROBE_HDR_LEN + 1] = 0x80; /* unknown flag */
	assert_int_equal(bond_probe_decode(buf, (size_t)len, &q), -EBADMSG);
	buf[BOND_PROBE_HDR_LEN + 1] = BOND_PROBE_F_ALL;
	buf[BOND_PROBE_HDR_LEN] = BOND_LINKS_MAX;
	assert_int_equal(bond_probe_decode(buf, (size_t)len, &q), -EBADMSG);
	buf[BOND_PROBE_HDR_LEN] = 0; /* same link twice */
	assert_int_equal(bond_probe_decode(buf, (size_t)len, &q), -EBADMSG);
	buf[BOND_PROBE_HDR_LEN] = 3;
	buf[BOND_PROBE_HDR_LEN + 3] = 1; /* reserved byte */
	assert_int_equal(bond_probe_decode(buf, (size_t)len, &q), -EBADMSG);
	buf[BOND_PROBE_HDR_LEN + 3] = 0;
	/* more reports than links, each well formed */
	static uint8_t big[BOND_PROBE_HDR_LEN + (BOND_LINKS_MAX + 1) * BOND_PROBE_REPORT_LEN];
	big[0] = BOND_PROBE_VERSION;
	big[1] = BOND_LINKS_MAX + 1;
	for (int k = 0; k <= BOND_LINKS_MAX; k++)
		big[BOND_PROBE_HDR_LEN + k * BOND_PROBE_REPORT_LEN] = (uint8_t)(k % BOND_LINKS_MAX);
	assert_int_equal(bond_probe_decode(big, sizeof(big), &q), -EBADMSG);
	assert_int_equal(bond_probe_decode(buf, (size_t)len, &q), 0);

	p.r[1].link = 3;
	assert_int_equal(bond_probe_encode(&p, buf, sizeof(buf)), -EINVAL);
	p.r[1].link = 0;
	p.r[1].flags = 0x40;
	assert_int_equal(bond_probe_encode(&p, buf, sizeof(buf)), -EINVAL);
}

/* A report about a link this peer does not have is refused whole and counted. */
static void probe_for_unknown_link_refused(void **state)
{
	struct bond_health_params p;
	struct bond_health *h;
	struct bond_health_stats st;
	struct bond_probe pr = {.n_reports = 1};
	uint8_t buf[BOND_PROBE_MAX_LEN];
	int len;

	bond_health_params_init(&p, 2);
	h = bond_health_create("x", &p, 0);
	assert_non_null(h);
	pr.r[0].link = 5;
	pr.r[0].flags = BOND_PROBE_F_ALL;
	len = bond_probe_encode(&pr, buf, sizeof(buf));
	assert_int_equal(bond_health_probe_input(h, 0, buf, (size_t)len, 0), -EBADMSG);
	assert_int_equal(bond_health_probe_input(h, 0, buf, 5, 0), -EBADMSG);
	assert_int_equal(bond_health_probe_input(h, 2, buf, (size_t)len, 0), -EINVAL);
	assert_int_equal(bond_health_rx(h, 9, 0, 0, 0, 100, 0), -EINVAL);
	assert_int_equal(bond_health_rx(h, 0, BOND_QUEUES_MAX, 0, 0, 100, 0), -EINVAL);
	bond_health_stats_get(h, &st);
	assert_int_equal(st.probes_bad, 2);
	assert_int_equal(st.link_invalid, 3);
	assert_int_equal(bond_health_probe_build(h, 0, buf, 10), -ENOSPC);
	bond_health_free(h);
}

/*
 * The same probe body goes on every link of a round; one built earlier that arrives after a
 * newer one (by a slower link) must not take back what the newer one said: a link just
 * reported up is not set down again by the older report. A body older than 1 s is a peer whose
 * clock went back (restart) and is believed.
 */
static void stale_probe_does_not_undo_newer(void **state)
{
	struct bond_health_params p;
	struct bond_health *h;
	struct bond_health_stats st;
	struct bond_probe older = {.built_us = 1000000, .n_reports = 2};
	struct bond_probe newer = {.built_us = 1100000, .n_reports = 2};
	uint8_t bo[BOND_PROBE_MAX_LEN], bn[BOND_PROBE_MAX_LEN];
	int lo, ln;

	bond_health_params_init(&p, 2);
	h = bond_health_create("x", &p, 0);
	assert_non_null(h);
	for (uint8_t l = 0; l < 2; l++) {
		older.r[l].link = newer.r[l].link = l;
		older.r[l].flags = BOND_PROBE_F_SEEN; /* link 0 and 1 not yet up at the peer */
		newer.r[l].flags = BOND_PROBE_F_ALL;  /* both up */
	}
	lo = bond_probe_encode(&older, bo, sizeof(bo));
	ln = bond_probe_encode(&newer, bn, sizeof(bn));
	assert_true(lo > 0 && ln > 0);
	/* the newer report came by coax (link 0), the older one later by LTE (link 1) */
	assert_int_equal(bond_health_probe_input(h, 0, bn, (size_t)ln, 2000), 0);
	assert_int_equal(info_of(h, 0).tx_state, BOND_LINK_UP);
	assert_int_equal(info_of(h, 1).tx_state, BOND_LINK_UP);
	assert_int_equal(bond_health_probe_input(h, 1, bo, (size_t)lo, 2100), 0);
	assert_int_equal(info_of(h, 0).tx_state, BOND_LINK_UP);
	assert_int_equal(info_of(h, 1).tx_state, BOND_LINK_UP);
	assert_int_equal(info_of(h, 0).tx_downs, 0);
	bond_health_stats_get(h, &st);
	assert_int_equal(st.probes_stale, 1);
	/* the same body again (the round's copy on the other link) is not stale */
	assert_int_equal(bond_health_probe_input(h, 1, bn, (size_t)ln, 2200), 0);
	bond_health_stats_get(h, &st);
	assert_int_equal(st.probes_stale, 1);
	/* a peer that restarted: its clock 5 s behind, its report is taken in */
	older.built_us = newer.built_us - 5000000;
	lo = bond_probe_encode(&older, bo, sizeof(bo));
	assert_int_equal(bond_health_probe_input(h, 0, bo, (size_t)lo, 3000), 0);
	assert_int_equal(info_of(h, 0).tx_state, BOND_LINK_DOWN);
	bond_health_free(h);
}

static void bad_params(void **state)
{
	struct bond_health_params p;
	const char *why = NULL;

	bond_health_params_init(&p, 0);
	assert_int_equal(bond_health_params_check(&p, &why), -EINVAL);
	assert_non_null(why);
	assert_null(bond_health_create("x", &p, 0));
	assert_int_equal(rte_errno, EINVAL);
	bond_health_params_init(&p, 2);
	p.down_after_min_us = p.probe_interval_us;
	assert_int_equal(bond_health_params_check(&p, NULL), -EINVAL);
	bond_health_params_init(&p, 2);
	p.first_up_after_us = p.up_after_us + 1;
	assert_int_equal(bond_health_params_check(&p, NULL), -EINVAL);
	bond_health_params_init(&p, 2);
	p.probe_interval_us = 5000;
	assert_int_equal(bond_health_params_check(&p, NULL), -EINVAL);
	bond_health_params_init(&p, BOND_LINKS_MAX + 1);
	assert_int_equal(bond_health_params_check(&p, NULL), -EINVAL);
	bond_health_params_init(&p, BOND_LINKS_MAX);
	assert_int_equal(bond_health_params_check(&p, &why), 0);
	assert_null(why);
	bond_health_free(NULL);
}

int main(void)
{
	rte_log_set_level_pattern("pepgw.bond", RTE_LOG_WARNING);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(links_come_up),
	        cmocka_unit_test(both_way_failure_found_within_a_second),
	        cmocka_unit_test(one_way_failure_a_to_b),
	        cmocka_unit_test(one_way_failure_b_to_a),
	        cmocka_unit_test(recovery_with_hysteresis_and_damping),
	        cmocka_unit_test(deadline_announces_down_and_probes_at_once),
	        cmocka_unit_test(intermittent_link_stays_down),
	        cmocka_unit_test(lossy_link_does_not_flap),
	        cmocka_unit_test(loss_measured_per_direction),
	        cmocka_unit_test(rate_estimate_converges),
	        cmocka_unit_test(delays_round_trip_and_hold),
	        cmocka_unit_test(silent_peer_stops_everything),
	        cmocka_unit_test(probe_codec),
	        cmocka_unit_test(probe_for_unknown_link_refused),
	        cmocka_unit_test(stale_probe_does_not_undo_newer),
	        cmocka_unit_test(bad_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
