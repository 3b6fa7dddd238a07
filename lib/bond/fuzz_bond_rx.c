/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the whole receive path of a tunnel packet (decode -> key slot -> ESN
 * inference -> AES-GCM open on the software device -> anti-replay), driven by a script:
 *   raw bytes as a packet;
 *   a packet sealed by a real sender with fuzzer-chosen type, flags, link, length, then
 *   delivered intact, with one byte changed, cut short, or kept for later;
 *   a kept packet delivered again (replays, reordering).
 * Checked: results are valid; what authenticates is exactly what was sealed; a changed or
 * cut packet never opens; a packet opens at most once; the window agrees with a model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "bond_crypto.h"
#include "bond_replay.h"
#include "test_eal.h"

#define KEEP     8
#define MAX_BODY 1500

static struct rte_mempool *pool;
static struct bond_cryptodev dev;
static struct bond_session_keys tx_keys, rx_keys;
static struct bond_psk *psk;
static unsigned int round_no, generation;

/* Keys of a new session (fresh randoms, as every handshake has). */
static void new_keys(void)
{
	uint8_t n_i[BOND_NONCE_LEN], n_r[BOND_NONCE_LEN];
	for (int i = 0; i < 32; i++) {
		n_i[i] = (uint8_t)(i * 3 + generation);
		n_r[i] = (uint8_t)(i * 7 + (generation >> 8));
	}
	generation++;
	bond_session_derive(psk, n_i, n_r, 2, 1, true, &tx_keys, NULL);
	bond_session_derive(psk, n_i, n_r, 2, 1, false, &rx_keys, NULL);
	tx_keys.tx_active = true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pool = test_mbuf_pool();
	struct bond_cryptodev_params p = {
	        .device = "crypto_aesni_gcm0", .n_qps = 1, .n_sessions = 64, .socket_id = -1};
	if (pool == NULL || bond_cryptodev_open(&p, &dev) != 0)
		abort();
	uint8_t raw[BOND_PSK_LEN];
	for (int i = 0; i < 32; i++)
		raw[i] = (uint8_t)i;
	psk = bond_psk_from_bytes(raw);
	if (psk == NULL)
		abort();
	return 0;
}

static struct bond_crypto *ctx(bool sender, uint8_t queue)
{
	char name[32];
	snprintf(name, sizeof(name), "f%u%c", round_no++, sender ? 's' : 'r');
	struct bond_crypto_params p = {
	        .dev = &dev,
	        .copy_pool = pool,
	        .n_links = sender ? 4 : 3, /* link 3 exists only at the sender: drop_link */
	        .peer_queues = 2,
	        .queue = queue,
	        .n_queues = 4,
	        .rx_count = 1,
	        .name = name,
	};
	struct bond_crypto *c = bond_crypto_create(&p);
	if (c == NULL || bond_crypto_install(c, sender ? &tx_keys : &rx_keys) != 0)
		abort();
	return c;
}

struct kept {
	struct rte_mbuf *m; /* sealed bytes (a copy) */
	uint8_t link, queue;
	uint32_t seq;
	uint16_t body;
	uint8_t fill;
};

/* Streams already opened once: (queue, link, seq) of every packet the receiver accepted. */
#define SEEN_MAX 4096
static struct {
	uint8_t link, queue;
	uint32_t seq;
} seen[SEEN_MAX];
static int nseen;

static bool was_seen(uint8_t link, uint8_t queue, uint32_t seq)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i].link == link && seen[i].queue == queue && seen[i].seq == seq)
			return true;
	return false;
}

static struct rte_mbuf *copy_of(const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(pool);
	if (c == NULL)
		abort();
	uint32_t len = rte_pktmbuf_pkt_len(m);
	memcpy(rte_pktmbuf_append(c, (uint16_t)len), rte_pktmbuf_mtod(m, void *), len);
	return c;
}

