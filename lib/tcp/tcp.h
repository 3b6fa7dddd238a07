/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_H
#define PEPGW_TCP_H

/*
 * pepgw split-TCP engine: full TCP endpoints ("legs") with no port and no clock of their own.
 * Segments go in (tcp_conn_input), segments come out (the engine's tx callback, IPv4 + TCP
 * headers built, Ethernet left to the caller), time is passed in (now_us). One engine per lcore;
 * nothing here is thread-safe and nothing needs to be.
 *
 * Payload is carried as rte_mbuf references: data handed to tcp_conn_send() is sent as
 * indirect mbufs attached to it (no copy), and received in-order data is handed to the recv
 * callback as the received mbufs with their headers trimmed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "stats.h"
#include "tcp_cc_list.h"
#include "tcp_defaults.h"

struct tcp_engine;
struct tcp_conn;

/*
 * F5-style TCP profile. app/pepgw/params.c fills it from the configuration's tcp_profiles; its
 * keys, defaults and ranges are tcp_defaults.h's list, shared with the configuration loader
 * (every key there is a field here: NAME, or NAME_bps for a rate).
 */
struct tcp_profile {
	char congestion_control[16]; /* a name in tcp_cc_list.h (tcp_cc_find) */
	uint32_t send_buffer;        /* bytes queued for sending before tcp_conn_send refuses */
	uint32_t receive_window;     /* bytes; the window we advertise at most */
	uint32_t proxy_buffer_high;  /* relay: close the receiving window at this fill */
	uint32_t proxy_buffer_low;   /* relay: reopen below this */
	bool sack, window_scale, timestamps;
	uint16_t initial_window; /* segments; 0 = RFC 5681 rule */
	uint32_t min_rto_ms, max_rto_ms, initial_rto_ms;
	uint32_t delayed_ack_ms; /* 0 = ACK every segment at once */
	uint16_t ack_every_segments;
	uint32_t keepalive_s; /* 0 = off */
	uint32_t idle_timeout_s;
	uint32_t fin_wait_timeout_s;
	uint32_t time_wait_ms;
	uint16_t syn_retries;
	uint32_t max_connections; /* 0 = only the engine's pool limits them */
	/* Pacing and rates. Rates are bits/s on the wire: IP packets plus overhead_bytes each. */
	bool pacing;             /* window-based modules pace at gain x cwnd / SRTT */
	uint64_t max_rate_bps;   /* cap on any pacing rate; 0 = none */
	uint64_t rate_bps;       /* "rate": the rate to send at (none: opens fail, EINVAL) */
	uint64_t min_rate_bps;   /* "vegas": never pace below, nor a window below it x BaseRTT */
	uint16_t overhead_bytes; /* per packet, added after us (tunnel, encryptor) */
	bool window_copies;      /* rate module: second copies while the peer's window holds it */
	/* ECN, the congestion metrics cache and the rest of F5's profile */
	bool ecn;                      /* RFC 3168 on this leg: offer on our SYN, accept a peer's */
	bool congestion_metrics_cache; /* start from what closed legs to the same host learnt */
	uint32_t congestion_metrics_cache_timeout_s; /* an entry older than this is not used */
	uint32_t congestion_metrics_cache_entries;   /* engine table size (largest profile's) */
	bool nagle;            /* RFC 896: hold a small segment while data is unacknowledged */
	bool ack_on_push;      /* ACK a segment with PSH at once (no delayed ACK) */
	bool limited_transmit; /* RFC 3042 */
	bool reset_on_timeout; /* idle/keepalive/retry give-up sends RST (else silent close) */
	uint8_t ip_tos;        /* TOS byte of every segment (DSCP << 2); ECN owns the low 2 bits */
	uint32_t zero_window_timeout_s; /* give up on a zero window after this (0 = never) */
	bool time_wait_recycle; /* pepgw: a client SYN ends its flow's TIME-WAIT legs at once */
	bool abc;               /* RFC 3465 byte counting (else per-ACK growth) */
	bool bandwidth_delay;   /* a metrics cache hit starts cwnd from the cached window */
	uint32_t close_wait_timeout_s; /* give up CLOSE-WAIT/LAST-ACK after this (0 = never) */
	/* Relay, client-side profile: the server leg's SYN waits for the client's first data,
	 * at most deferred_accept_timeout_s after the client's SYN. */
	bool deferred_accept;
	uint32_t deferred_accept_timeout_s;
	/* Relay, server-side profile: its SYN announces the client's MSS (proxy_mss) and offers
	 * only the options the client's leg negotiated (proxy_options). */
	bool proxy_mss, proxy_options;
};

