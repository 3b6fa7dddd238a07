/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "net.h"
#include "net_arp.h"
#include "net_test_pkt.h"
#include "test_eal.h"

static uint8_t buf[2048];
static struct net_hdrs h;

/* Byte offsets in a frame without VLAN. */
#define IP 14
#define L4 34

static void refix_ip_csum(uint32_t ip_off)
{
	net_csum_ipv4_set((struct rte_ipv4_hdr *)(buf + ip_off));
}

static void good_tcp_fills_every_field(void **state)
{
	struct tpkt o = {.sport = 40000,
	                 .dport = 104,
	                 .tcp_flags = RTE_TCP_SYN_FLAG,
	                 .tcp_opt_words = 3,
	                 .payload = 100,
	                 .ttl = 17,
	                 .tos = (46 << 2) | 1,
	                 .frag = 0x4000};
	uint32_t len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.l2_len, 14);
	assert_int_equal(h.l3_len, 20);
	assert_int_equal(h.l4_len, 32);
	assert_int_equal(h.payload_off, 14 + 20 + 32);
	assert_int_equal(h.payload_len, 100);
	assert_int_equal(h.ethertype, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(h.ip_total_len, 152);
	assert_int_equal(h.ip_id, 0x1234);
	assert_int_equal(h.proto, IPPROTO_TCP);
	assert_int_equal(h.ttl, 17);
	assert_int_equal(h.dscp, 46);
	assert_int_equal(h.ecn, 1);
	assert_int_equal(h.src, TPKT_SRC);
	assert_int_equal(h.dst, TPKT_DST);
	assert_int_equal(h.sport, 40000);
	assert_int_equal(h.dport, 104);
	assert_int_equal(h.tcp_flags, RTE_TCP_SYN_FLAG);
	assert_int_equal(h.frag_off, 0);
	assert_int_equal(h.flags, NET_F_IPV4 | NET_F_L4 | NET_F_DF);
}

static void good_udp_icmp_other(void **state)
{
	struct tpkt u = {.proto = IPPROTO_UDP, .sport = 53, .dport = 5353, .payload = 33};
	uint32_t len = tpkt_build(buf, &u);
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.proto, IPPROTO_UDP);
	assert_int_equal(h.l4_len, 8);
	assert_int_equal(h.payload_len, 33);
	assert_int_equal(h.payload_off, L4 + 8);
	assert_int_equal(h.sport, 53);
	assert_int_equal(h.dport, 5353);

	struct tpkt i = {.proto = IPPROTO_ICMP, .icmp_type = 8, .icmp_id = 777, .payload = 56};
	len = tpkt_build(buf, &i);
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.icmp_type, 8);
	assert_int_equal(h.icmp_code, 0);
	assert_int_equal(h.sport, 777);
	assert_int_equal(h.dport, 777);
	assert_int_equal(h.l4_len, 8);
	assert_int_equal(h.payload_len, 56);
	assert_true(h.flags & NET_F_L4);

	/* Not an echo: no identifier. */
	i.icmp_type = 3;
	len = tpkt_build(buf, &i);
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.sport, 0);

	struct tpkt g = {.proto = 47, .payload = 24}; /* GRE: no L4 header parsed */
	len = tpkt_build(buf, &g);
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.proto, 47);
	assert_int_equal(h.l4_len, 0);
	assert_false(h.flags & NET_F_L4);
	assert_int_equal(h.payload_off, L4);
	assert_int_equal(h.payload_len, 24);
}

static void vlan_options_and_padding(void **state)
{
	struct tpkt o = {
	        .vlan = true, .vlan_tci = 0x2064, .ip_opt_words = 2, .payload = 10, .pad = 13};
	uint32_t len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.l2_len, 18);
	assert_int_equal(h.vlan_tci, 0x2064);
	assert_int_equal(h.l3_len, 28);
	assert_int_equal(h.ip_total_len, 28 + 20 + 10);
	assert_int_equal(h.payload_len, 10); /* the IP total length wins over the frame */
	assert_int_equal(h.payload_off, 18 + 28 + 20);
	assert_true(h.flags & NET_F_VLAN);
	assert_true(h.flags & NET_F_IP_OPTS);

	/* Broadcast destination MAC is flagged. */
	static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct tpkt b = {.dst_mac = bc};
	len = tpkt_build(buf, &b);
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_true(h.flags & NET_F_L2_MCAST);
}

