/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_SIM_H
#define PEPGW_SIM_H

/*
 * sim: the harness every engine simulation runs on (tests/sim). Deterministic for a seed.
 *
 *  - A virtual clock, advanced from one event to the next: the next packet a link releases
 *    (wanem_next_event_us), the next timer tick of a node that holds connections, the next
 *    scheduled call (sim_at). Nothing sleeps, so minutes of a 600 ms path take seconds of CPU.
 *  - Links are lib/wanem engines, one per direction: delay and jitter, reordering, random or
 *    Gilbert-Elliott loss, duplication, a token-bucket rate with a byte queue, blackhole, all
 *    changeable while running (sim_link_wanem + wanem_set_params(..., sim_now(s))).
 *  - A path is one direction from a node's port to another node's port over 1..SIM_PATH_MAX_LINKS
 *    links; a pick callback chooses the link of each packet (default: link 0). A bonded-tunnel
 *    simulation puts its links of different delay and rate on one path and its scheduler in
 *    the callback.
 *  - Nodes receive packets on ports and send on them (sim_node_send). TCP nodes are built in
 *    (sim_tcp.c): a client, a server and a relay gateway (tcp_relay_open, as pepgw
 *    single-ended; port 0 faces clients, port 1 servers). Other nodes bring their own ops.
 *  - Flows are the applications on the TCP nodes: a client sends up_bytes of a fixed pattern,
 *    the server answers with down_bytes once it has them all, each receiver checks every byte
 *    in order. Results add up in struct sim_totals.
 *
 * Packets are rte_mbufs starting at the IPv4 header (the TCP engine's output), allocated from
 * the simulation's pool; sim_free reports any mbuf that did not come back.
 * Errors follow DPDK: constructors return NULL and set rte_errno, others return a negative
 * errno. Everything runs on one thread.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_mbuf.h>

#include "tcp.h"
#include "wanem.h"

#define SIM_PATH_MAX_LINKS   8
#define SIM_MAX_RELAY_HOPS   2          /* relay gateways one flow may cross (paired gateways: 2) */
#define SIM_BYTES_UNTIL_STOP UINT64_MAX /* a flow direction that sends until sim_flows_stop */

struct sim;
struct sim_node;
struct sim_path;
struct sim_link;

/* ---- the world ---- */

struct sim_params {
	uint32_t pool_mbufs; /* 0 = 32767 */
	uint32_t max_flows;  /* flows open at once; 0 = 16 */
	uint64_t seed;       /* every link's loss/jitter/reorder stream derives from it */
	bool no_csum_check;  /* true: skip checking the TCP checksum of every packet sent */
};

/* A simulation at time 0. NULL + rte_errno: EINVAL, ENOMEM (EAL must be initialised). */
struct sim *sim_create(const struct sim_params *p);

/*
 * Free nodes, links, every packet they hold, and the pool. Returns the number of mbufs that
 * never came back to the pool (a leak somewhere), 0 when all did. NULL returns 0.
 */
unsigned int sim_free(struct sim *s);

uint64_t sim_now(const struct sim *s);
struct rte_mempool *sim_pool(const struct sim *s);
unsigned int sim_mbufs_in_use(const struct sim *s);

/*
 * Call fn(s, arg) at virtual time t_us (now when earlier). Calls due at the same time run in
 * the order they were added. 0, or -ENOSPC (too many pending calls).
 */
int sim_at(struct sim *s, uint64_t t_us, void (*fn)(struct sim *s, void *arg), void *arg);

/* Run every event up to until_us; the clock then reads until_us. */
void sim_run(struct sim *s, uint64_t until_us);

/*
 * Run until nothing is left to do (no open flow, no packet on a link, no connection in a TCP
 * node) or limit_us, whichever comes first. Returns true when it ended idle. Scheduled calls
 * alone do not keep it running.
 */
bool sim_run_until_idle(struct sim *s, uint64_t limit_us);

/* ---- nodes ---- */

struct sim_node_ops {
	/* A packet arrived on port (ownership passes). */
	void (*input)(struct sim_node *n, unsigned int port, struct rte_mbuf *m, uint64_t now_us);
	/* Called once per event time after the arrivals: run timers, flush batches. Optional. */
	void (*advance)(struct sim_node *n, uint64_t now_us);
	/* The next time the node wants advance() (UINT64_MAX: none). Optional. */
	uint64_t (*next_event_us)(const struct sim_node *n, uint64_t now_us);
	/* Whether the node still holds state that can make events (for sim_run_until_idle). */
	bool (*busy)(const struct sim_node *n);
	/* Free the node's own state (packets it sent are the harness's). Optional. */
	void (*destroy)(struct sim_node *n);
};

