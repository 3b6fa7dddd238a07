/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_H
#define PEPGW_NET_H

/*
 * lib/net: header parsing and L3 helpers of the data path.
 *
 *   net.h        frame parser (Ethernet, one 802.1Q tag, IPv4, TCP, UDP, ICMP, ARP), address
 *                classes, TTL decrement
 *   net_csum.h   Internet checksums: full, pseudo-header, RFC 1624 incremental, TX offload prep
 *   net_icmp.h   echo reply in place, ICMP errors (RFC 1812 4.3.2), error rate limiter
 *   net_arp.h    ARP packets and the per-lcore neighbour table with held packets
 *   net_route.h  longest-prefix-match routes on rte_lpm
 *
 * Conventions of the whole library:
 * - Addresses and ports in the structs and parameters of this library are HOST byte order
 *   (as in lib/config and rte_lpm); the packet bytes are of course network order.
 * - A function that drops a packet returns the enum stat_id of the reason (> 0, lib/stats);
 *   0 means success. Other functions return 0 or a negative errno; constructors return NULL
 *   and set rte_errno.
 * - No clock is read: time is uint64_t now_us (monotonic, arbitrary origin).
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net_csum.h"
#include "stats.h"

/* Result flags of net_parse (struct net_hdrs.flags). */
#define NET_F_VLAN      0x0001 /* one 802.1Q tag was present (vlan_tci valid) */
#define NET_F_IPV4      0x0002 /* IPv4 header parsed (l3 fields valid) */
#define NET_F_ARP       0x0004 /* ARP packet parsed (arp_op, src, dst valid) */
#define NET_F_L4        0x0008 /* TCP/UDP/ICMP header present and parsed (ports, flags valid) */
#define NET_F_DF        0x0010 /* IPv4 Don't Fragment */
#define NET_F_MF        0x0020 /* IPv4 More Fragments */
#define NET_F_FRAG      0x0040 /* a fragment (MF set or offset > 0) */
#define NET_F_FRAG_TAIL 0x0080 /* a non-first fragment: no L4 header in it (not a drop) */
#define NET_F_IP_OPTS   0x0100 /* IPv4 header carries options (ihl > 5) */
#define NET_F_L2_MCAST  0x0200 /* Ethernet destination is broadcast or multicast */

/* Ethernet header with its optional 802.1Q tag never exceeds this. */
#define NET_ETH_VLAN_HLEN    18
#define NET_IPV4_MIN_HLEN    20
#define NET_TCP_MIN_HLEN     20
#define NET_UDP_HLEN         8
#define NET_ICMP_HLEN        8
#define NET_ARP_LEN          28 /* Ethernet/IPv4 ARP body (RFC 826) */
#define NET_IPV4_DEFAULT_TTL 64 /* RFC 1700 / RFC 1122 3.2.1.7 recommended default */

/*
 * Where the headers of one frame are and what they say. Offsets count from the first byte of
 * the Ethernet header. Filled by net_parse; fields not valid for the frame's kind are zero.
 */
struct net_hdrs {
	uint16_t l2_len;      /* Ethernet header, 14 or 18 with a VLAN tag */
	uint16_t l3_len;      /* IPv4 header with options (ihl * 4); 28 for ARP */
	uint16_t l4_len;      /* TCP header with options (doff * 4), 8 for UDP/ICMP; 0 without L4 */
	uint16_t payload_off; /* l2_len + l3_len + l4_len */
	uint16_t payload_len; /* L4 payload bytes (by the IP total length, not the frame) */
	uint16_t ethertype;   /* after the VLAN tag: RTE_ETHER_TYPE_IPV4 or _ARP */
	uint16_t vlan_tci;    /* valid with NET_F_VLAN */
	uint16_t flags;       /* NET_F_* */
	uint16_t ip_total_len; /* IPv4 total length; frame bytes beyond it are padding */
	uint16_t ip_id;
	uint16_t frag_off; /* fragment offset in bytes (field * 8) */
	uint8_t proto;     /* IPPROTO_TCP, _UDP, _ICMP, other */
	uint8_t ttl;
	uint8_t dscp;      /* TOS >> 2 (RFC 2474) */
	uint8_t ecn;       /* TOS & 3 (RFC 3168) */
	uint8_t tcp_flags; /* RTE_TCP_*_FLAG bits (low 8 bits of the TCP flags) */
	uint8_t icmp_type; /* valid for ICMP with NET_F_L4 */
	uint8_t icmp_code;
	uint16_t arp_op;   /* RTE_ARP_OP_REQUEST / _REPLY, with NET_F_ARP */
	uint32_t src, dst; /* IPv4 source/destination; ARP sender/target protocol address */
	/*
	 * TCP/UDP ports. ICMP echo request/reply: both hold the echo identifier, so the flow table
	 * can key pings like a port pair. Zero otherwise.
	 */
	uint16_t sport, dport;
};

