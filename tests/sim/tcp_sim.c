/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_sim: two TCP engines joined by an emulated path on a virtual clock. Engine A opens a
 * connection to engine B and sends N bytes of a position-dependent pattern; B checks every
 * byte as it arrives in order and consumes it at once. The path has a one-way delay, a rate
 * (serialization + drop-tail queue) and random loss, the same for a given seed.
 *
 *   tcp_sim [--bytes N] [--rtt-ms MS] [--rate-mbps R] [--loss P] [--seed S]
 *           [--queue-bytes Q] [--sack 0|1] [--ts 0|1] [--timeout-s T]
 *
 * Exit status 0 when all N bytes arrived intact and both ends closed cleanly. Prints one line
 * of results (virtual seconds, goodput, retransmits, CPU seconds).
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

#define STEP_US	  1000
#define CHUNK	  1400
#define MAX_QUEUE 65536

struct pkt {
	struct rte_mbuf *m;
	uint64_t arrive_us;
};

/* One direction of the path: FIFO of packets in flight, in arrival order. */
struct link {
	struct pkt q[MAX_QUEUE];
	uint32_t head, n;
	uint64_t busy_until_us; /* serialization of the previous packet ends */
	uint64_t queued_bytes;
	uint64_t sent, dropped_loss, dropped_queue;
};

struct side {
	struct tcp_engine *eng;
	struct tcp_conn *conn;
	struct link *out; /* where this side's segments go */
	int closed, reset;
};

static struct {
	uint64_t now;
	uint64_t total, sent_bytes, recv_bytes;
	uint32_t one_way_us;
	double rate_bps;
	double loss;
	uint64_t queue_limit;
	uint64_t rng;
	struct side a, b;
	struct link ab, ba;
	struct tcp_profile prof;
	struct rte_mempool *pool;
	int shut;
	int corrupt;
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

static void link_send(struct link *l, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	l->sent++;
	if (rnd01() < W.loss) {
		l->dropped_loss++;
		rte_pktmbuf_free(m);
		return;
	}
	if (l->queued_bytes + len > W.queue_limit || l->n == MAX_QUEUE) {
		l->dropped_queue++;
		rte_pktmbuf_free(m);
		return;
	}
	uint64_t start = l->busy_until_us > W.now ? l->busy_until_us : W.now;
	uint64_t ser = (uint64_t)((double)len * 8.0 * 1e6 / W.rate_bps);
	l->busy_until_us = start + ser;
	struct pkt *p = &l->q[(l->head + l->n) % MAX_QUEUE];
	p->m = m;
	p->arrive_us = start + ser + W.one_way_us;
	l->n++;
	l->queued_bytes += len;
}

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct side *s = arg;
	link_send(s->out, m);
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
	tcp_conn_recv_consumed(c, n, W.now);
}

static void fill(struct side *s);

static void on_event(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	struct side *s = arg;
	switch (ev) {
	case TCP_EV_ESTABLISHED:
	case TCP_EV_SENT_ACKED:
		if (s == &W.a)
			fill(s);
		break;
	case TCP_EV_PEER_FIN:
		/* B answers A's FIN with its own: a clean close both ways. */
		if (s == &W.b)
			tcp_conn_shutdown(c, W.now);
		break;
	case TCP_EV_RESET:
		s->reset = 1;
		break;
	case TCP_EV_CLOSED:
		s->closed = 1;
		s->conn = NULL;
		break;
	}
}

/* Keep A's send buffer full of the pattern, then half-close. */
static void fill(struct side *s)
{
	if (s->conn == NULL || W.shut)
		return;
	while (W.sent_bytes < W.total && tcp_conn_send_space(s->conn) >= CHUNK) {
		uint32_t len = W.total - W.sent_bytes < CHUNK ? (uint32_t)(W.total - W.sent_bytes)
							      : CHUNK;
		struct rte_mbuf *m = rte_pktmbuf_alloc(W.pool);
		if (m == NULL)
			return;
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
		for (uint32_t i = 0; i < len; i++)
			p[i] = pattern(W.sent_bytes + i);
		W.sent_bytes += len;
		if (tcp_conn_send(s->conn, m, W.now) != 0) {
			rte_pktmbuf_free(m);
			W.sent_bytes -= len;
			return;
		}
	}
	if (W.sent_bytes == W.total && !W.shut) {
		W.shut = 1;
		tcp_conn_shutdown(s->conn, W.now);
	}
}

static void deliver(struct link *l, struct side *to)
{
	while (l->n > 0 && l->q[l->head].arrive_us <= W.now) {
		struct rte_mbuf *m = l->q[l->head].m;
		l->queued_bytes -= rte_pktmbuf_pkt_len(m);
		l->head = (l->head + 1) % MAX_QUEUE;
		l->n--;
		if (to->conn == NULL) {
			if (to == &W.b && !to->closed) {
				to->conn = tcp_conn_listen(to->eng, &W.prof, m, false, W.now);
				if (to->conn != NULL)
					continue;
			}
			rte_pktmbuf_free(m);
			continue;
		}
		tcp_conn_input(to->conn, m, W.now);
	}
}

