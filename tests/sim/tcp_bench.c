/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_bench: CPU and memory figures of the split-TCP engine on one core.
 *
 * Three engines in one thread on the simulation harness (sim.h), as in tcp_sim's relay mode:
 * client C -- gateway G (tcp_relay_open) -- server S, joined by zero-delay, loss-free,
 * unlimited lib/wanem links (a packet is handed on at the same virtual instant). Only the time
 * spent inside the gateway engine's entry points is charged to it (tcp_relay_open,
 * tcp_conn_input and tcp_engine_advance on G, which include G's tx callback queueing each
 * segment for its link); C, S, the links and the byte checking are not.
 *
 *  relay: C sends --bytes of the pattern in 1448-byte pieces (one full-size segment each with
 *         timestamps on), S checks every byte. Gateway cycles per relayed data segment, Gb/s of
 *         relayed payload per gateway core, end-to-end cycles per segment for reference.
 *  mem:   heap taken by tcp_engine_create per relay (two legs + relay + the default SACK hole
 *         share), from rte_malloc heap statistics at two pool sizes (fixed parts cancel); and
 *         the mbufs an established, idle relay holds.
 *  conn:  --conns short flows (handshake on both legs, 100-byte request, 100-byte response,
 *         server closes first, TIME_WAIT expiring on the virtual clock), deferred and immediate
 *         handshake: gateway cycles per flow and flows per second per core.
 *
 * Output: one "figure <name> <value> <unit>" line per figure, then a summary. Exit status 1
 * when a check fails (bytes lost or corrupted, a flow not completed, a leak), so that a broken
 * engine cannot pass for a fast one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "sim.h"
#include "test_eal.h"

#define POOL_MBUFS   16383
#define SEG          1448  /* MSS at MTU 1500 with the timestamp option */
#define NTUPLES      65536 /* client addresses and ports the conn benchmark cycles through */
#define REQ_BYTES    100
#define RESP_BYTES   100
#define CONN_BATCH   64  /* new flows per millisecond of virtual time */
#define TIME_WAIT_MS 100 /* profile's time_wait_ms: keeps ~6400 legs in TIME_WAIT */
#define CONN_POOL    16384
#define LINK_PACKETS (1u << 17)          /* held per link at most: a whole window at once */
#define RUN_LIMIT_US (3600ull * 1000000) /* virtual time a benchmark may take */

static const uint32_t SERVER_ADDR = RTE_IPV4(10, 2, 0, 2);

/* Client C -- gateway G -- server S on zero-delay links; G's engine is charged its cycles. */
struct bench {
	struct sim *s;
	struct sim_node *c, *g, *v;
	struct tcp_profile lan, wan;
};

static int bench_setup(struct bench *b, uint32_t time_wait_ms, uint32_t gw_conns,
                       uint32_t end_conns, uint32_t end_holes, bool deferred, uint32_t flows)
{
	tcp_profile_defaults(&b->lan);
	tcp_profile_defaults(&b->wan);
	b->lan.time_wait_ms = b->wan.time_wait_ms = time_wait_ms;
	b->lan.idle_timeout_s = b->wan.idle_timeout_s = 0;
	b->s = sim_create(&(struct sim_params){.pool_mbufs = POOL_MBUFS, .max_flows = flows});
	if (b->s == NULL)
		return -1;
	struct sim_tcp_params cp = {.role = SIM_TCP_CLIENT,
	                            .max_conns = end_conns,
	                            .sack_holes = end_holes,
	                            .isn_key = 1,
	                            .profile = &b->lan};
	struct sim_tcp_params gp = {.role = SIM_TCP_RELAY,
	                            .max_conns = gw_conns,
	                            .isn_key = 2,
	                            .count_cycles = true,
	                            .profile = &b->lan,
	                            .server_profile = &b->wan,
	                            .deferred = deferred};
	struct sim_tcp_params sp = {.role = SIM_TCP_SERVER,
	                            .max_conns = end_conns,
	                            .sack_holes = end_holes,
	                            .isn_key = 3,
	                            .profile = &b->wan};
	b->c = sim_tcp_node_create(b->s, "bench_c", &cp);
	b->g = sim_tcp_node_create(b->s, "bench_g", &gp);
	b->v = sim_tcp_node_create(b->s, "bench_s", &sp);
	struct sim_path_params wire = {.n_links = 1};
	wanem_params_init(&wire.link[0]);
	wire.link[0].max_packets = LINK_PACKETS;
	if (b->c == NULL || b->g == NULL || b->v == NULL ||
	    sim_connect(b->c, 0, b->g, 0, &wire, &wire) != 0 ||
	    sim_connect(b->g, 1, b->v, 0, &wire, &wire) != 0) {
		fprintf(stderr, "bench: set-up failed: %s\n", strerror(rte_errno));
		return -1;
	}
	return 0;
}

