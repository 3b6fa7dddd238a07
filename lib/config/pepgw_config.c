/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pepgw's JSON vocabulary on top of the cfg framework: fills struct pepgw_config, checks
 * references between sections and the semantic rules a schema cannot express. Keys, defaults
 * and ranges are documented in doc/configuration.md; config/pepgw.schema.json is the same
 * contract for editors.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "pepgw_config.h"

/* ---- defaults and ranges (doc/configuration.md lists the same) -------------------------- */

#define PORT_MTU_MIN      68 /* RFC 791: every host must accept 68-byte datagrams */
#define PORT_MTU_MAX      9600
#define PORT_MTU_DEFAULT  1500
#define PORT_DESC_MIN     64
#define PORT_DESC_MAX     16384
#define PORT_DESC_DEFAULT 1024
#define PORT_RXQ_MAX      CFG_MAX_LCORES

#define ARP_TIMEOUT_S_DEFAULT 300
#define ARP_TIMEOUT_S_MAX     86400
#define ARP_RETRY_MS_DEFAULT  1000
#define ARP_RETRY_MS_MIN      10
#define ARP_RETRY_MS_MAX      60000
#define ARP_QUEUE_LEN_DEFAULT 8
#define ARP_QUEUE_LEN_MAX     CFG_ARP_QUEUE_LEN_MAX

#define ICMP_ERRORS_PER_S_DEFAULT 100
#define ICMP_ERRORS_PER_S_MAX     1000000
#define ICMP_BURST_DEFAULT        50
#define ICMP_BURST_MAX            100000

#define LCORE_ID_MAX            1023
#define LCORE_IDLE_SLEEP_US_MAX 1000000
#define LCORE_BURST_DEFAULT     32
#define LCORE_BURST_MAX         512

#define FLOW_TABLE_MIN          1024
#define FLOW_TABLE_MAX          (1u << 24)
#define FLOW_TABLE_DEFAULT      65536
#define FLOW_IDLE_S_DEFAULT     300
#define FLOW_UDP_IDLE_S_DEFAULT 60
#define FLOW_IDLE_S_MAX         86400

#define MSS_MIN 64
#define MSS_MAX 65495 /* 65535 - 20 (IPv4) - 20 (TCP) */

/* TCP profile: F5-like knobs, defaults sized for a LAN leg. */
#define TCP_BUF_MIN                4096u
#define TCP_BUF_MAX                (1u << 30) /* RFC 7323 section 2.3: shift 14 caps the window at 1 GiB */
#define TCP_RWND_MIN               1024u
#define TCP_UNSCALED_WINDOW_MAX    65535u
#define TCP_SEND_BUFFER_DEFAULT    262144
#define TCP_RECEIVE_WINDOW_DEFAULT 262144
#define TCP_PROXY_HIGH_DEFAULT     131072
#define TCP_PROXY_LOW_DEFAULT      98304
#define TCP_IW_DEFAULT             10 /* RFC 6928 */
#define TCP_IW_MAX                 64
#define TCP_RTO_MS_MIN             1
#define TCP_RTO_MS_MAX             600000
#define TCP_MIN_RTO_DEFAULT        200
#define TCP_MAX_RTO_DEFAULT        60000 /* RFC 6298 section 2.5: at least 60 s */
#define TCP_INITIAL_RTO_DEFAULT    1000  /* RFC 6298 section 2.1 */
#define TCP_DELACK_MS_MAX          500   /* RFC 1122 4.2.3.2: delay must be less than 0.5 s */
#define TCP_DELACK_MS_DEFAULT      40
#define TCP_ACK_EVERY_DEFAULT      2 /* RFC 5681 section 4.2: at least every second full segment */
#define TCP_ACK_EVERY_MAX          64
#define TCP_KEEPALIVE_S_MAX        86400
#define TCP_IDLE_S_DEFAULT         300
#define TCP_IDLE_S_MAX             604800
#define TCP_FIN_WAIT_S_DEFAULT     60
#define TCP_FIN_WAIT_S_MAX         3600
#define TCP_TIME_WAIT_MS_DEFAULT   4000
#define TCP_TIME_WAIT_MS_MAX       240000 /* 2 MSL with RFC 9293's MSL of 2 minutes */
#define TCP_SYN_RETRIES_DEFAULT    5
#define TCP_SYN_RETRIES_MAX        16
#define TCP_MAX_CONN_DEFAULT       65536
#define TCP_MAX_CONN_MAX           (1u << 22)

