/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <rte_tcp.h>
#include <rte_udp.h>

#include "net.h"
#include "net_csum.h"

int net_csum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint32_t sum, uint16_t *out)
{
	if ((uint64_t)off + len > m->pkt_len)
		return -EINVAL;
	uint32_t acc = net_csum_fold(sum);
	uint32_t done = 0;
	const struct rte_mbuf *seg = m;
	while (seg != NULL && off >= seg->data_len) {
		off -= seg->data_len;
		seg = seg->next;
	}
	while (seg != NULL && done < len) {
		uint32_t n = RTE_MIN((uint32_t)seg->data_len - off, len - done);
		uint16_t part = (uint16_t)net_csum_partial(
		        rte_pktmbuf_mtod_offset(seg, const void *, off), n, 0);
		/* A chunk starting at an odd position of the stream has its bytes in the other
		 * halves of the 16-bit words (RFC 1071 2(B)): swap its sum. */
		if (done & 1)
			part = rte_bswap16(part);
		acc += part;
		done += n;
		off = 0;
		seg = seg->next;
	}
	if (done < len)
		return -EINVAL; /* segment chain shorter than pkt_len says */
	*out = net_csum_fold(acc);
	return 0;
}

#define TX_CKSUM_FLAGS                                                                             \
	(RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)

int net_csum_tx_prepare(struct rte_mbuf *m, const struct net_hdrs *h, unsigned int hw_flags)
{
	if (!(h->flags & NET_F_IPV4))
		return -EINVAL;
	uint32_t l4_off = (uint32_t)h->l2_len + h->l3_len;
	if (l4_off + h->l4_len > m->data_len || (uint32_t)h->l2_len + h->ip_total_len > m->pkt_len)
		return -EINVAL;

	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, h->l2_len);
	uint64_t ol = m->ol_flags & ~TX_CKSUM_FLAGS;
	net_hdrs_to_mbuf(h, m);

	if (hw_flags & NET_TX_HW_IP_CKSUM) {
		ip->hdr_checksum = 0;
		ol |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	} else {
		net_csum_ipv4_set(ip);
	}

	/* A fragment's L4 checksum covers the whole datagram: nothing to do on a piece. */
	bool l4 = (h->flags & NET_F_L4) && !(h->flags & NET_F_FRAG);
	if (l4 && (h->proto == IPPROTO_TCP || h->proto == IPPROTO_UDP)) {
		uint16_t l4_bytes = (uint16_t)(h->l4_len + h->payload_len);
		uint16_t *field;
		uint64_t hw_bit;
		bool hw;
		if (h->proto == IPPROTO_TCP) {
			field = &rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, l4_off)->cksum;
			hw = hw_flags & NET_TX_HW_TCP_CKSUM;
			hw_bit = RTE_MBUF_F_TX_TCP_CKSUM;
		} else {
			field = &rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, l4_off)
			                 ->dgram_cksum;
			hw = hw_flags & NET_TX_HW_UDP_CKSUM;
			hw_bit = RTE_MBUF_F_TX_UDP_CKSUM;
		}
		uint16_t pseudo = net_csum_pseudo(ip, h->proto, l4_bytes);
		if (hw) {
			/* The NIC adds the segment to the pseudo-header sum we leave in the field.
			 */
			*field = pseudo;
			ol |= RTE_MBUF_F_TX_IPV4 | hw_bit;
		} else {
			uint16_t sum;
			*field = 0;
			if (net_csum_mbuf(m, l4_off, l4_bytes, pseudo, &sum) < 0)
				return -EINVAL;
			uint16_t c = (uint16_t)~sum;
			/* RFC 768: a computed 0 is sent as all ones; 0 means "no checksum". */
			if (c == 0 && h->proto == IPPROTO_UDP)
				c = 0xffff;
			*field = c;
		}
	}
	m->ol_flags = ol;
	return 0;
}
