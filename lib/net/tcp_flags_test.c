/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP flag policy (net_tcp_flags_check) against its model: netfilter's table of valid
 * combinations over FIN, SYN, RST, ACK and URG, PSH/ECE/CWR ignored; and each refused
 * combination's one reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "net.h"

enum {
	FIN = 0x01,
	SYN = 0x02,
	RST = 0x04,
	PSH = 0x08,
	ACK = 0x10,
	URG = 0x20,
	ECE = 0x40,
	CWR = 0x80
};

/* The accepted combinations, written out as the documentation lists them. */
static bool model_valid(uint8_t f)
{
	static const uint8_t valid[] = {SYN,       SYN | URG,       SYN | ACK, RST,      RST | ACK,
	                                FIN | ACK, FIN | ACK | URG, ACK,       ACK | URG};
	uint8_t k = f & (uint8_t) ~(PSH | ECE | CWR);
	for (unsigned int i = 0; i < sizeof(valid); i++)
		if (k == valid[i])
			return true;
	return false;
}

static void every_flag_byte_follows_the_table(void **state)
{
	(void)state;
	unsigned int refused = 0;
	for (unsigned int f = 0; f < 256; f++) {
		int r = net_tcp_flags_check((uint8_t)f);
		if (model_valid((uint8_t)f) != (r == 0))
			fail_msg("flags 0x%02x: check %d, table says %s", f, r,
			         model_valid((uint8_t)f) ? "valid" : "invalid");
		if (r != 0) {
			assert_true(stats_is_drop((enum stat_id)r));
			refused++;
		}
	}
	/* 9 of the 32 combinations of the five deciding flags, times 8 for PSH/ECE/CWR. */
	assert_int_equal(refused, 256 - 9 * 8);
}

static void each_refusal_has_its_reason(void **state)
{
	(void)state;
	static const struct {
		uint8_t flags;
		int reason;
	} cases[] = {
	        {SYN | FIN, STAT_drop_tcp_syn_fin},
	        {SYN | FIN | ACK | PSH, STAT_drop_tcp_syn_fin},
	        {SYN | FIN | RST, STAT_drop_tcp_syn_fin},
	        {SYN | RST, STAT_drop_tcp_syn_rst},
	        {SYN | RST | ACK, STAT_drop_tcp_syn_rst},
	        {RST | FIN, STAT_drop_tcp_rst_fin},
	        {RST | FIN | ACK, STAT_drop_tcp_rst_fin},
	        {0, STAT_drop_tcp_no_flags},
	        {FIN, STAT_drop_tcp_no_ack},
	        {PSH, STAT_drop_tcp_no_ack},
	        {URG, STAT_drop_tcp_no_ack},
	        {FIN | PSH | URG, STAT_drop_tcp_no_ack}, /* the "Xmas tree" scan */
	        {ECE | CWR, STAT_drop_tcp_no_ack},
	        {SYN | ACK | URG, STAT_drop_tcp_urg},
	        {RST | URG, STAT_drop_tcp_urg},
	        {RST | ACK | URG, STAT_drop_tcp_urg},
	        {SYN, 0},
	        {SYN | ECE | CWR, 0}, /* an ECN-setup SYN (RFC 3168 6.1.1) */
	        {SYN | ACK | ECE, 0},
	        {SYN | URG, 0},
	        {RST, 0},
	        {RST | ACK | PSH, 0},
	        {ACK | PSH, 0},
	        {FIN | ACK | PSH, 0},
	        {FIN | ACK | URG, 0},
	        {ACK | URG | PSH, 0},
	};
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (net_tcp_flags_check(cases[i].flags) != cases[i].reason)
			fail_msg("flags 0x%02x: %d, want %d", cases[i].flags,
			         net_tcp_flags_check(cases[i].flags), cases[i].reason);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(every_flag_byte_follows_the_table),
	        cmocka_unit_test(each_refusal_has_its_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
