/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_PRIVATE_H
#define PEPGW_TCP_PRIVATE_H

/* Internals of lib/tcp shared by tcp_conn.c, tcp_input.c and tcp_output.c. Never installed. */

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_tcp.h>

#include "tcp.h"
#include "tcp_cc.h"
#include "tcp_metrics.h"
#include "tcp_options.h"
#include "tcp_rto.h"
#include "tcp_sack.h"
#include "tcp_seq.h"
#include "tcp_timer.h"

#define TCP_KEEPALIVE_PROBES 9  /* RFC 1122 4.2.3.6 leaves it open; Linux uses 9 */
#define TCP_MAX_RTO_RETRIES  15 /* then the connection is aborted (Linux tcp_retries2) */
#define TCP_PERSIST_MIN_US   200000u
#define TCP_PERSIST_MAX_US   60000000u
#define TCP_PAWS_IDLE_US     (24ull * 24 * 3600 * 1000000) /* RFC 7323 5.5: 24 days */
#define TCP_DEFAULT_SSTHRESH (1u << 30)
#define TCP_IPV4_TTL         64
/* Out-of-order segments held per connection: tiny segments spread over the window must not
 * pin the mbuf pool (CVE-2018-5390). The bound is twice the full-size segments the receive
 * window holds, at least TCP_OOO_MIN_SEGS: a window that lost every other segment is held in
 * full, a peer sending 1-octet segments still cannot pin more than that. */
#define TCP_OOO_MIN_SEGS     1024
#define TCP_HDR_ROOM         (sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_tcp_hdr) + 40)

/* Connection flags. */
enum {
	TF_ACKNOW = 1u << 0,     /* send an ACK at the next output */
	TF_SACK = 1u << 1,       /* SACK permitted both ways */
	TF_TS = 1u << 2,         /* timestamps on */
	TF_WS = 1u << 3,         /* window scaling on */
	TF_FIN_QUEUED = 1u << 4, /* application shut down writing */
	TF_FIN_SENT = 1u << 5,   /* our FIN has a sequence number (fin_seq) */
	TF_FIN_ACKED = 1u << 6,
	TF_RECOVERY = 1u << 7,     /* in fast recovery (RFC 6582 / RFC 6675) */
	TF_PERSIST = 1u << 8,      /* zero-window probing */
	TF_SYNACK_DEFER = 1u << 9, /* SYN-ACK waits for tcp_conn_accept */
	TF_PEER_FIN = 1u << 10,    /* peer's FIN received in order */
	TF_RTT_TIMING = 1u << 11,  /* rtt_seq is being timed (no timestamps) */
	TF_RCV_CLOSED = 1u << 12,  /* relay asked for a closed window */
	TF_FREE = 1u << 13,        /* closed: free when the current call returns */
	TF_RTO_EPISODE = 1u << 14, /* back-to-back RTOs: ssthresh held (RFC 5681 3.1) */
	TF_ACTIVE = 1u << 15,      /* we sent the first SYN */
	TF_IN_USE = 1u << 16,
	TF_ORPHAN = 1u << 17, /* no application any more: FIN_WAIT_2 times out, data dropped */
	TF_EIFEL =
	        1u << 18, /* an RTO retransmission is out: the next ACK tells if it was spurious */
	TF_PUSH = 1u << 19, /* relayed data queued: output at the engine's next flush */
	TF_LOSS = 1u << 20, /* with TF_RECOVERY: recovering from an RTO with the SACKs kept */
	/* RFC 3168: offered (SYN-SENT) or negotiated (synchronized states) on this leg */
	TF_ECN = 1u << 21,
	TF_ECN_ECE = 1u << 22,   /* receiver: CE seen, ECE on every ACK until the peer's CWR */
	TF_ECN_CWR = 1u << 23,   /* sender: reduced for an ECE, CWR on the next new data */
	TF_METRICS = 1u << 24,   /* the metrics cache had this host: mseed holds its values */
	TF_PACE_HELD = 1u << 25, /* pacing held a segment: its lateness is owed (pace_debt_ns) */
	TF_CWND_FULL = 1u << 26, /* a send found cwnd full; valid until cwnd_full_seq is acked */
};

/* IP ECN field (RFC 3168 5). */
#define TCP_IP_ECN_MASK 0x03
#define TCP_IP_ECN_ECT0 0x02
#define TCP_IP_ECN_CE   0x03

