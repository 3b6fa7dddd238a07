/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_bench: CPU and memory figures of the split-TCP engine on one core (issue 4, "from sim").
 *
 * Three engines in one thread, as in tcp_sim's relay mode: client C -- gateway G (tcp_relay_open)
 * -- server S, joined by zero-delay, loss-free links (FIFOs of mbufs delivered in the next pass
 * of the loop). Only the time spent inside the gateway engine's entry points is charged to it
 * (tcp_relay_open, tcp_conn_input and tcp_engine_advance on G, which include G's tx callback
 * handing each segment on to a link FIFO); C, S, the links and the byte checking are not.
 *
 *  relay: C sends --bytes of a pattern in 1448-byte pieces (one full-size segment each with
 *         timestamps on), S checks every byte. Gateway cycles per relayed data segment, Gb/s of
 *         relayed payload per gateway core, end-to-end cycles per segment for reference.
 *  mem:   heap taken by tcp_engine_create per relay (two legs + relay + the default SACK hole
 *         share), from rte_malloc heap statistics at two pool sizes (fixed parts cancel); and
 *         the mbufs an established, idle relay holds.
 *  conn:  --conns short flows (handshake on both legs, 100-byte request, 100-byte response,
 *         server closes first, TIME_WAIT expiring on the virtual clock), deferred and immediate
 *         handshake: gateway cycles per flow and flows per second per core.
 *
 * Output: one "figure <name> <value> <unit>" line per figure, then a summary. Exit status 1
 * when a check fails (bytes lost or corrupted, a flow not completed, a leak), so that a broken
 * engine cannot pass for a fast one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tcp.h"
#include "test_eal.h"

#define POOL_MBUFS 16383
#define FIFO_SIZE  (1u << 17)
#define SEG        1448 /* MSS at MTU 1500 with the timestamp option */
#define PERIOD     251  /* byte pattern period: prime, so it never lines up with segments */
#define NSLOTS     65536
#define REQ_BYTES  100
#define RESP_BYTES 100

/* One direction of a link: FIFO of mbufs, delivered on the next pass (zero delay). */
struct fifo {
	struct rte_mbuf **q;
	uint32_t head, n;
	uint64_t segs, data_segs;
};

enum node_id { NODE_C, NODE_G, NODE_S };

struct node {
	enum node_id id;
	struct tcp_engine *eng;
};

/* Per flow slot of the conn benchmark (slot = client address and port). */
struct slot {
	struct tcp_conn *cc, *sc;
	struct tcp_relay *rel;
	uint16_t crx, srx;
	uint8_t failed;
};

static struct {
	int mode; /* 0 relay (bulk), 1 conn (request/response), 2 idle */
	uint64_t now;
	struct rte_mempool *pool;
	struct node c, g, s;
	struct fifo up_cg, up_gs, down_sg, down_gc; /* up: toward the server */
	struct tcp_profile lan, wan;
	int deferred;
	/* relay mode */
	struct tcp_conn *bc, *bs;
	struct tcp_relay *brel;
	uint64_t total, sent, recvd;
	int shut, corrupt, c_closed, s_closed, resets;
	/* conn mode */
	struct slot *slots;
	uint64_t completed, failures, open_fail;
	uint64_t gw_cycles;
	uint8_t ref[PERIOD + 65536];
} W;

static void fifo_init(struct fifo *f)
{
	f->q = calloc(FIFO_SIZE, sizeof(*f->q));
	if (f->q == NULL)
		exit(2);
}

static void fifo_push(struct fifo *f, struct rte_mbuf *m)
{
	if (f->n == FIFO_SIZE) {
		/* Cannot happen with the windows used here; count it as loss (a failed run). */
		W.resets++;
		rte_pktmbuf_free(m);
		return;
	}
	f->q[(f->head + f->n) & (FIFO_SIZE - 1)] = m;
	f->n++;
}

static struct rte_mbuf *fifo_pop(struct fifo *f)
{
	if (f->n == 0)
		return NULL;
	struct rte_mbuf *m = f->q[f->head];
	f->head = (f->head + 1) & (FIFO_SIZE - 1);
	f->n--;
	return m;
}

static void fifo_drain(struct fifo *f)
{
	struct rte_mbuf *m;
	while ((m = fifo_pop(f)) != NULL)
		rte_pktmbuf_free(m);
}

/* Addresses, ports and payload length of a segment (m starts at the IPv4 header). */
struct seginfo {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t payload;
};

static int seg_parse(struct rte_mbuf *m, struct seginfo *si)
{
	struct {
		struct rte_ipv4_hdr ip;
		struct rte_tcp_hdr tcp;
	} buf;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_read(m, 0, sizeof(*ip), &buf.ip);
	if (ip == NULL)
		return -1;
	uint32_t ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	const struct rte_tcp_hdr *th = rte_pktmbuf_read(m, ihl, sizeof(*th), &buf.tcp);
	if (th == NULL)
		return -1;
	si->src = ip->src_addr;
	si->dst = ip->dst_addr;
	si->sport = th->src_port;
	si->dport = th->dst_port;
	si->flags = th->tcp_flags;
	si->payload = rte_pktmbuf_pkt_len(m) - ihl - (uint32_t)(th->data_off >> 4) * 4;
	return 0;
}

