/* SPDX-License-Identifier: BSD-3-Clause */
/* wanem's configuration to engine params (see params.h). */
#include <math.h>

#include "params.h"

#define BPS_PER_MBPS 1e6
#define US_PER_MS    1000.0
#define MS_PER_S     1000

static uint32_t ms_to_us(double ms)
{
	return (uint32_t)llround(ms * US_PER_MS);
}

static enum wanem_jitter_dist jitter_dist(enum wanem_cfg_jitter_dist j)
{
	switch (j) {
	case WANEM_CFG_JITTER_UNIFORM:
		return WANEM_JITTER_UNIFORM;
	case WANEM_CFG_JITTER_NORMAL:
		return WANEM_JITTER_NORMAL;
	}
	return (enum wanem_jitter_dist) - 1; /* refused by wanem_params_check */
}

static enum wanem_loss_model loss_model(enum wanem_cfg_loss_model l)
{
	switch (l) {
	case WANEM_CFG_LOSS_RANDOM:
		return WANEM_LOSS_RANDOM;
	case WANEM_CFG_LOSS_GILBERT_ELLIOTT:
		return WANEM_LOSS_GILBERT_ELLIOTT;
	}
	return (enum wanem_loss_model) - 1;
}

static enum wanem_mtu_action mtu_action(enum wanem_cfg_mtu_action a)
{
	switch (a) {
	case WANEM_CFG_MTU_DROP:
		return WANEM_MTU_DROP;
	case WANEM_CFG_MTU_ICMP:
		return WANEM_MTU_ICMP;
	}
	return (enum wanem_mtu_action) - 1;
}

/* A FIFO of WANEM_CFG_DEFAULT_QUEUE_MS at rate_bps, within [16 KB, 1 GB]. */
static uint32_t default_queue(uint64_t rate_bps)
{
	uint64_t q = rate_bps / 8 * WANEM_CFG_DEFAULT_QUEUE_MS / MS_PER_S;
	if (q < WANEM_CFG_MIN_DEFAULT_QUEUE)
		q = WANEM_CFG_MIN_DEFAULT_QUEUE;
	if (q > WANEM_CFG_MAX_QUEUE_BYTES)
		q = WANEM_CFG_MAX_QUEUE_BYTES;
	return (uint32_t)q;
}

void wanem_app_port_params(const struct wanem_cfg_link *l, int e, const char *name,
                           struct rte_mempool *pool, struct port_params *p)
{
	*p = (struct port_params){
	        .name = name,
	        .devargs = l->dev[e],
	        .n_rxq = 1,
	        .n_txq = 1,
	        .pool = pool,
	        .promiscuous = true, /* a bridge forwards frames for any MAC */
	};
}

int wanem_app_params(const struct wanem_cfg_dir *d, struct wanem_params *p, const char **why)
{
	wanem_params_init(p);
	p->rate_bps = (uint64_t)llround(d->rate_mbps * BPS_PER_MBPS);
	p->burst_bytes = d->burst_bytes;
	p->queue_bytes = d->queue_bytes;
	if (p->queue_bytes == 0 && p->rate_bps != 0)
		p->queue_bytes = default_queue(p->rate_bps);
	p->delay_us = ms_to_us(d->delay_ms);
	p->jitter_us = ms_to_us(d->jitter_ms);
	p->jitter_dist = jitter_dist(d->jitter_distribution);
	p->jitter_keeps_order = d->jitter_keeps_order;
	p->loss_model = loss_model(d->loss_model);
	p->loss = d->loss;
	p->ge_p = d->ge_p;
	p->ge_r = d->ge_r;
	p->loss_bad = d->loss_bad;
	p->loss_good = d->loss_good;
	p->duplicate = d->duplicate;
	p->reorder = d->reorder;
	p->reorder_delay_us = ms_to_us(d->reorder_delay_ms);
	p->mtu = d->mtu;
	p->mtu_action = mtu_action(d->mtu_action);
	p->down = d->down;
	p->max_packets = d->max_packets;
	p->seed = d->seed;
	return wanem_params_check(p, why);
}
