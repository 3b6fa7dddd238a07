/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-TCP glue between the data path, the flow table and lib/tcp: one engine per lcore; each
 * split flow is one tcp_relay (client leg + server leg, the relay between them lives in
 * lib/tcp), found from the flow entry's conn slot through a fixed array of pairs.
 *
 * The gateway's role in a split flow (enum accel_role) says which leg faces the WAN:
 *   single       client — [LAN leg | WAN leg] — server: the server's leg leaves by the route;
 *   client side  client — [LAN leg | WAN leg] = tunnel = B — server (gateway A, paired): the
 *                server's leg goes into the tunnel marked BOND_F_TERMINATE;
 *   server side  A = tunnel = [WAN leg | LAN leg] — server (gateway B, paired): the client's
 *                leg is the one A's WAN leg opened through the tunnel, the server's leg opens
 *                toward the real server.
 * The WAN leg takes the rule's wan_profile and its egress's MTU (the tunnel's: the link MTU
 * less the encapsulation) with MSS auto; the LAN leg the lan_profile, its port's MTU and the
 * rule's mss. Both legs keep the client's and the server's addresses and ports.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_tcp.h>

#include "accel.h"
#include "capture_gw.h"
#include "bond_wire.h"
#include "tunnel.h"
#include "net_csum.h"
#include "tcp.h"

#define LEG_CLIENT     0                    /* the relay's side 0: faces the client */
#define LEG_SERVER     1                    /* side 1: faces the server */
#define ACCEL_PASSTHRU (FLOW_CONN_NONE - 1) /* entry.conn: accelerate refused, forward as is */
/*
 * entry.conn: the split connection of this flow has closed. Stray segments (a late ACK or RST
 * from either end) belong to the split and must not reach the other end, whose sequence
 * numbers differ: they are dropped. A new SYN starts a new split.
 */
#define ACCEL_CLOSED   (FLOW_CONN_NONE - 2)

enum accel_role {
	ACCEL_SINGLE,      /* no peer: the server's leg is the WAN leg, by the route */
	ACCEL_CLIENT_SIDE, /* paired, gateway A: the server's leg is the WAN leg, into the tunnel */
	ACCEL_SERVER_SIDE, /* paired, gateway B: the client's leg is the WAN leg, from the tunnel */
};

static const char *const accel_role_names[] = {
        [ACCEL_SINGLE] = "single",
        [ACCEL_CLIENT_SIDE] = "client_side",
        [ACCEL_SERVER_SIDE] = "server_side",
};

/* The relay side of the WAN leg in a role. */
static inline unsigned int wan_side(enum accel_role role)
{
	return role == ACCEL_SERVER_SIDE ? LEG_CLIENT : LEG_SERVER;
}

struct accel_pair {
	struct tcp_relay *relay;
	struct tcp_conn *leg[2]; /* until each leg's TCP_EV_CLOSED */
	struct flow_entry *entry;
	bool in_use;
	enum accel_role role;
	uint32_t next_free;
	struct gw_egress egress[2]; /* where each leg's segments leave (its MTU came from it) */
	bool rate_auto; /* the WAN leg goes into the tunnel at its capacity (rate_mbps "auto") */
};

struct accel {
	struct gw_lcore *lc;
	struct tcp_engine *engine;
	struct accel_pair *pairs;
	uint32_t n_pairs;
	uint32_t free_head;
	uint32_t in_use;
	uint64_t now_us; /* time of the current call, for callbacks */
	/* The legs' egresses while tcp_relay_open sends their first segments (no pair yet). */
	const struct gw_egress *opening;
	/* Pairs with rate_auto, and the tunnel capacity per peer they were last given. */
	uint32_t n_rate_auto;
	uint64_t rate_auto_bps[CFG_MAX_PEERS];
};

/* ---- engine callbacks ---- */

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct accel *a = arg;
	const struct accel_pair *p = tcp_conn_user(c);
	const struct gw_egress *egress = p != NULL ? p->egress : a->opening;
	/* The client's leg is not a relay leg yet while it sends its SYN-ACK from inside
	 * tcp_relay_open: side 0 then. */
	unsigned int side = LEG_CLIENT;
	tcp_conn_relay(c, &side);
	struct rte_ether_hdr *eth =
	        (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
	if (eth == NULL) {
		stats_inc(a->lc->stats, STAT_drop_no_headroom);
		gw_free(a->lc, m);
		return;
	}
	memset(eth, 0, sizeof(*eth));
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	stats_inc(a->lc->stats, STAT_accel_segs_out);
	/* The engine sized the segment for this egress: only the output step is left. */
	gw_egress_send(a->lc, &egress[side], m, a->now_us);
}

