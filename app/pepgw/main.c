/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pepgw: start-up, shutdown and the one-screen summary. The data path is in datapath.c.
 *
 *   pepgw [EAL options] -- --config FILE     run the gateway
 *   pepgw --check --config FILE              validate the configuration only (no DPDK)
 *   pepgw --version
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_malloc.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>
#include <rte_version.h>

#include "capture_gw.h"
#include "gw.h"
#include "journal.h"
#include "params.h"
#include "tunnel.h"

#define EXIT_CONFIG   2
#define MEMPOOL_CACHE 256
#define MEMPOOL_MIN   8191

static struct gw *the_gw;

static void on_signal(int sig)
{
	(void)sig;
	if (the_gw != NULL)
		the_gw->quit = true;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: pepgw [EAL options] -- --config FILE\n"
	             "       pepgw --check --config FILE\n"
	             "       pepgw --version\n"
	             "  --config FILE  JSON configuration (see doc/configuration.md)\n"
	             "  --check        validate the configuration and exit: 0 valid, 2 invalid\n"
	             "  --version      print the version and exit\n");
}

struct app_args {
	const char *config;
	bool check;
};

/* Parse the application's own options (after "--"); returns 0, 1 for --help, 2 for --version,
 * or -1. */
static int parse_app_args(int argc, char **argv, struct app_args *a)
{
	static const struct option opts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"check", no_argument, NULL, 'k'},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->config = optarg;
			break;
		case 'k':
			a->check = true;
			break;
		case 'h':
			return 1;
		case 'V':
			return 2;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pepgw: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (a->config == NULL) {
		fprintf(stderr, "pepgw: --config FILE is required\n");
		return -1;
	}
	return 0;
}

static const struct pepgw_config *load_config(const char *path)
{
	struct cfg_errors *errs = cfg_errors_create();
	if (errs == NULL) {
		fprintf(stderr, "pepgw: out of memory\n");
		return NULL;
	}
	struct pepgw_config *cfg = pepgw_config_load(path, errs);
	if (cfg_errors_count(errs) > 0) {
		cfg_errors_print(errs, stderr);
		pepgw_config_free(cfg);
		cfg = NULL;
	}
	cfg_errors_free(errs);
	return cfg;
}

static const char *ipv4_str(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return buf;
}

