/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_WANEM_CONFIG_H
#define PEPGW_WANEM_CONFIG_H

/*
 * The wanem application's JSON file: lib/config's second vocabulary, on the same strict cfg
 * framework as pepgw's. Unknown keys, wrong types, out-of-range values and duplicate devices
 * are all reported, each as "FILE:LINE:COL: json.path: message". No DPDK, so `wanem --check`
 * and the fuzzer run without EAL. The vocabulary is documented in doc/wanem.md.
 *
 *   { "idle_sleep_us": 100, "mbufs": 16383, "burst": 32,
 *     "links": [ { "name": "coax", "a": "net_af_packet0,iface=x", "b": "...",
 *                  "both": {IMPAIRMENT}, "a2b": {IMPAIRMENT}, "b2a": {IMPAIRMENT} } ] }
 *
 * Each direction starts from the defaults, then takes the keys of "both", then the keys of its
 * own object ("a2b": frames received on a and sent out of b). The result is a struct
 * wanem_cfg_dir in the file's own units (Mbit/s, ms); app/wanem/params.c turns it into the
 * engine's struct wanem_params. The engine's limits and defaults come from lib/wanem's
 * wanem.h (plain constants, no DPDK), so that the two never disagree.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"

#define WANEM_CFG_MAX_LINKS             8
#define WANEM_CFG_NAME_MAX              32
#define WANEM_CFG_DEVICE_MAX            256
#define WANEM_CFG_DEFAULT_IDLE_SLEEP_US 100
#define WANEM_CFG_DEFAULT_MBUFS         16383
#define WANEM_CFG_DEFAULT_BURST         32
#define WANEM_CFG_MAX_BURST             512
#define WANEM_CFG_MAX_RATE_MBPS         1e6 /* 1 Tbit/s: the engine's WANEM_MAX_RATE_BPS */
#define WANEM_CFG_MAX_DELAY_MS          10000.0
/* Default FIFO when a rate is set and queue_bytes is not: 100 ms at the rate, >= 16 KB. */
#define WANEM_CFG_DEFAULT_QUEUE_MS      100
#define WANEM_CFG_MIN_DEFAULT_QUEUE     16384
#define WANEM_CFG_MAX_QUEUE_BYTES       (1u << 30)

enum wanem_dir { WANEM_A2B = 0, WANEM_B2A = 1, WANEM_NB_DIRS = 2 };

enum wanem_cfg_jitter_dist { WANEM_CFG_JITTER_UNIFORM, WANEM_CFG_JITTER_NORMAL };
enum wanem_cfg_loss_model { WANEM_CFG_LOSS_RANDOM, WANEM_CFG_LOSS_GILBERT_ELLIOTT };
enum wanem_cfg_mtu_action { WANEM_CFG_MTU_DROP, WANEM_CFG_MTU_ICMP };

/* One direction's impairment in the file's units; every field holds its effective value. */
struct wanem_cfg_dir {
	double rate_mbps;     /* 0 = unlimited */
	uint32_t burst_bytes; /* token bucket depth */
	uint32_t queue_bytes; /* 0 = not given: WANEM_CFG_DEFAULT_QUEUE_MS at the rate */
	double delay_ms;      /* one way */
	double jitter_ms;     /* <= delay_ms */
	enum wanem_cfg_jitter_dist jitter_distribution;
	bool jitter_keeps_order;
	enum wanem_cfg_loss_model loss_model;
	double loss;                /* random: probability 0..1 */
	double ge_p, ge_r;          /* Gilbert-Elliott: P(good -> bad), P(bad -> good) */
	double loss_bad, loss_good; /* Gilbert-Elliott: loss in each state */
	double duplicate, reorder;  /* probabilities */
	double reorder_delay_ms;    /* extra delay of a reordered packet */
	uint32_t mtu;               /* L3 length checked; 0 = no check */
	enum wanem_cfg_mtu_action mtu_action;
	uint32_t icmp_source; /* source of ICMP errors (host order); 0 = the packet's destination */
	bool down;            /* start blackholed */
	uint32_t max_packets; /* packets held, FIFO + delay line */
	uint64_t seed;        /* the direction's own stream */
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
/* JSON spelling of the enums ("?" when invalid). */
const char *wanem_cfg_jitter_dist_name(enum wanem_cfg_jitter_dist j);
const char *wanem_cfg_loss_model_name(enum wanem_cfg_loss_model l);
const char *wanem_cfg_mtu_action_name(enum wanem_cfg_mtu_action a);

/*
 * The checks between keys of one direction (each key's own range is the loader's): NULL when
 * d is consistent, else a message naming the keys and what is allowed.
 */
const char *wanem_cfg_dir_check(const struct wanem_cfg_dir *d);

/*
 * Set one impairment key of d from its text form, with the file's units (rate_mbps, delay_ms,
 * loss, ...; see doc/wanem.md) — the control channel's `set` command. Also "loss_model",
 * "ge_p", "ge_r" (loss as separate keys). Returns 0, or -EINVAL with *why naming the key's
 * allowed values (or the keys in conflict, wanem_cfg_dir_check). d is unchanged on error.
 */
int wanem_config_set_key(struct wanem_cfg_dir *d, const char *key, const char *value,
                         const char **why);

/* Keys accepted by wanem_config_set_key, NULL-terminated. */
extern const char *const wanem_config_set_keys[];

#endif
