/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "flow.h"
#include "flow_private.h"

/* Fields a rule constrains; a rule only tests the fields whose bit is set. */
#define NEED_PROTO   0x01
#define NEED_INGRESS 0x02
#define NEED_DSCP    0x04
#define NEED_SRC     0x08
#define NEED_DST     0x10
#define NEED_SPORT   0x20
#define NEED_DPORT   0x40
#define NEED_ADDR    (NEED_SRC | NEED_DST)
#define NEED_PORTS   (NEED_SPORT | NEED_DPORT)

#define DSCP_MAX  63
#define PROTO_MAX 255

/* Pre-masked IPv4 prefix: a packet address a matches when (a & mask) == addr. */
struct prefix4 {
	uint32_t addr;
	uint32_t mask;
};

/*
 * Hot part of a rule, scanned for every new flow: 16 bytes, four rules per cache line, so the
 * rules that fail on protocol, ingress port or DSCP cost one compare each. The lists live in
 * struct rule_lists, touched only by the rules that get that far.
 */
struct rule_hot {
	uint8_t need;
	uint8_t proto;
	uint16_t ingress;
	uint8_t n_src, n_dst, n_sport, n_dport;
	uint64_t dscp_mask; /* bit d set: DSCP d matches */
};

struct rule_lists {
	struct prefix4 src[FLOW_RULE_PREFIXES_MAX];
	struct prefix4 dst[FLOW_RULE_PREFIXES_MAX];
	struct flow_port_range sport[FLOW_RULE_PORT_RANGES_MAX];
	struct flow_port_range dport[FLOW_RULE_PORT_RANGES_MAX];
};

struct flow_rules {
	unsigned int n;
	struct rule_hot *hot;
	struct rule_lists *lists;
	/* act[0] is the default, act[i + 1] rule i: the same indexing as the counters. */
	struct flow_action *act;
};

static uint32_t prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static int compile_prefixes(struct prefix4 *out, const struct flow_prefix4 *in, uint8_t n)
{
	if (n > FLOW_RULE_PREFIXES_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		if (in[i].len > 32)
			return -EINVAL;
		out[i].mask = prefix_mask(in[i].len);
		out[i].addr = in[i].addr & out[i].mask;
	}
	return 0;
}

