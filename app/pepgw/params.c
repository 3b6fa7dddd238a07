/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration to library params (see params.h). Each enum mapping is a switch over the
 * configuration's values with no default branch, so that a value added to a configuration
 * enum is a compiler warning here until it is mapped or refused.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "bond_crypto.h"
#include "params.h"
#include "tcp_cc.h"

#define US_PER_MS (US_PER_S / MS_PER_S)

/* The configuration's bounds fit the libraries' arrays and fields. */
_Static_assert(CFG_MAX_RULES <= FLOW_RULES_MAX, "every configured rule fits lib/flow");
_Static_assert(CFG_MAX_PREFIXES <= FLOW_RULE_PREFIXES_MAX, "prefix lists fit lib/flow");
_Static_assert(CFG_MAX_PORT_RANGES <= FLOW_RULE_PORT_RANGES_MAX, "port lists fit lib/flow");
_Static_assert(CFG_MAX_DSCP <= FLOW_RULE_DSCP_MAX, "DSCP lists fit lib/flow");
_Static_assert(CFG_MAX_TCP_PROFILES <= INT8_MAX, "a profile index fits flow_action");
_Static_assert(CFG_MAX_BOND_PROFILES <= INT8_MAX, "a bond profile index fits flow_action");
_Static_assert(CFG_TUNNEL_OVERHEAD == BOND_OVERHEAD, "the configuration's tunnel overhead");
_Static_assert(CFG_MAX_PEER_LINKS <= BOND_MAX_LINKS, "a peer's links fit lib/bond's link ids");
_Static_assert(CFG_MAX_LCORES <= BOND_MAX_QUEUES, "every worker is a sender queue");

/* ---- TCP profiles ---- */

int gw_params_tcp_profile(const struct cfg_tcp_profile *c, struct tcp_profile *t, char *err,
                          size_t errlen)
{
	/* enum cfg_cc and its names come from lib/tcp's list (tcp_cc_list.h): the name is
	 * lib/tcp's, and only a value outside the enum finds no module. */
	const char *cc = cfg_cc_name(c->congestion_control);

	tcp_profile_defaults(t);
	if (tcp_cc_find(cc) == NULL) {
		snprintf(err, errlen,
		         "tcp_profiles.%s.congestion_control: \"%s\" is not in this build", c->name,
		         cc);
		return -ENOTSUP;
	}
	snprintf(t->congestion_control, sizeof(t->congestion_control), "%s", cc);
	/* Every other key of lib/tcp's list (tcp_defaults.h): rates from Mbit/s to bit/s. */
#define COPY_BOOL(n)                                   t->n = c->n;
#define COPY_U32(n)                                    t->n = c->n;
#define COPY_U16(n)                                    t->n = c->n;
#define COPY_U8(n)                                     t->n = c->n;
#define COPY_RATE(n)                                   t->n##_bps = (uint64_t)llround(c->n##_mbps * 1e6);
#define COPY_CC(n)                                     /* above */
#define COPY_KEY(kind, name, def, min, max, unit, doc) COPY_##kind(name)
	TCP_PROFILE_KEYS(COPY_KEY)
#undef COPY_KEY
	/* rate_mbps "auto": each WAN leg gets the tunnel's capacity (accel.c); this stands in
	 * until one is measured, and on a leg that does not go into a tunnel. */
	if (c->rate_auto)
		t->rate_bps = GW_RATE_AUTO_DEFAULT_BPS;
	/* The MSS is not the profile's: each leg's comes from its egress and the rule. */
	return 0;
}

/* ---- flow rules ---- */

/* The action of a rule or the default; -ENOTSUP for one this build cannot carry out. */
static int flow_action_type(enum cfg_action a, enum flow_action_type *out)
{
	switch (a) {
	case CFG_ACTION_FORWARD:
		*out = FLOW_ACTION_FORWARD;
		return 0;
	case CFG_ACTION_DROP:
		*out = FLOW_ACTION_DROP;
		return 0;
	case CFG_ACTION_ACCELERATE:
		*out = FLOW_ACTION_ACCELERATE;
		return 0;
	case CFG_ACTION_TUNNEL:
		*out = FLOW_ACTION_TUNNEL;
		return 0;
	}
	return -EINVAL;
}

