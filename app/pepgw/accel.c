/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-TCP glue between the data path, the flow table and lib/tcp: one engine per lcore,
 * connection pairs (LAN leg + WAN leg) in a fixed array indexed by flow_entry.conn, and the
 * relay between the legs.
 *
 * Relay: data the engine delivers on one leg goes into the other leg's send queue while it
 * has room; the rest waits in the pair's pending queue and is not yet "consumed" on the
 * receiving leg, so that leg's advertised window shrinks (flow control across the split).
 * Past proxy_buffer_high pending bytes the receiving leg's window is closed outright and
 * reopened below proxy_buffer_low (F5's model). FIN crosses once everything before it has been
 * queued; RST crosses at once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_tcp.h>

#include "accel.h"
#include "net_csum.h"
#include "tcp.h"

#define LEG_LAN 0
#define LEG_WAN 1
#define ACCEL_PASSTHRU (FLOW_CONN_NONE - 1) /* entry.conn: accelerate refused, forward as is */
/*
 * entry.conn: the split connection of this flow has closed. Stray segments (a late ACK or RST
 * from either end) belong to the split and must not reach the other end, whose sequence
 * numbers differ: they are dropped. A new SYN starts a new split.
 */
#define ACCEL_CLOSED (FLOW_CONN_NONE - 2)

struct accel_pair {
	struct tcp_conn *leg[2];
	struct flow_entry *entry;
	struct accel *a;
	/* Data waiting for room in leg[i]'s send queue (received on the other leg). */
	struct rte_mbuf *pend_head[2], *pend_tail[2];
	uint32_t pend_bytes[2];
	bool fin_after_pend[2];	/* shut leg[i] down once pend[i] is empty */
	bool rcv_closed[2];	/* leg[i]'s receive window is held closed (proxy buffer high) */
	bool lan_deferred;	/* LAN SYN-ACK waits for the WAN handshake */
	bool in_use;
	uint32_t next_free;
};

struct accel {
	struct gw_lcore *lc;
	struct tcp_engine *engine;
	struct accel_pair *pairs;
	uint32_t n_pairs;
	uint32_t free_head;
	uint32_t in_use;
	uint64_t now_us;	/* time of the current call, for callbacks */
};

static struct accel_pair *pair_of(struct tcp_conn *c)
{
	return tcp_conn_user(c);
}

static int leg_index(const struct accel_pair *p, const struct tcp_conn *c)
{
	return p->leg[LEG_WAN] == c ? LEG_WAN : LEG_LAN;
}

/* ---- engine callbacks ---- */

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct accel *a = arg;
	struct rte_ether_hdr *eth =
		(struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
	if (eth == NULL) {
		stats_inc(a->lc->stats, STAT_drop_no_mbuf);
		rte_pktmbuf_free(m);
		return;
	}
	memset(eth, 0, sizeof(*eth));
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	stats_inc(a->lc->stats, STAT_accel_segs_out);
	gw_ip_output(a->lc, m, rte_be_to_cpu_32(ip->dst_addr), a->now_us);
}

/*
 * Pending data is a queue of mbuf segments linked through m->next (a byte stream needs no
 * packet boundaries): head and tail segments and the byte count.
 */
static void pend_push(struct accel_pair *p, int dst, struct rte_mbuf *m)
{
	struct rte_mbuf *last = rte_pktmbuf_lastseg(m);
	p->pend_bytes[dst] += m->pkt_len;
	if (p->pend_head[dst] == NULL)
		p->pend_head[dst] = m;
	else
		p->pend_tail[dst]->next = m;
	p->pend_tail[dst] = last;
}

static struct rte_mbuf *pend_pop(struct accel_pair *p, int dst)
{
	struct rte_mbuf *m = p->pend_head[dst];
	p->pend_head[dst] = m->next;
	if (p->pend_head[dst] == NULL)
		p->pend_tail[dst] = NULL;
	m->next = NULL;
	m->nb_segs = 1;
	m->pkt_len = m->data_len;
	p->pend_bytes[dst] -= m->data_len;
	return m;
}

static void pend_free(struct accel_pair *p, int dst)
{
	while (p->pend_head[dst] != NULL)
		rte_pktmbuf_free_seg(pend_pop(p, dst));
}

/* Proxy buffer high/low on the leg that receives what dst sends. */
static void relay_flow_control(struct accel_pair *p, int dst, const struct tcp_profile *src_prof)
{
	int src = !dst;
	struct tcp_conn *in = p->leg[src];
	if (in == NULL)
		return;
	if (!p->rcv_closed[src] && p->pend_bytes[dst] >= src_prof->proxy_buffer_high) {
		p->rcv_closed[src] = true;
		tcp_conn_set_rcv_closed(in, true, p->a->now_us);
	} else if (p->rcv_closed[src] && p->pend_bytes[dst] < src_prof->proxy_buffer_low) {
		p->rcv_closed[src] = false;
		tcp_conn_set_rcv_closed(in, false, p->a->now_us);
	}
}

static const struct tcp_profile *leg_profile(const struct accel_pair *p, int leg)
{
	const struct flow_action *act = &p->entry->act;
	return &p->a->lc->gw->tcp_profiles[leg == LEG_LAN ? act->lan_profile : act->wan_profile];
}

/* Move pending data for leg dst into its send queue while it has room. */
static void relay_drain(struct accel_pair *p, int dst)
{
	struct tcp_conn *out = p->leg[dst];
	struct tcp_conn *in = p->leg[!dst];
	uint64_t now = p->a->now_us;
	if (out == NULL)
		return;
	while (p->pend_head[dst] != NULL &&
	       tcp_conn_send_space(out) >= p->pend_head[dst]->data_len) {
		struct rte_mbuf *m = pend_pop(p, dst);
		uint32_t len = m->data_len;
		if (tcp_conn_send(out, m, now) < 0) {
			rte_pktmbuf_free(m);
			break;
		}
		if (in != NULL)
			tcp_conn_recv_consumed(in, len, now);
	}
	if (p->entry != NULL)
		relay_flow_control(p, dst, leg_profile(p, !dst));
	if (p->pend_head[dst] == NULL && p->fin_after_pend[dst]) {
		p->fin_after_pend[dst] = false;
		tcp_conn_shutdown(out, now);
	}
}

static void on_recv(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct accel_pair *p = pair_of(c);
	int dst = !leg_index(p, c);
	if (p->leg[dst] == NULL) {
		/* The other side is gone: nobody to deliver to. */
		tcp_conn_recv_consumed(c, m->pkt_len, p->a->now_us);
		rte_pktmbuf_free(m);
		return;
	}
	pend_push(p, dst, m);
	relay_drain(p, dst);
}

static void pair_release(struct accel_pair *p)
{
	struct accel *a = p->a;
	pend_free(p, LEG_LAN);
	pend_free(p, LEG_WAN);
	if (p->entry != NULL && p->entry->conn == (uint32_t)(p - a->pairs))
		p->entry->conn = ACCEL_CLOSED;
	p->entry = NULL;
	p->in_use = false;
	p->next_free = a->free_head;
	a->free_head = (uint32_t)(p - a->pairs);
	a->in_use--;
}

static void on_event(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	struct accel_pair *p = pair_of(c);
	int me = leg_index(p, c), other = !me;
	uint64_t now = p->a->now_us;

	switch (ev) {
	case TCP_EV_ESTABLISHED:
		/* Deferred handshake: the client gets its SYN-ACK only now that the server did. */
		if (me == LEG_WAN && p->lan_deferred && p->leg[LEG_LAN] != NULL) {
			p->lan_deferred = false;
			tcp_conn_accept(p->leg[LEG_LAN], now);
		}
		break;
	case TCP_EV_PEER_FIN:
		if (p->leg[other] != NULL) {
			p->fin_after_pend[other] = true;
			relay_drain(p, other);
		}
		break;
	case TCP_EV_SENT_ACKED:
		relay_drain(p, me);
		break;
	case TCP_EV_RESET:
	default: /* TCP_EV_TIMEOUT: the leg gave up (retries, keepalive, idle) */
		/*
		 * The peer of this leg reset it, or it timed out. Before the client was answered
		 * (deferred), refuse the client as the server did; afterwards reset the other leg.
		 */
		pend_free(p, other);
		if (p->leg[other] != NULL) {
			struct tcp_conn *o = p->leg[other];
			if (me == LEG_WAN && p->lan_deferred) {
				p->lan_deferred = false;
				tcp_conn_refuse(o, now);
			} else {
				tcp_conn_abort(o, now);
			}
		}
		break;
	case TCP_EV_CLOSED:
		p->leg[me] = NULL;
		pend_free(p, me);
		if (p->leg[other] == NULL)
			pair_release(p);
		break;
	}
}

/* ---- the data path side ---- */

static struct accel_pair *pair_alloc(struct accel *a)
{
	if (a->free_head == UINT32_MAX)
		return NULL;
	struct accel_pair *p = &a->pairs[a->free_head];
	a->free_head = p->next_free;
	memset(p, 0, sizeof(*p));
	p->a = a;
	p->in_use = true;
	a->in_use++;
	return p;
}

/* Open both legs for the client's SYN m (at the IPv4 header). 0, or -errno with m untouched. */
static int split_open(struct accel *a, struct rte_mbuf *m, struct flow_entry *e,
		      const struct net_hdrs *h, uint64_t now)
{
	const struct gw *gw = a->lc->gw;
	const struct flow_action *act = &e->act;
	struct accel_pair *p;
	if (act->lan_profile < 0 || act->wan_profile < 0)
		return -EINVAL;
	/* Two connections or none: a half-open split would fail the client. */
	if (tcp_engine_conns_in_use(a->engine) + 2 > a->n_pairs * 2 || (p = pair_alloc(a)) == NULL)
		return -ENOMEM;
	p->entry = e;
	p->lan_deferred = act->handshake == CFG_HANDSHAKE_DEFERRED;

	struct tcp_tuple t = {
		.laddr = rte_cpu_to_be_32(h->src),
		.raddr = rte_cpu_to_be_32(h->dst),
		.lport = rte_cpu_to_be_16(h->sport),
		.rport = rte_cpu_to_be_16(h->dport),
	};
	struct tcp_conn *lan = tcp_conn_listen(a->engine, &gw->tcp_profiles[act->lan_profile], m,
					       p->lan_deferred, now);
	if (lan == NULL) {
		int err = rte_errno;
		pair_release(p);
		return -err;
	}
	p->leg[LEG_LAN] = lan;
	tcp_conn_set_user(lan, p);
	struct tcp_conn *wan =
		tcp_conn_connect(a->engine, &gw->tcp_profiles[act->wan_profile], &t, now);
	if (wan == NULL) {
		/* The SYN is consumed: answer the client as an unreachable server would. */
		tcp_conn_refuse(lan, now);
		return 0;
	}
	p->leg[LEG_WAN] = wan;
	tcp_conn_set_user(wan, p);
	e->conn = (uint32_t)(p - a->pairs);
	stats_inc(a->lc->stats, STAT_accel_flows);
	return 0;
}

void accel_input(struct accel *a, struct rte_mbuf *m, struct net_hdrs *h, struct flow_entry *e,
		 const struct flow_result *fr, uint64_t now)
{
	struct gw_lcore *lc = a->lc;
	a->now_us = now;

	if (e->conn == ACCEL_PASSTHRU) {
		gw_forward(lc, m, h, &e->act, now);
		return;
	}
	if (e->conn == FLOW_CONN_NONE || e->conn == ACCEL_CLOSED) {
		bool syn = (h->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG)) ==
			   RTE_TCP_SYN_FLAG;
		if (e->conn == ACCEL_CLOSED && !syn) {
			stats_inc(lc->stats, STAT_drop_tcp_engine);
			rte_pktmbuf_free(m);
			return;
		}
		if (!syn || fr->dir != FLOW_DIR_ORIG) {
			/* A connection we did not see open (e.g. older than the gateway). */
			stats_inc(lc->stats, STAT_accel_passthrough);
			e->conn = ACCEL_PASSTHRU;
			gw_forward(lc, m, h, &e->act, now);
			return;
		}
		rte_pktmbuf_adj(m, h->l2_len);
		int rc = split_open(a, m, e, h, now);
		if (rc == 0) {
			stats_inc(lc->stats, STAT_accel_segs_in);
			return;
		}
		rte_pktmbuf_prepend(m, h->l2_len);
		stats_inc(lc->stats, STAT_accel_fallback);
		e->conn = ACCEL_PASSTHRU;
		gw_forward(lc, m, h, &e->act, now);
		return;
	}

	struct accel_pair *p = &a->pairs[e->conn];
	struct tcp_conn *leg = p->leg[fr->dir == FLOW_DIR_ORIG ? LEG_LAN : LEG_WAN];
	if (leg == NULL) {
		stats_inc(lc->stats, STAT_drop_tcp_engine);
		rte_pktmbuf_free(m);
		return;
	}
	/* We terminate TCP here, so the checksum is ours to verify. */
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, h->l2_len);
	uint16_t l4_len = (uint16_t)(h->ip_total_len - h->l3_len);
	if (m->nb_segs != 1 ||
	    !net_csum_l4_ok(ip, IPPROTO_TCP, (const uint8_t *)ip + h->l3_len, l4_len)) {
		stats_inc(lc->stats, STAT_drop_tcp_csum);
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_adj(m, h->l2_len);
	stats_inc(lc->stats, STAT_accel_segs_in);
	int rc = tcp_conn_input(leg, m, now);
	if (rc > 0)
		stats_inc(lc->stats, (enum stat_id)rc);
}

