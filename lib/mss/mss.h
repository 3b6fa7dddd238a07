/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_MSS_H
#define PEPGW_MSS_H

/*
 * TCP MSS clamping on SYN and SYN-ACK (RFC 9293 3.7.1, RFC 879, RFC 6691).
 *
 * A gateway whose egress (or tunnel) MTU is smaller than the end hosts' lowers the MSS option
 * of every SYN and SYN-ACK it forwards, in both directions, so that neither end sends segments
 * that need fragmenting or that stall on a DF-set path. The value is only ever lowered.
 *
 * Pure library: works on a TCP header in memory, no mbuf, no clock, no counters. The caller
 * counts the result with mss_result_stat().
 *
 * Malformed options (the one documented handling): a SYN or SYN-ACK whose option list is
 * malformed -- an option length of 0 or 1, an option running past the data offset, an MSS
 * option whose length is not 4 -- is DROPPED (MSS_MALFORMED, counted as
 * STAT_drop_tcp_options). Why drop rather than forward untouched:
 *  - forwarding would let the segment bypass the clamp: the receiver may still find an MSS in
 *    the part of the list we could not walk (stacks differ in how they recover), and the
 *    connection then stalls exactly as the clamp is meant to prevent;
 *  - RFC 1122 4.2.2.5 says a host MUST cope with an illegal option length (e.g. zero) and
 *    suggests resetting the connection; a SYN is cheap to drop (the sender retries) and no
 *    legitimate stack emits these lengths, so dropping costs nothing to real traffic;
 *  - the walk itself never loops: every step advances by at least one byte and stops at the
 *    data offset and at tcp_len, whichever comes first.
 * Non-SYN segments are never walked (their options are not ours to judge).
 *
 * Absent MSS option: the segment is left alone. RFC 9293 3.7.1 (and RFC 1122 4.2.2.6): a peer
 * that receives no MSS option assumes 536, which is below any MTU we clamp for (576 - 40), so
 * the clamp already holds; inserting an option would need room in the header and a length
 * change, which this library deliberately never does.
 */

#include <stdbool.h>
#include <stdint.h>

#include "stats.h"

/* TCP option kinds and lengths used by the walk (RFC 9293 3.1). */
#define MSS_TCPOPT_EOL     0
#define MSS_TCPOPT_NOP     1
#define MSS_TCPOPT_MSS     2
#define MSS_TCPOPT_MSS_LEN 4

#define MSS_TCP_HDR_MIN       20 /* data offset 5 */
#define MSS_IPV4_TCP_OVERHEAD 40 /* IPv4 header 20 + TCP header 20, no options (RFC 879) */

/*
 * Smallest MSS we ever write. A tiny MSS multiplies per-segment cost and was the lever of
 * CVE-2019-11479; the configuration accepts 64..65495 (cfg_rule.mss).
 */
#define MSS_MIN 64
#define MSS_MAX 65495

/* Flags of mss_clamp(). */
/*
 * The TCP checksum is computed by the NIC (RTE_MBUF_F_TX_TCP_CKSUM): mss_clamp() only
 * rewrites the option and does NOT touch the checksum field. The caller must then, as for any
 * TCP checksum offload, set ol_flags RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM, l2_len and
 * l3_len, and write the pseudo-header checksum (rte_ipv4_phdr_cksum(ip, ol_flags)) into the
 * TCP checksum field before TX.
 */
#define MSS_F_CSUM_OFFLOAD (1u << 0)
/*
 * Only validate: the option list is walked as for a clamp and nothing is written (the result
 * is MSS_UNCHANGED for a valid list with an MSS option). A caller checks a SYN this way before
 * it creates any state for it.
 */
#define MSS_F_CHECK_ONLY   (1u << 1)

enum mss_result {
	MSS_NOT_SYN = 0, /* SYN flag clear: segment not looked at */
	MSS_CLAMPED,     /* MSS was above max_mss and was lowered to it */
	MSS_UNCHANGED,   /* MSS already <= max_mss */
	MSS_ABSENT,      /* SYN without MSS option: left alone (peer assumes 536) */
	MSS_MALFORMED,   /* option list malformed: drop, STAT_drop_tcp_options */
	MSS_BAD_HEADER,  /* tcp_len < 20 or data offset < 5 or past tcp_len: drop,
	                  * STAT_drop_tcp_doff (the parser normally caught it first) */
};

