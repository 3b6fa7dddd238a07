/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the configuration loader: each test names one behaviour of the contract in
 * doc/configuration.md and checks the exact message ("FILE:LINE:COL: path: message").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg.h"
#include "pepgw_config.h"
#include "tcp_defaults.h"

/* Two valid ports that most snippets reuse. */
#define PORTS                                                                                      \
	"\"ports\": [\n"                                                                           \
	"  {\"name\": \"lan0\", \"device\": \"net_null0\", \"role\": \"lan\", \"ipv4\": "          \
	"\"10.0.0.1/24\"},\n"                                                                      \
	"  {\"name\": \"wan0\", \"device\": \"net_null1\", \"role\": \"wan\", \"ipv4\": "          \
	"\"192.0.2.1/24\"}\n"                                                                      \
	"]"

static struct pepgw_config *load(const char *text, struct cfg_errors **errs)
{
	*errs = cfg_errors_create();
	assert_non_null(*errs);
	return pepgw_config_load_buffer("t.json", text, strlen(text), *errs);
}

/* Load text that must fail with exactly the messages given (NULL-terminated). */
static void expect_errors(const char *text, ...)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg = load(text, &errs);
	va_list ap;
	unsigned int n = 0;
	const char *want;

	assert_null(cfg);
	va_start(ap, text);
	while ((want = va_arg(ap, const char *)) != NULL) {
		const char *got = cfg_errors_get(errs, n);
		if (got == NULL || strcmp(got, want) != 0)
			cfg_errors_print(errs, stderr);
		assert_non_null(got);
		assert_string_equal(got, want);
		n++;
	}
	va_end(ap);
	if (cfg_errors_count(errs) != n)
		cfg_errors_print(errs, stderr);
	assert_int_equal(cfg_errors_count(errs), n);
	cfg_errors_free(errs);
}

static void syntax_error_has_line_and_column(void **state)
{
	expect_errors("{\n  \"ports\": [1,\n  ]\n}",
	              "t.json:3:3: syntax error: unexpected token near ']'", NULL);
}

static void unknown_key_is_reported_at_the_key(void **state)
{
	expect_errors("{" PORTS ",\n  \"flows\": {\"table_sise\": 4096}\n}",
	              "t.json:5:13: flows.table_sise: unknown key (allowed: table_size, "
	              "idle_timeout_s, udp_idle_timeout_s)",
	              NULL);
}

static void wrong_type_says_what_was_found_and_allowed(void **state)
{
	expect_errors("{" PORTS ",\n  \"icmp\": {\"burst\": \"50\"}\n}",
	              "t.json:5:21: icmp.burst: found string \"50\" (allowed: integer 1..100000)",
	              NULL);
}

static void out_of_range_lists_numbers_and_keywords(void **state)
{
	expect_errors("{" PORTS ",\n  \"rules\": [{\"name\": \"r\", \"action\": \"forward\", "
	              "\"mss\": 20}]\n}",
	              "t.json:5:55: rules[0].mss: 20 is out of range (allowed: 64..65495, "
	              "\"auto\", \"off\")",
	              NULL);
}

static void duplicate_key_names_both_places(void **state)
{
	expect_errors("{" PORTS ",\n  \"icmp\": {\"burst\": 5,\n           \"burst\": 6}\n}",
	              "t.json:6:12: icmp.burst: duplicate key (first at line 5, column 12; "
	              "allowed: each key once)",
	              NULL);
}

static void dangling_references_are_errors(void **state)
{
	expect_errors("{" PORTS ",\n"
	              "  \"routes\": [{\"prefix\": \"0.0.0.0/0\", \"port\": \"wan1\"}],\n"
	              "  \"arp\": {\"static\": [{\"ipv4\": \"10.0.0.9\", \"mac\": "
	              "\"02:00:00:00:00:09\", \"port\": \"lan9\"}]},\n"
	              "  \"tcp_profiles\": {\"lan\": {}},\n"
	              "  \"rules\": [{\"name\": \"a\", \"match\": {\"protocol\": \"tcp\", "
	              "\"ingress_port\": \"x\"}, \"action\": \"accelerate\", \"lan_profile\": "
	              "\"lan\", \"wan_profile\": \"sat\"}]\n}",
	              "t.json:5:46: routes[0].port: no port named \"wan1\" (allowed: \"lan0\", "
	              "\"wan0\")",
	              "t.json:6:79: arp.static[0].port: no port named \"lan9\" (allowed: \"lan0\", "
	              "\"wan0\")",
	              "t.json:8:72: rules[0].match.ingress_port: no port named \"x\" (allowed: "
	              "\"lan0\", \"wan0\")",
	              "t.json:8:139: rules[0].wan_profile: no TCP profile named \"sat\" (allowed: "
	              "\"lan\")",
	              NULL);
}

static void missing_file_says_why(void **state)
{
	struct cfg_errors *errs = cfg_errors_create();
	assert_null(pepgw_config_load("/nonexistent/pepgw.json", errs));
	assert_int_equal(cfg_errors_count(errs), 1);
	assert_string_equal(cfg_errors_get(errs, 0),
	                    "/nonexistent/pepgw.json: cannot open: No such file or directory");
	cfg_errors_free(errs);
}

