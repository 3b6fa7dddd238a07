/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bonded tunnel's set-up and control plane: keys, the crypto device, per peer the home
 * worker's handshake and link health (probes, publication of the links' views, the reorder
 * hold and telemetry), per worker the contexts and the hand-off rings. The packet path is in
 * tunnel_dp.c. See tunnel.h for the ownership rules.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "params.h"
#include "capture_gw.h"
#include "tunnel_private.h"

RTE_LOG_REGISTER(gw_tunnel_logtype, pepgw.tunnel, NOTICE);

#define TUN_RING_SIZE       8192 /* packets and notes per worker */
#define TUN_CTL_RING_SIZE   256  /* handshake events per worker */
#define TUN_MSG_BURST       64
#define TUN_PUB_INTERVAL_US 100000 /* telemetry snapshot at least this often */
#define TUN_REASM_PACKETS   1024   /* tunnel datagrams being reassembled per worker */
#define TUN_REASM_TIMEOUT   (2 * US_PER_S)
/* Spare sessions in the pool beyond the contexts' (sessions being replaced). */
#define TUN_SESSIONS_SPARE  16

/* ---- keys ---- */

int gw_tunnel_check_keys(const struct pepgw_config *cfg, char *err, size_t errlen)
{
	char why[256];

	for (unsigned int i = 0; i < cfg->n_peers; i++) {
		struct bond_psk *psk = bond_psk_load(cfg->peers[i].key_file, why, sizeof(why));
		if (psk == NULL) {
			snprintf(err, errlen, "peers.%s.key_file: %s", cfg->peers[i].name, why);
			return -rte_errno;
		}
		bond_psk_free(psk);
	}
	return 0;
}

bool gw_tunnel_enabled(const struct gw *gw)
{
	return gw->tun != NULL;
}

int gw_tunnel_peer_of(const struct gw *gw, uint32_t dst, uint16_t *link_mtu)
{
	uint32_t hop;

	if (gw->tun == NULL || rte_lpm_lookup(gw->tun->routes, dst, &hop) != 0)
		return -1;
	*link_mtu = gw->tun->peers[hop].link_mtu;
	return (int)hop;
}

void gw_tunnel_capture_names(struct gw *gw)
{
	if (gw->tun == NULL)
		return;
	for (unsigned int i = gw->tun->n_peers; i-- > 0;)
		for (unsigned int k = 0; k < gw->tun->peers[i].n_links; k++)
			gw_capture_name_link(gw, k, gw->tun->peers[i].links[k].name);
}

uint32_t gw_tunnel_path_rtt_us(const struct gw_lcore *lc, unsigned int peer)
{
	return lc->tun != NULL && peer < lc->gw->tun->n_peers ? lc->tun->peers[peer].path_rtt_us
	                                                      : 0;
}

uint64_t gw_tunnel_capacity_bps(const struct gw_lcore *lc, unsigned int peer)
{
	return lc->tun != NULL && peer < lc->gw->tun->n_peers ? lc->tun->peers[peer].capacity_bps
	                                                      : 0;
}

/* gw_tunnel_capacity_bps from a publication's views of the links (our sending direction). */
static uint64_t tun_capacity_bps(const struct bond_link_view *views, unsigned int n)
{
	uint64_t sum = 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct bond_link_view *v = &views[i];
		if (!v->usable)
			continue;
		if (v->rate_bps != 0)
			sum += v->rate_bps;
		else if (v->rate_est_bps == 0)
			sum += BOND_SCHED_DEFAULT_RATE_BPS;
		else if (v->saturated)
			sum += v->rate_est_bps;
		else
			sum += v->rate_est_bps * BOND_SCHED_DEFAULT_PROBE_GAIN_PCT / 100;
	}
	return sum / 100 * (100 - GW_TUNNEL_CAPACITY_HEADROOM_PCT);
}

/* ---- publication (seqcount: the home writes, workers and telemetry read) ---- */

static void tun_pub_write(struct tun_pub *pub, const struct tun_pub_data *d)
{
	uint32_t s = pub->seq;

	__atomic_store_n(&pub->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(&pub->d, d, sizeof(*d));
	__atomic_store_n(&pub->seq, s + 2, __ATOMIC_RELEASE);
}

void tun_pub_read(const struct tun_pub *pub, struct tun_pub_data *out)
{
	uint32_t s;

	for (;;) {
		s = __atomic_load_n(&pub->seq, __ATOMIC_ACQUIRE);
		if (s & 1) {
			rte_pause();
			continue;
		}
		memcpy(out, &pub->d, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&pub->seq, __ATOMIC_RELAXED) == s)
			return;
	}
}

