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

#define TCP_BUF_MIN             4096u
#define TCP_BUF_MAX             (1u << 30) /* RFC 7323 section 2.3: shift 14 caps the window at 1 GiB */
#define TCP_RWND_MIN            1024u
#define TCP_UNSCALED_WINDOW_MAX 65535u
#define TCP_IW_MAX              64
#define TCP_RTO_MS_MIN          1
#define TCP_RTO_MS_MAX          600000
#define TCP_DELACK_MS_MAX       500 /* RFC 1122 4.2.3.2: delay must be less than 0.5 s */
#define TCP_ACK_EVERY_MAX       64
#define TCP_KEEPALIVE_S_MAX     86400
#define TCP_IDLE_S_MAX          604800
#define TCP_FIN_WAIT_S_MAX      3600
#define TCP_TIME_WAIT_MS_MAX    240000 /* 2 MSL with RFC 9293's MSL of 2 minutes */
#define TCP_SYN_RETRIES_MAX     16
#define TCP_MAX_CONN_MAX        (1u << 22)
#define TCP_RATE_MBPS_MAX       100000.0 /* 100 Gbit/s */
#define TCP_OVERHEAD_MAX        1024     /* octets per packet: tunnel headers, ESP, padding */

#define TCP_METRICS_S_MAX       604800 /* a week */
#define TCP_METRICS_ENTRIES_MIN 4      /* one set */
#define TCP_METRICS_ENTRIES_MAX (1u << 20)
#define TCP_IP_TOS_MAX          252 /* DSCP 63 << 2 */
#define TCP_ZERO_WINDOW_S_MAX   86400

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

static const char *const profile_keys[] = {
        "congestion_control", "send_buffer", "receive_window", "proxy_buffer_high",
        "proxy_buffer_low", "sack", "window_scale", "timestamps", "initial_window", "min_rto_ms",
        "max_rto_ms", "initial_rto_ms", "delayed_ack_ms", "ack_every_segments", "keepalive_s",
        "idle_timeout_s", "fin_wait_timeout_s", "time_wait_ms", "syn_retries", "max_connections",
        "pacing", "max_rate_mbps", "rate_mbps", "overhead_bytes",
        /* ECN, the congestion metrics cache and the rest of F5's profile */
        "ecn", "congestion_metrics_cache", "congestion_metrics_cache_timeout_s",
        "congestion_metrics_cache_entries", "nagle", "ack_on_push", "limited_transmit",
        "reset_on_timeout", "ip_tos", "zero_window_timeout_s", "time_wait_recycle", NULL};

/* lib/tcp's default algorithm as this vocabulary's enum (the first name when unknown). */
static enum cfg_cc default_cc(void)
{
	for (int i = 0; cc_names[i] != NULL; i++)
		if (strcmp(cc_names[i], TCP_DEFAULT_CONGESTION_CONTROL) == 0)
			return (enum cfg_cc)i;
	return (enum cfg_cc)0;
}

void pepgw_config_tcp_profile_defaults(struct cfg_tcp_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->congestion_control = default_cc();
	p->send_buffer = TCP_DEFAULT_SEND_BUFFER;
	p->receive_window = TCP_DEFAULT_RECEIVE_WINDOW;
	p->proxy_buffer_high = TCP_DEFAULT_PROXY_BUFFER_HIGH;
	p->proxy_buffer_low = TCP_DEFAULT_PROXY_BUFFER_LOW;
	p->sack = TCP_DEFAULT_SACK;
	p->window_scale = TCP_DEFAULT_WINDOW_SCALE;
	p->timestamps = TCP_DEFAULT_TIMESTAMPS;
	p->initial_window = TCP_DEFAULT_INITIAL_WINDOW;
	p->min_rto_ms = TCP_DEFAULT_MIN_RTO_MS;
	p->max_rto_ms = TCP_DEFAULT_MAX_RTO_MS;
	p->initial_rto_ms = TCP_DEFAULT_INITIAL_RTO_MS;
	p->delayed_ack_ms = TCP_DEFAULT_DELAYED_ACK_MS;
	p->ack_every_segments = TCP_DEFAULT_ACK_EVERY_SEGMENTS;
	p->keepalive_s = TCP_DEFAULT_KEEPALIVE_S;
	p->idle_timeout_s = TCP_DEFAULT_IDLE_TIMEOUT_S;
	p->fin_wait_timeout_s = TCP_DEFAULT_FIN_WAIT_TIMEOUT_S;
	p->time_wait_ms = TCP_DEFAULT_TIME_WAIT_MS;
	p->syn_retries = TCP_DEFAULT_SYN_RETRIES;
	p->max_connections = TCP_DEFAULT_MAX_CONNECTIONS;
	p->pacing = TCP_DEFAULT_PACING;
	p->max_rate_mbps = TCP_DEFAULT_MAX_RATE_MBPS;
	p->rate_mbps = TCP_DEFAULT_RATE_MBPS;
	p->overhead_bytes = TCP_DEFAULT_OVERHEAD_BYTES;
	p->ecn = TCP_DEFAULT_ECN;
	p->congestion_metrics_cache = TCP_DEFAULT_CONGESTION_METRICS_CACHE;
	p->congestion_metrics_cache_timeout_s = TCP_DEFAULT_CONGESTION_METRICS_CACHE_TIMEOUT_S;
	p->congestion_metrics_cache_entries = TCP_DEFAULT_CONGESTION_METRICS_CACHE_ENTRIES;
	p->nagle = TCP_DEFAULT_NAGLE;
	p->ack_on_push = TCP_DEFAULT_ACK_ON_PUSH;
	p->limited_transmit = TCP_DEFAULT_LIMITED_TRANSMIT;
	p->reset_on_timeout = TCP_DEFAULT_RESET_ON_TIMEOUT;
	p->ip_tos = TCP_DEFAULT_IP_TOS;
	p->zero_window_timeout_s = TCP_DEFAULT_ZERO_WINDOW_TIMEOUT_S;
	p->time_wait_recycle = TCP_DEFAULT_TIME_WAIT_RECYCLE;
}