/*
 * Parse one frame held contiguously in frame[0..len). Ethernet (+ one 802.1Q tag), then IPv4
 * (TCP, UDP, ICMP or any other protocol without L4) or ARP (Ethernet/IPv4 only). The IPv4
 * header checksum is verified.
 *
 * Returns 0 and fills h, or the drop reason:
 *   STAT_drop_runt        frame shorter than Ethernet (+ VLAN) header
 *   STAT_drop_not_ip      ethertype neither IPv4 nor ARP (IPv6, QinQ, ...)
 *   STAT_drop_ip_version  IP version not 4
 *   STAT_drop_ip_ihl      ihl < 5 or header past the frame
 *   STAT_drop_ip_len      total length < ihl * 4 or beyond the frame
 *   STAT_drop_ip_csum     IPv4 header checksum wrong
 *   STAT_drop_l4_truncated TCP/UDP/ICMP header cut by the IP total length (unfragmented or
 *                         first fragment); UDP length field disagreeing with the IP length
 *   STAT_drop_tcp_doff    TCP data offset < 5 or past the segment
 *   STAT_drop_frag_bad    RFC 1858 tiny first fragment (cuts the TCP/UDP/ICMP header), TCP
 *                         fragment at offset 8 (overlaps the TCP flags), non-last fragment not a
 *                         multiple of 8 bytes (RFC 791), fragment ending past 65535
 *   STAT_drop_arp_bad     ARP not htype 1 / ptype 0x0800 / hlen 6 / plen 4, op not 1 or 2,
 *                         sender MAC multicast, or body cut short
 * Non-first fragments parse fine with NET_F_FRAG_TAIL and no L4 fields. TCP options are not
 * looked at (lib/mss and lib/tcp walk them).
 */
int net_parse(const uint8_t *frame, uint32_t len, struct net_hdrs *h);

/* Options of net_parse_ex. */
#define NET_PARSE_NO_IP_CSUM 0x1 /* the IPv4 header checksum was already checked (RX offload) */

/*
 * The TCP flag policy of every path (forward, accelerate): whether a segment with these flags
 * (the header's flag byte: FIN 0x01 ... CWR 0x80) is one a TCP stack can accept. Returns 0,
 * or the drop reason:
 *   STAT_drop_tcp_syn_fin   SYN and FIN
 *   STAT_drop_tcp_syn_rst   SYN and RST (without FIN)
 *   STAT_drop_tcp_rst_fin   RST and FIN (without SYN)
 *   STAT_drop_tcp_no_flags  no flag at all (a "null" segment)
 *   STAT_drop_tcp_no_ack    none of SYN, RST, ACK, but FIN, PSH, URG, ECE or CWR
 *   STAT_drop_tcp_urg       URG with SYN and ACK, or with RST
 * The accepted set is netfilter's (nf_conntrack_proto_tcp.c, tcp_valid_flags): over FIN, SYN,
 * RST, ACK and URG only SYN, SYN+URG, SYN+ACK, RST, RST+ACK, FIN+ACK, FIN+ACK+URG, ACK and
 * ACK+URG; PSH, ECE and CWR never decide. It needs no state: after the handshake every segment
 * carries ACK (RFC 9293 3.10.7.4), before it only SYN and RST may go without.
 */
