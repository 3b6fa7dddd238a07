/* SPDX-License-Identifier: BSD-3-Clause */
#include "mss.h"

#include <errno.h>
#include <stddef.h>

#include <rte_log.h>

#include "net_csum.h"

RTE_LOG_REGISTER(mss_logtype, pepgw.mss, INFO);
#define MSS_LOG(level, fmt, ...)                                                                   \
	rte_log(RTE_LOG_##level, mss_logtype, "mss: " fmt "\n", ##__VA_ARGS__)

#define TCP_OFF_DOFF  12 /* data offset in the high nibble (RFC 9293 3.1) */
#define TCP_OFF_FLAGS 13
#define TCP_OFF_CSUM  16
#define TCP_FLAG_SYN  0x02

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t swap16(uint16_t v)
{
	return (uint16_t)((v << 8) | (v >> 8));
}

/*
 * RFC 1624 update of the TCP checksum for a 16-bit value at byte offset off from the header
 * start. The checksum sums 16-bit words aligned on the header; a value at an odd offset
 * straddles two words and contributes its bytes swapped (RFC 1071 2(B): the sum is
 * byte-order independent, a one-byte shift is a swap).
 */
static void csum_replace_at(uint8_t *tcp, uint32_t off, uint16_t old_v, uint16_t new_v)
{
	uint16_t csum = get_be16(tcp + TCP_OFF_CSUM);
	if (off & 1) {
		old_v = swap16(old_v);
		new_v = swap16(new_v);
	}
	put_be16(tcp + TCP_OFF_CSUM, net_csum_update16(csum, old_v, new_v));
}

/* A refused option list: debug logs say where and why, the caller counts the drop. */
static enum mss_result malformed(uint32_t off, const char *why)
{
	MSS_LOG(DEBUG, "SYN dropped: option at byte %u %s", off, why);
	return MSS_MALFORMED;
}

enum mss_result mss_scan(const uint8_t *tcp, uint32_t tcp_len, struct mss_where *w)
{
	w->n_mss = 0;
	w->first_off = 0;
	w->largest = 0;
	if (tcp_len < MSS_TCP_HDR_MIN)
		return MSS_BAD_HEADER;
	if (!(tcp[TCP_OFF_FLAGS] & TCP_FLAG_SYN))
		return MSS_NOT_SYN;
	uint32_t hdr_len = (uint32_t)(tcp[TCP_OFF_DOFF] >> 4) * 4;
	if (hdr_len < MSS_TCP_HDR_MIN || hdr_len > tcp_len)
		return MSS_BAD_HEADER;

	/*
	 * Validate the whole list before anything is written, so a malformed list is dropped
	 * untouched and a valid one is rewritten completely (RFC 9293 3.1: EOL ends the list, NOP
	 * is one byte, every other option is kind, length >= 2, data; RFC 1122 4.2.2.5: an illegal
	 * length must not hurt us). Every step advances by >= 1 byte.
	 */
	uint32_t largest = 0, first_mss = 0;
	unsigned int n_mss = 0;
	uint32_t off = MSS_TCP_HDR_MIN;
	while (off < hdr_len) {
		uint8_t kind = tcp[off];
		if (kind == MSS_TCPOPT_EOL)
			break;
		if (kind == MSS_TCPOPT_NOP) {
			off++;
			continue;
		}
		if (off + 1 >= hdr_len)
			return malformed(off, "has no length byte");
		uint8_t len = tcp[off + 1];
		if (len < 2 || len > hdr_len - off)
			return malformed(off, "has a length below 2 or past the header");
		if (kind == MSS_TCPOPT_MSS) {
			if (len != MSS_TCPOPT_MSS_LEN)
				return malformed(off, "is an MSS option whose length is not 4");
			uint16_t v = get_be16(tcp + off + 2);
			if (v > largest)
				largest = v;
			if (n_mss++ == 0)
				first_mss = off;
		}
		off += len;
	}
	if (n_mss == 0)
		return MSS_ABSENT;
	/* At most 40 bytes of options hold at most 10 MSS options. */
	w->n_mss = (uint8_t)n_mss;
	w->first_off = (uint16_t)first_mss;
	w->largest = (uint16_t)largest;
	return MSS_UNCHANGED;
}

enum mss_result mss_clamp_where(uint8_t *tcp, const struct mss_where *w, uint16_t max_mss,
                                unsigned int flags)
{
	if (w->n_mss == 0)
		return MSS_ABSENT;
	if (max_mss < MSS_MIN)
		max_mss = MSS_MIN;
	if (w->largest <= max_mss || (flags & MSS_F_CHECK_ONLY))
		return MSS_UNCHANGED;

	/* One MSS option (every sane SYN): rewrite it where the scan saw it. */
	if (w->n_mss == 1) {
		put_be16(tcp + w->first_off + 2, max_mss);
		if (!(flags & MSS_F_CSUM_OFFLOAD))
			csum_replace_at(tcp, w->first_off + 2, w->largest, max_mss);
		return MSS_CLAMPED;
	}

	/* Several: the scan found the list valid up to the data offset; lower every MSS above
	 * max_mss. */
	uint32_t hdr_len = (uint32_t)(tcp[TCP_OFF_DOFF] >> 4) * 4;
	uint32_t off = w->first_off;
	while (off < hdr_len) {
		uint8_t kind = tcp[off];
		if (kind == MSS_TCPOPT_EOL)
			break;
		if (kind == MSS_TCPOPT_NOP) {
			off++;
			continue;
		}
		uint8_t len = tcp[off + 1];
		if (kind == MSS_TCPOPT_MSS) {
			uint16_t v = get_be16(tcp + off + 2);
			if (v > max_mss) {
				put_be16(tcp + off + 2, max_mss);
				if (!(flags & MSS_F_CSUM_OFFLOAD))
					csum_replace_at(tcp, off + 2, v, max_mss);
			}
		}
		off += len;
	}
	return MSS_CLAMPED;
}

enum mss_result mss_clamp(uint8_t *tcp, uint32_t tcp_len, uint16_t max_mss, unsigned int flags,
                          uint16_t *old_mss)
{
	struct mss_where w;
	enum mss_result r = mss_scan(tcp, tcp_len, &w);
	if (r != MSS_UNCHANGED)
		return r;
	if (old_mss)
		*old_mss = w.largest;
	return mss_clamp_where(tcp, &w, max_mss, flags);
}

enum stat_id mss_result_stat(enum mss_result r)
{
	switch (r) {
	case MSS_CLAMPED:
		return STAT_mss_clamped;
	case MSS_UNCHANGED:
		return STAT_mss_unchanged;
	case MSS_ABSENT:
		return STAT_mss_absent;
	case MSS_MALFORMED:
		return STAT_drop_tcp_options;
	case MSS_BAD_HEADER:
		return STAT_drop_tcp_doff;
	case MSS_NOT_SYN:
	default:
		return STAT_MAX;
	}
}

int mss_auto(uint32_t mtu, uint32_t overhead)
{
	uint64_t need = (uint64_t)MSS_IPV4_TCP_OVERHEAD + overhead + MSS_MIN;
	if (mtu < need)
		return -EINVAL;
	uint32_t mss = mtu - MSS_IPV4_TCP_OVERHEAD - overhead;
	return mss > MSS_MAX ? MSS_MAX : (int)mss;
}
