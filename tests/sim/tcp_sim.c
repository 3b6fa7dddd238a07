/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_sim: TCP engines joined by emulated links on a virtual clock, deterministic for a seed.
 *
 * Direct mode: client engine C opens a connection to server engine S over one path.
 * Relay mode (--relay): C -- LAN link -- gateway engine G -- WAN link -- S, where G splits
 * the flow with tcp_relay_open (as pepgw single-ended). C sends N bytes of a
 * position-dependent pattern and half-closes; S checks every byte in order, consumes them
 * (at --server-kbps when given, to exercise flow control) and closes its side when C's FIN
 * arrives. Each link has a one-way delay, a rate (serialization and a drop-tail queue) and
 * random loss; the WAN link carries --rtt-ms/--rate-mbps/--loss, the LAN link 1 ms/1 Gbit/s.
 *
 * --isn N starts every connection at sequence N (sequence wrap); --window-bytes N sets the WAN
 * profile's buffers and window (default 2 x BDP + 1 MB).
 *
 * Exit status 0 when all N bytes arrived intact, every connection closed cleanly, no mbuf is
 * left, and (relay mode) the gateway never held more than its configured bound.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tcp.h"
#include "test_eal.h"

#define STEP_US    1000
#define CHUNK      1399 /* odd: payload pieces start at odd offsets */
#define MAX_QUEUE  65536
#define POOL_MBUFS 32767

struct pkt {
	struct rte_mbuf *m;
	uint64_t arrive_us;
};

/* One direction of a path: FIFO of packets in flight, in arrival order. */
struct link {
	const char *name;
	uint32_t one_way_us;
	double rate_bps;
	double loss;
	uint64_t queue_limit;
	struct pkt *q;
	uint32_t head, n;
	uint64_t busy_until_us;
	uint64_t queued_bytes;
	uint64_t sent, dropped_loss, dropped_queue;
};

enum node_id { NODE_C, NODE_G, NODE_S };

struct node {
	enum node_id id;
	struct tcp_engine *eng;
	struct tcp_conn *conn; /* C and S: their one connection */
	int closed, reset;
};

static struct {
	uint64_t now;
	uint64_t total, sent_bytes, recv_bytes, unconsumed;
	double server_bps;
	uint64_t rng;
	int relay, deferred, shut, corrupt;
	struct node c, g, s;
	struct link lan_up, lan_down, wan_up, wan_down; /* up: toward the server */
	struct tcp_profile lan_prof, wan_prof;
	struct tcp_relay *rel;
	struct tcp_relay_info rinfo;
	uint32_t gw_max_buffered;
	uint64_t done_us; /* when the last byte arrived */
	uint64_t bad_csum;
	struct rte_mempool *pool;
} W;

static uint8_t pattern(uint64_t pos)
{
	return (uint8_t)(pos * 7u + 3u + (pos >> 8) + (pos >> 24));
}

static double rnd01(void)
{
	W.rng ^= W.rng << 13;
	W.rng ^= W.rng >> 7;
	W.rng ^= W.rng << 17;
	return (double)(W.rng >> 11) / (double)(1ull << 53);
}

static void link_init(struct link *l, const char *name, double rtt_ms, double mbps, double loss,
                      uint64_t queue)
{
	l->name = name;
	l->one_way_us = (uint32_t)(rtt_ms * 500);
	l->rate_bps = mbps * 1e6;
	l->loss = loss;
	double bdp = l->rate_bps / 8 * rtt_ms / 1000;
	l->queue_limit = queue ? queue : (uint64_t)bdp + 64 * 1500;
	l->q = calloc(MAX_QUEUE, sizeof(*l->q));
	if (l->q == NULL)
		exit(2);
}

