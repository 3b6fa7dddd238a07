/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_errno.h>

#include "net_route.h"
#include "test_eal.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void expect(const struct net_route_table *rt, uint32_t dst, uint16_t port, uint32_t nh)
{
	uint16_t p = 0xffff;
	uint32_t n = 0;
	assert_int_equal(net_route_lookup(rt, dst, &p, &n), 0);
	assert_int_equal(p, port);
	assert_int_equal(n, nh);
}

static void longest_prefix_wins(void **state)
{
	assert_non_null(test_mbuf_pool()); /* EAL */
	struct net_route_table *rt = net_route_create("rt_lpm", 16, SOCKET_ID_ANY);
	assert_non_null(rt);
	/* Connected routes, passed with the port's own address (host bits ignored). */
	assert_int_equal(net_route_add(rt, IP4(10, 10, 0, 1), 24, 0, 0), 0);
	assert_int_equal(net_route_add(rt, IP4(192, 0, 2, 1), 30, 0, 1), 0);
	/* Static routes via gateways. */
	assert_int_equal(net_route_add(rt, IP4(10, 20, 0, 0), 16, IP4(192, 0, 2, 2), 1), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 20, 5, 0), 24, IP4(10, 10, 0, 254), 0), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 20, 5, 128), 25, IP4(192, 0, 2, 2), 1), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 20, 5, 77), 32, IP4(10, 10, 0, 253), 0), 0);
	assert_int_equal(net_route_count(rt), 6);

	expect(rt, IP4(10, 10, 0, 42), 0, IP4(10, 10, 0, 42)); /* connected: itself */
	expect(rt, IP4(192, 0, 2, 2), 1, IP4(192, 0, 2, 2));
	expect(rt, IP4(10, 20, 9, 9), 1, IP4(192, 0, 2, 2));
	expect(rt, IP4(10, 20, 5, 1), 0, IP4(10, 10, 0, 254));
	expect(rt, IP4(10, 20, 5, 200), 1, IP4(192, 0, 2, 2));
	expect(rt, IP4(10, 20, 5, 77), 0, IP4(10, 10, 0, 253));
	expect(rt, IP4(10, 20, 5, 78), 0, IP4(10, 10, 0, 254));

	/* No route, then a default route. */
	uint16_t p;
	uint32_t n;
	assert_int_equal(net_route_lookup(rt, IP4(8, 8, 8, 8), &p, &n), -ENOENT);
	assert_int_equal(net_route_add(rt, IP4(1, 2, 3, 4), 0, IP4(192, 0, 2, 2), 1), 0);
	expect(rt, IP4(8, 8, 8, 8), 1, IP4(192, 0, 2, 2));
	expect(rt, IP4(10, 20, 5, 1), 0, IP4(10, 10, 0, 254)); /* longer still wins */
	assert_int_equal(net_route_count(rt), 7);

	/* Replace keeps the count; delete falls back to the shorter prefix. */
	assert_int_equal(net_route_add(rt, IP4(10, 20, 5, 0), 24, IP4(10, 10, 0, 250), 0), 0);
	assert_int_equal(net_route_count(rt), 7);
	expect(rt, IP4(10, 20, 5, 1), 0, IP4(10, 10, 0, 250));
	assert_int_equal(net_route_del(rt, IP4(10, 20, 5, 0), 24), 0);
	expect(rt, IP4(10, 20, 5, 1), 1, IP4(192, 0, 2, 2));
	assert_int_equal(net_route_del(rt, IP4(10, 20, 5, 0), 24), -ENOENT);
	assert_int_equal(net_route_del(rt, 0, 0), 0);
	assert_int_equal(net_route_lookup(rt, IP4(8, 8, 8, 8), &p, &n), -ENOENT);
	assert_int_equal(net_route_del(rt, 0, 0), -ENOENT);
	assert_int_equal(net_route_count(rt), 5);

	assert_int_equal(net_route_add(rt, 0, 33, 0, 0), -EINVAL);
	assert_int_equal(net_route_del(rt, 0, 33), -EINVAL);
	net_route_free(rt);
}

