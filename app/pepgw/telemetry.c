/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry commands under /pepgw/, read with pepgwctl (app/pepgwctl) or dpdk-telemetry.py.
 * They run on the telemetry thread and read the per-lcore counters without locks: each counter
 * is a naturally aligned 64-bit word written by one lcore, so a read sees some recent value,
 * never a torn one.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "accel.h"
#include "flow.h"
#include "gw.h"
#include "tunnel_private.h"

static struct gw *tel_gw;
static uint64_t tel_start_tsc; /* gw_telemetry_init's TSC: the gateway's uptime origin */

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
		rte_tel_data_add_dict_int(pd, "sw_checksum",
		                          !(p->info.tx_tcp_csum && p->info.tx_udp_csum));
		uint64_t rx, tx;
		gw_port_counts(tel_gw, i, &rx, &tx);
		rte_tel_data_add_dict_u64(pd, "rx_packets", rx);
		rte_tel_data_add_dict_u64(pd, "tx_packets", tx);
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
		rte_tel_data_add_dict_string(rd, "action",
		                             gw_action_name(flow_rules_action(r, i)->action));
		const struct stat_desc *rcd = flow_rule_counter_descs();
		for (unsigned int k = 0; k < FLOW_RC_MAX; k++)
			rte_tel_data_add_dict_u64(rd, rcd[k].name, c->c[k]);
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
	rte_tel_data_add_dict_u64(d, "table_full", s.c[STAT_flow_table_full]);
	rte_tel_data_add_dict_int(d, "lcores", (int)tel_gw->n_lcores);
	/* Per worker, so that a test (or an operator) sees that both directions of each flow
	 * reached one lcore: per-lcore entries add up to the flows, none is counted twice. */
	struct rte_tel_data *active = rte_tel_data_alloc();
	struct rte_tel_data *created = rte_tel_data_alloc();
	if (active == NULL || created == NULL) {
		rte_tel_data_free(active);
		rte_tel_data_free(created);
		return 0;
	}
	rte_tel_data_start_array(active, RTE_TEL_U64_VAL);
	rte_tel_data_start_array(created, RTE_TEL_U64_VAL);
	for (unsigned int l = 0; l < tel_gw->n_lcores; l++) {
		rte_tel_data_add_array_u64(active, flow_table_count(tel_gw->lcores[l].flows));
		rte_tel_data_add_array_u64(created, tel_gw->stats[l].c[STAT_flow_created]);
	}
	rte_tel_data_add_dict_container(d, "active_per_lcore", active, 0);
	rte_tel_data_add_dict_container(d, "created_per_lcore", created, 0);
	return 0;
}

static int cmd_tcp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t counters[TCP_CNT_MAX] = {0};
	uint64_t pairs = 0;
	for (unsigned int l = 0; l < tel_gw->n_lcores; l++) {
		const struct accel *a = tel_gw->lcores[l].accel;
		if (a == NULL)
			continue;
		pairs += accel_pairs_in_use(a);
		accel_engine_counters(a, counters);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "pairs_in_use", pairs);
	rte_tel_data_add_dict_u64(d, "pairs_max",
	                          (uint64_t)tel_gw->accel_max_pairs * tel_gw->n_lcores);
	for (int i = 0; i < TCP_CNT_MAX; i++)
		rte_tel_data_add_dict_u64(d, tcp_engine_counter_name((enum tcp_engine_counter)i),
		                          counters[i]);
	return 0;
}

#define TEL_CONN_LIST_MAX 128

static void format_ep(char *buf, size_t len, uint32_t ip, uint16_t port)
{
	snprintf(buf, len, "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
	         ip & 0xff, port);
}

static int cmd_tcp_conns(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct accel_tuple t[TEL_CONN_LIST_MAX];
	unsigned int total = 0;
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	for (unsigned int l = 0; l < tel_gw->n_lcores && total < TEL_CONN_LIST_MAX; l++) {
		const struct accel *a = tel_gw->lcores[l].accel;
		if (a == NULL)
			continue;
		unsigned int n = accel_list(a, t, TEL_CONN_LIST_MAX - total);
		for (unsigned int i = 0; i < n; i++) {
			char c[24], s[24], line[RTE_TEL_MAX_STRING_LEN];
			format_ep(c, sizeof(c), t[i].client_ip, t[i].client_port);
			format_ep(s, sizeof(s), t[i].server_ip, t[i].server_port);
			snprintf(line, sizeof(line), "%s,%s", c, s);
			rte_tel_data_add_array_string(d, line);
		}
		total += n;
	}
	return 0;
}

