/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_FLOW_H
#define PEPGW_FLOW_H

/*
 * Flow classification for the data path.
 *
 * - Rules (struct flow_rules): the configured rules compiled for a first-match linear scan.
 *   Built once from the config, read-only afterwards, so every lcore may share one instance.
 * - Tables (struct flow_table): one per worker lcore, never shared, no locks. An open-addressing
 *   index (linear probing, at most half full, backward-shift deletion) maps the key's hash to
 *   an entry of a preallocated array (free stack): no allocation per flow, exactly capacity
 *   entries whatever the hashes.
 * - flow_classify_burst(): looks a burst up, creates the missing entries with the first
 *   matching rule, updates per-entry and per-rule counters and returns per packet the entry (or
 *   NULL when the table is full), the action and the packet's direction.
 *
 * Rules are given as struct flow_rule_params, this library's own (the application converts its
 * configuration into them); the action a rule carries uses this library's enums and lib/frag's
 * fragmentation policy, so that the data path hands it on without translating.
 *
 * Addresses: IPv4 in host byte order, IPv6 as 16 bytes in network order. Ports in host byte
 * order.
 *
 * Non-first IPv4 fragments carry no L4 header. The caller sets FLOW_MATCH_F_FRAG_NONFIRST and
 * zero ports: such a packet is classified by its 3-tuple (addresses, protocol) with ports 0, so
 * it has its own entry, and rules with a port constraint never match it (a rule "dst_ports
 * [0-1023]" must not catch a fragment just because its ports read as 0). The first fragment has
 * its ports and classifies like any packet of its 5-tuple.
 *
 * Rules only carry IPv4 prefixes today: an IPv6 packet never matches a rule that constrains
 * src or dst addresses; the other fields apply unchanged.
 */

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>
#if defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

#include "frag.h"
#include "stat_desc.h"

#define FLOW_FAMILY_IPV4 4
#define FLOW_FAMILY_IPV6 6

/* Bounds of struct flow_rule_params. */
#define FLOW_RULES_MAX            256
#define FLOW_RULE_PREFIXES_MAX    16 /* per address field */
#define FLOW_RULE_PORT_RANGES_MAX 16 /* per port field */
#define FLOW_RULE_DSCP_MAX        64
/* flow_rule_params.protocol: any IP protocol. */
#define FLOW_PROTO_ANY            0xffff
/* flow_rule_params.ingress_port: any port. */
#define FLOW_INGRESS_ANY          (-1)

/* Rule index of packets that match no rule: the "default" rule with the default action. */
#define FLOW_RULE_DEFAULT (-1)

/* Value of flow_entry.conn when no TCP engine connection is attached. */
#define FLOW_CONN_NONE UINT32_MAX

/* Direction of a packet relative to its flow: same as the packet that created the entry. */
#define FLOW_DIR_ORIG  0
/* The opposite direction (the replies). */
#define FLOW_DIR_REPLY 1

union flow_addr {
	uint32_t v4;    /* IPv4, host byte order; the other 12 bytes are zero */
	uint8_t v6[16]; /* IPv6, network byte order */
	uint32_t w[4];
};

/*
 * Flow key: the two endpoints in canonical order (lower (address, port) first), so that both
 * directions of a connection build the same key; flow_key_make() returns which endpoint the
 * packet's source is. One layout for both families, distinguished by the family byte, so an
 * IPv6 key never equals an IPv4 key with the same low bytes.
 *
 * 48 bytes, every unused byte zero: keys compare as six 8-byte words.
 * The hash function reads the family byte and, for IPv4, hashes only the 8-byte header and the
 * two 4-byte addresses (3 CRC32C steps instead of 6), which keeps the IPv4 path as cheap as a
 * dedicated 16-byte IPv4 key would be.
 *
 * ICMP: port[] hold the echo identifier for echo request/reply (types 8/0) on both sides, 0
 * otherwise; the caller fills sport = dport = identifier.
 */
