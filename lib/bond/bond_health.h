/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_HEALTH_H
#define PEPGW_BOND_HEALTH_H

/*
 * bond_health: the state of each link of one peer, per direction, from probes both ways.
 *
 * Both gateways send a probe on every link every probe interval (default 100 ms), whatever the
 * links' state, so a link that died can be seen coming back. A probe's body (encoded here,
 * carried encrypted by the wire layer as opaque bytes) reports, for EVERY link, what its sender
 * received from the other side: packets, bytes and packets lost (gaps in the per-link sequence
 * streams, one per sender queue), the one-way delay (minimum over a long window and over the last
 * intervals), jitter, loss, the last sender timestamp (echoed, for the round trip) and whether it
 * considers that direction up. Because each probe reports all links and travels on every link, a
 * direction that died is reported over the links that still work: a link that fails only one way is
 * found.
 *
 * The direction the peer sends on (rx, judged here):
 *   UP -> DOWN   when nothing (data or probe) arrived on the link for the silence limit:
 *                (k + 1/2) probe intervals + 2 x jitter, where k is the number of probes in a
 *                row whose loss has a chance below 10^-6 at the measured loss (at least 2),
 *                clamped to [down_after_min_us, down_after_max_us] (300..900 ms by default):
 *                a clean link is left after ~350 ms, a lossy one is not flapped.
 *   DOWN -> UP   after up_after_us (1 s) of arrivals with no gap longer than 2.5 probe
 *                intervals (the first time after creation: first_up_after_us, 200 ms). A link
 *                that goes down again within 10 s of coming up doubles its up_after (damping,
 *                at most up_after_max_us, 8 s); 10 s up resets it.
 *   Each change sends a probe on every link at once, so the peer learns it within one
 *   one-way delay rather than one probe interval.
 * The direction we send on (tx) is what the peer's latest report says of it; with no report
 * for down_after_min_us + 2 probe intervals every tx direction is down (nothing confirms
 * delivery any more).
 * A dead link thus stops carrying data ~0.35-0.45 s after it died (detection + one-way delay),
 * at most down_after_max_us + one-way delay.
 *
 * One-way delays are the receiver's clock minus the sender's stamp (microseconds modulo 2^24, as
 * the wire header carries them), so each carries the unknown clock offset; differences between
 * links are exact.
 * For telemetry the offset is estimated as NTP does, assuming the link of the smallest round
 * trip is symmetric.
 *
 * Rate: the peer's cumulative byte counts over its own arrival times give delivery-rate
 * samples per link (bytes as the caller counts them, the same unit on both sides: outer IP
 * length). A sample while the peer sees no standing queue can only raise the estimate (the
 * link carried all it was given and maybe more); a sample while a queue stands is the link's
 * capacity, and the estimate follows it down.
 *
 * One object per peer, owned by one lcore; pure: time is now_us, no allocation after create.
 * Every packet sent on a link is counted with bond_health_tx() and every authenticated packet
 * received goes through bond_health_rx() with the link sequence the wire layer gave it.
 */

#include <stddef.h>
#include <stdint.h>

#include "bond_link.h"

/* ---- probe body codec (network byte order) ---- */

#define BOND_PROBE_VERSION    1
#define BOND_PROBE_HDR_LEN    8
#define BOND_PROBE_REPORT_LEN 48
#define BOND_PROBE_MAX_LEN    (BOND_PROBE_HDR_LEN + BOND_LINKS_MAX * BOND_PROBE_REPORT_LEN)

/* Report flags */
#define BOND_PROBE_F_SEEN  0x01u /* something was received on this link: the counters are valid */
#define BOND_PROBE_F_RX_UP 0x02u /* the reporter considers this link's direction toward it up */
#define BOND_PROBE_F_ALL   (BOND_PROBE_F_SEEN | BOND_PROBE_F_RX_UP)

/* What the reporter received on one link. Delays are raw: reporter clock - sender stamp. */
struct bond_probe_report {
	uint8_t link;
	uint8_t flags;
	uint32_t rx_packets; /* cumulative, wraps */
	uint64_t rx_bytes;   /* cumulative */
	uint32_t rx_lost;    /* cumulative, wraps: gaps in the link's sequence streams */
	uint32_t rx_last_us; /* reporter clock at the last arrival */
	uint32_t owd_base;   /* minimum one-way delay over ~10 s */
	uint32_t owd_recent; /* minimum over the last one or two probe intervals */
	uint32_t jitter_us;
	uint32_t loss_ppm;
	uint32_t echo_ts;      /* stamp of the last packet received on this link */
	uint32_t echo_hold_us; /* time between that arrival and building this probe */
};

