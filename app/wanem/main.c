/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wanem [EAL options] -- --config FILE [--control PATH] [--device LINK.a|LINK.b=DEVARGS]...
 * wanem --check --config FILE
 *
 * A WAN link emulator: every link bridges two ports, each direction through its own impairment
 * engine. See doc/wanem.md.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "net.h"
#include "params.h"
#include "wanem_app.h"

#define EXIT_CONFIG 2
#define MAX_BURST   WANEM_CFG_MAX_BURST
#define MBUF_CACHE  256

static struct wanem_app *g_app; /* for the signal handler only */

static void on_signal(int sig)
{
	(void)sig;
	if (g_app != NULL)
		__atomic_store_n(&g_app->quit, 1, __ATOMIC_RELEASE);
}

static uint64_t now_us(void)
{
	return (uint64_t)((unsigned __int128)rte_get_tsc_cycles() * 1000000 / rte_get_tsc_hz());
}

static void usage(const char *prog)
{
	fprintf(stderr,
	        "usage: %s [EAL options] -- --config FILE [--control PATH] "
	        "[--device LINK.a=DEVARGS] [--device LINK.b=DEVARGS]...\n"
	        "       %s --check --config FILE\n",
	        prog, prog);
}

struct opts {
	const char *config;
	const char *control;
	bool check;
	unsigned int n_dev;
	char *dev[2 * WANEM_CFG_MAX_LINKS];
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'}, {"control", required_argument, NULL, 's'},
	        {"device", required_argument, NULL, 'd'}, {"check", no_argument, NULL, 'k'},
	        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 's':
			o->control = optarg;
			break;
		case 'k':
			o->check = true;
			break;
		case 'd':
			if (o->n_dev == RTE_DIM(o->dev))
				return -EINVAL;
			o->dev[o->n_dev++] = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	return o->config != NULL && optind == argc ? 0 : -EINVAL;
}

/* --device LINK.END=DEVARGS: the lab's way to place presets on its ports. */
static int apply_device_overrides(struct wanem_config *cfg, const struct opts *o)
{
	for (unsigned int i = 0; i < o->n_dev; i++) {
		char name[WANEM_CFG_NAME_MAX + 3];
		const char *eq = strchr(o->dev[i], '='), *dot;
		int l, end;

		if (eq == NULL || (size_t)(eq - o->dev[i]) >= sizeof(name))
			goto bad;
		memcpy(name, o->dev[i], (size_t)(eq - o->dev[i]));
		name[eq - o->dev[i]] = '\0';
		dot = strrchr(name, '.');
		if (dot == NULL || (strcmp(dot, ".a") != 0 && strcmp(dot, ".b") != 0))
			goto bad;
		end = dot[1] == 'a' ? 0 : 1;
		name[dot - name] = '\0';
		l = wanem_config_find_link(cfg, name);
		if (l < 0 || strlen(eq + 1) == 0 || strlen(eq + 1) >= WANEM_CFG_DEVICE_MAX)
			goto bad;
		snprintf(cfg->links[l].dev[end], WANEM_CFG_DEVICE_MAX, "%s", eq + 1);
		continue;
	bad:
		fprintf(stderr,
		        "wanem: --device %s: expected LINK.a=DEVARGS or LINK.b=DEVARGS "
		        "with LINK a link of the configuration\n",
		        o->dev[i]);
		return -EINVAL;
	}
	return 0;
}

static struct wanem_config *load_config(const char *path)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *cfg;

	if (errs == NULL)
		return NULL;
	cfg = wanem_config_load(path, errs);
	if (cfg == NULL)
		cfg_errors_print(errs, stderr);
	cfg_errors_free(errs);
	/* What the engines will be given: --check and a start refuse the same files. */
	for (unsigned int i = 0; cfg != NULL && i < cfg->n_links; i++) {
		for (int d = 0; d < WANEM_NB_DIRS; d++) {
			struct wanem_params p;
			const char *why;
			if (wanem_app_params(&cfg->links[i].dir[d], &p, &why) < 0) {
				fprintf(stderr, "%s: links[%u].%s: %s\n", path, i,
				        wanem_dir_name(d), why);
				wanem_config_free(cfg);
				return NULL;
			}
		}
	}
	return cfg;
}

