/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * When a worker lcore flushes its TX buffers and how long it may sleep when idle: pure
 * functions of the times the loop passes in (no clock read here), so that unit tests pin the
 * bounds (lcore_sched_test.c).
 */
#ifndef PEPGW_LCORE_SCHED_H
#define PEPGW_LCORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

/*
 * TX buffers wait at most this long for more packets while every RX queue keeps returning
 * full bursts (l3fwd's drain idea; l3fwd waits 100 us, a gateway carrying interactive
 * traffic beside a flood waits less). A partial burst means the RX queues are drained and
 * nothing more is coming right now: the buffers leave at once.
 */
#define GW_TX_DRAIN_US 20

/*
 * Whether the TX buffers are flushed at the end of this loop iteration: when no RX queue
 * returned a full burst (rx_full false: nothing more is waiting, a small burst is never left
 * behind), or when the drain deadline (TSC) has come. Otherwise they fill up to a full burst
 * (gw_tx_buffer sends a full one at once).
 */
static inline bool gw_tx_flush_due(bool rx_full, uint64_t now_tsc, uint64_t deadline_tsc)
{
	return !rx_full || now_tsc >= deadline_tsc;
}

/*
 * How long an idle worker sleeps (microseconds): idle_sleep_us, but never past due_us, the
 * earliest of its timers (the TCP engine's next due timer, the ARP tick), read at now_us just
 * before sleeping. 0 when a timer is already due (no sleep this time).
 */
static inline uint32_t gw_idle_sleep_us(uint64_t now_us, uint32_t idle_sleep_us, uint64_t due_us)
{
	if (due_us <= now_us)
		return 0;
	uint64_t until_due = due_us - now_us;
	return until_due < idle_sleep_us ? (uint32_t)until_due : idle_sleep_us;
}

#endif /* PEPGW_LCORE_SCHED_H */
