/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The run-to-completion loop of one worker lcore:
 *
 *   rx_burst per queue → parse → ARP / to us (ICMP echo) / transit
 *   transit: classify the burst (flow table + first-match rules)
 *            → accelerate: split TCP (accel.c) | the rest: routes of the burst at once
 *            (rte_lpm bulk) → the action's egress (gw_actions: MTU, overhead, output; none
 *            for drop) → TTL decrement → MSS clamp → fragmentation policy → the egress's
 *            output (a port: next-hop MAC from the per-lcore next-hop array for gateways,
 *            else ARP with packets held while resolving → per-port TX buffer)
 *   counters of the common path are summed per burst and added once
 *   once per iteration: flush TX buffers (when no RX queue returned a full burst, else on a
 *   TSC deadline: lcore_sched.h), ARP learnings from other lcores, timers, then free the
 *   iteration's dropped and consumed mbufs in bulk (the death row, gw_free)
 *   idle: after GW_IDLE_POLLS empty polls sleep idle_sleep_us, or less when a timer (the TCP
 *         engine's, the ARP tick) is due sooner
 *
 * Everything here touches only this lcore's context and read-only shared state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <rte_cycles.h>
#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "accel.h"
#include "capture_gw.h"
#include "flow.h"
#include "frag.h"
#include "gw.h"
#include "lcore_sched.h"
#include "mss.h"
#include "net.h"
#include "net_arp.h"
#include "net_icmp.h"
#include "net_route.h"
#include "params.h"
#include "tunnel.h"

#define ARP_TICK_US   10000
#define FLOW_AGE_US   1000
#define FLOW_AGE_SCAN 64
#define ARP_NOTE_RING 1024
#define FRAG_MAX_OUT  GW_FRAG_MAX_OUT
/* Packets ahead whose headers are prefetched while the current one is parsed. */
#define GW_PREFETCH   8

static uint64_t tsc_per_us;

uint64_t gw_now_us(void)
{
	if (unlikely(tsc_per_us == 0))
		tsc_per_us = RTE_MAX(rte_get_tsc_hz() / 1000000, (uint64_t)1);
	return rte_rdtsc() / tsc_per_us;
}

uint16_t gw_tx_flush(struct gw_lcore *lc, uint16_t port)
{
	struct rte_eth_dev_tx_buffer *b = lc->txb[port];
	if (b->length == 0)
		return 0;
	gw_capture_tx(lc, port, b->pkts, b->length);
	return rte_eth_tx_buffer_flush(lc->gw->ports[port].info.port_id, (uint16_t)lc->idx, b);
}

static void count_tx_drop(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	struct gw_lcore *lc = userdata;
	gw_capture_drops(lc, pkts, unsent, STAT_drop_tx_full);
	stats_add(lc->stats, STAT_drop_tx_full, unsent);
	/* These were counted in tx_packets when they were buffered: settle_tx takes them out. */
	lc->tx_refused += unsent;
	for (uint16_t i = 0; i < unsent; i++)
		lc->tx_refused_bytes += pkts[i]->pkt_len;
	rte_pktmbuf_free_bulk(pkts, unsent);
}

/*
 * tx_packets/tx_bytes count what the TX queues took. A refused packet was counted when it was
 * buffered, possibly in a burst whose counts are only added at its end: it is taken out here,
 * at the end of the loop iteration, so that the counter never dips below what was sent.
 */
static void settle_tx(struct gw_lcore *lc)
{
	if (likely(lc->tx_refused == 0))
		return;
	lc->stats->c[STAT_tx_packets] -= lc->tx_refused;
	lc->stats->c[STAT_tx_bytes] -= lc->tx_refused_bytes;
	lc->tx_refused = 0;
	lc->tx_refused_bytes = 0;
}

static inline void drop(struct gw_lcore *lc, struct rte_mbuf *m, enum stat_id why)
{
	gw_capture_drops(lc, &m, 1, why);
	stats_inc(lc->stats, why);
	gw_free(lc, m);
}

/* Queue a frame whose Ethernet header is complete for transmission on port. */
static inline void tx(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	stats_inc(lc->stats, STAT_tx_packets);
	stats_add(lc->stats, STAT_tx_bytes, m->pkt_len);
	lc->port_tx[port] += gw_tx_buffer(lc, port, m);
}

static inline void set_l2(struct rte_mbuf *m, const struct gw_port *p,
                          const struct rte_ether_addr *dst)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(&p->info.mac, &eth->src_addr);
}

static void send_arp_request(struct gw_lcore *lc, uint16_t port, uint32_t ip)
{
	const struct gw_port *p = &lc->gw->ports[port];
	struct rte_mbuf *m = net_arp_request(lc->gw->pool, &p->info.mac, p->ipv4, ip);
	if (m == NULL) {
		stats_inc(lc->stats, STAT_build_no_mbuf);
		return;
	}
	stats_inc(lc->stats, STAT_arp_requests_out);
	tx(lc, port, m);
}

/* Send packets released by ARP resolution: their next hop is now at mac. */
static void send_held(struct gw_lcore *lc, uint16_t port, const struct rte_ether_addr *mac,
                      struct rte_mbuf **held, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		set_l2(held[i], &lc->gw->ports[port], mac);
		tx(lc, port, held[i]);
	}
}

/* Resolve next_hop on port and send m (its Ethernet header is rewritten). */
static void l2_output(struct gw_lcore *lc, uint16_t port, uint32_t next_hop, struct rte_mbuf *m,
                      uint64_t now)
{
	struct rte_ether_addr mac;
	struct net_arp_miss miss = {0};
	int rc = net_arp_resolve(lc->arp, port, next_hop, m, now, &mac, &miss);
	if (rc == NET_ARP_HIT) {
		set_l2(m, &lc->gw->ports[port], &mac);
		tx(lc, port, m);
		return;
	}
	if (rc == NET_ARP_HELD) {
		stats_inc(lc->stats, STAT_arp_queued);
		if (miss.dropped != NULL)
			drop(lc, miss.dropped, STAT_drop_arp_queue_full);
	}
	/* Also when nothing can be held (queue_len 0): the next packet may find the answer. */
	if (miss.send_request)
		send_arp_request(lc, port, next_hop);
	if (rc == NET_ARP_HELD)
		return;
	drop(lc, m, rc == -ENOSPC ? STAT_drop_arp_table_full : STAT_drop_arp_unresolved);
}

void gw_port_send(struct gw_lcore *lc, uint16_t port, uint32_t next_hop, struct rte_mbuf *m,
                  uint64_t now)
{
	l2_output(lc, port, next_hop, m, now);
}

/*
 * Send an ICMP error about orig (parsed into h) back toward its source, rate limited.
 * orig stays the caller's.
 */
static void send_icmp_error(struct gw_lcore *lc, const struct rte_mbuf *orig,
                            const struct net_hdrs *h, uint8_t type, uint8_t code, uint16_t mtu,
                            uint64_t now)
{
	uint16_t port;
	uint32_t nh;
	if (!net_icmp_error_allowed(h))
		return;
	if (net_route_lookup(lc->gw->routes, h->src, &port, &nh) < 0)
		return;
	if (!net_ratelimit_take(lc->icmp_limit, now)) {
		stats_inc(lc->stats, STAT_icmp_errors_ratelimited);
		return;
	}
	struct rte_mbuf *e =
	        net_icmp_error(lc->gw->pool, orig, h, type, code, mtu, lc->gw->ports[port].ipv4);
	if (e == NULL) {
		if (rte_errno == ENOBUFS)
			stats_inc(lc->stats, STAT_build_no_mbuf);
		return;
	}
	stats_inc(lc->stats, STAT_icmp_errors_sent);
	l2_output(lc, port, nh, e, now);
}

