/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_CRYPTO_H
#define PEPGW_BOND_CRYPTO_H

/*
 * lib/bond AEAD: sealing and opening tunnel packets with AES-256-GCM through rte_cryptodev.
 *
 * Device: any cryptodev with AES-GCM (256-bit key, 12-byte IV, 12-byte AAD, 16-byte tag):
 * Debian's software crypto_aesni_gcm (intel-ipsec-mb) or an accelerator, with no
 * device-specific call. When the device offers the synchronous CPU-crypto API
 * (RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO: aesni_gcm, aesni_mb) a burst is one
 * rte_cryptodev_sym_cpu_crypto_process call; otherwise the burst is enqueued on the lcore's
 * queue pair and dequeued before returning.
 *
 * One struct bond_crypto per (peer, worker lcore); only its lcore uses it. It holds up to four
 * key sessions in the key slots the handshake (bond_handshake.h) assigns, one of them for
 * sending, the send counters of its sender queue, and the anti-replay windows of the streams it
 * receives. Events of the peer's handshake are applied to every context of the peer
 * (bond_crypto_apply); nothing is shared between contexts.
 *
 * Receive: the link sequence streams (slot, link, sender queue) are split among receive lcores
 * by bond_crypto_rx_owner(); the app must steer a tunnel packet by the cleartext link and queue
 * fields to the owner before opening it (an outer-header RSS hash is not enough: the outer
 * ports are not authenticated, so a replay with other ports would reach another lcore's empty
 * window). A context refuses streams it does not own (drop_not_owner).
 *
 * Usage limit: a session seals at most 2^23 packets (RFC 9001 6.6's confidentiality limit for
 * AES-GCM) before a rekey is asked for (bond_crypto_rekey_wanted), and never more than 2^24
 * (drop_key_exhausted), shared among the n_queues senders. Link sequences restart at 1 with
 * every session, so with this limit the 32 wire bits never wrap; the ESN inference is there
 * for correctness only.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "bond_keys.h"
#include "bond_wire.h"

struct bond_hs_event;

/* Largest burst handed to the device at once; longer bursts are cut into these. */
#define BOND_CRYPTO_BURST            32
/* Headroom a sealed packet keeps for the outer IPv4/UDP and an Ethernet header with VLAN tag. */
#define BOND_SEAL_HEADROOM           (BOND_HDR_LEN + BOND_OUTER_LEN + 18)
/* Sessions one context may hold at once (encrypt + decrypt per key slot): size pools by it. */
#define BOND_CRYPTO_SESSIONS_PER_CTX (2 * BOND_KEY_SLOTS)

#define BOND_REKEY_AFTER_PACKETS  (1ull << 23)
#define BOND_REJECT_AFTER_PACKETS (1ull << 24)

/* An opened crypto device with its session pool. */
struct bond_cryptodev {
	uint8_t dev_id;
	bool cpu_crypto; /* the device offers the synchronous CPU-crypto API */
	uint16_t n_qps;
	int socket_id;
	struct rte_mempool *sess_pool;
};

struct bond_cryptodev_params {
	/*
	 * Device name. A name no device has yet is created as a virtual device ("crypto_aesni_gcm0"
	 * makes the software AES-GCM device); a probed accelerator is used by its name.
	 */
	const char *device;
	uint16_t n_qps;      /* queue pairs: one per worker lcore */
	uint32_t n_sessions; /* BOND_CRYPTO_SESSIONS_PER_CTX x contexts (peers x workers) */
	int socket_id;       /* SOCKET_ID_ANY allowed */
};

/*
 * Create (when virtual and absent), configure and start a crypto device for the tunnel, and
 * its session pool. Returns 0, or a negative errno: -EINVAL (bad parameters), -ENODEV (no
 * such device and it cannot be created), -ENOTSUP (no AES-256-GCM with 12-byte IV and AAD and
 * 16-byte tag), -ENOMEM, or the device's error from configure/queue setup/start. Logs why.
 */
int bond_cryptodev_open(const struct bond_cryptodev_params *p, struct bond_cryptodev *dev);

/* Stop and close the device and free its session pool (no context may still use them). */
void bond_cryptodev_close(struct bond_cryptodev *dev);

struct bond_crypto_params {
	const struct bond_cryptodev *dev;
	uint16_t qp_id;                /* this lcore's queue pair (enqueue path) */
	struct rte_mempool *copy_pool; /* mbufs for packets not sealable/openable in place */
	uint8_t n_links;               /* the peer's links, 1..16 */
	uint8_t peer_queues;           /* sender queues the peer may use, 1..16 */
	/*
	 * Our sender queue (header Queue field), < n_queues, and different in every context of
	 * the peer: it keeps their nonces apart under the shared send key.
	 */
	uint8_t queue;
	uint8_t n_queues;   /* our sender queues, 1..16 (share of the usage limit) */
	uint8_t rx_index;   /* streams owned: bond_crypto_rx_owner() == rx_index */
	uint8_t rx_count;   /* receive lcores of the peer's streams, 1..16 */
	bool force_enqueue; /* enqueue/dequeue even with CPU crypto (tests, bench) */
	const char *name;   /* unique per process: names the op pool */
};

/* The receive context (0 .. rx_count-1) that owns the stream of (link, sender queue). */
static inline unsigned int bond_crypto_rx_owner(uint8_t link, uint8_t queue, unsigned int rx_count)
{
	return (unsigned int)(link + queue) % rx_count;
}