/* Defaults fit for a LAN leg (profile ready to use): the values of tcp_defaults.h's list. (The
 * MSS is not the profile's: each leg's path gives it, struct tcp_leg_params.) */
void tcp_profile_defaults(struct tcp_profile *p);

/* Smallest leg MTU: the IPv4 minimum (RFC 791) plus the 40 octets of IPv4 and TCP headers. */
#define TCP_LEG_MTU_MIN (68 + 40)

/*
 * What one connection (a leg) is opened with: its profile and the path its segments take.
 * Each leg has its own: pepgw gives the leg toward the client the MTU of the egress toward the
 * client and the rule's fixed MSS, the leg toward the server the MTU of its egress (a port, or
 * a tunnel: the link MTU less the encapsulation).
 */
struct tcp_leg_params {
	const struct tcp_profile *profile; /* kept by reference: must outlive the connection */
	uint16_t mtu; /* IP MTU of the leg's path, >= TCP_LEG_MTU_MIN: no segment is larger */
	/* The MSS the leg announces and the largest it sends whatever the peer announces (the
	 * clamp a forwarding gateway applies to both SYN and SYN-ACK); 0 = mtu - 40. */
	uint16_t mss;
	/*
	 * The round trip the path takes at least, whatever the smallest RTT sample says; 0 =
	 * none. A bonded tunnel delivers in order: a segment waits for those sent before it on a
	 * slower link, so data is acknowledged after the slowest link's round trip while a
	 * segment alone on the fastest one shows much less. The rate module sizes its window from
	 * it (tcp_cc_params.rtt_floor_us).
	 */
	uint32_t rtt_floor_us;
	/* The rate a rate-based module ("rate") starts at instead of the profile's rate_bps, 0 =
	 * the profile's (a gateway that measures the path's capacity, e.g. a bonded tunnel's;
	 * tcp_conn_set_rate changes it later). */
	uint64_t rate_bps;
};

enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

/* Name of a state ("ESTABLISHED"), or "?" */
const char *tcp_state_name(enum tcp_state s);

enum tcp_conn_event {
	TCP_EV_ESTABLISHED, /* handshake complete */
	TCP_EV_PEER_FIN,    /* the peer finished sending (in order); we may still send */
	TCP_EV_SENT_ACKED,  /* send-queue space was freed (relay: feed more) */
	TCP_EV_RESET,       /* RST received: the peer is gone */
	TCP_EV_TIMEOUT,     /* given up: SYN or RTO retries, keepalive, idle timeout */
	TCP_EV_CLOSED,      /* last event: the conn is freed when the callback returns */
};

/*
 * Engine-wide counters (per lcore, like the engine), in the shape of stat_desc.h. Segments that
 * tcp_conn_input refuses before they reach a connection (headers, options) are returned as the
 * gateway's drop reason instead, so that each refused segment is counted once. Every segment a
 * connection discards is counted here under one drop_ reason; what it ignores inside a segment
 * it keeps (options, SACK blocks, data past the window or after a FIN) is counted as an event.
 */
