/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_ICMP_H
#define PEPGW_NET_ICMP_H

/*
 * ICMP of an IPv4 router: echo replies for our addresses, the errors a router sends
 * (RFC 792, RFC 1191, RFC 1812 4.3.2) and the token bucket that limits them (RFC 1812 4.3.2.8).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "net.h"

#define NET_ICMP_ECHO_REPLY    0
#define NET_ICMP_DEST_UNREACH  3
#define NET_ICMP_ECHO_REQUEST  8
#define NET_ICMP_TIME_EXCEEDED 11
#define NET_ICMP_PARAM_PROBLEM 12

#define NET_ICMP_CODE_HOST_UNREACH 1
#define NET_ICMP_CODE_PORT_UNREACH 3
#define NET_ICMP_CODE_FRAG_NEEDED  4 /* RFC 1191: carries the next-hop MTU */
#define NET_ICMP_CODE_TTL_EXCEEDED 0

/* RFC 1812 4.3.2.3: an ICMP error datagram is at most 576 bytes long (IP header included). */
#define NET_ICMP_ERROR_MAX_LEN 576

/*
 * Turn the ICMP echo request in m (parsed into h, addressed to us) into its echo reply, in
 * place: Ethernet addresses swapped, IPv4 addresses swapped, TTL set to NET_IPV4_DEFAULT_TTL,
 * IP checksum recomputed, ICMP type 0 with the checksum updated incrementally (RFC 1624) so a
 * request with a wrong checksum gets a reply with a wrong checksum, as the peer deserves. The
 * VLAN tag and IP options are kept. h is updated to describe the reply.
 * Returns 0, or -EINVAL when h is not an unfragmented echo request held in m's first segment
 * (fragmented pings must be reassembled first).
 */
int net_icmp_echo_reply(struct rte_mbuf *m, struct net_hdrs *h);

/*
 * True when RFC 1812 4.3.2.7 allows an ICMP error about the packet described by h: not an ICMP
 * error itself (only echo, timestamp, information and address mask queries are answered), not a
 * non-first fragment, not an L2 or IPv4 broadcast/multicast destination, not a martian source (0/8,
 * 127/8, 224/4, 240/4). A subnet directed broadcast is not known here: the caller checks it.
 */
bool net_icmp_error_allowed(const struct net_hdrs *h);

/*
 * Build an ICMP error about the packet orig (parsed into h) in a new mbuf from mp:
 *   Ethernet header (both MACs zero, type IPv4: the caller fills them after route/ARP),
 *   IPv4 header (src = src_ip, dst = the offending packet's source, TTL 64, DF, ID 0 as an
 *   atomic datagram may carry, RFC 6864 4.1), ICMP header (type, code, and for type 3 code 4
 *   the next-hop MTU, RFC 1191 section 4), then the offending IP header and as much of its
 *   datagram as keeps the IP datagram within 576 bytes (RFC 1812 4.3.2.3). Bytes beyond the
 *   offending IP total length (Ethernet padding) are never quoted. Checksums are computed;
 *   m->l2_len/l3_len are set.
 * Returns the mbuf, or NULL with rte_errno:
 *   EPERM   net_icmp_error_allowed says no (not a failure: count nothing, send nothing)
 *   ENOBUFS mp is empty
 *   EINVAL  h does not describe an IPv4 packet that lies within orig
 */
struct rte_mbuf *net_icmp_error(struct rte_mempool *mp, const struct rte_mbuf *orig,
                                const struct net_hdrs *h, uint8_t type, uint8_t code,
                                uint16_t next_hop_mtu, uint32_t src_ip);

/*
 * Token bucket: rate tokens per second, at most burst tokens saved. Per lcore, not
 * thread-safe. rate 0 means no refill (only the initial burst); burst 0 means nothing passes.
 */
struct net_ratelimit {
	uint64_t rate;         /* tokens per second */
	uint64_t cap_micro;    /* burst * 1e6 */
	uint64_t tokens_micro; /* millionths of a token */
	uint64_t last_us;
};

/* Start full (burst tokens available) at now_us. */
void net_ratelimit_init(struct net_ratelimit *rl, uint32_t rate_per_s, uint32_t burst,
                        uint64_t now_us);

/*
 * Take one token at now_us: true when the event may happen, false when it must be suppressed
 * (count STAT_icmp_errors_ratelimited). A clock that goes backwards adds nothing.
 */
bool net_ratelimit_take(struct net_ratelimit *rl, uint64_t now_us);

#endif
