/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_cc.h"

#define SMSS 1000u

static void ack(struct tcp_cc *cc, uint32_t acked)
{
	struct tcp_cc_ack a = {.acked = acked, .flight_size = cc->cwnd};
	cc->ops->on_ack(cc, &a);
}

static void lookup_by_name(void **state)
{
	assert_non_null(tcp_cc_find("reno"));
	assert_ptr_equal(tcp_cc_find("reno"), tcp_cc_find("newreno"));
	assert_string_equal(tcp_cc_find("reno")->name, "newreno");
	assert_null(tcp_cc_find("cubic"));
	assert_null(tcp_cc_find(NULL));
	struct tcp_cc cc;
	assert_int_equal(tcp_cc_init(&cc, NULL, SMSS, 0, 1u << 30, 0), -22);
	assert_int_equal(tcp_cc_init(&cc, tcp_cc_find("reno"), 0, 0, 1u << 30, 0), -22);
}

static void initial_window(void **state)
{
	assert_int_equal(tcp_cc_initial_window(1460, 0), 4380);
	assert_int_equal(tcp_cc_initial_window(536, 0), 4 * 536);
	assert_int_equal(tcp_cc_initial_window(4000, 0), 8000);
	assert_int_equal(tcp_cc_initial_window(1460, 10), 14600);
}

static void slow_start_abc_limit(void **state)
{
	struct tcp_cc cc;
	tcp_cc_init(&cc, tcp_cc_find("reno"), SMSS, 10, 1u << 30, 0);
	assert_int_equal(cc.cwnd, 10 * SMSS);
	/* A stretch ACK of 5 segments grows cwnd by at most L = 2*SMSS (RFC 3465 2.2). */
	ack(&cc, 5 * SMSS);
	assert_int_equal(cc.cwnd, 12 * SMSS);
	ack(&cc, 500);
	assert_int_equal(cc.cwnd, 12 * SMSS + 500);
}

static void congestion_avoidance_one_smss_per_window(void **state)
{
	struct tcp_cc cc;
	tcp_cc_init(&cc, tcp_cc_find("reno"), SMSS, 10, 10 * SMSS, 0);
	/* cwnd == ssthresh: avoidance. 9 segments of 10 acked: no growth; the 10th grows. */
	for (int i = 0; i < 9; i++)
		ack(&cc, SMSS);
	assert_int_equal(cc.cwnd, 10 * SMSS);
	ack(&cc, SMSS);
	assert_int_equal(cc.cwnd, 11 * SMSS);
	/* Slow start that crosses ssthresh hands the rest to avoidance. */
	tcp_cc_init(&cc, tcp_cc_find("reno"), SMSS, 10, 11 * SMSS, 0);
	ack(&cc, 2 * SMSS);
	assert_int_equal(cc.cwnd, 11 * SMSS);
	assert_int_equal(cc.bytes_acked, SMSS);
}

static void fast_retransmit_halves_flight(void **state)
{
	struct tcp_cc cc;
	tcp_cc_init(&cc, tcp_cc_find("reno"), SMSS, 10, 1u << 30, 0);
	cc.ops->on_congestion(&cc, TCP_CC_EV_FAST_RETRANSMIT, 20 * SMSS, 0);
	assert_int_equal(cc.ssthresh, 10 * SMSS);
	assert_int_equal(cc.cwnd, 10 * SMSS);
	/* Never below 2 SMSS. */
	cc.ops->on_congestion(&cc, TCP_CC_EV_ECN, 3 * SMSS, 0);
	assert_int_equal(cc.ssthresh, 2 * SMSS);
	/* Recovery exit with little in flight does not burst. */
	cc.ssthresh = 10 * SMSS;
	cc.ops->on_recovery_exit(&cc, 2 * SMSS, 0);
	assert_int_equal(cc.cwnd, 3 * SMSS);
	cc.ops->on_recovery_exit(&cc, 20 * SMSS, 0);
	assert_int_equal(cc.cwnd, 10 * SMSS);
}

static void rto_loss_window_then_abc_one_smss(void **state)
{
	struct tcp_cc cc;
	tcp_cc_init(&cc, tcp_cc_find("reno"), SMSS, 10, 1u << 30, 0);
	cc.ops->on_congestion(&cc, TCP_CC_EV_RTO, 16 * SMSS, 0);
	assert_int_equal(cc.cwnd, SMSS);
	assert_int_equal(cc.ssthresh, 8 * SMSS);
	ack(&cc, 4 * SMSS);
	assert_int_equal(cc.cwnd, 2 * SMSS); /* L = 1*SMSS after an RTO */
	for (int i = 0; i < 6; i++)
		ack(&cc, 4 * SMSS);
	assert_int_equal(cc.cwnd, 8 * SMSS); /* reached ssthresh */
	assert_false(cc.after_rto);
}

static void idle_restart_caps_to_iw(void **state)
{
	struct tcp_cc cc;
	tcp_cc_init(&cc, tcp_cc_find("reno"), SMSS, 4, 1u << 30, 0);
	cc.cwnd = 50 * SMSS;
	cc.ops->on_idle_restart(&cc, 0);
	assert_int_equal(cc.cwnd, 4 * SMSS);
	cc.cwnd = 2 * SMSS;
	cc.ops->on_idle_restart(&cc, 0);
	assert_int_equal(cc.cwnd, 2 * SMSS);
}

static void smss_change_rescales(void **state)
{
	struct tcp_cc cc;
	tcp_cc_init(&cc, tcp_cc_find("reno"), 536, 10, 1u << 30, 0);
	tcp_cc_set_smss(&cc, 1460);
	assert_int_equal(cc.cwnd, 14600);
	assert_int_equal(cc.iw, 14600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(lookup_by_name),
	        cmocka_unit_test(initial_window),
	        cmocka_unit_test(slow_start_abc_limit),
	        cmocka_unit_test(congestion_avoidance_one_smss_per_window),
	        cmocka_unit_test(fast_retransmit_halves_flight),
	        cmocka_unit_test(rto_loss_window_then_abc_one_smss),
	        cmocka_unit_test(idle_restart_caps_to_iw),
	        cmocka_unit_test(smss_change_rescales),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
