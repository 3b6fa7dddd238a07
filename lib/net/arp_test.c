/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_arp.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "net.h"
#include "net_arp.h"
#include "test_eal.h"

#define OUR_IP  0x0a000001u
#define PEER_IP 0x0a000009u
#define S       1000000ull /* one second in us */

static const struct rte_ether_addr our_mac = {{0x02, 0, 0, 0, 0, 0x01}};
static const struct rte_ether_addr peer_mac = {{0x02, 0, 0, 0, 0, 0x09}};
static const struct rte_ether_addr other_mac = {{0x02, 0, 0, 0, 0, 0x77}};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static void request_is_built_right(void **state)
{
	struct rte_mbuf *m = net_arp_request(test_mbuf_pool(), &our_mac, OUR_IP, PEER_IP);
	assert_non_null(m);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 60);
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	assert_memory_equal(p, bc, 6);
	assert_memory_equal(p + 6, &our_mac, 6);
	assert_int_equal(rd16(p + 12), 0x0806);
	assert_int_equal(rd16(p + 14), 1);
	assert_int_equal(rd16(p + 16), 0x0800);
	assert_int_equal(p[18], 6);
	assert_int_equal(p[19], 4);
	assert_int_equal(rd16(p + 20), 1);
	assert_memory_equal(p + 22, &our_mac, 6);
	assert_int_equal(rd32(p + 28), OUR_IP);
	static const uint8_t zero[18];
	assert_memory_equal(p + 32, zero, 6);
	assert_int_equal(rd32(p + 38), PEER_IP);
	assert_memory_equal(p + 42, zero, 18); /* padding */
	struct net_hdrs h;
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	assert_int_equal(h.arp_op, RTE_ARP_OP_REQUEST);
	assert_int_equal(h.src, OUR_IP);
	assert_int_equal(h.dst, PEER_IP);
	rte_pktmbuf_free(m);
}

static void reply_in_place(void **state)
{
	/* The peer asks for us; the reply goes back to it. */
	struct rte_mbuf *m = net_arp_request(test_mbuf_pool(), &peer_mac, PEER_IP, OUR_IP);
	assert_non_null(m);
	struct net_hdrs h;
	struct net_arp_pkt a;
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	assert_int_equal(net_arp_parse(rte_pktmbuf_mtod_offset(m, uint8_t *, h.l2_len),
	                               m->data_len - h.l2_len, &a),
	                 0);
	assert_int_equal(net_arp_reply_in_place(m, &h, &a, &our_mac), 0);
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	assert_memory_equal(p, &peer_mac, 6);
	assert_memory_equal(p + 6, &our_mac, 6);
	struct net_arp_pkt r;
	assert_int_equal(net_arp_parse(p + 14, 46, &r), 0);
	assert_int_equal(r.op, RTE_ARP_OP_REPLY);
	assert_memory_equal(&r.sha, &our_mac, 6);
	assert_int_equal(r.spa, OUR_IP);
	assert_memory_equal(&r.tha, &peer_mac, 6);
	assert_int_equal(r.tpa, PEER_IP);
	/* A reply is not answered. */
	assert_int_equal(net_arp_reply_in_place(m, &h, &r, &our_mac), -EINVAL);
	rte_pktmbuf_free(m);
}

static struct net_arp_table *table(const char *name, uint32_t size, uint16_t qlen)
{
	struct net_arp_params p = {.size = size,
	                           .lifetime_us = 10 * S,
	                           .retry_us = S,
	                           .max_retries = 3,
	                           .queue_len = qlen,
	                           .socket_id = SOCKET_ID_ANY};
	struct net_arp_table *t = net_arp_create(name, &p);
	assert_non_null(t);
	return t;
}

static struct rte_mbuf *pkt(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	assert_non_null(m);
	return m;
}

