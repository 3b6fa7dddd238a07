/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry commands under /pepgw/, read with dpdk-telemetry.py. They run on the telemetry
 * thread and read the per-lcore counters without locks: each counter is a naturally aligned
 * 64-bit word written by one lcore, so a read sees some recent value, never a torn one.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "flow.h"
#include "gw.h"

static struct gw *tel_gw;

static int cmd_counters(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct stats_block total;
	stats_sum(tel_gw->stats, tel_gw->n_lcores, &total);
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < STAT_MAX; i++)
		rte_tel_data_add_dict_u64(d, stats_name(i), total.c[i]);
	return 0;
}

static int cmd_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct stats_block total;
	stats_sum(tel_gw->stats, tel_gw->n_lcores, &total);
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < STAT_MAX; i++)
		if (stats_is_drop(i))
			rte_tel_data_add_dict_u64(d, stats_name(i) + strlen("drop_"), total.c[i]);
	return 0;
}

static int cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < tel_gw->n_ports; i++) {
		const struct gw_port *p = &tel_gw->ports[i];
		struct rte_tel_data *pd = rte_tel_data_alloc();
		struct rte_eth_stats es;
		char buf[RTE_ETHER_ADDR_FMT_SIZE];
		uint32_t speed = 0;
		if (pd == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(pd);
		rte_tel_data_add_dict_int(pd, "port_id", p->info.port_id);
		rte_tel_data_add_dict_string(pd, "driver", p->info.driver);
		rte_tel_data_add_dict_string(pd, "role", p->role == CFG_ROLE_LAN ? "lan" : "wan");
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", p->ipv4 >> 24, (p->ipv4 >> 16) & 0xff,
			 (p->ipv4 >> 8) & 0xff, p->ipv4 & 0xff);
		rte_tel_data_add_dict_string(pd, "ipv4", buf);
		rte_tel_data_add_dict_int(pd, "prefix_len", p->prefix_len);
		rte_tel_data_add_dict_int(pd, "mtu", p->mtu);
		rte_ether_format_addr(buf, sizeof(buf), &p->info.mac);
		rte_tel_data_add_dict_string(pd, "mac", buf);
		rte_tel_data_add_dict_int(pd, "link_up", port_link(&p->info, &speed));
		rte_tel_data_add_dict_int(pd, "link_speed_mbps", (int)speed);
		rte_tel_data_add_dict_int(pd, "rx_queues", p->info.n_rxq);
		rte_tel_data_add_dict_int(pd, "rss", p->info.rss);
		rte_tel_data_add_dict_int(pd, "sw_checksum", p->sw_l4_csum);
		if (rte_eth_stats_get(p->info.port_id, &es) == 0) {
			rte_tel_data_add_dict_u64(pd, "ipackets", es.ipackets);
			rte_tel_data_add_dict_u64(pd, "opackets", es.opackets);
			rte_tel_data_add_dict_u64(pd, "ibytes", es.ibytes);
			rte_tel_data_add_dict_u64(pd, "obytes", es.obytes);
			rte_tel_data_add_dict_u64(pd, "imissed", es.imissed);
			rte_tel_data_add_dict_u64(pd, "ierrors", es.ierrors);
			rte_tel_data_add_dict_u64(pd, "oerrors", es.oerrors);
		}
		rte_tel_data_add_dict_container(d, p->info.name, pd, 0);
	}
	return 0;
}

static const char *action_str(uint8_t a)
{
	static const char *const names[] = {
		[CFG_ACTION_FORWARD] = "forward",
		[CFG_ACTION_DROP] = "drop",
		[CFG_ACTION_TUNNEL] = "tunnel",
		[CFG_ACTION_ACCELERATE] = "accelerate",
	};
	return a < RTE_DIM(names) ? names[a] : "unknown";
}

/* Telemetry names allow only [A-Za-z0-9_/]: rule "web-mss" is listed as "web_mss". */
static void tel_name(const char *in, char *out, size_t len)
{
	size_t i = 0;
	for (; in[i] != '\0' && i + 1 < len; i++)
		out[i] = (isalnum((unsigned char)in[i]) || in[i] == '/') ? in[i] : '_';
	out[i] = '\0';
}

static int cmd_rules(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct flow_rules *r = tel_gw->rules;
	const struct flow_rule_counters *per[GW_MAX_LCORES];
	unsigned int slots = flow_rules_counter_slots(r);
	struct flow_rule_counters *sum = calloc(slots, sizeof(*sum));
	if (sum == NULL)
		return -ENOMEM;
	for (unsigned int l = 0; l < tel_gw->n_lcores; l++)
		per[l] = tel_gw->lcores[l].rule_counters;
	flow_rule_counters_sum(r, per, tel_gw->n_lcores, sum);
	rte_tel_data_start_dict(d);
	for (int i = FLOW_RULE_DEFAULT; i < (int)flow_rules_count(r); i++) {
		struct rte_tel_data *rd = rte_tel_data_alloc();
		const struct flow_rule_counters *c = &sum[flow_rule_slot(i)];
		if (rd == NULL)
			break;
		rte_tel_data_start_dict(rd);
		rte_tel_data_add_dict_int(rd, "index", i);
		rte_tel_data_add_dict_string(rd, "action", action_str(flow_rules_action(r, i)->action));
		rte_tel_data_add_dict_u64(rd, "packets", c->packets);
		rte_tel_data_add_dict_u64(rd, "bytes", c->bytes);
		rte_tel_data_add_dict_u64(rd, "flows", c->flows);
		char key[CFG_NAME_MAX];
		tel_name(i < 0 ? "default" : tel_gw->cfg->rules[i].name, key, sizeof(key));
		rte_tel_data_add_dict_string(rd, "name",
					     i < 0 ? "default" : tel_gw->cfg->rules[i].name);
		rte_tel_data_add_dict_container(d, key, rd, 0);
	}
	free(sum);
	return 0;
}

static int cmd_flows(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t total = 0, capacity = 0;
	struct stats_block s;
	stats_sum(tel_gw->stats, tel_gw->n_lcores, &s);
	for (unsigned int l = 0; l < tel_gw->n_lcores; l++) {
		total += flow_table_count(tel_gw->lcores[l].flows);
		capacity += flow_table_capacity(tel_gw->lcores[l].flows);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "active", total);
	rte_tel_data_add_dict_u64(d, "capacity", capacity);
	rte_tel_data_add_dict_u64(d, "created", s.c[STAT_flow_created]);
	rte_tel_data_add_dict_u64(d, "expired", s.c[STAT_flow_expired]);
	rte_tel_data_add_dict_u64(d, "table_full", s.c[STAT_drop_flow_table_full]);
	rte_tel_data_add_dict_int(d, "lcores", (int)tel_gw->n_lcores);
	return 0;
}

int gw_telemetry_init(struct gw *gw)
{
	int rc = 0;
	tel_gw = gw;
	rc |= rte_telemetry_register_cmd("/pepgw/counters", cmd_counters,
					 "All gateway counters summed over lcores. No parameters");
	rc |= rte_telemetry_register_cmd("/pepgw/drops", cmd_drops,
					 "Drops by reason summed over lcores. No parameters");
	rc |= rte_telemetry_register_cmd("/pepgw/ports", cmd_ports,
					 "Ports: address, MTU, link, ethdev counters. No parameters");
	rc |= rte_telemetry_register_cmd("/pepgw/rules", cmd_rules,
					 "Rules in match order with action and counters. No parameters");
	rc |= rte_telemetry_register_cmd("/pepgw/flows", cmd_flows,
					 "Flow table summary over all lcores. No parameters");
	return rc;
}