static struct rte_tel_data *conn_info_dict(const struct tcp_conn_info *i)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "state", tcp_state_name(i->state));
	rte_tel_data_add_dict_u64(d, "snd_mss", i->snd_mss);
	rte_tel_data_add_dict_u64(d, "rcv_mss", i->rcv_mss);
	rte_tel_data_add_dict_u64(d, "snd_wscale", i->snd_wscale);
	rte_tel_data_add_dict_u64(d, "rcv_wscale", i->rcv_wscale);
	rte_tel_data_add_dict_int(d, "sack", i->sack);
	rte_tel_data_add_dict_int(d, "timestamps", i->timestamps);
	rte_tel_data_add_dict_int(d, "ecn", i->ecn);
	rte_tel_data_add_dict_u64(d, "cwnd", i->cwnd);
	rte_tel_data_add_dict_u64(d, "ssthresh", i->ssthresh);
	rte_tel_data_add_dict_u64(d, "srtt_us", i->srtt_us);
	rte_tel_data_add_dict_u64(d, "rttvar_us", i->rttvar_us);
	rte_tel_data_add_dict_u64(d, "rto_us", i->rto_us);
	rte_tel_data_add_dict_u64(d, "backoff", i->backoff);
	rte_tel_data_add_dict_int(d, "zero_window_probing", i->persist);
	rte_tel_data_add_dict_u64(d, "bytes_in_flight", i->bytes_in_flight);
	rte_tel_data_add_dict_u64(d, "sacked_bytes", i->sacked_bytes);
	rte_tel_data_add_dict_u64(d, "lost_bytes", i->lost_bytes);
	rte_tel_data_add_dict_u64(d, "snd_wnd", i->snd_wnd);
	rte_tel_data_add_dict_u64(d, "rcv_wnd", i->rcv_wnd);
	rte_tel_data_add_dict_u64(d, "rcv_space", i->rcv_space);
	rte_tel_data_add_dict_u64(d, "bytes_acked", i->bytes_acked);
	rte_tel_data_add_dict_u64(d, "bytes_received", i->bytes_received);
	rte_tel_data_add_dict_u64(d, "segs_out", i->segs_out);
	rte_tel_data_add_dict_u64(d, "segs_in", i->segs_in);
	rte_tel_data_add_dict_u64(d, "retransmits", i->retransmits);
	rte_tel_data_add_dict_u64(d, "dsacks_rcvd", i->dsacks_rcvd);
	rte_tel_data_add_dict_u64(d, "send_queue_bytes", i->send_queue_bytes);
	rte_tel_data_add_dict_u64(d, "recv_unconsumed", i->recv_unconsumed);
	rte_tel_data_add_dict_u64(d, "ooo_bytes", i->ooo_bytes);
	rte_tel_data_add_dict_int(d, "in_recovery", i->in_recovery);
	rte_tel_data_add_dict_int(d, "loss_recovery", i->loss_recovery);
	rte_tel_data_add_dict_u64(d, "pacing_rate_bps", i->pacing_rate_bps);
	return d;
}

static int parse_ep(const char *s, uint32_t *ip, uint16_t *port)
{
	unsigned int a, b, c, dd, p;
	char tail;
	if (sscanf(s, "%u.%u.%u.%u:%u%c", &a, &b, &c, &dd, &p, &tail) != 5 || a > 255 || b > 255 ||
	    c > 255 || dd > 255 || p > 65535)
		return -EINVAL;
	*ip = a << 24 | b << 16 | c << 8 | dd;
	*port = (uint16_t)p;
	return 0;
}

