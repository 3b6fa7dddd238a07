/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: net_parse on arbitrary bytes, then everything the data path does with
 * what parsed (ARP parse and reply, ICMP echo reply, ICMP error construction, checksum TX
 * preparation), checking the parser's promises: every offset and length it returns lies
 * inside the frame, and what lib/net writes back parses again with right checksums.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "net.h"
#include "net_arp.h"
#include "net_csum.h"
#include "net_icmp.h"
#include "test_eal.h"

#define MAX_FRAME 2048

static struct rte_mempool *pool;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pool = test_mbuf_pool();
	if (pool == NULL)
		abort();
	return 0;
}

static struct rte_mbuf *to_mbuf(const uint8_t *data, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		abort();
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), data, len);
	return m;
}

static void check_bounds(const struct net_hdrs *h, size_t len)
{
	if ((size_t)h->l2_len + h->l3_len + h->l4_len > len || h->payload_off > len)
		abort();
	if ((h->flags & NET_F_IPV4) &&
	    ((size_t)h->l2_len + h->ip_total_len > len ||
	     (size_t)h->payload_off + h->payload_len > (size_t)h->l2_len + h->ip_total_len ||
	     h->payload_off != h->l2_len + h->l3_len + h->l4_len || h->l3_len < 20))
		abort();
	if ((h->flags & NET_F_FRAG_TAIL) && (h->flags & NET_F_L4))
		abort();
}

static void try_echo_reply(const uint8_t *data, size_t len, struct net_hdrs h)
{
	struct rte_mbuf *m = to_mbuf(data, len);
	if (net_icmp_echo_reply(m, &h) == 0) {
		struct net_hdrs r;
		if (net_parse_mbuf(m, &r) != 0 || r.icmp_type != NET_ICMP_ECHO_REPLY ||
		    r.src != h.src || r.dst != h.dst)
			abort();
	}
	rte_pktmbuf_free(m);
}

static void try_icmp_error(const uint8_t *data, size_t len, const struct net_hdrs *h)
{
	struct rte_mbuf *m = to_mbuf(data, len);
	struct rte_mbuf *e = net_icmp_error(pool, m, h, NET_ICMP_DEST_UNREACH,
	                                    NET_ICMP_CODE_FRAG_NEEDED, 1280, 0x0a000001);
	if (e != NULL) {
		struct net_hdrs r;
		if (rte_pktmbuf_pkt_len(e) > RTE_ETHER_HDR_LEN + NET_ICMP_ERROR_MAX_LEN ||
		    net_parse_mbuf(e, &r) != 0 || r.proto != IPPROTO_ICMP ||
		    net_icmp_error_allowed(&r))
			abort(); /* and never an error about our own error */
		rte_pktmbuf_free(e);
	} else if (net_icmp_error_allowed(h)) {
		abort(); /* allowed, pool not empty: it must have been built */
	}
	rte_pktmbuf_free(m);
}

static void try_tx_prepare(const uint8_t *data, size_t len, const struct net_hdrs *h)
{
	struct rte_mbuf *m = to_mbuf(data, len);
	if (net_csum_tx_prepare(m, h, 0) == 0) {
		struct net_hdrs r;
		/* Checksums were made right: the frame must parse with checksum checking. */
		if (net_parse_mbuf(m, &r) != 0)
			abort();
		if ((r.flags & NET_F_L4) && !(r.flags & NET_F_FRAG) &&
		    (r.proto == IPPROTO_TCP || r.proto == IPPROTO_UDP) &&
		    !net_csum_l4_ok(rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, r.l2_len),
		                    r.proto,
		                    rte_pktmbuf_mtod_offset(m, void *, r.l2_len + r.l3_len),
		                    (uint16_t)(r.l4_len + r.payload_len)))
			abort();
	}
	rte_pktmbuf_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len > MAX_FRAME)
		return 0;
	/* A private copy sized exactly to the input, so ASan sees any read past the end. */
	uint8_t *f = malloc(len ? len : 1);
	memcpy(f, data, len);
	struct net_hdrs h;
	int rc = net_parse(f, (uint32_t)len, &h);
	if (rc < 0 || rc >= STAT_MAX || (rc > 0 && !stats_is_drop((enum stat_id)rc)))
		abort();
	/* The unchecked-checksum path must agree except on the checksum itself. */
	struct net_hdrs h2;
	int rc2 = net_parse_ex(f, (uint32_t)len, (uint32_t)len, NET_PARSE_NO_IP_CSUM, &h2);
	if (rc == 0 && (rc2 != 0 || memcmp(&h, &h2, sizeof(h)) != 0))
		abort();
	/* The mbuf parser's inline fast path must agree with the full parser on any bytes. */
	if (len > 0) {
		struct rte_mbuf *m = to_mbuf(f, len);
		struct net_hdrs a, b;
		memset(&a, 0x5a, sizeof(a));
		memset(&b, 0xa5, sizeof(b));
		int ra = net_parse_mbuf(m, &a), rb = net_parse_mbuf_full(m, &b);
		if (ra != rb || (ra == 0 && memcmp(&a, &b, sizeof(a)) != 0))
			abort();
		rte_pktmbuf_free(m);
	}
	if (rc == 0) {
		check_bounds(&h, len);
		if (h.flags & NET_F_ARP) {
			struct net_arp_pkt a;
			if (net_arp_parse(f + h.l2_len, (uint32_t)len - h.l2_len, &a) != 0)
				abort();
			if (a.op == RTE_ARP_OP_REQUEST) {
				static const struct rte_ether_addr us = {{2, 0, 0, 0, 0, 1}};
				struct rte_mbuf *m = to_mbuf(f, len);
				struct net_hdrs r;
				if (net_arp_reply_in_place(m, &h, &a, &us) != 0 ||
				    net_parse_mbuf(m, &r) != 0 || r.arp_op != RTE_ARP_OP_REPLY)
					abort();
				rte_pktmbuf_free(m);
			}
		}
		if (h.flags & NET_F_IPV4) {
			try_echo_reply(f, len, h);
			try_icmp_error(f, len, &h);
			try_tx_prepare(f, len, &h);
		}
	}
	free(f);
	return 0;
}
