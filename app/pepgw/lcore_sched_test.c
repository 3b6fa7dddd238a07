/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop's schedule (lcore_sched.h): an idle worker never sleeps past its next due
 * timer and never longer than idle_sleep_us; TX buffers leave at once after a partial RX burst
 * and at the drain deadline under full bursts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lcore_sched.h"

#define NOW  1000000u /* an arbitrary instant, microseconds */
#define IDLE 100u     /* idle_sleep_us */

/* No timer within the idle sleep: the whole idle sleep. */
static void sleep_whole_when_no_timer_is_near(void **state)
{
	(void)state;
	assert_int_equal(gw_idle_sleep_us(NOW, IDLE, NOW + IDLE), IDLE);
	assert_int_equal(gw_idle_sleep_us(NOW, IDLE, NOW + 10 * IDLE), IDLE);
	assert_int_equal(gw_idle_sleep_us(NOW, IDLE, UINT64_MAX), IDLE);
}

/* A timer due within the idle sleep: wake up exactly when it is due, never after. */
static void sleep_ends_at_the_next_due_timer(void **state)
{
	(void)state;
	for (uint64_t in = 1; in < IDLE; in++) {
		uint32_t us = gw_idle_sleep_us(NOW, IDLE, NOW + in);
		assert_true(NOW + us <= NOW + in);
		assert_int_equal(us, in);
	}
}

/* A timer due now or already late: no sleep at all. */
static void no_sleep_when_a_timer_is_due(void **state)
{
	(void)state;
	assert_int_equal(gw_idle_sleep_us(NOW, IDLE, NOW), 0);
	assert_int_equal(gw_idle_sleep_us(NOW, IDLE, NOW - 1), 0);
	assert_int_equal(gw_idle_sleep_us(NOW, IDLE, 0), 0);
}

/* The largest configurable idle sleep with a timer far away: not truncated. */
static void sleep_keeps_large_idle_values(void **state)
{
	(void)state;
	assert_int_equal(gw_idle_sleep_us(NOW, UINT32_MAX, UINT64_MAX), UINT32_MAX);
	assert_int_equal(gw_idle_sleep_us(0, UINT32_MAX, (uint64_t)UINT32_MAX + 5), UINT32_MAX);
}

/* A partial RX burst flushes whatever is buffered: a small burst never waits. */
static void partial_burst_flushes_at_once(void **state)
{
	(void)state;
	assert_true(gw_tx_flush_due(false, 0, UINT64_MAX));
	assert_true(gw_tx_flush_due(false, 500, 1000));
}

/* Full RX bursts keep filling the buffers until the drain deadline, then flush. */
static void full_bursts_flush_on_the_deadline(void **state)
{
	(void)state;
	assert_false(gw_tx_flush_due(true, 999, 1000));
	assert_true(gw_tx_flush_due(true, 1000, 1000));
	assert_true(gw_tx_flush_due(true, 5000, 1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(sleep_whole_when_no_timer_is_near),
	        cmocka_unit_test(sleep_ends_at_the_next_due_timer),
	        cmocka_unit_test(no_sleep_when_a_timer_is_due),
	        cmocka_unit_test(sleep_keeps_large_idle_values),
	        cmocka_unit_test(partial_burst_flushes_at_once),
	        cmocka_unit_test(full_bursts_flush_on_the_deadline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