static void print_params(const char *link, int d, const struct wanem_params *p)
{
	printf("  %s %s: rate %.3f Mbit/s queue %u B delay %.3f ms jitter %.3f ms (%s, %s) "
	       "loss %s %g/%g/%g/%g dup %g reorder %g (+%.3f ms) mtu %u (%s)%s\n",
	       link, wanem_dir_name(d), (double)p->rate_bps / 1e6, p->queue_bytes,
	       p->delay_us / 1e3, p->jitter_us / 1e3,
	       p->jitter_dist == WANEM_JITTER_UNIFORM ? "uniform" : "normal",
	       p->jitter_keeps_order ? "keeps order" : "reorders",
	       p->loss_model == WANEM_LOSS_RANDOM ? "random" : "gilbert_elliott",
	       p->loss_model == WANEM_LOSS_RANDOM ? p->loss : p->ge_p, p->ge_r, p->loss_bad,
	       p->loss_good, p->duplicate, p->reorder, p->reorder_delay_us / 1e3, p->mtu,
	       p->mtu_action == WANEM_MTU_DROP ? "drop" : "icmp", p->down ? " DOWN" : "");
}

static void tx_buffer_dropped(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	uint64_t *count = userdata;
	*count += unsent;
	rte_pktmbuf_free_bulk(pkts, unsent);
}

/*
 * Every direction may hold max_packets mbufs in its queue and delay line; the ports' rings
 * hold theirs too. A pool smaller than that lets a flood in one direction starve the other,
 * so the configured "mbufs" is only a floor.
 */
static unsigned int pool_size(const struct wanem_config *cfg)
{
	uint64_t n = 0;
	for (unsigned int i = 0; i < cfg->n_links; i++)
		for (int d = 0; d < WANEM_NB_DIRS; d++)
			n += cfg->links[i].dir[d].max_packets;
	/* Two ports per link, default descriptor rings (drivers/port), two per-lcore caches. */
	n += (uint64_t)cfg->n_links * 2 * (2 * 1024) + 2 * MBUF_CACHE + MAX_BURST;
	return (unsigned int)RTE_MAX(n, (uint64_t)cfg->mbufs);
}

static int open_links(struct wanem_app *app)
{
	char err[256], pname[PORT_NAME_MAX];

	for (unsigned int i = 0; i < app->cfg->n_links; i++) {
		struct wanem_cfg_link *cl = &app->cfg->links[i];
		struct wanem_app_link *l = &app->links[i];

		for (int e = 0; e < 2; e++) {
			struct port_params pp;
			snprintf(pname, sizeof(pname), "%.24s.%c", cl->name, e == 0 ? 'a' : 'b');
			wanem_app_port_params(cl, e, pname, app->pool, &pp);
			if (port_open(&pp, &l->port[e], err, sizeof(err)) < 0) {
				fprintf(stderr, "wanem: %s\n", err);
				return -ENODEV;
			}
			l->open[e] = true;
			l->txb[e] =
			        rte_zmalloc_socket("wanem_txb", RTE_ETH_TX_BUFFER_SIZE(MAX_BURST),
			                           0, rte_eth_dev_socket_id(l->port[e].port_id));
			if (l->txb[e] == NULL)
				return -ENOMEM;
			rte_eth_tx_buffer_init(l->txb[e], app->cfg->burst);
			rte_eth_tx_buffer_set_err_callback(l->txb[e], tx_buffer_dropped,
			                                   &l->tx_buffer_drops[e]);
		}
		for (int d = 0; d < WANEM_NB_DIRS; d++) {
			char name[64];
			struct wanem_params p;
			snprintf(name, sizeof(name), "%s.%s", cl->name, wanem_dir_name(d));
			wanem_app_params(&cl->dir[d], &p, NULL); /* checked by load_config */
			l->dir[d].w = wanem_create(name, &p);
			if (l->dir[d].w == NULL) {
				fprintf(stderr, "wanem: %s: %s\n", name, rte_strerror(rte_errno));
				return -rte_errno;
			}
			l->dir[d].icmp_source = cl->dir[d].icmp_source;
			net_ratelimit_init(&l->dir[d].icmp_rl, WANEM_APP_ICMP_RATE,
			                   WANEM_APP_ICMP_BURST, now_us());
			app->ctl_dirs[i][d] = cl->dir[d];
		}
	}
	return 0;
}

static const struct stat_desc app_counter_descs[WANEM_APP_C_MAX] = {WANEM_APP_COUNTERS(STAT_DESC)};

const struct stat_desc *wanem_app_counter_descs(void)
{
	return app_counter_descs;
}