static void every_error_is_reported_in_one_run(void **state)
{
	expect_errors("{" PORTS ",\n"
	              "  \"flows\": {\"table_size\": 10},\n"
	              "  \"lcores\": {\"burst\": true},\n"
	              "  \"rules\": [{\"name\": \"r\", \"action\": \"fwd\"}]\n}",
	              "t.json:5:27: flows.table_size: 10 is out of range (allowed: 1024..16777216)",
	              "t.json:6:23: lcores.burst: found true (allowed: integer 1..512)",
	              "t.json:7:37: rules[0].action: \"fwd\" is not allowed (allowed: \"forward\", "
	              "\"drop\", \"tunnel\", \"accelerate\")",
	              NULL);
}

static void semantic_checks(void **state)
{
	expect_errors("{" PORTS ",\n"
	              "  \"routes\": [{\"prefix\": \"10.1.0.0/8\", \"via\": \"10.0.0.2\"},\n"
	              "             {\"prefix\": \"0.0.0.0/0\", \"via\": \"203.0.113.1\"}],\n"
	              "  \"tcp_profiles\": {\"p\": {\"proxy_buffer_high\": 8192, "
	              "\"proxy_buffer_low\": 8192, \"window_scale\": false}}\n}",
	              "t.json:5:25: routes[0].prefix: \"10.1.0.0/8\" has host bits set (allowed: "
	              "the network address, here \"10.0.0.0/8\")",
	              "t.json:6:45: routes[1].via: \"203.0.113.1\" is not on any port's subnet "
	              "(allowed: a next hop that a port reaches directly)",
	              "t.json:7:73: tcp_profiles.p.proxy_buffer_low: 8192 is not below "
	              "proxy_buffer_high 8192 (allowed: low < high; the gap is the hysteresis "
	              "between closing and reopening the window)",
	              "t.json:7:95: tcp_profiles.p.window_scale: false needs receive_window of at "
	              "most 65535 (found the default 262144; allowed: set receive_window "
	              "1024..65535)",
	              NULL);
}

/* A tunnel: two links toward one peer, the peer's and a rule's bond profile. */
#define TUNNEL                                                                                     \
	"\"bond_profiles\": {\"bulk\": {\"reorder_max_hold_ms\": 150}, \"voice\": "                \
	"{\"scheduler\": \"duplicate\"}},\n"                                                       \
	"  \"links\": [{\"name\": \"coax\", \"port\": \"wan0\", \"peer_endpoint\": "               \
	"\"192.0.2.9:7000\", \"rate_up_kbps\": 20000, \"priority\": 1, \"mtu\": 1440},\n"          \
	"    {\"name\": \"lte\", \"port\": \"wan0\", \"local_port\": 6401, \"gateway\": "          \
	"\"192.0.2.254\"}],\n"                                                                     \
	"  \"peers\": [{\"name\": \"dc\", \"links\": [\"lte\", \"coax\"], \"key_file\": "          \
	"\"dc.key\", \"remote_networks\": [\"10.20.0.0/16\", \"10.30.0.9\"], "                     \
	"\"bond_profile\": \"bulk\"}]"

/* rate_mbps "auto": a paired WAN leg at the tunnel's capacity; only with the rate module, only
 * as a wan_profile, only with peers. */
#define AUTO_PROFILES                                                                              \
	"\"tcp_profiles\": {\"lan\": {}, \"wan\": {\"congestion_control\": \"rate\", "             \
	"\"rate_mbps\": \"auto\", \"overhead_bytes\": 56}}"
#define AUTO_RULE(lan, wan)                                                                        \
	"\"rules\": [{\"name\": \"p\", \"match\": {\"protocol\": \"tcp\"}, \"action\": "           \
	"\"accelerate\", \"lan_profile\": \"" lan "\", \"wan_profile\": \"" wan "\"}]"
static void rate_auto_in_paired_mode(void **state)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg = load("{" PORTS ",\n  " TUNNEL ",\n  " AUTO_PROFILES
	                                ",\n  " AUTO_RULE("lan", "wan") "\n}",
	                                &errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	assert_true(cfg->tcp_profiles[1].rate_auto);
	assert_true(cfg->tcp_profiles[1].rate_mbps == 0);
	assert_false(cfg->tcp_profiles[0].rate_auto);
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
	expect_errors("{" PORTS ",\n  " AUTO_PROFILES ",\n  " AUTO_RULE("lan", "wan") "\n}",
	              "t.json:6:118: rules[0].wan_profile: \"wan\" has rate_mbps \"auto\", the "
	              "bonded tunnel's measured capacity, but no peers are configured (allowed: "
	              "\"auto\" in paired mode; a rate in Mbit/s otherwise)",
	              NULL);
	expect_errors("{" PORTS ",\n  " TUNNEL ",\n  " AUTO_PROFILES
	              ",\n  " AUTO_RULE("wan", "lan") "\n}",
	              "t.json:10:96: rules[0].lan_profile: \"wan\" has rate_mbps \"auto\", the "
	              "bonded tunnel's capacity (allowed: only as a wan_profile, whose leg goes "
	              "into the tunnel)",
	              NULL);
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"rate_mbps\": \"auto\"}, "
	              "\"q\": {\"congestion_control\": \"rate\", \"rate_mbps\": \"fast\"}}\n}",
	              "t.json:5:39: tcp_profiles.p.rate_mbps: \"auto\" needs congestion_control "
	              "\"rate\" (found \"reno\"; \"auto\" is the rate module's rate at the bonded "
	              "tunnel's measured capacity)",
	              "t.json:5:97: tcp_profiles.q.rate_mbps: \"fast\" is not a rate (allowed: "
	              "0..100000 Mbit/s, or \"auto\": the bonded tunnel's measured capacity, on a "
	              "paired WAN leg)",
	              NULL);
}

