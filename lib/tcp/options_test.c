/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_options.h"
#include "tcp_seq.h"

static void seq_compare_across_wrap(void **state)
{
	assert_true(tcp_seq_lt(0xfffffff0u, 0x10u));
	assert_true(tcp_seq_gt(0x10u, 0xfffffff0u));
	assert_true(tcp_seq_leq(5, 5));
	assert_true(tcp_seq_geq(5, 5));
	assert_false(tcp_seq_lt(5, 5));
	assert_true(tcp_seq_lt(0x7ffffffeu, 0x7fffffffu));
	assert_true(tcp_seq_lt(0xffffffffu, 0u));
	assert_int_equal(tcp_seq_max(0xfffffff0u, 0x10u), 0x10u);
	assert_int_equal(tcp_seq_min(0xfffffff0u, 0x10u), 0xfffffff0u);
	assert_true(tcp_seq_in(0u, 0xffffff00u, 0x100u));
	assert_false(tcp_seq_in(0x100u, 0xffffff00u, 0x100u));
}

static void syn_options_parsed(void **state)
{
	/* mss 1460, sackOK, ts 1 2, nop, wscale 7 (Linux layout) */
	const uint8_t o[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 7};
	struct tcp_opts p;
	assert_int_equal(tcp_options_parse(o, sizeof(o), true, &p), 0);
	assert_int_equal(p.flags,
	                 TCP_OPTF_MSS | TCP_OPTF_SACK_PERM | TCP_OPTF_TS | TCP_OPTF_WSCALE);
	assert_int_equal(p.mss, 1460);
	assert_int_equal(p.wscale, 7);
	assert_int_equal(p.ts_val, 1);
	assert_int_equal(p.ts_ecr, 2);
}

static void syn_only_options_ignored_elsewhere(void **state)
{
	const uint8_t o[] = {2, 4, 0x05, 0xb4, 4, 2, 1, 3, 3, 7};
	struct tcp_opts p;
	assert_int_equal(tcp_options_parse(o, sizeof(o), false, &p), 0);
	assert_int_equal(p.flags, 0);
	/* Skipped for being off a SYN, which the counters tell apart from a bad length. */
	assert_int_equal(p.ignored, TCP_OPT_IGN_SYN_ONLY);
	assert_int_equal(tcp_options_parse(o, sizeof(o), true, &p), 0);
	assert_int_equal(p.ignored, 0);
}

static void illegal_lengths_rejected(void **state)
{
	struct tcp_opts p;
	const uint8_t zero[] = {1, 99, 0, 1, 1};       /* unknown kind with length 0 */
	const uint8_t one[] = {2, 1, 0, 0};            /* length 1 */
	const uint8_t overrun[] = {8, 10, 0, 0, 0, 0}; /* 10 announced, 6 there */
	const uint8_t no_len[] = {1, 1, 1, 2};         /* kind, then the end */
	assert_int_equal(tcp_options_parse(zero, sizeof(zero), true, &p), -EBADMSG);
	assert_int_equal(tcp_options_parse(one, sizeof(one), true, &p), -EBADMSG);
	assert_int_equal(tcp_options_parse(overrun, sizeof(overrun), true, &p), -EBADMSG);
	assert_int_equal(tcp_options_parse(no_len, sizeof(no_len), true, &p), -EBADMSG);
}

static void unknown_and_wrong_length_known_ignored(void **state)
{
	/* kind 30 len 4 (unknown), MSS with length 5, then a good timestamp; EOL stops. */
	const uint8_t o[] = {30, 4, 9, 9, 2, 5, 1, 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9, 0, 8, 1};
	struct tcp_opts p;
	assert_int_equal(tcp_options_parse(o, sizeof(o), true, &p), 0);
	assert_int_equal(p.flags, TCP_OPTF_TS);
	assert_int_equal(p.ts_val, 7);
	assert_int_equal(p.ts_ecr, 9);
	/* The MSS of length 5 was skipped and reported; the unknown kind 30 is no fault. */
	assert_int_equal(p.ignored, TCP_OPT_IGN_BAD_LEN);
	const uint8_t unknown[] = {30, 4, 9, 9};
	assert_int_equal(tcp_options_parse(unknown, sizeof(unknown), true, &p), 0);
	assert_int_equal(p.ignored, 0);
	/* A wrong length is reported on a non-SYN too, and wins over being off a SYN. */
	const uint8_t ts_short[] = {8, 6, 0, 0, 0, 0, 1, 1};
	assert_int_equal(tcp_options_parse(ts_short, sizeof(ts_short), false, &p), 0);
	assert_int_equal(p.ignored, TCP_OPT_IGN_BAD_LEN);
	const uint8_t ws_long[] = {3, 4, 7, 0};
	assert_int_equal(tcp_options_parse(ws_long, sizeof(ws_long), false, &p), 0);
	assert_int_equal(p.ignored, TCP_OPT_IGN_BAD_LEN);
}

