/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TEST_EAL_H
#define PEPGW_TEST_EAL_H

#include <rte_mempool.h>

/*
 * Start the DPDK EAL for a unit test: no hugepages, no PCI, no shared config, so any number of
 * test processes can run at once. Returns 0 or a negative errno. Safe to call more than once.
 */
int test_eal_init(void);

/* A small mbuf pool (2047 mbufs, 2048 B data room) created on first use; NULL on failure. */
struct rte_mempool *test_mbuf_pool(void);

#endif
