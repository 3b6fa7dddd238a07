/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/bond AEAD on the software crypto_aesni_gcm device, through both device paths (CPU crypto
 * and enqueue/dequeue): round trip, a known answer from an independent AES-GCM, tampering,
 * truncation, wrong key, replay, limits, chained and shared mbufs, usage limits.
 */
#define ALLOW_EXPERIMENTAL_API 1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "bond_crypto.h"
#include "bond_replay.h"
#include "test_eal.h"

static struct bond_cryptodev dev;
static struct rte_mempool *pool;
static bool use_enqueue;
static unsigned int ctx_seq;

static const bool cpu_mode = false, enqueue_mode = true;

static int group_setup(void **state)
{
	pool = test_mbuf_pool();
	if (pool == NULL)
		return -1;
	struct bond_cryptodev_params p = {
	        .device = "crypto_aesni_gcm0",
	        .n_qps = 2,
	        .n_sessions = 512,
	        .socket_id = SOCKET_ID_ANY,
	};
	return bond_cryptodev_open(&p, &dev);
}

static int group_teardown(void **state)
{
	bond_cryptodev_close(&dev);
	return 0;
}

static int set_mode(void **state)
{
	use_enqueue = *(const bool *)*state;
	return 0;
}

struct ctx_opts {
	uint8_t n_links, peer_queues, queue, n_queues, rx_index, rx_count;
	struct rte_mempool *copy_pool;
};

static struct bond_crypto *ctx_new(struct ctx_opts o)
{
	char name[32];
	snprintf(name, sizeof(name), "t%u", ctx_seq++);
	struct bond_crypto_params p = {
	        .dev = &dev,
	        .qp_id = 0,
	        .copy_pool = o.copy_pool != NULL ? o.copy_pool : pool,
	        .n_links = o.n_links ? o.n_links : 4,
	        .peer_queues = o.peer_queues ? o.peer_queues : 4,
	        .queue = o.queue,
	        .n_queues = o.n_queues ? o.n_queues : 4,
	        .rx_index = o.rx_index,
	        .rx_count = o.rx_count ? o.rx_count : 1,
	        .force_enqueue = use_enqueue,
	        .name = name,
	};
	struct bond_crypto *c = bond_crypto_create(&p);
	assert_non_null(c);
	return c;
}

/* Session keys for A (initiator, sends) and B (responder), from a seed. */
static void keys_for(uint8_t seed, uint8_t slot_a, uint8_t slot_b, struct bond_session_keys *a,
                     struct bond_session_keys *b)
{
	uint8_t raw[BOND_PSK_LEN], n_i[BOND_NONCE_LEN], n_r[BOND_NONCE_LEN];
	for (int i = 0; i < 32; i++) {
		raw[i] = (uint8_t)(i ^ 0x5a);
		n_i[i] = (uint8_t)(seed + i);
		n_r[i] = (uint8_t)(seed * 3 + i);
	}
	struct bond_psk *psk = bond_psk_from_bytes(raw);
	bond_session_derive(psk, n_i, n_r, slot_a, slot_b, true, a, NULL);
	bond_session_derive(psk, n_i, n_r, slot_a, slot_b, false, b, NULL);
	a->tx_active = true;
	bond_psk_free(psk);
}

/* A sender A and a receiver B sharing one session (A's slot 0, B's slot 1). */
static void pair(struct bond_crypto **a, struct ctx_opts oa, struct bond_crypto **b,
                 struct ctx_opts ob, uint8_t seed)
{
	struct bond_session_keys ka, kb;
	keys_for(seed, 0, 1, &ka, &kb);
	*a = ctx_new(oa);
	*b = ctx_new(ob);
	assert_int_equal(bond_crypto_install(*a, &ka), 0);
	assert_int_equal(bond_crypto_install(*b, &kb), 0);
	bond_wipe(&ka, sizeof(ka));
	bond_wipe(&kb, sizeof(kb));
}

static uint8_t pattern(uint32_t i, uint8_t salt)
{
	return (uint8_t)(i * 13 + salt + (i >> 7));
}

static struct rte_mbuf *pkt(uint16_t len, uint8_t salt)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, len);
	assert_true(len == 0 || p != NULL);
	for (uint16_t i = 0; i < len; i++)
		p[i] = pattern(i, salt);
	return m;
}

static void assert_pattern(const struct rte_mbuf *m, uint16_t len, uint8_t salt)
{
	assert_int_equal(rte_pktmbuf_pkt_len(m), len);
	assert_int_equal(m->nb_segs, 1);
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	for (uint16_t i = 0; i < len; i++)
		assert_int_equal(p[i], pattern(i, salt));
}

static enum bond_result seal(struct bond_crypto *c, struct rte_mbuf **m, uint8_t type, uint8_t link,
                             uint16_t flow_seq)
{
	struct bond_seal_meta meta = {.type = type, .link = link, .flow_seq = flow_seq};
	uint8_t res = 0xff;
	uint16_t n = bond_crypto_seal_burst(c, m, &meta, 1, 1000, &res);
	assert_int_equal(n, res == BOND_R_ok ? 1 : 0);
	return res;
}

static enum bond_result open1(struct bond_crypto *c, struct rte_mbuf **m,
                              struct bond_open_info *info)
{
	struct bond_open_info scratch;
	uint8_t res = 0xff;
	uint16_t n = bond_crypto_open_burst(c, m, 1, &res, info ? info : &scratch);
	assert_int_equal(n, res == BOND_R_ok ? 1 : 0);
	return res;
}