static inline bool is_our_address(const struct gw_lcore *lc, uint32_t ip)
{
	/*
	 * The lcore's packed copy of the port addresses: one cache line, no port_info strides,
	 * every slot filled (past n_addrs with the first address again), so that all of them are
	 * compared at once: two vector compares instead of a loop exit per address.
	 */
#if defined(__SSE2__)
	_Static_assert(CFG_MAX_PORTS == 8, "two 4-address compares");
	__m128i v = _mm_set1_epi32((int)ip);
	__m128i lo = _mm_loadu_si128((const __m128i *)&lc->addrs[0]);
	__m128i hi = _mm_loadu_si128((const __m128i *)&lc->addrs[4]);
	return _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi32(v, lo), _mm_cmpeq_epi32(v, hi))) != 0;
#else
	for (unsigned int i = 0; i < lc->n_addrs; i++)
		if (lc->addrs[i] == ip)
			return true;
	return false;
#endif
}

static void arp_note_others(struct gw_lcore *lc, uint16_t port, uint32_t ip,
                            const struct rte_ether_addr *mac, unsigned int flags)
{
	struct gw *gw = lc->gw;
	struct gw_arp_note note = {.ipv4 = ip, .port = port, .mac = *mac, .flags = (uint8_t)flags};
	for (unsigned int i = 0; i < gw->n_lcores; i++) {
		struct gw_lcore *o = &gw->lcores[i];
		/* Notes travel by value; when a ring is full the other lcore re-resolves. */
		if (o != lc)
			rte_ring_enqueue_elem(o->arp_notes, &note, sizeof(note));
	}
}

static void arp_learn(struct gw_lcore *lc, uint16_t port, uint32_t ip,
                      const struct rte_ether_addr *mac, unsigned int flags, uint64_t now)
{
	struct rte_mbuf *held[256];
	unsigned int n = 0;
	if (net_arp_learn(lc->arp, port, ip, mac, now, flags, held, RTE_DIM(held), &n) == 0)
		send_held(lc, port, mac, held, n);
}

static void arp_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m,
                      const struct net_hdrs *h, uint64_t now)
{
	const struct gw_port *p = &lc->gw->ports[port];
	struct net_arp_pkt a;
	int rc = net_arp_parse(rte_pktmbuf_mtod_offset(m, const uint8_t *, h->l2_len),
	                       rte_pktmbuf_data_len(m) - h->l2_len, &a);
	if (rc != 0) {
		drop(lc, m, rc);
		return;
	}
	bool for_us = a.tpa == p->ipv4;
	unsigned int flags = for_us ? NET_ARP_LEARN_CREATE : 0;
	if (a.op == RTE_ARP_OP_REQUEST)
		stats_inc(lc->stats, STAT_arp_requests_in);
	else
		stats_inc(lc->stats, STAT_arp_replies_in);
	/* RFC 826 merge: update the sender's entry; create it when the ARP was for us. */
	if (a.spa != 0) {
		arp_learn(lc, port, a.spa, &a.sha, flags, now);
		/* Every lcore keeps its own table: a gratuitous ARP (a host that changed its
		 * MAC) updates the others' entries too, without creating any. */
		if (lc->gw->n_lcores > 1)
			arp_note_others(lc, port, a.spa, &a.sha, flags);
	}
	if (for_us && a.op == RTE_ARP_OP_REQUEST &&
	    net_arp_reply_in_place(m, h, &a, &p->info.mac) == 0) {
		stats_inc(lc->stats, STAT_arp_replies_out);
		tx(lc, port, m);
		return;
	}
	gw_free(lc, m);
}

static void local_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m, struct net_hdrs *h,
                        uint64_t now)
{
	stats_inc(lc->stats, STAT_local_in);
	/* Tunnel packets to a link's local endpoint (and their fragments). */
	if (unlikely(lc->tun != NULL) && gw_tunnel_input(lc, port, m, h, now))
		return;
	if (h->proto == IPPROTO_ICMP && (h->flags & NET_F_L4) &&
	    h->icmp_type == NET_ICMP_ECHO_REQUEST && !(h->flags & NET_F_FRAG)) {
		if (net_icmp_echo_reply(m, h) == 0) {
			/* Route the reply: the requester may sit behind a router on this port. */
			uint16_t out;
			uint32_t nh;
			if (net_route_lookup(lc->gw->routes, h->dst, &out, &nh) < 0) {
				drop(lc, m, STAT_drop_no_route);
				return;
			}
			stats_inc(lc->stats, STAT_icmp_echo_replies);
			l2_output(lc, out, nh, m, now);
			return;
		}
	}
	if (h->proto == IPPROTO_UDP && (h->flags & NET_F_L4))
		send_icmp_error(lc, m, h, NET_ICMP_DEST_UNREACH, NET_ICMP_CODE_PORT_UNREACH, 0,
		                now);
	drop(lc, m, STAT_drop_not_for_us);
}

/*
 * Counters of the forwarding path, summed over a burst and added to the lcore's block once;
 * and the burst's packets for the next-hop array's ports, appended to the TX buffers once per
 * run of one port (fwd_acc_send): one buffer length update per run instead of a
 * load-increment-store per packet, which chained every packet to the one before.
 */
struct fwd_acc {
	uint32_t forwarded;
	uint32_t tx_packets;
	uint64_t tx_bytes;
	uint32_t arp_gen; /* net_arp_generation(lc->arp) when the burst started */
	uint32_t nh_ok;   /* the next-hop slot this burst last found valid, or UINT32_MAX */
	unsigned int n_out;
	struct rte_mbuf *out[GW_BURST_MAX];
	uint16_t out_port[GW_BURST_MAX];
};

/* Append the staged packets to their ports' TX buffers, in order. */
static void fwd_acc_send(struct gw_lcore *lc, struct fwd_acc *acc)
{
	unsigned int i = 0;
	while (i < acc->n_out) {
		uint16_t port = acc->out_port[i];
		unsigned int j = i + 1;
		while (j < acc->n_out && acc->out_port[j] == port)
			j++;
		lc->port_tx[port] += gw_tx_buffer_bulk(lc, port, &acc->out[i], j - i);
		i = j;
	}
	acc->n_out = 0;
}

static inline void fwd_acc_init(struct gw_lcore *lc, struct fwd_acc *acc)
{
	acc->forwarded = 0;
	acc->tx_packets = 0;
	acc->tx_bytes = 0;
	acc->n_out = 0;
	acc->nh_ok = UINT32_MAX;
	/* Only learn, static add and removal change it: none happens while a burst forwards. */
	acc->arp_gen = net_arp_generation(lc->arp);
}

static inline void fwd_acc_flush(struct gw_lcore *lc, struct fwd_acc *acc)
{
	fwd_acc_send(lc, acc);
	stats_add(lc->stats, STAT_forwarded, acc->forwarded);
	stats_add(lc->stats, STAT_tx_packets, acc->tx_packets);
	stats_add(lc->stats, STAT_tx_bytes, acc->tx_bytes);
}

