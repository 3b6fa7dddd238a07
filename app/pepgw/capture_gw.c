/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture in the gateway (capture_gw.h): sessions started and stopped from telemetry,
 * copies made on the workers, pcapng written by one writer thread.
 *
 * Publication and retirement without locks on the data path:
 * - start: the control side builds the session (filter, pool, rings, file), then publishes its
 *   points with a release store and ORs them into every lcore's cap_points.
 * - the worker's slow path marks itself busy (odd sequence), fences, and only then reads the
 *   sessions' points; it leaves with an even sequence.
 * - stop: the writer clears the session's points and recomputes cap_points, fences, and waits
 *   until every worker is not busy or has moved on. Either the worker saw the cleared points or
 *   the writer sees it busy (Dekker's pattern with full fences on both sides), so after the wait
 *   no worker touches the session's rings, pool or filter, and they are freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_atomic.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_telemetry.h>

#include "capture_gw.h"

RTE_LOG_REGISTER(gw_capture_logtype, pepgw.capture, INFO);

#define CAP_DEQ_BURST    256
#define CAP_WRITER_SLEEP 1000 /* us between polls when every ring was empty */
#define CAP_QUIESCE_MS   1000 /* at most this long for a worker to leave the slow path */
#define CAP_BLOCK_MAX    (CAPTURE_SNAPLEN_MAX + 1024)
#define CAP_POOL_CACHE   32
#define CAP_COMMENT_LEN  96

/* What a worker records with each copy, in the copy's private area. */
struct cap_meta {
	uint64_t tsc;
	uint32_t orig_len;
	uint16_t iface;
	uint8_t dir;
	uint8_t reserved;
	int32_t reason; /* enum stat_id of a drop, or -1 */
	uint32_t pad;
};
_Static_assert(sizeof(struct cap_meta) % RTE_MBUF_PRIV_ALIGN == 0, "mbuf private area");

/* One session's state on one lcore: written by that worker only. */
struct cap_lcore {
	struct rte_ring *ring; /* single producer (the worker), single consumer (the writer) */
	uint64_t seen[GW_CAP_IFACES];      /* packets that matched the filter */
	uint64_t ring_full[GW_CAP_IFACES]; /* copies lost: ring full or pool empty */
} __rte_cache_aligned;

enum cap_state { CAP_FREE, CAP_RUNNING, CAP_DONE };

struct cap_session {
	/* Read by the workers. */
	uint32_t points; /* GW_CAP_F(point) bits; 0 = workers ignore the session */
	uint64_t port_mask;
	struct capture_filter *filter;
	struct rte_mempool *pool;
	uint32_t snaplen;
	struct cap_lcore lc[GW_MAX_LCORES];
	/* Control and writer side (under gw_capture.lock). */
	enum cap_state state;
	bool stop_req;
	unsigned int id;
	struct capture_params p;
	int fd;
	uint64_t packets, bytes; /* written */
	uint64_t start_us;       /* CLOCK_MONOTONIC */
	uint64_t wall_ns, tsc0;  /* the pair that turns a worker's TSC into wall-clock time */
	uint64_t last_ts_ns;
	enum capture_stop why;
	int32_t file_if[GW_CAP_IFACES]; /* the file's interface id, -1 = not written yet */
	uint32_t n_file_if;
	char error[128];
};

/* A worker's slow-path sequence: odd while it is in gw_capture_slow. */
struct cap_worker {
	uint32_t busy;
} __rte_cache_aligned;

struct gw_capture {
	struct gw *gw;
	struct cap_session sess[GW_CAP_MAX];
	struct cap_worker workers[GW_MAX_LCORES];
	uint16_t port_index[RTE_MAX_ETHPORTS]; /* ethdev port id -> gw port index, or UINT16_MAX */
	char link_name[GW_CAP_LINKS][CAPTURE_NAME_LEN];
	unsigned int next_id;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t writer;
	bool writer_started;
	bool quit;
	uint8_t block[CAP_BLOCK_MAX]; /* the writer's block buffer */
};

static struct gw_capture *tel_cap; /* telemetry callbacks take no argument */

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- worker side ---------- */

void gw_capture_slow(struct gw_lcore *lc, enum capture_point pt, unsigned int iface, uint32_t dir,
                     struct rte_mbuf **pkts, uint16_t n, int reason)
{
	struct gw_capture *cap = lc->gw->capture;
	struct cap_worker *w = &cap->workers[lc->idx];
	__atomic_store_n(&w->busy, w->busy + 1, __ATOMIC_RELAXED);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t tsc = rte_rdtsc();
	for (unsigned int s = 0; s < GW_CAP_MAX; s++) {
		struct cap_session *ss = &cap->sess[s];
		if (!(__atomic_load_n(&ss->points, __ATOMIC_ACQUIRE) & GW_CAP_F(pt)))
			continue;
		if (iface < CFG_MAX_PORTS && !(ss->port_mask & (1ull << iface)))
			continue;
		struct cap_lcore *cl = &ss->lc[lc->idx];
		for (uint16_t i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			if (pt == CAPTURE_POINT_DROP && m->port < RTE_MAX_ETHPORTS &&
			    cap->port_index[m->port] != UINT16_MAX &&
			    !(ss->port_mask & (1ull << cap->port_index[m->port])))
				continue;
			if (!capture_filter_match(ss->filter, m))
				continue;
			cl->seen[iface]++;
			struct rte_mbuf *c = rte_pktmbuf_copy(m, ss->pool, 0, ss->snaplen);
			if (unlikely(c == NULL)) {
				cl->ring_full[iface]++;
				continue;
			}
			struct cap_meta *meta = rte_mbuf_to_priv(c);
			meta->tsc = tsc;
			meta->orig_len = m->pkt_len;
			meta->iface = (uint16_t)iface;
			meta->dir = (uint8_t)dir;
			meta->reason = reason;
			if (unlikely(rte_ring_sp_enqueue(cl->ring, c) != 0)) {
				rte_pktmbuf_free(c);
				cl->ring_full[iface]++;
			}
		}
	}
	__atomic_store_n(&w->busy, w->busy + 1, __ATOMIC_RELEASE);
}

/* ---------------------------------------------------------------- control side --------- */

/* Every lcore's cap_points from the running sessions (lock held). */
static void publish_points(struct gw_capture *cap)
{
	uint32_t all = 0;
	for (unsigned int s = 0; s < GW_CAP_MAX; s++)
		all |= __atomic_load_n(&cap->sess[s].points, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < cap->gw->n_lcores; i++)
		__atomic_store_n(&cap->gw->lcores[i].cap_points, all, __ATOMIC_RELEASE);
}

/* Wait until no worker is inside gw_capture_slow with a view older than now. */
static void quiesce(struct gw_capture *cap)
{
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < cap->gw->n_lcores; i++) {
		uint32_t b = __atomic_load_n(&cap->workers[i].busy, __ATOMIC_ACQUIRE);
		uint64_t deadline = mono_us() + CAP_QUIESCE_MS * 1000u;
		while ((b & 1) && __atomic_load_n(&cap->workers[i].busy, __ATOMIC_ACQUIRE) == b) {
			if (mono_us() > deadline) {
				/* A worker stuck in the slow path: keep the memory, say so. */
				rte_log(RTE_LOG_ERR, gw_capture_logtype,
				        "capture: worker %u did not leave the capture path; "
				        "session memory kept\n",
				        i);
				return;
			}
			rte_pause();
		}
	}
}

