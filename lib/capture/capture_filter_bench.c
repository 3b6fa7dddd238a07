/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cycles per packet of a capture filter on a worker, and whether it agrees with libpcap:
 *   libpcap      lib/capture's matcher (pcap_compile + bpf_filter)
 *   rte_bpf      the same program through DPDK's rte_bpf_convert, rte_bpf interpreter
 *   rte_bpf jit  the same, rte_bpf's x86 JIT, run in a child process (a crash is reported)
 * for a few tcpdump expressions over a burst of 64 frames (one SYN to 5201, one SYN-ACK from
 * 5201, bulk TCP). "agree" counts packets whose verdict equals libpcap's. Prints a table;
 * asserts nothing.
 *   build/lib/capture/capture_filter_bench [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <rte_bpf.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "capture.h"
#include "test_eal.h"

#define BURST 64

static struct rte_mbuf *frame(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                              uint8_t flags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	if (m == NULL)
		exit(1);
	uint16_t len = 14 + 20 + 20 + 1400;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, len);
	memset(p, 0, len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - 14));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)(ip + 1);
	t->src_port = rte_cpu_to_be_16(sport);
	t->dst_port = rte_cpu_to_be_16(dport);
	t->data_off = 5 << 4;
	t->tcp_flags = flags;
	return m;
}

enum engine { LIBPCAP, RTE_BPF, RTE_BPF_JIT };
static const char *const engine_names[] = {"libpcap", "rte_bpf", "rte_bpf jit"};

/* One row: compile, check agreement with libpcap per packet, time ROUNDS bursts. */
static int row(const char *expr, enum engine e, struct rte_mbuf **pk, unsigned int rounds)
{
	char err[256];
	struct capture_filter *ref = capture_filter_create(expr, 65535, err, sizeof(err));
	if (ref == NULL) {
		printf("%s\n", err);
		return 1;
	}
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	struct rte_bpf *bpf = NULL;
	struct rte_bpf_jit jit = {0};
	if (e != LIBPCAP) {
		if (pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0)
			return 2;
		struct rte_bpf_prm *prm = rte_bpf_convert(&prog);
		bpf = prm != NULL ? rte_bpf_load(prm) : NULL;
		rte_free(prm);
		if (bpf == NULL ||
		    (e == RTE_BPF_JIT && (rte_bpf_get_jit(bpf, &jit) != 0 || jit.func == NULL)))
			return 3;
	}
	unsigned int agree = 0;
	uint64_t matched = 0;
	uint64_t t0 = 0;
	for (unsigned int r = 0; r <= rounds; r++) {
		if (r == 1)
			t0 = rte_rdtsc_precise();
		for (unsigned int i = 0; i < BURST; i++) {
			bool v = e == LIBPCAP   ? capture_filter_match(ref, pk[i])
			         : e == RTE_BPF ? rte_bpf_exec(bpf, pk[i]) != 0
			                        : jit.func(pk[i]) != 0;
			matched += v;
			if (r == 0)
				agree += v == capture_filter_match(ref, pk[i]);
		}
	}
	uint64_t cyc = rte_rdtsc_precise() - t0;
	printf("%-50s %-12s %8.1f %6u/%u %8.4f\n", expr[0] ? expr : "(empty)", engine_names[e],
	       (double)cyc / ((double)rounds * BURST), agree, BURST,
	       (double)matched / ((double)(rounds + 1) * BURST));
	fflush(stdout);
	capture_filter_free(ref);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 1 ? (unsigned int)atoi(argv[1]) : 20000;
	static const char *const exprs[] = {
	        "",
	        "udp port 53",
	        "tcp port 5201",
	        "tcp[tcpflags] & tcp-syn != 0 and port 5201",
	        "host 192.0.2.1 and (tcp port 80 or tcp port 443)",
	};
	struct rte_mbuf *pk[BURST];
	if (test_eal_init() != 0)
		return 1;
	for (unsigned int i = 0; i < BURST; i++) {
		bool syn = i == 0, synack = i == 1;
		pk[i] = synack ? frame(0x0a140002, 5201, 0x0a0a0002, 40000,
		                       RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)
		               : frame(0x0a0a0002 + (i & 7), (uint16_t)(40000 + i), 0x0a140002,
		                       syn ? 5201 : 5001,
		                       syn ? RTE_TCP_SYN_FLAG : RTE_TCP_ACK_FLAG);
	}
	printf("%-50s %-12s %8s %8s %8s\n", "filter", "engine", "cyc/pkt", "agree", "matched");
	for (size_t x = 0; x < RTE_DIM(exprs); x++) {
		for (enum engine e = LIBPCAP; e <= RTE_BPF_JIT; e++) {
			fflush(stdout);
			pid_t pid = fork(); /* the JIT may crash: every row in a child */
			if (pid == 0)
				_exit(row(exprs[x], e, pk, rounds));
			int st = 0;
			waitpid(pid, &st, 0);
			if (WIFSIGNALED(st))
				printf("%-50s %-12s %8s (signal %d)\n",
				       exprs[x][0] ? exprs[x] : "(empty)", engine_names[e], "crash",
				       WTERMSIG(st));
			else if (WEXITSTATUS(st) != 0)
				printf("%-50s %-12s %8s\n", exprs[x], engine_names[e], "failed");
		}
	}
	rte_pktmbuf_free_bulk(pk, BURST);
	return 0;
}
