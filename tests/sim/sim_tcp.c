/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim TCP nodes and flows: lib/tcp engines as client, server and relay gateway, and the
 * application of each flow (a fixed byte pattern sent, checked on arrival, read at once or at
 * a paced rate, closed in the order the flow's spec asks).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "sim_private.h"

#define DEFAULT_PIECE 1448 /* MSS at MTU 1500 with the timestamp option */
#define TICK_US       1000

struct tcp_node {
	struct sim_node *node;
	enum sim_tcp_role role;
	struct tcp_engine *eng;
	/* Connections keep a pointer to their profile: the node owns copies. */
	struct tcp_profile prof, server_prof;
	struct tcp_leg_params leg, server_leg; /* the profiles on their paths (MTU) */
	bool deferred, count_cycles;
	unsigned int hop; /* relay: index of this gateway in a flow's relay[] */
	uint64_t cycles;
	struct sim_flow *reading; /* server: flows whose application reads at a paced rate */
};

static const struct sim_node_ops tcp_node_ops;

/* Run an engine entry point, charging its cycles to the node when asked. */
#define ENGINE_CALL(tn, call)                                                                      \
	do {                                                                                       \
		if ((tn)->count_cycles) {                                                          \
			uint64_t t0_ = rte_rdtsc();                                                \
			call;                                                                      \
			(tn)->cycles += rte_rdtsc() - t0_;                                         \
		} else {                                                                           \
			call;                                                                      \
		}                                                                                  \
	} while (0)

/* ---- the byte pattern ---- */

static void pattern_init(uint8_t *p)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	for (uint32_t i = 0; i < SIM_PATTERN_PERIOD; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 32);
	}
	/* One more 64 KB, so that any mbuf segment compares against one flat run. */
	for (uint32_t i = 0; i < 65536; i++)
		p[SIM_PATTERN_PERIOD + i] = p[i];
}

static bool pattern_matches(const struct sim *s, const struct rte_mbuf *m, uint64_t pos)
{
	for (const struct rte_mbuf *seg = m; seg != NULL; seg = seg->next) {
		if (memcmp(rte_pktmbuf_mtod(seg, const uint8_t *),
		           &s->pattern[pos % SIM_PATTERN_PERIOD], seg->data_len) != 0)
			return false;
		pos += seg->data_len;
	}
	return true;
}

static struct rte_mbuf *pattern_piece(const struct sim *s, uint64_t pos, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);
	if (m == NULL)
		return NULL;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, &s->pattern[pos % SIM_PATTERN_PERIOD], len);
	return m;
}

/* ---- flow table: open addressing by the client's tuple, linear probing ---- */

static uint32_t tuple_slot(const struct sim *s, const struct tcp_tuple *t)
{
	uint64_t k = ((uint64_t)t->laddr << 32 | t->raddr) * 0x9e3779b97f4a7c15ull;
	k ^= ((uint64_t)t->lport << 16 | t->rport) * 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(k >> 32) & s->table_mask;
}

static bool tuple_eq(const struct tcp_tuple *a, const struct tcp_tuple *b)
{
	return a->laddr == b->laddr && a->raddr == b->raddr && a->lport == b->lport &&
	       a->rport == b->rport;
}

static struct sim_flow *flow_find(const struct sim *s, const struct tcp_tuple *t)
{
	for (uint32_t i = tuple_slot(s, t);; i = (i + 1) & s->table_mask) {
		uint32_t v = s->table[i];
		if (v == 0)
			return NULL;
		if (tuple_eq(&s->flows[v - 1].spec.tuple, t))
			return &s->flows[v - 1];
	}
}

static void flow_table_insert(struct sim *s, const struct sim_flow *f)
{
	uint32_t i = tuple_slot(s, &f->spec.tuple);
	while (s->table[i] != 0)
		i = (i + 1) & s->table_mask;
	s->table[i] = f->id + 1;
}

