/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_CONFIG_H
#define PEPGW_CONFIG_H

/*
 * The gateway's configuration as plain structs, one per section of the file, filled by the
 * JSON loader (one file per section: pepgw_<section>.c) and turned into the libraries' params
 * in one place, app/pepgw/params.c. Parsing never builds; building never parses. Every field
 * holds its effective value: an absent key holds its default (the TCP profile's are lib/tcp's
 * tcp_defaults.h). All IPv4 addresses are host byte order. Every array has a fixed maximum so
 * that a config is one allocation and is freed with free().
 *
 * The JSON vocabulary, types, defaults and ranges are in doc/configuration.md and
 * config/pepgw.schema.json.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* lib/tcp's one list of congestion-control modules (a macro, no DPDK), by its path: */
#include "../tcp/tcp_cc_list.h"
#include "../tcp/tcp_defaults.h"

#include "cfg.h"

#define CFG_NAME_MAX          32
#define CFG_DEVICE_MAX        256
#define CFG_MAX_PORTS         8
#define CFG_MAX_ROUTES        256
#define CFG_MAX_ARP_STATIC    64
#define CFG_MAX_RULES         256
#define CFG_MAX_PREFIXES      16 /* per rule and per match field */
#define CFG_MAX_PORT_RANGES   16
#define CFG_MAX_DSCP          64
#define CFG_MAX_TCP_PROFILES  16
#define CFG_MAX_LCORES        16
#define CFG_ARP_QUEUE_LEN_MAX 1024 /* packets held per unresolved next hop */
#define CFG_MAX_LOG_LEVELS    32
#define CFG_LOG_PATTERN_MAX   64
#define CFG_MAX_LINKS         32 /* in all; one peer has at most CFG_MAX_PEER_LINKS */
#define CFG_MAX_PEER_LINKS    16 /* lib/bond's link ids 0..15 */
#define CFG_MAX_PEERS         8
#define CFG_MAX_REMOTE_NETS   16 /* per peer */
#define CFG_MAX_BOND_PROFILES 16
#define CFG_PATH_MAX          256
/* Bytes the bonded tunnel adds to an inner IPv4 packet (lib/bond's BOND_OVERHEAD). */
#define CFG_TUNNEL_OVERHEAD   56

enum cfg_port_role { CFG_ROLE_LAN, CFG_ROLE_WAN };

struct cfg_port {
	char name[CFG_NAME_MAX];     /* "lan0" */
	char device[CFG_DEVICE_MAX]; /* DPDK devargs: "net_af_packet0,iface=v0" or "0000:03:00.0" */
	enum cfg_port_role role;
	uint32_t ipv4;             /* interface address */
	uint8_t prefix_len;        /* on-link prefix */
	uint16_t mtu;              /* 68..9600, default 1500 */
	uint16_t rx_queues;        /* 0 = one per worker lcore (default) */
	uint16_t rx_desc, tx_desc; /* default 1024 each */
};

struct cfg_route {
	uint32_t prefix;
	uint8_t prefix_len;
	uint32_t via; /* next hop; 0 = directly connected through port */
	int port;     /* index into ports[]; the loader resolves a route without "port"
	               * to the port whose subnet holds via, so it is never -1 after a
	               * successful load */
};

struct cfg_arp_static {
	uint32_t ipv4;
	uint8_t mac[6];
	int port; /* index into ports[] */
};

struct cfg_prefix {
	uint32_t addr;
	uint8_t len;
};

struct cfg_port_range {
	uint16_t lo, hi; /* inclusive */
};

enum cfg_action { CFG_ACTION_FORWARD, CFG_ACTION_DROP, CFG_ACTION_TUNNEL, CFG_ACTION_ACCELERATE };

enum cfg_mss_mode { CFG_MSS_OFF, CFG_MSS_FIXED, CFG_MSS_AUTO };

enum cfg_frag_policy { CFG_FRAG_RESPECT_DF, CFG_FRAG_ALWAYS, CFG_FRAG_OUTER };

enum cfg_handshake { CFG_HANDSHAKE_DEFERRED, CFG_HANDSHAKE_IMMEDIATE };

/* TCP segments the flag policy refuses (lib/net net_tcp_flags_check): dropped or passed. */
enum cfg_tcp_flags { CFG_TCP_FLAGS_DROP, CFG_TCP_FLAGS_PASS };

#define CFG_PROTO_ANY 0xffff

/* Bonded tunnel schedulers, as lib/bond names them. */
enum cfg_scheduler {
	CFG_SCHED_ROUND_ROBIN,
	CFG_SCHED_WEIGHTED,
	CFG_SCHED_DYNAMIC,
	CFG_SCHED_ACTIVE_BACKUP,
	CFG_SCHED_DUPLICATE,
};

/*
 * A bond profile. A rule's profile chooses the scheduler of its traffic (a sub-tunnel); the
 * peer's profile also sets what is per peer: the probe interval, the failover thresholds and
 * the receiver's reorder hold cap.
 */