static int flow_mss_mode(enum cfg_mss_mode m, enum flow_mss_mode *out)
{
	switch (m) {
	case CFG_MSS_OFF:
		*out = FLOW_MSS_OFF;
		return 0;
	case CFG_MSS_FIXED:
		*out = FLOW_MSS_FIXED;
		return 0;
	case CFG_MSS_AUTO:
		*out = FLOW_MSS_AUTO;
		return 0;
	}
	return -EINVAL;
}

static int frag_policy(enum cfg_frag_policy f, enum frag_policy *out)
{
	switch (f) {
	case CFG_FRAG_RESPECT_DF:
		*out = FRAG_POLICY_RESPECT_DF;
		return 0;
	case CFG_FRAG_ALWAYS:
		*out = FRAG_POLICY_ALWAYS;
		return 0;
	case CFG_FRAG_OUTER:
		*out = FRAG_POLICY_OUTER;
		return 0;
	}
	return -EINVAL;
}

static int flow_handshake(enum cfg_handshake h, enum flow_handshake *out)
{
	switch (h) {
	case CFG_HANDSHAKE_DEFERRED:
		*out = FLOW_HANDSHAKE_DEFERRED;
		return 0;
	case CFG_HANDSHAKE_IMMEDIATE:
		*out = FLOW_HANDSHAKE_IMMEDIATE;
		return 0;
	}
	return -EINVAL;
}

/*
 * The flags of an action: split TCP creates its entries once a valid first segment decides
 * (accel.c); a forward rule may pass what the TCP flag policy refuses.
 */
static int flow_action_flags(const struct cfg_rule *c, enum flow_action_type action, uint8_t *out)
{
	*out = action == FLOW_ACTION_ACCELERATE ? FLOW_ACT_F_DEFER : 0;
	switch (c->invalid_tcp_flags) {
	case CFG_TCP_FLAGS_DROP:
		return 0;
	case CFG_TCP_FLAGS_PASS:
		if (action != FLOW_ACTION_FORWARD)
			return -EPERM;
		*out |= FLOW_ACT_F_PASS_TCP_FLAGS;
		return 0;
	}
	return -EINVAL;
}

static int flow_rule(const struct cfg_rule *c, struct flow_rule_params *r, const char **field)
{
	uint8_t flags;
	enum flow_action_type action;
	enum flow_mss_mode mss_mode;
	enum frag_policy fragment;
	enum flow_handshake handshake;
	int rc;

	memset(r, 0, sizeof(*r));
	r->name = c->name;
	for (unsigned int i = 0; i < c->n_src; i++)
		r->src[i] = (struct flow_prefix4){.addr = c->src[i].addr, .len = c->src[i].len};
	r->n_src = c->n_src;
	for (unsigned int i = 0; i < c->n_dst; i++)
		r->dst[i] = (struct flow_prefix4){.addr = c->dst[i].addr, .len = c->dst[i].len};
	r->n_dst = c->n_dst;
	r->protocol = c->protocol == CFG_PROTO_ANY ? FLOW_PROTO_ANY : c->protocol;
	for (unsigned int i = 0; i < c->n_src_ports; i++)
		r->src_ports[i] = (struct flow_port_range){.lo = c->src_ports[i].lo,
		                                           .hi = c->src_ports[i].hi};
	r->n_src_ports = c->n_src_ports;
	for (unsigned int i = 0; i < c->n_dst_ports; i++)
		r->dst_ports[i] = (struct flow_port_range){.lo = c->dst_ports[i].lo,
		                                           .hi = c->dst_ports[i].hi};
	r->n_dst_ports = c->n_dst_ports;
	memcpy(r->dscp, c->dscp, c->n_dscp);
	r->n_dscp = c->n_dscp;
	r->ingress_port = c->ingress_port < 0 ? FLOW_INGRESS_ANY : c->ingress_port;

	if ((rc = flow_action_type(c->action, &action)) < 0) {
		*field = "action";
		return rc;
	}
	if ((rc = flow_mss_mode(c->mss_mode, &mss_mode)) < 0) {
		*field = "mss";
		return rc;
	}
	if ((rc = frag_policy(c->fragment, &fragment)) < 0) {
		*field = "fragment";
		return rc;
	}
	if ((rc = flow_handshake(c->handshake, &handshake)) < 0) {
		*field = "handshake";
		return rc;
	}
	if ((rc = flow_action_flags(c, action, &flags)) < 0) {
		*field = "invalid_tcp_flags";
		return rc;
	}
	r->act = (struct flow_action){
	        .action = (uint8_t)action,
	        .mss_mode = (uint8_t)mss_mode,
	        .mss = c->mss,
	        .fragment = (uint8_t)fragment,
	        .handshake = (uint8_t)handshake,
	        .lan_profile = (int8_t)c->lan_profile,
	        .wan_profile = (int8_t)c->wan_profile,
	        .flags = flags,
	        .bond_profile = (int8_t)c->bond_profile,
	};
	return 0;
}