static void tunnel_sections_fill_every_field(void **state)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg =
	        load("{" PORTS ",\n  " TUNNEL ",\n  \"default_action\": \"tunnel\",\n"
	             "  \"rules\": [{\"name\": \"v\", \"action\": \"tunnel\", \"bond_profile\": "
	             "\"voice\", \"fragment\": \"outer\"}, {\"name\": \"t\", \"action\": "
	             "\"tunnel\"}]\n}",
	             &errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	assert_int_equal(cfg->n_bond_profiles, 2);
	const struct cfg_bond_profile *b = &cfg->bond_profiles[0];
	assert_string_equal(b->name, "bulk");
	assert_int_equal(b->scheduler, CFG_SCHED_DYNAMIC);
	assert_int_equal(b->reorder_max_hold_ms, 150);
	assert_int_equal(b->probe_interval_ms, 100);
	assert_int_equal(b->down_after_min_ms, 300);
	assert_int_equal(b->down_after_max_ms, 900);
	assert_int_equal(b->up_after_ms, 1000);
	assert_int_equal(b->up_after_max_ms, 8000);
	assert_int_equal(cfg->bond_profiles[1].scheduler, CFG_SCHED_DUPLICATE);
	assert_string_equal(cfg_scheduler_name(cfg->bond_profiles[1].scheduler), "duplicate");
	assert_int_equal(cfg->n_links, 2);
	const struct cfg_link *coax = &cfg->links[0], *lte = &cfg->links[1];
	assert_int_equal(coax->port, 1);
	assert_int_equal(coax->local_port, 6400);
	assert_true(coax->has_peer_endpoint);
	assert_int_equal(coax->peer_ip, 0xc0000209);
	assert_int_equal(coax->peer_port, 7000);
	assert_int_equal(coax->gateway, 0);
	assert_int_equal(coax->rate_up_kbps, 20000);
	assert_int_equal(coax->rate_down_kbps, 0);
	assert_int_equal(coax->priority, 1);
	assert_int_equal(coax->mtu, 1440);
	assert_false(lte->has_peer_endpoint);
	assert_int_equal(lte->local_port, 6401);
	assert_int_equal(lte->gateway, 0xc00002fe);
	assert_int_equal(lte->mtu, 1500);
	/* Link ids follow the peer's list, not the links section. */
	assert_int_equal(lte->peer, 0);
	assert_int_equal(lte->id, 0);
	assert_int_equal(coax->id, 1);
	assert_int_equal(cfg->n_peers, 1);
	const struct cfg_peer *p = &cfg->peers[0];
	assert_int_equal(p->n_links, 2);
	assert_int_equal(p->links[0], 1);
	assert_int_equal(p->links[1], 0);
	assert_string_equal(p->key_file, "dc.key");
	assert_int_equal(p->n_remote, 2);
	assert_int_equal(p->remote[1].len, 32);
	assert_int_equal(p->bond_profile, 0);
	assert_int_equal(cfg->default_action, CFG_ACTION_TUNNEL);
	assert_int_equal(cfg->rules[0].action, CFG_ACTION_TUNNEL);
	assert_int_equal(cfg->rules[0].bond_profile, 1);
	assert_int_equal(cfg->rules[0].fragment, CFG_FRAG_OUTER);
	assert_int_equal(cfg->rules[1].bond_profile, -1);
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
}

static void tunnel_needs_a_peer(void **state)
{
	expect_errors("{" PORTS ",\n  \"default_action\": \"tunnel\",\n"
	              "  \"rules\": [{\"name\": \"t\", \"action\": \"tunnel\"}]\n}",
	              "t.json:5:21: default_action: \"tunnel\" needs a peer to tunnel to "
	              "(allowed: define \"peers\", or another action)",
	              "t.json:6:37: rules[0].action: \"tunnel\" needs a peer to tunnel to "
	              "(allowed: define \"peers\", or another action)",
	              NULL);
}

static void tunnel_only_keys(void **state)
{
	expect_errors("{" PORTS ",\n  " TUNNEL ",\n"
	              "  \"rules\": [{\"name\": \"f\", \"action\": \"forward\", \"fragment\": "
	              "\"outer\", \"bond_profile\": \"bulk\"}]\n}",
	              "t.json:9:60: rules[0].fragment: \"outer\" fragments the tunnel packet "
	              "(allowed with action \"forward\": \"always\", \"respect_df\")",
	              "t.json:9:69: rules[0].bond_profile: only used with action \"tunnel\" "
	              "(found action \"forward\")",
	              NULL);
}

