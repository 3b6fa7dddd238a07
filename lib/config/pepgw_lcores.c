/* SPDX-License-Identifier: BSD-3-Clause */
/* Section "lcores": which EAL lcores run worker loops, their burst size and idle sleep. */
#include <inttypes.h>

#include "pepgw_section.h"

#define LCORE_ID_MAX            1023
#define LCORE_IDLE_SLEEP_US_MAX 1000000
#define LCORE_BURST_DEFAULT     32
#define LCORE_BURST_MAX         512

static const char *const lcore_keys[] = {"workers", "idle_sleep_us", "burst", NULL};

static void parse_lcores(struct pepgw_loader *L, const struct cfg_node *sec)
{
	struct cfg_lcores *lc = &L->cfg->lcores;
	struct cfg_node n = *sec, arr;
	size_t count = 0;

	lc->burst = LCORE_BURST_DEFAULT;
	if (!cfg_present(&n) || !cfg_node_object(&n, lcore_keys))
		return;
	cfg_get_u32(&n, "idle_sleep_us", CFG_OPTIONAL, 0, LCORE_IDLE_SLEEP_US_MAX, 0,
	            &lc->idle_sleep_us);
	cfg_get_u32(&n, "burst", CFG_OPTIONAL, 1, LCORE_BURST_MAX, LCORE_BURST_DEFAULT, &lc->burst);
	arr = cfg_member(&n, "workers");
	if (!cfg_present(&arr) || !cfg_node_array(&arr, CFG_MAX_LCORES, &count))
		return;
	for (size_t i = 0; i < count; i++) {
		struct cfg_node it = cfg_item(&arr, i);
		uint64_t v;
		if (!cfg_node_uint(&it, 0, LCORE_ID_MAX, &v))
			continue;
		for (size_t j = 0; j < lc->n_workers; j++) {
			if (lc->workers[j] == v) {
				cfg_error(&it,
				          "lcore %" PRIu64 " is listed twice (allowed: each "
				          "lcore once)",
				          v);
				v = UINT64_MAX;
				break;
			}
		}
		if (v != UINT64_MAX)
			lc->workers[lc->n_workers++] = (uint16_t)v;
	}
}

const struct pepgw_section pepgw_section_lcores = {"lcores", parse_lcores};