static const char *iface_name(struct gw_capture *cap, unsigned int iface, char *buf, size_t len)
{
	if (iface < cap->gw->n_ports)
		return cap->gw->cfg->ports[iface].name;
	if (iface == GW_CAP_IF_DROP)
		return "drop";
	unsigned int link = (iface - GW_CAP_IF_TUNNEL) / 2;
	bool outer = (iface - GW_CAP_IF_TUNNEL) & 1;
	if (cap->link_name[link][0] != '\0')
		snprintf(buf, len, "tunnel:%s:%s", cap->link_name[link], outer ? "outer" : "inner");
	else
		snprintf(buf, len, "tunnel:link%u:%s", link, outer ? "outer" : "inner");
	return buf;
}

static int write_all(struct cap_session *s, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(s->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			snprintf(s->error, sizeof(s->error), "write: %s", strerror(errno));
			return -errno;
		}
		p += w;
		n -= (size_t)w;
		s->bytes += (uint64_t)w;
	}
	return 0;
}

static int write_block(struct cap_session *s, int len, uint8_t *buf)
{
	if (len < 0) {
		snprintf(s->error, sizeof(s->error), "pcapng block: %s", strerror(-len));
		return len;
	}
	return write_all(s, buf, (size_t)len);
}

static uint64_t tsc_to_ns(const struct cap_session *s, uint64_t tsc)
{
	uint64_t d = tsc > s->tsc0 ? tsc - s->tsc0 : 0;
	return s->wall_ns + (uint64_t)((unsigned __int128)d * 1000000000u / rte_get_tsc_hz());
}

