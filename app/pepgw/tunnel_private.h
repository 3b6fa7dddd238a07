/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TUNNEL_PRIVATE_H
#define PEPGW_TUNNEL_PRIVATE_H

/*
 * The tunnel's state, shared by tunnel.c (set-up, the homes' control plane, hand-offs),
 * tunnel_dp.c (the packet path) and telemetry.c (read-only). See tunnel.h for who owns what.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_lpm.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "bond_crypto.h"
#include "bond_handshake.h"
#include "bond_health.h"
#include "bond_keys.h"
#include "bond_reorder.h"
#include "bond_sched.h"
#include "frag.h"
#include "gw.h"
#include "stats.h"
#include "tunnel.h"
#include "tunnel_stats.h"

extern int gw_tunnel_logtype;
#define TUN_LOG(level, ...) rte_log(RTE_LOG_##level, gw_tunnel_logtype, "tunnel: " __VA_ARGS__)

/* Schedulers of a worker per peer: one per bond profile, and the peer's own last. */
#define TUN_SCHED_PEER   CFG_MAX_BOND_PROFILES
#define TUN_N_SCHED      (CFG_MAX_BOND_PROFILES + 1)
/* Buckets of one key slot in a reorder buffer: sender queues x inner flow buckets. */
#define TUN_SLOT_BUCKETS (BOND_MAX_QUEUES * BOND_WIRE_FLOW_BUCKETS)

/* One link of a peer. Read-only after start-up, except the endpoint. */
struct tun_link {
	char name[CFG_NAME_MAX];
	uint16_t port;       /* gw port index */
	uint32_t local_ip;   /* the port's address, host order */
	uint16_t local_port; /* UDP */
	uint16_t mtu;        /* IP MTU of the tunnel packets on the link */
	uint32_t gateway;    /* next hop toward the peer; 0: the endpoint is on-link */
	bool configured;     /* the endpoint came from the configuration */
	/*
	 * The peer's endpoint, (address << 16 | UDP port), 0 = unknown. Written (atomic store) by
	 * the workers that authenticate the link's packets; read (atomic load) by the senders.
	 */
	uint64_t endpoint;
};

/* What the home worker publishes for the others and for telemetry (under seq). */
struct tun_pub_data {
	uint64_t version;
	uint32_t hold_us, margin_us;
	struct bond_link_view views[BOND_MAX_LINKS];
	struct bond_link_info info[BOND_MAX_LINKS];
	struct bond_health_stats health;
	struct bond_hs_status hs;
	uint64_t at_us;
};

struct tun_pub {
	uint32_t seq; /* odd while the home writes */
	struct tun_pub_data d;
} __rte_cache_aligned;

struct tun_peer {
	char name[CFG_NAME_MAX];
	uint8_t index;
	uint8_t n_links;
	unsigned int home; /* worker index that owns hs and health */
	struct tun_link links[BOND_MAX_LINKS];
	uint16_t link_mtu; /* smallest link MTU: the IP MTU of the tunnel's packets */
	struct cfg_prefix remote[CFG_MAX_REMOTE_NETS];
	uint8_t n_remote;
	uint32_t hold_max_us;
	/* the home's */
	struct bond_hs *hs;
	struct bond_health *health;
	uint64_t pub_gen; /* health generation last published */
	uint32_t pub_hold, pub_margin;
	uint64_t next_pub_us;
	uint64_t health_now_us; /* the last time given to bond_health (kept monotonic) */
	bool any_up;            /* some direction we send on was usable at the last publication */
	struct tun_pub pub;
};

struct gw_tun {
	struct gw *gw;
	struct bond_cryptodev dev;
	bool dev_open;
	unsigned int n_peers;
	struct tun_peer peers[CFG_MAX_PEERS];
	struct rte_lpm *routes; /* remote networks -> peer index */
	/* Local endpoints (port address, UDP port) -> peer, for the receive path. */
	unsigned int n_endpoints;
	struct {
		uint32_t ip;
		uint16_t port;
		uint8_t peer;
	} endpoints[CFG_MAX_LINKS];
	enum bond_sched_kind profile_kind[CFG_MAX_BOND_PROFILES];
};

/* Hand-off messages between workers, by value (rte_ring_elem). */
enum tun_msg_kind {
	TUN_MSG_OPEN = 1,  /* a tunnel packet for the owner of its stream (m at the pepgw header) */
	TUN_MSG_HANDSHAKE, /* a handshake message for the home (m at the pepgw header) */
	TUN_MSG_HEALTH,    /* an authenticated packet's accounting for the home */
	TUN_MSG_PROBE,     /* an opened probe body for the home (after its HEALTH note) */
	TUN_MSG_SLOT_SEEN, /* the first packet authenticated in a key slot on a worker */
	TUN_MSG_DATA,      /* an opened inner packet for the owner of its flow bucket */
	TUN_MSG_REKEY,     /* a context reached its key usage share */
	TUN_MSG_EVENT,     /* a handshake event for every worker's context (control ring) */
	TUN_MSG_TRANSIT,   /* a frame from a port for the owner of its flow (gw_tunnel_steer) */
};

/* A handshake event on its way to every worker; the last to apply it wipes and frees it. */
struct tun_event {
	uint32_t refs;
	struct bond_hs_event ev;
};

