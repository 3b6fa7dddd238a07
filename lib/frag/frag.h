/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_FRAG_H
#define PEPGW_FRAG_H

/*
 * Fragmentation policy for IPv4 packets larger than the egress (or tunnel) MTU, fragmentation
 * with DPDK rte_ip_frag, and a bounded reassembly table.
 *
 * Policies (per rule, DESIGN.md "frag"):
 *  - FRAG_POLICY_ALWAYS: fragment even when DF is set, clearing DF (Peplink's "Always"). This
 *    breaks RFC 1191 path MTU discovery on purpose: the far side of a tunnel with a smaller
 *    MTU is often unreachable by ICMP, and a stalled connection is worse than fragments.
 *  - FRAG_POLICY_RESPECT_DF: DF set -> drop and send ICMP destination unreachable,
 *    fragmentation needed and DF set (type 3 code 4) carrying the next-hop MTU (RFC 1191
 *    section 4, RFC 792); DF clear -> fragment (RFC 791 section 3.2).
 *  - FRAG_POLICY_OUTER: the packet is encapsulated whole and the tunnel packet is fragmented,
 *    the peer reassembles. Not built yet: frag_decide() returns FRAG_OUTER so the caller can
 *    count it and fall back.
 *
 * Pure library: no clock (time is now_us), no counters (drop reasons are returned as
 * enum stat_id), never prints on the data path.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "stats.h"

enum frag_policy {
	FRAG_POLICY_RESPECT_DF = 0,
	FRAG_POLICY_ALWAYS,
	FRAG_POLICY_OUTER,
};

enum frag_verdict {
	FRAG_SEND = 0,          /* fits the MTU: send as is */
	FRAG_FRAGMENT,          /* DF clear: frag_fragment(..., clear_df = false) */
	FRAG_FRAGMENT_CLEAR_DF, /* policy always, DF set: frag_fragment(..., clear_df = true),
	                         * count STAT_frag_df_cleared */
	FRAG_DROP_NEED_FRAG,    /* policy respect_df, DF set: drop (STAT_drop_df_mtu) and send
	                         * ICMP type 3 code 4 with next-hop MTU = mtu (rate limited) */
	FRAG_OUTER,             /* policy outer: the tunnel fragments the outer packet (not built
	                         * yet; the caller counts it and applies its fallback) */
};

/* Smallest MTU every IPv4 link must carry (RFC 791 section 3.2); also DPDK's minimum. */
#define FRAG_MTU_MIN 68

/*
 * Decide what to do with an IPv4 packet of total length ip_total_len (host order, the header's
 * total length field) and DF bit df, to be sent on a link with the given MTU (bytes of IP
 * packet, Ethernet header excluded).
 */
enum frag_verdict frag_decide(enum frag_policy policy, uint16_t ip_total_len, bool df,
                              uint16_t mtu);

/* Same, reading total length and DF from an IPv4 header the caller has already validated. */
enum frag_verdict frag_decide_hdr(enum frag_policy policy, const struct rte_ipv4_hdr *ip,
                                  uint16_t mtu);

/* The drop reason of a verdict: STAT_drop_df_mtu for FRAG_DROP_NEED_FRAG, else STAT_MAX. */
enum stat_id frag_verdict_stat(enum frag_verdict v);

/*
 * Upper bound of the number of fragments frag_fragment() makes from an IPv4 packet of
 * ip_total_len bytes with an IP header of ihl_bytes, for the given MTU: each fragment carries
 * (mtu - ihl_bytes) rounded down to a multiple of 8 payload bytes (RFC 791 section 2.3).
 * Returns 0 when mtu cannot carry ihl_bytes + 8.
 */
static inline unsigned int frag_count(uint16_t ip_total_len, uint16_t ihl_bytes, uint16_t mtu)
{
	if (mtu < ihl_bytes + 8 || ip_total_len < ihl_bytes)
		return 0;
	unsigned int per = (unsigned int)(mtu - ihl_bytes) & ~7u;
	unsigned int payload = (unsigned int)(ip_total_len - ihl_bytes);
	return payload == 0 ? 1 : (payload + per - 1) / per;
}

