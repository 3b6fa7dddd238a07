/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bonded tunnel's packet path (lib/bond's call sequence, doc/architecture.md):
 *
 *   send:    scheduler pick -> sender sequence of the flow bucket -> seal (burst) -> outer
 *            IPv4/UDP to the link's peer endpoint -> [fragment, policy outer] -> port
 *   receive: local UDP endpoint -> [reassemble] -> steer by (link, sender queue) to the
 *            stream's owner -> open (burst) -> endpoint learning, health note to the home ->
 *            data: inner checks, to the owner of the inner flow bucket -> reorder buffer ->
 *            in order to forwarding (gw_tunnel_deliver); probes and handshakes to the home
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "capture_gw.h"
#include "net.h"
#include "tunnel_private.h"

#define TUN_DRAIN 64

/* ---- counting ---- */

void tun_count_result(struct gw_lcore *lc, struct tun_lc_peer *lp, enum bond_result r)
{
	enum stat_id s = gw_tunnel_result_stat(r);

	if (r < BOND_R_MAX)
		lp->results[r]++;
	if (s != STAT_MAX)
		stats_inc(lc->stats, s);
}

/* Drop a packet of the tunnel path for a reason of the gateway's list (the drop capture point
 * sees it with its reason). */
static void tun_drop(struct gw_lcore *lc, struct rte_mbuf *m, enum stat_id why)
{
	gw_capture_drops(lc, &m, 1, why);
	stats_inc(lc->stats, why);
	rte_pktmbuf_free(m);
}

/* Drop a packet that lib/bond refused with r: counted as tun_count_result does, captured
 * under the gateway's drop reason. */
static void tun_drop_result(struct gw_lcore *lc, struct tun_lc_peer *lp, enum bond_result r,
                            struct rte_mbuf *m)
{
	enum stat_id s = gw_tunnel_result_stat(r);

	if (s != STAT_MAX && stats_is_drop(s))
		gw_capture_drops(lc, &m, 1, s);
	tun_count_result(lc, lp, r);
	rte_pktmbuf_free(m);
}

/*
 * The capture's tunnel points (capture_gw.h) for one packet of link whose data starts `back`
 * bytes past a frame's Ethernet header (bytes still in the mbuf), or, back 0, at an inner
 * IPv4 header that gets a zeroed Ethernet header for the copy. A branch while no capture
 * wants the point.
 */
