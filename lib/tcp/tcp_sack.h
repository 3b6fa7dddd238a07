/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_SACK_H
#define PEPGW_TCP_SACK_H

/*
 * SACK on both sides of a connection, standalone (no packets, no connection):
 *
 * Sender scoreboard (RFC 6675, RFC 2018, D-SACK detection RFC 2883). The octets between
 * snd_una and the highest SACKed octet are kept as a sorted list of holes (un-SACKed ranges);
 * everything between holes is SACKed. Holes come from a pool shared by every scoreboard of an
 * engine (struct tcp_sack_pool), so memory follows the loss episodes actually in progress: an
 * idle or loss-free connection holds none, and one connection with a multi-megabyte window
 * can track as many holes as its window has. Two bounds keep a hostile peer from making us
 * allocate or walk without limit (CVE-2019-11477/11478 class): a scoreboard holds at most its
 * own cap (half the segments its send buffer holds, 64..8192), and the pool at most its size;
 * blocks that would need more are ignored and counted, which only makes recovery more conservative.
 * Sequence math is wrap-safe; blocks beyond snd_nxt or below snd_una are ignored.
 *
 * Lost retransmissions, which RFC 6675 leaves to the RTO: a hole still un-SACKed once more
 * than (DupThresh - 1) * SMSS beyond what had been sent when it was retransmitted is SACKed
 * lost its retransmission too (the same evidence IsLost takes for a first transmission; Linux
 * before RACK did the same, tcp_mark_lost_retrans). NextSeg then sends it again before
 * anything else. Under random loss a retransmission is lost as often as any segment: without
 * this each one costs a timeout, and after it the whole un-SACKed flight goes again.
 *
 * Receiver blocks (RFC 2018 4, RFC 2883): the first block reports the newest segment, at most
 * 4 blocks (3 next to timestamps), and a duplicate segment is reported once as a D-SACK block.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp_options.h"

/* Holes one scoreboard may hold unless told otherwise (tcp_sack_sb_set_cap): a window that
 * lost every other segment has half its segments as holes; per-ACK work is linear in them. */
#define TCP_SACK_MAX_HOLES     1024
#define TCP_SACK_MAX_HOLES_CAP 8192 /* the most tcp_sack_sb_set_cap allows */
#define TCP_SACK_NIL           UINT32_MAX
#define TCP_DUPTHRESH          3 /* RFC 6675 2 / RFC 5681 */

struct tcp_sack_hole {
	uint32_t start; /* first un-SACKed octet */
	uint32_t end;   /* one past the last */
	uint32_t next, prev;
	/* Lost retransmissions: snd_max when this hole was last retransmitted (with fenced);
	 * with rxt_lost, [max(redo, start), min(end, HighRxt)) must go again. */
	uint32_t rxt_fence;
	uint32_t redo;
	bool lost; /* RFC 6675 IsLost for every octet of the hole */
	bool fenced;
	bool rxt_lost;
};

/* Holes for all the scoreboards of one engine (one lcore): no locking. */
struct tcp_sack_pool {
	struct tcp_sack_hole *h;
	uint32_t size;
	uint32_t free_head;
	uint32_t in_use;
	uint64_t exhausted; /* blocks ignored because the pool (not a scoreboard cap) was empty */
};

/* Link the caller's array of n holes into an empty pool. */
void tcp_sack_pool_init(struct tcp_sack_pool *p, struct tcp_sack_hole *mem, uint32_t n);

struct tcp_sack_sb {
	struct tcp_sack_pool *pool;
	uint32_t snd_una;     /* HighACK + 1 */
	uint32_t high_sacked; /* one past the highest SACKed octet; meaningful when has_sack */
	uint32_t high_rxt;    /* one past HighRxt (RFC 6675 2) */
	uint32_t rescue_rxt;  /* RescueRxt, meaningful when rescue_set */
	uint32_t sacked_bytes;
	uint32_t lost_bytes;
	uint32_t ignored_cap;     /* blocks not tracked: this scoreboard's cap was reached */
	uint32_t ignored_pool;    /* blocks not tracked: the pool was empty */
	uint32_t ignored_invalid; /* blocks ignored: empty, beyond snd_nxt, below snd_una */
	uint32_t dsacks;          /* D-SACK reports seen */
	uint32_t head, tail, n_holes;
	uint32_t cap; /* most holes this scoreboard takes from the pool */
	uint32_t
	        loss_mark; /* after an RTO: un-SACKed octets below it are lost (with loss_marked) */
	bool loss_marked;
	bool has_sack;
	bool rescue_set;
};

/* What one ACK taught the scoreboard. */
struct tcp_sack_ack_info {
	uint32_t newly_sacked; /* octets SACKed for the first time */
	bool dsack;            /* the first block was a D-SACK (RFC 2883 4) */
	struct tcp_sack_block dsack_block;
	/* Blocks of this ACK left out, by cause (the scoreboard's ignored_* grew by as many). */
	uint8_t ignored_invalid, ignored_cap, ignored_pool;
};

/* Empty scoreboard with everything below snd_una acknowledged, taking holes from pool. */
void tcp_sack_sb_init(struct tcp_sack_sb *sb, struct tcp_sack_pool *pool, uint32_t snd_una);

/* Cap this scoreboard at n holes (clamped to [64, TCP_SACK_MAX_HOLES_CAP]); holes already
 * held beyond it stay until acknowledged. */
void tcp_sack_sb_set_cap(struct tcp_sack_sb *sb, uint32_t n);

