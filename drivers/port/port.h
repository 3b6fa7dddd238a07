/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_PORT_H
#define PEPGW_PORT_H

/*
 * Port bring-up for any DPDK ethdev: PCI NICs and the virtual devices (net_af_packet,
 * net_af_xdp, net_tap, net_pcap, net_null, net_ring, net_memif). The device is named by its
 * devargs string as EAL would take it ("net_af_packet0,iface=veth0", "0000:03:00.0"); a
 * device that EAL already probed (-a / --vdev) is found by name.
 *
 * Capabilities decide the set-up: symmetric RSS across rx queues when the device has RSS and
 * more than one queue is asked for (net_af_packet with qpairs=N spreads in the kernel, by a
 * symmetric hash, and needs all N queues polled); IPv4/TCP/UDP checksum offload when the
 * device has it (the data path computes checksums in software where it does not, see
 * port_info.tx_csum). Shared by pepgw and wanem.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#define PORT_NAME_MAX 32

struct port_params {
	const char *name;    /* our name for messages ("lan0") */
	const char *devargs; /* device to attach */
	uint16_t mtu;        /* 0 = leave the device's */
	uint16_t n_rxq;      /* queues wanted; capped at what the device has */
	uint16_t n_txq;
	uint16_t rx_desc; /* 0 = 1024 */
	uint16_t tx_desc; /* 0 = 1024 */
	struct rte_mempool *pool;
	bool promiscuous; /* wanem bridges need it; a router does not */
};

/* What the port ended up with. */
struct port_info {
	char name[PORT_NAME_MAX];
	uint16_t port_id;
	uint16_t n_rxq, n_txq;
	uint16_t mtu;
	struct rte_ether_addr mac;
	char driver[32];
	bool rss;          /* flows spread over n_rxq queues by a symmetric hash */
	bool tx_ipv4_csum; /* offload flags enabled on the port */
	bool tx_tcp_csum;
	bool tx_udp_csum;
	bool rx_csum; /* RX checksum verification reported in ol_flags */
};

/*
 * Attach (if needed), configure and start a port. Returns 0 and fills info, or a negative
 * errno with a message written to err (errlen bytes): device not found, probe failed,
 * configure/queue set-up failed, MTU refused (only an error when the device supports setting
 * it and refused the value).
 */
int port_open(const struct port_params *p, struct port_info *info, char *err, size_t errlen);

/* Stop and close the port (detaching vdevs). */
void port_close(const struct port_info *info);

/* Link state for messages and telemetry: 1 up, 0 down; speed in Mb/s (0 unknown). */
int port_link(const struct port_info *info, uint32_t *speed_mbps);

/* The symmetric Toeplitz key (0x6d5a repeated) used for RSS, 40 bytes. */
extern const uint8_t port_rss_key[40];

#endif