static void flow_table_remove(struct sim *s, const struct sim_flow *f)
{
	uint32_t i = tuple_slot(s, &f->spec.tuple);
	while (s->table[i] != f->id + 1)
		i = (i + 1) & s->table_mask;
	s->table[i] = 0;
	/* Backward shift: move up each later entry of the run that may live in the hole. */
	for (uint32_t j = (i + 1) & s->table_mask; s->table[j] != 0; j = (j + 1) & s->table_mask) {
		uint32_t home = tuple_slot(s, &s->flows[s->table[j] - 1].spec.tuple);
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			s->table[i] = s->table[j];
			s->table[j] = 0;
			i = j;
		}
	}
}

int sim_flows_init(struct sim *s)
{
	uint32_t size = 4;
	while (size < 2 * s->max_flows)
		size <<= 1;
	s->table_mask = size - 1;
	s->table = calloc(size, sizeof(*s->table));
	s->flows = calloc(s->max_flows, sizeof(*s->flows));
	s->free_ids = calloc(s->max_flows, sizeof(*s->free_ids));
	s->pattern = malloc(SIM_PATTERN_PERIOD + 65536);
	if (s->table == NULL || s->flows == NULL || s->free_ids == NULL || s->pattern == NULL) {
		rte_errno = ENOMEM;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < s->max_flows; i++)
		s->free_ids[i] = s->max_flows - 1 - i;
	s->n_free = s->max_flows;
	pattern_init(s->pattern);
	return 0;
}

void sim_flows_free(struct sim *s)
{
	free(s->table);
	free(s->flows);
	free(s->free_ids);
	free(s->pattern);
}

/* ---- flow applications ---- */

static bool closes_first(const struct sim_flow *f, int e)
{
	return f->spec.close == (e == 0 ? SIM_CLOSE_CLIENT_FIRST : SIM_CLOSE_SERVER_FIRST);
}

/* Keep an end's send buffer full of the pattern; close when its spec says so. */
static void end_run(struct sim *s, struct sim_flow *f, int e)
{
	struct sim_end *x = &f->end[e];
	if (x->conn == NULL || x->shut)
		return;
	if (e == 1 && !x->may_send && f->end[0].to_send != SIM_BYTES_UNTIL_STOP &&
	    x->recvd == f->end[0].to_send)
		x->may_send = true; /* the request is complete: answer */
	if (!x->may_send)
		return;
	while (x->sent < x->to_send) {
		uint64_t left = x->to_send - x->sent;
		uint32_t len = left < f->spec.piece_bytes ? (uint32_t)left : f->spec.piece_bytes;
		if (tcp_conn_send_space(x->conn) < len)
			break;
		struct rte_mbuf *m = pattern_piece(s, x->sent, len);
		if (m == NULL)
			break;
		if (tcp_conn_send(x->conn, m, s->now) != 0) {
			rte_pktmbuf_free(m);
			break;
		}
		x->sent += len;
	}
	if (x->sent == x->to_send && f->spec.close != SIM_CLOSE_NONE &&
	    (closes_first(f, e) || x->peer_fin)) {
		x->shut = true;
		tcp_conn_shutdown(x->conn, s->now);
	}
}

static void flow_check_done(struct sim *s, struct sim_flow *f)
{
	if (!f->in_use || !f->end[0].closed || (f->end[1].opened && !f->end[1].closed))
		return;
	for (unsigned int h = 0; h < SIM_MAX_RELAY_HOPS; h++)
		if (f->relay[h] != NULL)
			return;
	const struct sim_end *c = &f->end[0], *v = &f->end[1];
	bool ok = !f->corrupt && !c->failed && !v->failed && v->opened && c->sent == c->to_send &&
	          v->sent == v->to_send && v->recvd == c->sent && c->recvd == v->sent;
	if (ok)
		s->tot.flows_completed++;
	else
		s->tot.flows_failed++;
	s->tot.corrupt += f->corrupt;
	s->tot.flows_open--;
	flow_table_remove(s, f);
	f->in_use = false;
	s->free_ids[s->n_free++] = f->id;
}

