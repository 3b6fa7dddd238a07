/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_WANEM_TEST_UTIL_H
#define PEPGW_WANEM_TEST_UTIL_H

/*
 * Helpers shared by the wanem unit tests: packets are fake pointers carrying their enqueue
 * index (1-based), and a virtual clock jumps from event to event.
 */

#include <stdint.h>

#include "wanem.h"

#define PKT(i)    ((void *)(uintptr_t)((i) + 1))
#define PKT_ID(p) ((uint64_t)(uintptr_t)(p)-1)

struct delivery {
	uint64_t id;
	uint64_t t_us;
};

/*
 * Drain everything the engine holds by jumping the clock from event to event up to until_us;
 * records deliveries (up to max) and returns how many were recorded. Dropped in flight are
 * counted in *dropped when not NULL.
 */
static inline unsigned int drain_until(struct wanem *w, uint64_t until_us, struct delivery *out,
                                       unsigned int max, unsigned int *dropped)
{
	unsigned int k = 0;
	void *tx[64], *drop[64];

	for (;;) {
		uint64_t t = wanem_next_event_us(w);
		unsigned int nd, n;
		if (t == UINT64_MAX || t > until_us)
			break;
		n = wanem_dequeue(w, t, tx, 64, drop, &nd);
		for (unsigned int i = 0; i < n; i++)
			if (k < max)
				out[k++] = (struct delivery){PKT_ID(tx[i]), t};
		if (dropped != NULL)
			*dropped += nd;
	}
	return k;
}

#endif