/* Client address and port of slot k, network order. */
static uint32_t slot_addr(uint32_t k)
{
	return rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, 1) + (k >> 14));
}

static uint16_t slot_port(uint32_t k)
{
	return rte_cpu_to_be_16((uint16_t)(20000 + (k & 0x3fff)));
}

static uint32_t slot_of(uint32_t addr, uint16_t port)
{
	uint32_t a = rte_be_to_cpu_32(addr) - RTE_IPV4(10, 1, 0, 1);
	uint32_t p = (uint32_t)rte_be_to_cpu_16(port) - 20000;
	return ((a << 14) | (p & 0x3fff)) & (NSLOTS - 1);
}

static const uint32_t SERVER_ADDR = RTE_IPV4(10, 2, 0, 2);

/* Heap octets allocated on every socket (rte_malloc and memzones). */
static uint64_t heap_used(void)
{
	uint64_t sum = 0;
	for (unsigned int i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats st;
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
			sum += st.heap_allocsz_bytes;
	}
	return sum;
}

/*
 * Share of the wall clock this thread was on a CPU between two points: rdtsc counts the time
 * other processes ran on our core too, so on a shared machine the cycle figures are also given
 * scaled by it (assuming preemption falls evenly on the gateway and the rest).
 */
struct span {
	uint64_t tsc, cpu_ns;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void span_start(struct span *sp)
{
	sp->cpu_ns = thread_cpu_ns();
	sp->tsc = rte_rdtsc();
}

static double span_cpu_share(const struct span *sp)
{
	double wall_ns = (double)(rte_rdtsc() - sp->tsc) * 1e9 / (double)rte_get_tsc_hz();
	double cpu = (double)(thread_cpu_ns() - sp->cpu_ns);
	return wall_ns > 0 && cpu < wall_ns ? cpu / wall_ns : 1.0;
}

static unsigned int mbufs_in_use(void)
{
	return POOL_MBUFS - rte_mempool_avail_count(W.pool);
}

static int check_data(struct rte_mbuf *m, uint64_t pos)
{
	int bad = 0;
	for (struct rte_mbuf *seg = m; seg != NULL; seg = seg->next) {
		if (memcmp(rte_pktmbuf_mtod(seg, const uint8_t *), &W.ref[pos % PERIOD],
		           seg->data_len) != 0)
			bad = 1;
		pos += seg->data_len;
	}
	return bad;
}

static struct rte_mbuf *make_data(uint64_t pos, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(W.pool);
	if (m == NULL)
		return NULL;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, &W.ref[pos % PERIOD], len);
	return m;
}

/* ---- callbacks ---- */

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct node *n = arg;
	switch (n->id) {
	case NODE_C:
		fifo_push(&W.up_cg, m);
		break;
	case NODE_S:
		fifo_push(&W.down_sg, m);
		break;
	case NODE_G: {
		unsigned int side = 0;
		tcp_conn_relay(c, &side); /* the side stays readable after the relay let go */
		fifo_push(side == 0 ? &W.down_gc : &W.up_gs, m);
		break;
	}
	}
}

/* Relay mode: keep the client's send buffer full, then half-close. */
static void bulk_fill(void)
{
	struct tcp_conn *c = W.bc;
	if (c == NULL || W.shut)
		return;
	while (W.sent < W.total && tcp_conn_send_space(c) >= SEG) {
		uint32_t len = W.total - W.sent < SEG ? (uint32_t)(W.total - W.sent) : SEG;
		struct rte_mbuf *m = make_data(W.sent, len);
		if (m == NULL)
			return;
		if (tcp_conn_send(c, m, W.now) != 0) {
			rte_pktmbuf_free(m);
			return;
		}
		W.sent += len;
	}
	if (W.sent == W.total) {
		W.shut = 1;
		tcp_conn_shutdown(c, W.now);
	}
}

static struct slot *conn_slot(struct tcp_conn *c, int client_is_local)
{
	struct tcp_tuple t;
	tcp_conn_tuple(c, &t);
	return client_is_local ? &W.slots[slot_of(t.laddr, t.lport)]
	                       : &W.slots[slot_of(t.raddr, t.rport)];
}

static void on_recv(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct node *n = arg;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	if (W.mode == 0) {
		if (n->id != NODE_S || check_data(m, W.recvd))
			W.corrupt = 1;
		W.recvd += len;
	} else {
		struct slot *s = conn_slot(c, n->id == NODE_C);
		uint16_t *rx = n->id == NODE_C ? &s->crx : &s->srx;
		uint32_t want = n->id == NODE_C ? RESP_BYTES : REQ_BYTES;
		if (*rx + len > want || check_data(m, *rx))
			s->failed = 1;
		*rx = (uint16_t)(*rx + len);
		if (n->id == NODE_S && *rx == REQ_BYTES) {
			/* The response, and the server closes first (HTTP/1.0 style). */
			struct rte_mbuf *r = make_data(0, RESP_BYTES);
			if (r == NULL || tcp_conn_send(c, r, W.now) != 0) {
				rte_pktmbuf_free(r);
				s->failed = 1;
			}
			tcp_conn_shutdown(c, W.now);
		}
	}
	rte_pktmbuf_free(m);
	tcp_conn_recv_consumed(c, len, W.now);
}

