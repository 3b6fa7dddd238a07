/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "frag.h"
#include "test_eal.h"

#define ETH_LEN 14
#define OUT_MAX 64
#define PKT_ID  0x4242
#define BIG     9000

static struct rte_mempool *pool;

static const uint8_t eth_hdr[ETH_LEN] = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00};

static uint8_t payload_byte(uint32_t i)
{
	return (uint8_t)(i * 31 + 7 + (i >> 8));
}

/*
 * An Ethernet + IPv4 packet of ip_total bytes (header of ihl bytes, options from opts), DF as
 * asked, payload from payload_byte(), trailer bytes of Ethernet padding after the datagram.
 * Spread over as many segments as the pool's data room needs (a 9000-byte frame is a chain).
 */
static struct rte_mbuf *build(uint16_t ip_total, bool df, const uint8_t *opts, uint8_t opt_len,
                              uint16_t trailer)
{
	uint32_t frame = ETH_LEN + ip_total + trailer;
	uint8_t *flat = calloc(1, frame);
	assert_non_null(flat);
	memcpy(flat, eth_hdr, ETH_LEN);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(flat + ETH_LEN);
	uint16_t ihl = (uint16_t)(sizeof(*ip) + opt_len);
	ip->version_ihl = (uint8_t)(0x40 | (ihl / 4));
	ip->total_length = rte_cpu_to_be_16(ip_total);
	ip->packet_id = rte_cpu_to_be_16(PKT_ID);
	ip->fragment_offset = rte_cpu_to_be_16(df ? RTE_IPV4_HDR_DF_FLAG : 0);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 20, 0, 9));
	memcpy(flat + ETH_LEN + sizeof(*ip), opts, opt_len);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	for (uint32_t i = 0; i < (uint32_t)(ip_total - ihl); i++)
		flat[ETH_LEN + ihl + i] = payload_byte(i);
	for (uint32_t i = 0; i < trailer; i++)
		flat[ETH_LEN + ip_total + i] = 0xee;

	struct rte_mbuf *head = NULL, *last = NULL;
	for (uint32_t off = 0; off < frame;) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		assert_non_null(m);
		uint32_t n = rte_pktmbuf_tailroom(m);
		if (n > frame - off)
			n = frame - off;
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), flat + off, n);
		off += n;
		if (head == NULL)
			head = m;
		else
			assert_int_equal(rte_pktmbuf_chain(head, m), 0);
		last = m;
	}
	(void)last;
	head->l2_len = ETH_LEN;
	head->l3_len = ihl;
	free(flat);
	return head;
}

struct expect {
	uint16_t mtu;
	uint16_t ip_total;
	uint16_t ihl_first;
	bool df;              /* DF expected on every fragment */
	bool mf_on_last;      /* input was itself a non-last fragment */
	uint16_t base_offset; /* input's own fragment offset, in 8-byte units */
};

/*
 * Check every fragment (RFC 791 2.3, 3.2): Ethernet header copied, length within the MTU,
 * total length = bytes present, valid header checksum, ID kept, DF as expected, MF on all but
 * the last, offsets in 8-byte units that tile the payload with no gap or overlap, and the
 * payload reassembles byte for byte.
 */