static uint64_t tun_pub_version(const struct tun_pub *pub)
{
	return __atomic_load_n(&pub->d.version, __ATOMIC_RELAXED);
}

/* The home publishes the views, the reorder hold and the telemetry snapshot. */
static void tun_publish(struct tun_peer *p, uint64_t now)
{
	struct tun_pub_data d;
	bool any_up = false;

	d.version = p->pub.d.version + 1;
	d.hold_us = p->pub_hold;
	d.margin_us = p->pub_margin;
	bond_health_views(p->health, d.views);
	for (unsigned int i = 0; i < p->n_links; i++) {
		bond_health_link_info(p->health, (uint8_t)i, &d.info[i]);
		any_up |= d.views[i].usable;
	}
	bond_health_stats_get(p->health, &d.health);
	bond_hs_get_status(p->hs, &d.hs);
	d.at_us = now;
	tun_pub_write(&p->pub, &d);
	/*
	 * Every direction we send on went down: the peer no longer reports what it receives.
	 * When it restarted it cannot read our session any more and, not knowing our endpoints
	 * (the learning side), cannot start one: we do, so that it is back within a second.
	 */
	if (p->any_up && !any_up && d.hs.established) {
		TUN_LOG(NOTICE, "peer %s: no link carries data (no reports): new handshake\n",
		        p->name);
		bond_hs_request_rekey(p->hs);
	}
	p->any_up = any_up;
	p->next_pub_us = now + TUN_PUB_INTERVAL_US;
}

/* ---- hand-offs ---- */

int tun_msg_send(struct gw_lcore *from, unsigned int w, const struct tun_msg *msg)
{
	struct gw_tun_lcore *to = from->gw->lcores[w].tun;

	if (rte_ring_enqueue_elem(to->ring, (void *)(uintptr_t)msg, sizeof(*msg)) != 0) {
		stats_inc(from->stats, STAT_drop_tunnel_handoff_full);
		return -ENOBUFS;
	}
	stats_inc(from->stats, STAT_tunnel_handoffs);
	return 0;
}

/* Apply a handshake event to this worker's context of the peer. */
static void tun_apply_event(struct gw_lcore *lc, unsigned int peer, const struct bond_hs_event *ev)
{
	struct tun_lc_peer *lp = &lc->tun->peers[peer];
	int rc = bond_crypto_apply(lp->crypto, ev);

	if (rc < 0)
		TUN_LOG(ERR, "peer %s: worker %u: key event %d in slot %u: %s\n",
		        lc->gw->tun->peers[peer].name, lc->idx, ev->type, ev->slot, strerror(-rc));
	if (ev->type == BOND_HS_EV_INSTALL) {
		uint8_t s = ev->keys.rx_slot;
		/* A new session in our slot s: what we send with it is numbered from 0. */
		lp->install_gen[s]++;
		bond_reorder_seq_reset(lp->seq[s]);
		if (ev->keys.tx_active)
			lp->rekey_asked = false;
	} else if (ev->type == BOND_HS_EV_ACTIVATE_TX) {
		lp->rekey_asked = false;
	}
}

/* Every event of the peer's handshake goes to every worker's control ring, in order. */
static void tun_hs_events(struct gw_lcore *lc, struct tun_peer *p)
{
	struct gw *gw = lc->gw;
	struct bond_hs_event ev;

	while (bond_hs_next_event(p->hs, &ev) == 1) {
		struct tun_event *e = rte_zmalloc("tun_event", sizeof(*e), 0);
		if (e == NULL) {
			/* Cannot share it: apply here and stop; the contexts disagree until the
			 * next session (logged: out of memory on the control path). */
			TUN_LOG(ERR, "peer %s: no memory for a key event\n", p->name);
			tun_apply_event(lc, p->index, &ev);
			bond_wipe(&ev, sizeof(ev));
			continue;
		}
		e->ev = ev;
		bond_wipe(&ev, sizeof(ev));
		__atomic_store_n(&e->refs, gw->n_lcores, __ATOMIC_RELAXED);
		struct tun_msg m = {.kind = TUN_MSG_EVENT, .peer = p->index, .ev = e};
		for (unsigned int w = 0; w < gw->n_lcores; w++) {
			/* The control ring only carries events and its reader never waits on
			 * anything: a full ring empties, so wait rather than lose a key. */
			while (rte_ring_enqueue_elem(gw->lcores[w].tun->ctl, &m, sizeof(m)) != 0)
				rte_pause();
		}
	}
}

