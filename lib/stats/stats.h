/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_STATS_H
#define PEPGW_STATS_H

/*
 * Counters of the gateway: one X-macro list (the shape of stat_desc.h) generates the enum, the
 * telemetry keys, kinds and help, and the summary printed at exit. Each lcore owns one
 * cache-aligned block and is its only writer; readers (telemetry, shutdown) sum the blocks.
 *
 * Drop reasons are named drop_<reason>; libraries that detect a bad packet return the
 * enum stat_id of the drop so that the caller counts it (libraries never own these counters).
 * A packet that pepgw receives is either handed on (forwarded, answered, split) or counted
 * under exactly one drop reason.
 */

#include <stdint.h>
#include <rte_common.h>

#include "stat_desc.h"

#define STATS_COUNTERS(X)                                                                          \
	X(rx_packets, event, "packets received")                                                   \
	X(rx_bytes, event, "bytes received")                                                       \
	X(tx_packets, event, "packets the TX queues took (refused ones are drop_tx_full)")         \
	X(tx_bytes, event, "bytes the TX queues took")                                             \
	X(forwarded, event,                                                                        \
	  "transit packets routed to an egress port (ARP may hold or drop them)")                  \
	X(local_in, event, "packets addressed to the gateway")                                     \
	X(arp_requests_in, event, "ARP requests received")                                         \
	X(arp_replies_in, event, "ARP replies received")                                           \
	X(arp_replies_out, event, "ARP replies sent")                                              \
	X(arp_requests_out, event, "ARP requests sent")                                            \
	X(arp_queued, event, "packets held while their next hop is resolved")                      \
	X(icmp_echo_replies, event, "ICMP echo replies routed back to the requester")              \
	X(icmp_errors_sent, event, "ICMP errors built and routed")                                 \
	X(icmp_errors_ratelimited, event, "ICMP errors not sent: rate limit")                      \
	X(build_no_mbuf, event, "ARP requests or ICMP errors not built: mbuf pool empty")          \
	X(mss_clamped, event, "SYN/SYN-ACK with MSS lowered")                                      \
	X(mss_unchanged, event, "SYN/SYN-ACK seen with MSS already at or below the limit")         \
	X(mss_absent, event, "SYN/SYN-ACK without an MSS option")                                  \
	X(frag_packets, event, "packets fragmented")                                               \
	X(frag_fragments, event, "fragments produced")                                             \
	X(frag_df_cleared, event, "packets fragmented despite DF (policy always)")                 \
	X(flow_created, event, "flow entries created")                                             \
	X(flow_expired, event, "flow entries aged out")                                            \
	X(flow_table_full, event,                                                                  \
	  "packets handled by their rule without a flow entry: table full")                        \
	X(accel_flows, event, "TCP connections split by the engine (accelerate)")                  \
	X(accel_passthrough, fallback,                                                             \
	  "accelerate flows forwarded unsplit: first valid segment seen was not the client's SYN") \
	X(accel_fallback_engine_full, fallback,                                                    \
	  "accelerate flows forwarded unsplit: the engine had no two free connections")            \
	X(accel_stray_rst, fallback,                                                               \
	  "accelerate packets forwarded unsplit: an RST of a flow without an entry (none made)")   \
	X(accel_fallback_no_entry, fallback,                                                       \
	  "accelerate packets forwarded unsplit: no flow entry (flow table full)")                 \
	X(accel_fallback_fragment, fallback,                                                       \
	  "accelerate packets forwarded unsplit: IPv4 fragments")                                  \
	X(accel_paired_client_side, event,                                                         \
	  "splits whose server leg goes into the tunnel to a peer that terminates it (paired)")    \
	X(accel_paired_server_side, event,                                                         \
	  "splits of a peer's leg out of the tunnel (BOND_F_TERMINATE) toward the server "         \
	  "(paired)")                                                                              \
	X(accel_paired_resets, event,                                                              \
	  "resets sent back into the tunnel for a peer's split leg we have no connection for")     \
	X(accel_segs_in, event, "TCP segments handed to the engine")                               \
	X(accel_segs_out, event, "TCP segments sent by the engine")                                \
	X(tunnel_encap, event,                                                                     \
	  "inner packets sealed into the bonded tunnel (duplicate copies apart)")                  \
	X(tunnel_dup_copies, event, "second copies sent by the duplicate scheduler")               \
	X(tunnel_decap, event, "inner packets out of the tunnel, in order, handed to forwarding")  \
	X(tunnel_rx_authentic, event, "tunnel packets that authenticated (data and probes)")       \
	X(tunnel_probes_out, event, "link probes sent")                                            \
	X(tunnel_probes_in, event, "link probes received and taken in")                            \
	X(tunnel_handshakes_out, event, "handshake messages sent")                                 \
	X(tunnel_handshakes_in, event, "handshake messages accepted")                              \
	X(tunnel_handoffs, event, "tunnel packets handed to the worker that owns them (rings)")    \
	X(tunnel_endpoint_learned, event,                                                          \
	  "a link's peer endpoint learned or changed (NAT, new address)")                          \
	X(tunnel_outer_fragmented, event,                                                          \
	  "tunnel packets fragmented to the link MTU (policy outer)")                              \
	X(tunnel_reassembled, event, "tunnel packets reassembled from outer fragments")            \
	X(tunnel_not_retunneled, fallback,                                                         \
	  "packets out of a tunnel matching a tunnel action: forwarded")                           \
	X(drop_runt, drop, "frame shorter than its headers")                                       \
	X(drop_not_ip, drop, "unsupported ethertype")                                              \
	X(drop_vlan, drop, "802.1Q-tagged frame (ports are untagged)")                             \
	X(drop_ip_version, drop, "IP version not 4")                                               \
	X(drop_ip_ihl, drop, "IPv4 header length below 20 or past the frame")                      \
	X(drop_ip_len, drop, "IPv4 total length beyond the frame or below the header")             \
	X(drop_ip_csum, drop, "IPv4 header checksum wrong")                                        \
	X(drop_l4_truncated, drop, "TCP/UDP/ICMP header cut short")                                \
	X(drop_tcp_doff, drop, "TCP data offset below 5 or past the segment")                      \
	X(drop_tcp_options, drop, "TCP options malformed (length 0, 1 or past the header)")        \
	X(drop_tcp_syn_fin, drop, "TCP SYN with FIN (flag policy)")                                \
	X(drop_tcp_syn_rst, drop, "TCP SYN with RST (flag policy)")                                \
	X(drop_tcp_rst_fin, drop, "TCP RST with FIN (flag policy)")                                \
	X(drop_tcp_no_flags, drop, "TCP segment without any flag (flag policy)")                   \
	X(drop_tcp_no_ack, drop,                                                                   \
	  "TCP FIN, PSH, URG, ECE or CWR without ACK, SYN or RST (flag policy)")                   \
	X(drop_tcp_urg, drop, "TCP URG on a SYN-ACK or an RST (flag policy)")                      \
	X(drop_tcp_csum, drop,                                                                     \
	  "TCP checksum wrong on a split connection's segment or an accelerate flow's first one")  \
	X(drop_split_closed, drop, "segment for a leg of a split connection that has closed")      \
	X(drop_frag_bad, drop, "IPv4 fragment malformed, overlapping or too small")                \
	X(drop_arp_bad, drop, "ARP malformed or not Ethernet/IPv4")                                \
	X(drop_ttl_exceeded, drop, "TTL expired in transit")                                       \
	X(drop_no_route, drop, "no route to destination")                                          \
	X(drop_arp_unresolved, drop,                                                               \
	  "next hop not resolved yet and nothing is held (queue_len 0)")                           \
	X(drop_arp_timeout, drop, "held packet given up: its next hop never answered ARP")         \
	X(drop_arp_queue_full, drop, "held packet pushed out by a newer one: ARP hold queue full") \
	X(drop_arp_table_full, drop, "next hop not resolved and no free ARP entry to resolve it")  \
	X(drop_rule, drop, "dropped by a rule")                                                    \
	X(drop_df_mtu, drop, "DF set and larger than the egress MTU (policy respect_df)")          \
	X(drop_frag_failed, drop, "cannot be fragmented: more fragments than one packet may make") \
	X(drop_tx_full, drop, "TX queue full")                                                     \
	X(drop_no_mbuf, drop, "no mbufs left to fragment the packet")                              \
	X(drop_no_headroom, drop, "engine segment without headroom for its Ethernet header")       \
	X(drop_not_for_us, drop, "addressed to the gateway but no service")                        \
	X(drop_broadcast, drop,                                                                    \
	  "broadcast or multicast (L2 or IPv4) not for the gateway: not routed")                   \
	X(drop_martian, drop, "martian source address (0/8, 127/8, 224/4, 240/4)")                 \
	X(drop_tunnel_truncated, drop, "tunnel: shorter than the pepgw header (+ GCM tag)")        \
	X(drop_tunnel_version, drop, "tunnel: pepgw header version not 1")                         \
	X(drop_tunnel_type, drop, "tunnel: unknown pepgw packet type")                             \
	X(drop_tunnel_flags, drop,                                                                 \
	  "tunnel: reserved header bits, or flags/key slot not for the type")                      \
	X(drop_tunnel_link, drop, "tunnel: link id beyond the peer's links")                       \
	X(drop_tunnel_queue, drop, "tunnel: sender queue beyond the peer's queues")                \
	X(drop_tunnel_not_owner, drop, "tunnel: stream opened on a worker that does not own it")   \
	X(drop_tunnel_no_session, drop, "tunnel: no key in the header's key slot")                 \
	X(drop_tunnel_auth, drop, "tunnel: GCM tag wrong (forged, tampered, cut, other key)")      \
	X(drop_tunnel_replayed, drop,                                                              \
	  "tunnel: link sequence already received (replay or duplicate)")                          \
	X(drop_tunnel_too_old, drop, "tunnel: link sequence behind the anti-replay window")        \
	X(drop_tunnel_far_ahead, drop,                                                             \
	  "tunnel: link sequence implausibly far ahead of the window")                             \
	X(drop_tunnel_no_tx_key, drop,                                                             \
	  "tunnel: no session to send with yet (handshake in progress)")                           \
	X(drop_tunnel_key_exhausted, drop, "tunnel: send key at its usage limit, rekey not done")  \
	X(drop_tunnel_too_big, drop,                                                               \
	  "tunnel: packet does not fit one mbuf with the encapsulation")                           \
	X(drop_tunnel_no_mbuf, drop, "tunnel: no mbuf to copy a shared or chained packet into")    \
	X(drop_tunnel_crypto, drop, "tunnel: crypto device error")                                 \
	X(drop_tunnel_hs_kind, drop, "tunnel handshake: unknown message kind")                     \
	X(drop_tunnel_hs_len, drop, "tunnel handshake: length wrong for its kind")                 \
	X(drop_tunnel_hs_field, drop, "tunnel handshake: field out of range")                      \
	X(drop_tunnel_hs_mac, drop, "tunnel handshake: authentication failed (wrong key, forged)") \
	X(drop_tunnel_hs_stale, drop,                                                              \
	  "tunnel handshake: initiation not newer than the last (replay)")                         \
	X(drop_tunnel_hs_unexpected, drop,                                                         \
	  "tunnel handshake: answer matching nothing outstanding")                                 \
	X(drop_tunnel_no_peer, drop,                                                               \
	  "tunnel action: no peer's remote networks hold the destination")                         \
	X(drop_tunnel_no_link, drop, "tunnel: no link of the peer is usable (all down)")           \
	X(drop_tunnel_no_endpoint, drop, "tunnel: the link's peer endpoint is not known yet")      \
	X(drop_tunnel_inner_bad, drop, "tunnel: decrypted payload is not a valid IPv4 packet")     \
	X(drop_tunnel_inner_src, drop, "tunnel: inner source outside the peer's remote networks")  \
	X(drop_tunnel_probe_bad, drop, "tunnel: authentic probe with a malformed body")            \
	X(drop_tunnel_handoff_full, drop, "tunnel: ring to the owning worker full")                \
	X(drop_tunnel_stale_session, drop, "tunnel: packet of a session the reorder buffer left")  \
	X(drop_tunnel_duplicate, drop,                                                             \
	  "tunnel: inner sequence delivered already (duplicate copy)")                             \
	X(drop_tunnel_late, drop, "tunnel: inner packet after its hole was given up")              \
	X(drop_tunnel_old, drop,                                                                   \
	  "tunnel: inner sequence too far behind to tell duplicate from late")                     \
	X(drop_tunnel_reasm, drop,                                                                 \
	  "tunnel: outer fragments given up (timeout, overlap, table full)")

/* clang-format off: the X-macro list expands to the enumerators */
enum stat_id {
#define STATS_ENUM(name, kind, help) STAT_##name,
	STATS_COUNTERS(STATS_ENUM)
#undef STATS_ENUM
	        STAT_MAX
};
/* clang-format on */

struct stats_block {
	uint64_t c[STAT_MAX];
} __rte_cache_aligned;

/* The descriptors of every counter, indexed by enum stat_id (STAT_MAX entries). */
const struct stat_desc *stats_descs(void);
/* Telemetry key of a counter ("rx_packets"), or NULL for an id out of range. */
const char *stats_name(enum stat_id id);
/* One-line description of a counter, or NULL. */
const char *stats_help(enum stat_id id);
/* True when the counter is a drop reason (kind drop; its key starts with "drop_"). */
int stats_is_drop(enum stat_id id);

static inline void stats_inc(struct stats_block *s, enum stat_id id)
{
	s->c[id]++;
}

static inline void stats_add(struct stats_block *s, enum stat_id id, uint64_t n)
{
	s->c[id] += n;
}

/* Sum n per-lcore blocks into out. */
void stats_sum(const struct stats_block *blocks, unsigned int n, struct stats_block *out);

#endif