/* The application counters of direction d of link i, drop_tx_full from its egress buffer. */
static void dir_app_stats(const struct wanem_app *app, unsigned int i, int d,
                          struct wanem_app_dir_stats *out)
{
	*out = app->links[i].dir[d].st;
	/* The TX buffer of the egress port also carries the ICMP answers of the other way. */
	out->c[WANEM_APP_C_drop_tx_full] = app->links[i].tx_buffer_drops[d == WANEM_A2B ? 1 : 0];
}

/*
 * Answer an oversize packet like a router whose next hop has the link's MTU (RFC 1191
 * section 4): only for IPv4 with DF set (wanem does not fragment; without DF the packet is
 * dropped, as with mtu_action drop), rate-limited, and never about an ICMP error or a
 * broadcast (RFC 1812 4.3.2.7, checked by net_icmp_error). The error goes back out of the
 * port the packet came in on, MAC addresses swapped, as if sent by the sender's next hop.
 */
static void answer_frag_needed(struct wanem_app *app, struct wanem_app_link *l, int d,
                               struct rte_mbuf *m, uint64_t now)
{
	struct wanem_app_dir *dir = &l->dir[d];
	struct wanem_params p;
	struct net_hdrs h;
	struct rte_mbuf *icmp;
	int in_end = d == WANEM_A2B ? 0 : 1;

	if (net_parse_mbuf(m, &h) != 0 || !(h.flags & NET_F_IPV4) || !(h.flags & NET_F_DF)) {
		dir->st.c[WANEM_APP_C_icmp_not_due]++;
		return;
	}
	/* Before the rate limit, so that packets never answered spend none of its tokens. */
	if (!net_icmp_error_allowed(&h)) {
		dir->st.c[WANEM_APP_C_icmp_not_allowed]++;
		return;
	}
	if (!net_ratelimit_take(&dir->icmp_rl, now)) {
		dir->st.c[WANEM_APP_C_icmp_ratelimited]++;
		return;
	}
	wanem_get_params(dir->w, &p);
	icmp = net_icmp_error(app->pool, m, &h, NET_ICMP_DEST_UNREACH, NET_ICMP_CODE_FRAG_NEEDED,
	                      (uint16_t)p.mtu, dir->icmp_source != 0 ? dir->icmp_source : h.dst);
	if (icmp == NULL) {
		/* ENOBUFS; EPERM and EINVAL were ruled out above. */
		dir->st.c[WANEM_APP_C_icmp_no_mbuf]++;
		return;
	}
	struct rte_ether_hdr *oe = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_hdr *ne = rte_pktmbuf_mtod(icmp, struct rte_ether_hdr *);
	rte_ether_addr_copy(&oe->src_addr, &ne->dst_addr);
	rte_ether_addr_copy(&oe->dst_addr, &ne->src_addr);
	dir->st.c[WANEM_APP_C_icmp_sent]++;
	rte_eth_tx_buffer(l->port[in_end].port_id, 0, l->txb[in_end], icmp);
}

/* L3 length for the MTU check: the frame minus Ethernet and at most one 802.1Q tag. */
static uint32_t frame_l3_len(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	uint32_t l2 = RTE_ETHER_HDR_LEN;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)
		return 0; /* a runt: passes the MTU check, the engine only counts its bytes */
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		l2 += sizeof(struct rte_vlan_hdr);
	return m->pkt_len > l2 ? m->pkt_len - l2 : 0;
}

