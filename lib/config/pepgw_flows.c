/* SPDX-License-Identifier: BSD-3-Clause */
/* Section "flows": the per-lcore flow table's size and idle timeouts. */
#include "pepgw_section.h"

#define FLOW_TABLE_MIN          1024
#define FLOW_TABLE_MAX          (1u << 24)
#define FLOW_TABLE_DEFAULT      65536
#define FLOW_IDLE_S_DEFAULT     300
#define FLOW_UDP_IDLE_S_DEFAULT 60
#define FLOW_IDLE_S_MAX         86400

static const char *const flow_keys[] = {"table_size", "idle_timeout_s", "udp_idle_timeout_s", NULL};

static void parse_flows(struct pepgw_loader *L, const struct cfg_node *sec)
{
	struct cfg_flows *f = &L->cfg->flows;
	const struct cfg_node n = *sec;

	f->table_size = FLOW_TABLE_DEFAULT;
	f->idle_timeout_s = FLOW_IDLE_S_DEFAULT;
	f->udp_idle_timeout_s = FLOW_UDP_IDLE_S_DEFAULT;
	if (!cfg_present(&n) || !cfg_node_object(&n, flow_keys))
		return;
	cfg_get_u32(&n, "table_size", CFG_OPTIONAL, FLOW_TABLE_MIN, FLOW_TABLE_MAX,
	            FLOW_TABLE_DEFAULT, &f->table_size);
	cfg_get_u32(&n, "idle_timeout_s", CFG_OPTIONAL, 1, FLOW_IDLE_S_MAX, FLOW_IDLE_S_DEFAULT,
	            &f->idle_timeout_s);
	cfg_get_u32(&n, "udp_idle_timeout_s", CFG_OPTIONAL, 1, FLOW_IDLE_S_MAX,
	            FLOW_UDP_IDLE_S_DEFAULT, &f->udp_idle_timeout_s);
}

const struct pepgw_section pepgw_section_flows = {"flows", parse_flows};