/* Relay legs deliver their data to the relay, never here; nothing else is opened. */
static void on_recv(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	struct accel *a = arg;
	tcp_conn_recv_consumed(c, m->pkt_len, a->now_us);
	gw_free(a->lc, m);
}

static void pair_release(struct accel *a, struct accel_pair *p)
{
	if (p->entry != NULL && p->entry->conn == (uint32_t)(p - a->pairs))
		p->entry->conn = ACCEL_CLOSED;
	p->entry = NULL;
	p->relay = NULL;
	p->in_use = false;
	a->n_rate_auto -= p->rate_auto;
	p->rate_auto = false;
	p->next_free = a->free_head;
	a->free_head = (uint32_t)(p - a->pairs);
	a->in_use--;
}

/* The relay handles every event of its legs; we only learn when a leg is gone. */
static void on_event(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	struct accel *a = arg;
	struct accel_pair *p = tcp_conn_user(c);
	if (ev != TCP_EV_CLOSED || p == NULL)
		return;
	p->leg[p->leg[LEG_SERVER] == c ? LEG_SERVER : LEG_CLIENT] = NULL;
	if (p->leg[LEG_CLIENT] == NULL && p->leg[LEG_SERVER] == NULL)
		pair_release(a, p);
}

/* ---- the data path side ---- */

/*
 * The legs' egresses, paths and the gateway's role for a split at the SYN syn. The client's leg
 * leaves the way the client is reached: back into the tunnel it came from (server side), or
 * its route (a plain forward). The server's leg leaves by the rule's action's egress as the
 * flow would unsplit: the tunnel toward a peer's networks (client side), else the route's
 * port; out of a tunnel never into one again. The WAN leg (wan_side) announces the MSS auto
 * from its egress; the LAN leg the rule's fixed mss, or auto (mss off leaves nothing to clamp:
 * auto too). Either MTU is the egress's effective one: the link's less any encapsulation.
 * Tunnel egresses mark their packets BOND_F_TERMINATE: a split leg the peer terminates; the
 * leg over one takes the tunnel's slowest link round trip as its RTT floor (in-order delivery).
 * *rate_auto: the WAN leg goes into the tunnel with rate_mbps "auto" (it starts at the tunnel's
 * capacity and follows it). 0, or -ENETUNREACH when either end has no egress.
 */
static int split_paths(struct accel *a, const struct rte_mbuf *syn, const struct flow_action *act,
                       bool from_tunnel, struct gw_egress egress[2], struct tcp_leg_params legs[2],
                       enum accel_role *role, bool *rate_auto)
{
	const struct gw *gw = a->lc->gw;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(syn, const struct rte_ipv4_hdr *);
	uint32_t client = rte_be_to_cpu_32(ip->src_addr), server = rte_be_to_cpu_32(ip->dst_addr);
	if (gw_egress_find(a->lc, from_tunnel ? FLOW_ACTION_TUNNEL : FLOW_ACTION_FORWARD, act,
	                   client, &egress[LEG_CLIENT]) != 0 ||
	    gw_egress_find(a->lc, from_tunnel ? FLOW_ACTION_FORWARD : act->action, act, server,
	                   &egress[LEG_SERVER]) != 0)
		return -ENETUNREACH;
	*role = from_tunnel                                ? ACCEL_SERVER_SIDE
	        : gw_egress_is_tunnel(&egress[LEG_SERVER]) ? ACCEL_CLIENT_SIDE
	                                                   : ACCEL_SINGLE;
	unsigned int wan = wan_side(*role), lan = 1 - wan;
	legs[lan] = (struct tcp_leg_params){
	        .profile = &gw->tcp_profiles[act->lan_profile],
	        .mtu = gw_egress_mtu(&egress[lan]),
	        .mss = act->mss_mode == FLOW_MSS_FIXED ? act->mss : 0,
	};
	legs[wan] = (struct tcp_leg_params){
	        .profile = &gw->tcp_profiles[act->wan_profile],
	        .mtu = gw_egress_mtu(&egress[wan]),
	};
	for (unsigned int side = 0; side < 2; side++)
		if (gw_egress_is_tunnel(&egress[side])) {
			egress[side].tunnel_flags = BOND_F_TERMINATE;
			legs[side].rtt_floor_us = gw_tunnel_path_rtt_us(a->lc, egress[side].peer);
		}
	/* rate_mbps "auto": the WAN leg starts at the tunnel's capacity (0 before any is known:
	 * the profile's stand-in rate, params.c) and follows it (accel_advance). */
	*rate_auto = gw_egress_is_tunnel(&egress[wan]) &&
	             gw->cfg->tcp_profiles[act->wan_profile].rate_auto;
	if (*rate_auto)
		legs[wan].rate_bps = gw_tunnel_capacity_bps(a->lc, egress[wan].peer);
	return 0;
}

