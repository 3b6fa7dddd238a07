/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_WIRE_PRIVATE_H
#define PEPGW_BOND_WIRE_PRIVATE_H

/* Internal to lib/bond's wire and security files; never included from outside lib/bond. */

#include <stdint.h>

#include <rte_log.h>

#include "bond_keys.h"

/* Log type "pepgw.bond" (registered in bond_wire.c). Never logs key material. */
extern int bond_wire_logtype;
#define BOND_LOG(level, fmt, ...)                                                                  \
	rte_log(RTE_LOG_##level, bond_wire_logtype, "bond: " fmt "\n", ##__VA_ARGS__)

struct bond_psk {
	uint8_t key[BOND_PSK_LEN];
};

/* The key that authenticates handshake messages: HKDF(PSK, "pepgw bond v1", "handshake mac"). */
void bond_psk_handshake_key(const struct bond_psk *psk, uint8_t out[BOND_SHA256_LEN]);

#endif
