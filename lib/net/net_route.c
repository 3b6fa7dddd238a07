/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes on rte_lpm. rte_lpm keeps a 24-bit next-hop id per prefix; ours indexes a table of
 * {port, gateway} shared by the prefixes that use it. rte_lpm has no depth 0, so the default
 * route is kept beside it.
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_malloc.h>

#include "net_route.h"

/* A connected route's gateway: the destination is its own next hop. */
#define NH_CONNECTED 0

struct route_nh {
	uint32_t gw;
	uint16_t port;
	uint32_t refs; /* prefixes using it; 0 = free slot */
};

struct net_route_table {
	struct rte_lpm *lpm;
	uint32_t max_routes;
	uint32_t count;
	bool has_default;
	uint32_t default_nh;
	uint32_t nh_slots;
	struct route_nh *nh; /* one per route at worst, + 1 so a replacement always fits */
};

static inline uint32_t prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

struct net_route_table *net_route_create(const char *name, uint32_t max_routes, int socket_id)
{
	if (name == NULL || max_routes == 0 || max_routes >= (1u << 24)) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct net_route_table *rt = rte_zmalloc_socket(name, sizeof(*rt), 0, socket_id);
	if (rt == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	rt->max_routes = max_routes;
	rt->nh_slots = max_routes + 1;
	rt->nh = rte_zmalloc_socket(name, sizeof(*rt->nh) * rt->nh_slots, 0, socket_id);
	/* One tbl8 group per prefix longer than /24 is the worst case (DPDK l3fwd sizes the
	 * same way). */
	struct rte_lpm_config cfg = {.max_rules = max_routes, .number_tbl8s = max_routes + 1};
	rt->lpm = rte_lpm_create(name, socket_id, &cfg);
	if (rt->nh == NULL || rt->lpm == NULL) {
		int err = rt->lpm == NULL && rte_errno ? rte_errno : ENOMEM;
		net_route_free(rt);
		rte_errno = err;
		return NULL;
	}
	return rt;
}

void net_route_free(struct net_route_table *rt)
{
	if (rt == NULL)
		return;
	rte_lpm_free(rt->lpm);
	rte_free(rt->nh);
	rte_free(rt);
}

static int nh_get(struct net_route_table *rt, uint32_t gw, uint16_t port)
{
	int free_slot = -1;
	for (uint32_t i = 0; i < rt->nh_slots; i++) {
		if (rt->nh[i].refs && rt->nh[i].gw == gw && rt->nh[i].port == port)
			return (int)i;
		if (!rt->nh[i].refs && free_slot < 0)
			free_slot = (int)i;
	}
	if (free_slot < 0)
		return -ENOSPC;
	rt->nh[free_slot].gw = gw;
	rt->nh[free_slot].port = port;
	return free_slot;
}

/* Next-hop id currently installed for prefix/len, or -ENOENT. */
static int route_current(const struct net_route_table *rt, uint32_t prefix, uint8_t len)
{
	if (len == 0)
		return rt->has_default ? (int)rt->default_nh : -ENOENT;
	uint32_t id;
	if (rte_lpm_is_rule_present(rt->lpm, prefix, len, &id) == 1)
		return (int)id;
	return -ENOENT;
}

int net_route_add(struct net_route_table *rt, uint32_t prefix, uint8_t len, uint32_t next_hop,
                  uint16_t port)
{
	if (len > 32)
		return -EINVAL;
	prefix &= prefix_mask(len);
	int old = route_current(rt, prefix, len);
	if (old < 0 && rt->count >= rt->max_routes)
		return -ENOSPC;
	int id = nh_get(rt, next_hop, port);
	if (id < 0)
		return id;
	if (len == 0) {
		rt->default_nh = (uint32_t)id;
		rt->has_default = true;
	} else {
		int rc = rte_lpm_add(rt->lpm, prefix, len, (uint32_t)id);
		if (rc < 0)
			return rc == -EINVAL ? -EINVAL : -ENOSPC;
	}
	rt->nh[id].refs++;
	if (old >= 0)
		rt->nh[old].refs--;
	else
		rt->count++;
	return 0;
}

int net_route_del(struct net_route_table *rt, uint32_t prefix, uint8_t len)
{
	if (len > 32)
		return -EINVAL;
	prefix &= prefix_mask(len);
	int old = route_current(rt, prefix, len);
	if (old < 0)
		return -ENOENT;
	if (len == 0)
		rt->has_default = false;
	else if (rte_lpm_delete(rt->lpm, prefix, len) < 0)
		return -ENOENT;
	rt->nh[old].refs--;
	rt->count--;
	return 0;
}

int net_route_lookup(const struct net_route_table *rt, uint32_t dst, uint16_t *port,
                     uint32_t *next_hop)
{
	uint32_t id;
	if (rte_lpm_lookup(rt->lpm, dst, &id) != 0) {
		if (!rt->has_default)
			return -ENOENT;
		id = rt->default_nh;
	}
	const struct route_nh *nh = &rt->nh[id];
	*port = nh->port;
	*next_hop = nh->gw == NH_CONNECTED ? dst : nh->gw;
	return 0;
}

/* Next-hop id of a miss in the LPM (ids are 24-bit, so this is never a real one). */
#define LPM_MISS UINT32_MAX

static inline void hop_fill(const struct net_route_table *rt, uint32_t dst, uint32_t id,
                            struct net_route_hop *o, unsigned int *found)
{
	if (unlikely(id == LPM_MISS)) {
		if (!rt->has_default) {
			o->next_hop = 0;
			o->port = NET_ROUTE_NO_PORT;
			o->reserved = 0;
			o->nh_id = NET_ROUTE_NH_DIRECT;
			return;
		}
		id = rt->default_nh;
	}
	const struct route_nh *nh = &rt->nh[id];
	bool direct = nh->gw == NH_CONNECTED;
	o->next_hop = direct ? dst : nh->gw;
	o->port = nh->port;
	o->reserved = 0;
	o->nh_id = direct ? NET_ROUTE_NH_DIRECT : id;
	(*found)++;
}

unsigned int net_route_lookup_bulk(const struct net_route_table *rt, const uint32_t *dst,
                                   unsigned int n, struct net_route_hop *out)
{
	unsigned int found = 0, i = 0;

	/* Four at a time with rte_lpm's vector lookup (DPDK l3fwd's way), misses -> LPM_MISS. */
	for (; i + 4 <= n; i += 4) {
		uint32_t hop[4];
		xmm_t ips;
		memcpy(&ips, dst + i, sizeof(ips));
		rte_lpm_lookupx4(rt->lpm, ips, hop, LPM_MISS);
		for (unsigned int k = 0; k < 4; k++)
			hop_fill(rt, dst[i + k], hop[k], &out[i + k], &found);
	}
	for (; i < n; i++) {
		uint32_t id;
		if (rte_lpm_lookup(rt->lpm, dst[i], &id) != 0)
			id = LPM_MISS;
		hop_fill(rt, dst[i], id, &out[i], &found);
	}
	return found;
}

uint32_t net_route_nh_slots(const struct net_route_table *rt)
{
	return rt->nh_slots;
}

unsigned int net_route_count(const struct net_route_table *rt)
{
	return rt->count;
}
