/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_WANEM_CONFIG_H
#define PEPGW_WANEM_CONFIG_H

/*
 * The wanem application's JSON file, loaded with the strict cfg framework (lib/config): unknown
 * keys, wrong types, out-of-range values and duplicate devices are all reported, each as
 * "FILE:LINE:COL: json.path: message". No DPDK, so `wanem --check` and the fuzzer run without
 * EAL. The vocabulary is documented in doc/wanem.md.
 *
 *   { "idle_sleep_us": 100, "mbufs": 16383, "burst": 32,
 *     "links": [ { "name": "coax", "a": "net_af_packet0,iface=x", "b": "...",
 *                  "both": {IMPAIRMENT}, "a2b": {IMPAIRMENT}, "b2a": {IMPAIRMENT} } ] }
 *
 * Each direction starts from the defaults, then takes the keys of "both", then the keys of its
 * own object ("a2b": frames received on a and sent out of b).
 */

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "wanem.h"

#define WANEM_CFG_MAX_LINKS             8
#define WANEM_CFG_NAME_MAX              32
#define WANEM_CFG_DEVICE_MAX            256
#define WANEM_CFG_DEFAULT_IDLE_SLEEP_US 100
#define WANEM_CFG_DEFAULT_MBUFS         16383
#define WANEM_CFG_DEFAULT_BURST         32
#define WANEM_CFG_MAX_BURST             512
/* Default FIFO when a rate is set and queue_bytes is not: 100 ms at the rate, >= 16 KB. */
#define WANEM_CFG_DEFAULT_QUEUE_MS      100
#define WANEM_CFG_MIN_DEFAULT_QUEUE     16384

enum wanem_dir { WANEM_A2B = 0, WANEM_B2A = 1, WANEM_NB_DIRS = 2 };

struct wanem_cfg_dir {
	struct wanem_params params;
	uint32_t icmp_source; /* source of ICMP errors (host order); 0 = the packet's destination */
};

struct wanem_cfg_link {
	char name[WANEM_CFG_NAME_MAX];
	char dev[2][WANEM_CFG_DEVICE_MAX]; /* [0] = a, [1] = b: DPDK devargs */
	struct wanem_cfg_dir dir[WANEM_NB_DIRS];
};

struct wanem_config {
	uint32_t idle_sleep_us;
	uint32_t mbufs;
	uint16_t burst;
	unsigned int n_links;
	struct wanem_cfg_link links[WANEM_CFG_MAX_LINKS];
};

/*
 * Load and check path. Returns a config to release with wanem_config_free, or NULL after
 * adding at least one message to errs (never NULL with an empty errs).
 */
struct wanem_config *wanem_config_load(const char *path, struct cfg_errors *errs);
/* The same from memory; name stands for the file name in messages. */
struct wanem_config *wanem_config_load_buffer(const char *name, const char *text, size_t len,
                                              struct cfg_errors *errs);
void wanem_config_free(struct wanem_config *cfg);

/* Index of the link called name, or -1. */
int wanem_config_find_link(const struct wanem_config *cfg, const char *name);

/* "a2b", "b2a" */
const char *wanem_dir_name(enum wanem_dir d);

/*
 * Set one impairment key of p from its text form, with the JSON file's units (rate_mbps,
 * delay_ms, loss, ...; see doc/wanem.md) — the control channel's `set` command. Returns 0, or
 * -EINVAL with *why naming the key's allowed values. p is unchanged on error.
 */
int wanem_config_set_key(struct wanem_params *p, const char *key, const char *value,
                         const char **why);

/* Keys accepted by wanem_config_set_key, NULL-terminated. */
extern const char *const wanem_config_set_keys[];

#endif
