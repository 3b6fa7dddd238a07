/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_DEFAULTS_H
#define PEPGW_TCP_DEFAULTS_H

/*
 * The one list of TCP profile keys: each key's kind, default, range, unit and documentation.
 * Everything else is made from it: tcp_profile_defaults() (lib/tcp), the configuration
 * loader's struct, defaults, key list and range checks (lib/config/pepgw_tcp_profiles.c, which
 * has no DPDK), pepgw's copy from one to the other (app/pepgw/params.c), and the tcp_profiles
 * table of doc/configuration.md, which the tcp_profile_keys program prints and the config test
 * config_tcp_defaults compares with the document and the JSON schema. A new key is one line
 * here plus its field in struct tcp_profile (tcp.h) and what it does.
 *
 * X(kind, name, default, min, max, unit, doc):
 *   kind     BOOL, U32, U16, U8 (integers of that width in both structs), RATE (Mbit/s in the
 *            configuration as a number, key NAME_mbps; bits/s in the engine, field NAME_bps),
 *            CC (the congestion-control module's name, a string: tcp_cc_list.h's names).
 *   min, max the range `pepgw --check` allows (integers; unused for BOOL and CC).
 *   unit     the type column's unit in the table ("" for none).
 *   doc      the table's last column after the range (for BOOL and CC all of it); "" for none.
 * Plain constants, no DPDK, nothing else.
 */

#include <stdbool.h>

#define TCP_KEY_GIB (1u << 30) /* RFC 7323 section 2.3: shift 14 caps the window at 1 GiB */

