/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wanem engine, the random parts: loss (Bernoulli and Gilbert-Elliott), duplication,
 * reordering, blackhole and determinism for a seed. Statistical bounds are computed from the
 * model so that a wrong rate cannot pass; each seed is fixed, so every run is the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wanem.h"
#include "wanem_test_util.h"

/* z for a two-sided 99% interval */
#define Z99 2.5758

static struct wanem *make(const struct wanem_params *p)
{
	struct wanem *w = wanem_create("test", p);
	assert_non_null(w);
	return w;
}

static void free_all(struct wanem *w)
{
	void *pkts[256];
	while (wanem_flush(w, pkts, 256) > 0)
		;
	wanem_free(w);
}

/* Count is inside the binomial 99% interval (normal approximation) of n trials at p. */
static void assert_binomial_99(uint64_t count, uint64_t n, double p)
{
	double mean = (double)n * p;
	double sd = sqrt((double)n * p * (1 - p));
	print_message("  count %lu expected %.1f +- %.1f\n", (unsigned long)count, mean, Z99 * sd);
	assert_true(fabs((double)count - mean) <= Z99 * sd);
}

static void random_loss_in_binomial_99_interval(void **state)
{
	const double rates[] = {0.005, 0.01, 0.02};
	enum { N = 100000 };

	for (unsigned int k = 0; k < 3; k++) {
		struct wanem_params p;
		struct wanem_stats s;
		uint64_t lost = 0;

		wanem_params_init(&p);
		p.loss = rates[k];
		p.seed = 1000 + k;
		p.max_packets = N;
		struct wanem *w = make(&p);
		for (unsigned int i = 0; i < N; i++)
			if (wanem_enqueue(w, PKT(i), 100, 86, i, 0) == WANEM_DROP_LOSS)
				lost++;
		wanem_stats_get(w, &s);
		assert_int_equal(s.c[WANEM_C_drop_loss], lost);
		assert_binomial_99(lost, N, rates[k]);
		free_all(w);
	}
}

/*
 * Run n packets through a Gilbert-Elliott link and return the loss fraction and the mean
 * length of runs of consecutive losses.
 */
static void ge_run(double gp, double gr, double lb, double lg, unsigned int n, double *loss,
                   double *mean_burst)
{
	struct wanem_params p;
	uint64_t lost = 0, bursts = 0;
	bool prev = false;

	wanem_params_init(&p);
	p.loss_model = WANEM_LOSS_GILBERT_ELLIOTT;
	p.ge_p = gp;
	p.ge_r = gr;
	p.loss_bad = lb;
	p.loss_good = lg;
	p.seed = 42;
	p.max_packets = 1024;
	struct wanem *w = make(&p);
	void *tx[1024], *drop[1024];
	unsigned int nd;
	for (unsigned int i = 0; i < n; i++) {
		bool l = wanem_enqueue(w, PKT(i), 100, 86, i, 0) == WANEM_DROP_LOSS;
		lost += l;
		bursts += l && !prev;
		prev = l;
		wanem_dequeue(w, i, tx, 1024, drop, &nd);
	}
	*loss = (double)lost / n;
	*mean_burst = bursts ? (double)lost / bursts : 0;
	free_all(w);
}

static void gilbert_elliott_loss_and_burst_length(void **state)
{
	double loss, burst;

	/*
	 * Classic Gilbert (loss only in the bad state): loss = p / (p + r), bursts are stays in
	 * the bad state, geometric with mean 1 / r. Losses are correlated, so the interval is
	 * wider than a binomial one: with 1e6 packets and ~38000 losses in ~9600 bursts the
	 * relative standard error is about 1.5%; 6% is 4 sigma and still far from a wrong model
	 * (independent loss at the same rate would give bursts of 1.04).
	 */
	ge_run(0.01, 0.25, 1.0, 0.0, 1000000, &loss, &burst);
	print_message("  loss %.5f (expect %.5f) burst %.3f (expect 4)\n", loss, 0.01 / 0.26,
	              burst);
	assert_true(fabs(loss - 0.01 / 0.26) / (0.01 / 0.26) < 0.06);
	assert_true(fabs(burst - 4.0) / 4.0 < 0.06);

	/* Elliott's extension: loss_bad < 1 and loss_good > 0 weigh the two states. */
	ge_run(0.02, 0.2, 0.5, 0.001, 1000000, &loss, &burst);
	double expect = 0.02 / 0.22 * 0.5 + 0.2 / 0.22 * 0.001;
	print_message("  loss %.5f (expect %.5f)\n", loss, expect);
	assert_true(fabs(loss - expect) / expect < 0.06);
}