/* Refill next-hop slot c for hop from the ARP table; false when the next hop is unresolved. */
static bool nh_fill(struct gw_lcore *lc, struct gw_nh *c, const struct net_route_hop *hop,
                    const struct fwd_acc *acc, uint64_t now)
{
	struct rte_ether_addr mac;
	uint64_t until;
	if (net_arp_lookup(lc->arp, hop->port, hop->next_hop, now, &mac, &until) != 0)
		return false;
	c->dst = mac;
	c->src = lc->gw->ports[hop->port].info.mac;
	c->port = hop->port;
	c->ip = hop->next_hop;
	c->arp_gen = acc->arp_gen;
	c->valid_until_us = until;
	return true;
}

/*
 * ---- Egresses: how each action's packets leave ----
 *
 * A port egress sends to the route's next hop on the route's port: the next-hop array for
 * gateways, else ARP (which may hold the packet while it resolves).
 */
static __rte_always_inline void port_output(struct gw_lcore *lc, const struct gw_egress *eg,
                                            struct rte_mbuf *m, struct fwd_acc *acc, uint64_t now)
{
	const struct net_route_hop *hop = &eg->hop;
	if (likely(hop->nh_id < lc->n_nh)) {
		struct gw_nh *c = &lc->nh[hop->nh_id];
		/* A burst's hops come from one route lookup, and its time and ARP generation are
		 * the burst's: a slot found valid once stays valid for the rest of the burst. */
		if (likely(hop->nh_id == acc->nh_ok ||
		           (c->ip == hop->next_hop && c->port == hop->port &&
		            c->arp_gen == acc->arp_gen && now < c->valid_until_us) ||
		           nh_fill(lc, c, hop, acc, now))) {
			acc->nh_ok = hop->nh_id;
			memcpy(rte_pktmbuf_mtod(m, void *), &c->dst, 2 * RTE_ETHER_ADDR_LEN);
			acc->tx_packets++;
			acc->tx_bytes += m->pkt_len;
			if (unlikely(acc->n_out == RTE_DIM(acc->out)))
				fwd_acc_send(lc, acc); /* fragments: more than a burst */
			acc->out[acc->n_out] = m;
			acc->out_port[acc->n_out++] = c->port;
			return;
		}
	}
	/* Connected destination, or a gateway not resolved yet: ARP (may hold m). */
	l2_output(lc, hop->port, hop->next_hop, m, now);
}

/* The route's port: its MTU, no encapsulation. */
static __rte_always_inline int egress_route(struct gw_lcore *lc, const struct flow_action *act,
                                            uint32_t dst, const struct net_route_hop *hop,
                                            struct gw_egress *eg)
{
	if (unlikely(hop->port == NET_ROUTE_NO_PORT))
		return STAT_drop_no_route;
	eg->output = port_output;
	eg->mtu = lc->gw->ports[hop->port].mtu;
	eg->overhead = 0;
	eg->hop = *hop;
	return 0;
}

/* A drop rule's packets have no way out. */
static int egress_none(struct gw_lcore *lc, const struct flow_action *act, uint32_t dst,
                       const struct net_route_hop *hop, struct gw_egress *eg)
{
	return STAT_drop_rule;
}

/* A tunnel egress seals the packet for the peer and sends it on the link its scheduler picks. */
static void tunnel_output(struct gw_lcore *lc, const struct gw_egress *eg, struct rte_mbuf *m,
                          struct fwd_acc *acc, uint64_t now)
{
	gw_tunnel_output(lc, m, sizeof(struct rte_ether_hdr), eg->peer, eg->bond_profile,
	                 eg->tunnel_flags, now);
}

/*
 * The peer whose remote networks hold the destination: its smallest link MTU, less the
 * encapsulation (mss auto, fragmentation policy and fragmentation-needed follow from it).
 */
static int egress_tunnel(struct gw_lcore *lc, const struct flow_action *act, uint32_t dst,
                         const struct net_route_hop *hop, struct gw_egress *eg)
{
	uint16_t link_mtu;
	int peer = gw_tunnel_peer_of(lc->gw, dst, &link_mtu);

	if (peer < 0)
		return STAT_drop_tunnel_no_peer;
	eg->output = tunnel_output;
	eg->mtu = link_mtu;
	eg->overhead = CFG_TUNNEL_OVERHEAD;
	eg->peer = (uint8_t)peer;
	eg->bond_profile = act->bond_profile;
	eg->tunnel_flags = 0;
	return 0;
}

/*
 * Accelerate: toward a peer's remote networks through the tunnel (paired mode: the peer
 * terminates the split's server leg, accel.c), anywhere else by the route's port.
 */
static int egress_accel(struct gw_lcore *lc, const struct flow_action *act, uint32_t dst,
                        const struct net_route_hop *hop, struct gw_egress *eg)
{
	if (lc->gw->tun != NULL && egress_tunnel(lc, act, dst, hop, eg) == 0)
		return 0;
	return egress_route(lc, act, dst, hop, eg);
}

/*
 * The egress of each action (l3fwd's lookup ops, grout's nodes): every packet that is not
 * split goes through the same forwarding steps against the egress its action chose here, and
 * the split-TCP legs take their MTU and MSS from the same choice (accel.c). Accelerate leaves
 * by the route's port single-ended (the flows it does not split, and the server's leg). The
 * tunnel (lib/bond) is one more entry: an egress with the bond's link MTU, the encapsulation
 * as overhead and an output that encapsulates and schedules onto a link; accelerate's entry
 * picks it toward a peer's remote networks (paired mode).
 */
struct gw_action_ops {
	const char *name;
	/* Fill eg for a packet whose route is hop (looked up for every packet of a burst);
	 * 0, or the drop reason. */
	int (*egress)(struct gw_lcore *lc, const struct flow_action *act, uint32_t dst,
	              const struct net_route_hop *hop, struct gw_egress *eg);
};

static const struct gw_action_ops gw_actions[FLOW_ACTION_MAX] = {
        [FLOW_ACTION_FORWARD] = {.name = "forward", .egress = egress_route},
        [FLOW_ACTION_DROP] = {.name = "drop", .egress = egress_none},
        [FLOW_ACTION_ACCELERATE] = {.name = "accelerate", .egress = egress_accel},
        [FLOW_ACTION_TUNNEL] = {.name = "tunnel", .egress = egress_tunnel},
};

const char *gw_action_name(enum flow_action_type action)
{
	return action < RTE_DIM(gw_actions) ? gw_actions[action].name : "unknown";
}

int gw_egress_find(struct gw_lcore *lc, enum flow_action_type action, const struct flow_action *act,
                   uint32_t dst_ip, struct gw_egress *eg)
{
	struct net_route_hop hop;
	net_route_lookup_bulk(lc->gw->routes, &dst_ip, 1, &hop);
	return gw_actions[action].egress(lc, act, dst_ip, &hop, eg);
}

void gw_egress_send(struct gw_lcore *lc, const struct gw_egress *eg, struct rte_mbuf *m,
                    uint64_t now)
{
	struct fwd_acc acc;
	fwd_acc_init(lc, &acc);
	eg->output(lc, eg, m, &acc, now);
	fwd_acc_flush(lc, &acc);
}