/* Every segment on the wire must carry a valid TCP checksum (checked on a flat copy). */
static void check_csum(struct rte_mbuf *m)
{
	static uint8_t flat[65536];
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *p = rte_pktmbuf_read(m, 0, len, flat);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;
	uint32_t sum = (uint32_t)rte_raw_cksum(p + sizeof(*ip), len - sizeof(*ip)) +
	               rte_ipv4_phdr_cksum(ip, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		W.bad_csum++;
}

static void link_send(struct link *l, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	check_csum(m);
	l->sent++;
	if (l->loss > 0 && rnd01() < l->loss) {
		l->dropped_loss++;
		rte_pktmbuf_free(m);
		return;
	}
	if (l->queued_bytes + len > l->queue_limit || l->n == MAX_QUEUE) {
		l->dropped_queue++;
		rte_pktmbuf_free(m);
		return;
	}
	uint64_t start = l->busy_until_us > W.now ? l->busy_until_us : W.now;
	uint64_t ser = (uint64_t)((double)len * 8.0 * 1e6 / l->rate_bps);
	l->busy_until_us = start + ser;
	struct pkt *p = &l->q[(l->head + l->n) % MAX_QUEUE];
	p->m = m;
	p->arrive_us = start + ser + l->one_way_us;
	l->n++;
	l->queued_bytes += len;
}

static void link_drain(struct link *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		rte_pktmbuf_free(l->q[(l->head + i) % MAX_QUEUE].m);
	l->n = 0;
	free(l->q);
}

/* ---- callbacks ---- */

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct node *n = arg;
	switch (n->id) {
	case NODE_C:
		link_send(W.relay ? &W.lan_up : &W.wan_up, m);
		break;
	case NODE_S:
		link_send(&W.wan_down, m);
		break;
	case NODE_G: {
		unsigned int side = 0;
		tcp_conn_relay(c, &side);
		link_send(side == 0 ? &W.lan_down : &W.wan_up, m);
		break;
	}
	}
}

static void on_recv(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	uint32_t n = rte_pktmbuf_pkt_len(m);
	for (struct rte_mbuf *seg = m; seg != NULL; seg = seg->next) {
		const uint8_t *p = rte_pktmbuf_mtod(seg, const uint8_t *);
		for (uint16_t i = 0; i < seg->data_len; i++) {
			if (p[i] != pattern(W.recv_bytes) && !W.corrupt) {
				fprintf(stderr, "byte %llu differs\n",
				        (unsigned long long)W.recv_bytes);
				W.corrupt = 1;
			}
			W.recv_bytes++;
		}
	}
	rte_pktmbuf_free(m);
	if (W.recv_bytes == W.total && W.done_us == 0)
		W.done_us = W.now;
	if (W.server_bps > 0)
		W.unconsumed += n; /* consumed later, at the server's pace */
	else
		tcp_conn_recv_consumed(c, n, W.now);
}

/* Keep the client's send buffer full of the pattern, then half-close. */
static void fill(void)
{
	struct tcp_conn *c = W.c.conn;
	if (c == NULL || W.shut)
		return;
	while (W.sent_bytes < W.total && tcp_conn_send_space(c) >= CHUNK) {
		uint32_t len =
		        W.total - W.sent_bytes < CHUNK ? (uint32_t)(W.total - W.sent_bytes) : CHUNK;
		struct rte_mbuf *m = rte_pktmbuf_alloc(W.pool);
		if (m == NULL)
			return;
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
		for (uint32_t i = 0; i < len; i++)
			p[i] = pattern(W.sent_bytes + i);
		if (tcp_conn_send(c, m, W.now) != 0) {
			rte_pktmbuf_free(m);
			return;
		}
		W.sent_bytes += len;
	}
	if (W.sent_bytes == W.total) {
		W.shut = 1;
		tcp_conn_shutdown(c, W.now);
	}
}

static void on_event(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	struct node *n = arg;
	if (n->id == NODE_G) {
		/* Relay legs: only their CLOSED reaches us. */
		if (ev == TCP_EV_CLOSED && W.rel != NULL) {
			unsigned int side;
			tcp_conn_relay(c, &side);
			if (tcp_relay_leg(W.rel, 1 - side) == NULL)
				W.rel = NULL;
		}
		return;
	}
	switch (ev) {
	case TCP_EV_ESTABLISHED:
	case TCP_EV_SENT_ACKED:
		if (n->id == NODE_C)
			fill();
		break;
	case TCP_EV_PEER_FIN:
		if (n->id == NODE_S)
			tcp_conn_shutdown(c, W.now);
		break;
	case TCP_EV_RESET:
	case TCP_EV_TIMEOUT:
		n->reset = 1;
		break;
	case TCP_EV_CLOSED:
		n->closed = 1;
		n->conn = NULL;
		break;
	}
}