/* A one-segment copy of m's bytes. */
static struct rte_mbuf *dup(const struct rte_mbuf *m)
{
	struct rte_mbuf *d = rte_pktmbuf_alloc(pool);
	assert_non_null(d);
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint8_t *dst = (uint8_t *)rte_pktmbuf_append(d, (uint16_t)len);
	const uint8_t *src = rte_pktmbuf_read(m, 0, len, dst);
	if (src != dst)
		memcpy(dst, src, len);
	return d;
}

/*
 * Seal independently of bond_crypto: the test's own nonce construction and raw cryptodev
 * session, for sequences bond_crypto would take millions of packets to reach.
 */
static struct rte_mbuf *raw_seal_text(const struct bond_session_keys *k, struct bond_hdr h,
                                      uint64_t seq, uint16_t len, uint8_t salt, const void *text)
{
	struct rte_crypto_sym_xform x = {
	        .type = RTE_CRYPTO_SYM_XFORM_AEAD,
	        .aead = {.op = RTE_CRYPTO_AEAD_OP_ENCRYPT,
	                 .algo = RTE_CRYPTO_AEAD_AES_GCM,
	                 .key = {.data = k->tx_key, .length = 32},
	                 .iv = {.offset = 0, .length = 12},
	                 .digest_length = 16,
	                 .aad_length = 12},
	};
	void *sess = rte_cryptodev_sym_session_create(dev.dev_id, &x, dev.sess_pool);
	assert_non_null(sess);
	struct rte_mbuf *m = pkt(len, salt);
	if (text != NULL)
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), text, len);
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, BOND_HDR_LEN);
	h.link_seq = (uint32_t)seq;
	h.key_slot = k->tx_slot;
	assert_int_equal(bond_wire_encode(&h, p), 0);
	uint8_t *tag = (uint8_t *)rte_pktmbuf_append(m, 16);
	uint8_t iv[12];
	memcpy(iv, k->tx_salt, 4);
	iv[3] ^= (uint8_t)(h.link << 4 | h.queue);
	for (int i = 0; i < 8; i++)
		iv[4 + i] = (uint8_t)(seq >> (56 - 8 * i));
	struct rte_crypto_vec v = {.base = p + BOND_HDR_LEN, .len = len, .tot_len = len};
	struct rte_crypto_sgl sgl = {.vec = &v, .num = 1};
	struct rte_crypto_va_iova_ptr ivp = {.va = iv}, aad = {.va = p}, dig = {.va = tag};
	int32_t st = -1;
	struct rte_crypto_sym_vec sv = {
	        .num = 1, .src_sgl = &sgl, .iv = &ivp, .digest = &dig, .aad = &aad, .status = &st};
	union rte_crypto_sym_ofs ofs = {.raw = 0};
	assert_int_equal(rte_cryptodev_sym_cpu_crypto_process(dev.dev_id, sess, ofs, &sv), 1);
	assert_int_equal(st, 0);
	rte_cryptodev_sym_session_free(dev.dev_id, sess);
	return m;
}

static struct rte_mbuf *raw_seal(const struct bond_session_keys *k, struct bond_hdr h, uint64_t seq,
                                 uint16_t len, uint8_t salt)
{
	return raw_seal_text(k, h, seq, len, salt, NULL);
}

/* Ciphertext and tag from Python's cryptography AESGCM, for the inputs below. */
static const uint8_t golden[] = {
        0x4a, 0x00, 0x32, 0x12, 0x34, 0x56, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, /* header */
        0xa9, 0xa5, 0x06, 0x34, 0x5b, 0x16, 0xa2, 0x47, 0x46, 0x5f, 0x60, 0xfa,
        0x6b, 0x67, 0x1e, 0x66, 0x56, 0x61, 0x9d, 0xf2, 0xf8, 0x48, 0xed, 0x2d,
        0x48, 0x6e, 0xb3, 0xcf, 0x2d, 0xed, 0xd3, 0xad, 0xae, 0xed, 0x5e, 0xf4,
};

static void known_answer(void **state)
{
	/* key 00..1f, salt cafebabe, link 3, queue 2, sequence 1, ts 0x123456, flow seq 7. */
	struct bond_session_keys k = {.rx_slot = 0, .tx_slot = 1, .tx_active = true};
	for (int i = 0; i < 32; i++)
		k.tx_key[i] = k.rx_key[i] = (uint8_t)i;
	const uint8_t salt[4] = {0xca, 0xfe, 0xba, 0xbe};
	memcpy(k.tx_salt, salt, 4);
	memcpy(k.rx_salt, salt, 4);
	struct bond_crypto *a = ctx_new((struct ctx_opts){.queue = 2, .n_queues = 3});
	assert_int_equal(bond_crypto_install(a, &k), 0);
	const char text[] = "pepgw golden vector!";
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	memcpy(rte_pktmbuf_append(m, 20), text, 20);
	struct bond_seal_meta meta = {.type = BOND_TYPE_DATA, .link = 3, .flow_seq = 7};
	uint8_t res;
	assert_int_equal(bond_crypto_seal_burst(a, &m, &meta, 1, 0x7123456, &res), 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), sizeof(golden));
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), golden, sizeof(golden));
	assert_true(rte_pktmbuf_headroom(m) >= BOND_SEAL_HEADROOM - BOND_HDR_LEN);
	/* The receiver side of the same keys in slot 1 opens it. */
	struct bond_crypto *b = ctx_new((struct ctx_opts){.peer_queues = 3});
	k.rx_slot = 1;
	k.tx_active = false;
	assert_int_equal(bond_crypto_install(b, &k), 0);
	struct bond_open_info info;
	assert_int_equal(open1(b, &m, &info), BOND_R_ok);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), text, 20);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 20);
	assert_int_equal(info.hdr.ts, 0x123456);
	assert_int_equal(info.hdr.flow_seq, 7);
	assert_int_equal(info.hdr.link, 3);
	assert_int_equal(info.hdr.queue, 2);
	assert_int_equal(info.link_seq, 1);
	assert_true(info.first_in_slot);
	rte_pktmbuf_free(m);
	/* The test's own sealer agrees with the same vector (it is used for the far cases). */
	k.tx_slot = 1;
	struct bond_hdr h = {
	        .type = BOND_TYPE_DATA, .link = 3, .queue = 2, .ts = 0x123456, .flow_seq = 7};
	m = raw_seal_text(&k, h, 1, 20, 0, text);
	assert_int_equal(rte_pktmbuf_pkt_len(m), sizeof(golden));
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), golden, sizeof(golden));
	rte_pktmbuf_free(m);
	bond_crypto_free(a);
	bond_crypto_free(b);
}