/*
 * ---- The forwarding steps ----
 *
 * Each takes the packet's egress; a step that drops the packet (and counts it) returns false.
 */

/* mss_where.n_mss of a segment whose options were not scanned before classification. */
#define GW_MSS_UNSCANNED UINT8_MAX
_Static_assert(GW_BURST_MAX <= UINT8_MAX + 1, "a burst index must fit uint8_t");

/* The packet could not be given an egress. */
static void forward_refused(struct gw_lcore *lc, struct rte_mbuf *m, const struct net_hdrs *h,
                            int why, uint64_t now)
{
	if (why == STAT_drop_no_route || why == STAT_drop_tunnel_no_peer)
		send_icmp_error(lc, m, h, NET_ICMP_DEST_UNREACH, NET_ICMP_CODE_HOST_UNREACH, 0,
		                now);
	drop(lc, m, (enum stat_id)why);
}

/* RFC 1812 5.3.1: decrement TTL (checksum fixed incrementally), or time exceeded. */
static __rte_always_inline bool step_ttl(struct gw_lcore *lc, struct rte_mbuf *m,
                                         const struct net_hdrs *h, uint64_t now)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, h->l2_len);
	if (likely(net_ipv4_dec_ttl(ip) == 0))
		return true;
	send_icmp_error(lc, m, h, NET_ICMP_TIME_EXCEEDED, NET_ICMP_CODE_TTL_EXCEEDED, 0, now);
	drop(lc, m, STAT_drop_ttl_exceeded);
	return false;
}

/* The MSS a SYN or SYN-ACK leaving through eg is clamped to: the rule's, or auto. */
static uint16_t clamp_mss(const struct flow_action *act, const struct gw_egress *eg)
{
	if (act->mss_mode == FLOW_MSS_FIXED)
		return act->mss;
	int mss = mss_auto(eg->mtu, eg->overhead);
	return mss > 0 ? (uint16_t)mss : MSS_MIN;
}

/*
 * Clamp the MSS option of a SYN or SYN-ACK (lib/mss; malformed options are dropped). w: where
 * tcp_refusal's scan found the options (n_mss GW_MSS_UNSCANNED, or w NULL: not scanned, walk
 * them here).
 */
static __rte_always_inline bool step_mss(struct gw_lcore *lc, struct rte_mbuf *m,
                                         const struct net_hdrs *h, const struct flow_action *act,
                                         const struct gw_egress *eg, const struct mss_where *w)
{
	if (likely(h->proto != IPPROTO_TCP || !(h->flags & NET_F_L4) ||
	           !(h->tcp_flags & RTE_TCP_SYN_FLAG) || act->mss_mode == FLOW_MSS_OFF))
		return true;
	uint32_t off = h->l2_len + h->l3_len;
	uint8_t *tcp = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
	enum mss_result r;
	if (w != NULL && w->n_mss != GW_MSS_UNSCANNED) {
		r = mss_clamp_where(tcp, w, clamp_mss(act, eg), 0);
	} else {
		uint32_t seg = rte_pktmbuf_data_len(m);
		r = mss_clamp(tcp, off < seg ? seg - off : 0, clamp_mss(act, eg), 0, NULL);
	}
	enum stat_id s = mss_result_stat(r);
	if (mss_result_is_drop(r)) {
		drop(lc, m, s);
		return false;
	}
	if (s != STAT_MAX)
		stats_inc(lc->stats, s);
	return true;
}

/*
 * A packet larger than the egress's effective MTU: the rule's fragmentation policy (lib/frag).
 * Sends what it decides to send (the fragments, through the egress's output) and returns
 * false; returns true when the packet is to go on as it is.
 */
static bool step_frag(struct gw_lcore *lc, struct rte_mbuf *m, const struct net_hdrs *h,
                      const struct flow_action *act, const struct gw_egress *eg,
                      struct fwd_acc *acc, uint64_t now)
{
	struct gw *gw = lc->gw;
	uint16_t mtu = gw_egress_mtu(eg);
	enum frag_verdict v = frag_decide((enum frag_policy)act->fragment, h->ip_total_len,
	                                  h->flags & NET_F_DF, mtu);
	switch (v) {
	case FRAG_SEND:
		return true;
	case FRAG_DROP_NEED_FRAG:
		/* RFC 1191 4: the next-hop MTU is what fits the egress, encapsulation included. */
		send_icmp_error(lc, m, h, NET_ICMP_DEST_UNREACH, NET_ICMP_CODE_FRAG_NEEDED, mtu,
		                now);
		drop(lc, m, STAT_drop_df_mtu);
		return false;
	case FRAG_FRAGMENT:
	case FRAG_FRAGMENT_CLEAR_DF: {
		struct rte_mbuf *frags[FRAG_MAX_OUT];
		enum stat_id why = STAT_drop_frag_failed;
		m->l2_len = h->l2_len;
		int n = frag_fragment(m, mtu, v == FRAG_FRAGMENT_CLEAR_DF, frags, RTE_DIM(frags),
		                      gw->pool, gw->indirect_pool, &why);
		if (n < 0) {
			drop(lc, m, why);
			return false;
		}
		stats_inc(lc->stats, STAT_frag_packets);
		stats_add(lc->stats, STAT_frag_fragments, (uint64_t)n);
		if (v == FRAG_FRAGMENT_CLEAR_DF)
			stats_inc(lc->stats, STAT_frag_df_cleared);
		acc->forwarded++;
		for (int i = 0; i < n; i++)
			eg->output(lc, eg, frags[i], acc, now);
		return false;
	}
	case FRAG_OUTER:
		/* Encapsulate whole: the tunnel's output fragments the tunnel packet to its link
		 * MTU. The loader allows the policy only with the tunnel action. */
		if (eg->overhead != 0)
			return true;
		break;
	}
	drop(lc, m, STAT_drop_frag_failed);
	return false;
}

/*
 * Call f, directly when it is f1 (Linux's INDIRECT_CALL_1, include/linux/indirect_call_wrapper.h):
 * the common egress inlines and costs no indirect branch; any other goes through the pointer.
 */
#define GW_CALL_EXPECT(f, f1, ...) (likely((f) == (f1)) ? f1(__VA_ARGS__) : (f)(__VA_ARGS__))

/*
 * Forward a transit packet whose route is hop through the steps. Takes m. w: where its SYN
 * options are (step_mss), or NULL.
 */
static __rte_always_inline void forward_one(struct gw_lcore *lc, struct rte_mbuf *m,
                                            struct net_hdrs *h, const struct flow_action *act,
                                            const struct net_route_hop *hop,
                                            const struct mss_where *w, struct fwd_acc *acc,
                                            uint64_t now)
{
	struct gw_egress eg;
	int why = GW_CALL_EXPECT(gw_actions[act->action].egress, egress_route, lc, act, h->dst, hop,
	                         &eg);
	if (unlikely(why != 0)) {
		forward_refused(lc, m, h, why, now);
		return;
	}
	if (unlikely(!step_ttl(lc, m, h, now)))
		return;
	if (unlikely(!step_mss(lc, m, h, act, &eg, w)))
		return;
	if (unlikely(h->ip_total_len > gw_egress_mtu(&eg)) &&
	    !step_frag(lc, m, h, act, &eg, acc, now))
		return;
	acc->forwarded++;
	GW_CALL_EXPECT(eg.output, port_output, lc, &eg, m, acc, now);
}