/* A node with n_ports ports (1..8). NULL + rte_errno: EINVAL, ENOMEM. */
struct sim_node *sim_node_create(struct sim *s, const char *name, unsigned int n_ports,
                                 const struct sim_node_ops *ops, void *priv);
void *sim_node_priv(const struct sim_node *n);
struct sim *sim_node_sim(const struct sim_node *n);
const char *sim_node_name(const struct sim_node *n);

/*
 * Send m out of port: it goes onto the port's path once the node's current input or advance
 * returns (in the order sent), so a node's engine calls never run the link model. A port with
 * no path frees the packet and counts it (sim_totals.unrouted).
 */
void sim_node_send(struct sim_node *n, unsigned int port, struct rte_mbuf *m);

/* ---- paths and links ---- */

/*
 * Choose the link for m among the path's links: an index below sim_path_n_links, or a negative
 * value to drop it (counted as path_drops). A duplicating scheduler may also put copies on
 * other links itself with sim_link_send.
 */
typedef int (*sim_pick_fn)(void *arg, struct sim_path *p, const struct rte_mbuf *m,
                           uint64_t now_us);

struct sim_path_params {
	unsigned int n_links; /* 0 is taken as 1 */
	/* One wanem direction per link. seed 0: derived from the simulation's seed and the
	 * link's creation order, so each link draws its own stream. */
	struct wanem_params link[SIM_PATH_MAX_LINKS];
	sim_pick_fn pick; /* NULL: always link 0 */
	void *pick_arg;
};

/*
 * Join port a_port of a to port b_port of b: path ab carries a -> b, ba carries b -> a.
 * 0, or -EINVAL (bad port, port already joined, link parameters out of range: the wanem
 * reason is logged), -ENOMEM.
 */
int sim_connect(struct sim_node *a, unsigned int a_port, struct sim_node *b, unsigned int b_port,
                const struct sim_path_params *ab, const struct sim_path_params *ba);

/* The path leaving a port, or NULL. */
struct sim_path *sim_node_path(const struct sim_node *n, unsigned int port);
unsigned int sim_path_n_links(const struct sim_path *p);
/* Link k of a path, or NULL. */
struct sim_link *sim_path_link(const struct sim_path *p, unsigned int k);
/* The wanem engine of a link, for run-time changes (pass sim_now as now_us) and stats. */
struct wanem *sim_link_wanem(const struct sim_link *l);
/* Offer m to one link directly (a scheduler's copy): checksum check, wanem, counters. */
void sim_link_send(struct sim_link *l, struct rte_mbuf *m);

struct sim_link_stats {
	struct wanem_stats wanem;
	uint64_t data_in, data_out; /* TCP segments with payload offered / delivered */
};
void sim_link_get_stats(const struct sim_link *l, struct sim_link_stats *st);
/* Sum over a path's links. */
void sim_path_get_stats(const struct sim_path *p, struct sim_link_stats *st);

/* ---- TCP nodes (sim_tcp.c) ---- */

enum sim_tcp_role {
	SIM_TCP_CLIENT, /* opens flows (sim_flow_open); one port */
	SIM_TCP_SERVER, /* answers every SYN of a known flow; one port */
	SIM_TCP_RELAY,  /* splits each flow whose SYN arrives on port 0 (tcp_relay_open) */
};

struct sim_tcp_params {
	enum sim_tcp_role role;
	uint32_t max_conns;  /* 0 = 4 */
	uint32_t sack_holes; /* engine's shared SACK holes; 0 = the engine's default */
	uint16_t mtu;        /* IP MTU of the node's paths (relay: leg 0's); 0 = 1500 */
	uint16_t server_mtu; /* relay only: leg 1's IP MTU; 0 = mtu */
	uint32_t fixed_isn;  /* 0 = keyed ISNs; else every connection starts here */
	uint8_t isn_key;     /* first byte of the engine's ISN secret (engines differ) */
	bool count_cycles;   /* charge rdtsc cycles of this engine's entry points (benchmarks) */
	/* Client and server: the profile of their connections. Relay: the client side (leg 0). */
	const struct tcp_profile *profile;
	const struct tcp_profile *server_profile; /* relay only: the server side (leg 1) */
	bool deferred;                            /* relay only: deferred handshake */
};

/* NULL + rte_errno: EINVAL (no profile, too many relay hops), ENOMEM, or tcp_engine_create's. */
struct sim_node *sim_tcp_node_create(struct sim *s, const char *name,
                                     const struct sim_tcp_params *p);
