/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_WANEM_PARAMS_H
#define PEPGW_WANEM_PARAMS_H

/*
 * wanem's configuration (lib/config's wanem_config.h, in the file's units) turned into the
 * engine's params (lib/wanem): the one place where the two meet, for the file at start-up and
 * for the control channel's `set`. Enums are mapped value by value, never cast.
 */

#include "port.h"
#include "wanem.h"
#include "wanem_config.h"

/*
 * The engine's params of one direction: wanem_params_init() defaults, then every field of d
 * (Mbit/s to bit/s, ms to us rounded to the nearest us; queue_bytes 0 becomes 100 ms at the
 * rate, at least 16 KB, when the rate is limited). Returns 0, or -EINVAL with *why (may be
 * NULL) saying what wanem_params_check() refused.
 */
int wanem_app_params(const struct wanem_cfg_dir *d, struct wanem_params *p, const char **why);

/* End e (0 = a, 1 = b) of link l as a port: one queue each way, promiscuous (a bridge). */
void wanem_app_port_params(const struct wanem_cfg_link *l, int e, const char *name,
                           struct rte_mempool *pool, struct port_params *p);

#endif
