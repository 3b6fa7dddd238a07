/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_timer.h"

#define TICK_US 1000u

struct item {
	struct tcp_timer t;
	uint64_t expire_us;
	uint64_t fired_at;
	uint32_t fired;
	uint8_t cancelled;
};

struct ctx {
	uint64_t fired;
	uint64_t last_tick;
	int order_ok;
};

static void on_fire(struct tcp_timer *t, uint64_t now_us, void *arg)
{
	struct item *it = (struct item *)t;
	struct ctx *c = arg;
	it->fired++;
	it->fired_at = now_us;
	c->fired++;
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fires_once_never_early(void **state)
{
	struct tcp_wheel w;
	struct ctx c = {0};
	struct item it[3];
	assert_int_equal(tcp_wheel_init(&w, TICK_US, 5000), 0);
	for (int i = 0; i < 3; i++)
		tcp_timer_init(&it[i].t);
	memset(it, 0, sizeof(it));
	tcp_timer_arm(&w, &it[0].t, 5500); /* rounds up to tick 6 */
	tcp_timer_arm(&w, &it[1].t, 1000); /* in the past: next tick */
	tcp_timer_arm(&w, &it[2].t, 300000 + 5000);
	assert_int_equal(tcp_wheel_advance(&w, 5999, on_fire, &c), 0);
	assert_int_equal(tcp_wheel_advance(&w, 6000, on_fire, &c), 2);
	assert_int_equal(it[0].fired, 1);
	assert_int_equal(it[1].fired, 1);
	assert_int_equal(tcp_wheel_advance(&w, 305000 - 1, on_fire, &c), 0);
	assert_int_equal(tcp_wheel_advance(&w, 305000, on_fire, &c), 1);
	assert_int_equal(w.n_armed, 0);
}

static void rearm_and_cancel(void **state)
{
	struct tcp_wheel w;
	struct ctx c = {0};
	struct item a = {0};
	tcp_wheel_init(&w, TICK_US, 0);
	tcp_timer_init(&a.t);
	tcp_timer_arm(&w, &a.t, 10000);
	tcp_timer_arm(&w, &a.t, 70000000); /* re-arm moves it, no double filing */
	assert_int_equal(w.n_armed, 1);
	assert_int_equal(tcp_wheel_advance(&w, 69999000, on_fire, &c), 0);
	assert_int_equal(tcp_wheel_advance(&w, 70000000, on_fire, &c), 1);
	tcp_timer_arm(&w, &a.t, 80000000);
	tcp_timer_cancel(&w, &a.t);
	tcp_timer_cancel(&w, &a.t);
	assert_false(tcp_timer_armed(&a.t));
	assert_int_equal(tcp_wheel_advance(&w, 90000000, on_fire, &c), 0);
}

static void far_timer_beyond_wheel_reach(void **state)
{
	struct tcp_wheel w;
	struct ctx c = {0};
	struct item a = {0};
	/* 1 ms ticks: 2^32 ticks is 49 days; ask for 60. */
	tcp_wheel_init(&w, TICK_US, 0);
	tcp_timer_init(&a.t);
	tcp_timer_arm(&w, &a.t, 60ull * 24 * 3600 * 1000000); /* 60 days */
	assert_int_equal(tcp_wheel_advance(&w, 59ull * 24 * 3600 * 1000000, on_fire, &c), 0);
	assert_int_equal(tcp_wheel_advance(&w, 60ull * 24 * 3600 * 1000000 - 1, on_fire, &c), 0);
	assert_int_equal(tcp_wheel_advance(&w, 60ull * 24 * 3600 * 1000000, on_fire, &c), 1);
}

static struct tcp_wheel *cb_wheel;
static struct item *cb_victim;
static void cancel_other(struct tcp_timer *t, uint64_t now_us, void *arg)
{
	on_fire(t, now_us, arg);
	if (cb_victim != NULL && (struct item *)t != cb_victim)
		tcp_timer_cancel(cb_wheel, &cb_victim->t);
	/* Re-arm self for later, as an RTO does. */
	if (((struct item *)t)->fired == 1)
		tcp_timer_arm(cb_wheel, t, now_us + 1000);
}

static void callback_may_cancel_and_rearm(void **state)
{
	struct tcp_wheel w;
	struct ctx c = {0};
	struct item it[2];
	memset(it, 0, sizeof(it));
	tcp_wheel_init(&w, TICK_US, 0);
	cb_wheel = &w;
	tcp_timer_init(&it[0].t);
	tcp_timer_init(&it[1].t);
	tcp_timer_arm(&w, &it[0].t, 2000);
	tcp_timer_arm(&w, &it[1].t, 2000); /* same slot: whichever fires first cancels the other */
	cb_victim = &it[0];
	tcp_wheel_advance(&w, 2000, cancel_other, &c);
	assert_int_equal(it[0].fired + it[1].fired, 1);
	assert_int_equal(tcp_wheel_advance(&w, 3000, cancel_other, &c), 1);
	assert_int_equal(w.n_armed, 0);
}

static void million_timers(void **state)
{
	const uint32_t n = 1000000;
	struct item *it = calloc(n, sizeof(*it));
	struct tcp_wheel *w = malloc(sizeof(*w));
	struct ctx c = {0};
	assert_non_null(it);
	assert_non_null(w);
	tcp_wheel_init(w, TICK_US, 0);
	for (uint32_t i = 0; i < n; i++) {
		tcp_timer_init(&it[i].t);
		/* Up to 100 s so that all four levels are used. */
		it[i].expire_us = 1 + rnd() % 100000000ull;
		tcp_timer_arm(w, &it[i].t, it[i].expire_us);
	}
	assert_int_equal(w->n_armed, n);
	uint64_t expect = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (rnd() % 3 == 0) {
			tcp_timer_cancel(w, &it[i].t);
			it[i].cancelled = 1;
		} else if (rnd() % 4 == 0) {
			it[i].expire_us = 1 + rnd() % 200000000ull;
			tcp_timer_arm(w, &it[i].t, it[i].expire_us);
			expect++;
		} else {
			expect++;
		}
	}
	/* Advance in uneven steps, as a busy loop would. */
	uint64_t now = 0;
	while (now < 200000000ull) {
		now += 1 + rnd() % 7000;
		tcp_wheel_advance(w, now, on_fire, &c);
	}
	assert_int_equal(c.fired, expect);
	assert_int_equal(w->n_armed, 0);
	for (uint32_t i = 0; i < n; i++) {
		if (it[i].cancelled) {
			assert_int_equal(it[i].fired, 0);
			continue;
		}
		assert_int_equal(it[i].fired, 1);
		assert_true(it[i].fired_at >= it[i].expire_us);
	}
	free(it);
	free(w);
}

