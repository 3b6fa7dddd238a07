/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_PARAMS_H
#define PEPGW_PARAMS_H

/*
 * The configuration (lib/config's structs) turned into each library's params: the one place
 * where the configuration meets the libraries. Every enum is mapped value by value, never cast;
 * a value that this build cannot carry is an error naming the configuration path. The
 * libraries never see the configuration, and nothing else in the application converts it.
 *
 * No function here builds anything: the callers create the objects from the params.
 */

#include <stddef.h>
#include <stdint.h>

#include "bond_health.h"
#include "bond_reorder.h"
#include "bond_sched.h"
#include "flow.h"
#include "net_arp.h"
#include "pepgw_config.h"
#include "port.h"
#include "tcp.h"

/*
 * A TCP profile for lib/tcp: every field copied, the congestion control mapped to lib/tcp's
 * name and looked up (tcp_cc_find). Returns 0, or -ENOTSUP with err naming the profile when
 * lib/tcp has no such algorithm.
 */
int gw_params_tcp_profile(const struct cfg_tcp_profile *c, struct tcp_profile *t, char *err,
                          size_t errlen);

/*
 * The rules and the default action for lib/flow: rules[] receives cfg->n_rules entries (max
 * at least FLOW_RULES_MAX). Rule names point into cfg. Returns the number of rules, or
 * -EINVAL / -ENOTSUP with err naming the rule (an action, MSS mode or fragmentation policy this
 * build has no library value for), or -EPERM (invalid_tcp_flags "pass" on a rule that does not
 * forward: the loader refuses it first).
 */
int gw_params_flow_rules(const struct pepgw_config *cfg, struct flow_rule_params *rules,
                         unsigned int max, enum flow_action_type *default_action, char *err,
                         size_t errlen);

/* A flow table for lib/flow; name and socket_id are the caller's, on_expire is left NULL. */
void gw_params_flow_table(const struct cfg_flows *c, const char *name, int socket_id,
                          struct flow_table_params *p);

/* An ARP table for lib/net (timers in microseconds). */
void gw_params_arp(const struct cfg_arp *c, int socket_id, struct net_arp_params *p);

/* A port for drivers/port: one RX queue per worker unless configured, one TX queue each. */
void gw_params_port(const struct cfg_port *c, uint16_t n_workers, struct rte_mempool *pool,
                    struct port_params *p);

/* A scheduler of lib/bond for a bond profile's. Returns 0 or -EINVAL (not a scheduler). */
int gw_params_bond_sched_kind(enum cfg_scheduler s, enum bond_sched_kind *out);

/* The bond profile of a peer: its own, or the defaults when it names none. */
void gw_params_peer_profile(const struct pepgw_config *cfg, unsigned int peer,
                            struct cfg_bond_profile *out);

/*
 * Link health of a peer for lib/bond (rates in bit/s, times in microseconds, links in link-id
 * order) from its links and its bond profile. Returns 0, or -EINVAL with err naming the peer
 * when lib/bond refuses the values (bond_health_params_check).
 */
int gw_params_bond_health(const struct pepgw_config *cfg, unsigned int peer,
                          struct bond_health_params *p, char *err, size_t errlen);

/*
 * Packets one worker's reorder buffer holds for one peer (a hole at 1 Gbit/s held 50 ms); the
 * mbuf pool is sized for it (main.c).
 */
#define GW_TUN_REORDER_PACKETS   4096
/* A rate profile's rate_mbps "auto" before the tunnel's capacity is known, and on a leg that
 * does not go into a tunnel: bond_sched's rate for a link it knows nothing of. */
#define GW_RATE_AUTO_DEFAULT_BPS 10000000ull

/*
 * The receiver's reorder buffer of a peer: lib/bond's sizes, one bucket per (key slot, sender
 * queue, inner flow bucket), GW_TUN_REORDER_PACKETS held at most, the hold cap of the peer's
 * bond profile.
 */
void gw_params_bond_reorder(const struct pepgw_config *cfg, unsigned int peer,
                            struct bond_reorder_params *p);

/* A log level for rte_log: a type pattern and an RTE_LOG_* level. */
struct gw_log_level {
	const char *pattern; /* points into the configuration */
	uint32_t level;
};

/*
 * The logging section in the order to apply it: "default" first as the pattern "*", then the
 * patterns in file order. Returns the number of entries written (at most max).
 */
unsigned int gw_params_log_levels(const struct cfg_logging *c, struct gw_log_level *out,
                                  unsigned int max);

#endif
