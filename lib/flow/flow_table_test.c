/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_errno.h>
#include <rte_memory.h>

#include "flow.h"
#include "test_eal.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define SEC             UINT64_C(1000000)
#define TCP             6
#define UDP             17

static unsigned int table_seq;

static struct flow_table *make_table(uint32_t capacity, flow_expire_cb cb, void *arg)
{
	char name[24];
	struct flow_table_params p = {
	        .name = name,
	        .capacity = capacity,
	        .tcp_idle_timeout_s = 300,
	        .idle_timeout_s = 60,
	        .socket_id = SOCKET_ID_ANY,
	        .on_expire = cb,
	        .on_expire_arg = arg,
	};

	snprintf(name, sizeof(name), "t%u", table_seq++);
	struct flow_table *t = flow_table_create(&p);
	assert_non_null(t);
	return t;
}

static struct flow_pkt_info pk(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                               uint8_t proto, uint32_t bytes)
{
	struct flow_pkt_info p;
	memset(&p, 0, sizeof(p));
	p.m.family = FLOW_FAMILY_IPV4;
	p.m.proto = proto;
	p.m.src.v4 = src;
	p.m.dst.v4 = dst;
	p.m.sport = sport;
	p.m.dport = dport;
	p.bytes = bytes;
	return p;
}

static struct flow_pkt_info rev(struct flow_pkt_info p, uint32_t bytes)
{
	struct flow_pkt_info r = p;
	r.m.src = p.m.dst;
	r.m.dst = p.m.src;
	r.m.sport = p.m.dport;
	r.m.dport = p.m.sport;
	r.bytes = bytes;
	return r;
}

/* rule 0: udp -> drop; rule 1: tcp/80 -> forward, mss 1300; default forward */
static struct flow_rules *make_rules(void)
{
	struct flow_rule_params c[2];
	memset(c, 0, sizeof(c));
	for (int i = 0; i < 2; i++) {
		c[i].protocol = FLOW_PROTO_ANY;
		c[i].ingress_port = -1;
		c[i].act.lan_profile = c[i].act.wan_profile = -1;
	}
	c[0].protocol = UDP;
	c[0].act.action = FLOW_ACTION_DROP;
	c[1].protocol = TCP;
	c[1].n_dst_ports = 1;
	c[1].dst_ports[0] = (struct flow_port_range){80, 80};
	c[1].act.action = FLOW_ACTION_FORWARD;
	c[1].act.mss_mode = FLOW_MSS_FIXED;
	c[1].act.mss = 1300;
	struct flow_rules *r = flow_rules_create(c, 2, FLOW_ACTION_FORWARD);
	assert_non_null(r);
	return r;
}

static void add_lookup_remove(void **state)
{
	struct flow_table *t = make_table(64, NULL, NULL);
	struct flow_pkt_info p = pk(IP4(10, 0, 0, 1), 1000, IP4(10, 0, 0, 2), 80, TCP, 60);
	struct flow_action act = {
	        .action = FLOW_ACTION_FORWARD, .lan_profile = -1, .wan_profile = -1};
	struct flow_key k;
	int side = flow_key_make(&k, &p.m);

	assert_null(flow_table_lookup(t, &k));
	struct flow_entry *e = flow_table_add(t, &k, 3, &act, (uint8_t)side, 5);
	assert_non_null(e);
	assert_int_equal(flow_table_count(t), 1);
	assert_ptr_equal(flow_table_lookup(t, &k), e);
	assert_int_equal(e->rule, 3);
	assert_int_equal(e->conn, FLOW_CONN_NONE);
	assert_int_equal(e->created_us, 5);
	/* adding again returns the same entry, count unchanged */
	assert_ptr_equal(flow_table_add(t, &k, 3, &act, (uint8_t)side, 6), e);
	assert_int_equal(flow_table_count(t), 1);
	assert_int_equal(flow_table_remove(t, e), 0);
	assert_int_equal(flow_table_count(t), 0);
	assert_null(flow_table_lookup(t, &k));
	assert_int_equal(flow_table_remove(t, e), -ENOENT);
	flow_table_free(t);
}