/* Links and peers refer to each other: every link in one peer, an endpoint per peer. */
static void link_and_peer_references(void **state)
{
	expect_errors("{" PORTS ",\n"
	              "  \"links\": [{\"name\": \"a\", \"port\": \"wan0\"}, {\"name\": \"b\", "
	              "\"port\": \"wan0\"}, {\"name\": \"c\", \"port\": \"wan0\"}],\n"
	              "  \"peers\": [{\"name\": \"x\", \"links\": [\"a\", \"a\"], \"key_file\": "
	              "\"k\", \"remote_networks\": [\"10.20.0.0/16\"]},\n"
	              "    {\"name\": \"y\", \"links\": [\"b\"], \"key_file\": \"k\", "
	              "\"remote_networks\": [\"10.20.1.0/24\"]}]\n}",
	              "t.json:5:44: links[1]: port \"wan0\" UDP 6400 is already link \"a\" of "
	              "peer \"x\" (allowed: one peer per local endpoint: another local_port)",
	              "t.json:5:75: links[2]: link \"c\" is in no peer's \"links\" (allowed: "
	              "every link used by one peer)",
	              "t.json:6:42: peers[0].links[1]: link \"a\" already belongs to peer \"x\" "
	              "(allowed: each link in one peer, once)",
	              "t.json:7:72: peers[1].remote_networks[0]: overlaps 10.20.0.0/16 of peer "
	              "\"x\" (allowed: disjoint remote networks: each address has one peer)",
	              NULL);
}

/* Every module of lib/tcp's list (tcp_cc_list.h) is accepted, and only those: the error
 * names them all. */
static void congestion_control_from_the_list(void **state)
{
#define CC_NAME(name) #name,
	static const char *const names[] = {TCP_CC_LIST(CC_NAME)};
#undef CC_NAME
	char text[512], allowed[256] = "";
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text),
		         "{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"congestion_control\": "
		         "\"%s\"%s}}\n}",
		         names[i], i == CFG_CC_rate ? ", \"rate_mbps\": 10" : "");
		struct cfg_errors *errs;
		struct pepgw_config *cfg = load(text, &errs);
		if (cfg == NULL)
			cfg_errors_print(errs, stderr);
		assert_non_null(cfg);
		assert_int_equal(cfg->tcp_profiles[0].congestion_control, i);
		assert_string_equal(cfg_cc_name(cfg->tcp_profiles[0].congestion_control), names[i]);
		pepgw_config_free(cfg);
		cfg_errors_free(errs);
		size_t l = strlen(allowed);
		snprintf(allowed + l, sizeof(allowed) - l, "%s\"%s\"", i ? ", " : "", names[i]);
	}
	assert_int_equal(CFG_CC_COUNT, sizeof(names) / sizeof(names[0]));
	char want[512];
	snprintf(want, sizeof(want),
	         "t.json:5:48: tcp_profiles.p.congestion_control: \"cubic\" is not allowed "
	         "(allowed: %s)",
	         allowed);
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"congestion_control\": "
	              "\"cubic\"}}\n}",
	              want, NULL);
}

/* Pacing and rates: rates are numbers (a T1 is 1.544 Mbit/s), the rate module needs its rate
 * and no other module takes one. */
static void pacing_and_rates(void **state)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg =
	        load("{" PORTS ",\n  \"tcp_profiles\": {\"t1\": {\"pacing\": false, "
	             "\"max_rate_mbps\": 1.544, \"overhead_bytes\": 56},\n"
	             "    \"sat\": {\"congestion_control\": \"rate\", \"rate_mbps\": 10}}\n}",
	             &errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	const struct cfg_tcp_profile *t1 = &cfg->tcp_profiles[0], *sat = &cfg->tcp_profiles[1];
	assert_false(t1->pacing);
	assert_true(t1->max_rate_mbps == 1.544);
	assert_int_equal(t1->overhead_bytes, 56);
	assert_true(t1->rate_mbps == 0);
	assert_int_equal(sat->congestion_control, CFG_CC_rate);
	assert_true(sat->rate_mbps == 10);
	assert_true(sat->pacing);
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"congestion_control\": "
	              "\"rate\"}}\n}",
	              "t.json:5:48: tcp_profiles.p.congestion_control: \"rate\" needs rate_mbps "
	              "(allowed: a rate above 0 and up to 100000 Mbit/s to send at, each packet "
	              "counted with overhead_bytes, or \"auto\" on a paired WAN leg)",
	              NULL);
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"rate_mbps\": 2.5, "
	              "\"max_rate_mbps\": -1}}\n}",
	              "t.json:5:39: tcp_profiles.p.rate_mbps: 2.5 needs congestion_control "
	              "\"rate\" (allowed: 0 with \"reno\"; max_rate_mbps caps any algorithm)",
	              "t.json:5:61: tcp_profiles.p.max_rate_mbps: -1 is out of range (allowed: "
	              "0..100000)",
	              NULL);
}

