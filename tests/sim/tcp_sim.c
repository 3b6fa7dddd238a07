/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_sim: lib/tcp engines over lib/wanem links on a virtual clock (the harness in sim.h),
 * deterministic for a seed.
 *
 * Direct mode: a client engine opens one flow to a server engine over the WAN path.
 * Relay mode (--relay): client -- LAN path -- gateway -- WAN path -- server, where the gateway
 * splits the flow with tcp_relay_open (as pepgw single-ended). The client sends --bytes (or
 * for --duration-s) of the harness's pattern in 1399-byte pieces (odd: payload pieces start
 * at odd offsets) and half-closes; the server checks every byte in order, reads them (at
 * --server-kbps when given, to exercise flow control) and closes at the client's FIN. The
 * WAN path takes the options of sim_opts.h; the LAN path is 1 ms RTT at 1 Gbit/s, loss-free.
 *
 * Exit status 0 when every byte arrived intact, every connection closed cleanly, no mbuf is
 * left, the gateway (relay mode) never held more than its bound, and the --check-*
 * comparisons asked for hold. The last line is the harness's machine-readable summary.
 *
 * Goodput against theory (each test states why the model's assumptions hold on its path):
 *   --check-mathis TOL      NewReno within TOL of Mathis et al.
 *   --check-highspeed TOL   HighSpeed within TOL of RFC 3649's response function
 *   --check-scalable TOL    Scalable within TOL of Kelly's (both on the goodput from a third
 *                           of --duration-s on: past slow start and the first losses)
 *   --check-rate FRAC       goodput at least FRAC of what the rate module's rate carries
 *                           (its rate x MSS / packet: headers are not goodput)
 *   --check-queue LO:HI     the WAN bottleneck's queue, sampled every 10 ms from the first
 *                           third of the run to the end of sending, averages LO..HI full-size
 *                           packets, and nothing is dropped (Vegas's alpha and beta)
 *   --check-link-share F    goodput at least F of the WAN link's rate
 *   --check-retransmits R   the WAN sender retransmits at most R of the segments it sends
 *   --check-spurious F      ... and at most (1 + F) times the segments the WAN up direction
 *                           dropped: it repairs what was lost and little else
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>

#include "sim.h"
#include "sim_model.h"
#include "sim_opts.h"

#define PIECE       1399
#define IP_TCP_HDRS 40
#define TS_OPTION   12
#define LAN_MSS     (1500 - IP_TCP_HDRS) /* the LAN path's MTU is 1500 too */

struct prog {
	bool relay, deferred;
	double server_kbps;
	double server_window; /* the server's receive window alone, octets; 0: the WAN profile's */
	bool window_copies;   /* the WAN profile's window_copies */
	double mathis_tolerance; /* 0: no check */
	double highspeed_tolerance, scalable_tolerance, rate_fraction, link_share;
	double retransmit_share; /* < 0: no check */
	double spurious_share;   /* < 0: no check */
	double queue_lo, queue_hi;
	bool queue_check;
};

/* Goodput after a warm-up: what arrived from a third of the run on (slow start and the climb
 * to the first losses are not what a response function describes). */
struct steady {
	uint64_t t0_us, bytes0;
};

static void steady_mark(struct sim *s, void *arg)
{
	struct steady *st = arg;
	struct sim_totals t;
	sim_get_totals(s, &t);
	st->t0_us = sim_now(s);
	st->bytes0 = t.bytes_up;
}

static double steady_goodput_bps(const struct steady *st, const struct sim *s)
{
	struct sim_totals t;
	sim_get_totals(s, &t);
	if (st->t0_us == 0 || t.last_up_us <= st->t0_us)
		return sim_goodput_bps(s);
	return (double)(t.bytes_up - st->bytes0) * 8 / ((double)(t.last_up_us - st->t0_us) / 1e6);
}

/* The WAN bottleneck's queue, sampled (--check-queue). */
struct queue_sampler {
	struct wanem *w;
	uint64_t interval_us, until_us;
	uint64_t samples, bytes;
	uint64_t max_bytes;
};

static const struct option prog_options[] = {
        {"relay", no_argument, NULL, 'R'},
        {"deferred", no_argument, NULL, 'D'},
        {"server-kbps", required_argument, NULL, 'K'},
        {"server-window-bytes", required_argument, NULL, 'W'},
        {"window-copies", no_argument, NULL, 'C'},
        {"check-mathis", required_argument, NULL, 'M'},
        {"check-highspeed", required_argument, NULL, 'H'},
        {"check-scalable", required_argument, NULL, 'S'},
        {"check-rate", required_argument, NULL, 'A'},
        {"check-queue", required_argument, NULL, 'Q'},
        {"check-link-share", required_argument, NULL, 'L'},
        {"check-retransmits", required_argument, NULL, 'X'},
        {"check-spurious", required_argument, NULL, 'Y'},
        {NULL, 0, NULL, 0},
};

static int prog_option(void *arg, int val, const char *value)
{
	struct prog *p = arg;
	switch (val) {
	case 'R':
		p->relay = true;
		return 0;
	case 'D':
		p->deferred = true;
		return 0;
	case 'K':
		return sim_opt_double("tcp_sim", "server-kbps", value, 0, 1e9, &p->server_kbps);
	case 'C':
		p->window_copies = true;
		return 0;
	case 'W':
		return sim_opt_double("tcp_sim", "server-window-bytes", value, 1024, 1 << 30,
		                      &p->server_window);
	case 'M':
		return sim_opt_double("tcp_sim", "check-mathis", value, 0.001, 1,
		                      &p->mathis_tolerance);
	case 'H':
		return sim_opt_double("tcp_sim", "check-highspeed", value, 0.001, 1,
		                      &p->highspeed_tolerance);
	case 'S':
		return sim_opt_double("tcp_sim", "check-scalable", value, 0.001, 1,
		                      &p->scalable_tolerance);
	case 'A':
		return sim_opt_double("tcp_sim", "check-rate", value, 0.001, 1, &p->rate_fraction);
	case 'L':
		return sim_opt_double("tcp_sim", "check-link-share", value, 0.001, 1,
		                      &p->link_share);
	case 'X':
		return sim_opt_double("tcp_sim", "check-retransmits", value, 0, 1,
		                      &p->retransmit_share);
	case 'Y':
		return sim_opt_double("tcp_sim", "check-spurious", value, 0, 10,
		                      &p->spurious_share);
	case 'Q':
		if (sscanf(value, "%lf:%lf", &p->queue_lo, &p->queue_hi) != 2 ||
		    !(p->queue_lo >= 0 && p->queue_lo <= p->queue_hi)) {
			fprintf(stderr, "tcp_sim: --check-queue: '%s' is not LO:HI packets\n",
			        value);
			return -1;
		}
		p->queue_check = true;
		return 0;
	}
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: tcp_sim [--relay [--deferred]] [--server-kbps K] "
	                "[--server-window-bytes N] [--window-copies]\n               "
	                "[--check-mathis|highspeed|scalable TOLERANCE] [--check-rate FRACTION]\n"
	                "               [--check-queue LO:HI] [--check-link-share FRACTION]\n"
	                "               [--check-retransmits FRACTION] [--check-spurious FRACTION]"
	                " [options]\n");
	sim_opts_usage(stderr);
}

