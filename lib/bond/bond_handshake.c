/* SPDX-License-Identifier: BSD-3-Clause */
#include "bond_handshake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>

#include "bond_wire_private.h"

#define MAC_LEN 16

enum hs_kind {
	HS_INIT = 1,
	HS_RESP = 2,
	HS_CONFIRM = 3,
	HS_STALE = 4,
};

/* Body lengths (after the pepgw header) and where the MAC starts in each. */
#define INIT_LEN    60
#define RESP_LEN    52
#define CONFIRM_LEN 20
#define STALE_LEN   28
#define INIT_MAC    (INIT_LEN - MAC_LEN)
#define RESP_MAC    (RESP_LEN - MAC_LEN)
#define CONFIRM_MAC (CONFIRM_LEN - MAC_LEN)
#define STALE_MAC   (STALE_LEN - MAC_LEN)

#define EV_RING 16

enum slot_state {
	SLOT_FREE = 0,
	SLOT_INITIATING, /* reserved for our outstanding INIT */
	SLOT_PENDING,    /* answered the peer's INIT; receive only until confirmed */
	SLOT_CURRENT,    /* send and receive */
	SLOT_PREVIOUS,   /* receive only, until drain_until_us */
};

struct hs_slot {
	enum slot_state state;
	bool initiator;    /* we sent the INIT of this session */
	uint8_t peer_slot; /* the peer's key slot for it: where what we send lands */
	uint8_t n_i[BOND_NONCE_LEN];
	uint8_t n_r[BOND_NONCE_LEN];
	uint8_t confirm_key[BOND_SHA256_LEN];
	uint64_t since_us;
	uint64_t drain_until_us;
};

struct bond_hs {
	struct bond_psk psk;
	uint8_t hs_key[BOND_SHA256_LEN];
	void (*random)(void *buf, size_t len);
	char name[32];
	uint64_t created_now_us, created_wall_us;

	struct hs_slot slot[BOND_KEY_SLOTS];
	int current, previous, pending; /* slot indexes, -1 for none */

	/* Our initiation. */
	int init_slot; /* -1: not initiating */
	uint8_t init_nonce[BOND_NONCE_LEN];
	uint8_t init_msg[BOND_HS_MSG_MAX];
	uint64_t init_next_us, init_interval_us;
	uint64_t last_ts_sent, ts_floor;
	bool rekey_requested;

	/* Answering the peer's initiations. */
	bool peer_ts_valid;
	uint64_t peer_last_ts;
	uint8_t peer_last_nonce[BOND_NONCE_LEN];
	uint8_t resp_msg[BOND_HS_MSG_MAX];
	uint32_t resp_len;
	uint64_t stale_next_us;

	/* CONFIRM retransmissions of the session we initiated. */
	uint8_t confirm_msg[BOND_HS_MSG_MAX];
	int confirm_left;
	uint64_t confirm_next_us, confirm_interval_us;

	struct bond_hs_event ev[EV_RING];
	unsigned int ev_head, ev_count;

	uint64_t sessions, inits_sent;
};

static void random_default(void *buf, size_t len)
{
	arc4random_buf(buf, len);
}