void accel_advance(struct accel *a, uint64_t now)
{
	a->now_us = now;
	tcp_engine_advance(a->engine, now);
}

void accel_flow_expired(struct accel *a, struct flow_entry *e)
{
	if (e->conn >= a->n_pairs)
		return;
	struct accel_pair *p = &a->pairs[e->conn];
	p->entry = NULL;
	/* Idle past the flow timeout: the split is dead; tell both ends. */
	for (int i = 0; i < 2; i++)
		if (p->leg[i] != NULL)
			tcp_conn_abort(p->leg[i], a->now_us);
}

struct accel *accel_create(struct gw_lcore *lc, char *err, size_t errlen)
{
	const struct gw *gw = lc->gw;
	int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
	char name[32];
	struct accel *a = rte_zmalloc_socket("accel", sizeof(*a), RTE_CACHE_LINE_SIZE, socket);
	if (a == NULL)
		goto nomem;
	a->lc = lc;
	a->n_pairs = gw->accel_max_pairs;
	a->pairs = rte_zmalloc_socket("accel_pairs", sizeof(*a->pairs) * a->n_pairs,
				      RTE_CACHE_LINE_SIZE, socket);
	if (a->pairs == NULL)
		goto nomem;
	a->free_head = UINT32_MAX;
	for (uint32_t i = a->n_pairs; i-- > 0;) {
		a->pairs[i].next_free = a->free_head;
		a->free_head = i;
	}
	struct tcp_engine_params ep = {
		.max_conns = 2 * a->n_pairs,
		.hdr_pool = gw->pool,
		.clone_pool = gw->indirect_pool,
		.mtu = gw->accel_mtu,
		.timer_tick_us = 1000,
		.now_us = gw_now_us(),
		.challenge_ack_limit = 100,
		.tx = on_tx,
		.recv = on_recv,
		.event = on_event,
		.cb_arg = a,
	};
	snprintf(name, sizeof(name), "tcp%u", lc->lcore_id);
	a->engine = tcp_engine_create(name, &ep);
	if (a->engine == NULL) {
		snprintf(err, errlen, "TCP engine of lcore %u (%u connections): %s", lc->lcore_id,
			 ep.max_conns, rte_strerror(rte_errno));
		accel_free(a);
		return NULL;
	}
	return a;
nomem:
	snprintf(err, errlen, "out of memory for the TCP engine of lcore %u", lc->lcore_id);
	accel_free(a);
	return NULL;
}

