/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include <rte_hash_crc.h>

#include "flow.h"
#include "flow_private.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static struct flow_match_input v4(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                                  uint8_t proto)
{
	struct flow_match_input m;
	memset(&m, 0, sizeof(m));
	m.family = FLOW_FAMILY_IPV4;
	m.proto = proto;
	m.src.v4 = src;
	m.dst.v4 = dst;
	m.sport = sport;
	m.dport = dport;
	return m;
}

static struct flow_match_input reverse(struct flow_match_input m)
{
	union flow_addr a = m.src;
	uint16_t p = m.sport;
	m.src = m.dst;
	m.dst = a;
	m.sport = m.dport;
	m.dport = p;
	return m;
}

static void both_directions_same_key(void **state)
{
	struct flow_match_input fwd = v4(IP4(10, 0, 0, 2), 40000, IP4(192, 168, 1, 1), 80, 6);
	struct flow_match_input rev = reverse(fwd);
	struct flow_key a, b;
	int sa = flow_key_make(&a, &fwd);
	int sb = flow_key_make(&b, &rev);

	assert_true(sa == 0 || sa == 1);
	assert_int_equal(sb, !sa);
	assert_memory_equal(&a, &b, sizeof(a));
	/* The lower endpoint (10.0.0.2) is side 0, and the forward packet comes from it. */
	assert_int_equal(sa, 0);
	assert_int_equal(a.addr[0].v4, IP4(10, 0, 0, 2));
	assert_int_equal(a.port[0], 40000);
	assert_int_equal(a.addr[1].v4, IP4(192, 168, 1, 1));
	assert_int_equal(a.port[1], 80);
	assert_int_equal(flow_key_hash(&a, sizeof(a), 0), flow_key_hash(&b, sizeof(b), 0));
}

static void same_address_ordered_by_port(void **state)
{
	struct flow_match_input fwd = v4(IP4(10, 0, 0, 1), 5000, IP4(10, 0, 0, 1), 53, 17);
	struct flow_key a, b;
	struct flow_match_input rev = reverse(fwd);

	assert_int_equal(flow_key_make(&a, &fwd), 1); /* 5000 > 53 */
	assert_int_equal(flow_key_make(&b, &rev), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.port[0], 53);
}

static void different_flows_differ(void **state)
{
	struct flow_match_input m1 = v4(IP4(10, 0, 0, 2), 40000, IP4(10, 0, 0, 3), 80, 6);
	struct flow_match_input m2 = m1, m3 = m1;
	struct flow_key a, b, c;

	m2.proto = 17;
	m3.sport = 40001;
	flow_key_make(&a, &m1);
	flow_key_make(&b, &m2);
	flow_key_make(&c, &m3);
	assert_memory_not_equal(&a, &b, sizeof(a));
	assert_memory_not_equal(&a, &c, sizeof(a));
}

static void ipv6_distinct_from_ipv4(void **state)
{
	struct flow_match_input m4 = v4(IP4(10, 0, 0, 2), 1, IP4(10, 0, 0, 3), 2, 17);
	struct flow_match_input m6 = m4;
	struct flow_key a, b;

	/* Same bytes in the address unions, only the family differs. */
	m6.family = FLOW_FAMILY_IPV6;
	assert_int_equal(flow_key_make(&a, &m4), 0);
	assert_true(flow_key_make(&b, &m6) >= 0);
	assert_memory_not_equal(&a, &b, sizeof(a));
	assert_int_equal(b.family, FLOW_FAMILY_IPV6);
}

static void ipv6_canonical(void **state)
{
	struct flow_match_input m;
	struct flow_key a, b;

	memset(&m, 0, sizeof(m));
	m.family = FLOW_FAMILY_IPV6;
	m.proto = 6;
	m.src.v6[0] = 0x20;
	m.src.v6[15] = 9;
	m.dst.v6[0] = 0x20;
	m.dst.v6[15] = 1;
	m.sport = 1234;
	m.dport = 443;
	assert_int_equal(flow_key_make(&a, &m), 1);
	struct flow_match_input r = reverse(m);
	assert_int_equal(flow_key_make(&b, &r), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.addr[0].v6[15], 1);
	assert_int_equal(a.port[0], 443);
}