/* Write one copy (writer thread); returns 0 or -errno (the file failed). */
static int write_packet(struct gw_capture *cap, struct cap_session *s, struct rte_mbuf *c)
{
	const struct cap_meta *meta = rte_mbuf_to_priv(c);
	char name[64], comment[CAP_COMMENT_LEN];
	uint8_t *buf = cap->block;
	if (s->file_if[meta->iface] < 0) {
		const char *nm = iface_name(cap, meta->iface, name, sizeof(name));
		char descr[96];
		snprintf(descr, sizeof(descr), "pepgw %s",
		         meta->iface < CFG_MAX_PORTS ? "port" : nm);
		int rc = write_block(s,
		                     capture_pcapng_idb(buf, CAP_BLOCK_MAX, nm, descr,
		                                        CAPTURE_LINKTYPE_ETHERNET, s->p.snaplen),
		                     buf);
		if (rc < 0)
			return rc;
		s->file_if[meta->iface] = (int32_t)s->n_file_if++;
	}
	/* A contiguous view: copies are made at most snaplen long, chained past one mbuf. */
	uint32_t caplen = RTE_MIN(c->pkt_len, s->p.snaplen);
	static uint8_t flat[CAPTURE_SNAPLEN_MAX];
	const void *data = rte_pktmbuf_read(c, 0, caplen, flat);
	const char *cm = NULL;
	if (meta->reason >= 0) {
		const char *r = stats_name((enum stat_id)meta->reason);
		snprintf(comment, sizeof(comment), "drop: %s",
		         r != NULL && strncmp(r, "drop_", 5) == 0 ? r + 5 : (r ? r : "?"));
		cm = comment;
	}
	uint64_t ts = tsc_to_ns(s, meta->tsc);
	s->last_ts_ns = RTE_MAX(s->last_ts_ns, ts);
	int rc = write_block(s,
	                     capture_pcapng_epb(buf, CAP_BLOCK_MAX,
	                                        (uint32_t)s->file_if[meta->iface], ts, data, caplen,
	                                        meta->orig_len, meta->dir, cm),
	                     buf);
	if (rc == 0)
		s->packets++;
	return rc;
}

static int cmp_tsc(const void *a, const void *b)
{
	const struct cap_meta *ma = rte_mbuf_to_priv(*(struct rte_mbuf *const *)a);
	const struct cap_meta *mb = rte_mbuf_to_priv(*(struct rte_mbuf *const *)b);
	return ma->tsc < mb->tsc ? -1 : ma->tsc > mb->tsc;
}

/*
 * Move what the workers queued into the file, in time order across lcores within one pass.
 * write = false frees the copies (a limit was reached). Returns the copies taken.
 */
