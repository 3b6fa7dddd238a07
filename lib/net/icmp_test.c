/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "net.h"
#include "net_csum.h"
#include "net_icmp.h"
#include "test_eal.h"
#include "net_test_pkt.h"

#define OUR_IP 0xc0a80001u /* 192.168.0.1 */

static uint8_t f[2048];

static struct rte_mbuf *to_mbuf(const uint8_t *p, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), p, len);
	return m;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static void echo_reply_in_place(void **state)
{
	for (int variant = 0; variant < 2; variant++) {
		struct tpkt o = {.proto = IPPROTO_ICMP,
		                 .icmp_type = 8,
		                 .icmp_id = 0x4242,
		                 .payload = 56,
		                 .ttl = 3,
		                 .vlan = variant,
		                 .ip_opt_words = variant};
		uint32_t len = tpkt_build(f, &o);
		struct rte_mbuf *m = to_mbuf(f, len);
		struct net_hdrs h;
		assert_int_equal(net_parse_mbuf(m, &h), 0);
		assert_int_equal(net_icmp_echo_reply(m, &h), 0);
		uint8_t *r = rte_pktmbuf_mtod(m, uint8_t *);
		uint32_t ip = h.l2_len, icmp = h.l2_len + h.l3_len;
		assert_memory_equal(r, f + 6, 6); /* MACs swapped */
		assert_memory_equal(r + 6, f, 6);
		if (variant)
			assert_memory_equal(r + 12, f + 12, 4); /* VLAN tag kept */
		assert_int_equal(rd32(r + ip + 12), TPKT_DST);
		assert_int_equal(rd32(r + ip + 16), TPKT_SRC);
		assert_int_equal(r[ip + 8], NET_IPV4_DEFAULT_TTL);
		assert_true(net_csum_ipv4_hdr_ok(r + ip, h.l3_len));
		assert_int_equal(r[icmp], 0);
		assert_int_equal(r[icmp + 1], 0);
		assert_memory_equal(r + icmp + 4, f + icmp + 4, 4 + 56); /* id, seq, data */
		assert_int_equal(net_csum_partial(r + icmp, 8 + 56, 0), 0xffff);
		/* h describes the reply. */
		assert_int_equal(h.src, TPKT_DST);
		assert_int_equal(h.dst, TPKT_SRC);
		assert_int_equal(h.icmp_type, 0);
		struct net_hdrs again;
		assert_int_equal(net_parse_mbuf(m, &again), 0);
		assert_int_equal(again.icmp_type, 0);
		rte_pktmbuf_free(m);
	}
}

static void echo_reply_keeps_a_bad_checksum_bad(void **state)
{
	struct tpkt o = {.proto = IPPROTO_ICMP, .icmp_type = 8, .payload = 20};
	uint32_t len = tpkt_build(f, &o);
	f[34 + 8 + 3] ^= 0x40; /* corrupt the data, not the checksum */
	struct rte_mbuf *m = to_mbuf(f, len);
	struct net_hdrs h;
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	assert_int_equal(net_icmp_echo_reply(m, &h), 0);
	assert_int_not_equal(net_csum_partial(rte_pktmbuf_mtod_offset(m, void *, 34), 28, 0),
	                     0xffff);
	rte_pktmbuf_free(m);
}

static void echo_reply_refuses_others(void **state)
{
	struct tpkt cases[] = {
	        {.proto = IPPROTO_ICMP, .icmp_type = 0},                 /* a reply */
	        {.proto = IPPROTO_ICMP, .icmp_type = 8, .frag = 0x2000}, /* first fragment */
	        {.proto = IPPROTO_UDP},
	};
	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		uint32_t len = tpkt_build(f, &cases[i]);
		struct rte_mbuf *m = to_mbuf(f, len);
		struct net_hdrs h;
		assert_int_equal(net_parse_mbuf(m, &h), 0);
		assert_int_equal(net_icmp_echo_reply(m, &h), -EINVAL);
		assert_memory_equal(rte_pktmbuf_mtod(m, void *), f, len);
		rte_pktmbuf_free(m);
	}
}

