/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP flag policy (net.h, net_tcp_flags_check). Written from netfilter's table of valid
 * combinations; each refused combination is named by the first rule below that it breaks, so
 * that every refused segment has exactly one reason.
 */
#include <rte_branch_prediction.h>
#include <rte_tcp.h>

#include "net.h"

#define F_FIN RTE_TCP_FIN_FLAG
#define F_SYN RTE_TCP_SYN_FLAG
#define F_RST RTE_TCP_RST_FLAG
#define F_ACK RTE_TCP_ACK_FLAG
#define F_URG RTE_TCP_URG_FLAG

int net_tcp_flags_check(uint8_t flags)
{
	/* PSH, ECE and CWR never make a segment invalid: only these five decide. */
	uint8_t k = flags & (F_FIN | F_SYN | F_RST | F_ACK | F_URG);

	if (likely(k == F_ACK))
		return 0;
	if ((k & (F_SYN | F_FIN)) == (F_SYN | F_FIN))
		return STAT_drop_tcp_syn_fin;
	if ((k & (F_SYN | F_RST)) == (F_SYN | F_RST))
		return STAT_drop_tcp_syn_rst;
	if ((k & (F_RST | F_FIN)) == (F_RST | F_FIN))
		return STAT_drop_tcp_rst_fin;
	if ((k & (F_SYN | F_RST | F_ACK)) == 0)
		return flags == 0 ? STAT_drop_tcp_no_flags : STAT_drop_tcp_no_ack;
	/* Left: SYN, RST or ACK, with at most URG and FIN beside (FIN only with ACK). */
	if ((k & F_URG) && ((k & F_RST) || (k & (F_SYN | F_ACK)) == (F_SYN | F_ACK)))
		return STAT_drop_tcp_urg;
	return 0;
}
