/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim bond nodes (sim_bond.h): lib/bond's scheduler, health, reorder buffer, AES-GCM and wire
 * header as one end of the tunnel, on the simulation's clock plus the node's offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "bond_health.h"
#include "bond_reorder.h"
#include "bond_wire.h"
#include "sim_bond.h"

#define BOND_NODE_MAGIC 0x626f6e64u
#define DRAIN_BURST     64

struct bond_node {
	uint32_t magic;
	struct sim_node *node;
	struct sim *sim;
	uint8_t n_links;
	uint32_t hold_cap_us;
	uint64_t offset;
	struct bond_health *h;
	struct bond_sched *sched;
	uint64_t sched_gen;
	struct bond_reorder_seq *seq;
	struct bond_reorder *reorder;
	struct bond_crypto *crypto;
	struct bond_outer outer;
	bool quiet; /* every flow closed: no more probes */
	struct sim_bond_stats st;
};

static uint64_t local_now(const struct bond_node *b, uint64_t now)
{
	return now + b->offset;
}

/* A deadline on the node's clock as the simulation's time. */
static uint64_t to_sim(const struct bond_node *b, uint64_t t)
{
	if (t == UINT64_MAX)
		return t;
	return t < b->offset ? 0 : t - b->offset;
}

static void refresh_views(struct bond_node *b)
{
	uint64_t gen = bond_health_generation(b->h);
	if (gen == b->sched_gen)
		return;
	struct bond_link_view v[BOND_LINKS_MAX];
	bond_health_views(b->h, v);
	if (bond_sched_set_links(b->sched, v, b->n_links) == 0)
		b->sched_gen = gen;
}

/* Seal m with meta, push the outer header, count it and hand it to the tunnel port. */
static void seal_send(struct bond_node *b, struct rte_mbuf *m, const struct bond_seal_meta *meta,
                      uint64_t now)
{
	uint8_t res;
	uint32_t inner = rte_pktmbuf_pkt_len(m);
	if (bond_crypto_seal_burst(b->crypto, &m, meta, 1, local_now(b, now), &res) != 1 ||
	    bond_wire_push_outer(m, &b->outer) != 0) {
		b->st.seal_drops++;
		rte_pktmbuf_free(m);
		return;
	}
	bond_health_tx(b->h, meta->link, inner + BOND_OVERHEAD);
	sim_node_send(b->node, 1, m);
}

static void send_data(struct bond_node *b, struct rte_mbuf *m, uint64_t now)
{
	uint8_t links[BOND_SCHED_MAX_COPIES];
	uint32_t len = rte_pktmbuf_pkt_len(m);
	refresh_views(b);
	int n = bond_sched_pick(b->sched, len + BOND_OVERHEAD, local_now(b, now), links);
	if (n < 0) {
		b->st.no_link++;
		rte_pktmbuf_free(m);
		return;
	}
	uint8_t flat[64];
	const uint8_t *ip = rte_pktmbuf_read(m, 0, RTE_MIN(len, (uint32_t)sizeof(flat)), flat);
	uint32_t bucket;
	uint32_t rseq = bond_reorder_seq_next(
	        b->seq, ip ? bond_wire_flow_hash(ip, RTE_MIN(len, (uint32_t)sizeof(flat))) : 0,
	        &bucket);
	struct rte_mbuf *copy = NULL;
	if (n == 2) {
		copy = rte_pktmbuf_copy(m, sim_pool(b->sim), 0, UINT32_MAX);
		if (copy == NULL)
			n = 1;
	}
	for (int c = 0; c < n; c++) {
		struct bond_seal_meta meta = {.type = BOND_TYPE_DATA,
		                              .flags = c ? BOND_F_DUPLICATE : 0,
		                              .link = links[c],
		                              .flow_seq = (uint16_t)rseq};
		b->st.data_tx[links[c]]++;
		b->st.last_data_tx_us[links[c]] = now;
		seal_send(b, c ? copy : m, &meta, now);
	}
}

static void send_probes(struct bond_node *b, uint64_t now)
{
	uint32_t mask = bond_health_poll(b->h, local_now(b, now));
	if (mask == 0 || b->quiet)
		return;
	uint8_t body[BOND_PROBE_MAX_LEN];
	int len = bond_health_probe_build(b->h, local_now(b, now), body, sizeof(body));
	if (len <= 0)
		return;
	for (uint8_t l = 0; l < b->n_links; l++) {
		if ((mask & (1u << l)) == 0)
			continue;
		struct rte_mbuf *m = rte_pktmbuf_alloc(sim_pool(b->sim));
		char *p = m ? rte_pktmbuf_append(m, (uint16_t)len) : NULL;
		if (p == NULL) {
			rte_pktmbuf_free(m);
			b->st.seal_drops++;
			continue;
		}
		memcpy(p, body, (size_t)len);
		struct bond_seal_meta meta = {.type = BOND_TYPE_PROBE, .link = l};
		seal_send(b, m, &meta, now);
	}
}