void gw_forward(struct gw_lcore *lc, struct rte_mbuf *m, struct net_hdrs *h,
                const struct flow_action *act, uint64_t now)
{
	struct net_route_hop hop;
	struct fwd_acc acc;
	fwd_acc_init(lc, &acc);
	net_route_lookup_bulk(lc->gw->routes, &h->dst, 1, &hop);
	forward_one(lc, m, h, act, &hop, NULL, &acc, now);
	fwd_acc_flush(lc, &acc);
}

/*
 * Forward n of a burst's transit packets (m, h, w: the burst's arrays; idx: which, in order;
 * act: their actions): their routes in one bulk lookup, then each in turn.
 */
static void forward_burst(struct gw_lcore *lc, struct rte_mbuf **m, struct net_hdrs *h,
                          const struct mss_where *w, const uint8_t *idx,
                          const struct flow_action **act, unsigned int n, uint64_t now)
{
	uint32_t dst[GW_BURST_MAX];
	struct net_route_hop hop[GW_BURST_MAX];
	struct fwd_acc acc;

	if (n == 0)
		return;
	for (unsigned int k = 0; k < n; k++)
		dst[k] = h[idx[k]].dst;
	net_route_lookup_bulk(lc->gw->routes, dst, n, hop);
	fwd_acc_init(lc, &acc);
	for (unsigned int k = 0; k < n; k++) {
		unsigned int i = idx[k];
		forward_one(lc, m[i], &h[i], act[k], &hop[k], &w[i], &acc, now);
	}
	fwd_acc_flush(lc, &acc);
}

/*
 * A packet that passed the parser and is not for us: fill its classification input, its flow
 * key and hash included (built here from the parsed fields, not copied from fi->m again in
 * lib/flow).
 */
static __rte_always_inline void match_input(const struct net_hdrs *h, uint16_t port,
                                            struct flow_pkt_info *fi, uint32_t bytes)
{
	/* Every field is written (no memset): the IPv4 address unions' other words are zero. */
	bool tail = h->flags & NET_F_FRAG_TAIL;
	fi->m.family = FLOW_FAMILY_IPV4;
	fi->m.proto = h->proto;
	fi->m.dscp = h->dscp;
	fi->m.flags = tail ? FLOW_MATCH_F_FRAG_NONFIRST : 0;
	fi->m.ingress_port = port;
	fi->m.sport = h->sport;
	fi->m.dport = h->dport;
	fi->m.src.w[0] = h->src;
	fi->m.src.w[1] = fi->m.src.w[2] = fi->m.src.w[3] = 0;
	fi->m.dst.w[0] = h->dst;
	fi->m.dst.w[1] = fi->m.dst.w[2] = fi->m.dst.w[3] = 0;
	fi->bytes = bytes;
	fi->flags = 0;
	/* A non-first fragment has no ports (the parser leaves them 0): its flow is the
	 * datagram's addresses and protocol (flow_key_make). */
	flow_pkt_key_v4(fi, h->proto, h->src, h->dst, tail ? 0 : h->sport, tail ? 0 : h->dport);
}

/*
 * What the TCP checks refuse in a transit segment before it is classified: its flags (the
 * policy of net_tcp_flags_check), and for a SYN or SYN-ACK its option list (the MSS clamp and
 * the engine walk it and refuse a malformed one). 0 when nothing is refused; such a segment is
 * classified without creating state, and its rule then decides (refused_by_rule). *w: where a
 * valid SYN's MSS options are, for the clamp (step_mss) to rewrite them without a second walk;
 * n_mss GW_MSS_UNSCANNED for every other segment.
 */
static inline int tcp_refusal(const struct rte_mbuf *m, const struct net_hdrs *h,
                              struct mss_where *w)
{
	w->n_mss = GW_MSS_UNSCANNED;
	if (h->proto != IPPROTO_TCP || !(h->flags & NET_F_L4))
		return 0;
	/* Most segments are plain ACKs (PSH, ECE, CWR never decide): no call for them. */
	if (likely((h->tcp_flags & (RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG |
	                            RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG)) == RTE_TCP_ACK_FLAG))
		return 0;
	int r = net_tcp_flags_check(h->tcp_flags);
	if (likely(r == 0) && unlikely(h->tcp_flags & RTE_TCP_SYN_FLAG)) {
		uint32_t off = h->l2_len + h->l3_len;
		uint32_t seg = rte_pktmbuf_data_len(m);
		enum mss_result v = mss_scan(rte_pktmbuf_mtod_offset(m, const uint8_t *, off),
		                             off < seg ? seg - off : 0, w);
		if (mss_result_is_drop(v)) {
			w->n_mss = GW_MSS_UNSCANNED;
			r = mss_result_stat(v);
		}
	}
	return r;
}

/*
 * Whether a refused segment (why, from tcp_refusal) is dropped under its rule: a forward rule
 * passes refused flags when it says so, and a SYN's options only matter where they are walked
 * (mss "off" forwards them unread, as without the check).
 */
static inline bool refused_by_rule(int why, const struct flow_action *act)
{
	if (act->action != FLOW_ACTION_FORWARD)
		return true;
	if (why == STAT_drop_tcp_options || why == STAT_drop_tcp_doff)
		return act->mss_mode != FLOW_MSS_OFF;
	return !(act->flags & FLOW_ACT_F_PASS_TCP_FLAGS);
}

/* The directed broadcast of p's network (RFC 919), or 255.255.255.255 for a /31 or /32. */
static uint32_t directed_broadcast(const struct gw_port *p)
{
	uint32_t host = p->prefix_len < 31 ? ~0u >> p->prefix_len : 0;
	return host != 0 ? p->ipv4 | host : 0xffffffffu;
}

static inline bool is_broadcast_for(const struct gw_lcore *lc, uint16_t port, uint32_t dst)
{
	return net_ipv4_is_broadcast(dst) || net_ipv4_is_multicast(dst) || dst == lc->bcast[port];
}

/*
 * Transit packets (parsed, padding trimmed, classification input filled) to their action:
 * split TCP, the tunnel, or the forwarding steps. Packets out of a tunnel (from_tunnel) are
 * never tunneled again: forwarded by the routes, or (accelerate) to the split TCP engine,
 * which splits only the flows the peer marked BOND_F_TERMINATE (paired mode, accel.c). The
 * answers to a flow that came out of a tunnel (its reply direction, toward a peer's remote
 * networks) go back into the tunnel.
 */