struct flow_key {
	uint8_t family;          /* FLOW_FAMILY_IPV4 or FLOW_FAMILY_IPV6 */
	uint8_t proto;           /* IP protocol number */
	uint16_t port[2];        /* port[i] belongs to addr[i] */
	uint16_t reserved;       /* zero */
	union flow_addr addr[2]; /* addr[0] <= addr[1] in canonical order */
	uint8_t pad[8];          /* zero; rounds the key up to 48 bytes */
};

/* What rule matching needs from a packet. Filled by the parser. */
struct flow_match_input {
	uint8_t family;        /* FLOW_FAMILY_IPV4 or FLOW_FAMILY_IPV6 */
	uint8_t proto;         /* IP protocol number */
	uint8_t dscp;          /* 0..63 (TOS >> 2) */
	uint8_t flags;         /* FLOW_MATCH_F_* */
	uint16_t ingress_port; /* index into the config's ports[] */
	uint16_t sport, dport; /* host order; ICMP echo: identifier in both; else 0 */
	union flow_addr src, dst;
};

/* The packet is an IPv4 fragment with a non-zero offset (no L4 header, ports 0). */
#define FLOW_MATCH_F_FRAG_NONFIRST 0x01

/*
 * flow_pkt_info.flags: what classification may do with a packet's state. A packet the caller
 * may still refuse must leave no state behind: DEFER leaves a missing entry to flow_decide()
 * (called once the packet is accepted), PEEK changes nothing at all.
 */
#define FLOW_PKT_F_DEFER 0x01 /* no entry created for it (out.undecided) */
#define FLOW_PKT_F_PEEK  0x02 /* no entry created or touched, no counter moved */
/* key, sig and side are filled (flow_pkt_key_v4): classification does not build them from m. */
#define FLOW_PKT_F_KEYED 0x04

/* One packet of a burst to classify. */
struct flow_pkt_info {
	struct flow_key key; /* with FLOW_PKT_F_KEYED: the key flow_key_make() builds from m */
	struct flow_match_input m;
	uint32_t bytes; /* counted in entry and rule byte counters (the caller picks L2 or L3) */
	uint32_t sig;   /* with FLOW_PKT_F_KEYED: flow_key_hash(&key, sizeof(key), 0) */
	uint8_t flags;  /* FLOW_PKT_F_* */
	int8_t side; /* with FLOW_PKT_F_KEYED: flow_key_make()'s result (the source's endpoint) */
};

/* What the data path does with a flow's packets. */
enum flow_action_type {
	FLOW_ACTION_FORWARD,
	FLOW_ACTION_DROP,
	FLOW_ACTION_ACCELERATE, /* split TCP: the flow's SYN opens two legs in the TCP engine */
	FLOW_ACTION_TUNNEL,     /* the bonded tunnel to the peer that serves the destination */
	FLOW_ACTION_MAX,        /* the number of actions */
};

/* MSS clamping of the flow's SYN and SYN-ACK. */
enum flow_mss_mode {
	FLOW_MSS_AUTO,  /* to the egress MTU - 40 */
	FLOW_MSS_FIXED, /* to flow_action.mss */
	FLOW_MSS_OFF,   /* leave the option alone */
};

/* Split TCP: when the client gets its SYN-ACK. */
enum flow_handshake {
	FLOW_HANDSHAKE_DEFERRED,  /* once the server accepted: a refused connection is refused */
	FLOW_HANDSHAKE_IMMEDIATE, /* at once, while the server leg opens */
};

/* flow_action.flags */
/*
 * Classification never creates this rule's entries: the caller creates one with flow_decide()
 * when a packet decides what the flow is (split TCP: a valid first segment), so that a packet
 * it refuses leaves no entry.
 */
#define FLOW_ACT_F_DEFER          0x01
#define FLOW_ACT_F_PASS_TCP_FLAGS 0x02 /* forward: TCP segments the flag policy refuses pass */

