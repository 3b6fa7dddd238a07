/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_FLOW_PRIVATE_H
#define PEPGW_FLOW_PRIVATE_H

/* Internals of lib/flow; never included from outside the folder. */

#include <rte_log.h>

extern int flow_logtype;

#define FLOW_LOG(level, fmt, ...)                                                                  \
	rte_log(RTE_LOG_##level, flow_logtype, "flow: " fmt "\n", ##__VA_ARGS__)

#endif
