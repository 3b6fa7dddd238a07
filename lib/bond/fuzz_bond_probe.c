/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the probe body decoder: any bytes are either refused or decode to a
 * probe that encodes back to exactly the same bytes; a decoded probe fed to a link-health
 * object, and the views it then gives to a scheduler, never crash or overflow (UBSan).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "bond_health.h"
#include "bond_sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bond_health *h;
	static struct bond_sched *s;
	static uint64_t now = 1000000;
	struct bond_probe p;
	uint8_t again[BOND_PROBE_MAX_LEN];
	struct bond_link_view v[BOND_LINKS_MAX];
	struct bond_link_info info;
	uint8_t links[BOND_SCHED_MAX_COPIES];
	int len;

	if (h == NULL) {
		struct bond_health_params hp;
		struct bond_sched_params sp = {.kind = BOND_SCHED_DYNAMIC,
		                               .n_links = BOND_LINKS_MAX};

		rte_log_set_level_pattern("pepgw.bond", RTE_LOG_WARNING);
		bond_health_params_init(&hp, BOND_LINKS_MAX);
		h = bond_health_create("fuzz", &hp, now);
		s = bond_sched_create("fuzz", &sp);
		if (h == NULL || s == NULL)
			abort();
	}
	if (bond_probe_decode(data, size, &p) != 0)
		return 0;
	len = bond_probe_encode(&p, again, sizeof(again));
	if (len < 0 || (size_t)len != size || memcmp(again, data, size) != 0)
		abort();

	/* through one long-lived peer, so state built by earlier inputs meets new ones */
	now += 1 + (size > 4 ? data[4] : 0) * 1000u;
	bond_health_rx(h, p.n_reports % BOND_LINKS_MAX, p.built_us % BOND_QUEUES_MAX, p.built_us,
	               p.built_us, (uint32_t)size, now);
	if (bond_health_probe_input(h, p.n_reports % BOND_LINKS_MAX, data, size, now) != 0)
		abort();
	bond_health_poll(h, now);
	(void)bond_health_next_deadline_us(h);
	(void)bond_health_reorder_hold_us(h, 200000, NULL);
	bond_health_link_info(h, 0, &info);
	bond_health_views(h, v);
	bond_sched_set_links(s, v, BOND_LINKS_MAX);
	for (int i = 0; i < 4; i++)
		(void)bond_sched_pick(s, 1500, now, links);
	if (bond_health_probe_build(h, now, again, sizeof(again)) < 0)
		abort();
	return 0;
}