/*
 * Churn against a model: random adds and removes on a small table (long probe runs, every
 * wrap-around of the slot array, deletions in the middle of runs) never lose or invent a flow,
 * and the burst path finds exactly what the model holds.
 */
static void churn_matches_model(void **state)
{
	enum { CAP = 64, KEYS = 200 };
	struct flow_table *t = make_table(CAP, NULL, NULL);
	struct flow_action act = {
	        .action = FLOW_ACTION_FORWARD, .lan_profile = -1, .wan_profile = -1};
	struct flow_key k[KEYS];
	struct flow_entry *model[KEYS] = {NULL};
	unsigned int present = 0;
	uint32_t seed = 99;
	for (unsigned int i = 0; i < KEYS; i++) {
		struct flow_pkt_info p = pk(IP4(10, 0, i >> 8, i & 0xff), (uint16_t)(1000 + i),
		                            IP4(10, 9, 0, 1), 80, (i & 1) ? TCP : UDP, 60);
		flow_key_make(&k[i], &p.m);
	}
	for (unsigned int step = 0; step < 20000; step++) {
		seed = seed * 1103515245u + 12345u;
		unsigned int i = (seed >> 8) % KEYS;
		if (model[i] == NULL && present < CAP && (seed & 1)) {
			model[i] = flow_table_add(t, &k[i], 0, &act, 0, step);
			assert_non_null(model[i]);
			present++;
		} else if (model[i] != NULL && !(seed & 1)) {
			assert_int_equal(flow_table_remove(t, model[i]), 0);
			model[i] = NULL;
			present--;
		} else if (model[i] == NULL && present == CAP) {
			assert_null(flow_table_add(t, &k[i], 0, &act, 0, step));
			assert_int_equal(rte_errno, ENOSPC);
		}
		if (step % 97 == 0) {
			for (unsigned int j = 0; j < KEYS; j++)
				assert_ptr_equal(flow_table_lookup(t, &k[j]), model[j]);
			assert_int_equal(flow_table_count(t), present);
		}
	}
	/* The burst lookup agrees with the model (no creation: every present key hits). */
	struct flow_pkt_info burst[KEYS];
	struct flow_result res[KEYS];
	unsigned int nb = 0;
	for (unsigned int i = 0; i < KEYS; i++)
		if (model[i] != NULL)
			burst[nb++] = pk(IP4(10, 0, i >> 8, i & 0xff), (uint16_t)(1000 + i),
			                 IP4(10, 9, 0, 1), 80, (i & 1) ? TCP : UDP, 60);
	assert_int_equal(flow_classify_burst(t, NULL, burst, nb, 1, res, NULL, NULL), 0);
	for (unsigned int i = 0, b = 0; i < KEYS; i++)
		if (model[i] != NULL)
			assert_ptr_equal(res[b++].entry, model[i]);
	flow_table_free(t);
}

