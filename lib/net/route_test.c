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

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(longest_prefix_wins),
	        cmocka_unit_test(limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
