/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TUNNEL_H
#define PEPGW_TUNNEL_H

/*
 * The bonded tunnel in the gateway (lib/bond wired to ports, workers and telemetry).
 *
 * Ownership (lib/bond's rules, doc/architecture.md "The tunnel in the data path"):
 *  - each peer has a home worker (peer index modulo the workers) that alone owns its handshake
 *    (bond_hs) and link health (bond_health): it sends the handshake messages and the probes,
 *    turns handshake events into key installs for every worker, and publishes the links'
 *    views (schedulers), the reorder hold and the telemetry snapshot under a sequence count;
 *  - every worker has, per peer, its own AEAD context (bond_crypto, its sender queue = its
 *    worker index), a sender sequence per key slot (bond_reorder_seq), a scheduler per bond
 *    profile (bond_sched) and a reorder buffer (bond_reorder);
 *  - a tunnel packet is opened by the worker that owns its (link, sender queue) stream
 *    (bond_crypto_rx_owner), an opened data packet is reordered and delivered by the worker
 *    that owns its inner flow bucket (gw_tunnel_flow_lcore), health notes, probes and
 *    handshake messages go to the peer's home; all hand-offs are rte_ring messages by value
 *    (one multi-producer ring per worker), never a lock on the packet path.
 *
 * Packets leave through the output of the datapath's egress (gw_tunnel_output); packets to a
 * link's local endpoint come in through gw_tunnel_input from the datapath's local input.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "pepgw_config.h"

struct gw;
struct gw_lcore;
struct net_hdrs;

/* The flow classification's ingress port of packets out of a tunnel: no rule names it. */
#define GW_TUNNEL_INGRESS CFG_MAX_PORTS

/*
 * Load every peer's key file (lib/bond's loader: mode 0600 or stricter) and forget the keys:
 * --check refuses what a start would. Returns 0, or a negative errno with err naming the peer
 * and the file (never the key).
 */
int gw_tunnel_check_keys(const struct pepgw_config *cfg, char *err, size_t errlen);

/*
 * Build the tunnel once the ports are open and the workers chosen: the crypto device
 * (crypto_aesni_gcm0), per peer its keys, handshake and health, per worker its contexts and
 * hand-off ring. No-op (0) without peers. Returns 0 or a negative errno with err set.
 */
int gw_tunnel_create(struct gw *gw, char *err, size_t errlen);

/* Free everything gw_tunnel_create built (the workers have stopped). */
void gw_tunnel_free(struct gw *gw);

/* Name the capture's tunnel interfaces after the links ("tunnel:l1:inner"): a link id's name is
 * that of the first peer's link with that id. No-op without a tunnel or a capture. */
void gw_tunnel_capture_names(struct gw *gw);

/* True when the gateway has a tunnel. */
bool gw_tunnel_enabled(const struct gw *gw);

/*
 * The peer whose remote networks hold dst (host order), or -1. *link_mtu receives the IP MTU
 * of its tunnel packets (the smallest link MTU: the encapsulation is the egress's overhead).
 */
int gw_tunnel_peer_of(const struct gw *gw, uint32_t dst, uint16_t *link_mtu);

/*
 * The base round trip of the slowest link of peer that carries data (0 before any is
 * measured), as this worker last took it from the peer's home: the tunnel delivers in order,
 * so data sent into it is acknowledged no sooner (a split leg's tcp_leg_params.rtt_floor_us).
 */
uint32_t gw_tunnel_path_rtt_us(const struct gw_lcore *lc, unsigned int peer);

/*
 * The tunnel's capacity toward peer in bits/s of tunnel packets (outer IP bytes: the inner
 * packet plus BOND_OVERHEAD, the unit of a rate profile with overhead_bytes 56), as this worker
 * last took it from the peer's home: over the links usable in our sending direction, each
 * link's configured rate, else its estimated delivery rate (raised by the schedulers' probing
 * gain while the peer sees no standing queue on it, so that an estimate taken from what the
 * link was given can grow), else BOND_SCHED_DEFAULT_RATE_BPS; the sum less
 * GW_TUNNEL_CAPACITY_HEADROOM_PCT (probes, link-layer framing a configured rate leaves out).
 * 0 when no link is usable or peer is not a peer. A paired WAN leg whose profile has rate_mbps
 * "auto" sends at it (app/pepgw/accel.c).
 */
uint64_t gw_tunnel_capacity_bps(const struct gw_lcore *lc, unsigned int peer);
#define GW_TUNNEL_CAPACITY_HEADROOM_PCT 2

/*
 * Send an inner IPv4 packet (m at its Ethernet header of l2_len bytes, TTL, MSS and the
 * fragmentation policy already applied) into the tunnel to peer with the scheduler of bond
 * profile `profile` (-1: the peer's). flags are the header's data flags: BOND_F_TERMINATE
 * marks a split-TCP leg the peer terminates (paired accelerate); the receiver hands them to
 * forwarding in the delivered mbuf's hash.usr. Packets are sealed in bursts: gw_tunnel_flush()
 * after every burst. Takes m in every case (queued, or dropped and counted).
 */
void gw_tunnel_output(struct gw_lcore *lc, struct rte_mbuf *m, uint16_t l2_len, unsigned int peer,
                      int profile, uint8_t flags, uint64_t now_us);

/*
 * A packet addressed to the gateway (m at the Ethernet header, parsed into h): when it is UDP
 * to a link's local endpoint, or a fragment to an address that has one, the tunnel takes it
 * (steered, opened, dropped and counted) and true is returned; false leaves m to the caller.
 */
bool gw_tunnel_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m,
                     const struct net_hdrs *h, uint64_t now_us);

/*
 * Once per loop iteration: the hand-off ring, the home peers' handshake, probes and
 * publication, the views and hold from the homes, the reorder buffers (delivery to
 * forwarding), pending seals and opens, reassembly timeouts. Returns the work done (messages
 * and packets): non-zero keeps the loop from sleeping.
 */
unsigned int gw_tunnel_poll(struct gw_lcore *lc, uint64_t now_us);

/* Seal and open what the last burst queued (called after every receive burst). */
void gw_tunnel_flush(struct gw_lcore *lc, uint64_t now_us);

/*
 * The earliest time this worker's tunnel has timed work (reorder holds; the home peers'
 * handshake and probe timers): the loop's idle sleep never goes past it. UINT64_MAX if none.
 */
uint64_t gw_tunnel_next_deadline_us(const struct gw_lcore *lc);

/*
 * The worker that owns an inner flow arriving from the tunnel, from its lib/bond flow bucket
 * (bond_wire_flow_bucket of the packet as it comes out of the tunnel). The one rule for where
 * an inner flow lives: the reorder buffer that sees all its packets, and (paired accelerate)
 * both legs of a split flow, whose LAN side computes the bucket of the reversed tuple.
 */
static inline unsigned int gw_tunnel_flow_lcore(uint32_t flow_bucket, unsigned int n_workers)
{
	return flow_bucket % n_workers;
}

/*
 * A TCP packet received on a port (m at the Ethernet header, parsed into h) toward a peer's
 * remote networks belongs to the worker that the flow's packets out of the tunnel reach
 * (gw_tunnel_flow_lcore of the reversed tuple's bucket), so that both legs of a paired split
 * live on one worker. When that is another worker, m is handed to it (gw_handoff_input) or,
 * the ring full, dropped and counted, and true is returned; false: process it here.
 */
bool gw_tunnel_steer(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m,
                     const struct net_hdrs *h);

/* telemetry.c: /pepgw/links and /pepgw/peers (registered only with a tunnel). */
int gw_tunnel_telemetry_init(struct gw *gw);

#endif
