/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The path layer end to end on a virtual clock: gateway A (branch) sends an open-loop stream
 * of four inner flows at 27 Mbit/s through the DYNAMIC scheduler over two lib/wanem links
 * (dicom-branch: coax 20 Mbit/s 15 ms, LTE 10 Mbit/s 30 ms one way, 0.5 % loss each way, 100
 * ms of queue); gateway B (clock 4293 s apart, 24-bit stamps wrap every 16.8 s) runs the reorder
 * buffer and hands packets to an "end host" that checks each flow's order. Both run bond_health
 * with probes both ways.
 *
 * Checks: delivered >= 95 % of what the links did not lose, no packet out of order or twice
 * at the end host, and when coax is cut (both ways, or only A -> B) A stops using it within
 * 1 s while traffic goes on over LTE; when it comes back it carries traffic again.
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
#include <rte_log.h>

#include "bond_health.h"
#include "bond_reorder.h"
#include "bond_sched.h"
#include "wanem.h"

#define S           1000000ull
#define MS          1000ull
#define N_LINKS     2
#define COAX        0
#define LTE         1
#define N_FLOWS     4
#define FRAME       1454u /* 1440-byte tunnel packet + Ethernet */
#define L3          1440u
#define OFFERED_BPS 27000000ull
#define POOL        40000
#define HOLD_CAP_US 200000u

enum { A = 0, B = 1 };

struct pkt {
	struct pkt *next_free;
	bool probe;
	uint8_t link;
	uint64_t link_seq;
	uint32_t ts;
	/* data */
	uint32_t bucket, rseq, flow;
	uint64_t id; /* position in its flow */
	/* probe */
	uint16_t len;
	uint8_t body[BOND_PROBE_MAX_LEN];
};

struct window_count {
	uint64_t from, to, delivered;
};

struct sim {
	enum bond_sched_kind kind;
	uint64_t offered_bps;
	uint64_t now;
	uint64_t offset[2];
	struct wanem *w[2][N_LINKS]; /* [from][link] */
	struct bond_health *h[2];
	struct bond_sched *sched;
	struct bond_reorder_seq *seq;
	struct bond_reorder *reorder;
	uint64_t sched_gen;
	struct pkt *pool;
	struct pkt *free_list;
	unsigned int in_use;
	/* sender */
	uint64_t next_send;
	uint64_t flow_next_id[N_FLOWS];
	uint64_t sent, no_link, sent_on[N_LINKS];
	uint64_t last_pick_us[N_LINKS];
	/* end host */
	bool flow_seen[N_FLOWS];
	uint64_t flow_last_id[N_FLOWS];
	uint64_t delivered, out_of_order, twice;
	struct window_count win[3];
	uint64_t reorder_refused;
	uint64_t next_link_seq[2][N_LINKS]; /* the wire layer's, one sender queue per side */
};

static uint64_t local(const struct sim *s, int side)
{
	return s->now + s->offset[side];
}

static struct pkt *pkt_alloc(struct sim *s)
{
	struct pkt *p = s->free_list;

	assert_non_null(p);
	s->free_list = p->next_free;
	s->in_use++;
	memset(p, 0, offsetof(struct pkt, body));
	return p;
}

static void pkt_free(struct sim *s, struct pkt *p)
{
	p->next_free = s->free_list;
	s->free_list = p;
	s->in_use--;
}

static void link_params(struct wanem_params *p, unsigned int link, uint64_t seed)
{
	wanem_params_init(p);
	p->mtu = L3;
	p->rate_bps = link == COAX ? 20000000 : 10000000;
	p->queue_bytes = (uint32_t)(p->rate_bps / 8 / 10); /* 100 ms, as wanem's config default */
	p->delay_us = link == COAX ? 15000 : 30000;
	p->loss = 0.005;
	p->seed = seed;
}