static void roundtrip_sizes(void **state)
{
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){.queue = 1}, &b, (struct ctx_opts){0}, 1);
	assert_int_equal(bond_crypto_tx_slot(a), 0);
	const uint16_t sizes[] = {0, 1, 20, 64, 1400, 1500, 1900};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t type = sizes[i] < 20 ? BOND_TYPE_PROBE : BOND_TYPE_DATA;
		uint8_t link = (uint8_t)(i % 2);
		struct rte_mbuf *m = pkt(sizes[i], (uint8_t)i);
		assert_int_equal(seal(a, &m, type, link, (uint16_t)(100 + i)), BOND_R_ok);
		assert_int_equal(rte_pktmbuf_pkt_len(m), sizes[i] + BOND_HDR_LEN + BOND_TAG_LEN);
		/* Encrypted: the payload is not in the clear (checked where there is one). */
		if (sizes[i] >= 20) {
			const uint8_t *body = rte_pktmbuf_mtod_offset(m, uint8_t *, BOND_HDR_LEN);
			unsigned int same = 0;
			for (uint16_t j = 0; j < sizes[i]; j++)
				same += body[j] == pattern(j, (uint8_t)i);
			assert_true(same < sizes[i] / 8u);
		}
		struct bond_open_info info;
		assert_int_equal(open1(b, &m, &info), BOND_R_ok);
		assert_pattern(m, sizes[i], (uint8_t)i);
		assert_int_equal(info.hdr.type, type);
		assert_int_equal(info.hdr.link, link);
		assert_int_equal(info.hdr.queue, 1);
		assert_int_equal(info.hdr.key_slot, 1);
		assert_int_equal(info.hdr.flow_seq, 100 + i);
		assert_int_equal(info.hdr.ts, 1000);
		/* Each link counts its own sequence from 1. */
		assert_int_equal(info.link_seq, i / 2 + 1);
		assert_int_equal(info.first_in_slot, i == 0);
		rte_pktmbuf_free(m);
	}
	bond_crypto_free(a);
	bond_crypto_free(b);
}

static void long_burst_and_flags(void **state)
{
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){0}, &b, (struct ctx_opts){0}, 2);
	enum { N = 3 * BOND_CRYPTO_BURST + 5 };
	struct rte_mbuf *m[N];
	struct bond_seal_meta meta[N];
	uint8_t res[N];
	struct bond_open_info info[N];
	for (int i = 0; i < N; i++) {
		m[i] = pkt((uint16_t)(40 + i), (uint8_t)i);
		meta[i] = (struct bond_seal_meta){.type = BOND_TYPE_DATA,
		                                  .flags = (uint8_t)(i % 4),
		                                  .link = (uint8_t)(i % 3),
		                                  .flow_seq = (uint16_t)i};
	}
	assert_int_equal(bond_crypto_seal_burst(a, m, meta, N, 77, res), N);
	assert_int_equal(bond_crypto_open_burst(b, m, N, res, info), N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(res[i], BOND_R_ok);
		assert_int_equal(info[i].hdr.flags, i % 4);
		assert_int_equal(info[i].link_seq, i / 3 + 1);
		assert_pattern(m[i], (uint16_t)(40 + i), (uint8_t)i);
		rte_pktmbuf_free(m[i]);
	}
	bond_crypto_free(a);
	bond_crypto_free(b);
}

/* Every single-bit change anywhere is refused, and none of them moves the window. */
static void tamper_every_byte(void **state)
{
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){0}, &b, (struct ctx_opts){.n_links = 2, .peer_queues = 1}, 3);
	struct rte_mbuf *orig = pkt(64, 9);
	assert_int_equal(seal(a, &orig, BOND_TYPE_DATA, 0, 1), BOND_R_ok);
	uint32_t len = rte_pktmbuf_pkt_len(orig);
	for (uint32_t k = 0; k < len; k++) {
		for (int bit = 0; bit < 8; bit++) {
			struct rte_mbuf *t = dup(orig);
			rte_pktmbuf_mtod(t, uint8_t *)[k] ^= (uint8_t)(1 << bit);
			enum bond_result r = open1(b, &t, NULL);
			assert_int_not_equal(r, BOND_R_ok);
			/* Past the fields the receiver reads in the clear, only the tag can tell.
			 */
			if (k >= 3)
				assert_int_equal(r, BOND_R_drop_auth);
			rte_pktmbuf_free(t);
		}
	}
	struct bond_open_info info;
	assert_int_equal(open1(b, &orig, &info), BOND_R_ok);
	assert_pattern(orig, 64, 9);
	rte_pktmbuf_free(orig);
	bond_crypto_free(a);
	bond_crypto_free(b);
}