/* One direction, one iteration: RX burst into the engine, due packets out. */
static unsigned int run_dir(struct wanem_app *app, struct wanem_app_link *l, int d, uint64_t now)
{
	struct wanem_app_dir *dir = &l->dir[d];
	int in = d == WANEM_A2B ? 0 : 1, out = 1 - in;
	struct rte_mbuf *pkts[MAX_BURST], *gone[2 * MAX_BURST];
	void *tx[MAX_BURST], *drop[MAX_BURST];
	unsigned int n_gone = 0, nd, ntx, work;
	uint16_t n;

	n = rte_eth_rx_burst(l->port[in].port_id, 0, pkts, app->cfg->burst);
	dir->st.c[WANEM_APP_C_rx_packets] += n;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i], *c;
		uint32_t l3 = frame_l3_len(m);
		enum wanem_verdict v = wanem_enqueue(dir->w, m, m->pkt_len, l3, now, 0);

		if (v == WANEM_QUEUED_DUP) {
			/* an indirect clone: both copies share the read-only data */
			c = rte_pktmbuf_clone(m, app->pool);
			if (c == NULL)
				dir->st.c[WANEM_APP_C_dup_no_mbuf]++;
			else if (wanem_verdict_is_drop(wanem_enqueue(dir->w, c, c->pkt_len, l3, now,
			                                             WANEM_F_DUPLICATE)))
				gone[n_gone++] = c;
		} else if (v == WANEM_DROP_MTU_ICMP) {
			answer_frag_needed(app, l, d, m, now);
			gone[n_gone++] = m;
		} else if (wanem_verdict_is_drop(v)) {
			gone[n_gone++] = m;
		}
	}
	ntx = wanem_dequeue(dir->w, now, tx, app->cfg->burst, drop, &nd);
	for (unsigned int i = 0; i < ntx; i++)
		rte_eth_tx_buffer(l->port[out].port_id, 0, l->txb[out], tx[i]);
	dir->st.c[WANEM_APP_C_tx_packets] += ntx;
	if (n_gone > 0)
		rte_pktmbuf_free_bulk(gone, n_gone);
	if (nd > 0)
		rte_pktmbuf_free_bulk((struct rte_mbuf **)drop, nd);
	work = n + ntx + nd;
	return work;
}

static void run(struct wanem_app *app)
{
	unsigned int idle = 0;

	while (!__atomic_load_n(&app->quit, __ATOMIC_ACQUIRE)) {
		uint64_t now = now_us(), next = UINT64_MAX;
		unsigned int work = 0;

		if (__atomic_load_n(&app->mb.state, __ATOMIC_ACQUIRE) == 1)
			wanem_app_serve_mailbox(app, now);
		for (unsigned int i = 0; i < app->cfg->n_links; i++) {
			struct wanem_app_link *l = &app->links[i];
			for (int d = 0; d < WANEM_NB_DIRS; d++) {
				work += run_dir(app, l, d, now);
				next = RTE_MIN(next, wanem_next_event_us(l->dir[d].w));
			}
			for (int e = 0; e < 2; e++)
				rte_eth_tx_buffer_flush(l->port[e].port_id, 0, l->txb[e]);
		}
		if (work > 0) {
			idle = 0;
			continue;
		}
		/* Share the CPU with the lab, but wake in time for the next departure. */
		if (++idle >= WANEM_APP_IDLE_POLLS && app->cfg->idle_sleep_us > 0) {
			uint64_t sleep = app->cfg->idle_sleep_us;
			now = now_us();
			if (next != UINT64_MAX)
				sleep = next > now ? RTE_MIN(sleep, next - now) : 0;
			if (sleep > 0)
				rte_delay_us_sleep((unsigned int)sleep);
		}
	}
}

void wanem_app_serve_mailbox(struct wanem_app *app, uint64_t now)
{
	struct wanem_ctl_mailbox *mb = &app->mb;

	mb->result = 0;
	if (mb->op == WANEM_CTL_SET) {
		for (int d = 0; d < WANEM_NB_DIRS; d++)
			if ((mb->dir_mask & (1u << d)) && mb->result == 0)
				mb->result = wanem_set_params(app->links[mb->link].dir[d].w,
				                              &mb->params[d], now);
	} else if (mb->op == WANEM_CTL_STATS) {
		for (unsigned int i = 0; i < app->cfg->n_links; i++)
			for (int d = 0; d < WANEM_NB_DIRS; d++) {
				wanem_stats_get(app->links[i].dir[d].w, &mb->snap[i][d].engine);
				dir_app_stats(app, i, d, &mb->snap[i][d].app);
			}
	} else {
		mb->result = -EINVAL;
	}
	__atomic_store_n(&mb->state, 2, __ATOMIC_RELEASE);
}

static void print_final(struct wanem_app *app)
{
	for (unsigned int i = 0; i < app->cfg->n_links; i++)
		for (int d = 0; d < WANEM_NB_DIRS; d++) {
			struct wanem_app_dir *dir = &app->links[i].dir[d];
			struct wanem_stats s;
			if (dir->w == NULL)
				continue;
			wanem_stats_get(dir->w, &s);
			struct wanem_app_dir_stats as;
			dir_app_stats(app, i, d, &as);
			printf("wanem: %s %s:", app->cfg->links[i].name, wanem_dir_name(d));
			for (int c = 0; c < WANEM_C_MAX; c++)
				printf(" %s=%" PRIu64, wanem_counter_name(c), s.c[c]);
			for (int c = 0; c < WANEM_APP_C_MAX; c++)
				printf(" %s=%" PRIu64, wanem_app_counter_descs()[c].name, as.c[c]);
			printf("\n");
		}
}

