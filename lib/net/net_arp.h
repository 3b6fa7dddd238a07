/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_NET_ARP_H
#define PEPGW_NET_ARP_H

/*
 * ARP (RFC 826) for Ethernet/IPv4, and the neighbour table of one lcore: next hops resolved
 * to MACs, packets held while a next hop is being resolved, retries, aging, static entries.
 * The table is per lcore and not thread-safe. Addresses are host byte order.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "net.h"

/* ARP body fields (Ethernet/IPv4 only), addresses host order. */
struct net_arp_pkt {
	uint16_t op; /* RTE_ARP_OP_REQUEST or RTE_ARP_OP_REPLY */
	struct rte_ether_addr sha, tha;
	uint32_t spa, tpa;
};

/*
 * Parse the ARP body at arp (len bytes, the frame after the Ethernet/VLAN header).
 * Returns 0, or STAT_drop_arp_bad when len < 28, htype != 1, ptype != 0x0800, hlen != 6,
 * plen != 4, op not request/reply, or the sender MAC is multicast/broadcast.
 */
int net_arp_parse(const uint8_t *arp, uint32_t len, struct net_arp_pkt *a);

/* True for a gratuitous ARP (sender and target protocol address equal, RFC 5227 3). */
static inline bool net_arp_is_gratuitous(const struct net_arp_pkt *a)
{
	return a->spa == a->tpa;
}

/*
 * A broadcast ARP request "who has target_ip tell our_ip" in a new mbuf from mp (60 bytes:
 * padded to the Ethernet minimum). Returns NULL with rte_errno ENOBUFS when mp is empty.
 */
struct rte_mbuf *net_arp_request(struct rte_mempool *mp, const struct rte_ether_addr *our_mac,
                                 uint32_t our_ip, uint32_t target_ip);

/*
 * Turn the ARP request in m (parsed: h from net_parse_mbuf, a from net_arp_parse) into the
 * reply "target is at our_mac", in place: Ethernet destination = requester, source = our_mac,
 * VLAN tag kept. The caller has checked that a->tpa is one of our addresses.
 * Returns 0, or -EINVAL when a is not a request or the body is not in m's first segment.
 */
int net_arp_reply_in_place(struct rte_mbuf *m, const struct net_hdrs *h,
                           const struct net_arp_pkt *a, const struct rte_ether_addr *our_mac);

struct net_arp_params {
	uint32_t size;        /* entries (static + dynamic + unresolved); > 0 */
	uint64_t lifetime_us; /* a learned entry expires this long after its last update */
	uint64_t retry_us;    /* between ARP requests for an unresolved next hop; > 0 */
	uint16_t max_retries; /* requests sent before giving up (the first counts); 0 = 3 */
	uint16_t queue_len;   /* packets held per unresolved next hop; 0 = hold none */
	int socket_id;
};

struct net_arp_table;

/*
 * Create a table; name must be unique in the process (it names the rte_hash).
 * Returns NULL with rte_errno EINVAL (bad params), ENOMEM, EEXIST.
 */
struct net_arp_table *net_arp_create(const char *name, const struct net_arp_params *p);

/* Free the table and every mbuf it still holds. NULL is fine. */
void net_arp_free(struct net_arp_table *t);

/*
 * Add or replace a static entry (never ages, never overwritten by learning). Packets held for
 * that next hop are returned in held[] (*n_held set) for the caller to send.
 * Returns 0, -ENOSPC (table full), -EINVAL (cap < queue_len, or mac is multicast/zero).
 */
int net_arp_add_static(struct net_arp_table *t, uint16_t port, uint32_t ip,
                       const struct rte_ether_addr *mac, struct rte_mbuf **held, unsigned int cap,
                       unsigned int *n_held);

/* What net_arp_resolve says besides its return value. */
struct net_arp_miss {
	bool send_request;        /* send an ARP request for ip on port now */
	struct rte_mbuf *dropped; /* oldest held packet pushed out (free it, count
	                             STAT_drop_arp_queue_full), or NULL */
};