static void ipv6_same_address_ordered_by_port(void **state)
{
	struct flow_match_input m;
	struct flow_key a, b;

	memset(&m, 0, sizeof(m));
	m.family = FLOW_FAMILY_IPV6;
	m.proto = 17;
	m.src.v6[0] = m.dst.v6[0] = 0xfe;
	m.sport = 5000;
	m.dport = 53;
	assert_int_equal(flow_key_make(&a, &m), 1);
	struct flow_match_input r = reverse(m);
	assert_int_equal(flow_key_make(&b, &r), 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void nonfirst_fragment_has_no_ports(void **state)
{
	struct flow_match_input m = v4(IP4(10, 0, 0, 2), 40000, IP4(10, 0, 0, 3), 80, 17);
	struct flow_key k;

	m.flags = FLOW_MATCH_F_FRAG_NONFIRST;
	flow_key_make(&k, &m);
	assert_int_equal(k.port[0], 0);
	assert_int_equal(k.port[1], 0);
}

static void unknown_family_rejected(void **state)
{
	struct flow_match_input m = v4(1, 2, 3, 4, 6);
	struct flow_key k;

	m.family = 5;
	assert_int_equal(flow_key_make(&k, &m), -EINVAL);
}

/* The CRC32C of the key's bytes as the original definition computed it (reference). */
static uint32_t reference_hash(const struct flow_key *k)
{
	uint64_t head;
	memcpy(&head, k, sizeof(head));
	uint32_t h = rte_hash_crc_8byte(head, 0);
	if (k->family == FLOW_FAMILY_IPV4)
		return rte_hash_crc_4byte(k->addr[1].v4, rte_hash_crc_4byte(k->addr[0].v4, h));
	return rte_hash_crc(k->addr, sizeof(k->addr), h);
}

/*
 * The data path's key builders (wide stores, hash from registers; lib/flow's and the parser's)
 * give byte for byte the key
 * of flow_key_make and the hash the table computes with flow_key_hash: otherwise lookups with
 * the precomputed hash would miss entries added through flow_table_add.
 */
static void key_make_sig_matches_make_and_hash(void **state)
{
	uint32_t seed = 12345;
	for (unsigned int i = 0; i < 2000; i++) {
		struct flow_match_input m;
		memset(&m, 0, sizeof(m));
		seed = seed * 1103515245u + 12345u;
		m.family = (i % 5 == 4) ? FLOW_FAMILY_IPV6 : FLOW_FAMILY_IPV4;
		m.proto = (uint8_t)(seed >> 8);
		m.sport = (uint16_t)(seed >> 3);
		m.dport = (i & 1) ? m.sport : (uint16_t)(seed >> 17);
		m.flags = (i % 7 == 0) ? FLOW_MATCH_F_FRAG_NONFIRST : 0;
		if (m.family == FLOW_FAMILY_IPV4) {
			m.src.v4 = seed;
			m.dst.v4 = (i & 2) ? seed : seed * 31u;
		} else {
			for (unsigned int w = 0; w < 4; w++) {
				m.src.w[w] = seed + w;
				m.dst.w[w] = (i & 2) ? seed + w : seed * 7u + w;
			}
		}
		struct flow_key a, b;
		uint32_t sig = 0;
		memset(&a, 0xee, sizeof(a));
		int sa = flow_key_make(&a, &m);
		int sb = flow_key_make_sig(&b, &m, &sig);
		assert_int_equal(sa, sb);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_int_equal(sig, flow_key_hash(&a, sizeof(a), 0));
		assert_int_equal(sig, reference_hash(&a));
		if (m.family == FLOW_FAMILY_IPV4) {
			/* The parser's builder (flow_pkt_key_v4): the same key, hash and side. */
			bool tail = m.flags & FLOW_MATCH_F_FRAG_NONFIRST;
			struct flow_pkt_info p;
			memset(&p, 0xee, sizeof(p));
			p.flags = FLOW_PKT_F_PEEK;
			flow_pkt_key_v4(&p, m.proto, m.src.v4, m.dst.v4, tail ? 0 : m.sport,
			                tail ? 0 : m.dport);
			assert_int_equal(p.flags, FLOW_PKT_F_PEEK | FLOW_PKT_F_KEYED);
			assert_int_equal(p.side, sa);
			assert_memory_equal(&p.key, &a, sizeof(a));
			assert_int_equal(p.sig, sig);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(both_directions_same_key),
	        cmocka_unit_test(same_address_ordered_by_port),
	        cmocka_unit_test(different_flows_differ),
	        cmocka_unit_test(ipv6_distinct_from_ipv4),
	        cmocka_unit_test(ipv6_canonical),
	        cmocka_unit_test(ipv6_same_address_ordered_by_port),
	        cmocka_unit_test(nonfirst_fragment_has_no_ports),
	        cmocka_unit_test(unknown_family_rejected),
	        cmocka_unit_test(key_make_sig_matches_make_and_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