static void duplication_rate(void **state)
{
	enum { N = 100000 };
	struct wanem_params p;
	struct wanem_stats s;
	uint64_t asked = 0;

	wanem_params_init(&p);
	p.duplicate = 0.05;
	p.seed = 3;
	p.max_packets = 2 * N;
	struct wanem *w = make(&p);
	for (unsigned int i = 0; i < N; i++) {
		if (wanem_enqueue(w, PKT(i), 100, 86, i, 0) == WANEM_QUEUED_DUP) {
			asked++;
			/* a copy is never duplicated again */
			assert_int_equal(wanem_enqueue(w, PKT(i), 100, 86, i, WANEM_F_DUPLICATE),
			                 WANEM_QUEUED);
		}
	}
	assert_binomial_99(asked, N, 0.05);
	wanem_stats_get(w, &s);
	assert_int_equal(s.c[WANEM_C_duplicated], asked);
	assert_int_equal(s.c[WANEM_C_in_packets], N);
	assert_int_equal(s.delay_line_packets, N + asked);
	free_all(w);
}

static void reordering_rate(void **state)
{
	enum { N = 100000 };
	struct wanem_params p;
	struct wanem_stats s;
	static struct delivery d[N];
	uint64_t late = 0;

	wanem_params_init(&p);
	p.delay_us = 10000;
	p.reorder = 0.03;
	p.reorder_delay_us = 5000;
	p.jitter_keeps_order = true; /* only the reorder probability may reorder */
	p.seed = 5;
	struct wanem *w = make(&p);
	unsigned int k = 0;
	for (unsigned int i = 0; i < N; i++) {
		wanem_enqueue(w, PKT(i), 100, 86, (uint64_t)i * 100, 0);
		k += drain_until(w, (uint64_t)i * 100, d + k, N - k, NULL);
	}
	k += drain_until(w, UINT64_MAX - 1, d + k, N - k, NULL);
	assert_int_equal(k, N);
	wanem_stats_get(w, &s);
	assert_binomial_99(s.c[WANEM_C_reordered], N, 0.03);
	/* every held-back packet arrives exactly reorder_delay_us late, after later packets */
	for (unsigned int i = 0; i < N; i++) {
		uint64_t delay = d[i].t_us - d[i].id * 100;
		assert_true(delay == 10000 || delay == 15000);
		late += delay == 15000;
	}
	assert_int_equal(late, s.c[WANEM_C_reordered]);
	uint64_t inversions = 0;
	for (unsigned int i = 1; i < N; i++)
		inversions += d[i].id < d[i - 1].id;
	assert_true(inversions > 0);
	assert_true(inversions <= late);
	wanem_free(w);
}

