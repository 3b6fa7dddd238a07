/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bond_sim: one TCP flow through the bonded tunnel of two gateways on a virtual clock (sim.h,
 * sim_bond.h), deterministic for a seed:
 *
 *   client -- LAN -- relay A ==[bond A: scheduler, AES-GCM]== N wanem links each way
 *          ==[bond B: anti-replay, health, reorder]== relay B -- LAN -- server
 *
 * Relay A splits the client's flow (tcp_relay_open, paired accelerate) and sends its WAN leg
 * into bond A; relay B terminates that leg and opens the LAN leg to the server (--single: no
 * relay B, the WAN leg ends at the server). Both relays run the WAN profile (sim_opts.h's
 * --cc etc.) toward the tunnel with the tunnel MTU (--wan-mtu minus lib/bond's 56 bytes). The
 * links default to dicom-branch: coax 20 Mbit/s 15 ms and LTE 10 Mbit/s 30 ms one way, MTU
 * 1440, 0.5 % random loss each way, 100 ms of queue. The client sends --bytes in 1399-byte
 * pieces; the server checks every byte in order.
 *
 * Own options:
 *   --sched NAME          the bond profile's scheduler (bond_sched_kind_from_name; dynamic)
 *   --links R:D[,R:D..]   per link: rate Mbit/s and one-way delay ms (both directions)
 *   --link-loss P         random loss on every link, each way (0.005)
 *   --wan-mtu N           the links' MTU (1440)
 *   --configured-rates    give the schedulers the links' rates (else they estimate them)
 *   --no-small-copies     no second copy of pure ACKs (bond_sched's small_copy_bytes < 0)
 *   --cut-link K --cut-at-s T [--cut-for-s D] [--cut-dir both|ab|ba]
 *                         link K goes down at T for D seconds (default: to the end)
 *   --check-link-share F  goodput >= F x the sum of the links' rates
 *   --check-resume-ms MS  from the cut to the last byte the server never goes MS without
 *                         receiving (delivery resumes within MS), and after the link returns
 *                         it carries data again
 * Output: "goodput ..." and "failover ..." lines, the harness's summary line last;
 * SIM_VERBOSE=1 adds engine, link and bond counters; SIM_TRACE_MS=N a trace of the last
 * relay's server leg; BOND_SIM_GOODPUT=1 the server's goodput in 100 ms windows.
 * Exit 0 when every byte arrived intact, every connection closed cleanly, no mbuf is left,
 * nothing was refused by the AEAD and the checks asked for hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>

#include "bond_keys.h"
#include "sim.h"
#include "sim_bond.h"
#include "sim_opts.h"

#define PIECE         1399
#define SAMPLE_US     10000ull
#define WINDOW_US     100000ull
#define MAX_SAMPLES   (1u << 20)
#define HOLD_CAP_US   200000u
#define TUNNEL_UP_US  1000000ull
#define DIP_WITHIN_US 2000000ull
#define CLOCK_A_US    5000000ull
#define CLOCK_B_US    4293000000ull /* B's 24-bit stamps wrap at other times than A's */

enum cut_dir { CUT_BOTH, CUT_AB, CUT_BA };

struct prog {
	enum bond_sched_kind sched;
	unsigned int n_links;
	double rate_mbps[SIM_PATH_MAX_LINKS], delay_ms[SIM_PATH_MAX_LINKS];
	double loss;
	double wan_mtu;
	bool single, configured_rates, no_small_copies;
	double cut_link, cut_at_s, cut_for_s;
	enum cut_dir cut_dir;
	double link_share, resume_ms;
};

/* The server's received bytes every SAMPLE_US: the receiver's goodput trace. */
struct trace {
	uint64_t n;
	uint64_t *bytes;
};

struct cut {
	struct sim_path *ab, *ba;
	unsigned int link;
	enum cut_dir dir;
};

static const struct option prog_options[] = {
        {"sched", required_argument, NULL, 'S'},
        {"links", required_argument, NULL, 'L'},
        {"link-loss", required_argument, NULL, 'P'},
        {"wan-mtu", required_argument, NULL, 'M'},
        {"single", no_argument, NULL, '1'},
        {"configured-rates", no_argument, NULL, 'C'},
        {"no-small-copies", no_argument, NULL, 'N'},
        {"cut-link", required_argument, NULL, 'K'},
        {"cut-at-s", required_argument, NULL, 'T'},
        {"cut-for-s", required_argument, NULL, 'F'},
        {"cut-dir", required_argument, NULL, 'D'},
        {"check-link-share", required_argument, NULL, 'H'},
        {"check-resume-ms", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
};

static int parse_links(struct prog *P, const char *v)
{
	unsigned int n = 0;
	const char *p = v;
	while (*p != '\0' && n < SIM_PATH_MAX_LINKS) {
		char *end;
		double r = strtod(p, &end);
		if (end == p || *end != ':')
			break;
		p = end + 1;
		double d = strtod(p, &end);
		if (end == p || !(r >= 0.1 && r <= 10000) || !(d >= 0 && d <= 10000))
			break;
		P->rate_mbps[n] = r;
		P->delay_ms[n++] = d;
		p = end;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			break;
	}
	if (*p != '\0' || n == 0) {
		fprintf(stderr, "bond_sim: --links: '%s' is not RATE_MBPS:DELAY_MS[,...] (1..%d)\n",
		        v, SIM_PATH_MAX_LINKS);
		return -1;
	}
	P->n_links = n;
	return 0;
}

static int prog_option(void *arg, int val, const char *value)
{
	struct prog *P = arg;
	switch (val) {
	case 'S': {
		int k = bond_sched_kind_from_name(value);
		if (k < 0) {
			fprintf(stderr, "bond_sim: --sched: '%s' is not a scheduler\n", value);
			return -1;
		}
		P->sched = (enum bond_sched_kind)k;
		return 0;
	}
	case 'L':
		return parse_links(P, value);
	case 'P':
		return sim_opt_double("bond_sim", "link-loss", value, 0, 1, &P->loss);
	case 'M':
		return sim_opt_double("bond_sim", "wan-mtu", value, 576, 9000, &P->wan_mtu);
	case '1':
		P->single = true;
		return 0;
	case 'C':
		P->configured_rates = true;
		return 0;
	case 'N':
		P->no_small_copies = true;
		return 0;
	case 'K':
		return sim_opt_double("bond_sim", "cut-link", value, 0, SIM_PATH_MAX_LINKS - 1,
		                      &P->cut_link);
	case 'T':
		return sim_opt_double("bond_sim", "cut-at-s", value, 0.001, 1e6, &P->cut_at_s);
	case 'F':
		return sim_opt_double("bond_sim", "cut-for-s", value, 0.001, 1e6, &P->cut_for_s);
	case 'D':
		if (strcmp(value, "both") == 0)
			P->cut_dir = CUT_BOTH;
		else if (strcmp(value, "ab") == 0)
			P->cut_dir = CUT_AB;
		else if (strcmp(value, "ba") == 0)
			P->cut_dir = CUT_BA;
		else {
			fprintf(stderr, "bond_sim: --cut-dir: '%s' is not both, ab or ba\n", value);
			return -1;
		}
		return 0;
	case 'H':
		return sim_opt_double("bond_sim", "check-link-share", value, 0.001, 1,
		                      &P->link_share);
	case 'R':
		return sim_opt_double("bond_sim", "check-resume-ms", value, 1, 1e6, &P->resume_ms);
	}
	return -1;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: bond_sim [--sched NAME] [--links R:D[,R:D..]] [--link-loss P] "
	        "[--wan-mtu N] [--single]\n"
	        "                [--configured-rates] [--no-small-copies] [--cut-link K --cut-at-s "
	        "T [--cut-for-s D]"
	        " [--cut-dir both|ab|ba]]\n"
	        "                [--check-link-share F] [--check-resume-ms MS] [options]\n"
	        "  (the options' WAN path settings only size the WAN profile's defaults)\n");
	sim_opts_usage(stderr);
}

static void sample(struct sim *s, void *arg)
{
	struct trace *tr = arg;
	struct sim_totals t;
	sim_get_totals(s, &t);
	if (tr->n < MAX_SAMPLES)
		tr->bytes[tr->n++] = t.bytes_up;
	if ((t.flows_open > 0 || t.flows_opened == 0) && tr->n < MAX_SAMPLES)
		sim_at(s, sim_now(s) + SAMPLE_US, sample, tr);
}

static void cut_set(struct sim *s, struct cut *c, bool down)
{
	struct sim_path *paths[2] = {c->dir != CUT_BA ? c->ab : NULL,
	                             c->dir != CUT_AB ? c->ba : NULL};
	for (int i = 0; i < 2; i++) {
		if (paths[i] == NULL)
			continue;
		struct wanem *w = sim_link_wanem(sim_path_link(paths[i], c->link));
		struct wanem_params wp;
		wanem_get_params(w, &wp);
		wp.down = down;
		wanem_set_params(w, &wp, sim_now(s));
	}
	printf("event t_s=%.3f link=%u %s\n", sim_now(s) / 1e6, c->link, down ? "down" : "up");
}

static void cut_down(struct sim *s, void *arg)
{
	cut_set(s, arg, true);
}

static void cut_up(struct sim *s, void *arg)
{
	cut_set(s, arg, false);
}

/* Goodput over the WINDOW_US that ends at sample i, bit/s. */
static double window_bps(const struct trace *tr, uint64_t i)
{
	uint64_t k = WINDOW_US / SAMPLE_US;
	if (i < k || i >= tr->n)
		return 0;
	return (double)(tr->bytes[i] - tr->bytes[i - k]) * 8 / (WINDOW_US / 1e6);
}

/* Goodput between two times (the trace's resolution), bit/s. */
static double span_bps(const struct trace *tr, double from_s, double to_s)
{
	uint64_t i = (uint64_t)(from_s * 1e6 / SAMPLE_US), j = (uint64_t)(to_s * 1e6 / SAMPLE_US);
	if (j >= tr->n)
		j = tr->n - 1;
	if (tr->n == 0 || j <= i)
		return 0;
	return (double)(tr->bytes[j] - tr->bytes[i]) * 8 / ((j - i) * SAMPLE_US / 1e6);
}

int main(int argc, char **argv)
{
	struct prog P = {.sched = BOND_SCHED_DYNAMIC,
	                 .n_links = 2,
	                 .rate_mbps = {20, 10},
	                 .delay_ms = {15, 30},
	                 .loss = 0.005,
	                 .wan_mtu = 1440,
	                 .cut_link = -1};
	struct sim_opts o;
	int rc = sim_opts_start(&o, argc, argv, "bond_sim", prog_options, prog_option, &P, usage);
	if (rc >= 0)
		return rc;
	if (P.cut_link >= P.n_links || (P.cut_link >= 0 && P.cut_at_s <= 0)) {
		fprintf(stderr, "bond_sim: --cut-link needs a link below %u and --cut-at-s\n",
		        P.n_links);
		return 2;
	}
	struct bond_cryptodev dev;
	struct bond_cryptodev_params dp = {
	        .device = "crypto_aesni_gcm0", .n_qps = 1, .n_sessions = 64, .socket_id = -1};
	if (bond_cryptodev_open(&dp, &dev) != 0) {
		fprintf(stderr, "bond_sim: no AES-GCM crypto device\n");
		return 2;
	}
	/* Session keys as a handshake leaves them (the handshake itself is handshake_test's). */
	uint8_t raw[BOND_PSK_LEN] = {7}, n_i[BOND_NONCE_LEN] = {1}, n_r[BOND_NONCE_LEN] = {2};
	struct bond_session_keys ka, kb;
	struct bond_psk *psk = bond_psk_from_bytes(raw);
	bond_session_derive(psk, n_i, n_r, 0, 1, true, &ka, NULL);
	bond_session_derive(psk, n_i, n_r, 0, 1, false, &kb, NULL);
	bond_psk_free(psk);
	ka.tx_active = kb.tx_active = true;

	struct sim *s = sim_create(&(struct sim_params){.seed = o.seed});
	if (s == NULL) {
		fprintf(stderr, "sim: %s\n", strerror(rte_errno));
		return 2;
	}
	uint16_t tunnel_mtu = (uint16_t)(P.wan_mtu - BOND_OVERHEAD);
	struct tcp_profile lan;
	tcp_profile_defaults(&lan);
	lan.idle_timeout_s = 0;
	uint32_t buf = o.wan_profile.receive_window;
	lan.proxy_buffer_high = buf;
	lan.proxy_buffer_low = buf - buf / 4;
	struct sim_tcp_params cp = {.role = SIM_TCP_CLIENT,
	                            .isn_key = 1,
	                            .sack_holes = 4 * 1024,
	                            .fixed_isn = o.isn,
	                            .profile = &lan};
	struct sim_tcp_params ga = {.role = SIM_TCP_RELAY,
	                            .isn_key = 2,
	                            .sack_holes = 4 * 1024,
	                            .fixed_isn = o.isn,
	                            .mtu = tunnel_mtu,
	                            .profile = &lan,
	                            .server_profile = &o.wan_profile};
	struct sim_tcp_params gb = {.role = SIM_TCP_RELAY,
	                            .isn_key = 3,
	                            .sack_holes = 4 * 1024,
	                            .fixed_isn = o.isn,
	                            .mtu = tunnel_mtu,
	                            .profile = &o.wan_profile,
	                            .server_profile = &lan};
	struct sim_tcp_params sp = {.role = SIM_TCP_SERVER,
	                            .isn_key = 4,
	                            .sack_holes = 4 * 1024,
	                            .fixed_isn = o.isn,
	                            .mtu = P.single ? tunnel_mtu : 0,
	                            .profile = P.single ? &o.wan_profile : &lan};
	struct sim_bond_params ba = {.n_links = (uint8_t)P.n_links,
	                             .sched = P.sched,
	                             .hold_cap_us = HOLD_CAP_US,
	                             .small_copy_bytes = P.no_small_copies ? -1 : 0,
	                             .clock_offset_us = CLOCK_A_US,
	                             .dev = &dev,
	                             .keys = &ka,
	                             .name = "bondA"};
	for (unsigned int l = 0; l < P.n_links; l++) {
		ba.rate_bps[l] = P.configured_rates ? (uint64_t)(P.rate_mbps[l] * 1e6) : 0;
		ba.priority[l] = (uint8_t)l;
	}
	struct sim_bond_params bb = ba;
	bb.clock_offset_us = CLOCK_B_US;
	bb.keys = &kb;
	bb.name = "bondB";

	struct sim_node *c = sim_tcp_node_create(s, "client", &cp);
	struct sim_node *a = sim_tcp_node_create(s, "relayA", &ga);
	struct sim_node *tA = sim_bond_node_create(s, &ba);
	struct sim_node *tB = sim_bond_node_create(s, &bb);
	struct sim_node *b = P.single ? NULL : sim_tcp_node_create(s, "relayB", &gb);
	struct sim_node *v = sim_tcp_node_create(s, "server", &sp);
	if (c == NULL || a == NULL || tA == NULL || tB == NULL || v == NULL ||
	    (!P.single && b == NULL)) {
		fprintf(stderr, "node: %s\n", strerror(rte_errno));
		return 2;
	}
	/* LAN: 1 ms RTT, 1 Gbit/s; gateway to its tunnel end: the same box (no delay, no rate). */
	struct sim_path_params lanp = {.n_links = 1}, inside = {.n_links = 1};
	wanem_params_init(&lanp.link[0]);
	lanp.link[0].delay_us = 500;
	lanp.link[0].rate_bps = 1000000000;
	lanp.link[0].queue_bytes = 250000;
	wanem_params_init(&inside.link[0]);
	struct sim_path_params ab = {.n_links = P.n_links}, bap = {.n_links = P.n_links};
	double sum_bps = 0;
	for (unsigned int l = 0; l < P.n_links; l++) {
		struct wanem_params *w = &ab.link[l];
		wanem_params_init(w);
		w->mtu = (uint32_t)P.wan_mtu;
		w->rate_bps = (uint64_t)(P.rate_mbps[l] * 1e6);
		w->queue_bytes =
		        (uint32_t)RTE_MAX(w->rate_bps / 8 / 10, (uint64_t)WANEM_MIN_QUEUE_BYTES);
		w->delay_us = (uint32_t)(P.delay_ms[l] * 1000);
		w->loss = P.loss;
		w->max_packets = 8192;
		bap.link[l] = *w;
		sum_bps += (double)w->rate_bps;
	}
	rc = sim_connect(c, 0, a, 0, &lanp, &lanp);
	rc = rc ? rc : sim_connect(a, 1, tA, 0, &inside, &inside);
	rc = rc ? rc : sim_bond_connect(tA, tB, &ab, &bap);
	if (P.single) {
		rc = rc ? rc : sim_connect(tB, 0, v, 0, &inside, &inside);
	} else {
		rc = rc ? rc : sim_connect(tB, 0, b, 0, &inside, &inside);
		rc = rc ? rc : sim_connect(b, 1, v, 0, &lanp, &lanp);
	}
	if (rc != 0) {
		fprintf(stderr, "sim_connect failed\n");
		return 2;
	}
	struct sim_path *wan_ab = sim_node_path(tA, 1), *wan_ba = sim_node_path(tB, 1);
	struct trace tr = {.bytes = calloc(MAX_SAMPLES, sizeof(uint64_t))};
	struct cut cut = {
	        .ab = wan_ab, .ba = wan_ba, .link = (unsigned int)P.cut_link, .dir = P.cut_dir};
	if (tr.bytes == NULL || sim_at(s, 0, sample, &tr) != 0 ||
	    (P.cut_link >= 0 && sim_at(s, (uint64_t)(P.cut_at_s * 1e6), cut_down, &cut) != 0) ||
	    (P.cut_link >= 0 && P.cut_for_s > 0 &&
	     sim_at(s, (uint64_t)((P.cut_at_s + P.cut_for_s) * 1e6), cut_up, &cut) != 0) ||
	    (o.trace_us && sim_trace(s, o.trace_us, wan_ab, stdout) != 0)) {
		fprintf(stderr, "sim: too many scheduled events\n");
		return 2;
	}
	struct sim_flow_spec fs = {.up_bytes = o.bytes, .piece_bytes = PIECE};
	/* The tunnel first: a gateway carries flows once its links are up (~0.3 s of probes). */
	sim_run(s, TUNNEL_UP_US);
	double cpu;
	rc = sim_opts_run_flow(&o, s, c, &fs, "bond_sim", &cpu);
	if (rc < 0)
		return 2;
	bool idle = rc == 1;
	if (o.verbose) {
		sim_print_counters(s, stdout);
		sim_bond_print(tA, stdout);
		sim_bond_print(tB, stdout);
	}
	int ok = idle && sim_verify(s, stderr) == 0;
	struct sim_bond_stats sa, sb;
	sim_bond_get_stats(tA, &sa);
	sim_bond_get_stats(tB, &sb);
	if (sa.seal_drops + sa.open_drops + sb.seal_drops + sb.open_drops > 0) {
		fprintf(stderr,
		        "bond_sim: the tunnel refused packets (seal %llu+%llu, open "
		        "%llu+%llu)\n",
		        (unsigned long long)sa.seal_drops, (unsigned long long)sb.seal_drops,
		        (unsigned long long)sa.open_drops, (unsigned long long)sb.open_drops);
		ok = 0;
	}

	double goodput = sim_goodput_bps(s);
	printf("goodput sched=%s mbps=%.3f link_sum_mbps=%.3f share=%.3f",
	       bond_sched_kind_name(P.sched), goodput / 1e6, sum_bps / 1e6, goodput / sum_bps);
	for (unsigned int l = 0; l < P.n_links; l++)
		printf(" data_tx%u=%llu", l, (unsigned long long)sa.data_tx[l]);
	printf(" reorder_held=%llu reorder_late=%llu reorder_dup=%llu expired=%llu passed=%llu\n",
	       (unsigned long long)sb.reorder.c[BOND_REORDER_C_held],
	       (unsigned long long)sb.reorder.c[BOND_REORDER_C_drop_late],
	       (unsigned long long)sb.reorder.c[BOND_REORDER_C_drop_duplicate],
	       (unsigned long long)sb.reorder.c[BOND_REORDER_C_skipped_expired],
	       (unsigned long long)sb.reorder.c[BOND_REORDER_C_skipped_passed]);
	if (ok && P.link_share > 0) {
		bool good = goodput >= P.link_share * sum_bps;
		printf("check link_share measured_mbps=%.3f of_mbps=%.3f ratio=%.3f min=%.2f %s\n",
		       goodput / 1e6, sum_bps / 1e6, goodput / sum_bps, P.link_share,
		       good ? "ok" : "FAILED");
		ok = good;
	}
	if (P.cut_link >= 0) {
		/* From the receiver's trace (100 ms windows): the dip is the first window from the
		 * cut on (within DIP_WITHIN_US) whose goodput is under half of what the other links
		 * carry, the resume the first window after it that is back above; no dip: resume 0
		 * (seamless). */
		double left = sum_bps - P.rate_mbps[(unsigned int)P.cut_link] * 1e6;
		uint64_t k = WINDOW_US / SAMPLE_US;
		uint64_t i0 = (uint64_t)(P.cut_at_s * 1e6 / SAMPLE_US);
		struct sim_totals tt;
		sim_get_totals(s, &tt);
		uint64_t last = RTE_MIN(tr.n, tt.last_up_us / SAMPLE_US);
		double resume_ms = 0, dip_ms = -1;
		for (uint64_t i = i0 + k; i < last; i++) {
			bool low = window_bps(&tr, i) < left / 2;
			if (dip_ms < 0 && low && (i - k - i0) * SAMPLE_US <= DIP_WITHIN_US) {
				dip_ms = (double)(i - k - i0) * SAMPLE_US / 1000;
				resume_ms = -1;
			} else if (dip_ms >= 0 && !low) {
				resume_ms = (double)(i - k - i0) * SAMPLE_US / 1000;
				break;
			}
		}
		/* the longest stretch without a byte at the server, from the cut to the last byte
		 */
		uint64_t stall = 0, run = 0;
		for (uint64_t i = i0 + 1; i < last; i++) {
			run = tr.bytes[i] == tr.bytes[i - 1] ? run + 1 : 0;
			stall = RTE_MAX(stall, run);
		}
		double end_s = P.cut_for_s > 0 ? P.cut_at_s + P.cut_for_s : tr.n * SAMPLE_US / 1e6;
		printf("failover link=%u dir=%s dip_ms=%.0f resume_ms=%.0f longest_stall_ms=%llu "
		       "before_mbps=%.3f during_mbps=%.3f after_mbps=%.3f "
		       "last_tx_on_cut_link_ms=%.0f\n",
		       cut.link,
		       P.cut_dir == CUT_BOTH ? "both"
		       : P.cut_dir == CUT_AB ? "ab"
		                             : "ba",
		       dip_ms, resume_ms, (unsigned long long)(stall * SAMPLE_US / 1000),
		       span_bps(&tr, RTE_MAX(P.cut_at_s - 5, 0.5), P.cut_at_s) / 1e6,
		       span_bps(&tr, P.cut_at_s + 1, end_s) / 1e6,
		       P.cut_for_s > 0 ? span_bps(&tr, end_s + 3, end_s + 8) / 1e6 : 0,
		       ((double)sa.last_data_tx_us[cut.link] - P.cut_at_s * 1e6) / 1000);
		if (ok && P.resume_ms > 0) {
			bool good = stall * SAMPLE_US / 1000 <= P.resume_ms;
			/* after the link came back it carries data again */
			if (P.cut_for_s > 0 && P.cut_dir != CUT_BA &&
			    sa.last_data_tx_us[cut.link] <=
			            (uint64_t)((P.cut_at_s + P.cut_for_s) * 1e6))
				good = false;
			printf("check resume longest_stall_ms=%llu max_ms=%.0f reused=%d %s\n",
			       (unsigned long long)(stall * SAMPLE_US / 1000), P.resume_ms,
			       sa.last_data_tx_us[cut.link] >
			               (uint64_t)((P.cut_at_s + P.cut_for_s) * 1e6),
			       good ? "ok" : "FAILED");
			ok = good;
		}
	}
	if (getenv("BOND_SIM_GOODPUT") != NULL) /* the receiver's trace, 100 ms windows */
		for (uint64_t i = WINDOW_US / SAMPLE_US; i < tr.n; i += WINDOW_US / SAMPLE_US)
			printf("receiver t_s=%.2f goodput_mbps=%.3f\n", i * SAMPLE_US / 1e6,
			       window_bps(&tr, i) / 1e6);
	char label[160];
	snprintf(label, sizeof(label), "mode=%s sched=%s cc=%s seed=%llu",
	         P.single ? "bond-single" : "bond-paired", bond_sched_kind_name(P.sched),
	         o.wan_profile.congestion_control, (unsigned long long)o.seed);
	sim_summary(s, stdout, ok, label, wan_ab, cpu);
	free(tr.bytes);
	unsigned int leaked = sim_free(s);
	bond_cryptodev_close(&dev);
	if (leaked) {
		fprintf(stderr, "mbuf leak: %u in use\n", leaked);
		ok = 0;
	}
	if (!ok)
		fprintf(stderr, "FAILED\n");
	return ok ? 0 : 1;
}
