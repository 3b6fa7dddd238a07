/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Probe body codec. Layout (network byte order):
 *   header  0 version  1 n_reports  2..3 reserved (0)  4..7 built_us
 *   report  0 link  1 flags  2..3 reserved (0)  4 rx_packets  8 rx_bytes (64 bits)
 *           16 rx_lost  20 rx_last_us  24 owd_base  28 owd_recent  32 jitter_us
 *           36 loss_ppm  40 echo_ts  44 echo_hold_us
 * Every length is fixed, so a body is valid only at exactly header + n x report bytes.
 */
#include "bond_health.h"

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

static void put32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	v = rte_cpu_to_be_64(v);
	memcpy(p, &v, sizeof(v));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_64(v);
}

int bond_probe_encode(const struct bond_probe *p, void *buf, size_t cap)
{
	uint8_t *b = buf;
	uint32_t seen = 0;
	size_t len;

	if (p->n_reports > BOND_LINKS_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < p->n_reports; i++) {
		const struct bond_probe_report *r = &p->r[i];

		if (r->link >= BOND_LINKS_MAX || (seen & (1u << r->link)) != 0 ||
		    (r->flags & ~BOND_PROBE_F_ALL) != 0)
			return -EINVAL;
		seen |= 1u << r->link;
	}
	len = BOND_PROBE_HDR_LEN + (size_t)p->n_reports * BOND_PROBE_REPORT_LEN;
	if (cap < len)
		return -ENOSPC;
	memset(b, 0, len);
	b[0] = BOND_PROBE_VERSION;
	b[1] = p->n_reports;
	put32(b + 4, p->built_us);
	for (unsigned int i = 0; i < p->n_reports; i++) {
		const struct bond_probe_report *r = &p->r[i];
		uint8_t *q = b + BOND_PROBE_HDR_LEN + i * BOND_PROBE_REPORT_LEN;

		q[0] = r->link;
		q[1] = r->flags;
		put32(q + 4, r->rx_packets);
		put64(q + 8, r->rx_bytes);
		put32(q + 16, r->rx_lost);
		put32(q + 20, r->rx_last_us);
		put32(q + 24, r->owd_base);
		put32(q + 28, r->owd_recent);
		put32(q + 32, r->jitter_us);
		put32(q + 36, r->loss_ppm);
		put32(q + 40, r->echo_ts);
		put32(q + 44, r->echo_hold_us);
	}
	return (int)len;
}

int bond_probe_decode(const void *buf, size_t len, struct bond_probe *p)
{
	const uint8_t *b = buf;
	uint32_t seen = 0;
	unsigned int n;

	if (len < BOND_PROBE_HDR_LEN || b[0] != BOND_PROBE_VERSION || b[2] != 0 || b[3] != 0)
		return -EBADMSG;
	n = b[1];
	if (n > BOND_LINKS_MAX || len != BOND_PROBE_HDR_LEN + (size_t)n * BOND_PROBE_REPORT_LEN)
		return -EBADMSG;
	p->built_us = get32(b + 4);
	p->n_reports = (uint8_t)n;
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *q = b + BOND_PROBE_HDR_LEN + i * BOND_PROBE_REPORT_LEN;
		struct bond_probe_report *r = &p->r[i];

		if (q[0] >= BOND_LINKS_MAX || (seen & (1u << q[0])) != 0 ||
		    (q[1] & ~BOND_PROBE_F_ALL) != 0 || q[2] != 0 || q[3] != 0)
			return -EBADMSG;
		seen |= 1u << q[0];
		r->link = q[0];
		r->flags = q[1];
		r->rx_packets = get32(q + 4);
		r->rx_bytes = get64(q + 8);
		r->rx_lost = get32(q + 16);
		r->rx_last_us = get32(q + 20);
		r->owd_base = get32(q + 24);
		r->owd_recent = get32(q + 28);
		r->jitter_us = get32(q + 32);
		r->loss_ppm = get32(q + 36);
		r->echo_ts = get32(q + 40);
		r->echo_hold_us = get32(q + 44);
	}
	return 0;
}