static void blackhole_drops_everything_and_lifting_resumes(void **state)
{
	struct wanem_params p;
	struct wanem_stats s;
	void *tx[64], *drop[64];
	unsigned int nd, n;

	wanem_params_init(&p);
	p.delay_us = 20000;
	p.rate_bps = 10000000;
	p.queue_bytes = 100000;
	struct wanem *w = make(&p);
	for (unsigned int i = 0; i < 10; i++)
		assert_int_equal(wanem_enqueue(w, PKT(i), 1000, 986, 0, 0), WANEM_QUEUED);
	/* 10 in flight or queued; down at 5 ms: nothing more is delivered */
	wanem_set_down(w, true);
	assert_int_equal(wanem_enqueue(w, PKT(10), 1000, 986, 5000, 0), WANEM_DROP_BLACKHOLE);
	unsigned int dropped = 0, delivered = 0;
	for (uint64_t t = 5000; t < 100000; t += 100) {
		n = wanem_dequeue(w, t, tx, 64, drop, &nd);
		delivered += n;
		dropped += nd;
	}
	assert_int_equal(delivered, 0);
	assert_int_equal(dropped, 10);
	wanem_stats_get(w, &s);
	assert_int_equal(s.c[WANEM_C_drop_blackhole], 11);
	assert_int_equal(s.queue_packets + s.delay_line_packets, 0);

	/* lifted: the next packet goes through with the configured delay */
	wanem_set_down(w, false);
	assert_int_equal(wanem_enqueue(w, PKT(20), 1000, 986, 200000, 0), WANEM_QUEUED);
	assert_int_equal(wanem_dequeue(w, 219999, tx, 64, drop, &nd), 0);
	assert_int_equal(wanem_dequeue(w, 220000, tx, 64, drop, &nd), 1);
	assert_ptr_equal(tx[0], PKT(20));

	/* down through set_params too */
	p.down = true;
	assert_int_equal(wanem_set_params(w, &p, 300000), 0);
	assert_int_equal(wanem_enqueue(w, PKT(21), 1000, 986, 300000, 0), WANEM_DROP_BLACKHOLE);
	wanem_free(w);
}

/* Run a fully impaired link and write (id, time) of each delivery; returns the count. */
static unsigned int impaired_run(uint64_t seed, struct delivery *d, unsigned int max)
{
	struct wanem_params p;
	unsigned int k = 0;

	wanem_params_init(&p);
	p.rate_bps = 5000000;
	p.queue_bytes = 30000;
	p.delay_us = 20000;
	p.jitter_us = 5000;
	p.loss_model = WANEM_LOSS_GILBERT_ELLIOTT;
	p.ge_p = 0.02;
	p.ge_r = 0.3;
	p.duplicate = 0.01;
	p.reorder = 0.02;
	p.seed = seed;
	struct wanem *w = make(&p);
	for (unsigned int i = 0; i < 20000; i++) {
		uint64_t t = (uint64_t)i * 500;
		if (wanem_enqueue(w, PKT(i), 200 + (i * 37) % 1300, 186, t, 0) == WANEM_QUEUED_DUP)
			wanem_enqueue(w, PKT(i), 200 + (i * 37) % 1300, 186, t, WANEM_F_DUPLICATE);
		k += drain_until(w, t, d + k, max - k, NULL);
	}
	k += drain_until(w, UINT64_MAX - 1, d + k, max - k, NULL);
	struct wanem_stats s;
	wanem_stats_get(w, &s);
	/* conservation: in + duplicated = out + drops (nothing left held) */
	uint64_t drops = 0;
	for (int c = 0; c < WANEM_C_MAX; c++)
		if (wanem_counter_descs()[c].kind == STAT_KIND_drop)
			drops += s.c[c];
	assert_int_equal(s.c[WANEM_C_in_packets] + s.c[WANEM_C_duplicated],
	                 s.c[WANEM_C_out_packets] + drops);
	assert_int_equal(s.c[WANEM_C_out_packets], k);
	wanem_free(w);
	return k;
}

static void same_seed_same_output(void **state)
{
	enum { MAX = 30000 };
	static struct delivery a[MAX], b[MAX], c[MAX];

	unsigned int na = impaired_run(99, a, MAX);
	unsigned int nb = impaired_run(99, b, MAX);
	unsigned int nc = impaired_run(100, c, MAX);
	assert_true(na > 5000); /* 13.6 Mbit/s offered into 5 Mbit/s */
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof(a[0]));
	/* and the seed matters */
	assert_true(na != nc || memcmp(a, c, na * sizeof(a[0])) != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(random_loss_in_binomial_99_interval),
	        cmocka_unit_test(gilbert_elliott_loss_and_burst_length),
	        cmocka_unit_test(duplication_rate),
	        cmocka_unit_test(reordering_rate),
	        cmocka_unit_test(blackhole_drops_everything_and_lifting_resumes),
	        cmocka_unit_test(same_seed_same_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