static struct tcp_engine *make_engine(const char *name, struct side *s, uint8_t key)
{
	struct tcp_engine_params ep = {
		.max_conns = 2,
		.hdr_pool = W.pool,
		.mtu = 1500,
		.timer_tick_us = 1000,
		.isn_secret = {key, 1, 2, 3},
		.deterministic = true,
		.tx = on_tx,
		.recv = on_recv,
		.event = on_event,
		.cb_arg = s,
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
	double rtt_ms = 600, rate_mbps = 10, loss = 0.01, timeout_s = 36000;
	uint64_t seed = 1, queue = 0;
	int sack = 1, ts = 1;
	static const struct option lo[] = {
		{"bytes", required_argument, NULL, 'n'}, {"rtt-ms", required_argument, NULL, 'r'},
		{"rate-mbps", required_argument, NULL, 'b'}, {"loss", required_argument, NULL, 'l'},
		{"seed", required_argument, NULL, 's'}, {"queue-bytes", required_argument, NULL, 'q'},
		{"sack", required_argument, NULL, 'k'}, {"ts", required_argument, NULL, 't'},
		{"timeout-s", required_argument, NULL, 'T'}, {NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'n': bytes = strtoull(optarg, NULL, 0); break;
		case 'r': rtt_ms = atof(optarg); break;
		case 'b': rate_mbps = atof(optarg); break;
		case 'l': loss = atof(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'q': queue = strtoull(optarg, NULL, 0); break;
		case 'k': sack = atoi(optarg); break;
		case 't': ts = atoi(optarg); break;
		case 'T': timeout_s = atof(optarg); break;
		default: return 2;
		}
	}
	if (test_eal_init() != 0) {
		fprintf(stderr, "EAL init failed\n");
		return 2;
	}
	W.pool = rte_pktmbuf_pool_create("sim_pool", 32767, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					 SOCKET_ID_ANY);
	if (W.pool == NULL) {
		fprintf(stderr, "pool: %s\n", strerror(rte_errno));
		return 2;
	}
	W.total = bytes;
	W.one_way_us = (uint32_t)(rtt_ms * 500);
	W.rate_bps = rate_mbps * 1e6;
	W.loss = loss;
	W.rng = seed * 0x9e3779b97f4a7c15ull + 1;
	double bdp = W.rate_bps / 8 * rtt_ms / 1000;
	W.queue_limit = queue ? queue : (uint64_t)bdp + 64 * 1500;

	tcp_profile_defaults(&W.prof);
	W.prof.sack = sack;
	W.prof.timestamps = ts;
	/* Windows toward twice the BDP, as a WAN profile would have them. */
	uint32_t buf = (uint32_t)(2 * bdp) + (1u << 20);
	W.prof.send_buffer = buf;
	W.prof.receive_window = buf;
	W.prof.delayed_ack_ms = 40;
	W.prof.idle_timeout_s = 0;
	W.prof.min_rto_ms = 200;
	W.prof.initial_window = 10;

	W.a.out = &W.ab;
	W.b.out = &W.ba;
	W.a.eng = make_engine("sim_a", &W.a, 1);
	W.b.eng = make_engine("sim_b", &W.b, 2);
	struct tcp_tuple t = {.laddr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1)),
			      .raddr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2)),
			      .lport = rte_cpu_to_be_16(40000),
			      .rport = rte_cpu_to_be_16(5001)};
	clock_t c0 = clock();
	W.a.conn = tcp_conn_connect(W.a.eng, &W.prof, &t, W.now);
	if (W.a.conn == NULL) {
		fprintf(stderr, "connect failed\n");
		return 2;
	}
	uint64_t end_us = (uint64_t)(timeout_s * 1e6);
	struct tcp_conn_info ai = {0};
	while (W.now < end_us && !(W.a.closed && W.b.closed)) {
		/* Jump to the next packet arrival when it is further than one step away. */
		uint64_t next = W.now + STEP_US;
		W.now = next;
		deliver(&W.ab, &W.b);
		deliver(&W.ba, &W.a);
		tcp_engine_advance(W.a.eng, W.now);
		tcp_engine_advance(W.b.eng, W.now);
		if (W.a.conn != NULL)
			tcp_conn_get_info(W.a.conn, &ai);
	}
	double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	double secs = W.now / 1e6;
	printf("bytes %llu/%llu virtual_s %.1f goodput_mbps %.3f retransmits %llu "
	       "loss_drops %llu queue_drops %llu srtt_ms %.1f cpu_s %.2f\n",
	       (unsigned long long)W.recv_bytes, (unsigned long long)W.total, secs,
	       W.recv_bytes * 8 / secs / 1e6, (unsigned long long)tcp_engine_counter(W.a.eng,
										 TCP_CNT_retransmits),
	       (unsigned long long)W.ab.dropped_loss, (unsigned long long)W.ab.dropped_queue,
	       ai.srtt_us / 1000.0, cpu);
	int ok = W.recv_bytes == W.total && !W.corrupt && W.a.closed && W.b.closed &&
		 !W.a.reset && !W.b.reset;
	/* Drain what is still on the wire, then every mbuf must be back. */
	for (uint32_t i = 0; i < W.ab.n; i++)
		rte_pktmbuf_free(W.ab.q[(W.ab.head + i) % MAX_QUEUE].m);
	for (uint32_t i = 0; i < W.ba.n; i++)
		rte_pktmbuf_free(W.ba.q[(W.ba.head + i) % MAX_QUEUE].m);
	tcp_engine_free(W.a.eng);
	tcp_engine_free(W.b.eng);
	if (rte_mempool_avail_count(W.pool) != 32767) {
		fprintf(stderr, "mbuf leak: %u in use\n", 32767 - rte_mempool_avail_count(W.pool));
		ok = 0;
	}
	if (!ok)
		fprintf(stderr, "FAILED (closed a=%d b=%d reset a=%d b=%d corrupt=%d)\n",
			W.a.closed, W.b.closed, W.a.reset, W.b.reset, W.corrupt);
	return ok ? 0 : 1;
}
