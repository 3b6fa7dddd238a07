/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_CSUM_H
#define PEPGW_NET_CSUM_H

/*
 * Internet checksum helpers (RFC 1071). Checksum values are handled exactly as they sit in the
 * packet: a uint16_t read from packet memory with no byte swap ("wire view"), and 16-bit
 * operands of the incremental update in that same view. The one's-complement sum is
 * byte-order independent as long as every operand uses the same order (RFC 1071 2(B)), so
 * loads are native and no swap happens on any host.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

/* Fold a 32-bit one's-complement accumulator to 16 bits (not inverted). */
static inline uint16_t net_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for a 16-bit field changing from old_val to
 * new_val (all three in wire view). Avoids the -0 (0x0000 vs 0xffff) ambiguity of the
 * RFC 1141 form.
 */
static inline uint16_t net_csum_update16(uint16_t csum, uint16_t old_val, uint16_t new_val)
{
	uint32_t sum = (uint16_t)~csum;
	sum += (uint16_t)~old_val;
	sum += new_val;
	return (uint16_t)~net_csum_fold(sum);
}

/* RFC 1624 update for a 32-bit field (an address), both values in wire view. */
static inline uint16_t net_csum_update32(uint16_t csum, uint32_t old_val, uint32_t new_val)
{
	uint32_t sum = (uint16_t)~csum;
	sum += (uint16_t) ~(old_val & 0xffff);
	sum += (uint16_t) ~(old_val >> 16);
	sum += new_val & 0xffff;
	sum += new_val >> 16;
	return (uint16_t)~net_csum_fold(sum);
}

/*
 * One's-complement sum of len bytes of buf added to sum, folded to 16 bits, not inverted, in
 * wire view. Chainable: net_csum_partial(b, lb, net_csum_partial(a, la, 0)) sums a then b,
 * provided la is even (an odd chunk shifts the bytes of the next one).
 */
static inline uint32_t net_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
	while (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high-order byte of a zero-padded 16-bit word (RFC 1071 4.1).
		 */
		uint8_t last[2] = {p[0], 0};
		uint16_t w;
		memcpy(&w, last, 2);
		acc += w;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return net_csum_fold((uint32_t)acc);
}

/*
 * IPv4 header checksum of the ihl*4-byte header at ip, with the checksum field counted as zero
 * whatever it holds. The result is the value to store in hdr_checksum.
 */
static inline uint16_t net_csum_ipv4_hdr(const struct rte_ipv4_hdr *ip)
{
	unsigned int hlen = (unsigned int)(ip->version_ihl & 0xf) * 4;
	uint32_t sum = net_csum_partial(ip, hlen, 0);
	sum += (uint16_t)~ip->hdr_checksum; /* remove the stored value from the sum */
	return (uint16_t)~net_csum_fold(sum);
}

/* True when the header at ip (hlen bytes, already bounds-checked) has a correct checksum. */
static inline bool net_csum_ipv4_hdr_ok(const void *ip, unsigned int hlen)
{
	if (likely(hlen == 20)) {
		/*
		 * No options (nearly every packet): five independent 32-bit loads into a 64-bit
		 * accumulator, no loop; folding 64 -> 16 bits gives the RFC 1071 sum.
		 */
		uint32_t w[5];
		memcpy(w, ip, sizeof(w));
		uint64_t acc = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
		acc = (acc & 0xffffffffu) + (acc >> 32);
		acc = (acc & 0xffffffffu) + (acc >> 32);
		return net_csum_fold((uint32_t)acc) == 0xffff;
	}
	return net_csum_partial(ip, hlen, 0) == 0xffff;
}

/* Recompute and store the IPv4 header checksum. */
static inline void net_csum_ipv4_set(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = net_csum_ipv4_hdr(ip);
}

/*
 * Sum of the TCP/UDP pseudo-header (RFC 9293 3.1, RFC 768): addresses from the IPv4 header,
 * protocol, and l4_len (L4 header + payload bytes). Folded, not inverted: this is what TX
 * checksum offload wants in the L4 checksum field.
 */
static inline uint16_t net_csum_pseudo(const struct rte_ipv4_hdr *ip, uint8_t proto,
                                       uint16_t l4_len)
{
	uint32_t sum = net_csum_partial(&ip->src_addr, 8, 0);
	sum += rte_cpu_to_be_16(proto);
	sum += rte_cpu_to_be_16(l4_len);
	return net_csum_fold(sum);
}

/*
 * Full TCP or UDP checksum (proto) of l4_len contiguous bytes at l4 under the IPv4 header ip,
 * with the L4 checksum field counted as whatever it holds: zero it first, then store the
 * result. For UDP a computed 0 is returned as 0xffff (RFC 768: 0 means "no checksum").
 */
static inline uint16_t net_csum_l4(const struct rte_ipv4_hdr *ip, uint8_t proto, const void *l4,
                                   uint16_t l4_len)
{
	uint32_t sum = net_csum_pseudo(ip, proto, l4_len);
	uint16_t c = (uint16_t)~net_csum_fold(net_csum_partial(l4, l4_len, sum));
	if (c == 0 && proto == IPPROTO_UDP)
		c = 0xffff;
	return c;
}

/* True when the TCP/UDP segment (checksum field included) verifies; UDP checksum 0 is OK. */
static inline bool net_csum_l4_ok(const struct rte_ipv4_hdr *ip, uint8_t proto, const void *l4,
                                  uint16_t l4_len)
{
	if (proto == IPPROTO_UDP && l4_len >= 8) {
		uint16_t field;
		memcpy(&field, (const uint8_t *)l4 + 6, 2);
		if (field == 0)
			return true;
	}
	uint32_t sum = net_csum_pseudo(ip, proto, l4_len);
	return net_csum_partial(l4, l4_len, sum) == 0xffff;
}

/*
 * One's-complement sum of len bytes of a (possibly multi-segment) mbuf from offset off, added
 * to sum, in wire view, folded, not inverted; odd-length segments are handled. Returns 0 and
 * stores it in *out, or -EINVAL when off + len passes pkt_len.
 */
int net_csum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint32_t sum,
                  uint16_t *out);

/* Flags of net_csum_tx_prepare: what the egress port offloads (from its capabilities). */
#define NET_TX_HW_IP_CKSUM  0x1 /* RTE_ETH_TX_OFFLOAD_IPV4_CKSUM */
#define NET_TX_HW_TCP_CKSUM 0x2 /* RTE_ETH_TX_OFFLOAD_TCP_CKSUM */
#define NET_TX_HW_UDP_CKSUM 0x4 /* RTE_ETH_TX_OFFLOAD_UDP_CKSUM */

struct net_hdrs;

/*
 * Make the checksums of an IPv4 packet in m right for transmission after its headers were
 * rewritten. For each of IP / TCP / UDP: if hw_flags says the port offloads it, set the mbuf
 * up for the NIC (l2/l3/l4_len, RTE_MBUF_F_TX_IPV4 and _TX_IP_CKSUM / _TX_TCP_CKSUM /
 * _TX_UDP_CKSUM, IP checksum zeroed, L4 field = pseudo-header sum); else compute it in
 * software over the whole (possibly multi-segment) mbuf. ICMP and non-first fragments get no
 * L4 work (ICMP checksums are kept right incrementally by whoever edits them; fragments carry
 * no L4 header). h is the parse result of m (net_parse_mbuf). Returns 0, or -EINVAL when h
 * does not describe an IPv4 packet or its lengths pass the mbuf.
 */
int net_csum_tx_prepare(struct rte_mbuf *m, const struct net_hdrs *h, unsigned int hw_flags);

#endif
