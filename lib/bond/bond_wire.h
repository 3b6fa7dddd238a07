/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_WIRE_H
#define PEPGW_BOND_WIRE_H

/*
 * lib/bond wire format: the tunnel header between two pepgw gateways, its codec, the outer
 * IPv4/UDP header, the inner-flow hash both sides number and reorder by, and the results every
 * lib/bond receive and send function returns.
 *
 * A tunnel packet on IPv4:
 *
 *   outer IPv4 header  20 B  no options; DF as the fragmentation policy says
 *   outer UDP header    8 B  checksum 0 (RFC 768 allows it on IPv4: the GCM tag covers more)
 *   pepgw header       12 B  below; AEAD associated data (authenticated, not encrypted)
 *   payload             N B  inner IPv4 packet (data) or probe body, AES-256-GCM encrypted
 *   GCM tag            16 B
 *                      ----
 *   overhead           56 B  (IPsec ESP with AES-GCM in tunnel mode on IPv4: 56-59 B,
 *                             +8 with NAT traversal; WireGuard: 60 B)
 *
 * The pepgw header (network byte order):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---+-----+---+-+---------------+-------+-------+---------------+
 *   |Ver| Type|Key|R|     Flags     | Link  | Queue |   Timestamp   |
 *   +---+-----+---+-+---------------+-------+-------+---------------+
 *   |   Timestamp (cont.), 24 bits  |    Flow (reorder) sequence    |
 *   +-------------------------------+-------------------------------+
 *   |               Link sequence, low 32 bits                      |
 *   +---------------------------------------------------------------+
 *
 *   Ver        2 bits, 1 (BOND_WIRE_VERSION); 0, 2 and 3 are refused.
 *   Type       3 bits: 1 data, 2 probe, 3 probe reply, 4 handshake; others are refused.
 *   Key        2 bits: the RECEIVER's key slot (0..3) the packet was sealed for; the receiver
 *              chose it in the handshake, so it names one of its installed keys without trial
 *              decryption (as WireGuard's receiver index or an ESP SPI). 0 on handshakes.
 *   R          reserved, 0.
 *   Flags      BOND_F_TERMINATE (data: the inner TCP is a split leg the peer terminates),
 *              BOND_F_DUPLICATE (data: a copy sent on a second link; the flow sequence is the
 *              original's). Other bits reserved, 0; no flags on probes and handshakes.
 *   Link       the sender's link id (0..15): links are numbered alike on both gateways.
 *   Queue      the sender queue (its worker, 0..15). Each sender queue owns its own link
 *              sequence streams and its own flow-sequence spaces, so lcores never share a
 *              counter.
 *   Timestamp  the sender's clock in microseconds, low 24 bits (wraps every 16.8 s): one-way
 *              delay differences between links and jitter, modulo 2^24 (bond_wire_ts_diff).
 *   Flow seq   per (sender queue, inner flow bucket) sequence for the receiver's reorder
 *              buffer: the bucket is bond_wire_flow_bucket() of the inner packet, recomputed by
 *              the receiver after decryption; duplicates carry the original's number.
 *   Link seq   per (key session, link, sender queue) counter, from 1, one per packet sealed
 *              (data and probes). The receiver infers the upper 32 bits in the manner of
 *              IPsec ESN (RFC 4303 A2) from the highest sequence it received. It gives
 *              per-link loss accounting, anti-replay, and the AEAD nonce.
 *
 * AEAD (bond_crypto.h): AES-256-GCM, 16-byte tag, associated data = the 12 header bytes,
 * 96-bit nonce = (4-byte salt of the session direction, its last byte XOR (link << 4 | queue))
 * || 64-bit link sequence, big-endian. Keys and salts differ per direction and per session
 * (bond_keys.h), and the sequence never repeats within a stream, so no (key, nonce) pair is
 * ever used twice.
 *
 * Handshake packets carry the same 12-byte header (type 4, key slot 0, no flags, sequence
 * fields unused) followed by a body authenticated with HMAC-SHA256 (bond_handshake.h).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "stat_desc.h"

#define BOND_WIRE_VERSION 1
#define BOND_HDR_LEN      12
#define BOND_TAG_LEN      16
#define BOND_OUTER_LEN    28 /* IPv4 (no options) + UDP */
/* Everything a tunnel adds to an inner IPv4 packet: subtract from the link MTU. */
#define BOND_OVERHEAD     (BOND_OUTER_LEN + BOND_HDR_LEN + BOND_TAG_LEN)

