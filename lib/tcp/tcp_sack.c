/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_sack.h"

#include <string.h>

#include "tcp_seq.h"

/* ---- hole pool ---- */

void tcp_sack_pool_init(struct tcp_sack_pool *p, struct tcp_sack_hole *mem, uint32_t n)
{
	p->h = mem;
	p->size = n;
	p->in_use = 0;
	p->exhausted = 0;
	for (uint32_t i = 0; i < n; i++) {
		mem[i].next = i + 1 < n ? i + 1 : TCP_SACK_NIL;
		mem[i].prev = TCP_SACK_NIL;
	}
	p->free_head = n ? 0 : TCP_SACK_NIL;
}

#define H(sb, i) ((sb)->pool->h[i])

/* A block is left out for want of a hole: counted under its one cause. */
static void count_no_hole(struct tcp_sack_sb *sb)
{
	if (sb->n_holes >= sb->cap) {
		sb->ignored_cap++;
	} else {
		sb->pool->exhausted++;
		sb->ignored_pool++;
	}
}

/* A hole for this scoreboard, or TCP_SACK_NIL (counted) when its cap or the pool is full. */
static uint32_t hole_alloc(struct tcp_sack_sb *sb)
{
	struct tcp_sack_pool *p = sb->pool;
	uint32_t i = p->free_head;
	if (sb->n_holes >= sb->cap || i == TCP_SACK_NIL) {
		count_no_hole(sb);
		return TCP_SACK_NIL;
	}
	p->free_head = p->h[i].next;
	p->in_use++;
	sb->n_holes++;
	return i;
}

static bool hole_available(const struct tcp_sack_sb *sb)
{
	return sb->n_holes < sb->cap && sb->pool->free_head != TCP_SACK_NIL;
}

static void hole_unlink_free(struct tcp_sack_sb *sb, uint32_t i)
{
	struct tcp_sack_pool *p = sb->pool;
	struct tcp_sack_hole *h = &p->h[i];
	if (h->prev != TCP_SACK_NIL)
		p->h[h->prev].next = h->next;
	else
		sb->head = h->next;
	if (h->next != TCP_SACK_NIL)
		p->h[h->next].prev = h->prev;
	else
		sb->tail = h->prev;
	h->next = p->free_head;
	h->prev = TCP_SACK_NIL;
	p->free_head = i;
	p->in_use--;
	sb->n_holes--;
}

/* Link hole i after hole `after` (TCP_SACK_NIL: at the head). */
static void hole_link_after(struct tcp_sack_sb *sb, uint32_t i, uint32_t after)
{
	struct tcp_sack_hole *h = &H(sb, i);
	h->prev = after;
	h->next = after == TCP_SACK_NIL ? sb->head : H(sb, after).next;
	if (after == TCP_SACK_NIL)
		sb->head = i;
	else
		H(sb, after).next = i;
	if (h->next != TCP_SACK_NIL)
		H(sb, h->next).prev = i;
	else
		sb->tail = i;
}

/* Every hole back to the pool. */
static void reset_holes(struct tcp_sack_sb *sb)
{
	while (sb->head != TCP_SACK_NIL)
		hole_unlink_free(sb, sb->head);
	sb->tail = TCP_SACK_NIL;
}

void tcp_sack_sb_init(struct tcp_sack_sb *sb, struct tcp_sack_pool *pool, uint32_t snd_una)
{
	memset(sb, 0, sizeof(*sb));
	sb->pool = pool;
	sb->cap = TCP_SACK_MAX_HOLES;
	sb->head = sb->tail = TCP_SACK_NIL;
	sb->snd_una = snd_una;
	sb->high_rxt = snd_una;
}

void tcp_sack_sb_set_cap(struct tcp_sack_sb *sb, uint32_t n)
{
	if (n < 64)
		n = 64;
	if (n > TCP_SACK_MAX_HOLES_CAP)
		n = TCP_SACK_MAX_HOLES_CAP;
	sb->cap = n;
}

void tcp_sack_sb_release(struct tcp_sack_sb *sb)
{
	if (sb->pool != NULL)
		reset_holes(sb);
	sb->has_sack = false;
}