/* Split the flow at the client's SYN m (at the IPv4 header). 0, or -errno with m untouched. */
static int split_open(struct accel *a, struct rte_mbuf *m, struct flow_entry *e, bool from_tunnel,
                      uint64_t now)
{
	const struct flow_action *act = &e->act;
	struct gw_egress egress[2];
	struct tcp_leg_params legs[2];
	enum accel_role role;
	/* The loader requires both profiles on an accelerate rule. */
	if (a->free_head == UINT32_MAX)
		return -ENOMEM;
	bool rate_auto;
	int rc = split_paths(a, m, act, from_tunnel, egress, legs, &role, &rate_auto);
	if (rc < 0)
		return rc;
	a->opening = egress;
	struct tcp_relay *r = tcp_relay_open(a->engine, &legs[LEG_CLIENT], &legs[LEG_SERVER], m,
	                                     act->handshake == FLOW_HANDSHAKE_DEFERRED, now);
	a->opening = NULL;
	if (r == NULL)
		return -rte_errno;
	struct accel_pair *p = &a->pairs[a->free_head];
	a->free_head = p->next_free;
	memset(p, 0, sizeof(*p));
	p->in_use = true;
	p->role = role;
	p->relay = r;
	p->entry = e;
	p->egress[LEG_CLIENT] = egress[LEG_CLIENT];
	p->egress[LEG_SERVER] = egress[LEG_SERVER];
	p->rate_auto = rate_auto;
	a->n_rate_auto += p->rate_auto;
	for (unsigned int side = 0; side < 2; side++) {
		p->leg[side] = tcp_relay_leg(r, side);
		if (p->leg[side] != NULL)
			tcp_conn_set_user(p->leg[side], p);
	}
	a->in_use++;
	e->conn = (uint32_t)(p - a->pairs);
	stats_inc(a->lc->stats, STAT_accel_flows);
	if (role != ACCEL_SINGLE)
		stats_inc(a->lc->stats, role == ACCEL_CLIENT_SIDE ? STAT_accel_paired_client_side
		                                                  : STAT_accel_paired_server_side);
	return 0;
}

/*
 * F5's time_wait_recycle (the client-side profile's key): a client SYN for a flow whose split
 * legs are all in TIME-WAIT (the client reuses its port right after a close) ends them at once,
 * silently, so that the SYN opens a new split. Without it the SYN meets the TIME-WAIT leg,
 * which answers with a challenge ACK (RFC 5961 4), and the client gets through only after its
 * RST and a SYN retransmission, a second later.
 */
static void recycle_time_wait(struct accel *a, struct flow_entry *e, uint64_t now)
{
	struct accel_pair *p = &a->pairs[e->conn];
	const struct gw *gw = a->lc->gw;
	if (e->act.lan_profile < 0 || !gw->tcp_profiles[e->act.lan_profile].time_wait_recycle)
		return;
	for (unsigned int side = 0; side < 2; side++)
		if (p->leg[side] != NULL && tcp_conn_state(p->leg[side]) != TCP_TIME_WAIT)
			return;
	/* tcp_conn_abort sends nothing from TIME-WAIT; on_event releases the pair (and the
	 * relay may end the other leg first: read each leg again). */
	for (unsigned int side = 0; side < 2; side++)
		if (p->leg[side] != NULL)
			tcp_conn_abort(p->leg[side], now);
}

