/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_STAT_DESC_H
#define PEPGW_STAT_DESC_H

/*
 * The one shape of every counter list in pepgw (the gateway's STATS_COUNTERS, the TCP
 * engine's TCP_ENGINE_COUNTERS, wanem's WANEM_COUNTERS, the per-rule FLOW_RULE_COUNTERS):
 *
 *   #define FOO_COUNTERS(X) \
 *           X(name, kind, "one line of help") \
 *           ...
 *
 * Each list generates its enum (FOO_name), and with STAT_DESC its table of descriptors, from
 * which telemetry takes the keys, the kinds and the help, so that a reader never has to guess
 * what a counter counts. Two rules keep the lists honest (stat_desc_check):
 *   - a counter has one cause: its help names it;
 *   - a drop counts discarded packets only, each discarded packet under exactly one drop
 *     counter, and its key starts with "drop_"; nothing else starts with "drop_".
 */

#include <stdint.h>

/* What a counter counts. The enumerator suffix is the token written in the lists. */
enum stat_kind {
	STAT_KIND_event,    /* something happened: packets seen or sent, a state change */
	STAT_KIND_drop,     /* packets discarded, for one reason */
	STAT_KIND_fallback, /* packets or flows given a lesser treatment than their rule asked */
	STAT_KIND_MAX
};

/* rte_telemetry strings are shorter than RTE_TEL_MAX_STRING_LEN (128): so is every help. */
#define STAT_HELP_MAX 128

struct stat_desc {
	const char *name; /* stable snake_case telemetry key */
	const char *help; /* one line: what is counted, and its one cause */
	enum stat_kind kind;
};

/* One descriptor from one X(name, kind, help) entry of a counter list. */
#define STAT_DESC(name, kind, help) {#name, help, STAT_KIND_##kind},

/* "event", "drop", "fallback", or NULL for a kind out of range. */
const char *stat_kind_name(enum stat_kind k);

/*
 * Check a counter list against the rules above: every name non-empty, unique and snake_case
 * ([a-z0-9_]), every help non-empty and shorter than STAT_HELP_MAX, every kind valid, and a
 * name starting with "drop_" exactly when the kind is drop. Returns 0, or -EINVAL with *bad
 * (may be NULL) set to the index of the first offending entry.
 */
int stat_desc_check(const struct stat_desc *d, unsigned int n, unsigned int *bad);

#endif