static void tun_ctl_poll(struct gw_lcore *lc)
{
	struct tun_msg msgs[16];
	unsigned int n = rte_ring_dequeue_burst_elem(lc->tun->ctl, msgs, sizeof(msgs[0]),
	                                             RTE_DIM(msgs), NULL);

	for (unsigned int i = 0; i < n; i++) {
		struct tun_event *e = msgs[i].ev;
		tun_apply_event(lc, msgs[i].peer, &e->ev);
		if (__atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0) {
			bond_wipe(e, sizeof(*e));
			rte_free(e);
		}
	}
}

/* ---- the home's part ---- */

void tun_home_health(struct gw_lcore *lc, struct tun_peer *p, uint8_t link, uint8_t queue,
                     uint64_t link_seq, uint32_t ts, uint32_t bytes, uint64_t now)
{
	if (lc->idx != p->home) {
		struct tun_msg m = {.kind = TUN_MSG_HEALTH,
		                    .peer = p->index,
		                    .link = link,
		                    .queue = queue,
		                    .ts = ts,
		                    .a = bytes,
		                    .x = link_seq,
		                    .now_us = now};
		tun_msg_send(lc, p->home, &m);
		return;
	}
	/* Notes from other workers may carry a time a little before the home's last. */
	p->health_now_us = RTE_MAX(p->health_now_us, now);
	bond_health_rx(p->health, link, queue, link_seq, ts, bytes, p->health_now_us);
}

void tun_home_probe(struct gw_lcore *lc, struct tun_peer *p, struct rte_mbuf *m, uint8_t link,
                    uint32_t ts, uint64_t now)
{
	if (lc->idx != p->home) {
		struct tun_msg msg = {
		        .kind = TUN_MSG_PROBE, .peer = p->index, .link = link, .ts = ts, .m = m};
		if (tun_msg_send(lc, p->home, &msg) < 0)
			rte_pktmbuf_free(m);
		return;
	}
	struct tun_lc_peer *lp = &lc->tun->peers[p->index];
	p->health_now_us = RTE_MAX(p->health_now_us, now);
	if (rte_pktmbuf_linearize(m) != 0 ||
	    bond_health_probe_input(p->health, link, rte_pktmbuf_mtod(m, const void *), m->pkt_len,
	                            p->health_now_us) != 0)
		stats_inc(lc->stats, STAT_drop_tunnel_probe_bad);
	else
		stats_inc(lc->stats, STAT_tunnel_probes_in);
	bond_reorder_link_seen(lp->reorder, link, ts, now);
	lp->reorder_dirty = true;
	rte_pktmbuf_free(m);
}

void tun_home_handshake(struct gw_lcore *lc, struct tun_peer *p, struct rte_mbuf *m, uint32_t src,
                        uint16_t sport, uint64_t now)
{
	struct tun_lc_peer *lp = &lc->tun->peers[p->index];
	uint8_t msg[BOND_HS_MSG_MAX], reply[BOND_HS_MSG_MAX];
	uint32_t len = m->pkt_len, reply_len = 0;

	if (lc->idx != p->home) {
		struct tun_msg hm = {
		        .kind = TUN_MSG_HANDSHAKE, .peer = p->index, .a = src, .b = sport, .m = m};
		if (tun_msg_send(lc, p->home, &hm) < 0)
			rte_pktmbuf_free(m);
		return;
	}
	if (len > sizeof(msg)) {
		tun_count_result(lc, lp, BOND_R_drop_hs_len);
		rte_pktmbuf_free(m);
		return;
	}
	const uint8_t *b = rte_pktmbuf_read(m, 0, len, msg);
	if (b != msg)
		memcpy(msg, b, len);
	rte_pktmbuf_free(m);
	/* The steering checked the link id against the local endpoint the message came to. */
	uint8_t link = (uint8_t)(len > 2 ? msg[2] >> 4 : 0);
	enum bond_result r = bond_hs_input(p->hs, msg, len, now, reply, sizeof(reply), &reply_len);
	if (r == BOND_R_ok) {
		stats_inc(lc->stats, STAT_tunnel_handshakes_in);
		/* A link we have no endpoint for is answered where the message came from and
		 * keeps that endpoint until an authenticated packet says otherwise. */
		if (link < p->n_links &&
		    __atomic_load_n(&p->links[link].endpoint, __ATOMIC_RELAXED) == 0)
			tun_learn_endpoint(lc, p, link, src, sport);
	} else {
		tun_count_result(lc, lp, r);
	}
	if (reply_len > 0 && link < p->n_links)
		tun_send_raw(lc, p, link, reply, reply_len, src, sport, now);
	tun_hs_events(lc, p);
}

