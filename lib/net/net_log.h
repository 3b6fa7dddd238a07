/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_LOG_H
#define PEPGW_NET_LOG_H

/* lib/net's log type, pepgw.net (--log-level=pepgw.net:debug). Private to the library. */

#include <rte_log.h>

extern int net_logtype;

#define NET_LOG(level, fmt, ...)                                                                   \
	rte_log(RTE_LOG_##level, net_logtype, "net: " fmt "\n", ##__VA_ARGS__)

/* a.b.c.d of a host-order IPv4 address, for log lines. */
#define NET_IPV4_FMT      "%u.%u.%u.%u"
#define NET_IPV4_ARGS(ip) (ip) >> 24, ((ip) >> 16) & 0xff, ((ip) >> 8) & 0xff, (ip)&0xff

#endif
