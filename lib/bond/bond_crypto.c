/* SPDX-License-Identifier: BSD-3-Clause */
/* rte_cryptodev_sym_cpu_crypto_process and the session pool are experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API 1

#include "bond_crypto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "bond_handshake.h"
#include "bond_replay.h"
#include "bond_wire_private.h"

#define GCM_IV_LEN        12
/* The IV of the enqueue path lives in the op's private area, right after the sym op. */
#define IV_OFFSET         (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
/* Op private area: the IV (padded to 16) and the op's index in its burst. */
#define OP_PRIV_LEN       32
#define OP_IDX_OFF        16
#define QP_DESCRIPTORS    2048
/*
 * Polls of a queue pair before the enqueue path gives up on a burst. A software device answers
 * on the first poll; an accelerator within microseconds.
 */
#define DEQUEUE_POLLS_MAX 100000000u

struct crypto_slot {
	void *dec; /* decrypt session; NULL: slot empty */
	void *enc; /* encrypt session */
	uint8_t rx_salt[BOND_SALT_LEN];
	uint8_t tx_salt[BOND_SALT_LEN];
	uint8_t peer_slot; /* header key slot of what we send with it */
	bool seen;         /* a packet authenticated in it (reported once) */
	uint64_t id;       /* the session's id (bond_session_keys.id) */
	/*
	 * Send counters belong to the keys, not to the context: switching the send slot away
	 * and back continues them, so a nonce never comes back under one key.
	 */
	uint64_t tx_seq[BOND_MAX_LINKS]; /* last link sequence sent, per link */
	uint64_t tx_packets;
	struct bond_replay *win; /* [link * peer_queues + queue] */
};

struct bond_crypto {
	uint8_t dev_id;
	bool cpu;
	uint16_t qp_id;
	uint8_t n_links, peer_queues, queue, rx_index, rx_count;
	struct rte_mempool *sess_pool;
	struct rte_mempool *op_pool; /* enqueue path only */
	struct rte_mempool *copy_pool;
	struct crypto_slot slot[BOND_KEY_SLOTS];
	int tx_slot;
	uint64_t soft_limit, hard_limit;
	struct bond_replay *windows; /* BOND_KEY_SLOTS x n_links x peer_queues */
};

/* One burst's operations, as both device paths want them. */
struct aead_batch {
	uint16_t n;
	uint16_t idx[BOND_CRYPTO_BURST]; /* index in the caller's burst */
	struct rte_mbuf *m[BOND_CRYPTO_BURST];
	struct rte_crypto_vec vec[BOND_CRYPTO_BURST];
	uint8_t *aad[BOND_CRYPTO_BURST];
	uint8_t *tag[BOND_CRYPTO_BURST];
	uint8_t iv[BOND_CRYPTO_BURST][16];
	int32_t status[BOND_CRYPTO_BURST];
};

static int check_aes_gcm(uint8_t dev_id)
{
	struct rte_cryptodev_sym_capability_idx idx = {
	        .type = RTE_CRYPTO_SYM_XFORM_AEAD,
	        .algo.aead = RTE_CRYPTO_AEAD_AES_GCM,
	};
	const struct rte_cryptodev_symmetric_capability *cap =
	        rte_cryptodev_sym_capability_get(dev_id, &idx);
	if (cap == NULL || rte_cryptodev_sym_capability_check_aead(cap, BOND_KEY_LEN, BOND_TAG_LEN,
	                                                           BOND_HDR_LEN, GCM_IV_LEN) != 0)
		return -ENOTSUP;
	return 0;
}