struct bond_hs *bond_hs_create(const struct bond_hs_params *p)
{
	if (p == NULL || p->psk == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct bond_hs *hs = calloc(1, sizeof(*hs));
	if (hs == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	hs->psk = *p->psk;
	bond_psk_handshake_key(&hs->psk, hs->hs_key);
	hs->random = p->random != NULL ? p->random : random_default;
	snprintf(hs->name, sizeof(hs->name), "%s", p->name != NULL ? p->name : "peer");
	hs->created_now_us = p->now_us;
	hs->created_wall_us = p->wall_us;
	hs->current = hs->previous = hs->pending = hs->init_slot = -1;
	return hs;
}

void bond_hs_free(struct bond_hs *hs)
{
	if (hs == NULL)
		return;
	bond_wipe(hs, sizeof(*hs));
	free(hs);
}

static bool ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* MAC_LEN bytes of HMAC-SHA256(key, body[0..len) || extra). */
static void mac16(const uint8_t *key, const uint8_t *body, size_t len, const uint8_t *extra,
                  size_t extra_len, uint8_t out[MAC_LEN])
{
	uint8_t full[BOND_SHA256_LEN];
	struct bond_iov parts[2] = {{body, len}, {extra, extra_len}};
	bond_hmac_sha256(key, BOND_SHA256_LEN, parts, 2, full);
	memcpy(out, full, MAC_LEN);
	bond_wipe(full, sizeof(full));
}

static bool mac16_ok(const uint8_t *key, const uint8_t *body, size_t len, const uint8_t *extra,
                     size_t extra_len)
{
	uint8_t want[MAC_LEN];
	mac16(key, body, len, extra, extra_len, want);
	return ct_equal(want, body + len, MAC_LEN);
}

/* The pepgw header of a handshake message; returns the body. */
static uint8_t *msg_start(uint8_t *out, uint8_t kind, uint8_t slot)
{
	struct bond_hdr h = {.type = BOND_TYPE_HANDSHAKE};
	bond_wire_encode(&h, out);
	uint8_t *b = out + BOND_HDR_LEN;
	b[0] = kind;
	b[1] = slot;
	b[2] = b[3] = 0;
	return b;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	uint64_t be = rte_cpu_to_be_64(v);
	memcpy(p, &be, 8);
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t be;
	memcpy(&be, p, 8);
	return rte_be_to_cpu_64(be);
}

static void ev_push(struct bond_hs *hs, enum bond_hs_event_type type, uint8_t slot,
                    const struct bond_session_keys *k)
{
	if (hs->ev_count == EV_RING) {
		/* The caller drains after every call; a full ring is a caller bug. */
		BOND_LOG(ERR, "peer %s: handshake event ring full, event lost", hs->name);
		return;
	}
	struct bond_hs_event *ev = &hs->ev[(hs->ev_head + hs->ev_count++) % EV_RING];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->slot = slot;
	if (k != NULL)
		ev->keys = *k;
}

int bond_hs_next_event(struct bond_hs *hs, struct bond_hs_event *ev)
{
	if (hs->ev_count == 0)
		return 0;
	struct bond_hs_event *e = &hs->ev[hs->ev_head];
	*ev = *e;
	bond_wipe(e, sizeof(*e));
	hs->ev_head = (hs->ev_head + 1) % EV_RING;
	hs->ev_count--;
	return 1;
}

static int slot_alloc(struct bond_hs *hs)
{
	for (int s = 0; s < BOND_KEY_SLOTS; s++)
		if (hs->slot[s].state == SLOT_FREE)
			return s;
	return -1;
}

/* Free a slot; retire its keys from the contexts when they were installed. */
static void slot_free(struct bond_hs *hs, int s)
{
	if (hs->slot[s].state != SLOT_INITIATING && hs->slot[s].state != SLOT_FREE)
		ev_push(hs, BOND_HS_EV_RETIRE, (uint8_t)s, NULL);
	bond_wipe(&hs->slot[s], sizeof(hs->slot[s]));
	if (hs->current == s)
		hs->current = -1;
	if (hs->previous == s)
		hs->previous = -1;
	if (hs->pending == s)
		hs->pending = -1;
	if (hs->init_slot == s)
		hs->init_slot = -1;
}

/* s becomes the session we send with; the one before drains; the one before that goes. */
static void make_current(struct bond_hs *hs, int s, uint64_t now)
{
	if (hs->previous >= 0)
		slot_free(hs, hs->previous);
	if (hs->current >= 0) {
		hs->previous = hs->current;
		hs->slot[hs->previous].state = SLOT_PREVIOUS;
		hs->slot[hs->previous].drain_until_us = now + BOND_HS_DRAIN_US;
	}
	if (hs->pending == s)
		hs->pending = -1;
	hs->current = s;
	hs->slot[s].state = SLOT_CURRENT;
	hs->slot[s].since_us = now;
	hs->sessions++;
	/* Asked for while the old session was in use (its usage limit): done now. */
	hs->rekey_requested = false;
	BOND_LOG(INFO, "peer %s: new session in key slot %d (%s)", hs->name, s,
	         hs->slot[s].initiator ? "initiator" : "responder");
}

static uint64_t wall_now(const struct bond_hs *hs, uint64_t now)
{
	return hs->created_wall_us + (now > hs->created_now_us ? now - hs->created_now_us : 0);
}

/* A new INIT (fresh N_i and timestamp) in our initiation slot, sent at once. */
static void start_initiation(struct bond_hs *hs, uint64_t now)
{
	int s = hs->init_slot;
	if (s < 0) {
		s = slot_alloc(hs);
		if (s < 0 && hs->previous >= 0) {
			s = hs->previous;
			slot_free(hs, s);
		}
		if (s < 0)
			return; /* cannot happen: at most current, previous and pending are taken */
	}
	hs->slot[s].state = SLOT_INITIATING;
	hs->init_slot = s;
	hs->random(hs->init_nonce, sizeof(hs->init_nonce));
	uint64_t ts = RTE_MAX(wall_now(hs, now), RTE_MAX(hs->last_ts_sent + 1, hs->ts_floor));
	hs->last_ts_sent = ts;
	uint8_t *b = msg_start(hs->init_msg, HS_INIT, (uint8_t)s);
	put_be64(b + 4, ts);
	memcpy(b + 12, hs->init_nonce, BOND_NONCE_LEN);
	mac16(hs->hs_key, b, INIT_MAC, NULL, 0, b + INIT_MAC);
	hs->init_next_us = now;
	hs->init_interval_us = BOND_HS_RETRY_MIN_US;
	hs->rekey_requested = false;
}

static bool want_session(const struct bond_hs *hs, uint64_t now)
{
	/* An answer of ours waits for its confirmation: give it time before starting our own. */
	if (hs->pending >= 0 && now - hs->slot[hs->pending].since_us < BOND_HS_PENDING_GRACE_US)
		return false;
	if (hs->current < 0 || hs->rekey_requested)
		return true;
	const struct hs_slot *c = &hs->slot[hs->current];
	uint64_t after = BOND_HS_REKEY_AFTER_US + (c->initiator ? 0 : BOND_HS_REKEY_RESPONDER_US);
	return now - c->since_us >= after;
}

static int emit(const uint8_t *msg, uint32_t len, uint8_t *out, uint32_t cap)
{
	if (cap < len)
		return -ENOSPC;
	memcpy(out, msg, len);
	return (int)len;
}

int bond_hs_poll(struct bond_hs *hs, uint64_t now_us, uint8_t *out, uint32_t cap)
{
	if (cap < BOND_HS_MSG_MAX)
		return -ENOSPC;
	if (hs->previous >= 0 && now_us >= hs->slot[hs->previous].drain_until_us)
		slot_free(hs, hs->previous);
	if (hs->init_slot < 0 && want_session(hs, now_us))
		start_initiation(hs, now_us);
	if (hs->init_slot >= 0 && now_us >= hs->init_next_us) {
		hs->init_next_us = now_us + hs->init_interval_us;
		hs->init_interval_us = RTE_MIN(2 * hs->init_interval_us, BOND_HS_RETRY_MAX_US);
		hs->inits_sent++;
		return emit(hs->init_msg, BOND_HDR_LEN + INIT_LEN, out, cap);
	}
	if (hs->confirm_left > 0 && now_us >= hs->confirm_next_us) {
		hs->confirm_left--;
		hs->confirm_next_us = now_us + hs->confirm_interval_us;
		hs->confirm_interval_us *= 2;
		return emit(hs->confirm_msg, BOND_HDR_LEN + CONFIRM_LEN, out, cap);
	}
	return 0;
}

uint64_t bond_hs_next_timer(const struct bond_hs *hs)
{
	uint64_t t = UINT64_MAX;
	if (hs->previous >= 0)
		t = RTE_MIN(t, hs->slot[hs->previous].drain_until_us);
	if (hs->init_slot >= 0)
		t = RTE_MIN(t, hs->init_next_us);
	if (hs->confirm_left > 0)
		t = RTE_MIN(t, hs->confirm_next_us);
	if (hs->init_slot < 0) {
		if (hs->pending >= 0)
			t = RTE_MIN(t, hs->slot[hs->pending].since_us + BOND_HS_PENDING_GRACE_US);
		else if (hs->current < 0 || hs->rekey_requested)
			t = 0;
		else
			t = RTE_MIN(t, hs->slot[hs->current].since_us + BOND_HS_REKEY_AFTER_US +
			                       (hs->slot[hs->current].initiator
			                                ? 0
			                                : BOND_HS_REKEY_RESPONDER_US));
	}
	return t;
}

static void confirm_pending(struct bond_hs *hs, int s, uint64_t now)
{
	make_current(hs, s, now);
	ev_push(hs, BOND_HS_EV_ACTIVATE_TX, (uint8_t)s, NULL);
	/* A fresh session is what an initiation of ours was for. */
	if (hs->init_slot >= 0)
		slot_free(hs, hs->init_slot);
}

static enum bond_result on_init(struct bond_hs *hs, const uint8_t *b, uint64_t now, uint8_t *reply,
                                uint32_t *reply_len)
{
	if (!mac16_ok(hs->hs_key, b, INIT_MAC, NULL, 0))
		return BOND_R_drop_hs_mac;
	uint8_t slot_i = b[1];
	uint64_t ts = get_be64(b + 4);
	const uint8_t *n_i = b + 12;
	if (hs->peer_ts_valid && ts == hs->peer_last_ts &&
	    memcmp(n_i, hs->peer_last_nonce, BOND_NONCE_LEN) == 0) {
		/* A copy of the INIT we answered (another link, a retransmission): same answer. */
		if (reply != NULL && hs->resp_len > 0) {
			memcpy(reply, hs->resp_msg, hs->resp_len);
			*reply_len = hs->resp_len;
		}
		return BOND_R_ok;
	}
	if (hs->peer_ts_valid && ts <= hs->peer_last_ts) {
		if (reply != NULL && now >= hs->stale_next_us) {
			hs->stale_next_us = now + BOND_HS_STALE_INTERVAL_US;
			uint8_t *r = msg_start(reply, HS_STALE, 0);
			put_be64(r + 4, hs->peer_last_ts);
			mac16(hs->hs_key, r, STALE_MAC, n_i, BOND_NONCE_LEN, r + STALE_MAC);
			*reply_len = BOND_HDR_LEN + STALE_LEN;
		}
		return BOND_R_drop_hs_stale;
	}
	if (hs->init_slot >= 0) {
		/* Both initiating: the larger N_i goes on, the other side answers it. */
		if (memcmp(hs->init_nonce, n_i, BOND_NONCE_LEN) > 0)
			return BOND_R_ok;
		slot_free(hs, hs->init_slot);
	}
	hs->peer_ts_valid = true;
	hs->peer_last_ts = ts;
	memcpy(hs->peer_last_nonce, n_i, BOND_NONCE_LEN);
	if (hs->pending >= 0)
		slot_free(hs, hs->pending);
	int s = slot_alloc(hs);
	if (s < 0 && hs->previous >= 0) {
		s = hs->previous;
		slot_free(hs, s);
	}
	if (s < 0)
		return BOND_R_drop_hs_unexpected; /* cannot happen: current and previous at most */
	struct hs_slot *sl = &hs->slot[s];
	sl->state = SLOT_PENDING;
	sl->initiator = false;
	sl->peer_slot = slot_i;
	sl->since_us = now;
	memcpy(sl->n_i, n_i, BOND_NONCE_LEN);
	hs->random(sl->n_r, BOND_NONCE_LEN);
	struct bond_session_keys k;
	bond_session_derive(&hs->psk, sl->n_i, sl->n_r, slot_i, (uint8_t)s, false, &k,
	                    sl->confirm_key);
	hs->pending = s;
	ev_push(hs, BOND_HS_EV_INSTALL, (uint8_t)s, &k);
	bond_wipe(&k, sizeof(k));
	uint8_t *r = msg_start(hs->resp_msg, HS_RESP, (uint8_t)s);
	memcpy(r + 4, sl->n_r, BOND_NONCE_LEN);
	mac16(hs->hs_key, r, RESP_MAC, n_i, BOND_NONCE_LEN, r + RESP_MAC);
	hs->resp_len = BOND_HDR_LEN + RESP_LEN;
	if (reply != NULL) {
		memcpy(reply, hs->resp_msg, hs->resp_len);
		*reply_len = hs->resp_len;
	}
	/*
	 * The peer offers the key slot our current session sends to: it no longer has that
	 * session (it restarted), so nothing we send with it can be read. Switch now rather than
	 * after the confirmation: our old packets would only land in its new key and look forged.
	 * (In a rekey the peer's current slot is in use and never offered.)
	 */
	if (hs->current >= 0 && hs->slot[hs->current].peer_slot == slot_i) {
		BOND_LOG(INFO, "peer %s: restarted (reuses the key slot of our session)", hs->name);
		confirm_pending(hs, s, now);
	}
	return BOND_R_ok;
}

static enum bond_result on_resp(struct bond_hs *hs, const uint8_t *b, uint64_t now, uint8_t *reply,
                                uint32_t *reply_len)
{
	const uint8_t *n_r = b + 4;
	/* A copy of the RESP that made the current session (INITs went out on several links). */
	if (hs->current >= 0 && hs->slot[hs->current].initiator &&
	    memcmp(n_r, hs->slot[hs->current].n_r, BOND_NONCE_LEN) == 0 &&
	    mac16_ok(hs->hs_key, b, RESP_MAC, hs->slot[hs->current].n_i, BOND_NONCE_LEN))
		return BOND_R_ok;
	if (hs->init_slot < 0)
		return BOND_R_drop_hs_unexpected;
	if (!mac16_ok(hs->hs_key, b, RESP_MAC, hs->init_nonce, BOND_NONCE_LEN))
		return BOND_R_drop_hs_mac;
	int s = hs->init_slot;
	uint8_t slot_r = b[1];
	struct hs_slot *sl = &hs->slot[s];
	hs->init_slot = -1;
	sl->initiator = true;
	sl->peer_slot = slot_r;
	memcpy(sl->n_i, hs->init_nonce, BOND_NONCE_LEN);
	memcpy(sl->n_r, n_r, BOND_NONCE_LEN);
	struct bond_session_keys k;
	bond_session_derive(&hs->psk, sl->n_i, sl->n_r, (uint8_t)s, slot_r, true, &k,
	                    sl->confirm_key);
	k.tx_active = true;
	/* An unconfirmed answer of ours is older than this session: drop it. */
	if (hs->pending >= 0)
		slot_free(hs, hs->pending);
	make_current(hs, s, now);
	ev_push(hs, BOND_HS_EV_INSTALL, (uint8_t)s, &k);
	bond_wipe(&k, sizeof(k));
	uint8_t *c = msg_start(hs->confirm_msg, HS_CONFIRM, slot_r);
	mac16(sl->confirm_key, c, CONFIRM_MAC, NULL, 0, c + CONFIRM_MAC);
	hs->confirm_left = BOND_HS_CONFIRM_COPIES - 1;
	hs->confirm_next_us = now + BOND_HS_RETRY_MIN_US;
	hs->confirm_interval_us = 2 * BOND_HS_RETRY_MIN_US;
	if (reply != NULL) {
		memcpy(reply, hs->confirm_msg, BOND_HDR_LEN + CONFIRM_LEN);
		*reply_len = BOND_HDR_LEN + CONFIRM_LEN;
	}
	return BOND_R_ok;
}

static enum bond_result on_confirm(struct bond_hs *hs, const uint8_t *b, uint64_t now)
{
	int s = b[1];
	struct hs_slot *sl = &hs->slot[s];
	if (sl->state == SLOT_PENDING) {
		if (!mac16_ok(sl->confirm_key, b, CONFIRM_MAC, NULL, 0))
			return BOND_R_drop_hs_mac;
		confirm_pending(hs, s, now);
		return BOND_R_ok;
	}
	/* A copy for a session already confirmed (by an earlier copy or by its traffic). */
	if ((sl->state == SLOT_CURRENT || sl->state == SLOT_PREVIOUS) && !sl->initiator &&
	    mac16_ok(sl->confirm_key, b, CONFIRM_MAC, NULL, 0))
		return BOND_R_ok;
	return BOND_R_drop_hs_unexpected;
}

static enum bond_result on_stale(struct bond_hs *hs, const uint8_t *b, uint64_t now, uint8_t *reply,
                                 uint32_t *reply_len)
{
	if (hs->init_slot < 0)
		return BOND_R_drop_hs_unexpected;
	if (!mac16_ok(hs->hs_key, b, STALE_MAC, hs->init_nonce, BOND_NONCE_LEN))
		return BOND_R_drop_hs_mac;
	/* Our clock is behind what the peer accepted last: start again above it. */
	uint64_t last = get_be64(b + 4);
	hs->ts_floor = RTE_MAX(hs->ts_floor, last + 1);
	BOND_LOG(NOTICE, "peer %s: initiation older than the peer's last; retrying above it",
	         hs->name);
	start_initiation(hs, now);
	hs->init_next_us = now + hs->init_interval_us;
	hs->init_interval_us *= 2;
	hs->inits_sent++;
	if (reply != NULL) {
		memcpy(reply, hs->init_msg, BOND_HDR_LEN + INIT_LEN);
		*reply_len = BOND_HDR_LEN + INIT_LEN;
	}
	return BOND_R_ok;
}

enum bond_result bond_hs_input(struct bond_hs *hs, const uint8_t *msg, uint32_t len,
                               uint64_t now_us, uint8_t *reply, uint32_t cap, uint32_t *reply_len)
{
	*reply_len = 0;
	if (cap < BOND_HS_MSG_MAX)
		reply = NULL; /* no room: answer nothing */
	struct bond_hdr h;
	enum bond_result r = bond_wire_decode(msg, len, &h);
	if (r != BOND_R_ok)
		return r;
	if (h.type != BOND_TYPE_HANDSHAKE)
		return BOND_R_drop_type;
	const uint8_t *b = msg + BOND_HDR_LEN;
	uint32_t blen = len - BOND_HDR_LEN;
	if (blen < 4)
		return BOND_R_drop_hs_len;
	uint32_t want;
	switch (b[0]) {
	case HS_INIT:
		want = INIT_LEN;
		break;
	case HS_RESP:
		want = RESP_LEN;
		break;
	case HS_CONFIRM:
		want = CONFIRM_LEN;
		break;
	case HS_STALE:
		want = STALE_LEN;
		break;
	default:
		return BOND_R_drop_hs_kind;
	}
	if (blen != want)
		return BOND_R_drop_hs_len;
	if (b[1] >= BOND_KEY_SLOTS || b[2] != 0 || b[3] != 0 || (b[0] == HS_STALE && b[1] != 0))
		return BOND_R_drop_hs_field;
	switch (b[0]) {
	case HS_INIT:
		return on_init(hs, b, now_us, reply, reply_len);
	case HS_RESP:
		return on_resp(hs, b, now_us, reply, reply_len);
	case HS_CONFIRM:
		return on_confirm(hs, b, now_us);
	default:
		return on_stale(hs, b, now_us, reply, reply_len);
	}
}

void bond_hs_rx_slot_seen(struct bond_hs *hs, uint8_t slot, uint64_t now_us)
{
	if (slot >= BOND_KEY_SLOTS)
		return;
	if (hs->slot[slot].state == SLOT_PENDING)
		confirm_pending(hs, slot, now_us);
	else if (hs->current == slot && hs->slot[slot].initiator)
		hs->confirm_left = 0; /* the peer sends with it: it has our CONFIRM's effect */
}

void bond_hs_request_rekey(struct bond_hs *hs)
{
	hs->rekey_requested = true;
}

void bond_hs_get_status(const struct bond_hs *hs, struct bond_hs_status *st)
{
	memset(st, 0, sizeof(*st));
	st->established = hs->current >= 0;
	st->initiating = hs->init_slot >= 0;
	st->current_slot = (int8_t)hs->current;
	st->session_since_us = hs->current >= 0 ? hs->slot[hs->current].since_us : 0;
	st->sessions = hs->sessions;
	st->inits_sent = hs->inits_sent;
}
