/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_ACCEL_H
#define PEPGW_ACCEL_H

/*
 * Action "accelerate": split TCP. A flow that starts with a SYN from the client gets two legs
 * in this lcore's TCP engine (lib/tcp): the client's leg answers the client as if it were the
 * server, the server's leg connects to the server as if it were the client (both keep the
 * original addresses and ports). The relay moves data between them with bounded buffers
 * (proxy_buffer_high/low) and carries FIN and RST across.
 *
 * Each leg has the MTU and MSS of its own egress (gw_egress_find). Single-ended, the server's
 * leg is the WAN leg and leaves by the route. Paired mode: toward a peer's remote networks
 * the server's leg goes into the tunnel (gateway A), marked BOND_F_TERMINATE, and the peer
 * (gateway B) splits the marked SYN again as it comes out of the tunnel: its client's leg is
 * the WAN leg back through the tunnel, its server's leg opens to the real server. With the
 * deferred handshake at both, the client gets its SYN-ACK only once the server accepted at B.
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
 * tunnel_fwd is NULL for a packet from a port; for one out of the tunnel (its header flags in
 * m->hash.usr) the action its flow is forwarded by unsplit (never into a tunnel again): such a
 * flow is split only when its SYN carries BOND_F_TERMINATE.
 */
void accel_input(struct accel *a, struct rte_mbuf *m, struct net_hdrs *h,
                 const struct flow_pkt_info *fi, struct flow_result *fr,
                 const struct flow_action *tunnel_fwd, uint64_t now_us);

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

/*
 * Telemetry: info of both legs of the pair of a 4-tuple: the LAN leg, the WAN leg (the server's
 * leg, or the client's on a paired gateway B), and the gateway's role ("single",
 * "client_side", "server_side"); -ENOENT.
 */
struct tcp_conn_info;
int accel_conn_info(const struct accel *a, uint32_t client_ip, uint16_t client_port,
                    uint32_t server_ip, uint16_t server_port, struct tcp_conn_info *lan,
                    struct tcp_conn_info *wan, const char **role);

/* Telemetry: the 4-tuples (host order) of up to max pairs in use; returns the count. */
struct accel_tuple {
	uint32_t client_ip, server_ip;
	uint16_t client_port, server_port;
};
unsigned int accel_list(const struct accel *a, struct accel_tuple *out, unsigned int max);

#endif
