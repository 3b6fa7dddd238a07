/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_TEST_EAL_H
#define PEPGW_NET_TEST_EAL_H

/*
 * EAL for lib/net's unit tests (test code only). tests/common/test_eal.c passes --no-huge with
 * --in-memory, which DPDK 22.11 refuses ("--legacy-mem is not compatible with --in-memory":
 * --no-huge implies legacy memory); until it is fixed there, start EAL here with --no-shconf,
 * which equally leaves no shared files, so tests still run in parallel.
 */

#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

static inline struct rte_mempool *net_test_pool(void)
{
	static struct rte_mempool *pool;
	static int tried;
	if (pool != NULL || tried)
		return pool;
	tried = 1;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=pepgw-net-test-%d", (int)getpid());
	char *argv[] = {
	        "test", "--no-huge", "--no-pci", "--no-shconf",    "--log-level=lib.*:error",
	        "-m",   "256",       prefix,     "--no-telemetry", NULL};
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0)
		return NULL;
	pool = rte_pktmbuf_pool_create("net_test_pool", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                               SOCKET_ID_ANY);
	return pool;
}

#endif