/* The node's engine (counters, summaries), or NULL when n is not a TCP node. */
struct tcp_engine *sim_tcp_engine(const struct sim_node *n);
/* rdtsc cycles spent in the engine's entry points (count_cycles), including its tx callback. */
uint64_t sim_tcp_cycles(const struct sim_node *n);
/* Fill ep as the harness does for its engines (benchmarks create bare engines with it). */
void sim_tcp_engine_params(struct tcp_engine_params *ep, struct rte_mempool *pool,
                           uint32_t max_conns, uint32_t sack_holes, uint8_t isn_key);

/* ---- flows ---- */

enum sim_close {
	SIM_CLOSE_CLIENT_FIRST = 0, /* the client half-closes after its last byte (bulk upload) */
	SIM_CLOSE_SERVER_FIRST,     /* the server closes after its answer (HTTP/1.0) */
	SIM_CLOSE_NONE,             /* nobody closes: idle connections stay established */
};

struct sim_flow_spec {
	struct tcp_tuple tuple; /* as the client sees it, network order */
	uint64_t up_bytes;      /* client -> server; SIM_BYTES_UNTIL_STOP */
	uint64_t down_bytes;    /* server -> client, once all up_bytes arrived */
	enum sim_close close;
	uint32_t piece_bytes;   /* bytes per tcp_conn_send; 0 = 1448 */
	double server_read_bps; /* the server application's read rate; 0 = at once */
};

/*
 * Open a flow from a client node: the client connects with its profile at once. Returns the
 * flow id (>= 0), or -EINVAL (not a client node, bad spec), -EBUSY (a flow with this tuple is
 * still open somewhere, e.g. in TIME_WAIT), -ENOSPC (max_flows open), -ENOMEM (no connection).
 */
int sim_flow_open(struct sim_node *client, const struct sim_flow_spec *spec);

/* Senders of SIM_BYTES_UNTIL_STOP directions finish: what is queued is sent, then they close. */
void sim_flows_stop(struct sim *s);

/* Sum over finished flows (and, for bytes and times, the open ones too). */
struct sim_totals {
	uint64_t flows_opened, flows_completed, flows_failed, flows_open;
	uint64_t bytes_up, bytes_down; /* received in order and intact */
	uint64_t corrupt;              /* flows with a byte that differed from the pattern */
	uint64_t first_start_us;       /* first flow opened */
	uint64_t last_up_us;           /* last up byte arrived */
	uint32_t gw_max_buffered;      /* largest relay buffer of client data seen */
	uint64_t bad_csum;             /* TCP segments on a link with a wrong checksum */
	uint64_t unmatched;            /* packets a TCP node had no flow for (freed) */
	uint64_t unrouted, path_drops;
};
void sim_get_totals(const struct sim *s, struct sim_totals *t);

/*
 * The end-of-run checks every simulation makes: every flow completed (all bytes, intact, both
 * ends closed without reset or timeout), no connection left in a TCP node, no bad checksum,
 * and no mbuf held once nothing is open. Prints what failed to err. 0 when all hold, -1 otherwise.
 */
int sim_verify(const struct sim *s, FILE *err);

/*
 * Every interval_us, one line for the first open flow's sender toward the server (the last
 * relay's server leg, else the client): "trace t_s=.. goodput_mbps=.. cwnd=.. ssthresh=..
 * srtt_ms=.. retransmits=.. ...", goodput over the interval at the server; queue from the
 * path's first link when queue_of is not NULL. 0 or -ENOSPC.
 */
int sim_trace(struct sim *s, uint64_t interval_us, const struct sim_path *queue_of, FILE *out);

/*
 * One machine-readable line: "summary ok=1 <label> bytes=.. transfer_s=.. goodput_mbps=..
 * retransmits=.. rto=.. fast_retransmits=.. segments=.. loss_drops=.. queue_drops=..
 * gw_max_buffered=.. cpu_s=..". Engine counters are summed over the TCP nodes; segments and
 * drops are those of the path `wan` (data segments offered to it).
 */
void sim_summary(const struct sim *s, FILE *out, bool ok, const char *label,
                 const struct sim_path *wan, double cpu_s);

/* Every lib/tcp engine counter, one line each ("counter NAME node=value ..."), then every
 * link's wanem counters ("link K from.port>to.port in_packets=.. drop_loss=.. ..."). */
void sim_print_counters(const struct sim *s, FILE *out);

/* Up-direction goodput of the whole run, bit/s: bytes_up over first start .. last up byte. */
double sim_goodput_bps(const struct sim *s);

#endif
