/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the SACK scoreboard: the input is a series of ACKs (cumulative ack
 * offset and up to 4 blocks, all attacker-chosen 32-bit values). After each, the hole list
 * must stay sorted, disjoint, inside [snd_una, high_sacked) and within the cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_sack.h"
#include "tcp_seq.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void check(const struct tcp_sack_sb *sb, uint32_t snd_nxt)
{
	uint32_t prev_end = sb->snd_una;
	unsigned int n = 0;
	if (sb->n_holes > sb->cap)
		abort();
	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = sb->pool->h[i].next) {
		const struct tcp_sack_hole *h = &sb->pool->h[i];
		if (i >= sb->pool->size || ++n > sb->cap)
			abort();
		if (!tcp_seq_lt(h->start, h->end) || tcp_seq_lt(h->start, prev_end) ||
		    tcp_seq_gt(h->end, sb->high_sacked))
			abort();
		prev_end = h->end;
	}
	if (n != sb->n_holes || sb->pool->in_use != n)
		abort();
	if (tcp_sack_sb_pipe(sb, snd_nxt) > 2 * (snd_nxt - sb->snd_una))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_sack_sb *sb = malloc(sizeof(*sb));
	if (sb == NULL || size < 8) {
		free(sb);
		return 0;
	}
	uint32_t una = get32(data);
	uint32_t win = get32(data + 4) & 0x3fffffffu;
	uint32_t snd_nxt = una + win;
	/* A pool smaller than the cap half the time, so that exhaustion is exercised too. */
	static struct tcp_sack_hole mem[2 * TCP_SACK_MAX_HOLES];
	struct tcp_sack_pool pool;
	tcp_sack_pool_init(&pool, mem,
	                   (data[4] & 1) ? TCP_SACK_MAX_HOLES / 2 : 2 * TCP_SACK_MAX_HOLES);
	tcp_sack_sb_init(sb, &pool, una);
	data += 8;
	size -= 8;
	while (size >= 5) {
		unsigned int n = data[0] % (TCP_SACK_BLOCKS_MAX + 1);
		uint32_t ack_step = data[1] * 97u;
		data += 2;
		size -= 2;
		struct tcp_sack_block b[TCP_SACK_BLOCKS_MAX];
		unsigned int k = 0;
		while (k < n && size >= 8) {
			/* Half the blocks relative to snd_una so that they land in the window. */
			uint32_t s = get32(data), e = get32(data + 4);
			if (s & 1) {
				s = sb->snd_una + (s >> 12) % (win + 1);
				e = s + (e >> 16);
			}
			b[k].start = s;
			b[k].end = e;
			k++;
			data += 8;
			size -= 8;
		}
		/* Now and then an RTO: the SACKs are kept, everything else is lost. */
		if ((ack_step & 0x3ff) == 0x3ff)
			tcp_sack_sb_enter_loss(sb, snd_nxt, 1460);
		uint32_t ack = sb->snd_una + ack_step;
		if (tcp_seq_gt(ack, snd_nxt))
			ack = snd_nxt;
		tcp_sack_sb_update(sb, ack, b, k, snd_nxt, 1 + (ack_step & 0x7ff), NULL);
		check(sb, snd_nxt);
		uint32_t seq, len;
		enum tcp_nextseg r = tcp_sack_sb_next_seg(sb, 1460, snd_nxt, false, &seq, &len);
		if (r != TCP_NEXTSEG_NONE) {
			if (len == 0 || len > 1460 || tcp_seq_lt(seq, sb->snd_una) ||
			    tcp_seq_gt(seq + len, snd_nxt))
				abort();
			tcp_sack_sb_sent(sb, r, seq, len, snd_nxt, snd_nxt);
		}
	}
	tcp_sack_sb_release(sb);
	if (pool.in_use != 0)
		abort();
	free(sb);
	return 0;
}