static void miss_queue_learn(void **state)
{
	struct net_arp_table *t = table("arp_mql", 8, 2);
	struct rte_ether_addr mac;
	struct net_arp_miss miss;
	struct rte_mbuf *m1 = pkt(), *m2 = pkt(), *m3 = pkt();
	struct rte_mbuf *held[2];
	unsigned int n;

	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, m1, 0, &mac, &miss), NET_ARP_HELD);
	assert_true(miss.send_request);
	assert_null(miss.dropped);
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, m2, 10, &mac, &miss), NET_ARP_HELD);
	assert_false(miss.send_request); /* one request per retry interval */
	assert_null(miss.dropped);
	/* Queue full: the oldest goes. */
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, m3, 20, &mac, &miss), NET_ARP_HELD);
	assert_ptr_equal(miss.dropped, m1);
	rte_pktmbuf_free(m1);

	assert_int_equal(net_arp_count(t), 1);
	/* The reply to our request (flags 0: the entry exists). */
	assert_int_equal(net_arp_learn(t, 0, PEER_IP, &peer_mac, S / 2, 0, held, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_ptr_equal(held[0], m2); /* in arrival order */
	assert_ptr_equal(held[1], m3);
	rte_pktmbuf_free(m2);
	rte_pktmbuf_free(m3);

	struct rte_mbuf *m4 = pkt();
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, m4, S, &mac, &miss), NET_ARP_HIT);
	assert_memory_equal(&mac, &peer_mac, 6);
	assert_false(miss.send_request);
	/* Another port is another neighbour. */
	assert_int_equal(net_arp_resolve(t, 1, PEER_IP, m4, S, &mac, &miss), NET_ARP_HELD);
	assert_true(miss.send_request);
	assert_int_equal(net_arp_count(t), 2);
	/* Learning a second time re-targets the entry. */
	assert_int_equal(net_arp_learn(t, 0, PEER_IP, &other_mac, S, 0, held, 2, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, NULL, S, &mac, &miss), NET_ARP_HIT);
	assert_memory_equal(&mac, &other_mac, 6);
	/* Bad inputs. */
	static const struct rte_ether_addr mc = {{0x01, 0, 0x5e, 0, 0, 1}};
	static const struct rte_ether_addr zero;
	assert_int_equal(net_arp_learn(t, 0, PEER_IP, &mc, S, 0, held, 2, &n), -EINVAL);
	assert_int_equal(net_arp_learn(t, 0, PEER_IP, &zero, S, 0, held, 2, &n), -EINVAL);
	assert_int_equal(net_arp_learn(t, 0, PEER_IP, &peer_mac, S, 0, held, 1, &n), -EINVAL);
	net_arp_free(t); /* frees m4, still held for port 1 */
}

static void no_packet_or_no_queue(void **state)
{
	struct net_arp_table *t = table("arp_nq", 8, 0);
	struct rte_ether_addr mac;
	struct net_arp_miss miss;
	struct rte_mbuf *m = pkt();
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, m, 0, &mac, &miss), -ENOENT);
	assert_true(miss.send_request);
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, NULL, 1, &mac, &miss), -ENOENT);
	assert_false(miss.send_request);
	rte_pktmbuf_free(m);
	net_arp_free(t);
}

static void retries_then_give_up(void **state)
{
	struct net_arp_table *t = table("arp_retry", 8, 4);
	struct rte_ether_addr mac;
	struct net_arp_miss miss;
	struct net_arp_req req[4];
	struct rte_mbuf *drop[4];
	struct rte_mbuf *m1 = pkt(), *m2 = pkt();
	unsigned int nr, nd;

	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, m1, 0, &mac, &miss), NET_ARP_HELD);
	assert_true(miss.send_request); /* request 1 */
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, m2, 1, &mac, &miss), NET_ARP_HELD);

	nr = 4, nd = 4;
	assert_int_equal(net_arp_tick(t, S - 1, req, &nr, drop, &nd), 0);
	assert_int_equal(nr, 0);
	assert_int_equal(nd, 0);
	nr = 4, nd = 4;
	assert_int_equal(net_arp_tick(t, S, req, &nr, drop, &nd), 0);
	assert_int_equal(nr, 1); /* request 2 */
	assert_int_equal(req[0].port, 0);
	assert_int_equal(req[0].ip, PEER_IP);
	assert_int_equal(nd, 0);
	nr = 4, nd = 4;
	assert_int_equal(net_arp_tick(t, 2 * S, req, &nr, drop, &nd), 0);
	assert_int_equal(nr, 1); /* request 3 */
	nr = 4, nd = 4;
	assert_int_equal(net_arp_tick(t, 3 * S - 1, req, &nr, drop, &nd), 0);
	assert_int_equal(nr + nd, 0);
	/* Three requests unanswered: give up, release the held packets as drops. */
	nr = 4, nd = 4;
	assert_int_equal(net_arp_tick(t, 3 * S, req, &nr, drop, &nd), 0);
	assert_int_equal(nr, 0);
	assert_int_equal(nd, 2);
	assert_ptr_equal(drop[0], m1);
	assert_ptr_equal(drop[1], m2);
	rte_pktmbuf_free_bulk(drop, nd);
	assert_int_equal(net_arp_count(t), 0);
	/* The next packet starts over. */
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, NULL, 4 * S, &mac, &miss), -ENOENT);
	assert_true(miss.send_request);
	net_arp_free(t);
}