/* ECN, the congestion metrics cache and the rest of F5's profile. */
static void parse_profile_f5(const struct cfg_node *n, const struct cfg_tcp_profile *d,
                             struct cfg_tcp_profile *p)
{
	uint32_t tos;
	cfg_get_bool(n, "ecn", CFG_OPTIONAL, d->ecn, &p->ecn);
	cfg_get_bool(n, "congestion_metrics_cache", CFG_OPTIONAL, d->congestion_metrics_cache,
	             &p->congestion_metrics_cache);
	cfg_get_u32(n, "congestion_metrics_cache_timeout_s", CFG_OPTIONAL, 1, TCP_METRICS_S_MAX,
	            d->congestion_metrics_cache_timeout_s, &p->congestion_metrics_cache_timeout_s);
	cfg_get_u32(n, "congestion_metrics_cache_entries", CFG_OPTIONAL, TCP_METRICS_ENTRIES_MIN,
	            TCP_METRICS_ENTRIES_MAX, d->congestion_metrics_cache_entries,
	            &p->congestion_metrics_cache_entries);
	cfg_get_bool(n, "nagle", CFG_OPTIONAL, d->nagle, &p->nagle);
	cfg_get_bool(n, "ack_on_push", CFG_OPTIONAL, d->ack_on_push, &p->ack_on_push);
	cfg_get_bool(n, "limited_transmit", CFG_OPTIONAL, d->limited_transmit,
	             &p->limited_transmit);
	cfg_get_bool(n, "reset_on_timeout", CFG_OPTIONAL, d->reset_on_timeout,
	             &p->reset_on_timeout);
	if (cfg_get_u32(n, "ip_tos", CFG_OPTIONAL, 0, TCP_IP_TOS_MAX, d->ip_tos, &tos)) {
		/* RFC 3168 5: the low two bits are the ECN field, set per segment by ECN. */
		if (tos & 3) {
			struct cfg_node m = cfg_member(n, "ip_tos");
			cfg_error(&m,
			          "%u sets the ECN bits (allowed: a multiple of 4, DSCP x 4, e.g. "
			          "184 for EF; RFC 3168 5 gives the low two bits to ECN)",
			          tos);
		}
		p->ip_tos = (uint8_t)tos;
	}
	cfg_get_u32(n, "zero_window_timeout_s", CFG_OPTIONAL, 0, TCP_ZERO_WINDOW_S_MAX,
	            d->zero_window_timeout_s, &p->zero_window_timeout_s);
	cfg_get_bool(n, "time_wait_recycle", CFG_OPTIONAL, d->time_wait_recycle,
	             &p->time_wait_recycle);
}