static void tun_capture(struct gw_lcore *lc, uint8_t link, enum capture_point side, uint32_t dir,
                        struct rte_mbuf *m, uint16_t back)
{
	if (likely(!(lc->cap_points & GW_CAP_F(side))))
		return;
	if (back != 0) {
		if (rte_pktmbuf_prepend(m, back) == NULL)
			return;
	} else {
		struct rte_ether_hdr *eth =
		        (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
		if (eth == NULL)
			return;
		memset(eth, 0, 2 * RTE_ETHER_ADDR_LEN);
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		back = sizeof(*eth);
	}
	gw_capture_tunnel(lc, link, side, dir, &m, 1);
	rte_pktmbuf_adj(m, back);
}

/* ---- sending ---- */

void tun_learn_endpoint(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, uint32_t src,
                        uint16_t sport)
{
	struct tun_link *l = &p->links[link];
	uint64_t ep = tun_endpoint(src, sport);

	if (__atomic_load_n(&l->endpoint, __ATOMIC_RELAXED) == ep)
		return;
	__atomic_store_n(&l->endpoint, ep, __ATOMIC_RELAXED);
	stats_inc(lc->stats, STAT_tunnel_endpoint_learned);
	TUN_LOG(NOTICE, "peer %s link %s: endpoint %u.%u.%u.%u:%u\n", p->name, l->name, src >> 24,
	        (src >> 16) & 0xff, (src >> 8) & 0xff, src & 0xff, sport);
}

/*
 * Send m (its data at the pepgw header: sealed, or a handshake message) on link to dst:dport:
 * outer IPv4/UDP, Ethernet, fragments when it exceeds the link MTU (a packet the policy
 * "outer" sent whole), the link's next hop on its port. Takes m.
 */
static void tun_link_xmit(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, struct rte_mbuf *m,
                          uint32_t dst, uint16_t dport, uint64_t now)
{
	struct gw *gw = lc->gw;
	struct tun_link *l = &p->links[link];
	struct tun_lc_peer *lp = &lc->tun->peers[p->index];
	/* DF clear: a path whose MTU is below the configured one fragments rather than
	 * dropping in silence, and the peer reassembles. */
	struct bond_outer o = {.src = l->local_ip,
	                       .dst = dst,
	                       .sport = l->local_port,
	                       .dport = dport,
	                       .ip_id = lc->tun->ip_id++,
	                       .df = false};

	if (bond_wire_push_outer(m, &o) != 0) {
		tun_drop(lc, m, STAT_drop_tunnel_too_big);
		return;
	}
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (eth == NULL) {
		tun_drop(lc, m, STAT_drop_tunnel_too_big);
		return;
	}
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	m->l2_len = sizeof(*eth);
	uint32_t ip_len = m->pkt_len - (uint32_t)sizeof(*eth);
	uint32_t next_hop = l->gateway != 0 ? l->gateway : dst;
	lp->link[link].tx_packets++;
	lp->link[link].tx_bytes += ip_len;
	if (ip_len <= l->mtu) {
		gw_capture_tunnel(lc, link, CAPTURE_POINT_OUTER, CAPTURE_DIR_OUT, &m, 1);
		gw_port_send(lc, l->port, next_hop, m, now);
		return;
	}
	struct rte_mbuf *frags[GW_FRAG_MAX_OUT];
	enum stat_id why = STAT_drop_frag_failed;
	int n = frag_fragment(m, l->mtu, true, frags, RTE_DIM(frags), gw->pool, gw->indirect_pool,
	                      &why);
	if (n < 0) {
		tun_drop(lc, m, why);
		return;
	}
	stats_inc(lc->stats, STAT_tunnel_outer_fragmented);
	stats_add(lc->stats, STAT_frag_fragments, (uint64_t)n);
	gw_capture_tunnel(lc, link, CAPTURE_POINT_OUTER, CAPTURE_DIR_OUT, frags, (uint16_t)n);
	for (int i = 0; i < n; i++)
		gw_port_send(lc, l->port, next_hop, frags[i], now);
}

/* Send a sealed packet on link to its peer endpoint. Takes m. */
static void tun_link_send(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, struct rte_mbuf *m,
                          uint64_t now)
{
	uint64_t ep = __atomic_load_n(&p->links[link].endpoint, __ATOMIC_RELAXED);

	if (ep == 0) {
		tun_drop(lc, m, STAT_drop_tunnel_no_endpoint);
		return;
	}
	tun_link_xmit(lc, p, link, m, (uint32_t)(ep >> 16), (uint16_t)ep, now);
}

void tun_send_raw(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, const uint8_t *msg,
                  uint32_t len, uint32_t dst, uint16_t dport, uint64_t now)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->gw->pool);
	uint8_t *d;

	if (m == NULL || (d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len)) == NULL) {
		stats_inc(lc->stats, STAT_drop_no_mbuf);
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(d, msg, len);
	stats_inc(lc->stats, STAT_tunnel_handshakes_out);
	tun_link_xmit(lc, p, link, m, dst, dport, now);
}

/* Seal what is queued for one peer and send it. */
static void tun_seal_flush(struct gw_lcore *lc, unsigned int peer, uint64_t now)
{
	struct tun_peer *p = &lc->gw->tun->peers[peer];
	struct tun_lc_peer *lp = &lc->tun->peers[peer];
	uint8_t res[BOND_CRYPTO_BURST];
	uint16_t n = lp->n_seal;

	if (n == 0)
		return;
	lp->n_seal = 0;
	bond_crypto_seal_burst(lp->crypto, lp->seal, lp->seal_meta, n, now, res);
	for (uint16_t i = 0; i < n; i++) {
		if (res[i] != BOND_R_ok) {
			tun_drop_result(lc, lp, res[i], lp->seal[i]);
			continue;
		}
		tun_link_send(lc, p, lp->seal_meta[i].link, lp->seal[i], now);
	}
	if (!lp->rekey_asked && bond_crypto_rekey_wanted(lp->crypto)) {
		lp->rekey_asked = true;
		if (p->home == lc->idx) {
			bond_hs_request_rekey(p->hs);
		} else {
			struct tun_msg m = {.kind = TUN_MSG_REKEY, .peer = (uint8_t)peer};
			tun_msg_send(lc, p->home, &m);
		}
	}
}

