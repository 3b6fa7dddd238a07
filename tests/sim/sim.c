/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim core: the virtual clock and its event loop, nodes and their outboxes, paths of wanem
 * links. TCP nodes and flows are in sim_tcp.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "sim_private.h"

#define DEFAULT_POOL_MBUFS 32767
#define DEQUEUE_BURST      64

/* ---- world ---- */

void *sim_zalloc(size_t size)
{
	void *p = calloc(1, size);
	if (p == NULL)
		rte_errno = ENOMEM;
	return p;
}

struct sim *sim_create(const struct sim_params *p)
{
	/* Each simulation of a process gets its own pool name (benchmarks create several). */
	static unsigned int pools_made;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct sim *s = sim_zalloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	s->seed = p->seed;
	s->csum_check = !p->no_csum_check;
	s->pool_mbufs = p->pool_mbufs ? p->pool_mbufs : DEFAULT_POOL_MBUFS;
	s->max_flows = p->max_flows ? p->max_flows : 16;
	snprintf(name, sizeof(name), "sim_pool_%u", pools_made++);
	s->pool = rte_pktmbuf_pool_create(name, s->pool_mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                                  SOCKET_ID_ANY);
	if (s->pool == NULL || sim_flows_init(s) != 0) {
		int err = rte_errno;
		sim_free(s);
		rte_errno = err ? err : ENOMEM;
		return NULL;
	}
	return s;
}

static void link_flush(struct sim_link *l)
{
	void *pkts[DEQUEUE_BURST];
	unsigned int n;
	while ((n = wanem_flush(l->w, pkts, DEQUEUE_BURST)) > 0)
		rte_pktmbuf_free_bulk((struct rte_mbuf **)pkts, n);
}

unsigned int sim_free(struct sim *s)
{
	if (s == NULL)
		return 0;
	/* Nodes first: freeing an engine frees the payload its connections hold. */
	for (unsigned int i = 0; i < s->n_nodes; i++) {
		struct sim_node *n = s->nodes[i];
		for (uint32_t k = 0; k < n->outbox_n; k++)
			rte_pktmbuf_free(n->outbox[k].m);
		if (n->ops->destroy != NULL)
			n->ops->destroy(n);
	}
	for (unsigned int i = 0; i < s->n_links; i++) {
		link_flush(s->links[i]);
		wanem_free(s->links[i]->w);
	}
	unsigned int leaked = s->pool ? sim_mbufs_in_use(s) : 0;
	for (unsigned int i = 0; i < s->n_nodes; i++) {
		struct sim_node *n = s->nodes[i];
		for (unsigned int k = 0; k < n->n_ports; k++)
			free(n->out[k]);
		free(n->outbox);
		free(n);
	}
	for (unsigned int i = 0; i < s->n_links; i++)
		free(s->links[i]);
	sim_flows_free(s);
	rte_mempool_free(s->pool);
	free(s);
	return leaked;
}

uint64_t sim_now(const struct sim *s)
{
	return s->now;
}

struct rte_mempool *sim_pool(const struct sim *s)
{
	return s->pool;
}

unsigned int sim_mbufs_in_use(const struct sim *s)
{
	return s->pool_mbufs - rte_mempool_avail_count(s->pool);
}

int sim_at(struct sim *s, uint64_t t_us, void (*fn)(struct sim *s, void *arg), void *arg)
{
	if (s->n_calls == SIM_MAX_CALLS)
		return -ENOSPC;
	struct sim_call c = {
	        .t_us = t_us < s->now ? s->now : t_us, .seq = s->call_seq++, .fn = fn, .arg = arg};
	unsigned int i = s->n_calls++;
	while (i > 0 && s->calls[i - 1].t_us > c.t_us) {
		s->calls[i] = s->calls[i - 1];
		i--;
	}
	s->calls[i] = c;
	return 0;
}

/* ---- nodes ---- */