/* ---- names ------------------------------------------------------------------------------- */

/* In enum order: the index returned by cfg_node_enum is the enum value. */
static const char *const role_names[] = {"lan", "wan", NULL};
static const char *const action_names[] = {"forward", "drop", "tunnel", "accelerate", NULL};
static const char *const default_action_names[] = {"forward", "drop", "tunnel", NULL};
static const char *const frag_names[] = {"respect_df", "always", "outer", NULL};
static const char *const handshake_names[] = {"deferred", "immediate", NULL};
static const char *const cc_names[] = {"reno", "highspeed", "scalable", "vegas", NULL};
static const char *const mss_keywords[] = {"auto", "off", NULL};
static const char *const proto_keywords[] = {"tcp", "udp", "icmp", "any", NULL};

const char *cfg_role_name(enum cfg_port_role r)
{
	return (unsigned int)r <= CFG_ROLE_WAN ? role_names[r] : "?";
}

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

const char *cfg_cc_name(enum cfg_cc c)
{
	return (unsigned int)c <= CFG_CC_VEGAS ? cc_names[c] : "?";
}

static const char tunnel_later[] = "is not in this build yet: the bonded tunnel comes with a "
                                   "later release";

/* ---- helpers ----------------------------------------------------------------------------- */

struct loader {
	struct pepgw_config *cfg;
	struct cfg_doc *doc;
	bool ports_ok; /* every port parsed: on-link checks are meaningful */
};