static void defaults_are_applied(void **state)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg = load("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {}},\n"
	                                "  \"rules\": [{\"name\": \"r\", \"action\": \"drop\"}]\n}",
	                                &errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	assert_int_equal(cfg->ports[0].mtu, 1500);
	assert_int_equal(cfg->ports[0].rx_queues, 0);
	assert_int_equal(cfg->ports[0].rx_desc, 1024);
	assert_int_equal(cfg->ports[0].tx_desc, 1024);
	assert_int_equal(cfg->arp.timeout_s, 300);
	assert_int_equal(cfg->arp.retry_ms, 1000);
	assert_int_equal(cfg->arp.queue_len, 8);
	assert_int_equal(cfg->icmp.errors_per_s, 100);
	assert_int_equal(cfg->icmp.burst, 50);
	assert_int_equal(cfg->lcores.n_workers, 0);
	assert_int_equal(cfg->lcores.idle_sleep_us, 0);
	assert_int_equal(cfg->lcores.burst, 32);
	assert_int_equal(cfg->flows.table_size, 65536);
	assert_int_equal(cfg->flows.idle_timeout_s, 300);
	assert_int_equal(cfg->flows.udp_idle_timeout_s, 60);
	assert_int_equal(cfg->default_action, CFG_ACTION_FORWARD);
	const struct cfg_rule *r = &cfg->rules[0];
	assert_int_equal(r->protocol, CFG_PROTO_ANY);
	assert_int_equal(r->ingress_port, -1);
	assert_int_equal(r->mss_mode, CFG_MSS_AUTO);
	assert_int_equal(r->fragment, CFG_FRAG_RESPECT_DF);
	assert_int_equal(r->lan_profile, -1);
	assert_int_equal(r->wan_profile, -1);
	const struct cfg_tcp_profile *p = &cfg->tcp_profiles[0];
	assert_string_equal(p->name, "p");
	assert_int_equal(p->congestion_control, CFG_CC_reno);
	assert_true(p->sack && p->window_scale && p->timestamps);
	assert_int_equal(p->initial_window, 10);
	assert_int_equal(p->min_rto_ms, 200);
	assert_int_equal(p->max_rto_ms, 60000);
	assert_int_equal(p->initial_rto_ms, 1000);
	assert_true(p->proxy_buffer_low < p->proxy_buffer_high);
	assert_false(cfg->logging.has_default);
	assert_int_equal(cfg->logging.n_patterns, 0);
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
}

/* The loader has no TCP defaults of its own: an absent key holds the value of lib/tcp's list. */
static void tcp_profile_defaults_are_lib_tcps(void **state)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg = load("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {}}\n}", &errs);
	assert_non_null(cfg);
	const struct cfg_tcp_profile *p = &cfg->tcp_profiles[0];
#define IS_BOOL(n, d)                                assert_int_equal(p->n, d);
#define IS_U32(n, d)                                 assert_int_equal(p->n, d);
#define IS_U16(n, d)                                 assert_int_equal(p->n, d);
#define IS_U8(n, d)                                  assert_int_equal(p->n, d);
#define IS_RATE(n, d)                                assert_true(p->n##_mbps == (d));
#define IS_CC(n, d)                                  assert_string_equal(cfg_cc_name(p->n), d);
#define IS_KEY(kind, name, def, min, max, unit, doc) IS_##kind(name, def)
	TCP_PROFILE_KEYS(IS_KEY)
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
}

/* The later F5 keys and Vegas's minimum rate: their values, ranges and cross checks. */
static void f5_keys_and_min_rate(void **state)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg =
	        load("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"abc\": false, "
	             "\"deferred_accept\": true, \"deferred_accept_timeout_s\": 3, "
	             "\"bandwidth_delay\": false, \"close_wait_timeout_s\": 5, "
	             "\"proxy_mss\": true, \"proxy_options\": true, "
	             "\"congestion_control\": \"vegas\", \"min_rate_mbps\": 2, "
	             "\"max_rate_mbps\": 8}}\n}",
	             &errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	const struct cfg_tcp_profile *p = &cfg->tcp_profiles[0];
	assert_false(p->abc);
	assert_true(p->deferred_accept);
	assert_int_equal(p->deferred_accept_timeout_s, 3);
	assert_false(p->bandwidth_delay);
	assert_int_equal(p->close_wait_timeout_s, 5);
	assert_true(p->proxy_mss);
	assert_true(p->proxy_options);
	assert_true(p->min_rate_mbps == 2);
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"abc\": 1, "
	              "\"deferred_accept_timeout_s\": 0, \"close_wait_timeout_s\": 86401, "
	              "\"proxy_mss\": \"yes\"}}\n}",
	              "t.json:5:33: tcp_profiles.p.abc: found integer 1 (allowed: true, false)",
	              "t.json:5:65: tcp_profiles.p.deferred_accept_timeout_s: 0 is out of range "
	              "(allowed: 1..3600)",
	              "t.json:5:92: tcp_profiles.p.close_wait_timeout_s: 86401 is out of range "
	              "(allowed: 0..86400)",
	              "t.json:5:112: tcp_profiles.p.proxy_mss: found string \"yes\" (allowed: "
	              "true, false)",
	              NULL);
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"min_rate_mbps\": 2}}\n}",
	              "t.json:5:43: tcp_profiles.p.min_rate_mbps: 2 needs congestion_control "
	              "\"vegas\" (allowed: 0 with \"reno\"; \"rate\" sends at rate_mbps, "
	              "max_rate_mbps caps any algorithm)",
	              NULL);
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"congestion_control\": "
	              "\"vegas\", \"min_rate_mbps\": 20, \"max_rate_mbps\": 10}}\n}",
	              "t.json:5:74: tcp_profiles.p.min_rate_mbps: 20 is above max_rate_mbps 10 "
	              "(allowed: 0..10)",
	              NULL);
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"p\": {\"congestion_control\": "
	              "\"vegas\", \"min_rate_mbps\": 100001}}\n}",
	              "t.json:5:74: tcp_profiles.p.min_rate_mbps: 100001 is out of range "
	              "(allowed: 0..100000)",
	              NULL);
	/* deferred_accept waits for the client, a deferred handshake for the server. */
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"l\": {\"deferred_accept\": true}, "
	              "\"w\": {}},\n  \"rules\": [{\"name\": \"r\", \"match\": "
	              "{\"protocol\": \"tcp\"}, \"action\": \"accelerate\", "
	              "\"lan_profile\": \"l\", \"wan_profile\": \"w\"}]\n}",
	              "t.json:6:13: rules[0]: handshake \"deferred\" (the default) cannot wait for "
	              "the server while lan_profile \"l\" has deferred_accept waiting for the "
	              "client's data (allowed: handshake \"immediate\" with deferred_accept)",
	              NULL);
}