static void classify_creates_then_hits_both_directions(void **state)
{
	struct flow_table *t = make_table(1024, NULL, NULL);
	struct flow_rules *r = make_rules();
	struct flow_rule_counters rc[3];
	struct flow_result out[4];
	unsigned int full = 99;

	memset(rc, 0, sizeof(rc));
	/* The client is the higher endpoint so that ORIG differs from key side 0. */
	struct flow_pkt_info syn = pk(IP4(10, 0, 0, 9), 40000, IP4(10, 0, 0, 2), 80, TCP, 60);
	struct flow_pkt_info burst[4] = {syn, rev(syn, 1500), syn, rev(syn, 1500)};

	assert_int_equal(flow_classify_burst(t, r, burst, 1, 100, out, rc, &full), 1);
	assert_int_equal(full, 0);
	assert_non_null(out[0].entry);
	assert_int_equal(out[0].created, 1);
	assert_int_equal(out[0].dir, FLOW_DIR_ORIG);
	assert_int_equal(out[0].rule, 1);
	assert_int_equal(out[0].act->mss, 1300);
	struct flow_entry *e = out[0].entry;

	assert_int_equal(flow_classify_burst(t, r, &burst[1], 3, 200, out, rc, &full), 0);
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(out[i].entry, e);
		assert_int_equal(out[i].created, 0);
		assert_int_equal(out[i].rule, 1);
	}
	assert_int_equal(out[0].dir, FLOW_DIR_REPLY);
	assert_int_equal(out[1].dir, FLOW_DIR_ORIG);
	assert_int_equal(out[2].dir, FLOW_DIR_REPLY);
	assert_int_equal(e->packets[FLOW_DIR_ORIG], 2);
	assert_int_equal(e->packets[FLOW_DIR_REPLY], 2);
	assert_int_equal(e->bytes[FLOW_DIR_ORIG], 120);
	assert_int_equal(e->bytes[FLOW_DIR_REPLY], 3000);
	assert_int_equal(e->last_seen_us, 200);
	assert_int_equal(e->created_us, 100);
	assert_int_equal(rc[flow_rule_slot(1)].c[FLOW_RC_packets], 4);
	assert_int_equal(rc[flow_rule_slot(1)].c[FLOW_RC_bytes], 3120);
	assert_int_equal(rc[flow_rule_slot(1)].c[FLOW_RC_flows], 1);
	assert_int_equal(rc[flow_rule_slot(FLOW_RULE_DEFAULT)].c[FLOW_RC_packets], 0);
	assert_int_equal(flow_table_count(t), 1);
	flow_rules_free(r);
	flow_table_free(t);
}

/* A burst larger than one bulk lookup, with new flows repeated inside the burst. */
static void bulk_burst_with_duplicates(void **state)
{
	enum { N = 100, FLOWS = 40 };
	struct flow_table *t = make_table(1024, NULL, NULL);
	struct flow_rules *r = make_rules();
	struct flow_rule_counters rc[3];
	struct flow_pkt_info b[N];
	struct flow_result out[N];

	memset(rc, 0, sizeof(rc));
	for (int i = 0; i < N; i++)
		b[i] = pk(IP4(10, 0, 1, i % FLOWS), 5000, IP4(10, 0, 2, 1), 53, UDP, 100);
	assert_int_equal(flow_classify_burst(t, r, b, N, 1, out, rc, NULL), FLOWS);
	assert_int_equal(flow_table_count(t), FLOWS);
	for (int i = 0; i < N; i++) {
		assert_non_null(out[i].entry);
		assert_ptr_equal(out[i].entry, out[i % FLOWS].entry);
		assert_int_equal(out[i].created, i < FLOWS);
		assert_int_equal(out[i].rule, 0);
		assert_int_equal(out[i].act->action, FLOW_ACTION_DROP);
	}
	assert_int_equal(out[5].entry->packets[FLOW_DIR_ORIG], 3); /* 5, 45, 85 */
	assert_int_equal(rc[flow_rule_slot(0)].c[FLOW_RC_flows], FLOWS);
	assert_int_equal(rc[flow_rule_slot(0)].c[FLOW_RC_packets], N);
	flow_rules_free(r);
	flow_table_free(t);
}

static void default_rule_counts(void **state)
{
	struct flow_table *t = make_table(64, NULL, NULL);
	struct flow_rules *r = make_rules();
	struct flow_rule_counters rc[3];
	struct flow_result out[1];
	struct flow_pkt_info p = pk(IP4(10, 0, 0, 1), 7, IP4(10, 0, 0, 2), 7, 1, 84);

	memset(rc, 0, sizeof(rc));
	flow_classify_burst(t, r, &p, 1, 1, out, rc, NULL);
	assert_int_equal(out[0].rule, FLOW_RULE_DEFAULT);
	assert_int_equal(out[0].act->action, FLOW_ACTION_FORWARD);
	assert_int_equal(rc[flow_rule_slot(FLOW_RULE_DEFAULT)].c[FLOW_RC_packets], 1);
	assert_int_equal(rc[flow_rule_slot(FLOW_RULE_DEFAULT)].c[FLOW_RC_flows], 1);
	flow_rules_free(r);
	flow_table_free(t);
}