/* What a flow does, copied from its rule (or the default) into the entry. */
struct flow_action {
	uint8_t action;     /* enum flow_action_type */
	uint8_t mss_mode;   /* enum flow_mss_mode */
	uint16_t mss;       /* with FLOW_MSS_FIXED */
	uint8_t fragment;   /* enum frag_policy (lib/frag) */
	uint8_t handshake;  /* enum flow_handshake */
	int8_t lan_profile; /* accelerate: the caller's TCP profile index, -1 = none */
	int8_t wan_profile;
	uint8_t flags;       /* FLOW_ACT_F_* */
	int8_t bond_profile; /* tunnel: the caller's bond profile index, -1 = the peer's */
};

struct flow_prefix4 {
	uint32_t addr; /* host byte order; bits past len are ignored */
	uint8_t len;   /* 0..32 */
};

struct flow_port_range {
	uint16_t lo, hi; /* inclusive */
};

/* One rule: every field that has values must hold for the packet; an empty list is "any". */
struct flow_rule_params {
	const char *name; /* for messages; may be NULL */
	struct flow_prefix4 src[FLOW_RULE_PREFIXES_MAX];
	uint8_t n_src;
	struct flow_prefix4 dst[FLOW_RULE_PREFIXES_MAX];
	uint8_t n_dst;
	uint16_t protocol; /* IP protocol number, or FLOW_PROTO_ANY */
	struct flow_port_range src_ports[FLOW_RULE_PORT_RANGES_MAX];
	uint8_t n_src_ports;
	struct flow_port_range dst_ports[FLOW_RULE_PORT_RANGES_MAX];
	uint8_t n_dst_ports;
	uint8_t dscp[FLOW_RULE_DSCP_MAX]; /* 0..63 each */
	uint8_t n_dscp;
	int ingress_port; /* the caller's port index, or FLOW_INGRESS_ANY */
	struct flow_action act;
};

/*
 * A flow table entry. The data path reads it and may write conn; the table owns the rest.
 * packets/bytes are indexed by FLOW_DIR_*. The first cache line holds everything a hit reads
 * or writes; the key (needed only to remove the entry) is in the second.
 */
struct flow_entry {
	struct flow_action act;
	int16_t rule;      /* index into the rules, FLOW_RULE_DEFAULT for the default */
	uint8_t orig_side; /* key endpoint (0/1) that sent the creating packet */
	uint8_t in_use;
	uint32_t conn; /* opaque slot for the TCP engine, FLOW_CONN_NONE when unused */
	uint64_t last_seen_us;
	uint64_t packets[2];
	uint64_t bytes[2];
	/* second cache line */
	struct flow_key key;
	uint64_t created_us;
} __attribute__((aligned(64)));

/* Result of classifying one packet. */
struct flow_result {
	struct flow_entry *entry;      /* NULL when the table was full: act still valid */
	const struct flow_action *act; /* the entry's, or the rule's when entry is NULL */
	int16_t rule;                  /* rule index or FLOW_RULE_DEFAULT */
	uint8_t dir;                   /* FLOW_DIR_ORIG or FLOW_DIR_REPLY */
	uint8_t created;               /* 1 when this packet created the entry */
	uint8_t undecided; /* 1: no entry and none created (deferred or peeked): see flow_decide */
};

/*
 * Per-rule counters, one list in the shape of stat_desc.h (keys and help of /pepgw/rules);
 * each lcore owns one array of flow_rules_counter_slots() blocks.
 */
#define FLOW_RULE_COUNTERS(X)                                                                      \
	X(packets, event, "packets the rule matched")                                              \
	X(bytes, event, "bytes of the packets the rule matched (the caller picks L2 or L3)")       \
	X(flows, event, "flow entries the rule created")                                           \
	X(table_full, event, "packets the rule handled without a flow entry: table full")

