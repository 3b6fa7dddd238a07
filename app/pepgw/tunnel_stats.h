/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TUNNEL_STATS_H
#define PEPGW_TUNNEL_STATS_H

#include "bond_wire.h"
#include "stats.h"

/*
 * The gateway counter of a lib/bond result: drop_tunnel_<reason> for drop_<reason>, STAT_MAX
 * for the results that are not drops (ok, handshake) and out of range.
 */
enum stat_id gw_tunnel_result_stat(enum bond_result r);

#endif