/* Open one packet and check what came out. intact: the exact bytes a sender sealed. */
static void open_check(struct bond_crypto *rx, struct rte_mbuf *m, const struct kept *k,
                       bool intact)
{
	uint8_t res;
	struct bond_open_info info;
	uint16_t n = bond_crypto_open_burst(rx, &m, 1, &res, &info);
	if ((unsigned int)res >= BOND_R_MAX || n != (res == BOND_R_ok))
		abort();
	if (res == BOND_R_ok) {
		if (k == NULL || !intact)
			abort(); /* forged or changed bytes authenticated */
		if (was_seen(k->link, k->queue, k->seq))
			abort(); /* opened twice */
		if (nseen < SEEN_MAX)
			seen[nseen++] = (typeof(seen[0])){k->link, k->queue, k->seq};
		if (rte_pktmbuf_pkt_len(m) != k->body || info.link_seq != k->seq ||
		    info.hdr.link != k->link || info.hdr.queue != k->queue)
			abort();
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
		for (uint16_t i = 0; i < k->body; i++)
			if (p[i] != (uint8_t)(k->fill + i))
				abort();
	} else if (k != NULL && intact && res == BOND_R_drop_replayed &&
	           !was_seen(k->link, k->queue, k->seq)) {
		abort(); /* called a replay but never opened */
	}
	rte_pktmbuf_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len > 8192)
		return 0;
	new_keys();
	struct bond_crypto *tx[2] = {ctx(true, 0), ctx(true, 1)}, *rx = ctx(false, 0);
	struct kept keep[KEEP] = {0};
	nseen = 0;
	size_t k = 0;
	while (k + 4 <= len) {
		uint8_t op = data[k], a = data[k + 1], b = data[k + 2], c = data[k + 3];
		k += 4;
		switch (op % 4) {
		case 0: { /* raw bytes: the next a bytes */
			size_t n = a < len - k ? a : len - k;
			struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
			memcpy(rte_pktmbuf_append(m, (uint16_t)n), data + k, n);
			k += n;
			open_check(rx, m, NULL, false);
			break;
		}
		case 1: { /* seal, then deliver intact / changed / cut, or keep */
			uint8_t q = (op >> 2) & 1;
			struct kept kp = {.link = a & 3,
			                  .queue = q,
			                  .body = (uint16_t)(b * 6 % MAX_BODY),
			                  .fill = c};
			struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
			uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, kp.body);
			for (uint16_t i = 0; i < kp.body; i++)
				p[i] = (uint8_t)(kp.fill + i);
			struct bond_seal_meta meta = {.type = (uint8_t)(1 + (a >> 2) % 4),
			                              .flags = (uint8_t)((a >> 4) & 3),
			                              .link = kp.link,
			                              .flow_seq = (uint16_t)(b << 8 | c)};
			uint8_t res;
			if (bond_crypto_seal_burst(tx[q], &m, &meta, 1, c, &res) != 1) {
				if (res == BOND_R_ok || !bond_result_is_drop((enum bond_result)res))
					abort();
				rte_pktmbuf_free(m);
				break;
			}
			struct bond_hdr h;
			if (bond_wire_decode(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_pkt_len(m),
			                     &h) != BOND_R_ok)
				abort();
			kp.seq = h.link_seq;
			uint8_t how = (op >> 3) % 4;
			uint32_t plen = rte_pktmbuf_pkt_len(m);
			if (how == 0) {
				open_check(rx, m, &kp, true);
			} else if (how == 1) {
				uint8_t x = (uint8_t)(c | 1);
				rte_pktmbuf_mtod(m, uint8_t *)[(uint32_t)(b << 8 | a) % plen] ^= x;
				open_check(rx, m, &kp, false);
			} else if (how == 2) {
				rte_pktmbuf_trim(m, (uint16_t)(1 + c % plen));
				open_check(rx, m, &kp, false);
			} else {
				struct kept *slot = &keep[b % KEEP];
				rte_pktmbuf_free(slot->m);
				*slot = kp;
				slot->m = m;
			}
			break;
		}
		case 2: { /* a kept packet, again */
			struct kept *slot = &keep[a % KEEP];
			if (slot->m != NULL)
				open_check(rx, copy_of(slot->m), slot, true);
			break;
		}
		case 3: /* a new session at both ends: every stream starts again */
			new_keys();
			if (bond_crypto_install(tx[0], &tx_keys) != 0 ||
			    bond_crypto_install(tx[1], &tx_keys) != 0 ||
			    bond_crypto_install(rx, &rx_keys) != 0)
				abort();
			nseen = 0;
			for (int i = 0; i < KEEP; i++) {
				rte_pktmbuf_free(keep[i].m);
				keep[i].m = NULL;
			}
			break;
		}
	}
	for (int i = 0; i < KEEP; i++)
		rte_pktmbuf_free(keep[i].m);
	bond_crypto_free(tx[0]);
	bond_crypto_free(tx[1]);
	bond_crypto_free(rx);
	return 0;
}