static void truncated_ethernet_and_other_ethertypes(void **state)
{
	struct tpkt o = {0};
	uint32_t len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, 13, &h), STAT_drop_runt);
	assert_int_equal(net_parse(buf, 0, &h), STAT_drop_runt);
	o.vlan = true;
	len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, 17, &h), STAT_drop_runt);
	assert_int_equal(net_parse(buf, len, &h), 0);
	tpkt_w16(buf + 12, 0x86dd); /* IPv6 */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_not_ip);
	tpkt_w16(buf + 12, 0x88a8); /* QinQ outer tag: not supported */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_not_ip);
	tpkt_w16(buf + 12, 0x8100);
	tpkt_w16(buf + 16, 0x8100); /* a second 802.1Q tag */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_not_ip);
}

static void bad_ip_headers(void **state)
{
	struct tpkt o = {.payload = 20};
	uint32_t len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, IP + 19, &h), STAT_drop_runt);

	buf[IP] = 0x65; /* version 6 */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_ip_version);

	buf[IP] = 0x44; /* ihl 4 = 16 bytes */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_ip_ihl);

	len = tpkt_build(buf, &o);
	buf[IP] = 0x4f; /* ihl 15 = 60 bytes, past a 34-byte frame */
	assert_int_equal(net_parse(buf, IP + 40, &h), STAT_drop_ip_ihl);

	len = tpkt_build(buf, &o);
	tpkt_w16(buf + IP + 2, (uint16_t)(len - IP + 1)); /* total length beyond the frame */
	refix_ip_csum(IP);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_ip_len);
	tpkt_w16(buf + IP + 2, 19); /* below the header */
	refix_ip_csum(IP);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_ip_len);

	len = tpkt_build(buf, &o);
	buf[IP + 8] ^= 1; /* TTL changed without the checksum */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_ip_csum);
	/* ...unless the NIC already checked it. */
	assert_int_equal(net_parse_ex(buf, len, len, NET_PARSE_NO_IP_CSUM, &h), 0);
}

static void bad_l4_headers(void **state)
{
	struct tpkt o = {.payload = 0};
	uint32_t len = tpkt_build(buf, &o);
	/* TCP cut by the IP total length (frame is long enough: padding). */
	tpkt_w16(buf + IP + 2, 20 + 19);
	refix_ip_csum(IP);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_l4_truncated);
	/* ...and by the frame end. */
	assert_int_equal(net_parse(buf, L4 + 10, &h), STAT_drop_ip_len);

	len = tpkt_build(buf, &o);
	buf[L4 + 12] = 4 << 4; /* doff 4 */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_tcp_doff);
	buf[L4 + 12] = 6 << 4; /* doff 6: 24 bytes in a 20-byte segment */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_tcp_doff);
	buf[L4 + 12] = 15 << 4;
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_tcp_doff);
	buf[L4 + 12] = 0;
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_tcp_doff);

	struct tpkt u = {.proto = IPPROTO_UDP, .payload = 10};
	len = tpkt_build(buf, &u);
	tpkt_w16(buf + L4 + 4, 19); /* UDP length past the datagram */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_l4_truncated);
	tpkt_w16(buf + L4 + 4, 7); /* below its own header */
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_l4_truncated);
	tpkt_w16(buf + L4 + 4, 12); /* shorter than the IP payload: trailing bytes ignored */
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.payload_len, 4);
	tpkt_w16(buf + IP + 2, 20 + 7);
	refix_ip_csum(IP);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_l4_truncated);

	struct tpkt i = {.proto = IPPROTO_ICMP, .icmp_type = 8};
	len = tpkt_build(buf, &i);
	tpkt_w16(buf + IP + 2, 20 + 7);
	refix_ip_csum(IP);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_l4_truncated);
}