struct cfg_bond_profile {
	char name[CFG_NAME_MAX];
	enum cfg_scheduler scheduler; /* default dynamic */
	uint32_t reorder_max_hold_ms; /* 0..10000, default 200 */
	uint32_t probe_interval_ms;   /* 10..1000, default 100 */
	uint32_t down_after_min_ms;   /* silence before a link is down, floor; default 300 */
	uint32_t down_after_max_ms;   /* ... ceiling; default 900 */
	uint32_t up_after_ms;         /* clean arrivals before a link is up again; default 1000 */
	uint32_t up_after_max_ms;     /* that hold after repeated failures at most; default 8000 */
};

/* One WAN link of the tunnel: a UDP endpoint of ours on a port, toward one peer. */
struct cfg_link {
	char name[CFG_NAME_MAX];
	int port;               /* index into ports[] (a wan port); its address is the source */
	uint16_t local_port;    /* UDP port we send from and receive on, default 6400 */
	bool has_peer_endpoint; /* false: learned from the peer's authenticated packets */
	uint32_t peer_ip;       /* the peer's endpoint, when configured */
	uint16_t peer_port;
	uint32_t gateway;        /* next hop toward the peer on port; 0 = the peer is on-link */
	uint32_t rate_up_kbps;   /* what we may send on it, 0 = estimated */
	uint32_t rate_down_kbps; /* what the peer sends on it (telemetry), 0 = unknown */
	uint8_t priority;        /* active_backup: lower first, default 0 */
	uint16_t mtu;            /* IP MTU of the tunnel packets on it, default the port's */
	int peer;                /* index into peers[] (the peer that lists it), -1 = none */
	uint8_t id;              /* its position in that peer's links: the link id on the wire */
};

/* A pepgw at the other end of the tunnel. */
struct cfg_peer {
	char name[CFG_NAME_MAX];
	uint8_t links[CFG_MAX_PEER_LINKS]; /* indices into links[], in link-id order */
	uint8_t n_links;
	char key_file[CFG_PATH_MAX]; /* pre-shared key, base64 of 32 bytes, mode 0600 */
	struct cfg_prefix remote[CFG_MAX_REMOTE_NETS];
	uint8_t n_remote;
	int bond_profile; /* index into bond_profiles[], -1 = the defaults */
};

struct cfg_rule {
	char name[CFG_NAME_MAX];
	/* match: an empty list means "any" */
	struct cfg_prefix src[CFG_MAX_PREFIXES];
	uint8_t n_src;
	struct cfg_prefix dst[CFG_MAX_PREFIXES];
	uint8_t n_dst;
	uint16_t protocol; /* IP protocol number, or CFG_PROTO_ANY */
	struct cfg_port_range src_ports[CFG_MAX_PORT_RANGES];
	uint8_t n_src_ports;
	struct cfg_port_range dst_ports[CFG_MAX_PORT_RANGES];
	uint8_t n_dst_ports;
	uint8_t dscp[CFG_MAX_DSCP];
	uint8_t n_dscp;
	int ingress_port; /* index into ports[], -1 = any */
	/* action */
	enum cfg_action action;
	enum cfg_mss_mode mss_mode;           /* default auto */
	uint16_t mss;                         /* with CFG_MSS_FIXED: 64..65495 */
	enum cfg_frag_policy fragment;        /* default respect_df */
	enum cfg_handshake handshake;         /* accelerate only; default deferred */
	enum cfg_tcp_flags invalid_tcp_flags; /* forward only; default drop */
	int lan_profile;                      /* accelerate: index into tcp_profiles[], else -1 */
	int wan_profile;
	int bond_profile; /* tunnel: index into bond_profiles[], -1 = the peer's */
};

/* The congestion-control modules, from lib/tcp's one list: CFG_CC_reno, CFG_CC_highspeed, ... */
#define CFG_CC_ENUM(name) CFG_CC_##name,
enum cfg_cc { TCP_CC_LIST(CFG_CC_ENUM) CFG_CC_COUNT };
#undef CFG_CC_ENUM

/* F5-style TCP profile: one field per key of lib/tcp's list (tcp_defaults.h), NAME_mbps for a
 * rate. Sizes in bytes, times as named. */
#define CFG_TCP_FIELD_BOOL(n)                               bool n;
#define CFG_TCP_FIELD_U32(n)                                uint32_t n;
#define CFG_TCP_FIELD_U16(n)                                uint16_t n;
#define CFG_TCP_FIELD_U8(n)                                 uint8_t n;
#define CFG_TCP_FIELD_RATE(n)                               double n##_mbps;
#define CFG_TCP_FIELD_CC(n)                                 enum cfg_cc n;
#define CFG_TCP_FIELD(kind, name, def, min, max, unit, doc) CFG_TCP_FIELD_##kind(name)
struct cfg_tcp_profile {
	char name[CFG_NAME_MAX];
	TCP_PROFILE_KEYS(CFG_TCP_FIELD)
	/* rate_mbps "auto" (rate_mbps is then 0): a paired WAN leg sends at the tunnel's
	 * measured capacity. */
	bool rate_auto;
};
#undef CFG_TCP_FIELD

