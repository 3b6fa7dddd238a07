/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cycles per packet of the tunnel's security layer on the software AES-GCM device
 * (crypto_aesni_gcm), in bursts of 32, for 64-byte and 1400-byte inner packets:
 *   seal  = bond_crypto_seal_burst (header, link sequence, AES-256-GCM) + bond_wire_push_outer
 *   open  = bond_crypto_open_burst (decode, ESN, AES-256-GCM + tag check, anti-replay)
 *   alone = the device alone (rte_cryptodev_sym_cpu_crypto_process encrypting, then
 *           decrypting, 32 plain buffers of the same sizes): the floor the layer adds to
 * through the CPU-crypto path and the enqueue/dequeue path, and the whole tunnel per packet
 * as a gateway runs it (CPU-crypto path), two links, dynamic scheduler:
 *   send    = bond_sched_pick + flow hash + bond_reorder_seq_next + bond_health_tx, then
 *             seal + outer header (encap + AES-GCM + schedule)
 *   receive = open (decode, ESN, AES-GCM, anti-replay) + bond_health_rx + flow bucket +
 *             bond_reorder_insert, bond_reorder_advance and drain (decap + replay + reorder);
 *             packets arrive in order (a hole's cost is the reorder test's business); one copy
 *             per packet (a small packet's second copy is a second send)
 * Prints only; never fails on time.
 * Each figure is the median of 5 rounds. Usage: bond_bench [bursts per figure, default 20000]
 */
#define ALLOW_EXPERIMENTAL_API 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "bond_crypto.h"
#include "bond_health.h"
#include "bond_reorder.h"
#include "bond_sched.h"
#include "test_eal.h"

#define BURST BOND_CRYPTO_BURST

static struct bond_cryptodev dev;
static struct rte_mempool *pool;
static struct bond_session_keys ka, kb;

static struct bond_crypto *ctx(bool enqueue, const char *name, const struct bond_session_keys *k)
{
	struct bond_crypto_params p = {
	        .dev = &dev,
	        .copy_pool = pool,
	        .n_links = 2,
	        .peer_queues = 1,
	        .n_queues = 1,
	        .rx_count = 1,
	        .force_enqueue = enqueue,
	        .name = name,
	};
	struct bond_crypto *c = bond_crypto_create(&p);
	if (c == NULL || bond_crypto_install(c, k) != 0) {
		fprintf(stderr, "bond_bench: context: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	return c;
}

static void fill(struct rte_mbuf **m, uint16_t size)
{
	if (rte_pktmbuf_alloc_bulk(pool, m, BURST) != 0) {
		fprintf(stderr, "bond_bench: out of mbufs\n");
		exit(1);
	}
	for (int i = 0; i < BURST; i++)
		memset(rte_pktmbuf_append(m[i], size), 0x45, size);
}

struct figure {
	double seal, open;
	uint64_t failures;
};

static struct figure run(bool enqueue, uint16_t size, unsigned int bursts)
{
	static unsigned int seq;
	char na[32], nb[32];
	snprintf(na, sizeof(na), "ba%u", seq);
	snprintf(nb, sizeof(nb), "bb%u", seq++);
	struct bond_crypto *a = ctx(enqueue, na, &ka), *b = ctx(enqueue, nb, &kb);
	struct bond_outer outer = {
	        .src = 0xc0000201, .dst = 0xc6336407, .sport = 4500, .dport = 4500, .df = true};
	struct bond_seal_meta meta[BURST];
	for (int i = 0; i < BURST; i++)
		meta[i] = (struct bond_seal_meta){
		        .type = BOND_TYPE_DATA, .link = (uint8_t)(i & 1), .flow_seq = (uint16_t)i};
	uint64_t seal_cycles = 0, open_cycles = 0, failures = 0;
	for (unsigned int it = 0; it < bursts + bursts / 10; it++) {
		struct rte_mbuf *m[BURST];
		uint8_t res[BURST];
		struct bond_open_info info[BURST];
		fill(m, size);
		uint64_t t0 = rte_rdtsc_precise();
		uint16_t n = bond_crypto_seal_burst(a, m, meta, BURST, it, res);
		for (int i = 0; i < BURST; i++)
			failures += bond_wire_push_outer(m[i], &outer) != 0;
		uint64_t t1 = rte_rdtsc_precise();
		for (int i = 0; i < BURST; i++)
			rte_pktmbuf_adj(m[i], BOND_OUTER_LEN); /* the receiver's parser did this */
		uint64_t t2 = rte_rdtsc_precise();
		uint16_t k = bond_crypto_open_burst(b, m, BURST, res, info);
		uint64_t t3 = rte_rdtsc_precise();
		failures += (uint64_t)(BURST - n) + (uint64_t)(BURST - k);
		if (it >= bursts / 10) { /* the first tenth warms caches up */
			seal_cycles += t1 - t0;
			open_cycles += t3 - t2;
		}
		rte_pktmbuf_free_bulk(m, BURST);
	}
	bond_crypto_free(a);
	bond_crypto_free(b);
	return (struct figure){(double)seal_cycles / bursts / BURST,
	                       (double)open_cycles / bursts / BURST, failures};
}

/* The whole tunnel per packet, both ends (see the top of the file). */
static struct figure run_path(uint16_t size, unsigned int bursts)
{
	static unsigned int seq_no;
	char na[32], nb[32];
	snprintf(na, sizeof(na), "pa%u", seq_no);
	snprintf(nb, sizeof(nb), "pb%u", seq_no++);
	struct bond_crypto *a = ctx(false, na, &ka), *b = ctx(false, nb, &kb);
	/* one copy per packet: a small packet's second copy (bond_sched.h) costs a second send */
	struct bond_sched_params sp = {
	        .kind = BOND_SCHED_DYNAMIC, .n_links = 2, .small_copy_bytes = -1};
	struct bond_sched *sched = bond_sched_create("bench", &sp);
	struct bond_link_view v[2] = {
	        {.usable = true, .rate_bps = 20000000},
	        {.usable = true, .rate_bps = 10000000, .owd_rel_us = 15000},
	};
	struct bond_health_params hp;
	bond_health_params_init(&hp, 2);
	struct bond_health *ha = bond_health_create("a", &hp, 0);
	struct bond_health *hb = bond_health_create("b", &hp, 0);
	struct bond_reorder_params rp;
	bond_reorder_params_init(&rp);
	struct bond_reorder *ro = bond_reorder_create("b", &rp);
	struct bond_reorder_seq *rs = bond_reorder_seq_create(BOND_WIRE_FLOW_BUCKETS);
	if (sched == NULL || ha == NULL || hb == NULL || ro == NULL || rs == NULL ||
	    bond_sched_set_links(sched, v, 2) != 0) {
		fprintf(stderr, "bond_bench: path objects: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	struct bond_outer outer = {
	        .src = 0xc0000201, .dst = 0xc6336407, .sport = 4500, .dport = 4500, .df = true};
	/* 32 packets of the size at 30 Mbit/s: the clock moves as on the dicom-branch bond */
	uint64_t burst_us = (uint64_t)BURST * (size + BOND_OVERHEAD) * 8 / 30;
	uint64_t tx_cycles = 0, rx_cycles = 0, failures = 0, now = 1000000;
	for (unsigned int it = 0; it < bursts + bursts / 10; it++, now += burst_us) {
		struct rte_mbuf *m[BURST];
		struct bond_seal_meta meta[BURST];
		uint8_t res[BURST];
		struct bond_open_info info[BURST];
		void *out[2 * BURST];
		fill(m, size);
		uint64_t t0 = rte_rdtsc_precise();
		for (int i = 0; i < BURST; i++) {
			uint8_t links[BOND_SCHED_MAX_COPIES];
			uint32_t bucket, len = rte_pktmbuf_data_len(m[i]);
			int n = bond_sched_pick(sched, len + BOND_OVERHEAD, now, links);
			uint32_t rseq = bond_reorder_seq_next(
			        rs, bond_wire_flow_hash(rte_pktmbuf_mtod(m[i], uint8_t *), len),
			        &bucket);
			failures += n < 1;
			meta[i] = (struct bond_seal_meta){.type = BOND_TYPE_DATA,
			                                  .link = n < 1 ? 0 : links[0],
			                                  .flow_seq = (uint16_t)rseq};
			bond_health_tx(ha, meta[i].link, len + BOND_OVERHEAD);
		}
		uint16_t n = bond_crypto_seal_burst(a, m, meta, BURST, now, res);
		for (int i = 0; i < BURST; i++)
			failures += bond_wire_push_outer(m[i], &outer) != 0;
		uint64_t t1 = rte_rdtsc_precise();
		for (int i = 0; i < BURST; i++)
			rte_pktmbuf_adj(m[i], BOND_OUTER_LEN); /* the receiver's parser did this */
		uint64_t t2 = rte_rdtsc_precise();
		uint16_t k = bond_crypto_open_burst(b, m, BURST, res, info);
		for (int i = 0; i < BURST; i++) {
			uint32_t len = rte_pktmbuf_data_len(m[i]);
			const uint8_t *ip = rte_pktmbuf_mtod(m[i], const uint8_t *);
			bond_health_rx(hb, info[i].hdr.link, info[i].hdr.queue, info[i].link_seq,
			               info[i].hdr.ts, len + BOND_OVERHEAD, now);
			struct bond_reorder_meta rm = {.bucket = bond_wire_flow_bucket(ip, len),
			                               .seq = info[i].hdr.flow_seq,
			                               .sender_ts = info[i].hdr.ts,
			                               .link = info[i].hdr.link};
			failures += bond_reorder_insert(ro, m[i], &rm, now) < 0;
		}
		bond_reorder_advance(ro, now);
		unsigned int got = bond_reorder_drain(ro, out, RTE_DIM(out));
		uint64_t t3 = rte_rdtsc_precise();
		failures += (uint64_t)(BURST - n) + (uint64_t)(BURST - k) + (uint64_t)(BURST - got);
		if (it >= bursts / 10) {
			tx_cycles += t1 - t0;
			rx_cycles += t3 - t2;
		}
		rte_pktmbuf_free_bulk((struct rte_mbuf **)out, got);
	}
	bond_reorder_seq_free(rs);
	bond_reorder_free(ro);
	bond_health_free(hb);
	bond_health_free(ha);
	bond_sched_free(sched);
	bond_crypto_free(a);
	bond_crypto_free(b);
	return (struct figure){(double)tx_cycles / bursts / BURST,
	                       (double)rx_cycles / bursts / BURST, failures};
}

/*
 * The device alone: AES-256-GCM encryption of 32 buffers in place in one cpu_crypto_process
 * call, then their decryption (tags verified), with the same sizes and AAD.
 */
static struct figure run_raw(uint16_t size, unsigned int bursts)
{
	void *sess[2];
	for (int d = 0; d < 2; d++) {
		struct rte_crypto_sym_xform x = {
		        .type = RTE_CRYPTO_SYM_XFORM_AEAD,
		        .aead = {.op = d == 0 ? RTE_CRYPTO_AEAD_OP_ENCRYPT
		                              : RTE_CRYPTO_AEAD_OP_DECRYPT,
		                 .algo = RTE_CRYPTO_AEAD_AES_GCM,
		                 .key = {.data = ka.tx_key, .length = 32},
		                 .iv = {.offset = 0, .length = 12},
		                 .digest_length = 16,
		                 .aad_length = 12},
		};
		sess[d] = rte_cryptodev_sym_session_create(dev.dev_id, &x, dev.sess_pool);
	}
	static uint8_t buf[BURST][BOND_HDR_LEN + 1500 + BOND_TAG_LEN];
	uint8_t iv[BURST][12] = {{0}};
	struct rte_crypto_vec v[BURST];
	struct rte_crypto_sgl sgl[BURST];
	struct rte_crypto_va_iova_ptr ivp[BURST], aad[BURST], dig[BURST];
	int32_t st[BURST];
	for (int i = 0; i < BURST; i++) {
		v[i] = (struct rte_crypto_vec){
		        .base = buf[i] + BOND_HDR_LEN, .len = size, .tot_len = size};
		sgl[i] = (struct rte_crypto_sgl){.vec = &v[i], .num = 1};
		ivp[i].va = iv[i];
		aad[i].va = buf[i];
		dig[i].va = buf[i] + BOND_HDR_LEN + size;
	}
	struct rte_crypto_sym_vec sv = {
	        .num = BURST, .src_sgl = sgl, .iv = ivp, .digest = dig, .aad = aad, .status = st};
	union rte_crypto_sym_ofs ofs = {.raw = 0};
	uint64_t cycles[2] = {0, 0}, failures = 0;
	for (unsigned int it = 0; it < bursts + bursts / 10; it++) {
		for (int i = 0; i < BURST; i++)
			iv[i][11] = (uint8_t)it;
		for (int d = 0; d < 2; d++) {
			uint64_t t0 = rte_rdtsc_precise();
			uint32_t n =
			        rte_cryptodev_sym_cpu_crypto_process(dev.dev_id, sess[d], ofs, &sv);
			uint64_t t1 = rte_rdtsc_precise();
			failures += BURST - n;
			if (it >= bursts / 10)
				cycles[d] += t1 - t0;
		}
	}
	rte_cryptodev_sym_session_free(dev.dev_id, sess[0]);
	rte_cryptodev_sym_session_free(dev.dev_id, sess[1]);
	return (struct figure){(double)cycles[0] / bursts / BURST,
	                       (double)cycles[1] / bursts / BURST, failures};
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

#define ROUNDS 5

static double median(double *v)
{
	qsort(v, ROUNDS, sizeof(double), cmp_double);
	return v[ROUNDS / 2];
}

int main(int argc, char **argv)
{
	unsigned int bursts = argc > 1 ? (unsigned int)atoi(argv[1]) : 20000;
	if (bursts < 10)
		bursts = 10;
	if (test_eal_init() != 0) {
		fprintf(stderr, "bond_bench: EAL init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("bench_pool", 4095, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                               SOCKET_ID_ANY);
	struct bond_cryptodev_params p = {
	        .device = "crypto_aesni_gcm0", .n_qps = 1, .n_sessions = 64, .socket_id = -1};
	if (pool == NULL || bond_cryptodev_open(&p, &dev) != 0) {
		fprintf(stderr, "bond_bench: no mbuf pool or crypto device\n");
		return 1;
	}
	uint8_t raw[BOND_PSK_LEN] = {1}, n_i[BOND_NONCE_LEN] = {2}, n_r[BOND_NONCE_LEN] = {3};
	struct bond_psk *psk = bond_psk_from_bytes(raw);
	bond_session_derive(psk, n_i, n_r, 0, 1, true, &ka, NULL);
	bond_session_derive(psk, n_i, n_r, 0, 1, false, &kb, NULL);
	ka.tx_active = true;
	bond_psk_free(psk);
	printf("bond_bench: %u bursts of %d per figure, median of %d rounds, TSC %.2f GHz, device "
	       "%s CPU crypto\n",
	       bursts, BURST, ROUNDS, (double)rte_get_tsc_hz() / 1e9,
	       dev.cpu_crypto ? "with" : "without");
	printf("cycles per packet      encrypt side          decrypt side\n");
	const uint16_t sizes[] = {64, 1400};
	const char *names[] = {"AES-GCM alone", "cpu crypto path", "enqueue path", "whole tunnel"};
	const char *tx_names[] = {"encrypt   ", "seal+outer", "seal+outer", "send      "};
	const char *rx_names[] = {"decrypt    ", "open+replay", "open+replay", "receive    "};
	for (int s = 0; s < 2; s++) {
		double fig[4][2][ROUNDS];
		uint64_t failures = 0;
		/* Rounds interleave the four, so a neighbour's load spreads over all of them. */
		for (int r = 0; r < ROUNDS; r++) {
			struct figure f[4] = {
			        run_raw(sizes[s], bursts), run(false, sizes[s], bursts),
			        run(true, sizes[s], bursts), run_path(sizes[s], bursts)};
			for (int k = 0; k < 4; k++) {
				fig[k][0][r] = f[k].seal;
				fig[k][1][r] = f[k].open;
				failures += f[k].failures;
			}
		}
		for (int k = 0; k < 4; k++)
			printf("%5u B %-16s %s %6.0f  %s %6.0f\n", sizes[s], names[k], tx_names[k],
			       median(fig[k][0]), rx_names[k], median(fig[k][1]));
		if (failures)
			printf("FAILURES: %llu packets\n", (unsigned long long)failures);
	}
	bond_cryptodev_close(&dev);
	return 0;
}