struct tun_msg {
	uint8_t kind;
	uint8_t peer;
	uint8_t link;
	uint8_t queue;
	uint32_t ts;   /* the sender stamp */
	uint32_t a;    /* OPEN, HANDSHAKE: outer source address; DATA: reorder bucket; HEALTH:
	                * bytes; SLOT_SEEN: key slot; TRANSIT: the port */
	uint16_t b;    /* OPEN, HANDSHAKE: outer source port; DATA: reorder sequence */
	uint8_t slot;  /* DATA: key slot */
	uint8_t flags; /* DATA: header flags */
	uint64_t x;    /* HEALTH: link sequence; DATA: session generation */
	union {
		struct rte_mbuf *m;
		struct tun_event *ev;
		uint64_t now_us; /* HEALTH, SLOT_SEEN */
	};
};
_Static_assert(sizeof(struct tun_msg) == 32, "hand-off messages are 32 bytes");

/* Per-link counters of one worker. */
struct tun_link_counters {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
};

/* A worker's state for one peer. */
struct tun_lc_peer {
	struct bond_crypto *crypto;
	struct bond_reorder *reorder;
	struct bond_reorder_seq *seq[BOND_KEY_SLOTS]; /* sender sequences of our key slots */
	struct bond_sched *sched[TUN_N_SCHED];
	uint32_t install_gen[BOND_KEY_SLOTS]; /* sessions installed per key slot (events) */
	uint32_t reorder_gen[BOND_KEY_SLOTS]; /* the session the reorder buckets number */
	uint64_t pub_version;                 /* the home's publication last applied */
	uint32_t
	        path_rtt_us; /* the slowest usable link's base round trip (gw_tunnel_path_rtt_us) */
	uint64_t capacity_bps; /* gw_tunnel_capacity_bps */
	bool rekey_asked;
	bool reorder_dirty; /* inserted since the last advance */
	/* Seals and opens queued by the current burst. */
	uint16_t n_seal, n_open;
	struct rte_mbuf *seal[BOND_CRYPTO_BURST];
	struct bond_seal_meta seal_meta[BOND_CRYPTO_BURST];
	struct rte_mbuf *open[BOND_CRYPTO_BURST];
	uint32_t open_src[BOND_CRYPTO_BURST];
	uint16_t open_sport[BOND_CRYPTO_BURST];
	/* Counters (this worker writes, telemetry sums). */
	struct tun_link_counters link[BOND_MAX_LINKS];
	uint64_t results[BOND_R_MAX];
};

struct gw_tun_lcore {
	struct rte_ring *ring; /* packets and notes from other workers */
	struct rte_ring *ctl;  /* handshake events (never full for long: never dropped) */
	struct frag_reasm *reasm;
	uint16_t ip_id;
	struct tun_lc_peer peers[CFG_MAX_PEERS];
};

/* ---- tunnel.c ---- */

/* Hand a message to worker w (its ring): 0, or -ENOBUFS (counted, the caller frees). */
int tun_msg_send(struct gw_lcore *from, unsigned int w, const struct tun_msg *msg);
/* The home's part of an authenticated packet (direct on the home, else through its ring). */
void tun_home_health(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, uint8_t queue,
                     uint64_t link_seq, uint32_t ts, uint32_t bytes, uint64_t now);
void tun_home_handshake(struct gw_lcore *lc, struct tun_peer *p, struct rte_mbuf *m, uint32_t src,
                        uint16_t sport, uint64_t now);
void tun_home_probe(struct gw_lcore *lc, struct tun_peer *p, struct rte_mbuf *m, uint8_t link,
                    uint32_t ts, uint64_t now);
/* Copy the home's publication (seqcount read). */
void tun_pub_read(const struct tun_pub *pub, struct tun_pub_data *out);

/* ---- tunnel_dp.c ---- */

/* Count a lib/bond result of a packet of peer on this worker (stats and per peer). */
void tun_count_result(struct gw_lcore *lc, struct tun_lc_peer *lp, enum bond_result r);
/* Queue a sealed-to-be packet; sealed at gw_tunnel_flush or when the batch is full. */
void tun_queue_seal(struct gw_lcore *lc, unsigned int peer, struct rte_mbuf *m,
                    const struct bond_seal_meta *meta, uint64_t now);
/* Seal one probe body and send it on link (home). */
void tun_send_probe(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, const void *body,
                    uint32_t len, uint64_t now);
/* Send raw bytes (a handshake message: pepgw header onward) on link to dst:dport. */
void tun_send_raw(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, const uint8_t *msg,
                  uint32_t len, uint32_t dst, uint16_t dport, uint64_t now);
/* Learn link's endpoint from an authenticated packet's outer source. */
void tun_learn_endpoint(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, uint32_t src,
                        uint16_t sport);
/* Messages of the ring that carry packets (OPEN, DATA). */
void tun_open_one(struct gw_lcore *lc, unsigned int peer, struct rte_mbuf *m, uint32_t src,
                  uint16_t sport, uint64_t now);
void tun_reorder_in(struct gw_lcore *lc, unsigned int peer, struct rte_mbuf *m,
                    const struct tun_msg *meta, uint64_t now);
/* Seal/open what is queued for every peer; advance and drain the reorder buffers. */
void tun_flush_all(struct gw_lcore *lc, uint64_t now);
unsigned int tun_reorder_poll(struct gw_lcore *lc, uint64_t now);

static inline uint64_t tun_endpoint(uint32_t ip, uint16_t port)
{
	return (uint64_t)ip << 16 | port;
}

#endif