static void transit_burst(struct gw_lcore *lc, struct rte_mbuf **transit, struct net_hdrs *hdrs,
                          struct flow_pkt_info *fi, const uint8_t *refused, bool any_refused,
                          const struct mss_where *mss_at, unsigned int nt, uint64_t now,
                          bool from_tunnel)
{
	struct gw *gw = lc->gw;
	struct flow_result fr[GW_BURST_MAX];

	if (nt == 0)
		return;
	unsigned int n_full = 0;
	unsigned int created = flow_classify_burst(lc->flows, gw->rules, fi, nt, now, fr,
	                                           lc->rule_counters, &n_full);
	stats_add(lc->stats, STAT_flow_created, created);
	stats_add(lc->stats, STAT_flow_table_full, n_full);

	/* The packets that take the forwarding steps, in arrival order, for one bulk route
	 * lookup. */
	uint8_t fwd[GW_BURST_MAX];
	const struct flow_action *fwd_act[GW_BURST_MAX];
	struct flow_action routed[GW_BURST_MAX];
	unsigned int nf = 0;
	uint16_t peer_mtu;
	if (likely(!from_tunnel && lc->tun == NULL && lc->accel == NULL && !any_refused)) {
		/* No tunnel, no split TCP, nothing refused: every packet takes its action's
		 * egress as classified (the loop below would decide the same, per packet). */
		for (; nf < nt; nf++) {
			fwd[nf] = (uint8_t)nf;
			fwd_act[nf] = fr[nf].act;
		}
	}
	for (unsigned int i = nf; i < nt; i++) {
		const struct flow_action *act = fr[i].act;
		if (unlikely(from_tunnel) &&
		    (act->action == FLOW_ACTION_TUNNEL || act->action == FLOW_ACTION_ACCELERATE)) {
			/* Out of a tunnel: never into one again. */
			routed[i] = *act;
			routed[i].action = FLOW_ACTION_FORWARD;
			if (act->action == FLOW_ACTION_TUNNEL) {
				stats_inc(lc->stats, STAT_tunnel_not_retunneled);
				act = &routed[i];
			}
		} else if (unlikely(lc->tun != NULL) && fr[i].dir == FLOW_DIR_REPLY &&
		           act->action == FLOW_ACTION_FORWARD &&
		           gw_tunnel_peer_of(gw, hdrs[i].dst, &peer_mtu) >= 0) {
			/* The answer to a flow that came out of a tunnel (its first packet
			 * matched a rule, or the default, toward our side) goes back in. */
			routed[i] = *act;
			routed[i].action = FLOW_ACTION_TUNNEL;
			act = &routed[i];
		}
		if (unlikely(refused[i] != 0)) {
			/* Peeked: nothing was created or counted for it. A forward rule that
			 * passes it sends it on as the flow goes (back into a tunnel included). */
			if (refused_by_rule(refused[i], fr[i].act)) {
				drop(lc, transit[i], (enum stat_id)refused[i]);
				continue;
			}
		} else if (act->action == FLOW_ACTION_ACCELERATE) {
			/*
			 * The loader lets accelerate match TCP only, and every lcore has an engine
			 * when a rule accelerates: a packet that is not a fragment has the TCP
			 * header the engine needs. Fragments and packets without a flow entry to
			 * hold the split are forwarded as they are (out of a tunnel: by the
			 * routes). Every other packet, drop rules included, goes through its
			 * action's egress (gw_actions).
			 */
			if (unlikely(hdrs[i].flags & NET_F_FRAG)) {
				stats_inc(lc->stats, STAT_accel_fallback_fragment);
			} else if (unlikely(fr[i].entry == NULL && !fr[i].undecided)) {
				stats_inc(lc->stats, STAT_accel_fallback_no_entry);
			} else {
				/* Undecided: the flow's entry waits for a valid first segment. */
				accel_input(lc->accel, transit[i], &hdrs[i], &fi[i], &fr[i],
				            from_tunnel ? &routed[i] : NULL, now);
				continue;
			}
			if (from_tunnel)
				act = &routed[i];
		}
		fwd[nf] = (uint8_t)i;
		fwd_act[nf++] = act;
	}
	forward_burst(lc, transit, hdrs, mss_at, fwd, fwd_act, nf, now);
}

void gw_tunnel_deliver(struct gw_lcore *lc, struct rte_mbuf **pkts, unsigned int n, uint64_t now)
{
	struct net_hdrs hdrs[GW_BURST_MAX];
	struct rte_mbuf *transit[GW_BURST_MAX];
	struct flow_pkt_info fi[GW_BURST_MAX];
	uint8_t refused[GW_BURST_MAX]; /* tcp_refusal's reason, 0 for none */
	int any_refused = 0;
	struct mss_where mss_at[GW_BURST_MAX];
	unsigned int nt = 0;

	RTE_ASSERT(n <= GW_BURST_MAX);
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct net_hdrs *h = &hdrs[nt];
		struct rte_ether_hdr *eth =
		        (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
		if (unlikely(eth == NULL)) {
			drop(lc, m, STAT_drop_tunnel_too_big);
			continue;
		}
		memset(eth, 0, 2 * RTE_ETHER_ADDR_LEN);
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		int rc = net_parse_mbuf(m, h);
		if (unlikely(rc != 0)) {
			drop(lc, m, rc);
			continue;
		}
		if (unlikely(net_ipv4_is_martian_src(h->src))) {
			drop(lc, m, STAT_drop_martian);
			continue;
		}
		if (unlikely(is_our_address(lc, h->dst))) {
			local_input(lc, GW_TUNNEL_INGRESS, m, h, now);
			continue;
		}
		if (unlikely(net_ipv4_is_broadcast(h->dst) || net_ipv4_is_multicast(h->dst))) {
			drop(lc, m, STAT_drop_broadcast);
			continue;
		}
		match_input(h, GW_TUNNEL_INGRESS, &fi[nt], m->pkt_len);
		/* Inner TCP meets the same flag and option checks as a port's. */
		int why = tcp_refusal(m, h, &mss_at[nt]);
		if (unlikely(why != 0))
			fi[nt].flags |= FLOW_PKT_F_PEEK;
		refused[nt] = (uint8_t)why;
		any_refused |= why;
		transit[nt++] = m;
	}
	transit_burst(lc, transit, hdrs, fi, refused, any_refused != 0, mss_at, nt, now, true);
}

static void rx_burst(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n,
                     uint64_t now, bool handed_off)
{
	/* Tunnel-bound TCP is steered to the worker its packets out of the tunnel reach. */
	bool steer = lc->gw->n_lcores > 1 && lc->tun != NULL && lc->accel != NULL && !handed_off;
	struct net_hdrs hdrs[GW_BURST_MAX];
	struct rte_mbuf *transit[GW_BURST_MAX];
	struct flow_pkt_info fi[GW_BURST_MAX];
	uint8_t refused[GW_BURST_MAX]; /* tcp_refusal's reason, 0 for none */
	int any_refused = 0;
	struct mss_where mss_at[GW_BURST_MAX];
	_Static_assert(STAT_MAX <= UINT8_MAX, "a drop reason must fit refused[]");
	unsigned int nt = 0;
	uint64_t rx_bytes = 0;

	for (uint16_t i = 0; i < n && i < GW_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct net_hdrs *h = &hdrs[nt];
		if (i + GW_PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + GW_PREFETCH], void *));
		rx_bytes += m->pkt_len;
		int rc = net_parse_mbuf(m, h);
		if (unlikely(rc != 0)) {
			drop(lc, m, rc);
			continue;
		}
		if (unlikely(h->flags & (NET_F_VLAN | NET_F_ARP))) {
			/* Ports carry untagged traffic; a tag would be forwarded unchanged. */
			if (h->flags & NET_F_VLAN) {
				drop(lc, m, STAT_drop_vlan);
				continue;
			}
			arp_input(lc, port, m, h, now);
			continue;
		}
		if (unlikely(net_ipv4_is_martian_src(h->src))) {
			drop(lc, m, STAT_drop_martian);
			continue;
		}
		if (unlikely(is_our_address(lc, h->dst))) {
			local_input(lc, port, m, h, now);
			continue;
		}
		if (unlikely((h->flags & NET_F_L2_MCAST) || is_broadcast_for(lc, port, h->dst))) {
			drop(lc, m, STAT_drop_broadcast);
			continue;
		}
		/* Frame bytes past the IP total length are Ethernet padding, not ours to carry. */
		uint32_t frame_len = (uint32_t)h->l2_len + h->ip_total_len;
		if (m->pkt_len > frame_len)
			rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - frame_len));
		if (steer && h->proto == IPPROTO_TCP && gw_tunnel_steer(lc, port, m, h))
			continue;
		match_input(h, port, &fi[nt], m->pkt_len);
		int why = tcp_refusal(m, h, &mss_at[nt]);
		if (unlikely(why != 0))
			fi[nt].flags |= FLOW_PKT_F_PEEK;
		refused[nt] = (uint8_t)why;
		any_refused |= why;
		transit[nt++] = m;
	}
	if (!handed_off) {
		stats_add(lc->stats, STAT_rx_packets, n);
		stats_add(lc->stats, STAT_rx_bytes, rx_bytes);
	}
	transit_burst(lc, transit, hdrs, fi, refused, any_refused != 0, mss_at, nt, now, false);
}

