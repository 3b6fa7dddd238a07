/* SPDX-License-Identifier: BSD-3-Clause */
#include "test_eal.h"

#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

static int eal_ready;
static struct rte_mempool *pool;

int test_eal_init(void)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=pepgw-test-%d", (int)getpid());
	char *argv[] = {
	        "test", "--no-huge", "--no-pci", "--no-shconf",    "--log-level=lib.*:error",
	        "-m",   "256",       prefix,     "--no-telemetry", NULL};
	if (eal_ready)
		return 0;
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0)
		return -rte_errno;
	eal_ready = 1;
	return 0;
}

struct rte_mempool *test_mbuf_pool(void)
{
	if (pool == NULL && test_eal_init() == 0)
		pool = rte_pktmbuf_pool_create("test_pool", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
		                               SOCKET_ID_ANY);
	return pool;
}