static unsigned int n_expired_cb;

static void count_expire(struct flow_entry *e, void *arg)
{
	assert_ptr_equal(arg, &n_expired_cb);
	assert_int_equal(e->in_use, 1);
	n_expired_cb++;
}

static void aging_virtual_clock(void **state)
{
	struct flow_table *t = make_table(64, count_expire, &n_expired_cb);
	struct flow_rules *r = make_rules();
	struct flow_result out[3];
	struct flow_pkt_info tcp = pk(IP4(10, 0, 0, 1), 1000, IP4(10, 0, 0, 2), 80, TCP, 60);
	struct flow_pkt_info udp = pk(IP4(10, 0, 0, 1), 1000, IP4(10, 0, 0, 2), 53, UDP, 60);
	struct flow_pkt_info udp2 = pk(IP4(10, 0, 0, 3), 1000, IP4(10, 0, 0, 2), 53, UDP, 60);
	struct flow_pkt_info b[3] = {tcp, udp, udp2};
	struct flow_key k;

	n_expired_cb = 0;
	flow_classify_burst(t, r, b, 3, 0, out, NULL, NULL);
	assert_int_equal(flow_table_count(t), 3);
	/* at 50 s udp2 is seen again (the reply direction keeps it alive too) */
	struct flow_pkt_info seen = rev(udp2, 60);
	flow_classify_burst(t, r, &seen, 1, 50 * SEC, out, NULL, NULL);
	/* at exactly 60 s nothing is idle for longer than 60 s */
	assert_int_equal(flow_table_age(t, 60 * SEC, 64), 0);
	/* just past 60 s: the idle UDP flow expires, the TCP one (300 s) and udp2 survive */
	assert_int_equal(flow_table_age(t, 60 * SEC + 1, 64), 1);
	assert_int_equal(n_expired_cb, 1);
	flow_key_make(&k, &udp.m);
	assert_null(flow_table_lookup(t, &k));
	flow_key_make(&k, &udp2.m);
	assert_non_null(flow_table_lookup(t, &k));
	flow_key_make(&k, &tcp.m);
	assert_non_null(flow_table_lookup(t, &k));
	assert_int_equal(flow_table_age(t, 110 * SEC + 1, 64), 1); /* udp2: 50 s + 60 s */
	assert_int_equal(flow_table_age(t, 300 * SEC, 64), 0);
	assert_int_equal(flow_table_age(t, 300 * SEC + 1, 64), 1);
	assert_int_equal(flow_table_count(t), 0);
	assert_int_equal(n_expired_cb, 3);
	/* a flow expired can be created again */
	assert_int_equal(flow_classify_burst(t, r, &udp, 1, 400 * SEC, out, NULL, NULL), 1);
	flow_rules_free(r);
	flow_table_free(t);
}

static void aging_is_incremental(void **state)
{
	enum { CAP = 64, FLOWS = 40 };
	struct flow_table *t = make_table(CAP, NULL, NULL);
	struct flow_rules *r = make_rules();
	struct flow_pkt_info b[FLOWS];
	struct flow_result out[FLOWS];
	unsigned int total = 0, calls = 0;

	for (int i = 0; i < FLOWS; i++)
		b[i] = pk(IP4(10, 0, 3, i), 1, IP4(10, 0, 4, 1), 2, UDP, 1);
	flow_classify_burst(t, r, b, FLOWS, 0, out, NULL, NULL);
	/* 8 slots per call: never more than 8 expire at once, a full sweep takes CAP / 8 calls */
	while (calls < CAP / 8) {
		unsigned int x = flow_table_age(t, 1000 * SEC, 8);
		assert_true(x <= 8);
		total += x;
		calls++;
	}
	assert_int_equal(total, FLOWS);
	assert_int_equal(flow_table_count(t), 0);
	flow_rules_free(r);
	flow_table_free(t);
}