/* We terminate TCP here, so the checksum is ours to verify, over every segment of m. */
static bool tcp_csum_ok(const struct rte_mbuf *m, const struct net_hdrs *h)
{
	const struct rte_ipv4_hdr *ip =
	        rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, h->l2_len);
	uint16_t l4_len = (uint16_t)(h->ip_total_len - h->l3_len);
	uint16_t sum;
	if (likely(m->nb_segs == 1))
		return net_csum_l4_ok(ip, IPPROTO_TCP, (const uint8_t *)ip + h->l3_len, l4_len);
	return net_csum_mbuf(m, (uint32_t)h->l2_len + h->l3_len, l4_len,
	                     net_csum_pseudo(ip, IPPROTO_TCP, l4_len), &sum) == 0 &&
	       sum == 0xffff;
}

/* Drop m, counted under why. */
static void refuse(struct gw_lcore *lc, struct rte_mbuf *m, enum stat_id why)
{
	gw_capture_drops(lc, &m, 1, why);
	stats_inc(lc->stats, why);
	gw_free(lc, m);
}

/*
 * A segment whose flow has no entry yet. It decides what the flow is only when it is one the
 * engine would take (checksum, headers, options; flags were checked before classification):
 * an invalid one is dropped and leaves nothing, so that a forged segment cannot decide for the
 * real connection that follows on the same addresses and ports. Returns the flow's entry
 * (created now, or by another packet of the burst), or NULL when m was taken. fwd: the
 * action a packet forwarded unsplit goes by (the rule's, or the routes' out of a tunnel).
 */
static struct flow_entry *first_segment(struct accel *a, struct rte_mbuf *m,
                                        const struct net_hdrs *h, const struct flow_pkt_info *fi,
                                        struct flow_result *fr, const struct flow_action *fwd,
                                        uint64_t now)
{
	struct gw_lcore *lc = a->lc;
	if (!tcp_csum_ok(m, h)) {
		refuse(lc, m, STAT_drop_tcp_csum);
		return NULL;
	}
	rte_pktmbuf_adj(m, h->l2_len);
	int why = tcp_segment_check(m);
	rte_pktmbuf_prepend(m, h->l2_len);
	if (why != 0) {
		refuse(lc, m, (enum stat_id)why);
		return NULL;
	}
	/* An RST ends a connection and shows none: forwarded, it decides nothing. */
	if (h->tcp_flags & RTE_TCP_RST_FLAG) {
		stats_inc(lc->stats, STAT_accel_stray_rst);
		gw_forward(lc, m, (struct net_hdrs *)h, fwd, now);
		return NULL;
	}
	struct flow_entry *e = flow_decide(lc->flows, fi, fr, lc->rule_counters, now);
	if (e == NULL) {
		/* Table full: act by rule without an entry, as classification does. */
		stats_inc(lc->stats, STAT_flow_table_full);
		stats_inc(lc->stats, STAT_accel_fallback_no_entry);
		gw_forward(lc, m, (struct net_hdrs *)h, fwd, now);
		return NULL;
	}
	if (fr->created)
		stats_inc(lc->stats, STAT_flow_created);
	return e;
}

/*
 * A segment of a leg a peer split and marked (BOND_F_TERMINATE) for a connection we do not
 * have: we are that leg's endpoint and lost it (restarted, or the split timed out), so, as a
 * TCP in CLOSED state (RFC 9293 3.10.7.1), we answer a reset back through the tunnel, and the
 * peer's relay resets its client: the connection ends at once instead of hanging on
 * retransmissions. m (at the Ethernet header, checksum not verified: a forged segment only
 * resets what it could reset anyway) becomes the reset. A reset is never answered. Takes m.
 */
