/* SPDX-License-Identifier: BSD-3-Clause */
/* Engine-level behaviour that scripts do not reach: the pool bound, malformed SYNs and
 * segments, the drop codes returned to the caller, telemetry and clean teardown. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "tcp.h"
#include "tcp_cc.h"
#include "test_eal.h"

static unsigned int n_tx;

/* The leg every test opens: profile p on a 1500-byte path. */
#define LEG(p) (&(struct tcp_leg_params){.profile = (p), .mtu = 1500})

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	n_tx++;
	rte_pktmbuf_free(m);
}

static struct rte_mbuf *seg(uint16_t sport, uint8_t flags, uint8_t doff_words, size_t olen,
                            const uint8_t *opts, uint16_t ip_len_delta)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	assert_non_null(m);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(40 + olen));
	memset(p, 0, 40 + olen);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(40 + olen + ip_len_delta));
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000002);
	ip->dst_addr = rte_cpu_to_be_32(0x0a000001);
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(80);
	th->sent_seq = rte_cpu_to_be_32(77);
	th->data_off = (uint8_t)(doff_words << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(1000);
	if (olen)
		memcpy(th + 1, opts, olen);
	return m;
}

static struct tcp_engine *engine(uint32_t max)
{
	struct tcp_engine_params ep = {
	        .max_conns = max, .hdr_pool = test_mbuf_pool(), .tx = on_tx, .deterministic = true};
	struct tcp_engine *e = tcp_engine_create("t", &ep);
	assert_non_null(e);
	return e;
}

static void create_rejects_bad_params(void **state)
{
	struct tcp_engine_params ep = {.max_conns = 0, .hdr_pool = test_mbuf_pool(), .tx = on_tx};
	assert_null(tcp_engine_create("t", &ep));
	assert_int_equal(rte_errno, EINVAL);
	ep.max_conns = 1;
	/* Header mbufs too small for IPv4 + TCP + 40 bytes of options past the headroom. */
	struct rte_mempool *small = rte_pktmbuf_pool_create(
	        "tcp_small", 63, 0, 0, RTE_PKTMBUF_HEADROOM + 60, SOCKET_ID_ANY);
	assert_non_null(small);
	ep.hdr_pool = small;
	assert_null(tcp_engine_create("t", &ep));
	assert_int_equal(rte_errno, EINVAL);
	rte_mempool_free(small);
	tcp_engine_free(NULL);
}

/* The engine's list has the one shape of every counter list (stat_desc.h). */
static void counter_list_follows_the_rules(void **state)
{
	unsigned int bad = TCP_CNT_MAX;
	if (stat_desc_check(tcp_engine_counter_descs(), TCP_CNT_MAX, &bad) != 0)
		fail_msg("engine counter %s breaks the rules of stat_desc.h",
		         tcp_engine_counter_name(bad));
	assert_null(tcp_engine_counter_name(TCP_CNT_MAX));
	assert_int_equal(tcp_engine_counter_descs()[TCP_CNT_drop_paws].kind, STAT_KIND_drop);
	assert_int_equal(tcp_engine_counter_descs()[TCP_CNT_sack_invalid].kind, STAT_KIND_event);
}

/* A leg's path MTU must carry the headers and the IPv4 minimum; no profile is no leg. */
static void open_rejects_bad_leg(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	struct tcp_engine *e = engine(4);
	struct tcp_leg_params small = {.profile = &p, .mtu = TCP_LEG_MTU_MIN - 1};
	struct tcp_leg_params none = {.profile = NULL, .mtu = 1500};
	struct rte_mbuf *m = seg(1, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0);
	assert_null(tcp_conn_listen(e, &small, m, false, 0));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(tcp_conn_listen(e, &none, m, false, 0));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(tcp_relay_open(e, LEG(&p), &small, m, false, 0));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(tcp_relay_open(e, &small, LEG(&p), m, false, 0));
	assert_int_equal(rte_errno, EINVAL);
	rte_pktmbuf_free(m); /* left to the caller each time */
	struct tcp_tuple t = {.laddr = 1, .raddr = 2, .lport = 3, .rport = 4};
	assert_null(tcp_conn_connect(e, &small, &t, 0));
	assert_int_equal(rte_errno, EINVAL);
	assert_int_equal(tcp_engine_conns_in_use(e), 0);
	small.mtu = TCP_LEG_MTU_MIN;
	m = seg(1, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0);
	assert_non_null(tcp_conn_listen(e, &small, m, false, 0));
	tcp_engine_free(e);
}

