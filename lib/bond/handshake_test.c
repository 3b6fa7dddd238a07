/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/bond handshake on a virtual clock: two gateways, each a bond_hs and a bond_crypto
 * context on the software AES-GCM device, joined by two emulated links that can lose
 * packets. Data packets flow every 10 ms each way whenever a side has a key, so every test
 * checks what matters: that traffic gets through, and how soon after a restart.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_mbuf.h>

#include "bond_crypto.h"
#include "bond_handshake.h"
#include "test_eal.h"

#define MS         1000ull
#define S          1000000ull
#define QMAX       2048
#define DATA_LEN   64
#define LOG_MAX    4096
#define WALL_EPOCH 1700000000000000ull /* wall clock at t = 0, microseconds */

static struct bond_cryptodev dev;
static struct rte_mempool *pool;
static unsigned int ctx_seq;

struct qpkt {
	uint64_t at;
	int to;
	uint16_t len;
	uint8_t bytes[256];
};

struct peer {
	struct bond_hs *hs;
	struct bond_crypto *c;
	const struct bond_psk *psk;
	int64_t wall_skew_us; /* this gateway's wall clock minus the true time */
	void (*random)(void *buf, size_t len);
	uint64_t results[BOND_R_MAX]; /* everything it received, by result */
	uint64_t data_rx;
	uint64_t first_data_rx_us, last_data_rx_us;
	uint64_t max_gap_us; /* longest time without data received, after the first */
	uint64_t next_data_us;
};

/* What a loss rule sees: the sender, the handshake kind (0 for data). */
typedef bool (*loss_fn)(int from, uint8_t hs_kind, uint64_t now);

struct sent_data {
	uint8_t link;
	uint32_t link_seq;
	uint8_t sealed[DATA_LEN + BOND_TAG_LEN];
};

static struct world {
	uint64_t now;
	uint64_t delay_us;
	struct peer p[2];
	struct qpkt q[QMAX];
	int nq;
	loss_fn lose;
	uint64_t lost;
	/* The first INIT peer 0 sent, for the replay test. */
	uint8_t first_init[BOND_HS_MSG_MAX];
	uint16_t first_init_len;
	/* Data packets peer 0 sealed (for the nonce test). */
	struct sent_data log[LOG_MAX];
	int nlog;
} w;

static uint64_t prng_state;

static void prng_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;
	for (size_t i = 0; i < len; i++) {
		prng_state ^= prng_state << 13;
		prng_state ^= prng_state >> 7;
		prng_state ^= prng_state << 17;
		p[i] = (uint8_t)prng_state;
	}
}

static int group_setup(void **state)
{
	pool = test_mbuf_pool();
	if (pool == NULL)
		return -1;
	struct bond_cryptodev_params p = {
	        .device = "crypto_aesni_gcm0", .n_qps = 1, .n_sessions = 256, .socket_id = -1};
	return bond_cryptodev_open(&p, &dev);
}

static int group_teardown(void **state)
{
	bond_cryptodev_close(&dev);
	return 0;
}

static struct bond_psk *psk_make(uint8_t seed)
{
	uint8_t raw[BOND_PSK_LEN];
	for (int i = 0; i < BOND_PSK_LEN; i++)
		raw[i] = (uint8_t)(seed * 31 + i);
	return bond_psk_from_bytes(raw);
}

static void peer_start(int i)
{
	struct peer *p = &w.p[i];
	struct bond_hs_params hp = {
	        .psk = p->psk,
	        .now_us = w.now,
	        .wall_us = (uint64_t)((int64_t)(WALL_EPOCH + w.now) + p->wall_skew_us),
	        .random = p->random,
	        .name = i == 0 ? "A" : "B",
	};
	p->hs = bond_hs_create(&hp);
	assert_non_null(p->hs);
	char name[32];
	snprintf(name, sizeof(name), "h%u", ctx_seq++);
	struct bond_crypto_params cp = {
	        .dev = &dev,
	        .copy_pool = pool,
	        .n_links = 2,
	        .peer_queues = 1,
	        .n_queues = 1,
	        .rx_count = 1,
	        .name = name,
	};
	p->c = bond_crypto_create(&cp);
	assert_non_null(p->c);
	p->next_data_us = w.now;
}

static void peer_stop(int i)
{
	bond_hs_free(w.p[i].hs);
	bond_crypto_free(w.p[i].c);
	w.p[i].hs = NULL;
	w.p[i].c = NULL;
}

