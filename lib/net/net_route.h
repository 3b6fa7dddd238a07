/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_ROUTE_H
#define PEPGW_NET_ROUTE_H

/*
 * IPv4 routes, longest prefix match on rte_lpm. Addresses are host byte order. Built by the
 * control path, then read-only: lookups may run on every lcore at once (rte_lpm lookups are
 * lock-free readers); add/del are not thread-safe against lookups.
 */

#include <stdint.h>

struct net_route_table;

/*
 * Create a table for up to max_routes prefixes; name must be unique in the process (it names
 * the rte_lpm). Returns NULL with rte_errno EINVAL, ENOMEM, EEXIST.
 */
struct net_route_table *net_route_create(const char *name, uint32_t max_routes, int socket_id);

/* NULL is fine. */
void net_route_free(struct net_route_table *rt);

/*
 * Add (or replace) prefix/len -> port via next_hop (0 = directly connected: the destination is
 * its own next hop). Host bits of prefix are ignored, so a port's "10.0.0.1/24" can be passed
 * as is for its connected route. len 0 is the default route.
 * Returns 0, -EINVAL (len > 32), -ENOSPC (max_routes reached).
 */
int net_route_add(struct net_route_table *rt, uint32_t prefix, uint8_t len, uint32_t next_hop,
                  uint16_t port);

/* Remove prefix/len. Returns 0, -ENOENT, -EINVAL. */
int net_route_del(struct net_route_table *rt, uint32_t prefix, uint8_t len);

/*
 * Longest-prefix match for dst: *port and *next_hop (dst itself for a connected route).
 * Returns 0, or -ENOENT when no route covers dst (count STAT_drop_no_route).
 */
int net_route_lookup(const struct net_route_table *rt, uint32_t dst, uint16_t *port,
                     uint32_t *next_hop);

/* Result of net_route_lookup_bulk for one destination. */
struct net_route_hop {
	uint32_t next_hop; /* the gateway, or the destination itself on a connected route */
	uint16_t port;     /* NET_ROUTE_NO_PORT when no route covers the destination */
	uint16_t reserved;
	/*
	 * Gateway routes: the next-hop slot (< net_route_nh_slots()), shared by every prefix via
	 * the same gateway on the same port, so a caller can keep the resolved MAC per slot
	 * (DPDK l3fwd's next-hop array). NET_ROUTE_NH_DIRECT on a connected route (the next hop
	 * differs per destination) and when there is no route.
	 */
	uint32_t nh_id;
};

#define NET_ROUTE_NO_PORT   UINT16_MAX
#define NET_ROUTE_NH_DIRECT UINT32_MAX

/*
 * Longest-prefix match for n destinations at once (rte_lpm_lookup_bulk): out[i] for dst[i].
 * Returns the number of destinations that have a route.
 */
unsigned int net_route_lookup_bulk(const struct net_route_table *rt, const uint32_t *dst,
                                   unsigned int n, struct net_route_hop *out);

/* Size of a per-slot array indexed by net_route_hop.nh_id (gateway routes). */
uint32_t net_route_nh_slots(const struct net_route_table *rt);

/* Number of routes. */
unsigned int net_route_count(const struct net_route_table *rt);

#endif