static void port_list(const struct pepgw_config *cfg, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned int i = 0; i < cfg->n_ports && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s\"%s\"", i ? ", " : "",
		                 cfg->ports[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (cfg->n_ports == 0)
		snprintf(buf, size, "none defined");
}

/* A port name reference: index or -1 after reporting a dangling reference. */
static int port_ref(struct loader *L, const struct cfg_node *n)
{
	char name[CFG_NAME_MAX], list[CFG_MAX_PORTS * (CFG_NAME_MAX + 4) + 16], d[64];
	port_list(L->cfg, list, sizeof(list));
	if (!json_is_string(n->json)) {
		cfg_error(n, "found %s (allowed: a port name: %s)",
		          cfg_describe(n->json, d, sizeof(d)), list);
		return -1;
	}
	int i = -1;
	if (cfg_name_valid(json_string_value(n->json), sizeof(name))) {
		snprintf(name, sizeof(name), "%s", json_string_value(n->json));
		i = pepgw_config_port_index(L->cfg, name);
	}
	if (i < 0)
		cfg_error(n, "no port named %s (allowed: %s)",
		          cfg_describe(n->json, d, sizeof(d)) + strlen("string "), list);
	return i;
}

static int profile_ref(struct loader *L, const struct cfg_node *n)
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

static bool in_subnet(uint32_t addr, uint32_t net, uint8_t len)
{
	uint32_t m = cfg_prefix_mask(len);
	return (addr & m) == (net & m);
}

/* ---- ports ------------------------------------------------------------------------------- */

static const char *const port_keys[] = {"name",      "device",  "role",    "ipv4", "mtu",
                                        "rx_queues", "rx_desc", "tx_desc", NULL};

static bool parse_port(struct loader *L, const struct cfg_node *n, unsigned int idx)
{
	struct cfg_port *p = &L->cfg->ports[idx];
	struct cfg_node m;
	int role = CFG_ROLE_LAN;
	bool ok = true;
	char a[16];

	if (!cfg_node_object(n, port_keys))
		return false;
	ok &= cfg_get_name(n, "name", CFG_REQUIRED, NULL, p->name, sizeof(p->name));
	ok &= cfg_get_string(n, "device", CFG_REQUIRED, NULL, p->device, sizeof(p->device));
	ok &= cfg_get_enum(n, "role", CFG_REQUIRED, role_names, CFG_ROLE_LAN, &role);
	p->role = (enum cfg_port_role)role;
	ok &= cfg_get_u16(n, "mtu", CFG_OPTIONAL, PORT_MTU_MIN, PORT_MTU_MAX, PORT_MTU_DEFAULT,
	                  &p->mtu);
	ok &= cfg_get_u16(n, "rx_queues", CFG_OPTIONAL, 0, PORT_RXQ_MAX, 0, &p->rx_queues);
	ok &= cfg_get_u16(n, "rx_desc", CFG_OPTIONAL, PORT_DESC_MIN, PORT_DESC_MAX,
	                  PORT_DESC_DEFAULT, &p->rx_desc);
	ok &= cfg_get_u16(n, "tx_desc", CFG_OPTIONAL, PORT_DESC_MIN, PORT_DESC_MAX,
	                  PORT_DESC_DEFAULT, &p->tx_desc);
	if (!cfg_require(n, "ipv4", &m))
		return false;
	if (!cfg_node_prefix(&m, CFG_PREFIX_HOST_BITS_OK, &p->ipv4, &p->prefix_len))
		return false;
	uint32_t mask = cfg_prefix_mask(p->prefix_len);
	cfg_format_ipv4(p->ipv4, a, sizeof(a));
	if (p->prefix_len == 0 || (p->ipv4 >> 24) == 0 || (p->ipv4 >> 28) >= 0xe ||
	    (p->ipv4 >> 24) == 127) {
		cfg_error(&m,
		          "\"%s/%u\" cannot be an interface address (allowed: a unicast "
		          "address with a prefix length 1..32)",
		          a, p->prefix_len);
		p->ipv4 = 0;
		p->prefix_len = 0; /* no overlap checks against it */
		return false;
	}
	/* RFC 1122 3.2.1.3: all-zeros and all-ones host parts are not host addresses (a /31 is
	 * the RFC 3021 exception, a /32 has no host part). */
	if (p->prefix_len <= 30 && ((p->ipv4 & ~mask) == 0 || (p->ipv4 | mask) == 0xffffffffu)) {
		cfg_error(&m, "\"%s/%u\" is the %s address of its subnet (allowed: a host address)",
		          a, p->prefix_len, (p->ipv4 & ~mask) == 0 ? "network" : "broadcast");
		p->ipv4 = 0;
		p->prefix_len = 0;
		return false;
	}
	return ok;
}

static void parse_ports(struct loader *L, const struct cfg_node *root)
{
	struct cfg_node arr;
	size_t n = 0;

	L->ports_ok = false;
	if (!cfg_require(root, "ports", &arr))
		return;
	bool ok = cfg_node_array(&arr, CFG_MAX_PORTS, &n);
	if (ok && n == 0) {
		cfg_error(&arr, "no port defined (allowed: 1..%d ports)", CFG_MAX_PORTS);
		ok = false;
	}
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(&arr, i);
		struct cfg_port *p = &L->cfg->ports[i];
		ok &= parse_port(L, &it, (unsigned int)i);
		L->cfg->n_ports = (uint8_t)(i + 1);
		for (size_t j = 0; j < i; j++) {
			const struct cfg_port *q = &L->cfg->ports[j];
			struct cfg_node f;
			if (p->name[0] && strcmp(p->name, q->name) == 0) {
				f = cfg_member(&it, "name");
				cfg_error(&f,
				          "duplicate port name \"%s\" (first in ports[%zu]; "
				          "allowed: each name once)",
				          p->name, j);
				ok = false;
			}
			if (p->device[0] && strcmp(p->device, q->device) == 0) {
				f = cfg_member(&it, "device");
				cfg_error(&f,
				          "device already used by ports[%zu] \"%s\" (allowed: "
				          "each device once)",
				          j, q->name);
				ok = false;
			}
			if (p->prefix_len && q->prefix_len &&
			    in_subnet(p->ipv4, q->ipv4,
			              p->prefix_len < q->prefix_len ? p->prefix_len
			                                            : q->prefix_len)) {
				char a[16];
				f = cfg_member(&it, "ipv4");
				cfg_error(&f,
				          "subnet overlaps ports[%zu] \"%s\" (%s/%u); allowed: "
				          "disjoint subnets per port",
				          j, q->name, cfg_format_ipv4(q->ipv4, a, sizeof(a)),
				          q->prefix_len);
				ok = false;
			}
		}
	}
	L->ports_ok = ok;
}