/* One key per entry, the doc strings as the table shows them. */
#define TCP_PROFILE_KEYS(X)                                                                        \
	X(CC, congestion_control, "reno", 0, 0, "",                                                \
	  "`\"reno\"` (NewReno, RFC 5681/6582), `\"highspeed\"` (RFC 3649), `\"scalable\"` "       \
	  "(Kelly 2003), `\"vegas\"` (Brakmo & Peterson 1995), `\"rate\"` (a fixed rate for "      \
	  "reserved capacity: needs `rate_mbps`); see \"Choosing the congestion control\" below")  \
	X(U32, send_buffer, 262144u, 4096u, TCP_KEY_GIB, "bytes", "")                              \
	X(U32, receive_window, 262144u, 1024u, TCP_KEY_GIB, "bytes",                               \
	  "at most 65535 when `window_scale` is false (RFC 7323 2.2)")                             \
	X(U32, proxy_buffer_high, 131072u, 4096u, TCP_KEY_GIB, "bytes",                            \
	  "the relay closes the receiving leg's window above it. It bounds what this leg has "     \
	  "handed on and the other leg has not yet had acknowledged, in flight included: on the "  \
	  "client-side profile it must cover the WAN path's bandwidth-delay product or uploads "   \
	  "cannot fill the path (10 Mbit/s x 600 ms = 750 KB; the shipped `lan` profiles use "     \
	  "2 MB)")                                                                                 \
	X(U32, proxy_buffer_low, 98304u, 0u, TCP_KEY_GIB, "bytes",                                 \
	  "must be below `proxy_buffer_high`; the window reopens below it")                        \
	X(BOOL, sack, true, 0, 0, "", "RFC 2018")                                                  \
	X(BOOL, window_scale, true, 0, 0, "", "RFC 7323")                                          \
	X(BOOL, timestamps, true, 0, 0, "", "RFC 7323")                                            \
	X(U16, initial_window, 10u, 1u, 64u, "segments", "RFC 6928 IW10")                          \
	X(U32, min_rto_ms, 200u, 1u, 600000u, "",                                                  \
	  "at most `max_rto_ms`; Linux's floor (RFC 6298 2.4 says 1 s)")                           \
	X(U32, max_rto_ms, 60000u, 1u, 600000u, "",                                                \
	  "RFC 6298 2.5: at least 60 s is the RFC's advice")                                       \
	X(U32, initial_rto_ms, 1000u, 1u, 600000u, "",                                             \
	  "within `min_rto_ms..max_rto_ms` (RFC 6298 2.1)")                                        \
	X(U32, delayed_ack_ms, 40u, 0u, 500u, "", "RFC 1122 4.2.3.2; 0 = ACK at once")             \
	X(U16, ack_every_segments, 2u, 1u, 64u, "", "RFC 5681 4.2: at least every second")         \
	X(U32, keepalive_s, 0u, 0u, 86400u, "", "0 = off")                                         \
	X(U32, idle_timeout_s, 300u, 1u, 604800u, "", "")                                          \
	X(U32, fin_wait_timeout_s, 60u, 1u, 3600u, "",                                             \
	  "a FIN-WAIT-2 leg nobody reads any more gives up after this long without a segment")     \
	X(U32, time_wait_ms, 4000u, 0u, 240000u, "", "2 MSL")                                      \
	X(U16, syn_retries, 5u, 0u, 16u, "", "")                                                   \
	X(U32, max_connections, 65536u, 1u, 1u << 22, "", "per worker lcore")                      \
	X(BOOL, pacing, true, 0, 0, "",                                                            \
	  "spread what the window allows over the RTT at 2 x cwnd / SRTT in the first half of "    \
	  "slow start, 1.2 x above (Linux's rule); see \"Pacing and rates\" below")                \
	X(RATE, max_rate, 0, 0, 100000, "",                                                        \
	  "0 = no cap. The most this leg sends per connection, counted on the wire (IP packets "   \
	  "plus `overhead_bytes` each), whatever the algorithm and whether or not `pacing` is "    \
	  "on; it never lets more out than the window does")                                       \
	X(RATE, rate, 0, 0, 100000, "",                                                            \
	  "with `congestion_control` `\"rate\"` (required there, and only there): the rate to "    \
	  "send at, counted as `max_rate_mbps` is; `\"auto\"` on a paired WAN leg: the bonded "    \
	  "tunnel's measured capacity, followed as links go down and come back (see \"Paired "     \
	  "mode\" below)")                                                                         \
	X(RATE, min_rate, 0, 0, 100000, "",                                                        \
	  "with `congestion_control` `\"vegas\"` only, 0 = none: Vegas never paces below it nor "  \
	  "lets its window fall below it times the base RTT, whatever the RTT or a loss says "     \
	  "(the PEP FAQ's Vegas between a minimum and the cap for shared capacity); at most "      \
	  "`max_rate_mbps` when that is set")                                                      \
	X(U16, overhead_bytes, 0u, 0u, 1024u, "bytes",                                             \
	  "what the path adds to each packet after pepgw (tunnel headers, an encryptor's ESP "     \
	  "header, IV, padding and tag), counted in every rate and in pacing")                     \
	X(BOOL, window_copies, false, 0, 0, "",                                                    \
	  "with `congestion_control` `\"rate\"` on a link of its own: while the peer's window "    \
	  "holds the sender below its rate, the idle time carries a second copy of each "          \
	  "unacknowledged segment, so that a loss does not stop the window for two round trips "   \
	  "(a receiver still growing its window); not on a shared or bonded link")                 \
	X(BOOL, ecn, false, 0, 0, "",                                                              \
	  "RFC 3168 on this leg: offer ECN on the SYN, accept a peer's offer; each leg "           \
	  "negotiates on its own (see \"ECN\" below)")                                             \
	X(BOOL, congestion_metrics_cache, true, 0, 0, "",                                          \
	  "start a leg from what closed legs to the same host learnt (see \"The congestion "       \
	  "metrics cache\" below)")                                                                \
	X(U32, congestion_metrics_cache_timeout_s, 3600u, 1u, 604800u, "",                         \
	  "an entry not refreshed for this long is not used (Linux: 1 hour)")                      \
	X(U32, congestion_metrics_cache_entries, 4096u, 4u, 1u << 20, "",                          \
	  "hosts per worker lcore (rounded down to a power of two); the engine's table is the "    \
	  "largest of the profiles that rules use")                                                \
	X(BOOL, bandwidth_delay, true, 0, 0, "",                                                   \
	  "F5's Bandwidth Delay: with `congestion_metrics_cache`, a leg to a cached host starts "  \
	  "its window from the cached bandwidth-delay estimate (half the cached cwnd, at least "   \
	  "`initial_window`, at most the cached ssthresh and `send_buffer`); false: from "         \
	  "`initial_window`, only ssthresh and the RTO come from the cache (Linux's way)")         \
	X(BOOL, nagle, false, 0, 0, "",                                                            \
	  "RFC 896: a segment shorter than the MSS waits while data is unacknowledged (a FIN "     \
	  "lets it go)")                                                                           \
	X(BOOL, ack_on_push, false, 0, 0, "",                                                      \
	  "ACK a segment carrying PSH at once instead of delaying the ACK")                        \
	X(BOOL, limited_transmit, true, 0, 0, "",                                                  \
	  "RFC 3042: each of the first two duplicate ACKs lets one new segment out")               \
	X(BOOL, abc, true, 0, 0, "",                                                               \
	  "RFC 3465 Appropriate Byte Counting: slow start grows by the octets each ACK "           \
	  "acknowledges, up to 2 segments (L = 2 SMSS; 1 after a timeout), congestion avoidance "  \
	  "by one segment per window of octets acknowledged; false: one segment per ACK in slow "  \
	  "start, 1/cwnd per ACK in congestion avoidance (RFC 5681 without ABC), so a receiver "   \
	  "that ACKs every other segment halves the growth")                                       \
	X(BOOL, reset_on_timeout, true, 0, 0, "",                                                  \
	  "a leg given up by a timer (idle, keepalive, retries, FIN-WAIT-2, zero window, close "   \
	  "wait, deferred accept) sends RST; false closes it silently")                            \
	X(U8, ip_tos, 0u, 0u, 252u, "",                                                            \
	  "a multiple of 4: the TOS byte (DSCP x 4, e.g. 184 for EF) of every segment of the "     \
	  "leg; the low two bits are ECN's")                                                       \
	X(U32, zero_window_timeout_s, 0u, 0u, 86400u, "",                                          \
	  "give up a peer that keeps its window closed this long (answering every probe); "        \
	  "0 = never")                                                                             \
	X(U32, close_wait_timeout_s, 0u, 0u, 86400u, "",                                           \
	  "F5's Close Wait: give up a leg whose peer closed (CLOSE-WAIT, then LAST-ACK) when it "  \
	  "has not finished closing this long after the peer's FIN (counter "                      \
	  "`close_wait_timeouts`); 0 = never: the relay closes it once the other leg finished, "   \
	  "and a half-closed flow may keep sending the other way as long as it likes")             \
	X(BOOL, time_wait_recycle, true, 0, 0, "",                                                 \
	  "read from the client-side (`lan_profile`) profile: a client SYN for a flow whose "      \
	  "split legs all wait in TIME-WAIT ends them silently and opens a new split at once; "    \
	  "false: the SYN meets the TIME-WAIT leg's challenge ACK (RFC 5961 4) and gets through "  \
	  "after the client's RST and SYN retransmission")                                         \
	X(BOOL, deferred_accept, false, 0, 0, "",                                                  \
	  "read from the client-side profile (F5's Deferred Accept): the server leg's SYN leaves " \
	  "only once the client sent data; a client that sends nothing for "                       \
	  "`deferred_accept_timeout_s` after its SYN is given up (counter "                        \
	  "`deferred_accept_timeouts`) and the server never sees it. Needs the rule's "            \
	  "`handshake: \"immediate\"`")                                                            \
	X(U32, deferred_accept_timeout_s, 10u, 1u, 3600u, "",                                      \
	  "with `deferred_accept`: how long a client may stay silent after its SYN")               \
	X(BOOL, proxy_mss, false, 0, 0, "",                                                        \
	  "read from the server-side (`wan_profile`) profile: the server leg's SYN announces the " \
	  "MSS the client announced (536 if it sent none), at most what the leg's MTU allows")     \
	X(BOOL, proxy_options, false, 0, 0, "",                                                    \
	  "read from the server-side profile: the server leg's SYN offers SACK, timestamps and "   \
	  "window scaling only where the client's leg negotiated them (and this profile allows "   \
	  "them)")

/* The configuration's name of a key: NAME, or NAME_mbps for a RATE. */
#define TCP_KEY_STR_BOOL(n)  #n
#define TCP_KEY_STR_U32(n)   #n
#define TCP_KEY_STR_U16(n)   #n
#define TCP_KEY_STR_U8(n)    #n
#define TCP_KEY_STR_CC(n)    #n
#define TCP_KEY_STR_RATE(n)  #n "_mbps"
#define TCP_KEY_STR(kind, n) TCP_KEY_STR_##kind(n)

/* An index per key, in list order (TCP_KEY_congestion_control ... TCP_KEY_COUNT). */
enum tcp_profile_key {
#define TCP_KEY_ENUM(kind, name, def, min, max, unit, doc) TCP_KEY_##name,
	TCP_PROFILE_KEYS(TCP_KEY_ENUM)
#undef TCP_KEY_ENUM
	        TCP_KEY_COUNT
};

#endif
