/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_cc_list: print the congestion-control modules of this build, one name per line, in the
 * order of tcp_cc_list.h, followed by " needs_rate" for a module that sends at a configured
 * rate. tests/config/check_cc_list.py holds the JSON schema's enum, doc/configuration.md and
 * `pepgw --check`'s message to this output.
 */
#include <stdio.h>

#include "tcp_cc.h"

int main(void)
{
	for (unsigned int i = 0; i < tcp_cc_count(); i++)
		printf("%s%s\n", tcp_cc_name(i),
		       tcp_cc_find(tcp_cc_name(i))->needs_rate ? " needs_rate" : "");
	return 0;
}