static void parse_profile(const struct cfg_node *n, struct cfg_tcp_profile *p)
{
	struct cfg_tcp_profile d;
	int cc;
	bool ok[8];
	struct cfg_node m;

	pepgw_config_tcp_profile_defaults(&d);
	if (!cfg_node_object(n, profile_keys))
		return;
	cfg_get_enum(n, "congestion_control", CFG_OPTIONAL, cc_names, (int)d.congestion_control,
	             &cc);
	p->congestion_control = (enum cfg_cc)cc;
	cfg_get_u32(n, "send_buffer", CFG_OPTIONAL, TCP_BUF_MIN, TCP_BUF_MAX, d.send_buffer,
	            &p->send_buffer);
	ok[0] = cfg_get_u32(n, "receive_window", CFG_OPTIONAL, TCP_RWND_MIN, TCP_BUF_MAX,
	                    d.receive_window, &p->receive_window);
	ok[1] = cfg_get_u32(n, "proxy_buffer_high", CFG_OPTIONAL, TCP_BUF_MIN, TCP_BUF_MAX,
	                    d.proxy_buffer_high, &p->proxy_buffer_high);
	ok[2] = cfg_get_u32(n, "proxy_buffer_low", CFG_OPTIONAL, 0, TCP_BUF_MAX, d.proxy_buffer_low,
	                    &p->proxy_buffer_low);
	cfg_get_bool(n, "sack", CFG_OPTIONAL, d.sack, &p->sack);
	ok[3] = cfg_get_bool(n, "window_scale", CFG_OPTIONAL, d.window_scale, &p->window_scale);
	cfg_get_bool(n, "timestamps", CFG_OPTIONAL, d.timestamps, &p->timestamps);
	cfg_get_u16(n, "initial_window", CFG_OPTIONAL, 1, TCP_IW_MAX, d.initial_window,
	            &p->initial_window);
	ok[4] = cfg_get_u32(n, "min_rto_ms", CFG_OPTIONAL, TCP_RTO_MS_MIN, TCP_RTO_MS_MAX,
	                    d.min_rto_ms, &p->min_rto_ms);
	ok[5] = cfg_get_u32(n, "max_rto_ms", CFG_OPTIONAL, TCP_RTO_MS_MIN, TCP_RTO_MS_MAX,
	                    d.max_rto_ms, &p->max_rto_ms);
	ok[6] = cfg_get_u32(n, "initial_rto_ms", CFG_OPTIONAL, TCP_RTO_MS_MIN, TCP_RTO_MS_MAX,
	                    d.initial_rto_ms, &p->initial_rto_ms);
	cfg_get_u32(n, "delayed_ack_ms", CFG_OPTIONAL, 0, TCP_DELACK_MS_MAX, d.delayed_ack_ms,
	            &p->delayed_ack_ms);
	cfg_get_u16(n, "ack_every_segments", CFG_OPTIONAL, 1, TCP_ACK_EVERY_MAX,
	            d.ack_every_segments, &p->ack_every_segments);
	cfg_get_u32(n, "keepalive_s", CFG_OPTIONAL, 0, TCP_KEEPALIVE_S_MAX, d.keepalive_s,
	            &p->keepalive_s);
	cfg_get_u32(n, "idle_timeout_s", CFG_OPTIONAL, 1, TCP_IDLE_S_MAX, d.idle_timeout_s,
	            &p->idle_timeout_s);
	cfg_get_u32(n, "fin_wait_timeout_s", CFG_OPTIONAL, 1, TCP_FIN_WAIT_S_MAX,
	            d.fin_wait_timeout_s, &p->fin_wait_timeout_s);
	cfg_get_u32(n, "time_wait_ms", CFG_OPTIONAL, 0, TCP_TIME_WAIT_MS_MAX, d.time_wait_ms,
	            &p->time_wait_ms);
	cfg_get_u16(n, "syn_retries", CFG_OPTIONAL, 0, TCP_SYN_RETRIES_MAX, d.syn_retries,
	            &p->syn_retries);
	cfg_get_u32(n, "max_connections", CFG_OPTIONAL, 1, TCP_MAX_CONN_MAX, d.max_connections,
	            &p->max_connections);
	cfg_get_bool(n, "pacing", CFG_OPTIONAL, d.pacing, &p->pacing);
	cfg_get_number(n, "max_rate_mbps", CFG_OPTIONAL, 0, TCP_RATE_MBPS_MAX, d.max_rate_mbps,
	               &p->max_rate_mbps);
	ok[7] = cfg_get_number(n, "rate_mbps", CFG_OPTIONAL, 0, TCP_RATE_MBPS_MAX, d.rate_mbps,
	                       &p->rate_mbps);
	cfg_get_u16(n, "overhead_bytes", CFG_OPTIONAL, 0, TCP_OVERHEAD_MAX, d.overhead_bytes,
	            &p->overhead_bytes);
	parse_profile_f5(n, &d, p);

	/* Cross-key checks only between values that parsed, so one mistake is one message. */
	if (ok[1] && ok[2] && p->proxy_buffer_low >= p->proxy_buffer_high) {
		m = cfg_member(n, "proxy_buffer_low");
		cfg_error(&m,
		          "%u is not below proxy_buffer_high %u (allowed: low < high; the gap "
		          "is the hysteresis between closing and reopening the window)",
		          p->proxy_buffer_low, p->proxy_buffer_high);
	}
	if (ok[4] && ok[5] && p->min_rto_ms > p->max_rto_ms) {
		m = cfg_member(n, "min_rto_ms");
		cfg_error(&m, "%u is above max_rto_ms %u (allowed: min_rto_ms <= max_rto_ms)",
		          p->min_rto_ms, p->max_rto_ms);
	} else if (ok[4] && ok[5] && ok[6] &&
	           (p->initial_rto_ms < p->min_rto_ms || p->initial_rto_ms > p->max_rto_ms)) {
		m = cfg_member(n, "initial_rto_ms");
		cfg_error(&m, "%u is outside min_rto_ms..max_rto_ms (allowed: %u..%u)",
		          p->initial_rto_ms, p->min_rto_ms, p->max_rto_ms);
	}
	/* The rate module sends at rate_mbps, and only it does. */
	bool rate_cc = p->congestion_control == CFG_CC_rate;
	if (ok[7] && rate_cc && p->rate_mbps == 0) {
		m = cfg_member(n, "congestion_control");
		cfg_error(&m,
		          "\"rate\" needs rate_mbps (allowed: a rate above 0 and up to %g Mbit/s "
		          "to send at, each packet counted with overhead_bytes)",
		          TCP_RATE_MBPS_MAX);
	} else if (ok[7] && !rate_cc && p->rate_mbps != 0) {
		m = cfg_member(n, "rate_mbps");
		cfg_error(&m,
		          "%g needs congestion_control \"rate\" (allowed: 0 with \"%s\"; "
		          "max_rate_mbps caps any algorithm)",
		          p->rate_mbps, cfg_cc_name(p->congestion_control));
	}
	/* RFC 7323 section 2.2: without window scaling the window field is 16 bits. */
	if (ok[0] && ok[3] && !p->window_scale && p->receive_window > TCP_UNSCALED_WINDOW_MAX) {
		m = cfg_member(n, "receive_window");
		if (cfg_present(&m)) {
			cfg_error(&m, "%u needs window_scale true (allowed without it: %u..%u)",
			          p->receive_window, TCP_RWND_MIN, TCP_UNSCALED_WINDOW_MAX);
		} else {
			m = cfg_member(n, "window_scale");
			cfg_error(&m,
			          "false needs receive_window of at most %u (found the default "
			          "%u; allowed: set receive_window %u..%u)",
			          TCP_UNSCALED_WINDOW_MAX, p->receive_window, TCP_RWND_MIN,
			          TCP_UNSCALED_WINDOW_MAX);
		}
	}
}