/* Check every field of an ICMP error built about the frame orig[0..len). */
static void check_error(struct rte_mbuf *e, const uint8_t *orig, const struct net_hdrs *oh,
                        uint8_t type, uint8_t code, uint16_t mtu)
{
	uint32_t quote = RTE_MIN((uint32_t)oh->ip_total_len, 576u - 28);
	assert_non_null(e);
	assert_int_equal(rte_pktmbuf_pkt_len(e), 14 + 28 + quote);
	assert_true(rte_pktmbuf_pkt_len(e) - 14 <= NET_ICMP_ERROR_MAX_LEN);
	uint8_t *p = rte_pktmbuf_mtod(e, uint8_t *);
	static const uint8_t zero[12];
	assert_memory_equal(p, zero, 12);
	assert_int_equal(rd16(p + 12), 0x0800);
	uint8_t *ip = p + 14;
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[1], 0xc0);
	assert_int_equal(rd16(ip + 2), 28 + quote);
	assert_int_equal(rd16(ip + 6), 0x4000);
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], IPPROTO_ICMP);
	assert_int_equal(rd32(ip + 12), OUR_IP);
	assert_int_equal(rd32(ip + 16), oh->src);
	assert_true(net_csum_ipv4_hdr_ok(ip, 20));
	uint8_t *icmp = ip + 20;
	assert_int_equal(icmp[0], type);
	assert_int_equal(icmp[1], code);
	assert_int_equal(rd16(icmp + 4), 0);
	assert_int_equal(rd16(icmp + 6), mtu);
	assert_memory_equal(icmp + 8, orig + oh->l2_len, quote);
	assert_int_equal(net_csum_partial(icmp, 8 + quote, 0), 0xffff);
	assert_int_equal(e->l2_len, 14);
	assert_int_equal(e->l3_len, 20);
	/* It parses as what it is. */
	struct net_hdrs h;
	assert_int_equal(net_parse_mbuf(e, &h), 0);
	assert_int_equal(h.icmp_type, type);
}

static void errors_are_built_right(void **state)
{
	struct rte_mempool *mp = test_mbuf_pool();
	struct net_hdrs h;

	/* Large TCP packet, time exceeded: cut at 576. */
	struct tpkt big = {.payload = 1000, .ttl = 1};
	uint32_t len = tpkt_build(f, &big);
	struct rte_mbuf *m = to_mbuf(f, len);
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	struct rte_mbuf *e = net_icmp_error(mp, m, &h, NET_ICMP_TIME_EXCEEDED,
	                                    NET_ICMP_CODE_TTL_EXCEEDED, 0, OUR_IP);
	check_error(e, f, &h, 11, 0, 0);
	assert_int_equal(rte_pktmbuf_pkt_len(e), 14 + 576);
	rte_pktmbuf_free(e);

	/* Fragmentation needed carries the next-hop MTU (RFC 1191). */
	e = net_icmp_error(mp, m, &h, NET_ICMP_DEST_UNREACH, NET_ICMP_CODE_FRAG_NEEDED, 1300,
	                   OUR_IP);
	check_error(e, f, &h, 3, 4, 1300);
	rte_pktmbuf_free(e);
	/* The MTU goes only into frag-needed. */
	e = net_icmp_error(mp, m, &h, NET_ICMP_DEST_UNREACH, NET_ICMP_CODE_HOST_UNREACH, 1300,
	                   OUR_IP);
	check_error(e, f, &h, 3, 1, 0);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);

	/* Small UDP packet with Ethernet padding: the whole datagram, never the padding. */
	struct tpkt small = {.proto = IPPROTO_UDP, .payload = 4, .pad = 14, .vlan = true};
	len = tpkt_build(f, &small);
	memset(f + len - 14, 0xee, 14);
	m = to_mbuf(f, len);
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	e = net_icmp_error(mp, m, &h, NET_ICMP_DEST_UNREACH, NET_ICMP_CODE_PORT_UNREACH, 0, OUR_IP);
	check_error(e, f, &h, 3, 3, 0);
	assert_int_equal(rte_pktmbuf_pkt_len(e), 14 + 28 + 32);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);

	/* Exactly 548 bytes of datagram fits whole; the orig spans two segments. */
	struct tpkt fit = {.payload = 548 - 40};
	len = tpkt_build(f, &fit);
	m = to_mbuf(f, 100);
	struct rte_mbuf *m2 = to_mbuf(f + 100, len - 100);
	assert_int_equal(rte_pktmbuf_chain(m, m2), 0);
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	e = net_icmp_error(mp, m, &h, NET_ICMP_TIME_EXCEEDED, 0, 0, OUR_IP);
	check_error(e, f, &h, 11, 0, 0);
	assert_int_equal(rte_pktmbuf_pkt_len(e), 14 + 576);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(m);
}