/*
 * Create a context. Returns NULL with rte_errno EINVAL (bad parameters) or ENOMEM (context,
 * windows or op pool).
 */
struct bond_crypto *bond_crypto_create(const struct bond_crypto_params *p);

/* Free the context, its sessions and key material; NULL is allowed. */
void bond_crypto_free(struct bond_crypto *c);

/*
 * Install a session's keys in slot k->rx_slot (replacing what was there): a decrypt session
 * for receiving and an encrypt session for sending; sending switches to it now when
 * k->tx_active. Its link sequences start at 1 and its usage count at 0, and they stay with the
 * slot (switching the send slot away and back continues them); every receive window of the
 * slot starts empty. Returns 0, -EINVAL (slot out of range), -EEXIST (a slot already holds
 * these keys: installing them again would restart their counters), or the negative errno of
 * the session creation (-ENOMEM: session pool empty; the slot is then left empty).
 */
int bond_crypto_install(struct bond_crypto *c, const struct bond_session_keys *k);

/* Send with the session in slot from now on. Returns 0 or -ENOENT (slot empty). */
int bond_crypto_activate_tx(struct bond_crypto *c, uint8_t slot);

/* Forget the session in slot (sending stops if it was the send session). */
void bond_crypto_retire(struct bond_crypto *c, uint8_t slot);

/* Apply one event of bond_hs_next_event. Returns 0 or the error of the call it maps to. */
int bond_crypto_apply(struct bond_crypto *c, const struct bond_hs_event *ev);

/* True once this context's send session has reached its rekey share: bond_hs_request_rekey. */
bool bond_crypto_rekey_wanted(const struct bond_crypto *c);

/* The key slot used for sending, or -1 when there is none. */
int bond_crypto_tx_slot(const struct bond_crypto *c);

/* What the sender decides per packet; the link sequence and header fields are filled here. */
struct bond_seal_meta {
	uint8_t type;      /* BOND_TYPE_DATA, _PROBE or _PROBE_REPLY */
	uint8_t flags;     /* BOND_F_* (data only) */
	uint8_t link;      /* < n_links */
	uint16_t flow_seq; /* the caller's per (queue, flow bucket) counter */
};

/*
 * Seal n packets: each pkts[i] holds the payload (an inner IPv4 packet from its first byte, or
 * a probe body) and leaves as pepgw header + ciphertext + tag, with at least
 * BOND_SEAL_HEADROOM of headroom for bond_wire_push_outer and the Ethernet header.
 * ts_us is the sender's clock (its low 24 bits go in the header).
 *
 * Packets are encrypted in place when they are one direct, unshared segment with room around
 * them; others (chained, indirect or shared: the TCP engine's segments reference its send
 * queue) are copied into a copy_pool mbuf and the original is freed, so pkts[i] may change.
 *
 * Returns the number sealed; res[i] is BOND_R_ok or the drop reason, and on a drop pkts[i] is
 * still the caller's to free:
 *   drop_flags / drop_link   meta not encodable (type, flags, link >= n_links)
 *   drop_no_tx_key           no send session yet
 *   drop_key_exhausted       the send session is at its hard usage limit
 *   drop_no_mbuf / drop_too_big  a copy was needed and the pool is empty / it does not fit
 *   drop_crypto              the device failed the operation
 */
uint16_t bond_crypto_seal_burst(struct bond_crypto *c, struct rte_mbuf **pkts,
                                const struct bond_seal_meta *meta, uint16_t n, uint64_t ts_us,
                                uint8_t *res);

/* What an opened packet said. */
struct bond_open_info {
	struct bond_hdr hdr; /* valid for BOND_R_ok, BOND_R_handshake and drops after decoding */
	uint64_t link_seq;   /* 64-bit link sequence (BOND_R_ok) */
	bool first_in_slot;  /* BOND_R_ok: first packet authenticated in this slot here; tell
	                        bond_hs_rx_slot_seen() */
};

/*
 * Open n tunnel packets whose data starts at the pepgw header and whose pkt_len is the UDP
 * payload length (outer headers and Ethernet padding removed). In order: header decode
 * (bond_wire_decode), handshake (BOND_R_handshake: not opened, pass the bytes to
 * bond_hs_input), link/queue limits, stream ownership, key slot, ESN inference, AES-GCM
 * decryption and tag check, then the anti-replay window (moved only by authentic packets).
 * On BOND_R_ok pkts[i] holds the plaintext only (inner IPv4 packet or probe body); chained or
 * shared packets are first copied as for sealing (pkts[i] may change).
 *
 * Returns the number opened; res[i] is BOND_R_ok, BOND_R_handshake or a drop reason, and on
 * anything but BOND_R_ok the mbuf is still the caller's:
 *   drop_truncated, drop_version, drop_type, drop_flags   header (bond_wire_decode)
 *   drop_link, drop_queue     link or sender queue beyond the peer's
 *   drop_not_owner            the stream belongs to another receive context
 *   drop_no_session           no key in the header's slot
 *   drop_auth                 tag check failed (forged, tampered, cut, wrong key)
 *   drop_replayed, drop_too_old, drop_far_ahead           anti-replay (bond_replay.h)
 *   drop_no_mbuf, drop_too_big, drop_crypto               as for sealing
 */
uint16_t bond_crypto_open_burst(struct bond_crypto *c, struct rte_mbuf **pkts, uint16_t n,
                                uint8_t *res, struct bond_open_info *info);

#endif
