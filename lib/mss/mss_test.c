/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mss.h"

#define SYN     0x02
#define ACK     0x10
#define SEG_MAX 128

/* Options used in the tests (RFC 9293 3.1, RFC 2018, RFC 7323). */
#define O_MSS(v) 2, 4, (uint8_t)((v) >> 8), (uint8_t)(v)
#define O_SACKOK 4, 2
#define O_WS(s)  3, 3, (s)
#define O_TS     8, 10, 1, 2, 3, 4, 0, 0, 0, 0
#define O_NOP    1
#define O_EOL    0

static const uint8_t src_ip[4] = {10, 0, 0, 1};
static const uint8_t dst_ip[4] = {192, 168, 7, 200};

/*
 * Reference Internet checksum written independently of lib/net: plain big-endian word sum
 * over the IPv4 pseudo-header (RFC 9293 3.1) and the segment, odd byte padded with zero.
 */
static uint32_t ref_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static uint16_t ref_fold_with_pseudo(const uint8_t *seg, uint32_t len)
{
	uint32_t sum = ref_sum(src_ip, 4, 0);
	sum = ref_sum(dst_ip, 4, sum);
	sum += 6; /* zero, protocol TCP */
	sum += len;
	sum = ref_sum(seg, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* What a receiver checks: the sum over pseudo-header and segment, checksum included, is ~0. */
static int csum_valid(const uint8_t *seg, uint32_t len)
{
	return ref_fold_with_pseudo(seg, len) == 0xffff;
}

static void set_csum(uint8_t *seg, uint32_t len)
{
	seg[16] = seg[17] = 0;
	uint16_t c = (uint16_t)~ref_fold_with_pseudo(seg, len);
	seg[16] = (uint8_t)(c >> 8);
	seg[17] = (uint8_t)c;
}

/*
 * Build a segment: 20-byte header with flags, the options padded with EOL to a multiple of 4,
 * payload_len bytes of payload; checksum valid. Returns the segment length.
 */
static uint32_t build(uint8_t *seg, uint8_t flags, const uint8_t *opts, uint32_t opt_len,
                      uint32_t payload_len)
{
	memset(seg, 0, SEG_MAX);
	seg[0] = 0x30, seg[1] = 0x39; /* sport 12345 */
	seg[2] = 0x00, seg[3] = 0x68; /* dport 104 (DICOM) */
	seg[4] = 0xde, seg[5] = 0xad, seg[6] = 0xbe, seg[7] = 0xef;
	seg[14] = 0xfa, seg[15] = 0xf0; /* window */
	seg[13] = flags;
	uint32_t opt_padded = (opt_len + 3) & ~3u;
	assert_true(20 + opt_padded + payload_len <= SEG_MAX);
	seg[12] = (uint8_t)(((20 + opt_padded) / 4) << 4);
	if (opt_len > 0) /* opts may be NULL then: memcpy's pointers must be valid (C11 7.24.1) */
		memcpy(seg + 20, opts, opt_len);
	for (uint32_t i = 0; i < payload_len; i++)
		seg[20 + opt_padded + i] = (uint8_t)(0x5a + 7 * i);
	uint32_t len = 20 + opt_padded + payload_len;
	set_csum(seg, len);
	assert_true(csum_valid(seg, len));
	return len;
}

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Clamp and check: the result, the old value, that only the MSS value bytes (and the
 * checksum) changed, and that the checksum is valid by full recomputation.
 */
static void expect_clamp(uint8_t *seg, uint32_t len, uint16_t max, uint32_t mss_off,
                         uint16_t old_expected)
{
	uint8_t before[SEG_MAX];
	memcpy(before, seg, len);
	uint16_t old = 0;
	assert_int_equal(mss_clamp(seg, len, max, 0, &old), MSS_CLAMPED);
	assert_int_equal(old, old_expected);
	assert_int_equal(be16_at(seg + mss_off), max);
	for (uint32_t i = 0; i < len; i++)
		if (i != 16 && i != 17 && i != mss_off && i != mss_off + 1)
			assert_int_equal(seg[i], before[i]);
	assert_true(csum_valid(seg, len));
}

/* The segment is copied to a heap block of exactly len bytes so ASan sees any over-read. */
static void expect_untouched(const uint8_t *seg, uint32_t len, uint16_t max, enum mss_result want)
{
	uint8_t *exact = malloc(len); /* not test_malloc: its guard bytes hide over-reads */
	memcpy(exact, seg, len);
	assert_int_equal(mss_clamp(exact, len, max, 0, NULL), want);
	assert_memory_equal(exact, seg, len);
	free(exact);
}

static void mss_first(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1460), O_SACKOK, O_TS, O_NOP, O_WS(7)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	expect_clamp(seg, len, 1360, 22, 1460);
}

static void mss_last(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_NOP, O_NOP, O_TS, O_SACKOK, O_NOP, O_WS(7), O_MSS(8960)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	expect_clamp(seg, len, 1260, 20 + 18 + 2, 8960);
}

/* A NOP before MSS puts the value at an odd offset: the RFC 1624 update must swap bytes. */
static void mss_at_odd_offset(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_NOP, O_MSS(1460), O_NOP, O_WS(2), O_NOP, O_SACKOK};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	expect_clamp(seg, len, 1400, 23, 1460);
}

