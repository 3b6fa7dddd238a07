/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_CC_LIST_H
#define PEPGW_TCP_CC_LIST_H

/*
 * The congestion-control modules of this build: the only place one is named. X(name) per
 * module, defined in cc_<name>.c as `const struct tcp_cc_ops tcp_cc_<name>`. From this list
 * follow tcp_cc_find (lib/tcp); the values the configuration accepts for a profile's
 * `congestion_control` and its "allowed: ..." message (lib/config includes only this header:
 * no DPDK there); and, through the tcp_cc_list program, the test that holds the JSON schema's
 * enum and doc/configuration.md to it (tests/config/check_cc_list.py).
 */
#define TCP_CC_LIST(X)                                                                             \
	X(reno)                                                                                    \
	X(highspeed)                                                                               \
	X(scalable)                                                                                \
	X(vegas)                                                                                   \
	X(rate)

#endif