struct bond_probe {
	uint32_t built_us; /* reporter clock */
	uint8_t n_reports; /* 0..BOND_LINKS_MAX, distinct links */
	struct bond_probe_report r[BOND_LINKS_MAX];
};

/*
 * Encode a probe body into buf. Returns its length, or -EINVAL (more than BOND_LINKS_MAX
 * reports, a link id >= BOND_LINKS_MAX, a repeated link, unknown flag bits), -ENOSPC (cap
 * too small; BOND_PROBE_MAX_LEN always suffices).
 */
int bond_probe_encode(const struct bond_probe *p, void *buf, size_t cap);

/*
 * Decode a probe body of exactly len bytes. Returns 0, or -EBADMSG: wrong version, length not
 * header + n x report, n > BOND_LINKS_MAX, link id >= BOND_LINKS_MAX, repeated link, reserved
 * bits or bytes not zero.
 */
int bond_probe_decode(const void *buf, size_t len, struct bond_probe *p);

/* ---- link health ---- */

#define BOND_HEALTH_DEFAULT_PROBE_INTERVAL_US 100000u
#define BOND_HEALTH_DEFAULT_DOWN_AFTER_MIN_US 300000u
#define BOND_HEALTH_DEFAULT_DOWN_AFTER_MAX_US 900000u
#define BOND_HEALTH_DEFAULT_UP_AFTER_US       1000000u
#define BOND_HEALTH_DEFAULT_UP_AFTER_MAX_US   8000000u
#define BOND_HEALTH_DEFAULT_FIRST_UP_AFTER_US 200000u
/* The rate assumed before a link saturates or carries more (bond_sched's default too). */
#define BOND_HEALTH_DEFAULT_RATE_BPS          10000000ull

struct bond_health_link_params {
	uint64_t rate_tx_bps; /* configured rate we send at on this link, 0 = estimate it */
	uint64_t rate_rx_bps; /* configured rate the peer sends at (telemetry only) */
	uint8_t priority;     /* active_backup: lower first */
};

struct bond_health_params {
	uint8_t n_links; /* 1..BOND_LINKS_MAX */
	struct bond_health_link_params link[BOND_LINKS_MAX];
	uint32_t probe_interval_us; /* 10 ms .. 1 s; both peers use the same */
	uint32_t down_after_min_us; /* >= 2 probe intervals */
	uint32_t down_after_max_us; /* >= down_after_min_us, <= 10 s */
	uint32_t up_after_us;       /* >= 1 probe interval, <= up_after_max_us */
	uint32_t up_after_max_us;   /* <= 60 s */
	uint32_t first_up_after_us; /* <= up_after_us */
	uint64_t default_rate_bps;  /* rate before any estimate; 0 = 10 Mbit/s */
};

/* Telemetry of one link, both directions. Delays in microseconds. */
struct bond_link_info {
	enum bond_link_state tx_state; /* we send, the peer receives */
	enum bond_link_state rx_state; /* the peer sends, we receive */
	uint32_t rtt_us; /* smoothed round trip of probes echoed on this link, 0 = none */
	uint32_t rtt_min_us;
	/* One-way delays with the clock offset removed (assumes the fastest link is symmetric). */
	int32_t owd_tx_us;
	int32_t owd_rx_us;
	uint32_t owd_tx_rel_us; /* base delay above the fastest link's (exact) */
	uint32_t queue_tx_us;   /* standing queue the peer sees */
	uint32_t jitter_tx_us;
	uint32_t jitter_rx_us;
	uint32_t loss_tx_ppm;
	uint32_t loss_rx_ppm;
	uint64_t rate_tx_est_bps;  /* estimated delivery rate of our direction */
	uint64_t rate_rx_bps;      /* rate we receive at (last probe intervals) */
	uint32_t silence_limit_us; /* rx silence after which the link goes down */
	uint32_t up_after_us;      /* current recovery hold (with flap damping) */
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	uint64_t probes_tx, probes_rx;
	uint64_t rx_downs, rx_ups, tx_downs, tx_ups; /* state changes */
};