static const struct bond_psk *shared_psk;

static void world_init(uint64_t delay_us, loss_fn lose)
{
	for (int i = 0; i < 2; i++)
		if (w.p[i].hs != NULL)
			peer_stop(i);
	memset(&w, 0, sizeof(w));
	w.delay_us = delay_us;
	w.lose = lose;
	prng_state = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 2; i++) {
		w.p[i].psk = shared_psk;
		w.p[i].random = prng_bytes;
	}
}

static int world_teardown(void **state)
{
	for (int i = 0; i < 2; i++)
		if (w.p[i].hs != NULL)
			peer_stop(i);
	return 0;
}

static void apply_events(int i)
{
	struct bond_hs_event ev;
	while (bond_hs_next_event(w.p[i].hs, &ev) == 1) {
		assert_int_equal(bond_crypto_apply(w.p[i].c, &ev), 0);
		bond_wipe(&ev, sizeof(ev));
	}
}

static void net_send(int from, const uint8_t *bytes, uint16_t len, uint8_t hs_kind)
{
	if (w.lose != NULL && w.lose(from, hs_kind, w.now)) {
		w.lost++;
		return;
	}
	assert_true(w.nq < QMAX);
	assert_true(len <= sizeof(w.q[0].bytes));
	struct qpkt *q = &w.q[w.nq++];
	q->at = w.now + w.delay_us;
	q->to = 1 - from;
	q->len = len;
	memcpy(q->bytes, bytes, len);
}

/* A handshake message goes out on both links, as the gateway sends INITs. */
static void send_hs(int from, uint8_t *msg, uint16_t len)
{
	if (from == 0 && w.first_init_len == 0 && msg[BOND_HDR_LEN] == 1) {
		memcpy(w.first_init, msg, len);
		w.first_init_len = len;
	}
	for (uint8_t link = 0; link < 2; link++) {
		bond_wire_set_link(msg, link);
		net_send(from, msg, len, msg[BOND_HDR_LEN]);
	}
}

static void send_data(int i)
{
	struct peer *p = &w.p[i];
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	memset(rte_pktmbuf_append(m, DATA_LEN), 0x42, DATA_LEN); /* same bytes every time */
	struct bond_seal_meta meta = {.type = BOND_TYPE_DATA, .link = (uint8_t)(w.now / MS % 2)};
	uint8_t res;
	if (bond_crypto_seal_burst(p->c, &m, &meta, 1, w.now, &res) == 1) {
		const uint8_t *b = rte_pktmbuf_mtod(m, const uint8_t *);
		if (i == 0 && w.nlog < LOG_MAX) {
			struct bond_hdr h;
			assert_int_equal(bond_wire_decode(b, rte_pktmbuf_pkt_len(m), &h),
			                 BOND_R_ok);
			struct sent_data *s = &w.log[w.nlog++];
			s->link = h.link;
			s->link_seq = h.link_seq;
			memcpy(s->sealed, b + BOND_HDR_LEN, sizeof(s->sealed));
		}
		net_send(i, b, (uint16_t)rte_pktmbuf_pkt_len(m), 0);
	} else {
		assert_int_equal(res, BOND_R_drop_no_tx_key);
	}
	rte_pktmbuf_free(m);
	if (bond_crypto_rekey_wanted(p->c))
		bond_hs_request_rekey(p->hs);
}

static void deliver(struct qpkt *q)
{
	struct peer *p = &w.p[q->to];
	if (p->hs == NULL)
		return; /* gateway down */
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, q->len), q->bytes, q->len);
	uint8_t res;
	struct bond_open_info info;
	bond_crypto_open_burst(p->c, &m, 1, &res, &info);
	if (res == BOND_R_handshake) {
		uint8_t reply[BOND_HS_MSG_MAX];
		uint32_t rlen;
		res = bond_hs_input(p->hs, q->bytes, q->len, w.now, reply, sizeof(reply), &rlen);
		apply_events(q->to);
		if (rlen > 0) {
			bond_wire_set_link(reply, info.hdr.link);
			net_send(q->to, reply, (uint16_t)rlen, reply[BOND_HDR_LEN]);
		}
	} else if (res == BOND_R_ok) {
		if (p->data_rx > 0 && w.now - p->last_data_rx_us > p->max_gap_us)
			p->max_gap_us = w.now - p->last_data_rx_us;
		if (p->data_rx++ == 0)
			p->first_data_rx_us = w.now;
		p->last_data_rx_us = w.now;
		if (info.first_in_slot) {
			bond_hs_rx_slot_seen(p->hs, info.hdr.key_slot, w.now);
			apply_events(q->to);
		}
	}
	p->results[res]++;
	rte_pktmbuf_free(m);
}