static void deliver(struct link *l, struct node *to, int gw_side)
{
	while (l->n > 0 && l->q[l->head].arrive_us <= W.now) {
		struct rte_mbuf *m = l->q[l->head].m;
		l->queued_bytes -= rte_pktmbuf_pkt_len(m);
		l->head = (l->head + 1) % MAX_QUEUE;
		l->n--;
		struct tcp_conn *c = to->conn;
		if (to->id == NODE_G) {
			if (W.rel == NULL && gw_side == 0 && !to->closed) {
				W.rel = tcp_relay_open(to->eng, &W.lan_prof, &W.wan_prof, m,
				                       W.deferred, W.now);
				if (W.rel != NULL) {
					to->closed = 1; /* one flow per run */
					continue;
				}
			}
			c = W.rel ? tcp_relay_leg(W.rel, (unsigned int)gw_side) : NULL;
		} else if (c == NULL && to->id == NODE_S && !to->closed) {
			to->conn = tcp_conn_listen(to->eng, &W.wan_prof, m, false, W.now);
			if (to->conn != NULL)
				continue;
		}
		if (c == NULL) {
			rte_pktmbuf_free(m);
			continue;
		}
		tcp_conn_input(c, m, W.now);
	}
	if (W.rel != NULL) {
		tcp_relay_get_info(W.rel, &W.rinfo);
		if (W.rinfo.max_buffered[0] > W.gw_max_buffered)
			W.gw_max_buffered = W.rinfo.max_buffered[0];
	}
}

static void trace_sender(void)
{
	struct tcp_conn *c = W.relay ? (W.rel ? tcp_relay_leg(W.rel, 1) : NULL) : W.c.conn;
	struct tcp_conn_info i;
	char line[512];
	if (c == NULL)
		return;
	tcp_conn_get_info(c, &i);
	tcp_conn_info_format(&i, line, sizeof(line));
	printf("%8.3f q=%llu %s\n", W.now / 1e6, (unsigned long long)W.wan_up.queued_bytes, line);
}

static uint32_t sim_isn; /* --isn: every connection's ISN (0: keyed as usual) */

static struct tcp_engine *make_engine(const char *name, struct node *n, uint8_t key)
{
	struct tcp_engine_params ep = {
	        .max_conns = 4,
	        .sack_holes = 4 * 1024, /* as pepgw's default share would give a busy engine */
	        .hdr_pool = W.pool,
	        .mtu = 1500,
	        .timer_tick_us = 1000,
	        .isn_secret = {key, 1, 2, 3},
	        .deterministic = true,
	        .fixed_isn = sim_isn,
	        .tx = on_tx,
	        .recv = on_recv,
	        .event = on_event,
	        .cb_arg = n,
	};
	struct tcp_engine *e = tcp_engine_create(name, &ep);
	if (e == NULL) {
		fprintf(stderr, "engine: %s\n", strerror(rte_errno));
		exit(2);
	}
	return e;
}