struct sim_node *sim_node_create(struct sim *s, const char *name, unsigned int n_ports,
                                 const struct sim_node_ops *ops, void *priv)
{
	if (n_ports == 0 || n_ports > SIM_MAX_PORTS || ops == NULL || ops->input == NULL ||
	    s->n_nodes == SIM_MAX_NODES) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct sim_node *n = sim_zalloc(sizeof(*n));
	if (n == NULL)
		return NULL;
	n->sim = s;
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->n_ports = n_ports;
	n->ops = ops;
	n->priv = priv;
	s->nodes[s->n_nodes++] = n;
	return n;
}

void *sim_node_priv(const struct sim_node *n)
{
	return n->priv;
}

struct sim *sim_node_sim(const struct sim_node *n)
{
	return n->sim;
}

const char *sim_node_name(const struct sim_node *n)
{
	return n->name;
}

void sim_node_send(struct sim_node *n, unsigned int port, struct rte_mbuf *m)
{
	if (n->outbox_n == n->outbox_cap) {
		uint32_t cap = n->outbox_cap ? 2 * n->outbox_cap : 256;
		struct sim_outbox_entry *ob = realloc(n->outbox, cap * sizeof(*ob));
		if (ob == NULL) {
			/* Test harness out of memory: lose the packet as a link would. */
			n->sim->tot.unrouted++;
			rte_pktmbuf_free(m);
			return;
		}
		n->outbox = ob;
		n->outbox_cap = cap;
	}
	n->outbox[n->outbox_n++] = (struct sim_outbox_entry){.m = m, .port = port};
}

/* ---- links and paths ---- */

/* Protocol, TCP payload length and header offsets of an IPv4 packet; -1 when not TCP. */
static int tcp_payload_len(const struct rte_mbuf *m)
{
	struct rte_ipv4_hdr iph;
	struct rte_tcp_hdr th;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_read(m, 0, sizeof(iph), &iph);
	if (ip == NULL || ip->next_proto_id != IPPROTO_TCP)
		return -1;
	uint32_t ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	const struct rte_tcp_hdr *t = rte_pktmbuf_read(m, ihl, sizeof(th), &th);
	if (t == NULL)
		return -1;
	return (int)(rte_pktmbuf_pkt_len(m) - ihl - (uint32_t)(t->data_off >> 4) * 4);
}

