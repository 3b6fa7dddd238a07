/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/capture: parameters (good, bad, limits), filter compile errors, filters matching what
 * tcpdump means on built frames, and pcapng written here read back by our reader and by libpcap
 * (an independent reader of pcapng).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "capture.h"
#include "test_eal.h"

static char err[256];

/* Parameters ------------------------------------------------------------------------------ */

static void params_defaults_and_every_key(void **state)
{
	struct capture_params p;
	assert_int_equal(capture_params_parse("file=/tmp/a.pcapng", &p, err, sizeof(err)), 0);
	assert_string_equal(p.file, "/tmp/a.pcapng");
	assert_string_equal(p.filter, "");
	assert_int_equal(p.points, CAPTURE_POINTS_DEFAULT);
	assert_int_equal(p.n_ports, 0);
	assert_true(p.max_packets == CAPTURE_DEFAULT_PACKETS);
	assert_true(p.max_bytes == CAPTURE_DEFAULT_BYTES);
	assert_int_equal(p.duration_s, CAPTURE_DEFAULT_DURATION_S);

	assert_int_equal(capture_params_parse("filter=tcp[tcpflags] & tcp-syn != 0 and port 5201;"
	                                      "file=/var/tmp/x y.pcapng;points=drop,rx;"
	                                      "ports=lan0,wan-1;count=10;bytes=65536;duration=5;"
	                                      "snaplen=128;ring=64;",
	                                      &p, err, sizeof(err)),
	                 0);
	assert_string_equal(p.filter, "tcp[tcpflags] & tcp-syn != 0 and port 5201");
	assert_string_equal(p.file, "/var/tmp/x y.pcapng");
	assert_int_equal(p.points, (1u << CAPTURE_POINT_DROP) | (1u << CAPTURE_POINT_RX));
	assert_int_equal(p.n_ports, 2);
	assert_string_equal(p.ports[0], "lan0");
	assert_string_equal(p.ports[1], "wan-1");
	assert_true(p.max_packets == 10 && p.max_bytes == 65536 && p.duration_s == 5);
	assert_int_equal(p.snaplen, 128);
	assert_int_equal(p.ring_size, 64);

	assert_int_equal(capture_params_parse("file=/a;points=all", &p, err, sizeof(err)), 0);
	assert_int_equal(p.points, (1u << CAPTURE_POINT_MAX) - 1);
}

/* Each bad input: the error names the key and quotes the value. */
static void params_errors_quote_the_value(void **state)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
	        {"", "file: missing"},
	        {"filter=tcp", "file: missing"},
	        {"file=relative.pcapng", "file: 'relative.pcapng'"},
	        {"file=/a;file=/b", "file: given twice"},
	        {"file=/a;colour=red", "'colour': unknown key"},
	        {"file=/a;justaword", "'justaword': not key=value"},
	        {"file=/a;;count=1", "empty item"},
	        {"file=/a;points=rx,bogus", "points: 'bogus' unknown"},
	        {"file=/a;points=rx,,tx", "empty item"},
	        {"file=/a;points=", "empty item"},
	        {"file=/a;points=rx,", "empty item"},
	        {"file=/a;ports=lan0,", "empty item"},
	        {"file=/a;ports=la n0", "ports: 'la n0'"},
	        {"file=/a;ports=a,b,c,d,e,f,g,h,i", "more than 8"},
	        {"file=/a;count=0", "count: '0'"},
	        {"file=/a;count=-1", "count: '-1'"},
	        {"file=/a;count=99999999999999999999999", "count: '99999999999999999999999'"},
	        {"file=/a;bytes=12", "bytes: '12'"},
	        {"file=/a;duration=1s", "duration: '1s'"},
	        {"file=/a;snaplen=70000", "snaplen: '70000'"},
	        {"file=/a;ring=1000", "ring: '1000'"},
	        {"file=/a;ring=4", "ring: '4'"},
	        {"file=/a;matcher=rte_bpf", "'matcher': unknown key"},
	        {"file=/a;filter=tcp\tport 1", "control or non-ASCII byte 0x09"},
	};
	for (size_t i = 0; i < RTE_DIM(bad); i++) {
		struct capture_params p;
		err[0] = '\0';
		assert_int_equal(capture_params_parse(bad[i].in, &p, err, sizeof(err)), -EINVAL);
		if (strstr(err, bad[i].msg) == NULL)
			fail_msg("'%s': error '%s' lacks '%s'", bad[i].in, err, bad[i].msg);
	}
	struct capture_params p;
	assert_int_equal(capture_params_parse(NULL, &p, err, sizeof(err)), -EINVAL);
}

