/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "tcp_profiles": named F5-style TCP profiles for the legs of split connections. An
 * absent key takes lib/tcp's default (tcp_defaults.h): this file has no default of its own, so
 * a profile written as {} is exactly tcp_profile_defaults(). Rules name a profile through
 * pepgw_profile_ref().
 */
#include <string.h>

#include "pepgw_section.h"
#include "tcp_defaults.h"

/* Ranges are the list's (tcp_defaults.h); these name bounds that cross-key checks print. */
#define TCP_RWND_MIN            1024u
#define TCP_UNSCALED_WINDOW_MAX 65535u
#define TCP_RATE_MBPS_MAX       100000.0

/* In enum order (both from lib/tcp's list): the index cfg_node_enum returns is the enum value. */
#define CC_NAME(name) #name,
static const char *const cc_names[] = {TCP_CC_LIST(CC_NAME) NULL};
#undef CC_NAME

const char *cfg_cc_name(enum cfg_cc c)
{
	return (unsigned int)c < CFG_CC_COUNT ? cc_names[c] : "?";
}

int pepgw_config_tcp_profile_index(const struct pepgw_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_tcp_profiles; i++)
		if (strcmp(cfg->tcp_profiles[i].name, name) == 0)
			return (int)i;
	return -1;
}

int pepgw_profile_ref(struct pepgw_loader *L, const struct cfg_node *n)
{
	char name[CFG_NAME_MAX], list[CFG_MAX_TCP_PROFILES * (CFG_NAME_MAX + 4) + 16];
	const struct pepgw_config *cfg = L->cfg;
	size_t used = 0;

	char d[64];
	int i = -1;
	if (json_is_string(n->json) && cfg_name_valid(json_string_value(n->json), sizeof(name))) {
		snprintf(name, sizeof(name), "%s", json_string_value(n->json));
		i = pepgw_config_tcp_profile_index(cfg, name);
	}
	if (i >= 0)
		return i;
	list[0] = '\0';
	for (unsigned int k = 0; k < cfg->n_tcp_profiles && used < sizeof(list); k++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s\"%s\"", k ? ", " : "",
		                 cfg->tcp_profiles[k].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (cfg->n_tcp_profiles == 0)
		snprintf(list, sizeof(list), "none defined in tcp_profiles");
	if (json_is_string(n->json))
		cfg_error(n, "no TCP profile named %s (allowed: %s)",
		          cfg_describe(n->json, d, sizeof(d)) + strlen("string "), list);
	else
		cfg_error(n, "found %s (allowed: a TCP profile name: %s)",
		          cfg_describe(n->json, d, sizeof(d)), list);
	return -1;
}

#define KEY_NAME(kind, name, def, min, max, unit, doc) TCP_KEY_STR(kind, name),
static const char *const profile_keys[] = {TCP_PROFILE_KEYS(KEY_NAME) NULL};
#undef KEY_NAME

/* lib/tcp's default algorithm as this vocabulary's enum (the first name when unknown). */
static enum cfg_cc default_cc(const char *name)
{
	for (int i = 0; cc_names[i] != NULL; i++)
		if (strcmp(cc_names[i], name) == 0)
			return (enum cfg_cc)i;
	return (enum cfg_cc)0;
}

/* The list expands to one statement per key. */
#define DEF_BOOL(n, d)                                p->n = (d);
#define DEF_U32(n, d)                                 p->n = (d);
#define DEF_U16(n, d)                                 p->n = (d);
#define DEF_U8(n, d)                                  p->n = (d);
#define DEF_RATE(n, d)                                p->n##_mbps = (d);
#define DEF_CC(n, d)                                  p->n = default_cc(d);
#define DEF_KEY(kind, name, def, min, max, unit, doc) DEF_##kind(name, def)
void pepgw_config_tcp_profile_defaults(struct cfg_tcp_profile *p)
{
	memset(p, 0, sizeof(*p));
	TCP_PROFILE_KEYS(DEF_KEY)
}
#undef DEF_KEY

/* Each key with its range from the list; ok[key] says it parsed (or was absent). */
#define GET_BOOL(n, lo, hi) cfg_get_bool(node, #n, CFG_OPTIONAL, d.n, &p->n)
#define GET_U32(n, lo, hi)  cfg_get_u32(node, #n, CFG_OPTIONAL, lo, hi, d.n, &p->n)
#define GET_U16(n, lo, hi)  cfg_get_u16(node, #n, CFG_OPTIONAL, lo, hi, d.n, &p->n)
#define GET_U8(n, lo, hi)   cfg_get_u8(node, #n, CFG_OPTIONAL, lo, hi, d.n, &p->n)
#define GET_RATE(n, lo, hi)                                                                        \
	get_rate(node, #n "_mbps", lo, hi, d.n##_mbps, &p->n##_mbps,                               \
	         strcmp(#n, "rate") == 0 ? &p->rate_auto : NULL)
#define GET_CC(n, lo, hi) get_cc(node, #n, d.n, &p->n)
#define GET_KEY(kind, name, def, min, max, unit, doc)                                              \
	ok[TCP_KEY_##name] = GET_##kind(name, min, max);

/* A rate in Mbit/s; rate_mbps (is_auto given) may also be "auto": the tunnel's capacity. */
static bool get_rate(const struct cfg_node *node, const char *key, double lo, double hi, double def,
                     double *out, bool *is_auto)
{
	struct cfg_node m = cfg_member(node, key);
	if (is_auto != NULL && cfg_present(&m) && json_is_string(m.json)) {
		if (strcmp(json_string_value(m.json), "auto") == 0) {
			*out = 0;
			*is_auto = true;
			return true;
		}
		cfg_error(&m,
		          "\"%s\" is not a rate (allowed: %g..%g Mbit/s, or \"auto\": the bonded "
		          "tunnel's measured capacity, on a paired WAN leg)",
		          json_string_value(m.json), lo, hi);
		return false;
	}
	return cfg_get_number(node, key, CFG_OPTIONAL, lo, hi, def, out);
}

static bool get_cc(const struct cfg_node *node, const char *key, enum cfg_cc def, enum cfg_cc *out)
{
	int cc;
	bool ok = cfg_get_enum(node, key, CFG_OPTIONAL, cc_names, (int)def, &cc);
	*out = (enum cfg_cc)cc;
	return ok;
}

/* Cross-key checks, only between values that parsed, so that one mistake is one message. */
static void cross_checks(const struct cfg_node *node, const bool *ok,
                         const struct cfg_tcp_profile *p)
{
	struct cfg_node m;

	if (ok[TCP_KEY_proxy_buffer_high] && ok[TCP_KEY_proxy_buffer_low] &&
	    p->proxy_buffer_low >= p->proxy_buffer_high) {
		m = cfg_member(node, "proxy_buffer_low");
		cfg_error(&m,
		          "%u is not below proxy_buffer_high %u (allowed: low < high; the gap "
		          "is the hysteresis between closing and reopening the window)",
		          p->proxy_buffer_low, p->proxy_buffer_high);
	}
	if (ok[TCP_KEY_min_rto_ms] && ok[TCP_KEY_max_rto_ms] && p->min_rto_ms > p->max_rto_ms) {
		m = cfg_member(node, "min_rto_ms");
		cfg_error(&m, "%u is above max_rto_ms %u (allowed: min_rto_ms <= max_rto_ms)",
		          p->min_rto_ms, p->max_rto_ms);
	} else if (ok[TCP_KEY_min_rto_ms] && ok[TCP_KEY_max_rto_ms] && ok[TCP_KEY_initial_rto_ms] &&
	           (p->initial_rto_ms < p->min_rto_ms || p->initial_rto_ms > p->max_rto_ms)) {
		m = cfg_member(node, "initial_rto_ms");
		cfg_error(&m, "%u is outside min_rto_ms..max_rto_ms (allowed: %u..%u)",
		          p->initial_rto_ms, p->min_rto_ms, p->max_rto_ms);
	}
	/* The rate module sends at rate_mbps, and only it does. */
	bool rate_cc = p->congestion_control == CFG_CC_rate;
	if (ok[TCP_KEY_rate] && p->rate_auto && !rate_cc) {
		m = cfg_member(node, "rate_mbps");
		cfg_error(
		        &m,
		        "\"auto\" needs congestion_control \"rate\" (found \"%s\"; \"auto\" is the "
		        "rate module's rate at the bonded tunnel's measured capacity)",
		        cfg_cc_name(p->congestion_control));
	} else if (ok[TCP_KEY_rate] && rate_cc && p->rate_mbps == 0 && !p->rate_auto) {
		m = cfg_member(node, "congestion_control");
		cfg_error(&m,
		          "\"rate\" needs rate_mbps (allowed: a rate above 0 and up to %g Mbit/s "
		          "to send at, each packet counted with overhead_bytes, or \"auto\" on a "
		          "paired WAN leg)",
		          TCP_RATE_MBPS_MAX);
	} else if (ok[TCP_KEY_rate] && !rate_cc && p->rate_mbps != 0) {
		m = cfg_member(node, "rate_mbps");
		cfg_error(&m,
		          "%g needs congestion_control \"rate\" (allowed: 0 with \"%s\"; "
		          "max_rate_mbps caps any algorithm)",
		          p->rate_mbps, cfg_cc_name(p->congestion_control));
	}
	/* RFC 7323 section 2.2: without window scaling the window field is 16 bits. */
	if (ok[TCP_KEY_receive_window] && ok[TCP_KEY_window_scale] && !p->window_scale &&
	    p->receive_window > TCP_UNSCALED_WINDOW_MAX) {
		m = cfg_member(node, "receive_window");
		if (cfg_present(&m)) {
			cfg_error(&m, "%u needs window_scale true (allowed without it: %u..%u)",
			          p->receive_window, TCP_RWND_MIN, TCP_UNSCALED_WINDOW_MAX);
		} else {
			m = cfg_member(node, "window_scale");
			cfg_error(&m,
			          "false needs receive_window of at most %u (found the default "
			          "%u; allowed: set receive_window %u..%u)",
			          TCP_UNSCALED_WINDOW_MAX, p->receive_window, TCP_RWND_MIN,
			          TCP_UNSCALED_WINDOW_MAX);
		}
	}
	/* RFC 3168 5: the low two bits of the TOS byte are the ECN field, set per segment. */
	if (ok[TCP_KEY_ip_tos] && (p->ip_tos & 3)) {
		m = cfg_member(node, "ip_tos");
		cfg_error(&m,
		          "%u sets the ECN bits (allowed: a multiple of 4, DSCP x 4, e.g. "
		          "184 for EF; RFC 3168 5 gives the low two bits to ECN)",
		          p->ip_tos);
	}
	/* Vegas between a minimum and the cap: only Vegas reads min_rate_mbps. */
	if (ok[TCP_KEY_min_rate] && p->min_rate_mbps != 0 &&
	    p->congestion_control != CFG_CC_vegas) {
		m = cfg_member(node, "min_rate_mbps");
		cfg_error(&m,
		          "%g needs congestion_control \"vegas\" (allowed: 0 with \"%s\"; "
		          "\"rate\" sends at rate_mbps, max_rate_mbps caps any algorithm)",
		          p->min_rate_mbps, cfg_cc_name(p->congestion_control));
	} else if (ok[TCP_KEY_min_rate] && ok[TCP_KEY_max_rate] && p->max_rate_mbps != 0 &&
	           p->min_rate_mbps > p->max_rate_mbps) {
		m = cfg_member(node, "min_rate_mbps");
		cfg_error(&m, "%g is above max_rate_mbps %g (allowed: 0..%g)", p->min_rate_mbps,
		          p->max_rate_mbps, p->max_rate_mbps);
	}
}

static void parse_profile(const struct cfg_node *node, struct cfg_tcp_profile *p)
{
	struct cfg_tcp_profile d;
	bool ok[TCP_KEY_COUNT];

	pepgw_config_tcp_profile_defaults(&d);
	if (!cfg_node_object(node, profile_keys))
		return;
	TCP_PROFILE_KEYS(GET_KEY)
	cross_checks(node, ok, p);
}

static void add_profile(void *ctx, const char *name, const struct cfg_node *m)
{
	struct pepgw_config *cfg = ctx;
	struct cfg_tcp_profile *p = &cfg->tcp_profiles[cfg->n_tcp_profiles++];

	pepgw_config_tcp_profile_defaults(p);
	snprintf(p->name, sizeof(p->name), "%s", name);
	parse_profile(m, p);
}

static void parse_profiles(struct pepgw_loader *L, const struct cfg_node *sec)
{
	if (cfg_present(sec))
		cfg_node_named_objects(sec, "TCP profile", CFG_MAX_TCP_PROFILES, CFG_NAME_MAX,
		                       add_profile, L->cfg);
}

const struct pepgw_section pepgw_section_tcp_profiles = {"tcp_profiles", parse_profiles};
