/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for segment input: a connection (or, with bit 4 of the first byte, a relay
 * whose server side accepts) is opened from a valid SYN, then every
 * 24-byte record of the input becomes one segment (flags, sequence and ACK near the live
 * values or anywhere, window, options and payload sizes, a time step) fed to it, with the
 * application sending and consuming in between. Nothing may crash, and when the engine is
 * freed every mbuf must be back in the pool.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tcp.h"
#include "test_eal.h"

#define REC 24

static struct rte_mempool *pool;
static struct tcp_conn *conn; /* single-leg mode */
static struct tcp_relay *rel; /* relay mode: both legs fuzzed */
static uint32_t peer_seq[2], last_ack[2];

static struct tcp_conn *leg(unsigned int side)
{
	if (rel != NULL)
		return tcp_relay_leg(rel, side);
	return side == 0 ? conn : NULL;
}

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(ip + 1);
	if (ip->version_ihl != RTE_IPV4_VHL_DEF ||
	    rte_be_to_cpu_16(ip->total_length) != rte_pktmbuf_pkt_len(m))
		abort();
	/* Track what we would ACK, so that fuzzed ACKs can land near it. */
	unsigned int side = 0;
	if (tcp_conn_relay(c, &side) == NULL)
		side = 0;
	last_ack[side & 1] = rte_be_to_cpu_32(th->sent_seq);
	rte_pktmbuf_free(m);
}

static void on_recv(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	uint32_t n = rte_pktmbuf_pkt_len(m);
	rte_pktmbuf_free(m);
	tcp_conn_recv_consumed(c, n / 2, 0);
}

static void on_event(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	if (ev != TCP_EV_CLOSED)
		return;
	unsigned int side;
	if (rel != NULL && tcp_conn_relay(c, &side) == rel && tcp_relay_leg(rel, 1 - side) == NULL)
		rel = NULL; /* both legs gone: the relay is freed */
	if (c == conn)
		conn = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (test_eal_init() != 0)
		abort();
	pool = rte_pktmbuf_pool_create("fuzz_pool", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                               SOCKET_ID_ANY);
	if (pool == NULL)
		abort();
	return 0;
}