int gw_params_flow_rules(const struct pepgw_config *cfg, struct flow_rule_params *rules,
                         unsigned int max, enum flow_action_type *default_action, char *err,
                         size_t errlen)
{
	const char *field = NULL;
	int rc;

	if (cfg->n_rules > max) {
		snprintf(err, errlen, "rules: %u rules, at most %u", cfg->n_rules, max);
		return -EINVAL;
	}
	if ((rc = flow_action_type(cfg->default_action, default_action)) < 0) {
		snprintf(err, errlen, "default_action: \"%s\" is not in this build",
		         cfg_action_name(cfg->default_action));
		return rc;
	}
	for (unsigned int i = 0; i < cfg->n_rules; i++) {
		if ((rc = flow_rule(&cfg->rules[i], &rules[i], &field)) < 0) {
			snprintf(err, errlen, "rules[%u].%s: %s", i, field,
			         rc == -ENOTSUP ? "not in this build"
			         : rc == -EPERM ? "not allowed with this action"
			                        : "unknown value");
			return rc;
		}
	}
	return (int)cfg->n_rules;
}

void gw_params_flow_table(const struct cfg_flows *c, const char *name, int socket_id,
                          struct flow_table_params *p)
{
	*p = (struct flow_table_params){
	        .name = name,
	        .capacity = c->table_size,
	        .tcp_idle_timeout_s = c->idle_timeout_s,
	        .idle_timeout_s = c->udp_idle_timeout_s,
	        .socket_id = socket_id,
	};
}

/* ---- ARP, ports ---- */

/* Neighbours one lcore's table holds: static, learned and unresolved together. */
#define ARP_TABLE_SIZE  4096
/* Requests sent for an unresolved next hop before its held packets are dropped. */
#define ARP_MAX_RETRIES 3

void gw_params_arp(const struct cfg_arp *c, int socket_id, struct net_arp_params *p)
{
	*p = (struct net_arp_params){
	        .size = ARP_TABLE_SIZE,
	        .lifetime_us = (uint64_t)c->timeout_s * US_PER_S,
	        .retry_us = (uint64_t)c->retry_ms * US_PER_MS,
	        .max_retries = ARP_MAX_RETRIES,
	        .queue_len = c->queue_len,
	        .socket_id = socket_id,
	};
}

void gw_params_port(const struct cfg_port *c, uint16_t n_workers, struct rte_mempool *pool,
                    struct port_params *p)
{
	*p = (struct port_params){
	        .name = c->name,
	        .devargs = c->device,
	        .mtu = c->mtu,
	        .n_rxq = c->rx_queues ? c->rx_queues : n_workers,
	        .n_txq = n_workers,
	        .rx_desc = c->rx_desc,
	        .tx_desc = c->tx_desc,
	        .pool = pool,
	};
}

/* ---- bonded tunnel ---- */

int gw_params_bond_sched_kind(enum cfg_scheduler s, enum bond_sched_kind *out)
{
	switch (s) {
	case CFG_SCHED_ROUND_ROBIN:
		*out = BOND_SCHED_ROUND_ROBIN;
		return 0;
	case CFG_SCHED_WEIGHTED:
		*out = BOND_SCHED_WEIGHTED;
		return 0;
	case CFG_SCHED_DYNAMIC:
		*out = BOND_SCHED_DYNAMIC;
		return 0;
	case CFG_SCHED_ACTIVE_BACKUP:
		*out = BOND_SCHED_ACTIVE_BACKUP;
		return 0;
	case CFG_SCHED_DUPLICATE:
		*out = BOND_SCHED_DUPLICATE;
		return 0;
	}
	return -EINVAL;
}

