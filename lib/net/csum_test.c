/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "net.h"
#include "net_csum.h"
#include "test_eal.h"
#include "net_test_pkt.h"

#define IP 14
#define L4 34

/* Deterministic xorshift so failures reproduce. */
static uint32_t rnd_state = 2463534242u;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* RFC 1071 by the book: big-endian 16-bit words, odd byte padded, end-around carry. */
static uint16_t ref_sum_be(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The wire view of a big-endian value: what a uint16_t load of its bytes gives. */
static uint16_t wire(uint16_t be_value)
{
	return rte_cpu_to_be_16(be_value);
}

static void partial_matches_rfc1071(void **state)
{
	/* RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	static const uint8_t ex[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(net_csum_partial(ex, sizeof(ex), 0), wire(0xddf2));

	uint8_t b[301];
	for (int iter = 0; iter < 2000; iter++) {
		size_t len = rnd() % sizeof(b);
		for (size_t i = 0; i < len; i++)
			b[i] = (uint8_t)rnd();
		if (iter % 7 == 0)
			memset(b, 0xff, len);
		assert_int_equal(net_csum_partial(b, len, 0), wire(ref_sum_be(b, len)));
		/* Chaining: an even first chunk then the rest gives the same sum. */
		size_t cut = (rnd() % (len + 1)) & ~(size_t)1;
		uint32_t s = net_csum_partial(b, cut, 0);
		assert_int_equal(net_csum_partial(b + cut, len - cut, s), wire(ref_sum_be(b, len)));
	}
}

static void ipv4_header_checksum(void **state)
{
	/* A well-known header: 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7. */
	uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	                   0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)hdr;
	assert_true(net_csum_ipv4_hdr_ok(hdr, 20));
	assert_int_equal(net_csum_ipv4_hdr(ip), wire(0xb861)); /* stored field ignored */
	hdr[10] = 0x12;
	assert_false(net_csum_ipv4_hdr_ok(hdr, 20));
	assert_int_equal(net_csum_ipv4_hdr(ip), wire(0xb861));
	net_csum_ipv4_set(ip);
	assert_int_equal(hdr[10], 0xb8);
	assert_int_equal(hdr[11], 0x61);
	/* Agrees with DPDK's own. */
	ip->hdr_checksum = 0;
	assert_int_equal(net_csum_ipv4_hdr(ip), rte_ipv4_cksum(ip));
}

static uint16_t full_csum(const uint8_t *b, size_t len)
{
	return (uint16_t)~net_csum_partial(b, len, 0);
}

static void incremental_equals_full_recompute(void **state)
{
	uint8_t b[40];
	for (int iter = 0; iter < 100000; iter++) {
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (uint8_t)rnd();
		if (iter % 5 == 0)
			memset(b + 2, iter % 10 == 0 ? 0 : 0xff, sizeof(b) - 2);
		/* A non-zero word as in any IP header (version): the data never sums to +0. */
		b[0] = 0x45;
		uint16_t hc = full_csum(b, sizeof(b));
		size_t w = 2 + 2 * (rnd() % (sizeof(b) / 2 - 1));
		uint16_t old_v, new_v = (uint16_t)rnd();
		if (iter % 3 == 0)
			new_v = iter % 6 ? 0xffff : 0;
		memcpy(&old_v, b + w, 2);
		memcpy(b + w, &new_v, 2);
		assert_int_equal(net_csum_update16(hc, old_v, new_v), full_csum(b, sizeof(b)));

		/* 32-bit field (an address). */
		hc = full_csum(b, sizeof(b));
		size_t w4 = 4 + 4 * (rnd() % (sizeof(b) / 4 - 1));
		uint32_t o4, n4 = rnd();
		memcpy(&o4, b + w4, 4);
		memcpy(b + w4, &n4, 4);
		assert_int_equal(net_csum_update32(hc, o4, n4), full_csum(b, sizeof(b)));
	}
}

