/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/bond wire format: header codec, every reject, outer header, flow hash, result names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "bond_wire.h"
#include "test_eal.h"

/* The overhead budget: no more than IPsec ESP with AES-GCM on IPv4. */
_Static_assert(BOND_OVERHEAD == 56, "tunnel overhead is 56 bytes on IPv4");

static const struct bond_hdr sample = {
        .type = BOND_TYPE_DATA,
        .flags = BOND_F_TERMINATE | BOND_F_DUPLICATE,
        .key_slot = 2,
        .link = 5,
        .queue = 9,
        .flow_seq = 0xbeef,
        .ts = 0xabcdef,
        .link_seq = 0x01020304,
};

static void assert_hdr_equal(const struct bond_hdr *a, const struct bond_hdr *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->key_slot, b->key_slot);
	assert_int_equal(a->link, b->link);
	assert_int_equal(a->queue, b->queue);
	assert_int_equal(a->flow_seq, b->flow_seq);
	assert_int_equal(a->ts, b->ts);
	assert_int_equal(a->link_seq, b->link_seq);
}

static void golden_bytes(void **state)
{
	/* The layout of bond_wire.h, byte by byte: a peer built from the comment agrees. */
	static const uint8_t want[BOND_HDR_LEN] = {
	        (1 << 6) | (BOND_TYPE_DATA << 3) | (2 << 1), /* ver 1, type 1, key slot 2 */
	        0x03,                                        /* terminate | duplicate */
	        0x59,                                        /* link 5, queue 9 */
	        0xab,
	        0xcd,
	        0xef, /* timestamp */
	        0xbe,
	        0xef, /* flow sequence */
	        0x01,
	        0x02,
	        0x03,
	        0x04, /* link sequence */
	};
	uint8_t out[BOND_HDR_LEN];
	assert_int_equal(bond_wire_encode(&sample, out), 0);
	assert_memory_equal(out, want, sizeof(want));
}

static void roundtrip_every_type(void **state)
{
	for (uint8_t type = BOND_TYPE_DATA; type <= BOND_TYPE_HANDSHAKE; type++) {
		for (unsigned int v = 0; v < 64; v++) {
			struct bond_hdr h = {
			        .type = type,
			        .flags = type == BOND_TYPE_DATA ? (uint8_t)(v & 3) : 0,
			        .key_slot = type == BOND_TYPE_HANDSHAKE ? 0 : (uint8_t)(v % 4),
			        .link = (uint8_t)(v % 16),
			        .queue = (uint8_t)(15 - v % 16),
			        .flow_seq = (uint16_t)(v * 1031 + (v == 63 ? 65535 : 0)),
			        .ts = (v * 0x3ffffu) & BOND_TS_MASK,
			        .link_seq = v == 63 ? UINT32_MAX : v * 0x1000193u,
			};
			uint8_t buf[BOND_HDR_LEN + BOND_TAG_LEN] = {0};
			struct bond_hdr d;
			assert_int_equal(bond_wire_encode(&h, buf), 0);
			assert_int_equal(bond_wire_decode(buf, sizeof(buf), &d), BOND_R_ok);
			assert_hdr_equal(&d, &h);
		}
	}
}

static void decode_truncated(void **state)
{
	uint8_t buf[BOND_HDR_LEN + BOND_TAG_LEN] = {0};
	struct bond_hdr h;
	assert_int_equal(bond_wire_encode(&sample, buf), 0);
	for (uint32_t len = 0; len < BOND_HDR_LEN + BOND_TAG_LEN; len++)
		assert_int_equal(bond_wire_decode(buf, len, &h), BOND_R_drop_truncated);
	assert_int_equal(bond_wire_decode(buf, sizeof(buf), &h), BOND_R_ok);
	/* A handshake has no tag: the header alone decodes; shorter does not. */
	struct bond_hdr hs = {.type = BOND_TYPE_HANDSHAKE};
	assert_int_equal(bond_wire_encode(&hs, buf), 0);
	assert_int_equal(bond_wire_decode(buf, BOND_HDR_LEN, &h), BOND_R_ok);
	assert_int_equal(bond_wire_decode(buf, BOND_HDR_LEN - 1, &h), BOND_R_drop_truncated);
}

static void decode_bad_version(void **state)
{
	uint8_t buf[BOND_HDR_LEN + BOND_TAG_LEN] = {0};
	struct bond_hdr h;
	assert_int_equal(bond_wire_encode(&sample, buf), 0);
	for (uint8_t ver = 0; ver < 4; ver++) {
		buf[0] = (uint8_t)((buf[0] & 0x3f) | ver << 6);
		assert_int_equal(bond_wire_decode(buf, sizeof(buf), &h),
		                 ver == 1 ? BOND_R_ok : BOND_R_drop_version);
	}
}