static void tiny_mss_floored_wscale_capped(void **state)
{
	const uint8_t o[] = {2, 4, 0, 8, 3, 3, 15, 1};
	struct tcp_opts p;
	assert_int_equal(tcp_options_parse(o, sizeof(o), true, &p), 0);
	assert_int_equal(p.mss, TCP_MSS_MIN);
	assert_int_equal(p.wscale, TCP_WSCALE_MAX);
	const uint8_t z[] = {2, 4, 0, 0};
	assert_int_equal(tcp_options_parse(z, sizeof(z), true, &p), 0);
	assert_int_equal(p.mss, TCP_MSS_MIN);
}

static void sack_blocks_parsed_and_bad_sack_ignored(void **state)
{
	const uint8_t o[] = {1, 1,  5,    18,   0,    0,    0, 10, 0, 0,
	                     0, 20, 0xff, 0xff, 0xff, 0xf0, 0, 0,  0, 5};
	struct tcp_opts p;
	assert_int_equal(tcp_options_parse(o, sizeof(o), false, &p), 0);
	assert_int_equal(p.n_sack, 2);
	assert_int_equal(p.sack[0].start, 10);
	assert_int_equal(p.sack[0].end, 20);
	assert_int_equal(p.sack[1].start, 0xfffffff0u);
	assert_int_equal(p.ignored, 0);
	const uint8_t bad[] = {5, 7, 0, 0, 0, 1, 0};
	assert_int_equal(tcp_options_parse(bad, sizeof(bad), false, &p), 0);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.ignored, TCP_OPT_IGN_BAD_LEN);
}

static void build_then_parse_round_trips(void **state)
{
	struct tcp_opts o = {.flags = TCP_OPTF_MSS | TCP_OPTF_WSCALE | TCP_OPTF_SACK_PERM |
	                              TCP_OPTF_TS,
	                     .mss = 1400,
	                     .wscale = 9,
	                     .ts_val = 0xdeadbeef,
	                     .ts_ecr = 0};
	uint8_t buf[TCP_OPTIONS_MAX];
	size_t n = tcp_options_build(buf, sizeof(buf), true, &o);
	assert_int_equal(n, 20);
	struct tcp_opts p;
	assert_int_equal(tcp_options_parse(buf, n, true, &p), 0);
	assert_int_equal(p.flags, o.flags);
	assert_int_equal(p.mss, 1400);
	assert_int_equal(p.wscale, 9);
	assert_int_equal(p.ts_val, 0xdeadbeef);

	/* Established with timestamps: 12 + at most 3 SACK blocks fit in 40 bytes. */
	struct tcp_opts a = {
	        .flags = TCP_OPTF_TS | TCP_OPTF_SACK, .ts_val = 5, .ts_ecr = 6, .n_sack = 4};
	for (int i = 0; i < 4; i++) {
		a.sack[i].start = 100u * (uint32_t)i;
		a.sack[i].end = 100u * (uint32_t)i + 50;
	}
	n = tcp_options_build(buf, sizeof(buf), false, &a);
	assert_int_equal(n, 12 + 4 + 3 * 8);
	assert_int_equal(tcp_options_parse(buf, n, false, &p), 0);
	assert_int_equal(p.n_sack, TCP_SACK_BLOCKS_MAX_TS);
	assert_int_equal(p.sack[2].end, 250);
	a.flags = TCP_OPTF_SACK;
	n = tcp_options_build(buf, sizeof(buf), false, &a);
	assert_int_equal(n, 4 + 4 * 8);
	assert_int_equal(tcp_options_parse(buf, n, false, &p), 0);
	assert_int_equal(p.n_sack, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(seq_compare_across_wrap),
	        cmocka_unit_test(syn_options_parsed),
	        cmocka_unit_test(syn_only_options_ignored_elsewhere),
	        cmocka_unit_test(illegal_lengths_rejected),
	        cmocka_unit_test(unknown_and_wrong_length_known_ignored),
	        cmocka_unit_test(tiny_mss_floored_wscale_capped),
	        cmocka_unit_test(sack_blocks_parsed_and_bad_sack_ignored),
	        cmocka_unit_test(build_then_parse_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