int net_tcp_flags_check(uint8_t flags);

/*
 * net_parse with options, for a frame whose first hdr_len bytes are contiguous in memory and
 * whose whole length is frame_len (>= hdr_len; a multi-segment mbuf). Headers must lie in
 * the contiguous part (else STAT_drop_runt / _ip_ihl / _l4_truncated as above).
 */
int net_parse_ex(const uint8_t *frame, uint32_t hdr_len, uint32_t frame_len, unsigned int opts,
                 struct net_hdrs *h);

/*
 * Parse the frame of an mbuf: headers in the first segment, lengths against pkt_len. Uses the
 * RX IP checksum offload flags (GOOD skips the software check, BAD drops with
 * STAT_drop_ip_csum). Does not modify the mbuf; see net_hdrs_to_mbuf.
 * This is the full parser; net_parse_mbuf (below) gives the same result, faster for the
 * usual frame.
 */
int net_parse_mbuf_full(const struct rte_mbuf *m, struct net_hdrs *h);

static inline uint16_t net_rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return rte_be_to_cpu_16(v);
}

static inline uint32_t net_rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

/*
 * net_parse_mbuf_full with the data path's usual frame handled inline: untagged Ethernet,
 * IPv4 without options, not a fragment, a complete TCP or UDP header, a good IPv4 header
 * checksum (or RX offload says GOOD). Every check the full parser makes for such a frame is
 * made here (lengths against the first segment and pkt_len, TCP data offset, UDP length);
 * anything else, every error included, goes to the full parser, so results and drop reasons
 * are the same (parse_test and the fuzz target compare both).
 */
static inline int net_parse_mbuf(const struct rte_mbuf *m, struct net_hdrs *h)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t seg = m->data_len, len = m->pkt_len;
	uint64_t ipck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	/* Ethernet + IPv4 + the 20 bytes of a TCP header, all in the first segment. */
	if (likely(seg >= RTE_ETHER_HDR_LEN + NET_IPV4_MIN_HLEN + NET_TCP_MIN_HLEN && seg <= len &&
	           ipck != RTE_MBUF_F_RX_IP_CKSUM_BAD)) {
		const uint8_t *ip = f + RTE_ETHER_HDR_LEN;
		const uint8_t *l4 = ip + NET_IPV4_MIN_HLEN;
		uint32_t total = net_rd16(ip + 2);
		/* Ethertype and fragment field compared in network order: no byte swap. */
		uint16_t ethertype_be, frag_be;
		memcpy(&ethertype_be, f + 12, 2);
		memcpy(&frag_be, ip + 6, 2);
		uint8_t proto = ip[9];
		if (likely(ethertype_be == RTE_BE16(RTE_ETHER_TYPE_IPV4) && ip[0] == 0x45 &&
		           total >= NET_IPV4_MIN_HLEN && total <= len - RTE_ETHER_HDR_LEN &&
		           (frag_be & RTE_BE16(0x3fff)) == 0 &&
		           (proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
		           (ipck == RTE_MBUF_F_RX_IP_CKSUM_GOOD ||
		            net_csum_ipv4_hdr_ok(ip, NET_IPV4_MIN_HLEN)))) {
			uint32_t ip_payload = total - NET_IPV4_MIN_HLEN, l4_len, payload;
			if (proto == IPPROTO_TCP) {
				l4_len = (uint32_t)(l4[12] >> 4) * 4;
				/* The first segment holds seg - 34 >= 20 bytes of it. */
				if (unlikely(ip_payload < NET_TCP_MIN_HLEN ||
				             l4_len < NET_TCP_MIN_HLEN || l4_len > ip_payload ||
				             l4_len > seg - RTE_ETHER_HDR_LEN - NET_IPV4_MIN_HLEN))
					goto full;
				payload = ip_payload - l4_len;
			} else {
				/* RFC 768: the UDP length, within the datagram, bounds the payload.
				 */
				uint32_t ulen = net_rd16(l4 + 4);
				if (unlikely(ip_payload < NET_UDP_HLEN || ulen < NET_UDP_HLEN ||
				             ulen > ip_payload))
					goto full;
				l4_len = NET_UDP_HLEN;
				payload = ulen - NET_UDP_HLEN;
			}
			memset(h, 0, sizeof(*h));
			h->l2_len = RTE_ETHER_HDR_LEN;
			h->l3_len = NET_IPV4_MIN_HLEN;
			h->l4_len = (uint16_t)l4_len;
			h->payload_off = (uint16_t)(RTE_ETHER_HDR_LEN + NET_IPV4_MIN_HLEN + l4_len);
			h->payload_len = (uint16_t)payload;
			h->ethertype = RTE_ETHER_TYPE_IPV4;
			h->flags = NET_F_IPV4 | NET_F_L4 |
			           ((frag_be & RTE_BE16(0x4000)) ? NET_F_DF : 0) |
			           ((f[0] & 1) ? NET_F_L2_MCAST : 0);
			h->ip_total_len = (uint16_t)total;
			h->ip_id = net_rd16(ip + 4);
			h->proto = proto;
			h->ttl = ip[8];
			h->dscp = ip[1] >> 2;
			h->ecn = ip[1] & 3;
			h->tcp_flags = proto == IPPROTO_TCP ? l4[13] : 0;
			h->src = net_rd32(ip + 12);
			h->dst = net_rd32(ip + 16);
			h->sport = net_rd16(l4);
			h->dport = net_rd16(l4 + 2);
			return 0;
		}
	}
full:
	return net_parse_mbuf_full(m, h);
}

