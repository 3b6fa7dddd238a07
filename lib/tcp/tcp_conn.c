/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Engine and connection life cycle: the fixed connection pool, ISNs (RFC 6528), timers, the
 * application-facing calls (open, send, shutdown, abort) and telemetry.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "tcp_private.h"

RTE_LOG_REGISTER(tcp_logtype, pepgw.tcp, INFO);

#define POOL_NIL UINT32_MAX

static const char *const state_names[] = {
        [TCP_CLOSED] = "CLOSED",           [TCP_LISTEN] = "LISTEN",
        [TCP_SYN_SENT] = "SYN_SENT",       [TCP_SYN_RCVD] = "SYN_RCVD",
        [TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN_WAIT_1",
        [TCP_FIN_WAIT_2] = "FIN_WAIT_2",   [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
        [TCP_CLOSING] = "CLOSING",         [TCP_LAST_ACK] = "LAST_ACK",
        [TCP_TIME_WAIT] = "TIME_WAIT",
};

const char *tcp_state_name(enum tcp_state s)
{
	if ((unsigned int)s < RTE_DIM(state_names) && state_names[s] != NULL)
		return state_names[s];
	return "?";
}

/* The engine's counters, then one per congestion-control module (tcp.h): connections opened
 * with it. */
#define TCP_CNT_CC_DESC(n)                                                                         \
	{"conn_opened_" #n, "connections opened with congestion control " #n, STAT_KIND_event},
static const struct stat_desc counter_descs[TCP_CNT_MAX] = {TCP_ENGINE_COUNTERS(STAT_DESC)
                                                                    TCP_CC_LIST(TCP_CNT_CC_DESC)};
#undef TCP_CNT_CC_DESC

const struct stat_desc *tcp_engine_counter_descs(void)
{
	return counter_descs;
}

const char *tcp_engine_counter_name(enum tcp_engine_counter c)
{
	return (unsigned int)c < TCP_CNT_MAX ? counter_descs[c].name : NULL;
}

uint64_t tcp_engine_counter(const struct tcp_engine *e, enum tcp_engine_counter c)
{
	return (unsigned int)c < TCP_CNT_MAX ? e->cnt[c] : 0;
}

uint32_t tcp_engine_conns_in_use(const struct tcp_engine *e)
{
	return e->in_use;
}

/* The list expands to one assignment per key. */
#define DEF_BOOL(n, d)                                p->n = (d);
#define DEF_U32(n, d)                                 p->n = (d);
#define DEF_U16(n, d)                                 p->n = (d);
#define DEF_U8(n, d)                                  p->n = (d);
#define DEF_RATE(n, d)                                p->n##_bps = (uint64_t)(d)*1000000;
#define DEF_CC(n, d)                                  snprintf(p->n, sizeof(p->n), "%s", (d));
#define DEF_KEY(kind, name, def, min, max, unit, doc) DEF_##kind(name, def)
void tcp_profile_defaults(struct tcp_profile *p)
{
	memset(p, 0, sizeof(*p));
	TCP_PROFILE_KEYS(DEF_KEY)
}
#undef DEF_KEY
#undef DEF_BOOL
#undef DEF_U32
#undef DEF_U16
#undef DEF_U8
#undef DEF_RATE
#undef DEF_CC

/* ---- RFC 6528 ISN: M + F(4-tuple, secret), F = SipHash-2-4, M a 4 us clock ---- */

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL64(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL64(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL64(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL64(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL64(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL64(v[2], 32);
}

/* SipHash-2-4 of two 64-bit words (the 4-tuple) under a 128-bit key. */
static uint64_t siphash_2w(const uint8_t key[16], uint64_t a, uint64_t b)
{
	uint64_t k0, k1;
	memcpy(&k0, key, 8);
	memcpy(&k1, key + 8, 8);
	uint64_t v[4] = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
	                 k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull};
	uint64_t m[3] = {a, b, (uint64_t)16 << 56};
	for (int i = 0; i < 3; i++) {
		v[3] ^= m[i];
		sip_round(v);
		sip_round(v);
		v[0] ^= m[i];
	}
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint32_t make_isn(const struct tcp_engine *e, const struct tcp_tuple *t, uint64_t now_us)
{
	if (e->p.fixed_isn != 0)
		return e->p.fixed_isn;
	uint64_t a = ((uint64_t)t->laddr << 32) | t->raddr;
	uint64_t b = ((uint64_t)t->lport << 16) | t->rport;
	return (uint32_t)(now_us / 4) + (uint32_t)siphash_2w(e->secret, a, b);
}

uint32_t tcp_ts_now(uint64_t now_us)
{
	/* RFC 7323 5.4: a 1 ms timestamp clock. */
	return (uint32_t)(now_us / 1000);
}

/* ---- engine ---- */

static void on_timer(struct tcp_timer *t, uint64_t now_us, void *arg);

struct tcp_engine *tcp_engine_create(const char *name, const struct tcp_engine_params *p)
{
	static const struct rte_mbuf_dynfield meta_desc = {
	        .name = "pepgw_tcp_meta",
	        .size = sizeof(struct tcp_mbuf_meta),
	        .align = __alignof__(struct tcp_mbuf_meta),
	};

	/* A header mbuf holds IPv4 + TCP + options past its headroom: a segment never fails
	 * for want of room, only for want of mbufs (tx_no_mbuf). */
	if (p == NULL || p->max_conns == 0 || p->hdr_pool == NULL || p->tx == NULL ||
	    rte_pktmbuf_data_room_size(p->hdr_pool) <
	            RTE_PKTMBUF_HEADROOM + sizeof(struct rte_ipv4_hdr) +
	                    sizeof(struct rte_tcp_hdr) + TCP_OPTIONS_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	int off = rte_mbuf_dynfield_register(&meta_desc);
	if (off < 0)
		return NULL; /* rte_errno set */
	struct tcp_engine *e = rte_zmalloc(name, sizeof(*e), RTE_CACHE_LINE_SIZE);
	if (e == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	e->conns = rte_zmalloc(name, sizeof(struct tcp_conn) * p->max_conns, RTE_CACHE_LINE_SIZE);
	if (e->conns == NULL) {
		rte_free(e);
		rte_errno = ENOMEM;
		return NULL;
	}
	uint32_t n_relays = p->max_conns / 2 ? p->max_conns / 2 : 1;
	e->relays = rte_zmalloc(name, sizeof(struct tcp_relay) * n_relays, RTE_CACHE_LINE_SIZE);
	if (e->relays == NULL) {
		rte_free(e->conns);
		rte_free(e);
		rte_errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < n_relays; i++)
		e->relays[i].free_next = i + 1 < n_relays ? i + 1 : POOL_NIL;
	e->relay_free = 0;
	uint64_t n_holes = p->sack_holes ? p->sack_holes : (uint64_t)p->max_conns * 64;
	if (n_holes >= TCP_SACK_NIL)
		n_holes = TCP_SACK_NIL - 1;
	struct tcp_sack_hole *holes =
	        rte_zmalloc(name, sizeof(*holes) * n_holes, RTE_CACHE_LINE_SIZE);
	if (holes == NULL) {
		rte_free(e->relays);
		rte_free(e->conns);
		rte_free(e);
		rte_errno = ENOMEM;
		return NULL;
	}
	tcp_sack_pool_init(&e->holes, holes, (uint32_t)n_holes);
	e->push_list = rte_zmalloc(name, sizeof(uint32_t) * p->max_conns, RTE_CACHE_LINE_SIZE);
	struct tcp_profile dp;
	tcp_profile_defaults(&dp);
	uint32_t m_entries =
	        p->metrics_entries ? p->metrics_entries : dp.congestion_metrics_cache_entries;
	struct tcp_metrics_entry *m_slots = rte_zmalloc(
	        name, sizeof(*m_slots) * tcp_metrics_slots(m_entries), RTE_CACHE_LINE_SIZE);
	if (e->push_list == NULL || m_slots == NULL) {
		rte_free(m_slots);
		rte_free(e->push_list);
		rte_free(holes);
		rte_free(e->relays);
		rte_free(e->conns);
		rte_free(e);
		rte_errno = ENOMEM;
		return NULL;
	}
	e->p = *p;
	if (e->p.clone_pool == NULL)
		e->p.clone_pool = e->p.hdr_pool;
	if (e->p.timer_tick_us == 0)
		e->p.timer_tick_us = 1000;
	if (e->p.challenge_ack_limit == 0)
		e->p.challenge_ack_limit = 1000;
	e->meta_off = off;
	tcp_metrics_init(&e->metrics, m_slots, m_entries);
	tcp_wheel_init(&e->wheel, e->p.timer_tick_us, p->now_us);
	static const uint8_t zero[16];
	if (memcmp(p->isn_secret, zero, sizeof(zero)) == 0)
		arc4random_buf(e->secret, sizeof(e->secret));
	else
		memcpy(e->secret, p->isn_secret, sizeof(e->secret));
	for (uint32_t i = 0; i < p->max_conns; i++)
		e->conns[i].free_next = i + 1 < p->max_conns ? i + 1 : POOL_NIL;
	e->free_head = 0;
	TCP_LOG(DEBUG, "engine %s: %u connections, %u SACK holes", name, p->max_conns,
	        e->holes.size);
	return e;
}

static void free_mbuf_list(struct tcp_engine *e, struct rte_mbuf *m)
{
	while (m != NULL) {
		struct rte_mbuf *next = tcp_meta(e, m)->next;
		rte_pktmbuf_free(m);
		m = next;
	}
}

static void conn_release(struct tcp_conn *c)
{
	struct tcp_engine *e = c->eng;
	for (int k = 0; k < TCP_T_MAX; k++)
		tcp_timer_cancel(&e->wheel, &c->timers[k].t);
	free_mbuf_list(e, c->sq_head);
	free_mbuf_list(e, c->ooo_head);
	tcp_sack_sb_release(&c->sb);
	uint32_t idx = (uint32_t)(c - e->conns);
	memset(c, 0, sizeof(*c));
	c->free_next = e->free_head;
	e->free_head = idx;
	e->in_use--;
	e->cnt[TCP_CNT_conn_closed]++;
}

void tcp_engine_free(struct tcp_engine *e)
{
	if (e == NULL)
		return;
	for (uint32_t i = 0; i < e->p.max_conns; i++)
		if (e->conns[i].flags & TF_IN_USE)
			conn_release(&e->conns[i]);
	uint32_t n_relays = e->p.max_conns / 2 ? e->p.max_conns / 2 : 1;
	for (uint32_t i = 0; i < n_relays; i++) {
		struct tcp_relay *r = &e->relays[i];
		for (int d = 0; d < 2 && r->in_use; d++) {
			struct rte_mbuf *m = r->dir[d].pend_head;
			while (m != NULL) {
				struct rte_mbuf *next = tcp_meta(e, m)->next;
				rte_pktmbuf_free(m);
				m = next;
			}
		}
	}
	rte_free(e->relays);
	rte_free(e->holes.h);
	rte_free(e->push_list);
	rte_free(e->metrics.e);
	rte_free(e->conns);
	rte_free(e);
}

static void push_flush(struct tcp_engine *e, uint64_t now_us);

unsigned int tcp_engine_advance(struct tcp_engine *e, uint64_t now_us)
{
	e->now_us = now_us;
	push_flush(e, now_us);
	return tcp_wheel_advance(&e->wheel, now_us, on_timer, e);
}

uint64_t tcp_engine_next_due_us(const struct tcp_engine *e, uint64_t until_us)
{
	if (e->push_n != 0)
		return e->now_us; /* relayed data waits for the next advance */
	return tcp_wheel_next_due_us(&e->wheel, until_us);
}

const struct tcp_cc_ops *tcp_profile_cc(const struct tcp_profile *p)
{
	const struct tcp_cc_ops *ops = tcp_cc_find(p->congestion_control);
	return ops == NULL || (ops->needs_rate && p->rate_bps == 0) ? NULL : ops;
}

/* How a connection's congestion control starts: the profile's, with ssthresh and cwnd (0: the
 * initial window) given. */
static struct tcp_cc_params cc_params(const struct tcp_conn *c, uint32_t ssthresh, uint32_t cwnd)
{
	const struct tcp_profile *p = c->prof;
	return (struct tcp_cc_params){.smss = c->smss,
	                              .iw_segments = p->initial_window,
	                              .ssthresh = ssthresh,
	                              .cwnd = cwnd,
	                              .pacing = p->pacing,
	                              .rate_bps = c->rate_bps != 0 ? c->rate_bps : p->rate_bps,
	                              .per_ack = !p->abc,
	                              .min_rate_bps = p->min_rate_bps,
	                              .rtt_floor_us = c->rtt_floor_us};
}

struct tcp_conn *tcp_conn_alloc(struct tcp_engine *e, const struct tcp_leg_params *leg,
                                const struct tcp_tuple *t, uint64_t now_us)
{
	const struct tcp_profile *p = leg->profile;
	const struct tcp_cc_ops *ops = p != NULL ? tcp_profile_cc(p) : NULL;
	if (ops == NULL || leg->mtu < TCP_LEG_MTU_MIN) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (e->free_head == POOL_NIL || !tcp_engine_room(e, p, 1)) {
		e->cnt[TCP_CNT_conn_no_memory]++;
		rte_errno = ENOMEM;
		return NULL;
	}
	struct tcp_conn *c = &e->conns[e->free_head];
	e->free_head = c->free_next;
	e->in_use++;
	e->cnt[TCP_CNT_conn_opened]++;
	e->cnt[TCP_CNT_CC_FIRST + tcp_cc_index(ops)]++; /* ops came from the list */
	memset(c, 0, sizeof(*c));
	c->eng = e;
	c->prof = p;
	c->tuple = *t;
	c->flags = TF_IN_USE;
	for (int k = 0; k < TCP_T_MAX; k++) {
		tcp_timer_init(&c->timers[k].t);
		c->timers[k].kind = (uint8_t)k;
	}
	c->mtu = leg->mtu;
	c->rtt_floor_us = leg->rtt_floor_us;
	c->rate_bps = leg->rate_bps;
	uint16_t mtu_mss = (uint16_t)(leg->mtu - 40);
	c->rcv_mss = leg->mss && leg->mss < mtu_mss ? leg->mss : mtu_mss;
	if (c->rcv_mss < TCP_MSS_MIN)
		c->rcv_mss = TCP_MSS_MIN;
	c->syn_offer = (p->window_scale ? TCP_OPTF_WSCALE : 0) |
	               (p->sack ? TCP_OPTF_SACK_PERM : 0) | (p->timestamps ? TCP_OPTF_TS : 0);
	c->ooo_max = 2 * (p->receive_window / c->rcv_mss);
	if (c->ooo_max < TCP_OOO_MIN_SEGS)
		c->ooo_max = TCP_OOO_MIN_SEGS;
	c->smss = TCP_MSS_DEFAULT; /* until the peer's SYN says (RFC 9293 3.7.1) */
	c->iss = make_isn(e, t, now_us);
	c->snd_una = c->snd_nxt = c->snd_max = c->copy_nxt = c->iss;
	c->sq_seq = c->iss + 1;
	c->recover = c->iss;
	c->ecn_recover = c->iss;
	if (p->ecn)
		c->flags |= TF_ECN; /* offered on an active open; a passive one sees the SYN */
	tcp_rto_init(&c->rto, p->initial_rto_ms * 1000, p->min_rto_ms * 1000, p->max_rto_ms * 1000,
	             e->p.timer_tick_us);
	tcp_rto_set_var_floor(&c->rto, p->min_rto_ms * 1000);
	if (p->congestion_metrics_cache) {
		/* The SYN's own timeout already comes from what the host's last connection
		 * measured; the windows follow once the MSS is known (tcp_metrics_start). */
		const struct tcp_metrics_key mk = {.profile = (uintptr_t)p, .raddr = t->raddr};
		if (tcp_metrics_lookup(&e->metrics, &mk, now_us,
		                       (uint64_t)p->congestion_metrics_cache_timeout_s * 1000000,
		                       &c->mseed)) {
			c->flags |= TF_METRICS;
			e->cnt[TCP_CNT_metrics_cache_hits]++;
			tcp_rto_seed(&c->rto, c->mseed.srtt_us, c->mseed.rttvar_us);
		}
	}
	const struct tcp_cc_params ccp = cc_params(c, TCP_DEFAULT_SSTHRESH, 0);
	tcp_cc_init(&c->cc, ops, &ccp, now_us);
	tcp_sack_sb_init(&c->sb, &e->holes, c->iss);
	tcp_sack_rcv_init(&c->sr);
	/* RFC 7323 2.3: the smallest shift that lets the whole receive window be offered. */
	uint8_t ws = 0;
	while (ws < TCP_WSCALE_MAX && (p->receive_window >> ws) > 65535)
		ws++;
	c->rcv_wscale = ws;
	c->last_rx_us = c->last_tx_us = now_us;
	return c;
}

/* ---- timers ---- */

void tcp_timer_set(struct tcp_conn *c, enum tcp_timer_kind k, uint64_t expire_us)
{
	tcp_timer_arm(&c->eng->wheel, &c->timers[k].t, expire_us);
}

void tcp_timer_stop(struct tcp_conn *c, enum tcp_timer_kind k)
{
	tcp_timer_cancel(&c->eng->wheel, &c->timers[k].t);
}

void tcp_event(struct tcp_conn *c, enum tcp_conn_event ev)
{
	if (c->relay != NULL) {
		tcp_relay_event(c, ev);
		if (ev != TCP_EV_CLOSED)
			return;
	}
	if (c->eng->p.event != NULL)
		c->eng->p.event(c->eng->p.cb_arg, c, ev);
}

/*
 * The windows of a connection whose host the metrics cache knew, once the handshake set the
 * MSS. ssthresh is the cached one. With the profile's bandwidth_delay (F5's knob) cwnd starts
 * from the cached bandwidth-delay estimate: half the cached window, at most ssthresh and the
 * send buffer, at least the initial window. F5 starts from the cached window, Linux only from
 * ssthresh (tcp_init_metrics; bandwidth_delay false); half of it is what a loss would have
 * left, so a path that has since lost capacity sees at most the burst of one multiplicative
 * decrease (RFC 9040 7 warns that shared state may be stale). A 600 ms satellite path so
 * skips the slow start that held its first transfer for many RTTs.
 */
void tcp_metrics_start(struct tcp_conn *c)
{
	if (!(c->flags & TF_METRICS))
		return;
	const struct tcp_profile *p = c->prof;
	const struct tcp_metrics_val *v = &c->mseed;
	uint32_t start = v->cwnd_segs / 2;
	if (v->ssthresh_segs != 0 && start > v->ssthresh_segs)
		start = v->ssthresh_segs;
	uint64_t cwnd = (uint64_t)start * c->smss;
	if (cwnd > p->send_buffer)
		cwnd = p->send_buffer;
	if (!p->bandwidth_delay || cwnd <= tcp_cc_initial_window(c->smss, p->initial_window) ||
	    cwnd >= TCP_DEFAULT_SSTHRESH)
		cwnd = 0; /* the initial window */
	uint64_t ssthresh = (uint64_t)v->ssthresh_segs * c->smss;
	if (ssthresh == 0 || ssthresh >= TCP_DEFAULT_SSTHRESH)
		ssthresh = TCP_DEFAULT_SSTHRESH;
	const struct tcp_cc_params ccp = cc_params(c, (uint32_t)ssthresh, (uint32_t)cwnd);
	tcp_cc_init(&c->cc, tcp_cc_find(p->congestion_control), &ccp, c->eng->now_us);
}

/* What this connection learnt goes to the metrics cache (Linux's tcp_update_metrics): only
 * from a synchronized connection with an RTT sample and no timeout pending, whose estimate
 * says nothing reliable otherwise. */
static void metrics_store(struct tcp_conn *c)
{
	const struct tcp_profile *p = c->prof;
	if (!p->congestion_metrics_cache || !c->rto.has_sample || c->rto.backoff != 0 ||
	    c->state < TCP_ESTABLISHED || c->smss == 0)
		return;
	uint32_t ssthresh = tcp_cc_ssthresh(&c->cc);
	const struct tcp_metrics_sample ms = {
	        .srtt_us = tcp_rto_srtt_us(&c->rto),
	        .rttvar_us = tcp_rto_rttvar_us(&c->rto),
	        .cwnd_segs = tcp_cc_cwnd(&c->cc) / c->smss,
	        .ssthresh_segs = ssthresh >= TCP_DEFAULT_SSTHRESH ? 0 : ssthresh / c->smss,
	        .in_recovery = (c->flags & TF_RECOVERY) != 0};
	const struct tcp_metrics_key mk = {.profile = (uintptr_t)p, .raddr = c->tuple.raddr};
	tcp_metrics_update(&c->eng->metrics, &mk, &ms, c->eng->now_us,
	                   (uint64_t)p->congestion_metrics_cache_timeout_s * 1000000);
}

/* Closed: tell the application once, then free when the current entry point returns. */
void tcp_conn_close(struct tcp_conn *c, enum tcp_conn_event why)
{
	if (c->flags & TF_FREE)
		return;
	metrics_store(c);
	TCP_LOG(DEBUG, TCP_CONN_FMT " %s closed%s", TCP_CONN_ARGS(c), tcp_state_name(c->state),
	        why == TCP_EV_RESET     ? ": reset by the peer"
	        : why == TCP_EV_TIMEOUT ? ": timed out"
	                                : "");
	for (int k = 0; k < TCP_T_MAX; k++)
		tcp_timer_stop(c, (enum tcp_timer_kind)k);
	/* Closed before anyone hears of it, so that a callback acting on the news (a relay
	 * aborting the other leg) finds this one already gone. */
	c->state = TCP_CLOSED;
	c->flags |= TF_FREE;
	if (why == TCP_EV_RESET || why == TCP_EV_TIMEOUT)
		tcp_event(c, why);
	tcp_event(c, TCP_EV_CLOSED);
}

/* Every entry point ends here: a connection closed during the call is returned to the pool. */
void tcp_finish(struct tcp_conn *c)
{
	if (c->flags & TF_FREE)
		conn_release(c);
}

/* F5's Close Wait: when a leg the peer closed (CLOSE-WAIT, then LAST-ACK) is given up, or
 * UINT64_MAX. */
static uint64_t close_wait_due(const struct tcp_conn *c)
{
	uint32_t t = c->prof->close_wait_timeout_s;
	if (t == 0 || c->peer_fin_us == 0 ||
	    (c->state != TCP_CLOSE_WAIT && c->state != TCP_LAST_ACK))
		return UINT64_MAX;
	return c->peer_fin_us + (uint64_t)t * 1000000;
}

void tcp_arm_keep(struct tcp_conn *c, uint64_t now_us)
{
	const struct tcp_profile *p = c->prof;
	uint64_t due = UINT64_MAX;

	switch (c->state) {
	case TCP_TIME_WAIT:
		return; /* its 2 MSL timer runs on this node and must not be touched */
	case TCP_FIN_WAIT_2:
		/* An orphan waiting for the peer's FIN gives up after fin_wait_timeout of
		 * silence. A half-closed connection still has a reader and waits like an
		 * established one (a request sent, its answer may take long). */
		if (c->flags & TF_ORPHAN) {
			if (p->fin_wait_timeout_s)
				due = c->last_rx_us + (uint64_t)p->fin_wait_timeout_s * 1000000;
			break;
		}
		/* fall through */
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		if (p->idle_timeout_s)
			due = c->last_rx_us + (uint64_t)p->idle_timeout_s * 1000000;
		if (p->keepalive_s) {
			uint64_t k = c->last_rx_us +
			             (uint64_t)p->keepalive_s * 1000000 * (1 + c->keep_probes);
			if (k < due)
				due = k;
		}
		if (close_wait_due(c) < due)
			due = close_wait_due(c);
		if (c->defer_until_us != 0 && c->defer_until_us < due)
			due = c->defer_until_us;
		break;
	default:
		break;
	}
	if (due == UINT64_MAX)
		tcp_timer_stop(c, TCP_T_KEEP);
	else
		tcp_timer_set(c, TCP_T_KEEP, due > now_us ? due : now_us);
}

void tcp_set_state(struct tcp_conn *c, enum tcp_state s, uint64_t now_us)
{
	TCP_LOG(DEBUG, TCP_CONN_FMT " %s -> %s", TCP_CONN_ARGS(c), tcp_state_name(c->state),
	        tcp_state_name(s));
	c->state = s;
	switch (s) {
	case TCP_TIME_WAIT:
		/* RFC 9293 3.6: 2 MSL, here the profile's time_wait_ms. */
		tcp_timer_stop(c, TCP_T_REXMT);
		tcp_timer_stop(c, TCP_T_DELACK);
		tcp_timer_stop(c, TCP_T_PACE);
		tcp_timer_set(c, TCP_T_KEEP, now_us + (uint64_t)c->prof->time_wait_ms * 1000);
		break;
	case TCP_CLOSE_WAIT:
		c->peer_fin_us = now_us;
		tcp_arm_keep(c, now_us);
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_2:
		tcp_arm_keep(c, now_us);
		break;
	default:
		break;
	}
}

static void on_persist(struct tcp_conn *c, uint64_t now_us);

/*
 * A timer gave up on the peer (retries, idle, keepalive, FIN-WAIT-2, zero window): tell it
 * with RST, or close silently when the profile's reset_on_timeout is off (F5's knob: the peer
 * then learns only when it next sends and meets the gateway's closed port).
 */
static void give_up(struct tcp_conn *c, enum tcp_conn_event why, uint64_t now_us)
{
	if (c->prof->reset_on_timeout)
		tcp_send_rst(c, c->snd_nxt, c->rcv_nxt, true, now_us);
	tcp_conn_close(c, why);
}

static void on_rto(struct tcp_conn *c, uint64_t now_us)
{
	const struct tcp_profile *p = c->prof;

	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD) {
		if (++c->syn_tries > p->syn_retries) {
			if (c->state == TCP_SYN_RCVD)
				give_up(c, TCP_EV_TIMEOUT, now_us);
			else
				tcp_conn_close(c, TCP_EV_TIMEOUT);
			return;
		}
		tcp_rto_backoff(&c->rto);
		c->flags &= ~TF_RTT_TIMING; /* Karn */
		tcp_send_syn(c, c->state == TCP_SYN_RCVD, now_us);
		tcp_arm_rexmt(c, now_us);
		return;
	}
	if (c->snd_una == c->snd_max)
		return;
	if (c->snd_wnd == 0) {
		/*
		 * The peer closed its window with our data in flight: retransmitting into a zero
		 * window sends nothing, so probe it with one octet instead, backing off (RFC 9293
		 * 3.8.6.1), and do not count this toward giving up: a peer that keeps answering
		 * with a zero window is alive (the idle timeout still applies).
		 */
		c->snd_nxt = c->snd_una;
		c->flags |= TF_PERSIST;
		c->persist_shift = 0;
		c->persist_start_us = now_us;
		on_persist(c, now_us);
		return;
	}
	if (++c->rto_tries > TCP_MAX_RTO_RETRIES) {
		give_up(c, TCP_EV_TIMEOUT, now_us);
		return;
	}
	tcp_count(c, TCP_CNT_rto_expired);
	tcp_rto_backoff(&c->rto);
	TCP_LOG(DEBUG, TCP_CONN_FMT " retransmission timeout %u, next in %u us", TCP_CONN_ARGS(c),
	        c->rto_tries, tcp_rto_timeout_us(&c->rto));
	uint32_t flight = c->snd_max - c->snd_una;
	/* RFC 5681 3.1: a repeated timeout of the same episode keeps ssthresh. */
	bool repeat = c->flags & TF_RTO_EPISODE;
	if (!repeat && (c->flags & TF_TS)) {
		/* RFC 3522 2 / RFC 4015 5 (1): remember the retransmission's TSval (sent below, in
		 * this same millisecond); the module remembers what to restore if it was needless.
		 */
		c->flags |= TF_EIFEL;
		c->eifel_ts = tcp_ts_now(now_us);
	}
	c->flags |= TF_RTO_EPISODE;
	const struct tcp_cc_cong ce = {.ev = repeat ? TCP_CC_EV_RTO_REPEAT : TCP_CC_EV_RTO,
	                               .flight_size = flight,
	                               .now_us = now_us};
	tcp_cc_on_congestion(&c->cc, &ce);
	c->flags &= ~TF_RTT_TIMING;
	c->recover = c->snd_max;
	c->dupacks = 0;
	if (c->flags & TF_SACK) {
		/*
		 * Keep what the peer SACKed (RFC 6675 5.1 and erratum 1610; Linux does the same,
		 * tcp_process_ack catches reneging): every un-SACKed octet is lost and goes again
		 * in slow start, SACKed octets do not. Without this a timeout after a window
		 * that lost a few segments resends megabytes the receiver holds.
		 */
		c->flags |= TF_RECOVERY | TF_LOSS;
		tcp_sack_sb_enter_loss(&c->sb, c->snd_max, c->smss);
	} else {
		/* RFC 6582 4: leave recovery and go back N. */
		c->flags &= ~(TF_RECOVERY | TF_LOSS);
		c->snd_nxt = c->snd_una;
	}
	tcp_output(c, now_us);
	tcp_arm_rexmt(c, now_us);
}

uint64_t tcp_persist_interval_us(const struct tcp_conn *c)
{
	uint64_t t = (uint64_t)tcp_rto_timeout_us(&c->rto) << c->persist_shift;
	if (t < TCP_PERSIST_MIN_US)
		t = TCP_PERSIST_MIN_US;
	if (t > TCP_PERSIST_MAX_US)
		t = TCP_PERSIST_MAX_US;
	return t;
}

static void on_persist(struct tcp_conn *c, uint64_t now_us)
{
	/* F5's zero-window timeout: a peer that keeps its window shut this long while it answers
	 * every probe would otherwise hold the connection (and the relay's buffers) forever. */
	uint64_t zwt = (uint64_t)c->prof->zero_window_timeout_s * 1000000;
	if (zwt != 0 && c->persist_start_us != 0 && now_us - c->persist_start_us >= zwt) {
		tcp_count(c, TCP_CNT_zero_window_timeouts);
		give_up(c, TCP_EV_TIMEOUT, now_us);
		return;
	}
	/* RFC 9293 3.8.6.1: probe the zero window with one octet, backing off like the RTO. */
	tcp_send_probe(c, now_us);
	if (c->persist_shift < 16)
		c->persist_shift++;
	tcp_timer_set(c, TCP_T_REXMT, now_us + tcp_persist_interval_us(c));
}

static void on_keep(struct tcp_conn *c, uint64_t now_us)
{
	const struct tcp_profile *p = c->prof;

	if (c->state == TCP_TIME_WAIT) {
		tcp_conn_close(c, TCP_EV_CLOSED);
		return;
	}
	if (c->state == TCP_FIN_WAIT_2 && (c->flags & TF_ORPHAN)) {
		if (now_us >= c->last_rx_us + (uint64_t)p->fin_wait_timeout_s * 1000000) {
			give_up(c, TCP_EV_CLOSED, now_us);
			return;
		}
		tcp_arm_keep(c, now_us);
		return;
	}
	if (now_us >= close_wait_due(c)) {
		tcp_count(c, TCP_CNT_close_wait_timeouts);
		give_up(c, TCP_EV_TIMEOUT, now_us);
		return;
	}
	if (c->defer_until_us != 0 && now_us >= c->defer_until_us) {
		/* Deferred accept: the client never sent; the server leg was never opened. */
		tcp_count(c, TCP_CNT_deferred_accept_timeouts);
		give_up(c, TCP_EV_TIMEOUT, now_us);
		return;
	}
	if (p->idle_timeout_s && now_us >= c->last_rx_us + (uint64_t)p->idle_timeout_s * 1000000) {
		give_up(c, TCP_EV_TIMEOUT, now_us);
		return;
	}
	if (p->keepalive_s &&
	    now_us >= c->last_rx_us + (uint64_t)p->keepalive_s * 1000000 * (1 + c->keep_probes)) {
		if (c->keep_probes >= TCP_KEEPALIVE_PROBES) {
			give_up(c, TCP_EV_TIMEOUT, now_us);
			return;
		}
		c->keep_probes++;
		tcp_send_keepalive(c, now_us);
	}
	tcp_arm_keep(c, now_us);
}

static void on_timer(struct tcp_timer *t, uint64_t now_us, void *arg)
{
	struct tcp_conn_timer *ct = (struct tcp_conn_timer *)t;
	/* The node is timers[kind] of its connection. */
	struct tcp_conn *c = (struct tcp_conn *)(void *)((char *)(ct - ct->kind) -
	                                                 offsetof(struct tcp_conn, timers));
	switch (ct->kind) {
	case TCP_T_REXMT:
		if (c->flags & TF_PERSIST)
			on_persist(c, now_us);
		else
			on_rto(c, now_us);
		break;
	case TCP_T_DELACK:
		tcp_send_ack(c, now_us);
		break;
	case TCP_T_KEEP:
		on_keep(c, now_us);
		break;
	case TCP_T_PACE:
		tcp_output(c, now_us); /* the next paced segment may leave */
		break;
	default:
		break;
	}
	tcp_finish(c);
}

/* ---- application calls ---- */

struct tcp_conn *tcp_conn_connect(struct tcp_engine *e, const struct tcp_leg_params *leg,
                                  const struct tcp_tuple *t, uint64_t now_us)
{
	if (e == NULL || leg == NULL || t == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	e->now_us = now_us;
	struct tcp_conn *c = tcp_conn_alloc(e, leg, t, now_us);
	if (c == NULL)
		return NULL;
	tcp_conn_start_active(c, now_us);
	return c;
}

void tcp_conn_start_active(struct tcp_conn *c, uint64_t now_us)
{
	c->flags |= TF_ACTIVE;
	c->state = TCP_SYN_SENT;
	tcp_send_syn(c, false, now_us);
	tcp_arm_rexmt(c, now_us);
}

void tcp_conn_answer_syn(struct tcp_conn *c, uint64_t now_us)
{
	c->flags &= ~TF_SYNACK_DEFER;
	tcp_send_syn(c, true, now_us);
	tcp_arm_rexmt(c, now_us);
}

int tcp_conn_accept(struct tcp_conn *c, uint64_t now_us)
{
	if (c != NULL)
		c->eng->now_us = now_us;
	if (c == NULL || c->state != TCP_SYN_RCVD || !(c->flags & TF_SYNACK_DEFER))
		return -EINVAL;
	tcp_conn_answer_syn(c, now_us);
	tcp_finish(c);
	return 0;
}

int tcp_conn_refuse(struct tcp_conn *c, uint64_t now_us)
{
	if (c != NULL)
		c->eng->now_us = now_us;
	if (c == NULL || c->state != TCP_SYN_RCVD)
		return -EINVAL;
	/* RFC 9293 3.10.7.2: what a closed port answers to a SYN: RST, ACK = SEG.SEQ + 1. */
	tcp_send_rst(c, 0, c->rcv_nxt, true, now_us);
	tcp_conn_close(c, TCP_EV_CLOSED);
	tcp_finish(c);
	return 0;
}

uint32_t tcp_conn_send_space(const struct tcp_conn *c)
{
	uint32_t used = c->sq_seq + c->sq_bytes - c->snd_una;
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD)
		used = c->sq_bytes;
	return used >= c->prof->send_buffer ? 0 : c->prof->send_buffer - used;
}

int tcp_conn_set_rate(struct tcp_conn *c, uint64_t rate_bps)
{
	if (rate_bps == 0)
		return -EINVAL;
	int rc = tcp_cc_set_rate(&c->cc, rate_bps);
	if (rc == 0)
		c->rate_bps = rate_bps; /* a later tcp_cc_init (metrics cache) keeps it */
	return rc;
}

/* Queue m on the send queue without sending (tcp_conn_send's checks and return values). */
int tcp_conn_enqueue(struct tcp_conn *c, struct rte_mbuf *m)
{
	if (c->flags & (TF_FIN_QUEUED | TF_FREE))
		return -EPIPE;
	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		break;
	default:
		return -EPIPE;
	}
	uint32_t len = rte_pktmbuf_pkt_len(m);
	if (len == 0) {
		rte_pktmbuf_free(m);
		return 0;
	}
	if (len > tcp_conn_send_space(c))
		return -ENOBUFS;
	struct tcp_mbuf_meta *meta = tcp_meta(c->eng, m);
	meta->seq = c->sq_seq + c->sq_bytes;
	meta->len = len;
	meta->next = NULL;
	if (c->sq_tail != NULL)
		tcp_meta(c->eng, c->sq_tail)->next = m;
	else
		c->sq_head = m;
	c->sq_tail = m;
	c->sq_bytes += len;
	return 0;
}

int tcp_conn_send(struct tcp_conn *c, struct rte_mbuf *m, uint64_t now_us)
{
	c->eng->now_us = now_us;
	bool empty = rte_pktmbuf_pkt_len(m) == 0;
	int r = tcp_conn_enqueue(c, m); /* frees an empty m */
	if (r != 0 || empty)
		return r;
	if (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT)
		tcp_output(c, now_us);
	tcp_finish(c);
	return 0;
}

/*
 * Relayed data waits for the end of the current burst (the next tcp_engine_advance) before it
 * is segmented: segments arriving on one leg with another MSS than the other leg's would
 * otherwise each leave as a full segment plus a tinygram (1460 in, 1448 + 12 out). No Nagle:
 * the tail of a burst still leaves at the flush, so request/response traffic is not delayed.
 */
void tcp_conn_push_later(struct tcp_conn *c, uint64_t now_us)
{
	struct tcp_engine *e = c->eng;
	if (c->flags & TF_PUSH)
		return;
	if (e->push_n >= e->p.max_conns) {
		/* Only reachable when connections were freed and reused within one burst. */
		if (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT)
			tcp_output(c, now_us);
		return;
	}
	c->flags |= TF_PUSH;
	e->push_list[e->push_n++] = (uint32_t)(c - e->conns);
}

static void push_flush(struct tcp_engine *e, uint64_t now_us)
{
	for (uint32_t i = 0; i < e->push_n; i++) {
		struct tcp_conn *c = &e->conns[e->push_list[i]];
		if (!(c->flags & TF_PUSH))
			continue; /* freed (and maybe reused) since */
		c->flags &= ~TF_PUSH;
		if (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT)
			tcp_output(c, now_us);
		tcp_finish(c);
	}
	e->push_n = 0;
}

/* Free the send-queue mbufs wholly below ack. */
void tcp_sq_drop_acked(struct tcp_conn *c, uint32_t ack)
{
	while (c->sq_head != NULL) {
		struct tcp_mbuf_meta *meta = tcp_meta(c->eng, c->sq_head);
		if (tcp_seq_gt(meta->seq + meta->len, ack))
			break;
		struct rte_mbuf *m = c->sq_head;
		if (c->sq_cursor == m)
			c->sq_cursor = NULL;
		c->sq_head = meta->next;
		c->sq_seq += meta->len;
		c->sq_bytes -= meta->len;
		rte_pktmbuf_free(m);
	}
	if (c->sq_head == NULL)
		c->sq_tail = NULL;
}

int tcp_conn_shutdown(struct tcp_conn *c, uint64_t now_us)
{
	c->eng->now_us = now_us;
	if (c->flags & TF_FIN_QUEUED)
		return 0;
	switch (c->state) {
	case TCP_SYN_SENT:
		tcp_conn_close(c, TCP_EV_CLOSED);
		tcp_finish(c);
		return 0;
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		c->flags |= TF_FIN_QUEUED;
		if (c->state == TCP_ESTABLISHED)
			tcp_set_state(c, TCP_FIN_WAIT_1, now_us);
		break;
	case TCP_CLOSE_WAIT:
		c->flags |= TF_FIN_QUEUED;
		tcp_set_state(c, TCP_LAST_ACK, now_us);
		break;
	default:
		return -EINVAL;
	}
	tcp_output(c, now_us);
	tcp_finish(c);
	return 0;
}

int tcp_conn_orphan(struct tcp_conn *c, uint64_t now_us)
{
	c->eng->now_us = now_us;
	if (c->flags & TF_FREE)
		return -EINVAL;
	c->flags |= TF_ORPHAN;
	int r = tcp_conn_shutdown(c, now_us);
	if (!(c->flags & TF_FREE))
		tcp_arm_keep(c, now_us);
	tcp_finish(c);
	return r;
}

void tcp_conn_abort(struct tcp_conn *c, uint64_t now_us)
{
	c->eng->now_us = now_us;
	if (c->flags & TF_FREE)
		return;
	if (c->state != TCP_SYN_SENT && c->state != TCP_TIME_WAIT && c->state != TCP_CLOSED)
		tcp_send_rst(c, c->snd_nxt, c->rcv_nxt, true, now_us);
	tcp_conn_close(c, TCP_EV_CLOSED);
	tcp_finish(c);
}

void tcp_conn_recv_consumed(struct tcp_conn *c, uint32_t n, uint64_t now_us)
{
	c->eng->now_us = now_us;
	uint32_t before = tcp_rcv_window(c);
	c->rcv_unconsumed = n > c->rcv_unconsumed ? 0 : c->rcv_unconsumed - n;
	/* RFC 9293 3.8.6.2.2: announce the window when it grew by 2 MSS or half the buffer, so
	 * that a closed window is reopened without waiting for the peer's probe. */
	uint32_t after = tcp_rcv_window(c);
	if (after >= before + 2u * c->rcv_mss || (before == 0 && after > 0) ||
	    after - before >= c->prof->receive_window / 2) {
		c->flags |= TF_ACKNOW;
		tcp_output(c, now_us);
	}
	tcp_finish(c);
}

void tcp_conn_set_rcv_closed(struct tcp_conn *c, bool closed, uint64_t now_us)
{
	c->eng->now_us = now_us;
	if (closed) {
		c->flags |= TF_RCV_CLOSED;
		return;
	}
	if (c->flags & TF_RCV_CLOSED) {
		c->flags &= ~TF_RCV_CLOSED;
		c->flags |= TF_ACKNOW;
		tcp_output(c, now_us);
		tcp_finish(c);
	}
}

void tcp_conn_set_user(struct tcp_conn *c, void *user)
{
	c->user = user;
}

void *tcp_conn_user(const struct tcp_conn *c)
{
	return c->user;
}

enum tcp_state tcp_conn_state(const struct tcp_conn *c)
{
	return c->state;
}

void tcp_conn_tuple(const struct tcp_conn *c, struct tcp_tuple *t)
{
	*t = c->tuple;
}

void tcp_conn_get_info(const struct tcp_conn *c, struct tcp_conn_info *i)
{
	memset(i, 0, sizeof(*i));
	i->state = c->state;
	i->snd_mss = c->smss;
	i->rcv_mss = c->rcv_mss;
	i->snd_wscale = c->snd_wscale;
	i->rcv_wscale = c->rcv_wscale;
	i->sack = !!(c->flags & TF_SACK);
	i->timestamps = !!(c->flags & TF_TS);
	i->ecn = c->state != TCP_SYN_SENT && (c->flags & TF_ECN);
	i->cwnd = tcp_cc_cwnd(&c->cc);
	i->ssthresh = tcp_cc_ssthresh(&c->cc);
	i->srtt_us = tcp_rto_srtt_us(&c->rto);
	i->rttvar_us = tcp_rto_rttvar_us(&c->rto);
	/* While probing a zero window the timer runs on the persist backoff, not the RTO's. */
	i->persist = !!(c->flags & TF_PERSIST);
	i->rto_us = i->persist ? (uint32_t)tcp_persist_interval_us(c) : tcp_rto_timeout_us(&c->rto);
	i->backoff = i->persist ? c->persist_shift : c->rto.backoff;
	i->bytes_in_flight = tcp_sack_sb_pipe(&c->sb, c->snd_max);
	i->sacked_bytes = c->sb.sacked_bytes;
	i->lost_bytes = c->sb.lost_bytes;
	i->snd_wnd = c->snd_wnd;
	/* The window the peer was offered: a relay-closed leg keeps its edge, with no space. */
	i->rcv_wnd = tcp_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	i->rcv_space = tcp_rcv_window(c);
	i->bytes_acked = c->bytes_acked;
	i->bytes_received = c->bytes_received;
	i->segs_out = c->segs_out;
	i->segs_in = c->segs_in;
	i->retransmits = c->retransmits;
	i->dsacks_rcvd = c->sb.dsacks;
	i->send_queue_bytes = c->sq_bytes;
	i->recv_unconsumed = c->rcv_unconsumed;
	i->ooo_bytes = c->ooo_bytes;
	/* Fast recovery and the recovery after a timeout are two states (Linux's Recovery and
	 * Loss); with SACK both run on TF_RECOVERY. */
	i->in_recovery = (c->flags & (TF_RECOVERY | TF_LOSS)) == TF_RECOVERY;
	i->loss_recovery = !!(c->flags & (TF_LOSS | TF_RTO_EPISODE));
	i->pacing_rate_bps = c->pace_rate * 8;
}

int tcp_conn_info_format(const struct tcp_conn_info *i, char *buf, size_t len)
{
	return snprintf(buf, len,
	                "%s%s%s%s wscale:%u,%u rto:%u rtt:%.1f/%.1f backoff:%u mss:%u rcvmss:%u "
	                "cwnd:%u ssthresh:%u bytes_acked:%llu bytes_received:%llu segs_out:%llu "
	                "segs_in:%llu retrans:%llu dsack:%llu unacked:%u sacked:%u lost:%u "
	                "snd_wnd:%u rcv_wnd:%u sendq:%u recvq:%u ooo:%u pacing_rate:%llu%s%s%s",
	                tcp_state_name(i->state), i->sack ? " sack" : "",
	                i->timestamps ? " ts" : "", i->ecn ? " ecn" : "", i->snd_wscale,
	                i->rcv_wscale, i->rto_us / 1000, i->srtt_us / 1000.0, i->rttvar_us / 1000.0,
	                i->backoff, i->snd_mss, i->rcv_mss, i->snd_mss ? i->cwnd / i->snd_mss : 0,
	                i->ssthresh >= (1u << 30) || !i->snd_mss ? 0 : i->ssthresh / i->snd_mss,
	                (unsigned long long)i->bytes_acked, (unsigned long long)i->bytes_received,
	                (unsigned long long)i->segs_out, (unsigned long long)i->segs_in,
	                (unsigned long long)i->retransmits, (unsigned long long)i->dsacks_rcvd,
	                i->bytes_in_flight, i->sacked_bytes, i->lost_bytes, i->snd_wnd, i->rcv_wnd,
	                i->send_queue_bytes, i->recv_unconsumed, i->ooo_bytes,
	                (unsigned long long)i->pacing_rate_bps, i->in_recovery ? " recovery" : "",
	                i->loss_recovery ? " loss" : "", i->persist ? " persist" : "");
}

struct tcp_conn *tcp_engine_find(struct tcp_engine *e, const struct tcp_tuple *t)
{
	for (uint32_t k = 0; k < e->p.max_conns; k++) {
		struct tcp_conn *c = &e->conns[k];
		if (!(c->flags & TF_IN_USE) || (c->flags & TF_FREE))
			continue;
		const struct tcp_tuple *u = &c->tuple;
		if ((u->laddr == t->laddr && u->raddr == t->raddr && u->lport == t->lport &&
		     u->rport == t->rport) ||
		    (u->laddr == t->raddr && u->raddr == t->laddr && u->lport == t->rport &&
		     u->rport == t->lport))
			return c;
	}
	return NULL;
}

void tcp_engine_get_summary(const struct tcp_engine *e, struct tcp_engine_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (uint32_t k = 0; k < e->p.max_conns; k++) {
		const struct tcp_conn *c = &e->conns[k];
		if (!(c->flags & TF_IN_USE))
			continue;
		s->conns++;
		if ((unsigned int)c->state <= TCP_TIME_WAIT)
			s->by_state[c->state]++;
		s->send_queue_bytes += c->sq_bytes;
		s->recv_unconsumed_bytes += c->rcv_unconsumed;
		s->ooo_bytes += c->ooo_bytes;
		s->retransmits += c->retransmits;
		if (c->relay != NULL && c->relay_side == 0) {
			s->relays++;
			s->relay_buffered_bytes +=
			        c->relay->dir[0].buffered + c->relay->dir[1].buffered;
		}
	}
}