void tcp_sack_sb_clear(struct tcp_sack_sb *sb)
{
	sb->loss_marked = false;
	sb->has_sack = false;
	sb->rescue_set = false;
	sb->high_rxt = sb->snd_una;
	sb->sacked_bytes = 0;
	sb->lost_bytes = 0;
	reset_holes(sb);
}

static void recompute_lost(struct tcp_sack_sb *sb, uint32_t smss);

void tcp_sack_sb_enter_loss(struct tcp_sack_sb *sb, uint32_t snd_max, uint32_t smss)
{
	sb->loss_marked = tcp_seq_gt(snd_max, sb->snd_una);
	sb->loss_mark = snd_max;
	sb->high_rxt = sb->snd_una;
	sb->rescue_set = false;
	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next)
		H(sb, i).fenced = H(sb, i).rxt_lost = false; /* all goes again from snd_una */
	recompute_lost(sb, smss);
}

void tcp_sack_sb_undo_loss(struct tcp_sack_sb *sb, uint32_t smss)
{
	sb->loss_marked = false;
	recompute_lost(sb, smss);
}

/* ---- update ---- */

static void advance_una(struct tcp_sack_sb *sb, uint32_t ack)
{
	sb->snd_una = ack;
	if (sb->loss_marked && tcp_seq_geq(ack, sb->loss_mark))
		sb->loss_marked = false;
	if (tcp_seq_lt(sb->high_rxt, ack))
		sb->high_rxt = ack;
	if (!sb->has_sack)
		return;
	if (tcp_seq_geq(ack, sb->high_sacked)) {
		/* Everything SACKed is now cumulatively acked. */
		sb->has_sack = false;
		reset_holes(sb);
		return;
	}
	while (sb->head != TCP_SACK_NIL) {
		struct tcp_sack_hole *h = &H(sb, sb->head);
		if (tcp_seq_leq(h->end, ack)) {
			hole_unlink_free(sb, sb->head);
			continue;
		}
		if (tcp_seq_lt(h->start, ack))
			h->start = ack;
		break;
	}
}

/* Mark [start, end) SACKed; the range is within [snd_una, snd_nxt). Returns new octets. */
static uint32_t apply_block(struct tcp_sack_sb *sb, uint32_t start, uint32_t end)
{
	uint32_t newly = 0;

	if (!sb->has_sack) {
		sb->has_sack = true;
		sb->high_sacked = sb->snd_una;
	}
	if (tcp_seq_geq(start, sb->high_sacked)) {
		if (start != sb->high_sacked) {
			uint32_t i = hole_alloc(sb);
			if (i == TCP_SACK_NIL)
				return 0;
			H(sb, i).start = sb->high_sacked;
			H(sb, i).end = start;
			H(sb, i).lost = false;
			H(sb, i).fenced = false;
			H(sb, i).rxt_lost = false;
			hole_link_after(sb, i, sb->tail);
		}
		sb->high_sacked = end;
		return end - start;
	}
	/* The block starts below high_sacked: first find whether it needs a split. */
	uint32_t punch_end = tcp_seq_min(end, sb->high_sacked);
	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next) {
		struct tcp_sack_hole *h = &H(sb, i);
		if (tcp_seq_gt(start, h->start) && tcp_seq_lt(punch_end, h->end) &&
		    !hole_available(sb)) {
			count_no_hole(sb);
			return 0;
		}
		if (tcp_seq_geq(h->start, punch_end))
			break;
	}
	if (tcp_seq_gt(end, sb->high_sacked)) {
		newly += end - sb->high_sacked;
		sb->high_sacked = end;
	}
	uint32_t i = sb->head;
	while (i != TCP_SACK_NIL) {
		struct tcp_sack_hole *h = &H(sb, i);
		uint32_t next = h->next;
		if (tcp_seq_geq(h->start, punch_end))
			break;
		if (tcp_seq_leq(h->end, start)) {
			i = next;
			continue;
		}
		bool cut_front = tcp_seq_leq(start, h->start);
		bool cut_back = tcp_seq_geq(punch_end, h->end);
		if (cut_front && cut_back) {
			newly += h->end - h->start;
			hole_unlink_free(sb, i);
		} else if (cut_front) {
			newly += punch_end - h->start;
			h->start = punch_end;
		} else if (cut_back) {
			newly += h->end - start;
			h->end = start;
		} else {
			/* Split: checked above that a node is free. */
			uint32_t n = hole_alloc(sb);
			H(sb, n).start = punch_end;
			H(sb, n).end = h->end;
			H(sb, n).lost = h->lost;
			H(sb, n).fenced = h->fenced;
			H(sb, n).rxt_fence = h->rxt_fence;
			H(sb, n).rxt_lost = h->rxt_lost;
			H(sb, n).redo = h->redo;
			h->end = start;
			hole_link_after(sb, n, i);
			newly += punch_end - start;
			break;
		}
		i = next;
	}
	return newly;
}

