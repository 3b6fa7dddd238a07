/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_options.h"

#include <errno.h>
#include <string.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A known option of length olen is used only with its own length and, if SYN-only, on a SYN. */
static bool known_ok(struct tcp_opts *out, uint8_t olen, uint8_t want, bool allowed_here)
{
	if (olen != want) {
		out->ignored |= TCP_OPT_IGN_BAD_LEN;
		return false;
	}
	if (!allowed_here) {
		out->ignored |= TCP_OPT_IGN_SYN_ONLY;
		return false;
	}
	return true;
}

int tcp_options_parse(const uint8_t *p, size_t len, bool syn, struct tcp_opts *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		uint8_t kind = p[i];
		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		/* Every other option has a length byte that covers kind and length itself. */
		if (i + 1 >= len)
			return -EBADMSG;
		uint8_t olen = p[i + 1];
		if (olen < 2 || olen > len - i)
			return -EBADMSG;
		const uint8_t *v = p + i + 2;
		switch (kind) {
		case TCP_OPT_MSS:
			if (!known_ok(out, olen, TCP_OPT_LEN_MSS, syn))
				break;
			uint16_t mss = get16(v);
			out->mss = mss < TCP_MSS_MIN ? TCP_MSS_MIN : mss;
			out->flags |= TCP_OPTF_MSS;
			break;
		case TCP_OPT_WSCALE:
			if (!known_ok(out, olen, TCP_OPT_LEN_WSCALE, syn))
				break;
			out->wscale = v[0] > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : v[0];
			out->flags |= TCP_OPTF_WSCALE;
			break;
		case TCP_OPT_SACK_PERM:
			if (known_ok(out, olen, TCP_OPT_LEN_SACK_PERM, syn))
				out->flags |= TCP_OPTF_SACK_PERM;
			break;
		case TCP_OPT_TS:
			if (!known_ok(out, olen, TCP_OPT_LEN_TS, true))
				break;
			out->ts_val = get32(v);
			out->ts_ecr = get32(v + 4);
			out->flags |= TCP_OPTF_TS;
			break;
		case TCP_OPT_SACK: {
			/* RFC 2018 3: length 2 + 8n; anything else is ignored as malformed. */
			unsigned int n = (olen - 2u) / 8u;
			if ((olen - 2u) % 8u != 0 || n == 0 || n > TCP_SACK_BLOCKS_MAX) {
				out->ignored |= TCP_OPT_IGN_BAD_LEN;
				break;
			}
			for (unsigned int b = 0; b < n; b++) {
				out->sack[b].start = get32(v + 8 * b);
				out->sack[b].end = get32(v + 8 * b + 4);
			}
			out->n_sack = (uint8_t)n;
			out->flags |= TCP_OPTF_SACK;
			break;
		}
		default:
			break; /* RFC 1122 4.2.2.5: ignore unknown options */
		}
		i += olen;
	}
	return 0;
}

size_t tcp_options_build(uint8_t *buf, size_t cap, bool syn, const struct tcp_opts *o)
{
	size_t n = 0;

	if (cap > TCP_OPTIONS_MAX)
		cap = TCP_OPTIONS_MAX;
	if (syn && (o->flags & TCP_OPTF_MSS) && n + 4 <= cap) {
		buf[n] = TCP_OPT_MSS;
		buf[n + 1] = TCP_OPT_LEN_MSS;
		put16(buf + n + 2, o->mss);
		n += 4;
	}
	bool sackp = syn && (o->flags & TCP_OPTF_SACK_PERM);
	if (o->flags & TCP_OPTF_TS) {
		/* SACK-permitted shares the word with the timestamp's padding, as Linux does. */
		if (n + 12 <= cap) {
			if (sackp) {
				buf[n] = TCP_OPT_SACK_PERM;
				buf[n + 1] = TCP_OPT_LEN_SACK_PERM;
				sackp = false;
			} else {
				buf[n] = TCP_OPT_NOP;
				buf[n + 1] = TCP_OPT_NOP;
			}
			buf[n + 2] = TCP_OPT_TS;
			buf[n + 3] = TCP_OPT_LEN_TS;
			put32(buf + n + 4, o->ts_val);
			put32(buf + n + 8, o->ts_ecr);
			n += 12;
		}
	}
	if (sackp && n + 4 <= cap) {
		buf[n] = TCP_OPT_NOP;
		buf[n + 1] = TCP_OPT_NOP;
		buf[n + 2] = TCP_OPT_SACK_PERM;
		buf[n + 3] = TCP_OPT_LEN_SACK_PERM;
		n += 4;
	}
	if (syn && (o->flags & TCP_OPTF_WSCALE) && n + 4 <= cap) {
		buf[n] = TCP_OPT_NOP;
		buf[n + 1] = TCP_OPT_WSCALE;
		buf[n + 2] = TCP_OPT_LEN_WSCALE;
		buf[n + 3] = o->wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : o->wscale;
		n += 4;
	}
	if ((o->flags & TCP_OPTF_SACK) && o->n_sack > 0 && n + 12 <= cap) {
		unsigned int nb = o->n_sack;
		if (nb > TCP_SACK_BLOCKS_MAX)
			nb = TCP_SACK_BLOCKS_MAX;
		while (nb > 0 && n + 4 + 8 * nb > cap)
			nb--;
		buf[n] = TCP_OPT_NOP;
		buf[n + 1] = TCP_OPT_NOP;
		buf[n + 2] = TCP_OPT_SACK;
		buf[n + 3] = (uint8_t)(2 + 8 * nb);
		for (unsigned int b = 0; b < nb; b++) {
			put32(buf + n + 4 + 8 * b, o->sack[b].start);
			put32(buf + n + 8 + 8 * b, o->sack[b].end);
		}
		n += 4 + 8 * nb;
	}
	return n;
}
