/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_sack.h"
#include "tcp_seq.h"

#define SMSS 100u

static struct tcp_sack_sb sb;
#define POOL_HOLES (4 * TCP_SACK_MAX_HOLES)
static struct tcp_sack_hole pool_mem[POOL_HOLES];
static struct tcp_sack_pool pool;

/* A fresh pool for every scoreboard a test starts. */
static void sb_init(uint32_t una)
{
	tcp_sack_pool_init(&pool, pool_mem, POOL_HOLES);
	tcp_sack_sb_init(&sb, &pool, una);
}

static void sack1(uint32_t ack, uint32_t s, uint32_t e, uint32_t nxt)
{
	struct tcp_sack_block b = {s, e};
	tcp_sack_sb_update(&sb, ack, &b, 1, nxt, SMSS, NULL);
}

static void holes_and_islost_dupthresh(void **state)
{
	sb_init(1000);
	sack1(1000, 1100, 1200, 2000);
	assert_int_equal(sb.n_holes, 1);
	assert_int_equal(sb.sacked_bytes, 100);
	assert_false(tcp_sack_sb_is_lost(&sb, 1000));
	sack1(1000, 1300, 1400, 2000);
	/* Two blocks and 200 octets above: 200 is not more than (3-1)*SMSS. */
	assert_false(tcp_sack_sb_is_lost(&sb, 1000));
	sack1(1000, 1500, 1600, 2000);
	assert_true(tcp_sack_sb_is_lost(&sb, 1000));
	assert_true(tcp_sack_sb_is_lost(&sb, 1099));
	assert_false(tcp_sack_sb_is_lost(&sb, 1200));
	assert_true(tcp_sack_sb_is_sacked(&sb, 1150));
	assert_false(tcp_sack_sb_is_sacked(&sb, 1250));
	assert_false(tcp_sack_sb_is_sacked(&sb, 1700));
	/* Bytes rule: one block of 201 octets above is enough. */
	sb_init(1000);
	sack1(1000, 1100, 1301, 2000);
	assert_true(tcp_sack_sb_is_lost(&sb, 1000));
	assert_int_equal(sb.lost_bytes, 100);
}

static void adjacent_blocks_merge_and_middle_block_splits(void **state)
{
	sb_init(1000);
	sack1(1000, 1100, 1200, 2000);
	sack1(1000, 1200, 1300, 2000);
	assert_int_equal(sb.n_holes, 1);
	assert_int_equal(sb.sacked_bytes, 200);
	assert_int_equal(sb.high_sacked, 1300);
	sb_init(1000);
	sack1(1000, 1500, 1600, 2000);
	struct tcp_sack_ack_info info;
	struct tcp_sack_block b = {1200, 1300};
	tcp_sack_sb_update(&sb, 1000, &b, 1, 2000, SMSS, &info);
	assert_int_equal(info.newly_sacked, 100);
	assert_int_equal(sb.n_holes, 2);
	assert_int_equal(pool_mem[sb.head].end, 1200);
	assert_int_equal(pool_mem[sb.tail].start, 1300);
	/* A repeated block teaches nothing. */
	tcp_sack_sb_update(&sb, 1000, &b, 1, 2000, SMSS, &info);
	assert_int_equal(info.newly_sacked, 0);
	/* One block covering both holes' inner edges and beyond high_sacked. */
	b = (struct tcp_sack_block){1150, 1700};
	tcp_sack_sb_update(&sb, 1000, &b, 1, 2000, SMSS, &info);
	assert_int_equal(info.newly_sacked, 50 + 200 + 100);
	assert_int_equal(sb.n_holes, 1);
	assert_int_equal(sb.sacked_bytes, 550);
}