/* Whether some link's peer endpoint is known: until then nothing can be sent to the peer. */
static bool tun_any_endpoint(const struct tun_peer *p)
{
	for (unsigned int k = 0; k < p->n_links; k++)
		if (__atomic_load_n(&p->links[k].endpoint, __ATOMIC_RELAXED) != 0)
			return true;
	return false;
}

/* The home's timers of one peer: handshake, probes, publication. */
static void tun_home_poll(struct gw_lcore *lc, struct tun_peer *p, uint64_t now)
{
	uint8_t msg[BOND_HS_MSG_MAX];
	uint8_t body[BOND_PROBE_MAX_LEN];
	int len;

	/*
	 * A side that learns every endpoint does not initiate before it knows one: an INIT of
	 * its own, sent nowhere, would only make it refuse the peer's (the larger nonce of two
	 * crossing INITs wins) and answer a second later.
	 */
	while (tun_any_endpoint(p) && (len = bond_hs_poll(p->hs, now, msg, sizeof(msg))) > 0) {
		/* INIT and CONFIRM go on every link whose peer endpoint is known. */
		for (unsigned int k = 0; k < p->n_links; k++) {
			uint64_t ep = __atomic_load_n(&p->links[k].endpoint, __ATOMIC_RELAXED);
			if (ep == 0)
				continue;
			bond_wire_set_link(msg, (uint8_t)k);
			tun_send_raw(lc, p, (uint8_t)k, msg, (uint32_t)len, (uint32_t)(ep >> 16),
			             (uint16_t)ep, now);
		}
	}
	tun_hs_events(lc, p);

	p->health_now_us = RTE_MAX(p->health_now_us, now);
	uint32_t mask = bond_health_poll(p->health, p->health_now_us);
	if (mask != 0) {
		len = bond_health_probe_build(p->health, p->health_now_us, body, sizeof(body));
		for (unsigned int k = 0; k < p->n_links && len > 0; k++)
			if (mask & (1u << k))
				tun_send_probe(lc, p, (uint8_t)k, body, (uint32_t)len, now);
	}

	uint32_t margin = 0;
	uint32_t hold = bond_health_reorder_hold_us(p->health, p->hold_max_us, &margin);
	uint64_t gen = bond_health_generation(p->health);
	if (gen != p->pub_gen || hold != p->pub_hold || margin != p->pub_margin ||
	    now >= p->next_pub_us) {
		p->pub_gen = gen;
		p->pub_hold = hold;
		p->pub_margin = margin;
		tun_publish(p, now);
	}
}

/* A worker takes a new publication of the home: schedulers' views, the reorder hold. */
static void tun_apply_pub(struct gw_lcore *lc, struct tun_peer *p)
{
	struct tun_lc_peer *lp = &lc->tun->peers[p->index];
	struct tun_pub_data d;

	if (tun_pub_version(&p->pub) == lp->pub_version)
		return;
	tun_pub_read(&p->pub, &d);
	lp->pub_version = d.version;
	lp->path_rtt_us = 0;
	for (unsigned int i = 0; i < p->n_links; i++)
		if (d.views[i].usable)
			lp->path_rtt_us = RTE_MAX(lp->path_rtt_us, d.info[i].rtt_min_us);
	lp->capacity_bps = tun_capacity_bps(d.views, p->n_links);
	for (unsigned int s = 0; s < TUN_N_SCHED; s++)
		if (lp->sched[s] != NULL)
			bond_sched_set_links(lp->sched[s], d.views, p->n_links);
	bond_reorder_set_hold(lp->reorder, d.hold_us, d.margin_us);
}

