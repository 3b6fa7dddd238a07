/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the MSS option walk: arbitrary bytes as a TCP header, options and
 * payload with an arbitrary data offset. The first two input bytes are the clamp value (and
 * the low bit of the first one picks checksum offload). The segment is copied to a block of
 * exactly its size so ASan reports any read past tcp_len.
 *
 * Invariants checked beyond memory safety: only a clamp changes bytes; a clamp never raises a
 * value; without offload it keeps the one's-complement sum of the segment (checksum included)
 * unchanged, i.e. the checksum stays as valid as it was (RFC 1624). The data path's split,
 * mss_scan then mss_clamp_where, writes nothing in the scan and gives mss_clamp's result and
 * bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mss.h"
#include "net_csum.h"

static uint16_t seg_sum(const uint8_t *p, size_t len)
{
	uint16_t s = net_csum_fold(net_csum_partial(p, len, 0));
	return s == 0 ? 0xffff : s; /* +0 and -0 are the same one's-complement value */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 65535 + 2)
		return 0;
	uint16_t max_mss = (uint16_t)(data[0] << 8 | data[1]);
	unsigned int flags = (data[0] & 1) ? MSS_F_CSUM_OFFLOAD : 0;
	size_t len = size - 2;
	uint8_t *seg = malloc(len ? len : 1);
	if (seg == NULL)
		return 0;
	memcpy(seg, data + 2, len);
	uint8_t *split = malloc(len ? len : 1);
	if (split == NULL) {
		free(seg);
		return 0;
	}
	memcpy(split, data + 2, len);

	uint16_t old = 0;
	/* Check only: never writes, and refuses exactly what the clamp refuses. */
	enum mss_result c = mss_clamp(seg, (uint32_t)len, max_mss, flags | MSS_F_CHECK_ONLY, NULL);
	if (memcmp(seg, data + 2, len) != 0 || c == MSS_CLAMPED)
		__builtin_trap();
	enum mss_result r = mss_clamp(seg, (uint32_t)len, max_mss, flags, &old);
	if (mss_result_is_drop(r) != mss_result_is_drop(c))
		__builtin_trap();
	struct mss_where w;
	enum mss_result s = mss_scan(split, (uint32_t)len, &w);
	if (memcmp(split, data + 2, len) != 0)
		__builtin_trap();
	if (s == MSS_UNCHANGED)
		s = mss_clamp_where(split, &w, max_mss, flags);
	if (s != r || memcmp(split, seg, len) != 0)
		__builtin_trap();
	if (r != MSS_CLAMPED) {
		if (memcmp(seg, data + 2, len) != 0)
			__builtin_trap();
	} else {
		uint16_t floor = max_mss < MSS_MIN ? MSS_MIN : max_mss;
		if (old <= floor)
			__builtin_trap();
		if (!(flags & MSS_F_CSUM_OFFLOAD) && seg_sum(seg, len) != seg_sum(data + 2, len))
			__builtin_trap();
		/* Bytes past the data offset (payload) are never written. */
		size_t hdr = (size_t)(seg[12] >> 4) * 4;
		if (memcmp(seg + hdr, data + 2 + hdr, len - hdr) != 0)
			__builtin_trap();
	}
	free(split);
	free(seg);
	return 0;
}