static void tick_outputs_are_bounded(void **state)
{
	struct net_arp_table *t = table("arp_bound", 8, 2);
	struct rte_ether_addr mac;
	struct net_arp_miss miss;
	struct net_arp_req req[1];
	struct rte_mbuf *drop[2];
	unsigned int nr, nd;
	for (uint32_t i = 0; i < 3; i++)
		net_arp_resolve(t, 0, PEER_IP + i, NULL, 0, &mac, &miss);
	uint32_t seen = 0;
	for (int call = 0; call < 3; call++) {
		nr = 1, nd = 2;
		net_arp_tick(t, S, req, &nr, drop, &nd);
		assert_int_equal(nr, 1);
		seen |= 1u << (req[0].ip - PEER_IP);
	}
	assert_int_equal(seen, 7); /* each next hop got its retry, one per call */
	nr = 1, nd = 2;
	net_arp_tick(t, S, req, &nr, drop, &nd);
	assert_int_equal(nr, 0);

	net_arp_free(t);

	/* Give-up needs room for all held packets, else it waits. */
	t = table("arp_bound2", 8, 2);
	struct rte_mbuf *m1 = pkt(), *m2 = pkt();
	assert_int_equal(net_arp_resolve(t, 1, PEER_IP, m1, 0, &mac, &miss), NET_ARP_HELD);
	assert_int_equal(net_arp_resolve(t, 1, PEER_IP, m2, 0, &mac, &miss), NET_ARP_HELD);
	for (uint64_t s = 1; s <= 2; s++) {
		nr = 1, nd = 2;
		net_arp_tick(t, s * S, req, &nr, drop, &nd);
		assert_int_equal(nr, 1);
	}
	nr = 1, nd = 1;
	net_arp_tick(t, 3 * S, req, &nr, drop, &nd);
	assert_int_equal(nd, 0);
	assert_int_equal(net_arp_count(t), 1);
	nr = 1, nd = 2;
	net_arp_tick(t, 3 * S, req, &nr, drop, &nd);
	assert_int_equal(nd, 2);
	assert_int_equal(net_arp_count(t), 0);
	rte_pktmbuf_free_bulk(drop, nd);
	net_arp_free(t);
}

static void aging(void **state)
{
	struct net_arp_table *t = table("arp_age", 8, 2);
	struct rte_ether_addr mac;
	struct net_arp_miss miss;
	struct net_arp_req req[4];
	struct rte_mbuf *drop[4], *held[2];
	unsigned int nr, nd, n;
	assert_int_equal(
	        net_arp_learn(t, 0, PEER_IP, &peer_mac, S, NET_ARP_LEARN_CREATE, held, 2, &n), 0);
	nr = 4, nd = 4;
	net_arp_tick(t, 11 * S - 1, req, &nr, drop, &nd);
	assert_int_equal(net_arp_count(t), 1);
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, NULL, 11 * S - 1, &mac, &miss),
	                 NET_ARP_HIT);
	/* Expired: a lookup before the tick already misses and asks again. */
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, NULL, 11 * S, &mac, &miss), -ENOENT);
	assert_true(miss.send_request);
	/* Refreshed by learning, then reaped by the tick. */
	net_arp_learn(t, 0, PEER_IP, &peer_mac, 12 * S, 0, held, 2, &n);
	nr = 4, nd = 4;
	net_arp_tick(t, 22 * S, req, &nr, drop, &nd);
	assert_int_equal(net_arp_count(t), 0);
	assert_int_equal(nr, 0);
	net_arp_free(t);
}

/* Many next hops (more than any lookup cache has slots): every one resolves to its own MAC,
 * in any order, again and again. */