static void check_fragments(struct rte_mbuf **out, int n, const struct expect *e)
{
	uint32_t payload_total = (uint32_t)(e->ip_total - e->ihl_first);
	uint8_t *re = calloc(1, payload_total + 1);
	assert_non_null(re);
	uint32_t next = 0;
	for (int i = 0; i < n; i++) {
		struct rte_mbuf *f = out[i];
		uint8_t l2[ETH_LEN];
		const void *p = rte_pktmbuf_read(f, 0, ETH_LEN, l2);
		assert_memory_equal(p, eth_hdr, ETH_LEN);
		assert_int_equal(f->l2_len, ETH_LEN);
		struct rte_ipv4_hdr iph;
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_read(f, ETH_LEN, sizeof(iph), &iph);
		assert_non_null(ip);
		uint16_t ihl = (uint16_t)((ip->version_ihl & 0xf) * 4);
		assert_int_equal(f->l3_len, ihl);
		uint8_t hdr[60];
		const uint8_t *h = rte_pktmbuf_read(f, ETH_LEN, ihl, hdr);
		/* The one's-complement sum of a valid header, checksum included, is 0xffff. */
		assert_int_equal(rte_raw_cksum(h, ihl), 0xffff);
		uint16_t total = rte_be_to_cpu_16(ip->total_length);
		assert_int_equal(total, rte_pktmbuf_pkt_len(f) - ETH_LEN);
		assert_true(total <= e->mtu);
		assert_int_equal(rte_be_to_cpu_16(ip->packet_id), PKT_ID);
		uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
		assert_int_equal((fo & RTE_IPV4_HDR_DF_FLAG) != 0, e->df);
		bool is_last = i == n - 1;
		assert_int_equal((fo & RTE_IPV4_HDR_MF_FLAG) != 0, !is_last || e->mf_on_last);
		uint32_t off = (uint32_t)((fo & RTE_IPV4_HDR_OFFSET_MASK) - e->base_offset) * 8;
		assert_int_equal(off, next);
		uint32_t plen = total - ihl;
		if (!is_last)
			assert_int_equal(plen % 8, 0);
		assert_true(off + plen <= payload_total);
		const uint8_t *pl = rte_pktmbuf_read(f, ETH_LEN + ihl, plen, re + off);
		assert_non_null(pl);
		if (pl != re + off)
			memcpy(re + off, pl, plen);
		next = off + plen;
	}
	assert_int_equal(next, payload_total);
	for (uint32_t i = 0; i < payload_total; i++)
		assert_int_equal(re[i], payload_byte(i));
	free(re);
}

static void free_all(struct rte_mbuf **out, int n)
{
	for (int i = 0; i < n; i++)
		rte_pktmbuf_free(out[i]);
}

static int group_setup(void **state)
{
	pool = test_mbuf_pool();
	return pool == NULL ? -1 : 0;
}

/* Runs a fragmentation that must succeed and checks it; also checks no mbuf leaks. */
static int fragment_ok(uint16_t ip_total, uint16_t mtu, bool df, bool clear_df)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *pkt = build(ip_total, df, NULL, 0, 0);
	struct rte_mbuf *out[OUT_MAX];
	enum stat_id why = STAT_MAX;
	int n = frag_fragment(pkt, mtu, clear_df, out, OUT_MAX, pool, pool, &why);
	assert_true(n > 0);
	assert_int_equal(why, STAT_MAX);
	assert_int_equal((unsigned int)n, frag_count(ip_total, 20, mtu));
	struct expect e = {.mtu = mtu, .ip_total = ip_total, .ihl_first = 20, .df = false};
	check_fragments(out, n, &e);
	free_all(out, n);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
	return n;
}

static void decide_fits(void **state)
{
	for (int p = FRAG_POLICY_RESPECT_DF; p <= FRAG_POLICY_OUTER; p++) {
		assert_int_equal(frag_decide(p, 1500, true, 1500), FRAG_SEND);
		assert_int_equal(frag_decide(p, 1500, false, 1500), FRAG_SEND);
		assert_int_equal(frag_decide(p, 60, true, 1300), FRAG_SEND);
	}
}

static void decide_too_big(void **state)
{
	assert_int_equal(frag_decide(FRAG_POLICY_RESPECT_DF, 1501, true, 1500),
	                 FRAG_DROP_NEED_FRAG);
	assert_int_equal(frag_decide(FRAG_POLICY_RESPECT_DF, 1501, false, 1500), FRAG_FRAGMENT);
	assert_int_equal(frag_decide(FRAG_POLICY_ALWAYS, 1501, true, 1500), FRAG_FRAGMENT_CLEAR_DF);
	assert_int_equal(frag_decide(FRAG_POLICY_ALWAYS, 1501, false, 1500), FRAG_FRAGMENT);
	assert_int_equal(frag_decide(FRAG_POLICY_OUTER, 1501, true, 1500), FRAG_OUTER);
	assert_int_equal(frag_decide(FRAG_POLICY_OUTER, 1501, false, 1500), FRAG_OUTER);
	assert_int_equal(frag_verdict_stat(FRAG_DROP_NEED_FRAG), STAT_drop_df_mtu);
	assert_int_equal(frag_verdict_stat(FRAG_FRAGMENT), STAT_MAX);
}