static void incremental_corner_cases(void **state)
{
	/* The data sums to 0xffff after the change: the checksum must be 0x0000, not 0xffff
	 * (RFC 1624 section 3: eqn. 3 gets this right where RFC 1141's form does not). */
	uint8_t b[4] = {0x45, 0x00, 0x12, 0x34};
	uint16_t hc = full_csum(b, 4);
	uint16_t old_v, new_v = wire(0xffff - 0x4500);
	memcpy(&old_v, b + 2, 2);
	memcpy(b + 2, &new_v, 2);
	assert_int_equal(full_csum(b, 4), 0x0000);
	assert_int_equal(net_csum_update16(hc, old_v, new_v), 0x0000);
	/* And back. */
	assert_int_equal(net_csum_update16(0x0000, new_v, old_v), hc);
	/* No change, no effect, for both representations of zero in the field. */
	assert_int_equal(net_csum_update16(0x1234, 0xffff, 0xffff), 0x1234);
	assert_int_equal(net_csum_update16(0x1234, 0x0000, 0x0000), 0x1234);
	/* 0x0000 -> 0xffff in a field is -0 -> +0: same sum, same checksum. */
	assert_int_equal(net_csum_update16(0x1234, 0x0000, 0xffff), 0x1234);
}

static void l4_checksum(void **state)
{
	uint8_t f[2048];
	struct tpkt o = {.sport = 1, .dport = 2, .payload = 101};
	tpkt_build(f, &o);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + IP);
	assert_true(net_csum_l4_ok(ip, IPPROTO_TCP, f + L4, 20 + 101));
	/* Agrees with DPDK's. */
	uint16_t stored;
	memcpy(&stored, f + L4 + 16, 2);
	memset(f + L4 + 16, 0, 2);
	assert_int_equal(rte_ipv4_udptcp_cksum(ip, f + L4), stored);
	memcpy(f + L4 + 16, &stored, 2);
	f[L4 + 20 + 50] ^= 0x10;
	assert_false(net_csum_l4_ok(ip, IPPROTO_TCP, f + L4, 20 + 101));
	f[L4 + 20 + 50] ^= 0x10;
	ip->src_addr ^= 1; /* the pseudo-header counts */
	assert_false(net_csum_l4_ok(ip, IPPROTO_TCP, f + L4, 20 + 101));

	struct tpkt u = {.proto = IPPROTO_UDP, .payload = 10};
	tpkt_build(f, &u);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(f + L4);
	assert_true(net_csum_l4_ok(ip, IPPROTO_UDP, udp, 18));
	f[L4 + 8] ^= 1;
	assert_false(net_csum_l4_ok(ip, IPPROTO_UDP, udp, 18));
	udp->dgram_cksum = 0; /* RFC 768: no checksum */
	assert_true(net_csum_l4_ok(ip, IPPROTO_UDP, udp, 18));
	/* Make the computed checksum 0: the last payload word absorbs the whole sum. */
	memset(f + L4 + 16, 0, 2);
	uint16_t c = net_csum_l4(ip, IPPROTO_UDP, udp, 18);
	memcpy(f + L4 + 16, &c, 2);
	udp->dgram_cksum = 0;
	assert_int_equal(net_csum_l4(ip, IPPROTO_UDP, udp, 18), 0xffff);
}

static struct rte_mbuf *mbuf_from(const uint8_t *f, uint32_t len, const uint32_t *cuts,
                                  unsigned int n_cuts)
{
	struct rte_mempool *mp = test_mbuf_pool();
	assert_non_null(mp);
	struct rte_mbuf *head = NULL;
	uint32_t start = 0;
	for (unsigned int i = 0; i <= n_cuts; i++) {
		uint32_t end = i < n_cuts ? cuts[i] : len;
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		assert_non_null(m);
		memcpy(rte_pktmbuf_append(m, (uint16_t)(end - start)), f + start, end - start);
		if (head == NULL)
			head = m;
		else
			assert_int_equal(rte_pktmbuf_chain(head, m), 0);
		start = end;
	}
	return head;
}

static void mbuf_sum_with_odd_segments(void **state)
{
	uint8_t f[1500];
	for (size_t i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)rnd();
	static const uint32_t cuts[] = {1, 4, 7, 100, 101, 1001};
	struct rte_mbuf *m = mbuf_from(f, sizeof(f), cuts, RTE_DIM(cuts));
	for (int iter = 0; iter < 500; iter++) {
		uint32_t off = rnd() % sizeof(f);
		uint32_t len = rnd() % (sizeof(f) - off + 1);
		uint16_t s;
		assert_int_equal(net_csum_mbuf(m, off, len, 0, &s), 0);
		assert_int_equal(s, net_csum_partial(f + off, len, 0));
	}
	uint16_t s;
	assert_int_equal(net_csum_mbuf(m, 1000, 501, 0, &s), -EINVAL);
	rte_pktmbuf_free(m);
}