static void table_full_never_fails_packet(void **state)
{
	enum { CAP = 16 };
	struct flow_table *t = make_table(CAP, NULL, NULL);
	struct flow_rules *r = make_rules();
	struct flow_rule_counters rc[3];
	struct flow_pkt_info b[CAP + 4];
	struct flow_result out[CAP + 4];
	unsigned int full = 0;

	memset(rc, 0, sizeof(rc));
	for (int i = 0; i < CAP + 4; i++)
		b[i] = pk(IP4(10, 0, 5, i), 1, IP4(10, 0, 6, 1), 80, TCP, 10);
	assert_int_equal(flow_classify_burst(t, r, b, CAP + 4, 0, out, rc, &full), CAP);
	assert_int_equal(full, 4);
	assert_int_equal(flow_table_count(t), CAP);
	for (int i = 0; i < CAP + 4; i++) {
		assert_int_equal(out[i].rule, 1);
		assert_non_null(out[i].act);
		assert_int_equal(out[i].act->action, FLOW_ACTION_FORWARD);
		if (i < CAP)
			assert_non_null(out[i].entry);
		else
			assert_null(out[i].entry);
	}
	assert_int_equal(rc[flow_rule_slot(1)].c[FLOW_RC_packets], CAP + 4);
	/* The four without an entry made no flow: they are the rule's table_full. */
	assert_int_equal(rc[flow_rule_slot(1)].c[FLOW_RC_flows], CAP);
	assert_int_equal(rc[flow_rule_slot(1)].c[FLOW_RC_table_full], 4);
	/* existing flows still hit while full */
	assert_int_equal(flow_classify_burst(t, r, b, 1, 1, out, rc, &full), 0);
	assert_int_equal(full, 0);
	assert_non_null(out[0].entry);
	/* the direct API reports ENOSPC */
	struct flow_key k;
	flow_key_make(&k, &b[CAP].m);
	assert_null(flow_table_add(t, &k, 1, out[0].act, 0, 2));
	assert_int_equal(rte_errno, ENOSPC);
	/* after one entry goes, a new flow fits again */
	assert_int_equal(flow_table_remove(t, out[0].entry), 0);
	assert_int_equal(flow_classify_burst(t, r, &b[CAP], 1, 3, out, rc, &full), 1);
	assert_int_equal(full, 0);
	flow_rules_free(r);
	flow_table_free(t);
}

/* The table holds exactly its capacity, whatever the hash spread (extendable buckets). */
static void fills_to_exact_capacity(void **state)
{
	enum { CAP = 4096, BURST = 32 };
	struct flow_table *t = make_table(CAP, NULL, NULL);
	struct flow_rules *r = make_rules();
	struct flow_pkt_info b[BURST];
	struct flow_result out[BURST];
	unsigned int created = 0, full = 0, f;

	for (unsigned int i = 0; i < CAP + BURST; i += BURST) {
		for (unsigned int j = 0; j < BURST; j++)
			b[j] = pk(IP4(10, 1, 0, 0) + i + j, 9, IP4(10, 2, 0, 1), 80, TCP, 1);
		created += flow_classify_burst(t, r, b, BURST, 0, out, NULL, &f);
		full += f;
	}
	assert_int_equal(created, CAP);
	assert_int_equal(full, BURST);
	assert_int_equal(flow_table_count(t), CAP);
	flow_rules_free(r);
	flow_table_free(t);
}

static void flush_and_errors(void **state)
{
	struct flow_table *t = make_table(64, count_expire, &n_expired_cb);
	struct flow_rules *r = make_rules();
	struct flow_pkt_info b[2] = {pk(1, 2, 3, 4, UDP, 1), pk(5, 6, 7, 8, TCP, 1)};
	struct flow_result out[2];
	struct flow_table_params p = {.name = "dup", .capacity = 64, .socket_id = SOCKET_ID_ANY};

	n_expired_cb = 0;
	flow_classify_burst(t, r, b, 2, 0, out, NULL, NULL);
	flow_table_flush(t);
	assert_int_equal(flow_table_count(t), 0);
	assert_int_equal(n_expired_cb, 2);

	struct flow_table *a = flow_table_create(&p);
	assert_non_null(a);
	assert_null(flow_table_create(&p));
	assert_int_equal(rte_errno, EEXIST);
	flow_table_free(a);
	p.capacity = 4;
	assert_null(flow_table_create(&p));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(flow_table_create(NULL));
	flow_rules_free(r);
	flow_table_free(t);
}