/* Run the world until t_end, in 1 ms steps. */
static void run_until(uint64_t t_end)
{
	for (; w.now < t_end; w.now += MS) {
		for (int i = 0; i < 2; i++) {
			struct peer *p = &w.p[i];
			if (p->hs == NULL)
				continue;
			uint8_t msg[BOND_HS_MSG_MAX];
			int n;
			while ((n = bond_hs_poll(p->hs, w.now, msg, sizeof(msg))) > 0)
				send_hs(i, msg, (uint16_t)n);
			assert_true(n == 0);
			apply_events(i);
			if (w.now >= p->next_data_us) {
				send_data(i);
				p->next_data_us = w.now + 10 * MS;
			}
		}
		/* Deliver what is due, oldest first (one delay for everything: FIFO). */
		int kept = 0;
		for (int k = 0; k < w.nq; k++) {
			if (w.q[k].at <= w.now) {
				struct qpkt q = w.q[k];
				deliver(&q);
			} else {
				w.q[kept++] = w.q[k];
			}
		}
		w.nq = kept;
	}
}

static void status(int i, struct bond_hs_status *st)
{
	bond_hs_get_status(w.p[i].hs, st);
}

static uint64_t drops(int i)
{
	uint64_t n = 0;
	for (int r = 0; r < BOND_R_MAX; r++)
		if (bond_result_is_drop((enum bond_result)r))
			n += w.p[i].results[r];
	return n;
}

static void both_start(void)
{
	peer_start(0);
	peer_start(1);
}

/* Both start at once: both initiate, one handshake wins, data flows within a few delays. */
static void establishes_once(void **state)
{
	world_init(20 * MS, NULL);
	both_start();
	run_until(1 * S);
	for (int i = 0; i < 2; i++) {
		struct bond_hs_status st;
		status(i, &st);
		assert_true(st.established);
		assert_false(st.initiating);
		assert_int_equal(st.sessions, 1);
		assert_int_equal(drops(i), 0);
		/* INIT, RESP, CONFIRM: data within 4 one-way delays (+ 10 ms data spacing). */
		assert_true(w.p[i].first_data_rx_us <= 4 * 20 * MS + 10 * MS);
		assert_true(w.p[i].max_gap_us <= 10 * MS);
	}
}

static int hs_lost;

/* The first 6 handshake packets, whichever way, are lost. */
static bool lose_first_hs(int from, uint8_t kind, uint64_t now)
{
	return kind != 0 && hs_lost++ < 6;
}

static void survives_handshake_loss(void **state)
{
	hs_lost = 0;
	world_init(20 * MS, lose_first_hs);
	both_start();
	run_until(3 * S);
	for (int i = 0; i < 2; i++) {
		struct bond_hs_status st;
		status(i, &st);
		assert_true(st.established);
		assert_int_equal(st.sessions, 1);
		/* Retries at 100, 200, 400 ms: through well within a second. */
		assert_true(w.p[i].first_data_rx_us < 1 * S);
		assert_int_equal(w.p[i].results[BOND_R_drop_auth], 0);
	}
	assert_int_equal(w.lost, 6);
}

/* Every CONFIRM lost: the responder switches on the initiator's first data packet. */
static bool lose_confirm(int from, uint8_t kind, uint64_t now)
{
	return kind == 3;
}

static void confirm_lost_data_confirms(void **state)
{
	world_init(20 * MS, lose_confirm);
	both_start();
	run_until(2 * S);
	for (int i = 0; i < 2; i++) {
		struct bond_hs_status st;
		status(i, &st);
		assert_true(st.established);
		assert_int_equal(drops(i), 0);
		assert_true(w.p[i].first_data_rx_us < 200 * MS);
		assert_true(w.p[i].max_gap_us <= 10 * MS);
	}
	assert_true(w.lost >= 1);
}