static void sim_init_kind(struct sim *s, enum bond_sched_kind kind, uint64_t offered_bps)
{
	struct bond_health_params hp;
	struct bond_sched_params sp = {.kind = kind, .n_links = N_LINKS};
	struct bond_reorder_params rp;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->offered_bps = offered_bps;
	s->offset[A] = 5000000;
	s->offset[B] = 4293000000ull;
	s->pool = calloc(POOL, sizeof(*s->pool));
	assert_non_null(s->pool);
	for (unsigned int i = 0; i < POOL; i++)
		pkt_free(s, &s->pool[i]);
	s->in_use = 0;
	for (int side = 0; side < 2; side++)
		for (unsigned int l = 0; l < N_LINKS; l++) {
			struct wanem_params wp;

			link_params(&wp, l, 1 + side * 2 + l);
			s->w[side][l] = wanem_create("link", &wp);
			assert_non_null(s->w[side][l]);
		}
	bond_health_params_init(&hp, N_LINKS);
	for (int side = 0; side < 2; side++) {
		s->h[side] = bond_health_create(side == A ? "A" : "B", &hp, local(s, side));
		assert_non_null(s->h[side]);
	}
	s->sched = bond_sched_create("A", &sp);
	assert_non_null(s->sched);
	bond_reorder_params_init(&rp);
	rp.hold_max_us = HOLD_CAP_US;
	s->reorder = bond_reorder_create("B", &rp);
	assert_non_null(s->reorder);
	s->seq = bond_reorder_seq_create(rp.n_buckets);
	assert_non_null(s->seq);
	s->sched_gen = UINT64_MAX;
}

static void sim_init(struct sim *s)
{
	sim_init_kind(s, BOND_SCHED_DYNAMIC, OFFERED_BPS);
}

static void wire_send(struct sim *s, int from, struct pkt *p, uint8_t link)
{
	enum wanem_verdict v;

	p->link = link;
	p->link_seq = ++s->next_link_seq[from][link];
	p->ts = bond_stamp(local(s, from));
	bond_health_tx(s->h[from], link, FRAME);
	v = wanem_enqueue(s->w[from][link], p, FRAME, L3, s->now, 0);
	if (wanem_verdict_is_drop(v))
		pkt_free(s, p);
}

static void send_probes(struct sim *s, int side)
{
	uint32_t mask = bond_health_poll(s->h[side], local(s, side));
	uint8_t body[BOND_PROBE_MAX_LEN];
	int len;

	if (mask == 0)
		return;
	len = bond_health_probe_build(s->h[side], local(s, side), body, sizeof(body));
	assert_true(len > 0);
	for (uint8_t l = 0; l < N_LINKS; l++) {
		struct pkt *p;

		if ((mask & (1u << l)) == 0)
			continue;
		p = pkt_alloc(s);
		p->probe = true;
		p->len = (uint16_t)len;
		memcpy(p->body, body, (size_t)len);
		wire_send(s, side, p, l);
	}
}

static void send_data(struct sim *s)
{
	uint32_t flow = (uint32_t)(s->sent % N_FLOWS);
	uint8_t links[BOND_SCHED_MAX_COPIES];
	struct pkt *p;
	uint32_t bucket, rseq;
	int n;

	if (bond_health_generation(s->h[A]) != s->sched_gen) {
		struct bond_link_view v[N_LINKS];

		s->sched_gen = bond_health_generation(s->h[A]);
		bond_health_views(s->h[A], v);
		assert_int_equal(bond_sched_set_links(s->sched, v, N_LINKS), 0);
	}
	s->sent++;
	n = bond_sched_pick(s->sched, FRAME, local(s, A), links);
	if (n < 0) {
		s->no_link++;
		s->flow_next_id[flow]++;
		return;
	}
	/* one copy, or two with the duplicate scheduler once both links are up */
	assert_true(n == 1 || (n == 2 && s->kind == BOND_SCHED_DUPLICATE));
	/* numbered once it has a link: a packet never sent leaves no hole */
	rseq = bond_reorder_seq_next(s->seq, flow * 2654435761u, &bucket);
	for (int c = 0; c < n; c++) {
		p = pkt_alloc(s);
		p->flow = flow;
		p->bucket = bucket;
		p->rseq = rseq;
		p->id = s->flow_next_id[flow];
		s->sent_on[links[c]]++;
		s->last_pick_us[links[c]] = s->now;
		wire_send(s, A, p, links[c]);
	}
	s->flow_next_id[flow]++;
}

static void end_host(struct sim *s, struct pkt *p)
{
	if (s->flow_seen[p->flow] && p->id < s->flow_last_id[p->flow])
		s->out_of_order++;
	else if (s->flow_seen[p->flow] && p->id == s->flow_last_id[p->flow])
		s->twice++;
	s->flow_seen[p->flow] = true;
	s->flow_last_id[p->flow] = RTE_MAX(s->flow_last_id[p->flow], p->id);
	s->delivered++;
	for (int i = 0; i < 3; i++)
		if (s->now >= s->win[i].from && s->now < s->win[i].to)
			s->win[i].delivered++;
	pkt_free(s, p);
}