/* /pepgw/tcp_conn,CLIENT_IP:PORT,SERVER_IP:PORT → both legs, like ss -ti. */
static int cmd_tcp_conn(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char buf[64];
	uint32_t cip, sip;
	uint16_t cport, sport;
	if (params == NULL || strlen(params) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", params);
	char *comma = strchr(buf, ',');
	if (comma == NULL)
		return -EINVAL;
	*comma = '\0';
	if (parse_ep(buf, &cip, &cport) < 0 || parse_ep(comma + 1, &sip, &sport) < 0)
		return -EINVAL;
	for (unsigned int l = 0; l < tel_gw->n_lcores; l++) {
		struct tcp_conn_info lan, wan;
		const char *role;
		const struct accel *a = tel_gw->lcores[l].accel;
		if (a == NULL || accel_conn_info(a, cip, cport, sip, sport, &lan, &wan, &role) < 0)
			continue;
		rte_tel_data_start_dict(d);
		struct rte_tel_data *ld = conn_info_dict(&lan), *wd = conn_info_dict(&wan);
		if (ld == NULL || wd == NULL) {
			rte_tel_data_free(ld);
			rte_tel_data_free(wd);
			return -ENOMEM;
		}
		rte_tel_data_add_dict_container(d, "lan", ld, 0);
		rte_tel_data_add_dict_container(d, "wan", wd, 0);
		rte_tel_data_add_dict_int(d, "lcore", (int)tel_gw->lcores[l].lcore_id);
		rte_tel_data_add_dict_string(d, "role", role);
		return 0;
	}
	return -ENOENT;
}

/* Counter sets whose keys telemetry lists, by the name /pepgw/counter_help takes. */
static const struct {
	const char *set;
	const char *where; /* the command that lists the keys */
	const struct stat_desc *(*descs)(void);
	unsigned int n;
} help_sets[] = {
        {"counters", "/pepgw/counters (drops also in /pepgw/drops, without drop_)", stats_descs,
         STAT_MAX},
        {"tcp", "/pepgw/tcp", tcp_engine_counter_descs, TCP_CNT_MAX},
        {"rules", "/pepgw/rules, per rule", flow_rule_counter_descs, FLOW_RC_MAX},
};

/*
 * /pepgw/counter_help[,SET]: for each key of a counter set, its kind (event, drop, fallback)
 * and one line of help, for pepgwctl's descriptions and the HELP lines of its Prometheus
 * metrics. Without a set, the sets and the commands that list their keys (one set at a time
 * keeps each answer well below the telemetry output limit). Names and texts come from the
 * X-macro lists, so a client needs no change when a counter is added or renamed.
 */
static int cmd_counter_help(const char *cmd, const char *params, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	if (params == NULL || *params == '\0') {
		for (unsigned int i = 0; i < RTE_DIM(help_sets); i++)
			rte_tel_data_add_dict_string(d, help_sets[i].set, help_sets[i].where);
		return 0;
	}
	for (unsigned int i = 0; i < RTE_DIM(help_sets); i++) {
		if (strcmp(params, help_sets[i].set) != 0)
			continue;
		const struct stat_desc *desc = help_sets[i].descs();
		for (unsigned int k = 0; k < help_sets[i].n; k++) {
			struct rte_tel_data *cd = rte_tel_data_alloc();
			if (cd == NULL)
				return -ENOMEM;
			rte_tel_data_start_dict(cd);
			rte_tel_data_add_dict_string(cd, "kind", stat_kind_name(desc[k].kind));
			rte_tel_data_add_dict_string(cd, "help", desc[k].help);
			rte_tel_data_add_dict_container(d, desc[k].name, cd, 0);
		}
		return 0;
	}
	return -EINVAL;
}

/* /pepgw/info: what runs, for pepgwctl's headers and the pepgw_info metric. */
static int cmd_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", PEPGW_VERSION);
	rte_tel_data_add_dict_string(d, "dpdk", rte_version());
	/* A path longer than a telemetry string is cut short (E2BIG), still useful. */
	rte_tel_data_add_dict_string(d, "config", tel_gw->cfg->path);
	rte_tel_data_add_dict_u64(d, "uptime_s",
	                          (rte_get_tsc_cycles() - tel_start_tsc) / rte_get_tsc_hz());
	rte_tel_data_add_dict_int(d, "workers", (int)tel_gw->n_lcores);
	rte_tel_data_add_dict_int(d, "ports", (int)tel_gw->n_ports);
	rte_tel_data_add_dict_int(d, "rules", (int)tel_gw->cfg->n_rules);
	/* Mbufs out of the pool (rings, held packets, in flight): a leak shows as growth. */
	rte_tel_data_add_dict_u64(d, "mbufs_in_use", rte_mempool_in_use_count(tel_gw->pool));
	return 0;
}

/*
 * /pepgw/lcores: one entry per worker, keyed by its index ("0", "1", ...: telemetry arrays hold
 * no dictionaries), to see how the load spreads.
 */