/* Linux's SYN layout: MSS, SACK-permitted, timestamps, NOP, window scale. */
static void linux_syn_layout(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(65495), O_SACKOK, O_TS, O_NOP, O_WS(7)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	assert_int_equal(len, 40);
	expect_clamp(seg, len, 1460, 22, 65495);
}

static void syn_ack_like_syn(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1460), O_NOP, O_NOP, O_SACKOK, O_NOP, O_WS(9)};
	uint32_t len = build(seg, SYN | ACK, o, sizeof(o), 0);
	expect_clamp(seg, len, 1300, 22, 1460);
}

/* SYN with data (TCP Fast Open) and an odd length: the checksum still verifies. */
static void syn_with_odd_payload(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_NOP, O_MSS(1460), O_NOP, O_NOP, O_NOP};
	uint32_t len = build(seg, SYN, o, sizeof(o), 37);
	expect_clamp(seg, len, 536, 23, 1460);
}

/* Many values, both parities, so a carry or a -0 case in the update would show up. */
static void checksum_sweep(void **state)
{
	for (uint32_t v = 600; v < 65535; v += 997) {
		for (uint16_t max = 536; max < 9000; max += 1231) {
			for (int nops = 0; nops < 2; nops++) {
				uint8_t seg[SEG_MAX];
				uint8_t o[8] = {O_NOP, O_NOP};
				uint32_t at = (uint32_t)nops;
				o[at] = 2, o[at + 1] = 4, o[at + 2] = (uint8_t)(v >> 8);
				o[at + 3] = (uint8_t)v;
				uint32_t len = build(seg, SYN, o, at + 4, (uint32_t)(v % 9));
				uint16_t old = 0;
				enum mss_result r = mss_clamp(seg, len, max, 0, &old);
				assert_int_equal(r, v > max ? MSS_CLAMPED : MSS_UNCHANGED);
				assert_int_equal(old, v);
				assert_int_equal(be16_at(seg + 22 + at), v > max ? max : v);
				assert_true(csum_valid(seg, len));
			}
		}
	}
}

static void mss_absent(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_SACKOK, O_TS, O_NOP, O_WS(7)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	expect_untouched(seg, len, 1300, MSS_ABSENT);
}

static void no_options_doff5(void **state)
{
	uint8_t seg[SEG_MAX];
	uint32_t len = build(seg, SYN, NULL, 0, 0);
	assert_int_equal(len, 20);
	expect_untouched(seg, len, 1300, MSS_ABSENT);
	/* Payload bytes that look like an MSS option are not options. */
	const uint8_t fake[] = {O_MSS(9000)};
	len = build(seg, SYN, NULL, 0, 8);
	memcpy(seg + 20, fake, sizeof(fake));
	set_csum(seg, len);
	expect_untouched(seg, len, 1300, MSS_ABSENT);
}