static void parse_profiles(struct pepgw_loader *L, const struct cfg_node *sec)
{
	const struct cfg_node n = *sec;
	const char *key;
	json_t *v;

	if (!cfg_present(&n))
		return;
	if (!json_is_object(n.json)) {
		char d[64];
		cfg_error(&n, "found %s (allowed: object of name -> TCP profile)",
		          cfg_describe(n.json, d, sizeof(d)));
		return;
	}
	json_object_foreach(n.json, key, v)
	{
		struct cfg_node m = cfg_member(&n, key);
		if (L->cfg->n_tcp_profiles >= CFG_MAX_TCP_PROFILES) {
			cfg_error_key(&m, "too many TCP profiles (allowed: at most %d)",
			              CFG_MAX_TCP_PROFILES);
			break;
		}
		if (!cfg_name_valid(key, CFG_NAME_MAX)) {
			cfg_error_key(&m,
			              "\"%s\" is not a valid profile name (allowed: 1..%d "
			              "characters from A-Z a-z 0-9 _ - .)",
			              key, CFG_NAME_MAX - 1);
			continue;
		}
		struct cfg_tcp_profile *p = &L->cfg->tcp_profiles[L->cfg->n_tcp_profiles++];
		pepgw_config_tcp_profile_defaults(p);
		snprintf(p->name, sizeof(p->name), "%s", key);
		parse_profile(&m, p);
	}
}

const struct pepgw_section pepgw_section_tcp_profiles = {"tcp_profiles", parse_profiles};