static void shutdown_links(struct wanem_app *app)
{
	void *held[MAX_BURST];
	unsigned int n;

	for (unsigned int i = 0; i < app->cfg->n_links; i++) {
		struct wanem_app_link *l = &app->links[i];
		for (int d = 0; d < WANEM_NB_DIRS; d++) {
			if (l->dir[d].w == NULL)
				continue;
			while ((n = wanem_flush(l->dir[d].w, held, MAX_BURST)) > 0)
				rte_pktmbuf_free_bulk((struct rte_mbuf **)held, n);
			wanem_free(l->dir[d].w);
			l->dir[d].w = NULL;
		}
		for (int e = 0; e < 2; e++) {
			if (l->open[e]) {
				rte_eth_tx_buffer_flush(l->port[e].port_id, 0, l->txb[e]);
				port_close(&l->port[e]);
			}
			rte_free(l->txb[e]);
		}
	}
}

static int check_only(const struct opts *o)
{
	struct wanem_config *cfg = load_config(o->config);

	if (cfg == NULL)
		return EXIT_CONFIG;
	if (apply_device_overrides(cfg, o) < 0) {
		wanem_config_free(cfg);
		return EXIT_CONFIG;
	}
	printf("%s: ok (%u links)\n", o->config, cfg->n_links);
	wanem_config_free(cfg);
	return 0;
}

int main(int argc, char **argv)
{
	struct wanem_app *app;
	struct opts o = {0};
	int rc, consumed;

	/* --check runs without EAL: it never touches a port. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--check") == 0) {
			if (parse_opts(argc, argv, &o) < 0) {
				usage(argv[0]);
				return 1;
			}
			return check_only(&o);
		}

	consumed = rte_eal_init(argc, argv);
	if (consumed < 0) {
		fprintf(stderr, "wanem: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= consumed;
	argv += consumed;
	argv[0] = (char *)"wanem";
	if (parse_opts(argc, argv, &o) < 0) {
		usage("wanem");
		rte_eal_cleanup();
		return 1;
	}
	app = calloc(1, sizeof(*app));
	if (app == NULL)
		return 1;
	app->ctl_fd = -1;
	app->cfg = load_config(o.config);
	if (app->cfg == NULL || apply_device_overrides(app->cfg, &o) < 0) {
		rte_eal_cleanup();
		return EXIT_CONFIG;
	}
	if (o.control != NULL)
		snprintf(app->ctl_path, sizeof(app->ctl_path), "%s", o.control);
	else
		snprintf(app->ctl_path, sizeof(app->ctl_path), "%s/wanem.sock",
		         rte_eal_get_runtime_dir());

	app->pool = rte_pktmbuf_pool_create("wanem_mbufs", pool_size(app->cfg), MBUF_CACHE, 0,
	                                    RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	rc = 1;
	if (app->pool == NULL) {
		fprintf(stderr, "wanem: mbuf pool: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	if (open_links(app) < 0)
		goto out;
	if (wanem_ctl_start(app) < 0) {
		fprintf(stderr, "wanem: control socket %s: %s\n", app->ctl_path, strerror(errno));
		goto out;
	}
	g_app = app;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	printf("wanem: %u links, control socket %s, idle_sleep_us %u\n", app->cfg->n_links,
	       app->ctl_path, app->cfg->idle_sleep_us);
	for (unsigned int i = 0; i < app->cfg->n_links; i++) {
		printf("  %s: a=%s (port %u) b=%s (port %u)\n", app->cfg->links[i].name,
		       app->cfg->links[i].dev[0], app->links[i].port[0].port_id,
		       app->cfg->links[i].dev[1], app->links[i].port[1].port_id);
		for (int d = 0; d < WANEM_NB_DIRS; d++) {
			struct wanem_params p;
			wanem_app_params(&app->cfg->links[i].dir[d], &p, NULL);
			print_params(app->cfg->links[i].name, d, &p);
		}
	}
	printf("wanem: ready\n");
	fflush(stdout);
	run(app);
	rc = 0;
	print_final(app);
out:
	wanem_ctl_stop(app);
	shutdown_links(app);
	wanem_config_free(app->cfg);
	rte_mempool_free(app->pool);
	free(app);
	rte_eal_cleanup();
	return rc;
}