static void reorder_output(struct sim *s)
{
	void *out[64];
	unsigned int n;

	bond_reorder_advance(s->reorder, local(s, B));
	while ((n = bond_reorder_drain(s->reorder, out, 64)) > 0)
		for (unsigned int i = 0; i < n; i++)
			end_host(s, out[i]);
	while ((n = bond_reorder_death_row(s->reorder, out, 64)) > 0)
		for (unsigned int i = 0; i < n; i++)
			pkt_free(s, out[i]);
}

static void receive(struct sim *s, int to, struct pkt *p)
{
	struct bond_health *h = s->h[to];

	assert_int_equal(bond_health_rx(h, p->link, 0, p->link_seq, p->ts, FRAME, local(s, to)), 0);
	if (to == B) {
		uint32_t margin;
		uint32_t hold = bond_health_reorder_hold_us(h, HOLD_CAP_US, &margin);

		bond_reorder_set_hold(s->reorder, hold, margin);
	}
	if (p->probe) {
		assert_int_equal(bond_health_probe_input(h, p->link, p->body, p->len, local(s, to)),
		                 0);
		if (to == B)
			bond_reorder_link_seen(s->reorder, p->link, p->ts, local(s, B));
		pkt_free(s, p);
		return;
	}
	assert_int_equal(to, B);
	struct bond_reorder_meta m = {
	        .bucket = p->bucket, .seq = p->rseq, .sender_ts = p->ts, .link = p->link};
	if (bond_reorder_insert(s->reorder, p, &m, local(s, B)) < 0) {
		s->reorder_refused++;
		pkt_free(s, p);
	}
}

static uint64_t to_global(const struct sim *s, int side, uint64_t t)
{
	if (t == UINT64_MAX)
		return t;
	return t < s->offset[side] ? 0 : t - s->offset[side];
}

static void sim_run(struct sim *s, uint64_t until)
{
	const uint64_t gap_ns = (uint64_t)FRAME * 8 * 1000000000ull / s->offered_bps;

	uint64_t last_now = UINT64_MAX;
	unsigned int stuck = 0;

	while (s->now < until) {
		uint64_t t = s->next_send / 1000;

		/* a deadline that a poll does not move would spin here: fail instead */
		stuck = s->now == last_now ? stuck + 1 : 0;
		assert_true(stuck < 100000);
		last_now = s->now;

		for (int side = 0; side < 2; side++) {
			t = RTE_MIN(t,
			            to_global(s, side, bond_health_next_deadline_us(s->h[side])));
			for (unsigned int l = 0; l < N_LINKS; l++)
				t = RTE_MIN(t, wanem_next_event_us(s->w[side][l]));
		}
		t = RTE_MIN(t, to_global(s, B, bond_reorder_next_deadline_us(s->reorder)));
		s->now = RTE_MIN(RTE_MAX(s->now, t), until);

		for (int side = 0; side < 2; side++)
			for (unsigned int l = 0; l < N_LINKS; l++) {
				void *tx[64], *drop[64];
				unsigned int nd, n;

				do {
					n = wanem_dequeue(s->w[side][l], s->now, tx, 64, drop, &nd);
					for (unsigned int i = 0; i < n; i++)
						receive(s, !side, tx[i]);
					for (unsigned int i = 0; i < nd; i++)
						pkt_free(s, drop[i]);
				} while (n + nd == 64);
			}
		reorder_output(s);
		while (s->next_send / 1000 <= s->now) {
			send_data(s);
			s->next_send += gap_ns;
		}
		send_probes(s, A);
		send_probes(s, B);
	}
}

static void sim_fini(struct sim *s)
{
	void *out[256];
	unsigned int n;

	for (int side = 0; side < 2; side++)
		for (unsigned int l = 0; l < N_LINKS; l++) {
			while ((n = wanem_flush(s->w[side][l], out, 256)) > 0)
				for (unsigned int i = 0; i < n; i++)
					pkt_free(s, out[i]);
			wanem_free(s->w[side][l]);
		}
	while ((n = bond_reorder_flush(s->reorder, out, 256)) > 0)
		for (unsigned int i = 0; i < n; i++)
			pkt_free(s, out[i]);
	/* every packet came back: nothing leaked, nothing freed twice */
	assert_int_equal(s->in_use, 0);
	bond_reorder_free(s->reorder);
	bond_reorder_seq_free(s->seq);
	bond_sched_free(s->sched);
	bond_health_free(s->h[A]);
	bond_health_free(s->h[B]);
	free(s->pool);
}