static void decode_unknown_type(void **state)
{
	uint8_t buf[BOND_HDR_LEN + BOND_TAG_LEN] = {0};
	struct bond_hdr h;
	struct bond_hdr probe = sample;
	probe.flags = 0;
	assert_int_equal(bond_wire_encode(&probe, buf), 0);
	for (uint8_t type = 0; type < 8; type++) {
		buf[0] = (uint8_t)((buf[0] & ~0x38) | type << 3);
		enum bond_result want = BOND_R_drop_type;
		if (type >= BOND_TYPE_DATA && type <= BOND_TYPE_PROBE_REPLY)
			want = BOND_R_ok;
		if (type == BOND_TYPE_HANDSHAKE)
			want = BOND_R_drop_flags; /* key slot 2 on a handshake */
		assert_int_equal(bond_wire_decode(buf, sizeof(buf), &h), want);
	}
}

static void decode_bad_flags(void **state)
{
	uint8_t buf[BOND_HDR_LEN + BOND_TAG_LEN] = {0}, good[BOND_HDR_LEN];
	struct bond_hdr h;
	assert_int_equal(bond_wire_encode(&sample, good), 0);
	/* The reserved bit of byte 0. */
	memcpy(buf, good, sizeof(good));
	buf[0] |= 1;
	assert_int_equal(bond_wire_decode(buf, sizeof(buf), &h), BOND_R_drop_flags);
	/* Every reserved flag bit on data. */
	for (int bit = 2; bit < 8; bit++) {
		memcpy(buf, good, sizeof(good));
		buf[1] |= (uint8_t)(1 << bit);
		assert_int_equal(bond_wire_decode(buf, sizeof(buf), &h), BOND_R_drop_flags);
	}
	/* Data flags on probes, probe replies and handshakes. */
	for (uint8_t type = BOND_TYPE_PROBE; type <= BOND_TYPE_HANDSHAKE; type++) {
		for (uint8_t f = BOND_F_TERMINATE; f <= BOND_F_DUPLICATE; f <<= 1) {
			struct bond_hdr x = {.type = type};
			assert_int_equal(bond_wire_encode(&x, buf), 0);
			buf[1] = f;
			assert_int_equal(bond_wire_decode(buf, sizeof(buf), &h), BOND_R_drop_flags);
		}
	}
	/* A key slot on a handshake. */
	struct bond_hdr x = {.type = BOND_TYPE_HANDSHAKE};
	assert_int_equal(bond_wire_encode(&x, buf), 0);
	buf[0] |= 1 << 1;
	assert_int_equal(bond_wire_decode(buf, sizeof(buf), &h), BOND_R_drop_flags);
}

static void encode_refuses_out_of_range(void **state)
{
	uint8_t buf[BOND_HDR_LEN];
	struct bond_hdr h;
	h = sample, h.type = 0;
	assert_int_equal(bond_wire_encode(&h, buf), -EINVAL);
	h = sample, h.type = 5;
	assert_int_equal(bond_wire_encode(&h, buf), -EINVAL);
	h = sample, h.flags = 4;
	assert_int_equal(bond_wire_encode(&h, buf), -EINVAL);
	h = sample, h.type = BOND_TYPE_PROBE;
	assert_int_equal(bond_wire_encode(&h, buf), -EINVAL); /* data flags */
	h = sample, h.key_slot = BOND_KEY_SLOTS;
	assert_int_equal(bond_wire_encode(&h, buf), -EINVAL);
	h = sample, h.link = BOND_MAX_LINKS;
	assert_int_equal(bond_wire_encode(&h, buf), -EINVAL);
	h = sample, h.queue = BOND_MAX_QUEUES;
	assert_int_equal(bond_wire_encode(&h, buf), -EINVAL);
	h = (struct bond_hdr){.type = BOND_TYPE_HANDSHAKE, .key_slot = 1};
	assert_int_equal(bond_wire_encode(&h, buf), -EINVAL);
}

static void set_link_keeps_the_rest(void **state)
{
	uint8_t buf[BOND_HDR_LEN + BOND_TAG_LEN] = {0};
	struct bond_hdr h;
	assert_int_equal(bond_wire_encode(&sample, buf), 0);
	bond_wire_set_link(buf, 12);
	assert_int_equal(bond_wire_decode(buf, sizeof(buf), &h), BOND_R_ok);
	assert_int_equal(h.link, 12);
	assert_int_equal(h.queue, sample.queue);
}

