/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "ports": the gateway's interfaces (name, DPDK device, role, address, MTU, queues).
 * Required, 1..CFG_MAX_PORTS; names, devices and subnets are unique. Other sections name a
 * port through pepgw_port_ref().
 */
#include <string.h>

#include "pepgw_section.h"

#define PORT_MTU_MIN      68 /* RFC 791: every host must accept 68-byte datagrams */
#define PORT_MTU_MAX      9600
#define PORT_MTU_DEFAULT  1500
#define PORT_DESC_MIN     64
#define PORT_DESC_MAX     16384
#define PORT_DESC_DEFAULT 1024
#define PORT_RXQ_MAX      CFG_MAX_LCORES

/* In enum order: the index returned by cfg_node_enum is the enum value. */
static const char *const role_names[] = {"lan", "wan", NULL};

const char *cfg_role_name(enum cfg_port_role r)
{
	return (unsigned int)r <= CFG_ROLE_WAN ? role_names[r] : "?";
}

int pepgw_config_port_index(const struct pepgw_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void port_list(const struct pepgw_config *cfg, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned int i = 0; i < cfg->n_ports && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s\"%s\"", i ? ", " : "",
		                 cfg->ports[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (cfg->n_ports == 0)
		snprintf(buf, size, "none defined");
}

/* A port name reference: index or -1 after reporting a dangling reference. */
int pepgw_port_ref(struct pepgw_loader *L, const struct cfg_node *n)
{
	char name[CFG_NAME_MAX], list[CFG_MAX_PORTS * (CFG_NAME_MAX + 4) + 16], d[64];
	port_list(L->cfg, list, sizeof(list));
	if (!json_is_string(n->json)) {
		cfg_error(n, "found %s (allowed: a port name: %s)",
		          cfg_describe(n->json, d, sizeof(d)), list);
		return -1;
	}
	int i = -1;
	if (cfg_name_valid(json_string_value(n->json), sizeof(name))) {
		snprintf(name, sizeof(name), "%s", json_string_value(n->json));
		i = pepgw_config_port_index(L->cfg, name);
	}
	if (i < 0)
		cfg_error(n, "no port named %s (allowed: %s)",
		          cfg_describe(n->json, d, sizeof(d)) + strlen("string "), list);
	return i;
}

static const char *const port_keys[] = {"name",      "device",  "role",    "ipv4", "mtu",
                                        "rx_queues", "rx_desc", "tx_desc", NULL};

static bool parse_port(struct pepgw_loader *L, const struct cfg_node *n, unsigned int idx)
{
	struct cfg_port *p = &L->cfg->ports[idx];
	struct cfg_node m;
	int role = CFG_ROLE_LAN;
	bool ok = true;
	char a[16];

	if (!cfg_node_object(n, port_keys))
		return false;
	ok &= cfg_get_name(n, "name", CFG_REQUIRED, NULL, p->name, sizeof(p->name));
	ok &= cfg_get_string(n, "device", CFG_REQUIRED, NULL, p->device, sizeof(p->device));
	ok &= cfg_get_enum(n, "role", CFG_REQUIRED, role_names, CFG_ROLE_LAN, &role);
	p->role = (enum cfg_port_role)role;
	ok &= cfg_get_u16(n, "mtu", CFG_OPTIONAL, PORT_MTU_MIN, PORT_MTU_MAX, PORT_MTU_DEFAULT,
	                  &p->mtu);
	ok &= cfg_get_u16(n, "rx_queues", CFG_OPTIONAL, 0, PORT_RXQ_MAX, 0, &p->rx_queues);
	ok &= cfg_get_u16(n, "rx_desc", CFG_OPTIONAL, PORT_DESC_MIN, PORT_DESC_MAX,
	                  PORT_DESC_DEFAULT, &p->rx_desc);
	ok &= cfg_get_u16(n, "tx_desc", CFG_OPTIONAL, PORT_DESC_MIN, PORT_DESC_MAX,
	                  PORT_DESC_DEFAULT, &p->tx_desc);
	if (!cfg_require(n, "ipv4", &m))
		return false;
	if (!cfg_node_prefix(&m, CFG_PREFIX_HOST_BITS_OK, &p->ipv4, &p->prefix_len))
		return false;
	uint32_t mask = cfg_prefix_mask(p->prefix_len);
	cfg_format_ipv4(p->ipv4, a, sizeof(a));
	if (p->prefix_len == 0 || (p->ipv4 >> 24) == 0 || (p->ipv4 >> 28) >= 0xe ||
	    (p->ipv4 >> 24) == 127) {
		cfg_error(&m,
		          "\"%s/%u\" cannot be an interface address (allowed: a unicast "
		          "address with a prefix length 1..32)",
		          a, p->prefix_len);
		p->ipv4 = 0;
		p->prefix_len = 0; /* no overlap checks against it */
		return false;
	}
	/* RFC 1122 3.2.1.3: all-zeros and all-ones host parts are not host addresses (a /31 is
	 * the RFC 3021 exception, a /32 has no host part). */
	if (p->prefix_len <= 30 && ((p->ipv4 & ~mask) == 0 || (p->ipv4 | mask) == 0xffffffffu)) {
		cfg_error(&m, "\"%s/%u\" is the %s address of its subnet (allowed: a host address)",
		          a, p->prefix_len, (p->ipv4 & ~mask) == 0 ? "network" : "broadcast");
		p->ipv4 = 0;
		p->prefix_len = 0;
		return false;
	}
	return ok;
}

static void parse_ports(struct pepgw_loader *L, const struct cfg_node *sec)
{
	const struct cfg_node arr = *sec;
	size_t n = 0;

	L->ports_ok = false;
	if (!cfg_present(&arr)) {
		cfg_error(arr.parent, "missing required key \"%s\"", arr.key);
		return;
	}
	bool ok = cfg_node_array(&arr, CFG_MAX_PORTS, &n);
	if (ok && n == 0) {
		cfg_error(&arr, "no port defined (allowed: 1..%d ports)", CFG_MAX_PORTS);
		ok = false;
	}
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(&arr, i);
		struct cfg_port *p = &L->cfg->ports[i];
		ok &= parse_port(L, &it, (unsigned int)i);
		L->cfg->n_ports = (uint8_t)(i + 1);
		for (size_t j = 0; j < i; j++) {
			const struct cfg_port *q = &L->cfg->ports[j];
			struct cfg_node f;
			if (p->name[0] && strcmp(p->name, q->name) == 0) {
				f = cfg_member(&it, "name");
				cfg_error(&f,
				          "duplicate port name \"%s\" (first in ports[%zu]; "
				          "allowed: each name once)",
				          p->name, j);
				ok = false;
			}
			if (p->device[0] && strcmp(p->device, q->device) == 0) {
				f = cfg_member(&it, "device");
				cfg_error(&f,
				          "device already used by ports[%zu] \"%s\" (allowed: "
				          "each device once)",
				          j, q->name);
				ok = false;
			}
			if (p->prefix_len && q->prefix_len &&
			    pepgw_in_subnet(p->ipv4, q->ipv4,
			                    p->prefix_len < q->prefix_len ? p->prefix_len
			                                                  : q->prefix_len)) {
				char a[16];
				f = cfg_member(&it, "ipv4");
				cfg_error(&f,
				          "subnet overlaps ports[%zu] \"%s\" (%s/%u); allowed: "
				          "disjoint subnets per port",
				          j, q->name, cfg_format_ipv4(q->ipv4, a, sizeof(a)),
				          q->prefix_len);
				ok = false;
			}
		}
	}
	L->ports_ok = ok;
}

const struct pepgw_section pepgw_section_ports = {"ports", parse_ports};