static unsigned int drain(struct gw_capture *cap, struct cap_session *s, bool write)
{
	struct rte_mbuf *batch[CAP_DEQ_BURST * 2];
	unsigned int total = 0;
	for (;;) {
		unsigned int nb = 0;
		for (unsigned int i = 0; i < cap->gw->n_lcores && nb < CAP_DEQ_BURST; i++)
			nb += rte_ring_sc_dequeue_burst(s->lc[i].ring, (void **)&batch[nb],
			                                CAP_DEQ_BURST - nb, NULL);
		if (nb == 0)
			return total;
		qsort(batch, nb, sizeof(batch[0]), cmp_tsc);
		for (unsigned int k = 0; k < nb; k++) {
			if (write && s->why == CAPTURE_RUNNING) {
				if (write_packet(cap, s, batch[k]) < 0)
					s->why = CAPTURE_STOP_ERROR;
				else
					s->why = capture_limit_reached(&s->p, s->packets, s->bytes,
					                               s->start_us, mono_us());
			}
		}
		rte_pktmbuf_free_bulk(batch, nb);
		total += nb;
		if (nb < CAP_DEQ_BURST)
			return total;
	}
}

static void session_free(struct cap_session *s)
{
	for (unsigned int i = 0; i < GW_MAX_LCORES; i++) {
		rte_ring_free(s->lc[i].ring);
		s->lc[i].ring = NULL;
	}
	rte_mempool_free(s->pool);
	s->pool = NULL;
	capture_filter_free(s->filter);
	s->filter = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* End a running session (writer thread, lock held): retire it from the workers, write what
 * they queued (unless a limit ended it), the statistics blocks, close the file. */
static void session_finish(struct gw_capture *cap, struct cap_session *s, enum capture_stop why)
{
	__atomic_store_n(&s->points, 0, __ATOMIC_RELEASE);
	publish_points(cap);
	quiesce(cap);
	drain(cap, s, why == CAPTURE_STOP_REQUEST);
	if (s->why == CAPTURE_RUNNING)
		s->why = why;
	/* isb_ifrecv: packets that matched on the interface; isb_ifdrop: copies lost. */
	uint64_t ts = RTE_MAX(s->last_ts_ns, wall_ns());
	for (unsigned int f = 0; f < GW_CAP_IFACES && s->why != CAPTURE_STOP_ERROR; f++) {
		if (s->file_if[f] < 0)
			continue;
		uint64_t seen = 0, lost = 0;
		for (unsigned int i = 0; i < cap->gw->n_lcores; i++) {
			seen += s->lc[i].seen[f];
			lost += s->lc[i].ring_full[f];
		}
		if (write_block(s,
		                capture_pcapng_isb(cap->block, CAP_BLOCK_MAX,
		                                   (uint32_t)s->file_if[f], ts, seen, lost),
		                cap->block) < 0)
			break;
	}
	if (s->fd >= 0 && fsync(s->fd) != 0 && s->error[0] == '\0')
		snprintf(s->error, sizeof(s->error), "fsync: %s", strerror(errno));
	session_free(s);
	s->state = CAP_DONE;
	rte_log(RTE_LOG_INFO, gw_capture_logtype,
	        "capture %u: %s, %" PRIu64 " packets, %" PRIu64 " bytes in %s\n", s->id,
	        capture_stop_name(s->why), s->packets, s->bytes, s->p.file);
}

static void *writer_main(void *arg)
{
	struct gw_capture *cap = arg;
	pthread_mutex_lock(&cap->lock);
	while (!cap->quit) {
		bool running = false;
		unsigned int moved = 0;
		for (unsigned int k = 0; k < GW_CAP_MAX; k++) {
			struct cap_session *s = &cap->sess[k];
			if (s->state != CAP_RUNNING)
				continue;
			moved += drain(cap, s, true);
			enum capture_stop why = s->why;
			if (why == CAPTURE_RUNNING)
				why = capture_limit_reached(&s->p, s->packets, s->bytes,
				                            s->start_us, mono_us());
			if (why == CAPTURE_RUNNING && s->stop_req)
				why = CAPTURE_STOP_REQUEST;
			if (why != CAPTURE_RUNNING)
				session_finish(cap, s, why);
			else
				running = true;
		}
		if (!running) {
			pthread_cond_wait(&cap->wake, &cap->lock);
		} else if (moved == 0) {
			pthread_mutex_unlock(&cap->lock);
			usleep(CAP_WRITER_SLEEP);
			pthread_mutex_lock(&cap->lock);
		}
	}
	for (unsigned int k = 0; k < GW_CAP_MAX; k++)
		if (cap->sess[k].state == CAP_RUNNING)
			session_finish(cap, &cap->sess[k], CAPTURE_STOP_REQUEST);
	pthread_mutex_unlock(&cap->lock);
	return NULL;
}

/* Build and publish a session from p (telemetry thread, lock held). 0 or -errno, err set. */
static int session_start(struct gw_capture *cap, const struct capture_params *p, char *err,
                         size_t errlen, unsigned int *id)
{
	struct gw *gw = cap->gw;
	uint64_t mask = 0;
	if (p->n_ports == 0)
		mask = (1ull << gw->n_ports) - 1;
	for (unsigned int i = 0; i < p->n_ports; i++) {
		unsigned int k;
		for (k = 0; k < gw->n_ports; k++)
			if (strcmp(p->ports[i], gw->cfg->ports[k].name) == 0)
				break;
		if (k == gw->n_ports) {
			snprintf(err, errlen, "ports: '%s' is not a port of this gateway",
			         p->ports[i]);
			return -EINVAL;
		}
		mask |= 1ull << k;
	}
	struct cap_session *s = NULL;
	for (unsigned int k = 0; k < GW_CAP_MAX; k++) {
		if (cap->sess[k].state == CAP_FREE) {
			s = &cap->sess[k];
			break;
		}
		if (cap->sess[k].state == CAP_DONE && (s == NULL || cap->sess[k].id < s->id))
			s = &cap->sess[k];
	}
	if (s == NULL) {
		snprintf(err, errlen, "%d captures are running already (stop one first)",
		         GW_CAP_MAX);
		return -EBUSY;
	}
	struct capture_filter *filter = capture_filter_create(p->filter, p->snaplen, err, errlen);
	if (filter == NULL)
		return -rte_errno;
	/* The copies live in a pool of their own, so a capture never starves the data path. */
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int sid = ++cap->next_id;
	snprintf(name, sizeof(name), "cap%u", sid);
	uint32_t n_mbufs = gw->n_lcores * (p->ring_size + CAP_POOL_CACHE * 2);
	struct rte_mempool *pool =
	        rte_pktmbuf_pool_create(name, n_mbufs, CAP_POOL_CACHE, sizeof(struct cap_meta),
	                                (uint16_t)RTE_MIN((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
	                                                  p->snaplen + RTE_PKTMBUF_HEADROOM),
	                                (int)rte_socket_id());
	if (pool == NULL) {
		snprintf(err, errlen, "no memory for %u packet copies: %s", n_mbufs,
		         rte_strerror(rte_errno));
		capture_filter_free(filter);
		return -ENOMEM;
	}
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->filter = filter;
	s->pool = pool;
	for (unsigned int i = 0; i < gw->n_lcores; i++) {
		snprintf(name, sizeof(name), "cap%u_%u", sid, i);
		s->lc[i].ring = rte_ring_create(name, p->ring_size, (int)rte_socket_id(),
		                                RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (s->lc[i].ring == NULL) {
			snprintf(err, errlen, "ring %s: %s", name, rte_strerror(rte_errno));
			session_free(s);
			return -ENOMEM;
		}
	}
	/* Captures hold traffic: the file is the operator's only (0600), replaced if present. */
	s->fd = open(p->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		int e = errno;
		snprintf(err, errlen, "file: '%.200s': %s", p->file, strerror(e));
		session_free(s);
		return -e;
	}
	s->p = *p;
	s->id = sid;
	s->snaplen = p->snaplen;
	s->port_mask = mask;
	for (unsigned int f = 0; f < GW_CAP_IFACES; f++)
		s->file_if[f] = -1;
	uint8_t *buf = cap->block;
	char appl[64];
	snprintf(appl, sizeof(appl), "pepgw %s", PEPGW_VERSION);
	if (write_block(s, capture_pcapng_shb(buf, CAP_BLOCK_MAX, appl), buf) < 0) {
		snprintf(err, errlen, "%s", s->error);
		session_free(s);
		return -EIO;
	}
	s->start_us = mono_us();
	s->tsc0 = rte_rdtsc();
	s->wall_ns = wall_ns();
	s->why = CAPTURE_RUNNING;
	s->state = CAP_RUNNING;
	__atomic_store_n(&s->points, p->points, __ATOMIC_RELEASE);
	publish_points(cap);
	pthread_cond_signal(&cap->wake);
	*id = sid;
	return 0;
}

int gw_capture_name_link(struct gw *gw, unsigned int link, const char *name)
{
	if (gw->capture == NULL || link >= GW_CAP_LINKS || name == NULL)
		return -EINVAL;
	snprintf(gw->capture->link_name[link], CAPTURE_NAME_LEN, "%s", name);
	return 0;
}

/* ---------------------------------------------------------------- telemetry ------------ */

/* Telemetry strings are not escaped by DPDK 22.11: keep what JSON needs escaped out. */
static void add_str(struct rte_tel_data *d, const char *key, const char *v)
{
	char buf[RTE_TEL_MAX_STRING_LEN];
	size_t i;
	for (i = 0; v[i] != '\0' && i + 1 < sizeof(buf); i++)
		buf[i] = (v[i] == '"' || v[i] == '\\' || (unsigned char)v[i] < 0x20) ? '_' : v[i];
	buf[i] = '\0';
	rte_tel_data_add_dict_string(d, key, buf);
}

static void points_str(uint32_t points, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (unsigned int k = 0; k < CAPTURE_POINT_MAX; k++)
		if (points & GW_CAP_F(k))
			o += (size_t)snprintf(buf + o, len - RTE_MIN(o, len), "%s%s", o ? "," : "",
			                      capture_point_name(k));
}

/* /pepgw/capture/start,file=...;filter=...: {"id": N, ...} or {"error": "..."}. */
static int cmd_start(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct capture_params p;
	char err[384] = "";
	unsigned int id = 0;
	rte_tel_data_start_dict(d);
	int rc = capture_params_parse(params, &p, err, sizeof(err));
	if (rc == 0) {
		pthread_mutex_lock(&tel_cap->lock);
		rc = session_start(tel_cap, &p, err, sizeof(err), &id);
		pthread_mutex_unlock(&tel_cap->lock);
	}
	if (rc != 0) {
		add_str(d, "error", err[0] ? err : strerror(-rc));
		return 0;
	}
	char pts[64];
	points_str(p.points, pts, sizeof(pts));
	rte_tel_data_add_dict_int(d, "id", (int)id);
	add_str(d, "file", p.file);
	add_str(d, "filter", p.filter);
	add_str(d, "points", pts);
	return 0;
}

/* /pepgw/capture/stop,ID (or "all"): asks the writer to finish; list shows when it has. */
static int cmd_stop(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int stopped = 0;
	char *end = NULL;
	bool all = params != NULL && strcmp(params, "all") == 0;
	unsigned long id = params != NULL && !all ? strtoul(params, &end, 10) : 0;
	rte_tel_data_start_dict(d);
	if (!all && (params == NULL || end == params || *end != '\0' || id == 0)) {
		add_str(d, "error", "stop: give a capture id (see /pepgw/capture/list) or all");
		return 0;
	}
	pthread_mutex_lock(&tel_cap->lock);
	for (unsigned int k = 0; k < GW_CAP_MAX; k++) {
		struct cap_session *s = &tel_cap->sess[k];
		if (s->state == CAP_RUNNING && (all || s->id == id)) {
			s->stop_req = true;
			stopped++;
		}
	}
	pthread_cond_signal(&tel_cap->wake);
	pthread_mutex_unlock(&tel_cap->lock);
	if (stopped == 0 && !all) {
		char msg[96];
		snprintf(msg, sizeof(msg), "stop: no running capture %lu", id);
		add_str(d, "error", msg);
		return 0;
	}
	rte_tel_data_add_dict_int(d, "stopping", (int)stopped);
	return 0;
}

/* /pepgw/capture/list: per capture id, its parameters, state and counts. */
static int cmd_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&tel_cap->lock);
	for (unsigned int k = 0; k < GW_CAP_MAX; k++) {
		const struct cap_session *s = &tel_cap->sess[k];
		if (s->state == CAP_FREE)
			continue;
		struct rte_tel_data *sd = rte_tel_data_alloc();
		if (sd == NULL)
			break;
		uint64_t seen = 0, full = 0;
		for (unsigned int i = 0; i < tel_cap->gw->n_lcores; i++)
			for (unsigned int f = 0; f < GW_CAP_IFACES; f++) {
				seen += s->lc[i].seen[f];
				full += s->lc[i].ring_full[f];
			}
		char pts[64], key[16];
		points_str(s->p.points, pts, sizeof(pts));
		rte_tel_data_start_dict(sd);
		rte_tel_data_add_dict_string(sd, "state",
		                             s->state == CAP_RUNNING ? "running" : "done");
		rte_tel_data_add_dict_string(sd, "stop_reason", capture_stop_name(s->why));
		add_str(sd, "file", s->p.file);
		add_str(sd, "filter", s->p.filter);
		add_str(sd, "points", pts);
		rte_tel_data_add_dict_u64(sd, "matched", seen);
		rte_tel_data_add_dict_u64(sd, "ring_full", full);
		rte_tel_data_add_dict_u64(sd, "packets", s->packets);
		rte_tel_data_add_dict_u64(sd, "bytes", s->bytes);
		rte_tel_data_add_dict_u64(sd, "max_packets", s->p.max_packets);
		rte_tel_data_add_dict_u64(sd, "max_bytes", s->p.max_bytes);
		rte_tel_data_add_dict_u64(sd, "duration_s", s->p.duration_s);
		rte_tel_data_add_dict_u64(sd, "snaplen", s->p.snaplen);
		rte_tel_data_add_dict_u64(sd, "ring", s->p.ring_size);
		if (s->error[0] != '\0')
			add_str(sd, "error", s->error);
		snprintf(key, sizeof(key), "%u", s->id);
		rte_tel_data_add_dict_container(d, key, sd, 0);
	}
	pthread_mutex_unlock(&tel_cap->lock);
	return 0;
}

int gw_capture_init(struct gw *gw)
{
	struct gw_capture *cap = rte_zmalloc("capture", sizeof(*cap), RTE_CACHE_LINE_SIZE);
	if (cap == NULL)
		return -ENOMEM;
	cap->gw = gw;
	for (unsigned int i = 0; i < RTE_MAX_ETHPORTS; i++)
		cap->port_index[i] = UINT16_MAX;
	for (unsigned int i = 0; i < gw->n_ports; i++)
		cap->port_index[gw->ports[i].info.port_id] = (uint16_t)i;
	for (unsigned int k = 0; k < GW_CAP_MAX; k++)
		cap->sess[k].fd = -1;
	pthread_mutex_init(&cap->lock, NULL);
	pthread_cond_init(&cap->wake, NULL);
	int rc = rte_ctrl_thread_create(&cap->writer, "pepgw-capture", NULL, writer_main, cap);
	if (rc != 0) {
		rte_free(cap);
		return -rc;
	}
	cap->writer_started = true;
	gw->capture = cap;
	tel_cap = cap;
	/* Help texts must stay under RTE_TEL_MAX_STRING_LEN (128) or registration fails. */
	rc = rte_telemetry_register_cmd("/pepgw/capture/start", cmd_start,
	                                "Start a capture. Parameters: file=/PATH;filter=EXPR;"
	                                "points=..;ports=..;count=N;... (pepgwctl(8))");
	rc |= rte_telemetry_register_cmd("/pepgw/capture/stop", cmd_stop,
	                                 "Stop a capture. Parameter: its id, or all");
	rc |= rte_telemetry_register_cmd("/pepgw/capture/list", cmd_list,
	                                 "Captures: state, counts, limits. No parameters");
	return rc;
}

void gw_capture_fini(struct gw *gw)
{
	struct gw_capture *cap = gw->capture;
	if (cap == NULL)
		return;
	pthread_mutex_lock(&cap->lock);
	cap->quit = true;
	pthread_cond_signal(&cap->wake);
	pthread_mutex_unlock(&cap->lock);
	if (cap->writer_started)
		pthread_join(cap->writer, NULL);
	/* Telemetry may still call in: leave tel_cap valid (the commands answer from the final
	 * state) until the process exits; the memory is freed by rte_eal_cleanup. */
}
