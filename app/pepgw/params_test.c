/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration to library params (params.c): the configuration path and the libraries agree —
 * a TCP profile written as {} is exactly lib/tcp's default profile, every enum value maps to
 * its library value, and what this build cannot carry is refused with the configuration's
 * path. Runs from the source root (the shipped example is read from config/).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_log.h>

#include "bond_wire.h"
#include "params.h"
#include "tcp_cc.h"

#define PORTS                                                                                      \
	"\"ports\": [{\"name\": \"lan0\", \"device\": \"net_null0\", \"role\": \"lan\", "          \
	"\"ipv4\": \"10.0.0.1/24\"}]"

static struct pepgw_config *load(const char *text)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct pepgw_config *cfg = pepgw_config_load_buffer("t.json", text, strlen(text), errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	cfg_errors_free(errs);
	return cfg;
}

static struct pepgw_config *load_file(const char *path)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct pepgw_config *cfg = pepgw_config_load(path, errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	cfg_errors_free(errs);
	return cfg;
}

static void empty_tcp_profile_is_lib_tcp_default(void **state)
{
	struct pepgw_config *cfg = load("{" PORTS ", \"tcp_profiles\": {\"p\": {}}}");
	struct tcp_profile from_cfg, lib;
	char err[256] = "";

	memset(&from_cfg, 0xa5, sizeof(from_cfg));
	assert_int_equal(gw_params_tcp_profile(&cfg->tcp_profiles[0], &from_cfg, err, sizeof(err)),
	                 0);
	tcp_profile_defaults(&lib);
	assert_string_equal(from_cfg.congestion_control, lib.congestion_control);
	assert_int_equal(from_cfg.time_wait_ms, lib.time_wait_ms);
	assert_int_equal(from_cfg.max_connections, lib.max_connections);
	assert_int_equal(from_cfg.proxy_buffer_high, lib.proxy_buffer_high);
	/* every field, padding included (both start from tcp_profile_defaults' memset) */
	assert_memory_equal(&from_cfg, &lib, sizeof(lib));
	pepgw_config_free(cfg);
}

/* Every key set away from its default arrives in lib/tcp's profile: none is forgotten. */
static void tcp_profile_copies_every_key(void **state)
{
	struct cfg_tcp_profile c;
	struct tcp_profile t;
	char err[256] = "";

	pepgw_config_tcp_profile_defaults(&c);
	/* Each key of the list away from its default: booleans flipped, integers moved by their
	 * position in the list (so that two fields swapped would show), rates to 1.544 Mbit/s
	 * and up. */
	unsigned int k = 1;
#define SET_BOOL(n) c.n = !c.n;
#define SET_INT(n)  c.n += k;
#define SET_RATE(n) c.n##_mbps = 1.544 * k;
#define SET_CC(n)   /* congestion_control_is_lib_tcps */
#define SET_KEY(kind, name, def, min, max, unit, doc)                                              \
	SET_##kind(name);                                                                          \
	k++;
#define SET_U32 SET_INT
#define SET_U16 SET_INT
#define SET_U8  SET_INT
	TCP_PROFILE_KEYS(SET_KEY)
	assert_int_equal(gw_params_tcp_profile(&c, &t, err, sizeof(err)), 0);
	assert_string_equal(t.congestion_control, "reno");
#define CHECK_INT(n)  assert_int_equal(t.n, c.n);
#define CHECK_RATE(n) assert_int_equal(t.n##_bps, (uint64_t)llround(c.n##_mbps * 1e6));
#define CHECK_CC(n)
#define CHECK_KEY(kind, name, def, min, max, unit, doc) CHECK_##kind(name)
#define CHECK_BOOL                                      CHECK_INT
#define CHECK_U32                                       CHECK_INT
#define CHECK_U16                                       CHECK_INT
#define CHECK_U8                                        CHECK_INT
	TCP_PROFILE_KEYS(CHECK_KEY)
	assert_int_equal(t.max_rate_bps % 1544000, 0); /* Mbit/s to bit/s */
}

/* Every value of enum cfg_cc (lib/tcp's list) is a module of lib/tcp by the same name; a
 * value outside the enum is refused, not passed on. */
