/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_cc.h"

#include <errno.h>
#include <string.h>

extern const struct tcp_cc_ops tcp_cc_newreno;

/* Modules known by name. HighSpeed, Scalable and Vegas are added here, nothing else changes. */
static const struct {
	const char *name;
	const struct tcp_cc_ops *ops;
} cc_modules[] = {
        {"reno", &tcp_cc_newreno},
        {"newreno", &tcp_cc_newreno},
};

const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(cc_modules) / sizeof(cc_modules[0]); i++)
		if (strcmp(cc_modules[i].name, name) == 0)
			return cc_modules[i].ops;
	return NULL;
}

uint32_t tcp_cc_initial_window(uint32_t smss, uint32_t iw_segments)
{
	if (iw_segments != 0)
		return iw_segments * smss;
	/* RFC 5681 3.1 eqn (1): IW = min(4*SMSS, max(2*SMSS, 4380)), i.e. RFC
	 * 3390's 2, 3 or 4 segments by SMSS. */
	uint32_t iw = 2 * smss > 4380 ? 2 * smss : 4380;
	return iw < 4 * smss ? iw : 4 * smss;
}

int tcp_cc_init(struct tcp_cc *cc, const struct tcp_cc_ops *ops, uint32_t smss,
                uint32_t iw_segments, uint32_t ssthresh_init, uint64_t now_us)
{
	if (ops == NULL || ops->priv_size > TCP_CC_PRIV_SIZE || smss == 0)
		return -EINVAL;
	memset(cc, 0, sizeof(*cc));
	cc->ops = ops;
	cc->smss = smss;
	cc->iw = tcp_cc_initial_window(smss, iw_segments);
	cc->cwnd = cc->iw;
	cc->ssthresh = ssthresh_init;
	if (ops->init != NULL)
		ops->init(cc, now_us);
	return 0;
}

void tcp_cc_set_smss(struct tcp_cc *cc, uint32_t smss)
{
	if (smss == 0 || smss == cc->smss)
		return;
	uint32_t iw_segs = cc->iw / cc->smss;
	cc->cwnd = (uint32_t)((uint64_t)cc->cwnd * smss / cc->smss);
	if (cc->iw == tcp_cc_initial_window(cc->smss, 0))
		cc->iw = tcp_cc_initial_window(smss, 0);
	else
		cc->iw = iw_segs * smss;
	cc->smss = smss;
	if (cc->cwnd < smss)
		cc->cwnd = smss;
}

uint32_t tcp_cc_reno_ssthresh(uint32_t flight_size, uint32_t smss)
{
	uint32_t half = flight_size / 2;
	return half > 2 * smss ? half : 2 * smss;
}

uint32_t tcp_cc_reno_slow_start(struct tcp_cc *cc, uint32_t acked)
{
	uint32_t limit = cc->after_rto ? cc->smss : 2 * cc->smss;
	uint32_t inc = acked < limit ? acked : limit;

	if (cc->cwnd >= cc->ssthresh)
		return acked;
	if ((uint64_t)cc->cwnd + inc >= cc->ssthresh) {
		uint32_t used = cc->ssthresh - cc->cwnd;
		cc->cwnd = cc->ssthresh;
		cc->after_rto = false;
		return acked > used ? acked - used : 0;
	}
	cc->cwnd += inc;
	return 0;
}

void tcp_cc_reno_cong_avoid(struct tcp_cc *cc, uint32_t acked)
{
	cc->bytes_acked += acked;
	if (cc->bytes_acked >= cc->cwnd) {
		cc->bytes_acked -= cc->cwnd;
		if (cc->cwnd <= UINT32_MAX - cc->smss)
			cc->cwnd += cc->smss;
	}
}

void tcp_cc_reno_idle_restart(struct tcp_cc *cc)
{
	if (cc->cwnd > cc->iw)
		cc->cwnd = cc->iw;
	cc->bytes_acked = 0;
}
