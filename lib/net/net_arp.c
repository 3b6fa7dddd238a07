/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP packets and the per-lcore neighbour table. Entries live in an array indexed by the
 * rte_hash key position; held packets in one flat ring per entry (queue_len slots), so the
 * table allocates nothing after create.
 */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "net_arp.h"
#include "net_log.h"

RTE_LOG_REGISTER(net_logtype, pepgw.net, INFO);

#define ARP_DEFAULT_RETRIES  3
#define ARP_HASH_MIN_ENTRIES 8  /* rte_hash refuses fewer than one bucket */
#define ETH_MIN_FRAME        60 /* without FCS */

enum arp_state { ARP_FREE = 0, ARP_INCOMPLETE, ARP_REACHABLE, ARP_STATIC };

struct arp_key {
	uint32_t ip;
	uint16_t port;
	uint16_t zero; /* keys are hashed as bytes: no uninitialised padding */
};

struct arp_entry {
	uint32_t ip;
	uint16_t port;
	uint8_t state;
	uint8_t requests; /* ARP requests sent while INCOMPLETE */
	struct rte_ether_addr mac;
	uint16_t q_head, q_count;
	uint64_t deadline_us; /* REACHABLE: expiry; INCOMPLETE: next retry or give-up */
};

/*
 * Direct-mapped front cache: (port, ip) → entry index, checked against the entry itself, so a
 * stale slot (entry deleted or reused) is only a miss. Spares the data path an rte_hash lookup
 * per forwarded packet for the few next hops a gateway talks to.
 */
#define ARP_FRONT_SIZE 256

static inline uint32_t arp_front_slot(uint16_t port, uint32_t ip)
{
	return ((ip ^ ((uint32_t)port << 24)) * 2654435761u) >> 24; /* Knuth: top 8 bits */
}

struct net_arp_table {
	int32_t front[ARP_FRONT_SIZE]; /* entry index or -1 */
	struct rte_hash *hash;
	struct net_arp_params p;
	uint32_t slots; /* entries[] length: the hash's key positions */
	uint32_t count;
	uint32_t cursor; /* where net_arp_tick resumes after a full output array */
	uint32_t gen;    /* net_arp_generation */
	struct arp_entry *e;
	struct rte_mbuf **q; /* slots * queue_len */
};

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The Ethernet/IPv4 ARP body at p (RFC 826 field order). */
static void arp_write(uint8_t *p, uint16_t op, const struct rte_ether_addr *sha, uint32_t spa,
                      const struct rte_ether_addr *tha, uint32_t tpa)
{
	wr16(p, RTE_ARP_HRD_ETHER);
	wr16(p + 2, RTE_ETHER_TYPE_IPV4);
	p[4] = RTE_ETHER_ADDR_LEN;
	p[5] = 4;
	wr16(p + 6, op);
	memcpy(p + 8, sha, RTE_ETHER_ADDR_LEN);
	wr32(p + 14, spa);
	memcpy(p + 18, tha, RTE_ETHER_ADDR_LEN);
	wr32(p + 24, tpa);
}

struct rte_mbuf *net_arp_request(struct rte_mempool *mp, const struct rte_ether_addr *our_mac,
                                 uint32_t our_ip, uint32_t target_ip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p = m ? (uint8_t *)rte_pktmbuf_append(m, ETH_MIN_FRAME) : NULL;
	if (p == NULL) {
		rte_pktmbuf_free(m);
		rte_errno = ENOBUFS;
		return NULL;
	}
	static const struct rte_ether_addr zero;
	memset(p, 0, ETH_MIN_FRAME);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	eth->src_addr = *our_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	/* RFC 826: the target hardware address of a request is unknown; zero it (RFC 5227 2.1.1).
	 */
	arp_write(p + RTE_ETHER_HDR_LEN, RTE_ARP_OP_REQUEST, our_mac, our_ip, &zero, target_ip);
	m->l2_len = RTE_ETHER_HDR_LEN;
	return m;
}