/* ---- the loop's entry points ---- */

static unsigned int tun_ring_poll(struct gw_lcore *lc, uint64_t now)
{
	struct gw_tun *t = lc->gw->tun;
	struct tun_msg msgs[TUN_MSG_BURST];
	unsigned int n = rte_ring_dequeue_burst_elem(lc->tun->ring, msgs, sizeof(msgs[0]),
	                                             RTE_DIM(msgs), NULL);

	for (unsigned int i = 0; i < n; i++) {
		const struct tun_msg *m = &msgs[i];
		struct tun_peer *p = &t->peers[m->peer];
		switch (m->kind) {
		case TUN_MSG_OPEN:
			tun_open_one(lc, m->peer, m->m, m->a, m->b, now);
			break;
		case TUN_MSG_HANDSHAKE:
			tun_home_handshake(lc, p, m->m, m->a, m->b, now);
			break;
		case TUN_MSG_HEALTH:
			tun_home_health(lc, p, m->link, m->queue, m->x, m->ts, m->a, m->now_us);
			break;
		case TUN_MSG_PROBE:
			tun_home_probe(lc, p, m->m, m->link, m->ts, now);
			break;
		case TUN_MSG_SLOT_SEEN:
			bond_hs_rx_slot_seen(p->hs, (uint8_t)m->a, now);
			tun_hs_events(lc, p);
			break;
		case TUN_MSG_DATA:
			tun_reorder_in(lc, m->peer, m->m, m, now);
			break;
		case TUN_MSG_REKEY:
			bond_hs_request_rekey(p->hs);
			break;
		case TUN_MSG_TRANSIT:
			gw_handoff_input(lc, (uint16_t)m->a, m->m, now);
			break;
		default:
			break;
		}
	}
	return n;
}

unsigned int gw_tunnel_poll(struct gw_lcore *lc, uint64_t now)
{
	struct gw_tun *t = lc->gw->tun;
	unsigned int work;

	if (t == NULL)
		return 0;
	tun_ctl_poll(lc);
	work = tun_ring_poll(lc, now);
	for (unsigned int i = 0; i < t->n_peers; i++) {
		struct tun_peer *p = &t->peers[i];
		if (p->home == lc->idx)
			tun_home_poll(lc, p, now);
		tun_apply_pub(lc, p);
	}
	tun_flush_all(lc, now);
	work += tun_reorder_poll(lc, now);
	frag_reasm_expire(lc->tun->reasm, now);
	unsigned int freed = frag_reasm_flush(lc->tun->reasm);
	stats_add(lc->stats, STAT_drop_tunnel_reasm, freed);
	return work;
}

uint64_t gw_tunnel_next_deadline_us(const struct gw_lcore *lc)
{
	const struct gw_tun *t = lc->gw->tun;
	uint64_t d = UINT64_MAX;

	if (t == NULL)
		return d;
	for (unsigned int i = 0; i < t->n_peers; i++) {
		const struct tun_peer *p = &t->peers[i];
		const struct tun_lc_peer *lp = &lc->tun->peers[i];
		d = RTE_MIN(d, bond_reorder_next_deadline_us(lp->reorder));
		if (p->home == lc->idx) {
			if (tun_any_endpoint(p))
				d = RTE_MIN(d, bond_hs_next_timer(p->hs));
			d = RTE_MIN(d, bond_health_next_deadline_us(p->health));
		}
	}
	return d;
}

/* ---- set-up ---- */

static uint64_t wall_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * US_PER_S + (uint64_t)ts.tv_nsec / 1000;
}