static void truncated(void **state)
{
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){0}, &b, (struct ctx_opts){0}, 4);
	struct rte_mbuf *orig = pkt(100, 1);
	assert_int_equal(seal(a, &orig, BOND_TYPE_DATA, 0, 1), BOND_R_ok);
	uint32_t len = rte_pktmbuf_pkt_len(orig);
	for (uint32_t cut = 1; cut <= len; cut++) {
		struct rte_mbuf *t = dup(orig);
		rte_pktmbuf_trim(t, (uint16_t)cut);
		enum bond_result r = open1(b, &t, NULL);
		assert_int_equal(r, len - cut >= BOND_HDR_LEN + BOND_TAG_LEN
		                            ? BOND_R_drop_auth
		                            : BOND_R_drop_truncated);
		rte_pktmbuf_free(t);
	}
	/* Bytes added at the end are refused as well. */
	struct rte_mbuf *t = dup(orig);
	*(uint8_t *)rte_pktmbuf_append(t, 1) = 0;
	assert_int_equal(open1(b, &t, NULL), BOND_R_drop_auth);
	rte_pktmbuf_free(t);
	assert_int_equal(open1(b, &orig, NULL), BOND_R_ok);
	rte_pktmbuf_free(orig);
	bond_crypto_free(a);
	bond_crypto_free(b);
}

static void wrong_key_and_no_session(void **state)
{
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){0}, &b, (struct ctx_opts){0}, 5);
	/* B2 holds another session's keys in the same slot. */
	struct bond_session_keys ka, kb;
	keys_for(6, 0, 1, &ka, &kb);
	struct bond_crypto *b2 = ctx_new((struct ctx_opts){0});
	assert_int_equal(bond_crypto_install(b2, &kb), 0);
	struct rte_mbuf *m = pkt(64, 2);
	assert_int_equal(seal(a, &m, BOND_TYPE_DATA, 0, 1), BOND_R_ok);
	struct rte_mbuf *c = dup(m);
	assert_int_equal(open1(b2, &c, NULL), BOND_R_drop_auth);
	rte_pktmbuf_free(c);
	/* Nothing in the slot the header names. */
	struct bond_crypto *b3 = ctx_new((struct ctx_opts){0});
	kb.rx_slot = 2;
	assert_int_equal(bond_crypto_install(b3, &kb), 0);
	c = dup(m);
	assert_int_equal(open1(b3, &c, NULL), BOND_R_drop_no_session);
	rte_pktmbuf_free(c);
	/* Retired: gone. */
	bond_crypto_retire(b, 1);
	assert_int_equal(open1(b, &m, NULL), BOND_R_drop_no_session);
	rte_pktmbuf_free(m);
	bond_crypto_free(a);
	bond_crypto_free(b);
	bond_crypto_free(b2);
	bond_crypto_free(b3);
	bond_wipe(&ka, sizeof(ka));
	bond_wipe(&kb, sizeof(kb));
}

static void replay_window(void **state)
{
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){0}, &b, (struct ctx_opts){0}, 7);
	/* Duplicate. */
	struct rte_mbuf *m = pkt(64, 3);
	assert_int_equal(seal(a, &m, BOND_TYPE_DATA, 0, 1), BOND_R_ok);
	struct rte_mbuf *copy = dup(m);
	assert_int_equal(open1(b, &m, NULL), BOND_R_ok);
	assert_int_equal(open1(b, &copy, NULL), BOND_R_drop_replayed);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(copy);
	/* In window, out of order: sequence 2 kept back while 3..4097 arrive. */
	struct rte_mbuf *late = pkt(64, 4), *old = NULL;
	assert_int_equal(seal(a, &late, BOND_TYPE_DATA, 0, 2), BOND_R_ok);
	for (uint32_t s = 3; s <= 2 + BOND_REPLAY_WINDOW; s++) {
		struct rte_mbuf *x = pkt(20, 5);
		assert_int_equal(seal(a, &x, BOND_TYPE_DATA, 0, 3), BOND_R_ok);
		if (s == 3)
			old = dup(x);
		if (s == BOND_REPLAY_WINDOW + 1) {
			/* Out of order but still inside the window. */
			struct rte_mbuf *l = dup(late);
			assert_int_equal(open1(b, &l, NULL), BOND_R_ok);
			rte_pktmbuf_free(l);
		}
		assert_int_equal(open1(b, &x, NULL), BOND_R_ok);
		rte_pktmbuf_free(x);
	}
	/* Too old: sequence 2 is now WINDOW behind; 3 is a duplicate one inside. */
	assert_int_equal(open1(b, &late, NULL), BOND_R_drop_too_old);
	assert_int_equal(open1(b, &old, NULL), BOND_R_drop_replayed);
	rte_pktmbuf_free(late);
	rte_pktmbuf_free(old);
	bond_crypto_free(a);
	bond_crypto_free(b);
}

