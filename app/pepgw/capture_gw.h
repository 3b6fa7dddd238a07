/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_CAPTURE_GW_H
#define PEPGW_CAPTURE_GW_H

/*
 * The gateway's packet capture (app/pepgw/capture_gw.c over lib/capture): capture points in
 * the data path, per-lcore rings of packet copies, one writer thread that is not a worker and
 * writes pcapng, telemetry commands /pepgw/capture/start|stop|list.
 *
 * A data-path hook costs one load and one predictable branch per burst while no capture is
 * running (gw_lcore.cap_points is 0). With a capture running, the worker runs its filter on the
 * packets of that point, copies the matches into a capture mempool and enqueues them on its own
 * ring; a full ring (or an empty pool) loses the copy and counts it (ring_full), never waits.
 *
 * The tunnel calls gw_capture_tunnel() once per burst on each side of each link:
 *   gw_capture_tunnel(lc, link, CAPTURE_POINT_OUTER, CAPTURE_DIR_IN, pkts, n);
 */

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "capture.h"
#include "gw.h"

/* Concurrent captures. */
#define GW_CAP_MAX       4
/* Interfaces of a capture file: the ports, "drop", and the tunnel's inner/outer side per link. */
#define GW_CAP_LINKS     16
#define GW_CAP_IF_DROP   CFG_MAX_PORTS
#define GW_CAP_IF_TUNNEL (CFG_MAX_PORTS + 1)
#define GW_CAP_IFACES    (GW_CAP_IF_TUNNEL + 2 * GW_CAP_LINKS)

#define GW_CAP_F(point) (1u << (point))

/* Start the writer thread and register the telemetry commands; 0 or -errno. */
int gw_capture_init(struct gw *gw);
/* Stop every capture (files closed, complete) and the writer thread. Workers must have stopped
 * or be about to: a capture still running is stopped first. */
void gw_capture_fini(struct gw *gw);

/* Name a tunnel link for the capture files ("coax" → interfaces "tunnel:coax:inner|outer");
 * unnamed links are "linkN". 0, or -EINVAL for a link beyond GW_CAP_LINKS. */
int gw_capture_name_link(struct gw *gw, unsigned int link, const char *name);

/* Slow paths: a capture wants this point. iface is a port index, GW_CAP_IF_DROP or a tunnel
 * interface; dir is CAPTURE_DIR_IN / CAPTURE_DIR_OUT / 0; reason a drop's stat_id or -1. */
void gw_capture_slow(struct gw_lcore *lc, enum capture_point pt, unsigned int iface, uint32_t dir,
                     struct rte_mbuf **pkts, uint16_t n, int reason);

/* A port's receive burst (before any processing). */
static inline void gw_capture_rx(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
                                 uint16_t n)
{
	if (unlikely(lc->cap_points & GW_CAP_F(CAPTURE_POINT_RX)))
		gw_capture_slow(lc, CAPTURE_POINT_RX, port, CAPTURE_DIR_IN, pkts, n, -1);
}

/* What a port's transmit flush hands to the PMD. */
static inline void gw_capture_tx(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
                                 uint16_t n)
{
	if (unlikely(lc->cap_points & GW_CAP_F(CAPTURE_POINT_TX)))
		gw_capture_slow(lc, CAPTURE_POINT_TX, port, CAPTURE_DIR_OUT, pkts, n, -1);
}

/* Dropped packets with their reason (an enum stat_id). The mbufs stay the caller's. */
static inline void gw_capture_drops(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
                                    enum stat_id why)
{
	if (unlikely(lc->cap_points & GW_CAP_F(CAPTURE_POINT_DROP)))
		gw_capture_slow(lc, CAPTURE_POINT_DROP, GW_CAP_IF_DROP, 0, pkts, n, (int)why);
}

/* The tunnel: side is CAPTURE_POINT_INNER or CAPTURE_POINT_OUTER, dir CAPTURE_DIR_IN (received
 * / opened) or CAPTURE_DIR_OUT (to seal / sent), link 0..GW_CAP_LINKS-1. */
static inline void gw_capture_tunnel(struct gw_lcore *lc, unsigned int link,
                                     enum capture_point side, uint32_t dir, struct rte_mbuf **pkts,
                                     uint16_t n)
{
	if (unlikely(lc->cap_points & GW_CAP_F(side)) && link < GW_CAP_LINKS)
		gw_capture_slow(lc, side,
		                GW_CAP_IF_TUNNEL + 2 * link + (side == CAPTURE_POINT_OUTER), dir,
		                pkts, n, -1);
}

#endif