/* clang-format off: the X-macro list expands to the enumerators */
enum flow_rule_counter {
#define FLOW_RULE_COUNTER_ENUM(name, kind, help) FLOW_RC_##name,
	FLOW_RULE_COUNTERS(FLOW_RULE_COUNTER_ENUM)
#undef FLOW_RULE_COUNTER_ENUM
	        FLOW_RC_MAX
};
/* clang-format on */

struct flow_rule_counters {
	uint64_t c[FLOW_RC_MAX];
};

/* The descriptors of the per-rule counters, indexed by enum flow_rule_counter. */
const struct stat_desc *flow_rule_counter_descs(void);

/* Slot of rule index r (FLOW_RULE_DEFAULT included) in a counters array. */
static inline unsigned int flow_rule_slot(int r)
{
	return (unsigned int)(r + 1);
}

/* ---- keys ---- */

/*
 * Build the canonical key of a packet. Non-first fragments get ports 0 whatever the input says.
 * Returns the key side (0 or 1) of the packet's source, or -EINVAL for an unknown family.
 */
int flow_key_make(struct flow_key *key, const struct flow_match_input *in);

/* The hash of a key (CRC32C; see struct flow_key); init_val 0 in the tables. */
uint32_t flow_key_hash(const void *key, uint32_t key_len, uint32_t init_val);

/* ---- rules ---- */

struct flow_rules;

/*
 * Compile n rules (n <= FLOW_RULES_MAX). Packets matching none get default_action with mss
 * auto, fragment respect_df, a deferred handshake and no profiles.
 * Returns NULL and sets rte_errno: EINVAL (rules NULL with n > 0, n too large, a count field
 * beyond its array, a prefix length > 32, a port range lo > hi, a DSCP > 63, a protocol > 255
 * other than FLOW_PROTO_ANY, a profile index outside -1..127), ENOMEM.
 */
struct flow_rules *flow_rules_create(const struct flow_rule_params *rules, unsigned int n,
                                     enum flow_action_type default_action);

void flow_rules_free(struct flow_rules *r);

/* Number of configured rules (the default not included). */
unsigned int flow_rules_count(const struct flow_rules *r);

/* Elements a per-lcore counters array needs: flow_rules_count() + 1 for the default. */
unsigned int flow_rules_counter_slots(const struct flow_rules *r);

/* Index of the first rule matching in, or FLOW_RULE_DEFAULT. */
int flow_rules_match(const struct flow_rules *r, const struct flow_match_input *in);

/* Action of rule index idx (FLOW_RULE_DEFAULT for the default), or NULL if out of range. */
const struct flow_action *flow_rules_action(const struct flow_rules *r, int idx);

/*
 * Sum per-lcore counter arrays: out[s] = sum over l of per_lcore[l][s] for every slot s of the
 * rules (out has flow_rules_counter_slots() elements). NULL arrays are skipped.
 */
void flow_rule_counters_sum(const struct flow_rules *r,
                            const struct flow_rule_counters *const *per_lcore,
                            unsigned int n_lcores, struct flow_rule_counters *out);

/* ---- tables ---- */

struct flow_table;

/* Called for every entry the aging removes, before its slot is reused (e.g. to free a conn). */
typedef void (*flow_expire_cb)(struct flow_entry *e, void *arg);

struct flow_table_params {
	const char *name;            /* unique per process: add the lcore id; <= 24 chars */
	uint32_t capacity;           /* entries, >= 8 */
	uint32_t tcp_idle_timeout_s; /* TCP flows */
	uint32_t idle_timeout_s;     /* every other protocol */
	int socket_id;               /* NUMA socket, or SOCKET_ID_ANY */
	flow_expire_cb on_expire;    /* may be NULL */
	void *on_expire_arg;
};

/*
 * Create a table (one per lcore; not thread-safe by design). Returns NULL and sets rte_errno:
 * EINVAL (NULL params or name, name too long, capacity < 8), EEXIST (name in use), ENOMEM.
 */
