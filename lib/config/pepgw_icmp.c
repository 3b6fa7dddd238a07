/* SPDX-License-Identifier: BSD-3-Clause */
/* Section "icmp": the rate limit of the ICMP errors the gateway sends (RFC 1812 4.3.2.8). */
#include "pepgw_section.h"

#define ICMP_ERRORS_PER_S_DEFAULT 100
#define ICMP_ERRORS_PER_S_MAX     1000000
#define ICMP_BURST_DEFAULT        50
#define ICMP_BURST_MAX            100000

static const char *const icmp_keys[] = {"errors_per_s", "burst", NULL};

static void parse_icmp(struct pepgw_loader *L, const struct cfg_node *sec)
{
	struct cfg_icmp *icmp = &L->cfg->icmp;
	const struct cfg_node n = *sec;

	icmp->errors_per_s = ICMP_ERRORS_PER_S_DEFAULT;
	icmp->burst = ICMP_BURST_DEFAULT;
	if (!cfg_present(&n) || !cfg_node_object(&n, icmp_keys))
		return;
	cfg_get_u32(&n, "errors_per_s", CFG_OPTIONAL, 0, ICMP_ERRORS_PER_S_MAX,
	            ICMP_ERRORS_PER_S_DEFAULT, &icmp->errors_per_s);
	cfg_get_u32(&n, "burst", CFG_OPTIONAL, 1, ICMP_BURST_MAX, ICMP_BURST_DEFAULT, &icmp->burst);
}

const struct pepgw_section pepgw_section_icmp = {"icmp", parse_icmp};