static void congestion_control_is_lib_tcps(void **state)
{
	struct cfg_tcp_profile c;
	struct tcp_profile t;
	char err[256] = "";

	pepgw_config_tcp_profile_defaults(&c);
	snprintf(c.name, sizeof(c.name), "sat");
	for (unsigned int i = 0; i < CFG_CC_COUNT; i++) {
		c.congestion_control = (enum cfg_cc)i;
		assert_int_equal(gw_params_tcp_profile(&c, &t, err, sizeof(err)), 0);
		assert_string_equal(t.congestion_control, cfg_cc_name(c.congestion_control));
		assert_non_null(tcp_cc_find(t.congestion_control));
	}
	assert_int_equal(CFG_CC_COUNT, tcp_cc_count());
	c.congestion_control = CFG_CC_COUNT;
	assert_int_equal(gw_params_tcp_profile(&c, &t, err, sizeof(err)), -ENOTSUP);
	assert_string_equal(err, "tcp_profiles.sat.congestion_control: \"?\" is not in this build");
}

static void rules_map_every_value(void **state)
{
	struct pepgw_config *cfg = load_file("config/pepgw-full.json");
	struct flow_rule_params *r = calloc(FLOW_RULES_MAX, sizeof(*r));
	enum flow_action_type def = FLOW_ACTION_DROP;
	char err[256] = "";

	assert_non_null(r);
	assert_int_equal(gw_params_flow_rules(cfg, r, FLOW_RULES_MAX, &def, err, sizeof(err)), 4);
	assert_int_equal(def, FLOW_ACTION_FORWARD);
	assert_int_equal(r[0].act.action, FLOW_ACTION_DROP);
	/* dicom: accelerate with an immediate handshake and both profiles */
	assert_string_equal(r[1].name, "dicom");
	assert_int_equal(r[1].act.action, FLOW_ACTION_ACCELERATE);
	assert_int_equal(r[1].act.handshake, FLOW_HANDSHAKE_IMMEDIATE);
	/* split TCP creates its entries once a valid first segment decides */
	assert_int_equal(r[1].act.flags, FLOW_ACT_F_DEFER);
	assert_int_equal(r[0].act.flags, 0);
	assert_int_equal(r[2].act.flags, 0);
	assert_int_equal(r[1].act.lan_profile, cfg->rules[1].lan_profile);
	assert_int_equal(r[1].act.wan_profile, cfg->rules[1].wan_profile);
	assert_int_equal(r[1].act.mss_mode, FLOW_MSS_AUTO);
	assert_int_equal(r[1].act.fragment, FRAG_POLICY_RESPECT_DF);
	assert_int_equal(r[1].protocol, 6);
	assert_int_equal(r[1].n_dst, 2);
	assert_int_equal(r[1].dst[1].addr, 0xc6336407);
	assert_int_equal(r[1].dst[1].len, 32);
	assert_int_equal(r[1].n_dst_ports, 2);
	assert_int_equal(r[1].dst_ports[1].lo, 11112);
	assert_int_equal(r[1].src_ports[0].hi, 65535);
	assert_int_equal(r[1].n_dscp, 3);
	assert_int_equal(r[1].dscp[2], 46);
	assert_int_equal(r[1].ingress_port, 0);
	assert_int_equal(r[2].act.mss_mode, FLOW_MSS_OFF);
	assert_int_equal(r[2].act.fragment, FRAG_POLICY_ALWAYS);
	assert_int_equal(r[3].act.mss_mode, FLOW_MSS_FIXED);
	assert_int_equal(r[3].act.mss, 1360);
	assert_int_equal(r[3].act.handshake, FLOW_HANDSHAKE_DEFERRED);
	assert_int_equal(r[3].act.lan_profile, -1);
	assert_int_equal(r[3].act.flags, FLOW_ACT_F_PASS_TCP_FLAGS);
	free(r);
	pepgw_config_free(cfg);
}