#define BOND_KEY_SLOTS  4
#define BOND_MAX_LINKS  16
#define BOND_MAX_QUEUES 16

enum bond_type {
	BOND_TYPE_DATA = 1,
	BOND_TYPE_PROBE = 2,
	BOND_TYPE_PROBE_REPLY = 3,
	BOND_TYPE_HANDSHAKE = 4,
};

#define BOND_F_TERMINATE 0x01 /* data: the inner TCP is a split leg to terminate */
#define BOND_F_DUPLICATE 0x02 /* data: a duplicate copy (duplicate scheduler) */
#define BOND_F_DATA_MASK (BOND_F_TERMINATE | BOND_F_DUPLICATE)

/* Timestamps are the low 24 bits of the sender's microsecond clock. */
#define BOND_TS_MASK 0xffffffu

/*
 * Inner-flow buckets of the flow sequence: part of the protocol (both gateways must agree),
 * a power of two.
 */
#define BOND_WIRE_FLOW_BUCKETS 1024u

/* A decoded pepgw header, host byte order. */
struct bond_hdr {
	uint8_t type;      /* enum bond_type */
	uint8_t flags;     /* BOND_F_* */
	uint8_t key_slot;  /* receiver's key slot, 0..3 */
	uint8_t link;      /* 0..15 */
	uint8_t queue;     /* sender queue, 0..15 */
	uint16_t flow_seq; /* reorder sequence */
	uint32_t ts;       /* 24-bit timestamp (BOND_TS_MASK) */
	uint32_t link_seq; /* low 32 bits of the link sequence */
};

/*
 * Results of every lib/bond wire and security function that judges a packet: one X-macro list
 * in the shape of every counter list (stat_desc.h: name, kind, help) generates enum
 * bond_result, the telemetry keys (bond_result_name), kinds and help strings.
 * lib/bond keeps its own list (the names are bond-specific and the app counts them per peer),
 * as lib/wanem does; the caller counts them, the library owns no counters.
 * 0 is success; keys starting with "drop_" are drops, each with one cause.
 */
#define BOND_RESULTS(X)                                                                            \
	X(ok, event, "packet accepted")                                                            \
	X(handshake, event, "handshake message: hand it to bond_hs_input")                         \
	X(drop_truncated, drop, "shorter than the pepgw header (+ GCM tag)")                       \
	X(drop_version, drop, "pepgw header version not 1")                                        \
	X(drop_type, drop, "unknown pepgw packet type")                                            \
	X(drop_flags, drop,                                                                        \
	  "reserved header bits set, or flags/key slot not allowed for the type")                  \
	X(drop_link, drop, "link id beyond the peer's links")                                      \
	X(drop_queue, drop, "sender queue beyond the peer's queues")                               \
	X(drop_not_owner, drop, "sequence stream owned by another receive lcore (steering error)") \
	X(drop_no_session, drop, "no key installed in the header's key slot")                      \
	X(drop_auth, drop,                                                                         \
	  "GCM tag check failed: forged, tampered, cut or sealed with another key")                \
	X(drop_replayed, drop, "link sequence already received (replay or network duplicate)")     \
	X(drop_too_old, drop, "link sequence behind the anti-replay window")                       \
	X(drop_far_ahead, drop, "link sequence implausibly far ahead of the anti-replay window")   \
	X(drop_no_tx_key, drop, "no session to send with yet (handshake in progress)")             \
	X(drop_key_exhausted, drop, "send key at its usage limit, rekey not done yet")             \
	X(drop_too_big, drop, "packet does not fit one mbuf with the tunnel overhead")             \
	X(drop_no_mbuf, drop, "mbuf pool empty (copy of a shared or chained packet)")              \
	X(drop_crypto, drop, "crypto device error")                                                \
	X(drop_hs_kind, drop, "unknown handshake message kind")                                    \
	X(drop_hs_len, drop, "handshake message length wrong for its kind")                        \
	X(drop_hs_field, drop, "handshake field out of range (key slot, reserved bytes)")          \
	X(drop_hs_mac, drop,                                                                       \
	  "handshake authentication failed (wrong key, forged, stale response)")                   \
	X(drop_hs_stale, drop,                                                                     \
	  "handshake initiation not newer than the last one accepted (replay)")                    \
	X(drop_hs_unexpected, drop, "handshake response/confirmation/stale notice matching nothing")