#define TCP_ENGINE_COUNTERS(X)                                                                     \
	X(segs_in, event, "segments handed to a connection (headers and options valid)")           \
	X(segs_out, event, "segments sent")                                                        \
	X(retransmits, event, "segments sent again")                                               \
	X(rto_expired, event, "retransmission timeouts")                                           \
	X(spurious_rto, event, "timeouts undone: the ACK echoed the original (RFC 3522)")          \
	X(sack_reneging, event, "cumulative ACKs stopping on SACKed data: SACKs forgotten")        \
	X(fast_retransmits, event, "recoveries entered by duplicate ACKs or SACK")                 \
	X(window_copies, event,                                                                    \
	  "second copies sent while the peer's window held a rate-mode sender back")               \
	X(challenge_acks, event, "challenge ACKs sent (RFC 5961)")                                 \
	X(challenge_acks_suppressed, event, "challenge ACKs not sent: rate limit (RFC 5961 7)")    \
	X(resets_in, event, "RSTs accepted: connection reset by the peer")                         \
	X(resets_out, event, "RSTs sent")                                                          \
	X(zero_window_probes, event, "zero-window probes sent")                                    \
	X(keepalives, event, "keepalive probes sent")                                              \
	X(conn_opened, event, "connections opened")                                                \
	X(conn_closed, event, "connections closed")                                                \
	X(conn_no_memory, event, "connections refused: no free connection in the pool")            \
	X(opt_bad_length, event, "segments with a known option of the wrong length (ignored)")     \
	X(opt_syn_only, event,                                                                     \
	  "non-SYN segments with MSS, window scale or SACK-permitted (ignored)")                   \
	X(sack_not_negotiated, event, "segments with SACK blocks on a connection without SACK")    \
	X(sack_invalid, event, "SACK blocks ignored: empty, inverted, above SND.NXT or all acked") \
	X(sack_conn_cap, event, "SACK blocks not tracked: the connection's hole cap was reached")  \
	X(sack_pool_exhausted, event, "SACK blocks not tracked: the engine's hole pool was empty") \
	X(rcv_window_trimmed, event, "segments whose data past the receive window was cut off")    \
	X(data_unread, event, "in-order segments ACKed then freed: nobody reads the connection")   \
	X(drop_conn_closed, drop, "segment for a connection that has closed")                      \
	X(drop_no_syn, drop, "segment without SYN or RST in SYN-SENT")                             \
	X(drop_bad_ack, drop, "ACK of data never sent, or too old (RFC 5961 5.2)")                 \
	X(drop_rst_unacceptable, drop, "RST neither at RCV.NXT nor acking our SYN (RFC 5961 3.2)") \
	X(drop_syn_synchronized, drop, "SYN on a synchronized connection (RFC 5961 4.2)")          \
	X(drop_no_ack, drop, "segment without ACK on a synchronized connection")                   \
	X(drop_paws, drop, "timestamp older than TS.Recent (PAWS, RFC 7323 5)")                    \
	X(drop_out_of_window, drop, "sequence number beyond the receive window")                   \
	X(drop_duplicate, drop, "segment wholly before RCV.NXT: an old duplicate")                 \
	X(drop_data_after_fin, drop, "data past the peer's FIN")                                   \
	X(tx_no_mbuf, event, "segments not built: mbuf pool empty")                                \
	X(drop_ooo_full, drop, "out-of-order segment: the connection holds as many as it may")     \
	X(ecn_ce_received, event, "segments received with CE (ECN congestion experienced)")        \
	X(ecn_cwnd_reductions, event,                                                              \
	  "congestion windows reduced for an ECN echo (RFC 3168 6.1.2)")                           \
	X(metrics_cache_hits, event, "connections started from the congestion metrics cache")      \
	X(zero_window_timeouts, event,                                                             \
	  "connections given up: the peer kept its window shut past zero_window_timeout_s")        \
	X(close_wait_timeouts, event,                                                              \
	  "connections given up: still closing close_wait_timeout_s after the peer's FIN")         \
	X(deferred_accept_timeouts, event,                                                         \
	  "clients given up: no data within deferred_accept_timeout_s (the server never saw "      \
	  "them)")

/* clang-format off: the X-macro list expands to the enumerators */
enum tcp_engine_counter {
#define TCP_CNT_ENUM(name, kind, help) TCP_CNT_##name,
	TCP_ENGINE_COUNTERS(TCP_CNT_ENUM)
#undef TCP_CNT_ENUM
	/* Then one per congestion-control module, in tcp_cc_list.h's order: connections opened
	 * with it, named conn_opened_<module> (TCP_CNT_CC_FIRST + its tcp_cc_index()). */
	TCP_CNT_CC_FIRST,
#define TCP_CNT_CC_ONE(n) +1
	TCP_CNT_MAX = TCP_CNT_CC_FIRST TCP_CC_LIST(TCP_CNT_CC_ONE)
#undef TCP_CNT_CC_ONE
};
/* clang-format on */

