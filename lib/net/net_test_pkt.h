/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_TEST_PKT_H
#define PEPGW_NET_TEST_PKT_H

/*
 * Frame builder for lib/net's unit tests and fuzz seeds (test code only). Builds a correct
 * Ethernet [+VLAN] / IPv4 [+options] / TCP|UDP|ICMP|other frame with valid checksums; tests
 * then break the field they are about.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "net_csum.h"

struct tpkt {
	bool vlan;
	uint16_t vlan_tci;
	uint8_t proto;     /* IPPROTO_* (0 = TCP) */
	uint32_t src, dst; /* host order; 0 = defaults 10.0.0.1 / 10.0.1.2 */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint16_t icmp_id;
	uint8_t ip_opt_words;  /* IPv4 option words (NOPs + EOL) */
	uint8_t tcp_opt_words; /* TCP option words (NOPs) */
	uint16_t payload;      /* L4 payload bytes (pattern i*7) */
	uint8_t ttl;           /* 0 = 64 */
	uint8_t tos;
	uint16_t frag;          /* raw flags+offset field, host order */
	uint16_t pad;           /* Ethernet padding bytes after the datagram */
	const uint8_t *dst_mac; /* NULL = 02:00:00:00:00:01 */
};

#define TPKT_SRC 0x0a000001u
#define TPKT_DST 0x0a000102u

static inline void tpkt_w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tpkt_w32(uint8_t *p, uint32_t v)
{
	tpkt_w16(p, (uint16_t)(v >> 16));
	tpkt_w16(p + 2, (uint16_t)v);
}

/* Build into buf (>= 1600 bytes); returns the frame length. */
static inline uint32_t tpkt_build(uint8_t *buf, const struct tpkt *o)
{
	static const uint8_t def_dst[6] = {2, 0, 0, 0, 0, 1};
	static const uint8_t src_mac[6] = {2, 0, 0, 0, 0, 2};
	uint8_t proto = o->proto ? o->proto : IPPROTO_TCP;
	uint32_t off = 0;
	memcpy(buf, o->dst_mac ? o->dst_mac : def_dst, 6);
	memcpy(buf + 6, src_mac, 6);
	off = 12;
	if (o->vlan) {
		tpkt_w16(buf + off, 0x8100);
		tpkt_w16(buf + off + 2, o->vlan_tci);
		off += 4;
	}
	tpkt_w16(buf + off, 0x0800);
	off += 2;
	uint8_t *ip = buf + off;
	uint32_t ihl = 20 + 4u * o->ip_opt_words;
	uint32_t l4len;
	if (proto == IPPROTO_TCP)
		l4len = 20 + 4u * o->tcp_opt_words;
	else if (proto == IPPROTO_UDP || proto == IPPROTO_ICMP)
		l4len = 8;
	else
		l4len = 0;
	uint32_t total = ihl + l4len + o->payload;
	memset(ip, 0, ihl + l4len);
	ip[0] = (uint8_t)(0x40 | (ihl / 4));
	ip[1] = o->tos;
	tpkt_w16(ip + 2, (uint16_t)total);
	tpkt_w16(ip + 4, 0x1234);
	tpkt_w16(ip + 6, o->frag);
	ip[8] = o->ttl ? o->ttl : 64;
	ip[9] = proto;
	tpkt_w32(ip + 12, o->src ? o->src : TPKT_SRC);
	tpkt_w32(ip + 16, o->dst ? o->dst : TPKT_DST);
	for (uint32_t i = 20; i < ihl; i++)
		ip[i] = (i == ihl - 1) ? 0 : 1; /* NOPs then EOL (RFC 791) */
	uint8_t *l4 = ip + ihl;
	uint8_t *pl = l4 + l4len;
	for (uint32_t i = 0; i < o->payload; i++)
		pl[i] = (uint8_t)(i * 7);
	if (proto == IPPROTO_TCP) {
		tpkt_w16(l4, o->sport);
		tpkt_w16(l4 + 2, o->dport);
		tpkt_w32(l4 + 4, 1000);
		l4[12] = (uint8_t)((l4len / 4) << 4);
		l4[13] = o->tcp_flags;
		tpkt_w16(l4 + 14, 65535);
		for (uint32_t i = 20; i < l4len; i++)
			l4[i] = 1;
	} else if (proto == IPPROTO_UDP) {
		tpkt_w16(l4, o->sport);
		tpkt_w16(l4 + 2, o->dport);
		tpkt_w16(l4 + 4, (uint16_t)(8 + o->payload));
	} else if (proto == IPPROTO_ICMP) {
		l4[0] = o->icmp_type;
		tpkt_w16(l4 + 4, o->icmp_id);
		tpkt_w16(l4 + 6, 1);
	}
	struct rte_ipv4_hdr *iph = (struct rte_ipv4_hdr *)ip;
	net_csum_ipv4_set(iph);
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		uint16_t c = net_csum_l4(iph, proto, l4, (uint16_t)(l4len + o->payload));
		memcpy(l4 + (proto == IPPROTO_TCP ? 16 : 6), &c, 2);
	} else if (proto == IPPROTO_ICMP) {
		uint16_t c = (uint16_t)~net_csum_partial(l4, l4len + o->payload, 0);
		memcpy(l4 + 2, &c, 2);
	}
	memset(ip + total, 0, o->pad);
	return off + total + o->pad;
}

#endif