static void pool_bound_gives_enomem(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	struct tcp_engine *e = engine(2);
	unsigned int avail = rte_mempool_avail_count(test_mbuf_pool());
	assert_non_null(
	        tcp_conn_listen(e, LEG(&p), seg(1, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), false, 0));
	assert_non_null(
	        tcp_conn_listen(e, LEG(&p), seg(2, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), false, 0));
	struct rte_mbuf *third = seg(3, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0);
	assert_null(tcp_conn_listen(e, LEG(&p), third, false, 0));
	assert_int_equal(rte_errno, ENOMEM);
	rte_pktmbuf_free(third); /* left to the caller, who forwards it unaccelerated */
	assert_int_equal(tcp_engine_conns_in_use(e), 2);
	assert_int_equal(tcp_engine_counter(e, TCP_CNT_conn_no_memory), 1);
	/* The profile's own cap applies too. */
	tcp_engine_free(e);
	e = engine(8);
	p.max_connections = 1;
	assert_non_null(
	        tcp_conn_listen(e, LEG(&p), seg(1, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), false, 0));
	third = seg(2, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0);
	assert_null(tcp_conn_listen(e, LEG(&p), third, false, 0));
	rte_pktmbuf_free(third);
	tcp_engine_free(e);
	assert_int_equal(rte_mempool_avail_count(test_mbuf_pool()), avail);
}

/*
 * A relay that cannot open both legs refuses before it takes anything: the SYN stays the
 * caller's (it forwards the flow unsplit) and nothing is sent. The server side's own
 * max_connections counts here: one connection left under it is not enough for a pair.
 */
static void relay_refusal_leaves_syn(void **state)
{
	struct tcp_profile client, server;
	tcp_profile_defaults(&client);
	tcp_profile_defaults(&server);
	server.max_connections = 2;
	struct tcp_engine *e = engine(8);
	unsigned int avail = rte_mempool_avail_count(test_mbuf_pool());
	assert_non_null(
	        tcp_conn_listen(e, LEG(&client), seg(1, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), true, 0));
	n_tx = 0;
	struct rte_mbuf *syn = seg(2, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0);
	for (int deferred = 0; deferred < 2; deferred++) {
		assert_null(tcp_relay_open(e, LEG(&client), LEG(&server), syn, deferred, 0));
		assert_int_equal(rte_errno, ENOMEM);
		/* Still ours: the listener's conn and this SYN are the only mbufs out. */
		assert_int_equal(rte_mempool_avail_count(test_mbuf_pool()), avail - 1);
		assert_int_equal(n_tx, 0);
		assert_int_equal(tcp_engine_conns_in_use(e), 1);
	}
	assert_int_equal(tcp_engine_counter(e, TCP_CNT_conn_no_memory), 2);
	rte_pktmbuf_free(syn);
	tcp_engine_free(e);
	assert_int_equal(rte_mempool_avail_count(test_mbuf_pool()), avail);
}

/* Each connection counts once under conn_opened_<its module>, so telemetry can show which
 * algorithm a profile really ran (tests/e2e/pepgw_accel_cc.sh reads it). */
