/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_STATS_H
#define PEPGW_STATS_H

/*
 * Counters of the gateway: one X-macro list generates the enum, the telemetry keys and the
 * summary printed at exit. Each lcore owns one cache-aligned block and is its only writer;
 * readers (telemetry, shutdown) sum the blocks. Keys are stable snake_case.
 *
 * Drop reasons are named drop_<reason>; libraries that detect a bad packet return the
 * enum stat_id of the drop so that the caller counts it (libraries never own counters).
 */

#include <stdint.h>
#include <rte_common.h>

#define STATS_COUNTERS(X)                                                                          \
	X(rx_packets, "packets received")                                                          \
	X(rx_bytes, "bytes received")                                                              \
	X(tx_packets, "packets sent")                                                              \
	X(tx_bytes, "bytes sent")                                                                  \
	X(forwarded, "packets forwarded")                                                          \
	X(local_in, "packets addressed to the gateway")                                            \
	X(arp_requests_in, "ARP requests received")                                                \
	X(arp_replies_in, "ARP replies received")                                                  \
	X(arp_replies_out, "ARP replies sent")                                                     \
	X(arp_requests_out, "ARP requests sent")                                                   \
	X(arp_queued, "packets queued waiting for ARP")                                            \
	X(icmp_echo_replies, "ICMP echo replies sent")                                             \
	X(icmp_errors_sent, "ICMP errors sent")                                                    \
	X(icmp_errors_ratelimited, "ICMP errors suppressed by the rate limit")                     \
	X(mss_clamped, "SYN/SYN-ACK with MSS lowered")                                             \
	X(mss_unchanged, "SYN/SYN-ACK seen with MSS already at or below the limit")                \
	X(mss_absent, "SYN/SYN-ACK without an MSS option")                                         \
	X(frag_packets, "packets fragmented")                                                      \
	X(frag_fragments, "fragments produced")                                                    \
	X(frag_df_cleared, "packets fragmented despite DF (policy always)")                        \
	X(flow_created, "flow entries created")                                                    \
	X(flow_expired, "flow entries aged out")                                                   \
	X(accel_flows, "TCP connections split by the engine (accelerate)")                         \
	X(accel_fallback, "accelerate flows forwarded unsplit: engine out of connections")         \
	X(accel_passthrough,                                                                       \
	  "accelerate flows forwarded unsplit: first packet seen was not a SYN")                   \
	X(accel_segs_in, "TCP segments handed to the engine")                                      \
	X(accel_segs_out, "TCP segments sent by the engine")                                       \
	X(drop_runt, "frame shorter than its headers")                                             \
	X(drop_not_ip, "unsupported ethertype")                                                    \
	X(drop_vlan, "802.1Q-tagged frame (ports are untagged)")                                   \
	X(drop_ip_version, "IP version not 4")                                                     \
	X(drop_ip_ihl, "IPv4 header length below 20 or past the frame")                            \
	X(drop_ip_len, "IPv4 total length beyond the frame or below the header")                   \
	X(drop_ip_csum, "IPv4 header checksum wrong")                                              \
	X(drop_l4_truncated, "TCP/UDP/ICMP header cut short")                                      \
	X(drop_tcp_doff, "TCP data offset below 5 or past the segment")                            \
	X(drop_tcp_options, "TCP options malformed (length 0, 1 or past the header)")              \
	X(drop_tcp_csum, "TCP checksum wrong on a segment for the TCP engine")                     \
	X(drop_tcp_engine, "segment for a split connection that has already closed")               \
	X(drop_frag_bad, "IPv4 fragment malformed, overlapping or too small")                      \
	X(drop_arp_bad, "ARP malformed or not Ethernet/IPv4")                                      \
	X(drop_ttl_exceeded, "TTL expired in transit")                                             \
	X(drop_no_route, "no route to destination")                                                \
	X(drop_arp_unresolved, "next hop did not answer ARP or its queue was full")                \
	X(drop_rule, "dropped by a rule")                                                          \
	X(drop_df_mtu, "DF set and larger than the egress MTU (policy respect_df)")                \
	X(drop_frag_failed, "fragmentation failed (no mbufs)")                                     \
	X(drop_flow_table_full, "flow table full (forwarded without an entry)")                    \
	X(drop_tx_full, "TX queue full")                                                           \
	X(drop_no_mbuf, "mbuf pool empty")                                                         \
	X(drop_not_for_us, "addressed to the gateway but no service")                              \
	X(drop_martian, "source or destination address not routable")

/* clang-format off: the X-macro list expands to the enumerators */
enum stat_id {
#define STATS_ENUM(name, help) STAT_##name,
	STATS_COUNTERS(STATS_ENUM)
#undef STATS_ENUM
	        STAT_MAX
};
/* clang-format on */

struct stats_block {
	uint64_t c[STAT_MAX];
} __rte_cache_aligned;

/* Telemetry key of a counter ("rx_packets"), or NULL for an id out of range. */
const char *stats_name(enum stat_id id);
/* One-line description of a counter, or NULL. */
const char *stats_help(enum stat_id id);
/* True when the counter is a drop reason (its key starts with "drop_"). */
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