static void fragments(void **state)
{
	/* A non-first fragment has no L4 header: not a drop. */
	struct tpkt o = {.frag = 185, .payload = 0, .proto = 47};
	o.proto = IPPROTO_TCP;
	uint32_t len = tpkt_build(buf, &o); /* 20 bytes at offset 1480 */
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.flags & (NET_F_FRAG | NET_F_FRAG_TAIL | NET_F_L4 | NET_F_MF),
	                 NET_F_FRAG | NET_F_FRAG_TAIL);
	assert_int_equal(h.frag_off, 1480);
	assert_int_equal(h.l4_len, 0);
	assert_int_equal(h.payload_off, L4);
	assert_int_equal(h.payload_len, 20);
	assert_int_equal(h.sport, 0);

	/* A first fragment parses its L4 header. */
	o.frag = 0x2000;
	o.payload = 4;
	len = tpkt_build(buf, &o); /* 24 bytes: a multiple of 8 */
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_true(h.flags & NET_F_L4);
	assert_true(h.flags & NET_F_MF);
	assert_false(h.flags & NET_F_FRAG_TAIL);

	/* RFC 1858 tiny fragment: 16 bytes of TCP header in the first fragment. */
	o.payload = 0;
	len = tpkt_build(buf, &o);
	tpkt_w16(buf + IP + 2, 20 + 16);
	refix_ip_csum(IP);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_frag_bad);
	/* First fragment whose doff points past it. */
	o.payload = 4;
	len = tpkt_build(buf, &o);
	buf[L4 + 12] = 8 << 4;
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_frag_bad);

	/* RFC 1858 3.2: TCP at offset 8 overlaps the flags. UDP there is fine. */
	o.frag = 1;
	o.payload = 0;
	len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_frag_bad);
	o.proto = IPPROTO_UDP;
	len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, len, &h), 0);

	/* Non-last fragment with a payload that is not a multiple of 8. */
	o.frag = 0x2000 | 100;
	o.payload = 2; /* UDP 8 + 2 */
	len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_frag_bad);
	/* Ping of death: a fragment ending past 65535. */
	o.frag = 0x1fff;
	o.payload = 0;
	len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_frag_bad);
	o.frag = 0x1ffd; /* 65512 + 8 + 20 = 65540 */
	len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, len, &h), STAT_drop_frag_bad);
	o.frag = 0x1ffc; /* 65504 + 8 + 20 = 65532: fine */
	len = tpkt_build(buf, &o);
	assert_int_equal(net_parse(buf, len, &h), 0);
}

static uint32_t build_arp(uint8_t *f)
{
	static const struct rte_ether_addr mac = {{2, 0, 0, 0, 0, 9}};
	memset(f, 0xff, 6);
	memcpy(f + 6, &mac, 6);
	tpkt_w16(f + 12, 0x0806);
	uint8_t *a = f + 14;
	tpkt_w16(a, 1);
	tpkt_w16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	tpkt_w16(a + 6, 1);
	memcpy(a + 8, &mac, 6);
	tpkt_w32(a + 14, 0x0a000009);
	memset(a + 18, 0, 6);
	tpkt_w32(a + 24, 0x0a000001);
	memset(a + 28, 0, 18); /* Ethernet padding to 60 */
	return 60;
}

static void arp_good_and_bad(void **state)
{
	uint32_t len = build_arp(buf);
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.flags, NET_F_ARP | NET_F_L2_MCAST);
	assert_int_equal(h.ethertype, RTE_ETHER_TYPE_ARP);
	assert_int_equal(h.arp_op, 1);
	assert_int_equal(h.src, 0x0a000009);
	assert_int_equal(h.dst, 0x0a000001);
	assert_int_equal(h.l3_len, 28);
	struct net_arp_pkt a;
	assert_int_equal(net_arp_parse(buf + 14, len - 14, &a), 0);
	assert_int_equal(a.sha.addr_bytes[5], 9);
	assert_int_equal(a.spa, 0x0a000009);

	assert_int_equal(net_parse(buf, 14 + 27, &h), STAT_drop_arp_bad);
	assert_int_equal(net_parse(buf, 14 + 28, &h), 0);
	static const struct {
		unsigned int off;
		uint8_t val;
	} bad[] = {
	        {14 + 1, 6},    /* htype 6 (IEEE 802) */
	        {14 + 2, 0x86}, /* ptype 0x86xx */
	        {14 + 4, 8},    /* hlen 8 */
	        {14 + 5, 16},   /* plen 16 */
	        {14 + 7, 3},    /* op RARP request */
	        {14 + 7, 0},    /* op 0 */
	        {14 + 8, 1},    /* sender MAC multicast */
	};
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		build_arp(buf);
		buf[bad[i].off] = bad[i].val;
		assert_int_equal(net_parse(buf, len, &h), STAT_drop_arp_bad);
	}
	build_arp(buf);
	tpkt_w16(buf + 14 + 6, 2); /* reply */
	assert_int_equal(net_parse(buf, len, &h), 0);
	assert_int_equal(h.arp_op, 2);
}