static void cumulative_ack_trims_and_clears(void **state)
{
	sb_init(1000);
	sack1(1000, 1100, 1200, 2000);
	sack1(1000, 1300, 1400, 2000);
	sack1(1250, 0, 0, 2000); /* empty block is ignored; ack moves */
	assert_int_equal(sb.snd_una, 1250);
	assert_int_equal(sb.n_holes, 1);
	assert_int_equal(pool_mem[sb.head].start, 1250);
	assert_int_equal(sb.sacked_bytes, 100);
	sack1(1400, 0, 0, 2000);
	assert_false(sb.has_sack);
	assert_int_equal(sb.n_holes, 0);
	assert_int_equal(tcp_sack_sb_pipe(&sb, 2000), 600);
}

static void invalid_blocks_ignored(void **state)
{
	sb_init(1000);
	sack1(1000, 1900, 2100, 2000); /* beyond snd_nxt */
	sack1(1000, 900, 1000, 2000);  /* below snd_una (reported as a D-SACK) */
	sack1(1000, 1500, 1400, 2000); /* inverted */
	sack1(1000, 1000 + 0x80000000u, 1001, 2000);
	assert_false(sb.has_sack);
	assert_int_equal(sb.n_holes, 0);
	/* Counted, per ACK and in all, except the D-SACK, which is information, not nonsense. */
	assert_int_equal(sb.ignored_invalid, 3);
	struct tcp_sack_ack_info info;
	struct tcp_sack_block two[3] = {{1200, 1300}, {1500, 1400}, {1900, 2100}};
	tcp_sack_sb_update(&sb, 1000, two, 3, 2000, SMSS, &info);
	assert_int_equal(info.ignored_invalid, 2);
	assert_int_equal(info.ignored_cap + info.ignored_pool, 0);
	assert_int_equal(info.newly_sacked, 100);
	assert_int_equal(sb.ignored_invalid, 5);
	tcp_sack_sb_clear(&sb);
	/* A block starting below snd_una is trimmed to it. */
	struct tcp_sack_block b[2] = {{1500, 1600}, {900, 1100}};
	tcp_sack_sb_update(&sb, 1000, b, 2, 2000, SMSS, NULL);
	assert_int_equal(sb.sacked_bytes, 200);
}

static void wraps_around_2_32(void **state)
{
	uint32_t una = 0xffffff00u;
	sb_init(una);
	sack1(una, una + 0x80, una + 0x180, una + 0x400); /* crosses zero */
	assert_int_equal(sb.sacked_bytes, 0x100);
	assert_true(tcp_sack_sb_is_sacked(&sb, 0x10));
	assert_false(tcp_sack_sb_is_sacked(&sb, una + 0x7f));
	sack1(una + 0x100, 0, 0, una + 0x400);
	assert_int_equal(sb.snd_una, 0);
	assert_int_equal(sb.sacked_bytes, 0x80);
	assert_int_equal(tcp_sack_sb_pipe(&sb, una + 0x400), 0x300 - 0x80);
}

static void dsack_detected(void **state)
{
	struct tcp_sack_ack_info info;
	sb_init(1000);
	/* RFC 2883 example: first block below the cumulative ack. */
	struct tcp_sack_block b[2] = {{900, 1000}, {1200, 1300}};
	tcp_sack_sb_update(&sb, 1000, b, 2, 2000, SMSS, &info);
	assert_true(info.dsack);
	assert_int_equal(info.dsack_block.start, 900);
	assert_int_equal(info.newly_sacked, 100);
	/* First block inside the second: duplicate of data above the ack. */
	struct tcp_sack_block c[2] = {{1220, 1250}, {1200, 1300}};
	tcp_sack_sb_update(&sb, 1000, c, 2, 2000, SMSS, &info);
	assert_true(info.dsack);
	assert_int_equal(info.newly_sacked, 0);
	assert_int_equal(sb.dsacks, 2);
	struct tcp_sack_block d[2] = {{1400, 1500}, {1200, 1300}};
	tcp_sack_sb_update(&sb, 1000, d, 2, 2000, SMSS, &info);
	assert_false(info.dsack);
	assert_int_equal(info.newly_sacked, 100);
}

