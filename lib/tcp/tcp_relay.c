/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay between the two legs of a split flow. In-order data from one leg is queued on the
 * other leg's send queue by mbuf reference. Until the other leg takes it, it counts against
 * the source leg's receive window; from then until the far peer acknowledges it, against the
 * proxy buffer: at proxy_buffer_high (the source leg's profile) the source leg's window
 * closes, below proxy_buffer_low it reopens (F5's model). A flow thus holds at most
 * proxy_buffer_high plus one receive window per direction. FIN and RST cross.
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>

#include "tcp_private.h"

#define POOL_NIL UINT32_MAX

struct tcp_conn *tcp_relay_leg(const struct tcp_relay *r, unsigned int side)
{
	return side < 2 ? r->leg[side] : NULL;
}

struct tcp_relay *tcp_conn_relay(const struct tcp_conn *c, unsigned int *side)
{
	if (side != NULL)
		*side = c->relay_side;
	return c->relay;
}

void tcp_relay_get_info(const struct tcp_relay *r, struct tcp_relay_info *info)
{
	memset(info, 0, sizeof(*info));
	for (int d = 0; d < 2; d++) {
		info->buffered[d] = r->dir[d].buffered;
		info->pending[d] = r->dir[d].pend_bytes;
		info->window_closed[d] = r->dir[d].window_closed;
		info->max_buffered[d] = r->dir[d].max_buffered;
	}
}

/* Close without a segment on the wire (the client is left to its own SYN timeout). */
static void close_silently(struct tcp_conn *c)
{
	tcp_conn_close(c, TCP_EV_CLOSED);
	tcp_finish(c);
}

static bool can_send(const struct tcp_conn *c)
{
	return c != NULL && !(c->flags & TF_FREE) &&
	       (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT);
}

static void relay_free(struct tcp_engine *e, struct tcp_relay *r)
{
	for (int d = 0; d < 2; d++) {
		struct rte_mbuf *m = r->dir[d].pend_head;
		while (m != NULL) {
			struct rte_mbuf *next = tcp_meta(e, m)->next;
			rte_pktmbuf_free(m);
			m = next;
		}
	}
	uint32_t idx = (uint32_t)(r - e->relays);
	memset(r, 0, sizeof(*r));
	r->free_next = e->relay_free;
	e->relay_free = idx;
}

/* Move pending data of direction d into the sink leg as far as its send buffer allows, then
 * pass on a FIN that waits behind it. */
static void push(struct tcp_relay *r, int d, uint64_t now_us)
{
	struct tcp_relay_dir *dir = &r->dir[d];
	struct tcp_conn *sink = r->leg[1 - d];
	if (!can_send(sink))
		return;
	struct tcp_engine *e = sink->eng;
	uint32_t moved = 0;
	while (dir->pend_head != NULL) {
		struct rte_mbuf *m = dir->pend_head;
		struct rte_mbuf *next = tcp_meta(e, m)->next;
		uint32_t len = rte_pktmbuf_pkt_len(m);
		if (tcp_conn_enqueue(sink, m) != 0)
			break;
		dir->pend_head = next;
		dir->pend_bytes -= len;
		moved += len;
	}
	/* Data in the sink's send queue no longer counts against the source's receive window;
	 * the proxy buffer watermarks bound it instead (F5's model). */
	if (moved > 0)
		tcp_conn_push_later(sink, now_us);
	struct tcp_conn *src = r->leg[d];
	if (moved > 0 && src != NULL && !(src->flags & TF_FREE))
		tcp_conn_recv_consumed(src, moved, now_us);
	if (dir->pend_head == NULL)
		dir->pend_tail = NULL;
	if (dir->pend_head == NULL && dir->fin_pending && r->leg[1 - d] != NULL) {
		dir->fin_pending = false;
		tcp_conn_shutdown(r->leg[1 - d], now_us);
	}
}

/* Proxy buffer hysteresis on the source leg of direction d. */
static void watermarks(struct tcp_relay *r, int d, uint64_t now_us)
{
	struct tcp_relay_dir *dir = &r->dir[d];
	struct tcp_conn *src = r->leg[d];
	if (src == NULL || (src->flags & TF_FREE))
		return;
	const struct tcp_profile *p = src->prof;
	if (!dir->window_closed && p->proxy_buffer_high && dir->buffered >= p->proxy_buffer_high) {
		dir->window_closed = true;
		tcp_conn_set_rcv_closed(src, true, now_us);
	} else if (dir->window_closed && dir->buffered < p->proxy_buffer_low) {
		dir->window_closed = false;
		tcp_conn_set_rcv_closed(src, false, now_us);
	}
}

void tcp_relay_recv(struct tcp_conn *c, struct rte_mbuf *m)
{
	struct tcp_relay *r = c->relay;
	int d = c->relay_side;
	struct tcp_relay_dir *dir = &r->dir[d];
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint64_t now_us = c->eng->now_us;
	if (r->await_data && d == 0 && r->leg[1] != NULL) {
		/* Deferred accept: the client's first data opens the server leg. */
		r->await_data = false;
		c->defer_until_us = 0;
		tcp_arm_keep(c, now_us);
		tcp_conn_start_active(r->leg[1], now_us);
	}

	dir->buffered += len;
	if (dir->buffered > dir->max_buffered)
		dir->max_buffered = dir->buffered;
	tcp_meta(c->eng, m)->next = NULL;
	if (dir->pend_tail != NULL)
		tcp_meta(c->eng, dir->pend_tail)->next = m;
	else
		dir->pend_head = m;
	dir->pend_tail = m;
	dir->pend_bytes += len;
	push(r, d, now_us);
	watermarks(r, d, now_us);
}

/* The sink leg of direction d had data acknowledged: release it on the source leg. */
static void acked(struct tcp_relay *r, int d, uint64_t now_us)
{
	struct tcp_relay_dir *dir = &r->dir[d];
	struct tcp_conn *sink = r->leg[1 - d];
	uint64_t delta = sink->bytes_acked - dir->acked_seen;
	dir->acked_seen = sink->bytes_acked;
	if (delta > dir->buffered)
		delta = dir->buffered;
	dir->buffered -= (uint32_t)delta;
	push(r, d, now_us);
	watermarks(r, d, now_us);
}

void tcp_relay_event(struct tcp_conn *c, enum tcp_conn_event ev)
{
	struct tcp_relay *r = c->relay;
	struct tcp_engine *e = c->eng;
	int side = c->relay_side;
	struct tcp_conn *other = r->leg[1 - side];
	uint64_t now_us = e->now_us;

	switch (ev) {
	case TCP_EV_ESTABLISHED:
		if (side == 1 && other != NULL && (other->flags & TF_SYNACK_DEFER))
			tcp_conn_accept(other, now_us); /* deferred: now answer the client */
		push(r, 0, now_us);
		push(r, 1, now_us);
		break;
	case TCP_EV_SENT_ACKED:
		acked(r, 1 - side, now_us);
		break;
	case TCP_EV_PEER_FIN:
		if (r->await_data && side == 0 && other != NULL) {
			/* Deferred accept and the client closed without a byte: the server never
			 * needs to know. The server leg goes silently; its close orphans the client
			 * leg, which answers the FIN with its own. */
			r->await_data = false;
			c->defer_until_us = 0;
			close_silently(other);
			break;
		}
		r->dir[side].fin_pending = true;
		push(r, side, now_us);
		break;
	case TCP_EV_RESET:
	case TCP_EV_TIMEOUT:
		r->leg[side] = NULL;
		if (other == NULL)
			break;
		if (side == 1 && other->state == TCP_SYN_RCVD && (other->flags & TF_SYNACK_DEFER)) {
			/* Deferred and the server never accepted: refused -> the client gets the
			 * RST a closed port sends; unreachable -> no answer, as without us. */
			if (ev == TCP_EV_RESET)
				tcp_conn_refuse(other, now_us);
			else
				close_silently(other);
		} else {
			tcp_conn_abort(other, now_us);
		}
		break;
	case TCP_EV_CLOSED:
		r->leg[side] = NULL;
		c->relay = NULL;
		if (other != NULL && !(other->flags & TF_FREE)) {
			if (r->dir[1 - side].pend_bytes > 0 || other->state == TCP_SYN_SENT ||
			    other->state == TCP_SYN_RCVD) {
				/* Data or a handshake toward a leg that is gone: nothing can
				 * finish it. */
				tcp_conn_abort(other, now_us);
			} else {
				/* Nobody reads the surviving leg any more: let it finish sending,
				 * with the FIN-WAIT-2 timeout of an orphan. */
				tcp_conn_orphan(other, now_us);
			}
		}
		if (r->leg[0] == NULL && r->leg[1] == NULL && r->in_use)
			relay_free(e, r);
		break;
	}
}

/*
 * F5's Proxy MSS and Proxy Options, read from the server leg's profile: its SYN announces the
 * MSS the client announced (at most what the leg's MTU and profile allow) and offers only the
 * options the client's leg negotiated.
 */
static void proxy_syn(struct tcp_conn *b, const struct tcp_conn *a)
{
	const struct tcp_profile *p = b->prof;
	if (p->proxy_mss && a->peer_mss < b->rcv_mss) {
		b->rcv_mss = a->peer_mss < TCP_MSS_MIN ? TCP_MSS_MIN : a->peer_mss;
		/* as tcp_conn_alloc sizes it: twice the segments of a full window */
		b->ooo_max = 2 * (p->receive_window / b->rcv_mss);
		if (b->ooo_max < TCP_OOO_MIN_SEGS)
			b->ooo_max = TCP_OOO_MIN_SEGS;
	}
	if (p->proxy_options) {
		uint8_t had = ((a->flags & TF_WS) ? TCP_OPTF_WSCALE : 0) |
		              ((a->flags & TF_SACK) ? TCP_OPTF_SACK_PERM : 0) |
		              ((a->flags & TF_TS) ? TCP_OPTF_TS : 0);
		b->syn_offer &= had;
		if (!(b->syn_offer & TCP_OPTF_WSCALE))
			b->rcv_wscale = 0;
	}
}

static bool leg_params_ok(const struct tcp_leg_params *leg)
{
	return leg != NULL && leg->profile != NULL && leg->mtu >= TCP_LEG_MTU_MIN &&
	       tcp_profile_cc(leg->profile) != NULL;
}

struct tcp_relay *tcp_relay_open(struct tcp_engine *e, const struct tcp_leg_params *client_side,
                                 const struct tcp_leg_params *server_side, struct rte_mbuf *syn,
                                 bool deferred, uint64_t now_us)
{
	if (e == NULL || syn == NULL || !leg_params_ok(client_side) ||
	    !leg_params_ok(server_side)) {
		rte_errno = EINVAL;
		return NULL;
	}
	e->now_us = now_us;
	/*
	 * Both legs must fit before the first opens (each against its own profile's
	 * max_connections, as tcp_conn_alloc checks it), and nothing leaves or is taken until
	 * both exist: a refusal leaves the SYN to the caller, who forwards it unsplit.
	 */
	if (e->relay_free == POOL_NIL || !tcp_engine_room(e, client_side->profile, 1) ||
	    !tcp_engine_room(e, server_side->profile, 2)) {
		e->cnt[TCP_CNT_conn_no_memory]++;
		rte_errno = ENOMEM;
		return NULL;
	}
	struct tcp_conn *a = tcp_conn_take_syn(e, client_side, syn, now_us);
	if (a == NULL)
		return NULL;
	struct tcp_tuple t = {.laddr = a->tuple.raddr,
	                      .raddr = a->tuple.laddr,
	                      .lport = a->tuple.rport,
	                      .rport = a->tuple.lport};
	struct tcp_conn *b = tcp_conn_alloc(e, server_side, &t, now_us);
	if (b == NULL) {
		/* Not after the checks above; were it to happen, a has sent nothing yet. */
		close_silently(a);
		rte_errno = ENOMEM;
		return NULL;
	}
	rte_pktmbuf_free(syn);
	struct tcp_relay *r = &e->relays[e->relay_free];
	e->relay_free = r->free_next;
	memset(r, 0, sizeof(*r));
	r->in_use = true;
	r->deferred = deferred;
	r->leg[0] = a;
	a->relay = r;
	a->relay_side = 0;
	/* A leg before its first segment, so that the tx callback can tell the sides apart. */
	r->leg[1] = b;
	b->relay = r;
	b->relay_side = 1;
	proxy_syn(b, a);
	if (!deferred)
		tcp_conn_answer_syn(a, now_us);
	if (!deferred && client_side->profile->deferred_accept) {
		/* F5's deferred accept: the client is answered now, the server only once the
		 * client has sent data (tcp_relay_recv); a client that stays silent is given up
		 * by the client leg's keep timer (deferred_accept_timeouts). The server leg is
		 * allocated already, so that the data never waits for a free connection. */
		r->await_data = true;
		a->defer_until_us =
		        now_us +
		        (uint64_t)client_side->profile->deferred_accept_timeout_s * 1000000;
		return r;
	}
	tcp_conn_start_active(b, now_us);
	return r;
}