static void on_event_bulk(struct node *n, struct tcp_conn *c, enum tcp_conn_event ev)
{
	if (n->id == NODE_G) {
		if (ev == TCP_EV_CLOSED && W.brel != NULL && tcp_relay_leg(W.brel, 0) == NULL &&
		    tcp_relay_leg(W.brel, 1) == NULL)
			W.brel = NULL;
		return;
	}
	switch (ev) {
	case TCP_EV_ESTABLISHED:
	case TCP_EV_SENT_ACKED:
		if (n->id == NODE_C)
			bulk_fill();
		break;
	case TCP_EV_PEER_FIN:
		if (n->id == NODE_S)
			tcp_conn_shutdown(c, W.now);
		break;
	case TCP_EV_RESET:
	case TCP_EV_TIMEOUT:
		W.resets++;
		break;
	case TCP_EV_CLOSED:
		if (n->id == NODE_C) {
			W.c_closed = 1;
			W.bc = NULL;
		} else {
			W.s_closed = 1;
			W.bs = NULL;
		}
		break;
	}
}

static void on_event_conn(struct node *n, struct tcp_conn *c, enum tcp_conn_event ev)
{
	if (n->id == NODE_G) {
		if (ev != TCP_EV_CLOSED)
			return;
		unsigned int side = 0;
		tcp_conn_relay(c, &side);
		struct slot *s = conn_slot(c, side == 1);
		if (s->rel != NULL && tcp_relay_leg(s->rel, 0) == NULL &&
		    tcp_relay_leg(s->rel, 1) == NULL)
			s->rel = NULL;
		return;
	}
	struct slot *s = conn_slot(c, n->id == NODE_C);
	switch (ev) {
	case TCP_EV_ESTABLISHED:
		if (n->id == NODE_C && W.mode == 1) {
			struct rte_mbuf *m = make_data(0, REQ_BYTES);
			if (m == NULL || tcp_conn_send(c, m, W.now) != 0) {
				rte_pktmbuf_free(m);
				s->failed = 1;
			}
		}
		break;
	case TCP_EV_PEER_FIN:
		if (n->id == NODE_C)
			tcp_conn_shutdown(c, W.now);
		break;
	case TCP_EV_SENT_ACKED:
		break;
	case TCP_EV_RESET:
	case TCP_EV_TIMEOUT:
		s->failed = 1;
		break;
	case TCP_EV_CLOSED:
		if (n->id == NODE_C) {
			s->cc = NULL;
			if (!s->failed && s->crx == RESP_BYTES)
				W.completed++;
			else
				W.failures++;
		} else {
			if (s->srx != REQ_BYTES)
				s->failed = 1;
			s->sc = NULL;
		}
		break;
	}
}

static void on_event(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	if (W.mode == 0)
		on_event_bulk(arg, c, ev);
	else
		on_event_conn(arg, c, ev);
}

static struct tcp_engine *make_engine(const char *name, struct node *n, uint32_t max_conns,
                                      uint32_t sack_holes, uint8_t key)
{
	struct tcp_engine_params ep = {
	        .max_conns = max_conns,
	        .sack_holes = sack_holes,
	        .hdr_pool = W.pool,
	        .mtu = 1500,
	        .timer_tick_us = 1000,
	        .now_us = W.now,
	        .isn_secret = {key, 1, 2, 3},
	        .deterministic = true,
	        .tx = on_tx,
	        .recv = on_recv,
	        .event = on_event,
	        .cb_arg = n,
	};
	struct tcp_engine *e = tcp_engine_create(name, &ep);
	if (e == NULL) {
		fprintf(stderr, "engine %s: %s\n", name, strerror(rte_errno));
		exit(2);
	}
	return e;
}

static void engines_create(uint32_t gw_conns, uint32_t end_conns, uint32_t end_holes)
{
	W.c.id = NODE_C;
	W.g.id = NODE_G;
	W.s.id = NODE_S;
	W.c.eng = make_engine("bench_c", &W.c, end_conns, end_holes, 1);
	W.g.eng = make_engine("bench_g", &W.g, gw_conns, 0, 2);
	W.s.eng = make_engine("bench_s", &W.s, end_conns, end_holes, 3);
}

static void engines_free(void)
{
	fifo_drain(&W.up_cg);
	fifo_drain(&W.up_gs);
	fifo_drain(&W.down_sg);
	fifo_drain(&W.down_gc);
	tcp_engine_free(W.c.eng);
	tcp_engine_free(W.g.eng);
	tcp_engine_free(W.s.eng);
	W.c.eng = W.g.eng = W.s.eng = NULL;
}