static void rules_out_of_range_are_refused(void **state)
{
	struct pepgw_config *cfg = calloc(1, sizeof(*cfg));
	struct flow_rule_params r[2];
	enum flow_action_type def;
	char err[256] = "";

	assert_non_null(cfg);
	cfg->n_rules = 2;
	cfg->rules[0].action = CFG_ACTION_DROP;
	cfg->rules[0].protocol = CFG_PROTO_ANY;
	cfg->rules[0].ingress_port = -1;
	cfg->rules[1] = cfg->rules[0];
	cfg->rules[1].action = (enum cfg_action)99;
	assert_int_equal(gw_params_flow_rules(cfg, r, 2, &def, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "rules[1].action: unknown value");
	assert_int_equal(r[0].protocol, FLOW_PROTO_ANY);
	assert_int_equal(r[0].ingress_port, FLOW_INGRESS_ANY);
	cfg->n_rules = 1;
	cfg->default_action = (enum cfg_action)99;
	assert_int_equal(gw_params_flow_rules(cfg, r, 2, &def, err, sizeof(err)), -EINVAL);
	cfg->default_action = CFG_ACTION_FORWARD;
	assert_int_equal(gw_params_flow_rules(cfg, r, 0, &def, err, sizeof(err)), -EINVAL);
	/* The loader refuses passing invalid TCP flags on a rule that does not forward. */
	cfg->rules[0].invalid_tcp_flags = CFG_TCP_FLAGS_PASS;
	assert_int_equal(gw_params_flow_rules(cfg, r, 2, &def, err, sizeof(err)), -EPERM);
	assert_string_equal(err, "rules[0].invalid_tcp_flags: not allowed with this action");
	free(cfg);
}

/* The shipped branch example: tunnel rules, their bond profiles, the peer's health and reorder. */
static void tunnel_maps_to_lib_bond(void **state)
{
	struct pepgw_config *cfg = load_file("config/pepgw-tunnel-branch.json");
	struct flow_rule_params *r = calloc(FLOW_RULES_MAX, sizeof(*r));
	enum flow_action_type def = FLOW_ACTION_DROP;
	struct bond_health_params hp;
	struct bond_reorder_params rp;
	enum bond_sched_kind k;
	char err[256] = "";

	assert_non_null(r);
	assert_int_equal(gw_params_flow_rules(cfg, r, FLOW_RULES_MAX, &def, err, sizeof(err)), 3);
	assert_int_equal(r[0].act.action, FLOW_ACTION_TUNNEL);
	assert_int_equal(r[0].act.bond_profile, 1); /* voice */
	assert_int_equal(r[1].act.bond_profile, -1);
	assert_int_equal(r[2].act.fragment, FRAG_POLICY_OUTER);
	free(r);

	assert_int_equal(gw_params_bond_health(cfg, 0, &hp, err, sizeof(err)), 0);
	assert_int_equal(hp.n_links, 2);
	assert_int_equal(hp.link[0].rate_tx_bps, 20000000);
	assert_int_equal(hp.link[0].rate_rx_bps, 100000000);
	assert_int_equal(hp.link[1].rate_tx_bps, 0);
	assert_int_equal(hp.link[1].priority, 1);
	assert_int_equal(hp.probe_interval_us, 100000);
	assert_int_equal(hp.down_after_min_us, 300000);
	assert_int_equal(hp.down_after_max_us, 900000);
	assert_int_equal(hp.up_after_us, 1000000);
	assert_int_equal(hp.up_after_max_us, 8000000);
	assert_int_equal(bond_health_params_check(&hp, NULL), 0);
	/* A profile lib/bond refuses is an error naming the peer. */
	cfg->bond_profiles[0].up_after_ms = 70000;
	assert_int_equal(gw_params_bond_health(cfg, 0, &hp, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "peers.dc:"));

	gw_params_bond_reorder(cfg, 0, &rp);
	assert_int_equal(rp.hold_max_us, 150000);
	assert_int_equal(rp.n_buckets, BOND_KEY_SLOTS * BOND_MAX_QUEUES * BOND_WIRE_FLOW_BUCKETS);

	static const struct {
		enum cfg_scheduler c;
		enum bond_sched_kind b;
	} kinds[] = {{CFG_SCHED_ROUND_ROBIN, BOND_SCHED_ROUND_ROBIN},
	             {CFG_SCHED_WEIGHTED, BOND_SCHED_WEIGHTED},
	             {CFG_SCHED_DYNAMIC, BOND_SCHED_DYNAMIC},
	             {CFG_SCHED_ACTIVE_BACKUP, BOND_SCHED_ACTIVE_BACKUP},
	             {CFG_SCHED_DUPLICATE, BOND_SCHED_DUPLICATE}};
	for (unsigned int i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		assert_int_equal(gw_params_bond_sched_kind(kinds[i].c, &k), 0);
		assert_int_equal(k, kinds[i].b);
		/* The configuration spells each scheduler as lib/bond names it. */
		assert_string_equal(cfg_scheduler_name(kinds[i].c), bond_sched_kind_name(k));
	}
	assert_int_equal(gw_params_bond_sched_kind((enum cfg_scheduler)99, &k), -EINVAL);
	pepgw_config_free(cfg);
}

static void tables_and_ports(void **state)
{
	struct pepgw_config *cfg = load_file("config/pepgw-full.json");
	struct flow_table_params fp;
	struct net_arp_params ap;
	struct port_params pp;

	gw_params_flow_table(&cfg->flows, "flows3", 1, &fp);
	assert_string_equal(fp.name, "flows3");
	assert_int_equal(fp.capacity, cfg->flows.table_size);
	assert_int_equal(fp.tcp_idle_timeout_s, cfg->flows.idle_timeout_s);
	assert_int_equal(fp.idle_timeout_s, cfg->flows.udp_idle_timeout_s);
	assert_int_equal(fp.socket_id, 1);
	assert_null(fp.on_expire);
	gw_params_arp(&cfg->arp, 0, &ap);
	assert_int_equal(ap.lifetime_us, 300u * 1000000u);
	assert_int_equal(ap.retry_us, 1000u * 1000u);
	assert_int_equal(ap.queue_len, 8);
	assert_true(ap.size > cfg->arp.n_statics);
	gw_params_port(&cfg->ports[1], 3, NULL, &pp);
	assert_string_equal(pp.name, "wan0");
	assert_string_equal(pp.devargs, "net_af_packet1,iface=gw-wan");
	assert_int_equal(pp.mtu, 1400);
	assert_int_equal(pp.n_rxq, 3); /* rx_queues 0: one per worker */
	assert_int_equal(pp.n_txq, 3);
	assert_int_equal(pp.rx_desc, 512);
	gw_params_port(&cfg->ports[0], 3, NULL, &pp);
	assert_int_equal(pp.n_rxq, 1);
	pepgw_config_free(cfg);
}

static void log_levels_default_first_then_file_order(void **state)
{
	struct pepgw_config *cfg = load("{" PORTS ", \"logging\": {\"pepgw.*\": \"warning\", "
	                                "\"default\": \"emergency\", \"pepgw.tcp\": \"debug\", "
	                                "\"lib.eal\": \"critical\"}}");
	struct gw_log_level lv[CFG_MAX_LOG_LEVELS + 1];

	assert_int_equal(gw_params_log_levels(&cfg->logging, lv, CFG_MAX_LOG_LEVELS + 1), 4);
	assert_string_equal(lv[0].pattern, "*");
	assert_int_equal(lv[0].level, RTE_LOG_EMERG);
	assert_string_equal(lv[1].pattern, "pepgw.*");
	assert_int_equal(lv[1].level, RTE_LOG_WARNING);
	assert_string_equal(lv[2].pattern, "pepgw.tcp");
	assert_int_equal(lv[2].level, RTE_LOG_DEBUG);
	assert_string_equal(lv[3].pattern, "lib.eal");
	assert_int_equal(lv[3].level, RTE_LOG_CRIT);
	assert_int_equal(gw_params_log_levels(&cfg->logging, lv, 2), 2);
	pepgw_config_free(cfg);

	/* every level word to its rte_log level */
	static const uint32_t want[] = {RTE_LOG_EMERG, RTE_LOG_ALERT,   RTE_LOG_CRIT,
	                                RTE_LOG_ERR,   RTE_LOG_WARNING, RTE_LOG_NOTICE,
	                                RTE_LOG_INFO,  RTE_LOG_DEBUG};
	struct cfg_logging lg = {.n_patterns = 1};
	snprintf(lg.patterns[0].pattern, sizeof(lg.patterns[0].pattern), "x");
	for (int l = CFG_LOG_EMERGENCY; l <= CFG_LOG_DEBUG; l++) {
		lg.patterns[0].level = (enum cfg_log_level)l;
		assert_int_equal(gw_params_log_levels(&lg, lv, 1), 1);
		assert_int_equal(lv[0].level, want[l]);
	}
	lg.n_patterns = 0;
	assert_int_equal(gw_params_log_levels(&lg, lv, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(empty_tcp_profile_is_lib_tcp_default),
	        cmocka_unit_test(tcp_profile_copies_every_key),
	        cmocka_unit_test(congestion_control_is_lib_tcps),
	        cmocka_unit_test(rules_map_every_value),
	        cmocka_unit_test(rules_out_of_range_are_refused),
	        cmocka_unit_test(tunnel_maps_to_lib_bond),
	        cmocka_unit_test(tables_and_ports),
	        cmocka_unit_test(log_levels_default_first_then_file_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
