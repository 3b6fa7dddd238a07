/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture filters: tcpdump expressions compiled once by libpcap (pcap_compile on a "dead"
 * Ethernet handle) and run per packet on the worker lcores by libpcap's interpreter
 * (bpf_filter). DPDK's rte_bpf_convert + rte_bpf was the other candidate: in 22.11 its
 * interpreter is slower, its x86 JIT crashes on programs such as "tcp[13] & 2 != 0", and the
 * converted "tcp[tcpflags] & tcp-syn != 0" misses SYN-ACKs (capture_filter_bench measures and
 * checks all three; doc/benchmarks.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include <rte_errno.h>

#include "capture.h"

struct capture_filter {
	bool all;
	struct bpf_program prog;
};

struct capture_filter *capture_filter_create(const char *expr, uint32_t snaplen, char *err,
                                             size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (expr == NULL || snaplen == 0 || snaplen > CAPTURE_SNAPLEN_MAX) {
		rte_errno = EINVAL;
		if (err != NULL)
			snprintf(err, errlen, "filter: bad arguments");
		return NULL;
	}
	struct capture_filter *f = calloc(1, sizeof(*f));
	if (f == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	const char *p = expr;
	while (*p == ' ')
		p++;
	f->all = *p == '\0';

	pcap_t *dead = pcap_open_dead(DLT_EN10MB, (int)snaplen);
	if (dead == NULL) {
		free(f);
		rte_errno = ENOMEM;
		return NULL;
	}
	if (pcap_compile(dead, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		if (err != NULL)
			snprintf(err, errlen, "filter: '%s': %s", expr, pcap_geterr(dead));
		pcap_close(dead);
		free(f);
		rte_errno = EINVAL;
		return NULL;
	}
	pcap_close(dead);
	return f;
}

bool capture_filter_match(const struct capture_filter *f, struct rte_mbuf *m)
{
	if (f->all)
		return true;
	return bpf_filter(f->prog.bf_insns, rte_pktmbuf_mtod(m, const u_char *), m->pkt_len,
	                  m->data_len) != 0;
}

bool capture_filter_is_all(const struct capture_filter *f)
{
	return f->all;
}

void capture_filter_free(struct capture_filter *f)
{
	if (f == NULL)
		return;
	pcap_freecode(&f->prog);
	free(f);
}