/* Every prefix of valid frames is rejected or parsed within bounds (ASan checks the reads). */
static void every_truncation_is_safe(void **state)
{
	struct tpkt cases[] = {
	        {.payload = 30, .tcp_opt_words = 2},
	        {.vlan = true, .proto = IPPROTO_UDP, .payload = 5, .ip_opt_words = 1},
	        {.proto = IPPROTO_ICMP, .icmp_type = 8, .payload = 3},
	};
	for (unsigned int c = 0; c < RTE_DIM(cases); c++) {
		uint32_t len = tpkt_build(buf, &cases[c]);
		for (uint32_t l = 0; l < len; l++) {
			uint8_t *copy = malloc(l ? l : 1);
			memcpy(copy, buf, l);
			assert_int_not_equal(net_parse(copy, l, &h), 0);
			free(copy);
		}
		assert_int_equal(net_parse(buf, len, &h), 0);
	}
}

static void mbuf_parse_uses_rx_offload_flags(void **state)
{
	struct rte_mempool *mp = test_mbuf_pool();
	assert_non_null(mp);
	struct tpkt o = {.payload = 40};
	uint32_t len = tpkt_build(buf, &o);
	buf[IP + 8] ^= 1; /* wrong IP checksum */
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), buf, len);
	assert_int_equal(net_parse_mbuf(m, &h), STAT_drop_ip_csum);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	assert_int_equal(h.payload_len, 40);
	buf[IP + 8] ^= 1; /* right checksum, but the NIC said bad */
	memcpy(rte_pktmbuf_mtod(m, void *), buf, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD;
	assert_int_equal(net_parse_mbuf(m, &h), STAT_drop_ip_csum);

	/* Two segments: headers in the first, total length checked against pkt_len. */
	m->ol_flags = 0;
	rte_pktmbuf_trim(m, (uint16_t)(len - L4 - 20));
	struct rte_mbuf *m2 = rte_pktmbuf_alloc(mp);
	assert_non_null(m2);
	memcpy(rte_pktmbuf_append(m2, 40), buf + L4 + 20, 40);
	assert_int_equal(rte_pktmbuf_chain(m, m2), 0);
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	assert_int_equal(h.payload_len, 40);
	rte_pktmbuf_trim(m, 1);
	assert_int_equal(net_parse_mbuf(m, &h), STAT_drop_ip_len);
	rte_pktmbuf_free(m);
}

/* net_parse_mbuf (inline fast path) and net_parse_mbuf_full agree on m: result and fields. */
static void expect_same_parse(struct rte_mbuf *m)
{
	struct net_hdrs a, b;
	memset(&a, 0x5a, sizeof(a));
	memset(&b, 0xa5, sizeof(b));
	int ra = net_parse_mbuf(m, &a), rb = net_parse_mbuf_full(m, &b);
	assert_int_equal(ra, rb);
	if (ra == 0)
		assert_memory_equal(&a, &b, sizeof(a));
}

/*
 * The fast path must take exactly the frames it can and give the same answer: every kind of
 * frame, every length cut of it (pkt_len and the first segment), every byte of the headers
 * flipped, under each RX checksum flag.
 */
