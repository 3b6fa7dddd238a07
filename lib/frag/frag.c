/* SPDX-License-Identifier: BSD-3-Clause */
/* rte_ip_frag_table_del_expired_entries() is still experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API 1

#include "frag.h"

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ip_frag.h>
#include <rte_log.h>
#include <rte_malloc.h>

RTE_LOG_REGISTER(frag_logtype, pepgw.frag, INFO);
#define FRAG_LOG(level, fmt, ...)                                                                  \
	rte_log(RTE_LOG_##level, frag_logtype, "frag: " fmt "\n", ##__VA_ARGS__)

/* Largest L2 header copied onto fragments: Ethernet + two VLAN tags fits with room to spare. */
#define FRAG_L2_MAX 64

enum frag_verdict frag_decide(enum frag_policy policy, uint16_t ip_total_len, bool df, uint16_t mtu)
{
	if (ip_total_len <= mtu)
		return FRAG_SEND;
	switch (policy) {
	case FRAG_POLICY_ALWAYS:
		return df ? FRAG_FRAGMENT_CLEAR_DF : FRAG_FRAGMENT;
	case FRAG_POLICY_OUTER:
		return FRAG_OUTER;
	case FRAG_POLICY_RESPECT_DF:
	default:
		/* RFC 791 3.2 / RFC 1191 4: DF means "do not fragment"; tell the sender. */
		return df ? FRAG_DROP_NEED_FRAG : FRAG_FRAGMENT;
	}
}

enum frag_verdict frag_decide_hdr(enum frag_policy policy, const struct rte_ipv4_hdr *ip,
                                  uint16_t mtu)
{
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	return frag_decide(policy, rte_be_to_cpu_16(ip->total_length),
	                   (fo & RTE_IPV4_HDR_DF_FLAG) != 0, mtu);
}

enum stat_id frag_verdict_stat(enum frag_verdict v)
{
	return v == FRAG_DROP_NEED_FRAG ? STAT_drop_df_mtu : STAT_MAX;
}

/* One drop reason per cause: an empty pool is the gateway's drop_no_mbuf, like everywhere. */
static int fail(enum stat_id *drop_reason, int err)
{
	FRAG_LOG(DEBUG, "packet not fragmented: %s", rte_strerror(-err));
	if (drop_reason)
		*drop_reason = err == -ENOMEM ? STAT_drop_no_mbuf : STAT_drop_frag_failed;
	return err;
}

int frag_fragment(struct rte_mbuf *pkt, uint16_t mtu, bool clear_df, struct rte_mbuf **out,
                  uint16_t n_out, struct rte_mempool *pool_direct,
                  struct rte_mempool *pool_indirect, enum stat_id *drop_reason)
{
	if (pkt == NULL || out == NULL || pool_direct == NULL || pool_indirect == NULL ||
	    mtu < FRAG_MTU_MIN)
		return fail(drop_reason, -EINVAL);