#define NET_ARP_HIT  0 /* mac filled; m untouched, send it */
#define NET_ARP_HELD 1 /* m is held by the table until resolution or give-up */

/*
 * Next hop ip on port at now_us. On a hit returns NET_ARP_HIT with *mac. On a miss, creates
 * an unresolved entry if needed and, when m is not NULL and queue_len > 0, holds m (the oldest
 * held packet is pushed out when the queue is full) and returns NET_ARP_HELD; miss says
 * whether to send a request now (first miss; later requests come from net_arp_tick).
 * miss is filled on every return (a first miss with m NULL still asks for a request).
 * Negative returns leave m to the caller, who drops it (STAT_drop_arp_unresolved for -ENOENT,
 * STAT_drop_arp_table_full for -ENOSPC):
 *   -ENOENT miss and m is NULL or nothing can be held (queue_len 0)
 *   -ENOSPC no free entry
 */
int net_arp_resolve(struct net_arp_table *t, uint16_t port, uint32_t ip, struct rte_mbuf *m,
                    uint64_t now_us, struct rte_ether_addr *mac, struct net_arp_miss *miss);

/*
 * Look up a resolved next hop without changing anything (no entry is created, no packet
 * held): 0 with *mac and *valid_until_us (the entry's expiry, UINT64_MAX for a static entry)
 * when ip on port is reachable at now_us, else -ENOENT (use net_arp_resolve).
 * A caller may keep the answer until valid_until_us as long as net_arp_generation() has not
 * changed (a per-lcore next-hop cache in front of the table).
 */
int net_arp_lookup(struct net_arp_table *t, uint16_t port, uint32_t ip, uint64_t now_us,
                   struct rte_ether_addr *mac, uint64_t *valid_until_us);

/*
 * Changes whenever an entry's MAC, state or lifetime may have changed (learn, static add,
 * removal): answers of net_arp_lookup taken under another generation are stale.
 */
uint32_t net_arp_generation(const struct net_arp_table *t);

/* Flags of net_arp_learn. */
#define NET_ARP_LEARN_CREATE 0x1 /* create the entry if missing (the ARP was for us) */

/*
 * An ARP packet told that ip on port is at mac (RFC 826 merge). The entry is updated and its
 * lifetime restarted if it exists (gratuitous ARP: pass flags 0, existing entries only);
 * created only with NET_ARP_LEARN_CREATE. Static entries are left alone. Packets held for the
 * next hop are moved to held[] (*n_held set), the caller writes the MAC and sends them.
 * Returns 0, -ENOENT (no entry and no CREATE), -EPERM (static entry), -ENOSPC, -EINVAL
 * (cap < queue_len, or mac is multicast/zero).
 */
int net_arp_learn(struct net_arp_table *t, uint16_t port, uint32_t ip,
                  const struct rte_ether_addr *mac, uint64_t now_us, unsigned int flags,
                  struct rte_mbuf **held, unsigned int cap, unsigned int *n_held);

/* A request net_arp_tick asks the caller to send. */
struct net_arp_req {
	uint16_t port;
	uint32_t ip;
};

/*
 * Timers, call every few milliseconds (cost is linear in size): retries for unresolved next
 * hops (requests to send go to req[], at most *n_req in, count out), give-up retry_us after
 * the last of max_retries requests (the entry is removed, its held packets released to drop[],
 * at most *n_drop in, count out: free them and count STAT_drop_arp_timeout; the next
 * packet starts over), expiry of learned entries. When an output array fills, the
 * rest waits for the next call. Returns 0 or -EINVAL.
 */
int net_arp_tick(struct net_arp_table *t, uint64_t now_us, struct net_arp_req *req,
                 unsigned int *n_req, struct rte_mbuf **drop, unsigned int *n_drop);

/* Number of entries in use (all states). */
unsigned int net_arp_count(const struct net_arp_table *t);

#endif