static void reset_closed_leg(struct accel *a, struct rte_mbuf *m, const struct net_hdrs *h,
                             const struct flow_action *act, uint64_t now)
{
	struct gw_lcore *lc = a->lc;
	struct gw_egress eg;
	if ((h->tcp_flags & RTE_TCP_RST_FLAG) || m->nb_segs != 1 ||
	    gw_egress_find(lc, FLOW_ACTION_TUNNEL, act, h->src, &eg) != 0) {
		stats_inc(lc->stats, STAT_drop_split_closed);
		rte_pktmbuf_free(m);
		return;
	}
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, h->l2_len);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)((uint8_t *)ip + h->l3_len);
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq);
	uint32_t seg_len = h->payload_len + ((h->tcp_flags & RTE_TCP_SYN_FLAG) ? 1 : 0) +
	                   ((h->tcp_flags & RTE_TCP_FIN_FLAG) ? 1 : 0);
	if (h->tcp_flags & RTE_TCP_ACK_FLAG) {
		th->sent_seq = th->recv_ack; /* <SEQ=SEG.ACK><CTL=RST> */
		th->recv_ack = 0;
		th->tcp_flags = RTE_TCP_RST_FLAG;
	} else {
		th->sent_seq = 0; /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		th->recv_ack = rte_cpu_to_be_32(seq + seg_len);
		th->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	}
	uint16_t port = th->src_port;
	th->src_port = th->dst_port;
	th->dst_port = port;
	th->data_off = (uint8_t)((sizeof(*th) / 4) << 4);
	th->rx_win = 0;
	th->tcp_urp = 0;
	uint32_t addr = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = addr;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*th));
	ip->fragment_offset = 0;
	ip->time_to_live = 64;
	/* The IPv4 options, if any, go: the TCP header moves up behind the 20-byte header. */
	if (h->l3_len != sizeof(*ip))
		memmove((uint8_t *)ip + sizeof(*ip), th, sizeof(*th));
	th = (struct rte_tcp_hdr *)(ip + 1);
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - h->l2_len - sizeof(*ip) - sizeof(*th)));
	net_csum_ipv4_set(ip);
	th->cksum = 0;
	th->cksum = net_csum_l4(ip, IPPROTO_TCP, th, sizeof(*th));
	stats_inc(lc->stats, STAT_accel_paired_resets);
	eg.tunnel_flags = BOND_F_TERMINATE;
	gw_egress_send(lc, &eg, m, now);
}

void accel_input(struct accel *a, struct rte_mbuf *m, struct net_hdrs *h,
                 const struct flow_pkt_info *fi, struct flow_result *fr,
                 const struct flow_action *tunnel_fwd, uint64_t now)
{
	struct gw_lcore *lc = a->lc;
	a->now_us = now;

	/* Unsplit packets go by the rule's action, or out of a tunnel by the routes. */
	struct flow_entry *e = fr->entry;
	if (e == NULL &&
	    (e = first_segment(a, m, h, fi, fr, tunnel_fwd != NULL ? tunnel_fwd : fr->act, now)) ==
	            NULL)
		return;
	const struct flow_action *fwd = tunnel_fwd != NULL ? tunnel_fwd : &e->act;
	bool created = fr->created;
	/*
	 * A client SYN on a pair whose legs all wait in TIME-WAIT may end them
	 * (time_wait_recycle), once it is known good (flags and options were checked before
	 * classification; the checksum here), so that a forged SYN ends nothing.
	 */
	if (e->conn < a->n_pairs && fr->dir == FLOW_DIR_ORIG &&
	    (h->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG)) ==
	            RTE_TCP_SYN_FLAG) {
		if (!tcp_csum_ok(m, h)) {
			refuse(lc, m, STAT_drop_tcp_csum);
			return;
		}
		recycle_time_wait(a, e, now);
	}
	if (e->conn == ACCEL_PASSTHRU) {
		gw_forward(lc, m, h, fwd, now);
		return;
	}
	if (e->conn == FLOW_CONN_NONE || e->conn == ACCEL_CLOSED) {
		/* A SYN that the engine takes (tcp_conn_listen): no ACK, RST or FIN with it. */
		bool syn = (h->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG |
		                            RTE_TCP_FIN_FLAG)) == RTE_TCP_SYN_FLAG;
		if (e->conn == ACCEL_CLOSED && !syn) {
			stats_inc(lc->stats, STAT_drop_split_closed);
			gw_free(lc, m);
			return;
		}
		/* Out of a tunnel, only the leg a peer split and marked is ours to terminate;
		 * any other flow crosses as it is (the peer forwards or tunnels it). */
		bool marked = tunnel_fwd != NULL && (m->hash.usr & BOND_F_TERMINATE);
		if (marked && !syn) {
			reset_closed_leg(a, m, h, &e->act, now);
			return;
		}
		if (!syn || fr->dir != FLOW_DIR_ORIG || (tunnel_fwd != NULL && !marked)) {
			/* A connection we did not see open (e.g. older than the gateway). */
			stats_inc(lc->stats, STAT_accel_passthrough);
			e->conn = ACCEL_PASSTHRU;
			gw_forward(lc, m, h, fwd, now);
			return;
		}
		/* A new split after a closed one: its SYN is checked as a first segment is. */
		if (!created && !tcp_csum_ok(m, h)) {
			refuse(lc, m, STAT_drop_tcp_csum);
			return;
		}
		rte_pktmbuf_adj(m, h->l2_len);
		int rc = split_open(a, m, e, tunnel_fwd != NULL, now);
		if (rc == 0) {
			stats_inc(lc->stats, STAT_accel_segs_in);
			return;
		}
		rte_pktmbuf_prepend(m, h->l2_len);
		if (rc == -ENOMEM) {
			/* No two free connections: the flow goes unsplit for its life. */
			stats_inc(lc->stats, STAT_accel_fallback_engine_full);
			e->conn = ACCEL_PASSTHRU;
			gw_forward(lc, m, h, fwd, now);
			return;
		}
		/*
		 * EBADMSG: the engine refused the SYN (its options; a first segment was checked
		 * before, so only the SYN of a new split after a closed one gets here). Dropped,
		 * and the flow stays as it was. (EINVAL, no profile or an unknown congestion
		 * control, never starts: the loader and main.c refuse such a configuration.)
		 */
		if (created)
			flow_table_remove(lc->flows, e);
		refuse(lc, m, STAT_drop_tcp_options);
		return;
	}

	struct accel_pair *p = &a->pairs[e->conn];
	struct tcp_conn *leg = p->leg[fr->dir == FLOW_DIR_ORIG ? LEG_CLIENT : LEG_SERVER];
	if (leg == NULL) {
		/* This direction's leg closed while the other one finishes. */
		stats_inc(lc->stats, STAT_drop_split_closed);
		gw_free(lc, m);
		return;
	}
	if (!tcp_csum_ok(m, h)) {
		stats_inc(lc->stats, STAT_drop_tcp_csum);
		gw_free(lc, m);
		return;
	}
	rte_pktmbuf_adj(m, h->l2_len);
	stats_inc(lc->stats, STAT_accel_segs_in);
	int rc = tcp_conn_input(leg, m, now);
	if (rc > 0)
		stats_inc(lc->stats, (enum stat_id)rc);
}