/*
 * RFC 6675 IsLost per hole: every octet of a hole has the same SACKed data above it, so one
 * backward walk counts the SACKed ranges and octets above each hole.
 */
static void recompute_lost(struct tcp_sack_sb *sb, uint32_t smss)
{
	uint32_t sacked_above = 0, blocks_above = 0, lost = 0, holes_len = 0;
	uint32_t upper = sb->has_sack ? sb->high_sacked : sb->snd_una;

	for (uint32_t i = sb->tail; i != TCP_SACK_NIL; i = H(sb, i).prev) {
		struct tcp_sack_hole *h = &H(sb, i);
		sacked_above += upper - h->end;
		blocks_above++;
		h->lost = blocks_above >= TCP_DUPTHRESH ||
		          sacked_above > (uint32_t)(TCP_DUPTHRESH - 1) * smss ||
		          (sb->loss_marked && tcp_seq_lt(h->start, sb->loss_mark));
		if (h->lost)
			lost += h->end - h->start;
		holes_len += h->end - h->start;
		upper = h->start;
	}
	if (sb->loss_marked) {
		/* Above the highest SACK, up to the mark: lost too. */
		uint32_t top = sb->has_sack ? sb->high_sacked : sb->snd_una;
		if (tcp_seq_lt(top, sb->loss_mark))
			lost += sb->loss_mark - top;
	}
	sb->lost_bytes = lost;
	sb->sacked_bytes = sb->has_sack ? sb->high_sacked - sb->snd_una - holes_len : 0;
}

/* One past the retransmitted octets of a hole. */
static uint32_t rxt_end(const struct tcp_sack_sb *sb, const struct tcp_sack_hole *h)
{
	return tcp_seq_min(h->end, sb->high_rxt);
}

/* Octets of a hole whose retransmission was lost and that have not gone again yet. */
static uint32_t redo_pending(const struct tcp_sack_sb *sb, const struct tcp_sack_hole *h)
{
	if (!h->rxt_lost)
		return 0;
	uint32_t s = tcp_seq_max(h->redo, h->start), e = rxt_end(sb, h);
	return tcp_seq_lt(s, e) ? e - s : 0;
}

/*
 * A retransmitted hole is still un-SACKed while more than (DupThresh - 1) * SMSS beyond what
 * had been sent when it went is SACKed: that retransmission was lost as well.
 */
static void find_lost_retransmissions(struct tcp_sack_sb *sb, uint32_t smss)
{
	if (!sb->has_sack)
		return;
	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next) {
		struct tcp_sack_hole *h = &H(sb, i);
		if (!tcp_seq_lt(h->start, sb->high_rxt))
			break; /* this one and those above were never retransmitted */
		if (!h->fenced || h->rxt_lost)
			continue;
		if (tcp_seq_gt(sb->high_sacked, h->rxt_fence + (TCP_DUPTHRESH - 1) * smss)) {
			h->rxt_lost = true;
			h->redo = h->start;
		}
	}
}

