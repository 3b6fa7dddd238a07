/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the TCP option parser: first byte selects SYN or not, the rest is the
 * option area. Whatever parses must survive a build/parse round trip unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int syn = data[0] & 1;
	size_t len = size - 1;
	if (len > TCP_OPTIONS_MAX)
		len = TCP_OPTIONS_MAX;
	/* Copy to an exact-size heap buffer so ASan catches any read past the options. */
	uint8_t *opts = malloc(len ? len : 1);
	if (opts == NULL)
		return 0;
	memcpy(opts, data + 1, len);
	struct tcp_opts p, q;
	if (tcp_options_parse(opts, len, syn, &p) == 0) {
		if (p.mss != 0 && p.mss < TCP_MSS_MIN)
			abort();
		if (p.wscale > TCP_WSCALE_MAX || p.n_sack > TCP_SACK_BLOCKS_MAX)
			abort();
		uint8_t buf[TCP_OPTIONS_MAX + 8];
		size_t n = tcp_options_build(buf, TCP_OPTIONS_MAX, syn, &p);
		if (n > TCP_OPTIONS_MAX || n % 4 != 0)
			abort();
		if (tcp_options_parse(buf, n, syn, &q) != 0)
			abort();
		/* With timestamps only 3 SACK blocks fit; everything else must round-trip. */
		if ((q.flags & ~TCP_OPTF_SACK) != (p.flags & ~TCP_OPTF_SACK) || q.mss != p.mss ||
		    q.wscale != p.wscale || q.ts_val != p.ts_val || q.ts_ecr != p.ts_ecr)
			abort();
		for (unsigned int i = 0; i < q.n_sack; i++)
			if (q.sack[i].start != p.sack[i].start || q.sack[i].end != p.sack[i].end)
				abort();
	}
	free(opts);
	return 0;
}
