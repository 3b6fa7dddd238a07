/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the parsers of lib/bond that take no key. The input is
 *  - a tunnel header for bond_wire_decode (what decodes re-encodes to the same bytes),
 *  - an inner packet for bond_wire_flow_hash,
 *  - a key file text for bond_psk_parse,
 *  - a handshake message for bond_hs_input on a fresh handshake and on one that initiates,
 * and then a script that drives two handshakes against each other (deliver, drop, corrupt,
 * advance time, restart, rekey), checking that the events they emit are consistent: slots in
 * range, nothing activated or retired that was not installed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bond_handshake.h"
#include "bond_keys.h"
#include "bond_wire.h"

static struct bond_psk *psk;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t raw[BOND_PSK_LEN];
	for (int i = 0; i < BOND_PSK_LEN; i++)
		raw[i] = (uint8_t)(i * 5 + 1);
	psk = bond_psk_from_bytes(raw);
	if (psk == NULL)
		abort();
	return 0;
}

static uint64_t rng;

static void fuzz_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	for (size_t i = 0; i < len; i++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(rng >> 33);
	}
}

static struct bond_hs *hs_new(uint64_t now, uint64_t wall)
{
	struct bond_hs_params p = {
	        .psk = psk, .now_us = now, .wall_us = wall, .random = fuzz_random, .name = "f"};
	struct bond_hs *hs = bond_hs_create(&p);
	if (hs == NULL)
		abort();
	return hs;
}

/* What the contexts of one side would hold, to check the events against. */
struct model {
	bool installed[BOND_KEY_SLOTS];
	int tx;
};

static void drain(struct bond_hs *hs, struct model *m)
{
	struct bond_hs_event ev;
	while (bond_hs_next_event(hs, &ev) == 1) {
		switch (ev.type) {
		case BOND_HS_EV_INSTALL:
			if (ev.keys.rx_slot >= BOND_KEY_SLOTS ||
			    ev.keys.tx_slot >= BOND_KEY_SLOTS || ev.slot != ev.keys.rx_slot)
				abort();
			m->installed[ev.slot] = true;
			if (ev.keys.tx_active)
				m->tx = ev.slot;
			break;
		case BOND_HS_EV_ACTIVATE_TX:
			if (ev.slot >= BOND_KEY_SLOTS || !m->installed[ev.slot])
				abort();
			m->tx = ev.slot;
			break;
		case BOND_HS_EV_RETIRE:
			if (ev.slot >= BOND_KEY_SLOTS || !m->installed[ev.slot])
				abort();
			m->installed[ev.slot] = false;
			if (m->tx == ev.slot)
				abort(); /* never retire the session we send with */
			break;
		default:
			abort();
		}
		bond_wipe(&ev, sizeof(ev));
	}
	struct bond_hs_status st;
	bond_hs_get_status(hs, &st);
	if (st.established != (m->tx >= 0) || (st.established && st.current_slot != m->tx))
		abort();
}

static void check_result(enum bond_result r, uint32_t reply_len)
{
	if ((unsigned int)r >= BOND_R_MAX || r == BOND_R_handshake || reply_len > BOND_HS_MSG_MAX)
		abort();
}

static void one_message(const uint8_t *msg, size_t len)
{
	uint8_t reply[BOND_HS_MSG_MAX];
	uint32_t rlen;
	struct model m = {.tx = -1};
	struct bond_hs *hs = hs_new(0, 1);
	check_result(bond_hs_input(hs, msg, (uint32_t)len, 5, reply, sizeof(reply), &rlen), rlen);
	drain(hs, &m);
	/* The same against a handshake with an INIT outstanding. */
	struct bond_hs *hs2 = hs_new(0, 1);
	struct model m2 = {.tx = -1};
	if (bond_hs_poll(hs2, 0, reply, sizeof(reply)) <= 0)
		abort();
	check_result(bond_hs_input(hs2, msg, (uint32_t)len, 5, reply, sizeof(reply), &rlen), rlen);
	drain(hs2, &m2);
	bond_hs_free(hs);
	bond_hs_free(hs2);
}

#define NET_MAX 16

struct msgq {
	uint8_t b[NET_MAX][BOND_HS_MSG_MAX];
	uint32_t len[NET_MAX];
	int n;
};

