/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame parser of the data path. Runs on every packet: no loop except the IPv4 header
 * checksum, no allocation, every length read from the frame checked before it is used.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "net.h"
#include "net_arp.h"
#include "net_csum.h"

#define IPV4_FRAG_MASK 0x1fff /* offset field in 8-byte units */
#define IPV4_MF        0x2000
#define IPV4_DF        0x4000
#define IPV4_MAX_LEN   65535

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int net_arp_parse(const uint8_t *arp, uint32_t len, struct net_arp_pkt *a)
{
	if (len < NET_ARP_LEN)
		return STAT_drop_arp_bad;
	/* RFC 826: only Ethernet hardware and IPv4 protocol addresses are meaningful here. */
	if (rd16(arp) != RTE_ARP_HRD_ETHER || rd16(arp + 2) != RTE_ETHER_TYPE_IPV4 ||
	    arp[4] != RTE_ETHER_ADDR_LEN || arp[5] != 4)
		return STAT_drop_arp_bad;
	a->op = rd16(arp + 6);
	if (a->op != RTE_ARP_OP_REQUEST && a->op != RTE_ARP_OP_REPLY)
		return STAT_drop_arp_bad;
	memcpy(&a->sha, arp + 8, RTE_ETHER_ADDR_LEN);
	/* A group sender MAC would make every next hop through it a broadcast: refuse. */
	if (a->sha.addr_bytes[0] & 1)
		return STAT_drop_arp_bad;
	a->spa = rd32(arp + 14);
	memcpy(&a->tha, arp + 18, RTE_ETHER_ADDR_LEN);
	a->tpa = rd32(arp + 24);
	return 0;
}

/* L4 header of an unfragmented datagram or a first fragment; ip_payload bytes are available. */
static int parse_l4(const uint8_t *l4, uint32_t ip_payload, uint32_t contiguous, bool first_frag,
                    struct net_hdrs *h)
{
	uint32_t l4_len;
	/* A first fragment that cuts the L4 header is the RFC 1858 tiny-fragment attack. */
	int cut = first_frag ? STAT_drop_frag_bad : STAT_drop_l4_truncated;

	switch (h->proto) {
	case IPPROTO_TCP: {
		if (ip_payload < NET_TCP_MIN_HLEN)
			return cut;
		if (contiguous < NET_TCP_MIN_HLEN)
			return STAT_drop_l4_truncated;
		l4_len = (uint32_t)(l4[12] >> 4) * 4;
		if (l4_len < NET_TCP_MIN_HLEN)
			return STAT_drop_tcp_doff;
		if (l4_len > ip_payload)
			return first_frag ? STAT_drop_frag_bad : STAT_drop_tcp_doff;
		if (l4_len > contiguous)
			return STAT_drop_l4_truncated;
		h->sport = rd16(l4);
		h->dport = rd16(l4 + 2);
		h->tcp_flags = l4[13];
		break;
	}
	case IPPROTO_UDP: {
		if (ip_payload < NET_UDP_HLEN)
			return cut;
		if (contiguous < NET_UDP_HLEN)
			return STAT_drop_l4_truncated;
		l4_len = NET_UDP_HLEN;
		h->sport = rd16(l4);
		h->dport = rd16(l4 + 2);
		if (!first_frag) {
			/* RFC 768: the UDP length covers header and data; extra IP bytes are
			 * ignored, a length beyond the datagram is a truncation. */
			uint32_t ulen = rd16(l4 + 4);
			if (ulen < NET_UDP_HLEN || ulen > ip_payload)
				return STAT_drop_l4_truncated;
			ip_payload = ulen;
		}
		break;
	}
	case IPPROTO_ICMP: {
		if (ip_payload < NET_ICMP_HLEN)
			return cut;
		if (contiguous < NET_ICMP_HLEN)
			return STAT_drop_l4_truncated;
		l4_len = NET_ICMP_HLEN;
		h->icmp_type = l4[0];
		h->icmp_code = l4[1];
		/* Echo (RFC 792): the identifier plays the role of a port pair for flows. */
		if (h->icmp_type == RTE_IP_ICMP_ECHO_REQUEST ||
		    h->icmp_type == RTE_IP_ICMP_ECHO_REPLY)
			h->sport = h->dport = rd16(l4 + 4);
		break;
	}
	default:
		h->payload_off = (uint16_t)(h->l2_len + h->l3_len);
		h->payload_len = (uint16_t)ip_payload;
		return 0;
	}
	h->flags |= NET_F_L4;
	h->l4_len = (uint16_t)l4_len;
	h->payload_off = (uint16_t)(h->l2_len + h->l3_len + l4_len);
	h->payload_len = (uint16_t)(ip_payload - l4_len);
	return 0;
}

static int parse_ipv4(const uint8_t *ip, uint32_t contiguous, uint32_t avail, unsigned int opts,
                      struct net_hdrs *h)
{
	if (avail < NET_IPV4_MIN_HLEN || contiguous < NET_IPV4_MIN_HLEN)
		return STAT_drop_runt;
	if ((ip[0] >> 4) != 4)
		return STAT_drop_ip_version;
	uint32_t hlen = (uint32_t)(ip[0] & 0xf) * 4;
	if (hlen < NET_IPV4_MIN_HLEN || hlen > contiguous)
		return STAT_drop_ip_ihl;
	uint32_t total = rd16(ip + 2);
	/* Ethernet pads short frames: bytes past the total length are not the datagram's. */
	if (total < hlen || total > avail)
		return STAT_drop_ip_len;
	if (!(opts & NET_PARSE_NO_IP_CSUM) && !net_csum_ipv4_hdr_ok(ip, hlen))
		return STAT_drop_ip_csum;