static uint64_t wanem_count(struct wanem *w, enum wanem_counter c)
{
	struct wanem_stats st;

	wanem_stats_get(w, &st);
	return st.c[c];
}

static void report(struct sim *s, const char *what)
{
	struct bond_reorder_stats rs;
	struct bond_link_info ci, li;

	bond_reorder_stats_get(s->reorder, &rs);
	bond_health_link_info(s->h[A], COAX, &ci);
	bond_health_link_info(s->h[A], LTE, &li);
	printf("%s: sent %lu (coax %lu, lte %lu, no link %lu), delivered %lu, out of order %lu, "
	       "twice %lu\n",
	       what, s->sent, s->sent_on[COAX], s->sent_on[LTE], s->no_link, s->delivered,
	       s->out_of_order, s->twice);
	printf("  links: loss coax %lu lte %lu, queue drops coax %lu lte %lu; rate estimates coax "
	       "%.1f lte %.1f Mbit/s\n",
	       wanem_count(s->w[A][COAX], WANEM_C_drop_loss),
	       wanem_count(s->w[A][LTE], WANEM_C_drop_loss),
	       wanem_count(s->w[A][COAX], WANEM_C_drop_queue_full),
	       wanem_count(s->w[A][LTE], WANEM_C_drop_queue_full), ci.rate_tx_est_bps / 1e6,
	       li.rate_tx_est_bps / 1e6);
	printf("  reorder: held %lu, skipped expired %lu passed %lu window %lu memory %lu, late "
	       "%lu, "
	       "duplicate %lu, hold %u us\n",
	       rs.c[BOND_REORDER_C_held], rs.c[BOND_REORDER_C_skipped_expired],
	       rs.c[BOND_REORDER_C_skipped_passed], rs.c[BOND_REORDER_C_skipped_window],
	       rs.c[BOND_REORDER_C_skipped_memory], rs.c[BOND_REORDER_C_drop_late],
	       rs.c[BOND_REORDER_C_drop_duplicate], rs.hold_us);
	for (int i = 0; i < 3; i++)
		if (s->win[i].to > s->win[i].from)
			printf("  goodput %.1f-%.1f s: %.2f Mbit/s\n", s->win[i].from / 1e6,
			       s->win[i].to / 1e6,
			       s->win[i].delivered * FRAME * 8.0 / (s->win[i].to - s->win[i].from));
}

static double window_mbps(const struct sim *s, int i)
{
	return s->win[i].delivered * FRAME * 8.0 / (double)(s->win[i].to - s->win[i].from);
}

/* Delivered against what the links did not lose (random loss and, after a cut, tail drops). */
static void check_clean_delivery(struct sim *s)
{
	struct bond_reorder_stats rs;
	uint64_t lost = 0;

	for (unsigned int l = 0; l < N_LINKS; l++)
		lost += wanem_count(s->w[A][l], WANEM_C_drop_loss);
	assert_int_equal(s->out_of_order, 0);
	assert_int_equal(s->twice, 0);
	assert_int_equal(s->reorder_refused, 0);
	/* every hole given up was a loss: no packet arrived after its hole was given up */
	bond_reorder_stats_get(s->reorder, &rs);
	assert_int_equal(rs.c[BOND_REORDER_C_drop_late], 0);
	/* the scheduler kept within the links' capacity: no queue overflowed */
	assert_int_equal(wanem_count(s->w[A][COAX], WANEM_C_drop_queue_full), 0);
	assert_int_equal(wanem_count(s->w[A][LTE], WANEM_C_drop_queue_full), 0);
	assert_true((double)s->delivered >= 0.95 * (double)(s->sent - lost));
}

static void bonded_goodput_in_order(void **state)
{
	struct sim s;
	const double offered = OFFERED_BPS / 1e6;

	sim_init(&s);
	s.win[0] = (struct window_count){.from = 2 * S, .to = 10 * S};
	sim_run(&s, 10 * S);
	report(&s, "dicom-branch, 27 Mbit/s offered");
	check_clean_delivery(&s);
	/* steady state: what was offered minus the 0.5 % the links lose, within 5 % */
	assert_true(window_mbps(&s, 0) >= 0.95 * offered * 0.995);
	assert_true(s.sent_on[LTE] > s.sent / 5); /* both links carry the stream */
	sim_fini(&s);
}