/* RFC 9293 3.1: EOL ends the list; bytes after it are padding, even if they look like MSS. */
static void eol_ends_list(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_NOP, O_EOL, O_MSS(9000), 0, 0, 0};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	expect_untouched(seg, len, 1300, MSS_ABSENT);
	/* Garbage after EOL does not make the segment malformed either. */
	const uint8_t o2[] = {O_MSS(1460), O_EOL, 5, 0, 0, 0};
	len = build(seg, SYN, o2, sizeof(o2), 0);
	expect_clamp(seg, len, 1300, 22, 1460);
}

static void already_lower_left_alone(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1200), O_SACKOK, O_NOP, O_WS(7)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	uint16_t old = 0;
	uint8_t before[SEG_MAX];
	memcpy(before, seg, len);
	assert_int_equal(mss_clamp(seg, len, 1360, 0, &old), MSS_UNCHANGED);
	assert_int_equal(old, 1200);
	assert_memory_equal(seg, before, len);
}

static void equal_left_alone(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1360)};
	uint32_t len = build(seg, SYN | ACK, o, sizeof(o), 0);
	expect_untouched(seg, len, 1360, MSS_UNCHANGED);
}

static void non_syn_untouched(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1460), O_NOP, O_NOP, O_NOP, O_NOP};
	uint32_t len = build(seg, ACK, o, sizeof(o), 10);
	expect_untouched(seg, len, 1300, MSS_NOT_SYN);
	/* Not our business to judge a data segment's options, even broken ones. */
	const uint8_t bad[] = {O_NOP, 8, 0, 0, 0};
	len = build(seg, ACK, bad, sizeof(bad), 0);
	expect_untouched(seg, len, 1300, MSS_NOT_SYN);
}

static void option_length_zero(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_NOP, 8, 0, O_MSS(1460), 0};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	expect_untouched(seg, len, 1300, MSS_MALFORMED);
	assert_int_equal(mss_result_stat(MSS_MALFORMED), STAT_drop_tcp_options);
	assert_true(mss_result_is_drop(MSS_MALFORMED));
}

/* MSS_F_CHECK_ONLY: the same verdicts as a clamp, and nothing written. */
static void check_only_writes_nothing(void **state)
{
	uint8_t seg[SEG_MAX], before[SEG_MAX];
	const uint8_t o[] = {O_MSS(1460), O_SACKOK, O_TS, O_NOP, O_WS(7)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	memcpy(before, seg, len);
	assert_int_equal(mss_clamp(seg, len, 1300, MSS_F_CHECK_ONLY, NULL), MSS_UNCHANGED);
	assert_memory_equal(seg, before, len);
	const uint8_t bad[] = {O_NOP, 8, 0, O_MSS(1460), 0};
	len = build(seg, SYN, bad, sizeof(bad), 0);
	assert_int_equal(mss_clamp(seg, len, 1300, MSS_F_CHECK_ONLY, NULL), MSS_MALFORMED);
	const uint8_t none[] = {O_SACKOK, O_NOP, O_NOP};
	len = build(seg, SYN, none, sizeof(none), 0);
	assert_int_equal(mss_clamp(seg, len, 1300, MSS_F_CHECK_ONLY, NULL), MSS_ABSENT);
}

static void option_length_one(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1460), 4, 1, 0, 0};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	/* Also checks that a valid MSS before the bad option is not rewritten. */
	expect_untouched(seg, len, 1300, MSS_MALFORMED);
}