enum tcp_timer_kind { TCP_T_REXMT, TCP_T_DELACK, TCP_T_KEEP, TCP_T_PACE, TCP_T_MAX };

struct tcp_conn_timer {
	struct tcp_timer t;
	uint8_t kind;
};

/* Per-mbuf data held by the engine: sequence of the first payload byte, and the queue link. */
struct tcp_mbuf_meta {
	uint32_t seq;
	uint32_t len;
	struct rte_mbuf *next;
	bool fin; /* out-of-order queue: the peer's FIN follows this data */
};

struct tcp_conn {
	struct tcp_engine *eng;
	const struct tcp_profile *prof;
	void *user;
	enum tcp_state state;
	uint32_t flags;
	struct tcp_tuple tuple;

	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, max_snd_wnd, snd_wl1, snd_wl2;
	uint32_t fin_seq;       /* sequence number of our FIN, valid with TF_FIN_SENT */
	uint32_t cwnd_full_seq; /* snd_nxt when a send last found cwnd full (TF_CWND_FULL) */
	uint8_t snd_wscale, rcv_wscale;
	uint16_t smss;     /* what we send: min(peer MSS, rcv_mss), less the timestamps */
	uint16_t rcv_mss;  /* what we announced: the leg's MSS (tcp_leg_params) */
	uint16_t peer_mss; /* what the peer's SYN announced (536 without the option) */
	uint8_t syn_offer; /* TCP_OPTF_WSCALE|SACK_PERM|TS we offer/accept (profile, proxy_options)
	                    */
	uint32_t recover;  /* RFC 6582 recover */
	uint32_t eifel_ts; /* RFC 3522 RetransmitTS: TSval of the first RTO retransmission */
	uint32_t dupacks;
	uint32_t lt_extra; /* RFC 3042 limited transmit allowance */
	uint32_t copy_nxt; /* next octet to send a second copy of (tcp_output.c copy_output) */
	uint32_t rtt_seq;  /* timed segment (no timestamps) */
	uint64_t rtt_start_us;
	uint8_t syn_tries;
	uint8_t rto_tries;
	uint8_t persist_shift;
	uint8_t keep_probes;
	uint64_t persist_start_us; /* zero-window probing since (zero_window_timeout_s) */
	uint64_t peer_fin_us;      /* the peer's FIN put us in CLOSE-WAIT (close_wait_timeout_s) */
	uint64_t defer_until_us;   /* relay client leg: give up without data by then (0: none) */
	uint32_t ecn_recover;      /* RFC 3168 6.1.2: snd_max at the last ECE response */

	/* receive sequence space */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge advertised */
	uint32_t rcv_unconsumed;        /* delivered to the application, not yet consumed */
	uint32_t ooo_bytes;
	uint32_t ooo_segs;
	uint32_t ooo_max;      /* bound on ooo_segs */
	uint16_t segs_unacked; /* for ack_every_segments */
	uint32_t ts_recent;
	uint64_t ts_recent_us;
	uint32_t last_ack_sent;
	uint32_t pace_debt_ns; /* pacing (tcp_output.c): what late releases still owe, ns */
	uint64_t last_rx_us;
	uint64_t last_tx_us;
	uint64_t last_data_tx_us; /* 0 until data was sent; for RFC 5681 4.1 idle restart */
	/* Pacing (tcp_output.c): octets per second on the wire, 0 = as the window allows; the
	 * earliest departure of the next data segment, in ns (an EDT clock, as Linux's). */
	uint64_t pace_rate;
	uint64_t pace_next_ns;

	/* send queue: mbufs linked by meta.next, [sq_seq, sq_seq + sq_bytes) */
	struct rte_mbuf *sq_head, *sq_tail;
	uint32_t sq_seq;
	uint32_t sq_bytes;
	struct rte_mbuf *sq_cursor; /* last mbuf found by sequence: sends walk from here */
	/* out-of-order queue, sorted, linked by meta.next */
	struct rte_mbuf *ooo_head;

	struct tcp_conn_timer timers[TCP_T_MAX];
	struct tcp_rto rto;
	struct tcp_cc cc;
	struct tcp_sack_sb sb;
	struct tcp_sack_rcv sr;

	struct tcp_metrics_val mseed; /* with TF_METRICS: what the cache knew of the host */