/* next_due names the time of the next tick at which a timer fires, or at which an upper
 * level comes down (early, never late), or the horizon when nothing happens before it. */
static void next_due_never_late(void **state)
{
	struct tcp_wheel w;
	struct ctx c = {0};
	static struct item it[64];
	uint64_t now = 123456789;
	assert_int_equal(tcp_wheel_init(&w, TICK_US, now), 0);
	assert_int_equal(tcp_wheel_next_due_us(&w, now + 5000), now + 5000);
	memset(it, 0, sizeof(it));
	tcp_timer_arm(&w, &it[0].t, now + 2500); /* 123459.289 ms: tick 123460 */
	assert_int_equal(tcp_wheel_next_due_us(&w, now + 10000), 123460000);
	assert_int_equal(tcp_wheel_next_due_us(&w, now + 1000), now + 1000); /* beyond it */
	tcp_timer_cancel(&w, &it[0].t);
	for (unsigned int i = 0; i < 64; i++)
		tcp_timer_arm(&w, &it[i].t, now + 1 + rnd() % 3000000); /* up to 3 s: 3 levels */
	uint64_t fired = 0;
	while (fired < 64) {
		uint64_t horizon = now + 1 + rnd() % 50000;
		uint64_t due = tcp_wheel_next_due_us(&w, horizon);
		assert_true(due <= horizon);
		if (due > now)
			assert_int_equal(tcp_wheel_advance(&w, due - 1, on_fire, &c), 0);
		unsigned int n = tcp_wheel_advance(&w, due, on_fire, &c);
		/* Nothing fired: the horizon, or a tick where level 1 comes down. */
		if (n == 0 && due < horizon)
			assert_int_equal((due / TICK_US) % TCP_WHEEL_SLOTS, 0);
		fired += n;
		now = due > now ? due : now;
	}
	for (unsigned int i = 0; i < 64; i++) {
		assert_int_equal(it[i].fired, 1);
		/* fired at its tick: the loop never slept past a timer */
		assert_true(it[i].fired_at / TICK_US <= (it[i].t.expire_tick));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(fires_once_never_early),
	        cmocka_unit_test(rearm_and_cancel),
	        cmocka_unit_test(far_timer_beyond_wheel_reach),
	        cmocka_unit_test(callback_may_cancel_and_rearm),
	        cmocka_unit_test(million_timers),
	        cmocka_unit_test(next_due_never_late),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