int tcp_sack_sb_update(struct tcp_sack_sb *sb, uint32_t ack, const struct tcp_sack_block *blk,
                       unsigned int n, uint32_t snd_nxt, uint32_t smss,
                       struct tcp_sack_ack_info *info)
{
	struct tcp_sack_ack_info dummy;
	unsigned int first = 0;

	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	uint32_t invalid0 = sb->ignored_invalid, cap0 = sb->ignored_cap, pool0 = sb->ignored_pool;
	if (n > TCP_SACK_BLOCKS_MAX)
		n = TCP_SACK_BLOCKS_MAX;
	/* RFC 2883 4: the first block is a D-SACK when it lies below the cumulative ACK, or
	 * inside the second block. It reports a duplicate, not new information. */
	if (n >= 1 && tcp_seq_lt(blk[0].start, blk[0].end) &&
	    (tcp_seq_leq(blk[0].end, ack) || (n >= 2 && tcp_seq_geq(blk[0].start, blk[1].start) &&
	                                      tcp_seq_leq(blk[0].end, blk[1].end)))) {
		info->dsack = true;
		info->dsack_block = blk[0];
		sb->dsacks++;
		first = 1;
	}
	if (tcp_seq_gt(ack, sb->snd_una) && tcp_seq_leq(ack, snd_nxt))
		advance_una(sb, ack);
	for (unsigned int b = first; b < n; b++) {
		uint32_t s = blk[b].start, e = blk[b].end;
		/* Ignore nonsense rather than trust it: empty or inverted, past what we sent,
		 * or entirely acknowledged already. */
		if (!tcp_seq_lt(s, e) || tcp_seq_gt(e, snd_nxt) || tcp_seq_leq(e, sb->snd_una)) {
			sb->ignored_invalid++;
			continue;
		}
		if (tcp_seq_lt(s, sb->snd_una))
			s = sb->snd_una;
		info->newly_sacked += apply_block(sb, s, e);
	}
	find_lost_retransmissions(sb, smss);
	recompute_lost(sb, smss);
	info->ignored_invalid = (uint8_t)(sb->ignored_invalid - invalid0);
	info->ignored_cap = (uint8_t)(sb->ignored_cap - cap0);
	info->ignored_pool = (uint8_t)(sb->ignored_pool - pool0);
	return 0;
}

static const struct tcp_sack_hole *find_hole(const struct tcp_sack_sb *sb, uint32_t seq)
{
	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next) {
		const struct tcp_sack_hole *h = &H(sb, i);
		if (tcp_seq_in(seq, h->start, h->end))
			return h;
		if (tcp_seq_lt(seq, h->start))
			break;
	}
	return NULL;
}

bool tcp_sack_sb_is_lost(const struct tcp_sack_sb *sb, uint32_t seq)
{
	uint32_t top = sb->has_sack ? sb->high_sacked : sb->snd_una;
	if (tcp_seq_geq(seq, top))
		return sb->loss_marked && tcp_seq_in(seq, sb->snd_una, sb->loss_mark);
	const struct tcp_sack_hole *h = find_hole(sb, seq);
	return h != NULL && h->lost;
}

bool tcp_sack_sb_is_sacked(const struct tcp_sack_sb *sb, uint32_t seq)
{
	if (!sb->has_sack || !tcp_seq_in(seq, sb->snd_una, sb->high_sacked))
		return false;
	return find_hole(sb, seq) == NULL;
}

uint32_t tcp_sack_sb_unsacked(const struct tcp_sack_sb *sb, uint32_t seq, uint32_t snd_nxt,
                              uint32_t *end)
{
	if (tcp_seq_lt(seq, sb->snd_una))
		seq = sb->snd_una;
	*end = snd_nxt;
	if (tcp_seq_geq(seq, snd_nxt))
		return snd_nxt;
	if (!sb->has_sack || tcp_seq_geq(seq, sb->high_sacked))
		return seq;
	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next) {
		const struct tcp_sack_hole *h = &H(sb, i);
		if (tcp_seq_gt(h->end, seq)) {
			*end = h->end;
			return tcp_seq_max(seq, h->start);
		}
	}
	/* SACKed from seq up to high_sacked; un-SACKed above it. */
	if (tcp_seq_geq(sb->high_sacked, snd_nxt))
		return snd_nxt;
	return sb->high_sacked;
}

/* Octets of [s, e) below high_rxt (already retransmitted). */
static uint32_t rxmit_overlap(const struct tcp_sack_sb *sb, uint32_t s, uint32_t e)
{
	uint32_t hi = tcp_seq_min(e, sb->high_rxt);
	return tcp_seq_gt(hi, s) ? hi - s : 0;
}