static struct rte_mbuf *segment(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
                                const uint8_t *opts, size_t olen, uint16_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	size_t ol = (olen + 3) & ~(size_t)3;
	size_t hlen = 20 + 20 + ol;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hlen + plen));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, hlen + plen);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hlen + plen));
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000002);
	ip->dst_addr = rte_cpu_to_be_32(0x0a000001);
	th->src_port = rte_cpu_to_be_16(1234);
	th->dst_port = rte_cpu_to_be_16(80);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((20 + ol) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(win);
	if (olen > 0)
		memcpy(th + 1, opts, olen);
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_profile prof;
	tcp_profile_defaults(&prof);
	prof.send_buffer = 64 * 1024;
	prof.receive_window = 32 * 1024;
	if (size > 0) {
		prof.sack = data[0] & 1;
		prof.timestamps = data[0] & 2;
		prof.window_scale = data[0] & 4;
		prof.delayed_ack_ms = (data[0] & 8) ? 0 : 40;
	}
	bool relay = size > 0 && (data[0] & 16);
	/* The legs' paths: the server's leg may be narrower, as behind a tunnel. */
	struct tcp_leg_params legs[2] = {{.profile = &prof, .mtu = 1500},
	                                 {.profile = &prof, .mtu = 1500}};
	if (size > 0 && (data[0] & 64))
		legs[1].mtu = 576;
	if (size > 0 && (data[0] & 128))
		legs[0].mss = 536;
	struct tcp_engine_params ep = {
	        .max_conns = relay ? 2 : 1,
	        .hdr_pool = pool,
	        .isn_secret = {9},
	        .deterministic = true,
	        .tx = on_tx,
	        .recv = on_recv,
	        .event = on_event,
	};
	unsigned int avail0 = rte_mempool_avail_count(pool);
	struct tcp_engine *e = tcp_engine_create("fuzz", &ep);
	if (e == NULL)
		abort();
	uint64_t now = 1000;
	rel = NULL;
	conn = NULL;
	peer_seq[0] = 5000;
	peer_seq[1] = 90000;
	const uint8_t synopts[] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
	struct rte_mbuf *syn =
	        segment(RTE_TCP_SYN_FLAG, peer_seq[0], 0, 65535, synopts, sizeof(synopts), 0);
	if (relay) {
		rel = tcp_relay_open(e, &legs[0], &legs[1], syn, data[0] & 32, now);
		if (rel == NULL)
			abort();
		/* The server accepts. */
		struct rte_mbuf *sa = segment(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, peer_seq[1],
		                              last_ack[1] + 1, 65535, synopts, sizeof(synopts), 0);
		peer_seq[1]++;
		tcp_conn_input(leg(1), sa, now);
	} else {
		conn = tcp_conn_listen(e, &legs[0], syn, false, now);
		if (conn == NULL)
			abort();
	}
	peer_seq[0]++;
	if (leg(0) != NULL) {
		struct rte_mbuf *ack =
		        segment(RTE_TCP_ACK_FLAG, peer_seq[0], last_ack[0] + 1, 65535, NULL, 0, 0);
		tcp_conn_input(leg(0), ack, now);
	}

	for (size_t off = 1; off + REC <= size && (leg(0) != NULL || leg(1) != NULL); off += REC) {
		const uint8_t *r = data + off;
		uint8_t flags = r[0] & 0x3f;
		unsigned int side = relay ? (r[5] >> 3) & 1 : 0;
		struct tcp_conn *c = leg(side);
		if (c == NULL) {
			side = 1 - side;
			c = leg(side);
		}
		int32_t dseq = (int16_t)(r[1] | r[2] << 8);
		int32_t dack = (int16_t)(r[3] | r[4] << 8);
		uint32_t seq = (r[5] & 0x80) ? ((uint32_t)r[6] << 24 | (uint32_t)r[7] << 16)
		                             : peer_seq[side] + dseq;
		uint32_t a = (r[5] & 0x40) ? ((uint32_t)r[8] << 24 | (uint32_t)r[9] << 16)
		                           : last_ack[side] + dack;
		uint16_t win = (uint16_t)(r[10] | r[11] << 8);
		size_t olen = r[12] % 41;
		uint16_t plen = (uint16_t)((r[13] | r[14] << 8) % 1461);
		uint8_t opts[40];
		for (size_t i = 0; i < olen; i++)
			opts[i] = r[15 + (i % 9)] ^ (uint8_t)i;
		if (r[5] & 0x20) {
			/* A well-formed timestamp or SACK option instead of noise. */
			const uint8_t ts[] = {1, 1, 8, 10, r[15], r[16], r[17], r[18], 0, 0, 0, 0};
			const uint8_t sk[] = {1,     1,     5,     10,    r[15], r[16],
			                      r[17], r[18], r[19], r[20], r[21], r[22]};
			memcpy(opts, (r[5] & 0x10) ? sk : ts, 12);
			olen = 12;
		}
		struct rte_mbuf *m = segment(flags, seq, a, win, opts, olen, plen);
		if (m == NULL)
			break;
		tcp_conn_input(c, m, now);
		c = leg(side);
		if (c != NULL && (r[23] & 3) == 0 && !relay) {
			struct rte_mbuf *d = rte_pktmbuf_alloc(pool);
			if (d != NULL) {
				rte_pktmbuf_append(d, (uint16_t)(1 + r[23] * 5));
				if (tcp_conn_send(c, d, now) != 0)
					rte_pktmbuf_free(d);
			}
		}
		if (c != NULL && (r[23] & 0xf0) == 0xf0)
			tcp_conn_shutdown(c, now);
		if ((r[0] & 0xc0) == 0xc0)
			peer_seq[side] += plen;
		now += (uint64_t)(r[22] & 0x1f) * 50000;
		tcp_engine_advance(e, now);
	}
	tcp_engine_free(e);
	if (rte_mempool_avail_count(pool) != avail0)
		abort();
	return 0;
}