	struct tcp_relay *relay; /* when this connection is a relay leg */
	uint8_t relay_side;
	uint16_t mtu;          /* the leg's path MTU (tcp_leg_params): no segment is larger */
	uint32_t rtt_floor_us; /* tcp_leg_params: the path's smallest round trip, 0 = unknown */
	uint64_t rate_bps;     /* tcp_leg_params / tcp_conn_set_rate, 0 = the profile's */

	/* telemetry */
	uint64_t bytes_acked, bytes_received, segs_in, segs_out, retransmits;
	uint32_t free_next; /* pool free list */
};

struct tcp_relay_dir {
	struct rte_mbuf *pend_head, *pend_tail; /* from the source leg, not yet sent on */
	uint32_t pend_bytes;
	uint32_t buffered; /* octets from the source leg not yet acked downstream */
	uint32_t max_buffered;
	uint64_t acked_seen; /* the sink leg's bytes_acked when last looked at */
	bool fin_pending;    /* the source's peer finished: shut the sink down when drained */
	bool window_closed;
};

struct tcp_relay {
	struct tcp_conn *leg[2];
	struct tcp_relay_dir dir[2]; /* dir[i]: from leg[i] to leg[1 - i] */
	bool deferred;
	bool await_data; /* deferred_accept: the server leg's SYN waits for the client's data */
	bool in_use;
	uint32_t free_next;
};

struct tcp_engine {
	struct tcp_engine_params p;
	struct tcp_relay *relays;
	uint32_t relay_free;
	struct tcp_wheel wheel;
	struct tcp_sack_pool holes; /* SACK scoreboard holes of every connection */
	struct tcp_metrics metrics; /* congestion metrics cache */
	struct tcp_conn *conns;
	uint32_t *push_list; /* connections with TF_PUSH, by index, flushed by tcp_engine_advance */
	uint32_t push_n;
	uint32_t free_head;
	uint32_t in_use;
	int meta_off;    /* mbuf dynfield offset of struct tcp_mbuf_meta */
	uint64_t now_us; /* time of the entry point being served (for relay callbacks) */
	uint16_t ip_id;
	uint64_t chack_window_us;
	uint32_t chack_count, chack_limit;
	uint64_t cnt[TCP_CNT_MAX];
	uint8_t secret[16];
};

static inline struct tcp_mbuf_meta *tcp_meta(const struct tcp_engine *e, struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, e->meta_off, struct tcp_mbuf_meta *);
}