static void tx_prepare_software(void **state)
{
	uint8_t f[2048];
	struct tpkt cases[] = {{.payload = 333, .tcp_opt_words = 1},
	                       {.proto = IPPROTO_UDP, .payload = 77, .vlan = true}};
	for (unsigned int c = 0; c < RTE_DIM(cases); c++) {
		uint32_t len = tpkt_build(f, &cases[c]);
		uint32_t l2 = cases[c].vlan ? 18 : 14;
		struct net_hdrs h;
		assert_int_equal(net_parse(f, len, &h), 0);
		/* Rewrite the destination (as a NAT or a relay would) without fixing checksums. */
		f[l2 + 19] = 0x77;
		const uint32_t cuts[] = {l2 + 20 + h.l4_len + 3, l2 + 20 + h.l4_len + 40};
		struct rte_mbuf *m = mbuf_from(f, len, cuts, 2);
		m->ol_flags = RTE_MBUF_F_TX_TCP_CKSUM; /* stale flag must go */
		assert_int_equal(net_csum_tx_prepare(m, &h, 0), 0);
		assert_int_equal(m->ol_flags & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IP_CKSUM), 0);
		assert_int_equal(m->l2_len, l2);
		assert_int_equal(m->l3_len, 20);
		uint8_t flat[2048];
		memcpy(flat, rte_pktmbuf_read(m, 0, len, flat), len);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(flat + l2);
		assert_true(net_csum_ipv4_hdr_ok(ip, 20));
		assert_true(net_csum_l4_ok(ip, h.proto, flat + l2 + 20,
		                           (uint16_t)(h.l4_len + h.payload_len)));
		rte_pktmbuf_free(m);
	}
}

static void tx_prepare_offload(void **state)
{
	uint8_t f[2048];
	struct tpkt o = {.payload = 50};
	uint32_t len = tpkt_build(f, &o);
	struct net_hdrs h;
	assert_int_equal(net_parse(f, len, &h), 0);
	struct rte_mbuf *m = mbuf_from(f, len, NULL, 0);
	assert_int_equal(
	        net_csum_tx_prepare(m, &h,
	                            NET_TX_HW_IP_CKSUM | NET_TX_HW_TCP_CKSUM | NET_TX_HW_UDP_CKSUM),
	        0);
	assert_int_equal(
	        m->ol_flags & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK),
	        RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM);
	assert_int_equal(m->l4_len, 20);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, IP);
	struct rte_tcp_hdr *tcp = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, L4);
	assert_int_equal(ip->hdr_checksum, 0);
	/* What DPDK's documentation asks for: the pseudo-header sum, not inverted. */
	assert_int_equal(tcp->cksum, rte_ipv4_phdr_cksum(ip, 0));
	rte_pktmbuf_free(m);

	/* IP offload only: TCP in software. */
	m = mbuf_from(f, len, NULL, 0);
	assert_int_equal(net_csum_tx_prepare(m, &h, NET_TX_HW_IP_CKSUM), 0);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, IP);
	assert_true(net_csum_l4_ok(ip, IPPROTO_TCP, rte_pktmbuf_mtod_offset(m, void *, L4), 70));
	rte_pktmbuf_free(m);

	/* A non-first fragment: no L4 work even with offload. */
	struct tpkt fr = {.frag = 100, .payload = 50};
	len = tpkt_build(f, &fr);
	assert_int_equal(net_parse(f, len, &h), 0);
	m = mbuf_from(f, len, NULL, 0);
	uint8_t before[2048];
	memcpy(before, f, len);
	assert_int_equal(net_csum_tx_prepare(m, &h, NET_TX_HW_TCP_CKSUM), 0);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
	assert_memory_equal(rte_pktmbuf_mtod_offset(m, void *, L4), before + L4, len - L4);
	/* h that does not fit the mbuf is refused. */
	h.ip_total_len = (uint16_t)(h.ip_total_len + 1);
	assert_int_equal(net_csum_tx_prepare(m, &h, 0), -EINVAL);
	rte_pktmbuf_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(partial_matches_rfc1071),
	        cmocka_unit_test(ipv4_header_checksum),
	        cmocka_unit_test(incremental_equals_full_recompute),
	        cmocka_unit_test(incremental_corner_cases),
	        cmocka_unit_test(l4_checksum),
	        cmocka_unit_test(mbuf_sum_with_odd_segments),
	        cmocka_unit_test(tx_prepare_software),
	        cmocka_unit_test(tx_prepare_offload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