static void errors_never_sent_about(void **state)
{
	struct rte_mempool *mp = test_mbuf_pool();
	static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t mc[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	struct {
		struct tpkt o;
		bool allowed;
	} cases[] = {
	        {{.proto = IPPROTO_ICMP, .icmp_type = 3}, false},  /* an ICMP error */
	        {{.proto = IPPROTO_ICMP, .icmp_type = 11}, false}, /* an ICMP error */
	        {{.proto = IPPROTO_ICMP, .icmp_type = 5}, false},  /* redirect */
	        {{.proto = IPPROTO_ICMP, .icmp_type = 99}, false}, /* unknown: not a query */
	        {{.proto = IPPROTO_ICMP, .icmp_type = 8}, true},   /* echo request */
	        {{.proto = IPPROTO_ICMP, .icmp_type = 13}, true},  /* timestamp */
	        {{.frag = 100}, false},                            /* non-first fragment */
	        {{.frag = 0x2000, .payload = 4}, true},            /* first fragment */
	        {{.dst = 0xffffffff}, false},
	        {{.dst = 0xe0000001}, false},
	        {{.dst_mac = bc}, false},
	        {{.dst_mac = mc}, false},
	        {{.src = 0x00000001}, false}, /* 0/8; 0.0.0.0 itself is the builder default */
	        {{.src = 0x7f000001}, false},
	        {{.src = 0xe0000005}, false},
	        {{.src = 0xf0000001}, false},
	        {{.src = 0xffffffff}, false},
	        {{.src = 0x0a0a0a0a}, true},
	};
	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		uint32_t len = tpkt_build(f, &cases[i].o);
		struct rte_mbuf *m = to_mbuf(f, len);
		struct net_hdrs h;
		assert_int_equal(net_parse_mbuf(m, &h), 0);
		assert_int_equal(net_icmp_error_allowed(&h), cases[i].allowed);
		rte_errno = 0;
		struct rte_mbuf *e = net_icmp_error(mp, m, &h, 11, 0, 0, OUR_IP);
		if (cases[i].allowed) {
			assert_non_null(e);
			rte_pktmbuf_free(e);
		} else {
			assert_null(e);
			assert_int_equal(rte_errno, EPERM);
		}
		rte_pktmbuf_free(m);
	}
}

static void error_pool_empty_and_bad_input(void **state)
{
	struct rte_mempool *one = rte_pktmbuf_pool_create("icmp_one", 1, 0, 0,
	                                                  RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	assert_non_null(one);
	struct rte_mbuf *hog = rte_pktmbuf_alloc(one);
	assert_non_null(hog);
	struct tpkt o = {.payload = 10};
	uint32_t len = tpkt_build(f, &o);
	struct rte_mbuf *m = to_mbuf(f, len);
	struct net_hdrs h;
	assert_int_equal(net_parse_mbuf(m, &h), 0);
	assert_null(net_icmp_error(one, m, &h, 11, 0, 0, OUR_IP));
	assert_int_equal(rte_errno, ENOBUFS);
	/* h that claims more than the mbuf holds. */
	h.ip_total_len = (uint16_t)(len + 1);
	assert_null(net_icmp_error(test_mbuf_pool(), m, &h, 11, 0, 0, OUR_IP));
	assert_int_equal(rte_errno, EINVAL);
	/* ARP is not IPv4. */
	h.flags = NET_F_ARP;
	assert_null(net_icmp_error(test_mbuf_pool(), m, &h, 11, 0, 0, OUR_IP));
	assert_int_equal(rte_errno, EINVAL);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(hog);
	rte_mempool_free(one);
}

static void rate_limiter_on_a_virtual_clock(void **state)
{
	struct net_ratelimit rl;
	uint64_t t = 1000000;
	net_ratelimit_init(&rl, 10, 5, t);
	for (int i = 0; i < 5; i++)
		assert_true(net_ratelimit_take(&rl, t));
	assert_false(net_ratelimit_take(&rl, t));
	t += 99999; /* just short of one token at 10/s */
	assert_false(net_ratelimit_take(&rl, t));
	t += 1;
	assert_true(net_ratelimit_take(&rl, t));
	assert_false(net_ratelimit_take(&rl, t));
	/* A long pause refills to the burst, not beyond. */
	t += 3600ull * 1000000;
	int n = 0;
	while (net_ratelimit_take(&rl, t))
		n++;
	assert_int_equal(n, 5);
	/* Steady state: 10 per second over 10 s of 1 ms steps. */
	n = 0;
	for (int ms = 0; ms < 10000; ms++) {
		t += 1000;
		n += net_ratelimit_take(&rl, t);
	}
	assert_int_equal(n, 100);
	/* A clock that goes backwards gives nothing. */
	assert_false(net_ratelimit_take(&rl, t - 500000));
	assert_false(net_ratelimit_take(&rl, t));
	/* Huge jumps do not overflow. */
	assert_true(net_ratelimit_take(&rl, UINT64_MAX / 2));
	assert_true(net_ratelimit_take(&rl, UINT64_MAX));

	/* rate 0: only the initial burst. */
	net_ratelimit_init(&rl, 0, 2, 0);
	assert_true(net_ratelimit_take(&rl, 0));
	assert_true(net_ratelimit_take(&rl, 1));
	assert_false(net_ratelimit_take(&rl, 1000000000));
	/* burst 0: nothing ever. */
	net_ratelimit_init(&rl, 1000, 0, 0);
	assert_false(net_ratelimit_take(&rl, 0));
	assert_false(net_ratelimit_take(&rl, 1000000000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(echo_reply_in_place),
	        cmocka_unit_test(echo_reply_keeps_a_bad_checksum_bad),
	        cmocka_unit_test(echo_reply_refuses_others),
	        cmocka_unit_test(errors_are_built_right),
	        cmocka_unit_test(errors_never_sent_about),
	        cmocka_unit_test(error_pool_empty_and_bad_input),
	        cmocka_unit_test(rate_limiter_on_a_virtual_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
