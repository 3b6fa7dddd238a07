/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the pcapng blocks. The first input byte picks the mode:
 *   even: the rest is a pcapng stream read block by block (capture_pcapng_read never reads
 *         past the buffer, and every block it accepts lies inside it);
 *   odd:  the rest describes packets (iface, timestamp, lengths, flags, comment, bytes) that
 *         are written as a section and read back: every field must come back unchanged.
 * Blocks are copied to buffers of exactly their size so ASan sees any overrun.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_stream(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return;
	memcpy(buf, data, size);
	size_t pos = 0;
	struct capture_pcapng_block b;
	int n;
	while ((n = capture_pcapng_read(buf + pos, size - pos, &b)) > 0) {
		if ((size_t)n > size - pos || n < 12)
			abort();
		if (b.data != NULL && (b.data < buf + pos || b.data + b.caplen > buf + pos + n))
			abort();
		if (b.comment != NULL &&
		    ((const uint8_t *)b.comment < buf + pos ||
		     (const uint8_t *)b.comment + b.comment_len > buf + pos + n))
			abort();
		pos += (size_t)n;
	}
	free(buf);
}

static void round_trip(const uint8_t *data, size_t size)
{
	enum { MAXB = 70000 + 4096 };
	uint8_t *out = malloc(MAXB);
	char comment[300];
	if (out == NULL)
		return;
	size_t pos = 0;
	while (size >= 16) {
		uint32_t iface, flags;
		uint64_t ts;
		memcpy(&iface, data, 4);
		memcpy(&ts, data + 4, 8);
		uint16_t caplen = (uint16_t)(data[12] | data[13] << 8) % 300;
		uint8_t clen = data[14];
		flags = data[15] & 3;
		data += 16;
		size -= 16;
		if (caplen > size)
			caplen = (uint16_t)size;
		const uint8_t *pkt = data;
		data += caplen;
		size -= caplen;
		if (clen > size)
			clen = (uint8_t)size;
		for (unsigned int i = 0; i < clen; i++)
			comment[i] = (char)(data[i] ? data[i] : 'x'); /* strings stop at NUL */
		comment[clen] = '\0';
		data += clen;
		size -= clen;
		int n = capture_pcapng_epb(out, MAXB, iface, ts, pkt, caplen, caplen + 7u, flags,
		                           clen ? comment : NULL);
		if (n <= 0)
			abort();
		uint8_t *blk = malloc((size_t)n);
		if (blk == NULL)
			break;
		memcpy(blk, out, (size_t)n);
		struct capture_pcapng_block b;
		if (capture_pcapng_read(blk, (size_t)n, &b) != n || b.type != CAPTURE_PCAPNG_EPB ||
		    b.iface != iface || b.ts != ts || b.caplen != caplen ||
		    b.origlen != caplen + 7u || b.flags != flags ||
		    (caplen && memcmp(b.data, pkt, caplen) != 0) || b.comment_len != clen ||
		    (clen && memcmp(b.comment, comment, clen) != 0))
			abort();
		free(blk);
		pos++;
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 1 << 20)
		return 0;
	if (data[0] & 1)
		round_trip(data + 1, size - 1);
	else
		read_stream(data + 1, size - 1);
	return 0;
}