static void connections_counted_per_module(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	struct tcp_engine *e = engine(8);
	const char *order[] = {"rate", "vegas", "rate"};
	for (unsigned int i = 0; i < RTE_DIM(order); i++) {
		snprintf(p.congestion_control, sizeof(p.congestion_control), "%s", order[i]);
		p.rate_bps = 10000000;
		struct rte_mbuf *m = seg((uint16_t)(10 + i), RTE_TCP_SYN_FLAG, 5, 0, NULL, 0);
		assert_non_null(tcp_conn_listen(e, LEG(&p), m, false, 0));
	}
	unsigned int seen = 0;
	for (int c = TCP_CNT_CC_FIRST; c < TCP_CNT_MAX; c++) {
		const char *name = tcp_engine_counter_name((enum tcp_engine_counter)c);
		const char *cc = tcp_cc_name((unsigned int)(c - TCP_CNT_CC_FIRST));
		char want[32];
		snprintf(want, sizeof(want), "conn_opened_%s", cc);
		assert_string_equal(name, want);
		uint64_t n = tcp_engine_counter(e, (enum tcp_engine_counter)c);
		assert_int_equal(n, strcmp(cc, "rate") == 0 ? 2 : strcmp(cc, "vegas") == 0 ? 1 : 0);
		seen++;
	}
	assert_int_equal(seen, tcp_cc_count());
	assert_int_equal(tcp_engine_counter(e, TCP_CNT_conn_opened), 3);
	tcp_engine_free(e);
}

/* A gateway that measures the path's capacity changes a rate connection's rate while it runs;
 * a module without a rate refuses. */
static void set_rate_on_rate_connections_only(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	struct tcp_engine *e = engine(8);
	struct tcp_conn *reno =
	        tcp_conn_listen(e, LEG(&p), seg(10, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), false, 0);
	assert_non_null(reno);
	assert_int_equal(tcp_conn_set_rate(reno, 10000000), -ENOTSUP);
	snprintf(p.congestion_control, sizeof(p.congestion_control), "rate");
	p.rate_bps = 10000000;
	struct tcp_leg_params leg = {.profile = &p, .mtu = 1500, .rate_bps = 20000000};
	struct tcp_conn *rate =
	        tcp_conn_listen(e, &leg, seg(11, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), false, 0);
	assert_non_null(rate);
	assert_int_equal(tcp_conn_set_rate(rate, 0), -EINVAL);
	assert_int_equal(tcp_conn_set_rate(rate, 5000000), 0);
	tcp_engine_free(e);
}

static void malformed_syn_is_ebadmsg(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	struct tcp_engine *e = engine(4);
	const uint8_t bad[] = {2, 0, 0, 0}; /* MSS with length 0 */
	struct rte_mbuf *m = seg(1, RTE_TCP_SYN_FLAG, 6, 4, bad, 0);
	assert_null(tcp_conn_listen(e, LEG(&p), m, false, 0));
	assert_int_equal(rte_errno, EBADMSG);
	rte_pktmbuf_free(m);
	m = seg(1, RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG, 5, 0, NULL, 0);
	assert_null(tcp_conn_listen(e, LEG(&p), m, false, 0));
	rte_pktmbuf_free(m);
	m = seg(1, RTE_TCP_SYN_FLAG, 15, 0, NULL, 0); /* data offset past the segment */
	assert_null(tcp_conn_listen(e, LEG(&p), m, false, 0));
	rte_pktmbuf_free(m);
	assert_int_equal(tcp_engine_conns_in_use(e), 0);
	tcp_engine_free(e);
}

/* tcp_segment_check: the verdict tcp_conn_input would give, with no connection touched. */
static void segment_check_without_a_connection(void **state)
{
	struct tcp_engine *e = engine(4);
	static const uint8_t bad[] = {2, 0, 0, 0};
	static const uint8_t one[] = {8, 1, 0, 0};
	static const uint8_t mss[] = {2, 4, 5, 0xb4};
	static const struct {
		uint8_t flags, doff, n_opts;
		const uint8_t *opts;
		uint16_t pad;
		int want;
	} cases[] = {
	        {RTE_TCP_SYN_FLAG, 5, 0, NULL, 0, 0},
	        {RTE_TCP_SYN_FLAG, 6, 4, mss, 0, 0},
	        {RTE_TCP_SYN_FLAG, 6, 4, bad, 0, STAT_drop_tcp_options},
	        {RTE_TCP_ACK_FLAG, 6, 4, one, 0, STAT_drop_tcp_options},
	        {RTE_TCP_ACK_FLAG, 4, 0, NULL, 0, STAT_drop_tcp_doff},
	        {RTE_TCP_SYN_FLAG, 15, 0, NULL, 0, STAT_drop_tcp_doff},
	        {RTE_TCP_ACK_FLAG, 5, 0, NULL, 100, STAT_drop_ip_len},
	};
	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		struct rte_mbuf *m = seg(1, cases[i].flags, cases[i].doff, cases[i].n_opts,
		                         cases[i].opts, cases[i].pad);
		assert_int_equal(tcp_segment_check(m), cases[i].want);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(tcp_engine_conns_in_use(e), 0);
	assert_int_equal(tcp_engine_counter(e, TCP_CNT_segs_in), 0);
	tcp_engine_free(e);
}