static void limits_stop_at_each_bound(void **state)
{
	struct capture_params p;
	assert_int_equal(
	        capture_params_parse("file=/a;count=3;bytes=5000;duration=2", &p, err, sizeof(err)),
	        0);
	assert_int_equal(capture_limit_reached(&p, 2, 4999, 100, 100 + 1999999), CAPTURE_RUNNING);
	assert_int_equal(capture_limit_reached(&p, 3, 0, 100, 100), CAPTURE_STOP_PACKETS);
	assert_int_equal(capture_limit_reached(&p, 0, 5000, 100, 100), CAPTURE_STOP_BYTES);
	assert_int_equal(capture_limit_reached(&p, 0, 0, 100, 100 + 2000000),
	                 CAPTURE_STOP_DURATION);
	assert_string_equal(capture_stop_name(CAPTURE_STOP_DURATION), "duration");
	assert_null(capture_stop_name((enum capture_stop)99));
	assert_string_equal(capture_point_name(CAPTURE_POINT_DROP), "drop");
	assert_null(capture_point_name(CAPTURE_POINT_MAX));
}

/* Filters -------------------------------------------------------------------------------- */

static void filter_syntax_error_is_reported(void **state)
{
	static const char *const bad[] = {
	        "tcp port", "port 99999",       "host 300.1.1.1", "tcp[tcpflags] &&& 2",
	        "not",      "ether proto bogus"};
	for (size_t i = 0; i < RTE_DIM(bad); i++) {
		err[0] = '\0';
		rte_errno = 0;
		assert_null(capture_filter_create(bad[i], 65535, err, sizeof(err)));
		assert_int_equal(rte_errno, EINVAL);
		/* "filter: 'EXPR': " and libpcap's reason after it */
		if (strncmp(err, "filter: '", 9) != 0 || strstr(err, bad[i]) == NULL ||
		    strlen(err) <= strlen(bad[i]) + 14)
			fail_msg("'%s': message '%s'", bad[i], err);
	}
}