static int tun_peer_init(struct gw *gw, unsigned int i, uint64_t now, char *err, size_t errlen)
{
	const struct pepgw_config *cfg = gw->cfg;
	const struct cfg_peer *c = &cfg->peers[i];
	struct gw_tun *t = gw->tun;
	struct tun_peer *p = &t->peers[i];
	struct cfg_bond_profile prof;
	struct bond_health_params hp;
	char why[256];
	int rc;

	snprintf(p->name, sizeof(p->name), "%s", c->name);
	p->index = (uint8_t)i;
	p->n_links = c->n_links;
	p->home = i % gw->n_lcores;
	p->link_mtu = UINT16_MAX;
	for (unsigned int k = 0; k < c->n_links; k++) {
		const struct cfg_link *cl = &cfg->links[c->links[k]];
		struct tun_link *l = &p->links[k];
		snprintf(l->name, sizeof(l->name), "%s", cl->name);
		l->port = (uint16_t)cl->port;
		l->local_ip = gw->ports[cl->port].ipv4;
		l->local_port = cl->local_port;
		l->mtu = RTE_MIN(cl->mtu, gw->ports[cl->port].mtu);
		l->gateway = cl->gateway;
		l->configured = cl->has_peer_endpoint;
		l->endpoint = cl->has_peer_endpoint ? tun_endpoint(cl->peer_ip, cl->peer_port) : 0;
		p->link_mtu = RTE_MIN(p->link_mtu, l->mtu);
		bool seen = false;
		for (unsigned int e = 0; e < t->n_endpoints; e++)
			seen |= t->endpoints[e].ip == l->local_ip &&
			        t->endpoints[e].port == l->local_port;
		if (!seen) {
			t->endpoints[t->n_endpoints].ip = l->local_ip;
			t->endpoints[t->n_endpoints].port = l->local_port;
			t->endpoints[t->n_endpoints++].peer = (uint8_t)i;
		}
	}
	memcpy(p->remote, c->remote, sizeof(c->remote[0]) * c->n_remote);
	p->n_remote = c->n_remote;
	for (unsigned int r = 0; r < c->n_remote; r++) {
		rc = rte_lpm_add(t->routes, c->remote[r].addr, c->remote[r].len, i);
		if (rc < 0) {
			snprintf(err, errlen, "peers.%s: remote network %u: %s", c->name, r,
			         strerror(-rc));
			return rc;
		}
	}
	gw_params_peer_profile(cfg, i, &prof);
	p->hold_max_us = prof.reorder_max_hold_ms * 1000;

	struct bond_psk *psk = bond_psk_load(c->key_file, why, sizeof(why));
	if (psk == NULL) {
		snprintf(err, errlen, "peers.%s.key_file: %s", c->name, why);
		return -rte_errno;
	}
	struct bond_hs_params hsp = {
	        .psk = psk, .now_us = now, .wall_us = wall_clock_us(), .name = p->name};
	p->hs = bond_hs_create(&hsp);
	bond_psk_free(psk); /* bond_hs keeps its own copy */
	if (p->hs == NULL) {
		snprintf(err, errlen, "peers.%s: handshake: %s", c->name, rte_strerror(rte_errno));
		return -rte_errno;
	}
	rc = gw_params_bond_health(cfg, i, &hp, err, errlen);
	if (rc < 0)
		return rc;
	p->health = bond_health_create(p->name, &hp, now);
	if (p->health == NULL) {
		snprintf(err, errlen, "peers.%s: link health: %s", c->name,
		         rte_strerror(rte_errno));
		return -rte_errno;
	}
	p->health_now_us = now;
	tun_publish(p, now);
	return 0;
}

