/* SPDX-License-Identifier: BSD-3-Clause */
#include "bond_wire.h"

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_log.h>
#include <rte_udp.h>

#include "bond_wire_private.h"

RTE_LOG_REGISTER(bond_wire_logtype, pepgw.bond, NOTICE);

/* Seed of the flow hash: part of the protocol, like the bucket count. */
#define BOND_FLOW_HASH_SEED 0x70657067u /* "pepg" */

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const struct stat_desc result_descs[BOND_R_MAX] = {BOND_RESULTS(STAT_DESC)};

const struct stat_desc *bond_result_descs(void)
{
	return result_descs;
}

const char *bond_result_name(enum bond_result r)
{
	return (unsigned int)r < BOND_R_MAX ? result_descs[r].name : NULL;
}

const char *bond_result_help(enum bond_result r)
{
	return (unsigned int)r < BOND_R_MAX ? result_descs[r].help : NULL;
}

bool bond_result_is_drop(enum bond_result r)
{
	return (unsigned int)r < BOND_R_MAX && result_descs[r].kind == STAT_KIND_drop;
}

/* Flags each type may carry. */
static uint8_t flags_allowed(uint8_t type)
{
	return type == BOND_TYPE_DATA ? BOND_F_DATA_MASK : 0;
}

int bond_wire_encode(const struct bond_hdr *h, uint8_t out[BOND_HDR_LEN])
{
	if (h->type < BOND_TYPE_DATA || h->type > BOND_TYPE_HANDSHAKE ||
	    (h->flags & ~flags_allowed(h->type)) != 0 || h->key_slot >= BOND_KEY_SLOTS ||
	    (h->type == BOND_TYPE_HANDSHAKE && h->key_slot != 0) || h->link >= BOND_MAX_LINKS ||
	    h->queue >= BOND_MAX_QUEUES)
		return -EINVAL;
	out[0] = (uint8_t)(BOND_WIRE_VERSION << 6 | h->type << 3 | h->key_slot << 1);
	out[1] = h->flags;
	out[2] = (uint8_t)(h->link << 4 | h->queue);
	out[3] = (uint8_t)(h->ts >> 16);
	out[4] = (uint8_t)(h->ts >> 8);
	out[5] = (uint8_t)h->ts;
	out[6] = (uint8_t)(h->flow_seq >> 8);
	out[7] = (uint8_t)h->flow_seq;
	uint32_t seq = rte_cpu_to_be_32(h->link_seq);
	memcpy(out + 8, &seq, 4);
	return 0;
}

enum bond_result bond_wire_decode(const uint8_t *p, uint32_t len, struct bond_hdr *h)
{
	if (len < BOND_HDR_LEN)
		return BOND_R_drop_truncated;
	uint8_t b0 = p[0];
	if (b0 >> 6 != BOND_WIRE_VERSION)
		return BOND_R_drop_version;
	uint8_t type = (b0 >> 3) & 7, slot = (b0 >> 1) & 3;
	if (type < BOND_TYPE_DATA || type > BOND_TYPE_HANDSHAKE)
		return BOND_R_drop_type;
	if ((b0 & 1) != 0 || (p[1] & ~flags_allowed(type)) != 0 ||
	    (type == BOND_TYPE_HANDSHAKE && slot != 0))
		return BOND_R_drop_flags;
	if (type != BOND_TYPE_HANDSHAKE && len < BOND_HDR_LEN + BOND_TAG_LEN)
		return BOND_R_drop_truncated;
	h->type = type;
	h->flags = p[1];
	h->key_slot = slot;
	h->link = p[2] >> 4;
	h->queue = p[2] & 0xf;
	h->ts = (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
	h->flow_seq = (uint16_t)(p[6] << 8 | p[7]);
	uint32_t seq;
	memcpy(&seq, p + 8, 4);
	h->link_seq = rte_be_to_cpu_32(seq);
	return BOND_R_ok;
}

int bond_wire_push_outer(struct rte_mbuf *m, const struct bond_outer *o)
{
	uint32_t payload = rte_pktmbuf_pkt_len(m);
	if (payload + BOND_OUTER_LEN > UINT16_MAX)
		return -EMSGSIZE;
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, BOND_OUTER_LEN);
	if (p == NULL)
		return -ENOSPC;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = o->tos;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(payload + BOND_OUTER_LEN));
	ip->packet_id = rte_cpu_to_be_16(o->ip_id);
	ip->fragment_offset = rte_cpu_to_be_16(o->df ? RTE_IPV4_HDR_DF_FLAG : 0);
	ip->time_to_live = o->ttl != 0 ? o->ttl : 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->hdr_checksum = 0;
	ip->src_addr = rte_cpu_to_be_32(o->src);
	ip->dst_addr = rte_cpu_to_be_32(o->dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(p + sizeof(*ip));
	udp->src_port = rte_cpu_to_be_16(o->sport);
	udp->dst_port = rte_cpu_to_be_16(o->dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(payload + sizeof(*udp)));
	udp->dgram_cksum = 0;
	m->l3_len = sizeof(*ip);
	m->l4_len = sizeof(*udp);
	return 0;
}

uint32_t bond_wire_flow_hash(const uint8_t *ip, uint32_t len)
{
	if (len < sizeof(struct rte_ipv4_hdr) || ip[0] >> 4 != 4)
		return 0;
	uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4;
	uint8_t proto = ip[9];
	uint16_t frag = (uint16_t)(ip[6] << 8 | ip[7]);
	/* Two 64-bit words of host-order values: (source, destination), (protocol, ports). */
	uint64_t addrs = (uint64_t)rd32(ip + 12) << 32 | rd32(ip + 16);
	uint64_t rest = proto;
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && (frag & 0x3fff) == 0 && ihl >= 20 &&
	    len >= ihl + 4)
		rest |= (uint64_t)rd32(ip + ihl) << 32;
	return rte_hash_crc_8byte(rest, rte_hash_crc_8byte(addrs, BOND_FLOW_HASH_SEED));
}