static void bad_segments_return_drop_codes(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	struct tcp_engine *e = engine(4);
	unsigned int avail = rte_mempool_avail_count(test_mbuf_pool());
	struct tcp_conn *c =
	        tcp_conn_listen(e, LEG(&p), seg(1, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), false, 0);
	assert_non_null(c);
	assert_int_equal(tcp_conn_input(c, seg(1, RTE_TCP_ACK_FLAG, 4, 0, NULL, 0), 0),
	                 STAT_drop_tcp_doff);
	const uint8_t one[] = {8, 1, 0, 0};
	assert_int_equal(tcp_conn_input(c, seg(1, RTE_TCP_ACK_FLAG, 6, 4, one, 0), 0),
	                 STAT_drop_tcp_options);
	assert_int_equal(tcp_conn_input(c, seg(1, RTE_TCP_ACK_FLAG, 5, 0, NULL, 100), 0),
	                 STAT_drop_ip_len);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_RCVD);
	struct tcp_conn_info ci;
	tcp_conn_get_info(c, &ci);
	assert_int_equal(ci.state, TCP_SYN_RCVD);
	assert_int_equal(ci.rto_us, 1000000);
	assert_string_equal(tcp_state_name(ci.state), "SYN_RCVD");
	tcp_engine_free(e);
	assert_int_equal(rte_mempool_avail_count(test_mbuf_pool()), avail);
}

static void syn_rcvd_gives_up_after_syn_retries(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	p.syn_retries = 2;
	struct tcp_engine *e = engine(4);
	n_tx = 0;
	struct tcp_conn *c =
	        tcp_conn_listen(e, LEG(&p), seg(1, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), false, 0);
	assert_non_null(c);
	assert_int_equal(n_tx, 1);
	/* 1 s, then 2 s: two retries; the third expiry (4 s later) gives up with an RST. */
	tcp_engine_advance(e, 1000000);
	tcp_engine_advance(e, 3000000);
	assert_int_equal(n_tx, 3);
	assert_int_equal(tcp_engine_conns_in_use(e), 1);
	tcp_engine_advance(e, 7000000);
	assert_int_equal(n_tx, 4);
	assert_int_equal(tcp_engine_conns_in_use(e), 0); /* no SYN-RCVD leak */
	tcp_engine_free(e);
}

/* A data segment from the peer of the connection made by seg(1, SYN): seq relative to its
 * ISN (77), ack absolute. */
static struct rte_mbuf *data_seg(uint32_t rel_seq, uint32_t ack, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	assert_non_null(m);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(40 + len));
	memset(p, 0, 40 + len);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(40 + len));
	ip->next_proto_id = IPPROTO_TCP;
	th->src_port = rte_cpu_to_be_16(1);
	th->dst_port = rte_cpu_to_be_16(80);
	th->sent_seq = rte_cpu_to_be_32(77 + rel_seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = 5 << 4;
	th->tcp_flags = RTE_TCP_ACK_FLAG;
	th->rx_win = rte_cpu_to_be_16(65535);
	return m;
}

static uint32_t last_seq_out;
static void on_tx_seq(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	const struct rte_tcp_hdr *th =
	        rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, sizeof(struct rte_ipv4_hdr));
	last_seq_out = rte_be_to_cpu_32(th->sent_seq);
	rte_pktmbuf_free(m);
}

/* A passive connection taken to ESTABLISHED (SYN, then the ACK of our SYN-ACK, seen through
 * a tx callback that records last_seq_out); *ack is our first data sequence number. */