static int cmd_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	for (unsigned int l = 0; l < tel_gw->n_lcores; l++) {
		const struct gw_lcore *lc = &tel_gw->lcores[l];
		const struct stats_block *s = &tel_gw->stats[l];
		struct rte_tel_data *ld = rte_tel_data_alloc();
		char key[12];
		uint64_t drops = 0;
		if (ld == NULL)
			return -ENOMEM;
		for (unsigned int i = 0; i < STAT_MAX; i++)
			if (stats_is_drop(i))
				drops += s->c[i];
		rte_tel_data_start_dict(ld);
		rte_tel_data_add_dict_int(ld, "lcore_id", (int)lc->lcore_id);
		rte_tel_data_add_dict_u64(ld, "rx_packets", s->c[STAT_rx_packets]);
		rte_tel_data_add_dict_u64(ld, "tx_packets", s->c[STAT_tx_packets]);
		rte_tel_data_add_dict_u64(ld, "forwarded", s->c[STAT_forwarded]);
		rte_tel_data_add_dict_u64(ld, "drops", drops);
		rte_tel_data_add_dict_u64(ld, "flows_active", flow_table_count(lc->flows));
		rte_tel_data_add_dict_u64(ld, "flows_capacity", flow_table_capacity(lc->flows));
		rte_tel_data_add_dict_u64(ld, "tcp_pairs_in_use",
		                          lc->accel != NULL ? accel_pairs_in_use(lc->accel) : 0);
		rte_tel_data_add_dict_u64(ld, "accel_flows", s->c[STAT_accel_flows]);
		if (lc->tun != NULL) {
			rte_tel_data_add_dict_u64(ld, "tunnel_encap", s->c[STAT_tunnel_encap]);
			rte_tel_data_add_dict_u64(ld, "tunnel_decap", s->c[STAT_tunnel_decap]);
			rte_tel_data_add_dict_u64(ld, "tunnel_handoffs",
			                          s->c[STAT_tunnel_handoffs]);
		}
		snprintf(key, sizeof(key), "%u", l);
		rte_tel_data_add_dict_container(d, key, ld, 0);
	}
	return 0;
}

/* ---- the bonded tunnel ---- */

static const char *link_state(enum bond_link_state s)
{
	return s == BOND_LINK_UP ? "up" : "down";
}

/* Per-link counters of a peer summed over the workers. */
static void tun_link_sum(const struct gw *gw, unsigned int peer, unsigned int link,
                         struct tun_link_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int l = 0; l < gw->n_lcores; l++) {
		const struct tun_link_counters *c = &gw->lcores[l].tun->peers[peer].link[link];
		out->tx_packets += c->tx_packets;
		out->tx_bytes += c->tx_bytes;
		out->rx_packets += c->rx_packets;
		out->rx_bytes += c->rx_bytes;
	}
}

/*
 * /pepgw/links: every link of every peer, both directions: state, one-way delays, jitter, loss
 * and rate (the home's last publication), and the workers' packet and byte counts.
 */
