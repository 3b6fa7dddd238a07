/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_WANEM_APP_H
#define PEPGW_WANEM_APP_H

/*
 * The wanem application: bridges pairs of ports; each pair is a link, each direction of a link
 * runs its own impairment engine (lib/wanem). One data-path thread (the main lcore) owns every
 * engine and port; the control thread never touches them: it posts requests to a one-slot
 * mailbox that the data path serves between bursts (so no lock on the packet path).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "net_icmp.h"
#include "port.h"
#include "wanem.h"
#include "wanem_config.h"

#define WANEM_APP_ICMP_RATE  100 /* ICMP errors per second per direction (RFC 1812 4.3.2.8) */
#define WANEM_APP_ICMP_BURST 10
#define WANEM_APP_IDLE_POLLS 16 /* empty iterations before sleeping idle_sleep_us */

/*
 * Application counters of one direction (the engine counts the rest), in the shape of
 * stat_desc.h. An oversize packet that mtu_action icmp drops gets a fragmentation-needed answer
 * or is counted under the one reason it got none.
 */
#define WANEM_APP_COUNTERS(X)                                                                      \
	X(rx_packets, event, "packets received on the direction's ingress port")                   \
	X(tx_packets, event, "packets handed to the egress TX queue")                              \
	X(drop_tx_full, drop,                                                                      \
	  "egress TX queue full (it carries the other way's ICMP answers too)")                    \
	X(icmp_sent, event, "fragmentation-needed answers sent")                                   \
	X(icmp_not_due, event, "oversize packets owed no answer: not IPv4 with DF set")            \
	X(icmp_ratelimited, event, "fragmentation-needed answers not sent: rate limit")            \
	X(icmp_not_allowed, event, "no answer allowed (RFC 1812 4.3.2.7: ICMP error, broadcast)")  \
	X(icmp_no_mbuf, event, "fragmentation-needed answers not built: mbuf pool empty")          \
	X(dup_no_mbuf, event, "duplicates not made: no mbuf to clone into")

/* clang-format off: the X-macro list expands to the enumerators */
enum wanem_app_counter {
#define WANEM_APP_COUNTER_ENUM(name, kind, help) WANEM_APP_C_##name,
	WANEM_APP_COUNTERS(WANEM_APP_COUNTER_ENUM)
#undef WANEM_APP_COUNTER_ENUM
	        WANEM_APP_C_MAX
};
/* clang-format on */

struct wanem_app_dir_stats {
	uint64_t c[WANEM_APP_C_MAX];
};

/* The descriptors of the application counters, indexed by enum wanem_app_counter. */
const struct stat_desc *wanem_app_counter_descs(void);

struct wanem_app_dir {
	struct wanem *w;
	struct wanem_app_dir_stats st;
	struct net_ratelimit icmp_rl;
	uint32_t icmp_source;
};

struct wanem_app_link {
	struct port_info port[2];
	bool open[2];
	struct rte_eth_dev_tx_buffer *txb[2];
	uint64_t tx_buffer_drops[2]; /* written by the TX buffer error callback */
	struct wanem_app_dir dir[WANEM_NB_DIRS];
};

enum wanem_ctl_op { WANEM_CTL_SET = 1, WANEM_CTL_STATS };

/* A snapshot of one direction for the control thread. */
struct wanem_ctl_dir_snapshot {
	struct wanem_stats engine;
	struct wanem_app_dir_stats app;
};

struct wanem_ctl_mailbox {
	uint32_t state; /* 0 free, 1 posted by control, 2 served by the data path (atomics) */
	enum wanem_ctl_op op;
	unsigned int link;
	unsigned int dir_mask; /* bit d: direction d */
	struct wanem_params params[WANEM_NB_DIRS];
	int result;
	struct wanem_ctl_dir_snapshot snap[WANEM_CFG_MAX_LINKS][WANEM_NB_DIRS];
};

struct wanem_app {
	struct wanem_config *cfg;
	struct rte_mempool *pool;
	struct wanem_app_link links[WANEM_CFG_MAX_LINKS];
	uint32_t quit; /* atomics: set by the signal handler */
	struct wanem_ctl_mailbox mb;
	/* control thread only: each direction as the control channel last set it (file units) */
	struct wanem_cfg_dir ctl_dirs[WANEM_CFG_MAX_LINKS][WANEM_NB_DIRS];
	char ctl_path[108];
	int ctl_fd;
};

/* Data path: serve a posted mailbox request, if any (data-path thread only). */
void wanem_app_serve_mailbox(struct wanem_app *app, uint64_t now_us);

/* Control: bind the UNIX socket and start the thread. Returns 0 or a negative errno. */
int wanem_ctl_start(struct wanem_app *app);
void wanem_ctl_stop(struct wanem_app *app);

/*
 * Execute one command line and write the answer (lines ending with "ok" or "error: ...") into
 * out. Used by the socket thread; posts to the mailbox and waits for the data path.
 */
void wanem_ctl_execute(struct wanem_app *app, char *line, char *out, size_t outlen);

#endif