	uint16_t frag = rd16(ip + 6);
	uint32_t frag_off = (uint32_t)(frag & IPV4_FRAG_MASK) * 8;
	uint32_t ip_payload = total - hlen;

	h->flags |= NET_F_IPV4;
	if (hlen > NET_IPV4_MIN_HLEN)
		h->flags |= NET_F_IP_OPTS;
	if (frag & IPV4_DF)
		h->flags |= NET_F_DF;
	h->l3_len = (uint16_t)hlen;
	h->ip_total_len = (uint16_t)total;
	h->ip_id = rd16(ip + 4);
	h->frag_off = (uint16_t)frag_off;
	h->dscp = ip[1] >> 2;
	h->ecn = ip[1] & 3;
	h->ttl = ip[8];
	h->proto = ip[9];
	h->src = rd32(ip + 12);
	h->dst = rd32(ip + 16);

	bool first_frag = false;
	if ((frag & IPV4_MF) || frag_off) {
		h->flags |= NET_F_FRAG;
		if (frag & IPV4_MF) {
			h->flags |= NET_F_MF;
			/* RFC 791: every fragment but the last carries a non-empty multiple of 8.
			 */
			if (ip_payload == 0 || (ip_payload & 7))
				return STAT_drop_frag_bad;
		}
		/* Reassembly would pass the 65535-byte datagram limit ("ping of death"). */
		if (frag_off + ip_payload + NET_IPV4_MIN_HLEN > IPV4_MAX_LEN)
			return STAT_drop_frag_bad;
		/* RFC 1858 3.2: TCP offset 1 (8 bytes) can only overwrite the TCP flags. */
		if (frag_off == 8 && h->proto == IPPROTO_TCP)
			return STAT_drop_frag_bad;
		if (frag_off) {
			h->flags |= NET_F_FRAG_TAIL;
			h->payload_off = (uint16_t)(h->l2_len + hlen);
			h->payload_len = (uint16_t)ip_payload;
			return 0;
		}
		first_frag = true;
	}
	return parse_l4(ip + hlen, ip_payload, contiguous - hlen, first_frag, h);
}

int net_parse_ex(const uint8_t *frame, uint32_t hdr_len, uint32_t frame_len, unsigned int opts,
                 struct net_hdrs *h)
{
	memset(h, 0, sizeof(*h));
	if (hdr_len > frame_len)
		hdr_len = frame_len;
	if (hdr_len < RTE_ETHER_HDR_LEN)
		return STAT_drop_runt;
	uint32_t off = RTE_ETHER_HDR_LEN;
	uint16_t et = rd16(frame + 12);
	if (et == RTE_ETHER_TYPE_VLAN) {
		if (hdr_len < NET_ETH_VLAN_HLEN)
			return STAT_drop_runt;
		h->flags |= NET_F_VLAN;
		h->vlan_tci = rd16(frame + 14);
		et = rd16(frame + 16);
		off = NET_ETH_VLAN_HLEN;
	}
	if (frame[0] & 1)
		h->flags |= NET_F_L2_MCAST;
	h->l2_len = (uint16_t)off;
	h->ethertype = et;

	if (et == RTE_ETHER_TYPE_IPV4)
		return parse_ipv4(frame + off, hdr_len - off, frame_len - off, opts, h);
	if (et == RTE_ETHER_TYPE_ARP) {
		struct net_arp_pkt a;
		int rc = net_arp_parse(frame + off, hdr_len - off, &a);
		if (rc)
			return rc;
		h->flags |= NET_F_ARP;
		h->l3_len = NET_ARP_LEN;
		h->payload_off = (uint16_t)(off + NET_ARP_LEN);
		h->arp_op = a.op;
		h->src = a.spa;
		h->dst = a.tpa;
		return 0;
	}
	return STAT_drop_not_ip;
}

int net_parse(const uint8_t *frame, uint32_t len, struct net_hdrs *h)
{
	return net_parse_ex(frame, len, len, 0, h);
}

int net_parse_mbuf_full(const struct rte_mbuf *m, struct net_hdrs *h)
{
	unsigned int opts = 0;
	uint64_t ipck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	if (ipck == RTE_MBUF_F_RX_IP_CKSUM_GOOD) {
		opts |= NET_PARSE_NO_IP_CSUM;
	} else if (ipck == RTE_MBUF_F_RX_IP_CKSUM_BAD) {
		/* Parse anyway so that a non-IP frame is not counted as a checksum error. */
		int rc = net_parse_ex(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, m->pkt_len,
		                      NET_PARSE_NO_IP_CSUM, h);
		if (rc == 0 && (h->flags & NET_F_IPV4))
			return STAT_drop_ip_csum;
		return rc;
	}
	return net_parse_ex(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, m->pkt_len, opts, h);
}