static void stop_senders(struct sim *s, void *arg)
{
	sim_flows_stop(s);
}

/*
 * Reno (NewReno) against Mathis et al.: the model holds for random loss on the data direction only,
 * with the window set by loss (not by the receive window nor by the link, so no queue and the
 * RTT is the path's). The MSS is the WAN leg's at MTU 1500.
 */
static int check_mathis(const struct sim_opts *o, const struct sim *s, double tolerance)
{
	const struct wanem_params *up = &o->wan[SIM_UP];
	if (up->loss_model != WANEM_LOSS_RANDOM || up->loss <= 0) {
		fprintf(stderr, "tcp_sim: --check-mathis needs random loss on the up direction\n");
		return -1;
	}
	uint32_t mss = 1500 - IP_TCP_HDRS - (o->wan_profile.timestamps ? TS_OPTION : 0);
	double model = sim_model_mathis_bps(mss, o->rtt_ms / 1000, up->loss);
	return sim_model_check(stdout, "mathis", sim_goodput_bps(s), model, tolerance);
}

/* The MSS of the WAN leg at MTU 1500, and the IP packet it fills. */
static uint32_t wan_mss(const struct sim_opts *o)
{
	return 1500 - IP_TCP_HDRS - (o->wan_profile.timestamps ? TS_OPTION : 0);
}

