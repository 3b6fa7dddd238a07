/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_JOURNAL_H
#define PEPGW_JOURNAL_H

#include <stdbool.h>

/*
 * When stderr is systemd's journal stream, send DPDK's log there once, each line with its
 * syslog priority; otherwise leave EAL's default log (stderr and syslog) alone. Call before
 * rte_eal_init. Returns true when the journal stream was taken.
 */
bool gw_journal_log_init(void);

#endif