static void ipv6_and_ipv4_entries_coexist(void **state)
{
	struct flow_table *t = make_table(64, NULL, NULL);
	struct flow_rules *r = make_rules();
	struct flow_pkt_info b[2] = {pk(IP4(10, 0, 0, 1), 1, IP4(10, 0, 0, 2), 2, UDP, 1)};
	struct flow_result out[2];

	b[1] = b[0];
	b[1].m.family = FLOW_FAMILY_IPV6;
	assert_int_equal(flow_classify_burst(t, r, b, 2, 0, out, NULL, NULL), 2);
	assert_ptr_not_equal(out[0].entry, out[1].entry);
	assert_int_equal(flow_table_count(t), 2);
	flow_rules_free(r);
	flow_table_free(t);
}

/*
 * Entries only from a deciding packet: a rule with FLOW_ACT_F_DEFER (split TCP) and a packet
 * flagged DEFER get no entry from classification; PEEK changes nothing; flow_decide creates
 * the entry once (a second packet of the burst finds it), counts it in the rule and the entry,
 * and reports a full table.
 */
static void deferred_entries_only_from_decide(void **state)
{
	struct flow_table *t = make_table(8, NULL, NULL);
	struct flow_rule_params c;
	memset(&c, 0, sizeof(c));
	c.protocol = TCP;
	c.ingress_port = -1;
	c.act.action = FLOW_ACTION_ACCELERATE;
	c.act.flags = FLOW_ACT_F_DEFER;
	c.act.lan_profile = c.act.wan_profile = -1;
	struct flow_rules *r = flow_rules_create(&c, 1, FLOW_ACTION_FORWARD);
	assert_non_null(r);
	unsigned int slots = flow_rules_counter_slots(r);
	struct flow_rule_counters rc[slots];
	memset(rc, 0, sizeof(rc));
	const uint64_t *r0 = rc[flow_rule_slot(0)].c;
	const uint64_t *rd = rc[flow_rule_slot(FLOW_RULE_DEFAULT)].c;

	/* A refused first segment and its retransmission: no entry, counted as matched only. */
	struct flow_pkt_info syn = pk(IP4(10, 0, 0, 1), 1000, IP4(10, 0, 0, 2), 80, TCP, 60);
	struct flow_pkt_info b[2] = {syn, syn};
	struct flow_result out[2];
	assert_int_equal(flow_classify_burst(t, r, b, 2, 10, out, rc, NULL), 0);
	for (int i = 0; i < 2; i++) {
		assert_null(out[i].entry);
		assert_int_equal(out[i].undecided, 1);
		assert_int_equal(out[i].rule, 0);
		assert_int_equal(out[i].act->action, FLOW_ACTION_ACCELERATE);
	}
	assert_int_equal(flow_table_count(t), 0);
	assert_int_equal(r0[FLOW_RC_packets], 2);
	assert_int_equal(r0[FLOW_RC_flows], 0);

	/* Accepted: the first decide creates, the second finds it. */
	struct flow_entry *e = flow_decide(t, &b[0], &out[0], rc, 11);
	assert_non_null(e);
	assert_int_equal(out[0].created, 1);
	assert_int_equal(out[0].undecided, 0);
	assert_int_equal(out[0].dir, FLOW_DIR_ORIG);
	assert_ptr_equal(flow_decide(t, &b[1], &out[1], rc, 11), e);
	assert_int_equal(out[1].created, 0);
	assert_int_equal(e->packets[FLOW_DIR_ORIG], 2);
	assert_int_equal(r0[FLOW_RC_flows], 1);
	assert_int_equal(r0[FLOW_RC_packets], 2);
	assert_int_equal(flow_table_count(t), 1);
	/* Not undecided any more: refused. */
	assert_null(flow_decide(t, &b[1], &out[1], rc, 11));
	assert_int_equal(rte_errno, EINVAL);

	/* Later packets of the flow hit the entry, in both directions. */
	struct flow_pkt_info back = rev(syn, 60);
	assert_int_equal(flow_classify_burst(t, r, &back, 1, 12, out, rc, NULL), 0);
	assert_ptr_equal(out[0].entry, e);
	assert_int_equal(out[0].dir, FLOW_DIR_REPLY);

	/* PEEK: the entry is found, nothing moves; a miss stays a miss. */
	uint64_t pk0 = r0[FLOW_RC_packets], seen = e->last_seen_us;
	back.flags = FLOW_PKT_F_PEEK;
	assert_int_equal(flow_classify_burst(t, r, &back, 1, 99, out, rc, NULL), 0);
	assert_ptr_equal(out[0].entry, e);
	assert_int_equal(out[0].dir, FLOW_DIR_REPLY);
	assert_int_equal(e->packets[FLOW_DIR_REPLY], 1);
	assert_int_equal(e->last_seen_us, seen);
	assert_int_equal(r0[FLOW_RC_packets], pk0);
	struct flow_pkt_info udp = pk(IP4(10, 0, 0, 1), 1000, IP4(10, 0, 0, 2), 53, UDP, 60);
	udp.flags = FLOW_PKT_F_PEEK;
	assert_int_equal(flow_classify_burst(t, r, &udp, 1, 99, out, rc, NULL), 0);
	assert_null(out[0].entry);
	assert_int_equal(out[0].undecided, 1);
	assert_int_equal(rd[FLOW_RC_packets], 0);
	assert_int_equal(flow_table_count(t), 1);

	/* DEFER on a packet of an eager rule (the default here): same as a deferring rule. */
	udp.flags = FLOW_PKT_F_DEFER;
	assert_int_equal(flow_classify_burst(t, r, &udp, 1, 99, out, rc, NULL), 0);
	assert_int_equal(out[0].undecided, 1);
	assert_int_equal(rd[FLOW_RC_packets], 1);
	assert_int_equal(flow_table_count(t), 1);

	/* A full table: decide says ENOSPC and counts the rule's table_full. */
	for (uint32_t i = 0; flow_table_count(t) < 8; i++) {
		struct flow_pkt_info f = pk(IP4(10, 1, 0, i), 2000, IP4(10, 0, 0, 2), 80, TCP, 60);
		struct flow_result fr;
		assert_int_equal(flow_classify_burst(t, r, &f, 1, 13, &fr, rc, NULL), 0);
		assert_non_null(flow_decide(t, &f, &fr, rc, 13));
	}
	struct flow_pkt_info f = pk(IP4(10, 2, 0, 1), 2000, IP4(10, 0, 0, 2), 80, TCP, 60);
	assert_int_equal(flow_classify_burst(t, r, &f, 1, 14, out, rc, NULL), 0);
	assert_null(flow_decide(t, &f, &out[0], rc, 14));
	assert_int_equal(rte_errno, ENOSPC);
	assert_int_equal(out[0].undecided, 1);
	assert_int_equal(r0[FLOW_RC_table_full], 1);
	flow_rules_free(r);
	flow_table_free(t);
}

static int setup(void **state)
{
	return test_eal_init();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(add_lookup_remove),
	        cmocka_unit_test(classify_creates_then_hits_both_directions),
	        cmocka_unit_test(bulk_burst_with_duplicates),
	        cmocka_unit_test(default_rule_counts),
	        cmocka_unit_test(aging_virtual_clock),
	        cmocka_unit_test(aging_is_incremental),
	        cmocka_unit_test(table_full_never_fails_packet),
	        cmocka_unit_test(fills_to_exact_capacity),
	        cmocka_unit_test(churn_matches_model),
	        cmocka_unit_test(flush_and_errors),
	        cmocka_unit_test(ipv6_and_ipv4_entries_coexist),
	        cmocka_unit_test(deferred_entries_only_from_decide),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