void tun_queue_seal(struct gw_lcore *lc, unsigned int peer, struct rte_mbuf *m,
                    const struct bond_seal_meta *meta, uint64_t now)
{
	struct tun_lc_peer *lp = &lc->tun->peers[peer];

	lp->seal[lp->n_seal] = m;
	lp->seal_meta[lp->n_seal++] = *meta;
	if (lp->n_seal == BOND_CRYPTO_BURST)
		tun_seal_flush(lc, peer, now);
}

void tun_send_probe(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, const void *body,
                    uint32_t len, uint64_t now)
{
	struct tun_lc_peer *lp = &lc->tun->peers[p->index];
	struct bond_seal_meta meta = {.type = BOND_TYPE_PROBE, .link = link};
	struct rte_mbuf *m;
	uint8_t *d;
	uint8_t res;

	/* Probes need a session (they are sealed) and an endpoint to go to. */
	if (bond_crypto_tx_slot(lp->crypto) < 0 ||
	    __atomic_load_n(&p->links[link].endpoint, __ATOMIC_RELAXED) == 0)
		return;
	m = rte_pktmbuf_alloc(lc->gw->pool);
	if (m == NULL || (d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len)) == NULL) {
		stats_inc(lc->stats, STAT_drop_no_mbuf);
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(d, body, len);
	if (bond_crypto_seal_burst(lp->crypto, &m, &meta, 1, now, &res) != 1) {
		tun_drop_result(lc, lp, res, m);
		return;
	}
	stats_inc(lc->stats, STAT_tunnel_probes_out);
	tun_link_send(lc, p, link, m, now);
}

