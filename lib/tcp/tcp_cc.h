/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_CC_H
#define PEPGW_TCP_CC_H

/*
 * Congestion control as a small ops table picked by name (FreeBSD cc(4) / Linux
 * tcp_congestion_ops shape). The connection owns loss detection and the recovery episode
 * (RFC 6582 recover point, RFC 6675 pipe) and tells the module what happened through the
 * tcp_cc_on_*() entry points below; the module, with the shared Reno helpers, is the only
 * writer of cwnd and ssthresh (STYLE.md 13). The connection reads them with tcp_cc_cwnd() and
 * tcp_cc_ssthresh() and never touches struct tcp_cc's fields (the lint test
 * tcp_cc_sole_writer greps for it).
 *
 * A module is one file (cc_NAME.c defining `const struct tcp_cc_ops tcp_cc_NAME`) plus one line
 * in tcp_cc_list.h. Its state lives in the fixed priv area, checked at build time with
 * TCP_CC_PRIV_CHECK(type), so that no module ever allocates per flow.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_CC_PRIV_SIZE 64
#define TCP_CC_NAME_MAX  16

/* Congestion events (tcp_cc_on_congestion). */
enum tcp_cc_event {
	TCP_CC_EV_FAST_RETRANSMIT, /* entering fast recovery (RFC 5681 3.2, RFC 6675 5) */
	TCP_CC_EV_RTO,             /* the first timeout of an episode of back-to-back ones */
	TCP_CC_EV_RTO_REPEAT,      /* a further one: RFC 5681 3.1 holds ssthresh */
	TCP_CC_EV_ECN,             /* ECN-Echo, at most once per RTT (RFC 3168 6.1.2) */
};

struct tcp_cc_ops;

/* RFC 9406 HyStart++ phases (struct tcp_cc_hystart.phase). */
enum tcp_cc_hystart_phase {
	TCP_CC_HS_OFF = 0, /* after the first congestion event or the end of CSS */
	TCP_CC_HS_SS,      /* standard slow start, watching each round's minimum RTT */
	TCP_CC_HS_CSS,     /* Conservative Slow Start: a quarter of slow start's growth */
};

/*
 * RFC 9406 HyStart++, run by the framework for every module that slow-starts through the
 * shared Reno helpers: rounds from the ACKs (tcp_cc_on_ack), the minimum RTT of each round from
 * tcp_cc_on_rtt_sample, the growth divisor in tcp_cc_reno_slow_start. Only for the first slow
 * start of a connection (RFC 9406 4.2): the first congestion event turns it off.
 */
struct tcp_cc_hystart {
	uint32_t window_end;       /* the round ends once this is acknowledged */
	uint32_t last_round_min;   /* us; UINT32_MAX: none yet */
	uint32_t cur_round_min;    /* us; UINT32_MAX: none yet */
	uint32_t css_baseline_min; /* us: the round minimum that started CSS */
	uint16_t samples;          /* RTT samples in this round */
	uint8_t css_rounds;        /* rounds begun in CSS */
	uint8_t phase;             /* enum tcp_cc_hystart_phase */
	bool in_round;             /* window_end is set */
};

struct tcp_cc {
	const struct tcp_cc_ops *ops;
	uint32_t cwnd;           /* bytes */
	uint32_t ssthresh;       /* bytes */
	uint32_t smss;           /* sender MSS in bytes */
	uint32_t iw;             /* initial window in bytes */
	uint32_t bytes_acked;    /* RFC 3465 2.1 byte counter in congestion avoidance */
	uint32_t prior_ssthresh; /* RFC 4015 pipe_prev: what tcp_cc_undo gives back */
	bool after_rto;          /* RFC 3465 2.3: L = 1*SMSS in the slow start after an RTO */
	bool per_ack;            /* RFC 3465 off (profile abc false): growth counted per ACK */
	bool window_pacing;      /* pace at gain x cwnd / SRTT (tcp_cc_pacing_rate) */
	struct tcp_cc_hystart hs;
	/* module state; bytes (not words) so that a module's struct may live here */
	unsigned char priv[TCP_CC_PRIV_SIZE] __attribute__((aligned(8)));
};