struct tcp_engine_params {
	uint32_t max_conns; /* fixed pool, allocated at create */
	/* SACK scoreboard holes shared by all connections (0: 64 per connection). A connection
	 * takes what its loss episode needs, up to half the segments of its send buffer. */
	uint32_t sack_holes;
	struct rte_mempool *hdr_pool;   /* direct mbufs for headers (headroom for Ethernet) */
	struct rte_mempool *clone_pool; /* mbufs to attach to payload (may be hdr_pool) */
	uint32_t timer_tick_us;         /* wheel granularity, default 1000 */
	uint64_t now_us;
	/* RFC 6528 secret; all zero = drawn from arc4random_buf at create. */
	uint8_t isn_secret[16];
	/* Challenge ACKs per second at most (RFC 5961 7), randomized up to twice that. */
	uint32_t challenge_ack_limit;
	bool deterministic; /* tests/sim: no randomization (ISN still keyed by the secret) */
	/* Congestion metrics cache entries (0: the profile default of
	 * congestion_metrics_cache_entries); pepgw gives the largest
	 * congestion_metrics_cache_entries of its profiles. */
	uint32_t metrics_entries;
	uint32_t fixed_isn; /* tests/sim only: non-zero = every connection starts here */
	/* Callbacks: a segment to send (ownership passes), in-order data (ownership passes;
	 * call tcp_conn_recv_consumed when it has left the gateway), connection events.
	 * Relay legs' data and events are handled by the relay; their TCP_EV_CLOSED is still
	 * reported here so that the caller can drop its references. */
	void (*tx)(void *arg, struct tcp_conn *c, struct rte_mbuf *m);
	void (*recv)(void *arg, struct tcp_conn *c, struct rte_mbuf *m);
	void (*event)(void *arg, struct tcp_conn *c, enum tcp_conn_event ev);
	void *cb_arg;
};

/*
 * Engine with its connection pool and timer wheel. NULL + rte_errno: EINVAL (p NULL, no
 * connections, no hdr_pool or tx, mtu below 108, hdr_pool's data room too small for headroom +
 * IPv4 + TCP + 40 bytes of options), ENOMEM.
 */
struct tcp_engine *tcp_engine_create(const char *name, const struct tcp_engine_params *p);
/* Free every connection (no segments sent) and the engine. NULL is fine. */
void tcp_engine_free(struct tcp_engine *e);
/* Run due timers up to now_us. Returns the number of timers fired. */
unsigned int tcp_engine_advance(struct tcp_engine *e, uint64_t now_us);
/*
 * The earliest time at which tcp_engine_advance has work (a timer comes due: a paced segment
 * to release, an ACK delayed, a retransmission; relayed data to segment), or until_us when
 * nothing is due before it. A caller that sleeps when idle sleeps no later than this. A time
 * at or before the last advance means "now". Early, never late: it may name a tick at which
 * the wheel only moves timers down a level.
 */
uint64_t tcp_engine_next_due_us(const struct tcp_engine *e, uint64_t until_us);
/* Engine counter value (0 for c out of range). */
uint64_t tcp_engine_counter(const struct tcp_engine *e, enum tcp_engine_counter c);
/* Telemetry key of an engine counter, or NULL for c out of range. */
const char *tcp_engine_counter_name(enum tcp_engine_counter c);
/* The descriptors of the engine counters, indexed by enum tcp_engine_counter. */
const struct stat_desc *tcp_engine_counter_descs(void);
/* Connections in use. */
uint32_t tcp_engine_conns_in_use(const struct tcp_engine *e);

/* The 4-tuple of a leg, network byte order, as seen from our side. */
struct tcp_tuple {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
};

/*
 * Passive open from a received SYN (m starts at the IPv4 header; consumed on success, left to
 * the caller on failure so that it can forward the SYN unaccelerated), with leg's profile and
 * path. When defer is true the SYN-ACK waits for tcp_conn_accept() (deferred handshake
 * policy), else it goes at once. Returns the connection, or NULL + rte_errno: ENOMEM (no free
 * connection), EBADMSG (not a valid SYN: truncated, bad data offset, bad options, other
 * flags), EINVAL (bad arguments: no profile, an unknown congestion control, mtu below
 * TCP_LEG_MTU_MIN).
 */
struct tcp_conn *tcp_conn_listen(struct tcp_engine *e, const struct tcp_leg_params *leg,
                                 struct rte_mbuf *syn, bool defer, uint64_t now_us);
/* Deferred passive open: the far side accepted; send the SYN-ACK. 0 or -EINVAL. */
int tcp_conn_accept(struct tcp_conn *c, uint64_t now_us);
/* Deferred passive open: the far side refused; answer the SYN with RST and close. */
int tcp_conn_refuse(struct tcp_conn *c, uint64_t now_us);