static void many_next_hops_resolve_to_their_own_mac(void **state)
{
	enum { N = 1000 };
	struct net_arp_table *t = table("arp_many", 2 * N, 2);
	struct rte_mbuf *held[2];
	struct net_arp_miss miss;
	unsigned int n;
	for (uint32_t i = 0; i < N; i++) {
		struct rte_ether_addr mac = {{0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};
		assert_int_equal(net_arp_learn(t, (uint16_t)(i & 1), 0x0a000000u + i, &mac, S,
		                               NET_ARP_LEARN_CREATE, held, 2, &n),
		                 0);
	}
	for (int round = 0; round < 3; round++)
		for (uint32_t k = 0; k < N; k++) {
			uint32_t i = round == 1 ? N - 1 - k : (k * 7919) % N;
			struct rte_ether_addr mac;
			assert_int_equal(net_arp_resolve(t, (uint16_t)(i & 1), 0x0a000000u + i,
			                                 NULL, 2 * S, &mac, &miss),
			                 NET_ARP_HIT);
			assert_int_equal(mac.addr_bytes[4], (uint8_t)(i >> 8));
			assert_int_equal(mac.addr_bytes[5], (uint8_t)i);
		}
	/* The same address on the other port is another next hop: not known. */
	struct rte_ether_addr mac;
	assert_int_equal(net_arp_resolve(t, 1, 0x0a000000u, NULL, 2 * S, &mac, &miss), -ENOENT);
	net_arp_free(t);
}

static void static_and_gratuitous(void **state)
{
	struct net_arp_table *t = table("arp_static", 8, 2);
	struct rte_ether_addr mac;
	struct net_arp_miss miss;
	struct net_arp_req req[4];
	struct rte_mbuf *drop[4], *held[2];
	unsigned int nr, nd, n;

	/* A static entry releases what waited for it. */
	struct rte_mbuf *m = pkt();
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, m, 0, &mac, &miss), NET_ARP_HELD);
	assert_int_equal(net_arp_add_static(t, 0, PEER_IP, &peer_mac, held, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_ptr_equal(held[0], m);
	rte_pktmbuf_free(m);
	/* Learning never overrides it, aging never removes it. */
	assert_int_equal(
	        net_arp_learn(t, 0, PEER_IP, &other_mac, 1, NET_ARP_LEARN_CREATE, held, 2, &n),
	        -EPERM);
	nr = 4, nd = 4;
	net_arp_tick(t, 1000 * S, req, &nr, drop, &nd);
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP, NULL, 1000 * S, &mac, &miss), NET_ARP_HIT);
	assert_memory_equal(&mac, &peer_mac, 6);

	/* Gratuitous ARP from an unknown host: no entry is created (flags 0). */
	assert_int_equal(net_arp_learn(t, 0, 0x0a000063, &other_mac, 5, 0, held, 2, &n), -ENOENT);
	assert_int_equal(net_arp_count(t), 1);
	/* ...but an existing dynamic entry is updated. */
	net_arp_learn(t, 0, 0x0a000064, &peer_mac, 5, NET_ARP_LEARN_CREATE, held, 2, &n);
	assert_int_equal(net_arp_learn(t, 0, 0x0a000064, &other_mac, 6, 0, held, 2, &n), 0);
	assert_int_equal(net_arp_resolve(t, 0, 0x0a000064, NULL, 7, &mac, &miss), NET_ARP_HIT);
	assert_memory_equal(&mac, &other_mac, 6);
	net_arp_free(t);
}

static void table_full(void **state)
{
	struct net_arp_table *t = table("arp_full", 3, 1);
	struct rte_ether_addr mac;
	struct net_arp_miss miss;
	struct rte_mbuf *held[1];
	unsigned int n;
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(net_arp_resolve(t, 0, PEER_IP + i, NULL, 0, &mac, &miss), -ENOENT);
	struct rte_mbuf *m = pkt();
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP + 3, m, 0, &mac, &miss), -ENOSPC);
	assert_false(miss.send_request);
	assert_int_equal(
	        net_arp_learn(t, 0, PEER_IP + 3, &peer_mac, 0, NET_ARP_LEARN_CREATE, held, 1, &n),
	        -ENOSPC);
	assert_int_equal(net_arp_add_static(t, 0, PEER_IP + 3, &peer_mac, held, 1, &n), -ENOSPC);
	/* Existing ones still work. */
	assert_int_equal(net_arp_learn(t, 0, PEER_IP, &peer_mac, 0, 0, held, 1, &n), 0);
	rte_pktmbuf_free(m);
	net_arp_free(t);
}

