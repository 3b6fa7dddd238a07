/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_PATH_PRIVATE_H
#define PEPGW_BOND_PATH_PRIVATE_H

/* Shared by the path layer's sources (bond_health, bond_sched, bond_reorder); never installed. */

#include <stdint.h>

#include <rte_log.h>

/* Log type "pepgw.bond", registered in bond_health.c. */
extern int bond_path_logtype;
#define BOND_LOG(level, fmt, ...)                                                                  \
	rte_log(RTE_LOG_##level, bond_path_logtype, "bond: " fmt "\n", ##__VA_ARGS__)

/*
 * Serial-number arithmetic on 32 bits (RFC 1982), for a gateway's own 32-bit microsecond
 * times: the signed distance, valid within 2^31. Wire stamps and flow sequences are narrower:
 * bond_stamp_diff() and bond_flow_seq_diff() in bond_link.h.
 */
static inline int32_t bond_diff32(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

#endif