/*
 * Active open with leg's profile and path: send a SYN. NULL + rte_errno: ENOMEM (no free
 * connection), EINVAL (bad arguments, as for tcp_conn_listen).
 */
struct tcp_conn *tcp_conn_connect(struct tcp_engine *e, const struct tcp_leg_params *leg,
                                  const struct tcp_tuple *t, uint64_t now_us);

/*
 * A segment for this connection (m starts at the IPv4 header; always consumed). Returns 0,
 * or the enum stat_id of a drop reason the caller should count (the segment was bad:
 * STAT_drop_l4_truncated, STAT_drop_tcp_doff, STAT_drop_tcp_options).
 */
int tcp_conn_input(struct tcp_conn *c, struct rte_mbuf *m, uint64_t now_us);

/*
 * Whether a segment (m starts at the IPv4 header) is one tcp_conn_input or tcp_conn_listen
 * would parse: headers within the first mbuf segment, data offset, option lengths. Nothing is
 * counted and no connection is looked at; Ethernet padding past the IP length is trimmed.
 * Lets a caller refuse a segment before it creates any state for it. Returns 0, or the enum
 * stat_id of the drop reason (STAT_drop_l4_truncated, STAT_drop_ip_ihl, STAT_drop_ip_len,
 * STAT_drop_tcp_doff, STAT_drop_tcp_options).
 */
int tcp_segment_check(struct rte_mbuf *m);

/*
 * Queue payload (a packet or chain holding only data; ownership passes) for sending.
 * Returns 0, -ENOBUFS when the send buffer is full (m not taken), -EPIPE after shutdown or
 * when the connection cannot send.
 */
int tcp_conn_send(struct tcp_conn *c, struct rte_mbuf *m, uint64_t now_us);
/* Bytes tcp_conn_send would accept now. */
uint32_t tcp_conn_send_space(const struct tcp_conn *c);
/*
 * The path's capacity changed: a rate-based module ("rate") sends at rate_bps (bits/s on the
 * wire, as the profile's rate_bps) from now on, its window resized to it (the rate over the
 * path's RTT). The gateway's bonded tunnel calls it when its links' capacity moves.
 * 0; -EINVAL for rate_bps 0; -ENOTSUP when the connection's module has no rate to change.
 */
int tcp_conn_set_rate(struct tcp_conn *c, uint64_t rate_bps);
/* Send a FIN after the queued data (half-close). 0 or -EINVAL. */
int tcp_conn_shutdown(struct tcp_conn *c, uint64_t now_us);
/*
 * The application is gone (full close): send a FIN after the queued data, drop whatever
 * arrives from now on, and give up FIN-WAIT-2 after the profile's fin_wait_timeout_s.
 * (tcp_conn_shutdown is the half-close: the peer may keep sending, and no such timeout.)
 * 0 or -EINVAL.
 */
int tcp_conn_orphan(struct tcp_conn *c, uint64_t now_us);
/* Send RST and close (the conn is freed after its TCP_EV_CLOSED). */
void tcp_conn_abort(struct tcp_conn *c, uint64_t now_us);
/* The application released n bytes of received data: the window may open again. */
void tcp_conn_recv_consumed(struct tcp_conn *c, uint32_t n, uint64_t now_us);
/* Relay flow control: while closed, advertise no new window (proxy_buffer_high reached). */
void tcp_conn_set_rcv_closed(struct tcp_conn *c, bool closed, uint64_t now_us);

void tcp_conn_set_user(struct tcp_conn *c, void *user);
void *tcp_conn_user(const struct tcp_conn *c);
enum tcp_state tcp_conn_state(const struct tcp_conn *c);
void tcp_conn_tuple(const struct tcp_conn *c, struct tcp_tuple *t);