static void logging_levels_by_pattern_in_file_order(void **state)
{
	struct cfg_errors *errs;
	struct pepgw_config *cfg =
	        load("{" PORTS ",\n  \"logging\": {\"pepgw.*\": \"info\", \"default\": \"notice\", "
	             "\"pepgw.tcp\": \"debug\", \"lib.eal\": \"error\"}\n}",
	             &errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	const struct cfg_logging *lg = &cfg->logging;
	assert_true(lg->has_default);
	assert_int_equal(lg->default_level, CFG_LOG_NOTICE);
	assert_int_equal(lg->n_patterns, 3);
	assert_string_equal(lg->patterns[0].pattern, "pepgw.*");
	assert_int_equal(lg->patterns[0].level, CFG_LOG_INFO);
	assert_string_equal(lg->patterns[1].pattern, "pepgw.tcp");
	assert_int_equal(lg->patterns[1].level, CFG_LOG_DEBUG);
	assert_string_equal(lg->patterns[2].pattern, "lib.eal");
	assert_int_equal(lg->patterns[2].level, CFG_LOG_ERROR);
	assert_string_equal(cfg_log_level_name(CFG_LOG_WARNING), "warning");
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
}

static void logging_errors(void **state)
{
	expect_errors("{" PORTS ",\n  \"logging\": [\"debug\"]\n}",
	              "t.json:5:14: logging: found an array (allowed: object of log type pattern "
	              "-> level)",
	              NULL);
	expect_errors(
	        "{" PORTS ",\n  \"logging\": {\"pepgw/tcp\": \"debug\", \"default\": "
	        "\"loud\"}\n}",
	        "t.json:5:15: logging[\"pepgw/tcp\"]: \"pepgw/tcp\" is not a log type pattern "
	        "(allowed: \"default\" or 1..63 characters from A-Z a-z 0-9 _ - . and the "
	        "wildcards * ?)",
	        "t.json:5:48: logging.default: \"loud\" is not allowed (allowed: "
	        "\"emergency\", \"alert\", \"critical\", \"error\", \"warning\", "
	        "\"notice\", \"info\", \"debug\")",
	        NULL);
	/* one pattern more than CFG_MAX_LOG_LEVELS: reported at the key that does not fit */
	char text[4096];
	int n = snprintf(text, sizeof(text), "{%s,\n  \"logging\": {", PORTS);
	for (int i = 0; i <= CFG_MAX_LOG_LEVELS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s\"t%d\": \"info\"",
		              i ? ", " : "", i);
	snprintf(text + n, sizeof(text) - (size_t)n, "}\n}");
	struct cfg_errors *errs;
	assert_null(load(text, &errs));
	assert_int_equal(cfg_errors_count(errs), 1);
	assert_non_null(strstr(cfg_errors_get(errs, 0),
	                       "logging.t32: too many log type patterns (allowed: at most 32)"));
	cfg_errors_free(errs);
}

static void full_config_fills_every_field(void **state)
{
	struct cfg_errors *errs = cfg_errors_create();
	/* the tests run in lib/config (meson workdir) */
	struct pepgw_config *cfg = pepgw_config_load("../../config/pepgw-full.json", errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	assert_int_equal(cfg->n_ports, 2);
	assert_string_equal(cfg->ports[1].name, "wan0");
	assert_string_equal(cfg->ports[1].device, "net_af_packet1,iface=gw-wan");
	assert_int_equal(cfg->ports[1].role, CFG_ROLE_WAN);
	assert_int_equal(cfg->ports[1].ipv4, 0xc0000201); /* 192.0.2.1 */
	assert_int_equal(cfg->ports[1].prefix_len, 24);
	assert_int_equal(cfg->ports[1].mtu, 1400);
	assert_int_equal(cfg->ports[1].rx_desc, 512);
	assert_int_equal(cfg->n_routes, 3);
	assert_int_equal(cfg->routes[0].prefix_len, 0);
	assert_int_equal(cfg->routes[0].via, 0xc00002fe);
	assert_int_equal(cfg->routes[0].port, 1); /* resolved from via's subnet */
	assert_int_equal(cfg->routes[1].prefix, 0x0a140000);
	assert_int_equal(cfg->routes[1].port, 0);
	assert_int_equal(cfg->routes[2].via, 0);
	assert_int_equal(cfg->routes[2].port, 1);
	assert_int_equal(cfg->arp.n_statics, 1);
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0x02, 0xfe};
	assert_memory_equal(cfg->arp.statics[0].mac, mac, 6);
	assert_int_equal(cfg->arp.statics[0].port, 1);
	assert_int_equal(cfg->lcores.n_workers, 1);
	assert_int_equal(cfg->lcores.workers[0], 1);
	assert_int_equal(cfg->lcores.idle_sleep_us, 50);
	assert_int_equal(cfg->n_tcp_profiles, 2);
	int lan = pepgw_config_tcp_profile_index(cfg, "lan");
	int wan = pepgw_config_tcp_profile_index(cfg, "wan-lfn");
	assert_true(lan >= 0 && wan >= 0);
	const struct cfg_tcp_profile *w = &cfg->tcp_profiles[wan];
	assert_int_equal(w->congestion_control, CFG_CC_reno);
	assert_int_equal(w->send_buffer, 4194304);
	assert_int_equal(w->proxy_buffer_low, 4128768);
	assert_false(w->timestamps);
	assert_int_equal(w->keepalive_s, 7200);
	assert_int_equal(w->time_wait_ms, 4000);
	assert_int_equal(w->max_connections, 8192);
	assert_true(w->pacing);
	assert_true(w->max_rate_mbps == 150.5);
	assert_int_equal(w->overhead_bytes, 56);
	assert_int_equal(cfg->n_rules, 4);
	const struct cfg_rule *r = &cfg->rules[1];
	assert_string_equal(r->name, "dicom");
	assert_int_equal(r->n_src, 1);
	assert_int_equal(r->n_dst, 2);
	assert_int_equal(r->dst[1].addr, 0xc6336407); /* bare address = /32 */
	assert_int_equal(r->dst[1].len, 32);
	assert_int_equal(r->protocol, 6);
	assert_int_equal(r->n_src_ports, 1);
	assert_int_equal(r->src_ports[0].lo, 1024);
	assert_int_equal(r->src_ports[0].hi, 65535);
	assert_int_equal(r->n_dst_ports, 2);
	assert_int_equal(r->dst_ports[1].lo, 11112);
	assert_int_equal(r->dst_ports[1].hi, 11112);
	assert_int_equal(r->n_dscp, 3);
	assert_int_equal(r->dscp[2], 46);
	assert_int_equal(r->ingress_port, 0);
	assert_int_equal(r->action, CFG_ACTION_ACCELERATE);
	assert_int_equal(r->handshake, CFG_HANDSHAKE_IMMEDIATE);
	assert_int_equal(r->lan_profile, lan);
	assert_int_equal(r->wan_profile, wan);
	assert_int_equal(cfg->rules[0].action, CFG_ACTION_DROP);
	assert_int_equal(cfg->rules[2].protocol, 17);
	assert_int_equal(cfg->rules[2].mss_mode, CFG_MSS_OFF);
	assert_int_equal(cfg->rules[2].fragment, CFG_FRAG_ALWAYS);
	assert_int_equal(cfg->rules[3].mss_mode, CFG_MSS_FIXED);
	assert_int_equal(cfg->rules[3].mss, 1360);
	assert_int_equal(cfg->rules[3].invalid_tcp_flags, CFG_TCP_FLAGS_PASS);
	assert_int_equal(r->invalid_tcp_flags, CFG_TCP_FLAGS_DROP);
	assert_string_equal(cfg_tcp_flags_name(CFG_TCP_FLAGS_PASS), "pass");
	assert_string_equal(cfg_action_name(r->action), "accelerate");
	assert_true(cfg->logging.has_default);
	assert_int_equal(cfg->logging.default_level, CFG_LOG_INFO);
	assert_int_equal(cfg->logging.n_patterns, 2);
	assert_string_equal(cfg->logging.patterns[1].pattern, "pepgw.tcp");
	assert_int_equal(cfg->logging.patterns[1].level, CFG_LOG_DEBUG);
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
}

static void shipped_wan_sat_profile(void **state)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct pepgw_config *cfg = pepgw_config_load("../../config/pepgw-accelerate.json", errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	assert_non_null(cfg);
	int i = pepgw_config_tcp_profile_index(cfg, "wan-sat");
	assert_true(i >= 0);
	const struct cfg_tcp_profile *p = &cfg->tcp_profiles[i];
	/* 2 x BDP of 50 Mbit/s at 600 ms is 7.5 MB: the window must cover it */
	assert_true(p->receive_window >= 7500000 && p->send_buffer >= 7500000);
	assert_true(p->sack && p->window_scale && p->timestamps);
	assert_int_equal(p->initial_rto_ms, 3000);
	assert_int_equal(p->min_rto_ms, 1000);
	assert_int_equal(cfg->rules[0].wan_profile, i);
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
}

static void string_parsers(void **state)
{
	uint32_t a;
	uint8_t l, mac[6];
	uint16_t lo, hi;

	assert_int_equal(cfg_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffff);
	assert_int_not_equal(cfg_parse_ipv4("256.0.0.1", &a), 0);
	assert_int_not_equal(cfg_parse_ipv4("1.2.3", &a), 0);
	assert_int_not_equal(cfg_parse_ipv4("1.2.3.4 ", &a), 0);
	assert_int_not_equal(cfg_parse_ipv4("01.2.3.4", &a), 0);
	assert_int_equal(cfg_parse_prefix("10.0.0.0/8", false, &a, &l), 0);
	assert_int_equal(l, 8);
	assert_int_not_equal(cfg_parse_prefix("10.0.0.0/33", false, &a, &l), 0);
	assert_int_not_equal(cfg_parse_prefix("10.0.0.0", false, &a, &l), 0);
	assert_int_equal(cfg_parse_prefix("10.0.0.7", true, &a, &l), 0);
	assert_int_equal(l, 32);
	assert_int_equal(cfg_parse_mac("02:AB:cd:00:00:01", mac), 0);
	assert_int_equal(mac[1], 0xab);
	assert_int_equal(cfg_parse_mac("02-ab-cd-00-00-01", mac), 0);
	assert_int_not_equal(cfg_parse_mac("02:ab-cd:00:00:01", mac), 0);
	assert_int_not_equal(cfg_parse_mac("02:ab:cd:00:00", mac), 0);
	assert_int_equal(cfg_parse_port_range("1000-2000", &lo, &hi), 0);
	assert_int_equal(lo, 1000);
	assert_int_equal(hi, 2000);
	assert_int_not_equal(cfg_parse_port_range("2000-1000", &lo, &hi), 0);
	assert_int_not_equal(cfg_parse_port_range("1-65536", &lo, &hi), 0);
	assert_int_equal(cfg_parse_endpoint("192.0.2.1:6400", &a, &lo), 0);
	assert_int_equal(a, 0xc0000201);
	assert_int_equal(lo, 6400);
	assert_int_not_equal(cfg_parse_endpoint("192.0.2.1:0", &a, &lo), 0);
	assert_int_not_equal(cfg_parse_endpoint("192.0.2.1:65536", &a, &lo), 0);
	assert_int_not_equal(cfg_parse_endpoint("192.0.2.1", &a, &lo), 0);
	assert_int_not_equal(cfg_parse_endpoint("192.0.2.1:80x", &a, &lo), 0);
	assert_int_equal(cfg_prefix_mask(0), 0);
	assert_int_equal(cfg_prefix_mask(24), 0xffffff00);
	assert_int_equal(cfg_prefix_mask(32), 0xffffffff);
}

static void odd_keys_are_quoted_in_paths(void **state)
{
	expect_errors("{" PORTS ",\n  \"tcp_profiles\": {\"a b\": {\"sack\": 1}}\n}",
	              "t.json:5:20: tcp_profiles[\"a b\"]: \"a b\" is not a valid TCP profile name "
	              "(allowed: 1..31 characters from A-Z a-z 0-9 _ - .)",
	              NULL);
}

static void utf8_counts_characters_in_columns(void **state)
{
	/* "é" is two bytes but one column, as in jansson's syntax errors */
	expect_errors("{" PORTS
	              ",\n  \"rules\": [{\"name\": \"caf\xc3\xa9\", \"action\": \"drop\"}]\n}",
	              "t.json:5:22: rules[0].name: \"caf\xc3\xa9\" is not a valid name (allowed: "
	              "1..31 characters from A-Z a-z 0-9 _ - .)",
	              NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(syntax_error_has_line_and_column),
	        cmocka_unit_test(unknown_key_is_reported_at_the_key),
	        cmocka_unit_test(wrong_type_says_what_was_found_and_allowed),
	        cmocka_unit_test(out_of_range_lists_numbers_and_keywords),
	        cmocka_unit_test(duplicate_key_names_both_places),
	        cmocka_unit_test(dangling_references_are_errors),
	        cmocka_unit_test(missing_file_says_why),
	        cmocka_unit_test(every_error_is_reported_in_one_run),
	        cmocka_unit_test(semantic_checks),
	        cmocka_unit_test(tunnel_sections_fill_every_field),
	        cmocka_unit_test(tunnel_needs_a_peer),
	        cmocka_unit_test(tunnel_only_keys),
	        cmocka_unit_test(link_and_peer_references),
	        cmocka_unit_test(congestion_control_from_the_list),
	        cmocka_unit_test(pacing_and_rates),
	        cmocka_unit_test(rate_auto_in_paired_mode),
	        cmocka_unit_test(defaults_are_applied),
	        cmocka_unit_test(tcp_profile_defaults_are_lib_tcps),
	        cmocka_unit_test(f5_keys_and_min_rate),
	        cmocka_unit_test(logging_levels_by_pattern_in_file_order),
	        cmocka_unit_test(logging_errors),
	        cmocka_unit_test(full_config_fills_every_field),
	        cmocka_unit_test(shipped_wan_sat_profile),
	        cmocka_unit_test(string_parsers),
	        cmocka_unit_test(odd_keys_are_quoted_in_paths),
	        cmocka_unit_test(utf8_counts_characters_in_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