/* lib/tcp's log type, pepgw.tcp (--log-level=pepgw.tcp:debug). */
extern int tcp_logtype;
#define TCP_LOG(level, fmt, ...)                                                                   \
	rte_log(RTE_LOG_##level, tcp_logtype, "tcp: " fmt "\n", ##__VA_ARGS__)
/* "a.b.c.d:p>a.b.c.d:p" of a connection, ours first, for log lines. */
#define TCP_CONN_FMT "%u.%u.%u.%u:%u>%u.%u.%u.%u:%u"
#define TCP_CONN_ARGS(c)                                                                           \
	TCP_IP4_ARGS(rte_be_to_cpu_32((c)->tuple.laddr)), rte_be_to_cpu_16((c)->tuple.lport),      \
	        TCP_IP4_ARGS(rte_be_to_cpu_32((c)->tuple.raddr)),                                  \
	        rte_be_to_cpu_16((c)->tuple.rport)
#define TCP_IP4_ARGS(ip) (ip) >> 24, ((ip) >> 16) & 0xff, ((ip) >> 8) & 0xff, (ip)&0xff

static inline void tcp_count(struct tcp_conn *c, enum tcp_engine_counter n)
{
	c->eng->cnt[n]++;
}

static inline void tcp_count_n(struct tcp_conn *c, enum tcp_engine_counter n, uint64_t v)
{
	c->eng->cnt[n] += v;
}

/* Parsed view of a received segment. */
struct tcp_seg {
	uint32_t saddr, daddr; /* network order */
	uint16_t sport, dport; /* network order */
	uint32_t seq, ack;
	uint32_t len; /* payload length */
	uint16_t wnd; /* raw field */
	uint8_t flags;
	uint8_t ecn;      /* IP ECN field (TCP_IP_ECN_*) */
	uint16_t hdr_len; /* IP + TCP headers: payload starts here */
	struct tcp_opts opts;
};

/* tcp_input.c */
int tcp_parse_segment(struct rte_mbuf *m, struct tcp_seg *s);

/* tcp_conn.c */
void tcp_metrics_start(struct tcp_conn *c);
int tcp_conn_enqueue(struct tcp_conn *c, struct rte_mbuf *m);
void tcp_conn_push_later(struct tcp_conn *c, uint64_t now_us);

/* tcp_output.c */
void tcp_output(struct tcp_conn *c, uint64_t now_us);
void tcp_send_ack(struct tcp_conn *c, uint64_t now_us);
void tcp_send_syn(struct tcp_conn *c, bool ack, uint64_t now_us);
void tcp_send_rst(struct tcp_conn *c, uint32_t seq, uint32_t ack, bool with_ack, uint64_t now_us);
void tcp_send_challenge_ack(struct tcp_conn *c, uint64_t now_us);
void tcp_send_keepalive(struct tcp_conn *c, uint64_t now_us);
void tcp_send_probe(struct tcp_conn *c, uint64_t now_us);
int tcp_send_segment(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags,
                     uint64_t now_us);
uint32_t tcp_rcv_window(const struct tcp_conn *c);
void tcp_arm_rexmt(struct tcp_conn *c, uint64_t now_us);

/* tcp_input.c */
/*
 * A passive connection in SYN-RCVD from a client's SYN, its SYN-ACK held (TF_SYNACK_DEFER):
 * syn stays the caller's. NULL + rte_errno as tcp_conn_listen.
 */
struct tcp_conn *tcp_conn_take_syn(struct tcp_engine *e, const struct tcp_leg_params *leg,
                                   struct rte_mbuf *syn, uint64_t now_us);

/* tcp_relay.c */
void tcp_relay_recv(struct tcp_conn *c, struct rte_mbuf *m);
void tcp_relay_event(struct tcp_conn *c, enum tcp_conn_event ev);

/* tcp_conn.c */
void tcp_conn_start_active(struct tcp_conn *c, uint64_t now_us); /* send the first SYN */
/* Send the SYN-ACK held by TF_SYNACK_DEFER, and arm its retransmission. */
void tcp_conn_answer_syn(struct tcp_conn *c, uint64_t now_us);
/*
 * A connection of leg's profile p and path: NULL and rte_errno EINVAL when it cannot start one
 * (no profile, its congestion control unknown or needing a rate p lacks, the leg's mtu below
 * TCP_LEG_MTU_MIN), ENOMEM when tcp_engine_room(e, p, 1) is false.
 */
struct tcp_conn *tcp_conn_alloc(struct tcp_engine *e, const struct tcp_leg_params *leg,
                                const struct tcp_tuple *t, uint64_t now_us);
/* p's congestion control, or NULL when p cannot start a connection (see tcp_conn_alloc). */
const struct tcp_cc_ops *tcp_profile_cc(const struct tcp_profile *p);
/*
 * Whether n more connections of profile p fit now: the engine's pool, and p's
 * max_connections, which bounds every connection of the engine when one of p opens.
 */
static inline bool tcp_engine_room(const struct tcp_engine *e, const struct tcp_profile *p,
                                   uint32_t n)
{
	return e->in_use + n <= e->p.max_conns &&
	       (p->max_connections == 0 || e->in_use + n <= p->max_connections);
}
void tcp_set_state(struct tcp_conn *c, enum tcp_state s, uint64_t now_us);
/* The zero-window probe interval now: the RTO doubled persist_shift times, within bounds. */
uint64_t tcp_persist_interval_us(const struct tcp_conn *c);
void tcp_conn_close(struct tcp_conn *c, enum tcp_conn_event why);
void tcp_timer_set(struct tcp_conn *c, enum tcp_timer_kind k, uint64_t expire_us);
void tcp_timer_stop(struct tcp_conn *c, enum tcp_timer_kind k);
void tcp_sq_drop_acked(struct tcp_conn *c, uint32_t ack);
void tcp_arm_keep(struct tcp_conn *c, uint64_t now_us);
void tcp_event(struct tcp_conn *c, enum tcp_conn_event ev);
void tcp_finish(struct tcp_conn *c);
uint32_t tcp_ts_now(uint64_t now_us);

#endif