static void option_past_header(void **state)
{
	uint8_t seg[SEG_MAX];
	/* Timestamps claim 10 bytes where only 6 remain before the data offset (payload follows).
	 */
	const uint8_t o[] = {O_MSS(1460), O_NOP, O_NOP, 8, 10, 1, 2, 3, 4};
	uint32_t len = build(seg, SYN, o, sizeof(o), 12);
	assert_int_equal(seg[12] >> 4, 8);
	expect_untouched(seg, len, 1300, MSS_MALFORMED);
	/* A kind byte in the last option byte with no room for its length. */
	const uint8_t o2[] = {O_MSS(1460), O_NOP, O_NOP, O_NOP, 3};
	len = build(seg, SYN, o2, sizeof(o2), 0);
	expect_untouched(seg, len, 1300, MSS_MALFORMED);
	/* MSS itself running past the header. */
	const uint8_t o3[] = {O_NOP, O_NOP, 2, 4};
	len = build(seg, SYN, o3, sizeof(o3), 4);
	expect_untouched(seg, len, 1300, MSS_MALFORMED);
}

static void mss_wrong_length(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o3[] = {2, 3, 0x05, O_NOP};
	uint32_t len = build(seg, SYN, o3, sizeof(o3), 0);
	expect_untouched(seg, len, 1300, MSS_MALFORMED);
	const uint8_t o6[] = {2, 6, 0x23, 0x28, 0, 0, O_NOP, O_NOP};
	len = build(seg, SYN, o6, sizeof(o6), 0);
	expect_untouched(seg, len, 1300, MSS_MALFORMED);
}

static void bad_header(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1460)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	expect_untouched(seg, 19, 1300, MSS_BAD_HEADER);
	/* data offset past tcp_len */
	expect_untouched(seg, len - 1, 1300, MSS_BAD_HEADER);
	/* data offset below 5 */
	seg[12] = 4 << 4;
	expect_untouched(seg, len, 1300, MSS_BAD_HEADER);
	assert_int_equal(mss_result_stat(MSS_BAD_HEADER), STAT_drop_tcp_doff);
}

static void two_mss_options_both_clamped(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1000), O_MSS(9000)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	uint16_t old = 0;
	assert_int_equal(mss_clamp(seg, len, 1300, 0, &old), MSS_CLAMPED);
	assert_int_equal(old, 9000);
	assert_int_equal(be16_at(seg + 22), 1000); /* never raised */
	assert_int_equal(be16_at(seg + 26), 1300);
	assert_true(csum_valid(seg, len));
}

/* The data path's split: scan before classification (nothing written), clamp once routed. */
static void scan_then_clamp_where(void **state)
{
	uint8_t seg[SEG_MAX], before[SEG_MAX];
	struct mss_where w;
	const uint8_t o[] = {O_NOP, O_MSS(1460), O_SACKOK, O_TS, O_WS(7)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	memcpy(before, seg, len);
	assert_int_equal(mss_scan(seg, len, &w), MSS_UNCHANGED);
	assert_memory_equal(seg, before, len);
	assert_int_equal(w.n_mss, 1);
	assert_int_equal(w.first_off, 21);
	assert_int_equal(w.largest, 1460);
	assert_int_equal(mss_clamp_where(seg, &w, 1460, 0), MSS_UNCHANGED);
	assert_memory_equal(seg, before, len);
	assert_int_equal(mss_clamp_where(seg, &w, 1300, 0), MSS_CLAMPED);
	assert_int_equal(be16_at(seg + 23), 1300);
	assert_true(csum_valid(seg, len));

	/* Two MSS options: both checked, the larger lowered where the list says. */
	const uint8_t two[] = {O_MSS(1000), O_NOP, O_MSS(9000)};
	len = build(seg, SYN, two, sizeof(two), 0);
	assert_int_equal(mss_scan(seg, len, &w), MSS_UNCHANGED);
	assert_int_equal(w.n_mss, 2);
	assert_int_equal(w.largest, 9000);
	assert_int_equal(mss_clamp_where(seg, &w, 1300, 0), MSS_CLAMPED);
	assert_int_equal(be16_at(seg + 22), 1000);
	assert_int_equal(be16_at(seg + 27), 1300);
	assert_true(csum_valid(seg, len));

	/* Refused and absent lists leave nothing for the clamp to do. */
	const uint8_t bad[] = {O_NOP, 8, 0, O_MSS(1460), 0};
	len = build(seg, SYN, bad, sizeof(bad), 0);
	assert_int_equal(mss_scan(seg, len, &w), MSS_MALFORMED);
	assert_int_equal(w.n_mss, 0);
	const uint8_t none[] = {O_SACKOK, O_NOP, O_NOP};
	len = build(seg, SYN, none, sizeof(none), 0);
	memcpy(before, seg, len);
	assert_int_equal(mss_scan(seg, len, &w), MSS_ABSENT);
	assert_int_equal(mss_clamp_where(seg, &w, 1300, 0), MSS_ABSENT);
	assert_memory_equal(seg, before, len);
}

static void csum_offload_leaves_checksum(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1460), O_SACKOK, O_NOP, O_NOP};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	uint16_t csum = be16_at(seg + 16);
	assert_int_equal(mss_clamp(seg, len, 1300, MSS_F_CSUM_OFFLOAD, NULL), MSS_CLAMPED);
	assert_int_equal(be16_at(seg + 22), 1300);
	assert_int_equal(be16_at(seg + 16), csum);
}

