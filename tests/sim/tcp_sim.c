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
 * left, the gateway (relay mode) never held more than its bound, and the --check-mathis
 * comparison (when asked) holds. The last line is the harness's machine-readable summary.
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
#include "test_eal.h"

#define PIECE       1399
#define IP_TCP_HDRS 40
#define TS_OPTION   12

struct prog {
	bool relay, deferred;
	double server_kbps;
	double mathis_tolerance; /* 0: no check */
};

static const struct option prog_options[] = {
        {"relay", no_argument, NULL, 'R'},
        {"deferred", no_argument, NULL, 'D'},
        {"server-kbps", required_argument, NULL, 'K'},
        {"check-mathis", required_argument, NULL, 'M'},
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
	case 'M':
		return sim_opt_double("tcp_sim", "check-mathis", value, 0.001, 1,
		                      &p->mathis_tolerance);
	}
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: tcp_sim [--relay [--deferred]] [--server-kbps K] "
	                "[--check-mathis TOLERANCE] [options]\n");
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

int main(int argc, char **argv)
{
	struct prog P = {0};
	struct sim_opts o;
	int rc = sim_opts_parse(&o, argc, argv, prog_options, prog_option, &P);
	if (rc > 0) {
		usage();
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "tcp_sim --help lists the options\n");
		return 2;
	}
	if (test_eal_init() != 0) {
		fprintf(stderr, "EAL init failed\n");
		return 2;
	}
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
	struct sim_tcp_params sp = {.role = SIM_TCP_SERVER,
	                            .fixed_isn = o.isn,
	                            .isn_key = 3,
	                            .sack_holes = 4 * 1024,
	                            .profile = &o.wan_profile};
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
	struct sim_flow_spec fs = {
	        .tuple = {.laddr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1)),
	                  .raddr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2)),
	                  .lport = rte_cpu_to_be_16(40000),
	                  .rport = rte_cpu_to_be_16(5001)},
	        .up_bytes = o.duration_s > 0 ? SIM_BYTES_UNTIL_STOP : o.bytes,
	        .piece_bytes = PIECE,
	        .server_read_bps = P.server_kbps * 1000,
	};
	clock_t c0 = clock();
	rc = sim_flow_open(c, &fs);
	if (rc < 0) {
		fprintf(stderr, "flow: %s (unknown --cc '%s'?)\n", strerror(-rc),
		        o.wan_profile.congestion_control);
		return 2;
	}
	bool idle = sim_run_until_idle(s, (uint64_t)(o.timeout_s * 1e6));
	double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	if (o.verbose)
		sim_print_counters(s, stdout);

	int ok = idle && sim_verify(s, stderr) == 0;
	if (!idle)
		fprintf(stderr, "tcp_sim: still running at the timeout (%.0f s)\n", o.timeout_s);
	struct sim_totals t;
	sim_get_totals(s, &t);
	if (P.relay && t.gw_max_buffered > lan.proxy_buffer_high + lan.receive_window) {
		/* At most proxy_buffer_high plus what was in flight toward the gateway under the
		 * last window it offered. */
		fprintf(stderr, "gateway buffered %u > bound %u\n", t.gw_max_buffered,
		        lan.proxy_buffer_high + lan.receive_window);
		ok = 0;
	}
	if (ok && P.mathis_tolerance > 0 && check_mathis(&o, s, P.mathis_tolerance) != 0)
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
