/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "rules": first-match classification rules (match fields and the action with its MSS,
 * fragmentation and split-TCP settings), and "default_action" for traffic that matches none.
 */
#include <string.h>

#include "pepgw_section.h"

#define MSS_MIN 64
#define MSS_MAX 65495 /* 65535 - 20 (IPv4) - 20 (TCP) */

/* In enum order: the index returned by cfg_node_enum is the enum value. */
static const char *const action_names[] = {"forward", "drop", "tunnel", "accelerate", NULL};
static const char *const default_action_names[] = {"forward", "drop", "tunnel", NULL};
static const char *const frag_names[] = {"respect_df", "always", "outer", NULL};
static const char *const handshake_names[] = {"deferred", "immediate", NULL};
static const char *const tcp_flags_names[] = {"drop", "pass", NULL};
static const char *const mss_keywords[] = {"auto", "off", NULL};
static const char *const proto_keywords[] = {"tcp", "udp", "icmp", "any", NULL};

const char *cfg_action_name(enum cfg_action a)
{
	return (unsigned int)a <= CFG_ACTION_ACCELERATE ? action_names[a] : "?";
}

const char *cfg_frag_name(enum cfg_frag_policy f)
{
	return (unsigned int)f <= CFG_FRAG_OUTER ? frag_names[f] : "?";
}

const char *cfg_handshake_name(enum cfg_handshake h)
{
	return (unsigned int)h <= CFG_HANDSHAKE_IMMEDIATE ? handshake_names[h] : "?";
}

const char *cfg_tcp_flags_name(enum cfg_tcp_flags f)
{
	return (unsigned int)f <= CFG_TCP_FLAGS_PASS ? tcp_flags_names[f] : "?";
}

static const char tunnel_no_peer[] = "needs a peer to tunnel to (allowed: define \"peers\", or "
                                     "another action)";

static const char *const rule_keys[] = {"name",         "match",       "action",
                                        "mss",          "fragment",    "handshake",
                                        "lan_profile",  "wan_profile", "invalid_tcp_flags",
                                        "bond_profile", NULL};
static const char *const match_keys[] = {"src",       "dst",  "protocol",     "src_ports",
                                         "dst_ports", "dscp", "ingress_port", NULL};

#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_TCP  6
#define IPPROTO_NUM_UDP  17
#define IPPROTO_NUM_SCTP 132