/*
 * Clamp the MSS option of a SYN or SYN-ACK to max_mss.
 *
 * tcp_hdr points at the TCP header; tcp_len is the number of bytes readable from there (TCP
 * header + options + payload, at least the header). Nothing at or past tcp_hdr + tcp_len is
 * read. The header must be contiguous: with a segmented mbuf pass the bytes of the segment
 * holding it (a header split across segments, which no PMD produces, gives MSS_BAD_HEADER). max_mss
 * below MSS_MIN is taken as MSS_MIN. flags: 0 or MSS_F_CSUM_OFFLOAD. Without MSS_F_CSUM_OFFLOAD the
 * TCP checksum is fixed incrementally (RFC 1624), so a correct checksum stays correct and the
 * segment needs nothing else.
 *
 * Every MSS option in the list is clamped (a SYN with two MSS options gets both lowered: stacks
 * differ on which one they use). old_mss (may be NULL) receives the largest MSS value found
 * (valid for MSS_CLAMPED and MSS_UNCHANGED); after MSS_CLAMPED the new value is max_mss.
 *
 * Returns an enum mss_result; nothing is modified unless MSS_CLAMPED is returned.
 */
enum mss_result mss_clamp(uint8_t *tcp_hdr, uint32_t tcp_len, uint16_t max_mss, unsigned int flags,
                          uint16_t *old_mss);

/*
 * Where a SYN's MSS options are: what mss_scan() found, for mss_clamp_where() to rewrite them
 * without walking the option list a second time (a caller that validates a SYN before it
 * classifies it, and clamps it once the egress is known).
 */
struct mss_where {
	uint16_t first_off; /* byte offset of the first MSS option from the TCP header */
	uint16_t largest;   /* the largest MSS value found */
	uint8_t n_mss;      /* MSS options in the list; 0: none (or the segment was refused) */
};

/*
 * mss_clamp()'s validation alone: walk the option list of the SYN or SYN-ACK at tcp_hdr
 * (tcp_len bytes readable, as for mss_clamp) and record where its MSS options are in *w.
 * Nothing is written to the segment.
 * Returns MSS_UNCHANGED (a valid list with an MSS option), MSS_ABSENT, MSS_NOT_SYN,
 * MSS_MALFORMED or MSS_BAD_HEADER (drop); w->n_mss is 0 for every result but MSS_UNCHANGED.
 */
enum mss_result mss_scan(const uint8_t *tcp_hdr, uint32_t tcp_len, struct mss_where *w);

/*
 * mss_clamp() of a segment that mss_scan() validated into *w and that has not changed since:
 * lower its MSS options above max_mss (flags as for mss_clamp). Returns MSS_CLAMPED,
 * MSS_UNCHANGED or MSS_ABSENT (w->n_mss 0). Nothing is modified unless MSS_CLAMPED is
 * returned.
 */
enum mss_result mss_clamp_where(uint8_t *tcp_hdr, const struct mss_where *w, uint16_t max_mss,
                                unsigned int flags);

/*
 * The counter for a result: STAT_mss_clamped, STAT_mss_unchanged, STAT_mss_absent,
 * STAT_drop_tcp_options (MSS_MALFORMED), STAT_drop_tcp_doff (MSS_BAD_HEADER), or STAT_MAX for
 * MSS_NOT_SYN (nothing to count).
 */
enum stat_id mss_result_stat(enum mss_result r);

/* True when the result means the caller must drop the packet (and count mss_result_stat()). */
static inline bool mss_result_is_drop(enum mss_result r)
{
	return r == MSS_MALFORMED || r == MSS_BAD_HEADER;
}

/*
 * The "auto" MSS for IPv4: mtu - 40 (IPv4 20 + TCP 20, RFC 879) - overhead (tunnel
 * encapsulation, 0 for plain forwarding). Returns the MSS in MSS_MIN..MSS_MAX, or -EINVAL when
 * the MTU is too small to carry an MSS of MSS_MIN (the caller refuses the configuration).
 */
int mss_auto(uint32_t mtu, uint32_t overhead);

#endif
