/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "flow.h"
#include "flow_private.h"

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
		side = flow_endpoint4(in->src.v4, sport) > flow_endpoint4(in->dst.v4, dport);
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
	/* The rest of an IPv4 key is zero by construction: skip it. */
	if (k->family == FLOW_FAMILY_IPV4)
		return flow_key_hash_v4(head, k->addr[0].v4, k->addr[1].v4, init_val);
	init_val = flow_crc8(head, init_val);
	for (unsigned int i = 0; i < sizeof(k->addr) / 8; i++) {
		uint64_t w;
		memcpy(&w, (const uint8_t *)k->addr + 8 * i, 8);
		init_val = flow_crc8(w, init_val);
	}
	return init_val;
}