static void hole_count_is_capped(void **state)
{
	/* SACK every other octet (CVE-2019-11477/8 pattern): never more than the cap. */
	sb_init(0);
	for (uint32_t k = 0; k < 2 * TCP_SACK_MAX_HOLES; k++)
		sack1(0, 2 * k + 1, 2 * k + 2, 1000000);
	assert_true(sb.n_holes <= TCP_SACK_MAX_HOLES);
	assert_int_equal(sb.n_holes, TCP_SACK_MAX_HOLES);
	assert_true(sb.ignored_cap > 0);
	/* Splitting a hole when the pool is full is refused too, without damage. */
	sack1(0, 4 * TCP_SACK_MAX_HOLES, 4 * TCP_SACK_MAX_HOLES + 4, 1000000);
	uint32_t holes = sb.n_holes;
	uint32_t sacked = sb.sacked_bytes;
	sack1(0, 4 * TCP_SACK_MAX_HOLES + 10, 4 * TCP_SACK_MAX_HOLES + 20, 1000000);
	assert_int_equal(sb.n_holes, holes);
	assert_true(sb.sacked_bytes >= sacked);
	/* Acking everything gives every hole back. */
	sack1(1000000, 0, 0, 1000000);
	assert_int_equal(sb.n_holes, 0);
	sack1(1000000, 1000000, 1000000, 1000000);
}

static void cap_follows_the_connection(void **state)
{
	/* A connection's cap (from its send buffer) bounds its holes; clamped to 64..8192. */
	sb_init(0);
	tcp_sack_sb_set_cap(&sb, 10);
	assert_int_equal(sb.cap, 64);
	for (uint32_t k = 0; k < 200; k++)
		sack1(0, 2 * k + 1, 2 * k + 2, 1000000);
	assert_int_equal(sb.n_holes, 64);
	tcp_sack_sb_set_cap(&sb, 100);
	for (uint32_t k = 200; k < 400; k++)
		sack1(0, 2 * k + 1, 2 * k + 2, 1000000);
	assert_int_equal(sb.n_holes, 100);
	tcp_sack_sb_set_cap(&sb, 1u << 20);
	assert_int_equal(sb.cap, TCP_SACK_MAX_HOLES_CAP);
}

static void pool_shared_and_bounded(void **state)
{
	/* Two scoreboards share a pool of 96 holes: the second gets what the first left, and
	 * blocks past the pool are ignored and counted as exhaustion, not per-board cap. */
	static struct tcp_sack_hole small[96];
	struct tcp_sack_pool p;
	struct tcp_sack_sb a, b;
	tcp_sack_pool_init(&p, small, 96);
	tcp_sack_sb_init(&a, &p, 0);
	tcp_sack_sb_init(&b, &p, 0);
	for (uint32_t k = 0; k < 64; k++) {
		struct tcp_sack_block blk = {2 * k + 1, 2 * k + 2};
		tcp_sack_sb_update(&a, 0, &blk, 1, 1000000, SMSS, NULL);
	}
	assert_int_equal(a.n_holes, 64);
	assert_int_equal(p.in_use, 64);
	for (uint32_t k = 0; k < 64; k++) {
		struct tcp_sack_block blk = {2 * k + 1, 2 * k + 2};
		tcp_sack_sb_update(&b, 0, &blk, 1, 1000000, SMSS, NULL);
	}
	assert_int_equal(b.n_holes, 32);
	assert_int_equal(p.in_use, 96);
	assert_int_equal(p.exhausted, 32);
	/* The pool, not b's cap, left those blocks out: counted under that one cause. */
	assert_int_equal(b.ignored_pool, 32);
	assert_int_equal(b.ignored_cap, 0);
	/* A cumulative ACK past everything gives a's holes back; b can grow again. */
	struct tcp_sack_block none = {0, 0};
	tcp_sack_sb_update(&a, 200, &none, 0, 1000000, SMSS, NULL);
	assert_int_equal(a.n_holes, 0);
	assert_int_equal(p.in_use, 32);
	struct tcp_sack_block far = {300, 301};
	tcp_sack_sb_update(&b, 0, &far, 1, 1000000, SMSS, NULL);
	assert_int_equal(b.n_holes, 33);
	/* Releasing a connection returns everything; a second release is harmless. */
	tcp_sack_sb_release(&b);
	tcp_sack_sb_release(&b);
	assert_int_equal(p.in_use, 0);
	uint32_t n = 0;
	for (uint32_t i = p.free_head; i != TCP_SACK_NIL; i = small[i].next)
		n++;
	assert_int_equal(n, 96);
}