static void mbuf_fast_path_matches_full_parser(void **state)
{
	struct rte_mempool *mp = test_mbuf_pool();
	assert_non_null(mp);
	static const uint8_t mcast[6] = {1, 0, 0x5e, 0, 0, 1};
	struct tpkt cases[] = {
	        {.payload = 30, .tcp_opt_words = 2, .frag = 0x4000},
	        {.tcp_flags = RTE_TCP_SYN_FLAG, .tcp_opt_words = 5, .tos = 0xb9},
	        {.payload = 0},
	        {.proto = IPPROTO_UDP, .payload = 5, .pad = 9},
	        {.proto = IPPROTO_UDP, .payload = 0, .dst_mac = mcast},
	        {.proto = IPPROTO_UDP, .payload = 12, .ip_opt_words = 1},
	        {.vlan = true, .payload = 4},
	        {.proto = IPPROTO_ICMP, .icmp_type = 8, .payload = 3},
	        {.payload = 16, .frag = 0x2000},
	        {.proto = 47, .payload = 20},
	};
	static const uint64_t ck[] = {0, RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_BAD,
	                              RTE_MBUF_F_RX_IP_CKSUM_NONE};
	unsigned int fast = 0;
	for (unsigned int c = 0; c < RTE_DIM(cases); c++) {
		uint32_t len = tpkt_build(buf, &cases[c]);
		for (unsigned int f = 0; f < RTE_DIM(ck); f++) {
			for (uint32_t l = 0; l <= len; l++) {
				struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
				assert_non_null(m);
				memcpy(rte_pktmbuf_append(m, (uint16_t)l), buf, l);
				m->ol_flags = ck[f];
				expect_same_parse(m);
				/* The same bytes with only the first 54 in the first segment. */
				if (l > 54) {
					struct rte_mbuf *t = rte_pktmbuf_alloc(mp);
					assert_non_null(t);
					memcpy(rte_pktmbuf_append(t, (uint16_t)(l - 54)), buf + 54,
					       l - 54);
					rte_pktmbuf_trim(m, (uint16_t)(l - 54));
					assert_int_equal(rte_pktmbuf_chain(m, t), 0);
					expect_same_parse(m);
				}
				rte_pktmbuf_free(m);
			}
			for (uint32_t b = 0; b < 60 && b < len; b++) {
				for (unsigned int bit = 0; bit < 8; bit += 3) {
					struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
					assert_non_null(m);
					uint8_t *d =
					        (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
					memcpy(d, buf, len);
					d[b] ^= (uint8_t)(1u << bit);
					m->ol_flags = ck[f];
					expect_same_parse(m);
					rte_pktmbuf_free(m);
				}
			}
		}
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), buf, len);
		struct net_hdrs x;
		fast += net_parse_mbuf(m, &x) == 0 && c < 6;
		rte_pktmbuf_free(m);
	}
	assert_int_equal(fast, 6); /* the six fast-path kinds parse */
}

static void dec_ttl_keeps_checksum_right(void **state)
{
	for (unsigned int ttl = 2; ttl < 256; ttl += 3) {
		struct tpkt o = {.ttl = (uint8_t)ttl, .ip_opt_words = ttl & 3};
		tpkt_build(buf, &o);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + IP);
		assert_int_equal(net_ipv4_dec_ttl(ip), 0);
		assert_int_equal(ip->time_to_live, ttl - 1);
		assert_true(net_csum_ipv4_hdr_ok(ip, 20 + 4 * (ttl & 3)));
	}
	struct tpkt o = {.ttl = 1};
	tpkt_build(buf, &o);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + IP);
	assert_int_equal(net_ipv4_dec_ttl(ip), STAT_drop_ttl_exceeded);
	assert_int_equal(ip->time_to_live, 1);
	ip->time_to_live = 0;
	assert_int_equal(net_ipv4_dec_ttl(ip), STAT_drop_ttl_exceeded);
}

/*
 * The incremental update equals a full recomputation for every checksum value the header can
 * have (the IP ID sweeps it through all 65536), the -0 corner (old checksum 0xfeff in wire
 * view) included.
 */
static void dec_ttl_matches_full_checksum(void **state)
{
	(void)state;
	struct tpkt o = {.ttl = 64};
	tpkt_build(buf, &o);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + IP);
	for (uint32_t id = 0; id < 65536; id++) {
		ip->time_to_live = (uint8_t)(2 + id % 254);
		ip->packet_id = rte_cpu_to_be_16((uint16_t)id);
		net_csum_ipv4_set(ip);
		assert_int_equal(net_ipv4_dec_ttl(ip), 0);
		uint16_t incremental = ip->hdr_checksum;
		net_csum_ipv4_set(ip);
		assert_int_equal(incremental, ip->hdr_checksum);
	}
}