void accel_free(struct accel *a)
{
	if (a == NULL)
		return;
	tcp_engine_free(a->engine);
	if (a->pairs != NULL)
		for (uint32_t i = 0; i < a->n_pairs; i++) {
			pend_free(&a->pairs[i], LEG_LAN);
			pend_free(&a->pairs[i], LEG_WAN);
		}
	rte_free(a->pairs);
	rte_free(a);
}

uint32_t accel_pairs_in_use(const struct accel *a)
{
	return a->in_use;
}

void accel_engine_counters(const struct accel *a, uint64_t *counters)
{
	for (int i = 0; i < TCP_CNT_MAX; i++)
		counters[i] += tcp_engine_counter(a->engine, (enum tcp_engine_counter)i);
}

static bool pair_tuple(const struct accel_pair *p, struct accel_tuple *t)
{
	struct tcp_tuple tt;
	const struct tcp_conn *c = p->leg[LEG_WAN] != NULL ? p->leg[LEG_WAN] : p->leg[LEG_LAN];
	if (!p->in_use || c == NULL)
		return false;
	tcp_conn_tuple(c, &tt);
	/* The WAN leg is the client's side of the server connection; the LAN leg the reverse. */
	bool wan = c == p->leg[LEG_WAN];
	t->client_ip = rte_be_to_cpu_32(wan ? tt.laddr : tt.raddr);
	t->server_ip = rte_be_to_cpu_32(wan ? tt.raddr : tt.laddr);
	t->client_port = rte_be_to_cpu_16(wan ? tt.lport : tt.rport);
	t->server_port = rte_be_to_cpu_16(wan ? tt.rport : tt.lport);
	return true;
}

