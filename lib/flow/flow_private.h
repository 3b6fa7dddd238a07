/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_FLOW_PRIVATE_H
#define PEPGW_FLOW_PRIVATE_H

/* Internals of lib/flow; never included from outside the folder. */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>
#include <rte_log.h>

#include "flow.h"

extern int flow_logtype;

#define FLOW_LOG(level, fmt, ...)                                                                  \
	rte_log(RTE_LOG_##level, flow_logtype, "flow: " fmt "\n", ##__VA_ARGS__)

/* flow_key_make and flow_key_hash in one, IPv4 from registers (flow_key_make_v4). */
static inline int flow_key_make_sig(struct flow_key *key, const struct flow_match_input *in,
                                    uint32_t *sig)
{
	if (likely(in->family == FLOW_FAMILY_IPV4)) {
		uint16_t sport = in->sport, dport = in->dport;
		if (in->flags & FLOW_MATCH_F_FRAG_NONFIRST)
			sport = dport = 0;
		return flow_key_make_v4(key, in->proto, in->src.v4, in->dst.v4, sport, dport, sig);
	}
	int side = flow_key_make(key, in);
	if (side >= 0)
		*sig = flow_key_hash(key, sizeof(*key), 0);
	return side;
}

#endif