static void print_summary(const struct gw *gw)
{
	const struct pepgw_config *cfg = gw->cfg;
	char a[16], b[16];

	printf("pepgw %s (%s): %s\n", PEPGW_VERSION, rte_version(), cfg->path);
	printf("ports:\n");
	for (unsigned int i = 0; i < gw->n_ports; i++) {
		const struct gw_port *p = &gw->ports[i];
		uint32_t speed = 0;
		int up = port_link(&p->info, &speed);
		char mac[RTE_ETHER_ADDR_FMT_SIZE];
		rte_ether_format_addr(mac, sizeof(mac), &p->info.mac);
		printf("  %-6s %-3s %s/%u mtu %u mac %s %s rxq %u txq %u%s csum %s link %s\n",
		       p->info.name, p->role == CFG_ROLE_LAN ? "lan" : "wan",
		       ipv4_str(p->ipv4, a, sizeof(a)), p->prefix_len, p->mtu, mac, p->info.driver,
		       p->info.n_rxq, p->info.n_txq, p->info.rss ? " rss" : "",
		       p->info.tx_tcp_csum && p->info.tx_udp_csum ? "offload" : "software",
		       up ? "up" : "down");
	}
	printf("routes:\n");
	for (unsigned int i = 0; i < gw->n_ports; i++)
		printf("  %s/%u dev %s (connected)\n",
		       ipv4_str(gw->ports[i].ipv4 & (gw->ports[i].prefix_len
		                                             ? ~0u << (32 - gw->ports[i].prefix_len)
		                                             : 0),
		                a, sizeof(a)),
		       gw->ports[i].prefix_len, gw->ports[i].info.name);
	for (unsigned int i = 0; i < cfg->n_routes; i++) {
		const struct cfg_route *r = &cfg->routes[i];
		printf("  %s/%u via %s%s%s\n", ipv4_str(r->prefix, a, sizeof(a)), r->prefix_len,
		       r->via ? ipv4_str(r->via, b, sizeof(b)) : "-", r->port >= 0 ? " dev " : "",
		       r->port >= 0 ? cfg->ports[r->port].name : "");
	}
	printf("rules (first match wins, default %s):\n", cfg_action_name(cfg->default_action));
	for (unsigned int i = 0; i < cfg->n_rules; i++) {
		const struct cfg_rule *r = &cfg->rules[i];
		printf("  %-16s %-10s mss %s frag %s\n", r->name, cfg_action_name(r->action),
		       r->mss_mode == CFG_MSS_OFF    ? "off"
		       : r->mss_mode == CFG_MSS_AUTO ? "auto"
		                                     : (snprintf(a, sizeof(a), "%u", r->mss), a),
		       cfg_frag_name(r->fragment));
	}
	for (unsigned int i = 0; i < cfg->n_tcp_profiles; i++) {
		const struct cfg_tcp_profile *t = &cfg->tcp_profiles[i];
		printf("tcp profile %-10s cc %s sack %s wscale %s ts %s rwnd %u sndbuf %u rto "
		       "%u..%u "
		       "ms init %u ms\n",
		       t->name, cfg_cc_name(t->congestion_control), t->sack ? "on" : "off",
		       t->window_scale ? "on" : "off", t->timestamps ? "on" : "off",
		       t->receive_window, t->send_buffer, t->min_rto_ms, t->max_rto_ms,
		       t->initial_rto_ms);
	}
	if (gw->lcores[0].accel != NULL)
		printf("split TCP: %u connection pairs per lcore, each leg's MTU from its "
		       "egress\n",
		       gw->accel_max_pairs);
	printf("lcores: main %u, workers", rte_get_main_lcore());
	for (unsigned int i = 0; i < gw->n_lcores; i++)
		printf(" %u", gw->lcores[i].lcore_id);
	printf("; burst %u, idle_sleep_us %u\n", gw->burst, gw->idle_sleep_us);
	fflush(stdout);
}

static void print_final_counters(const struct gw *gw)
{
	struct stats_block total;
	stats_sum(gw->stats, gw->n_lcores, &total);
	printf("final counters:\n");
	for (unsigned int i = 0; i < STAT_MAX; i++)
		if (total.c[i] != 0)
			printf("  %-28s %" PRIu64 "\n", stats_name(i), total.c[i]);
	/* Packets by pepgw's own count, which survives the link; then what the PMD says (net_memif
	 * reports 0 once its peer has gone, so its numbers are shown, not used). */
	for (unsigned int i = 0; i < gw->n_ports; i++) {
		const struct gw_port *p = &gw->ports[i];
		struct rte_eth_stats es;
		uint64_t rx, tx;
		uint32_t speed;
		gw_port_counts(gw, i, &rx, &tx);
		printf("  port %-6s rx_packets %" PRIu64 " tx_packets %" PRIu64, p->info.name, rx,
		       tx);
		if (rte_eth_stats_get(p->info.port_id, &es) == 0)
			printf("; ethdev ipackets %" PRIu64 " opackets %" PRIu64 " imissed %" PRIu64
			       " ierrors %" PRIu64 " oerrors %" PRIu64,
			       es.ipackets, es.opackets, es.imissed, es.ierrors, es.oerrors);
		printf("; link %s\n", port_link(&p->info, &speed) ? "up" : "down");
	}
	fflush(stdout);
}

/* Pick worker lcores: the configured list, else every lcore but main, else main itself. */
static int choose_lcores(struct gw *gw, char *err, size_t errlen)
{
	const struct cfg_lcores *lc = &gw->cfg->lcores;
	unsigned int id;
	gw->n_lcores = 0;
	if (lc->n_workers > 0) {
		for (unsigned int i = 0; i < lc->n_workers; i++) {
			id = lc->workers[i];
			if (!rte_lcore_is_enabled(id)) {
				snprintf(err, errlen,
				         "lcores.workers[%u]: lcore %u is not enabled by EAL "
				         "(give it with -l)",
				         i, id);
				return -EINVAL;
			}
			gw->lcores[gw->n_lcores++].lcore_id = id;
		}
		return 0;
	}
	RTE_LCORE_FOREACH_WORKER(id)
	{
		if (gw->n_lcores < GW_MAX_LCORES)
			gw->lcores[gw->n_lcores++].lcore_id = id;
	}
	if (gw->n_lcores == 0)
		gw->lcores[gw->n_lcores++].lcore_id = rte_get_main_lcore();
	return 0;
}