int bond_cryptodev_open(const struct bond_cryptodev_params *p, struct bond_cryptodev *dev)
{
	if (p == NULL || dev == NULL || p->device == NULL || p->n_qps == 0 || p->n_sessions == 0)
		return -EINVAL;
	memset(dev, 0, sizeof(*dev));
	int id = rte_cryptodev_get_dev_id(p->device);
	if (id < 0) {
		char args[64];
		snprintf(args, sizeof(args), "max_nb_queue_pairs=%u", p->n_qps);
		if (rte_eal_hotplug_add("vdev", p->device, args) != 0) {
			BOND_LOG(ERR, "crypto device %s: not found and not creatable as a vdev",
			         p->device);
			return -ENODEV;
		}
		id = rte_cryptodev_get_dev_id(p->device);
		if (id < 0)
			return -ENODEV;
	}
	dev->dev_id = (uint8_t)id;
	dev->n_qps = p->n_qps;
	dev->socket_id = p->socket_id;
	if (check_aes_gcm(dev->dev_id) != 0) {
		BOND_LOG(ERR, "crypto device %s: no AES-256-GCM (12-byte IV and AAD, 16-byte tag)",
		         p->device);
		return -ENOTSUP;
	}
	struct rte_cryptodev_info info;
	rte_cryptodev_info_get(dev->dev_id, &info);
	dev->cpu_crypto = (info.feature_flags & RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO) != 0;
	if (info.max_nb_queue_pairs < p->n_qps) {
		BOND_LOG(ERR, "crypto device %s: %u queue pairs, %u needed", p->device,
		         info.max_nb_queue_pairs, p->n_qps);
		return -EINVAL;
	}
	char name[RTE_MEMPOOL_NAMESIZE];
	snprintf(name, sizeof(name), "bond_sess_%u", dev->dev_id);
	dev->sess_pool = rte_cryptodev_sym_session_pool_create(
	        name, p->n_sessions, rte_cryptodev_sym_get_private_session_size(dev->dev_id), 0, 0,
	        p->socket_id);
	if (dev->sess_pool == NULL) {
		BOND_LOG(ERR, "crypto device %s: session pool: %s", p->device,
		         rte_strerror(rte_errno));
		return -ENOMEM;
	}
	struct rte_cryptodev_config conf = {
	        .socket_id = p->socket_id,
	        .nb_queue_pairs = p->n_qps,
	        .ff_disable = RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO | RTE_CRYPTODEV_FF_SECURITY,
	};
	int rc = rte_cryptodev_configure(dev->dev_id, &conf);
	for (uint16_t q = 0; rc == 0 && q < p->n_qps; q++) {
		struct rte_cryptodev_qp_conf qp = {
		        .nb_descriptors = QP_DESCRIPTORS,
		        .mp_session = dev->sess_pool,
		};
		rc = rte_cryptodev_queue_pair_setup(dev->dev_id, q, &qp, p->socket_id);
	}
	if (rc == 0)
		rc = rte_cryptodev_start(dev->dev_id);
	if (rc != 0) {
		BOND_LOG(ERR, "crypto device %s: setup failed: %s", p->device, strerror(-rc));
		rte_mempool_free(dev->sess_pool);
		dev->sess_pool = NULL;
		return rc < 0 ? rc : -EIO;
	}
	BOND_LOG(INFO, "crypto device %s (id %u, driver %s): %s", p->device, dev->dev_id,
	         info.driver_name, dev->cpu_crypto ? "CPU crypto" : "enqueue/dequeue");
	return 0;
}

void bond_cryptodev_close(struct bond_cryptodev *dev)
{
	if (dev == NULL || dev->sess_pool == NULL)
		return;
	rte_cryptodev_stop(dev->dev_id);
	rte_cryptodev_close(dev->dev_id);
	rte_mempool_free(dev->sess_pool);
	dev->sess_pool = NULL;
}