struct flow_table *flow_table_create(const struct flow_table_params *p);

void flow_table_free(struct flow_table *t);

uint32_t flow_table_count(const struct flow_table *t);
uint32_t flow_table_capacity(const struct flow_table *t);

/* Entry of key, or NULL. */
struct flow_entry *flow_table_lookup(struct flow_table *t, const struct flow_key *key);

/*
 * Add an entry for key with rule rule_idx and action act at time now_us; orig_side is the key
 * side of the creating packet. Returns the entry (the existing one if key is present), or NULL
 * with rte_errno ENOSPC when the table is full, EINVAL for bad arguments.
 */
struct flow_entry *flow_table_add(struct flow_table *t, const struct flow_key *key, int rule_idx,
                                  const struct flow_action *act, uint8_t orig_side,
                                  uint64_t now_us);

/* Remove an entry (e.g. the TCP engine closed the connection). Does not call on_expire.
 * Returns 0, or -ENOENT when e is not an entry of t in use. */
int flow_table_remove(struct flow_table *t, struct flow_entry *e);

/* Remove every entry, calling on_expire for each (e.g. after the rules changed). */
void flow_table_flush(struct flow_table *t);

/*
 * Incremental idle aging: examine at most max_scan slots, continuing where the previous call
 * stopped, and remove the entries idle for longer than their protocol's timeout (TCP:
 * tcp_idle_timeout_s, others idle_timeout_s), calling on_expire first. Bounded work per call so
 * the data path never stalls: a full sweep takes capacity / max_scan calls.
 * Returns the number of entries removed.
 */
unsigned int flow_table_age(struct flow_table *t, uint64_t now_us, unsigned int max_scan);

/* ---- the data path ---- */

/*
 * Classify a burst of n packets (any n; looked up 64 at a time): look every key up, create the
 * missing entries with the first matching rule, update last_seen and the per-direction
 * counters of each entry, and add packets/bytes/flows to counters[flow_rule_slot(rule)] (the
 * lcore's array of flow_rules_counter_slots() elements; may be NULL).
 * A packet whose flow has no entry and cannot get one (table full) gets out[i].entry = NULL and
 * its rule's action, counts toward *n_full (may be NULL) and its rule's table_full, and is
 * never failed: the caller counts STAT_flow_table_full and acts by rule. A packet of unknown
 * family gets no entry and its rule's action, and is counted in neither (the parser should not
 * pass one).
 * Packets flagged FLOW_PKT_F_DEFER, and packets of a rule with FLOW_ACT_F_DEFER, whose flow
 * has no entry get none: out[i].entry = NULL, out[i].undecided = 1, their rule's action, and
 * count toward the rule's packets and bytes (flow_decide creates the entry later). A packet
 * flagged FLOW_PKT_F_PEEK is looked up and matched only: out[i] holds the entry if there is
 * one (else undecided), and no entry, counter or time is changed.
 * Returns the number of entries created (STAT_flow_created).
 */
unsigned int flow_classify_burst(struct flow_table *t, const struct flow_rules *r,
                                 const struct flow_pkt_info *pkts, unsigned int n, uint64_t now_us,
                                 struct flow_result *out, struct flow_rule_counters *counters,
                                 unsigned int *n_full);

/*
 * The entry of an undecided packet (res from flow_classify_burst with res->undecided), once
 * the caller accepted it: found if another packet created it since, else created with the
 * packet's rule and its sender as the original side. The packet is counted in the entry
 * (and, unless it was peeked, in nothing else twice: classification counted its rule's
 * packets and bytes; a created entry adds to the rule's flows). res is updated as
 * classification would have filled it (entry, act, dir, created; undecided 0).
 * Returns the entry, or NULL with rte_errno: ENOSPC (table full: counted in the rule's
 * table_full, res left undecided; act by rule as for a full table), EINVAL (res not
 * undecided, or a packet of unknown family).
 */