static int open_ports(struct gw *gw, char *err, size_t errlen)
{
	const struct pepgw_config *cfg = gw->cfg;
	unsigned int nb_mbufs = 0;
	for (unsigned int i = 0; i < cfg->n_ports; i++) {
		const struct cfg_port *p = &cfg->ports[i];
		uint16_t nq = p->rx_queues ? p->rx_queues : gw->n_lcores;
		nb_mbufs += nq * (p->rx_desc ? p->rx_desc : 1024u) +
		            gw->n_lcores * (p->tx_desc ? p->tx_desc : 1024u);
	}
	nb_mbufs += gw->n_lcores * (MEMPOOL_CACHE + 4 * GW_BURST_MAX) + cfg->arp.queue_len * 256u;
	/* The tunnel: what the reorder buffers may hold, and batches and hand-offs in flight. */
	if (cfg->n_peers > 0)
		nb_mbufs += gw->n_lcores * (cfg->n_peers * GW_TUN_REORDER_PACKETS + 1024u);
	nb_mbufs = RTE_MAX(nb_mbufs, (unsigned int)MEMPOOL_MIN);
	gw->pool = rte_pktmbuf_pool_create("pepgw_pool", nb_mbufs, MEMPOOL_CACHE, 0,
	                                   RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	gw->indirect_pool = rte_pktmbuf_pool_create("pepgw_indirect", 8191, MEMPOOL_CACHE, 0, 0,
	                                            rte_socket_id());
	if (gw->pool == NULL || gw->indirect_pool == NULL) {
		snprintf(err, errlen, "cannot create mbuf pools (%u mbufs): %s", nb_mbufs,
		         rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < cfg->n_ports; i++) {
		const struct cfg_port *p = &cfg->ports[i];
		/* Worker i polls queue i only: RSS would send flows to queues nobody reads. */
		if (p->rx_queues > gw->n_lcores) {
			snprintf(err, errlen,
			         "ports.%s.rx_queues: %u queues for %u workers; worker i reads "
			         "queue "
			         "i only, so at most %u",
			         p->name, p->rx_queues, gw->n_lcores, gw->n_lcores);
			return -EINVAL;
		}
		struct port_params pp;
		gw_params_port(p, (uint16_t)gw->n_lcores, gw->pool, &pp);
		struct gw_port *gp = &gw->ports[i];
		int rc = port_open(&pp, &gp->info, err, errlen);
		if (rc < 0)
			return rc;
		gw->n_ports = i + 1;
		if (gp->info.n_txq < gw->n_lcores) {
			snprintf(err, errlen, "%s: %s has %u tx queues, %u workers need one each",
			         p->name, gp->info.driver, gp->info.n_txq, gw->n_lcores);
			return -EINVAL;
		}
		if (gp->info.n_rxq < gw->n_lcores && gw->n_lcores > 1)
			fprintf(stderr,
			        "pepgw: %s: %u rx queues for %u workers (no RSS): workers without "
			        "a "
			        "queue on this port only transmit on it\n",
			        p->name, gp->info.n_rxq, gw->n_lcores);
		gp->ipv4 = p->ipv4;
		gp->prefix_len = p->prefix_len;
		gp->mtu = gp->info.mtu;
		gp->role = p->role;
	}
	return 0;
}

/* TCP profiles of the config as lib/tcp's params; the pair bound of the engines. */
static int tcp_setup(struct gw *gw, char *err, size_t errlen)
{
	const struct pepgw_config *cfg = gw->cfg;
	uint32_t max_conns = 0;
	for (unsigned int i = 0; i < cfg->n_tcp_profiles; i++) {
		int rc = gw_params_tcp_profile(&cfg->tcp_profiles[i], &gw->tcp_profiles[i], err,
		                               errlen);
		if (rc < 0)
			return rc;
	}
	for (unsigned int i = 0; i < cfg->n_rules; i++) {
		const struct cfg_rule *r = &cfg->rules[i];
		if (r->action != CFG_ACTION_ACCELERATE)
			continue;
		max_conns = RTE_MAX(max_conns, gw->tcp_profiles[r->lan_profile].max_connections);
		max_conns = RTE_MAX(max_conns, gw->tcp_profiles[r->wan_profile].max_connections);
		gw->accel_metrics_entries =
		        RTE_MAX(gw->accel_metrics_entries,
		                gw->tcp_profiles[r->lan_profile].congestion_metrics_cache_entries);
		gw->accel_metrics_entries =
		        RTE_MAX(gw->accel_metrics_entries,
		                gw->tcp_profiles[r->wan_profile].congestion_metrics_cache_entries);
	}
	/* Split connections per lcore: each pair is a LAN and a WAN connection. */
	gw->accel_max_pairs = RTE_MAX(1u, max_conns / gw->n_lcores);
	return 0;
}

/* Whether the log types listed in types (one per line) include one that pattern matches. */
static bool pattern_matches_a_type(const char *types, const char *pattern)
{
	char name[128];
	for (const char *p = types; *p != '\0';) {
		size_t n = strcspn(p, "\n");
		size_t b = strspn(p, " \t"), e = n;
		while (e > b && (p[e - 1] == ',' || p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e > b && e - b < sizeof(name)) {
			memcpy(name, p + b, e - b);
			name[e - b] = '\0';
			if (fnmatch(pattern, name, 0) == 0)
				return true;
		}
		p += n + (p[n] == '\n');
	}
	return false;
}

/*
 * The logging section, once EAL has registered every log type (its drivers are plugins). An
 * EAL --log-level on the command line replaces the section, so that a command line always gets
 * exactly the levels it asks for. A pattern that matches no log type is most likely a typo.
 */
static void apply_log_levels(const struct pepgw_config *cfg, bool eal_log_level)
{
	struct gw_log_level lv[CFG_MAX_LOG_LEVELS + 1];
	unsigned int n = gw_params_log_levels(&cfg->logging, lv, RTE_DIM(lv));
	char *types = NULL;
	size_t len = 0;

	if (n == 0)
		return;
	if (eal_log_level) {
		fprintf(stderr, "pepgw: EAL --log-level given: the configuration's logging levels "
		                "are not applied\n");
		return;
	}
	FILE *f = open_memstream(&types, &len);
	if (f != NULL) {
		rte_log_list_types(f, "");
		fclose(f);
	}
	for (unsigned int i = 0; i < n; i++) {
		rte_log_set_level_pattern(lv[i].pattern, lv[i].level);
		if (types != NULL && !pattern_matches_a_type(types, lv[i].pattern))
			fprintf(stderr, "pepgw: logging: \"%s\" matches no log type\n",
			        lv[i].pattern);
	}
	free(types);
}

/* --help (1), --version (2) or a usage error (-1) from parse_app_args: the exit status. */
static int early_exit(int parse_rc)
{
	if (parse_rc == 2) {
		printf("pepgw %s (%s)\n", PEPGW_VERSION, rte_version());
		return 0;
	}
	usage(parse_rc > 0 ? stdout : stderr);
	return parse_rc > 0 ? 0 : EXIT_CONFIG;
}

/* Split argv at "--" into EAL and application halves; check mode needs no EAL at all. */
static int find_app_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	struct app_args args = {0};
	char err[512] = "";
	int sep = find_app_args(argc, argv);
	int rc;

	if (sep < 0) {
		/* No "--": everything is ours (pepgw --check --config F, pepgw --help). */
		rc = parse_app_args(argc, argv, &args);
		if (rc != 0)
			return early_exit(rc);
		if (!args.check) {
			fprintf(stderr, "pepgw: EAL options and \"--\" come before --config\n");
			usage(stderr);
			return EXIT_CONFIG;
		}
	} else {
		argv[sep] = argv[0];
		rc = parse_app_args(argc - sep, argv + sep, &args);
		argv[sep] = (char *)"--";
		if (rc != 0)
			return early_exit(rc);
	}

	const struct pepgw_config *cfg = load_config(args.config);
	if (cfg == NULL)
		return EXIT_CONFIG;
	if (args.check) {
		/* The key files too: a start would refuse them. */
		if (gw_tunnel_check_keys(cfg, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", args.config, err);
			pepgw_config_free((struct pepgw_config *)cfg);
			return EXIT_CONFIG;
		}
		printf("%s: configuration is valid (%u ports, %u routes, %u rules, %u tcp "
		       "profiles)\n",
		       args.config, cfg->n_ports, cfg->n_routes, cfg->n_rules, cfg->n_tcp_profiles);
		pepgw_config_free((struct pepgw_config *)cfg);
		return 0;
	}

	/* Before EAL: its own start-up messages go the same way. */
	gw_journal_log_init();
	bool eal_log_level = false;
	for (int i = 1; i < sep; i++)
		eal_log_level |= strncmp(argv[i], "--log-level", strlen("--log-level")) == 0;
	rc = rte_eal_init(sep, argv);
	if (rc < 0) {
		fprintf(stderr, "pepgw: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		pepgw_config_free((struct pepgw_config *)cfg);
		return 1;
	}
	apply_log_levels(cfg, eal_log_level);

	struct gw *gw = rte_zmalloc("pepgw", sizeof(*gw), RTE_CACHE_LINE_SIZE);
	if (gw == NULL) {
		fprintf(stderr, "pepgw: out of memory\n");
		return 1;
	}
	gw->cfg = cfg;
	gw->burst = RTE_MIN(cfg->lcores.burst ? cfg->lcores.burst : 32, (uint32_t)GW_BURST_MAX);
	gw->idle_sleep_us = cfg->lcores.idle_sleep_us;
	the_gw = gw;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	int exit_code = 0;
	if (choose_lcores(gw, err, sizeof(err)) < 0 || open_ports(gw, err, sizeof(err)) < 0 ||
	    tcp_setup(gw, err, sizeof(err)) < 0 || gw_lcores_init(gw, err, sizeof(err)) < 0 ||
	    gw_tunnel_create(gw, err, sizeof(err)) < 0) {
		fprintf(stderr, "pepgw: %s\n", err);
		exit_code = 1;
		goto out;
	}
	if (gw_telemetry_init(gw) < 0)
		fprintf(stderr, "pepgw: telemetry commands not registered\n");
	if (gw_capture_init(gw) < 0)
		fprintf(stderr, "pepgw: capture not available (/pepgw/capture/ not registered)\n");
	else
		gw_tunnel_capture_names(gw);
	/* dpdk-dumpcap (a secondary process) attaches through rte_pdump; it needs the shared
	 * runtime directory of a file prefix, so --in-memory and --no-shconf have none. */
	if (rte_pdump_init() != 0)
		printf("pepgw: dpdk-dumpcap cannot attach (rte_pdump_init: %s)\n",
		       rte_strerror(rte_errno));
	print_summary(gw);

	bool main_works = false;
	for (unsigned int i = 0; i < gw->n_lcores; i++) {
		if (gw->lcores[i].lcore_id == rte_get_main_lcore()) {
			main_works = true;
			continue;
		}
		rte_eal_remote_launch(gw_lcore_main, &gw->lcores[i], gw->lcores[i].lcore_id);
	}
	printf("pepgw: ready\n");
	fflush(stdout);
	if (main_works) {
		for (unsigned int i = 0; i < gw->n_lcores; i++)
			if (gw->lcores[i].lcore_id == rte_get_main_lcore())
				gw_lcore_main(&gw->lcores[i]);
	} else {
		/* The main lcore only waits: it must sleep, never spin, on a shared CPU. */
		while (!gw->quit)
			usleep(100 * 1000);
	}
	rte_eal_mp_wait_lcore();
	printf("pepgw: stopping\n");
	gw_capture_fini(gw); /* running captures are written out and closed */

out:
	/* The workers have returned: the counters are final. port_close stops and closes. */
	print_final_counters(gw);
	for (unsigned int i = 0; i < gw->n_ports; i++)
		port_close(&gw->ports[i].info);
	gw_tunnel_free(gw);
	gw_lcores_free(gw);
	pepgw_config_free((struct pepgw_config *)cfg);
	rte_free(gw);
	rte_eal_cleanup();
	return exit_code;
}