static void cut(struct sim *s, unsigned int link, bool a_to_b, bool b_to_a, bool down)
{
	if (a_to_b)
		wanem_set_down(s->w[A][link], down);
	if (b_to_a)
		wanem_set_down(s->w[B][link], down);
}

static void link_cut_and_back(bool both_ways)
{
	struct sim s;
	struct bond_link_info i;
	struct bond_reorder_stats rs;
	uint64_t stopped_after;

	sim_init(&s);
	/* cut after 12 s: up for over 10 s, its recovery is not damped */
	s.win[0] = (struct window_count){.from = 2 * S, .to = 12 * S};
	s.win[1] = (struct window_count){.from = 13 * S, .to = 18 * S};
	s.win[2] = (struct window_count){.from = 20 * S, .to = 23 * S};
	sim_run(&s, 12 * S);
	check_clean_delivery(&s);
	cut(&s, COAX, true, both_ways, true);
	sim_run(&s, 18 * S);
	stopped_after = s.last_pick_us[COAX] - 12 * S;
	printf("coax cut %s at 12 s: last packet scheduled on it %.0f ms later\n",
	       both_ways ? "both ways" : "A->B only", stopped_after / 1000.0);
	assert_true(stopped_after <= 1 * S);
	/* traffic went on over LTE at its capacity (the stream is now too fast for it alone) */
	assert_true(window_mbps(&s, 1) >= 0.95 * 10 * 0.995);
	bond_health_link_info(s.h[A], COAX, &i);
	assert_int_equal(i.tx_state, BOND_LINK_DOWN);
	/* one way only: B still reaches A over coax */
	assert_int_equal(i.rx_state, both_ways ? BOND_LINK_DOWN : BOND_LINK_UP);
	cut(&s, COAX, true, both_ways, false);
	sim_run(&s, 23 * S);
	report(&s, both_ways ? "coax cut both ways 12-18 s" : "coax cut A->B 12-18 s");
	/* back within its hysteresis and used again */
	assert_true(s.last_pick_us[COAX] > 22 * S);
	assert_true(window_mbps(&s, 2) >= 0.95 * OFFERED_BPS / 1e6 * 0.995);
	assert_int_equal(s.out_of_order, 0);
	assert_int_equal(s.twice, 0);
	bond_reorder_stats_get(s.reorder, &rs);
	assert_int_equal(rs.c[BOND_REORDER_C_drop_late], 0);
	sim_fini(&s);
}

/*
 * The duplicate scheduler (VoIP-like 2 Mbit/s): every packet on both links, the end host gets
 * each exactly once, and only a packet lost on both links is missing.
 */
static void duplicate_delivers_each_packet_once(void **state)
{
	struct sim s;
	struct bond_reorder_stats rs;
	uint64_t sent_ok;

	sim_init_kind(&s, BOND_SCHED_DUPLICATE, 2000000);
	sim_run(&s, 10 * S);
	report(&s, "duplicate, 2 Mbit/s offered");
	bond_reorder_stats_get(s.reorder, &rs);
	sent_ok = s.sent - s.no_link;
	assert_int_equal(s.out_of_order, 0);
	assert_int_equal(s.twice, 0);
	/* both links carry every packet, but for the moment one came up before the other */
	assert_true(s.sent_on[COAX] + s.sent_on[LTE] >= 2 * sent_ok - 20);
	/* 0.5 % loss on each link: about 0.0025 % of packets lose both copies */
	assert_true(s.delivered + 5 >= sent_ok - 2);
	assert_true(rs.c[BOND_REORDER_C_drop_duplicate] + 5 >= sent_ok - 2 * sent_ok / 100);
	sim_fini(&s);
}

static void coax_cut_both_ways(void **state)
{
	link_cut_and_back(true);
}

static void coax_cut_one_way(void **state)
{
	link_cut_and_back(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(bonded_goodput_in_order),
	        cmocka_unit_test(duplicate_delivers_each_packet_once),
	        cmocka_unit_test(coax_cut_both_ways),
	        cmocka_unit_test(coax_cut_one_way),
	};

	rte_log_set_level_pattern("pepgw.bond", RTE_LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
