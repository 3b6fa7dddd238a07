/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_ACCEL_H
#define PEPGW_ACCEL_H

/*
 * Action "accelerate": split TCP. A flow that starts with a SYN from the client gets two legs
 * in this lcore's TCP engine (lib/tcp): the LAN leg answers the client as if it were the
 * server, the WAN leg connects to the server as if it were the client (both keep the original
 * addresses and ports). The relay moves data between them with bounded buffers
 * (proxy_buffer_high/low) and carries FIN and RST across.
 *
 * Single-ended mode: the WAN leg's far end is the real server, reached by the routing table;
 * in paired mode (through the bonded tunnel) it is only a different next hop.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "flow.h"
#include "gw.h"
#include "net.h"

struct accel;

/* Per-lcore accelerator: the engine, its connection pairs. NULL + message on failure. */
struct accel *accel_create(struct gw_lcore *lc, char *err, size_t errlen);
void accel_free(struct accel *a);

/*
 * A transit TCP packet of a flow whose action is accelerate (m at the Ethernet header, parsed
 * into h, padding trimmed, its flags accepted by the flag policy), classified as fi into fr:
 * with the flow's entry, or undecided (no entry yet). An undecided packet creates the entry
 * only if it is a valid first segment (checksum, headers, options): the client's SYN splits,
 * another segment makes the flow passthrough, an RST is forwarded without an entry; an
 * invalid one is dropped and counted and leaves nothing. Takes the packet in every case: into
 * the engine, forwarded unsplit (fallback/passthrough), or dropped and counted.
 */
void accel_input(struct accel *a, struct rte_mbuf *m, struct net_hdrs *h,
                 const struct flow_pkt_info *fi, struct flow_result *fr, uint64_t now_us);

/* Run the engine's timers. */
void accel_advance(struct accel *a, uint64_t now_us);

/* The earliest time the engine has work (a paced segment to release, a timer), or until_us
 * when nothing is due before: an idle loop sleeps no later than this. */
uint64_t accel_next_due_us(const struct accel *a, uint64_t until_us);

/* Flow table aging removed an entry: its pair (if any) loses its entry pointer. */
void accel_flow_expired(struct accel *a, struct flow_entry *e);

/* Telemetry: pairs in use, and engine counters added into counters[TCP_CNT_MAX]. */
uint32_t accel_pairs_in_use(const struct accel *a);
void accel_engine_counters(const struct accel *a, uint64_t *counters);

/* Telemetry: info of both legs of the pair of a 4-tuple (client side first); -ENOENT. */
struct tcp_conn_info;
int accel_conn_info(const struct accel *a, uint32_t client_ip, uint16_t client_port,
                    uint32_t server_ip, uint16_t server_port, struct tcp_conn_info *lan,
                    struct tcp_conn_info *wan);

/* Telemetry: the 4-tuples (host order) of up to max pairs in use; returns the count. */
struct accel_tuple {
	uint32_t client_ip, server_ip;
	uint16_t client_port, server_port;
};
unsigned int accel_list(const struct accel *a, struct accel_tuple *out, unsigned int max);

#endif