static void limits(void **state)
{
	assert_non_null(test_mbuf_pool());
	struct net_route_table *rt = net_route_create("rt_small", 3, SOCKET_ID_ANY);
	assert_non_null(rt);
	assert_int_equal(net_route_add(rt, IP4(10, 0, 0, 0), 8, 0, 0), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 1, 0, 0), 16, IP4(10, 0, 0, 1), 0), 0);
	assert_int_equal(net_route_add(rt, 0, 0, IP4(10, 0, 0, 2), 0), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 2, 0, 0), 16, IP4(10, 0, 0, 1), 0), -ENOSPC);
	/* Replacing an existing prefix is still possible when full. */
	assert_int_equal(net_route_add(rt, IP4(10, 1, 0, 0), 16, IP4(10, 0, 0, 3), 0), 0);
	expect(rt, IP4(10, 1, 2, 3), 0, IP4(10, 0, 0, 3));
	/* Deleting frees room. */
	assert_int_equal(net_route_del(rt, IP4(10, 1, 0, 0), 16), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 2, 0, 0), 16, IP4(10, 0, 0, 9), 2), 0);
	expect(rt, IP4(10, 2, 0, 1), 2, IP4(10, 0, 0, 9));
	/* Next hops no route uses any more are recycled: many replacements never fill up. */
	for (uint32_t gw = 100; gw < 200; gw++) {
		assert_int_equal(net_route_add(rt, IP4(10, 2, 0, 0), 16, IP4(10, 0, 0, gw), 2), 0);
		assert_int_equal(net_route_add(rt, 0, 0, IP4(10, 0, 1, gw), 1), 0);
	}
	expect(rt, IP4(10, 2, 0, 1), 2, IP4(10, 0, 0, 199));
	expect(rt, IP4(11, 0, 0, 1), 1, IP4(10, 0, 1, 199));
	net_route_free(rt);

	assert_null(net_route_create("rt_zero", 0, SOCKET_ID_ANY));
	assert_int_equal(rte_errno, EINVAL);
	rt = net_route_create("rt_dup", 4, SOCKET_ID_ANY);
	assert_non_null(rt);
	assert_null(net_route_create("rt_dup", 4, SOCKET_ID_ANY));
	assert_int_equal(rte_errno, EEXIST);
	net_route_free(rt);
	net_route_free(NULL);
}

/* The bulk lookup agrees with the single one, and its next-hop slots are shared per gateway. */
static void bulk_lookup_and_nh_slots(void **state)
{
	assert_non_null(test_mbuf_pool());
	struct net_route_table *rt = net_route_create("rt_bulk", 16, SOCKET_ID_ANY);
	assert_non_null(rt);
	assert_int_equal(net_route_add(rt, IP4(10, 10, 0, 1), 24, 0, 0), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 20, 0, 0), 16, IP4(10, 10, 0, 254), 0), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 30, 0, 0), 16, IP4(10, 10, 0, 254), 0), 0);
	assert_int_equal(net_route_add(rt, IP4(10, 30, 7, 0), 25, IP4(10, 10, 0, 253), 0), 0);
	uint32_t dst[100];
	struct net_route_hop hop[100];
	for (unsigned int i = 0; i < RTE_DIM(dst); i++) {
		static const uint32_t base[] = {IP4(10, 10, 0, 0), IP4(10, 20, 1, 0),
		                                IP4(10, 30, 7, 0), IP4(11, 0, 0, 0)};
		dst[i] = base[i % 4] + i * 3;
	}
	/* 100 > one internal chunk of 64: the chunking is exercised too. */
	unsigned int found = net_route_lookup_bulk(rt, dst, RTE_DIM(dst), hop), routed = 0;
	for (unsigned int i = 0; i < RTE_DIM(dst); i++) {
		uint16_t p = 0;
		uint32_t n = 0;
		if (net_route_lookup(rt, dst[i], &p, &n) != 0) {
			assert_int_equal(hop[i].port, NET_ROUTE_NO_PORT);
			assert_int_equal(hop[i].nh_id, NET_ROUTE_NH_DIRECT);
			continue;
		}
		routed++;
		assert_int_equal(hop[i].port, p);
		assert_int_equal(hop[i].next_hop, n);
		if (n == dst[i]) {
			assert_int_equal(hop[i].nh_id, NET_ROUTE_NH_DIRECT); /* connected */
		} else {
			assert_true(hop[i].nh_id < net_route_nh_slots(rt));
		}
	}
	assert_int_equal(found, routed);
	assert_true(routed > 50 && routed < RTE_DIM(dst)); /* both kinds present */
	/* 10.20/16 and 10.30/16 share the gateway: one slot; the /25's gateway has its own. */
	uint32_t d[3] = {IP4(10, 20, 9, 9), IP4(10, 30, 9, 9), IP4(10, 30, 7, 9)};
	struct net_route_hop h[3];
	assert_int_equal(net_route_lookup_bulk(rt, d, 3, h), 3);
	assert_int_equal(h[0].nh_id, h[1].nh_id);
	assert_int_not_equal(h[0].nh_id, h[2].nh_id);
	assert_int_equal(h[2].next_hop, IP4(10, 10, 0, 253));
	/* The default route answers what the LPM does not. */
	assert_int_equal(net_route_add(rt, 0, 0, IP4(10, 10, 0, 254), 0), 0);
	d[0] = IP4(8, 8, 8, 8);
	assert_int_equal(net_route_lookup_bulk(rt, d, 1, h), 1);
	assert_int_equal(h[0].next_hop, IP4(10, 10, 0, 254));
	assert_int_equal(h[0].nh_id, h[1].nh_id);
	net_route_free(rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(longest_prefix_wins),
	        cmocka_unit_test(limits),
	        cmocka_unit_test(bulk_lookup_and_nh_slots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