/* Give every hole back to the pool (the connection is going away). Idempotent. */
void tcp_sack_sb_release(struct tcp_sack_sb *sb);

/*
 * RFC 2018 8 / RFC 6675 5.1: forget every SACK and the retransmission marks, keep snd_una
 * (the receiver reneged).
 */
void tcp_sack_sb_clear(struct tcp_sack_sb *sb);

/*
 * An RTO: keep what was SACKed (RFC 6675 5.1 and its erratum 1610 allow it when reneging is
 * detected, as Linux does), deem every un-SACKed octet below snd_max lost and retransmit from
 * snd_una again (HighRxt = snd_una). The mark goes when snd_una passes it.
 */
void tcp_sack_sb_enter_loss(struct tcp_sack_sb *sb, uint32_t snd_max, uint32_t smss);

/* The RTO was spurious (RFC 3522): nothing is deemed lost by it any more. */
void tcp_sack_sb_undo_loss(struct tcp_sack_sb *sb, uint32_t smss);

/*
 * Apply an acceptable ACK: cumulative ack (not beyond snd_nxt, checked by the caller) and its
 * n SACK blocks. smss feeds IsLost. Returns 0; info (optional) says what was new.
 */
int tcp_sack_sb_update(struct tcp_sack_sb *sb, uint32_t ack, const struct tcp_sack_block *blk,
                       unsigned int n, uint32_t snd_nxt, uint32_t smss,
                       struct tcp_sack_ack_info *info);

/* RFC 6675 IsLost(seq). */
bool tcp_sack_sb_is_lost(const struct tcp_sack_sb *sb, uint32_t seq);

/* True when seq has been SACKed. */
bool tcp_sack_sb_is_sacked(const struct tcp_sack_sb *sb, uint32_t seq);

/*
 * The first octet at or after seq (at least snd_una) that the peer has not SACKed, with *end
 * one past the run of un-SACKed octets it starts (snd_nxt above the highest SACK). Returns
 * snd_nxt, *end snd_nxt, when everything from seq up to snd_nxt is SACKed.
 */
uint32_t tcp_sack_sb_unsacked(const struct tcp_sack_sb *sb, uint32_t seq, uint32_t snd_nxt,
                              uint32_t *end);

/*
 * RFC 6675 SetPipe(): octets in flight between snd_una and snd_nxt (snd_nxt counts a sent
 * FIN, so the FIN is in the pipe). Un-SACKed octets not lost count once; octets retransmitted
 * (below HighRxt) count once more.
 */
uint32_t tcp_sack_sb_pipe(const struct tcp_sack_sb *sb, uint32_t snd_nxt);

enum tcp_nextseg {
	TCP_NEXTSEG_NONE = 0, /* rule 5: nothing to send */
	TCP_NEXTSEG_LOST,     /* rule 1: retransmit [seq, seq+len), a lost range */
	TCP_NEXTSEG_NEW,      /* rule 2: send new data from snd_nxt */
	TCP_NEXTSEG_UNLOST,   /* rule 3: retransmit an un-SACKed range not yet deemed lost */
	TCP_NEXTSEG_RESCUE,   /* rule 4: one rescue retransmission per recovery */
};

/*
 * RFC 6675 NextSeg(): what to send next during recovery. new_data_ok says whether rule 2 may
 * apply (unsent data exists and the peer's window allows). Pure: call tcp_sack_sb_sent() once
 * the segment actually went out.
 */
enum tcp_nextseg tcp_sack_sb_next_seg(const struct tcp_sack_sb *sb, uint32_t smss, uint32_t snd_nxt,
                                      bool new_data_ok, uint32_t *seq, uint32_t *len);

/*
 * Record that the range NextSeg returned was sent (moves HighRxt, or RescueRxt for rule 4),
 * with snd_max as it was when it left (after it, for new data): retransmissions are fenced by
 * it, so that SACKs of data sent later can prove them lost.
 */
void tcp_sack_sb_sent(struct tcp_sack_sb *sb, enum tcp_nextseg kind, uint32_t seq, uint32_t len,
                      uint32_t recovery_point, uint32_t snd_max);

/* Receiver side. */
struct tcp_sack_rcv {
	struct tcp_sack_block blk[TCP_SACK_BLOCKS_MAX]; /* newest first */
	uint8_t n;
	bool dsack_pending;
	struct tcp_sack_block dsack;
};

void tcp_sack_rcv_init(struct tcp_sack_rcv *r);

/*
 * Out-of-order data arrived; [start, end) is the whole contiguous out-of-order range that now
 * holds it. Blocks it overlaps or touches merge into it, and it becomes the first block.
 */
void tcp_sack_rcv_add(struct tcp_sack_rcv *r, uint32_t start, uint32_t end);

/* A duplicate segment [start, end) arrived: report it once as a D-SACK (RFC 2883 4). */
void tcp_sack_rcv_dup(struct tcp_sack_rcv *r, uint32_t start, uint32_t end);

/* rcv_nxt advanced: drop what it covers. */
void tcp_sack_rcv_ack(struct tcp_sack_rcv *r, uint32_t rcv_nxt);

/*
 * Blocks for the next ACK into out (room for TCP_SACK_BLOCKS_MAX): the D-SACK block first if
 * one is pending (then consumed), then the containing block if any, then the newest first.
 * At most 4 blocks, 3 when timestamps are on. Returns the number written.
 */
unsigned int tcp_sack_rcv_fill(struct tcp_sack_rcv *r, bool timestamps, struct tcp_sack_block *out);

#endif