/* A model of random loss on the data direction: the up direction's loss probability. */
static double up_loss(const struct sim_opts *o, const char *what)
{
	const struct wanem_params *up = &o->wan[SIM_UP];
	if (up->loss_model != WANEM_LOSS_RANDOM || up->loss <= 0) {
		fprintf(stderr, "tcp_sim: %s needs random loss on the up direction\n", what);
		return 0;
	}
	return up->loss;
}

static int check_response(const struct sim_opts *o, double goodput_bps, const char *name,
                          double (*model)(uint32_t, double, double), double tolerance)
{
	double p = up_loss(o, name);
	if (p == 0)
		return -1;
	return sim_model_check(stdout, name, goodput_bps, model(wan_mss(o), o->rtt_ms / 1000, p),
	                       tolerance);
}

/* At least `fraction` of `of_bps`: "check NAME measured_mbps=.. of_mbps=.. ratio=.. min=.." */
static int check_at_least(const char *name, double measured_bps, double of_bps, double fraction)
{
	double ratio = of_bps > 0 ? measured_bps / of_bps : 0;
	int ok = of_bps > 0 && ratio >= fraction;
	printf("check %s measured_mbps=%.4f of_mbps=%.4f ratio=%.3f min=%.2f %s\n", name,
	       measured_bps / 1e6, of_bps / 1e6, ratio, fraction, ok ? "ok" : "FAILED");
	return ok ? 0 : -1;
}

static void queue_sample(struct sim *s, void *arg)
{
	struct queue_sampler *q = arg;
	struct wanem_stats st;
	wanem_stats_get(q->w, &st);
	q->samples++;
	q->bytes += st.queue_bytes;
	if (st.queue_bytes > q->max_bytes)
		q->max_bytes = st.queue_bytes;
	if (sim_now(s) + q->interval_us <= q->until_us)
		sim_at(s, sim_now(s) + q->interval_us, queue_sample, q);
}

static int check_queue(const struct prog *P, const struct queue_sampler *q, const struct sim *s,
                       const struct sim_path *wan)
{
	struct sim_link_stats ls;
	sim_path_get_stats(wan, &ls);
	uint64_t drops = ls.wanem.c[WANEM_C_drop_queue_full] + ls.wanem.c[WANEM_C_drop_loss];
	double avg = q->samples ? (double)q->bytes / q->samples / 1500 : 0;
	int ok = q->samples > 0 && avg >= P->queue_lo && avg <= P->queue_hi && drops == 0;
	printf("check queue samples=%llu avg_packets=%.2f max_packets=%.2f drops=%llu "
	       "range=%.1f:%.1f %s\n",
	       (unsigned long long)q->samples, avg, q->max_bytes / 1500.0,
	       (unsigned long long)drops, P->queue_lo, P->queue_hi, ok ? "ok" : "FAILED");
	return ok ? 0 : -1;
}

static int check_retransmits(const struct prog *P, struct sim_node *sender,
                             const struct sim_path *wan)
{
	struct sim_link_stats ls;
	sim_path_get_stats(wan, &ls);
	uint64_t rexmt = tcp_engine_counter(sim_tcp_engine(sender), TCP_CNT_retransmits);
	double share = ls.data_in ? (double)rexmt / ls.data_in : 1;
	int ok = share <= P->retransmit_share;
	printf("check retransmits wan_retransmits=%llu wan_segments=%llu share=%.4f max=%.4f %s\n",
	       (unsigned long long)rexmt, (unsigned long long)ls.data_in, share,
	       P->retransmit_share, ok ? "ok" : "FAILED");
	return ok ? 0 : -1;
}