static void ts_diff_wraps(void **state)
{
	assert_int_equal(bond_wire_ts_diff(10, 5), 5);
	assert_int_equal(bond_wire_ts_diff(5, 10), -5);
	assert_int_equal(bond_wire_ts_diff(3, BOND_TS_MASK - 2), 6);
	assert_int_equal(bond_wire_ts_diff(BOND_TS_MASK - 2, 3), -6);
	/* Only the low 24 bits count: the full clock value gives the same answer. */
	assert_int_equal(bond_wire_ts_diff(0x5000003u, 0x4fffffdu & BOND_TS_MASK), 6);
}

static void push_outer_builds_ipv4_udp(void **state)
{
	struct rte_mempool *pool = test_mbuf_pool();
	assert_non_null(pool);
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	memset(rte_pktmbuf_append(m, 100), 0x77, 100);
	struct bond_outer o = {
	        .src = RTE_IPV4(192, 0, 2, 1),
	        .dst = RTE_IPV4(198, 51, 100, 7),
	        .sport = 40000,
	        .dport = 4789,
	        .ip_id = 0x1234,
	        .tos = 0xb8,
	        .df = true,
	};
	assert_int_equal(bond_wire_push_outer(m, &o), 0);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 128);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	assert_int_equal(ip->version_ihl, 0x45);
	assert_int_equal(ip->type_of_service, 0xb8);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 128);
	assert_int_equal(rte_be_to_cpu_16(ip->packet_id), 0x1234);
	assert_int_equal(rte_be_to_cpu_16(ip->fragment_offset), RTE_IPV4_HDR_DF_FLAG);
	assert_int_equal(ip->time_to_live, 64);
	assert_int_equal(ip->next_proto_id, IPPROTO_UDP);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), o.src);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), o.dst);
	/* A correct header checksum sums to zero over the header. */
	assert_int_equal((uint16_t)~rte_raw_cksum(ip, sizeof(*ip)), 0);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	assert_int_equal(rte_be_to_cpu_16(udp->src_port), 40000);
	assert_int_equal(rte_be_to_cpu_16(udp->dst_port), 4789);
	assert_int_equal(rte_be_to_cpu_16(udp->dgram_len), 108);
	assert_int_equal(udp->dgram_cksum, 0);
	assert_int_equal(*((uint8_t *)(udp + 1)), 0x77);
	rte_pktmbuf_free(m);
}

static void push_outer_refuses(void **state)
{
	struct rte_mempool *pool = test_mbuf_pool();
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	rte_pktmbuf_append(m, 10);
	m->data_off = BOND_OUTER_LEN - 1; /* one byte short of headroom */
	struct bond_outer o = {.src = 1, .dst = 2};
	assert_int_equal(bond_wire_push_outer(m, &o), -ENOSPC);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 10);
	/* 65535 - 28 + 1 bytes of payload cannot be one datagram (a chain is enough to say so). */
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->pkt_len = UINT16_MAX - BOND_OUTER_LEN + 1;
	assert_int_equal(bond_wire_push_outer(m, &o), -EMSGSIZE);
	m->pkt_len = m->data_len;
	rte_pktmbuf_free(m);
}

/* An IPv4 header of protocol proto with ports, fragment field frag. */
static void ipv4(uint8_t *p, uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
                 uint16_t dport, uint16_t frag)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[9] = proto;
	uint32_t s = rte_cpu_to_be_32(src), d = rte_cpu_to_be_32(dst);
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &d, 4);
	p[20] = (uint8_t)(sport >> 8);
	p[21] = (uint8_t)sport;
	p[22] = (uint8_t)(dport >> 8);
	p[23] = (uint8_t)dport;
}

static void flow_hash_by_five_tuple(void **state)
{
	uint8_t a[28], b[28];
	ipv4(a, IPPROTO_TCP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 40000, 104, 0);
	ipv4(b, IPPROTO_TCP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 40000, 104, 0);
	b[8] = 17; /* TTL and the rest of the packet do not matter */
	assert_int_equal(bond_wire_flow_hash(a, 28), bond_wire_flow_hash(b, 28));
	/* Another port, protocol or address: another flow (CRC32C separates these). */
	ipv4(b, IPPROTO_TCP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 40001, 104, 0);
	assert_int_not_equal(bond_wire_flow_hash(a, 28), bond_wire_flow_hash(b, 28));
	ipv4(b, IPPROTO_UDP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 40000, 104, 0);
	assert_int_not_equal(bond_wire_flow_hash(a, 28), bond_wire_flow_hash(b, 28));
	ipv4(b, IPPROTO_TCP, RTE_IPV4(10, 0, 0, 2), RTE_IPV4(10, 20, 0, 9), 40000, 104, 0);
	assert_int_not_equal(bond_wire_flow_hash(a, 28), bond_wire_flow_hash(b, 28));
	/*
	 * Known value: the hash is part of the protocol, both gateways must compute it alike.
	 * Computed with a bitwise CRC32C (Castagnoli, reflected 0x82f63b78, no inversion) in
	 * Python over the two little-endian words of bond_wire.h.
	 */
	assert_int_equal(bond_wire_flow_hash(a, 28), 0x99fdda5a);
	assert_int_equal(bond_wire_flow_bucket(a, 28), 0x99fdda5a & (BOND_WIRE_FLOW_BUCKETS - 1));
}