void gw_params_peer_profile(const struct pepgw_config *cfg, unsigned int peer,
                            struct cfg_bond_profile *out)
{
	int b = cfg->peers[peer].bond_profile;

	if (b >= 0)
		*out = cfg->bond_profiles[b];
	else
		pepgw_config_bond_profile_defaults(out);
}

int gw_params_bond_health(const struct pepgw_config *cfg, unsigned int peer,
                          struct bond_health_params *p, char *err, size_t errlen)
{
	const struct cfg_peer *c = &cfg->peers[peer];
	struct cfg_bond_profile b;
	const char *why = NULL;

	gw_params_peer_profile(cfg, peer, &b);
	bond_health_params_init(p, c->n_links);
	for (unsigned int i = 0; i < c->n_links; i++) {
		const struct cfg_link *k = &cfg->links[c->links[i]];
		p->link[i] = (struct bond_health_link_params){
		        .rate_tx_bps = (uint64_t)k->rate_up_kbps * 1000,
		        .rate_rx_bps = (uint64_t)k->rate_down_kbps * 1000,
		        .priority = k->priority,
		};
	}
	p->probe_interval_us = b.probe_interval_ms * US_PER_MS;
	p->down_after_min_us = b.down_after_min_ms * US_PER_MS;
	p->down_after_max_us = b.down_after_max_ms * US_PER_MS;
	p->up_after_us = b.up_after_ms * US_PER_MS;
	p->up_after_max_us = b.up_after_max_ms * US_PER_MS;
	/* The first recovery is quicker (lib/bond's default), never slower than the others. */
	p->first_up_after_us = RTE_MIN(p->first_up_after_us, p->up_after_us);
	if (bond_health_params_check(p, &why) < 0) {
		snprintf(err, errlen, "peers.%s: bond profile out of lib/bond's range: %s", c->name,
		         why);
		return -EINVAL;
	}
	return 0;
}

void gw_params_bond_reorder(const struct pepgw_config *cfg, unsigned int peer,
                            struct bond_reorder_params *p)
{
	struct cfg_bond_profile b;

	gw_params_peer_profile(cfg, peer, &b);
	bond_reorder_params_init(p);
	/* Buckets per key slot, sender queue and inner flow bucket: every session of every
	 * sender queue numbers its flows apart, so a new session never meets an old one's
	 * sequence numbers. */
	p->n_buckets = BOND_KEY_SLOTS * BOND_MAX_QUEUES * BOND_WIRE_FLOW_BUCKETS;
	p->max_packets = GW_TUN_REORDER_PACKETS;
	p->hold_max_us = b.reorder_max_hold_ms * US_PER_MS;
}

/* ---- logging ---- */

static uint32_t rte_log_level(enum cfg_log_level l)
{
	switch (l) {
	case CFG_LOG_EMERGENCY:
		return RTE_LOG_EMERG;
	case CFG_LOG_ALERT:
		return RTE_LOG_ALERT;
	case CFG_LOG_CRITICAL:
		return RTE_LOG_CRIT;
	case CFG_LOG_ERROR:
		return RTE_LOG_ERR;
	case CFG_LOG_WARNING:
		return RTE_LOG_WARNING;
	case CFG_LOG_NOTICE:
		return RTE_LOG_NOTICE;
	case CFG_LOG_INFO:
		return RTE_LOG_INFO;
	case CFG_LOG_DEBUG:
		return RTE_LOG_DEBUG;
	}
	return RTE_LOG_INFO;
}

unsigned int gw_params_log_levels(const struct cfg_logging *c, struct gw_log_level *out,
                                  unsigned int max)
{
	unsigned int n = 0;

	if (c->has_default && n < max)
		out[n++] = (struct gw_log_level){.pattern = "*",
		                                 .level = rte_log_level(c->default_level)};
	for (unsigned int i = 0; i < c->n_patterns && n < max; i++)
		out[n++] = (struct gw_log_level){.pattern = c->patterns[i].pattern,
		                                 .level = rte_log_level(c->patterns[i].level)};
	return n;
}