/*
 * Fragment an IPv4 packet to mtu with rte_ipv4_fragment_packet().
 *
 * pkt starts at the Ethernet header; pkt->l2_len must hold its length (14, 18 with a VLAN
 * tag) and the IPv4 header (with its options) must sit in the first segment. Bytes after the
 * IPv4 total length (Ethernet padding) are trimmed. With clear_df the DF bit is cleared
 * (policy always); without it a DF-set packet is refused (-ENOTSUP).
 *
 * Each fragment in out[] starts with a copy of pkt's Ethernet header (l2_len bytes, prepended
 * in the fragment's headroom), so the caller rewrites MAC addresses exactly as for the
 * unfragmented packet. Each fragment has l2_len/l3_len set, a valid IPv4 header checksum
 * (computed in software: ol_flags carry no checksum request), the original ID, offsets in
 * 8-byte units and MF on all but the last (an input that was itself a non-last fragment keeps
 * MF on all). IP options (RFC 791 3.1): the first fragment carries all of them, later
 * fragments only those whose copied flag is set (rte_ip_frag of DPDK 22.11; pinned by
 * frag_test.c), so later fragments may have a shorter header.
 *
 * The payload is not copied: fragments hold indirect mbufs pointing into pkt
 * (pool_indirect) behind a fresh header mbuf (pool_direct).
 *
 * On success returns the number of fragments (>= 1) and pkt is consumed (its data lives on
 * through the fragments' references); the caller sends or frees every out[i]. On failure
 * returns a negative errno, pkt is left as it was (same data, DF restored) and owned by the
 * caller, who drops it counting *drop_reason (may be NULL): STAT_drop_no_mbuf for -ENOMEM,
 * else STAT_drop_frag_failed.
 * Errors: -ENOMEM (a pool is empty), -EINVAL (mtu below FRAG_MTU_MIN or below the IP header +
 * 8, n_out smaller than frag_count(), header not in the first segment, bad IHL or total
 * length), -ENOTSUP (DF set and clear_df false), -ENOSPC (a fragment's header mbuf has no
 * headroom for the L2 header).
 */
int frag_fragment(struct rte_mbuf *pkt, uint16_t mtu, bool clear_df, struct rte_mbuf **out,
                  uint16_t n_out, struct rte_mempool *pool_direct,
                  struct rte_mempool *pool_indirect, enum stat_id *drop_reason);

/*
 * Reassembly (inbound fragments to the gateway, tunnel 'outer'): a per-lcore wrapper of
 * rte_ip_frag_tbl with a bounded number of packets in flight, a timeout, and a death row of
 * mbufs to free that the caller empties in batches (frag_reasm_flush() once per loop).
 */
struct frag_reasm;

struct frag_reasm_params {
	const char *name;     /* for logs only */
	uint32_t max_packets; /* datagrams being reassembled at once (table entries) */
	uint64_t timeout_us;  /* a datagram not complete after this is freed (RFC 791: 15 s
	                       * initial timer; a gateway wants far less) */
	int socket_id;
};

/* Returns NULL and sets rte_errno (EINVAL, ENOMEM) on failure. */
struct frag_reasm *frag_reasm_create(const struct frag_reasm_params *p);
void frag_reasm_free(struct frag_reasm *r);

/*
 * Feed one IPv4 fragment (m starts at the Ethernet header, l2_len and l3_len set; ip points
 * at its IPv4 header). Returns the reassembled packet (Ethernet header of the first fragment,
 * IP total length and checksum fixed) once all fragments are in, else NULL: the fragment is
 * kept, or was put on the death row (duplicate, overlap, table full, timeout).
 */
struct rte_mbuf *frag_reasm_input(struct frag_reasm *r, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
                                  uint64_t now_us);

/* Move datagrams older than timeout_us to the death row. */
void frag_reasm_expire(struct frag_reasm *r, uint64_t now_us);

/* Free the death row; returns the number of mbufs freed. */
unsigned int frag_reasm_flush(struct frag_reasm *r);

#endif