/* clang-format off: the X-macro list expands to the enumerators */
enum bond_result {
#define BOND_RESULT_ENUM(name, kind, help) BOND_R_##name,
	BOND_RESULTS(BOND_RESULT_ENUM)
#undef BOND_RESULT_ENUM
	        BOND_R_MAX
};
/* clang-format on */

/* Telemetry key of a result ("drop_auth"), or NULL when out of range. */
const char *bond_result_name(enum bond_result r);
/* One-line description of a result, or NULL. */
const char *bond_result_help(enum bond_result r);
/* True when the result is a drop (kind drop; its key starts with "drop_"). */
bool bond_result_is_drop(enum bond_result r);
/* The descriptors of the results (the counter list shape of stat_desc.h), by enum bond_result. */
const struct stat_desc *bond_result_descs(void);

/*
 * Encode h into out[0..BOND_HDR_LEN). Returns 0, or -EINVAL when a field is out of range
 * (type, flags not allowed for the type, key slot, link, queue) — never writes a header the
 * peer would refuse.
 */
int bond_wire_encode(const struct bond_hdr *h, uint8_t out[BOND_HDR_LEN]);

/*
 * Decode the pepgw header at p, len = the UDP payload length (Ethernet padding excluded).
 * Returns BOND_R_ok and fills h, or the reject reason:
 *   BOND_R_drop_truncated  len < 12, or a sealed type (data, probes) with len < 12 + 16
 *   BOND_R_drop_version    version not 1
 *   BOND_R_drop_type       type not data, probe, probe reply or handshake
 *   BOND_R_drop_flags      reserved bit or flag set, data flags on another type, key slot on
 *                          a handshake
 * Link and queue limits depend on the peer and are checked by bond_crypto_open_burst.
 */
enum bond_result bond_wire_decode(const uint8_t *p, uint32_t len, struct bond_hdr *h);

/* Overwrite the link id of an encoded header (a handshake message sent on several links). */
static inline void bond_wire_set_link(uint8_t *hdr, uint8_t link)
{
	hdr[2] = (uint8_t)((link & 0xf) << 4 | (hdr[2] & 0xf));
}

/* Signed difference a - b of two 24-bit timestamps, in microseconds (|a - b| < 8.4 s). */
static inline int32_t bond_wire_ts_diff(uint32_t a, uint32_t b)
{
	uint32_t d = (a - b) & BOND_TS_MASK;
	return d & 0x800000u ? (int32_t)d - (int32_t)0x1000000 : (int32_t)d;
}

/* Outer IPv4/UDP header of one link. Addresses and ports in HOST byte order (as lib/net). */
struct bond_outer {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint16_t ip_id; /* the caller's per-lcore counter; matters when DF is clear */
	uint8_t ttl;    /* 0 means 64 */
	uint8_t tos;    /* DSCP/ECN of the outer header */
	bool df;
};

/*
 * Prepend the outer IPv4 + UDP header to m, whose data starts at the pepgw header (as
 * bond_crypto_seal_burst leaves it). IPv4 header checksum in software; UDP checksum 0.
 * Sets m->l3_len and m->l4_len. Returns 0, -ENOSPC (headroom below BOND_OUTER_LEN) or
 * -EMSGSIZE (the datagram would exceed 65535 bytes).
 */
int bond_wire_push_outer(struct rte_mbuf *m, const struct bond_outer *o);

/*
 * Hash of the inner IPv4 packet's flow for the flow sequence, part of the protocol: CRC32C
 * (seed 0x70657067) of two 64-bit words of host-order values, (source << 32 | destination)
 * then (ports << 32 | protocol), as rte_hash_crc_8byte computes it (the same in hardware and
 * software). Ports (the first 4 bytes after the IPv4 header) count only for unfragmented TCP
 * and UDP, so all pieces of a fragmented datagram share a bucket; anything else IPv4 hashes by
 * addresses and protocol. 0 for bytes that are not IPv4 (len < 20 or version != 4).
 */
uint32_t bond_wire_flow_hash(const uint8_t *ip, uint32_t len);

/* The flow bucket (0 .. BOND_WIRE_FLOW_BUCKETS-1) of an inner IPv4 packet. */
static inline uint32_t bond_wire_flow_bucket(const uint8_t *ip, uint32_t len)
{
	return bond_wire_flow_hash(ip, len) & (BOND_WIRE_FLOW_BUCKETS - 1);
}

#endif
