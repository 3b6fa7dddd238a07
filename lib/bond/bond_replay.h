/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_REPLAY_H
#define PEPGW_BOND_REPLAY_H

/*
 * lib/bond anti-replay: a sliding window over one link sequence stream (one key session, one
 * link, one sender queue), with the inference of the upper 32 bits of the 64-bit sequence from
 * the 32 bits on the wire in the manner of IPsec ESN (RFC 4303 A2; see bond_replay_infer), and
 * a bitmap kept as a ring of 64-bit words so sliding never shifts bits (RFC 6479).
 *
 * Window: BOND_REPLAY_WINDOW = 4096 packets behind the highest sequence received. Reordering
 * BETWEEN links never reaches it: every link (and sender queue) numbers its own stream, so the
 * window only absorbs reordering within one link (LTE's HARQ, a multi-queue NIC): 4096 packets
 * is 45 ms of a 1 Gbit/s stream of 1400-byte packets, 2.3 s at dicom-branch's 20 Mbit/s.
 * (WireGuard keeps 8192 for one stream per peer across all paths.)
 *
 * The window is checked and moved only after the packet authenticated (bond_crypto does
 * infer -> decrypt -> check_update), so forged packets neither move it nor count as replays.
 */

#include <stdint.h>

#include "bond_wire.h"

#define BOND_REPLAY_WINDOW    4096u
/*
 * A sequence further ahead than this is refused (drop_far_ahead) even when authentic: a sender
 * rekeys long before (bond_crypto's usage limit is 2^24 packets per session), so such a jump
 * means a broken peer, and accepting it would shut the window on every packet in between.
 */
#define BOND_REPLAY_MAX_AHEAD (1ull << 30)
#define BOND_REPLAY_WORDS     (BOND_REPLAY_WINDOW / 64 + 1)

/* One stream's window. Plain data so arrays of them need no allocation each; fields private. */
struct bond_replay {
	uint64_t top; /* highest sequence accepted (0: none yet; sequence 0 is never sent) */
	uint64_t bits[BOND_REPLAY_WORDS];
};

/* Empty window: sequences from 1 are new. */
void bond_replay_init(struct bond_replay *w);

/*
 * The 64-bit sequence of a packet carrying the low 32 bits seq_lo: the value with those low
 * bits nearest the highest sequence received, within [top - 2^31, top + 2^31) (seq_lo itself
 * while that would fall below 0). IPsec ESN (RFC 4303 A2) anchors the range at the bottom of
 * the window instead; centring it means a packet older than the window still authenticates
 * and is counted as too old rather than as forged. A wrong inference (a packet 2^31 or more
 * away) fails authentication, as with ESN.
 */
static inline uint64_t bond_replay_infer(const struct bond_replay *w, uint32_t seq_lo)
{
	int64_t seq = (int64_t)w->top + (int32_t)(seq_lo - (uint32_t)w->top);
	return seq < 0 ? seq_lo : (uint64_t)seq;
}

/*
 * Judge an authenticated sequence without changing the window: BOND_R_ok (new),
 * BOND_R_drop_replayed (received before, or 0), BOND_R_drop_too_old (WINDOW or more behind
 * the highest), BOND_R_drop_far_ahead (more than BOND_REPLAY_MAX_AHEAD ahead of it).
 */
enum bond_result bond_replay_check(const struct bond_replay *w, uint64_t seq);

/* bond_replay_check, and on BOND_R_ok mark seq received and slide the window up to it. */
enum bond_result bond_replay_update(struct bond_replay *w, uint64_t seq);

#endif