static int tun_lcore_init(struct gw *gw, struct gw_lcore *lc, char *err, size_t errlen)
{
	const struct pepgw_config *cfg = gw->cfg;
	struct gw_tun *t = gw->tun;
	int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
	char name[RTE_RING_NAMESIZE];

	lc->tun = rte_zmalloc_socket("gw_tun_lcore", sizeof(*lc->tun), RTE_CACHE_LINE_SIZE, socket);
	if (lc->tun == NULL)
		goto nomem;
	struct gw_tun_lcore *tl = lc->tun;
	snprintf(name, sizeof(name), "tun%u", lc->idx);
	tl->ring = rte_ring_create_elem(name, sizeof(struct tun_msg), TUN_RING_SIZE, socket,
	                                RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "tunctl%u", lc->idx);
	tl->ctl = rte_ring_create_elem(name, sizeof(struct tun_msg), TUN_CTL_RING_SIZE, socket,
	                               RING_F_SC_DEQ);
	if (tl->ring == NULL || tl->ctl == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "tunreasm%u", lc->idx);
	struct frag_reasm_params fp = {.name = name,
	                               .max_packets = TUN_REASM_PACKETS,
	                               .timeout_us = TUN_REASM_TIMEOUT,
	                               .socket_id = socket};
	tl->reasm = frag_reasm_create(&fp);
	if (tl->reasm == NULL)
		goto nomem;
	tl->ip_id = (uint16_t)(lc->idx << 12);
	for (unsigned int i = 0; i < t->n_peers; i++) {
		struct tun_peer *p = &t->peers[i];
		struct tun_lc_peer *lp = &tl->peers[i];
		char nm[32];
		snprintf(nm, sizeof(nm), "tun%u_%u", i, lc->idx);
		struct bond_crypto_params cp = {
		        .dev = &t->dev,
		        .qp_id = (uint16_t)lc->idx,
		        .copy_pool = gw->pool,
		        .n_links = p->n_links,
		        .peer_queues = BOND_MAX_QUEUES,
		        .queue = (uint8_t)lc->idx,
		        .n_queues = (uint8_t)gw->n_lcores,
		        .rx_index = (uint8_t)lc->idx,
		        .rx_count = (uint8_t)gw->n_lcores,
		        .name = nm,
		};
		lp->crypto = bond_crypto_create(&cp);
		if (lp->crypto == NULL) {
			snprintf(err, errlen, "peer %s, worker %u: crypto context: %s", p->name,
			         lc->idx, rte_strerror(rte_errno));
			return -rte_errno;
		}
		struct bond_reorder_params rp;
		gw_params_bond_reorder(cfg, i, &rp);
		lp->reorder = bond_reorder_create(nm, &rp);
		if (lp->reorder == NULL) {
			snprintf(err, errlen, "peer %s, worker %u: reorder buffer: %s", p->name,
			         lc->idx, rte_strerror(rte_errno));
			return -rte_errno;
		}
		for (unsigned int s = 0; s < BOND_KEY_SLOTS; s++) {
			lp->seq[s] = bond_reorder_seq_create(BOND_WIRE_FLOW_BUCKETS);
			if (lp->seq[s] == NULL)
				goto nomem;
		}
		struct cfg_bond_profile prof;
		gw_params_peer_profile(cfg, i, &prof);
		for (unsigned int s = 0; s < TUN_N_SCHED; s++) {
			struct bond_sched_params sp = {.n_links = p->n_links};
			if (s < cfg->n_bond_profiles) {
				sp.kind = t->profile_kind[s];
			} else if (s == TUN_SCHED_PEER) {
				if (gw_params_bond_sched_kind(prof.scheduler, &sp.kind) < 0)
					return -EINVAL;
			} else {
				continue;
			}
			snprintf(nm, sizeof(nm), "tun%u_%u_%u", i, lc->idx, s);
			lp->sched[s] = bond_sched_create(nm, &sp);
			if (lp->sched[s] == NULL) {
				snprintf(err, errlen, "peer %s, worker %u: scheduler: %s", p->name,
				         lc->idx, rte_strerror(rte_errno));
				return -rte_errno;
			}
		}
		lp->pub_version = UINT64_MAX; /* take the first publication */
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory for the tunnel of worker %u", lc->idx);
	return -ENOMEM;
}

int gw_tunnel_create(struct gw *gw, char *err, size_t errlen)
{
	const struct pepgw_config *cfg = gw->cfg;
	uint64_t now = gw_now_us();
	int rc;

	if (cfg->n_peers == 0)
		return 0;
	struct gw_tun *t = rte_zmalloc("gw_tun", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL) {
		snprintf(err, errlen, "out of memory for the tunnel");
		return -ENOMEM;
	}
	gw->tun = t;
	t->gw = gw;
	for (unsigned int b = 0; b < cfg->n_bond_profiles; b++) {
		if (gw_params_bond_sched_kind(cfg->bond_profiles[b].scheduler,
		                              &t->profile_kind[b]) < 0) {
			snprintf(err, errlen, "bond_profiles.%s.scheduler: not in this build",
			         cfg->bond_profiles[b].name);
			return -EINVAL;
		}
	}
	struct rte_lpm_config lc = {.max_rules = CFG_MAX_PEERS * CFG_MAX_REMOTE_NETS,
	                            .number_tbl8s = 256};
	t->routes = rte_lpm_create("tun_routes", SOCKET_ID_ANY, &lc);
	if (t->routes == NULL) {
		snprintf(err, errlen, "tunnel routes: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	struct bond_cryptodev_params dp = {
	        .device = "crypto_aesni_gcm0",
	        .n_qps = (uint16_t)gw->n_lcores,
	        .n_sessions = BOND_CRYPTO_SESSIONS_PER_CTX * cfg->n_peers * gw->n_lcores +
	                      TUN_SESSIONS_SPARE,
	        .socket_id = SOCKET_ID_ANY,
	};
	rc = bond_cryptodev_open(&dp, &t->dev);
	if (rc < 0) {
		snprintf(err, errlen, "crypto device %s: %s", dp.device, strerror(-rc));
		return rc;
	}
	t->dev_open = true;
	t->n_peers = cfg->n_peers;
	for (unsigned int i = 0; i < cfg->n_peers; i++) {
		rc = tun_peer_init(gw, i, now, err, errlen);
		if (rc < 0)
			return rc;
	}
	for (unsigned int l = 0; l < gw->n_lcores; l++) {
		rc = tun_lcore_init(gw, &gw->lcores[l], err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void tun_lcore_free(struct gw *gw, struct gw_lcore *lc)
{
	struct gw_tun_lcore *tl = lc->tun;
	struct tun_msg msgs[TUN_MSG_BURST];
	void *pkts[64];
	unsigned int n;

	if (tl == NULL)
		return;
	/* What is still in flight between workers. */
	while (tl->ring != NULL && (n = rte_ring_dequeue_burst_elem(tl->ring, msgs, sizeof(msgs[0]),
	                                                            RTE_DIM(msgs), NULL)) > 0)
		for (unsigned int i = 0; i < n; i++)
			if (msgs[i].kind == TUN_MSG_OPEN || msgs[i].kind == TUN_MSG_HANDSHAKE ||
			    msgs[i].kind == TUN_MSG_PROBE || msgs[i].kind == TUN_MSG_DATA)
				rte_pktmbuf_free(msgs[i].m);
	while (tl->ctl != NULL && (n = rte_ring_dequeue_burst_elem(tl->ctl, msgs, sizeof(msgs[0]),
	                                                           RTE_DIM(msgs), NULL)) > 0)
		for (unsigned int i = 0; i < n; i++)
			if (__atomic_sub_fetch(&msgs[i].ev->refs, 1, __ATOMIC_ACQ_REL) == 0) {
				bond_wipe(msgs[i].ev, sizeof(*msgs[i].ev));
				rte_free(msgs[i].ev);
			}
	for (unsigned int i = 0; gw->tun != NULL && i < gw->tun->n_peers; i++) {
		struct tun_lc_peer *lp = &tl->peers[i];
		rte_pktmbuf_free_bulk(lp->seal, lp->n_seal);
		rte_pktmbuf_free_bulk(lp->open, lp->n_open);
		if (lp->reorder != NULL) {
			while ((n = bond_reorder_flush(lp->reorder, pkts, RTE_DIM(pkts))) > 0)
				rte_pktmbuf_free_bulk((struct rte_mbuf **)pkts, n);
			bond_reorder_free(lp->reorder);
		}
		bond_crypto_free(lp->crypto);
		for (unsigned int s = 0; s < BOND_KEY_SLOTS; s++)
			bond_reorder_seq_free(lp->seq[s]);
		for (unsigned int s = 0; s < TUN_N_SCHED; s++)
			bond_sched_free(lp->sched[s]);
	}
	if (tl->reasm != NULL) {
		frag_reasm_free(tl->reasm);
	}
	rte_ring_free(tl->ring);
	rte_ring_free(tl->ctl);
	rte_free(tl);
	lc->tun = NULL;
}

void gw_tunnel_free(struct gw *gw)
{
	struct gw_tun *t = gw->tun;

	if (t == NULL)
		return;
	for (unsigned int l = 0; l < gw->n_lcores; l++)
		tun_lcore_free(gw, &gw->lcores[l]);
	for (unsigned int i = 0; i < t->n_peers; i++) {
		bond_hs_free(t->peers[i].hs);
		bond_health_free(t->peers[i].health);
	}
	if (t->dev_open)
		bond_cryptodev_close(&t->dev);
	rte_lpm_free(t->routes);
	rte_free(t);
	gw->tun = NULL;
}
