/* SPDX-License-Identifier: BSD-3-Clause */
#include "sim_opts.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "test_eal.h"

#define MAX_OPTS  64
#define OPT_BASE  1000        /* getopt values of this file's options: OPT_BASE + index in opts[] */
#define MIN_QUEUE (64 * 1500) /* a shallow path still buffers a few dozen frames */

/* What the command line said, before the defaults that depend on each other are worked out. */
struct raw {
	double bytes, duration, timeout, seed, rtt, delay[2], rate, rate_dir[2], queue, loss,
	        loss_dir[2], ge_p, ge_r, ge_bad, ge_good, jitter, reorder, reorder_ms, duplicate,
	        down_at, down_for, sack, ts, window, iw, isn, pacing, max_rate, cc_rate, overhead;
	bool jitter_keeps_order;
	enum wanem_loss_model loss_model;
	enum wanem_jitter_dist jitter_dist;
	char cc[sizeof(((struct tcp_profile *)0)->congestion_control)];
};

#define NOT_GIVEN -1.0

enum kind { NUMBER, INTEGER, LOSS_MODEL, JITTER_DIST, CC, FLAG, HELP };

/* Every option: its kind, its range, and where it goes in struct raw. */
static const struct opt {
	const char *name;
	enum kind kind;
	double lo, hi;
	size_t off;
} opts[] = {
#define F(field) offsetof(struct raw, field)
        {"bytes", INTEGER, 0, 1e19, F(bytes)},
        {"duration-s", NUMBER, 0.001, 1e7, F(duration)},
        {"timeout-s", NUMBER, 0.001, 1e9, F(timeout)},
        {"seed", INTEGER, 0, 1e19, F(seed)},
        {"rtt-ms", NUMBER, 0, 20000, F(rtt)},
        {"delay-up-ms", NUMBER, 0, 10000, F(delay[SIM_UP])},
        {"delay-down-ms", NUMBER, 0, 10000, F(delay[SIM_DOWN])},
        {"rate-mbps", NUMBER, 0.001, 1e6, F(rate)},
        {"rate-up-mbps", NUMBER, 0.001, 1e6, F(rate_dir[SIM_UP])},
        {"rate-down-mbps", NUMBER, 0.001, 1e6, F(rate_dir[SIM_DOWN])},
        {"queue-bytes", INTEGER, WANEM_MIN_QUEUE_BYTES, 1 << 30, F(queue)},
        {"loss", NUMBER, 0, 1, F(loss)},
        {"loss-up", NUMBER, 0, 1, F(loss_dir[SIM_UP])},
        {"loss-down", NUMBER, 0, 1, F(loss_dir[SIM_DOWN])},
        {"loss-model", LOSS_MODEL, 0, 0, F(loss_model)},
        {"ge-p", NUMBER, 0, 1, F(ge_p)},
        {"ge-r", NUMBER, 0, 1, F(ge_r)},
        {"ge-loss-bad", NUMBER, 0, 1, F(ge_bad)},
        {"ge-loss-good", NUMBER, 0, 1, F(ge_good)},
        {"jitter-ms", NUMBER, 0, 10000, F(jitter)},
        {"jitter-dist", JITTER_DIST, 0, 0, F(jitter_dist)},
        {"jitter-keeps-order", FLAG, 0, 0, F(jitter_keeps_order)},
        {"reorder", NUMBER, 0, 1, F(reorder)},
        {"reorder-ms", NUMBER, 0, 10000, F(reorder_ms)},
        {"duplicate", NUMBER, 0, 1, F(duplicate)},
        {"wan-down-at-s", NUMBER, 0, 1e9, F(down_at)},
        {"wan-down-for-s", NUMBER, 0, 1e9, F(down_for)},
        {"cc", CC, 0, 0, F(cc)},
        {"sack", INTEGER, 0, 1, F(sack)},
        {"ts", INTEGER, 0, 1, F(ts)},
        {"window-bytes", INTEGER, 1, 1 << 30, F(window)},
        {"initial-window", INTEGER, 0, 1000, F(iw)},
        {"isn", INTEGER, 0, UINT32_MAX, F(isn)},
        {"pacing", INTEGER, 0, 1, F(pacing)},
        {"max-rate-mbps", NUMBER, 0, 1e6, F(max_rate)},
        {"cc-rate-mbps", NUMBER, 0, 1e6, F(cc_rate)},
        {"overhead-bytes", INTEGER, 0, 65535, F(overhead)},
        {"help", HELP, 0, 0, 0},
#undef F
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

void sim_opts_usage(FILE *out)
{
	fputs("  --bytes N | --duration-s S   what the client sends (default 20 MiB)\n"
	      "  --timeout-s S                give up at this virtual time (default 36000)\n"
	      "  --seed N                     loss/jitter/reorder streams (default 1)\n"
	      "  --rtt-ms MS                  base RTT, half each way (default 600)\n"
	      "  --delay-up-ms / --delay-down-ms MS   one-way delays instead\n"
	      "  --rate-mbps R [--rate-up-mbps R --rate-down-mbps R]   bottleneck (default 10)\n"
	      "  --queue-bytes N              bottleneck FIFO each way (default 2 x BDP)\n"
	      "  --loss P [--loss-up P --loss-down P]   random loss (default 0.01 each way)\n"
	      "  --loss-model random|gilbert-elliott --ge-p P --ge-r R [--ge-loss-bad P]\n"
	      "               [--ge-loss-good P]   bursty loss (directions without "
	      "--loss-up/down)\n"
	      "  --jitter-ms MS [--jitter-dist uniform|normal] [--jitter-keeps-order]\n"
	      "  --reorder P [--reorder-ms MS]  hold a packet back (default 10 ms)\n"
	      "  --duplicate P                copy a packet\n"
	      "  --wan-down-at-s T --wan-down-for-s D   WAN outage, both directions\n"
	      "  --cc NAME  --sack 0|1  --ts 0|1  --window-bytes N  --initial-window SEGS\n"
	      "                               the WAN side's TCP profile (window: 2 x BDP + 1 MB)\n"
	      "  --pacing 0|1  --max-rate-mbps R  --cc-rate-mbps R  --overhead-bytes N\n"
	      "                               its pacing, rate cap, rate (--cc rate), per-packet\n"
	      "                               overhead (profile defaults; the rate: --rate-mbps)\n"
	      "  --isn N                      every connection's ISN (sequence wrap)\n"
	      "  env SIM_TRACE_MS=N: a trace line every N ms; SIM_VERBOSE=1: engine counters\n",
	      out);
}

int sim_opt_double(const char *prog, const char *name, const char *value, double lo, double hi,
                   double *out)
{
	char *end;
	errno = 0;
	double v = strtod(value, &end);
	if (errno != 0 || end == value || *end != '\0' || !(v >= lo && v <= hi)) {
		fprintf(stderr, "%s: --%s: '%s' is not a number in %g..%g\n", prog, name, value, lo,
		        hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int opt_integer(const char *prog, const struct opt *d, const char *value, double *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(value, &end, 0);
	if (errno != 0 || end == value || *end != '\0' || value[0] == '-' || (double)v < d->lo ||
	    (double)v > d->hi) {
		fprintf(stderr, "%s: --%s: '%s' is not an integer in %.0f..%.0f\n", prog, d->name,
		        value, d->lo, d->hi);
		return -1;
	}
	*out = (double)v;
	return 0;
}

static int bad_value(const char *prog, const char *name, const char *value, const char *allowed)
{
	fprintf(stderr, "%s: --%s: '%s' is not allowed: %s\n", prog, name, value, allowed);
	return -1;
}

/* Store one option's value into r. 0, 1 for --help, or -1 after printing why not. */
static int parse_one(const char *prog, struct raw *r, const struct opt *d, const char *v)
{
	void *field = (char *)r + d->off;
	switch (d->kind) {
	case NUMBER:
		return sim_opt_double(prog, d->name, v, d->lo, d->hi, field);
	case INTEGER:
		return opt_integer(prog, d, v, field);
	case LOSS_MODEL:
		if (strcmp(v, "random") == 0)
			r->loss_model = WANEM_LOSS_RANDOM;
		else if (strcmp(v, "gilbert-elliott") == 0 || strcmp(v, "ge") == 0)
			r->loss_model = WANEM_LOSS_GILBERT_ELLIOTT;
		else
			return bad_value(prog, d->name, v, "random, gilbert-elliott (ge)");
		return 0;
	case JITTER_DIST:
		if (strcmp(v, "uniform") == 0)
			r->jitter_dist = WANEM_JITTER_UNIFORM;
		else if (strcmp(v, "normal") == 0)
			r->jitter_dist = WANEM_JITTER_NORMAL;
		else
			return bad_value(prog, d->name, v, "uniform, normal");
		return 0;
	case CC:
		if (strlen(v) == 0 || strlen(v) >= sizeof(r->cc))
			return bad_value(prog, d->name, v, "a module name of 1..15 characters");
		strcpy(r->cc, v);
		return 0;
	case FLAG:
		*(bool *)field = true;
		return 0;
	case HELP:
		return 1;
	}
	return -1;
}

/* One direction of the WAN path: delay, rate and queue from the RTT and BDP, the rest shared. */
static int wan_direction(struct sim_opts *o, const struct raw *r, int d, double delay_ms,
                         double rate_mbps)
{
	struct wanem_params *w = &o->wan[d];
	double bdp = rate_mbps * 1e6 / 8 * o->rtt_ms / 1000;
	wanem_params_init(w);
	w->delay_us = (uint32_t)lround(delay_ms * 1000);
	w->rate_bps = (uint64_t)llround(rate_mbps * 1e6);
	w->queue_bytes = r->queue > 0 ? (uint32_t)r->queue
	                              : (uint32_t)(2 * bdp > MIN_QUEUE ? 2 * bdp : MIN_QUEUE);
	w->max_packets = 1u << 16;
	w->loss_model = r->loss_model;
	w->loss = r->loss;
	if (r->loss_dir[d] >= 0) {
		w->loss_model = WANEM_LOSS_RANDOM;
		w->loss = r->loss_dir[d];
	}
	w->ge_p = r->ge_p;
	w->ge_r = r->ge_r;
	w->loss_bad = r->ge_bad;
	w->loss_good = r->ge_good;
	w->jitter_us = (uint32_t)lround(r->jitter * 1000);
	w->jitter_dist = r->jitter_dist;
	w->jitter_keeps_order = r->jitter_keeps_order;
	w->reorder = r->reorder;
	w->reorder_delay_us = (uint32_t)lround(r->reorder_ms * 1000);
	w->duplicate = r->duplicate;
	const char *why;
	if (wanem_params_check(w, &why) != 0) {
		fprintf(stderr, "%s: the %s direction: %s\n", o->prog, d ? "down" : "up", why);
		return -1;
	}
	return 0;
}

/* Defaults that depend on other options, then wanem's own range checks. */
static int finish(struct sim_opts *o, const struct raw *r)
{
	double delay[2], rate[2];
	for (int d = 0; d < 2; d++) {
		delay[d] = r->delay[d] >= 0 ? r->delay[d] : r->rtt / 2;
		rate[d] = r->rate_dir[d] > 0 ? r->rate_dir[d] : r->rate;
	}
	o->bytes = (uint64_t)r->bytes;
	o->duration_s = r->duration;
	o->timeout_s = r->timeout;
	o->seed = (uint64_t)r->seed;
	o->rtt_ms = delay[SIM_UP] + delay[SIM_DOWN];
	o->isn = (uint32_t)r->isn;
	o->down_at_s = r->down_at;
	o->down_for_s = r->down_for;
	for (int d = 0; d < 2; d++)
		if (wan_direction(o, r, d, delay[d], rate[d]) != 0)
			return -1;
	/* The WAN profile: windows and buffers toward twice the bandwidth-delay product. */
	double bdp = (rate[0] > rate[1] ? rate[0] : rate[1]) * 1e6 / 8 * o->rtt_ms / 1000;
	uint32_t buf = r->window > 0 ? (uint32_t)r->window : (uint32_t)(2 * bdp) + (1u << 20);
	struct tcp_profile *p = &o->wan_profile;
	tcp_profile_defaults(p);
	memcpy(p->congestion_control, r->cc, sizeof(r->cc));
	p->idle_timeout_s = 0;
	p->initial_window = (uint16_t)r->iw;
	p->sack = r->sack != 0;
	p->timestamps = r->ts != 0;
	p->send_buffer = buf;
	p->receive_window = buf;
	p->pacing = r->pacing != 0;
	p->max_rate_bps = (uint64_t)llround(r->max_rate * 1e6);
	p->rate_bps = (uint64_t)llround((r->cc_rate > 0 ? r->cc_rate : rate[SIM_UP]) * 1e6);
	p->overhead_bytes = (uint16_t)r->overhead;
	if (o->duration_s > 0 && o->duration_s >= o->timeout_s) {
		fprintf(stderr, "%s: --duration-s must end before --timeout-s\n", o->prog);
		return -1;
	}
	const char *trace = getenv("SIM_TRACE_MS");
	o->trace_us = trace ? strtoull(trace, NULL, 0) * 1000 : 0;
	o->verbose = getenv("SIM_VERBOSE") != NULL;
	return 0;
}

int sim_opts_parse(struct sim_opts *o, int argc, char **argv, const struct option *extra,
                   int (*cb)(void *arg, int val, const char *value), void *arg)
{
	struct option table[MAX_OPTS];
	size_t n = 0;
	for (size_t i = 0; i < N_OPTS; i++)
		table[n++] = (struct option){opts[i].name,
		                             opts[i].kind >= FLAG ? no_argument : required_argument,
		                             NULL, (int)(OPT_BASE + i)};
	for (size_t i = 0; extra != NULL && extra[i].name != NULL && n + 1 < MAX_OPTS; i++)
		table[n++] = extra[i];
	table[n] = (struct option){NULL, 0, NULL, 0};

	memset(o, 0, sizeof(*o));
	o->prog = argv[0];
	struct tcp_profile defaults;
	tcp_profile_defaults(&defaults);
	struct raw r = {.bytes = 20 << 20,
	                .timeout = 36000,
	                .seed = 1,
	                .rtt = 600,
	                .delay = {NOT_GIVEN, NOT_GIVEN},
	                .rate = 10,
	                .rate_dir = {NOT_GIVEN, NOT_GIVEN},
	                .loss = 0.01,
	                .loss_dir = {NOT_GIVEN, NOT_GIVEN},
	                .ge_bad = 1,
	                .reorder_ms = WANEM_DEFAULT_REORDER_DELAY_US / 1000.0,
	                .sack = defaults.sack,
	                .ts = defaults.timestamps,
	                .iw = 10,
	                .pacing = defaults.pacing,
	                .max_rate = defaults.max_rate_bps / 1e6,
	                .overhead = defaults.overhead_bytes};
	memcpy(r.cc, defaults.congestion_control, sizeof(r.cc));
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", table, NULL)) != -1) {
		int rc;
		if (opt == '?' || opt == ':')
			return -1;
		if (opt >= OPT_BASE)
			rc = parse_one(o->prog, &r, &opts[opt - OPT_BASE], optarg ? optarg : "");
		else
			rc = cb ? cb(arg, opt, optarg) : -1;
		if (rc != 0)
			return rc;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", o->prog, argv[optind]);
		return -1;
	}
	return finish(o, &r);
}

void sim_opts_wan_path(const struct sim_opts *o, int dir, struct sim_path_params *pp)
{
	memset(pp, 0, sizeof(*pp));
	pp->n_links = 1;
	pp->link[0] = o->wan[dir];
}

static void outage_set(struct sim *s, void *arg)
{
	struct sim_outage *ev = arg;
	for (int d = 0; d < 2; d++)
		for (unsigned int k = 0; k < sim_path_n_links(ev->path[d]); k++)
			wanem_set_down(sim_link_wanem(sim_path_link(ev->path[d], k)), ev->down);
	if (getenv("SIM_VERBOSE"))
		printf("wan %s at %.3f s\n", ev->down ? "down" : "up", sim_now(s) / 1e6);
}

int sim_opts_schedule(struct sim_opts *o, struct sim *s, struct sim_path *up, struct sim_path *down)
{
	if (o->down_for_s <= 0)
		return 0;
	o->outage[0] = (struct sim_outage){.path = {up, down}, .down = true};
	o->outage[1] = (struct sim_outage){.path = {up, down}, .down = false};
	uint64_t t = (uint64_t)(o->down_at_s * 1e6);
	if (sim_at(s, t, outage_set, &o->outage[0]) != 0 ||
	    sim_at(s, t + (uint64_t)(o->down_for_s * 1e6), outage_set, &o->outage[1]) != 0)
		return -ENOSPC;
	return 0;
}

int sim_opts_start(struct sim_opts *o, int argc, char **argv, const char *prog,
                   const struct option *extra, int (*cb)(void *arg, int val, const char *value),
                   void *arg, void (*usage)(void))
{
	int rc = sim_opts_parse(o, argc, argv, extra, cb, arg);
	if (rc > 0) {
		usage();
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "%s --help lists the options\n", prog);
		return 2;
	}
	if (test_eal_init() != 0) {
		fprintf(stderr, "%s: EAL init failed\n", prog);
		return 2;
	}
	return -1;
}

int sim_opts_run_flow(const struct sim_opts *o, struct sim *s, struct sim_node *c,
                      struct sim_flow_spec *spec, const char *prog, double *cpu_s)
{
	spec->tuple = (struct tcp_tuple){.laddr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1)),
	                                 .raddr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2)),
	                                 .lport = rte_cpu_to_be_16(40000),
	                                 .rport = rte_cpu_to_be_16(5001)};
	clock_t c0 = clock();
	int rc = sim_flow_open(c, spec);
	if (rc < 0) {
		fprintf(stderr, "%s: flow: %s (unknown --cc '%s'?)\n", prog, strerror(-rc),
		        o->wan_profile.congestion_control);
		return -1;
	}
	bool idle = sim_run_until_idle(s, (uint64_t)(o->timeout_s * 1e6));
	*cpu_s = (double)(clock() - c0) / CLOCKS_PER_SEC;
	if (!idle)
		fprintf(stderr, "%s: still running at the timeout (%.0f s)\n", prog, o->timeout_s);
	return idle ? 1 : 0;
}