static void far_ahead_and_esn(void **state)
{
	struct bond_session_keys ka, kb;
	keys_for(8, 0, 1, &ka, &kb);
	struct bond_crypto *b = ctx_new((struct ctx_opts){0});
	assert_int_equal(bond_crypto_install(b, &kb), 0);
	struct bond_hdr h = {.type = BOND_TYPE_DATA, .link = 1, .queue = 2};
	struct bond_open_info info;
	/* Authentic but too far ahead: refused, and the window has not moved. */
	struct rte_mbuf *m = raw_seal(&ka, h, BOND_REPLAY_MAX_AHEAD + 1, 64, 1);
	assert_int_equal(open1(b, &m, &info), BOND_R_drop_far_ahead);
	rte_pktmbuf_free(m);
	m = raw_seal(&ka, h, 1, 64, 1);
	assert_int_equal(open1(b, &m, &info), BOND_R_ok);
	rte_pktmbuf_free(m);
	/* Climb to just below 2^32, then past it: the upper bits are inferred (ESN). */
	const uint64_t e = 1ull << 32;
	for (uint64_t s = BOND_REPLAY_MAX_AHEAD; s < e; s += BOND_REPLAY_MAX_AHEAD) {
		m = raw_seal(&ka, h, s, 20, 2);
		assert_int_equal(open1(b, &m, &info), BOND_R_ok);
		rte_pktmbuf_free(m);
	}
	m = raw_seal(&ka, h, e - 10, 20, 2);
	assert_int_equal(open1(b, &m, &info), BOND_R_ok);
	rte_pktmbuf_free(m);
	m = raw_seal(&ka, h, e + 5, 64, 3);
	assert_int_equal(open1(b, &m, &info), BOND_R_ok);
	assert_int_equal(info.link_seq, e + 5);
	assert_pattern(m, 64, 3);
	rte_pktmbuf_free(m);
	/* Low bits of e - 7 arrive after e + 5: the epoch before, still in the window. */
	m = raw_seal(&ka, h, e - 7, 64, 4);
	assert_int_equal(open1(b, &m, &info), BOND_R_ok);
	assert_int_equal(info.link_seq, e - 7);
	rte_pktmbuf_free(m);
	/* The same low bits sealed in the wrong epoch do not authenticate. */
	m = raw_seal(&ka, h, 2 * e - 7, 64, 4);
	assert_int_equal(open1(b, &m, &info), BOND_R_drop_auth);
	rte_pktmbuf_free(m);
	bond_crypto_free(b);
	bond_wipe(&ka, sizeof(ka));
	bond_wipe(&kb, sizeof(kb));
}

static void link_queue_and_owner(void **state)
{
	struct bond_session_keys ka, kb;
	keys_for(9, 0, 1, &ka, &kb);
	struct bond_crypto *a1 = ctx_new((struct ctx_opts){.queue = 1, .n_queues = 2});
	assert_int_equal(bond_crypto_install(a1, &ka), 0);
	struct bond_crypto *b = ctx_new((struct ctx_opts){.n_links = 2, .peer_queues = 1});
	assert_int_equal(bond_crypto_install(b, &kb), 0);
	struct bond_hdr h = {.type = BOND_TYPE_DATA, .link = 3, .queue = 0};
	struct rte_mbuf *m = raw_seal(&ka, h, 1, 64, 1);
	assert_int_equal(open1(b, &m, NULL), BOND_R_drop_link);
	rte_pktmbuf_free(m);
	m = pkt(64, 1);
	assert_int_equal(seal(a1, &m, BOND_TYPE_DATA, 0, 1), BOND_R_ok); /* sender queue 1 */
	assert_int_equal(open1(b, &m, NULL), BOND_R_drop_queue);
	rte_pktmbuf_free(m);
	/* Two receive contexts: each refuses the other's streams. */
	struct bond_crypto *r0 = ctx_new((struct ctx_opts){.rx_index = 0, .rx_count = 2});
	struct bond_crypto *r1 = ctx_new((struct ctx_opts){.rx_index = 1, .rx_count = 2});
	assert_int_equal(bond_crypto_install(r0, &kb), 0);
	assert_int_equal(bond_crypto_install(r1, &kb), 0);
	for (uint8_t link = 0; link < 4; link++) {
		for (uint8_t q = 0; q < 4; q++) {
			h = (struct bond_hdr){.type = BOND_TYPE_DATA, .link = link, .queue = q};
			unsigned int owner = bond_crypto_rx_owner(link, q, 2);
			struct rte_mbuf *x = raw_seal(&ka, h, 1, 64, 1);
			struct rte_mbuf *y = dup(x);
			assert_int_equal(open1(owner == 0 ? r0 : r1, &x, NULL), BOND_R_ok);
			assert_int_equal(open1(owner == 0 ? r1 : r0, &y, NULL),
			                 BOND_R_drop_not_owner);
			rte_pktmbuf_free(x);
			rte_pktmbuf_free(y);
		}
	}
	bond_crypto_free(a1);
	bond_crypto_free(b);
	bond_crypto_free(r0);
	bond_crypto_free(r1);
	bond_wipe(&ka, sizeof(ka));
	bond_wipe(&kb, sizeof(kb));
}

