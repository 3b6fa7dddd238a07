/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_CC_H
#define PEPGW_TCP_CC_H

/*
 * Congestion control as a small ops table picked by name (FreeBSD cc(4) / Linux
 * tcp_congestion_ops shape). The connection owns loss detection and the recovery episode
 * (RFC 6582 recover point, RFC 6675 pipe); a module only decides cwnd and ssthresh:
 *
 *  - on_ack: new data cumulatively acknowledged outside recovery (slow start / avoidance);
 *  - on_congestion: entering recovery (fast retransmit), an RTO (called once per episode of
 *    back-to-back timeouts: RFC 5681 3.1 holds ssthresh on repeats), or an ECN echo;
 *  - on_recovery_exit: the recovery point was acknowledged (RFC 6582 3.2 step 3);
 *  - on_idle_restart: sending resumes after more than one RTO of silence (RFC 5681 4.1);
 *  - pacing_rate (optional): bytes per second, 0 for "no pacing".
 *
 * Module state lives in the fixed priv area of struct tcp_cc, checked at build time with
 * TCP_CC_PRIV_CHECK(type) so that no module ever allocates per flow.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_CC_PRIV_SIZE 64
#define TCP_CC_NAME_MAX  16

enum tcp_cc_event {
	TCP_CC_EV_FAST_RETRANSMIT,
	TCP_CC_EV_RTO,
	TCP_CC_EV_ECN,
};

struct tcp_cc_ops;

struct tcp_cc {
	const struct tcp_cc_ops *ops;
	uint32_t cwnd;        /* bytes */
	uint32_t ssthresh;    /* bytes */
	uint32_t smss;        /* sender MSS in bytes */
	uint32_t iw;          /* initial window in bytes */
	uint32_t bytes_acked; /* RFC 3465 2.1 byte counter in congestion avoidance */
	bool after_rto;       /* RFC 3465 2.3: L = 1*SMSS in the slow start that follows an RTO */
	/* module state; bytes (not words) so that a module's struct may live here */
	unsigned char priv[TCP_CC_PRIV_SIZE] __attribute__((aligned(8)));
};

#define TCP_CC_PRIV(cc, type) ((type *)(void *)(cc)->priv)
#define TCP_CC_PRIV_CHECK(type)                                                                    \
	_Static_assert(sizeof(type) <= TCP_CC_PRIV_SIZE,                                           \
	               #type " does not fit in the per-connection congestion control area")

/* What one ACK carries for the module. */
struct tcp_cc_ack {
	uint32_t acked;       /* octets newly cumulatively acknowledged */
	uint32_t rtt_us;      /* RTT sample from this ACK, 0 when there is none */
	uint32_t flight_size; /* octets outstanding before this ACK */
	uint32_t snd_una;     /* after this ACK; with snd_nxt lets modules count rounds */
	uint32_t snd_nxt;
	uint64_t now_us;
};

struct tcp_cc_ops {
	const char *name;
	size_t priv_size;
	void (*init)(struct tcp_cc *cc, uint64_t now_us);
	void (*on_ack)(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
	void (*on_congestion)(struct tcp_cc *cc, enum tcp_cc_event ev, uint32_t flight_size,
	                      uint64_t now_us);
	void (*on_recovery_exit)(struct tcp_cc *cc, uint32_t flight_size, uint64_t now_us);
	void (*on_idle_restart)(struct tcp_cc *cc, uint64_t now_us);
	uint64_t (*pacing_rate)(const struct tcp_cc *cc, uint32_t srtt_us); /* optional */
};

/* Module by name ("reno", "newreno"), or NULL. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);

/*
 * Set up cc for a new connection: cwnd = initial window (iw_segments * smss when iw_segments
 * is non-zero, else RFC 5681 3.1's rule), ssthresh = ssthresh_init ("arbitrarily high").
 * Returns 0, or -EINVAL for a NULL module, a module too big for the area, or smss 0.
 */
int tcp_cc_init(struct tcp_cc *cc, const struct tcp_cc_ops *ops, uint32_t smss,
                uint32_t iw_segments, uint32_t ssthresh_init, uint64_t now_us);

/* The MSS changed (after the handshake): rescale the windows kept in segments. */
void tcp_cc_set_smss(struct tcp_cc *cc, uint32_t smss);

/* ---- shared Reno helpers, for modules that behave as Reno somewhere ---- */

/* RFC 5681 3.1 eqn (1) without a profile, RFC 6928 IW10 with iw_segments = 10. */
uint32_t tcp_cc_initial_window(uint32_t smss, uint32_t iw_segments);

/* RFC 5681 3.1 eqn (4): ssthresh = max(FlightSize / 2, 2 * SMSS). */
uint32_t tcp_cc_reno_ssthresh(uint32_t flight_size, uint32_t smss);

/*
 * RFC 5681 3.1 slow start with RFC 3465 ABC (L = 2*SMSS, 1*SMSS after an RTO), up to ssthresh.
 * Returns the acked octets left over once cwnd reached ssthresh (for congestion avoidance).
 */
uint32_t tcp_cc_reno_slow_start(struct tcp_cc *cc, uint32_t acked);

/* RFC 5681 3.1 / RFC 3465 2.1: one SMSS per cwnd octets acknowledged. */
void tcp_cc_reno_cong_avoid(struct tcp_cc *cc, uint32_t acked);

/* RFC 5681 4.1: after idle, cwnd = min(IW, cwnd). */
void tcp_cc_reno_idle_restart(struct tcp_cc *cc);

#endif