static void profiles(uint32_t time_wait_ms)
{
	tcp_profile_defaults(&W.lan);
	tcp_profile_defaults(&W.wan);
	W.lan.time_wait_ms = W.wan.time_wait_ms = time_wait_ms;
	W.lan.idle_timeout_s = W.wan.idle_timeout_s = 0;
}

/* ---- relay throughput ---- */

struct relay_result {
	uint64_t gw_cycles, e2e_cycles, data_segs, bytes, rexmt;
	double gw_cps, gbps, e2e_cps, cpu_share;
};

/* Segments from the client into the gateway (the first one, the SYN, opens the relay). */
static void bulk_deliver_g(struct fifo *f, unsigned int side)
{
	struct rte_mbuf *m;
	while ((m = fifo_pop(f)) != NULL) {
		if (W.brel == NULL && side == 0) {
			W.brel = tcp_relay_open(W.g.eng, &W.lan, &W.wan, m, W.deferred, W.now);
			if (W.brel != NULL)
				continue;
		}
		struct tcp_conn *c = W.brel ? tcp_relay_leg(W.brel, side) : NULL;
		if (c == NULL)
			rte_pktmbuf_free(m);
		else
			tcp_conn_input(c, m, W.now);
	}
}

static void bulk_deliver_end(struct fifo *f, struct node *to)
{
	struct rte_mbuf *m;
	while ((m = fifo_pop(f)) != NULL) {
		struct tcp_conn *c = to->id == NODE_C ? W.bc : W.bs;
		if (to->id == NODE_S) {
			struct seginfo si;
			if (seg_parse(m, &si) == 0 && si.payload > 0)
				f->data_segs++;
			if (c == NULL && W.s_closed == 0) {
				W.bs = tcp_conn_listen(W.s.eng, &W.wan, m, false, W.now);
				if (W.bs != NULL)
					continue;
			}
		}
		if (c == NULL)
			rte_pktmbuf_free(m);
		else
			tcp_conn_input(c, m, W.now);
	}
}

static int bench_relay(uint64_t bytes, struct relay_result *r)
{
	memset(r, 0, sizeof(*r));
	W.mode = 0;
	W.total = bytes;
	W.sent = W.recvd = 0;
	W.shut = W.corrupt = W.c_closed = W.s_closed = W.resets = 0;
	W.up_gs.data_segs = 0;
	W.brel = NULL;
	profiles(10);
	engines_create(4, 4, 0);
	struct tcp_tuple t = {.laddr = slot_addr(0),
	                      .raddr = rte_cpu_to_be_32(SERVER_ADDR),
	                      .lport = slot_port(0),
	                      .rport = rte_cpu_to_be_16(5001)};
	uint64_t gw = 0;
	struct span sp;
	span_start(&sp);
	uint64_t t_start = rte_rdtsc();
	W.bc = tcp_conn_connect(W.c.eng, &W.lan, &t, W.now);
	if (W.bc == NULL) {
		fprintf(stderr, "connect failed\n");
		return -1;
	}
	uint64_t rounds = 0, max_rounds = 1000000 + bytes / 100;
	while (!(W.c_closed && W.s_closed && tcp_engine_conns_in_use(W.g.eng) == 0) &&
	       rounds++ < max_rounds) {
		uint64_t t0 = rte_rdtsc();
		bulk_deliver_g(&W.up_cg, 0);
		uint64_t t1 = rte_rdtsc();
		bulk_deliver_end(&W.up_gs, &W.s);
		uint64_t t2 = rte_rdtsc();
		bulk_deliver_g(&W.down_sg, 1);
		uint64_t t3 = rte_rdtsc();
		bulk_deliver_end(&W.down_gc, &W.c);
		tcp_engine_advance(W.c.eng, W.now);
		tcp_engine_advance(W.s.eng, W.now);
		uint64_t t4 = rte_rdtsc();
		tcp_engine_advance(W.g.eng, W.now);
		uint64_t t5 = rte_rdtsc();
		gw += (t1 - t0) + (t3 - t2) + (t5 - t4);
		/* Zero-delay links: the clock only matters for timers. Jump it when nothing is
		 * in flight (waiting for a delayed ACK or TIME_WAIT). */
		int idle = W.up_cg.n + W.up_gs.n + W.down_sg.n + W.down_gc.n == 0;
		W.now += idle ? 1000 : 10;
	}
	uint64_t e2e = rte_rdtsc() - t_start;
	r->cpu_share = span_cpu_share(&sp);
	double hz = (double)rte_get_tsc_hz();
	r->gw_cycles = gw;
	r->e2e_cycles = e2e;
	r->data_segs = W.up_gs.data_segs;
	r->bytes = W.recvd;
	uint64_t rexmt = tcp_engine_counter(W.g.eng, TCP_CNT_retransmits) +
	                 tcp_engine_counter(W.c.eng, TCP_CNT_retransmits);
	uint32_t gw_left = tcp_engine_conns_in_use(W.g.eng);
	if (getenv("BENCH_VERBOSE"))
		for (int k = 0; k < TCP_CNT_MAX; k++)
			printf("counter %s c %llu g %llu s %llu\n", tcp_engine_counter_name(k),
			       (unsigned long long)tcp_engine_counter(W.c.eng, k),
			       (unsigned long long)tcp_engine_counter(W.g.eng, k),
			       (unsigned long long)tcp_engine_counter(W.s.eng, k));
	engines_free();
	int ok = 1;
	if (W.recvd != bytes || W.corrupt || !W.c_closed || !W.s_closed || W.resets || gw_left) {
		fprintf(stderr,
		        "relay: FAILED received %llu/%llu corrupt %d closed c=%d s=%d resets %d "
		        "gw conns left %u\n",
		        (unsigned long long)W.recvd, (unsigned long long)bytes, W.corrupt,
		        W.c_closed, W.s_closed, W.resets, gw_left);
		ok = 0;
	}
	/* 1448-byte pieces: at least one relayed data segment per piece. */
	uint64_t want = (bytes + SEG - 1) / SEG;
	if (r->data_segs < want) {
		fprintf(stderr, "relay: FAILED %llu data segments for %llu pieces\n",
		        (unsigned long long)r->data_segs, (unsigned long long)want);
		ok = 0;
	}
	/* No loss on these links, so a retransmission is the engine's own doing (a sender
	 * overrunning the window it was offered, say): reported, not fatal. */
	r->rexmt = rexmt;
	if (rexmt != 0)
		fprintf(stderr, "relay: warning: %llu retransmits on a loss-free path\n",
		        (unsigned long long)rexmt);
	if (r->data_segs == 0)
		return -1;
	r->gw_cps = (double)gw / (double)r->data_segs;
	r->e2e_cps = (double)e2e / (double)r->data_segs;
	r->gbps = (double)r->bytes * 8 / ((double)gw / hz) / 1e9;
	return ok ? 0 : -1;
}