/* ---- brute-force reference for IsLost and SetPipe over a bitmap ---- */

#define RANGE 3000u
static uint8_t ref_sacked[RANGE];

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static int ref_is_lost(uint32_t off, uint32_t hi)
{
	uint32_t blocks = 0, bytes = 0;
	for (uint32_t i = off + 1; i < hi; i++) {
		if (ref_sacked[i]) {
			bytes++;
			if (!ref_sacked[i - 1])
				blocks++;
		}
	}
	return blocks >= TCP_DUPTHRESH || bytes > (TCP_DUPTHRESH - 1) * SMSS;
}

static void matches_rfc6675_octet_by_octet(void **state)
{
	for (int round = 0; round < 200; round++) {
		uint32_t una = 0xfffff000u + rnd(0x2000); /* around the wrap */
		uint32_t nxt = una + RANGE;
		uint32_t ack_off = 0;
		memset(ref_sacked, 0, sizeof(ref_sacked));
		sb_init(una);
		uint32_t nblocks = 1 + rnd(12);
		for (uint32_t k = 0; k < nblocks; k++) {
			uint32_t s = rnd(RANGE), len = 1 + rnd(400);
			uint32_t e = s + len > RANGE ? RANGE : s + len;
			if (rnd(4) == 0 && ack_off < s)
				ack_off += rnd(s - ack_off);
			sack1(una + ack_off, una + s, una + e, nxt);
			for (uint32_t i = s; i < e; i++)
				ref_sacked[i] = 1;
		}
		uint32_t rxt = rnd(RANGE);
		tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, una, rxt, 0, nxt);
		uint32_t hi = 0;
		for (uint32_t i = 0; i < RANGE; i++)
			if (ref_sacked[i] && i >= ack_off)
				hi = i + 1;
		uint32_t pipe = 0;
		for (uint32_t i = ack_off; i < RANGE; i++) {
			if (ref_sacked[i])
				continue;
			int lost = ref_is_lost(i, hi);
			assert_int_equal(tcp_sack_sb_is_lost(&sb, una + i), lost);
			if (!lost)
				pipe++;
			if (i < ack_off || i < rxt)
				pipe++;
		}
		for (uint32_t i = ack_off; i < RANGE; i++)
			assert_int_equal(tcp_sack_sb_is_sacked(&sb, una + i), ref_sacked[i]);
		assert_int_equal(tcp_sack_sb_pipe(&sb, nxt), pipe);
	}
}

static void nextseg_rules(void **state)
{
	uint32_t seq, len;
	sb_init(1000);
	/* Holes [1000,1100) lost, [1200,1300) not lost; SACKed 1100-1200, 1300-1500. */
	sack1(1000, 1100, 1200, 2000);
	sack1(1000, 1300, 1500, 2000);
	assert_true(tcp_sack_sb_is_lost(&sb, 1000));
	assert_false(tcp_sack_sb_is_lost(&sb, 1200));
	/* Rule 1 beats new data. */
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2000, true, &seq, &len), TCP_NEXTSEG_LOST);
	assert_int_equal(seq, 1000);
	assert_int_equal(len, 100);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, seq, len, 2000, 2000);
	/* Rule 2 when new data may go. */
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2000, true, &seq, &len), TCP_NEXTSEG_NEW);
	assert_int_equal(seq, 2000);
	/* Rule 3 otherwise. */
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2000, false, &seq, &len),
	                 TCP_NEXTSEG_UNLOST);
	assert_int_equal(seq, 1200);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_UNLOST, seq, len, 2000, 2000);
	/* Rule 4: the rescue includes the highest un-SACKed octet (1999), once per recovery. */
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2000, false, &seq, &len),
	                 TCP_NEXTSEG_RESCUE);
	assert_int_equal(seq + len, 2000);
	assert_int_equal(len, SMSS);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_RESCUE, seq, len, 2000, 2000);
	assert_int_equal(sb.high_rxt, 1300); /* the rescue leaves HighRxt alone */
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2000, false, &seq, &len),
	                 TCP_NEXTSEG_NONE);
	/* A lost segment longer than one hole remainder is cut at the hole's end. */
	sb_init(1000);
	sack1(1000, 1050, 1400, 2000);
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2000, false, &seq, &len),
	                 TCP_NEXTSEG_LOST);
	assert_int_equal(len, 50);
}