struct flow_entry *flow_decide(struct flow_table *t, const struct flow_pkt_info *p,
                               struct flow_result *res, struct flow_rule_counters *counters,
                               uint64_t now_us);

/* ---- keys built where the packet is parsed ---- */

/*
 * CRC32C steps of flow_key_hash. With SSE4.2 known at compile time (the DPDK flags give
 * -march=corei7) the instruction is used directly; rte_hash_crc_* would first load and test
 * its run-time algorithm choice on every call. Both compute the same CRC32C.
 */
static inline uint32_t flow_crc8(uint64_t v, uint32_t init)
{
#if defined(__SSE4_2__)
	return (uint32_t)_mm_crc32_u64(init, v);
#else
	return rte_hash_crc_8byte(v, init);
#endif
}

static inline uint32_t flow_crc4(uint32_t v, uint32_t init)
{
#if defined(__SSE4_2__)
	return _mm_crc32_u32(init, v);
#else
	return rte_hash_crc_4byte(v, init);
#endif
}

/* flow_key_hash of an IPv4 key: its first 8 bytes and the two addresses (the rest is zero). */
static inline uint32_t flow_key_hash_v4(uint64_t head, uint32_t a0, uint32_t a1, uint32_t init)
{
	return flow_crc4(a1, flow_crc4(a0, flow_crc8(head, init)));
}

/* An IPv4 endpoint as one comparable number (the canonical order of struct flow_key). */
static inline uint64_t flow_endpoint4(uint32_t addr, uint16_t port)
{
	return ((uint64_t)addr << 16) | port;
}

/*
 * flow_key_make() and flow_key_hash() of an IPv4 packet, from its fields (host order; ports 0
 * for a non-first fragment, the ICMP echo identifier in both for echo): fills *key and *sig and
 * returns the side (0 or 1) of the source. Inline, so a parser that holds the fields in
 * registers builds the key without a copy of them in between.
 */
static inline int flow_key_make_v4(struct flow_key *key, uint8_t proto, uint32_t src, uint32_t dst,
                                   uint16_t sport, uint16_t dport, uint32_t *sig)
{
	int side = flow_endpoint4(src, sport) > flow_endpoint4(dst, dport);
	uint32_t a0 = side ? dst : src, a1 = side ? src : dst;
	uint16_t p0 = side ? dport : sport, p1 = side ? sport : dport;
	/* family, proto, port[0], port[1], reserved: the key's first 8 bytes. */
	uint64_t head;
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	head = (uint64_t)FLOW_FAMILY_IPV4 | (uint64_t)proto << 8 | (uint64_t)p0 << 16 |
	       (uint64_t)p1 << 32;
#else
	head = (uint64_t)FLOW_FAMILY_IPV4 << 56 | (uint64_t)proto << 48 | (uint64_t)p0 << 32 |
	       (uint64_t)p1 << 16;
#endif
	uint64_t w[6] = {head, a0, 0, a1, 0, 0};
#if RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN
	/* addr[i].v4 is the union's first 4 bytes: the high half of a big-endian word. */
	w[1] = (uint64_t)a0 << 32;
	w[3] = (uint64_t)a1 << 32;
#endif
	_Static_assert(sizeof(w) == sizeof(*key), "flow_key is six 8-byte words");
	memcpy(key, w, sizeof(w));
	*sig = flow_key_hash_v4(head, a0, a1, 0);
	return side;
}

/*
 * Give p (whose m the caller filled for an IPv4 packet) its key, hash and side from the same
 * fields, and mark it FLOW_PKT_F_KEYED.
 */
static inline void flow_pkt_key_v4(struct flow_pkt_info *p, uint8_t proto, uint32_t src,
                                   uint32_t dst, uint16_t sport, uint16_t dport)
{
	p->side = (int8_t)flow_key_make_v4(&p->key, proto, src, dst, sport, dport, &p->sig);
	p->flags |= FLOW_PKT_F_KEYED;
}

#endif