static void tiny_max_floored(void **state)
{
	uint8_t seg[SEG_MAX];
	const uint8_t o[] = {O_MSS(1460)};
	uint32_t len = build(seg, SYN, o, sizeof(o), 0);
	expect_clamp(seg, len, MSS_MIN, 22, 1460);
	len = build(seg, SYN, o, sizeof(o), 0);
	assert_int_equal(mss_clamp(seg, len, 10, 0, NULL), MSS_CLAMPED);
	assert_int_equal(be16_at(seg + 22), MSS_MIN);
}

static void auto_value(void **state)
{
	assert_int_equal(mss_auto(1500, 0), 1460);
	assert_int_equal(mss_auto(1300, 0), 1260);
	assert_int_equal(mss_auto(1500, 62), 1398);
	assert_int_equal(mss_auto(9000, 0), 8960);
	assert_int_equal(mss_auto(104, 0), MSS_MIN);
	assert_int_equal(mss_auto(103, 0), -EINVAL);
	assert_int_equal(mss_auto(1500, 0xffffffffu), -EINVAL);
	assert_int_equal(mss_auto(70000, 0), MSS_MAX);
}

static void result_stats(void **state)
{
	assert_int_equal(mss_result_stat(MSS_CLAMPED), STAT_mss_clamped);
	assert_int_equal(mss_result_stat(MSS_UNCHANGED), STAT_mss_unchanged);
	assert_int_equal(mss_result_stat(MSS_ABSENT), STAT_mss_absent);
	assert_int_equal(mss_result_stat(MSS_NOT_SYN), STAT_MAX);
	assert_false(mss_result_is_drop(MSS_CLAMPED));
	assert_false(mss_result_is_drop(MSS_ABSENT));
	assert_true(mss_result_is_drop(MSS_BAD_HEADER));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(mss_first),
	        cmocka_unit_test(mss_last),
	        cmocka_unit_test(mss_at_odd_offset),
	        cmocka_unit_test(linux_syn_layout),
	        cmocka_unit_test(syn_ack_like_syn),
	        cmocka_unit_test(syn_with_odd_payload),
	        cmocka_unit_test(checksum_sweep),
	        cmocka_unit_test(mss_absent),
	        cmocka_unit_test(no_options_doff5),
	        cmocka_unit_test(eol_ends_list),
	        cmocka_unit_test(already_lower_left_alone),
	        cmocka_unit_test(equal_left_alone),
	        cmocka_unit_test(non_syn_untouched),
	        cmocka_unit_test(option_length_zero),
	        cmocka_unit_test(option_length_one),
	        cmocka_unit_test(option_past_header),
	        cmocka_unit_test(mss_wrong_length),
	        cmocka_unit_test(bad_header),
	        cmocka_unit_test(two_mss_options_both_clamped),
	        cmocka_unit_test(scan_then_clamp_where),
	        cmocka_unit_test(csum_offload_leaves_checksum),
	        cmocka_unit_test(tiny_max_floored),
	        cmocka_unit_test(auto_value),
	        cmocka_unit_test(result_stats),
	        cmocka_unit_test(check_only_writes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