/* ---- routes ------------------------------------------------------------------------------ */

static const char *const route_keys[] = {"prefix", "via", "port", NULL};

/* The port whose subnet holds addr, or -1. */
static int onlink_port(const struct pepgw_config *cfg, uint32_t addr)
{
	for (unsigned int i = 0; i < cfg->n_ports; i++)
		if (in_subnet(addr, cfg->ports[i].ipv4, cfg->ports[i].prefix_len))
			return (int)i;
	return -1;
}

/* Returns whether the prefix parsed (for the duplicate check). */
static bool parse_route(struct loader *L, const struct cfg_node *n, struct cfg_route *r)
{
	bool prefix_ok = false;
	struct cfg_node m, via = cfg_member(n, "via"), port = cfg_member(n, "port");
	char a[16];

	r->port = -1;
	r->via = 0;
	if (!cfg_node_object(n, route_keys))
		return false;
	if (cfg_require(n, "prefix", &m))
		prefix_ok = cfg_node_prefix(&m, CFG_PREFIX_STRICT, &r->prefix, &r->prefix_len);
	if (!cfg_present(&via) && !cfg_present(&port)) {
		cfg_error(n, "missing \"via\" or \"port\" (allowed: a next hop, an egress port, "
		             "or both)");
		return prefix_ok;
	}
	if (cfg_present(&port))
		r->port = port_ref(L, &port);
	if (!cfg_present(&via) || !cfg_node_ipv4(&via, &r->via) || !L->ports_ok)
		return prefix_ok;
	cfg_format_ipv4(r->via, a, sizeof(a));
	for (unsigned int i = 0; i < L->cfg->n_ports; i++) {
		if (L->cfg->ports[i].ipv4 == r->via) {
			cfg_error(&via,
			          "\"%s\" is the address of port \"%s\" (allowed: a neighbour's "
			          "address)",
			          a, L->cfg->ports[i].name);
			return prefix_ok;
		}
	}
	if (cfg_present(&port)) {
		if (r->port >= 0) {
			const struct cfg_port *p = &L->cfg->ports[r->port];
			char pa[16];
			if (!in_subnet(r->via, p->ipv4, p->prefix_len))
				cfg_error(&via,
				          "\"%s\" is not on port \"%s\" (%s/%u; allowed: an "
				          "address in that subnet)",
				          a, p->name, cfg_format_ipv4(p->ipv4, pa, sizeof(pa)),
				          p->prefix_len);
		}
		return prefix_ok;
	}
	/* Resolve the egress port here so that builders never have to. */
	r->port = onlink_port(L->cfg, r->via);
	if (r->port < 0)
		cfg_error(&via,
		          "\"%s\" is not on any port's subnet (allowed: a next hop that a "
		          "port reaches directly)",
		          a);
	return prefix_ok;
}

static void parse_routes(struct loader *L, const struct cfg_node *root)
{
	struct cfg_node arr = cfg_member(root, "routes");
	bool prefix_ok[CFG_MAX_ROUTES];
	size_t n = 0;

	if (!cfg_present(&arr))
		return;
	cfg_node_array(&arr, CFG_MAX_ROUTES, &n);
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(&arr, i);
		struct cfg_route *r = &L->cfg->routes[i];
		prefix_ok[i] = parse_route(L, &it, r);
		L->cfg->n_routes = (uint16_t)(i + 1);
		for (size_t j = 0; j < i && prefix_ok[i]; j++) {
			const struct cfg_route *q = &L->cfg->routes[j];
			if (prefix_ok[j] && r->prefix == q->prefix &&
			    r->prefix_len == q->prefix_len) {
				struct cfg_node pm = cfg_member(&it, "prefix");
				char a[16];
				cfg_error(&pm,
				          "duplicate route for %s/%u (first in routes[%zu]; "
				          "allowed: one route per prefix)",
				          cfg_format_ipv4(r->prefix, a, sizeof(a)), r->prefix_len,
				          j);
				break;
			}
		}
	}
}