static int cmd_links(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct gw_tun *t = tel_gw->tun;
	struct tun_pub_data pd;

	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < t->n_peers; i++) {
		const struct tun_peer *p = &t->peers[i];
		tun_pub_read(&p->pub, &pd);
		for (unsigned int k = 0; k < p->n_links; k++) {
			const struct tun_link *l = &p->links[k];
			const struct bond_link_info *in = &pd.info[k];
			struct tun_link_counters c;
			struct rte_tel_data *ld = rte_tel_data_alloc();
			char buf[32], key[CFG_NAME_MAX];
			if (ld == NULL)
				return -ENOMEM;
			tun_link_sum(tel_gw, i, k, &c);
			uint64_t ep = __atomic_load_n(&l->endpoint, __ATOMIC_RELAXED);
			rte_tel_data_start_dict(ld);
			rte_tel_data_add_dict_string(ld, "peer", p->name);
			rte_tel_data_add_dict_int(ld, "id", (int)k);
			rte_tel_data_add_dict_string(ld, "port", tel_gw->ports[l->port].info.name);
			format_ep(buf, sizeof(buf), l->local_ip, l->local_port);
			rte_tel_data_add_dict_string(ld, "local", buf);
			if (ep != 0)
				format_ep(buf, sizeof(buf), (uint32_t)(ep >> 16), (uint16_t)ep);
			rte_tel_data_add_dict_string(ld, "endpoint", ep != 0 ? buf : "unknown");
			rte_tel_data_add_dict_string(ld, "endpoint_from",
			                             l->configured ? "configuration" : "learned");
			rte_tel_data_add_dict_int(ld, "mtu", l->mtu);
			rte_tel_data_add_dict_string(ld, "tx_state", link_state(in->tx_state));
			rte_tel_data_add_dict_string(ld, "rx_state", link_state(in->rx_state));
			rte_tel_data_add_dict_u64(ld, "rtt_us", in->rtt_us);
			rte_tel_data_add_dict_int(ld, "owd_tx_us", in->owd_tx_us);
			rte_tel_data_add_dict_int(ld, "owd_rx_us", in->owd_rx_us);
			rte_tel_data_add_dict_u64(ld, "owd_tx_rel_us", in->owd_tx_rel_us);
			rte_tel_data_add_dict_u64(ld, "queue_tx_us", in->queue_tx_us);
			rte_tel_data_add_dict_u64(ld, "jitter_tx_us", in->jitter_tx_us);
			rte_tel_data_add_dict_u64(ld, "jitter_rx_us", in->jitter_rx_us);
			rte_tel_data_add_dict_u64(ld, "loss_tx_ppm", in->loss_tx_ppm);
			rte_tel_data_add_dict_u64(ld, "loss_rx_ppm", in->loss_rx_ppm);
			rte_tel_data_add_dict_u64(ld, "rate_tx_est_bps", in->rate_tx_est_bps);
			rte_tel_data_add_dict_u64(ld, "rate_rx_bps", in->rate_rx_bps);
			rte_tel_data_add_dict_u64(ld, "tx_packets", c.tx_packets);
			rte_tel_data_add_dict_u64(ld, "tx_bytes", c.tx_bytes);
			rte_tel_data_add_dict_u64(ld, "rx_packets", c.rx_packets);
			rte_tel_data_add_dict_u64(ld, "rx_bytes", c.rx_bytes);
			rte_tel_data_add_dict_u64(ld, "probes_rx", in->probes_rx);
			rte_tel_data_add_dict_u64(ld, "tx_downs", in->tx_downs);
			rte_tel_data_add_dict_u64(ld, "tx_ups", in->tx_ups);
			rte_tel_data_add_dict_u64(ld, "rx_downs", in->rx_downs);
			rte_tel_data_add_dict_u64(ld, "rx_ups", in->rx_ups);
			tel_name(l->name, key, sizeof(key));
			rte_tel_data_add_dict_container(d, key, ld, 0);
		}
	}
	return 0;
}

/*
 * /pepgw/peers: per peer its session, its links' states, the reorder buffers and every drop
 * reason of lib/bond (summed over the workers).
 */
static int cmd_peers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct gw_tun *t = tel_gw->tun;
	struct tun_pub_data pd;
	uint64_t now = gw_now_us();

	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < t->n_peers; i++) {
		const struct tun_peer *p = &t->peers[i];
		struct rte_tel_data *pdict = rte_tel_data_alloc();
		uint64_t results[BOND_R_MAX] = {0}, reorder[BOND_REORDER_C_MAX] = {0};
		uint64_t tx = 0, rx = 0, held = 0;
		unsigned int up_tx = 0, up_rx = 0;
		char key[CFG_NAME_MAX];
		if (pdict == NULL)
			return -ENOMEM;
		tun_pub_read(&p->pub, &pd);
		for (unsigned int l = 0; l < tel_gw->n_lcores; l++) {
			const struct tun_lc_peer *lp = &tel_gw->lcores[l].tun->peers[i];
			struct bond_reorder_stats rs;
			for (unsigned int r = 0; r < BOND_R_MAX; r++)
				results[r] += lp->results[r];
			bond_reorder_stats_get(lp->reorder, &rs);
			for (unsigned int c = 0; c < BOND_REORDER_C_MAX; c++)
				reorder[c] += rs.c[c];
			held += rs.held_packets;
		}
		for (unsigned int k = 0; k < p->n_links; k++) {
			struct tun_link_counters c;
			tun_link_sum(tel_gw, i, k, &c);
			tx += c.tx_packets;
			rx += c.rx_packets;
			up_tx += pd.info[k].tx_state == BOND_LINK_UP;
			up_rx += pd.info[k].rx_state == BOND_LINK_UP;
		}
		rte_tel_data_start_dict(pdict);
		rte_tel_data_add_dict_string(pdict, "state",
		                             !pd.hs.established ? "handshake"
		                             : up_tx == 0       ? "down"
		                                                : "up");
		rte_tel_data_add_dict_int(pdict, "home_worker", (int)p->home);
		rte_tel_data_add_dict_int(pdict, "links", p->n_links);
		rte_tel_data_add_dict_int(pdict, "links_up_tx", (int)up_tx);
		rte_tel_data_add_dict_int(pdict, "links_up_rx", (int)up_rx);
		rte_tel_data_add_dict_int(pdict, "tunnel_mtu", p->link_mtu - BOND_OVERHEAD);
		rte_tel_data_add_dict_u64(pdict, "sessions", pd.hs.sessions);
		rte_tel_data_add_dict_u64(pdict, "session_age_s",
		                          pd.hs.established && now > pd.hs.session_since_us
		                                  ? (now - pd.hs.session_since_us) / US_PER_S
		                                  : 0);
		rte_tel_data_add_dict_u64(pdict, "handshake_inits_sent", pd.hs.inits_sent);
		rte_tel_data_add_dict_u64(pdict, "reorder_hold_us", pd.hold_us);
		rte_tel_data_add_dict_u64(pdict, "reorder_held", held);
		rte_tel_data_add_dict_u64(pdict, "tx_packets", tx);
		rte_tel_data_add_dict_u64(pdict, "rx_packets", rx);
		rte_tel_data_add_dict_u64(pdict, "probes_bad", pd.health.probes_bad);
		for (unsigned int c = 0; c < BOND_REORDER_C_MAX; c++) {
			char name[64];
			snprintf(name, sizeof(name), "reorder_%s",
			         bond_reorder_counter_name((enum bond_reorder_counter)c));
			rte_tel_data_add_dict_u64(pdict, name, reorder[c]);
		}
		for (unsigned int r = 0; r < BOND_R_MAX; r++)
			if (bond_result_is_drop((enum bond_result)r))
				rte_tel_data_add_dict_u64(
				        pdict, bond_result_name((enum bond_result)r), results[r]);
		tel_name(p->name, key, sizeof(key));
		rte_tel_data_add_dict_container(d, key, pdict, 0);
	}
	return 0;
}

