/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_GW_H
#define PEPGW_GW_H

/*
 * The gateway application: control-plane state built once at start-up (struct gw) and the
 * per-lcore data-path contexts (struct gw_lcore). Worker lcores only read struct gw; each
 * writes only its own gw_lcore, so the per-packet path takes no lock.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "flow.h"
#include "net_route.h"
#include "pepgw_config.h"
#include "port.h"
#include "stats.h"
#include "tcp.h"

#define GW_MAX_LCORES   CFG_MAX_LCORES
#define GW_BURST_MAX    64
/* Empty polls in a row before an idle lcore sleeps idle_sleep_us. */
#define GW_IDLE_POLLS   64
/* Mbufs dropped or consumed in one loop iteration, freed together (a full row is freed at
 * once). */
#define GW_DEAD_MAX     64
/* Fragments one packet may become. */
#define GW_FRAG_MAX_OUT 64

struct flow_table;
struct flow_rules;
struct flow_rule_counters;
struct net_arp_table;
struct net_route_table;
struct net_ratelimit;
struct net_hdrs;
struct accel;
struct gw_capture;
struct gw_tun;
struct gw_tun_lcore;
struct gw_lcore;
struct gw_egress;
struct fwd_acc; /* datapath.c: a burst's forwarding counters */

/*
 * An egress's output: send m (its IPv4 header final, room for the output's headers in front,
 * no larger than the egress's effective MTU unless the output fragments what it adds) and
 * count it on acc. Takes m.
 */
typedef void (*gw_output_fn)(struct gw_lcore *lc, const struct gw_egress *eg, struct rte_mbuf *m,
                             struct fwd_acc *acc, uint64_t now_us);

/*
 * Where a packet leaves and what that costs it. Every action's packets go through the same
 * steps (TTL, MSS clamp, fragmentation policy, output) against the egress the action chose
 * (datapath.c, gw_actions), and the split-TCP legs take their MTU and MSS from theirs: a port
 * (the route's, overhead 0) or the tunnel (its smallest link MTU, the encapsulation's 56 bytes).
 */
struct gw_egress {
	gw_output_fn output;
	uint16_t mtu;      /* IP MTU of the link the packet leaves on */
	uint16_t overhead; /* bytes the output puts in front of the IP packet (encapsulation) */
	struct net_route_hop hop; /* a port output: the route's port and next hop */
	uint8_t peer;             /* a tunnel output: the peer (tunnel.h) */
	int8_t bond_profile;      /* a tunnel output: the rule's bond profile, -1 = the peer's */
	uint8_t tunnel_flags;     /* a tunnel output: the header's data flags (BOND_F_TERMINATE) */
};

/* An egress that encapsulates (the tunnel); a port's has no overhead. */
static inline bool gw_egress_is_tunnel(const struct gw_egress *eg)
{
	return eg->overhead != 0;
}

/* The largest IP packet the egress carries as it is: its link MTU less the encapsulation. */
static inline uint16_t gw_egress_mtu(const struct gw_egress *eg)
{
	return (uint16_t)(eg->mtu - eg->overhead);
}

struct gw_port {
	struct port_info info;
	uint32_t ipv4; /* host order */
	uint8_t prefix_len;
	uint16_t mtu;
	enum cfg_port_role role;
};

/* ARP learning shared between lcores: whoever receives the reply tells the others. */
struct gw_arp_note {
	uint32_t ipv4;
	uint16_t port;
	struct rte_ether_addr mac;
	uint8_t flags; /* net_arp_learn flags: CREATE only when the ARP was for us */
};
_Static_assert(sizeof(struct gw_arp_note) % 4 == 0, "rte_ring elements are multiples of 4 bytes");

/*
 * A gateway next hop as this lcore last resolved it (DPDK l3fwd's next-hop array): indexed by
 * the route's next-hop slot (net_route_hop.nh_id), it holds the frame's Ethernet destination
 * and source ready to copy, so a forwarded packet costs one 12-byte copy instead of an ARP
 * lookup. Valid while ip/port match the route's, the ARP table's generation is arp_gen and
 * now < valid_until_us (the ARP entry's own expiry); otherwise the packet takes the ARP path
 * (resolution, held packets) and the slot is refilled.
 */
struct gw_nh {
	struct rte_ether_addr dst, src; /* in Ethernet header order: one copy */
	uint16_t port;
	uint16_t reserved;
	uint32_t ip;
	uint32_t arp_gen;
	uint64_t valid_until_us; /* 0 = empty */
};
_Static_assert(offsetof(struct gw_nh, src) == RTE_ETHER_ADDR_LEN, "dst then src, like the header");

