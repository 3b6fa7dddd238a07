/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tcp_rto.h"

#define MS 1000u

/* The RFC 6298 arithmetic in floating point, as the reference. */
struct ref {
	double srtt, rttvar;
	int has;
};

static double ref_sample(struct ref *f, double r, double g, double min, double max)
{
	if (!f->has) {
		f->srtt = r;
		f->rttvar = r / 2;
		f->has = 1;
	} else {
		f->rttvar = 0.75 * f->rttvar + 0.25 * fabs(f->srtt - r);
		f->srtt = 0.875 * f->srtt + 0.125 * r;
	}
	double rto = f->srtt + fmax(g, 4 * f->rttvar);
	return fmin(fmax(rto, min), max);
}

static void initial_rto_before_any_sample(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r, 1000 * MS, 200 * MS, 60000 * MS, 1 * MS);
	assert_int_equal(tcp_rto_timeout_us(&r), 1000 * MS);
	assert_false(r.has_sample);
}

static void first_sample_sets_srtt_and_half_rttvar(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r, 1000 * MS, 1 * MS, 60000 * MS, 1 * MS);
	tcp_rto_sample(&r, 600 * MS);
	assert_int_equal(tcp_rto_srtt_us(&r), 600 * MS);
	assert_int_equal(tcp_rto_rttvar_us(&r), 300 * MS);
	assert_int_equal(tcp_rto_timeout_us(&r), 600 * MS + 4 * 300 * MS);
}

static void matches_rfc_arithmetic(void **state)
{
	struct tcp_rto r;
	struct ref f = {0};
	const double min = 200 * MS, max = 60000 * MS, g = 1 * MS;
	tcp_rto_init(&r, 1000 * MS, (uint32_t)min, (uint32_t)max, (uint32_t)g);
	uint32_t seq[] = {100000, 120000, 90000,  300000, 100000, 100000, 100000, 100000, 5000,
	                  700000, 650000, 600000, 600000, 600000, 600000, 600000, 600000, 600000};
	for (unsigned int i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		double want = ref_sample(&f, seq[i], g, min, max);
		tcp_rto_sample(&r, seq[i]);
		/* Fixed point keeps 3 and 2 fractional bits: within 2 us of the real numbers. */
		assert_true(fabs(tcp_rto_srtt_us(&r) - f.srtt) <= 2.0);
		assert_true(fabs(tcp_rto_rttvar_us(&r) - f.rttvar) <= 2.0);
		assert_true(fabs(tcp_rto_timeout_us(&r) - want) <= 4.0);
	}
}

static void granularity_and_min_bound(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r, 1000 * MS, 200 * MS, 60000 * MS, 10 * MS);
	/* Constant 1 ms RTT: RTTVAR decays to 0, G (10 ms) then the min (200 ms) take over. */
	for (int i = 0; i < 200; i++)
		tcp_rto_sample(&r, 1 * MS);
	assert_int_equal(tcp_rto_timeout_us(&r), 200 * MS);
	tcp_rto_init(&r, 1000 * MS, 1, 60000 * MS, 10 * MS);
	for (int i = 0; i < 200; i++)
		tcp_rto_sample(&r, 1 * MS);
	assert_int_equal(tcp_rto_timeout_us(&r), 1 * MS + 10 * MS);
}

static void backoff_doubles_to_max_and_resets_on_sample(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r, 1000 * MS, 200 * MS, 10000 * MS, 1 * MS);
	assert_int_equal(tcp_rto_timeout_us(&r), 1000 * MS);
	tcp_rto_backoff(&r);
	assert_int_equal(tcp_rto_timeout_us(&r), 2000 * MS);
	tcp_rto_backoff(&r);
	assert_int_equal(tcp_rto_timeout_us(&r), 4000 * MS);
	for (int i = 0; i < 40; i++)
		tcp_rto_backoff(&r);
	assert_int_equal(tcp_rto_timeout_us(&r), 10000 * MS);
	tcp_rto_sample(&r, 100 * MS);
	assert_int_equal(r.backoff, 0);
	assert_int_equal(tcp_rto_timeout_us(&r), 300 * MS);
}

static void karn_drops_retransmitted_samples_unless_timestamped(void **state)
{
	struct tcp_rto r;
	tcp_rto_init(&r, 1000 * MS, 200 * MS, 60000 * MS, 1 * MS);
	tcp_rto_sample(&r, 100 * MS);
	tcp_rto_backoff(&r);
	/* An ACK for a retransmitted segment, timed from the first send: ambiguous. */
	assert_false(tcp_rto_ack_sample(&r, 5000 * MS, true, false));
	assert_int_equal(tcp_rto_srtt_us(&r), 100 * MS);
	assert_int_equal(r.backoff, 1); /* backoff kept until an unambiguous sample */
	assert_true(tcp_rto_ack_sample(&r, 120 * MS, true, true));
	assert_int_equal(r.backoff, 0);
	assert_true(tcp_rto_ack_sample(&r, 120 * MS, false, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(initial_rto_before_any_sample),
	        cmocka_unit_test(first_sample_sets_srtt_and_half_rttvar),
	        cmocka_unit_test(matches_rfc_arithmetic),
	        cmocka_unit_test(granularity_and_min_bound),
	        cmocka_unit_test(backoff_doubles_to_max_and_resets_on_sample),
	        cmocka_unit_test(karn_drops_retransmitted_samples_unless_timestamped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