struct bond_health_stats {
	uint64_t probes_bad;    /* probe bodies refused by the decoder */
	uint64_t probes_stale;  /* bodies built before one already taken in (came by a slower
	                           link): their link states and measurements are not applied */
	uint64_t link_invalid;  /* packets for a link id out of range */
	uint64_t rx_seq_resync; /* a link sequence jumped back: the peer started a session */
};

struct bond_health;

/* Fill p with defaults for n_links links (rates 0: estimated; priorities 0). */
void bond_health_params_init(struct bond_health_params *p, uint8_t n_links);

/*
 * Check every field's range. Returns 0, or -EINVAL; when why is not NULL it is pointed at a
 * static string naming the field and its allowed range.
 */
int bond_health_params_check(const struct bond_health_params *p, const char **why);

/*
 * Create the health state of one peer's links at now_us; every direction starts down.
 * Returns NULL and sets rte_errno: EINVAL (see bond_health_params_check), ENOMEM.
 */
struct bond_health *bond_health_create(const char *name, const struct bond_health_params *p,
                                       uint64_t now_us);

/* Free it. NULL is a no-op. */
void bond_health_free(struct bond_health *h);

/*
 * Count one packet (data or probe) of `bytes` wire bytes sent on `link` (telemetry; the wire
 * layer numbers packets). A link id out of range counts link_invalid.
 */
void bond_health_tx(struct bond_health *h, uint8_t link, uint32_t bytes);

/*
 * Account one authenticated packet (data or probe) received on `link` from sender queue
 * `queue`, with the header's link sequence (the full 64-bit value the wire layer inferred)
 * and sender stamp (bond_stamp() of the sender's clock). Returns 0, or -EINVAL (link or queue
 * out of range, counted link_invalid).
 */
int bond_health_rx(struct bond_health *h, uint8_t link, uint8_t queue, uint64_t link_seq,
                   uint32_t sender_ts, uint32_t bytes, uint64_t now_us);

/*
 * Advance the timers to now_us: probe schedule, silence limits, recoveries, stale reports.
 * Returns the bit mask of links on which a probe should be sent now (build its body with
 * bond_health_probe_build()); 0 when none is due.
 */
uint32_t bond_health_poll(struct bond_health *h, uint64_t now_us);

/* When bond_health_poll() next has work; the caller's loop must not sleep past it. */
uint64_t bond_health_next_deadline_us(const struct bond_health *h);

/*
 * Build the probe body reporting every link, as of now_us (one body serves every link of the
 * mask). Returns its length, or -ENOSPC (cap < header + n_links reports).
 */
int bond_health_probe_build(struct bond_health *h, uint64_t now_us, void *buf, size_t cap);

/*
 * Take in a probe body received on `link` (after bond_health_rx() for the packet). Returns 0,
 * or -EBADMSG (malformed body, or a report for a link this peer does not have; counted
 * probes_bad, nothing changed), -EINVAL (link out of range).
 */
int bond_health_probe_input(struct bond_health *h, uint8_t link, const void *body, size_t len,
                            uint64_t now_us);

/* A number that changes whenever the links' views change: refresh the schedulers then. */
uint64_t bond_health_generation(const struct bond_health *h);

/* The schedulers' view of every link's sending direction: views[0..n_links-1]. */
void bond_health_views(const struct bond_health *h, struct bond_link_view *views);

/*
 * How long the receiver's reorder buffer should hold a hole, from the links we receive on (up):
 * the largest one-way delay of the last one or two probe intervals minus the smallest (the
 * longest a packet can trail one sent after it on another link), plus twice the largest
 * jitter plus 2 ms, clamped to [1 ms, cap_us]. *margin_us (not NULL) gets twice the largest
 * jitter: how much later than a missing packet a link must have sent something before the
 * buffer concludes the packet is not coming on that link. Call it whenever
 * bond_health_generation() changes, at least once per burst received.
 */
uint32_t bond_health_reorder_hold_us(const struct bond_health *h, uint32_t cap_us,
                                     uint32_t *margin_us);

/* Telemetry of one link. Returns 0 or -EINVAL (link out of range). */
int bond_health_link_info(const struct bond_health *h, uint8_t link, struct bond_link_info *info);

/* Number of links. */
unsigned int bond_health_n_links(const struct bond_health *h);

void bond_health_stats_get(const struct bond_health *h, struct bond_health_stats *st);

#endif
