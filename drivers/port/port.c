/* SPDX-License-Identifier: BSD-3-Clause */
#include "port.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>

RTE_LOG_REGISTER(port_logtype, pepgw.port, INFO);
#define PORT_LOG(level, fmt, ...)                                                                  \
	rte_log(RTE_LOG_##level, port_logtype, "port: " fmt "\n", ##__VA_ARGS__)

#define PORT_DEFAULT_DESC 1024

/*
 * 0x6d5a repeated makes the Toeplitz hash symmetric: (src, dst) and (dst, src) hash alike,
 * so both directions of a flow land on one queue and so on one lcore.
 */
const uint8_t port_rss_key[40] = {
        0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
        0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
        0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

/* Device name of a devargs string: everything before the first comma. */
static void devargs_name(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");
	if (n >= len)
		n = len - 1;
	memcpy(name, devargs, n);
	name[n] = '\0';
}

/*
 * net_af_packet with qpairs > 1 opens one socket per queue in a PACKET_FANOUT_HASH group: the
 * kernel spreads frames over the queues by itself (the device reports no RSS to ethdev), and
 * that hash is symmetric (fanout_demux_hash uses __skb_get_hash_symmetric), so both directions
 * of a flow reach one queue as with our RSS key. The PMD also sets PACKET_FANOUT_FLAG_ROLLOVER:
 * a queue whose ring is nearly full hands a large flow's frames to another queue, so the
 * affinity holds only while every lcore keeps up (size the ring with framecnt).
 */
static bool kernel_spread(const struct rte_eth_dev_info *di)
{
	return di->max_rx_queues > 1 && strcmp(di->driver_name, "net_af_packet") == 0;
}

static int find_port(const char *devargs, uint16_t *port_id)
{
	char name[RTE_DEV_NAME_MAX_LEN];
	devargs_name(devargs, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	/* A PCI device may carry a port name different from its address (e.g. mlx5 ports). */
	RTE_ETH_FOREACH_DEV(*port_id)
	{
		struct rte_eth_dev_info di;
		if (rte_eth_dev_info_get(*port_id, &di) == 0 && di.device != NULL &&
		    strcmp(rte_dev_name(di.device), name) == 0)
			return 0;
	}
	return -ENODEV;
}

static int attach(const struct port_params *p, uint16_t *port_id, char *err, size_t errlen)
{
	if (find_port(p->devargs, port_id) == 0)
		return 0;
	int rc = rte_dev_probe(p->devargs);
	if (rc < 0 && rc != -EEXIST) {
		snprintf(err, errlen, "%s: cannot attach device \"%s\": %s", p->name, p->devargs,
		         strerror(-rc));
		return rc;
	}
	if (find_port(p->devargs, port_id) < 0) {
		snprintf(err, errlen, "%s: device \"%s\" attached but is not an ethdev", p->name,
		         p->devargs);
		return -ENODEV;
	}
	return 0;
}

int port_open(const struct port_params *p, struct port_info *info, char *err, size_t errlen)
{
	struct rte_eth_dev_info di;
	struct rte_eth_conf conf;
	uint16_t port_id;
	int rc;

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", p->name);
	rc = attach(p, &port_id, err, errlen);
	if (rc < 0)
		return rc;
	info->port_id = port_id;
	rc = rte_eth_dev_info_get(port_id, &di);
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot read device info: %s", p->name, strerror(-rc));
		return rc;
	}
	snprintf(info->driver, sizeof(info->driver), "%s", di.driver_name);

	info->n_rxq = RTE_MAX(1, RTE_MIN(p->n_rxq, di.max_rx_queues));
	info->n_txq = RTE_MAX(1, RTE_MIN(p->n_txq, di.max_tx_queues));

	memset(&conf, 0, sizeof(conf));
	if (kernel_spread(&di)) {
		/*
		 * Every socket of the fanout group gets its share whatever ethdev is told, so a
		 * queue nobody polls loses its flows silently (ARP and ping included).
		 */
		if (info->n_rxq < di.max_rx_queues) {
			snprintf(err, errlen,
			         "%s: %s spreads over %u queues (qpairs) and every one must be "
			         "polled, but %u rx queue(s) wanted: give qpairs=%u",
			         p->name, di.driver_name, di.max_rx_queues, info->n_rxq,
			         info->n_rxq);
			return -EINVAL;
		}
		info->rss = true;
	} else if (info->n_rxq > 1 && di.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = (uint8_t *)(uintptr_t)port_rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len = sizeof(port_rss_key);
		conf.rx_adv_conf.rss_conf.rss_hf =
		        di.flow_type_rss_offloads &
		        (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
		info->rss = true;
	} else if (info->n_rxq > 1) {
		/* No RSS: a second queue would never see a packet. */
		info->n_rxq = 1;
	}

	uint64_t want_tx = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
	                   RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	conf.txmode.offloads = di.tx_offload_capa & want_tx;
	if (di.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->tx_ipv4_csum = conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	info->tx_tcp_csum = conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	info->tx_udp_csum = conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	uint64_t want_rx = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
	                   RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	conf.rxmode.offloads = di.rx_offload_capa & want_rx;
	info->rx_csum = (conf.rxmode.offloads & want_rx) == want_rx;

	rc = rte_eth_dev_configure(port_id, info->n_rxq, info->n_txq, &conf);
	if (rc < 0) {
		snprintf(err, errlen, "%s: configure with %u rx / %u tx queues failed: %s", p->name,
		         info->n_rxq, info->n_txq, strerror(-rc));
		return rc;
	}

	if (p->mtu != 0) {
		rc = rte_eth_dev_set_mtu(port_id, p->mtu);
		if (rc < 0 && rc != -ENOTSUP) {
			snprintf(err, errlen, "%s: MTU %u refused by %s (allowed %u..%u): %s",
			         p->name, p->mtu, di.driver_name, di.min_mtu, di.max_mtu,
			         strerror(-rc));
			return rc;
		}
	}
	uint16_t mtu = 0;
	if (rte_eth_dev_get_mtu(port_id, &mtu) < 0 || (p->mtu != 0 && mtu != p->mtu))
		mtu = p->mtu ? p->mtu : RTE_ETHER_MTU;
	info->mtu = mtu;

	uint16_t nrx = p->rx_desc ? p->rx_desc : PORT_DEFAULT_DESC;
	uint16_t ntx = p->tx_desc ? p->tx_desc : PORT_DEFAULT_DESC;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nrx, &ntx);
	if (rc < 0) {
		snprintf(err, errlen, "%s: descriptor counts refused: %s", p->name, strerror(-rc));
		return rc;
	}
	int socket = rte_eth_dev_socket_id(port_id);
	if (socket < 0)
		socket = SOCKET_ID_ANY;
	for (uint16_t q = 0; q < info->n_rxq; q++) {
		struct rte_eth_rxconf rxc = di.default_rxconf;
		rxc.offloads = conf.rxmode.offloads;
		rc = rte_eth_rx_queue_setup(port_id, q, nrx, (unsigned int)socket, &rxc, p->pool);
		if (rc < 0) {
			snprintf(err, errlen, "%s: rx queue %u set-up failed: %s", p->name, q,
			         strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < info->n_txq; q++) {
		struct rte_eth_txconf txc = di.default_txconf;
		txc.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(port_id, q, ntx, (unsigned int)socket, &txc);
		if (rc < 0) {
			snprintf(err, errlen, "%s: tx queue %u set-up failed: %s", p->name, q,
			         strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(port_id);
	if (rc < 0) {
		snprintf(err, errlen, "%s: start failed: %s", p->name, strerror(-rc));
		return rc;
	}
	if (p->promiscuous)
		rte_eth_promiscuous_enable(port_id);
	rte_eth_macaddr_get(port_id, &info->mac);
	PORT_LOG(DEBUG,
	         "%s: %s port %u, %u rx / %u tx queues, rss %s, mtu %u, tx csum ip %d tcp %d "
	         "udp %d, rx csum %d",
	         p->name, info->driver, port_id, info->n_rxq, info->n_txq, info->rss ? "on" : "off",
	         info->mtu, info->tx_ipv4_csum, info->tx_tcp_csum, info->tx_udp_csum,
	         info->rx_csum);
	return 0;
}

void port_close(const struct port_info *info)
{
	struct rte_eth_dev_info di;
	rte_eth_dev_stop(info->port_id);
	bool have_dev = rte_eth_dev_info_get(info->port_id, &di) == 0 && di.device != NULL;
	rte_eth_dev_close(info->port_id);
	if (have_dev && strcmp(rte_bus_name(rte_dev_bus(di.device)), "vdev") == 0)
		rte_dev_remove(di.device);
}

int port_link(const struct port_info *info, uint32_t *speed_mbps)
{
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(info->port_id, &link) < 0)
		return 0;
	if (speed_mbps != NULL)
		*speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
	return link.link_status == RTE_ETH_LINK_UP;
}