static void push(struct msgq *q, const uint8_t *b, uint32_t len)
{
	if (q->n == NET_MAX || len > BOND_HS_MSG_MAX)
		return;
	memcpy(q->b[q->n], b, len);
	q->len[q->n++] = len;
}

static void pop(struct msgq *q, int i)
{
	memmove(&q->b[i], &q->b[i + 1], (size_t)(q->n - i - 1) * sizeof(q->b[0]));
	memmove(&q->len[i], &q->len[i + 1], (size_t)(q->n - i - 1) * sizeof(q->len[0]));
	q->n--;
}

/* Two handshakes, driven by the rest of the input. */
static void script(const uint8_t *s, size_t len)
{
	struct bond_hs *hs[2] = {hs_new(0, 1000000), hs_new(0, 2000000)};
	struct model m[2] = {{.tx = -1}, {.tx = -1}};
	struct msgq q[2] = {0}; /* q[i]: messages on their way to side i */
	uint64_t now = 0;
	uint8_t buf[BOND_HS_MSG_MAX];
	for (size_t k = 0; k + 1 < len; k += 2) {
		int side = s[k] & 1, op = (s[k] >> 1) % 8;
		uint8_t arg = s[k + 1];
		uint32_t rlen;
		int n;
		switch (op) {
		case 0: /* poll */
			while ((n = bond_hs_poll(hs[side], now, buf, sizeof(buf))) > 0)
				push(&q[1 - side], buf, (uint32_t)n);
			if (n < 0)
				abort();
			break;
		case 1: /* deliver the arg-th message to side, intact */
		case 2: /* deliver it with one byte flipped */
			if (q[side].n == 0)
				break;
			n = arg % q[side].n;
			if (op == 2)
				q[side].b[n][arg % q[side].len[n]] ^= (uint8_t)(1 + (arg >> 3));
			check_result(bond_hs_input(hs[side], q[side].b[n], q[side].len[n], now, buf,
			                           sizeof(buf), &rlen),
			             rlen);
			if (rlen > 0)
				push(&q[1 - side], buf, rlen);
			if (op == 1 && arg & 0x80)
				break; /* keep it: a duplicate later */
			pop(&q[side], n);
			break;
		case 3: /* drop */
			if (q[side].n > 0)
				pop(&q[side], arg % q[side].n);
			break;
		case 4: /* time passes */
			now += (uint64_t)arg * (arg & 1 ? 1000000 : 10000);
			break;
		case 5: /* traffic from the other side authenticated in one of our slots */
			bond_hs_rx_slot_seen(hs[side], arg % (BOND_KEY_SLOTS + 1), now);
			break;
		case 6:
			bond_hs_request_rekey(hs[side]);
			break;
		case 7: /* restart, the wall clock ahead or behind */
			bond_hs_free(hs[side]);
			hs[side] = hs_new(now, arg & 1 ? now * 2 : 1);
			m[side] = (struct model){.tx = -1};
			break;
		}
		drain(hs[0], &m[0]);
		drain(hs[1], &m[1]);
	}
	bond_hs_free(hs[0]);
	bond_hs_free(hs[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len > 4096)
		return 0;
	rng = len;
	/* Exact-size private copies, so ASan sees any read past the end. */
	uint8_t *p = malloc(len ? len : 1);
	memcpy(p, data, len);

	struct bond_hdr h;
	enum bond_result r = bond_wire_decode(p, (uint32_t)len, &h);
	if ((unsigned int)r >= BOND_R_MAX || (r != BOND_R_ok && !bond_result_is_drop(r)))
		abort();
	if (r == BOND_R_ok) {
		uint8_t again[BOND_HDR_LEN];
		if (bond_wire_encode(&h, again) != 0 || memcmp(again, p, BOND_HDR_LEN) != 0)
			abort();
		if (h.type != BOND_TYPE_HANDSHAKE && len < BOND_HDR_LEN + BOND_TAG_LEN)
			abort();
	}
	(void)bond_wire_flow_hash(p, (uint32_t)len);

	char err[256];
	uint8_t key[BOND_PSK_LEN];
	err[0] = 0;
	if (bond_psk_parse((const char *)p, len, key, err, sizeof(err)) != 0 &&
	    (err[0] == 0 || memchr(err, 0, sizeof(err)) == NULL))
		abort();

	one_message(p, len);
	if (len > 0)
		script(p + 1, len - 1);
	free(p);
	return 0;
}