static void restart_one_side(void **state)
{
	world_init(20 * MS, NULL);
	both_start();
	run_until(2 * S);
	uint64_t a_before = w.p[0].data_rx;
	peer_stop(1);
	peer_start(1); /* clock moved on: its INIT is newer than the last one A accepted */
	w.p[1].data_rx = 0;
	uint64_t t0 = w.now;
	run_until(t0 + 2 * S);
	/* Back both ways within a few delays, not seconds. */
	assert_true(w.p[1].first_data_rx_us - t0 < 200 * MS);
	assert_true(w.p[0].last_data_rx_us > t0 + 1 * S);
	assert_true(w.p[0].data_rx > a_before + 150);
	struct bond_hs_status st;
	status(0, &st);
	assert_int_equal(st.sessions, 2);
	/* Only A's packets under the dead session were refused, nothing looked forged. */
	assert_int_equal(w.p[0].results[BOND_R_drop_auth], 0);
	assert_int_equal(w.p[1].results[BOND_R_drop_auth], 0);
	assert_true(w.p[1].results[BOND_R_drop_no_session] <= 10);
}

/* A restarts with its wall clock an hour behind (no RTC): STALE, then back above it. */
static void restart_with_clock_behind(void **state)
{
	world_init(20 * MS, NULL);
	both_start();
	run_until(1 * S);
	/* A rekey initiated by A: B has surely accepted an INIT timestamp from A. */
	bond_hs_request_rekey(w.p[0].hs);
	run_until(2 * S);
	peer_stop(0);
	w.p[0].wall_skew_us = -3600 * (int64_t)S;
	peer_start(0);
	w.p[0].data_rx = 0;
	uint64_t t0 = w.now;
	run_until(t0 + 2 * S);
	assert_true(w.p[1].results[BOND_R_drop_hs_stale] >= 1);
	assert_true(w.p[0].first_data_rx_us - t0 < 300 * MS);
	assert_true(w.p[1].last_data_rx_us > t0 + 1 * S);
	assert_int_equal(w.p[0].results[BOND_R_drop_auth] + w.p[1].results[BOND_R_drop_auth], 0);
}

static void both_restart(void **state)
{
	world_init(20 * MS, NULL);
	both_start();
	run_until(2 * S);
	peer_stop(0);
	peer_stop(1);
	w.nq = 0;
	both_start();
	w.p[0].data_rx = w.p[1].data_rx = 0;
	uint64_t t0 = w.now;
	run_until(t0 + 1 * S);
	for (int i = 0; i < 2; i++) {
		struct bond_hs_status st;
		status(i, &st);
		assert_true(st.established);
		assert_int_equal(st.sessions, 1);
		assert_true(w.p[i].first_data_rx_us - t0 < 150 * MS);
	}
}

/* Both ask for a rekey at once: one new session, not two, and no gap in the data. */
static void simultaneous_rekey(void **state)
{
	world_init(20 * MS, NULL);
	both_start();
	run_until(1 * S);
	bond_hs_request_rekey(w.p[0].hs);
	bond_hs_request_rekey(w.p[1].hs);
	run_until(3 * S);
	for (int i = 0; i < 2; i++) {
		struct bond_hs_status st;
		status(i, &st);
		assert_int_equal(st.sessions, 2);
		assert_int_equal(drops(i), 0);
		assert_true(w.p[i].max_gap_us <= 10 * MS);
	}
}

/* Requests while a rekey is under way (every worker hitting its usage share) make one rekey. */
static void rekey_requests_coalesce(void **state)
{
	world_init(20 * MS, NULL);
	both_start();
	run_until(1 * S);
	for (int k = 0; k < 5; k++) {
		bond_hs_request_rekey(w.p[0].hs);
		run_until(w.now + 10 * MS);
	}
	run_until(3 * S);
	for (int i = 0; i < 2; i++) {
		struct bond_hs_status st;
		status(i, &st);
		assert_int_equal(st.sessions, 2);
		assert_int_equal(drops(i), 0);
	}
}

/* The initiator of the current session rekeys after 120 s; old packets still drain. */
static void rekey_by_time(void **state)
{
	world_init(20 * MS, NULL);
	both_start();
	run_until(BOND_HS_REKEY_AFTER_US + 5 * S);
	for (int i = 0; i < 2; i++) {
		struct bond_hs_status st;
		status(i, &st);
		assert_int_equal(st.sessions, 2);
		assert_int_equal(drops(i), 0);
		assert_true(w.p[i].max_gap_us <= 10 * MS);
	}
}

