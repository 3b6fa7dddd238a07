/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_HANDSHAKE_H
#define PEPGW_BOND_HANDSHAKE_H

/*
 * lib/bond handshake: session keys for one peer from its pre-shared key and fresh randoms of
 * both sides, so that no (key, nonce) pair is used twice, restarts included.
 *
 * Messages (after the 12-byte pepgw header of type handshake; MAC = HMAC-SHA256 truncated to
 * 16 bytes; K_hs = HKDF(PSK, "pepgw bond v1", "handshake mac")):
 *
 *   INIT    I->R  kind 1, slot_i, 0, 0, ts (8), N_i (32), MAC(K_hs, body)             60 B
 *   RESP    R->I  kind 2, slot_r, 0, 0, N_r (32), MAC(K_hs, body || N_i)              52 B
 *   CONFIRM I->R  kind 3, slot_r, 0, 0, MAC(confirm key of the session, body)         20 B
 *   STALE   R->I  kind 4, 0, 0, 0, last ts (8), MAC(K_hs, body || N_i)                28 B
 *
 * slot_i / slot_r: the key slot (0..3) each side receives the new session on: the other side
 * writes it in the header of every packet it seals with the session.
 *
 * - The initiator picks N_i (arc4random) and a timestamp: wall clock in microseconds (given
 *   at create, advanced by now_us), at least one more than any it sent before or was told is
 *   stale. It resends the same INIT with backoff (100 ms doubling to 1 s) until a RESP comes.
 * - The responder accepts an INIT only if its timestamp is newer than the last one it accepted
 *   from the peer (WireGuard's rule against replayed initiations); a copy of that last one gets
 *   the same RESP again (INITs go out on every link). An older one gets STALE with the last
 *   timestamp, bound to that INIT's N_i, and the initiator starts again above it: a peer that
 *   restarted with its clock behind (no RTC, NTP not synced yet) is back at once.
 *   The responder derives the keys (bond_keys.h), installs them for receiving only (pending)
 *   and answers RESP.
 * - The initiator derives the keys, sends with them at once, keeps the old session for
 *   receiving for BOND_HS_DRAIN_US, and sends CONFIRM (up to 4 copies, 100 ms apart doubling,
 *   until the peer is seen sending with the new session).
 * - The responder starts sending with the pending session on CONFIRM, or on the first packet
 *   that authenticates with it (bond_hs_rx_slot_seen), whichever comes first; a replayed INIT
 *   therefore never moves its sending key. Exception: an INIT whose slot_i is the peer's slot
 *   of our current session means the peer lost that session (it restarted: in a rekey that
 *   slot is in use and never offered), so the responder switches at once.
 * - Both sides initiating at once: each side that has an INIT of its own outstanding and gets
 *   the peer's compares the two N_i; the larger wins, the smaller side drops its own and
 *   answers. Exactly one handshake completes.
 * - The side that initiated the current session rekeys after BOND_HS_REKEY_AFTER_US, the other
 *   10 s later if it has not; any side rekeys when bond_hs_request_rekey is called (the usage
 *   limit of bond_crypto).
 *
 * Key slots of one side: the current session (sending), the previous one (receiving while it
 * drains), a pending one (responder, unconfirmed) and an initiation of our own: four slots.
 *
 * The library never reads a clock or touches the crypto device: it turns messages and time
 * into messages to send and events (install / activate for sending / retire a key slot) that
 * the caller applies to every bond_crypto context of the peer (bond_crypto_apply). One
 * bond_hs per peer, used by one thread.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond_keys.h"
#include "bond_wire.h"

#define BOND_HS_RETRY_MIN_US       100000ull  /* first INIT retransmission */
#define BOND_HS_RETRY_MAX_US       1000000ull /* backoff cap */
#define BOND_HS_DRAIN_US           3000000ull /* previous session still received */
#define BOND_HS_REKEY_AFTER_US     120000000ull
#define BOND_HS_REKEY_RESPONDER_US 10000000ull /* responder's extra wait before rekeying */
#define BOND_HS_PENDING_GRACE_US   1000000ull  /* an unconfirmed answer blocks our own INIT */
#define BOND_HS_STALE_INTERVAL_US  100000ull   /* at most one STALE answer per interval */
#define BOND_HS_CONFIRM_COPIES     4