int gw_tunnel_telemetry_init(struct gw *gw)
{
	int rc = 0;
	if (gw->tun == NULL)
		return 0;
	rc |= rte_telemetry_register_cmd(
	        "/pepgw/links", cmd_links,
	        "Tunnel links: state, delay, loss, jitter, rate each way, packets. No parameters");
	rc |= rte_telemetry_register_cmd(
	        "/pepgw/peers", cmd_peers,
	        "Tunnel peers: session, links up, reorder, drops by reason. No parameters");
	return rc;
}

int gw_telemetry_init(struct gw *gw)
{
	int rc = 0;
	tel_gw = gw;
	tel_start_tsc = rte_get_tsc_cycles();
	rc |= rte_telemetry_register_cmd("/pepgw/counters", cmd_counters,
	                                 "All gateway counters summed over lcores. No parameters");
	rc |= rte_telemetry_register_cmd("/pepgw/drops", cmd_drops,
	                                 "Drops by reason summed over lcores. No parameters");
	rc |= rte_telemetry_register_cmd("/pepgw/counter_help", cmd_counter_help,
	                                 "Kind and help of each counter key. Parameter: a set "
	                                 "(counters, tcp, rules), or none for the list of sets");
	rc |= rte_telemetry_register_cmd(
	        "/pepgw/ports", cmd_ports,
	        "Ports: address, MTU, link, ethdev counters. No parameters");
	rc |= rte_telemetry_register_cmd(
	        "/pepgw/rules", cmd_rules,
	        "Rules in match order with action and counters. No parameters");
	rc |= rte_telemetry_register_cmd("/pepgw/flows", cmd_flows,
	                                 "Flow table summary over all lcores. No parameters");
	rc |= rte_telemetry_register_cmd(
	        "/pepgw/tcp", cmd_tcp,
	        "Split TCP: pairs in use and engine counters. No parameters");
	rc |= rte_telemetry_register_cmd(
	        "/pepgw/tcp_conns", cmd_tcp_conns,
	        "Split TCP connections (client,server), at most 128. No parameters");
	rc |= rte_telemetry_register_cmd("/pepgw/tcp_conn", cmd_tcp_conn,
	                                 "Both legs of one split connection, like ss -ti. "
	                                 "Parameters: CLIENT_IP:PORT,SERVER_IP:PORT");
	rc |= rte_telemetry_register_cmd(
	        "/pepgw/info", cmd_info,
	        "Version, configuration file, uptime, workers. No parameters");
	rc |= rte_telemetry_register_cmd(
	        "/pepgw/lcores", cmd_lcores,
	        "Per worker: lcore, packets, drops, flows, split pairs. No parameters");
	rc |= gw_tunnel_telemetry_init(gw);
	return rc;
}
