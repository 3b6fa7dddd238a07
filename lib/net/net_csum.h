/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_CSUM_H
#define PEPGW_NET_CSUM_H

/*
 * Internet checksum helpers. All values are in network byte order as they sit in the packet;
 * the one's-complement sum is byte-order independent as long as every operand uses the same
 * order (RFC 1071 section 2(B)).
 */

#include <stddef.h>
#include <stdint.h>

/* Fold a 32-bit one's-complement accumulator to 16 bits (not inverted). */
static inline uint16_t net_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for a 16-bit field changing from old to new.
 * Avoids the -0 (0x0000 vs 0xffff) ambiguity of the RFC 1141 form.
 */
static inline uint16_t net_csum_update16(uint16_t csum, uint16_t old_val, uint16_t new_val)
{
	uint32_t sum = (uint16_t)~csum;
	sum += (uint16_t)~old_val;
	sum += new_val;
	return (uint16_t)~net_csum_fold(sum);
}

/* One's-complement sum of len bytes added to sum (not folded, not inverted). */
static inline uint32_t net_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	while (len > 1) {
		sum += (uint32_t)((p[0] << 8) | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)(p[0] << 8);
	/* The loop summed big-endian words; convert to the host-order view of network bytes. */
	sum = net_csum_fold(sum);
	return (uint32_t)(uint16_t)((sum >> 8) | (sum << 8));
}

#endif