/* ---- arp, icmp, lcores, flows ------------------------------------------------------------ */

static const char *const arp_keys[] = {"timeout_s", "retry_ms", "queue_len", "static", NULL};
static const char *const arp_static_keys[] = {"ipv4", "mac", "port", NULL};

static void parse_arp(struct loader *L, const struct cfg_node *root)
{
	struct cfg_arp *arp = &L->cfg->arp;
	struct cfg_node n = cfg_member(root, "arp"), arr;
	size_t count = 0;

	arp->timeout_s = ARP_TIMEOUT_S_DEFAULT;
	arp->retry_ms = ARP_RETRY_MS_DEFAULT;
	arp->queue_len = ARP_QUEUE_LEN_DEFAULT;
	if (!cfg_present(&n) || !cfg_node_object(&n, arp_keys))
		return;
	cfg_get_u32(&n, "timeout_s", CFG_OPTIONAL, 1, ARP_TIMEOUT_S_MAX, ARP_TIMEOUT_S_DEFAULT,
	            &arp->timeout_s);
	cfg_get_u32(&n, "retry_ms", CFG_OPTIONAL, ARP_RETRY_MS_MIN, ARP_RETRY_MS_MAX,
	            ARP_RETRY_MS_DEFAULT, &arp->retry_ms);
	cfg_get_u16(&n, "queue_len", CFG_OPTIONAL, 0, ARP_QUEUE_LEN_MAX, ARP_QUEUE_LEN_DEFAULT,
	            &arp->queue_len);
	arr = cfg_member(&n, "static");
	if (!cfg_present(&arr))
		return;
	cfg_node_array(&arr, CFG_MAX_ARP_STATIC, &count);
	for (size_t i = 0; i < count; i++) {
		struct cfg_node it = cfg_item(&arr, i), m;
		struct cfg_arp_static *s = &arp->statics[i];
		bool have_ip = false;

		arp->n_statics = (uint16_t)(i + 1);
		s->port = -1;
		if (!cfg_node_object(&it, arp_static_keys))
			continue;
		if (cfg_require(&it, "ipv4", &m))
			have_ip = cfg_node_ipv4(&m, &s->ipv4);
		if (cfg_require(&it, "mac", &m))
			cfg_node_mac(&m, s->mac);
		if (cfg_require(&it, "port", &m))
			s->port = port_ref(L, &m);
		if (!have_ip)
			continue;
		m = cfg_member(&it, "ipv4");
		char a[16];
		cfg_format_ipv4(s->ipv4, a, sizeof(a));
		if (s->port >= 0 && L->ports_ok) {
			const struct cfg_port *p = &L->cfg->ports[s->port];
			if (!in_subnet(s->ipv4, p->ipv4, p->prefix_len) || s->ipv4 == p->ipv4)
				cfg_error(&m,
				          "\"%s\" is not a neighbour on port \"%s\" (allowed: "
				          "another address in %s's subnet)",
				          a, p->name, p->name);
		}
		for (size_t j = 0; j < i; j++) {
			if (arp->statics[j].ipv4 == s->ipv4) {
				cfg_error(&m,
				          "duplicate static entry for \"%s\" (first in "
				          "arp.static[%zu]; allowed: one entry per address)",
				          a, j);
				break;
			}
		}
	}
}

static const char *const icmp_keys[] = {"errors_per_s", "burst", NULL};