void gw_handoff_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m, uint64_t now)
{
	rx_burst(lc, port, &m, 1, now, true);
}

static void timers(struct gw_lcore *lc, uint64_t now)
{
	struct gw_arp_note notes[32];
	unsigned int n = rte_ring_dequeue_burst_elem(lc->arp_notes, notes, sizeof(notes[0]),
	                                             RTE_DIM(notes), NULL);
	for (unsigned int i = 0; i < n; i++)
		arp_learn(lc, notes[i].port, notes[i].ipv4, &notes[i].mac, notes[i].flags, now);
	if (now >= lc->next_arp_tick_us) {
		struct net_arp_req req[32];
		struct rte_mbuf *dropped[64];
		unsigned int n_req = RTE_DIM(req), n_drop = RTE_DIM(dropped);
		lc->next_arp_tick_us = now + ARP_TICK_US;
		if (net_arp_tick(lc->arp, now, req, &n_req, dropped, &n_drop) == 0) {
			for (unsigned int i = 0; i < n_req; i++)
				send_arp_request(lc, req[i].port, req[i].ip);
			gw_capture_drops(lc, dropped, (uint16_t)n_drop, STAT_drop_arp_timeout);
			stats_add(lc->stats, STAT_drop_arp_timeout, n_drop);
			rte_pktmbuf_free_bulk(dropped, n_drop);
		}
	}
	if (now >= lc->next_age_us) {
		lc->next_age_us = now + FLOW_AGE_US;
		stats_add(lc->stats, STAT_flow_expired,
		          flow_table_age(lc->flows, now, FLOW_AGE_SCAN));
	}
}

/*
 * Nothing arrived for a while: sleep idle_sleep_us, but no later than the next due timer (the
 * engine's: a paced segment, a retransmission, a delayed ACK; the ARP tick: requests to
 * repeat, held packets to time out), or paced split-TCP segments would leave up to a whole
 * sleep late, reorder holds would outlast their limit and probes would go late (the tunnel's
 * timers). The clock is read again here: the iteration's own time is stale by its work.
 * Flow aging (every FLOW_AGE_US, expiry in seconds) does not shorten the sleep.
 */
static void idle_sleep(struct gw_lcore *lc)
{
	uint64_t now = gw_now_us();
	uint64_t due = lc->next_arp_tick_us;
	if (lc->accel != NULL)
		due = accel_next_due_us(lc->accel, due);
	/* Never past the tunnel's next timer (reorder holds, probes, handshake). */
	if (lc->tun != NULL)
		due = RTE_MIN(due, gw_tunnel_next_deadline_us(lc));
	uint32_t us = gw_idle_sleep_us(now, lc->gw->idle_sleep_us, due);
	if (us != 0)
		rte_delay_us_sleep(us);
}

