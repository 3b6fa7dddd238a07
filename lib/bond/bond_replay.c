/* SPDX-License-Identifier: BSD-3-Clause */
#include "bond_replay.h"

#include <string.h>

void bond_replay_init(struct bond_replay *w)
{
	memset(w, 0, sizeof(*w));
	w->bits[0] = 1; /* sequence 0 is never sent: treat it as received */
}

enum bond_result bond_replay_check(const struct bond_replay *w, uint64_t seq)
{
	if (seq > w->top)
		return seq - w->top > BOND_REPLAY_MAX_AHEAD ? BOND_R_drop_far_ahead : BOND_R_ok;
	if (w->top - seq >= BOND_REPLAY_WINDOW)
		return BOND_R_drop_too_old;
	uint64_t word = w->bits[(seq >> 6) % BOND_REPLAY_WORDS];
	return (word >> (seq & 63)) & 1 ? BOND_R_drop_replayed : BOND_R_ok;
}

enum bond_result bond_replay_update(struct bond_replay *w, uint64_t seq)
{
	enum bond_result r = bond_replay_check(w, seq);
	if (r != BOND_R_ok)
		return r;
	if (seq > w->top) {
		/* Words past the old top's word now hold sequences nobody has sent yet: clear. */
		uint64_t from = (w->top >> 6) + 1, to = seq >> 6;
		if (to - from + 1 >= BOND_REPLAY_WORDS)
			memset(w->bits, 0, sizeof(w->bits));
		else
			for (uint64_t i = from; i <= to; i++)
				w->bits[i % BOND_REPLAY_WORDS] = 0;
		w->top = seq;
	}
	w->bits[(seq >> 6) % BOND_REPLAY_WORDS] |= (uint64_t)1 << (seq & 63);
	return BOND_R_ok;
}