static struct tcp_conn *established(struct tcp_engine *e, const struct tcp_profile *p,
                                    uint32_t *ack)
{
	struct tcp_conn *c =
	        tcp_conn_listen(e, LEG(p), seg(1, RTE_TCP_SYN_FLAG, 5, 0, NULL, 0), false, 0);
	assert_non_null(c);
	*ack = last_seq_out + 1;
	tcp_conn_input(c, data_seg(1, *ack, 0), 1000);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	return c;
}

static void out_of_order_queue_is_capped(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	p.receive_window = 1 << 20;
	struct tcp_engine_params ep = {.max_conns = 1,
	                               .hdr_pool = test_mbuf_pool(),
	                               .tx = on_tx_seq,
	                               .deterministic = true};
	struct tcp_engine *e = tcp_engine_create("t", &ep);
	unsigned int avail = rte_mempool_avail_count(test_mbuf_pool());
	uint32_t ack;
	struct tcp_conn *c = established(e, &p, &ack);
	/* One-byte segments, each its own island: the bound is twice the full-size segments of
	 * the 1 MB window (2 * 1048576 / 1460 = 1436); the rest are dropped and counted. */
	for (uint32_t k = 0; k < 1500; k++)
		tcp_conn_input(c, data_seg(2 + 2 * k, ack, 1), 2000);
	assert_int_equal(tcp_engine_counter(e, TCP_CNT_drop_ooo_full), 1500 - 1436);
	struct tcp_conn_info ci;
	tcp_conn_get_info(c, &ci);
	assert_int_equal(ci.ooo_bytes, 1436);
	char line[512];
	assert_true(tcp_conn_info_format(&ci, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, "ESTABLISHED"));
	assert_non_null(strstr(line, "ooo:1436"));
	struct tcp_tuple t;
	tcp_conn_tuple(c, &t);
	assert_ptr_equal(tcp_engine_find(e, &t), c);
	struct tcp_tuple rev = {
	        .laddr = t.raddr, .raddr = t.laddr, .lport = t.rport, .rport = t.lport};
	assert_ptr_equal(tcp_engine_find(e, &rev), c);
	rev.lport++;
	assert_null(tcp_engine_find(e, &rev));
	struct tcp_engine_summary sum;
	tcp_engine_get_summary(e, &sum);
	assert_int_equal(sum.conns, 1);
	assert_int_equal(sum.by_state[TCP_ESTABLISHED], 1);
	assert_int_equal(sum.ooo_bytes, 1436);
	assert_true(rte_mempool_avail_count(test_mbuf_pool()) + 1436 >= avail);
	tcp_engine_free(e);
	assert_int_equal(rte_mempool_avail_count(test_mbuf_pool()), avail);
}

/*
 * Segments whose payload spans queued mbufs at odd offsets must carry a correct checksum.
 * The reference linearises each segment and sums it as one buffer; DPDK 22.11's
 * rte_raw_cksum_mbuf gets exactly this case wrong (it truncates an odd-offset segment's
 * partial sum before swapping it), so it cannot be the reference.
 */