static void parse_icmp(struct loader *L, const struct cfg_node *root)
{
	struct cfg_icmp *icmp = &L->cfg->icmp;
	struct cfg_node n = cfg_member(root, "icmp");

	icmp->errors_per_s = ICMP_ERRORS_PER_S_DEFAULT;
	icmp->burst = ICMP_BURST_DEFAULT;
	if (!cfg_present(&n) || !cfg_node_object(&n, icmp_keys))
		return;
	cfg_get_u32(&n, "errors_per_s", CFG_OPTIONAL, 0, ICMP_ERRORS_PER_S_MAX,
	            ICMP_ERRORS_PER_S_DEFAULT, &icmp->errors_per_s);
	cfg_get_u32(&n, "burst", CFG_OPTIONAL, 1, ICMP_BURST_MAX, ICMP_BURST_DEFAULT, &icmp->burst);
}

static const char *const lcore_keys[] = {"workers", "idle_sleep_us", "burst", NULL};

static void parse_lcores(struct loader *L, const struct cfg_node *root)
{
	struct cfg_lcores *lc = &L->cfg->lcores;
	struct cfg_node n = cfg_member(root, "lcores"), arr;
	size_t count = 0;

	lc->burst = LCORE_BURST_DEFAULT;
	if (!cfg_present(&n) || !cfg_node_object(&n, lcore_keys))
		return;
	cfg_get_u32(&n, "idle_sleep_us", CFG_OPTIONAL, 0, LCORE_IDLE_SLEEP_US_MAX, 0,
	            &lc->idle_sleep_us);
	cfg_get_u32(&n, "burst", CFG_OPTIONAL, 1, LCORE_BURST_MAX, LCORE_BURST_DEFAULT, &lc->burst);
	arr = cfg_member(&n, "workers");
	if (!cfg_present(&arr) || !cfg_node_array(&arr, CFG_MAX_LCORES, &count))
		return;
	for (size_t i = 0; i < count; i++) {
		struct cfg_node it = cfg_item(&arr, i);
		uint64_t v;
		if (!cfg_node_uint(&it, 0, LCORE_ID_MAX, &v))
			continue;
		for (size_t j = 0; j < lc->n_workers; j++) {
			if (lc->workers[j] == v) {
				cfg_error(&it,
				          "lcore %" PRIu64 " is listed twice (allowed: each "
				          "lcore once)",
				          v);
				v = UINT64_MAX;
				break;
			}
		}
		if (v != UINT64_MAX)
			lc->workers[lc->n_workers++] = (uint16_t)v;
	}
}

static const char *const flow_keys[] = {"table_size", "idle_timeout_s", "udp_idle_timeout_s", NULL};

