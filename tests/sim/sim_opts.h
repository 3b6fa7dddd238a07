/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_SIM_OPTS_H
#define PEPGW_SIM_OPTS_H

/*
 * The command-line options every simulation takes: the emulated WAN path (lib/wanem, one
 * direction each way), the TCP profile of the WAN side, the seed, and how much to send.
 * Environment: SIM_TRACE_MS=N (a trace line every N ms of virtual time), SIM_VERBOSE=1.
 */

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim.h"

enum { SIM_UP = 0, SIM_DOWN = 1 }; /* up: toward the server */

struct sim_outage {
	struct sim_path *path[2];
	bool down;
};

struct sim_opts {
	const char *prog;
	uint64_t bytes;    /* --bytes: up direction; ignored with --duration-s */
	double duration_s; /* --duration-s: send until then (0: --bytes) */
	double timeout_s;  /* --timeout-s: give up at this virtual time */
	uint64_t seed;     /* --seed: every link's loss, jitter and reorder stream */
	double rtt_ms;     /* base RTT: the two one-way delays */
	struct wanem_params wan[2];
	struct tcp_profile wan_profile; /* --cc, --sack, --ts, --window-bytes, --initial-window */
	uint32_t isn;                   /* --isn: every connection's ISN (0: keyed) */
	double down_at_s, down_for_s;   /* --wan-down-at-s / --wan-down-for-s: an outage */
	uint64_t trace_us;
	bool verbose;
	struct sim_outage outage[2]; /* sim_opts_schedule's events (down, up) */
};

/*
 * A program's own options: getopt_long entries whose val is below 256, handled by cb (return
 * 0, or -1 after printing the error). Parse argv into o (defaults first). Returns 0; 1 for
 * --help (print the usage, exit 0); or -1 after printing a message that names the option,
 * the bad value and what is allowed.
 */
int sim_opts_parse(struct sim_opts *o, int argc, char **argv, const struct option *extra,
                   int (*cb)(void *arg, int val, const char *value), void *arg);

/*
 * A sim program's start: sim_opts_parse, then the EAL. Returns -1 to go on, else the status
 * main returns (0 after --help printed usage(), 2 after a message on stderr naming prog).
 */
int sim_opts_start(struct sim_opts *o, int argc, char **argv, const char *prog,
                   const struct option *extra, int (*cb)(void *arg, int val, const char *value),
                   void *arg, void (*usage)(void));

/*
 * A sim program's one measured flow: open spec from client c, its tuple set to the programs'
 * common one (10.0.0.1:40000 -> 10.0.0.2:5001), and run until every node is idle or
 * o->timeout_s. Returns 1 when idle, 0 at the timeout, -1 when the flow did not open (both
 * with a message on stderr naming prog); *cpu_s is the CPU time the run took.
 */
int sim_opts_run_flow(const struct sim_opts *o, struct sim *s, struct sim_node *c,
                      struct sim_flow_spec *spec, const char *prog, double *cpu_s);

/* The options this file handles, one per line, for a program's usage text. */
void sim_opts_usage(FILE *out);

/* Path parameters for one direction of the WAN path from the options. */
void sim_opts_wan_path(const struct sim_opts *o, int dir, struct sim_path_params *pp);

/* Schedule the options' run-time events (the outage) on the WAN paths; o must live as long
 * as the run. 0 or -ENOSPC. */
int sim_opts_schedule(struct sim_opts *o, struct sim *s, struct sim_path *up,
                      struct sim_path *down);

/* Parse a number for an option: 0, or -1 after printing "prog: --name: 'value' ...". */
int sim_opt_double(const char *prog, const char *name, const char *value, double lo, double hi,
                   double *out);

#endif