int net_arp_reply_in_place(struct rte_mbuf *m, const struct net_hdrs *h,
                           const struct net_arp_pkt *a, const struct rte_ether_addr *our_mac)
{
	if (a->op != RTE_ARP_OP_REQUEST || (uint32_t)h->l2_len + NET_ARP_LEN > m->data_len)
		return -EINVAL;
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eth->dst_addr = a->sha;
	eth->src_addr = *our_mac;
	arp_write(rte_pktmbuf_mtod_offset(m, uint8_t *, h->l2_len), RTE_ARP_OP_REPLY, our_mac,
	          a->tpa, &a->sha, a->spa);
	return 0;
}

struct net_arp_table *net_arp_create(const char *name, const struct net_arp_params *p)
{
	if (name == NULL || p == NULL || p->size == 0 || p->retry_us == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct net_arp_table *t = rte_zmalloc_socket(name, sizeof(*t), 0, p->socket_id);
	if (t != NULL)
		memset(t->front, 0xff, sizeof(t->front)); /* every slot -1: empty */
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->p = *p;
	if (t->p.max_retries == 0)
		t->p.max_retries = ARP_DEFAULT_RETRIES;
	t->slots = RTE_MAX(p->size, (uint32_t)ARP_HASH_MIN_ENTRIES);
	struct rte_hash_parameters hp = {
	        .name = name,
	        .entries = t->slots,
	        .key_len = sizeof(struct arp_key),
	        .hash_func = rte_jhash,
	        .socket_id = p->socket_id,
	        /* Extendable buckets: the table holds size keys whatever their hashes. */
	        .extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	t->hash = rte_hash_create(&hp);
	if (t->hash == NULL) {
		int err = rte_errno;
		rte_free(t);
		rte_errno = err ? err : ENOMEM;
		return NULL;
	}
	t->e = rte_zmalloc_socket(name, sizeof(*t->e) * t->slots, 0, p->socket_id);
	if (p->queue_len)
		t->q = rte_zmalloc_socket(name, sizeof(*t->q) * t->slots * p->queue_len, 0,
		                          p->socket_id);
	if (t->e == NULL || (p->queue_len && t->q == NULL)) {
		net_arp_free(t);
		rte_errno = ENOMEM;
		return NULL;
	}
	return t;
}

static void queue_release(struct net_arp_table *t, uint32_t idx, struct rte_mbuf **out,
                          unsigned int *n)
{
	struct arp_entry *e = &t->e[idx];
	struct rte_mbuf **q = t->q + (size_t)idx * t->p.queue_len;
	for (; e->q_count; e->q_count--) {
		out[(*n)++] = q[e->q_head];
		q[e->q_head] = NULL;
		e->q_head = (uint16_t)((e->q_head + 1) % t->p.queue_len);
	}
	e->q_head = 0;
}

void net_arp_free(struct net_arp_table *t)
{
	if (t == NULL)
		return;
	if (t->q != NULL) {
		for (size_t i = 0; i < (size_t)t->slots * t->p.queue_len; i++)
			rte_pktmbuf_free(t->q[i]);
	}
	rte_free(t->q);
	rte_free(t->e);
	rte_hash_free(t->hash);
	rte_free(t);
}

static inline struct arp_key make_key(uint16_t port, uint32_t ip)
{
	struct arp_key k = {.ip = ip, .port = port, .zero = 0};
	return k;
}

/* Find or (when create) add the entry of port/ip; index or a negative errno. */
static int32_t entry_get(struct net_arp_table *t, uint16_t port, uint32_t ip, bool create)
{
	struct arp_key k = make_key(port, ip);
	int32_t pos = rte_hash_lookup(t->hash, &k);
	if (pos >= 0 || !create)
		return pos >= 0 ? pos : -ENOENT;
	if (t->count >= t->p.size)
		return -ENOSPC;
	pos = rte_hash_add_key(t->hash, &k);
	if (pos < 0)
		return -ENOSPC;
	if ((uint32_t)pos >= t->slots) { /* cannot happen with this rte_hash; never index past */
		rte_hash_del_key(t->hash, &k);
		return -ENOSPC;
	}
	struct arp_entry *e = &t->e[pos];
	memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->port = port;
	t->count++;
	return pos;
}

static void entry_del(struct net_arp_table *t, uint32_t idx)
{
	struct arp_entry *e = &t->e[idx];
	struct arp_key k = make_key(e->port, e->ip);
	rte_hash_del_key(t->hash, &k);
	e->state = ARP_FREE;
	t->count--;
	t->gen++;
}

static bool mac_usable(const struct rte_ether_addr *mac)
{
	return !rte_is_multicast_ether_addr(mac) && !rte_is_zero_ether_addr(mac);
}

int net_arp_add_static(struct net_arp_table *t, uint16_t port, uint32_t ip,
                       const struct rte_ether_addr *mac, struct rte_mbuf **held, unsigned int cap,
                       unsigned int *n_held)
{
	*n_held = 0;
	if (cap < t->p.queue_len || !mac_usable(mac))
		return -EINVAL;
	int32_t idx = entry_get(t, port, ip, true);
	if (idx < 0)
		return idx;
	struct arp_entry *e = &t->e[idx];
	e->state = ARP_STATIC;
	e->mac = *mac;
	t->gen++;
	queue_release(t, (uint32_t)idx, held, n_held);
	return 0;
}

int net_arp_resolve(struct net_arp_table *t, uint16_t port, uint32_t ip, struct rte_mbuf *m,
                    uint64_t now_us, struct rte_ether_addr *mac, struct net_arp_miss *miss)
{
	uint32_t f = arp_front_slot(port, ip);
	int32_t idx = t->front[f];
	struct arp_entry *e;
	miss->send_request = false;
	miss->dropped = NULL;
	if (likely(idx >= 0)) {
		e = &t->e[idx];
		if (e->ip == ip && e->port == port &&
		    (e->state == ARP_STATIC ||
		     (e->state == ARP_REACHABLE && now_us < e->deadline_us))) {
			*mac = e->mac;
			return NET_ARP_HIT;
		}
	}
	idx = entry_get(t, port, ip, true);
	if (idx < 0)
		return idx;
	t->front[f] = idx;
	e = &t->e[idx];
	switch (e->state) {
	case ARP_STATIC:
		*mac = e->mac;
		return NET_ARP_HIT;
	case ARP_REACHABLE:
		if (now_us < e->deadline_us) {
			*mac = e->mac;
			return NET_ARP_HIT;
		}
		/* Expired but not yet reaped by net_arp_tick: resolve again. */
		/* fallthrough */
	case ARP_FREE:
		e->state = ARP_INCOMPLETE;
		e->requests = 1;
		e->deadline_us = now_us + t->p.retry_us;
		miss->send_request = true;
		break;
	default:
		break;
	}
	if (m == NULL || t->p.queue_len == 0)
		return -ENOENT;
	struct rte_mbuf **q = t->q + (size_t)idx * t->p.queue_len;
	if (e->q_count == t->p.queue_len) {
		/* Keep the newest packets: the oldest are the likeliest to be retransmitted. */
		miss->dropped = q[e->q_head];
		e->q_head = (uint16_t)((e->q_head + 1) % t->p.queue_len);
		e->q_count--;
	}
	q[(e->q_head + e->q_count) % t->p.queue_len] = m;
	e->q_count++;
	return NET_ARP_HELD;
}

/* The front-cache probe: the entry index of a usable (static or unexpired) port/ip, or -1. */
static inline int32_t front_hit(const struct net_arp_table *t, uint16_t port, uint32_t ip,
                                uint64_t now_us)
{
	int32_t idx = t->front[arp_front_slot(port, ip)];
	if (idx < 0)
		return -1;
	const struct arp_entry *e = &t->e[idx];
	if (e->ip == ip && e->port == port &&
	    (e->state == ARP_STATIC || (e->state == ARP_REACHABLE && now_us < e->deadline_us)))
		return idx;
	return -1;
}

int net_arp_lookup(struct net_arp_table *t, uint16_t port, uint32_t ip, uint64_t now_us,
                   struct rte_ether_addr *mac, uint64_t *valid_until_us)
{
	int32_t idx = front_hit(t, port, ip, now_us);
	if (idx < 0) {
		struct arp_key k = make_key(port, ip);
		idx = rte_hash_lookup(t->hash, &k);
		if (idx < 0)
			return -ENOENT;
		const struct arp_entry *e = &t->e[idx];
		if (!(e->state == ARP_STATIC ||
		      (e->state == ARP_REACHABLE && now_us < e->deadline_us)))
			return -ENOENT;
		t->front[arp_front_slot(port, ip)] = idx;
	}
	const struct arp_entry *e = &t->e[idx];
	*mac = e->mac;
	*valid_until_us = e->state == ARP_STATIC ? UINT64_MAX : e->deadline_us;
	return 0;
}

uint32_t net_arp_generation(const struct net_arp_table *t)
{
	return t->gen;
}

int net_arp_learn(struct net_arp_table *t, uint16_t port, uint32_t ip,
                  const struct rte_ether_addr *mac, uint64_t now_us, unsigned int flags,
                  struct rte_mbuf **held, unsigned int cap, unsigned int *n_held)
{
	*n_held = 0;
	if (cap < t->p.queue_len || !mac_usable(mac))
		return -EINVAL;
	int32_t idx = entry_get(t, port, ip, flags & NET_ARP_LEARN_CREATE);
	if (idx < 0)
		return idx;
	struct arp_entry *e = &t->e[idx];
	if (e->state == ARP_STATIC)
		return -EPERM;
	if (e->state != ARP_REACHABLE || !rte_is_same_ether_addr(&e->mac, mac))
		NET_LOG(DEBUG, "port %u: " NET_IPV4_FMT " is at " RTE_ETHER_ADDR_PRT_FMT, port,
		        NET_IPV4_ARGS(ip), RTE_ETHER_ADDR_BYTES(mac));
	e->state = ARP_REACHABLE;
	e->mac = *mac;
	e->requests = 0;
	e->deadline_us = now_us + t->p.lifetime_us;
	t->gen++;
	queue_release(t, (uint32_t)idx, held, n_held);
	return 0;
}

int net_arp_tick(struct net_arp_table *t, uint64_t now_us, struct net_arp_req *req,
                 unsigned int *n_req, struct rte_mbuf **drop, unsigned int *n_drop)
{
	unsigned int cap_req = *n_req, cap_drop = *n_drop;
	unsigned int nr = 0, nd = 0;
	*n_req = 0;
	*n_drop = 0;
	for (uint32_t k = 0; k < t->slots; k++) {
		uint32_t i = (t->cursor + k) % t->slots;
		struct arp_entry *e = &t->e[i];
		if (e->state == ARP_REACHABLE && now_us >= e->deadline_us) {
			entry_del(t, i);
		} else if (e->state == ARP_INCOMPLETE && now_us >= e->deadline_us) {
			if (e->requests >= t->p.max_retries) {
				if (cap_drop - nd < e->q_count) {
					t->cursor = i;
					break;
				}
				NET_LOG(DEBUG,
				        "port %u: " NET_IPV4_FMT " did not answer %u ARP requests",
				        e->port, NET_IPV4_ARGS(e->ip), e->requests);
				queue_release(t, i, drop, &nd);
				entry_del(t, i);
			} else {
				if (nr == cap_req) {
					t->cursor = i;
					break;
				}
				req[nr].port = e->port;
				req[nr].ip = e->ip;
				nr++;
				e->requests++;
				e->deadline_us = now_us + t->p.retry_us;
			}
		}
	}
	*n_req = nr;
	*n_drop = nd;
	return 0;
}

unsigned int net_arp_count(const struct net_arp_table *t)
{
	return t->count;
}