struct cfg_lcores {
	uint16_t workers[CFG_MAX_LCORES]; /* EAL lcore ids of worker loops; empty = all */
	uint8_t n_workers;
	uint32_t idle_sleep_us; /* sleep after empty polls; 0 = pure polling */
	uint32_t burst;         /* RX/TX burst size, default 32 */
};

struct cfg_flows {
	uint32_t table_size;         /* per lcore, default 65536 */
	uint32_t idle_timeout_s;     /* default 300 (TCP), udp/icmp use udp_idle_timeout_s */
	uint32_t udp_idle_timeout_s; /* default 60 */
};

struct cfg_arp {
	uint32_t timeout_s; /* entry lifetime, default 300 */
	uint32_t retry_ms;  /* request retry interval, default 1000 */
	uint16_t queue_len; /* packets held per unresolved next hop, default 8 */
	struct cfg_arp_static statics[CFG_MAX_ARP_STATIC];
	uint16_t n_statics;
};

struct cfg_icmp {
	uint32_t errors_per_s; /* token rate for ICMP errors we send, default 100 */
	uint32_t burst;        /* default 50 */
};

/* Log levels, in syslog order (RFC 5424 severities 0..7). */
enum cfg_log_level {
	CFG_LOG_EMERGENCY,
	CFG_LOG_ALERT,
	CFG_LOG_CRITICAL,
	CFG_LOG_ERROR,
	CFG_LOG_WARNING,
	CFG_LOG_NOTICE,
	CFG_LOG_INFO,
	CFG_LOG_DEBUG,
};

struct cfg_log_setting {
	char pattern[CFG_LOG_PATTERN_MAX]; /* log type name or glob ("pepgw.tcp", "pepgw.*") */
	enum cfg_log_level level;
};

/* "default" first applies to every log type, then each pattern in file order. */
struct cfg_logging {
	bool has_default;
	enum cfg_log_level default_level;
	struct cfg_log_setting patterns[CFG_MAX_LOG_LEVELS];
	uint8_t n_patterns;
};

struct pepgw_config {
	char path[256];
	struct cfg_port ports[CFG_MAX_PORTS];
	uint8_t n_ports;
	struct cfg_route routes[CFG_MAX_ROUTES];
	uint16_t n_routes;
	struct cfg_rule rules[CFG_MAX_RULES];
	uint16_t n_rules;
	struct cfg_tcp_profile tcp_profiles[CFG_MAX_TCP_PROFILES];
	uint8_t n_tcp_profiles;
	struct cfg_lcores lcores;
	struct cfg_flows flows;
	struct cfg_arp arp;
	struct cfg_icmp icmp;
	struct cfg_logging logging;
	struct cfg_bond_profile bond_profiles[CFG_MAX_BOND_PROFILES];
	uint8_t n_bond_profiles;
	struct cfg_link links[CFG_MAX_LINKS];
	uint8_t n_links;
	struct cfg_peer peers[CFG_MAX_PEERS];
	uint8_t n_peers;
	/* Traffic that matches no rule: default forward. */
	enum cfg_action default_action;
};

/*
 * Load and validate the file at path. Errors are collected in errs (cfg.h), each
 * "FILE:LINE:COL: json.path: message (allowed: ...)"; the loader keeps going after one so that
 * a run reports every problem. Returns the config (free with pepgw_config_free), or NULL
 * with at least one error in errs (missing file, syntax, unknown key, wrong type, out of range,
 * duplicate key, dangling reference). Never exits.
 */
struct pepgw_config *pepgw_config_load(const char *path, struct cfg_errors *errs);

/* The same from a buffer; name is used in messages in place of a file name. */
struct pepgw_config *pepgw_config_load_buffer(const char *name, const char *text, size_t len,
                                              struct cfg_errors *errs);

void pepgw_config_free(struct pepgw_config *cfg);

/* Index of the port named name, or -1. */
int pepgw_config_port_index(const struct pepgw_config *cfg, const char *name);

/* Index of the TCP profile named name, or -1. */
int pepgw_config_tcp_profile_index(const struct pepgw_config *cfg, const char *name);
/* Index of the bond profile named name, or -1. */
int pepgw_config_bond_profile_index(const struct pepgw_config *cfg, const char *name);
/* Fill p with the defaults of every bond profile key (name left empty). */
void pepgw_config_bond_profile_defaults(struct cfg_bond_profile *p);
/* Fill p with the defaults of every profile key (lib/tcp's tcp_defaults.h; name left empty). */
void pepgw_config_tcp_profile_defaults(struct cfg_tcp_profile *p);
/* JSON spelling of enum values, for start-up summaries and telemetry ("?" when invalid). */
const char *cfg_role_name(enum cfg_port_role r);
const char *cfg_action_name(enum cfg_action a);
const char *cfg_frag_name(enum cfg_frag_policy f);
const char *cfg_handshake_name(enum cfg_handshake h);
const char *cfg_tcp_flags_name(enum cfg_tcp_flags f);
const char *cfg_cc_name(enum cfg_cc c);
const char *cfg_log_level_name(enum cfg_log_level l);
const char *cfg_scheduler_name(enum cfg_scheduler s);

#endif