/* Free the simulation; -1 when an mbuf did not come back. */
static int bench_teardown(struct bench *b, const char *what)
{
	unsigned int leaked = sim_free(b->s);
	b->s = NULL;
	if (leaked) {
		fprintf(stderr, "%s: mbuf leak: %u in use\n", what, leaked);
		return -1;
	}
	return 0;
}

static struct tcp_tuple client_tuple(uint32_t k, uint16_t server_port)
{
	k &= NTUPLES - 1;
	return (struct tcp_tuple){.laddr = rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, 1) + (k >> 14)),
	                          .raddr = rte_cpu_to_be_32(SERVER_ADDR),
	                          .lport = rte_cpu_to_be_16((uint16_t)(20000 + (k & 0x3fff))),
	                          .rport = rte_cpu_to_be_16(server_port)};
}

/* Heap octets allocated on every socket (rte_malloc and memzones). */
static uint64_t heap_used(void)
{
	uint64_t sum = 0;
	for (unsigned int i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats st;
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
			sum += st.heap_allocsz_bytes;
	}
	return sum;
}

/*
 * Share of the wall clock this thread was on a CPU between two points: rdtsc counts the time
 * other processes ran on our core too, so on a shared machine the cycle figures are also given
 * scaled by it (assuming preemption falls evenly on the gateway and the rest).
 */