void gw_tunnel_output(struct gw_lcore *lc, struct rte_mbuf *m, uint16_t l2_len, unsigned int peer,
                      int profile, uint8_t flags, uint64_t now)
{
	struct tun_lc_peer *lp = &lc->tun->peers[peer];
	uint8_t links[BOND_SCHED_MAX_COPIES];
	uint32_t bucket;

	rte_pktmbuf_adj(m, l2_len);
	struct bond_sched *s = lp->sched[profile >= 0 ? (unsigned int)profile : TUN_SCHED_PEER];
	int n = bond_sched_pick(s, m->pkt_len + BOND_OVERHEAD, now, links);
	if (n < 0) {
		tun_drop(lc, m, STAT_drop_tunnel_no_link);
		return;
	}
	int slot = bond_crypto_tx_slot(lp->crypto);
	if (slot < 0) {
		tun_drop_result(lc, lp, BOND_R_drop_no_tx_key, m);
		return;
	}
	uint32_t hash = bond_wire_flow_hash(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
	uint32_t seq = bond_reorder_seq_next(lp->seq[slot], hash, &bucket);
	struct bond_seal_meta meta = {.type = BOND_TYPE_DATA,
	                              .flags = flags,
	                              .link = links[0],
	                              .flow_seq = (uint16_t)seq};
	struct rte_mbuf *copy = NULL;
	if (n > 1) {
		copy = rte_pktmbuf_copy(m, lc->gw->pool, 0, UINT32_MAX);
		if (copy == NULL)
			stats_inc(lc->stats, STAT_drop_no_mbuf);
	}
	stats_inc(lc->stats, STAT_tunnel_encap);
	tun_capture(lc, links[0], CAPTURE_POINT_INNER, CAPTURE_DIR_OUT, m, l2_len);
	tun_queue_seal(lc, peer, m, &meta, now);
	if (copy != NULL) {
		/* The duplicate scheduler's second copy: same flow sequence, the receiver keeps
		 * whichever arrives first. */
		meta.flags |= BOND_F_DUPLICATE;
		meta.link = links[1];
		stats_inc(lc->stats, STAT_tunnel_dup_copies);
		tun_capture(lc, links[1], CAPTURE_POINT_INNER, CAPTURE_DIR_OUT, copy, 0);
		tun_queue_seal(lc, peer, copy, &meta, now);
	}
}

/* ---- receiving ---- */

/* The peer whose link has the local endpoint ip:port, or -1. */
static int tun_endpoint_peer(const struct gw_tun *t, uint32_t ip, uint16_t port)
{
	for (unsigned int i = 0; i < t->n_endpoints; i++)
		if (t->endpoints[i].ip == ip && t->endpoints[i].port == port)
			return t->endpoints[i].peer;
	return -1;
}

static bool tun_local_address(const struct gw_tun *t, uint32_t ip)
{
	for (unsigned int i = 0; i < t->n_endpoints; i++)
		if (t->endpoints[i].ip == ip)
			return true;
	return false;
}

static bool tun_inner_src_allowed(const struct tun_peer *p, uint32_t src)
{
	for (unsigned int i = 0; i < p->n_remote; i++) {
		uint32_t mask = p->remote[i].len ? ~0u << (32 - p->remote[i].len) : 0;
		if ((src & mask) == (p->remote[i].addr & mask))
			return true;
	}
	return false;
}

/* Open what is queued for one peer and dispatch the results. */
static void tun_open_flush(struct gw_lcore *lc, unsigned int peer, uint64_t now)
{
	struct gw *gw = lc->gw;
	struct tun_peer *p = &gw->tun->peers[peer];
	struct tun_lc_peer *lp = &lc->tun->peers[peer];
	struct bond_open_info info[BOND_CRYPTO_BURST];
	uint8_t res[BOND_CRYPTO_BURST];
	uint16_t n = lp->n_open;

	if (n == 0)
		return;
	lp->n_open = 0;
	bond_crypto_open_burst(lp->crypto, lp->open, n, res, info);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = lp->open[i];
		const struct bond_hdr *h = &info[i].hdr;
		if (res[i] == BOND_R_handshake) {
			tun_home_handshake(lc, p, m, lp->open_src[i], lp->open_sport[i], now);
			continue;
		}
		if (res[i] != BOND_R_ok) {
			tun_drop_result(lc, lp, res[i], m);
			continue;
		}
		/* Authentic: counted on its link, its source is the link's endpoint now. */
		uint32_t wire = m->pkt_len + BOND_OVERHEAD;
		stats_inc(lc->stats, STAT_tunnel_rx_authentic);
		lp->link[h->link].rx_packets++;
		lp->link[h->link].rx_bytes += wire;
		tun_learn_endpoint(lc, p, h->link, lp->open_src[i], lp->open_sport[i]);
		tun_home_health(lc, p, h->link, h->queue, info[i].link_seq, h->ts, wire, now);
		if (info[i].first_in_slot) {
			if (p->home == lc->idx) {
				bond_hs_rx_slot_seen(p->hs, h->key_slot, now);
			} else {
				struct tun_msg sm = {.kind = TUN_MSG_SLOT_SEEN,
				                     .peer = (uint8_t)peer,
				                     .a = h->key_slot};
				tun_msg_send(lc, p->home, &sm);
			}
		}
		if (h->type != BOND_TYPE_DATA) {
			tun_home_probe(lc, p, m, h->link, h->ts, now);
			continue;
		}
		/* The inner packet: IPv4, its length, a source the peer serves. */
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		uint32_t len = rte_pktmbuf_data_len(m);
		uint32_t ihl = len >= sizeof(*ip) ? (uint32_t)(ip->version_ihl & 0xf) * 4 : 0;
		uint32_t tot = len >= sizeof(*ip) ? rte_be_to_cpu_16(ip->total_length) : 0;
		if (m->nb_segs != 1 || len < sizeof(*ip) || ip->version_ihl >> 4 != 4 || ihl < 20 ||
		    tot < ihl || tot > len) {
			tun_drop(lc, m, STAT_drop_tunnel_inner_bad);
			continue;
		}
		if (!tun_inner_src_allowed(p, rte_be_to_cpu_32(ip->src_addr))) {
			tun_drop(lc, m, STAT_drop_tunnel_inner_src);
			continue;
		}
		if (tot < len)
			rte_pktmbuf_trim(m, (uint16_t)(len - tot));
		tun_capture(lc, h->link, CAPTURE_POINT_INNER, CAPTURE_DIR_IN, m, 0);
		uint32_t fb = bond_wire_flow_bucket((const uint8_t *)ip, tot);
		struct tun_msg dm = {
		        .kind = TUN_MSG_DATA,
		        .peer = (uint8_t)peer,
		        .link = h->link,
		        .queue = h->queue,
		        .ts = h->ts,
		        .a = (uint32_t)(h->key_slot * BOND_MAX_QUEUES + h->queue) *
		                     BOND_WIRE_FLOW_BUCKETS +
		             fb,
		        .b = h->flow_seq,
		        .slot = h->key_slot,
		        .flags = h->flags,
		        .x = lp->install_gen[h->key_slot],
		        .m = m,
		};
		unsigned int owner = gw_tunnel_flow_lcore(fb, gw->n_lcores);
		if (owner == lc->idx)
			tun_reorder_in(lc, peer, m, &dm, now);
		else if (tun_msg_send(lc, owner, &dm) < 0)
			rte_pktmbuf_free(m);
	}
}