static void decide_reads_header(void **state)
{
	struct rte_mbuf *pkt = build(1400, true, NULL, 0, 0);
	const struct rte_ipv4_hdr *ip =
	        rte_pktmbuf_mtod_offset(pkt, const struct rte_ipv4_hdr *, ETH_LEN);
	assert_int_equal(frag_decide_hdr(FRAG_POLICY_RESPECT_DF, ip, 1300), FRAG_DROP_NEED_FRAG);
	assert_int_equal(frag_decide_hdr(FRAG_POLICY_RESPECT_DF, ip, 1400), FRAG_SEND);
	assert_int_equal(frag_decide_hdr(FRAG_POLICY_ALWAYS, ip, 1300), FRAG_FRAGMENT_CLEAR_DF);
	rte_pktmbuf_free(pkt);
	pkt = build(1400, false, NULL, 0, 0);
	ip = rte_pktmbuf_mtod_offset(pkt, const struct rte_ipv4_hdr *, ETH_LEN);
	assert_int_equal(frag_decide_hdr(FRAG_POLICY_RESPECT_DF, ip, 1300), FRAG_FRAGMENT);
	rte_pktmbuf_free(pkt);
}

static void count_bound(void **state)
{
	assert_int_equal(frag_count(1500, 20, 1500), 1);
	assert_int_equal(frag_count(1501, 20, 1500), 2);
	assert_int_equal(frag_count(9000, 20, 1500), 7);
	assert_int_equal(frag_count(9000, 20, 1300), 8);
	assert_int_equal(frag_count(100, 20, 27), 0);
	assert_int_equal(frag_count(100, 20, 28), 10);
}

static void exactly_mtu_is_one_fragment(void **state)
{
	assert_int_equal(fragment_ok(1500, 1500, false, false), 1);
}

static void mtu_plus_one(void **state)
{
	assert_int_equal(fragment_ok(1501, 1500, false, false), 2);
}

static void jumbo_into_1500(void **state)
{
	assert_int_equal(fragment_ok(BIG, 1500, false, false), 7);
}

static void jumbo_into_1300(void **state)
{
	assert_int_equal(fragment_ok(BIG, 1300, false, false), 8);
}

/* MTU not a multiple of 8 away from the header: payload per fragment rounds down. */
static void odd_mtu(void **state)
{
	assert_int_equal(fragment_ok(3000, 1003, false, false), 4);
	assert_int_equal(fragment_ok(576, FRAG_MTU_MIN, false, false), 12);
}

/* Policy always: DF set on input, cleared on every fragment. */
static void always_clears_df(void **state)
{
	assert_int_equal(fragment_ok(BIG, 1300, true, true), 8);
	assert_int_equal(fragment_ok(1400, 1300, true, true), 2);
}