/* `ss -ti`-like telemetry of one connection. */
struct tcp_conn_info {
	enum tcp_state state;
	uint32_t snd_mss, rcv_mss;
	uint8_t snd_wscale, rcv_wscale;
	bool sack, timestamps;
	bool ecn;                /* RFC 3168 negotiated on this leg */
	uint32_t cwnd, ssthresh; /* bytes */
	uint32_t srtt_us, rttvar_us;
	uint32_t rto_us; /* the retransmission timer's interval now (the probe's while persist) */
	uint8_t backoff; /* doublings of that interval (of the persist timer's while persist) */
	bool persist;    /* probing a zero window (RFC 9293 3.8.6.1) */
	uint32_t bytes_in_flight; /* RFC 6675 pipe */
	uint32_t sacked_bytes, lost_bytes;
	uint32_t snd_wnd;
	uint32_t rcv_wnd;   /* RCV.WND: what the peer may still send (right edge - RCV.NXT) */
	uint32_t rcv_space; /* free receive buffer: the window the next segment would offer */
	uint64_t bytes_acked, bytes_received;
	uint64_t segs_out, segs_in;
	uint64_t retransmits; /* segments */
	uint64_t dsacks_rcvd;
	uint32_t send_queue_bytes; /* queued, not yet acknowledged */
	uint32_t recv_unconsumed;  /* delivered, not yet consumed (buffer fill) */
	uint32_t ooo_bytes;        /* held out of order */
	bool in_recovery;          /* fast recovery (RFC 6582 / RFC 6675 5) */
	bool loss_recovery;        /* recovering from a retransmission timeout */
	uint64_t pacing_rate_bps;  /* bits/s on the wire; 0 = not paced */
};

void tcp_conn_get_info(const struct tcp_conn *c, struct tcp_conn_info *info);

/* One line like `ss -ti`: "ESTABLISHED wscale:7,7 rto:204 rtt:2.1/0.4 mss:1448 cwnd:10 ...".
 * Returns what snprintf returns. */
int tcp_conn_info_format(const struct tcp_conn_info *info, char *buf, size_t len);

/*
 * Telemetry lookup (walks the pool; not for the data path): a connection whose 4-tuple is t
 * from either end (a relay's two legs share the flow's tuple, reversed; the first found is
 * returned). NULL when none.
 */
struct tcp_conn *tcp_engine_find(struct tcp_engine *e, const struct tcp_tuple *t);

struct tcp_engine_summary {
	uint32_t conns;
	uint32_t relays;
	uint32_t by_state[TCP_TIME_WAIT + 1];
	uint64_t send_queue_bytes;
	uint64_t recv_unconsumed_bytes;
	uint64_t ooo_bytes;
	uint64_t relay_buffered_bytes;
	uint64_t retransmits;
};
void tcp_engine_get_summary(const struct tcp_engine *e, struct tcp_engine_summary *s);

/* ---- relay: one proxied flow = two legs glued by bounded buffers ---- */

struct tcp_relay;

/*
 * Split a flow: a passive leg (client_side: its profile and path) answers the client's SYN
 * (m, consumed on success) and an active leg (server_side) opens toward the original
 * destination with the same addresses and ports (transparent). Each leg announces and sends
 * the MSS of its own path, so the two ends of a split may see different ones. deferred: the
 * client's SYN-ACK waits until the server accepted; a refusing server (RST) makes the client
 * get an RST, an unreachable one (SYN retries exhausted) makes the client's SYN go
 * unanswered, as without the gateway. Data crosses by mbuf reference;
 * the relay closes a leg's receive window when proxy_buffer_high octets from it are waiting
 * and reopens below proxy_buffer_low (the receiving leg's profile). FIN and RST cross.
 * Returns NULL + rte_errno: ENOMEM (no two free connections: forward the flow
 * unaccelerated, the SYN is left to the caller), EBADMSG, EINVAL (as for tcp_conn_listen,
 * for either leg).
 */
struct tcp_relay *tcp_relay_open(struct tcp_engine *e, const struct tcp_leg_params *client_side,
                                 const struct tcp_leg_params *server_side, struct rte_mbuf *syn,
                                 bool deferred, uint64_t now_us);

/* Leg 0 faces the client (passive), leg 1 the server (active); NULL once closed. */
struct tcp_conn *tcp_relay_leg(const struct tcp_relay *r, unsigned int side);
/* For a connection that is a relay leg: its relay and side (0/1); NULL when not a leg. */
struct tcp_relay *tcp_conn_relay(const struct tcp_conn *c, unsigned int *side);

struct tcp_relay_info {
	uint32_t buffered[2]; /* octets from leg i not yet acknowledged by the other leg's peer */
	uint32_t pending[2];  /* of those, not yet accepted by the other leg's send queue */
	bool window_closed[2];
	uint32_t max_buffered[2];
};
void tcp_relay_get_info(const struct tcp_relay *r, struct tcp_relay_info *info);

#endif