/* A retransmission is lost too when more than (DupThresh - 1) * SMSS sent after it is SACKed
 * while its hole stays: NextSeg sends it again first, and pipe stops counting that copy. */
static void lost_retransmission_goes_again(void **state)
{
	uint32_t seq, len;
	sb_init(1000);
	sack1(1000, 1100, 1400, 2000);
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2000, false, &seq, &len),
	                 TCP_NEXTSEG_LOST);
	assert_int_equal(seq, 1000);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, seq, len, 2000, 2000);
	/* New data 2000..2600 went after it. SACKs up to 2200 are not yet proof. */
	struct tcp_sack_block b[2] = {{2000, 2200}, {1100, 1400}};
	tcp_sack_sb_update(&sb, 1000, b, 2, 2600, SMSS, NULL);
	/* the retransmission of [1000, 1100), the un-SACKed [1400, 2000) and 2200..2600 */
	assert_int_equal(tcp_sack_sb_pipe(&sb, 2600), 100 + 600 + 400);
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2600, true, &seq, &len),
	                 TCP_NEXTSEG_NEW); /* not 1000 again */
	b[0].end = 2201;
	tcp_sack_sb_update(&sb, 1000, b, 2, 2600, SMSS, NULL);
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2600, true, &seq, &len), TCP_NEXTSEG_LOST);
	assert_int_equal(seq, 1000);
	assert_int_equal(len, 100);
	/* The lost copy of [1000, 1100) is out of the pipe (and [1400, 2000) is lost now). */
	assert_int_equal(tcp_sack_sb_pipe(&sb, 2600), 399);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, seq, len, 2000, 2600);
	assert_int_equal(tcp_sack_sb_pipe(&sb, 2600), 100 + 399);
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2600, true, &seq, &len), TCP_NEXTSEG_LOST);
	assert_int_equal(seq, 1400);
	/* The third copy is judged against what was sent after the second (up to 2600). */
	b[0].end = 2800;
	tcp_sack_sb_update(&sb, 1000, b, 2, 3000, SMSS, NULL);
	tcp_sack_sb_next_seg(&sb, SMSS, 3000, true, &seq, &len);
	assert_int_equal(seq, 1400);
	b[0].end = 2801;
	tcp_sack_sb_update(&sb, 1000, b, 2, 3000, SMSS, NULL);
	tcp_sack_sb_next_seg(&sb, SMSS, 3000, true, &seq, &len);
	assert_int_equal(seq, 1000);
}

/* Only retransmitted octets go again, a hole split by a SACK keeps its mark, and an RTO
 * (everything goes again from snd_una) forgets the marks. */