uint32_t tcp_sack_sb_pipe(const struct tcp_sack_sb *sb, uint32_t snd_nxt)
{
	uint32_t pipe = 0;
	uint32_t above = sb->has_sack ? sb->high_sacked : sb->snd_una;

	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next) {
		const struct tcp_sack_hole *h = &H(sb, i);
		if (!h->lost)
			pipe += h->end - h->start;
		/* Retransmitted octets are in flight once more, unless that copy was lost. */
		pipe += rxmit_overlap(sb, h->start, h->end) - redo_pending(sb, h);
	}
	/* Above the highest SACK nothing is lost yet (no SACKed data above it), except below
	 * the mark an RTO left. */
	if (tcp_seq_lt(above, snd_nxt)) {
		uint32_t lost_end = above;
		if (sb->loss_marked && tcp_seq_gt(sb->loss_mark, above))
			lost_end = tcp_seq_min(sb->loss_mark, snd_nxt);
		pipe += snd_nxt - lost_end;
		pipe += rxmit_overlap(sb, above, snd_nxt);
	}
	return pipe;
}

enum tcp_nextseg tcp_sack_sb_next_seg(const struct tcp_sack_sb *sb, uint32_t smss, uint32_t snd_nxt,
                                      bool new_data_ok, uint32_t *seq, uint32_t *len)
{
	/* Rule 1: the first lost octet above HighRxt (holes all lie below the highest SACK);
	 * first of all, octets whose retransmission was lost. */
	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next) {
		const struct tcp_sack_hole *h = &H(sb, i);
		if (redo_pending(sb, h) != 0) {
			*seq = tcp_seq_max(h->redo, h->start);
			*len = tcp_seq_min(rxt_end(sb, h), *seq + smss) - *seq;
			return TCP_NEXTSEG_LOST;
		}
		uint32_t s = tcp_seq_max(h->start, sb->high_rxt);
		if (!h->lost)
			break; /* holes above a non-lost hole have even less SACKed above them */
		if (tcp_seq_lt(s, h->end)) {
			*seq = s;
			*len = tcp_seq_min(h->end, s + smss) - s;
			return TCP_NEXTSEG_LOST;
		}
	}
	/* Rule 1 still: after an RTO, the un-SACKed octets above the highest SACK up to the mark.
	 */
	if (sb->loss_marked) {
		uint32_t above = sb->has_sack ? sb->high_sacked : sb->snd_una;
		uint32_t s = tcp_seq_max(above, sb->high_rxt);
		uint32_t end = tcp_seq_min(sb->loss_mark, snd_nxt);
		if (tcp_seq_lt(s, end)) {
			*seq = s;
			*len = tcp_seq_min(end, s + smss) - s;
			return TCP_NEXTSEG_LOST;
		}
	}
	/* Rule 2: new data. */
	if (new_data_ok) {
		*seq = snd_nxt;
		*len = smss;
		return TCP_NEXTSEG_NEW;
	}
	/* Rule 3: un-SACKed, above HighRxt, below the highest SACK, not (yet) lost. */
	for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next) {
		const struct tcp_sack_hole *h = &H(sb, i);
		uint32_t s = tcp_seq_max(h->start, sb->high_rxt);
		if (tcp_seq_lt(s, h->end)) {
			*seq = s;
			*len = tcp_seq_min(h->end, s + smss) - s;
			return TCP_NEXTSEG_UNLOST;
		}
	}
	/* Rule 4: one rescue retransmission per recovery of the highest un-SACKed octets. As
	 * FreeBSD does, only for a tail above everything SACKed and retransmitted: that is the
	 * loss it exists for, and a hole already retransmitted by rule 1 or 3 needs no second
	 * copy. */
	uint32_t top = tcp_seq_max(sb->has_sack ? sb->high_sacked : sb->snd_una, sb->high_rxt);
	if ((!sb->rescue_set || tcp_seq_gt(sb->snd_una, sb->rescue_rxt)) &&
	    tcp_seq_lt(top, snd_nxt)) {
		uint32_t hi = snd_nxt;
		uint32_t lo = hi - smss;
		if (tcp_seq_lt(lo, sb->snd_una) || hi - sb->snd_una < smss)
			lo = sb->snd_una;
		*seq = lo;
		*len = hi - lo;
		return TCP_NEXTSEG_RESCUE;
	}
	return TCP_NEXTSEG_NONE;
}

