/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_SIM_BOND_H
#define PEPGW_SIM_BOND_H

/*
 * sim bond nodes: one end of lib/bond's tunnel as a simulation node, so that TCP nodes (sim.h)
 * can be joined over N emulated links with the tunnel in between:
 *
 *   client -- relay A -- bond A ==(N wanem links each way)== bond B -- relay B -- server
 *
 * Port 0 faces the inner side (plain IPv4 packets), port 1 the tunnel. What enters port 0 is
 * sent as the gateway would: the bond profile's scheduler picks the link(s) (bond_sched, views
 * from bond_health), the flow sequence is numbered (bond_reorder_seq), the packet is sealed
 * with AES-256-GCM (bond_crypto, the software cryptodev) and the outer IPv4/UDP header is
 * pushed (bond_wire): a tunnel packet exactly as long as on the wire. What arrives on port 1
 * is opened (header, AEAD, anti-replay), given to bond_health, and data goes through the
 * reorder buffer (hold from bond_health_reorder_hold_us) before leaving port 0. Probes go on
 * every link both ways as bond_health_poll asks. Each node has its own clock offset (its
 * stamps wrap independently of the simulation's clock).
 *
 * Join two bond nodes' ports 1 with sim_bond_connect (its pick callback sends each tunnel
 * packet on the link written in its header). Once every flow of the simulation has closed
 * the nodes stop probing, so sim_run_until_idle can end.
 */

#include <stdint.h>
#include <stdio.h>

#include "bond_crypto.h"
#include "bond_reorder.h"
#include "bond_sched.h"
#include "sim.h"

struct sim_bond_params {
	uint8_t n_links;                       /* 1..SIM_PATH_MAX_LINKS */
	enum bond_sched_kind sched;            /* the bond profile's scheduler */
	uint64_t rate_bps[SIM_PATH_MAX_LINKS]; /* configured tx rate per link; 0 = estimated */
	uint8_t priority[SIM_PATH_MAX_LINKS];  /* active_backup */
	uint32_t hold_cap_us;                  /* the profile's reorder hold cap; 0 = 200 ms */
	int32_t small_copy_bytes;              /* bond_sched_params' (0 default, < 0 never) */
	uint64_t clock_offset_us;              /* this gateway's clock minus the simulation's */
	const struct bond_cryptodev *dev;      /* an open cryptodev (bond_cryptodev_open) */
	const struct bond_session_keys *keys;  /* this side's session keys (tx_active set) */
	const char *name;                      /* unique per process (names the op pool) */
};

/* NULL + rte_errno: EINVAL, ENOMEM, or the lib/bond constructors'. */
struct sim_node *sim_bond_node_create(struct sim *s, const struct sim_bond_params *p);

/*
 * Join port 1 of bond nodes a and b over ab->n_links links each way (ab, ba: the wanem
 * parameters per link; their pick is set here). 0 or sim_connect's error.
 */
int sim_bond_connect(struct sim_node *a, struct sim_node *b, struct sim_path_params *ab,
                     struct sim_path_params *ba);

struct sim_bond_stats {
	uint64_t data_tx[SIM_PATH_MAX_LINKS]; /* data packets sent per link (copies included) */
	uint64_t no_link;                     /* packets refused by the scheduler */
	uint64_t seal_drops, open_drops;      /* bond_crypto refusals (never expected here) */
	uint64_t reorder_refused;
	uint64_t last_data_tx_us[SIM_PATH_MAX_LINKS]; /* simulation clock */
	struct bond_reorder_stats reorder;
};

/* 0, or -EINVAL when n is not a bond node. */
int sim_bond_get_stats(const struct sim_node *n, struct sim_bond_stats *st);

/* The node's bond_health (telemetry per link), or NULL. */
const struct bond_health *sim_bond_health(const struct sim_node *n);

/* One line per link and one for the reorder buffer, prefixed with the node's name. */
void sim_bond_print(const struct sim_node *n, FILE *out);

#endif