/* Without clear_df a DF packet is refused and left intact for the caller to drop. */
static void df_refused_without_clear(void **state)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *pkt = build(1400, true, NULL, 0, 0);
	uint8_t before[ETH_LEN + 1400];
	memcpy(before, rte_pktmbuf_mtod(pkt, void *), sizeof(before));
	struct rte_mbuf *out[OUT_MAX];
	enum stat_id why = STAT_MAX;
	assert_int_equal(frag_fragment(pkt, 1300, false, out, OUT_MAX, pool, pool, &why), -ENOTSUP);
	assert_int_equal(why, STAT_drop_frag_failed);
	assert_int_equal(rte_pktmbuf_pkt_len(pkt), sizeof(before));
	assert_memory_equal(rte_pktmbuf_mtod(pkt, void *), before, sizeof(before));
	rte_pktmbuf_free(pkt);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void out_of_mbufs(void **state)
{
	/* Three mbufs: not enough for the 8 header + 8+ indirect mbufs 9000 into 1300 needs. */
	struct rte_mempool *tiny = rte_pktmbuf_pool_create(
	        "frag_tiny", 3, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	assert_non_null(tiny);
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *pkt = build(BIG, true, NULL, 0, 0);
	uint32_t len = rte_pktmbuf_pkt_len(pkt);
	struct rte_mbuf *out[OUT_MAX];
	enum stat_id why = STAT_MAX;
	assert_int_equal(frag_fragment(pkt, 1300, true, out, OUT_MAX, tiny, tiny, &why), -ENOMEM);
	/* An empty pool is counted as such, not as a packet that cannot be fragmented. */
	assert_int_equal(why, STAT_drop_no_mbuf);
	/* The packet is back as it was: Ethernet header in front, DF restored, whole length. */
	assert_int_equal(rte_pktmbuf_pkt_len(pkt), len);
	assert_memory_equal(rte_pktmbuf_mtod(pkt, void *), eth_hdr, ETH_LEN);
	const struct rte_ipv4_hdr *ip =
	        rte_pktmbuf_mtod_offset(pkt, const struct rte_ipv4_hdr *, ETH_LEN);
	assert_true(rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_DF_FLAG);
	assert_int_equal(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	assert_int_equal(rte_mempool_avail_count(tiny), 3);
	rte_pktmbuf_free(pkt);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
	rte_mempool_free(tiny);
}

static void bad_arguments(void **state)
{
	struct rte_mbuf *pkt = build(BIG, false, NULL, 0, 0);
	struct rte_mbuf *out[OUT_MAX];
	enum stat_id why = STAT_MAX;
	/* 9000 into 1500 needs 7 fragments. */
	assert_int_equal(frag_fragment(pkt, 1500, false, out, 6, pool, pool, &why), -EINVAL);
	assert_int_equal(why, STAT_drop_frag_failed);
	assert_int_equal(
	        frag_fragment(pkt, FRAG_MTU_MIN - 1, false, out, OUT_MAX, pool, pool, NULL),
	        -EINVAL);
	/* Total length beyond the frame. */
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(pkt, struct rte_ipv4_hdr *, ETH_LEN);
	ip->total_length = rte_cpu_to_be_16(BIG + 1);
	assert_int_equal(frag_fragment(pkt, 1500, false, out, OUT_MAX, pool, pool, NULL), -EINVAL);
	/* IHL below 5. */
	ip->total_length = rte_cpu_to_be_16(BIG);
	ip->version_ihl = 0x44;
	assert_int_equal(frag_fragment(pkt, 1500, false, out, OUT_MAX, pool, pool, NULL), -EINVAL);
	rte_pktmbuf_free(pkt);
}

/* Ethernet padding after the datagram must not become payload of the last fragment. */
static void padding_trimmed(void **state)
{
	struct rte_mbuf *pkt = build(1501, false, NULL, 0, 10);
	struct rte_mbuf *out[OUT_MAX];
	int n = frag_fragment(pkt, 1500, false, out, OUT_MAX, pool, pool, NULL);
	assert_int_equal(n, 2);
	struct expect e = {.mtu = 1500, .ip_total = 1501, .ihl_first = 20};
	check_fragments(out, n, &e);
	free_all(out, n);
}

/* A fragment fragmented again keeps its offset base, and MF stays set on all pieces. */
static void refragment_a_fragment(void **state)
{
	struct rte_mbuf *pkt = build(1500, false, NULL, 0, 0);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(pkt, struct rte_ipv4_hdr *, ETH_LEN);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | 185); /* byte 1480 */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	struct rte_mbuf *out[OUT_MAX];
	int n = frag_fragment(pkt, 1300, false, out, OUT_MAX, pool, pool, NULL);
	assert_int_equal(n, 2);
	struct expect e = {.mtu = 1300,
	                   .ip_total = 1500,
	                   .ihl_first = 20,
	                   .mf_on_last = true,
	                   .base_offset = 185};
	check_fragments(out, n, &e);
	free_all(out, n);
}

/*
 * IPv4 options (RFC 791 3.1: "copied" flag, the high bit of the type): DPDK 22.11 rte_ip_frag
 * puts every option into the first fragment and only the copied ones into the others, so the
 * later fragments have a shorter header. This test pins that behaviour.
 */
static void options_copied_per_copy_flag(void **state)
{
	/* Router alert (type 0x94: copied, RFC 2113), then a non-copied option (type 68). */
	const uint8_t opts[] = {0x94, 4, 0, 0, 68, 4, 5, 0};
	const uint8_t later_opts[] = {0x94, 4, 0, 0};
	struct rte_mbuf *pkt = build(3000, false, opts, sizeof(opts), 0);
	struct rte_mbuf *out[OUT_MAX];
	int n = frag_fragment(pkt, 1300, false, out, OUT_MAX, pool, pool, NULL);
	/* 2972 payload bytes: 1272 in the first (header 28), 1280 in each later (header 24). */
	assert_int_equal(n, 3);
	assert_true((unsigned int)n <= frag_count(3000, 28, 1300));
	struct expect e = {.mtu = 1300, .ip_total = 3000, .ihl_first = 28};
	check_fragments(out, n, &e);
	for (int i = 0; i < n; i++) {
		uint8_t buf[8];
		const uint8_t *o = rte_pktmbuf_read(out[i], ETH_LEN + 20, out[i]->l3_len - 20, buf);
		if (i == 0) {
			assert_int_equal(out[i]->l3_len, 28);
			assert_memory_equal(o, opts, sizeof(opts));
		} else {
			assert_int_equal(out[i]->l3_len, 24);
			assert_memory_equal(o, later_opts, sizeof(later_opts));
		}
	}
	free_all(out, n);
}

static void reassembly_roundtrip(void **state)
{
	struct frag_reasm_params p = {
	        .name = "t", .max_packets = 16, .timeout_us = 1000000, .socket_id = SOCKET_ID_ANY};
	struct frag_reasm *r = frag_reasm_create(&p);
	assert_non_null(r);
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *pkt = build(4000, false, NULL, 0, 0);
	struct rte_mbuf *out[OUT_MAX];
	int n = frag_fragment(pkt, 1500, false, out, OUT_MAX, pool, pool, NULL);
	assert_int_equal(n, 3);
	/* Out of order: last first. */
	struct rte_mbuf *whole = NULL;
	int order[] = {2, 0, 1};
	for (int i = 0; i < n; i++) {
		struct rte_mbuf *f = out[order[i]];
		struct rte_ipv4_hdr *ip =
		        rte_pktmbuf_mtod_offset(f, struct rte_ipv4_hdr *, ETH_LEN);
		whole = frag_reasm_input(r, f, ip, 10 + (uint64_t)i);
		if (i < n - 1)
			assert_null(whole);
	}
	assert_non_null(whole);
	struct expect e = {.mtu = 4000, .ip_total = 4000, .ihl_first = 20};
	check_fragments(&whole, 1, &e);
	rte_pktmbuf_free(whole);
	frag_reasm_flush(r);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
	frag_reasm_free(r);
}

/* An incomplete datagram is dropped after the timeout and its mbufs freed by the caller. */
static void reassembly_timeout(void **state)
{
	struct frag_reasm_params p = {
	        .name = "t", .max_packets = 4, .timeout_us = 1000, .socket_id = SOCKET_ID_ANY};
	struct frag_reasm *r = frag_reasm_create(&p);
	assert_non_null(r);
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *pkt = build(4000, false, NULL, 0, 0);
	struct rte_mbuf *out[OUT_MAX];
	int n = frag_fragment(pkt, 1500, false, out, OUT_MAX, pool, pool, NULL);
	assert_int_equal(n, 3);
	for (int i = 0; i < 2; i++) {
		struct rte_ipv4_hdr *ip =
		        rte_pktmbuf_mtod_offset(out[i], struct rte_ipv4_hdr *, ETH_LEN);
		assert_null(frag_reasm_input(r, out[i], ip, 100));
	}
	frag_reasm_expire(r, 100 + 500);
	assert_int_equal(frag_reasm_flush(r), 0);
	frag_reasm_expire(r, 100 + 1001);
	assert_int_equal(frag_reasm_flush(r), 2);
	/* The late last fragment starts a new, incomplete datagram. */
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(out[2], struct rte_ipv4_hdr *, ETH_LEN);
	assert_null(frag_reasm_input(r, out[2], ip, 2000));
	frag_reasm_free(r);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/* The table is bounded: a datagram beyond max_packets is not kept, its fragment is freed. */
static void reassembly_table_full(void **state)
{
	struct frag_reasm_params p = {
	        .name = "t", .max_packets = 1, .timeout_us = 1000, .socket_id = SOCKET_ID_ANY};
	struct frag_reasm *r = frag_reasm_create(&p);
	assert_non_null(r);
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *a[OUT_MAX], *b[OUT_MAX];
	int na = frag_fragment(build(3000, false, NULL, 0, 0), 1500, false, a, OUT_MAX, pool, pool,
	                       NULL);
	int nb = frag_fragment(build(3000, false, NULL, 0, 0), 1500, false, b, OUT_MAX, pool, pool,
	                       NULL);
	assert_int_equal(na, 3);
	assert_int_equal(nb, 3);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(b[0], struct rte_ipv4_hdr *, ETH_LEN);
	ip->packet_id = rte_cpu_to_be_16(PKT_ID + 1); /* another datagram */
	ip = rte_pktmbuf_mtod_offset(a[0], struct rte_ipv4_hdr *, ETH_LEN);
	assert_null(frag_reasm_input(r, a[0], ip, 10));
	assert_int_equal(frag_reasm_flush(r), 0);
	ip = rte_pktmbuf_mtod_offset(b[0], struct rte_ipv4_hdr *, ETH_LEN);
	assert_null(frag_reasm_input(r, b[0], ip, 11));
	assert_int_equal(frag_reasm_flush(r), 1);
	free_all(a + 1, na - 1);
	free_all(b + 1, nb - 1);
	frag_reasm_free(r); /* frees a[0] held by the table */
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void reasm_bad_params(void **state)
{
	struct frag_reasm_params p = {.name = "t", .max_packets = 0, .timeout_us = 1};
	assert_null(frag_reasm_create(&p));
	assert_null(frag_reasm_create(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(decide_fits),
	        cmocka_unit_test(decide_too_big),
	        cmocka_unit_test(decide_reads_header),
	        cmocka_unit_test(count_bound),
	        cmocka_unit_test(exactly_mtu_is_one_fragment),
	        cmocka_unit_test(mtu_plus_one),
	        cmocka_unit_test(jumbo_into_1500),
	        cmocka_unit_test(jumbo_into_1300),
	        cmocka_unit_test(odd_mtu),
	        cmocka_unit_test(always_clears_df),
	        cmocka_unit_test(df_refused_without_clear),
	        cmocka_unit_test(out_of_mbufs),
	        cmocka_unit_test(bad_arguments),
	        cmocka_unit_test(padding_trimmed),
	        cmocka_unit_test(refragment_a_fragment),
	        cmocka_unit_test(options_copied_per_copy_flag),
	        cmocka_unit_test(reassembly_roundtrip),
	        cmocka_unit_test(reassembly_timeout),
	        cmocka_unit_test(reassembly_table_full),
	        cmocka_unit_test(reasm_bad_params),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