static void header_rejects_and_handshake(void **state)
{
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){0}, &b, (struct ctx_opts){0}, 10);
	struct rte_mbuf *m = pkt(64, 1);
	assert_int_equal(seal(a, &m, BOND_TYPE_DATA, 0, 1), BOND_R_ok);
	const struct {
		uint8_t byte0_and, byte0_or;
		enum bond_result want;
	} cases[] = {
	        {0x3f, 0x00, BOND_R_drop_version},
	        {0x3f, 0x80, BOND_R_drop_version},
	        {0xc7, 0x38, BOND_R_drop_type},
	        {0xff, 0x01, BOND_R_drop_flags},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rte_mbuf *t = dup(m);
		uint8_t *p = rte_pktmbuf_mtod(t, uint8_t *);
		p[0] = (uint8_t)((p[0] & cases[i].byte0_and) | cases[i].byte0_or);
		assert_int_equal(open1(b, &t, NULL), cases[i].want);
		rte_pktmbuf_free(t);
	}
	/* A handshake is handed back untouched. */
	struct rte_mbuf *hs = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(hs, BOND_HDR_LEN + 4);
	struct bond_hdr h = {.type = BOND_TYPE_HANDSHAKE, .link = 2};
	assert_int_equal(bond_wire_encode(&h, p), 0);
	memset(p + BOND_HDR_LEN, 0xab, 4);
	struct bond_open_info info;
	assert_int_equal(open1(b, &hs, &info), BOND_R_handshake);
	assert_int_equal(info.hdr.link, 2);
	assert_int_equal(rte_pktmbuf_pkt_len(hs), BOND_HDR_LEN + 4);
	assert_int_equal(rte_pktmbuf_mtod(hs, uint8_t *)[BOND_HDR_LEN + 3], 0xab);
	rte_pktmbuf_free(hs);
	rte_pktmbuf_free(m);
	bond_crypto_free(a);
	bond_crypto_free(b);
}

static void bad_meta_and_no_key(void **state)
{
	struct bond_crypto *fresh = ctx_new((struct ctx_opts){.n_links = 2});
	struct rte_mbuf *m = pkt(64, 1);
	assert_int_equal(seal(fresh, &m, BOND_TYPE_DATA, 0, 1), BOND_R_drop_no_tx_key);
	struct bond_session_keys ka, kb;
	keys_for(11, 0, 1, &ka, &kb);
	assert_int_equal(bond_crypto_install(fresh, &ka), 0);
	assert_int_equal(seal(fresh, &m, BOND_TYPE_HANDSHAKE, 0, 1), BOND_R_drop_flags);
	assert_int_equal(seal(fresh, &m, 0, 0, 1), BOND_R_drop_flags);
	struct bond_seal_meta meta = {.type = BOND_TYPE_PROBE, .flags = BOND_F_DUPLICATE};
	uint8_t res;
	assert_int_equal(bond_crypto_seal_burst(fresh, &m, &meta, 1, 0, &res), 0);
	assert_int_equal(res, BOND_R_drop_flags);
	assert_int_equal(seal(fresh, &m, BOND_TYPE_DATA, 2, 1), BOND_R_drop_link);
	assert_int_equal(seal(fresh, &m, BOND_TYPE_DATA, BOND_MAX_LINKS, 1), BOND_R_drop_link);
	/* Refusals leave the packet as it was. */
	assert_pattern(m, 64, 1);
	bond_crypto_retire(fresh, 0);
	assert_int_equal(bond_crypto_tx_slot(fresh), -1);
	assert_int_equal(seal(fresh, &m, BOND_TYPE_DATA, 0, 1), BOND_R_drop_no_tx_key);
	assert_int_equal(bond_crypto_activate_tx(fresh, 0), -ENOENT);
	rte_pktmbuf_free(m);
	bond_crypto_free(fresh);
	bond_wipe(&ka, sizeof(ka));
	bond_wipe(&kb, sizeof(kb));
}

/* Chained and shared packets are sealed through a copy: a shared payload is never changed. */
static void chained_and_shared(void **state)
{
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){0}, &b, (struct ctx_opts){0}, 12);
	/* A clone shares its parent's data, like the TCP engine's segments. */
	struct rte_mbuf *parent = pkt(300, 7);
	struct rte_mbuf *clone = rte_pktmbuf_clone(parent, pool);
	assert_non_null(clone);
	assert_int_equal(seal(a, &clone, BOND_TYPE_DATA, 0, 1), BOND_R_ok);
	assert_pattern(parent, 300, 7);
	assert_int_equal(rte_mbuf_refcnt_read(parent), 1); /* the clone was freed */
	assert_int_equal(open1(b, &clone, NULL), BOND_R_ok);
	assert_pattern(clone, 300, 7);
	rte_pktmbuf_free(clone);
	/* A chain of two segments. */
	struct rte_mbuf *head = pkt(100, 0), *tail = rte_pktmbuf_alloc(pool);
	uint8_t *t = (uint8_t *)rte_pktmbuf_append(tail, 150);
	for (int i = 0; i < 150; i++)
		t[i] = pattern((uint32_t)(100 + i), 0);
	assert_int_equal(rte_pktmbuf_chain(head, tail), 0);
	assert_int_equal(seal(a, &head, BOND_TYPE_DATA, 0, 2), BOND_R_ok);
	assert_int_equal(head->nb_segs, 1);
	/* Received as a chain (a reassembled outer datagram): opened through a copy too. */
	struct rte_mbuf *rx = rte_pktmbuf_alloc(pool), *rx2 = rte_pktmbuf_alloc(pool);
	uint32_t len = rte_pktmbuf_pkt_len(head);
	memcpy(rte_pktmbuf_append(rx, 40), rte_pktmbuf_mtod(head, uint8_t *), 40);
	memcpy(rte_pktmbuf_append(rx2, (uint16_t)(len - 40)),
	       rte_pktmbuf_mtod_offset(head, uint8_t *, 40), len - 40);
	assert_int_equal(rte_pktmbuf_chain(rx, rx2), 0);
	assert_int_equal(open1(b, &rx, NULL), BOND_R_ok);
	assert_pattern(rx, 250, 0);
	rte_pktmbuf_free(rx);
	rte_pktmbuf_free(head);
	rte_pktmbuf_free(parent);
	bond_crypto_free(a);
	bond_crypto_free(b);
}