/* A replayed INIT is refused and changes nothing; the STALE answer is ignored. */
static void replayed_init(void **state)
{
	world_init(20 * MS, NULL);
	both_start();
	run_until(1 * S);
	bond_hs_request_rekey(w.p[0].hs); /* B accepts a newer INIT of A's */
	run_until(2 * S);
	struct bond_hs_status before;
	status(1, &before);
	/* The first INIT that went out, whoever won then. */
	assert_true(w.first_init_len > 0);
	uint8_t reply[BOND_HS_MSG_MAX];
	uint32_t rlen;
	assert_int_equal(bond_hs_input(w.p[1].hs, w.first_init, w.first_init_len, w.now, reply,
	                               sizeof(reply), &rlen),
	                 BOND_R_drop_hs_stale);
	struct bond_hs_event ev;
	assert_int_equal(bond_hs_next_event(w.p[1].hs, &ev), 0);
	assert_int_equal(rlen, BOND_HDR_LEN + 28); /* STALE */
	/* A is not initiating: the STALE answer is unexpected there. */
	uint32_t rlen2;
	assert_int_equal(bond_hs_input(w.p[0].hs, reply, rlen, w.now, reply, sizeof(reply), &rlen2),
	                 BOND_R_drop_hs_unexpected);
	/* Another replay within 100 ms gets no answer (no reflection). */
	assert_int_equal(bond_hs_input(w.p[1].hs, w.first_init, w.first_init_len, w.now, reply,
	                               sizeof(reply), &rlen),
	                 BOND_R_drop_hs_stale);
	assert_int_equal(rlen, 0);
	run_until(3 * S);
	struct bond_hs_status after;
	status(1, &after);
	assert_int_equal(after.sessions, before.sessions);
	assert_int_equal(after.current_slot, before.current_slot);
	assert_true(w.p[1].max_gap_us <= 10 * MS);
}

/* A gateway with another pre-shared key gets nowhere. */
static void wrong_psk(void **state)
{
	world_init(20 * MS, NULL);
	struct bond_psk *other = psk_make(99);
	w.p[1].psk = other;
	both_start();
	run_until(2 * S);
	for (int i = 0; i < 2; i++) {
		struct bond_hs_status st;
		status(i, &st);
		assert_false(st.established);
		assert_true(w.p[i].results[BOND_R_drop_hs_mac] > 0);
		assert_int_equal(w.p[i].data_rx, 0);
	}
	world_teardown(state);
	bond_psk_free(other);
}

static enum bond_result feed(struct bond_hs *hs, const uint8_t *msg, uint32_t len)
{
	uint8_t reply[BOND_HS_MSG_MAX];
	uint32_t rlen;
	return bond_hs_input(hs, msg, len, 0, reply, sizeof(reply), &rlen);
}

static void malformed_messages(void **state)
{
	world_init(20 * MS, NULL);
	peer_start(0);
	struct bond_hs *hs = w.p[0].hs;
	uint8_t init[BOND_HS_MSG_MAX];
	int n = bond_hs_poll(hs, 0, init, sizeof(init));
	assert_int_equal(n, BOND_HDR_LEN + 60);
	uint8_t m[BOND_HS_MSG_MAX + 8];
	/* Header problems come from the header decoder. */
	assert_int_equal(feed(hs, init, BOND_HDR_LEN - 1), BOND_R_drop_truncated);
	memcpy(m, init, (size_t)n);
	m[0] ^= 0x80;
	assert_int_equal(feed(hs, m, (uint32_t)n), BOND_R_drop_version);
	memcpy(m, init, (size_t)n);
	m[0] = (uint8_t)((m[0] & ~0x38) | BOND_TYPE_DATA << 3);
	assert_int_equal(feed(hs, m, (uint32_t)n), BOND_R_drop_type); /* not a handshake */
	/* Body shorter than its kind header, or not the length of its kind. */
	assert_int_equal(feed(hs, init, BOND_HDR_LEN + 3), BOND_R_drop_hs_len);
	assert_int_equal(feed(hs, init, (uint32_t)n - 1), BOND_R_drop_hs_len);
	memcpy(m, init, (size_t)n);
	assert_int_equal(feed(hs, m, (uint32_t)n + 1), BOND_R_drop_hs_len);
	/* Unknown kinds. */
	for (int kind = 0; kind < 256; kind += 5) {
		if (kind >= 1 && kind <= 4)
			continue;
		memcpy(m, init, (size_t)n);
		m[BOND_HDR_LEN] = (uint8_t)kind;
		assert_int_equal(feed(hs, m, (uint32_t)n), BOND_R_drop_hs_kind);
	}
	/* Fields out of range. */
	memcpy(m, init, (size_t)n);
	m[BOND_HDR_LEN + 1] = BOND_KEY_SLOTS;
	assert_int_equal(feed(hs, m, (uint32_t)n), BOND_R_drop_hs_field);
	memcpy(m, init, (size_t)n);
	m[BOND_HDR_LEN + 3] = 1;
	assert_int_equal(feed(hs, m, (uint32_t)n), BOND_R_drop_hs_field);
	/* Any bit of an INIT body changed: the MAC fails. */
	for (int k = BOND_HDR_LEN + 4; k < n; k++) {
		memcpy(m, init, (size_t)n);
		m[k] ^= 0x10;
		assert_int_equal(feed(hs, m, (uint32_t)n), BOND_R_drop_hs_mac);
	}
	/* Responses and confirmations matching nothing. */
	uint8_t resp[BOND_HDR_LEN + 52] = {0}, conf[BOND_HDR_LEN + 20] = {0};
	memcpy(resp, init, BOND_HDR_LEN);
	resp[BOND_HDR_LEN] = 2;
	assert_int_equal(feed(hs, resp, sizeof(resp)), BOND_R_drop_hs_mac); /* initiating */
	memcpy(conf, init, BOND_HDR_LEN);
	conf[BOND_HDR_LEN] = 3;
	assert_int_equal(feed(hs, conf, sizeof(conf)), BOND_R_drop_hs_unexpected);
	struct bond_hs_params bad = {0};
	assert_null(bond_hs_create(&bad));
	assert_null(bond_hs_create(NULL));
	assert_int_equal(bond_hs_poll(hs, 0, init, 10), -ENOSPC);
}