int main(int argc, char **argv)
{
	uint64_t bytes = 20ull << 20;
	double rtt_ms = 600, rate_mbps = 10, loss = 0.01, timeout_s = 36000, server_kbps = 0;
	uint64_t seed = 1, queue = 0, window = 0;
	int sack = 1, ts = 1;
	static const struct option lo[] = {
	        {"bytes", required_argument, NULL, 'n'},
	        {"rtt-ms", required_argument, NULL, 'r'},
	        {"rate-mbps", required_argument, NULL, 'b'},
	        {"loss", required_argument, NULL, 'l'},
	        {"seed", required_argument, NULL, 's'},
	        {"queue-bytes", required_argument, NULL, 'q'},
	        {"sack", required_argument, NULL, 'k'},
	        {"ts", required_argument, NULL, 't'},
	        {"timeout-s", required_argument, NULL, 'T'},
	        {"relay", no_argument, NULL, 'R'},
	        {"deferred", no_argument, NULL, 'D'},
	        {"server-kbps", required_argument, NULL, 'K'},
	        {"isn", required_argument, NULL, 'I'},
	        {"window-bytes", required_argument, NULL, 'W'},
	        {NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'n':
			bytes = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rtt_ms = atof(optarg);
			break;
		case 'b':
			rate_mbps = atof(optarg);
			break;
		case 'l':
			loss = atof(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'q':
			queue = strtoull(optarg, NULL, 0);
			break;
		case 'k':
			sack = atoi(optarg);
			break;
		case 't':
			ts = atoi(optarg);
			break;
		case 'T':
			timeout_s = atof(optarg);
			break;
		case 'R':
			W.relay = 1;
			break;
		case 'D':
			W.deferred = 1;
			break;
		case 'K':
			server_kbps = atof(optarg);
			break;
		case 'I':
			sim_isn = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'W':
			window = strtoull(optarg, NULL, 0);
			break;
		default:
			return 2;
		}
	}
	if (test_eal_init() != 0) {
		fprintf(stderr, "EAL init failed\n");
		return 2;
	}
	W.pool = rte_pktmbuf_pool_create("sim_pool", POOL_MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                                 SOCKET_ID_ANY);
	if (W.pool == NULL) {
		fprintf(stderr, "pool: %s\n", strerror(rte_errno));
		return 2;
	}
	W.total = bytes;
	W.rng = seed * 0x9e3779b97f4a7c15ull + 1;
	W.server_bps = server_kbps * 1000;
	link_init(&W.wan_up, "wan_up", rtt_ms, rate_mbps, loss, queue);
	link_init(&W.wan_down, "wan_down", rtt_ms, rate_mbps, loss, queue);
	link_init(&W.lan_up, "lan_up", 1, 1000, 0, 0);
	link_init(&W.lan_down, "lan_down", 1, 1000, 0, 0);

	/* WAN profile: windows toward twice the BDP. LAN profile: the defaults. */
	double bdp = rate_mbps * 1e6 / 8 * rtt_ms / 1000;
	uint32_t buf = window ? (uint32_t)window : (uint32_t)(2 * bdp) + (1u << 20);
	tcp_profile_defaults(&W.wan_prof);
	W.wan_prof.sack = sack;
	W.wan_prof.timestamps = ts;
	W.wan_prof.send_buffer = buf;
	W.wan_prof.receive_window = buf;
	W.wan_prof.idle_timeout_s = 0;
	W.wan_prof.initial_window = 10;
	tcp_profile_defaults(&W.lan_prof);
	W.lan_prof.idle_timeout_s = 0;
	/* The proxy buffer toward the WAN bandwidth-delay product, as F5 advises. */
	W.lan_prof.proxy_buffer_high = buf;
	W.lan_prof.proxy_buffer_low = buf - buf / 4;

	W.c.id = NODE_C;
	W.g.id = NODE_G;
	W.s.id = NODE_S;
	W.c.eng = make_engine("sim_c", &W.c, 1);
	W.g.eng = make_engine("sim_g", &W.g, 2);
	W.s.eng = make_engine("sim_s", &W.s, 3);
	struct tcp_tuple t = {.laddr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1)),
	                      .raddr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2)),
	                      .lport = rte_cpu_to_be_16(40000),
	                      .rport = rte_cpu_to_be_16(5001)};
	clock_t c0 = clock();
	W.c.conn = tcp_conn_connect(W.c.eng, W.relay ? &W.lan_prof : &W.wan_prof, &t, W.now);
	if (W.c.conn == NULL) {
		fprintf(stderr, "connect failed\n");
		return 2;
	}
	uint64_t end_us = (uint64_t)(timeout_s * 1e6);
	double credit = 0;
	/* SIM_TRACE_MS=N: every N ms of virtual time, one `ss -ti` line of the WAN sender. */
	const char *trace = getenv("SIM_TRACE_MS");
	uint64_t trace_us = trace ? strtoull(trace, NULL, 0) * 1000 : 0;
	while (W.now < end_us &&
	       !(W.c.closed && W.s.closed && tcp_engine_conns_in_use(W.g.eng) == 0)) {
		W.now += STEP_US;
		if (W.relay) {
			deliver(&W.lan_up, &W.g, 0);
			deliver(&W.wan_up, &W.s, -1);
			deliver(&W.wan_down, &W.g, 1);
			deliver(&W.lan_down, &W.c, -1);
		} else {
			deliver(&W.wan_up, &W.s, -1);
			deliver(&W.wan_down, &W.c, -1);
		}
		tcp_engine_advance(W.c.eng, W.now);
		tcp_engine_advance(W.g.eng, W.now);
		tcp_engine_advance(W.s.eng, W.now);
		if (trace_us && W.now % trace_us == 0)
			trace_sender();
		if (W.server_bps > 0 && W.unconsumed > 0 && W.s.conn != NULL) {
			credit += W.server_bps / 8 * STEP_US / 1e6;
			uint32_t n =
			        credit >= W.unconsumed ? (uint32_t)W.unconsumed : (uint32_t)credit;
			if (n > 0) {
				credit -= n;
				W.unconsumed -= n;
				tcp_conn_recv_consumed(W.s.conn, n, W.now);
			}
		} else {
			credit = 0;
		}
	}
	double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	double secs = (W.done_us ? W.done_us : W.now) / 1e6;
	uint64_t rexmt = tcp_engine_counter(W.c.eng, TCP_CNT_retransmits) +
	                 tcp_engine_counter(W.g.eng, TCP_CNT_retransmits);
	if (getenv("SIM_VERBOSE"))
		printf("retransmits: client %llu gateway %llu server %llu\n",
		       (unsigned long long)tcp_engine_counter(W.c.eng, TCP_CNT_retransmits),
		       (unsigned long long)tcp_engine_counter(W.g.eng, TCP_CNT_retransmits),
		       (unsigned long long)tcp_engine_counter(W.s.eng, TCP_CNT_retransmits));
	if (getenv("SIM_VERBOSE"))
		printf("server: ooo_dropped %llu out_of_window %llu\n",
		       (unsigned long long)tcp_engine_counter(W.s.eng, TCP_CNT_ooo_dropped),
		       (unsigned long long)tcp_engine_counter(W.s.eng, TCP_CNT_out_of_window));
	if (getenv("SIM_VERBOSE"))
		printf("client: rto_expired %llu fast_retransmits %llu\n",
		       (unsigned long long)tcp_engine_counter(W.c.eng, TCP_CNT_rto_expired),
		       (unsigned long long)tcp_engine_counter(W.c.eng, TCP_CNT_fast_retransmits));
	printf("%s bytes %llu/%llu transfer_s %.1f goodput_mbps %.3f retransmits %llu "
	       "wan_loss_drops %llu wan_queue_drops %llu gw_max_buffered %u cpu_s %.2f\n",
	       W.relay ? "relay" : "direct", (unsigned long long)W.recv_bytes,
	       (unsigned long long)W.total, secs, W.recv_bytes * 8 / secs / 1e6,
	       (unsigned long long)rexmt, (unsigned long long)W.wan_up.dropped_loss,
	       (unsigned long long)W.wan_up.dropped_queue, W.gw_max_buffered, cpu);
	uint32_t gw_conns = tcp_engine_conns_in_use(W.g.eng);
	for (unsigned int k = 0; W.rel != NULL && k < 2; k++) {
		struct tcp_conn *lc = tcp_relay_leg(W.rel, k);
		if (lc != NULL) {
			struct tcp_conn_info ci;
			tcp_conn_get_info(lc, &ci);
			fprintf(stderr, "gateway leg %u left in %s (queue %u, unconsumed %u)\n", k,
			        tcp_state_name(ci.state), ci.send_queue_bytes, ci.recv_unconsumed);
		}
	}
	if (W.bad_csum)
		fprintf(stderr, "%llu segments with a bad TCP checksum\n",
		        (unsigned long long)W.bad_csum);
	int ok = W.bad_csum == 0 && W.recv_bytes == W.total && !W.corrupt && W.c.closed &&
	         W.s.closed && !W.c.reset && !W.s.reset && gw_conns == 0;
	if (W.relay) {
		/* The gateway holds at most proxy_buffer_high plus what was already in flight
		 * toward it under the last window it offered. */
		uint32_t bound = W.lan_prof.proxy_buffer_high + W.lan_prof.receive_window;
		if (W.gw_max_buffered > bound) {
			fprintf(stderr, "gateway buffered %u > bound %u\n", W.gw_max_buffered,
			        bound);
			ok = 0;
		}
	}
	link_drain(&W.wan_up);
	link_drain(&W.wan_down);
	link_drain(&W.lan_up);
	link_drain(&W.lan_down);
	tcp_engine_free(W.c.eng);
	tcp_engine_free(W.g.eng);
	tcp_engine_free(W.s.eng);
	if (rte_mempool_avail_count(W.pool) != POOL_MBUFS) {
		fprintf(stderr, "mbuf leak: %u in use\n",
		        POOL_MBUFS - rte_mempool_avail_count(W.pool));
		ok = 0;
	}
	if (!ok)
		fprintf(stderr,
		        "FAILED (closed c=%d s=%d reset c=%d s=%d corrupt=%d gw_conns=%u)\n",
		        W.c.closed, W.s.closed, W.c.reset, W.s.reset, W.corrupt, gw_conns);
	return ok ? 0 : 1;
}
