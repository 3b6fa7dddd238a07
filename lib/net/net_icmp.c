/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_icmp.h>

#include "net.h"
#include "net_csum.h"
#include "net_icmp.h"

#define IPV4_DF_BE     RTE_BE16(0x4000)
/* RFC 1812 4.3.2.5: ICMP errors go with precedence 6 (internetwork control), DSCP CS6. */
#define ICMP_ERROR_TOS 0xc0
#define MICRO          1000000ull

int net_icmp_echo_reply(struct rte_mbuf *m, struct net_hdrs *h)
{
	if ((h->flags & (NET_F_IPV4 | NET_F_L4 | NET_F_FRAG)) != (NET_F_IPV4 | NET_F_L4) ||
	    h->proto != IPPROTO_ICMP || h->icmp_type != NET_ICMP_ECHO_REQUEST ||
	    (uint32_t)h->l2_len + h->l3_len + NET_ICMP_HLEN > m->data_len)
		return -EINVAL;

	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr mac = eth->src_addr;
	eth->src_addr = eth->dst_addr;
	eth->dst_addr = mac;

	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, h->l2_len);
	uint32_t a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = NET_IPV4_DEFAULT_TTL;
	net_csum_ipv4_set(ip);

	/* Only the type changes in the ICMP message (RFC 792 echo): an incremental update keeps
	 * a bad request checksum bad instead of laundering it. */
	struct rte_icmp_hdr *icmp =
	        rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, h->l2_len + h->l3_len);
	uint16_t old_w, new_w;
	memcpy(&old_w, &icmp->icmp_type, 2);
	icmp->icmp_type = NET_ICMP_ECHO_REPLY;
	memcpy(&new_w, &icmp->icmp_type, 2);
	icmp->icmp_cksum = net_csum_update16(icmp->icmp_cksum, old_w, new_w);

	uint32_t t = h->src;
	h->src = h->dst;
	h->dst = t;
	h->ttl = NET_IPV4_DEFAULT_TTL;
	h->icmp_type = NET_ICMP_ECHO_REPLY;
	h->flags &= (uint16_t)~NET_F_L2_MCAST;
	return 0;
}

/* RFC 1812 4.3.2.7: an ICMP message that is not a query is an error (or unknown): no reply. */
static bool icmp_is_query(uint8_t type)
{
	switch (type) {
	case 0:  /* echo reply */
	case 8:  /* echo request */
	case 13: /* timestamp */
	case 14: /* timestamp reply */
	case 15: /* information request */
	case 16: /* information reply */
	case 17: /* address mask request */
	case 18: /* address mask reply */
		return true;
	default:
		return false;
	}
}

bool net_icmp_error_allowed(const struct net_hdrs *h)
{
	if (!(h->flags & NET_F_IPV4) || (h->flags & (NET_F_FRAG_TAIL | NET_F_L2_MCAST)))
		return false;
	if (net_ipv4_is_multicast(h->dst) || net_ipv4_is_broadcast(h->dst))
		return false;
	if (net_ipv4_is_martian_src(h->src))
		return false;
	if (h->proto == IPPROTO_ICMP && (!(h->flags & NET_F_L4) || !icmp_is_query(h->icmp_type)))
		return false;
	return true;
}

struct rte_mbuf *net_icmp_error(struct rte_mempool *mp, const struct rte_mbuf *orig,
                                const struct net_hdrs *h, uint8_t type, uint8_t code,
                                uint16_t next_hop_mtu, uint32_t src_ip)
{
	if (!(h->flags & NET_F_IPV4) || h->ip_total_len < h->l3_len ||
	    (uint32_t)h->l2_len + h->ip_total_len > orig->pkt_len) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (!net_icmp_error_allowed(h)) {
		rte_errno = EPERM;
		return NULL;
	}
	const uint32_t hdrs = sizeof(struct rte_ipv4_hdr) + NET_ICMP_HLEN;
	uint32_t quote = RTE_MIN((uint32_t)h->ip_total_len, NET_ICMP_ERROR_MAX_LEN - hdrs);
	uint32_t ip_len = hdrs + quote;

	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	if (m == NULL) {
		rte_errno = ENOBUFS;
		return NULL;
	}
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(RTE_ETHER_HDR_LEN + ip_len));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		rte_errno = ENOBUFS;
		return NULL;
	}

	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	memset(eth, 0, sizeof(*eth));
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);

	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + RTE_ETHER_HDR_LEN);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = ICMP_ERROR_TOS;
	ip->total_length = rte_cpu_to_be_16((uint16_t)ip_len);
	ip->packet_id = 0;
	ip->fragment_offset = IPV4_DF_BE;
	ip->time_to_live = NET_IPV4_DEFAULT_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(src_ip);
	ip->dst_addr = rte_cpu_to_be_32(h->src);
	net_csum_ipv4_set(ip);

	uint8_t *icmp = (uint8_t *)(ip + 1);
	icmp[0] = type;
	icmp[1] = code;
	memset(icmp + 2, 0, 6);
	/* RFC 1191 4: the low 16 bits of the "unused" word carry the next-hop MTU. */
	if (type == NET_ICMP_DEST_UNREACH && code == NET_ICMP_CODE_FRAG_NEEDED) {
		icmp[6] = (uint8_t)(next_hop_mtu >> 8);
		icmp[7] = (uint8_t)next_hop_mtu;
	}
	/* The original datagram as received, never the Ethernet padding after it. */
	const void *src = rte_pktmbuf_read(orig, h->l2_len, quote, icmp + NET_ICMP_HLEN);
	if (src == NULL) {
		rte_pktmbuf_free(m);
		rte_errno = EINVAL;
		return NULL;
	}
	if (src != icmp + NET_ICMP_HLEN)
		memcpy(icmp + NET_ICMP_HLEN, src, quote);
	uint16_t c = (uint16_t)~net_csum_partial(icmp, NET_ICMP_HLEN + quote, 0);
	memcpy(icmp + 2, &c, 2);

	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(struct rte_ipv4_hdr);
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_ICMP;
	return m;
}

void net_ratelimit_init(struct net_ratelimit *rl, uint32_t rate_per_s, uint32_t burst,
                        uint64_t now_us)
{
	rl->rate = rate_per_s;
	rl->cap_micro = (uint64_t)burst * MICRO;
	rl->tokens_micro = rl->cap_micro;
	rl->last_us = now_us;
}

bool net_ratelimit_take(struct net_ratelimit *rl, uint64_t now_us)
{
	if (now_us > rl->last_us) {
		uint64_t elapsed = now_us - rl->last_us;
		/* rate tokens per second is rate millionths of a token per microsecond. Clamp the
		 * elapsed time first so that the product cannot overflow. */
		if (rl->rate && elapsed > rl->cap_micro / rl->rate)
			rl->tokens_micro = rl->cap_micro;
		else
			rl->tokens_micro =
			        RTE_MIN(rl->cap_micro, rl->tokens_micro + elapsed * rl->rate);
		rl->last_us = now_us;
	}
	if (rl->tokens_micro < MICRO)
		return false;
	rl->tokens_micro -= MICRO;
	return true;
}