static void free_returns_every_mbuf(void **state)
{
	struct rte_mempool *mp = test_mbuf_pool();
	unsigned int before = rte_mempool_avail_count(mp);
	struct net_arp_table *t = table("arp_leak", 16, 3);
	struct rte_ether_addr mac;
	struct net_arp_miss miss;
	for (uint32_t i = 0; i < 40; i++) {
		int rc = net_arp_resolve(t, 0, PEER_IP + i % 5, pkt(), i, &mac, &miss);
		assert_int_equal(rc, NET_ARP_HELD);
		if (miss.dropped)
			rte_pktmbuf_free(miss.dropped);
	}
	assert_int_equal(rte_mempool_avail_count(mp), before - 15);
	net_arp_free(t);
	assert_int_equal(rte_mempool_avail_count(mp), before);
	assert_null(net_arp_create("arp_bad", &(struct net_arp_params){.size = 0, .retry_us = 1}));
	assert_int_equal(rte_errno, EINVAL);
}

/* The read-only lookup behind the data path's next-hop cache, and the generation it keys on. */
static void lookup_and_generation(void **state)
{
	struct net_arp_table *t = table("arp_lookup", 8, 2);
	struct rte_ether_addr mac;
	struct rte_mbuf *held[2];
	struct net_arp_req req[4];
	struct rte_mbuf *drop[4];
	uint64_t until = 0;
	unsigned int n, nr, nd;
	uint32_t g0 = net_arp_generation(t);
	/* Unknown: a miss that creates nothing. */
	assert_int_equal(net_arp_lookup(t, 0, PEER_IP, 0, &mac, &until), -ENOENT);
	assert_int_equal(net_arp_count(t), 0);
	assert_int_equal(net_arp_generation(t), g0);
	/* Learned: hit until the entry's expiry, which is reported. */
	assert_int_equal(
	        net_arp_learn(t, 0, PEER_IP, &peer_mac, S, NET_ARP_LEARN_CREATE, held, 2, &n), 0);
	uint32_t g1 = net_arp_generation(t);
	assert_int_not_equal(g1, g0);
	assert_int_equal(net_arp_lookup(t, 0, PEER_IP, 2 * S, &mac, &until), 0);
	assert_memory_equal(&mac, &peer_mac, sizeof(mac));
	assert_int_equal(until, 11 * S);
	assert_int_equal(net_arp_lookup(t, 1, PEER_IP, 2 * S, &mac, &until), -ENOENT);
	assert_int_equal(net_arp_lookup(t, 0, PEER_IP, 11 * S, &mac, &until), -ENOENT);
	/* A new MAC changes the generation (a cached copy of the old one is stale). */
	assert_int_equal(net_arp_learn(t, 0, PEER_IP, &other_mac, 3 * S, 0, held, 2, &n), 0);
	assert_int_not_equal(net_arp_generation(t), g1);
	assert_int_equal(net_arp_lookup(t, 0, PEER_IP, 4 * S, &mac, &until), 0);
	assert_memory_equal(&mac, &other_mac, sizeof(mac));
	/* An unresolved next hop is not a hit. */
	struct net_arp_miss miss;
	assert_int_equal(net_arp_resolve(t, 0, PEER_IP + 1, NULL, 4 * S, &mac, &miss), -ENOENT);
	assert_int_equal(net_arp_lookup(t, 0, PEER_IP + 1, 4 * S, &mac, &until), -ENOENT);
	/* Removal by the tick changes the generation. */
	uint32_t g2 = net_arp_generation(t);
	nr = 4, nd = 4;
	net_arp_tick(t, 14 * S, req, &nr, drop, &nd);
	assert_int_not_equal(net_arp_generation(t), g2);
	assert_int_equal(net_arp_lookup(t, 0, PEER_IP, 14 * S, &mac, &until), -ENOENT);
	/* Static: never expires. */
	uint32_t g3 = net_arp_generation(t);
	assert_int_equal(net_arp_add_static(t, 1, PEER_IP, &peer_mac, held, 2, &n), 0);
	assert_int_not_equal(net_arp_generation(t), g3);
	assert_int_equal(net_arp_lookup(t, 1, PEER_IP, 1000 * S, &mac, &until), 0);
	assert_true(until == UINT64_MAX);
	net_arp_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(request_is_built_right),
	        cmocka_unit_test(reply_in_place),
	        cmocka_unit_test(miss_queue_learn),
	        cmocka_unit_test(no_packet_or_no_queue),
	        cmocka_unit_test(retries_then_give_up),
	        cmocka_unit_test(tick_outputs_are_bounded),
	        cmocka_unit_test(aging),
	        cmocka_unit_test(many_next_hops_resolve_to_their_own_mac),
	        cmocka_unit_test(static_and_gratuitous),
	        cmocka_unit_test(table_full),
	        cmocka_unit_test(free_returns_every_mbuf),
	        cmocka_unit_test(lookup_and_generation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