static void lost_retransmission_split_and_rto(void **state)
{
	uint32_t seq, len;
	sb_init(1000);
	sack1(1000, 1300, 1600, 2000);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, 1000, 100, 2000, 2000);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, 1100, 100, 2000, 2000);
	/* [1200, 1300) was never retransmitted; 1100..1200 arrives now (the first copy of it
	 * was late): the hole splits, [1000, 1100) keeps its fence. */
	struct tcp_sack_block b[2] = {{1100, 1200}, {1300, 1600}};
	tcp_sack_sb_update(&sb, 1000, b, 2, 2600, SMSS, NULL);
	b[0] = (struct tcp_sack_block){2000, 2300};
	tcp_sack_sb_update(&sb, 1000, b, 2, 2600, SMSS, NULL);
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2600, false, &seq, &len),
	                 TCP_NEXTSEG_LOST);
	assert_int_equal(seq, 1000);
	assert_int_equal(len, 100);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, seq, len, 2000, 2600);
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2600, false, &seq, &len),
	                 TCP_NEXTSEG_LOST);
	assert_int_equal(seq, 1200); /* above HighRxt: a first retransmission */
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, seq, len, 2000, 2600);
	tcp_sack_sb_enter_loss(&sb, 2600, SMSS);
	b[0].end = 2600;
	tcp_sack_sb_update(&sb, 1000, b, 2, 2600, SMSS, NULL);
	assert_int_equal(tcp_sack_sb_next_seg(&sb, SMSS, 2600, false, &seq, &len),
	                 TCP_NEXTSEG_LOST);
	assert_int_equal(seq, 1000); /* from snd_una, once */
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, seq, len, 2000, 2600);
	tcp_sack_sb_next_seg(&sb, SMSS, 2600, false, &seq, &len);
	assert_int_equal(seq, 1200);
}

static void clear_on_rto_forgets_sacks(void **state)
{
	sb_init(1000);
	sack1(1000, 1100, 1200, 2000);
	sack1(1000, 1300, 1400, 2000);
	tcp_sack_sb_sent(&sb, TCP_NEXTSEG_LOST, 1000, 100, 2000, 2000);
	tcp_sack_sb_clear(&sb);
	assert_false(sb.has_sack);
	assert_int_equal(sb.n_holes, 0);
	assert_int_equal(sb.high_rxt, 1000);
	assert_false(tcp_sack_sb_is_sacked(&sb, 1150));
	assert_int_equal(tcp_sack_sb_pipe(&sb, 2000), 1000);
	/* The pool is whole again: TCP_SACK_MAX_HOLES holes can be made. */
	for (uint32_t k = 0; k < TCP_SACK_MAX_HOLES; k++)
		sack1(1000, 1001 + 2 * k, 1002 + 2 * k, 1000 + 4 * TCP_SACK_MAX_HOLES);
	assert_int_equal(sb.n_holes, TCP_SACK_MAX_HOLES);
	assert_int_equal(sb.ignored_cap, 0);
}

static void receiver_blocks_newest_first(void **state)
{
	struct tcp_sack_rcv r;
	struct tcp_sack_block out[TCP_SACK_BLOCKS_MAX];
	tcp_sack_rcv_init(&r);
	tcp_sack_rcv_add(&r, 200, 300);
	tcp_sack_rcv_add(&r, 400, 500);
	tcp_sack_rcv_add(&r, 600, 700);
	tcp_sack_rcv_add(&r, 800, 900);
	tcp_sack_rcv_add(&r, 1000, 1100);
	assert_int_equal(tcp_sack_rcv_fill(&r, false, out), 4);
	assert_int_equal(out[0].start, 1000);
	assert_int_equal(out[3].start, 400);
	assert_int_equal(tcp_sack_rcv_fill(&r, true, out), 3);
	/* A segment joining two blocks: merged block first. */
	tcp_sack_rcv_add(&r, 600, 900);
	assert_int_equal(tcp_sack_rcv_fill(&r, false, out), 3);
	assert_int_equal(out[0].start, 600);
	assert_int_equal(out[0].end, 900);
	assert_int_equal(out[1].start, 1000);
	tcp_sack_rcv_ack(&r, 650); /* [400,500) is gone, [600,900) trimmed */
	assert_int_equal(tcp_sack_rcv_fill(&r, false, out), 2);
	assert_int_equal(out[0].start, 650);
	tcp_sack_rcv_ack(&r, 2000);
	assert_int_equal(tcp_sack_rcv_fill(&r, false, out), 0);
}