	uint16_t l2_len = pkt->l2_len;
	if ((uint32_t)l2_len + sizeof(struct rte_ipv4_hdr) > rte_pktmbuf_data_len(pkt))
		return fail(drop_reason, -EINVAL);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(pkt, struct rte_ipv4_hdr *, l2_len);
	uint16_t ihl =
	        (uint16_t)((ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER);
	uint16_t total = rte_be_to_cpu_16(ip->total_length);
	if (ihl < sizeof(struct rte_ipv4_hdr) ||
	    (uint32_t)l2_len + ihl > rte_pktmbuf_data_len(pkt) || total < ihl ||
	    (uint32_t)l2_len + total > rte_pktmbuf_pkt_len(pkt))
		return fail(drop_reason, -EINVAL);
	unsigned int need = frag_count(total, ihl, mtu);
	if (need == 0 || need > n_out)
		return fail(drop_reason, -EINVAL);

	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	bool df = (fo & RTE_IPV4_HDR_DF_FLAG) != 0;
	if (df && !clear_df)
		return fail(drop_reason, -ENOTSUP);

	/* rte_ip_frag fragments pkt_len bytes: drop Ethernet padding past the IP datagram. */
	uint32_t trailer = rte_pktmbuf_pkt_len(pkt) - l2_len - total;
	if (trailer && rte_pktmbuf_trim(pkt, (uint16_t)trailer) != 0)
		return fail(drop_reason, -EINVAL); /* padding spread over segments */

	uint8_t eth_copy[FRAG_L2_MAX];
	if (l2_len > sizeof(eth_copy))
		return fail(drop_reason, -EINVAL);
	memcpy(eth_copy, rte_pktmbuf_mtod(pkt, void *), l2_len);

	if (df) /* policy always: RFC 791 lets only the sender set DF; we override it on purpose */
		ip->fragment_offset = rte_cpu_to_be_16((uint16_t)(fo & ~RTE_IPV4_HDR_DF_FLAG));
	rte_pktmbuf_adj(pkt, l2_len);

	int n = rte_ipv4_fragment_packet(pkt, out, n_out, mtu, pool_direct, pool_indirect);
	if (n < 0) {
		rte_pktmbuf_prepend(pkt, l2_len);
		ip->fragment_offset = rte_cpu_to_be_16(fo);
		return fail(drop_reason, n);
	}

	for (int i = 0; i < n; i++) {
		struct rte_mbuf *f = out[i];
		/* rte_ip_frag leaves the header checksum 0 and expects the caller to fill it. */
		struct rte_ipv4_hdr *fip = rte_pktmbuf_mtod(f, struct rte_ipv4_hdr *);
		fip->hdr_checksum = 0;
		fip->hdr_checksum = rte_ipv4_cksum(fip);
		/* The direct header mbuf was allocated with the default headroom. */
		char *eth = rte_pktmbuf_prepend(f, l2_len);
		if (eth == NULL) {
			for (int j = 0; j < n; j++)
				rte_pktmbuf_free(out[j]);
			rte_pktmbuf_prepend(pkt, l2_len);
			ip->fragment_offset = rte_cpu_to_be_16(fo);
			return fail(drop_reason, -ENOSPC);
		}
		memcpy(eth, eth_copy, l2_len);
		f->l2_len = l2_len;
		f->l3_len = (uint16_t)((fip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
		                       RTE_IPV4_IHL_MULTIPLIER);
		f->ol_flags &= ~(RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK);
		f->port = pkt->port;
	}
	/* The fragments hold references to pkt's data: drop ours. */
	rte_pktmbuf_free(pkt);
	return n;
}

struct frag_reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_ip_frag_death_row dr;
	uint64_t timeout_us;
};

/* Entries per bucket of rte_ip_frag_tbl (its associativity; a power of two). */
#define FRAG_REASM_BUCKET_ENTRIES 4

struct frag_reasm *frag_reasm_create(const struct frag_reasm_params *p)
{
	if (p == NULL || p->max_packets == 0 || p->timeout_us == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct frag_reasm *r =
	        rte_zmalloc_socket("frag_reasm", sizeof(*r), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (r == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	uint32_t buckets =
	        (p->max_packets + FRAG_REASM_BUCKET_ENTRIES - 1) / FRAG_REASM_BUCKET_ENTRIES;
	/*
	 * rte_ip_frag compares "cycles" only with each other; we give it microseconds, so the
	 * library stays clock-free and the timeout is in the caller's units.
	 */
	r->tbl = rte_ip_frag_table_create(buckets, FRAG_REASM_BUCKET_ENTRIES, p->max_packets,
	                                  p->timeout_us, p->socket_id);
	if (r->tbl == NULL) {
		rte_free(r);
		rte_errno = ENOMEM;
		return NULL;
	}
	r->timeout_us = p->timeout_us;
	return r;
}

void frag_reasm_free(struct frag_reasm *r)
{
	if (r == NULL)
		return;
	rte_ip_frag_free_death_row(&r->dr, 0);
	rte_ip_frag_table_destroy(r->tbl);
	rte_free(r);
}

struct rte_mbuf *frag_reasm_input(struct frag_reasm *r, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
                                  uint64_t now_us)
{
	/* Keep room on the death row for a whole datagram's fragments plus this one. */
	if (r->dr.cnt + RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1 > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN)
		rte_ip_frag_free_death_row(&r->dr, 0);
	struct rte_mbuf *whole = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, now_us, ip);
	if (whole != NULL) {
		/* rte_ip_frag fixes total length and flags but leaves the checksum zero. */
		struct rte_ipv4_hdr *wip =
		        rte_pktmbuf_mtod_offset(whole, struct rte_ipv4_hdr *, whole->l2_len);
		wip->hdr_checksum = 0;
		wip->hdr_checksum = rte_ipv4_cksum(wip);
	}
	return whole;
}

void frag_reasm_expire(struct frag_reasm *r, uint64_t now_us)
{
	if (r->dr.cnt + RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1 > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN)
		rte_ip_frag_free_death_row(&r->dr, 0);
	rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, now_us);
}

unsigned int frag_reasm_flush(struct frag_reasm *r)
{
	unsigned int n = r->dr.cnt;
	rte_ip_frag_free_death_row(&r->dr, 0);
	return n;
}