static void parse_flows(struct loader *L, const struct cfg_node *root)
{
	struct cfg_flows *f = &L->cfg->flows;
	struct cfg_node n = cfg_member(root, "flows");

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

/* ---- TCP profiles ------------------------------------------------------------------------ */

static const char *const profile_keys[] = {
        "congestion_control", "send_buffer",        "receive_window",
        "proxy_buffer_high",  "proxy_buffer_low",   "sack",
        "window_scale",       "timestamps",         "initial_window",
        "min_rto_ms",         "max_rto_ms",         "initial_rto_ms",
        "delayed_ack_ms",     "ack_every_segments", "keepalive_s",
        "idle_timeout_s",     "fin_wait_timeout_s", "time_wait_ms",
        "syn_retries",        "max_connections",    NULL};

void pepgw_config_tcp_profile_defaults(struct cfg_tcp_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->congestion_control = CFG_CC_RENO;
	p->send_buffer = TCP_SEND_BUFFER_DEFAULT;
	p->receive_window = TCP_RECEIVE_WINDOW_DEFAULT;
	p->proxy_buffer_high = TCP_PROXY_HIGH_DEFAULT;
	p->proxy_buffer_low = TCP_PROXY_LOW_DEFAULT;
	p->sack = true;
	p->window_scale = true;
	p->timestamps = true;
	p->initial_window = TCP_IW_DEFAULT;
	p->min_rto_ms = TCP_MIN_RTO_DEFAULT;
	p->max_rto_ms = TCP_MAX_RTO_DEFAULT;
	p->initial_rto_ms = TCP_INITIAL_RTO_DEFAULT;
	p->delayed_ack_ms = TCP_DELACK_MS_DEFAULT;
	p->ack_every_segments = TCP_ACK_EVERY_DEFAULT;
	p->keepalive_s = 0;
	p->idle_timeout_s = TCP_IDLE_S_DEFAULT;
	p->fin_wait_timeout_s = TCP_FIN_WAIT_S_DEFAULT;
	p->time_wait_ms = TCP_TIME_WAIT_MS_DEFAULT;
	p->syn_retries = TCP_SYN_RETRIES_DEFAULT;
	p->max_connections = TCP_MAX_CONN_DEFAULT;
}

static void parse_profile(const struct cfg_node *n, struct cfg_tcp_profile *p)
{
	struct cfg_tcp_profile d;
	int cc = CFG_CC_RENO;
	bool ok[8];
	struct cfg_node m;

	pepgw_config_tcp_profile_defaults(&d);
	if (!cfg_node_object(n, profile_keys))
		return;
	cfg_get_enum(n, "congestion_control", CFG_OPTIONAL, cc_names, CFG_CC_RENO, &cc);
	p->congestion_control = (enum cfg_cc)cc;
	if (cc != CFG_CC_RENO) {
		/* The schema names every module; the engine has NewReno so far. */
		struct cfg_node ccn = cfg_member(n, "congestion_control");
		cfg_error(&ccn, "\"%s\" is not in this build yet (available: \"reno\")",
		          cc_names[cc]);
	}
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

static void parse_profiles(struct loader *L, const struct cfg_node *root)
{
	struct cfg_node n = cfg_member(root, "tcp_profiles");
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

/* ---- rules ------------------------------------------------------------------------------- */

static const char *const rule_keys[] = {"name",        "match",       "action",
                                        "mss",         "fragment",    "handshake",
                                        "lan_profile", "wan_profile", NULL};
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

static void parse_match(struct loader *L, const struct cfg_node *n, struct cfg_rule *r)
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
		r->ingress_port = port_ref(L, &m);
}

static void parse_rule(struct loader *L, const struct cfg_node *n, struct cfg_rule *r)
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
	r->lan_profile = -1;
	r->wan_profile = -1;
	if (!cfg_node_object(n, rule_keys))
		return;
	cfg_get_name(n, "name", CFG_REQUIRED, NULL, r->name, sizeof(r->name));
	m = cfg_member(n, "match");
	parse_match(L, &m, r);

	bool have_action = false;
	if (cfg_require(n, "action", &m) && (v = cfg_node_enum(&m, action_names)) >= 0) {
		r->action = (enum cfg_action)v;
		have_action = true;
		if (r->action == CFG_ACTION_TUNNEL)
			cfg_error(&m,
			          "\"tunnel\" %s (allowed now: \"forward\", \"drop\", "
			          "\"accelerate\")",
			          tunnel_later);
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
		if (r->fragment == CFG_FRAG_OUTER)
			cfg_error(&m, "\"outer\" %s (allowed now: \"always\", \"respect_df\")",
			          tunnel_later);
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
		r->lan_profile = profile_ref(L, &m);
	else
		cfg_error(n, "missing required key \"lan_profile\" (action \"accelerate\" needs a "
		             "LAN and a WAN TCP profile)");
	m = cfg_member(n, "wan_profile");
	if (cfg_present(&m))
		r->wan_profile = profile_ref(L, &m);
	else
		cfg_error(n, "missing required key \"wan_profile\" (action \"accelerate\" needs a "
		             "LAN and a WAN TCP profile)");
	if (r->protocol != IPPROTO_NUM_TCP) {
		struct cfg_node mt = cfg_member(n, "match");
		m = cfg_member(&mt, "protocol");
		cfg_error(cfg_present(&m) ? &m : n,
		          "action \"accelerate\" needs match.protocol "
		          "\"tcp\" (found %s)",
		          r->protocol == CFG_PROTO_ANY ? "any protocol" : "another protocol");
	}
}

static void parse_rules(struct loader *L, const struct cfg_node *root)
{
	struct cfg_node arr = cfg_member(root, "rules");
	size_t n = 0;

	if (!cfg_present(&arr))
		return;
	cfg_node_array(&arr, CFG_MAX_RULES, &n);
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(&arr, i);
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

/* ---- top level --------------------------------------------------------------------------- */

static const char *const top_keys[] = {"$schema", "ports", "routes", "arp", "icmp", "lcores",
                                       "flows", "default_action", "tcp_profiles", "rules",
                                       /* reserved for the bonded tunnel (DESIGN.md) */
                                       "links", "peers", "bond_profiles", NULL};

static void parse_root(struct loader *L, const struct cfg_node *root)
{
	struct cfg_node m;
	int v;

	if (!cfg_node_object(root, top_keys))
		return;
	m = cfg_member(root, "$schema");
	if (cfg_present(&m) && !json_is_string(m.json)) {
		char d[64];
		cfg_error(&m, "found %s (allowed: string, the schema's URI)",
		          cfg_describe(m.json, d, sizeof(d)));
	}
	parse_ports(L, root);
	parse_routes(L, root);
	parse_arp(L, root);
	parse_icmp(L, root);
	parse_lcores(L, root);
	parse_flows(L, root);
	m = cfg_member(root, "default_action");
	if (cfg_present(&m) && (v = cfg_node_enum(&m, default_action_names)) >= 0) {
		L->cfg->default_action = (enum cfg_action)v;
		if (v == CFG_ACTION_TUNNEL)
			cfg_error(&m, "\"tunnel\" %s (allowed now: \"forward\", \"drop\")",
			          tunnel_later);
	}
	parse_profiles(L, root);
	parse_rules(L, root);
	static const char *const reserved[] = {"links", "peers", "bond_profiles"};
	for (size_t i = 0; i < 3; i++) {
		m = cfg_member(root, reserved[i]);
		if (cfg_present(&m))
			cfg_error_key(&m,
			              "the bonded tunnel is not in this build yet (the key is "
			              "reserved; allowed now: leave \"%s\" out)",
			              reserved[i]);
	}
}

/* Walk a parsed document; consumes doc. */
static struct pepgw_config *load_doc(struct cfg_doc *doc, struct cfg_errors *errs,
                                     unsigned int first_error)
{
	struct loader L = {.doc = doc};

	L.cfg = calloc(1, sizeof(*L.cfg));
	if (L.cfg == NULL) {
		cfg_errors_add(errs, "%s: out of memory", cfg_doc_name(doc));
		cfg_doc_free(doc);
		return NULL;
	}
	snprintf(L.cfg->path, sizeof(L.cfg->path), "%s", cfg_doc_name(doc));
	L.cfg->default_action = CFG_ACTION_FORWARD;
	struct cfg_node root = cfg_root(doc);
	parse_root(&L, &root);
	if (cfg_doc_error_count(doc) > 0) {
		free(L.cfg);
		L.cfg = NULL;
	}
	cfg_errors_sort(errs, first_error);
	cfg_doc_free(doc);
	return L.cfg;
}

struct pepgw_config *pepgw_config_load_buffer(const char *name, const char *text, size_t len,
                                              struct cfg_errors *errs)
{
	unsigned int first = cfg_errors_count(errs);
	struct cfg_doc *doc = cfg_doc_load_buffer(name, text, len, errs);
	return doc == NULL ? NULL : load_doc(doc, errs, first);
}

struct pepgw_config *pepgw_config_load(const char *path, struct cfg_errors *errs)
{
	unsigned int first = cfg_errors_count(errs);
	struct cfg_doc *doc = cfg_doc_load(path, errs);
	return doc == NULL ? NULL : load_doc(doc, errs, first);
}

void pepgw_config_free(struct pepgw_config *cfg)
{
	free(cfg);
}

int pepgw_config_port_index(const struct pepgw_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

int pepgw_config_tcp_profile_index(const struct pepgw_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_tcp_profiles; i++)
		if (strcmp(cfg->tcp_profiles[i].name, name) == 0)
			return (int)i;
	return -1;
}