struct bond_crypto *bond_crypto_create(const struct bond_crypto_params *p)
{
	if (p == NULL || p->dev == NULL || p->dev->sess_pool == NULL || p->copy_pool == NULL ||
	    p->n_links == 0 || p->n_links > BOND_MAX_LINKS || p->peer_queues == 0 ||
	    p->peer_queues > BOND_MAX_QUEUES || p->n_queues == 0 || p->n_queues > BOND_MAX_QUEUES ||
	    p->queue >= p->n_queues || p->rx_count == 0 || p->rx_count > BOND_MAX_QUEUES ||
	    p->rx_index >= p->rx_count || p->qp_id >= p->dev->n_qps || p->name == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct bond_crypto *c = rte_zmalloc_socket("bond_crypto", sizeof(*c), RTE_CACHE_LINE_SIZE,
	                                           p->dev->socket_id);
	size_t streams = (size_t)p->n_links * p->peer_queues;
	if (c != NULL)
		c->windows = rte_zmalloc_socket(
		        "bond_replay", BOND_KEY_SLOTS * streams * sizeof(struct bond_replay),
		        RTE_CACHE_LINE_SIZE, p->dev->socket_id);
	if (c == NULL || c->windows == NULL) {
		rte_free(c);
		rte_errno = ENOMEM;
		return NULL;
	}
	c->dev_id = p->dev->dev_id;
	c->cpu = p->dev->cpu_crypto && !p->force_enqueue;
	c->qp_id = p->qp_id;
	c->n_links = p->n_links;
	c->peer_queues = p->peer_queues;
	c->queue = p->queue;
	c->rx_index = p->rx_index;
	c->rx_count = p->rx_count;
	c->sess_pool = p->dev->sess_pool;
	c->copy_pool = p->copy_pool;
	c->tx_slot = -1;
	c->soft_limit = BOND_REKEY_AFTER_PACKETS / p->n_queues;
	c->hard_limit = BOND_REJECT_AFTER_PACKETS / p->n_queues;
	for (int s = 0; s < BOND_KEY_SLOTS; s++)
		c->slot[s].win = c->windows + s * streams;
	if (!c->cpu) {
		char name[RTE_MEMPOOL_NAMESIZE];
		snprintf(name, sizeof(name), "bops_%s", p->name);
		c->op_pool = rte_crypto_op_pool_create(name, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
		                                       2 * BOND_CRYPTO_BURST - 1, 0, OP_PRIV_LEN,
		                                       p->dev->socket_id);
		if (c->op_pool == NULL) {
			bond_crypto_free(c);
			rte_errno = ENOMEM;
			return NULL;
		}
	}
	return c;
}

static void slot_clear(struct bond_crypto *c, int s)
{
	struct crypto_slot *sl = &c->slot[s];
	if (sl->dec != NULL)
		rte_cryptodev_sym_session_free(c->dev_id, sl->dec);
	if (sl->enc != NULL)
		rte_cryptodev_sym_session_free(c->dev_id, sl->enc);
	struct bond_replay *win = sl->win;
	bond_wipe(sl, sizeof(*sl));
	sl->win = win;
	if (c->tx_slot == s)
		c->tx_slot = -1;
}

void bond_crypto_free(struct bond_crypto *c)
{
	if (c == NULL)
		return;
	for (int s = 0; s < BOND_KEY_SLOTS; s++)
		slot_clear(c, s);
	rte_mempool_free(c->op_pool);
	rte_free(c->windows);
	rte_free(c);
}

static void *session_create(struct bond_crypto *c, const uint8_t *key, bool encrypt)
{
	struct rte_crypto_sym_xform x = {
	        .type = RTE_CRYPTO_SYM_XFORM_AEAD,
	        .aead =
	                {
	                        .op = encrypt ? RTE_CRYPTO_AEAD_OP_ENCRYPT
	                                      : RTE_CRYPTO_AEAD_OP_DECRYPT,
	                        .algo = RTE_CRYPTO_AEAD_AES_GCM,
	                        .key = {.data = key, .length = BOND_KEY_LEN},
	                        .iv = {.offset = IV_OFFSET, .length = GCM_IV_LEN},
	                        .digest_length = BOND_TAG_LEN,
	                        .aad_length = BOND_HDR_LEN,
	                },
	};
	return rte_cryptodev_sym_session_create(c->dev_id, &x, c->sess_pool);
}

int bond_crypto_install(struct bond_crypto *c, const struct bond_session_keys *k)
{
	if (k->rx_slot >= BOND_KEY_SLOTS || k->tx_slot >= BOND_KEY_SLOTS)
		return -EINVAL;
	/* The same keys again would restart their counters: refused. */
	for (int i = 0; i < BOND_KEY_SLOTS; i++)
		if (c->slot[i].dec != NULL && c->slot[i].id == k->id)
			return -EEXIST;
	int s = k->rx_slot;
	slot_clear(c, s);
	struct crypto_slot *sl = &c->slot[s];
	rte_errno = 0;
	sl->dec = session_create(c, k->rx_key, false);
	sl->enc = sl->dec != NULL ? session_create(c, k->tx_key, true) : NULL;
	if (sl->enc == NULL) {
		int rc = rte_errno != 0 ? -rte_errno : -ENOMEM;
		slot_clear(c, s);
		return rc;
	}
	memcpy(sl->rx_salt, k->rx_salt, BOND_SALT_LEN);
	memcpy(sl->tx_salt, k->tx_salt, BOND_SALT_LEN);
	sl->peer_slot = k->tx_slot;
	sl->id = k->id;
	for (size_t i = 0; i < (size_t)c->n_links * c->peer_queues; i++)
		bond_replay_init(&sl->win[i]);
	if (k->tx_active)
		c->tx_slot = s;
	return 0;
}

int bond_crypto_activate_tx(struct bond_crypto *c, uint8_t slot)
{
	if (slot >= BOND_KEY_SLOTS || c->slot[slot].enc == NULL)
		return -ENOENT;
	c->tx_slot = slot;
	return 0;
}

void bond_crypto_retire(struct bond_crypto *c, uint8_t slot)
{
	if (slot < BOND_KEY_SLOTS)
		slot_clear(c, slot);
}

int bond_crypto_apply(struct bond_crypto *c, const struct bond_hs_event *ev)
{
	switch (ev->type) {
	case BOND_HS_EV_INSTALL:
		return bond_crypto_install(c, &ev->keys);
	case BOND_HS_EV_ACTIVATE_TX:
		return bond_crypto_activate_tx(c, ev->slot);
	case BOND_HS_EV_RETIRE:
		bond_crypto_retire(c, ev->slot);
		return 0;
	}
	return -EINVAL;
}

bool bond_crypto_rekey_wanted(const struct bond_crypto *c)
{
	return c->tx_slot >= 0 && c->slot[c->tx_slot].tx_packets >= c->soft_limit;
}

int bond_crypto_tx_slot(const struct bond_crypto *c)
{
	return c->tx_slot;
}

/*
 * Make *mp one direct, unshared segment with head bytes of headroom and tail of tailroom,
 * copying it into a copy_pool mbuf when it is not (the original is then freed).
 */
static enum bond_result make_writable(struct bond_crypto *c, struct rte_mbuf **mp, uint16_t head,
                                      uint16_t tail)
{
	struct rte_mbuf *m = *mp;
	if (likely(m->nb_segs == 1 && RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1 &&
	           rte_pktmbuf_headroom(m) >= head && rte_pktmbuf_tailroom(m) >= tail))
		return BOND_R_ok;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint16_t off = RTE_MAX(head, (uint16_t)RTE_PKTMBUF_HEADROOM);
	if ((uint32_t)off + len + tail > rte_pktmbuf_data_room_size(c->copy_pool))
		return BOND_R_drop_too_big;
	struct rte_mbuf *n = rte_pktmbuf_alloc(c->copy_pool);
	if (n == NULL)
		return BOND_R_drop_no_mbuf;
	n->data_off = off;
	uint8_t *dst = (uint8_t *)rte_pktmbuf_append(n, (uint16_t)len);
	const uint8_t *src = rte_pktmbuf_read(m, 0, len, dst);
	if (src != dst)
		memcpy(dst, src, len);
	n->port = m->port;
	rte_pktmbuf_free(m);
	*mp = n;
	return BOND_R_ok;
}

/* GCM nonce: salt with the stream id in its last byte, then the 64-bit sequence (big-endian). */
static inline void make_iv(uint8_t iv[16], const uint8_t salt[BOND_SALT_LEN], uint8_t link,
                           uint8_t queue, uint64_t seq)
{
	memcpy(iv, salt, BOND_SALT_LEN);
	iv[3] ^= (uint8_t)(link << 4 | queue);
	uint64_t be = rte_cpu_to_be_64(seq);
	memcpy(iv + 4, &be, 8);
}

static void batch_add(struct aead_batch *b, uint16_t i, struct rte_mbuf *m, uint8_t *hdr,
                      uint32_t body_len)
{
	uint16_t j = b->n++;
	b->idx[j] = i;
	b->m[j] = m;
	b->aad[j] = hdr;
	b->vec[j].base = hdr + BOND_HDR_LEN;
	b->vec[j].iova = 0;
	b->vec[j].len = body_len;
	b->vec[j].tot_len = body_len;
	b->tag[j] = hdr + BOND_HDR_LEN + body_len;
}

static void run_cpu(struct bond_crypto *c, void *sess, struct aead_batch *b)
{
	struct rte_crypto_sgl sgl[BOND_CRYPTO_BURST];
	struct rte_crypto_va_iova_ptr iv[BOND_CRYPTO_BURST], aad[BOND_CRYPTO_BURST],
	        tag[BOND_CRYPTO_BURST];
	for (uint16_t j = 0; j < b->n; j++) {
		sgl[j].vec = &b->vec[j];
		sgl[j].num = 1;
		iv[j].va = b->iv[j];
		iv[j].iova = 0;
		aad[j].va = b->aad[j];
		aad[j].iova = 0;
		tag[j].va = b->tag[j];
		tag[j].iova = 0;
	}
	struct rte_crypto_sym_vec v = {
	        .num = b->n,
	        .src_sgl = sgl,
	        .iv = iv,
	        .digest = tag,
	        .aad = aad,
	        .status = b->status,
	};
	union rte_crypto_sym_ofs ofs = {.raw = 0};
	rte_cryptodev_sym_cpu_crypto_process(c->dev_id, sess, ofs, &v);
}

static void run_enqueue(struct bond_crypto *c, void *sess, struct aead_batch *b)
{
	struct rte_crypto_op *ops[BOND_CRYPTO_BURST];
	for (uint16_t j = 0; j < b->n; j++)
		b->status[j] = EIO;
	if (rte_crypto_op_bulk_alloc(c->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC, ops, b->n) == 0)
		return;
	for (uint16_t j = 0; j < b->n; j++) {
		struct rte_crypto_op *op = ops[j];
		struct rte_mbuf *m = b->m[j];
		uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
		rte_crypto_op_attach_sym_session(op, sess);
		op->sym->m_src = m;
		op->sym->m_dst = NULL;
		op->sym->aead.data.offset = (uint32_t)((uint8_t *)b->vec[j].base - base);
		op->sym->aead.data.length = b->vec[j].len;
		op->sym->aead.digest.data = b->tag[j];
		op->sym->aead.digest.phys_addr = rte_pktmbuf_iova_offset(m, b->tag[j] - base);
		op->sym->aead.aad.data = b->aad[j];
		op->sym->aead.aad.phys_addr = rte_pktmbuf_iova_offset(m, b->aad[j] - base);
		memcpy(rte_crypto_op_ctod_offset(op, uint8_t *, IV_OFFSET), b->iv[j], GCM_IV_LEN);
		*rte_crypto_op_ctod_offset(op, uint16_t *, IV_OFFSET + OP_IDX_OFF) = j;
	}
	uint16_t enq = rte_cryptodev_enqueue_burst(c->dev_id, c->qp_id, ops, b->n);
	for (uint16_t j = enq; j < b->n; j++)
		rte_crypto_op_free(ops[j]);
	uint16_t got = 0;
	for (uint32_t polls = 0; got < enq && polls < DEQUEUE_POLLS_MAX; polls++) {
		struct rte_crypto_op *done[BOND_CRYPTO_BURST];
		uint16_t k = rte_cryptodev_dequeue_burst(c->dev_id, c->qp_id, done, enq - got);
		for (uint16_t i = 0; i < k; i++) {
			uint16_t j = *rte_crypto_op_ctod_offset(done[i], uint16_t *,
			                                        IV_OFFSET + OP_IDX_OFF);
			switch (done[i]->status) {
			case RTE_CRYPTO_OP_STATUS_SUCCESS:
				b->status[j] = 0;
				break;
			case RTE_CRYPTO_OP_STATUS_AUTH_FAILED:
				b->status[j] = EBADMSG;
				break;
			default:
				b->status[j] = EIO;
			}
			rte_crypto_op_free(done[i]);
		}
		got += k;
		if (k == 0)
			rte_pause();
	}
	if (got < enq)
		BOND_LOG(ERR, "crypto device %u: %u operations never completed", c->dev_id,
		         enq - got);
}

static void aead_run(struct bond_crypto *c, void *sess, struct aead_batch *b)
{
	if (b->n == 0)
		return;
	if (c->cpu)
		run_cpu(c, sess, b);
	else
		run_enqueue(c, sess, b);
}

static enum bond_result seal_prepare(struct bond_crypto *c, struct rte_mbuf **mp,
                                     const struct bond_seal_meta *meta, uint64_t ts_us,
                                     struct aead_batch *b, uint16_t i)
{
	struct bond_hdr h = {
	        .type = meta->type,
	        .flags = meta->flags,
	        .key_slot = c->slot[c->tx_slot].peer_slot,
	        .link = meta->link,
	        .queue = c->queue,
	        .flow_seq = meta->flow_seq,
	        .ts = (uint32_t)ts_us & BOND_TS_MASK,
	};
	if (meta->link >= c->n_links)
		return BOND_R_drop_link;
	/* Sealed types only (handshakes go in the clear), data flags on data only. */
	if (meta->type < BOND_TYPE_DATA || meta->type > BOND_TYPE_PROBE_REPLY ||
	    (meta->flags & ~(meta->type == BOND_TYPE_DATA ? BOND_F_DATA_MASK : 0)) != 0)
		return BOND_R_drop_flags;
	struct crypto_slot *sl = &c->slot[c->tx_slot];
	if (unlikely(sl->tx_packets >= c->hard_limit))
		return BOND_R_drop_key_exhausted;
	enum bond_result r = make_writable(c, mp, BOND_SEAL_HEADROOM, BOND_TAG_LEN);
	if (r != BOND_R_ok)
		return r;
	struct rte_mbuf *m = *mp;
	uint32_t body = rte_pktmbuf_pkt_len(m);
	if (body + BOND_HDR_LEN + BOND_TAG_LEN + BOND_OUTER_LEN > UINT16_MAX)
		return BOND_R_drop_too_big;
	uint64_t seq = ++sl->tx_seq[meta->link];
	sl->tx_packets++;
	h.link_seq = (uint32_t)seq;
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, BOND_HDR_LEN);
	bond_wire_encode(&h, p); /* cannot fail: every field was checked above */
	rte_pktmbuf_append(m, BOND_TAG_LEN);
	make_iv(b->iv[b->n], sl->tx_salt, h.link, h.queue, seq);
	batch_add(b, i, m, p, body);
	return BOND_R_ok;
}