struct span {
	uint64_t tsc, cpu_ns;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void span_start(struct span *sp)
{
	sp->cpu_ns = thread_cpu_ns();
	sp->tsc = rte_rdtsc();
}

static double span_cpu_share(const struct span *sp)
{
	double wall_ns = (double)(rte_rdtsc() - sp->tsc) * 1e9 / (double)rte_get_tsc_hz();
	double cpu = (double)(thread_cpu_ns() - sp->cpu_ns);
	return wall_ns > 0 && cpu < wall_ns ? cpu / wall_ns : 1.0;
}

/* ---- relay throughput ---- */

struct relay_result {
	uint64_t gw_cycles, e2e_cycles, data_segs, bytes, rexmt;
	double gw_cps, gbps, e2e_cps, cpu_share;
};

static int bench_relay(uint64_t bytes, struct relay_result *r)
{
	struct bench b;
	memset(r, 0, sizeof(*r));
	if (bench_setup(&b, 10, 4, 4, 0, false, 4) != 0)
		return -1;
	struct sim_flow_spec fs = {.tuple = client_tuple(0, 5001),
	                           .up_bytes = bytes,
	                           .piece_bytes = SEG,
	                           .close = SIM_CLOSE_CLIENT_FIRST};
	struct span sp;
	span_start(&sp);
	uint64_t t_start = rte_rdtsc();
	if (sim_flow_open(b.c, &fs) < 0) {
		fprintf(stderr, "connect failed\n");
		return -1;
	}
	bool idle = sim_run_until_idle(b.s, RUN_LIMIT_US);
	uint64_t e2e = rte_rdtsc() - t_start;
	r->cpu_share = span_cpu_share(&sp);
	double hz = (double)rte_get_tsc_hz();
	struct sim_link_stats ls;
	sim_path_get_stats(sim_node_path(b.g, 1), &ls);
	struct sim_totals t;
	sim_get_totals(b.s, &t);
	r->gw_cycles = sim_tcp_cycles(b.g);
	r->e2e_cycles = e2e;
	r->data_segs = ls.data_out;
	r->bytes = t.bytes_up;
	r->rexmt = tcp_engine_counter(sim_tcp_engine(b.g), TCP_CNT_retransmits) +
	           tcp_engine_counter(sim_tcp_engine(b.c), TCP_CNT_retransmits);
	if (getenv("BENCH_VERBOSE"))
		sim_print_counters(b.s, stdout);
	int ok = idle && sim_verify(b.s, stderr) == 0;
	if (!ok)
		fprintf(stderr, "relay: FAILED (%s)\n", idle ? "see above" : "did not finish");
	if (bench_teardown(&b, "relay") != 0)
		ok = 0;
	/* 1448-byte pieces: at least one relayed data segment per piece. */
	uint64_t want = (bytes + SEG - 1) / SEG;
	if (r->data_segs < want) {
		fprintf(stderr, "relay: FAILED %llu data segments for %llu pieces\n",
		        (unsigned long long)r->data_segs, (unsigned long long)want);
		ok = 0;
	}
	/* No loss on these links, so a retransmission is the engine's own doing (a sender
	 * overrunning the window it was offered, say): reported, not fatal. */
	if (r->rexmt != 0)
		fprintf(stderr, "relay: warning: %llu retransmits on a loss-free path\n",
		        (unsigned long long)r->rexmt);
	if (r->data_segs == 0)
		return -1;
	r->gw_cps = (double)r->gw_cycles / (double)r->data_segs;
	r->e2e_cps = (double)e2e / (double)r->data_segs;
	r->gbps = (double)r->bytes * 8 / ((double)r->gw_cycles / hz) / 1e9;
	return ok ? 0 : -1;
}

/* ---- connections: many short flows, one tuple each ---- */

struct conn_result {
	uint64_t conns, gw_cycles;
	double cycles_per_conn, per_s, cpu_share;
};

static int bench_conns(uint64_t n, bool deferred, struct conn_result *r)
{
	struct bench b;
	const char *policy = deferred ? "deferred" : "immediate";
	memset(r, 0, sizeof(*r));
	if (bench_setup(&b, TIME_WAIT_MS, CONN_POOL, CONN_POOL, 4096, deferred, CONN_POOL) != 0)
		return -1;
	struct sim_flow_spec fs = {
	        .up_bytes = REQ_BYTES, .down_bytes = RESP_BYTES, .close = SIM_CLOSE_SERVER_FIRST};
	uint64_t opened = 0, open_fail = 0;
	struct span sp;
	span_start(&sp);
	while (opened < n && sim_now(b.s) < RUN_LIMIT_US) {
		for (int k = 0; k < CONN_BATCH && opened < n; k++) {
			fs.tuple = client_tuple((uint32_t)opened, 80);
			int rc = sim_flow_open(b.c, &fs);
			if (rc == -EBUSY || rc == -ENOSPC)
				break; /* the tuple or the pool is still in TIME_WAIT: wait */
			if (rc < 0) {
				open_fail++;
				break;
			}
			opened++;
		}
		sim_run(b.s, sim_now(b.s) + 1000);
	}
	bool idle = sim_run_until_idle(b.s, sim_now(b.s) + RUN_LIMIT_US);
	r->cpu_share = span_cpu_share(&sp);
	struct tcp_engine *g = sim_tcp_engine(b.g);
	uint64_t no_mem = tcp_engine_counter(g, TCP_CNT_conn_no_memory);
	uint64_t rexmt = tcp_engine_counter(g, TCP_CNT_retransmits);
	struct sim_totals t;
	sim_get_totals(b.s, &t);
	int ok = idle && sim_verify(b.s, stderr) == 0;
	r->conns = t.flows_completed;
	r->gw_cycles = sim_tcp_cycles(b.g);
	if (bench_teardown(&b, policy) != 0)
		ok = 0;
	if (t.flows_completed > 0) {
		r->cycles_per_conn = (double)r->gw_cycles / (double)t.flows_completed;
		r->per_s = (double)rte_get_tsc_hz() / r->cycles_per_conn;
	}
	if (rexmt != 0)
		fprintf(stderr,
		        "conn (%s): warning: %llu gateway retransmits on a loss-free path\n",
		        policy, (unsigned long long)rexmt);
	if (!ok || t.flows_completed != n || open_fail || no_mem) {
		fprintf(stderr,
		        "conn (%s): FAILED completed %llu/%llu failures %llu open failures %llu "
		        "no_memory %llu\n",
		        policy, (unsigned long long)t.flows_completed, (unsigned long long)n,
		        (unsigned long long)t.flows_failed, (unsigned long long)open_fail,
		        (unsigned long long)no_mem);
		return -1;
	}
	return 0;
}

/* ---- memory ---- */

/* Heap taken by a gateway engine of max_conns connections: the least of three creations, as
 * where a block lands in the heap can add alignment padding to the figure. */
static uint64_t engine_heap(uint32_t max_conns, uint32_t sack_holes)
{
	struct tcp_engine_params ep;
	uint64_t best = UINT64_MAX;
	sim_tcp_engine_params(&ep, test_mbuf_pool(), max_conns, sack_holes, 9);
	for (int i = 0; i < 3; i++) {
		uint64_t before = heap_used();
		struct tcp_engine *e = tcp_engine_create("bench_mem", &ep);
		uint64_t after = heap_used();
		if (e == NULL) {
			fprintf(stderr, "mem: engine: %s\n", strerror(rte_errno));
			exit(2);
		}
		tcp_engine_free(e);
		if (after - before < best)
			best = after - before;
	}
	return best;
}

static double median5(double v[5])
{
	for (int i = 1; i < 5; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[2];
}

struct mem_result {
	double per_relay, per_relay_no_sack, per_conn, sack_share, fixed;
	double idle_mbufs_per_pair;
	int64_t idle_heap_delta;
};

static int bench_mem(uint32_t idle_pairs, struct mem_result *r)
{
	/* The first engine of the process also registers the mbuf dynamic field (a memzone). */
	engine_heap(2000, 0);
	/* Per relay: two legs, the relay, 2 x 64 SACK holes (the default share); then the same
	 * with a fixed hole pool (legs and relay alone). Slopes between pools of 1000 ... 6000
	 * relays, the median of five (a large block now and then takes heap padding with it). */
	double slope[2][5];
	for (int h = 0; h < 2; h++) {
		uint64_t prev = engine_heap(2000, h ? 64 : 0);
		if (h == 0)
			r->fixed = (double)prev;
		for (int k = 0; k < 5; k++) {
			uint64_t cur = engine_heap(2000 * (uint32_t)(k + 2), h ? 64 : 0);
			slope[h][k] = (double)(cur - prev) / 1000;
			prev = cur;
		}
	}
	if (getenv("BENCH_VERBOSE"))
		for (int k = 0; k < 5; k++)
			printf("slope %d: %.1f %.1f\n", k, slope[0][k], slope[1][k]);
	r->per_relay = median5(slope[0]);
	r->per_relay_no_sack = median5(slope[1]);
	r->fixed -= r->per_relay * 1000;
	r->sack_share = r->per_relay - r->per_relay_no_sack;
	/* One connection more and no relay more (relays = max_conns / 2): sizeof(struct tcp_conn)
	 * rounded up to the heap's 64-byte granularity (the struct is private). */
	r->per_conn = (double)(engine_heap(2001, 64) - engine_heap(2000, 64));

	/* Established, idle relays: what they hold beyond the pool. */
	struct bench b;
	uint32_t pool = 2 * idle_pairs + 16;
	if (bench_setup(&b, 100, pool, pool, 4096, true, idle_pairs) != 0)
		return -1;
	unsigned int mb0 = sim_mbufs_in_use(b.s);
	uint64_t h0 = heap_used();
	struct sim_flow_spec fs = {.close = SIM_CLOSE_NONE};
	for (uint32_t k = 0; k < idle_pairs; k++) {
		fs.tuple = client_tuple(k, 80);
		if (sim_flow_open(b.c, &fs) < 0)
			return -1;
	}
	/* Handshakes, then long enough for any delayed ACK to go. */
	sim_run(b.s, sim_now(b.s) + 200 * 1000);
	struct tcp_engine_summary gs, cs;
	tcp_engine_get_summary(sim_tcp_engine(b.g), &gs);
	tcp_engine_get_summary(sim_tcp_engine(b.c), &cs);
	unsigned int mb1 = sim_mbufs_in_use(b.s);
	r->idle_heap_delta = (int64_t)(heap_used() - h0);
	r->idle_mbufs_per_pair = (double)(mb1 - mb0) / idle_pairs;
	int ok = bench_teardown(&b, "mem") == 0;
	if (gs.conns != 2 * idle_pairs || gs.by_state[TCP_ESTABLISHED] != 2 * idle_pairs ||
	    cs.by_state[TCP_ESTABLISHED] != idle_pairs) {
		fprintf(stderr,
		        "mem: FAILED %u/%u client connections and %u/%u gateway legs "
		        "established (%u gateway conns)\n",
		        cs.by_state[TCP_ESTABLISHED], idle_pairs, gs.by_state[TCP_ESTABLISHED],
		        2 * idle_pairs, gs.conns);
		return -1;
	}
	if (r->per_relay <= 0 || r->per_conn <= 0)
		return -1;
	return ok ? 0 : -1;
}

static double rdtsc_overhead(void)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 1000; i++) {
		uint64_t t0 = rte_rdtsc();
		uint64_t t1 = rte_rdtsc();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return (double)best;
}

static void usage(void)
{
	fprintf(stderr, "usage: tcp_bench [--quick] [--bytes N] [--conns N] [--idle-pairs N] "
	                "[--only relay|mem|conn]\n");
}

int main(int argc, char **argv)
{
	uint64_t bytes = 2000000000ull, conns = 200000;
	uint32_t idle_pairs = 4000;
	const char *only = NULL;
	static const struct option lo[] = {
	        {"quick", no_argument, NULL, 'q'},
	        {"bytes", required_argument, NULL, 'n'},
	        {"conns", required_argument, NULL, 'c'},
	        {"idle-pairs", required_argument, NULL, 'i'},
	        {"only", required_argument, NULL, 'o'},
	        {NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'q':
			bytes = 100000000ull;
			conns = 20000;
			idle_pairs = 500;
			break;
		case 'n':
			bytes = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			conns = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			idle_pairs = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			only = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (bytes == 0 || conns == 0 || idle_pairs == 0 || idle_pairs > NTUPLES / 2) {
		usage();
		return 2;
	}
	if (test_eal_init() != 0) {
		fprintf(stderr, "EAL init failed\n");
		return 2;
	}
	if (test_mbuf_pool() == NULL) {
		fprintf(stderr, "pool: %s\n", strerror(rte_errno));
		return 2;
	}

	double hz = (double)rte_get_tsc_hz();
	printf("figure tsc_hz %.0f Hz\n", hz);
	printf("figure rdtsc_pair_overhead %.0f cycles\n", rdtsc_overhead());
	int ok = 1;
	struct relay_result rr = {0};
	struct mem_result mr = {0};
	struct conn_result cd = {0}, ci = {0};
	int do_relay = only == NULL || strcmp(only, "relay") == 0;
	int do_mem = only == NULL || strcmp(only, "mem") == 0;
	int do_conn = only == NULL || strcmp(only, "conn") == 0;
	if (do_relay) {
		if (bench_relay(bytes, &rr) != 0)
			ok = 0;
		printf("figure relay_gw_cycles_per_segment %.0f cycles\n", rr.gw_cps);
		printf("figure relay_gw_gbps_per_core %.2f Gbit/s\n", rr.gbps);
		printf("figure relay_e2e_cycles_per_segment %.0f cycles\n", rr.e2e_cps);
		printf("figure relay_cpu_share %.2f\n", rr.cpu_share);
		printf("figure relay_gw_cycles_per_segment_oncpu %.0f cycles\n",
		       rr.gw_cps * rr.cpu_share);
		printf("figure relay_gw_gbps_per_core_oncpu %.2f Gbit/s\n", rr.gbps / rr.cpu_share);
		printf("figure relay_data_segments %llu segments\n",
		       (unsigned long long)rr.data_segs);
		printf("figure relay_retransmits %llu segments\n", (unsigned long long)rr.rexmt);
	}
	if (do_mem) {
		if (bench_mem(idle_pairs, &mr) != 0)
			ok = 0;
		printf("figure mem_bytes_per_relay %.0f bytes\n", mr.per_relay);
		printf("figure mem_bytes_per_relay_without_sack_share %.0f bytes\n",
		       mr.per_relay_no_sack);
		printf("figure mem_sack_share_per_relay %.0f bytes\n", mr.sack_share);
		printf("figure mem_bytes_per_extra_leg_64B_granular %.0f bytes\n", mr.per_conn);
		printf("figure mem_engine_fixed %.0f bytes\n", mr.fixed);
		printf("figure idle_pair_mbufs %.3f mbufs\n", mr.idle_mbufs_per_pair);
		printf("figure idle_pairs_heap_delta %lld bytes\n", (long long)mr.idle_heap_delta);
	}
	if (do_conn) {
		if (bench_conns(conns, true, &cd) != 0)
			ok = 0;
		if (bench_conns(conns, false, &ci) != 0)
			ok = 0;
		printf("figure conn_deferred_gw_cycles_per_conn %.0f cycles\n", cd.cycles_per_conn);
		printf("figure conn_deferred_per_s_per_core %.0f conn/s\n", cd.per_s);
		printf("figure conn_immediate_gw_cycles_per_conn %.0f cycles\n",
		       ci.cycles_per_conn);
		printf("figure conn_immediate_per_s_per_core %.0f conn/s\n", ci.per_s);
		printf("figure conn_deferred_cpu_share %.2f\n", cd.cpu_share);
		printf("figure conn_deferred_per_s_per_core_oncpu %.0f conn/s\n",
		       cd.per_s / cd.cpu_share);
		printf("figure conn_immediate_cpu_share %.2f\n", ci.cpu_share);
		printf("figure conn_immediate_per_s_per_core_oncpu %.0f conn/s\n",
		       ci.per_s / ci.cpu_share);
	}
	printf("\n");
	if (do_relay)
		printf("relay: %.2f GB through the gateway in %llu data segments, %.0f gateway "
		       "cycles per segment (%.2f Gbit/s per core), %.0f cycles end to end; on CPU "
		       "%.0f%% of the time: %.0f cycles, %.2f Gbit/s\n",
		       rr.bytes / 1e9, (unsigned long long)rr.data_segs, rr.gw_cps, rr.gbps,
		       rr.e2e_cps, rr.cpu_share * 100, rr.gw_cps * rr.cpu_share,
		       rr.gbps / rr.cpu_share);
	if (do_mem)
		printf("memory: %.0f B per relay (2 legs + relay %.0f B, one leg at most %.0f B; "
		       "SACK "
		       "holes %.0f B), %.2f mbufs held per idle established pair (%u pairs)\n",
		       mr.per_relay, mr.per_relay_no_sack, mr.per_conn, mr.sack_share,
		       mr.idle_mbufs_per_pair, idle_pairs);
	if (do_conn)
		printf("connections: %llu flows per policy, deferred %.0f gateway cycles per flow "
		       "(%.0f/s per core; %.0f/s on CPU), immediate %.0f (%.0f/s; %.0f/s on CPU)\n",
		       (unsigned long long)cd.conns, cd.cycles_per_conn, cd.per_s,
		       cd.per_s / cd.cpu_share, ci.cycles_per_conn, ci.per_s,
		       ci.per_s / ci.cpu_share);
	if (!ok)
		fprintf(stderr, "FAILED\n");
	return ok ? 0 : 1;
}
