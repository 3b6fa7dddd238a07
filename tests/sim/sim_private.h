/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_SIM_PRIVATE_H
#define PEPGW_SIM_PRIVATE_H

/* Internals shared by sim.c (clock, nodes, links) and sim_tcp.c (TCP nodes, flows). */

#include "sim.h"

#define SIM_MAX_NODES      16
#define SIM_MAX_LINKS      64
#define SIM_MAX_PORTS      8
#define SIM_MAX_CALLS      64
#define SIM_PATTERN_PERIOD 65521u /* prime: a shifted or repeated piece never matches */

struct sim_link {
	struct sim *sim;
	struct sim_path *path;
	struct wanem *w;
	uint64_t data_in, data_out;
};

struct sim_path {
	struct sim_node *from, *to;
	unsigned int from_port, to_port;
	unsigned int n_links;
	struct sim_link *link[SIM_PATH_MAX_LINKS];
	sim_pick_fn pick;
	void *pick_arg;
};

struct sim_outbox_entry {
	struct rte_mbuf *m;
	unsigned int port;
};

struct sim_node {
	struct sim *sim;
	char name[32];
	unsigned int n_ports;
	const struct sim_node_ops *ops;
	void *priv;
	struct sim_path *out[SIM_MAX_PORTS];
	/* what the node sent during its current call, put on the paths when it returns */
	struct sim_outbox_entry *outbox;
	uint32_t outbox_n, outbox_cap;
};

struct sim_call {
	uint64_t t_us, seq;
	void (*fn)(struct sim *s, void *arg);
	void *arg;
};

/* One end of a flow: 0 the client, 1 the server. */
struct sim_end {
	struct tcp_conn *conn;
	uint64_t to_send; /* SIM_BYTES_UNTIL_STOP until sim_flows_stop */
	uint64_t sent, recvd;
	uint64_t unconsumed; /* paced reads: received, not yet read by the application */
	double read_credit;
	uint64_t read_us;
	bool may_send, opened, peer_fin, shut, closed, failed;
};

struct sim_flow {
	uint32_t id;
	bool in_use, corrupt, reading;
	struct sim_flow_spec spec;
	struct sim_end end[2];
	struct tcp_relay *relay[SIM_MAX_RELAY_HOPS];
	bool relay_opened[SIM_MAX_RELAY_HOPS];
	uint64_t start_us;
	struct sim_flow *next_reading; /* server application still reading (paced) */
};

struct sim {
	uint64_t now;
	uint64_t seed;
	bool csum_check;
	struct rte_mempool *pool;
	uint32_t pool_mbufs;
	struct sim_node *nodes[SIM_MAX_NODES];
	unsigned int n_nodes;
	struct sim_link *links[SIM_MAX_LINKS];
	unsigned int n_links;
	struct sim_call calls[SIM_MAX_CALLS]; /* sorted by (t_us, seq) */
	unsigned int n_calls;
	uint64_t call_seq;
	unsigned int relay_hops;
	/* flows: a pool, a free stack, and an open-addressing table by tuple (index + 1) */
	struct sim_flow *flows;
	uint32_t max_flows, n_free;
	uint32_t *free_ids;
	uint32_t *table;
	uint32_t table_mask;
	struct sim_flow *reading;
	uint8_t *pattern; /* SIM_PATTERN_PERIOD bytes, then 64 KB more for memcmp across the wrap */
	struct sim_totals tot;
	struct {
		uint64_t interval_us, last_bytes;
		const struct sim_path *queue_of;
		FILE *out;
	} trace;
};

/* sim.c */
void *sim_zalloc(size_t size); /* calloc, or NULL with rte_errno = ENOMEM */
void sim_flush_node(struct sim_node *n);
void sim_flush_all(struct sim *s);

/* sim_tcp.c */
int sim_flows_init(struct sim *s);
void sim_flows_free(struct sim *s);
bool sim_node_is_tcp(const struct sim_node *n);
struct tcp_conn *sim_trace_sender(const struct sim *s);

#endif