int sim_flow_open(struct sim_node *client, const struct sim_flow_spec *spec)
{
	struct sim *s = client->sim;
	struct tcp_node *tn = client->priv;
	uint32_t room = rte_pktmbuf_data_room_size(s->pool) - RTE_PKTMBUF_HEADROOM;
	if (client->ops != &tcp_node_ops || tn->role != SIM_TCP_CLIENT ||
	    spec->piece_bytes > room || spec->close > SIM_CLOSE_NONE)
		return -EINVAL;
	if (flow_find(s, &spec->tuple) != NULL)
		return -EBUSY;
	if (s->n_free == 0)
		return -ENOSPC;
	struct sim_flow *f = &s->flows[s->free_ids[s->n_free - 1]];
	uint32_t id = (uint32_t)(f - s->flows);
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->spec = *spec;
	if (f->spec.piece_bytes == 0)
		f->spec.piece_bytes = DEFAULT_PIECE;
	f->start_us = s->now;
	f->end[0].to_send = spec->up_bytes;
	f->end[0].may_send = true;
	f->end[1].to_send = spec->down_bytes;
	struct tcp_conn *c;
	ENGINE_CALL(tn, c = tcp_conn_connect(tn->eng, &tn->leg, &spec->tuple, s->now));
	if (c == NULL) {
		sim_flush_node(client);
		return rte_errno ? -rte_errno : -ENOMEM;
	}
	s->n_free--;
	f->in_use = true;
	flow_table_insert(s, f);
	if (s->tot.flows_opened++ == 0)
		s->tot.first_start_us = s->now;
	s->tot.flows_open++;
	tcp_conn_set_user(c, f);
	f->end[0].conn = c;
	f->end[0].opened = true;
	sim_flush_node(client);
	return (int)id;
}

void sim_flows_stop(struct sim *s)
{
	for (uint32_t i = 0; i < s->max_flows; i++) {
		struct sim_flow *f = &s->flows[i];
		if (!f->in_use)
			continue;
		for (int e = 0; e < 2; e++)
			if (f->end[e].to_send == SIM_BYTES_UNTIL_STOP)
				f->end[e].to_send = f->end[e].sent;
		end_run(s, f, 0);
		end_run(s, f, 1);
	}
	sim_flush_all(s);
}

/* ---- engine callbacks ---- */

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct tcp_node *tn = arg;
	unsigned int side = 0;
	if (tn->role == SIM_TCP_RELAY)
		tcp_conn_relay(c, &side); /* the side stays readable after the relay let go */
	sim_node_send(tn->node, side, m);
}

static void on_recv(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct tcp_node *tn = arg;
	struct sim *s = tn->node->sim;
	struct sim_flow *f = tcp_conn_user(c);
	uint32_t len = rte_pktmbuf_pkt_len(m);
	int e = tn->role == SIM_TCP_CLIENT ? 0 : 1;
	if (f == NULL) { /* data before the connection was tied to its flow: none expected */
		s->tot.unmatched++;
		rte_pktmbuf_free(m);
		tcp_conn_recv_consumed(c, len, s->now);
		return;
	}
	struct sim_end *x = &f->end[e];
	if (!f->corrupt && !pattern_matches(s, m, x->recvd)) {
		fprintf(stderr,
		        "sim: flow %u: %u bytes at offset %llu (%s) differ from the pattern\n",
		        f->id, len, (unsigned long long)x->recvd, e ? "up" : "down");
		f->corrupt = true;
	}
	rte_pktmbuf_free(m);
	x->recvd += len;
	if (e == 1) {
		s->tot.bytes_up += len;
		s->tot.last_up_us = s->now;
	} else {
		s->tot.bytes_down += len;
	}
	if (e == 1 && f->spec.server_read_bps > 0) {
		x->unconsumed += len; /* read later, at the application's pace */
		if (!f->reading) {
			f->reading = true;
			x->read_us = s->now;
			x->read_credit = 0;
			f->next_reading = tn->reading;
			tn->reading = f;
		}
	} else {
		tcp_conn_recv_consumed(c, len, s->now);
	}
	end_run(s, f, e);
}