/* ---- connections: many flows, demultiplexed by the client's address and port ---- */

static void conn_deliver_g(struct fifo *f, unsigned int side)
{
	struct rte_mbuf *m;
	while ((m = fifo_pop(f)) != NULL) {
		struct seginfo si;
		if (seg_parse(m, &si) != 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		struct slot *s = side == 0 ? &W.slots[slot_of(si.src, si.sport)]
		                           : &W.slots[slot_of(si.dst, si.dport)];
		if (s->rel == NULL && side == 0 && (si.flags & RTE_TCP_SYN_FLAG) &&
		    !(si.flags & RTE_TCP_ACK_FLAG)) {
			uint64_t t0 = rte_rdtsc();
			s->rel = tcp_relay_open(W.g.eng, &W.lan, &W.wan, m, W.deferred, W.now);
			W.gw_cycles += rte_rdtsc() - t0;
			if (s->rel != NULL)
				continue;
			W.open_fail++;
		}
		struct tcp_conn *c = s->rel ? tcp_relay_leg(s->rel, side) : NULL;
		if (c == NULL) {
			rte_pktmbuf_free(m);
			continue;
		}
		uint64_t t0 = rte_rdtsc();
		tcp_conn_input(c, m, W.now);
		W.gw_cycles += rte_rdtsc() - t0;
	}
}

static void conn_deliver_end(struct fifo *f, struct node *to)
{
	struct rte_mbuf *m;
	while ((m = fifo_pop(f)) != NULL) {
		struct seginfo si;
		if (seg_parse(m, &si) != 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		struct slot *s;
		struct tcp_conn *c;
		if (to->id == NODE_S) {
			s = &W.slots[slot_of(si.src, si.sport)];
			c = s->sc;
			if (c == NULL && (si.flags & RTE_TCP_SYN_FLAG)) {
				s->sc = tcp_conn_listen(W.s.eng, &W.wan, m, false, W.now);
				if (s->sc != NULL)
					continue;
				W.open_fail++;
			}
		} else {
			s = &W.slots[slot_of(si.dst, si.dport)];
			c = s->cc;
		}
		if (c == NULL)
			rte_pktmbuf_free(m);
		else
			tcp_conn_input(c, m, W.now);
	}
}

static void conn_round(void)
{
	/* Zero-delay links: pass segments around until every link is empty. */
	while (W.up_cg.n + W.up_gs.n + W.down_sg.n + W.down_gc.n > 0) {
		conn_deliver_g(&W.up_cg, 0);
		conn_deliver_end(&W.up_gs, &W.s);
		conn_deliver_g(&W.down_sg, 1);
		conn_deliver_end(&W.down_gc, &W.c);
	}
	tcp_engine_advance(W.c.eng, W.now);
	tcp_engine_advance(W.s.eng, W.now);
	uint64_t t0 = rte_rdtsc();
	tcp_engine_advance(W.g.eng, W.now);
	W.gw_cycles += rte_rdtsc() - t0;
}

static int conn_open(uint32_t k)
{
	struct slot *s = &W.slots[k & (NSLOTS - 1)];
	if (s->cc != NULL || s->sc != NULL || s->rel != NULL)
		return -1; /* still in TIME_WAIT somewhere: wait */
	memset(s, 0, sizeof(*s));
	struct tcp_tuple t = {.laddr = slot_addr(k & (NSLOTS - 1)),
	                      .raddr = rte_cpu_to_be_32(SERVER_ADDR),
	                      .lport = slot_port(k & (NSLOTS - 1)),
	                      .rport = rte_cpu_to_be_16(80)};
	s->cc = tcp_conn_connect(W.c.eng, &W.lan, &t, W.now);
	if (s->cc == NULL) {
		W.open_fail++;
		return -1;
	}
	return 0;
}

struct conn_result {
	uint64_t conns, gw_cycles;
	double cycles_per_conn, per_s, cpu_share;
};

#define CONN_BATCH   64  /* new flows per millisecond of virtual time */
#define TIME_WAIT_MS 100 /* profile's time_wait_ms: keeps ~6400 legs in TIME_WAIT */
#define CONN_POOL    16384

static int bench_conns(uint64_t n, int deferred, struct conn_result *r)
{
	memset(r, 0, sizeof(*r));
	W.mode = 1;
	W.deferred = deferred;
	W.completed = W.failures = W.open_fail = 0;
	W.gw_cycles = 0;
	memset(W.slots, 0, NSLOTS * sizeof(*W.slots));
	profiles(TIME_WAIT_MS);
	engines_create(CONN_POOL, CONN_POOL, 4096);
	uint64_t opened = 0, rounds = 0, max_rounds = n + 100000;
	struct span sp;
	span_start(&sp);
	while (rounds++ < max_rounds) {
		for (int b = 0; b < CONN_BATCH && opened < n; b++) {
			if (conn_open((uint32_t)opened) != 0)
				break;
			opened++;
		}
		conn_round();
		W.now += 1000;
		if (opened == n && tcp_engine_conns_in_use(W.g.eng) == 0 &&
		    tcp_engine_conns_in_use(W.c.eng) == 0 && tcp_engine_conns_in_use(W.s.eng) == 0)
			break;
	}
	r->cpu_share = span_cpu_share(&sp);
	uint64_t no_mem = tcp_engine_counter(W.g.eng, TCP_CNT_conn_no_memory);
	uint64_t rexmt = tcp_engine_counter(W.g.eng, TCP_CNT_retransmits);
	uint32_t left = tcp_engine_conns_in_use(W.g.eng) + tcp_engine_conns_in_use(W.c.eng) +
	                tcp_engine_conns_in_use(W.s.eng);
	engines_free();
	r->conns = W.completed;
	r->gw_cycles = W.gw_cycles;
	if (W.completed > 0) {
		r->cycles_per_conn = (double)W.gw_cycles / (double)W.completed;
		r->per_s = (double)rte_get_tsc_hz() / r->cycles_per_conn;
	}
	if (rexmt != 0)
		fprintf(stderr,
		        "conn (%s): warning: %llu gateway retransmits on a loss-free path\n",
		        deferred ? "deferred" : "immediate", (unsigned long long)rexmt);
	if (W.completed != n || W.failures || W.open_fail || no_mem || left) {
		fprintf(stderr,
		        "conn (%s): FAILED completed %llu/%llu failures %llu open failures %llu "
		        "no_memory %llu conns left %u\n",
		        deferred ? "deferred" : "immediate", (unsigned long long)W.completed,
		        (unsigned long long)n, (unsigned long long)W.failures,
		        (unsigned long long)W.open_fail, (unsigned long long)no_mem, left);
		return -1;
	}
	return 0;
}

/* ---- memory ---- */

/* Heap taken by a gateway engine of max_conns connections: the least of three creations, as
 * where a block lands in the heap can add alignment padding to the figure. */
static uint64_t engine_heap(uint32_t max_conns, uint32_t sack_holes)
{
	struct node n = {.id = NODE_G};
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 3; i++) {
		uint64_t before = heap_used();
		struct tcp_engine *e = make_engine("bench_mem", &n, max_conns, sack_holes, 9);
		uint64_t after = heap_used();
		tcp_engine_free(e);
		if (after - before < best)
			best = after - before;
	}
	return best;
}

static double median5(double v[5])
{
	for (int i = 1; i < 5; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[2];
}

struct mem_result {
	double per_relay, per_relay_no_sack, per_conn, sack_share, fixed;
	double idle_mbufs_per_pair;
	int64_t idle_heap_delta;
};

static int bench_mem(uint32_t idle_pairs, struct mem_result *r)
{
	/* The first engine of the process also registers the mbuf dynamic field (a memzone). */
	engine_heap(2000, 0);
	/* Per relay: two legs, the relay, 2 x 64 SACK holes (the default share); then the same
	 * with a fixed hole pool (legs and relay alone). Slopes between pools of 1000 ... 6000
	 * relays, the median of five (a large block now and then takes heap padding with it). */
	double slope[2][5];
	for (int h = 0; h < 2; h++) {
		uint64_t prev = engine_heap(2000, h ? 64 : 0);
		if (h == 0)
			r->fixed = (double)prev;
		for (int k = 0; k < 5; k++) {
			uint64_t cur = engine_heap(2000 * (uint32_t)(k + 2), h ? 64 : 0);
			slope[h][k] = (double)(cur - prev) / 1000;
			prev = cur;
		}
	}
	if (getenv("BENCH_VERBOSE"))
		for (int k = 0; k < 5; k++)
			printf("slope %d: %.1f %.1f\n", k, slope[0][k], slope[1][k]);
	r->per_relay = median5(slope[0]);
	r->per_relay_no_sack = median5(slope[1]);
	r->fixed -= r->per_relay * 1000;
	r->sack_share = r->per_relay - r->per_relay_no_sack;
	/* One connection more and no relay more (relays = max_conns / 2): sizeof(struct tcp_conn)
	 * rounded up to the heap's 64-byte granularity (the struct is private). */
	r->per_conn = (double)(engine_heap(2001, 64) - engine_heap(2000, 64));

	/* Established, idle relays: what they hold beyond the pool. */
	W.mode = 2;
	W.deferred = 1;
	W.open_fail = W.failures = 0;
	memset(W.slots, 0, NSLOTS * sizeof(*W.slots));
	profiles(100);
	uint32_t pool = 2 * idle_pairs + 16;
	engines_create(pool, pool, 4096);
	unsigned int mb0 = mbufs_in_use();
	uint64_t h0 = heap_used();
	for (uint32_t k = 0; k < idle_pairs; k++)
		if (conn_open(k) != 0)
			return -1;
	/* Handshakes, then long enough for any delayed ACK to go. */
	for (int i = 0; i < 200; i++) {
		conn_round();
		W.now += 1000;
	}
	uint32_t established = 0;
	for (uint32_t k = 0; k < idle_pairs; k++) {
		struct slot *s = &W.slots[k];
		struct tcp_conn *l0 = s->rel ? tcp_relay_leg(s->rel, 0) : NULL;
		struct tcp_conn *l1 = s->rel ? tcp_relay_leg(s->rel, 1) : NULL;
		if (l0 && l1 && tcp_conn_state(l0) == TCP_ESTABLISHED &&
		    tcp_conn_state(l1) == TCP_ESTABLISHED && s->cc &&
		    tcp_conn_state(s->cc) == TCP_ESTABLISHED)
			established++;
	}
	unsigned int mb1 = mbufs_in_use();
	r->idle_heap_delta = (int64_t)(heap_used() - h0);
	r->idle_mbufs_per_pair = (double)(mb1 - mb0) / idle_pairs;
	uint32_t gw_conns = tcp_engine_conns_in_use(W.g.eng);
	engines_free();
	if (established != idle_pairs || gw_conns != 2 * idle_pairs || W.open_fail) {
		fprintf(stderr, "mem: FAILED %u/%u relays established, %u gateway conns\n",
		        established, idle_pairs, gw_conns);
		return -1;
	}
	if (r->per_relay <= 0 || r->per_conn <= 0)
		return -1;
	return 0;
}

static double rdtsc_overhead(void)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 1000; i++) {
		uint64_t t0 = rte_rdtsc();
		uint64_t t1 = rte_rdtsc();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return (double)best;
}

static void usage(void)
{
	fprintf(stderr, "usage: tcp_bench [--quick] [--bytes N] [--conns N] [--idle-pairs N] "
	                "[--only relay|mem|conn]\n");
}

int main(int argc, char **argv)
{
	uint64_t bytes = 2000000000ull, conns = 200000;
	uint32_t idle_pairs = 4000;
	const char *only = NULL;
	static const struct option lo[] = {
	        {"quick", no_argument, NULL, 'q'},
	        {"bytes", required_argument, NULL, 'n'},
	        {"conns", required_argument, NULL, 'c'},
	        {"idle-pairs", required_argument, NULL, 'i'},
	        {"only", required_argument, NULL, 'o'},
	        {NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'q':
			bytes = 100000000ull;
			conns = 20000;
			idle_pairs = 500;
			break;
		case 'n':
			bytes = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			conns = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			idle_pairs = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			only = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (bytes == 0 || conns == 0 || idle_pairs == 0 || idle_pairs > NSLOTS / 2) {
		usage();
		return 2;
	}
	if (test_eal_init() != 0) {
		fprintf(stderr, "EAL init failed\n");
		return 2;
	}
	W.pool = rte_pktmbuf_pool_create("bench_pool", POOL_MBUFS, 256, 0,
	                                 RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	W.slots = calloc(NSLOTS, sizeof(*W.slots));
	if (W.pool == NULL || W.slots == NULL) {
		fprintf(stderr, "pool: %s\n", strerror(rte_errno));
		return 2;
	}
	for (size_t i = 0; i < sizeof(W.ref); i++)
		W.ref[i] = (uint8_t)((i % PERIOD) * 7 + 3);
	fifo_init(&W.up_cg);
	fifo_init(&W.up_gs);
	fifo_init(&W.down_sg);
	fifo_init(&W.down_gc);

	double hz = (double)rte_get_tsc_hz();
	printf("figure tsc_hz %.0f Hz\n", hz);
	printf("figure rdtsc_pair_overhead %.0f cycles\n", rdtsc_overhead());
	int ok = 1;
	struct relay_result rr = {0};
	struct mem_result mr = {0};
	struct conn_result cd = {0}, ci = {0};
	int do_relay = only == NULL || strcmp(only, "relay") == 0;
	int do_mem = only == NULL || strcmp(only, "mem") == 0;
	int do_conn = only == NULL || strcmp(only, "conn") == 0;
	if (do_relay) {
		if (bench_relay(bytes, &rr) != 0)
			ok = 0;
		printf("figure relay_gw_cycles_per_segment %.0f cycles\n", rr.gw_cps);
		printf("figure relay_gw_gbps_per_core %.2f Gbit/s\n", rr.gbps);
		printf("figure relay_e2e_cycles_per_segment %.0f cycles\n", rr.e2e_cps);
		printf("figure relay_cpu_share %.2f\n", rr.cpu_share);
		printf("figure relay_gw_cycles_per_segment_oncpu %.0f cycles\n",
		       rr.gw_cps * rr.cpu_share);
		printf("figure relay_gw_gbps_per_core_oncpu %.2f Gbit/s\n", rr.gbps / rr.cpu_share);
		printf("figure relay_data_segments %llu segments\n",
		       (unsigned long long)rr.data_segs);
		printf("figure relay_retransmits %llu segments\n", (unsigned long long)rr.rexmt);
	}
	if (do_mem) {
		if (bench_mem(idle_pairs, &mr) != 0)
			ok = 0;
		printf("figure mem_bytes_per_relay %.0f bytes\n", mr.per_relay);
		printf("figure mem_bytes_per_relay_without_sack_share %.0f bytes\n",
		       mr.per_relay_no_sack);
		printf("figure mem_sack_share_per_relay %.0f bytes\n", mr.sack_share);
		printf("figure mem_bytes_per_extra_leg_64B_granular %.0f bytes\n", mr.per_conn);
		printf("figure mem_engine_fixed %.0f bytes\n", mr.fixed);
		printf("figure idle_pair_mbufs %.3f mbufs\n", mr.idle_mbufs_per_pair);
		printf("figure idle_pairs_heap_delta %lld bytes\n", (long long)mr.idle_heap_delta);
	}
	if (do_conn) {
		if (bench_conns(conns, 1, &cd) != 0)
			ok = 0;
		if (bench_conns(conns, 0, &ci) != 0)
			ok = 0;
		printf("figure conn_deferred_gw_cycles_per_conn %.0f cycles\n", cd.cycles_per_conn);
		printf("figure conn_deferred_per_s_per_core %.0f conn/s\n", cd.per_s);
		printf("figure conn_immediate_gw_cycles_per_conn %.0f cycles\n",
		       ci.cycles_per_conn);
		printf("figure conn_immediate_per_s_per_core %.0f conn/s\n", ci.per_s);
		printf("figure conn_deferred_cpu_share %.2f\n", cd.cpu_share);
		printf("figure conn_deferred_per_s_per_core_oncpu %.0f conn/s\n",
		       cd.per_s / cd.cpu_share);
		printf("figure conn_immediate_cpu_share %.2f\n", ci.cpu_share);
		printf("figure conn_immediate_per_s_per_core_oncpu %.0f conn/s\n",
		       ci.per_s / ci.cpu_share);
	}
	printf("\n");
	if (do_relay)
		printf("relay: %.2f GB through the gateway in %llu data segments, %.0f gateway "
		       "cycles per segment (%.2f Gbit/s per core), %.0f cycles end to end; on CPU "
		       "%.0f%% of the time: %.0f cycles, %.2f Gbit/s\n",
		       rr.bytes / 1e9, (unsigned long long)rr.data_segs, rr.gw_cps, rr.gbps,
		       rr.e2e_cps, rr.cpu_share * 100, rr.gw_cps * rr.cpu_share,
		       rr.gbps / rr.cpu_share);
	if (do_mem)
		printf("memory: %.0f B per relay (2 legs + relay %.0f B, one leg at most %.0f B; "
		       "SACK "
		       "holes %.0f B), %.2f mbufs held per idle established pair (%u pairs)\n",
		       mr.per_relay, mr.per_relay_no_sack, mr.per_conn, mr.sack_share,
		       mr.idle_mbufs_per_pair, idle_pairs);
	if (do_conn)
		printf("connections: %llu flows per policy, deferred %.0f gateway cycles per flow "
		       "(%.0f/s per core; %.0f/s on CPU), immediate %.0f (%.0f/s; %.0f/s on CPU)\n",
		       (unsigned long long)cd.conns, cd.cycles_per_conn, cd.per_s,
		       cd.per_s / cd.cpu_share, ci.cycles_per_conn, ci.per_s,
		       ci.per_s / ci.cpu_share);
	if (rte_mempool_avail_count(W.pool) != POOL_MBUFS) {
		fprintf(stderr, "mbuf leak: %u in use\n", mbufs_in_use());
		ok = 0;
	}
	if (!ok)
		fprintf(stderr, "FAILED\n");
	return ok ? 0 : 1;
}