/* Queue a tunnel packet this worker owns for opening. */
void tun_open_one(struct gw_lcore *lc, unsigned int peer, struct rte_mbuf *m, uint32_t src,
                  uint16_t sport, uint64_t now)
{
	struct tun_lc_peer *lp = &lc->tun->peers[peer];

	lp->open[lp->n_open] = m;
	lp->open_src[lp->n_open] = src;
	lp->open_sport[lp->n_open++] = sport;
	if (lp->n_open == BOND_CRYPTO_BURST)
		tun_open_flush(lc, peer, now);
}

/*
 * A tunnel datagram to us (m at the Ethernet header of l2_len bytes; IPv4 and UDP headers in
 * the first segment): to its stream's owner, the home (handshake), or opened here.
 */
static void tun_udp_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m, uint16_t l2_len,
                          uint64_t now)
{
	struct gw_tun *t = lc->gw->tun;
	uint32_t first = rte_pktmbuf_data_len(m);

	if (first < l2_len + sizeof(struct rte_ipv4_hdr)) {
		tun_drop(lc, m, STAT_drop_l4_truncated);
		return;
	}
	const struct rte_ipv4_hdr *ip =
	        rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2_len);
	uint32_t ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	uint32_t tot = rte_be_to_cpu_16(ip->total_length);
	if (first < l2_len + ihl + sizeof(struct rte_udp_hdr) || tot < ihl + 8 ||
	    m->pkt_len < l2_len + tot) {
		tun_drop(lc, m, STAT_drop_l4_truncated);
		return;
	}
	const struct rte_udp_hdr *udp =
	        rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, l2_len + ihl);
	uint32_t udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (udp_len < sizeof(*udp) || udp_len > tot - ihl) {
		tun_drop(lc, m, STAT_drop_l4_truncated);
		return;
	}
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr), src = rte_be_to_cpu_32(ip->src_addr);
	uint16_t dport = rte_be_to_cpu_16(udp->dst_port), sport = rte_be_to_cpu_16(udp->src_port);
	int peer = tun_endpoint_peer(t, dst, dport);
	if (peer < 0) {
		/* A reassembled datagram to an address of ours with no tunnel on its port. */
		tun_drop(lc, m, STAT_drop_not_for_us);
		return;
	}
	struct tun_peer *p = &t->peers[peer];
	struct tun_lc_peer *lp = &lc->tun->peers[peer];
	rte_pktmbuf_adj(m, (uint16_t)(l2_len + ihl + sizeof(*udp)));
	if (m->pkt_len > udp_len - sizeof(*udp))
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - (udp_len - sizeof(*udp))));
	if (m->pkt_len < BOND_HDR_LEN || rte_pktmbuf_data_len(m) < BOND_HDR_LEN) {
		/* Too short to steer: opened here, refused as truncated. */
		tun_open_one(lc, (unsigned int)peer, m, src, sport, now);
		return;
	}
	const uint8_t *b = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t type = (b[0] >> 3) & 7, link = b[2] >> 4, queue = b[2] & 0xf;
	/* The link id must name the link of the local endpoint the packet came to. */
	if (link >= p->n_links || p->links[link].port != port || p->links[link].local_ip != dst ||
	    p->links[link].local_port != dport) {
		tun_drop_result(lc, lp, BOND_R_drop_link, m);
		return;
	}
	tun_capture(lc, link, CAPTURE_POINT_OUTER, CAPTURE_DIR_IN, m,
	            (uint16_t)(l2_len + ihl + sizeof(*udp)));
	if (type == BOND_TYPE_HANDSHAKE) {
		tun_home_handshake(lc, p, m, src, sport, now);
		return;
	}
	unsigned int owner = bond_crypto_rx_owner(link, queue, lc->gw->n_lcores);
	if (owner == lc->idx) {
		tun_open_one(lc, (unsigned int)peer, m, src, sport, now);
		return;
	}
	struct tun_msg om = {.kind = TUN_MSG_OPEN,
	                     .peer = (uint8_t)peer,
	                     .link = link,
	                     .queue = queue,
	                     .a = src,
	                     .b = sport,
	                     .m = m};
	if (tun_msg_send(lc, owner, &om) < 0)
		rte_pktmbuf_free(m);
}