struct gw_lcore {
	unsigned int lcore_id;
	unsigned int idx; /* 0..n_lcores-1: rx/tx queue index on every port */
	struct gw *gw;
	struct stats_block *stats;
	struct rte_eth_dev_tx_buffer *txb[CFG_MAX_PORTS];
	struct flow_table *flows;
	struct flow_rule_counters *rule_counters; /* per rule, this lcore's */
	struct net_arp_table *arp;
	struct gw_nh *nh; /* net_route_nh_slots() entries */
	uint32_t n_nh;
	uint32_t n_addrs;
	uint32_t addrs[CFG_MAX_PORTS]; /* the ports' IPv4 addresses (host order), packed; the
	                                * slots past n_addrs repeat addrs[0] */
	uint32_t bcast[CFG_MAX_PORTS]; /* per port: its network's directed broadcast */
	struct net_ratelimit *icmp_limit;
	struct rte_ring *arp_notes; /* gw_arp_note by value from other lcores (multi-producer) */
	struct accel *accel;        /* split TCP; NULL when no rule accelerates */
	struct gw_tun_lcore *tun;   /* the bonded tunnel's part (tunnel.h); NULL without peers */
	uint64_t next_age_us;
	uint64_t next_arp_tick_us;
	/* Per port, this lcore's packets received and packets the PMD took for transmit (what
	 * rte_eth_tx_buffer/_flush return). pepgw keeps its own because a PMD's counters may not
	 * outlive its link: net_memif reports 0 once its peer has gone. */
	uint64_t port_rx[CFG_MAX_PORTS];
	uint64_t port_tx[CFG_MAX_PORTS];
	/* Capture points some running capture wants (GW_CAP_F bits, capture_gw.h): written by the
	 * capture's control side, read once per burst; 0 = no capture, the hooks cost a branch. */
	uint32_t cap_points;
	/* Packets (and their bytes) the TX queues refused since the last loop iteration: taken
	 * out of tx_packets/tx_bytes at its end, once the burst's own counts are in. */
	uint64_t tx_refused, tx_refused_bytes;
	/* TSC by which the TX buffers are flushed at the latest (lcore_sched.h). */
	uint64_t tx_drain_tsc;
	/* Death row (as DPDK ip_frag's): mbufs dropped or consumed this iteration, freed in one
	 * rte_pktmbuf_free_bulk at its end (gw_free, gw_free_flush). */
	unsigned int n_dead;
	struct rte_mbuf *dead[GW_DEAD_MAX];
} __rte_cache_aligned;

struct gw {
	const struct pepgw_config *cfg;
	struct gw_port ports[CFG_MAX_PORTS];
	unsigned int n_ports;
	struct rte_mempool *pool;
	struct rte_mempool *indirect_pool; /* fragmentation */
	struct net_route_table *routes;
	struct flow_rules *rules;
	struct gw_lcore lcores[GW_MAX_LCORES];
	unsigned int n_lcores;
	struct stats_block stats[GW_MAX_LCORES];
	/* Split TCP: profiles converted from the config, pairs per lcore. */
	struct tcp_profile tcp_profiles[CFG_MAX_TCP_PROFILES];
	uint32_t accel_max_pairs;
	uint32_t
	        accel_metrics_entries; /* congestion metrics cache per engine (largest profile's) */
	struct gw_tun *tun;            /* the bonded tunnel (tunnel.h); NULL without peers */
	uint32_t burst;
	uint32_t idle_sleep_us;
	struct gw_capture *capture; /* capture_gw.c */
	volatile bool quit;
};

/* datapath.c: the run-to-completion loop of one worker lcore. */
int gw_lcore_main(void *arg);

/*
 * Flush port's TX buffer of this lcore (datapath.c): the capture's TX point sees what is handed
 * to the PMD. Every transmit goes through gw_tx_buffer/gw_tx_flush so that a capture sees it;
 * both return the packets the PMD took.
 */
uint16_t gw_tx_flush(struct gw_lcore *lc, uint16_t port);

/* Queue m for transmission on port (as rte_eth_tx_buffer, flushing through gw_tx_flush when the
 * buffer is full); returns the packets the PMD took. */
static inline uint16_t gw_tx_buffer(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	struct rte_eth_dev_tx_buffer *b = lc->txb[port];
	b->pkts[b->length++] = m;
	if (b->length < b->size)
		return 0;
	return gw_tx_flush(lc, port);
}