/* Longest handshake message (INIT), header included: size reply/poll buffers by it. */
#define BOND_HS_MSG_MAX (BOND_HDR_LEN + 60)

enum bond_hs_event_type {
	BOND_HS_EV_INSTALL = 1, /* install keys (keys.rx_slot; send with them if keys.tx_active) */
	BOND_HS_EV_ACTIVATE_TX, /* send with the session in slot from now on */
	BOND_HS_EV_RETIRE,      /* forget the session in slot */
};

struct bond_hs_event {
	enum bond_hs_event_type type;
	uint8_t slot;
	struct bond_session_keys keys; /* BOND_HS_EV_INSTALL; wipe with bond_wipe when applied */
};

struct bond_hs_params {
	const struct bond_psk *psk; /* copied */
	uint64_t now_us;            /* the caller's monotonic clock at creation */
	uint64_t wall_us;           /* wall clock (microseconds since the epoch) at creation */
	/* Randomness (N_i, N_r); NULL: arc4random_buf. Tests may make it deterministic. */
	void (*random)(void *buf, size_t len);
	const char *name; /* the peer, in log messages */
};

struct bond_hs;

/* Create the handshake of one peer. NULL with rte_errno EINVAL or ENOMEM. */
struct bond_hs *bond_hs_create(const struct bond_hs_params *p);

/* Wipe and free; NULL is allowed. */
void bond_hs_free(struct bond_hs *hs);

/*
 * Feed one handshake packet (pepgw header onward, len = UDP payload length). A reply to send
 * back on the link the message came from is written to reply (cap >= BOND_HS_MSG_MAX) with
 * *reply_len > 0. Events may follow (bond_hs_next_event). Returns BOND_R_ok or:
 *   drop_truncated / drop_version / drop_type / drop_flags   header, or not a handshake
 *   drop_hs_len       body length wrong for its kind
 *   drop_hs_kind      unknown kind
 *   drop_hs_field     key slot out of range, reserved bytes set
 *   drop_hs_mac       authentication failed (other key, forged, answer to an older INIT)
 *   drop_hs_stale     INIT older than the last accepted (a STALE answer may be in reply)
 *   drop_hs_unexpected RESP/STALE with no INIT outstanding, CONFIRM for no pending session
 */
enum bond_result bond_hs_input(struct bond_hs *hs, const uint8_t *msg, uint32_t len,
                               uint64_t now_us, uint8_t *reply, uint32_t cap, uint32_t *reply_len);

/*
 * Run the timers: start an initiation (no session, rekey due or asked), retransmit INIT or
 * CONFIRM, retire drained sessions. Returns the length of one message to send (written to out,
 * cap >= BOND_HS_MSG_MAX; INIT and CONFIRM may go on every link: bond_wire_set_link), 0 when
 * there is nothing to send (call again until 0), or -ENOSPC when cap is too small.
 */
int bond_hs_poll(struct bond_hs *hs, uint64_t now_us, uint8_t *out, uint32_t cap);

/* The earliest time bond_hs_poll has something to do. */
uint64_t bond_hs_next_timer(const struct bond_hs *hs);

/* Take the next event into ev: 1, or 0 when there is none. Apply them in order. */
int bond_hs_next_event(struct bond_hs *hs, struct bond_hs_event *ev);

/*
 * A packet authenticated in our key slot (bond_open_info.first_in_slot): confirms a pending
 * session (the peer sends with it, so it has the keys) and ends CONFIRM retransmissions.
 */
void bond_hs_rx_slot_seen(struct bond_hs *hs, uint8_t slot, uint64_t now_us);

/* Rekey at the next poll (a context reached its usage share). */
void bond_hs_request_rekey(struct bond_hs *hs);

/* What telemetry may show (no key material). */
struct bond_hs_status {
	bool established;          /* a session to send with */
	bool initiating;           /* an INIT of ours is outstanding */
	int8_t current_slot;       /* our key slot of the current session, -1 */
	uint64_t session_since_us; /* when the current session became current */
	uint64_t sessions;         /* sessions that became current */
	uint64_t inits_sent;       /* INIT messages sent, retransmissions included */
};

void bond_hs_get_status(const struct bond_hs *hs, struct bond_hs_status *st);

#endif