static void copy_pool_empty_and_too_big(void **state)
{
	char name[32];
	snprintf(name, sizeof(name), "tiny%u", ctx_seq);
	struct rte_mempool *tiny =
	        rte_pktmbuf_pool_create(name, 1, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	assert_non_null(tiny);
	struct rte_mbuf *hog = rte_pktmbuf_alloc(tiny);
	assert_non_null(hog);
	struct bond_crypto *a, *b;
	pair(&a, (struct ctx_opts){.copy_pool = tiny}, &b, (struct ctx_opts){0}, 13);
	struct rte_mbuf *parent = pkt(64, 1);
	struct rte_mbuf *clone = rte_pktmbuf_clone(parent, pool);
	assert_int_equal(seal(a, &clone, BOND_TYPE_DATA, 0, 1), BOND_R_drop_no_mbuf);
	rte_pktmbuf_free(clone);
	rte_pktmbuf_free(hog);
	/* A chain longer than one mbuf can hold. */
	struct rte_mbuf *head = pkt(2000, 0), *tail = pkt(100, 0);
	assert_int_equal(rte_pktmbuf_chain(head, tail), 0);
	assert_int_equal(seal(a, &head, BOND_TYPE_DATA, 0, 1), BOND_R_drop_too_big);
	rte_pktmbuf_free(head);
	rte_pktmbuf_free(parent);
	bond_crypto_free(a);
	bond_crypto_free(b);
	rte_mempool_free(tiny);
}

/* Two sessions in one receive burst, as around a rekey. */
static void mixed_slots_in_one_burst(void **state)
{
	struct bond_session_keys ka1, kb1, ka2, kb2;
	keys_for(14, 0, 1, &ka1, &kb1);
	keys_for(15, 2, 3, &ka2, &kb2);
	struct bond_crypto *a = ctx_new((struct ctx_opts){0}), *b = ctx_new((struct ctx_opts){0});
	assert_int_equal(bond_crypto_install(a, &ka1), 0);
	assert_int_equal(bond_crypto_install(b, &kb1), 0);
	struct rte_mbuf *m[6];
	for (int i = 0; i < 6; i++) {
		if (i == 3) {
			assert_int_equal(bond_crypto_install(a, &ka2), 0); /* sends with it now */
			assert_int_equal(bond_crypto_install(b, &kb2), 0);
			assert_int_equal(bond_crypto_tx_slot(a), 2);
		}
		m[i] = pkt(64, (uint8_t)i);
		assert_int_equal(seal(a, &m[i], BOND_TYPE_DATA, 0, 1), BOND_R_ok);
	}
	uint8_t res[6];
	struct bond_open_info info[6];
	/* Interleaved, as two links of different delay deliver them. */
	struct rte_mbuf *order[6] = {m[3], m[0], m[4], m[1], m[5], m[2]};
	assert_int_equal(bond_crypto_open_burst(b, order, 6, res, info), 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(res[i], BOND_R_ok);
		assert_int_equal(info[i].hdr.key_slot, i % 2 == 0 ? 3 : 1);
		/* Link sequences restart with the new session. */
		assert_int_equal(info[i].link_seq, i / 2 + 1);
		rte_pktmbuf_free(order[i]);
	}
	assert_true(info[0].first_in_slot && info[1].first_in_slot);
	assert_false(info[2].first_in_slot || info[3].first_in_slot);
	bond_crypto_free(a);
	bond_crypto_free(b);
	bond_wipe(&ka1, sizeof(ka1));
	bond_wipe(&kb1, sizeof(kb1));
	bond_wipe(&ka2, sizeof(ka2));
	bond_wipe(&kb2, sizeof(kb2));
}

/* Sending returns to an earlier session: its counters continue, and its keys cannot be reset. */
static void tx_switch_keeps_counters(void **state)
{
	struct bond_session_keys ka1, kb1, ka2, kb2;
	keys_for(18, 0, 1, &ka1, &kb1);
	keys_for(19, 2, 3, &ka2, &kb2);
	ka2.tx_active = false;
	struct bond_crypto *a = ctx_new((struct ctx_opts){0}), *b = ctx_new((struct ctx_opts){0});
	assert_int_equal(bond_crypto_install(a, &ka1), 0);
	assert_int_equal(bond_crypto_install(a, &ka2), 0);
	assert_int_equal(bond_crypto_tx_slot(a), 0);
	assert_int_equal(bond_crypto_install(b, &kb1), 0);
	assert_int_equal(bond_crypto_install(b, &kb2), 0);
	const int plan[] = {0, 0, 0, 2, 2, 0, 0, 2};
	const uint64_t want_seq[] = {1, 2, 3, 1, 2, 4, 5, 3};
	for (size_t i = 0; i < sizeof(plan) / sizeof(plan[0]); i++) {
		assert_int_equal(bond_crypto_activate_tx(a, (uint8_t)plan[i]), 0);
		struct rte_mbuf *m = pkt(64, (uint8_t)i);
		assert_int_equal(seal(a, &m, BOND_TYPE_DATA, 1, 1), BOND_R_ok);
		struct bond_open_info info;
		assert_int_equal(open1(b, &m, &info), BOND_R_ok);
		assert_int_equal(info.link_seq, want_seq[i]);
		rte_pktmbuf_free(m);
	}
	/* The same keys again, in their slot or another: refused. */
	assert_int_equal(bond_crypto_install(a, &ka1), -EEXIST);
	ka1.rx_slot = 3;
	assert_int_equal(bond_crypto_install(a, &ka1), -EEXIST);
	bond_crypto_free(a);
	bond_crypto_free(b);
	bond_wipe(&ka1, sizeof(ka1));
	bond_wipe(&kb1, sizeof(kb1));
	bond_wipe(&ka2, sizeof(ka2));
	bond_wipe(&kb2, sizeof(kb2));
}

/* A session seals at most its share of 2^24 packets, and asks for a rekey at half of it. */
static void usage_limits(void **state)
{
	use_enqueue = false;
	struct bond_session_keys ka, kb;
	keys_for(16, 0, 1, &ka, &kb);
	struct bond_crypto *a = ctx_new((struct ctx_opts){.n_queues = 16});
	assert_int_equal(bond_crypto_install(a, &ka), 0);
	const uint64_t soft = BOND_REKEY_AFTER_PACKETS / 16, hard = BOND_REJECT_AFTER_PACKETS / 16;
	struct rte_mbuf *m[BOND_CRYPTO_BURST];
	struct bond_seal_meta meta[BOND_CRYPTO_BURST];
	uint8_t res[BOND_CRYPTO_BURST];
	for (int i = 0; i < BOND_CRYPTO_BURST; i++) {
		m[i] = rte_pktmbuf_alloc(pool);
		meta[i] =
		        (struct bond_seal_meta){.type = BOND_TYPE_PROBE, .link = (uint8_t)(i % 4)};
	}
	uint64_t sealed = 0;
	while (sealed < hard) {
		for (int i = 0; i < BOND_CRYPTO_BURST; i++)
			rte_pktmbuf_reset(m[i]);
		assert_false(bond_crypto_rekey_wanted(a) != (sealed >= soft));
		uint16_t n = bond_crypto_seal_burst(a, m, meta, BOND_CRYPTO_BURST, 0, res);
		assert_int_equal(n, BOND_CRYPTO_BURST);
		sealed += n;
	}
	assert_true(bond_crypto_rekey_wanted(a));
	rte_pktmbuf_reset(m[0]);
	assert_int_equal(bond_crypto_seal_burst(a, m, meta, 1, 0, res), 0);
	assert_int_equal(res[0], BOND_R_drop_key_exhausted);
	/* A new session starts a new count. */
	keys_for(17, 1, 1, &ka, &kb);
	assert_int_equal(bond_crypto_install(a, &ka), 0);
	assert_false(bond_crypto_rekey_wanted(a));
	assert_int_equal(bond_crypto_seal_burst(a, m, meta, 1, 0, res), 1);
	for (int i = 0; i < BOND_CRYPTO_BURST; i++)
		rte_pktmbuf_free(m[i]);
	bond_crypto_free(a);
	bond_wipe(&ka, sizeof(ka));
	bond_wipe(&kb, sizeof(kb));
}

static void bad_params(void **state)
{
	struct bond_crypto_params p = {.dev = &dev,
	                               .copy_pool = pool,
	                               .n_links = 1,
	                               .peer_queues = 1,
	                               .n_queues = 1,
	                               .rx_count = 1,
	                               .name = "bad"};
	struct bond_crypto_params q = p;
	q.n_links = 17;
	assert_null(bond_crypto_create(&q));
	assert_int_equal(rte_errno, EINVAL);
	q = p, q.queue = 1;
	assert_null(bond_crypto_create(&q));
	q = p, q.rx_index = 1;
	assert_null(bond_crypto_create(&q));
	q = p, q.qp_id = 2;
	assert_null(bond_crypto_create(&q));
	assert_null(bond_crypto_create(NULL));
	struct bond_cryptodev d2;
	struct bond_cryptodev_params dp = {
	        .device = "no_such_device0", .n_qps = 1, .n_sessions = 8};
	assert_int_equal(bond_cryptodev_open(&dp, &d2), -ENODEV);
	/* A device without AES-GCM is refused with a reason. */
	dp.device = "crypto_null0";
	assert_int_equal(bond_cryptodev_open(&dp, &d2), -ENOTSUP);
}

#define BOTH(t)                                                                                    \
	cmocka_unit_test_prestate_setup_teardown(t, set_mode, NULL, (void *)&cpu_mode),            \
	        cmocka_unit_test_prestate_setup_teardown(t, set_mode, NULL, (void *)&enqueue_mode)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        BOTH(known_answer),
	        BOTH(roundtrip_sizes),
	        BOTH(long_burst_and_flags),
	        BOTH(tamper_every_byte),
	        BOTH(truncated),
	        BOTH(wrong_key_and_no_session),
	        BOTH(replay_window),
	        BOTH(far_ahead_and_esn),
	        BOTH(link_queue_and_owner),
	        BOTH(header_rejects_and_handshake),
	        BOTH(bad_meta_and_no_key),
	        BOTH(chained_and_shared),
	        BOTH(copy_pool_empty_and_too_big),
	        BOTH(mixed_slots_in_one_burst),
	        BOTH(tx_switch_keeps_counters),
	        cmocka_unit_test(usage_limits),
	        cmocka_unit_test(bad_params),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