static void receiver_dsack_reported_once(void **state)
{
	struct tcp_sack_rcv r;
	struct tcp_sack_block out[TCP_SACK_BLOCKS_MAX];
	tcp_sack_rcv_init(&r);
	tcp_sack_rcv_add(&r, 400, 500);
	tcp_sack_rcv_add(&r, 600, 700);
	tcp_sack_rcv_dup(&r, 100, 200); /* below rcv_nxt */
	assert_int_equal(tcp_sack_rcv_fill(&r, true, out), 3);
	assert_int_equal(out[0].start, 100);
	assert_int_equal(out[1].start, 600);
	assert_int_equal(tcp_sack_rcv_fill(&r, true, out), 2);
	assert_int_equal(out[0].start, 600);
	/* Duplicate inside an out-of-order block: that block follows the D-SACK. */
	tcp_sack_rcv_dup(&r, 420, 450);
	assert_int_equal(tcp_sack_rcv_fill(&r, false, out), 3);
	assert_int_equal(out[0].start, 420);
	assert_int_equal(out[1].start, 400);
	assert_int_equal(out[2].start, 600);
}

/* The first un-SACKed octet at or after a point and the run it starts (window copies). */
static void unsacked_runs(void **state)
{
	uint32_t end;
	sb_init(1000);
	/* Nothing SACKed: everything from snd_una to snd_nxt is one run. */
	assert_int_equal(tcp_sack_sb_unsacked(&sb, 900, 2000, &end), 1000);
	assert_int_equal(end, 2000);
	sack1(1000, 1100, 1200, 2000);
	sack1(1000, 1300, 1400, 2000);
	assert_int_equal(tcp_sack_sb_unsacked(&sb, 1000, 2000, &end), 1000);
	assert_int_equal(end, 1100);
	assert_int_equal(tcp_sack_sb_unsacked(&sb, 1050, 2000, &end), 1050);
	assert_int_equal(end, 1100);
	/* Inside a SACKed block: the next hole. */
	assert_int_equal(tcp_sack_sb_unsacked(&sb, 1150, 2000, &end), 1200);
	assert_int_equal(end, 1300);
	/* In the last block: above it, up to snd_nxt. */
	assert_int_equal(tcp_sack_sb_unsacked(&sb, 1300, 2000, &end), 1400);
	assert_int_equal(end, 2000);
	assert_int_equal(tcp_sack_sb_unsacked(&sb, 1500, 2000, &end), 1500);
	assert_int_equal(end, 2000);
	/* At or past snd_nxt, or SACKed up to it: nothing. */
	assert_int_equal(tcp_sack_sb_unsacked(&sb, 2000, 2000, &end), 2000);
	sack1(1000, 1400, 2000, 2000);
	assert_int_equal(tcp_sack_sb_unsacked(&sb, 1300, 2000, &end), 2000);
	assert_int_equal(end, 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(holes_and_islost_dupthresh),
	        cmocka_unit_test(adjacent_blocks_merge_and_middle_block_splits),
	        cmocka_unit_test(cumulative_ack_trims_and_clears),
	        cmocka_unit_test(invalid_blocks_ignored),
	        cmocka_unit_test(wraps_around_2_32),
	        cmocka_unit_test(dsack_detected),
	        cmocka_unit_test(hole_count_is_capped),
	        cmocka_unit_test(pool_shared_and_bounded),
	        cmocka_unit_test(cap_follows_the_connection),
	        cmocka_unit_test(matches_rfc6675_octet_by_octet),
	        cmocka_unit_test(nextseg_rules),
	        cmocka_unit_test(lost_retransmission_goes_again),
	        cmocka_unit_test(lost_retransmission_split_and_rto),
	        cmocka_unit_test(clear_on_rto_forgets_sacks),
	        cmocka_unit_test(receiver_blocks_newest_first),
	        cmocka_unit_test(receiver_dsack_reported_once),
	        cmocka_unit_test(unsacked_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