uint16_t bond_crypto_seal_burst(struct bond_crypto *c, struct rte_mbuf **pkts,
                                const struct bond_seal_meta *meta, uint16_t n, uint64_t ts_us,
                                uint8_t *res)
{
	uint16_t sealed = 0;
	for (uint16_t start = 0; start < n; start += BOND_CRYPTO_BURST) {
		uint16_t end = RTE_MIN(n, (uint16_t)(start + BOND_CRYPTO_BURST));
		struct aead_batch b;
		b.n = 0;
		for (uint16_t i = start; i < end; i++)
			res[i] = c->tx_slot < 0 ? BOND_R_drop_no_tx_key
			                        : seal_prepare(c, &pkts[i], &meta[i], ts_us, &b, i);
		if (b.n == 0)
			continue;
		aead_run(c, c->slot[c->tx_slot].enc, &b);
		for (uint16_t j = 0; j < b.n; j++) {
			if (b.status[j] != 0)
				res[b.idx[j]] = BOND_R_drop_crypto;
			else
				sealed++;
		}
	}
	return sealed;
}

/* Everything before decryption; on BOND_R_ok the packet is in b_slot's batch. */
static enum bond_result open_prepare(struct bond_crypto *c, struct rte_mbuf **mp,
                                     struct bond_open_info *info, struct aead_batch *b_slot,
                                     uint16_t i, struct bond_replay **win)
{
	enum bond_result r = make_writable(c, mp, 0, 0);
	if (r != BOND_R_ok)
		return r;
	struct rte_mbuf *m = *mp;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct bond_hdr *h = &info->hdr;
	r = bond_wire_decode(p, len, h);
	if (r != BOND_R_ok)
		return r;
	if (h->type == BOND_TYPE_HANDSHAKE)
		return BOND_R_handshake;
	if (h->link >= c->n_links)
		return BOND_R_drop_link;
	if (h->queue >= c->peer_queues)
		return BOND_R_drop_queue;
	if (bond_crypto_rx_owner(h->link, h->queue, c->rx_count) != c->rx_index)
		return BOND_R_drop_not_owner;
	struct crypto_slot *sl = &c->slot[h->key_slot];
	if (sl->dec == NULL)
		return BOND_R_drop_no_session;
	*win = &sl->win[h->link * c->peer_queues + h->queue];
	info->link_seq = bond_replay_infer(*win, h->link_seq);
	make_iv(b_slot[h->key_slot].iv[b_slot[h->key_slot].n], sl->rx_salt, h->link, h->queue,
	        info->link_seq);
	batch_add(&b_slot[h->key_slot], i, m, p, len - BOND_HDR_LEN - BOND_TAG_LEN);
	return BOND_R_ok;
}