void tcp_sack_sb_sent(struct tcp_sack_sb *sb, enum tcp_nextseg kind, uint32_t seq, uint32_t len,
                      uint32_t recovery_point, uint32_t snd_max)
{
	switch (kind) {
	case TCP_NEXTSEG_LOST:
	case TCP_NEXTSEG_UNLOST:
		for (uint32_t i = sb->head; i != TCP_SACK_NIL; i = H(sb, i).next) {
			struct tcp_sack_hole *h = &H(sb, i);
			if (tcp_seq_geq(seq, h->end))
				continue;
			if (tcp_seq_lt(seq, h->start))
				break;
			if (redo_pending(sb, h) != 0 && tcp_seq_lt(seq, rxt_end(sb, h))) {
				h->redo = seq + len; /* a lost retransmission went again */
				if (redo_pending(sb, h) == 0)
					h->rxt_lost = false;
			}
			h->fenced = true;
			h->rxt_fence = snd_max;
			break;
		}
		if (tcp_seq_gt(seq + len, sb->high_rxt))
			sb->high_rxt = seq + len;
		break;
	case TCP_NEXTSEG_RESCUE:
		/* RFC 6675 4 rule 4: RescueRxt = RecoveryPoint; HighRxt is not updated. */
		sb->rescue_rxt = recovery_point;
		sb->rescue_set = true;
		break;
	default:
		break;
	}
}

/* ---- receiver ---- */

void tcp_sack_rcv_init(struct tcp_sack_rcv *r)
{
	memset(r, 0, sizeof(*r));
}

void tcp_sack_rcv_add(struct tcp_sack_rcv *r, uint32_t start, uint32_t end)
{
	struct tcp_sack_block out[TCP_SACK_BLOCKS_MAX];
	unsigned int n = 0;

	if (!tcp_seq_lt(start, end))
		return;
	/* Blocks that overlap or touch the new range merge into it. */
	for (unsigned int i = 0; i < r->n; i++) {
		struct tcp_sack_block b = r->blk[i];
		if (tcp_seq_leq(b.start, end) && tcp_seq_geq(b.end, start)) {
			start = tcp_seq_min(start, b.start);
			end = tcp_seq_max(end, b.end);
		}
	}
	out[n++] = (struct tcp_sack_block){start, end};
	for (unsigned int i = 0; i < r->n && n < TCP_SACK_BLOCKS_MAX; i++) {
		struct tcp_sack_block b = r->blk[i];
		if (tcp_seq_leq(b.start, end) && tcp_seq_geq(b.end, start))
			continue;
		out[n++] = b;
	}
	memcpy(r->blk, out, sizeof(out[0]) * n);
	r->n = (uint8_t)n;
}

void tcp_sack_rcv_dup(struct tcp_sack_rcv *r, uint32_t start, uint32_t end)
{
	if (!tcp_seq_lt(start, end))
		return;
	r->dsack_pending = true;
	r->dsack = (struct tcp_sack_block){start, end};
}

void tcp_sack_rcv_ack(struct tcp_sack_rcv *r, uint32_t rcv_nxt)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < r->n; i++) {
		struct tcp_sack_block b = r->blk[i];
		if (tcp_seq_leq(b.end, rcv_nxt))
			continue;
		if (tcp_seq_lt(b.start, rcv_nxt))
			b.start = rcv_nxt;
		r->blk[n++] = b;
	}
	r->n = (uint8_t)n;
}

unsigned int tcp_sack_rcv_fill(struct tcp_sack_rcv *r, bool timestamps, struct tcp_sack_block *out)
{
	unsigned int max = timestamps ? TCP_SACK_BLOCKS_MAX_TS : TCP_SACK_BLOCKS_MAX;
	unsigned int n = 0;
	int container = -1;

	if (r->dsack_pending) {
		out[n++] = r->dsack;
		r->dsack_pending = false;
		/* RFC 2883 4 (2): a duplicate inside an out-of-order block: that block next. */
		for (unsigned int i = 0; i < r->n; i++) {
			if (tcp_seq_leq(r->blk[i].start, r->dsack.start) &&
			    tcp_seq_geq(r->blk[i].end, r->dsack.end)) {
				container = (int)i;
				out[n++] = r->blk[i];
				break;
			}
		}
	}
	for (unsigned int i = 0; i < r->n && n < max; i++)
		if ((int)i != container)
			out[n++] = r->blk[i];
	return n;
}