/*
 * WAN legs with rate_mbps "auto" follow their tunnel's capacity: when a peer's moved by 1 % or
 * more since they were last given it (a link went down or came back, an estimate grew), every
 * such leg of that peer gets the new rate. No link usable (0): the legs keep theirs, and the
 * rate module's repeated timeouts hold them to one segment until the path answers.
 */
static void rate_auto_follow(struct accel *a)
{
	const struct gw *gw = a->lc->gw;
	unsigned int n_peers = gw->cfg->n_peers;
	for (unsigned int peer = 0; peer < n_peers && peer < CFG_MAX_PEERS; peer++) {
		uint64_t cap = gw_tunnel_capacity_bps(a->lc, peer), last = a->rate_auto_bps[peer];
		if (cap == 0 || (cap * 100 > last * 99 && cap * 100 < last * 101))
			continue;
		a->rate_auto_bps[peer] = cap;
		for (uint32_t i = 0; i < a->n_pairs; i++) {
			struct accel_pair *p = &a->pairs[i];
			unsigned int wan = wan_side(p->role);
			if (p->in_use && p->rate_auto && p->egress[wan].peer == peer &&
			    p->leg[wan] != NULL)
				tcp_conn_set_rate(p->leg[wan], cap);
		}
	}
}

void accel_advance(struct accel *a, uint64_t now)
{
	a->now_us = now;
	if (a->n_rate_auto != 0)
		rate_auto_follow(a);
	tcp_engine_advance(a->engine, now);
}

uint64_t accel_next_due_us(const struct accel *a, uint64_t until_us)
{
	return tcp_engine_next_due_us(a->engine, until_us);
}

void accel_flow_expired(struct accel *a, struct flow_entry *e)
{
	if (e->conn >= a->n_pairs)
		return;
	struct accel_pair *p = &a->pairs[e->conn];
	p->entry = NULL;
	/* Idle past the flow timeout: the split is dead; tell both ends. */
	for (int i = 0; i < 2; i++)
		if (p->leg[i] != NULL)
			tcp_conn_abort(p->leg[i], a->now_us);
}