static void address_classes(void **state)
{
	assert_true(net_ipv4_is_multicast(0xe0000001));
	assert_true(net_ipv4_is_multicast(0xefffffff));
	assert_false(net_ipv4_is_multicast(0xdfffffff));
	assert_false(net_ipv4_is_multicast(0xf0000000));
	assert_true(net_ipv4_is_martian_src(0));
	assert_true(net_ipv4_is_martian_src(0x00ffffff));
	assert_true(net_ipv4_is_martian_src(0x7f000001));
	assert_true(net_ipv4_is_martian_src(0xe0000005));
	assert_true(net_ipv4_is_martian_src(0xf0000001));
	assert_true(net_ipv4_is_martian_src(0xffffffff));
	assert_false(net_ipv4_is_martian_src(0x01000000));
	assert_false(net_ipv4_is_martian_src(0x0a000001));
	assert_false(net_ipv4_is_martian_src(0xdfffffff));
}

/* Frames built by scapy (the fuzz seeds): an independent builder agrees with the parser. */
static const char *corpus_dir;

static int parse_file(const char *name, struct net_hdrs *out)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", corpus_dir, name);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	return net_parse(buf, (uint32_t)n, out);
}

static void scapy_frames(void **state)
{
	if (corpus_dir == NULL)
		skip();
	assert_int_equal(parse_file("tcp_syn_opts", &h), 0);
	assert_int_equal(h.l4_len, 40);
	assert_int_equal(h.tcp_flags, RTE_TCP_SYN_FLAG);
	assert_int_equal(h.dport, 104);
	assert_true(h.flags & NET_F_DF);
	assert_int_equal(parse_file("tcp_data", &h), 0);
	assert_int_equal(h.payload_len, 100);
	assert_int_equal(parse_file("udp", &h), 0);
	assert_int_equal(h.payload_len, 5);
	assert_int_equal(parse_file("icmp_echo", &h), 0);
	assert_int_equal(h.sport, 7);
	assert_int_equal(parse_file("icmp_unreach", &h), 0);
	assert_int_equal(h.icmp_code, 4);
	assert_int_equal(parse_file("vlan_udp", &h), 0);
	assert_int_equal(h.l2_len, 18);
	assert_int_equal(h.l3_len, 24);
	assert_int_equal(parse_file("arp_req", &h), 0);
	assert_int_equal(h.src, 0x0a000009);
	assert_int_equal(parse_file("arp_reply", &h), 0);
	assert_int_equal(h.arp_op, 2);
	assert_int_equal(parse_file("frag_first", &h), 0);
	assert_true(h.flags & NET_F_L4);
	assert_int_equal(parse_file("frag_tail", &h), 0);
	assert_true(h.flags & NET_F_FRAG_TAIL);
	assert_int_equal(parse_file("frag_tiny", &h), STAT_drop_frag_bad);
	assert_int_equal(parse_file("gre", &h), 0);
	assert_int_equal(h.proto, 47);
	assert_int_equal(parse_file("padded_ttl1", &h), 0);
	assert_int_equal(h.ip_total_len, 40);
}

int main(int argc, char **argv)
{
	corpus_dir = argc > 1 ? argv[1] : NULL;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(good_tcp_fills_every_field),
	        cmocka_unit_test(good_udp_icmp_other),
	        cmocka_unit_test(vlan_options_and_padding),
	        cmocka_unit_test(truncated_ethernet_and_other_ethertypes),
	        cmocka_unit_test(bad_ip_headers),
	        cmocka_unit_test(bad_l4_headers),
	        cmocka_unit_test(fragments),
	        cmocka_unit_test(arp_good_and_bad),
	        cmocka_unit_test(every_truncation_is_safe),
	        cmocka_unit_test(mbuf_parse_uses_rx_offload_flags),
	        cmocka_unit_test(mbuf_fast_path_matches_full_parser),
	        cmocka_unit_test(dec_ttl_keeps_checksum_right),
	        cmocka_unit_test(dec_ttl_matches_full_checksum),
	        cmocka_unit_test(address_classes),
	        cmocka_unit_test(scapy_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