static void tunnel_input(struct bond_node *b, struct rte_mbuf *m, uint64_t now)
{
	uint64_t t = local_now(b, now);
	uint8_t res;
	struct bond_open_info info;
	if (rte_pktmbuf_adj(m, BOND_OUTER_LEN) == NULL ||
	    bond_crypto_open_burst(b->crypto, &m, 1, &res, &info) != 1) {
		b->st.open_drops++;
		rte_pktmbuf_free(m);
		return;
	}
	uint8_t link = info.hdr.link;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	bond_health_rx(b->h, link, info.hdr.queue, info.link_seq, info.hdr.ts, len + BOND_OVERHEAD,
	               t);
	uint32_t margin;
	uint32_t hold = bond_health_reorder_hold_us(b->h, b->hold_cap_us, &margin);
	bond_reorder_set_hold(b->reorder, hold, margin);
	if (info.hdr.type != BOND_TYPE_DATA) {
		bond_health_probe_input(b->h, link, rte_pktmbuf_mtod(m, void *), len, t);
		bond_reorder_link_seen(b->reorder, link, info.hdr.ts, t);
		rte_pktmbuf_free(m);
		return;
	}
	uint8_t flat[64];
	const uint8_t *ip = rte_pktmbuf_read(m, 0, RTE_MIN(len, (uint32_t)sizeof(flat)), flat);
	struct bond_reorder_meta rm = {
	        .bucket =
	                (uint32_t)info.hdr.queue * BOND_WIRE_FLOW_BUCKETS +
	                (ip ? bond_wire_flow_bucket(ip, RTE_MIN(len, (uint32_t)sizeof(flat))) : 0),
	        .seq = info.hdr.flow_seq,
	        .sender_ts = info.hdr.ts,
	        .link = link};
	if (bond_reorder_insert(b->reorder, m, &rm, t) < 0) {
		b->st.reorder_refused++;
		rte_pktmbuf_free(m);
	}
}

static void bond_input(struct sim_node *n, unsigned int port, struct rte_mbuf *m, uint64_t now)
{
	struct bond_node *b = sim_node_priv(n);
	if (port == 0)
		send_data(b, m, now);
	else
		tunnel_input(b, m, now);
}

static void release(struct bond_node *b, uint64_t now)
{
	void *out[DRAIN_BURST];
	unsigned int k;
	bond_reorder_advance(b->reorder, local_now(b, now));
	while ((k = bond_reorder_drain(b->reorder, out, DRAIN_BURST)) > 0)
		for (unsigned int i = 0; i < k; i++)
			sim_node_send(b->node, 0, out[i]);
	while ((k = bond_reorder_death_row(b->reorder, out, DRAIN_BURST)) > 0)
		for (unsigned int i = 0; i < k; i++)
			rte_pktmbuf_free(out[i]);
}

static void bond_advance(struct sim_node *n, uint64_t now)
{
	struct bond_node *b = sim_node_priv(n);
	struct sim_totals t;
	sim_get_totals(b->sim, &t);
	b->quiet = t.flows_opened > 0 && t.flows_open == 0;
	release(b, now);
	send_probes(b, now);
}

static uint64_t bond_next_event(const struct sim_node *n, uint64_t now)
{
	const struct bond_node *b = sim_node_priv(n);
	uint64_t r = to_sim(b, bond_reorder_next_deadline_us(b->reorder));
	uint64_t h = b->quiet ? UINT64_MAX : to_sim(b, bond_health_next_deadline_us(b->h));
	return RTE_MIN(r, h);
}

static bool bond_busy(const struct sim_node *n)
{
	const struct bond_node *b = sim_node_priv(n);
	struct bond_reorder_stats rs;
	bond_reorder_stats_get(b->reorder, &rs);
	return rs.held_packets + rs.ready_packets + rs.death_row_packets > 0;
}

static void bond_destroy(struct sim_node *n)
{
	struct bond_node *b = sim_node_priv(n);
	void *out[DRAIN_BURST];
	unsigned int k;
	while ((k = bond_reorder_flush(b->reorder, out, DRAIN_BURST)) > 0)
		for (unsigned int i = 0; i < k; i++)
			rte_pktmbuf_free(out[i]);
	bond_reorder_free(b->reorder);
	bond_reorder_seq_free(b->seq);
	bond_sched_free(b->sched);
	bond_health_free(b->h);
	bond_crypto_free(b->crypto);
	free(b);
}

static const struct sim_node_ops bond_ops = {
        .input = bond_input,
        .advance = bond_advance,
        .next_event_us = bond_next_event,
        .busy = bond_busy,
        .destroy = bond_destroy,
};

