/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/bond's packet results as the gateway's counters: each drop reason of lib/bond has its
 * own drop_tunnel_<reason> in lib/stats' list (tunnel_stats_test.c holds the two lists
 * together).
 */
#include "tunnel_stats.h"

enum stat_id gw_tunnel_result_stat(enum bond_result r)
{
	switch (r) {
	case BOND_R_ok:
	case BOND_R_handshake:
	case BOND_R_MAX:
		return STAT_MAX;
	case BOND_R_drop_truncated:
		return STAT_drop_tunnel_truncated;
	case BOND_R_drop_version:
		return STAT_drop_tunnel_version;
	case BOND_R_drop_type:
		return STAT_drop_tunnel_type;
	case BOND_R_drop_flags:
		return STAT_drop_tunnel_flags;
	case BOND_R_drop_link:
		return STAT_drop_tunnel_link;
	case BOND_R_drop_queue:
		return STAT_drop_tunnel_queue;
	case BOND_R_drop_not_owner:
		return STAT_drop_tunnel_not_owner;
	case BOND_R_drop_no_session:
		return STAT_drop_tunnel_no_session;
	case BOND_R_drop_auth:
		return STAT_drop_tunnel_auth;
	case BOND_R_drop_replayed:
		return STAT_drop_tunnel_replayed;
	case BOND_R_drop_too_old:
		return STAT_drop_tunnel_too_old;
	case BOND_R_drop_far_ahead:
		return STAT_drop_tunnel_far_ahead;
	case BOND_R_drop_no_tx_key:
		return STAT_drop_tunnel_no_tx_key;
	case BOND_R_drop_key_exhausted:
		return STAT_drop_tunnel_key_exhausted;
	case BOND_R_drop_too_big:
		return STAT_drop_tunnel_too_big;
	case BOND_R_drop_no_mbuf:
		return STAT_drop_tunnel_no_mbuf;
	case BOND_R_drop_crypto:
		return STAT_drop_tunnel_crypto;
	case BOND_R_drop_hs_kind:
		return STAT_drop_tunnel_hs_kind;
	case BOND_R_drop_hs_len:
		return STAT_drop_tunnel_hs_len;
	case BOND_R_drop_hs_field:
		return STAT_drop_tunnel_hs_field;
	case BOND_R_drop_hs_mac:
		return STAT_drop_tunnel_hs_mac;
	case BOND_R_drop_hs_stale:
		return STAT_drop_tunnel_hs_stale;
	case BOND_R_drop_hs_unexpected:
		return STAT_drop_tunnel_hs_unexpected;
	}
	return STAT_MAX;
}