int gw_lcore_main(void *arg)
{
	struct gw_lcore *lc = arg;
	struct gw *gw = lc->gw;
	struct rte_mbuf *pkts[GW_BURST_MAX];
	unsigned int idle = 0;
	uint64_t drain_tsc;

	/*
	 * A sleeping thread wakes up to its timer slack late (50 us by default for normal
	 * threads, prctl(2)): far more than the sleep bound above allows. The worker asks for
	 * exact wake-ups; a refusal only costs that precision.
	 */
	if (gw->idle_sleep_us != 0)
		(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	(void)gw_now_us(); /* sets tsc_per_us */
	drain_tsc = tsc_per_us * GW_TX_DRAIN_US;
	lc->tx_drain_tsc = rte_rdtsc() + drain_tsc;
	while (!gw->quit) {
		uint64_t tsc = rte_rdtsc();
		uint64_t now = tsc / tsc_per_us;
		unsigned int got = 0;
		bool rx_full = false;
		for (unsigned int p = 0; p < gw->n_ports; p++) {
			if (lc->idx >= gw->ports[p].info.n_rxq)
				continue;
			uint16_t n = rte_eth_rx_burst(gw->ports[p].info.port_id, (uint16_t)lc->idx,
			                              pkts, (uint16_t)gw->burst);
			if (n == 0)
				continue;
			got += n;
			rx_full |= n == gw->burst;
			lc->port_rx[p] += n;
			gw_capture_rx(lc, (uint16_t)p, pkts, n);
			rx_burst(lc, (uint16_t)p, pkts, n, now, false);
			/* The burst's tunnel packets are sealed and opened together. */
			if (lc->tun != NULL)
				gw_tunnel_flush(lc, now);
		}
		/* Hand-offs from other workers, the peers' timers, the reorder buffers. */
		if (lc->tun != NULL)
			got += gw_tunnel_poll(lc, now);
		/* Split TCP first: the engine segments the burst's relayed data and runs its
		 * timers here, so what it sends leaves with this iteration's flush. */
		if (lc->accel != NULL)
			accel_advance(lc->accel, now);
		if (gw_tx_flush_due(rx_full, tsc, lc->tx_drain_tsc)) {
			for (unsigned int p = 0; p < gw->n_ports; p++)
				lc->port_tx[p] += gw_tx_flush(lc, (uint16_t)p);
			lc->tx_drain_tsc = tsc + drain_tsc;
		}
		timers(lc, now);
		settle_tx(lc);
		gw_free_flush(lc);
		if (got != 0) {
			idle = 0;
		} else if (++idle >= GW_IDLE_POLLS && gw->idle_sleep_us != 0) {
			idle_sleep(lc);
		}
	}
	/* What the last iterations left buffered (full RX bursts until quit) leaves now. */
	for (unsigned int p = 0; p < gw->n_ports; p++)
		lc->port_tx[p] += gw_tx_flush(lc, (uint16_t)p);
	settle_tx(lc);
	gw_free_flush(lc);
	return 0;
}

static void flow_expired(struct flow_entry *e, void *arg)
{
	struct gw_lcore *lc = arg;
	accel_flow_expired(lc->accel, e);
}

int gw_lcores_init(struct gw *gw, char *err, size_t errlen)
{
	const struct pepgw_config *cfg = gw->cfg;
	char name[32];

	gw->routes =
	        net_route_create("pepgw_routes", CFG_MAX_ROUTES + CFG_MAX_PORTS, SOCKET_ID_ANY);
	if (gw->routes == NULL) {
		snprintf(err, errlen, "cannot create the route table: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	for (unsigned int i = 0; i < gw->n_ports; i++)
		net_route_add(gw->routes, gw->ports[i].ipv4, gw->ports[i].prefix_len, 0,
		              (uint16_t)i);
	for (unsigned int i = 0; i < cfg->n_routes; i++) {
		const struct cfg_route *r = &cfg->routes[i];
		int port = r->port;
		uint16_t via_port;
		uint32_t via_nh;
		/* No port given: the next hop's on-link port (routes are added in order). */
		if (port < 0 && net_route_lookup(gw->routes, r->via, &via_port, &via_nh) == 0)
			port = via_port;
		if (port < 0) {
			snprintf(err, errlen, "routes[%u]: next hop is on no port's network", i);
			return -EINVAL;
		}
		int rc =
		        net_route_add(gw->routes, r->prefix, r->prefix_len, r->via, (uint16_t)port);
		if (rc < 0) {
			snprintf(err, errlen, "routes[%u]: cannot add: %s", i, strerror(-rc));
			return rc;
		}
	}
	struct flow_rule_params *rp = calloc(FLOW_RULES_MAX, sizeof(*rp));
	enum flow_action_type default_action;
	if (rp == NULL)
		goto nomem;
	int n_rules = gw_params_flow_rules(cfg, rp, FLOW_RULES_MAX, &default_action, err, errlen);
	if (n_rules < 0) {
		free(rp);
		return n_rules;
	}
	gw->rules = flow_rules_create(rp, (unsigned int)n_rules, default_action);
	free(rp);
	if (gw->rules == NULL) {
		snprintf(err, errlen, "cannot compile the rules: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}

	uint64_t now = gw_now_us();
	for (unsigned int l = 0; l < gw->n_lcores; l++) {
		struct gw_lcore *lc = &gw->lcores[l];
		int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
		lc->idx = l;
		lc->gw = gw;
		lc->n_addrs = gw->n_ports;
		for (unsigned int p = 0; p < gw->n_ports; p++) {
			lc->addrs[p] = gw->ports[p].ipv4;
			lc->bcast[p] = directed_broadcast(&gw->ports[p]);
		}
		/* is_our_address compares every slot: the unused ones repeat an address. */
		for (unsigned int p = gw->n_ports; p < CFG_MAX_PORTS; p++)
			lc->addrs[p] = gw->ports[0].ipv4;
		lc->stats = &gw->stats[l];
		for (unsigned int p = 0; p < gw->n_ports; p++) {
			lc->txb[p] = rte_zmalloc_socket("txb", RTE_ETH_TX_BUFFER_SIZE(GW_BURST_MAX),
			                                0, socket);
			if (lc->txb[p] == NULL)
				goto nomem;
			rte_eth_tx_buffer_init(lc->txb[p], gw->burst);
			rte_eth_tx_buffer_set_err_callback(lc->txb[p], count_tx_drop, lc);
		}
		bool accelerates = false;
		for (unsigned int r = 0; r < cfg->n_rules; r++)
			accelerates |= cfg->rules[r].action == CFG_ACTION_ACCELERATE;
		if (accelerates) {
			lc->accel = accel_create(lc, err, errlen);
			if (lc->accel == NULL)
				return -ENOMEM;
		}
		struct flow_table_params fp;
		snprintf(name, sizeof(name), "flows%u", lc->lcore_id);
		gw_params_flow_table(&cfg->flows, name, socket, &fp);
		if (lc->accel != NULL) {
			fp.on_expire = flow_expired;
			fp.on_expire_arg = lc;
		}
		lc->flows = flow_table_create(&fp);
		if (lc->flows == NULL) {
			snprintf(err, errlen, "flow table of lcore %u (%u entries): %s",
			         lc->lcore_id, cfg->flows.table_size, rte_strerror(rte_errno));
			return -rte_errno;
		}
		lc->rule_counters = rte_zmalloc_socket("rule_counters",
		                                       sizeof(struct flow_rule_counters) *
		                                               flow_rules_counter_slots(gw->rules),
		                                       RTE_CACHE_LINE_SIZE, socket);
		if (lc->rule_counters == NULL)
			goto nomem;
		struct net_arp_params ap;
		gw_params_arp(&cfg->arp, socket, &ap);
		snprintf(name, sizeof(name), "arp%u", lc->lcore_id);
		lc->arp = net_arp_create(name, &ap);
		if (lc->arp == NULL) {
			snprintf(err, errlen, "ARP table of lcore %u: %s", lc->lcore_id,
			         rte_strerror(rte_errno));
			return -rte_errno;
		}
		for (unsigned int s = 0; s < cfg->arp.n_statics; s++) {
			const struct cfg_arp_static *st = &cfg->arp.statics[s];
			struct rte_ether_addr mac;
			struct rte_mbuf *held[CFG_ARP_QUEUE_LEN_MAX];
			unsigned int n_held = 0;
			memcpy(mac.addr_bytes, st->mac, sizeof(mac.addr_bytes));
			/* Nothing is held yet at start-up; the table wants room for a queue. */
			if (net_arp_add_static(lc->arp, (uint16_t)st->port, st->ipv4, &mac, held,
			                       RTE_DIM(held), &n_held) < 0) {
				snprintf(err, errlen, "arp.static[%u]: table full", s);
				return -ENOSPC;
			}
		}
		lc->n_nh = net_route_nh_slots(gw->routes);
		lc->nh = rte_zmalloc_socket("gw_nh", sizeof(*lc->nh) * lc->n_nh,
		                            RTE_CACHE_LINE_SIZE, socket);
		if (lc->nh == NULL)
			goto nomem;
		lc->icmp_limit =
		        rte_zmalloc_socket("icmp_limit", sizeof(*lc->icmp_limit), 0, socket);
		if (lc->icmp_limit == NULL)
			goto nomem;
		net_ratelimit_init(lc->icmp_limit, cfg->icmp.errors_per_s, cfg->icmp.burst, now);
		snprintf(name, sizeof(name), "arpnotes%u", lc->lcore_id);
		lc->arp_notes = rte_ring_create_elem(name, sizeof(struct gw_arp_note),
		                                     ARP_NOTE_RING, socket, RING_F_SC_DEQ);
		if (lc->arp_notes == NULL)
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory for the lcore contexts");
	return -ENOMEM;
}

void gw_lcores_free(struct gw *gw)
{
	for (unsigned int l = 0; l < gw->n_lcores; l++) {
		struct gw_lcore *lc = &gw->lcores[l];
		for (unsigned int p = 0; p < gw->n_ports; p++)
			rte_free(lc->txb[p]);
		flow_table_free(lc->flows);
		accel_free(lc->accel);
		rte_free(lc->rule_counters);
		net_arp_free(lc->arp);
		rte_free(lc->nh);
		rte_free(lc->icmp_limit);
		rte_ring_free(lc->arp_notes);
		gw_free_flush(lc);
	}
	flow_rules_free(gw->rules);
	net_route_free(gw->routes);
}