/* Copy l2_len/l3_len/l4_len into the mbuf's TX offload fields. */
static inline void net_hdrs_to_mbuf(const struct net_hdrs *h, struct rte_mbuf *m)
{
	m->l2_len = h->l2_len;
	m->l3_len = h->l3_len;
	m->l4_len = h->l4_len;
}

/* Address classes (host byte order). */
static inline bool net_ipv4_is_multicast(uint32_t a)
{
	return (a & 0xf0000000u) == 0xe0000000u; /* 224/4 */
}

static inline bool net_ipv4_is_broadcast(uint32_t a)
{
	return a == 0xffffffffu;
}

/*
 * RFC 1812 4.3.2.7 / 5.3.7: a source that does not name one host: 0/8 ("this network"),
 * 127/8 loopback, 224/4 multicast, 240/4 class E (includes 255.255.255.255).
 */
static inline bool net_ipv4_is_martian_src(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);
	return top == 0 || top == 127 || top >= 224;
}

/*
 * Decrement the TTL of the IPv4 header at ip and fix its checksum incrementally
 * (RFC 1624; RFC 1812 5.3.1). Returns 0, or STAT_drop_ttl_exceeded when the TTL is 0 or 1
 * (the packet must not be forwarded; send ICMP time exceeded). The header is not modified
 * then.
 */
static inline int net_ipv4_dec_ttl(struct rte_ipv4_hdr *ip)
{
	if (ip->time_to_live <= 1)
		return STAT_drop_ttl_exceeded;
	/*
	 * TTL is the high byte of the 16-bit word it shares with the protocol: one less TTL is
	 * 0x0100 less in that word, i.e. 0x0100 more in the stored (complemented) checksum, with
	 * the end-around carry. Counting 0xffff as a carry too turns the only -0 this can make
	 * into +0, so the result is exactly RFC 1624 eqn. 3's (and a full recomputation's; Linux's
	 * ip_decrease_ttl does the same). One's-complement sums do not depend on byte order
	 * (RFC 1071 2.B), so the addition works on the host-order view of the field. The TTL
	 * byte and the checksum do not overlap: no store-to-load stall.
	 */
	uint32_t check = ip->hdr_checksum;
	check += rte_cpu_to_be_16(0x0100);
	ip->hdr_checksum = (uint16_t)(check + (check >= 0xffff));
	ip->time_to_live--;
	return 0;
}

#endif