static void unlist_reading(struct tcp_node *tn, struct sim_flow *f)
{
	for (struct sim_flow **pp = &tn->reading; *pp != NULL; pp = &(*pp)->next_reading)
		if (*pp == f) {
			*pp = f->next_reading;
			f->reading = false;
			return;
		}
}

static void relay_note_buffered(struct sim *s, const struct tcp_relay *r)
{
	struct tcp_relay_info ri;
	tcp_relay_get_info(r, &ri);
	if (ri.max_buffered[0] > s->tot.gw_max_buffered)
		s->tot.gw_max_buffered = ri.max_buffered[0];
}

static void on_event(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	struct tcp_node *tn = arg;
	struct sim *s = tn->node->sim;
	struct sim_flow *f = tcp_conn_user(c);
	if (f == NULL)
		return;
	if (tn->role == SIM_TCP_RELAY) {
		/* Relay legs: only their CLOSED reaches us; the relay goes with its last leg. */
		struct tcp_relay *r = f->relay[tn->hop];
		unsigned int side = 0;
		tcp_conn_relay(c, &side);
		if (ev != TCP_EV_CLOSED || r == NULL)
			return;
		relay_note_buffered(s, r);
		if (tcp_relay_leg(r, 1 - side) == NULL) {
			f->relay[tn->hop] = NULL;
			flow_check_done(s, f);
		}
		return;
	}
	int e = tn->role == SIM_TCP_CLIENT ? 0 : 1;
	struct sim_end *x = &f->end[e];
	switch (ev) {
	case TCP_EV_ESTABLISHED:
	case TCP_EV_SENT_ACKED:
		end_run(s, f, e);
		break;
	case TCP_EV_PEER_FIN:
		x->peer_fin = true;
		end_run(s, f, e);
		break;
	case TCP_EV_RESET:
	case TCP_EV_TIMEOUT:
		x->failed = true;
		break;
	case TCP_EV_CLOSED:
		x->closed = true;
		x->conn = NULL;
		if (f->reading)
			unlist_reading(tn, f);
		flow_check_done(s, f);
		break;
	}
}

/* ---- node ops ---- */

struct seg_id {
	struct tcp_tuple t; /* as the flow's client sees it */
	uint8_t flags;
};

/* Which flow a segment belongs to; from_client: it travels client -> server. */
static int seg_identify(const struct rte_mbuf *m, bool from_client, struct seg_id *id)
{
	struct rte_ipv4_hdr iph;
	struct rte_tcp_hdr th;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_read(m, 0, sizeof(iph), &iph);
	if (ip == NULL || ip->next_proto_id != IPPROTO_TCP)
		return -1;
	const struct rte_tcp_hdr *t =
	        rte_pktmbuf_read(m, (uint32_t)(ip->version_ihl & 0xf) * 4, sizeof(th), &th);
	if (t == NULL)
		return -1;
	if (from_client)
		id->t = (struct tcp_tuple){.laddr = ip->src_addr,
		                           .raddr = ip->dst_addr,
		                           .lport = t->src_port,
		                           .rport = t->dst_port};
	else
		id->t = (struct tcp_tuple){.laddr = ip->dst_addr,
		                           .raddr = ip->src_addr,
		                           .lport = t->dst_port,
		                           .rport = t->src_port};
	id->flags = t->tcp_flags;
	return 0;
}

static bool is_syn(const struct seg_id *id)
{
	return (id->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) == RTE_TCP_SYN_FLAG;
}

static void drop_unmatched(struct sim *s, struct rte_mbuf *m)
{
	s->tot.unmatched++;
	rte_pktmbuf_free(m);
}