static int check_ranges(const struct flow_port_range *pr, uint8_t n)
{
	if (n > FLOW_RULE_PORT_RANGES_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (pr[i].lo > pr[i].hi)
			return -EINVAL;
	return 0;
}

static int check_action(const struct flow_action *a)
{
	if (a->action >= FLOW_ACTION_MAX || a->mss_mode > FLOW_MSS_OFF ||
	    a->fragment > FRAG_POLICY_OUTER || a->handshake > FLOW_HANDSHAKE_IMMEDIATE ||
	    a->lan_profile < -1 || a->wan_profile < -1 || a->bond_profile < -1)
		return -EINVAL;
	return 0;
}

static int compile_rule(struct rule_hot *h, struct rule_lists *l, struct flow_action *a,
                        const struct flow_rule_params *c)
{
	memset(h, 0, sizeof(*h));
	if (c->protocol != FLOW_PROTO_ANY) {
		if (c->protocol > PROTO_MAX)
			return -EINVAL;
		h->need |= NEED_PROTO;
		h->proto = (uint8_t)c->protocol;
	}
	if (c->ingress_port >= 0) {
		if (c->ingress_port > UINT16_MAX)
			return -EINVAL;
		h->need |= NEED_INGRESS;
		h->ingress = (uint16_t)c->ingress_port;
	}
	if (c->n_dscp > FLOW_RULE_DSCP_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < c->n_dscp; i++) {
		if (c->dscp[i] > DSCP_MAX)
			return -EINVAL;
		h->dscp_mask |= UINT64_C(1) << c->dscp[i];
		h->need |= NEED_DSCP;
	}
	if (compile_prefixes(l->src, c->src, c->n_src) ||
	    compile_prefixes(l->dst, c->dst, c->n_dst))
		return -EINVAL;
	if (check_ranges(c->src_ports, c->n_src_ports) ||
	    check_ranges(c->dst_ports, c->n_dst_ports))
		return -EINVAL;
	memcpy(l->sport, c->src_ports, c->n_src_ports * sizeof(l->sport[0]));
	memcpy(l->dport, c->dst_ports, c->n_dst_ports * sizeof(l->dport[0]));
	h->n_src = c->n_src;
	h->n_dst = c->n_dst;
	h->n_sport = c->n_src_ports;
	h->n_dport = c->n_dst_ports;
	h->need |= (c->n_src ? NEED_SRC : 0) | (c->n_dst ? NEED_DST : 0) |
	           (c->n_src_ports ? NEED_SPORT : 0) | (c->n_dst_ports ? NEED_DPORT : 0);
	if (check_action(&c->act) < 0)
		return -EINVAL;
	*a = c->act;
	return 0;
}

struct flow_rules *flow_rules_create(const struct flow_rule_params *rules, unsigned int n,
                                     enum flow_action_type default_action)
{
	struct flow_rules *r;

	if ((rules == NULL && n > 0) || n > FLOW_RULES_MAX || default_action >= FLOW_ACTION_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	r = rte_zmalloc("flow_rules", sizeof(*r), 0);
	if (r == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	r->n = n;
	/* One spare element each so that n == 0 still allocates. */
	r->hot = rte_zmalloc("flow_rules_hot", (n + 1) * sizeof(r->hot[0]), RTE_CACHE_LINE_SIZE);
	r->lists =
	        rte_zmalloc("flow_rules_lists", (n + 1) * sizeof(r->lists[0]), RTE_CACHE_LINE_SIZE);
	r->act = rte_zmalloc("flow_rules_act", (n + 1) * sizeof(r->act[0]), RTE_CACHE_LINE_SIZE);
	if (r->hot == NULL || r->lists == NULL || r->act == NULL) {
		flow_rules_free(r);
		rte_errno = ENOMEM;
		return NULL;
	}
	r->act[0] = (struct flow_action){
	        .action = (uint8_t)default_action,
	        .mss_mode = FLOW_MSS_AUTO,
	        .fragment = FRAG_POLICY_RESPECT_DF,
	        .handshake = FLOW_HANDSHAKE_DEFERRED,
	        .lan_profile = -1,
	        .wan_profile = -1,
	        .bond_profile = -1,
	};
	for (unsigned int i = 0; i < n; i++) {
		if (compile_rule(&r->hot[i], &r->lists[i], &r->act[i + 1], &rules[i]) < 0) {
			FLOW_LOG(ERR, "rule %u (%s): invalid field", i,
			         rules[i].name != NULL ? rules[i].name : "unnamed");
			flow_rules_free(r);
			rte_errno = EINVAL;
			return NULL;
		}
	}
	return r;
}

void flow_rules_free(struct flow_rules *r)
{
	if (r == NULL)
		return;
	rte_free(r->hot);
	rte_free(r->lists);
	rte_free(r->act);
	rte_free(r);
}

unsigned int flow_rules_count(const struct flow_rules *r)
{
	return r->n;
}

unsigned int flow_rules_counter_slots(const struct flow_rules *r)
{
	return r->n + 1;
}

const struct flow_action *flow_rules_action(const struct flow_rules *r, int idx)
{
	if (idx < FLOW_RULE_DEFAULT || idx >= (int)r->n)
		return NULL;
	return &r->act[flow_rule_slot(idx)];
}

static inline int prefix_any(const struct prefix4 *p, unsigned int n, uint32_t a)
{
	for (unsigned int i = 0; i < n; i++)
		if ((a & p[i].mask) == p[i].addr)
			return 1;
	return 0;
}

static inline int range_any(const struct flow_port_range *pr, unsigned int n, uint16_t port)
{
	for (unsigned int i = 0; i < n; i++)
		if (port >= pr[i].lo && port <= pr[i].hi)
			return 1;
	return 0;
}

int flow_rules_match(const struct flow_rules *r, const struct flow_match_input *in)
{
	/* Fields this packet cannot satisfy whatever their values: skip those rules at once. */
	uint8_t never = 0;

	if (in->flags & FLOW_MATCH_F_FRAG_NONFIRST)
		never |= NEED_PORTS;
	if (in->family != FLOW_FAMILY_IPV4)
		never |= NEED_ADDR; /* rules carry IPv4 prefixes only */

	for (unsigned int i = 0; i < r->n; i++) {
		const struct rule_hot *h = &r->hot[i];
		const struct rule_lists *l;

		if (h->need & never)
			continue;
		if ((h->need & NEED_PROTO) && h->proto != in->proto)
			continue;
		if ((h->need & NEED_INGRESS) && h->ingress != in->ingress_port)
			continue;
		if ((h->need & NEED_DSCP) && !((h->dscp_mask >> (in->dscp & DSCP_MAX)) & 1))
			continue;
		if (!(h->need & (NEED_ADDR | NEED_PORTS)))
			return (int)i;
		l = &r->lists[i];
		if ((h->need & NEED_SRC) && !prefix_any(l->src, h->n_src, in->src.v4))
			continue;
		if ((h->need & NEED_DST) && !prefix_any(l->dst, h->n_dst, in->dst.v4))
			continue;
		if ((h->need & NEED_SPORT) && !range_any(l->sport, h->n_sport, in->sport))
			continue;
		if ((h->need & NEED_DPORT) && !range_any(l->dport, h->n_dport, in->dport))
			continue;
		return (int)i;
	}
	return FLOW_RULE_DEFAULT;
}

static const struct stat_desc rule_counter_descs[FLOW_RC_MAX] = {FLOW_RULE_COUNTERS(STAT_DESC)};

const struct stat_desc *flow_rule_counter_descs(void)
{
	return rule_counter_descs;
}

void flow_rule_counters_sum(const struct flow_rules *r,
                            const struct flow_rule_counters *const *per_lcore,
                            unsigned int n_lcores, struct flow_rule_counters *out)
{
	unsigned int slots = flow_rules_counter_slots(r);

	memset(out, 0, slots * sizeof(out[0]));
	for (unsigned int l = 0; l < n_lcores; l++) {
		if (per_lcore[l] == NULL)
			continue;
		for (unsigned int s = 0; s < slots; s++)
			for (unsigned int k = 0; k < FLOW_RC_MAX; k++)
				out[s].c[k] += per_lcore[l][s].c[k];
	}
}