unsigned int accel_list(const struct accel *a, struct accel_tuple *out, unsigned int max)
{
	unsigned int n = 0;
	for (uint32_t i = 0; i < a->n_pairs && n < max; i++)
		if (pair_tuple(&a->pairs[i], &out[n]))
			n++;
	return n;
}

int accel_conn_info(const struct accel *a, uint32_t client_ip, uint16_t client_port,
		    uint32_t server_ip, uint16_t server_port, struct tcp_conn_info *lan,
		    struct tcp_conn_info *wan)
{
	for (uint32_t i = 0; i < a->n_pairs; i++) {
		const struct accel_pair *p = &a->pairs[i];
		struct accel_tuple t;
		if (!pair_tuple(p, &t) || t.client_ip != client_ip || t.server_ip != server_ip ||
		    t.client_port != client_port || t.server_port != server_port)
			continue;
		memset(lan, 0, sizeof(*lan));
		memset(wan, 0, sizeof(*wan));
		lan->state = wan->state = TCP_CLOSED;
		if (p->leg[LEG_LAN] != NULL)
			tcp_conn_get_info(p->leg[LEG_LAN], lan);
		if (p->leg[LEG_WAN] != NULL)
			tcp_conn_get_info(p->leg[LEG_WAN], wan);
		return 0;
	}
	return -ENOENT;
}
