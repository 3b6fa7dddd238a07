/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_timer.h"

#include <errno.h>
#include <string.h>

#define SLOT_MASK (TCP_WHEEL_SLOTS - 1u)

int tcp_wheel_init(struct tcp_wheel *w, uint64_t tick_us, uint64_t now_us)
{
	if (w == NULL || tick_us == 0)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->tick_us = tick_us;
	w->now_tick = now_us / tick_us;
	return 0;
}

static void list_add(struct tcp_timer **head, struct tcp_timer *t)
{
	t->next = *head;
	if (t->next != NULL)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
}

static void list_del(struct tcp_wheel *w, struct tcp_timer *t)
{
	w->n_level[t->level]--;
	*t->pprev = t->next;
	if (t->next != NULL)
		t->next->pprev = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

/*
 * File t by its distance from now: level L holds timers due within 256^(L+1) ticks, in the slot
 * of bits [8L, 8L+8) of the expiry tick. Slots of level L > 0 are emptied (cascaded) when the
 * lower levels wrap, which is always before any of their timers is due.
 */
static void file_timer(struct tcp_wheel *w, struct tcp_timer *t)
{
	uint64_t delta = t->expire_tick - w->now_tick;
	unsigned int level = 0;
	uint64_t tick = t->expire_tick;

	while (level < TCP_WHEEL_LEVELS - 1 &&
	       delta >= (1ull << (TCP_WHEEL_SLOT_BITS * (level + 1))))
		level++;
	if (level == TCP_WHEEL_LEVELS - 1 &&
	    delta >= (1ull << (TCP_WHEEL_SLOT_BITS * TCP_WHEEL_LEVELS))) {
		/* Too far: park one turn of the top level ahead; re-filed when reached. */
		tick = w->now_tick + (1ull << (TCP_WHEEL_SLOT_BITS * TCP_WHEEL_LEVELS)) - 1;
	}
	unsigned int idx = (unsigned int)(tick >> (TCP_WHEEL_SLOT_BITS * level)) & SLOT_MASK;
	list_add(&w->slot[level][idx], t);
	t->level = (uint8_t)level;
	w->n_level[level]++;
}

void tcp_timer_arm(struct tcp_wheel *w, struct tcp_timer *t, uint64_t expire_us)
{
	if (tcp_timer_armed(t))
		tcp_timer_cancel(w, t);
	/* Round up so that a timer never fires before its time. */
	uint64_t tick = (expire_us + w->tick_us - 1) / w->tick_us;
	if (tick <= w->now_tick)
		tick = w->now_tick + 1;
	t->expire_tick = tick;
	file_timer(w, t);
	w->n_armed++;
}

void tcp_timer_cancel(struct tcp_wheel *w, struct tcp_timer *t)
{
	if (!tcp_timer_armed(t))
		return;
	list_del(w, t);
	w->n_armed--;
}

/* Move every timer of one higher-level slot down to where it now belongs. */
static void cascade(struct tcp_wheel *w, unsigned int level, unsigned int idx)
{
	struct tcp_timer *list = w->slot[level][idx];
	w->slot[level][idx] = NULL;
	while (list != NULL) {
		struct tcp_timer *t = list;
		list = t->next;
		w->n_level[level]--;
		t->next = NULL;
		t->pprev = NULL;
		file_timer(w, t);
	}
}

unsigned int tcp_wheel_advance(struct tcp_wheel *w, uint64_t now_us, tcp_timer_cb cb, void *arg)
{
	uint64_t target = now_us / w->tick_us;
	unsigned int fired = 0;

	while (w->now_tick < target) {
		if (w->n_armed == 0) {
			w->now_tick = target;
			break;
		}
		/* Nothing below level L: nothing can happen before the next multiple of 256^L,
		 * where level L cascades. Skip there (sparse wheels and long idle gaps). */
		unsigned int low = 0;
		while (low < TCP_WHEEL_LEVELS - 1 && w->n_level[low] == 0)
			low++;
		if (low > 0) {
			uint64_t skip_to =
			        w->now_tick | ((1ull << (TCP_WHEEL_SLOT_BITS * low)) - 1);
			if (skip_to >= target) {
				w->now_tick = target;
				break;
			}
			w->now_tick = skip_to;
		}
		uint64_t tick = ++w->now_tick;
		/* When level L-1 wraps, the matching slot of level L comes due: cascade top-down
		 * so that timers fall through more than one level in the same tick. */
		unsigned int idx0 = (unsigned int)tick & SLOT_MASK;
		if (idx0 == 0) {
			unsigned int top = 1;
			while (top < TCP_WHEEL_LEVELS - 1 &&
			       ((tick >> (TCP_WHEEL_SLOT_BITS * top)) & SLOT_MASK) == 0)
				top++;
			for (unsigned int l = top; l >= 1; l--)
				cascade(w, l,
				        (unsigned int)(tick >> (TCP_WHEEL_SLOT_BITS * l)) &
				                SLOT_MASK);
		}
		/* Detach the slot first: callbacks may arm timers into it again (for later). */
		struct tcp_timer *due = w->slot[0][idx0];
		w->slot[0][idx0] = NULL;
		if (due != NULL)
			due->pprev = &due;
		while (due != NULL) {
			struct tcp_timer *t = due;
			list_del(w, t);
			w->n_armed--;
			if (t->expire_tick > tick) {
				/* Parked past the wheel's reach: file again. */
				file_timer(w, t);
				w->n_armed++;
				continue;
			}
			fired++;
			cb(t, now_us, arg);
		}
	}
	return fired;
}

uint64_t tcp_wheel_next_due_us(const struct tcp_wheel *w, uint64_t until_us)
{
	if (w->n_armed == 0)
		return until_us;
	/* A timer due at tick T fires at the first advance with now_us >= T * tick_us. Level 0
	 * holds exactly the timers due within one turn; a slot of a higher level comes down at
	 * the tick where the levels below it wrap, never after its timers are due. */
	bool upper = w->n_armed > w->n_level[0];
	uint64_t last = until_us / w->tick_us;
	if (last > w->now_tick + TCP_WHEEL_SLOTS)
		last = w->now_tick + TCP_WHEEL_SLOTS;
	for (uint64_t t = w->now_tick + 1; t <= last; t++) {
		unsigned int idx = (unsigned int)t & SLOT_MASK;
		if (w->n_level[0] != 0 && w->slot[0][idx] != NULL)
			return t * w->tick_us;
		for (unsigned int l = 1; upper && idx == 0 && l < TCP_WHEEL_LEVELS; l++) {
			unsigned int li =
			        (unsigned int)(t >> (TCP_WHEEL_SLOT_BITS * l)) & SLOT_MASK;
			if (w->slot[l][li] != NULL)
				return t * w->tick_us; /* it cascades timers (maybe due soon) */
			if (li != 0)
				break; /* the levels above do not wrap at this tick */
		}
	}
	return until_us;
}