uint16_t bond_crypto_open_burst(struct bond_crypto *c, struct rte_mbuf **pkts, uint16_t n,
                                uint8_t *res, struct bond_open_info *info)
{
	uint16_t opened = 0;
	for (uint16_t start = 0; start < n; start += BOND_CRYPTO_BURST) {
		uint16_t end = RTE_MIN(n, (uint16_t)(start + BOND_CRYPTO_BURST));
		struct aead_batch b[BOND_KEY_SLOTS];
		struct bond_replay *win[BOND_CRYPTO_BURST];
		int32_t status[BOND_CRYPTO_BURST];
		for (int s = 0; s < BOND_KEY_SLOTS; s++)
			b[s].n = 0;
		for (uint16_t i = start; i < end; i++) {
			info[i].first_in_slot = false;
			res[i] = open_prepare(c, &pkts[i], &info[i], b, i, &win[i - start]);
		}
		for (int s = 0; s < BOND_KEY_SLOTS; s++) {
			aead_run(c, c->slot[s].dec, &b[s]);
			for (uint16_t j = 0; j < b[s].n; j++)
				status[b[s].idx[j] - start] = b[s].status[j];
		}
		/* Windows move in arrival order, and only for authentic packets. */
		for (uint16_t i = start; i < end; i++) {
			if (res[i] != BOND_R_ok)
				continue;
			int32_t st = status[i - start];
			if (st != 0) {
				res[i] = st == EBADMSG || st == -EBADMSG ? BOND_R_drop_auth
				                                         : BOND_R_drop_crypto;
				continue;
			}
			res[i] = bond_replay_update(win[i - start], info[i].link_seq);
			if (res[i] != BOND_R_ok)
				continue;
			struct crypto_slot *sl = &c->slot[info[i].hdr.key_slot];
			if (!sl->seen) {
				sl->seen = true;
				info[i].first_in_slot = true;
			}
			rte_pktmbuf_adj(pkts[i], BOND_HDR_LEN);
			rte_pktmbuf_trim(pkts[i], BOND_TAG_LEN);
			opened++;
		}
	}
	return opened;
}