/* Free the mbufs on lc's death row now (one rte_pktmbuf_free_bulk). */
static inline void gw_free_flush(struct gw_lcore *lc)
{
	if (lc->n_dead == 0)
		return;
	rte_pktmbuf_free_bulk(lc->dead, lc->n_dead);
	lc->n_dead = 0;
}

/*
 * Free m, an mbuf dropped or consumed on lc (m may be a chain or indirect): it joins the
 * death row, freed in bulk at the end of the loop iteration or when the row is full. Nothing
 * may touch m afterwards.
 */
static inline void gw_free(struct gw_lcore *lc, struct rte_mbuf *m)
{
	lc->dead[lc->n_dead++] = m;
	if (unlikely(lc->n_dead == GW_DEAD_MAX))
		gw_free_flush(lc);
}

/* gw_tx_buffer for n packets at once (in order); returns the packets the PMD took. */
static inline uint16_t gw_tx_buffer_bulk(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **m,
                                         unsigned int n)
{
	struct rte_eth_dev_tx_buffer *b = lc->txb[port];
	uint16_t sent = 0;
	while (n != 0) {
		unsigned int k = RTE_MIN(n, (unsigned int)(b->size - b->length));
		memcpy(&b->pkts[b->length], m, k * sizeof(*m));
		b->length = (uint16_t)(b->length + k);
		m += k;
		n -= k;
		if (b->length == b->size)
			sent = (uint16_t)(sent + gw_tx_flush(lc, port));
	}
	return sent;
}

/* Build the per-lcore contexts (flow tables, ARP tables, tx buffers); 0 or -errno. */
int gw_lcores_init(struct gw *gw, char *err, size_t errlen);
void gw_lcores_free(struct gw *gw);

/*
 * The egress of a packet to dst_ip under action, with act's parameters: the same choice
 * forwarding makes (datapath.c, gw_actions). Returns 0, or the drop reason (STAT_drop_no_route,
 * STAT_drop_rule, STAT_drop_tunnel_no_peer) when there is none.
 */
int gw_egress_find(struct gw_lcore *lc, enum flow_action_type action, const struct flow_action *act,
                   uint32_t dst_ip, struct gw_egress *eg);

/* The name of an action ("forward"), or "unknown". */
const char *gw_action_name(enum flow_action_type action);

/*
 * The output step alone, for a packet generated here that fits gw_egress_mtu(eg) (the TCP
 * engine's segments): m at a 14-byte Ethernet header whose addresses the output fills. Takes m.
 */
void gw_egress_send(struct gw_lcore *lc, const struct gw_egress *eg, struct rte_mbuf *m,
                    uint64_t now_us);

/*
 * Send m (at an Ethernet header whose addresses are filled here, IPv4 header final) to
 * next_hop on port, resolving it with ARP (which may hold m). Takes m.
 */
void gw_port_send(struct gw_lcore *lc, uint16_t port, uint32_t next_hop, struct rte_mbuf *m,
                  uint64_t now_us);

/*
 * Packets out of the tunnel, in order (m at the inner IPv4 header, the header flags in
 * m->hash.usr): parsed and classified as transit (ingress GW_TUNNEL_INGRESS), never tunneled
 * again. Takes them.
 */
void gw_tunnel_deliver(struct gw_lcore *lc, struct rte_mbuf **pkts, unsigned int n,
                       uint64_t now_us);

/*
 * A frame another worker received on port and handed to this one, which owns its flow
 * (gw_tunnel_steer): processed as if received here (not counted again). Takes m.
 */
void gw_handoff_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m, uint64_t now_us);

/* Forward a transit packet (m at the Ethernet header, parsed into h) by action act. Takes m. */
void gw_forward(struct gw_lcore *lc, struct rte_mbuf *m, struct net_hdrs *h,
                const struct flow_action *act, uint64_t now_us);

/* Packets received on / transmitted by port index p, summed over the workers (exact once they
 * have stopped; while they run, each lcore's counts as of its last burst). */
static inline void gw_port_counts(const struct gw *gw, unsigned int p, uint64_t *rx, uint64_t *tx)
{
	*rx = 0;
	*tx = 0;
	for (unsigned int i = 0; i < gw->n_lcores; i++) {
		*rx += gw->lcores[i].port_rx[p];
		*tx += gw->lcores[i].port_tx[p];
	}
}

/* telemetry.c: register /pepgw/ commands. */
int gw_telemetry_init(struct gw *gw);

/* Microseconds from the TSC (the data path's clock, passed to libraries as now_us). */
uint64_t gw_now_us(void);

#endif