static void parse_prefix_list(const struct cfg_node *m, struct cfg_prefix *out, uint8_t *n_out)
{
	size_t n = 0;
	if (!cfg_present(m) || !cfg_node_array(m, CFG_MAX_PREFIXES, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(m, i);
		if (cfg_node_prefix(&it, CFG_PREFIX_BARE_OK, &out[*n_out].addr, &out[*n_out].len))
			(*n_out)++;
	}
}

static void parse_port_list(const struct cfg_node *m, struct cfg_port_range *out, uint8_t *n_out)
{
	size_t n = 0;
	if (!cfg_present(m) || !cfg_node_array(m, CFG_MAX_PORT_RANGES, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(m, i);
		if (cfg_node_port_range(&it, &out[*n_out].lo, &out[*n_out].hi))
			(*n_out)++;
	}
}

static void parse_match(struct pepgw_loader *L, const struct cfg_node *n, struct cfg_rule *r)
{
	struct cfg_node m;
	size_t count = 0;

	if (!cfg_present(n) || !cfg_node_object(n, match_keys))
		return;
	m = cfg_member(n, "src");
	parse_prefix_list(&m, r->src, &r->n_src);
	m = cfg_member(n, "dst");
	parse_prefix_list(&m, r->dst, &r->n_dst);
	m = cfg_member(n, "protocol");
	if (cfg_present(&m)) {
		uint64_t num = 0;
		static const uint16_t kw_proto[] = {IPPROTO_NUM_TCP, IPPROTO_NUM_UDP,
		                                    IPPROTO_NUM_ICMP, CFG_PROTO_ANY};
		int k = cfg_node_uint_or_keyword(&m, 0, 255, proto_keywords, &num);
		if (k == 0)
			r->protocol = (uint16_t)num;
		else if (k > 0)
			r->protocol = kw_proto[k - 1];
	}
	m = cfg_member(n, "src_ports");
	parse_port_list(&m, r->src_ports, &r->n_src_ports);
	m = cfg_member(n, "dst_ports");
	parse_port_list(&m, r->dst_ports, &r->n_dst_ports);
	if ((r->n_src_ports || r->n_dst_ports) && r->protocol != IPPROTO_NUM_TCP &&
	    r->protocol != IPPROTO_NUM_UDP && r->protocol != IPPROTO_NUM_SCTP) {
		m = cfg_member(n, r->n_src_ports ? "src_ports" : "dst_ports");
		cfg_error(&m,
		          "port match needs protocol \"tcp\", \"udp\" or 132 (sctp) (found "
		          "protocol %s)",
		          r->protocol == CFG_PROTO_ANY ? "\"any\"" : "other");
	}
	m = cfg_member(n, "dscp");
	if (cfg_present(&m) && cfg_node_array(&m, CFG_MAX_DSCP, &count)) {
		for (size_t i = 0; i < count; i++) {
			struct cfg_node it = cfg_item(&m, i);
			uint64_t v;
			if (cfg_node_uint(&it, 0, 63, &v))
				r->dscp[r->n_dscp++] = (uint8_t)v;
		}
	}
	m = cfg_member(n, "ingress_port");
	if (cfg_present(&m))
		r->ingress_port = pepgw_port_ref(L, &m);
}

static void parse_rule(struct pepgw_loader *L, const struct cfg_node *n, struct cfg_rule *r)
{
	struct cfg_node m;
	int v;
	uint64_t num;

	r->protocol = CFG_PROTO_ANY;
	r->ingress_port = -1;
	r->action = CFG_ACTION_FORWARD;
	r->mss_mode = CFG_MSS_AUTO;
	r->fragment = CFG_FRAG_RESPECT_DF;
	r->handshake = CFG_HANDSHAKE_DEFERRED;
	r->invalid_tcp_flags = CFG_TCP_FLAGS_DROP;
	r->lan_profile = -1;
	r->wan_profile = -1;
	r->bond_profile = -1;
	if (!cfg_node_object(n, rule_keys))
		return;
	cfg_get_name(n, "name", CFG_REQUIRED, NULL, r->name, sizeof(r->name));
	m = cfg_member(n, "match");
	parse_match(L, &m, r);

	bool have_action = false;
	if (cfg_require(n, "action", &m) && (v = cfg_node_enum(&m, action_names)) >= 0) {
		r->action = (enum cfg_action)v;
		have_action = true;
		if (r->action == CFG_ACTION_TUNNEL && L->cfg->n_peers == 0)
			cfg_error(&m, "\"tunnel\" %s", tunnel_no_peer);
	}
	m = cfg_member(n, "mss");
	if (cfg_present(&m)) {
		v = cfg_node_uint_or_keyword(&m, MSS_MIN, MSS_MAX, mss_keywords, &num);
		if (v == 0) {
			r->mss_mode = CFG_MSS_FIXED;
			r->mss = (uint16_t)num;
		} else if (v == 1) {
			r->mss_mode = CFG_MSS_AUTO;
		} else if (v == 2) {
			r->mss_mode = CFG_MSS_OFF;
		}
	}
	m = cfg_member(n, "fragment");
	if (cfg_present(&m) && (v = cfg_node_enum(&m, frag_names)) >= 0) {
		r->fragment = (enum cfg_frag_policy)v;
		/* Only a tunnel has an outer packet to fragment. */
		if (r->fragment == CFG_FRAG_OUTER && have_action && r->action != CFG_ACTION_TUNNEL)
			cfg_error(&m,
			          "\"outer\" fragments the tunnel packet (allowed with action "
			          "\"%s\": \"always\", \"respect_df\")",
			          action_names[r->action]);
	}
	m = cfg_member(n, "bond_profile");
	if (cfg_present(&m)) {
		if (have_action && r->action != CFG_ACTION_TUNNEL)
			cfg_error_key(&m, "only used with action \"tunnel\" (found action \"%s\")",
			              action_names[r->action]);
		else
			r->bond_profile = pepgw_bond_profile_ref(L, &m);
	}

	/*
	 * Passing segments no stack accepts is for a transparent router: a rule that drops has
	 * nothing to pass, and split TCP terminates the connection, so it never passes them.
	 */
	m = cfg_member(n, "invalid_tcp_flags");
	if (cfg_present(&m) && (v = cfg_node_enum(&m, tcp_flags_names)) >= 0) {
		r->invalid_tcp_flags = (enum cfg_tcp_flags)v;
		if (have_action && r->action != CFG_ACTION_FORWARD)
			cfg_error_key(&m, "only used with action \"forward\" (found action \"%s\")",
			              action_names[r->action]);
	}

	bool accel = have_action && r->action == CFG_ACTION_ACCELERATE;
	static const char *const accel_only[] = {"handshake", "lan_profile", "wan_profile"};
	for (size_t i = 0; i < 3 && have_action && !accel; i++) {
		m = cfg_member(n, accel_only[i]);
		if (cfg_present(&m))
			cfg_error_key(&m,
			              "only used with action \"accelerate\" (found action "
			              "\"%s\")",
			              action_names[r->action]);
	}
	if (!accel)
		return;
	m = cfg_member(n, "handshake");
	if (cfg_present(&m) && (v = cfg_node_enum(&m, handshake_names)) >= 0)
		r->handshake = (enum cfg_handshake)v;
	m = cfg_member(n, "lan_profile");
	if (cfg_present(&m))
		r->lan_profile = pepgw_profile_ref(L, &m);
	else
		cfg_error(n, "missing required key \"lan_profile\" (action \"accelerate\" needs a "
		             "LAN and a WAN TCP profile)");
	if (r->lan_profile >= 0 && L->cfg->tcp_profiles[r->lan_profile].rate_auto) {
		m = cfg_member(n, "lan_profile");
		cfg_error(&m,
		          "\"%s\" has rate_mbps \"auto\", the bonded tunnel's capacity (allowed: "
		          "only as a wan_profile, whose leg goes into the tunnel)",
		          L->cfg->tcp_profiles[r->lan_profile].name);
	}
	m = cfg_member(n, "wan_profile");
	if (cfg_present(&m))
		r->wan_profile = pepgw_profile_ref(L, &m);
	else
		cfg_error(n, "missing required key \"wan_profile\" (action \"accelerate\" needs a "
		             "LAN and a WAN TCP profile)");
	if (r->wan_profile >= 0 && L->cfg->tcp_profiles[r->wan_profile].rate_auto &&
	    L->cfg->n_peers == 0) {
		m = cfg_member(n, "wan_profile");
		cfg_error(&m,
		          "\"%s\" has rate_mbps \"auto\", the bonded tunnel's measured capacity, "
		          "but no peers are configured (allowed: \"auto\" in paired mode; a rate "
		          "in Mbit/s otherwise)",
		          L->cfg->tcp_profiles[r->wan_profile].name);
	}
	/* F5's deferred accept waits for the client's data before the server's SYN; a deferred
	 * handshake waits for the server before answering the client: one excludes the other. */
	if (r->lan_profile >= 0 && r->handshake == CFG_HANDSHAKE_DEFERRED &&
	    L->cfg->tcp_profiles[r->lan_profile].deferred_accept) {
		m = cfg_member(n, "handshake");
		cfg_error(cfg_present(&m) ? &m : n,
		          "handshake \"deferred\" (the default) cannot wait for the server while "
		          "lan_profile \"%s\" has deferred_accept waiting for the client's data "
		          "(allowed: handshake \"immediate\" with deferred_accept)",
		          L->cfg->tcp_profiles[r->lan_profile].name);
	}
	if (r->protocol != IPPROTO_NUM_TCP) {
		struct cfg_node mt = cfg_member(n, "match");
		m = cfg_member(&mt, "protocol");
		cfg_error(cfg_present(&m) ? &m : n,
		          "action \"accelerate\" needs match.protocol "
		          "\"tcp\" (found %s)",
		          r->protocol == CFG_PROTO_ANY ? "any protocol" : "another protocol");
	}
}

static void parse_rules(struct pepgw_loader *L, const struct cfg_node *arr)
{
	size_t n = 0;

	if (!cfg_present(arr))
		return;
	cfg_node_array(arr, CFG_MAX_RULES, &n);
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(arr, i);
		struct cfg_rule *r = &L->cfg->rules[i];
		parse_rule(L, &it, r);
		L->cfg->n_rules = (uint16_t)(i + 1);
		for (size_t j = 0; j < i && r->name[0]; j++) {
			if (strcmp(L->cfg->rules[j].name, r->name) == 0) {
				struct cfg_node f = cfg_member(&it, "name");
				cfg_error(&f,
				          "duplicate rule name \"%s\" (first in rules[%zu]; "
				          "allowed: each name once)",
				          r->name, j);
				break;
			}
		}
	}
}

const struct pepgw_section pepgw_section_rules = {"rules", parse_rules};

static void parse_default_action(struct pepgw_loader *L, const struct cfg_node *n)
{
	int v;

	L->cfg->default_action = CFG_ACTION_FORWARD;
	if (cfg_present(n) && (v = cfg_node_enum(n, default_action_names)) >= 0) {
		L->cfg->default_action = (enum cfg_action)v;
		if (v == CFG_ACTION_TUNNEL && L->cfg->n_peers == 0)
			cfg_error(n, "\"tunnel\" %s", tunnel_no_peer);
	}
}

const struct pepgw_section pepgw_section_default_action = {"default_action", parse_default_action};