static void relay_input(struct tcp_node *tn, unsigned int port, struct rte_mbuf *m, uint64_t now)
{
	struct sim *s = tn->node->sim;
	struct seg_id id;
	struct sim_flow *f = seg_identify(m, port == 0, &id) == 0 ? flow_find(s, &id.t) : NULL;
	if (f == NULL || port > 1) {
		drop_unmatched(s, m);
		return;
	}
	unsigned int h = tn->hop;
	if (port == 0 && !f->relay_opened[h] && is_syn(&id)) {
		struct tcp_relay *r;
		ENGINE_CALL(tn, r = tcp_relay_open(tn->eng, &tn->leg, &tn->server_leg, m,
		                                   tn->deferred, now));
		if (r != NULL) {
			f->relay[h] = r;
			f->relay_opened[h] = true;
			for (unsigned int k = 0; k < 2; k++)
				if (tcp_relay_leg(r, k) != NULL)
					tcp_conn_set_user(tcp_relay_leg(r, k), f);
			return;
		}
	}
	struct tcp_conn *leg = f->relay[h] ? tcp_relay_leg(f->relay[h], port) : NULL;
	if (leg == NULL) {
		drop_unmatched(s, m);
		return;
	}
	ENGINE_CALL(tn, tcp_conn_input(leg, m, now));
	if (f->relay[h] != NULL)
		relay_note_buffered(s, f->relay[h]);
}

static void end_input(struct tcp_node *tn, struct rte_mbuf *m, uint64_t now)
{
	struct sim *s = tn->node->sim;
	int e = tn->role == SIM_TCP_CLIENT ? 0 : 1;
	struct seg_id id;
	struct sim_flow *f = seg_identify(m, e == 1, &id) == 0 ? flow_find(s, &id.t) : NULL;
	if (f == NULL) {
		drop_unmatched(s, m);
		return;
	}
	struct sim_end *x = &f->end[e];
	if (e == 1 && !x->opened && is_syn(&id)) {
		struct tcp_conn *c;
		ENGINE_CALL(tn, c = tcp_conn_listen(tn->eng, &tn->leg, m, false, now));
		if (c != NULL) {
			x->opened = true;
			x->conn = c;
			tcp_conn_set_user(c, f);
			return;
		}
	}
	if (x->conn == NULL) {
		drop_unmatched(s, m);
		return;
	}
	ENGINE_CALL(tn, tcp_conn_input(x->conn, m, now));
}

static void tcp_node_input(struct sim_node *n, unsigned int port, struct rte_mbuf *m,
                           uint64_t now_us)
{
	struct tcp_node *tn = n->priv;
	if (tn->role == SIM_TCP_RELAY)
		relay_input(tn, port, m, now_us);
	else
		end_input(tn, m, now_us);
}

/* Paced reads of the server application: what the rate allows since the last call. */
static void read_paced(struct tcp_node *tn, uint64_t now)
{
	for (struct sim_flow **pp = &tn->reading; *pp != NULL;) {
		struct sim_flow *f = *pp;
		struct sim_end *x = &f->end[1];
		x->read_credit += f->spec.server_read_bps / 8 * (double)(now - x->read_us) / 1e6;
		x->read_us = now;
		uint64_t n = x->read_credit >= (double)x->unconsumed ? x->unconsumed
		                                                     : (uint64_t)x->read_credit;
		if (n > 0) {
			x->read_credit -= (double)n;
			x->unconsumed -= n;
			ENGINE_CALL(tn, tcp_conn_recv_consumed(x->conn, (uint32_t)n, now));
		}
		if (x->unconsumed == 0) {
			*pp = f->next_reading;
			f->reading = false;
		} else {
			pp = &f->next_reading;
		}
	}
}

static void tcp_node_advance(struct sim_node *n, uint64_t now_us)
{
	struct tcp_node *tn = n->priv;
	if (tn->reading != NULL)
		read_paced(tn, now_us);
	ENGINE_CALL(tn, tcp_engine_advance(tn->eng, now_us));
}

/*
 * A node holding connections wakes at every tick of its wheel (a timer fires at the first
 * advance at or after its tick; tcp_engine_next_due_us would let it sleep to its next timer,
 * which measured no faster: the sims are bound by segments); one without sleeps.
 */
static uint64_t tcp_node_next_event(const struct sim_node *n, uint64_t now_us)
{
	const struct tcp_node *tn = n->priv;
	if (tcp_engine_conns_in_use(tn->eng) == 0 && tn->reading == NULL)
		return UINT64_MAX;
	return (now_us / TICK_US + 1) * TICK_US;
}