#define TCP_CC_PRIV(cc, type) ((type *)(void *)(cc)->priv)
#define TCP_CC_PRIV_CHECK(type)                                                                    \
	_Static_assert(sizeof(type) <= TCP_CC_PRIV_SIZE,                                           \
	               #type " does not fit in the per-connection congestion control area")

/* tcp_cc_ack.flags */
/* cwnd was what limited the sender (FreeBSD's CCF_CWND_LIMITED): only then may a module grow it,
 * or a leg fed slower than its path grows cwnd without bound (RFC 7661's point). */
#define TCP_CC_ACKF_CWND_LIMITED (1u << 0)
/* The recovery counts pipe (RFC 6675): no window inflation (tcp_cc_on_recovery_ack, and
 * tcp_cc_cong.sack at the start of fast recovery). */
#define TCP_CC_ACKF_SACK         (1u << 1)

/* What one ACK carries for the module. */
struct tcp_cc_ack {
	uint32_t acked;       /* octets newly cumulatively acknowledged; 0 for a duplicate */
	uint32_t flight_size; /* octets outstanding before this ACK */
	uint32_t snd_una;     /* after this ACK; with snd_nxt lets modules count rounds */
	uint32_t snd_nxt;     /* highest sequence number sent + 1 */
	uint32_t flags;       /* TCP_CC_ACKF_* */
	uint64_t now_us;
};

/* A congestion event. */
struct tcp_cc_cong {
	enum tcp_cc_event ev;
	uint32_t flight_size; /* octets outstanding when it happened */
	bool sack;            /* fast recovery will count pipe: no RFC 6582 inflation */
	uint64_t now_us;
};

/* The last congestion response was needless (RFC 3522 Eifel detection of a spurious RTO). */
struct tcp_cc_undo {
	uint32_t in_flight; /* octets outstanding after the ACK that proved it */
	uint32_t acked;     /* octets that ACK acknowledged */
	uint64_t now_us;
};

/* How a connection starts; a congestion metrics cache or F5's bandwidth_delay fill the
 * optional fields from what earlier connections to the same destination learned. */
struct tcp_cc_params {
	uint32_t smss;
	uint32_t iw_segments; /* 0: RFC 5681 3.1's rule; else RFC 6928 IW in segments */
	uint32_t ssthresh;    /* RFC 5681 3.1: "arbitrarily high", or a cached value */
	uint32_t cwnd;        /* 0: the initial window; else bytes to start from (>= 1 SMSS) */
	bool pacing;          /* pace window-based modules at gain x cwnd / SRTT */
	uint64_t rate_bps;    /* a rate-based module's rate, bits/s on the wire; 0: none */
	/* The profile's abc false: RFC 5681 without RFC 3465, slow start one SMSS per ACK at
	 * most, congestion avoidance SMSS x SMSS / cwnd per ACK (zero keeps ABC on). */
	bool per_ack;
	/* A floor on the rate, bits/s on the wire, for modules that read it (vegas); 0: none. */
	uint64_t min_rate_bps;
	/* The path's round trip is at least this (tcp_leg_params), for modules that read it
	 * (rate); 0: none. */
	uint32_t rtt_floor_us;
};

/*
 * Ops. on_ack and on_congestion are required; the rest are optional, with the shared Reno
 * behaviour (or nothing) when NULL, so that a module states only where it differs.
 */
struct tcp_cc_ops {
	const char *name; /* as in tcp_cc_list.h */
	size_t priv_size;
	bool needs_rate; /* sends at tcp_cc_params.rate_bps, which must then be set */
	/* Reserved capacity: while the peer's window holds new data back, the idle part of the
	 * rate carries a second copy of each unacknowledged segment (tcp_output.c copy_output). */
	bool window_copies;
	/* After the shared fields are set from params (optional). */
	void (*init)(struct tcp_cc *cc, const struct tcp_cc_params *p, uint64_t now_us);
	/* New data acknowledged outside fast recovery, including the slow start after an RTO:
	 * grow the window when ack->flags has TCP_CC_ACKF_CWND_LIMITED. */
	void (*on_ack)(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
	/* A duplicate (acked 0) or partial ACK in fast recovery. Default: RFC 6582 3.2 steps 3
	 * and 5 inflation and deflation, unless TCP_CC_ACKF_SACK. */
	void (*on_recovery_ack)(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
	/* The handshake completed; rtt_us is the SYN's round trip (0 when it was retransmitted),
	 * small packets that queue less than data: not an on_rtt_sample. Optional. */
	void (*on_established)(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us);
	/* Every RTT sample Karn's rule admits (timestamps give one per ACK); before the ACK's
	 * on_ack. Optional. */
	void (*on_rtt_sample)(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us);
	void (*on_congestion)(struct tcp_cc *cc, const struct tcp_cc_cong *e);
	/* The recovery point was acknowledged. Default: RFC 6582 3.2 step 3 option (1). */
	void (*on_recovery_exit)(struct tcp_cc *cc, uint32_t flight_size, uint64_t now_us);
	/* Default: RFC 4015 5 (ssthresh back, cwnd = in flight + min(acked, IW)). */
	void (*undo)(struct tcp_cc *cc, const struct tcp_cc_undo *u);
	/* Sending resumes after more than one RTO of silence. Default: RFC 5681 4.1. */
	void (*on_idle_restart)(struct tcp_cc *cc, uint64_t now_us);
	/* Octets per second to pace at (IP packets plus their per-packet overhead), 0 for none.
	 * Default: gain x max(cwnd, flight) / SRTT when the profile paces (Linux's rule). */
	uint64_t (*pacing_rate)(const struct tcp_cc *cc, uint32_t srtt_us, uint32_t flight_size);
	/* A rate-based module's rate changes to rate_bps (> 0, bits/s on the wire) while the
	 * connection runs (tcp_conn_set_rate). NULL: the module has no rate to change. */
	void (*set_rate)(struct tcp_cc *cc, uint64_t rate_bps);
};

/* ---- the list of modules (tcp_cc_list.h) ---- */

/* Module by name (tcp_cc_list.h), or NULL. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);

/* Number of modules, and the i-th one's name (NULL when i is out of range), in list order. */
unsigned int tcp_cc_count(void);
const char *tcp_cc_name(unsigned int i);

/* Position of ops in the list (the order of tcp_cc_name), or tcp_cc_count() for a module not
 * in it. */
unsigned int tcp_cc_index(const struct tcp_cc_ops *ops);

/* ---- what the connection calls ---- */

/*
 * Set up cc for a new connection: cwnd = p->cwnd or the initial window (iw_segments * smss
 * when iw_segments is non-zero, else RFC 5681 3.1's rule), ssthresh = p->ssthresh, then the
 * module's init. Returns 0, or -EINVAL for a NULL argument, a module too big for the area or
 * without on_ack/on_congestion, smss 0, or no rate_bps for a module that needs_rate.
 */
int tcp_cc_init(struct tcp_cc *cc, const struct tcp_cc_ops *ops, const struct tcp_cc_params *p,
                uint64_t now_us);

static inline uint32_t tcp_cc_cwnd(const struct tcp_cc *cc)
{
	return cc->cwnd;
}

static inline uint32_t tcp_cc_ssthresh(const struct tcp_cc *cc)
{
	return cc->ssthresh;
}

static inline bool tcp_cc_window_copies(const struct tcp_cc *cc)
{
	return cc->ops->window_copies;
}

static inline const char *tcp_cc_module_name(const struct tcp_cc *cc)
{
	return cc->ops->name;
}

/*
 * Was cwnd what limited a sender with flight_size octets out (Linux's tcp_is_cwnd_limited
 * rule): in slow start when at least half of it was in flight, in congestion avoidance when
 * it was full but for 3 segments. For TCP_CC_ACKF_CWND_LIMITED.
 */
bool tcp_cc_is_cwnd_limited(const struct tcp_cc *cc, uint32_t flight_size);

/* The entry points: each calls the module's op (or its default, see struct tcp_cc_ops). */
void tcp_cc_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
void tcp_cc_on_recovery_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
void tcp_cc_on_established(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us);
void tcp_cc_on_rtt_sample(struct tcp_cc *cc, uint32_t rtt_us, uint64_t now_us);
void tcp_cc_on_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e);
void tcp_cc_on_recovery_exit(struct tcp_cc *cc, uint32_t flight_size, uint64_t now_us);
void tcp_cc_undo(struct tcp_cc *cc, const struct tcp_cc_undo *u);
void tcp_cc_on_idle_restart(struct tcp_cc *cc, uint64_t now_us);
/*
 * Octets per second to pace at, 0 for "send as the window allows": the module's op, else with
 * params.pacing Linux's rule, gain x max(cwnd, flight_size) / srtt with a gain of 2 while cwnd
 * is below half of ssthresh (slow start) and 1.2 above (tcp_update_pacing_rate); 0 before the
 * first RTT sample (srtt_us 0). The connection caps it with the profile's max_rate and keeps
 * cwnd as the limit of what is in flight: pacing only spreads what cwnd allows.
 */
uint64_t tcp_cc_pacing_rate(const struct tcp_cc *cc, uint32_t srtt_us, uint32_t flight_size);

/* A rate-based module sends at rate_bps (> 0) from now on (its set_rate op). 0, or -ENOTSUP
 * when the module has no rate to change. */
int tcp_cc_set_rate(struct tcp_cc *cc, uint64_t rate_bps);

/* The default of the pacing_rate op (Linux's rule above), for modules that extend it. */
uint64_t tcp_cc_window_pacing_rate(const struct tcp_cc *cc, uint32_t srtt_us, uint32_t flight_size);

/* The MSS changed (after the handshake): rescale the windows kept in segments. */
void tcp_cc_set_smss(struct tcp_cc *cc, uint32_t smss);

/* The SYN or SYN-ACK had to be retransmitted: RFC 5681 3.1 (and RFC 6298 5.7) start every
 * module from a window of one segment. */
void tcp_cc_on_syn_loss(struct tcp_cc *cc);

/* ---- shared Reno helpers, for modules that behave as Reno somewhere ---- */

/* RFC 5681 3.1 eqn (1) without a profile, RFC 6928 IW10 with iw_segments = 10. */
uint32_t tcp_cc_initial_window(uint32_t smss, uint32_t iw_segments);

/* RFC 5681 3.1 eqn (4): ssthresh = max(FlightSize / 2, 2 * SMSS). */
uint32_t tcp_cc_reno_ssthresh(uint32_t flight_size, uint32_t smss);

/*
 * RFC 5681 3.1 slow start with RFC 3465 ABC (L = 2*SMSS, 1*SMSS after an RTO), up to ssthresh;
 * without ABC (params.per_ack) RFC 5681's min(acked, SMSS) per ACK; in HyStart++'s
 * Conservative Slow Start a quarter of that (RFC 9406 4.3). Returns the acked octets left over
 * once cwnd reached ssthresh (for congestion avoidance).
 */
uint32_t tcp_cc_reno_slow_start(struct tcp_cc *cc, uint32_t acked);

/* RFC 5681 3.1 / RFC 3465 2.1: one SMSS per cwnd octets acknowledged; without ABC
 * (per_ack) at most one SMSS counted per ACK, i.e. RFC 5681 eqn (3), SMSS*SMSS/cwnd per ACK. */
void tcp_cc_reno_cong_avoid(struct tcp_cc *cc, uint32_t acked);

/* Reno's on_ack: when cwnd-limited, slow start then congestion avoidance. */
void tcp_cc_reno_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack);

/*
 * Set the windows for a congestion event, with ssthresh already chosen by the module (ignored
 * for TCP_CC_EV_RTO_REPEAT): RFC 5681 3.1 loss window of one segment after a timeout (RFC
 * 3465 2.3 L = 1*SMSS next), cwnd = ssthresh on fast retransmit (+ 3*SMSS, RFC 6582 3.2
 * step 2, unless e->sack) and on ECN (RFC 3168 6.1.2). Remembers RFC 4015's pipe_prev.
 */
void tcp_cc_reno_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e, uint32_t ssthresh);

/* The defaults of the optional ops, for modules that extend them. */
void tcp_cc_reno_recovery_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
void tcp_cc_reno_recovery_exit(struct tcp_cc *cc, uint32_t flight_size);
void tcp_cc_reno_undo(struct tcp_cc *cc, const struct tcp_cc_undo *u);
void tcp_cc_reno_idle_restart(struct tcp_cc *cc);

#endif
