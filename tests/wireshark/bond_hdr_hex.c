/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Print the 12-byte pepgw tunnel header that lib/bond's own encoder writes for the given
 * fields, in hex: the dissector test builds its packets from it, so the dissector is checked
 * against the real wire format, not a second description of it.
 *   bond_hdr_hex TYPE FLAGS KEY_SLOT LINK QUEUE TS FLOW_SEQ LINK_SEQ
 */
#include <stdio.h>
#include <stdlib.h>

#include "bond_wire.h"

int main(int argc, char **argv)
{
	if (argc != 9) {
		fprintf(stderr, "usage: %s TYPE FLAGS KEY_SLOT LINK QUEUE TS FLOW_SEQ LINK_SEQ\n",
		        argv[0]);
		return 2;
	}
	struct bond_hdr h = {
	        .type = (uint8_t)strtoul(argv[1], NULL, 0),
	        .flags = (uint8_t)strtoul(argv[2], NULL, 0),
	        .key_slot = (uint8_t)strtoul(argv[3], NULL, 0),
	        .link = (uint8_t)strtoul(argv[4], NULL, 0),
	        .queue = (uint8_t)strtoul(argv[5], NULL, 0),
	        .ts = (uint32_t)strtoul(argv[6], NULL, 0) & BOND_TS_MASK,
	        .flow_seq = (uint16_t)strtoul(argv[7], NULL, 0),
	        .link_seq = (uint32_t)strtoul(argv[8], NULL, 0),
	};
	uint8_t out[BOND_HDR_LEN];
	if (bond_wire_encode(&h, out) != 0) {
		fprintf(stderr, "bond_wire_encode refused the fields\n");
		return 1;
	}
	for (unsigned int i = 0; i < BOND_HDR_LEN; i++)
		printf("%02x", out[i]);
	printf("\n");
	return 0;
}