bool gw_tunnel_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m,
                     const struct net_hdrs *h, uint64_t now)
{
	const struct gw_tun *t = lc->gw->tun;

	if (t == NULL || !(h->flags & NET_F_IPV4))
		return false;
	if (h->flags & NET_F_FRAG) {
		if (!tun_local_address(t, h->dst))
			return false;
		m->l2_len = h->l2_len;
		m->l3_len = h->l3_len;
		struct rte_ipv4_hdr *ip =
		        rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, h->l2_len);
		struct rte_mbuf *whole = frag_reasm_input(lc->tun->reasm, m, ip, now);
		if (whole == NULL)
			return true; /* kept for reassembly, or on its death row */
		stats_inc(lc->stats, STAT_tunnel_reassembled);
		tun_udp_input(lc, port, whole, whole->l2_len, now);
		return true;
	}
	if (h->proto != IPPROTO_UDP || !(h->flags & NET_F_L4) ||
	    tun_endpoint_peer(t, h->dst, h->dport) < 0)
		return false;
	tun_udp_input(lc, port, m, h->l2_len, now);
	return true;
}

/* ---- reorder and delivery ---- */

void tun_reorder_in(struct gw_lcore *lc, unsigned int peer, struct rte_mbuf *m,
                    const struct tun_msg *d, uint64_t now)
{
	struct tun_lc_peer *lp = &lc->tun->peers[peer];
	uint32_t gen = (uint32_t)d->x;

	/*
	 * Buckets are per key slot. A packet of a newer session in the slot than the buckets
	 * number restarts the slot's buckets (its sequences start at 0); an older one is of a
	 * session this buffer has left.
	 */
	if (gen != lp->reorder_gen[d->slot]) {
		if ((int32_t)(gen - lp->reorder_gen[d->slot]) < 0) {
			tun_drop(lc, m, STAT_drop_tunnel_stale_session);
			return;
		}
		bond_reorder_reset_buckets(lp->reorder, (uint32_t)d->slot * TUN_SLOT_BUCKETS,
		                           TUN_SLOT_BUCKETS);
		lp->reorder_gen[d->slot] = gen;
	}
	struct bond_reorder_meta meta = {
	        .bucket = d->a, .seq = d->b, .sender_ts = d->ts, .link = d->link};
	/* The header flags travel with the packet (BOND_F_TERMINATE: paired accelerate). */
	m->hash.usr = d->flags;
	bond_reorder_link_seen(lp->reorder, d->link, d->ts, now);
	int v = bond_reorder_insert(lp->reorder, m, &meta, now);
	if (v == -ENOBUFS) {
		tun_reorder_poll(lc, now);
		v = bond_reorder_insert(lp->reorder, m, &meta, now);
	}
	lp->reorder_dirty = true;
	switch (v) {
	case BOND_REORDER_READY:
	case BOND_REORDER_HELD:
		return;
	case BOND_REORDER_DUPLICATE:
		stats_inc(lc->stats, STAT_drop_tunnel_duplicate);
		return;
	case BOND_REORDER_LATE:
		stats_inc(lc->stats, STAT_drop_tunnel_late);
		return;
	case BOND_REORDER_OLD:
		stats_inc(lc->stats, STAT_drop_tunnel_old);
		return;
	default:
		/* Refused (its lists stayed full): the packet is still ours. */
		tun_drop(lc, m, STAT_drop_tunnel_handoff_full);
		return;
	}
}