static unsigned int n_data_out, n_bad_csum;
static uint32_t max_end_out; /* highest sequence number sent + 1 */
static void on_tx_check_csum(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	static uint8_t flat[4096];
	uint32_t len = m->pkt_len;
	assert_true(len <= sizeof(flat));
	const uint8_t *p = rte_pktmbuf_read(m, 0, len, flat);
	assert_non_null(p);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(p + sizeof(*ip));
	uint32_t sum = rte_raw_cksum(p + sizeof(*ip), len - sizeof(*ip));
	sum += rte_ipv4_phdr_cksum(ip, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		n_bad_csum++;
	uint32_t payload = len - (uint32_t)sizeof(*ip) - (uint32_t)((th->data_off >> 4) * 4);
	if (payload > 0) {
		n_data_out++;
		uint32_t end = rte_be_to_cpu_32(th->sent_seq) + payload;
		if ((int32_t)(end - max_end_out) > 0)
			max_end_out = end;
	}
	last_seq_out = rte_be_to_cpu_32(th->sent_seq);
	rte_pktmbuf_free(m);
}

static void checksum_over_odd_offset_chunks(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	struct tcp_engine_params ep = {.max_conns = 1,
	                               .hdr_pool = test_mbuf_pool(),
	                               .tx = on_tx_check_csum,
	                               .deterministic = true};
	struct tcp_engine *e = tcp_engine_create("t", &ep);
	assert_non_null(e);
	uint32_t ack;
	struct tcp_conn *c = established(e, &p, &ack);
	/*
	 * The first three chunks fill the initial window (10 x 536) but one octet; the rest queue
	 * up behind. Once the ACK opens the window, segments of the peer's default MSS (536) start
	 * at odd offsets and span two or three chunks.
	 */
	static const uint16_t chunks[] = {1787, 1787, 1787, 333, 777, 1001, 59, 1, 1203, 87};
	n_data_out = n_bad_csum = 0;
	max_end_out = ack;
	for (size_t i = 0; i < RTE_DIM(chunks); i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
		assert_non_null(m);
		uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, chunks[i]);
		assert_non_null(d);
		for (uint16_t k = 0; k < chunks[i]; k++)
			d[k] = (uint8_t)(k * 31 + i * 7 + 1);
		assert_int_equal(tcp_conn_send(c, m, 2000), 0);
	}
	unsigned int first_flight = n_data_out;
	tcp_conn_input(c, data_seg(1, max_end_out, 0), 3000);
	assert_true(n_data_out >= first_flight + 5);
	assert_int_equal(n_bad_csum, 0);
	tcp_engine_free(e);
}

/* An application that refills its send queue from TCP_EV_SENT_ACKED must see the window of
 * the ACK that raised the event: nothing may go past SND.UNA + SND.WND (RFC 9293 3.8.6). */
static struct tcp_conn *refill_conn;
static void refill_on_acked(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	if (ev != TCP_EV_SENT_ACKED || c != refill_conn)
		return;
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 1000));
	assert_int_equal(tcp_conn_send(c, m, 2000), 0);
}

static void refill_from_acked_event_respects_new_window(void **state)
{
	struct tcp_profile p;
	tcp_profile_defaults(&p);
	p.window_scale = false;
	struct tcp_engine_params ep = {.max_conns = 1,
	                               .hdr_pool = test_mbuf_pool(),
	                               .tx = on_tx_check_csum,
	                               .event = refill_on_acked,
	                               .deterministic = true};
	struct tcp_engine *e = tcp_engine_create("t", &ep);
	assert_non_null(e);
	uint32_t ack;
	struct tcp_conn *c = established(e, &p, &ack);
	refill_conn = c;
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	assert_non_null(rte_pktmbuf_append(m, 500));
	max_end_out = ack;
	assert_int_equal(tcp_conn_send(c, m, 2000), 0);
	assert_int_equal(max_end_out, ack + 500);
	/* The peer acknowledges everything and shrinks its window to 100 octets. */
	struct rte_mbuf *a = data_seg(1, ack + 500, 0);
	struct rte_tcp_hdr *th =
	        rte_pktmbuf_mtod_offset(a, struct rte_tcp_hdr *, sizeof(struct rte_ipv4_hdr));
	th->rx_win = rte_cpu_to_be_16(100);
	tcp_conn_input(c, a, 3000);
	assert_int_equal(max_end_out, ack + 500 + 100);
	refill_conn = NULL;
	tcp_engine_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(create_rejects_bad_params),
	        cmocka_unit_test(counter_list_follows_the_rules),
	        cmocka_unit_test(open_rejects_bad_leg),
	        cmocka_unit_test(pool_bound_gives_enomem),
	        cmocka_unit_test(relay_refusal_leaves_syn),
	        cmocka_unit_test(connections_counted_per_module),
	        cmocka_unit_test(set_rate_on_rate_connections_only),
	        cmocka_unit_test(malformed_syn_is_ebadmsg),
	        cmocka_unit_test(bad_segments_return_drop_codes),
	        cmocka_unit_test(segment_check_without_a_connection),
	        cmocka_unit_test(syn_rcvd_gives_up_after_syn_retries),
	        cmocka_unit_test(out_of_order_queue_is_capped),
	        cmocka_unit_test(checksum_over_odd_offset_chunks),
	        cmocka_unit_test(refill_from_acked_event_respects_new_window),
	};
	if (test_mbuf_pool() == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