static bool tcp_node_busy(const struct sim_node *n)
{
	const struct tcp_node *tn = n->priv;
	return tcp_engine_conns_in_use(tn->eng) > 0;
}

static void tcp_node_destroy(struct sim_node *n)
{
	struct tcp_node *tn = n->priv;
	tcp_engine_free(tn->eng);
	free(tn);
}

static const struct sim_node_ops tcp_node_ops = {
        .input = tcp_node_input,
        .advance = tcp_node_advance,
        .next_event_us = tcp_node_next_event,
        .busy = tcp_node_busy,
        .destroy = tcp_node_destroy,
};

bool sim_node_is_tcp(const struct sim_node *n)
{
	return n->ops == &tcp_node_ops;
}

void sim_tcp_engine_params(struct tcp_engine_params *ep, struct rte_mempool *pool,
                           uint32_t max_conns, uint32_t sack_holes, uint8_t isn_key)
{
	*ep = (struct tcp_engine_params){
	        .max_conns = max_conns ? max_conns : 4,
	        .sack_holes = sack_holes,
	        .hdr_pool = pool,
	        .timer_tick_us = TICK_US,
	        .isn_secret = {isn_key, 1, 2, 3},
	        .deterministic = true,
	        .tx = on_tx,
	        .recv = on_recv,
	        .event = on_event,
	};
}

struct sim_node *sim_tcp_node_create(struct sim *s, const char *name,
                                     const struct sim_tcp_params *p)
{
	bool relay = p->role == SIM_TCP_RELAY;
	if (p->profile == NULL ||
	    (relay && (p->server_profile == NULL || s->relay_hops == SIM_MAX_RELAY_HOPS))) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct tcp_node *tn = sim_zalloc(sizeof(*tn));
	if (tn == NULL)
		return NULL;
	tn->role = p->role;
	tn->prof = *p->profile;
	uint16_t mtu = p->mtu ? p->mtu : 1500;
	tn->leg = (struct tcp_leg_params){.profile = &tn->prof, .mtu = mtu};
	if (relay) {
		tn->server_prof = *p->server_profile;
		tn->server_leg = (struct tcp_leg_params){
		        .profile = &tn->server_prof, .mtu = p->server_mtu ? p->server_mtu : mtu};
	}
	tn->deferred = p->deferred;
	tn->count_cycles = p->count_cycles;
	struct tcp_engine_params ep;
	sim_tcp_engine_params(&ep, s->pool, p->max_conns, p->sack_holes, p->isn_key);
	ep.fixed_isn = p->fixed_isn;
	ep.now_us = s->now;
	ep.cb_arg = tn;
	tn->eng = tcp_engine_create(name, &ep);
	if (tn->eng == NULL) {
		free(tn);
		return NULL;
	}
	tn->node = sim_node_create(s, name, relay ? 2 : 1, &tcp_node_ops, tn);
	if (tn->node == NULL) {
		int err = rte_errno;
		tcp_engine_free(tn->eng);
		free(tn);
		rte_errno = err;
		return NULL;
	}
	if (relay)
		tn->hop = s->relay_hops++;
	return tn->node;
}

struct tcp_engine *sim_tcp_engine(const struct sim_node *n)
{
	return sim_node_is_tcp(n) ? ((const struct tcp_node *)n->priv)->eng : NULL;
}

uint64_t sim_tcp_cycles(const struct sim_node *n)
{
	return sim_node_is_tcp(n) ? ((const struct tcp_node *)n->priv)->cycles : 0;
}

/* The first open flow's sender toward the server: the last relay's server leg, else the client. */
struct tcp_conn *sim_trace_sender(const struct sim *s)
{
	for (uint32_t i = 0; i < s->max_flows; i++) {
		const struct sim_flow *f = &s->flows[i];
		if (!f->in_use)
			continue;
		for (int h = SIM_MAX_RELAY_HOPS - 1; h >= 0; h--)
			if (f->relay[h] != NULL)
				return tcp_relay_leg(f->relay[h], 1);
		return f->end[0].conn;
	}
	return NULL;
}