/* Every TCP segment on the wire must carry a valid checksum (checked on a flat copy). */
static bool tcp_csum_ok(const struct rte_mbuf *m)
{
	static uint8_t flat[65536];
	uint32_t len = rte_pktmbuf_pkt_len(m);
	if (len < sizeof(struct rte_ipv4_hdr) || len > sizeof(flat))
		return false;
	const uint8_t *p = rte_pktmbuf_read(m, 0, len, flat);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;
	uint32_t ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	uint32_t sum = (uint32_t)rte_raw_cksum(p + ihl, len - ihl) + rte_ipv4_phdr_cksum(ip, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

void sim_link_send(struct sim_link *l, struct rte_mbuf *m)
{
	struct sim *s = l->sim;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	int payload = tcp_payload_len(m);
	if (payload >= 0 && s->csum_check && !tcp_csum_ok(m))
		s->tot.bad_csum++;
	if (payload > 0)
		l->data_in++;
	enum wanem_verdict v = wanem_enqueue(l->w, m, len, len, s->now, 0);
	if (wanem_verdict_is_drop(v)) {
		rte_pktmbuf_free(m); /* counted by wanem */
		return;
	}
	if (v == WANEM_QUEUED_DUP) {
		struct rte_mbuf *copy = rte_pktmbuf_copy(m, s->pool, 0, UINT32_MAX);
		if (copy != NULL && wanem_verdict_is_drop(wanem_enqueue(l->w, copy, len, len,
		                                                        s->now, WANEM_F_DUPLICATE)))
			rte_pktmbuf_free(copy);
	}
}

static void path_send(struct sim *s, struct sim_path *p, struct rte_mbuf *m)
{
	int k = p->pick ? p->pick(p->pick_arg, p, m, s->now) : 0;
	if (k < 0 || (unsigned int)k >= p->n_links) {
		s->tot.path_drops++;
		rte_pktmbuf_free(m);
		return;
	}
	sim_link_send(p->link[k], m);
}

void sim_flush_node(struct sim_node *n)
{
	struct sim *s = n->sim;
	/* Index loop: nothing here can append to this outbox. */
	for (uint32_t i = 0; i < n->outbox_n; i++) {
		struct sim_outbox_entry *e = &n->outbox[i];
		struct sim_path *p = e->port < n->n_ports ? n->out[e->port] : NULL;
		if (p == NULL) {
			s->tot.unrouted++;
			rte_pktmbuf_free(e->m);
		} else {
			path_send(s, p, e->m);
		}
	}
	n->outbox_n = 0;
}

void sim_flush_all(struct sim *s)
{
	for (unsigned int i = 0; i < s->n_nodes; i++)
		sim_flush_node(s->nodes[i]);
}

static struct sim_path *path_create(struct sim *s, struct sim_node *from, unsigned int from_port,
                                    struct sim_node *to, unsigned int to_port,
                                    const struct sim_path_params *pp)
{
	unsigned int n = pp->n_links ? pp->n_links : 1;
	if (n > SIM_PATH_MAX_LINKS || s->n_links + n > SIM_MAX_LINKS)
		return NULL;
	struct sim_path *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	*p = (struct sim_path){.from = from,
	                       .from_port = from_port,
	                       .to = to,
	                       .to_port = to_port,
	                       .pick = pp->pick,
	                       .pick_arg = pp->pick_arg};
	for (unsigned int k = 0; k < n; k++) {
		struct wanem_params wp = pp->link[k];
		char name[32];
		/* A link's own stream: splitmix-style mix of the run's seed and the link's order.
		 */
		if (wp.seed == 0)
			wp.seed = (s->seed + 1) * 0x9e3779b97f4a7c15ull ^
			          (s->n_links + 1) * 0xbf58476d1ce4e5b9ull;
		snprintf(name, sizeof(name), "sim_link_%u", s->n_links);
		struct sim_link *l = calloc(1, sizeof(*l));
		if (l != NULL)
			l->w = wanem_create(name, &wp);
		if (l == NULL || l->w == NULL) {
			free(l);
			return p; /* partial: the caller sees n_links short */
		}
		l->sim = s;
		l->path = p;
		p->link[p->n_links++] = l;
		s->links[s->n_links++] = l;
	}
	return p;
}

int sim_connect(struct sim_node *a, unsigned int a_port, struct sim_node *b, unsigned int b_port,
                const struct sim_path_params *ab, const struct sim_path_params *ba)
{
	struct sim *s = a->sim;
	if (b->sim != s || a_port >= a->n_ports || b_port >= b->n_ports || a->out[a_port] ||
	    b->out[b_port] || ab == NULL || ba == NULL)
		return -EINVAL;
	a->out[a_port] = path_create(s, a, a_port, b, b_port, ab);
	b->out[b_port] = path_create(s, b, b_port, a, a_port, ba);
	if (a->out[a_port] == NULL || b->out[b_port] == NULL)
		return -ENOMEM;
	if (a->out[a_port]->n_links != (ab->n_links ? ab->n_links : 1) ||
	    b->out[b_port]->n_links != (ba->n_links ? ba->n_links : 1))
		return rte_errno == ENOMEM ? -ENOMEM : -EINVAL;
	return 0;
}

struct sim_path *sim_node_path(const struct sim_node *n, unsigned int port)
{
	return port < n->n_ports ? n->out[port] : NULL;
}

unsigned int sim_path_n_links(const struct sim_path *p)
{
	return p->n_links;
}

struct sim_link *sim_path_link(const struct sim_path *p, unsigned int k)
{
	return k < p->n_links ? p->link[k] : NULL;
}

struct wanem *sim_link_wanem(const struct sim_link *l)
{
	return l->w;
}

void sim_link_get_stats(const struct sim_link *l, struct sim_link_stats *st)
{
	wanem_stats_get(l->w, &st->wanem);
	st->data_in = l->data_in;
	st->data_out = l->data_out;
}

void sim_path_get_stats(const struct sim_path *p, struct sim_link_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned int k = 0; k < p->n_links; k++) {
		struct sim_link_stats one;
		sim_link_get_stats(p->link[k], &one);
		for (int c = 0; c < WANEM_C_MAX; c++)
			st->wanem.c[c] += one.wanem.c[c];
		st->wanem.queue_packets += one.wanem.queue_packets;
		st->wanem.queue_bytes += one.wanem.queue_bytes;
		st->wanem.delay_line_packets += one.wanem.delay_line_packets;
		st->data_in += one.data_in;
		st->data_out += one.data_out;
	}
}

/* ---- the event loop ---- */

/* Hand every packet due on l to its node. Returns whether any packet left the link. */
static bool link_deliver(struct sim *s, struct sim_link *l)
{
	void *tx[DEQUEUE_BURST], *drop[DEQUEUE_BURST];
	unsigned int n_drop, n, total = 0;
	struct sim_node *to = l->path->to;
	do {
		n = wanem_dequeue(l->w, s->now, tx, DEQUEUE_BURST, drop, &n_drop);
		rte_pktmbuf_free_bulk((struct rte_mbuf **)drop, n_drop);
		for (unsigned int i = 0; i < n; i++) {
			struct rte_mbuf *m = tx[i];
			if (tcp_payload_len(m) > 0)
				l->data_out++;
			to->ops->input(to, l->path->to_port, m, s->now);
			sim_flush_node(to);
		}
		total += n + n_drop;
	} while (n + n_drop == DEQUEUE_BURST);
	return total > 0;
}

/* Everything that happens at s->now: calls due, arrivals, node timers, until it settles (a
 * zero-delay link hands a reply on within the same instant). */
static void run_instant(struct sim *s)
{
	while (s->n_calls > 0 && s->calls[0].t_us <= s->now) {
		struct sim_call c = s->calls[0];
		memmove(&s->calls[0], &s->calls[1], --s->n_calls * sizeof(s->calls[0]));
		c.fn(s, c.arg);
		sim_flush_all(s);
	}
	bool again;
	do {
		for (unsigned int i = 0; i < s->n_links; i++)
			if (wanem_next_event_us(s->links[i]->w) <= s->now)
				link_deliver(s, s->links[i]);
		for (unsigned int i = 0; i < s->n_nodes; i++) {
			struct sim_node *n = s->nodes[i];
			if (n->ops->advance != NULL) {
				n->ops->advance(n, s->now);
				sim_flush_node(n);
			}
		}
		again = false;
		for (unsigned int i = 0; i < s->n_links && !again; i++)
			again = wanem_next_event_us(s->links[i]->w) <= s->now;
	} while (again);
}

static uint64_t next_event(const struct sim *s)
{
	uint64_t t = s->n_calls ? s->calls[0].t_us : UINT64_MAX;
	for (unsigned int i = 0; i < s->n_links; i++) {
		uint64_t l = wanem_next_event_us(s->links[i]->w);
		t = l < t ? l : t;
	}
	for (unsigned int i = 0; i < s->n_nodes; i++) {
		const struct sim_node *n = s->nodes[i];
		if (n->ops->next_event_us != NULL) {
			uint64_t e = n->ops->next_event_us(n, s->now);
			t = e < t ? e : t;
		}
	}
	return t;
}

static bool is_idle(const struct sim *s)
{
	if (s->tot.flows_open > 0)
		return false;
	for (unsigned int i = 0; i < s->n_links; i++)
		if (wanem_next_event_us(s->links[i]->w) != UINT64_MAX)
			return false;
	for (unsigned int i = 0; i < s->n_nodes; i++)
		if (s->nodes[i]->ops->busy != NULL && s->nodes[i]->ops->busy(s->nodes[i]))
			return false;
	return true;
}

void sim_run(struct sim *s, uint64_t until_us)
{
	for (;;) {
		run_instant(s);
		uint64_t t = next_event(s);
		if (t == UINT64_MAX || t > until_us)
			break;
		/* Every source reports a time after now once the instant has settled. */
		s->now = t > s->now ? t : s->now + 1;
	}
	if (until_us != UINT64_MAX && until_us > s->now)
		s->now = until_us;
}

bool sim_run_until_idle(struct sim *s, uint64_t limit_us)
{
	for (;;) {
		run_instant(s);
		if (is_idle(s))
			return true;
		uint64_t t = next_event(s);
		if (t == UINT64_MAX || t > limit_us)
			return false;
		s->now = t > s->now ? t : s->now + 1;
	}
}
