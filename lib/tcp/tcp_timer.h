/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_TIMER_H
#define PEPGW_TCP_TIMER_H

/*
 * Hierarchical timer wheel, one per lcore (no locks). Timer nodes are embedded in their owner
 * (the connection), so arming never allocates. Arm, cancel and re-arm are O(1); advancing
 * costs O(1) per tick plus O(1) per timer moved down a level or fired.
 *
 * Four levels of 256 slots cover 2^32 ticks; a timer further out than that is parked in the
 * top level and re-filed when its slot comes round. Time is the caller's now_us; a timer never
 * fires before its expiry, and fires at the first advance at or after it (rounded up to a tick).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_WHEEL_LEVELS    4
#define TCP_WHEEL_SLOT_BITS 8
#define TCP_WHEEL_SLOTS     (1u << TCP_WHEEL_SLOT_BITS)

struct tcp_timer {
	struct tcp_timer *next;
	struct tcp_timer **pprev; /* NULL when not armed */
	uint64_t expire_tick;
	uint8_t level; /* wheel level it is filed in, while armed */
};

struct tcp_wheel {
	uint64_t tick_us;
	uint64_t now_tick; /* last tick processed */
	uint64_t n_armed;
	uint64_t n_level[TCP_WHEEL_LEVELS]; /* lets advance skip empty stretches */
	struct tcp_timer *slot[TCP_WHEEL_LEVELS][TCP_WHEEL_SLOTS];
};

typedef void (*tcp_timer_cb)(struct tcp_timer *t, uint64_t now_us, void *arg);

/* Initialise a wheel with the given tick (>= 1 us) starting at now_us. Returns 0 or -EINVAL. */
int tcp_wheel_init(struct tcp_wheel *w, uint64_t tick_us, uint64_t now_us);

/* Make a node usable (unarmed). */
static inline void tcp_timer_init(struct tcp_timer *t)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expire_tick = 0;
}

static inline bool tcp_timer_armed(const struct tcp_timer *t)
{
	return t->pprev != NULL;
}

/* Arm (or re-arm) t to fire at expire_us; a time in the past fires at the next tick. */
void tcp_timer_arm(struct tcp_wheel *w, struct tcp_timer *t, uint64_t expire_us);

/* Disarm t; harmless when it is not armed. */
void tcp_timer_cancel(struct tcp_wheel *w, struct tcp_timer *t);

/*
 * Process every tick up to now_us and call cb for each timer due, in expiry-tick order. The
 * timer is disarmed before cb runs; cb may re-arm it or arm/cancel any other timer.
 * Returns the number of timers fired.
 */
unsigned int tcp_wheel_advance(struct tcp_wheel *w, uint64_t now_us, tcp_timer_cb cb, void *arg);

/*
 * The time of the first tick after the last advance at which tcp_wheel_advance may fire a
 * timer or cascade a level, or until_us when there is none before it. Early, never late: a
 * cascade tick is named even when nothing it moves is due. Scans at most one turn of the
 * lowest level (256 ticks), so it costs nothing when until_us is a few ticks away.
 */
uint64_t tcp_wheel_next_due_us(const struct tcp_wheel *w, uint64_t until_us);

#endif
