/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "flow.h"

/* An IPv4 endpoint as one comparable integer: address above port. */
static inline uint64_t endpoint4(uint32_t addr, uint16_t port)
{
	return ((uint64_t)addr << 16) | port;
}

int flow_key_make(struct flow_key *key, const struct flow_match_input *in)
{
	uint16_t sport = in->sport, dport = in->dport;
	int side;

	memset(key, 0, sizeof(*key));
	if (in->flags & FLOW_MATCH_F_FRAG_NONFIRST)
		sport = dport = 0;
	key->proto = in->proto;
	if (in->family == FLOW_FAMILY_IPV4) {
		key->family = FLOW_FAMILY_IPV4;
		side = endpoint4(in->src.v4, sport) > endpoint4(in->dst.v4, dport);
		key->addr[side].v4 = in->src.v4;
		key->addr[!side].v4 = in->dst.v4;
	} else if (in->family == FLOW_FAMILY_IPV6) {
		int c = memcmp(in->src.v6, in->dst.v6, sizeof(in->src.v6));
		key->family = FLOW_FAMILY_IPV6;
		side = c > 0 || (c == 0 && sport > dport);
		memcpy(key->addr[side].v6, in->src.v6, sizeof(in->src.v6));
		memcpy(key->addr[!side].v6, in->dst.v6, sizeof(in->dst.v6));
	} else {
		return -EINVAL;
	}
	key->port[side] = sport;
	key->port[!side] = dport;
	return side;
}

uint32_t flow_key_hash(const void *data, uint32_t key_len, uint32_t init_val)
{
	const struct flow_key *k = data;
	uint64_t head;

	/* family, proto, ports: the first 8 bytes, one CRC step. */
	memcpy(&head, k, sizeof(head));
	init_val = rte_hash_crc_8byte(head, init_val);
	if (k->family == FLOW_FAMILY_IPV4) {
		/* The rest of an IPv4 key is zero by construction: skip it. */
		init_val = rte_hash_crc_4byte(k->addr[0].v4, init_val);
		return rte_hash_crc_4byte(k->addr[1].v4, init_val);
	}
	return rte_hash_crc(k->addr, sizeof(k->addr), init_val);
}