struct sim_node *sim_bond_node_create(struct sim *s, const struct sim_bond_params *p)
{
	if (p == NULL || p->n_links == 0 || p->n_links > SIM_PATH_MAX_LINKS || p->dev == NULL ||
	    p->keys == NULL || p->name == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct bond_node *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	b->magic = BOND_NODE_MAGIC;
	b->sim = s;
	b->n_links = p->n_links;
	b->offset = p->clock_offset_us;
	b->hold_cap_us = p->hold_cap_us ? p->hold_cap_us : BOND_REORDER_DEFAULT_HOLD_MAX_US;
	b->sched_gen = UINT64_MAX;
	b->outer = (struct bond_outer){
	        .src = 0xc0000201, .dst = 0xc6336407, .sport = 4500, .dport = 4500, .df = true};

	struct bond_health_params hp;
	bond_health_params_init(&hp, p->n_links);
	for (unsigned int l = 0; l < p->n_links; l++) {
		hp.link[l].rate_tx_bps = p->rate_bps[l];
		hp.link[l].priority = p->priority[l];
	}
	struct bond_sched_params sp = {
	        .kind = p->sched, .n_links = p->n_links, .small_copy_bytes = p->small_copy_bytes};
	struct bond_reorder_params rp;
	bond_reorder_params_init(&rp);
	rp.hold_max_us = b->hold_cap_us;
	struct bond_crypto_params cp = {.dev = p->dev,
	                                .copy_pool = sim_pool(s),
	                                .n_links = p->n_links,
	                                .peer_queues = 1,
	                                .n_queues = 1,
	                                .rx_count = 1,
	                                .name = p->name};
	b->h = bond_health_create(p->name, &hp, local_now(b, 0));
	b->sched = b->h ? bond_sched_create(p->name, &sp) : NULL;
	b->reorder = b->sched ? bond_reorder_create(p->name, &rp) : NULL;
	b->seq = b->reorder ? bond_reorder_seq_create(BOND_WIRE_FLOW_BUCKETS) : NULL;
	b->crypto = b->seq ? bond_crypto_create(&cp) : NULL;
	int rc = b->crypto ? bond_crypto_install(b->crypto, p->keys) : -rte_errno;
	if (rc == 0) {
		b->node = sim_node_create(s, p->name, 2, &bond_ops, b);
		rc = b->node ? 0 : -rte_errno;
	}
	if (rc != 0) {
		bond_crypto_free(b->crypto);
		bond_reorder_seq_free(b->seq);
		bond_reorder_free(b->reorder);
		bond_sched_free(b->sched);
		bond_health_free(b->h);
		free(b);
		rte_errno = -rc;
		return NULL;
	}
	return b->node;
}

/* The link a tunnel packet was sealed for: its header's link id. */
static int pick_from_header(void *arg, struct sim_path *p, const struct rte_mbuf *m,
                            uint64_t now_us)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(now_us);
	uint8_t byte;
	const uint8_t *b = rte_pktmbuf_read(m, BOND_OUTER_LEN + 2, 1, &byte);
	if (b == NULL)
		return -1;
	unsigned int link = *b >> 4;
	return link < sim_path_n_links(p) ? (int)link : -1;
}

int sim_bond_connect(struct sim_node *a, struct sim_node *b, struct sim_path_params *ab,
                     struct sim_path_params *ba)
{
	ab->pick = pick_from_header;
	ba->pick = pick_from_header;
	return sim_connect(a, 1, b, 1, ab, ba);
}

static struct bond_node *bond_of(const struct sim_node *n)
{
	struct bond_node *b = n ? sim_node_priv(n) : NULL;
	return b && b->magic == BOND_NODE_MAGIC ? b : NULL;
}

int sim_bond_get_stats(const struct sim_node *n, struct sim_bond_stats *st)
{
	struct bond_node *b = bond_of(n);
	if (b == NULL)
		return -EINVAL;
	*st = b->st;
	bond_reorder_stats_get(b->reorder, &st->reorder);
	return 0;
}

const struct bond_health *sim_bond_health(const struct sim_node *n)
{
	struct bond_node *b = bond_of(n);
	return b ? b->h : NULL;
}

void sim_bond_print(const struct sim_node *n, FILE *out)
{
	struct bond_node *b = bond_of(n);
	if (b == NULL)
		return;
	for (uint8_t l = 0; l < b->n_links; l++) {
		struct bond_link_info li;
		bond_health_link_info(b->h, l, &li);
		fprintf(out,
		        "bond %s link=%u data_tx=%llu tx_state=%d rx_state=%d owd_tx_rel_us=%u "
		        "queue_tx_us=%u loss_tx_ppm=%u rate_tx_est_mbps=%.2f tx_downs=%llu\n",
		        sim_node_name(n), l, (unsigned long long)b->st.data_tx[l], li.tx_state,
		        li.rx_state, li.owd_tx_rel_us, li.queue_tx_us, li.loss_tx_ppm,
		        li.rate_tx_est_bps / 1e6, (unsigned long long)li.tx_downs);
	}
	struct bond_reorder_stats rs;
	bond_reorder_stats_get(b->reorder, &rs);
	fprintf(out, "bond %s reorder", sim_node_name(n));
	for (int c = 0; c < BOND_REORDER_C_MAX; c++)
		fprintf(out, " %s=%llu", bond_reorder_counter_name((enum bond_reorder_counter)c),
		        (unsigned long long)rs.c[c]);
	fprintf(out, " hold_us=%u no_link=%llu seal_drops=%llu open_drops=%llu\n", rs.hold_us,
	        (unsigned long long)b->st.no_link, (unsigned long long)b->st.seal_drops,
	        (unsigned long long)b->st.open_drops);
}
