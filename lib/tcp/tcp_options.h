/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_OPTIONS_H
#define PEPGW_TCP_OPTIONS_H

/*
 * TCP option parsing and building. The parser walks the option bytes with every length
 * checked: an illegal length (0, 1, or past the header) makes the whole segment invalid
 * (RFC 1122 4.2.2.5 asks us to survive it; we drop and count), unknown well-formed options are
 * ignored, known options with the wrong length are ignored as if unknown.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_OPT_EOL       0
#define TCP_OPT_NOP       1
#define TCP_OPT_MSS       2
#define TCP_OPT_WSCALE    3
#define TCP_OPT_SACK_PERM 4
#define TCP_OPT_SACK      5
#define TCP_OPT_TS        8

#define TCP_OPT_LEN_MSS       4
#define TCP_OPT_LEN_WSCALE    3
#define TCP_OPT_LEN_SACK_PERM 2
#define TCP_OPT_LEN_TS        10
#define TCP_OPTIONS_MAX       40 /* data offset 15 words minus the 20-byte header */

/* RFC 7323 2.3: a shift above 14 is treated as 14. */
#define TCP_WSCALE_MAX  14
/* Floor for a peer's MSS: tiny MSS values turn one write into thousands of segments
 * (CVE-2019-11479); Linux floors at 48 + headers, we floor at 64 bytes of payload. */
#define TCP_MSS_MIN     64
/* RFC 9293 3.7.1: the MSS to assume when the SYN carries none (IPv4). */
#define TCP_MSS_DEFAULT 536

/* RFC 2018: at most 4 blocks fit (3 next to a timestamp option). */
#define TCP_SACK_BLOCKS_MAX    4
#define TCP_SACK_BLOCKS_MAX_TS 3

enum tcp_opt_flags {
	TCP_OPTF_MSS = 1u << 0,
	TCP_OPTF_WSCALE = 1u << 1,
	TCP_OPTF_SACK_PERM = 1u << 2,
	TCP_OPTF_TS = 1u << 3,
	TCP_OPTF_SACK = 1u << 4,
};

/* What the parser ignored in an option list it accepted (struct tcp_opts.ignored). */
enum tcp_opt_ignored {
	TCP_OPT_IGN_BAD_LEN = 1u << 0,  /* a known option with the wrong length for its kind */
	TCP_OPT_IGN_SYN_ONLY = 1u << 1, /* MSS, window scale or SACK-permitted off a SYN */
};

/* A SACK block: the octets [start, end) in sequence space (RFC 2018 3: end is one past). */
struct tcp_sack_block {
	uint32_t start;
	uint32_t end;
};

struct tcp_opts {
	uint32_t flags; /* enum tcp_opt_flags present */
	uint16_t mss;   /* already floored to TCP_MSS_MIN */
	uint8_t wscale; /* already capped to TCP_WSCALE_MAX */
	uint8_t n_sack;
	uint8_t ignored; /* enum tcp_opt_ignored: what was skipped, for the counters */
	uint32_t ts_val;
	uint32_t ts_ecr;
	struct tcp_sack_block sack[TCP_SACK_BLOCKS_MAX];
};

/*
 * Parse len option bytes (host order results in out). MSS, window scale and SACK-permitted are
 * only honoured on a SYN (RFC 7323 2.2 says window scale elsewhere is ignored). Known options
 * skipped for their length or for being off a SYN are reported in out->ignored.
 * Returns 0, or -EBADMSG when an option length is illegal (0, 1 or past the end), in which case
 * the caller drops the segment (STAT_drop_tcp_options).
 */
int tcp_options_parse(const uint8_t *p, size_t len, bool syn, struct tcp_opts *out);

/*
 * Write the options in o (those whose flag is set) into buf in the layout Linux uses, padded
 * with NOPs to a multiple of 4 bytes. MSS, window scale and SACK-permitted are written only when
 * syn is true. SACK blocks beyond what fits are left out. Returns the bytes written (<= cap,
 * a multiple of 4), or 0 when nothing was asked for or cap is too small for even one option.
 */
size_t tcp_options_build(uint8_t *buf, size_t cap, bool syn, const struct tcp_opts *o);

#endif