unsigned int tun_reorder_poll(struct gw_lcore *lc, uint64_t now)
{
	struct gw_tun *t = lc->gw->tun;
	unsigned int total = 0;
	void *pkts[TUN_DRAIN];

	for (unsigned int i = 0; i < t->n_peers; i++) {
		struct tun_lc_peer *lp = &lc->tun->peers[i];
		unsigned int n;
		if (!lp->reorder_dirty && bond_reorder_next_deadline_us(lp->reorder) > now)
			continue;
		lp->reorder_dirty = false;
		bond_reorder_advance(lp->reorder, now);
		while ((n = bond_reorder_drain(lp->reorder, pkts, RTE_DIM(pkts))) > 0) {
			total += n;
			stats_add(lc->stats, STAT_tunnel_decap, n);
			gw_tunnel_deliver(lc, (struct rte_mbuf **)pkts, n, now);
		}
		/* Duplicates and late packets (counted when they were refused). */
		while ((n = bond_reorder_death_row(lp->reorder, pkts, RTE_DIM(pkts))) > 0)
			rte_pktmbuf_free_bulk((struct rte_mbuf **)pkts, n);
	}
	return total;
}

void tun_flush_all(struct gw_lcore *lc, uint64_t now)
{
	struct gw_tun *t = lc->gw->tun;

	for (unsigned int i = 0; i < t->n_peers; i++) {
		tun_open_flush(lc, i, now);
		tun_seal_flush(lc, i, now);
	}
}

void gw_tunnel_flush(struct gw_lcore *lc, uint64_t now)
{
	if (lc->gw->tun == NULL)
		return;
	tun_flush_all(lc, now);
	tun_reorder_poll(lc, now);
}

bool gw_tunnel_steer(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m,
                     const struct net_hdrs *h)
{
	const struct gw *gw = lc->gw;
	uint16_t link_mtu;
	int peer = gw_tunnel_peer_of(gw, h->dst, &link_mtu);

	if (peer < 0)
		return false;
	/* The bucket of the packet as the peer would send it back: the reversed tuple. */
	struct {
		struct rte_ipv4_hdr ip;
		rte_be16_t ports[2];
	} rev = {
	        .ip = {.version_ihl = RTE_IPV4_VHL_DEF,
	               .next_proto_id = h->proto,
	               .src_addr = rte_cpu_to_be_32(h->dst),
	               .dst_addr = rte_cpu_to_be_32(h->src)},
	        .ports = {rte_cpu_to_be_16(h->dport), rte_cpu_to_be_16(h->sport)},
	};
	uint32_t fb = bond_wire_flow_bucket((const uint8_t *)&rev, sizeof(rev));
	unsigned int owner = gw_tunnel_flow_lcore(fb, gw->n_lcores);
	if (owner == lc->idx)
		return false;
	struct tun_msg msg = {.kind = TUN_MSG_TRANSIT, .peer = (uint8_t)peer, .a = port, .m = m};
	if (tun_msg_send(lc, owner, &msg) < 0)
		rte_pktmbuf_free(m);
	return true;
}