/* An Ethernet/IPv4/TCP or UDP frame from src:sport to dst:dport with TCP flags. */
static struct rte_mbuf *frame(uint8_t proto, uint32_t src, uint16_t sport, uint32_t dst,
                              uint16_t dport, uint8_t tcp_flags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	assert_non_null(m);
	uint16_t l4 = proto == IPPROTO_TCP ? 20 : 8;
	uint16_t len = (uint16_t)(14 + 20 + l4 + 10);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, len);
	memset(p, 0, len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - 14));
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)(ip + 1);
		t->src_port = rte_cpu_to_be_16(sport);
		t->dst_port = rte_cpu_to_be_16(dport);
		t->data_off = 5 << 4;
		t->tcp_flags = tcp_flags;
	} else {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ip + 1);
		u->src_port = rte_cpu_to_be_16(sport);
		u->dst_port = rte_cpu_to_be_16(dport);
	}
	return m;
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void filters_match_what_tcpdump_means(void **state)
{
	struct rte_mbuf *syn = frame(IPPROTO_TCP, IP4(10, 10, 0, 2), 40000, IP4(10, 20, 0, 2), 5201,
	                             RTE_TCP_SYN_FLAG);
	struct rte_mbuf *synack = frame(IPPROTO_TCP, IP4(10, 20, 0, 2), 5201, IP4(10, 10, 0, 2),
	                                40000, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	struct rte_mbuf *ack = frame(IPPROTO_TCP, IP4(10, 10, 0, 2), 40000, IP4(10, 20, 0, 2), 5201,
	                             RTE_TCP_ACK_FLAG);
	struct rte_mbuf *syn80 = frame(IPPROTO_TCP, IP4(10, 10, 0, 2), 40001, IP4(10, 20, 0, 2), 80,
	                               RTE_TCP_SYN_FLAG);
	struct rte_mbuf *udp =
	        frame(IPPROTO_UDP, IP4(10, 10, 0, 2), 5353, IP4(10, 20, 0, 3), 5201, 0);
	struct rte_mbuf *pk[] = {syn, synack, ack, syn80, udp};
	static const struct {
		const char *expr;
		const char *want; /* one char per packet above: 1 = match */
	} cases[] = {
	        {"", "11111"},
	        {"tcp[tcpflags] & tcp-syn != 0 and port 5201", "11000"},
	        {"tcp", "11110"},
	        {"udp port 5201", "00001"},
	        {"host 10.20.0.3", "00001"},
	        {"src net 10.20.0.0/16", "01000"},
	        {"tcp dst port 80", "00010"},
	        {"ip[8] = 64 and tcp[13] = 0x10", "00100"},
	        {"arp", "00000"},
	};
	for (size_t c = 0; c < RTE_DIM(cases); c++) {
		struct capture_filter *f =
		        capture_filter_create(cases[c].expr, 65535, err, sizeof(err));
		if (f == NULL)
			fail_msg("'%s': %s", cases[c].expr, err);
		assert_int_equal(capture_filter_is_all(f), cases[c].expr[0] == '\0');
		for (size_t i = 0; i < RTE_DIM(pk); i++)
			if (capture_filter_match(f, pk[i]) != (cases[c].want[i] == '1'))
				fail_msg("'%s' packet %zu: want %c", cases[c].expr, i,
				         cases[c].want[i]);
		capture_filter_free(f);
	}
	/* A truncated frame: the program's loads run past the data and the match fails. */
	rte_pktmbuf_trim(syn, syn->pkt_len - 20);
	struct capture_filter *f = capture_filter_create("tcp port 5201", 65535, err, sizeof(err));
	assert_non_null(f);
	assert_false(capture_filter_match(f, syn));
	capture_filter_free(f);
	capture_filter_free(NULL);
	rte_pktmbuf_free_bulk(pk, RTE_DIM(pk));
}

/* pcapng ----------------------------------------------------------------------------------- */

static uint8_t fbuf[1 << 16];

static void pcapng_round_trip_ours_and_libpcap(void **state)
{
	size_t off = 0;
	int n;
	uint8_t pkt[100];
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7);
	const uint64_t t0 = 1764633600123456789ull; /* 2025-12-02, nanoseconds */

	n = capture_pcapng_shb(fbuf, sizeof(fbuf), "pepgw test");
	assert_true(n > 0 && n % 4 == 0);
	off += (size_t)n;
	n = capture_pcapng_idb(fbuf + off, sizeof(fbuf) - off, "lan0", "port lan0",
	                       CAPTURE_LINKTYPE_ETHERNET, 65535);
	assert_true(n > 0);
	off += (size_t)n;
	n = capture_pcapng_idb(fbuf + off, sizeof(fbuf) - off, "drop", NULL,
	                       CAPTURE_LINKTYPE_ETHERNET, 65535);
	off += (size_t)n;
	n = capture_pcapng_epb(fbuf + off, sizeof(fbuf) - off, 0, t0, pkt, 61, 61, CAPTURE_DIR_IN,
	                       NULL);
	assert_true(n > 0);
	off += (size_t)n;
	n = capture_pcapng_epb(fbuf + off, sizeof(fbuf) - off, 1, t0 + 1500, pkt, 40, 100, 0,
	                       "drop: ttl_exceeded");
	off += (size_t)n;
	n = capture_pcapng_isb(fbuf + off, sizeof(fbuf) - off, 1, t0 + 2000, 7, 3);
	off += (size_t)n;

	/* Our reader. */
	struct capture_pcapng_block b;
	size_t pos = 0;
	uint32_t types[6];
	int k = 0;
	while ((n = capture_pcapng_read(fbuf + pos, off - pos, &b)) > 0) {
		assert_true(k < 6);
		types[k++] = b.type;
		if (b.type == CAPTURE_PCAPNG_SHB)
			assert_memory_equal(b.name, "pepgw test", b.name_len);
		if (b.type == CAPTURE_PCAPNG_IDB) {
			assert_int_equal(b.tsresol, 9);
			assert_int_equal(b.linktype, CAPTURE_LINKTYPE_ETHERNET);
		}
		if (b.type == CAPTURE_PCAPNG_EPB && b.iface == 1) {
			assert_true(b.ts == t0 + 1500);
			assert_int_equal(b.caplen, 40);
			assert_int_equal(b.origlen, 100);
			assert_memory_equal(b.data, pkt, 40);
			assert_int_equal(b.comment_len, strlen("drop: ttl_exceeded"));
			assert_memory_equal(b.comment, "drop: ttl_exceeded", b.comment_len);
			assert_int_equal(b.flags, 0);
		}
		if (b.type == CAPTURE_PCAPNG_EPB && b.iface == 0)
			assert_int_equal(b.flags, CAPTURE_DIR_IN);
		if (b.type == CAPTURE_PCAPNG_ISB)
			assert_true(b.ifrecv == 7 && b.ifdrop == 3);
		pos += (size_t)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(pos, off);
	assert_int_equal(k, 6);
	assert_int_equal(types[3], CAPTURE_PCAPNG_EPB);

	/* Every truncation of the stream is refused at the cut block, never read past. */
	for (size_t cut = 1; cut < off; cut += 3) {
		pos = 0;
		while ((n = capture_pcapng_read(fbuf + pos, cut - pos, &b)) > 0)
			pos += (size_t)n;
		assert_true(pos == cut || n == -EINVAL);
	}

	/* libpcap reads it: two packets, nanosecond timestamps, lengths. */
	char path[] = "/tmp/capture_test_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, fbuf, off), (ssize_t)off);
	close(fd);
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc =
	        pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
	unlink(path);
	if (pc == NULL)
		fail_msg("libpcap: %s", perr);
	struct pcap_pkthdr *ph;
	const u_char *data;
	assert_int_equal(pcap_next_ex(pc, &ph, &data), 1);
	assert_int_equal(ph->caplen, 61);
	assert_true((uint64_t)ph->ts.tv_sec * 1000000000ull + (uint64_t)ph->ts.tv_usec == t0);
	assert_memory_equal(data, pkt, 61);
	assert_int_equal(pcap_next_ex(pc, &ph, &data), 1);
	assert_int_equal(ph->caplen, 40);
	assert_int_equal(ph->len, 100);
	assert_int_equal(pcap_next_ex(pc, &ph, &data), PCAP_ERROR_BREAK);
	pcap_close(pc);
}

static void pcapng_writers_refuse_what_does_not_fit(void **state)
{
	uint8_t small[40], pkt[64] = {0};
	assert_int_equal(capture_pcapng_shb(small, 20, "x"), -ENOSPC);
	assert_int_equal(
	        capture_pcapng_idb(small, sizeof(small), "a-long-interface-name", NULL, 1, 65535),
	        -ENOSPC);
	assert_int_equal(capture_pcapng_epb(small, sizeof(small), 0, 0, pkt, 64, 64, 0, NULL),
	                 -ENOSPC);
	assert_int_equal(capture_pcapng_epb(fbuf, sizeof(fbuf), 0, 0, pkt, 65, 64, 0, NULL),
	                 -EINVAL);
	assert_int_equal(capture_pcapng_epb(fbuf, sizeof(fbuf), 0, 0, NULL, 4, 64, 0, NULL),
	                 -EINVAL);
	assert_int_equal(capture_pcapng_isb(small, 40, 0, 0, 0, 0), -ENOSPC);
	/* A block whose trailing length disagrees is refused. */
	int n = capture_pcapng_isb(fbuf, sizeof(fbuf), 0, 0, 1, 1);
	struct capture_pcapng_block b;
	fbuf[n - 4] ^= 4;
	assert_int_equal(capture_pcapng_read(fbuf, (size_t)n, &b), -EINVAL);
}

int main(void)
{
	if (test_eal_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(params_defaults_and_every_key),
	        cmocka_unit_test(params_errors_quote_the_value),
	        cmocka_unit_test(limits_stop_at_each_bound),
	        cmocka_unit_test(filter_syntax_error_is_reported),
	        cmocka_unit_test(filters_match_what_tcpdump_means),
	        cmocka_unit_test(pcapng_round_trip_ours_and_libpcap),
	        cmocka_unit_test(pcapng_writers_refuse_what_does_not_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
