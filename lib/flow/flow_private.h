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

/*
 * CRC32C steps of flow_key_hash. With SSE4.2 known at compile time (the DPDK flags give
 * -march=corei7) the instruction is used directly; rte_hash_crc_* would first load and test
 * its run-time algorithm choice on every call. Both compute the same CRC32C.
 */
#if defined(__SSE4_2__)
#include <nmmintrin.h>
static inline uint32_t flow_crc8(uint64_t v, uint32_t init)
{
	return (uint32_t)_mm_crc32_u64(init, v);
}
static inline uint32_t flow_crc4(uint32_t v, uint32_t init)
{
	return _mm_crc32_u32(init, v);
}
#else
static inline uint32_t flow_crc8(uint64_t v, uint32_t init)
{
	return rte_hash_crc_8byte(v, init);
}
static inline uint32_t flow_crc4(uint32_t v, uint32_t init)
{
	return rte_hash_crc_4byte(v, init);
}
#endif

/* flow_key_hash of an IPv4 key from its 8-byte head (as loaded from memory) and addresses. */
static inline uint32_t flow_key_hash_v4(uint64_t head, uint32_t a0, uint32_t a1, uint32_t init)
{
	return flow_crc4(a1, flow_crc4(a0, flow_crc8(head, init)));
}

/* An IPv4 endpoint as one comparable integer: address above port. */
static inline uint64_t flow_endpoint4(uint32_t addr, uint16_t port)
{
	return ((uint64_t)addr << 16) | port;
}

/*
 * flow_key_make that also returns the key's hash (*sig, init value 0). The IPv4 key is
 * written with wide stores and hashed from registers: reading back a key just assembled from
 * byte and 16-bit stores would stall store-to-load forwarding once per packet.
 */
static inline int flow_key_make_sig(struct flow_key *key, const struct flow_match_input *in,
                                    uint32_t *sig)
{
	if (likely(in->family == FLOW_FAMILY_IPV4)) {
		uint16_t sport = in->sport, dport = in->dport;
		if (in->flags & FLOW_MATCH_F_FRAG_NONFIRST)
			sport = dport = 0;
		uint32_t src = in->src.v4, dst = in->dst.v4;
		int side = flow_endpoint4(src, sport) > flow_endpoint4(dst, dport);
		uint32_t a0 = side ? dst : src, a1 = side ? src : dst;
		uint16_t p0 = side ? dport : sport, p1 = side ? sport : dport;
		/* family, proto, port[0], port[1], reserved: the key's first 8 bytes. */
		uint64_t head;
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
		head = (uint64_t)FLOW_FAMILY_IPV4 | (uint64_t)in->proto << 8 | (uint64_t)p0 << 16 |
		       (uint64_t)p1 << 32;
#else
		head = (uint64_t)FLOW_FAMILY_IPV4 << 56 | (uint64_t)in->proto << 48 |
		       (uint64_t)p0 << 32 | (uint64_t)p1 << 16;
#endif
		uint64_t w[6] = {head, a0, 0, a1, 0, 0};
#if RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN
		/* addr[i].v4 is the union's first 4 bytes: the high half of a big-endian word. */
		w[1] = (uint64_t)a0 << 32;
		w[3] = (uint64_t)a1 << 32;
#endif
		_Static_assert(sizeof(w) == sizeof(*key), "flow_key is six 8-byte words");
		memcpy(key, w, sizeof(w));
		*sig = flow_key_hash_v4(head, a0, a1, 0);
		return side;
	}
	int side = flow_key_make(key, in);
	if (side >= 0)
		*sig = flow_key_hash(key, sizeof(*key), 0);
	return side;
}

#endif