struct accel *accel_create(struct gw_lcore *lc, char *err, size_t errlen)
{
	const struct gw *gw = lc->gw;
	int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
	char name[32];
	struct accel *a = rte_zmalloc_socket("accel", sizeof(*a), RTE_CACHE_LINE_SIZE, socket);
	if (a == NULL)
		goto nomem;
	a->lc = lc;
	a->n_pairs = gw->accel_max_pairs;
	a->pairs = rte_zmalloc_socket("accel_pairs", sizeof(*a->pairs) * a->n_pairs,
	                              RTE_CACHE_LINE_SIZE, socket);
	if (a->pairs == NULL)
		goto nomem;
	a->free_head = UINT32_MAX;
	for (uint32_t i = a->n_pairs; i-- > 0;) {
		a->pairs[i].next_free = a->free_head;
		a->free_head = i;
	}
	struct tcp_engine_params ep = {
	        .max_conns = 2 * a->n_pairs,
	        .hdr_pool = gw->pool,
	        .clone_pool = gw->indirect_pool,
	        .timer_tick_us = 1000,
	        .now_us = gw_now_us(),
	        .challenge_ack_limit = 100,
	        .metrics_entries = gw->accel_metrics_entries,
	        .tx = on_tx,
	        .recv = on_recv,
	        .event = on_event,
	        .cb_arg = a,
	};
	snprintf(name, sizeof(name), "tcp%u", lc->lcore_id);
	a->engine = tcp_engine_create(name, &ep);
	if (a->engine == NULL) {
		snprintf(err, errlen, "TCP engine of lcore %u (%u connections): %s", lc->lcore_id,
		         ep.max_conns, rte_strerror(rte_errno));
		accel_free(a);
		return NULL;
	}
	return a;
nomem:
	snprintf(err, errlen, "out of memory for the TCP engine of lcore %u", lc->lcore_id);
	accel_free(a);
	return NULL;
}

void accel_free(struct accel *a)
{
	if (a == NULL)
		return;
	tcp_engine_free(a->engine);
	rte_free(a->pairs);
	rte_free(a);
}

uint32_t accel_pairs_in_use(const struct accel *a)
{
	return a->in_use;
}

void accel_engine_counters(const struct accel *a, uint64_t *counters)
{
	for (int i = 0; i < TCP_CNT_MAX; i++)
		counters[i] += tcp_engine_counter(a->engine, (enum tcp_engine_counter)i);
}

static bool pair_tuple(const struct accel_pair *p, struct accel_tuple *t)
{
	struct tcp_tuple tt;
	const struct tcp_conn *c =
	        p->leg[LEG_SERVER] != NULL ? p->leg[LEG_SERVER] : p->leg[LEG_CLIENT];
	if (!p->in_use || c == NULL)
		return false;
	tcp_conn_tuple(c, &tt);
	/* The server's leg is the client's side of the server connection; the client's leg the
	 * reverse. */
	bool wan = c == p->leg[LEG_SERVER];
	t->client_ip = rte_be_to_cpu_32(wan ? tt.laddr : tt.raddr);
	t->server_ip = rte_be_to_cpu_32(wan ? tt.raddr : tt.laddr);
	t->client_port = rte_be_to_cpu_16(wan ? tt.lport : tt.rport);
	t->server_port = rte_be_to_cpu_16(wan ? tt.rport : tt.lport);
	return true;
}

unsigned int accel_list(const struct accel *a, struct accel_tuple *out, unsigned int max)
{
	unsigned int n = 0;
	for (uint32_t i = 0; i < a->n_pairs && n < max; i++)
		if (pair_tuple(&a->pairs[i], &out[n]))
			n++;
	return n;
}

int accel_conn_info(const struct accel *a, uint32_t client_ip, uint16_t client_port,
                    uint32_t server_ip, uint16_t server_port, struct tcp_conn_info *lan,
                    struct tcp_conn_info *wan, const char **role)
{
	for (uint32_t i = 0; i < a->n_pairs; i++) {
		const struct accel_pair *p = &a->pairs[i];
		struct accel_tuple t;
		if (!pair_tuple(p, &t) || t.client_ip != client_ip || t.server_ip != server_ip ||
		    t.client_port != client_port || t.server_port != server_port)
			continue;
		memset(lan, 0, sizeof(*lan));
		memset(wan, 0, sizeof(*wan));
		lan->state = wan->state = TCP_CLOSED;
		unsigned int w = wan_side(p->role);
		if (p->leg[1 - w] != NULL)
			tcp_conn_get_info(p->leg[1 - w], lan);
		if (p->leg[w] != NULL)
			tcp_conn_get_info(p->leg[w], wan);
		*role = accel_role_names[p->role];
		return 0;
	}
	return -ENOENT;
}