static int check_spurious(const struct prog *P, struct sim_node *sender, const struct sim_path *wan)
{
	struct sim_link_stats ls;
	sim_path_get_stats(wan, &ls);
	uint64_t rexmt = tcp_engine_counter(sim_tcp_engine(sender), TCP_CNT_retransmits);
	uint64_t drops = ls.wanem.c[WANEM_C_drop_loss] + ls.wanem.c[WANEM_C_drop_queue_full];
	double limit = (1 + P->spurious_share) * (double)drops;
	int ok = (double)rexmt <= limit;
	printf("check spurious wan_retransmits=%llu wan_drops=%llu max=%.0f %s\n",
	       (unsigned long long)rexmt, (unsigned long long)drops, limit, ok ? "ok" : "FAILED");
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct prog P = {.retransmit_share = -1, .spurious_share = -1};
	struct sim_opts o;
	int rc = sim_opts_start(&o, argc, argv, "tcp_sim", prog_options, prog_option, &P, usage);
	if (rc >= 0)
		return rc;
	struct sim *s = sim_create(&(struct sim_params){.seed = o.seed});
	if (s == NULL) {
		fprintf(stderr, "sim: %s\n", strerror(rte_errno));
		return 2;
	}
	/* LAN profile: the defaults, with the proxy buffer toward the WAN bandwidth-delay
	 * product (F5's advice; it bounds the WAN leg's flight). */
	struct tcp_profile lan;
	tcp_profile_defaults(&lan);
	lan.idle_timeout_s = 0;
	uint32_t buf = o.wan_profile.receive_window;
	lan.proxy_buffer_high = buf;
	lan.proxy_buffer_low = buf - buf / 4;

	struct sim_tcp_params cp = {.role = SIM_TCP_CLIENT,
	                            .fixed_isn = o.isn,
	                            .isn_key = 1,
	                            .sack_holes = 4 * 1024,
	                            .profile = P.relay ? &lan : &o.wan_profile};
	struct sim_tcp_params gp = {.role = SIM_TCP_RELAY,
	                            .fixed_isn = o.isn,
	                            .isn_key = 2,
	                            .sack_holes = 4 * 1024,
	                            .profile = &lan,
	                            .server_profile = &o.wan_profile,
	                            .deferred = P.deferred};
	/* --server-window-bytes: a receiver whose window, not the sender's buffer, holds the WAN
	 * sender back (a Linux server early in its receive-window autotuning). */
	o.wan_profile.window_copies = P.window_copies;
	struct tcp_profile srv = o.wan_profile;
	if (P.server_window > 0)
		srv.receive_window = (uint32_t)P.server_window;
	struct sim_tcp_params sp = {.role = SIM_TCP_SERVER,
	                            .fixed_isn = o.isn,
	                            .isn_key = 3,
	                            .sack_holes = 4 * 1024,
	                            .profile = &srv};
	struct sim_node *c = sim_tcp_node_create(s, "client", &cp);
	struct sim_node *g = P.relay ? sim_tcp_node_create(s, "gateway", &gp) : NULL;
	struct sim_node *v = sim_tcp_node_create(s, "server", &sp);
	if (c == NULL || v == NULL || (P.relay && g == NULL)) {
		fprintf(stderr, "engine: %s\n", strerror(rte_errno));
		return 2;
	}
	struct sim_path_params up, down, lan_path = {.n_links = 1};
	sim_opts_wan_path(&o, SIM_UP, &up);
	sim_opts_wan_path(&o, SIM_DOWN, &down);
	wanem_params_init(&lan_path.link[0]);
	lan_path.link[0].delay_us = 500;
	lan_path.link[0].rate_bps = 1000000000;
	lan_path.link[0].queue_bytes = 250000; /* 2 x BDP */
	if (P.relay) {
		rc = sim_connect(c, 0, g, 0, &lan_path, &lan_path);
		if (rc == 0)
			rc = sim_connect(g, 1, v, 0, &up, &down);
	} else {
		rc = sim_connect(c, 0, v, 0, &up, &down);
	}
	if (rc != 0) {
		fprintf(stderr, "sim_connect failed\n");
		return 2;
	}
	struct sim_node *wan_sender = P.relay ? g : c;
	struct sim_path *wan_up = sim_node_path(wan_sender, P.relay ? 1 : 0);
	struct sim_path *wan_down = sim_node_path(v, 0);
	if (sim_opts_schedule(&o, s, wan_up, wan_down) != 0 ||
	    (o.duration_s > 0 && sim_at(s, (uint64_t)(o.duration_s * 1e6), stop_senders, NULL)) ||
	    (o.trace_us && sim_trace(s, o.trace_us, wan_up, stdout) != 0)) {
		fprintf(stderr, "sim: too many scheduled events\n");
		return 2;
	}
	struct steady warm = {0};
	if ((P.highspeed_tolerance > 0 || P.scalable_tolerance > 0) &&
	    (o.duration_s <= 0 ||
	     sim_at(s, (uint64_t)(o.duration_s * 1e6 / 3), steady_mark, &warm) != 0)) {
		fprintf(stderr,
		        "tcp_sim: --check-highspeed and --check-scalable need --duration-s\n");
		return 2;
	}
	struct queue_sampler qs = {.w = sim_link_wanem(sim_path_link(wan_up, 0)),
	                           .interval_us = 10000,
	                           .until_us = (uint64_t)(o.duration_s * 1e6)};
	if (P.queue_check && (o.duration_s <= 0 ||
	                      sim_at(s, (uint64_t)(o.duration_s * 1e6 / 3), queue_sample, &qs))) {
		fprintf(stderr, "tcp_sim: --check-queue needs --duration-s\n");
		return 2;
	}
	struct sim_flow_spec fs = {
	        .up_bytes = o.duration_s > 0 ? SIM_BYTES_UNTIL_STOP : o.bytes,
	        .piece_bytes = PIECE,
	        .server_read_bps = P.server_kbps * 1000,
	};
	double cpu;
	rc = sim_opts_run_flow(&o, s, c, &fs, "tcp_sim", &cpu);
	if (rc < 0)
		return 2;
	bool idle = rc == 1;
	if (o.verbose)
		sim_print_counters(s, stdout);

	int ok = idle && sim_verify(s, stderr) == 0;
	struct sim_totals t;
	sim_get_totals(s, &t);
	/* At most proxy_buffer_high, plus the rest of the segment that crossed it (accepted
	 * whole), plus what was in flight toward the gateway under the last window it offered. */
	uint32_t gw_bound = lan.proxy_buffer_high + LAN_MSS + lan.receive_window;
	if (P.relay && t.gw_max_buffered > gw_bound) {
		fprintf(stderr, "gateway buffered %u > bound %u\n", t.gw_max_buffered, gw_bound);
		ok = 0;
	}
	if (ok && P.mathis_tolerance > 0 && check_mathis(&o, s, P.mathis_tolerance) != 0)
		ok = 0;
	if (ok && P.highspeed_tolerance > 0 &&
	    check_response(&o, steady_goodput_bps(&warm, s), "highspeed", sim_model_highspeed_bps,
	                   P.highspeed_tolerance))
		ok = 0;
	if (ok && P.scalable_tolerance > 0 &&
	    check_response(&o, steady_goodput_bps(&warm, s), "scalable", sim_model_scalable_bps,
	                   P.scalable_tolerance))
		ok = 0;
	if (ok && P.rate_fraction > 0 &&
	    check_at_least("rate", sim_goodput_bps(s),
	                   (double)o.wan_profile.rate_bps * wan_mss(&o) / 1500, P.rate_fraction))
		ok = 0;
	if (ok && P.link_share > 0 &&
	    check_at_least("link_share", sim_goodput_bps(s), (double)o.wan[SIM_UP].rate_bps,
	                   P.link_share))
		ok = 0;
	if (ok && P.queue_check && check_queue(&P, &qs, s, wan_up) != 0)
		ok = 0;
	if (ok && P.retransmit_share >= 0 && check_retransmits(&P, wan_sender, wan_up) != 0)
		ok = 0;
	if (ok && P.spurious_share >= 0 && check_spurious(&P, wan_sender, wan_up) != 0)
		ok = 0;
	char label[128];
	snprintf(label, sizeof(label), "mode=%s cc=%s seed=%llu", P.relay ? "relay" : "direct",
	         o.wan_profile.congestion_control, (unsigned long long)o.seed);
	sim_summary(s, stdout, ok, label, wan_up, cpu);
	unsigned int leaked = sim_free(s);
	if (leaked) {
		fprintf(stderr, "mbuf leak: %u in use\n", leaked);
		ok = 0;
	}
	if (!ok)
		fprintf(stderr, "FAILED\n");
	return ok ? 0 : 1;
}