static void flow_hash_fragments_share_a_bucket(void **state)
{
	uint8_t first[28], tail[28], whole_other_port[28];
	/* First fragment (MF, offset 0) carries ports; a later one does not: same bucket. */
	ipv4(first, IPPROTO_UDP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 5000, 6000, 0x2000);
	ipv4(tail, IPPROTO_UDP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 0x1111, 0x2222,
	     0x00b9);
	assert_int_equal(bond_wire_flow_hash(first, 28), bond_wire_flow_hash(tail, 28));
	/* ICMP: by addresses and protocol. */
	uint8_t icmp1[28], icmp2[28];
	ipv4(icmp1, IPPROTO_ICMP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 1, 2, 0);
	ipv4(icmp2, IPPROTO_ICMP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 3, 4, 0);
	assert_int_equal(bond_wire_flow_hash(icmp1, 28), bond_wire_flow_hash(icmp2, 28));
	/* A TCP header cut short: by addresses and protocol, never a read past len. */
	ipv4(whole_other_port, IPPROTO_TCP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 1, 2, 0);
	uint8_t cut[28];
	ipv4(cut, IPPROTO_TCP, RTE_IPV4(10, 0, 0, 1), RTE_IPV4(10, 20, 0, 9), 9, 9, 0);
	assert_int_equal(bond_wire_flow_hash(whole_other_port, 23), bond_wire_flow_hash(cut, 23));
}

static void flow_hash_not_ipv4(void **state)
{
	uint8_t p[28];
	ipv4(p, IPPROTO_TCP, 1, 2, 3, 4, 0);
	assert_int_equal(bond_wire_flow_hash(p, 19), 0);
	p[0] = 0x60;
	assert_int_equal(bond_wire_flow_hash(p, 28), 0);
}

static void result_names(void **state)
{
	assert_string_equal(bond_result_name(BOND_R_ok), "ok");
	assert_false(bond_result_is_drop(BOND_R_ok));
	assert_false(bond_result_is_drop(BOND_R_handshake));
	assert_true(bond_result_is_drop(BOND_R_drop_auth));
	assert_null(bond_result_name(BOND_R_MAX));
	assert_false(bond_result_is_drop(BOND_R_MAX));
	/* The one shape of every counter list (stat_desc.h): drops are drop_ and kind drop. */
	unsigned int bad = BOND_R_MAX;
	if (stat_desc_check(bond_result_descs(), BOND_R_MAX, &bad) != 0)
		fail_msg("result %s breaks the rules of stat_desc.h", bond_result_name(bad));
	/* Distinct telemetry keys, each with a description. */
	for (int a = 0; a < BOND_R_MAX; a++) {
		assert_non_null(bond_result_help((enum bond_result)a));
		for (int b = a + 1; b < BOND_R_MAX; b++)
			assert_string_not_equal(bond_result_name((enum bond_result)a),
			                        bond_result_name((enum bond_result)b));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(golden_bytes),
	        cmocka_unit_test(roundtrip_every_type),
	        cmocka_unit_test(decode_truncated),
	        cmocka_unit_test(decode_bad_version),
	        cmocka_unit_test(decode_unknown_type),
	        cmocka_unit_test(decode_bad_flags),
	        cmocka_unit_test(encode_refuses_out_of_range),
	        cmocka_unit_test(set_link_keeps_the_rest),
	        cmocka_unit_test(ts_diff_wraps),
	        cmocka_unit_test(push_outer_builds_ipv4_udp),
	        cmocka_unit_test(push_outer_refuses),
	        cmocka_unit_test(flow_hash_by_five_tuple),
	        cmocka_unit_test(flow_hash_fragments_share_a_bucket),
	        cmocka_unit_test(flow_hash_not_ipv4),
	        cmocka_unit_test(result_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
