/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_METRICS_H
#define PEPGW_TCP_METRICS_H

/*
 * The congestion metrics cache (F5's cmetrics-cache, Linux's tcp_metrics): what closed
 * connections learnt about a remote host (RTT, RTT variance, ssthresh and cwnd), per engine,
 * keyed by the remote address and the profile, so that the next connection to the same host
 * does not start from nothing (a satellite path spends many RTTs in slow start otherwise).
 *
 * A fixed table, set-associative: a key hashes to a set of TCP_METRICS_WAYS entries, and a
 * full set gives up its least recently used one, so the table never grows and every
 * operation costs at most one set. Entries older than the caller's lifetime are not used.
 * No DPDK and no clock: the engine owns the storage and passes the time in.
 */

#include <stdbool.h>
#include <stdint.h>

#define TCP_METRICS_WAYS 4

struct tcp_metrics_key {
	uint64_t profile; /* which profile the leg used (an id the engine chooses) */
	uint32_t raddr;   /* remote address of the leg, network order */
};

/* What the cache gives a new connection. Windows in segments: the next connection's MSS may
 * differ. 0 means "not learnt" (ssthresh of a connection that never left slow start). */
struct tcp_metrics_val {
	uint32_t srtt_us, rttvar_us;
	uint32_t ssthresh_segs, cwnd_segs;
};

/* What a closing connection learnt. */
struct tcp_metrics_sample {
	uint32_t srtt_us, rttvar_us;
	uint32_t cwnd_segs;
	uint32_t ssthresh_segs; /* 0: never reduced (the connection stayed in its first slow start)
	                         */
	bool in_recovery;       /* closed inside a loss recovery: cwnd says little */
};

struct tcp_metrics_entry {
	struct tcp_metrics_key key;
	struct tcp_metrics_val val;
	uint64_t stored_us; /* last update; 0 = free */
	uint64_t used_us;   /* last update or hit, for LRU within the set */
};

struct tcp_metrics {
	struct tcp_metrics_entry *e;
	uint32_t set_mask; /* number of sets - 1 (a power of two) */
};

/* The storage for at most `entries` entries (rounded down to whole sets of a power-of-two
 * count, at least one set): how many struct tcp_metrics_entry to allocate. */
uint32_t tcp_metrics_slots(uint32_t entries);

/* Use `slots` (tcp_metrics_slots(entries) zeroed entries). 0 or -EINVAL (NULL, entries 0). */
int tcp_metrics_init(struct tcp_metrics *m, struct tcp_metrics_entry *slots, uint32_t entries);

/*
 * The values for key, if an entry younger than max_age_us exists (an older one is freed).
 * Returns true and fills out on a hit.
 */
bool tcp_metrics_lookup(struct tcp_metrics *m, const struct tcp_metrics_key *key, uint64_t now_us,
                        uint64_t max_age_us, struct tcp_metrics_val *out);

/*
 * Fold a closed connection's sample into key's entry (created, or taken from the set's least
 * recently used entry, when there is none younger than max_age_us). The rules are Linux's
 * tcp_update_metrics: an RTT above the cached one replaces it, a lower one moves it by 1/8
 * (RTTVAR by 1/4), since overestimating the RTO is the safe side; a connection still in its
 * first slow start only raises cwnd (and ssthresh to half of it); one in congestion avoidance
 * sets ssthresh to max(cwnd/2, its ssthresh) and averages cwnd; one that closed in recovery
 * averages cwnd with its ssthresh.
 */
void tcp_metrics_update(struct tcp_metrics *m, const struct tcp_metrics_key *key,
                        const struct tcp_metrics_sample *s, uint64_t now_us, uint64_t max_age_us);

/* Entries in use (telemetry, tests; walks the table). */
uint32_t tcp_metrics_count(const struct tcp_metrics *m);

#endif