/*
 * Across a restart the sender's link sequences start again at 1, with identical plaintext:
 * had a (key, nonce) pair come back, the ciphertext (keystream XOR plaintext) would repeat
 * byte for byte. Real
 * randomness (arc4random) on both sides, as in the gateway.
 */
static void no_nonce_reuse_across_restart(void **state)
{
	world_init(20 * MS, NULL);
	w.p[0].random = w.p[1].random = NULL;
	both_start();
	run_until(1 * S);
	int before = w.nlog;
	peer_stop(0);
	peer_start(0);
	run_until(2 * S);
	peer_stop(1);
	peer_start(1);
	run_until(3 * S);
	/* Both at once, twice: fresh gateways pick the same key slots every time. */
	for (int k = 0; k < 2; k++) {
		peer_stop(0);
		peer_stop(1);
		w.nq = 0;
		both_start();
		run_until(w.now + 1 * S);
	}
	assert_true(before > 50 && w.nlog > before + 300);
	int same_nonce = 0;
	for (int a = 0; a < w.nlog; a++) {
		for (int b = a + 1; b < w.nlog; b++) {
			/* The ciphertext alone: the tag also covers the header (timestamps). */
			assert_memory_not_equal(w.log[a].sealed, w.log[b].sealed, DATA_LEN);
			same_nonce += w.log[a].link == w.log[b].link &&
			              w.log[a].link_seq == w.log[b].link_seq;
		}
	}
	assert_true(same_nonce > 50); /* the counters did restart: only the keys differ */
}

int main(void)
{
	shared_psk = psk_make(1);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_teardown(establishes_once, world_teardown),
	        cmocka_unit_test_teardown(survives_handshake_loss, world_teardown),
	        cmocka_unit_test_teardown(confirm_lost_data_confirms, world_teardown),
	        cmocka_unit_test_teardown(restart_one_side, world_teardown),
	        cmocka_unit_test_teardown(restart_with_clock_behind, world_teardown),
	        cmocka_unit_test_teardown(both_restart, world_teardown),
	        cmocka_unit_test_teardown(simultaneous_rekey, world_teardown),
	        cmocka_unit_test_teardown(rekey_requests_coalesce, world_teardown),
	        cmocka_unit_test_teardown(rekey_by_time, world_teardown),
	        cmocka_unit_test_teardown(replayed_init, world_teardown),
	        cmocka_unit_test_teardown(wrong_psk, world_teardown),
	        cmocka_unit_test_teardown(malformed_messages, world_teardown),
	        cmocka_unit_test_teardown(no_nonce_reuse_across_restart, world_teardown),
	};
	int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	bond_psk_free((struct bond_psk *)shared_psk);
	return rc;
}
