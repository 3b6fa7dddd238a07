/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "links": the WAN links of the bonded tunnel. A link is a UDP endpoint of ours on a
 * wan port (the port's address, local_port) and, when known, the peer's endpoint on the other
 * side; a peer that is not configured is learned from the peer's authenticated packets (NAT,
 * changing addresses). Each link belongs to the one peer that lists it (section "peers", which
 * also checks what depends on the peer).
 */
#include <string.h>

#include "pepgw_section.h"

#define LINK_LOCAL_PORT_DEFAULT 6400
#define LINK_RATE_KBPS_MAX      100000000 /* 100 Gbit/s */
/* An inner packet of 68 bytes (RFC 791's minimum MTU) must fit after the encapsulation. */
#define LINK_MTU_MIN            (68 + CFG_TUNNEL_OVERHEAD)

int pepgw_link_ref(struct pepgw_loader *L, const struct cfg_node *n)
{
	char name[CFG_NAME_MAX], list[CFG_MAX_LINKS * (CFG_NAME_MAX + 4) + 16], d[64];
	const struct pepgw_config *cfg = L->cfg;
	size_t used = 0;

	if (json_is_string(n->json) && cfg_name_valid(json_string_value(n->json), sizeof(name))) {
		snprintf(name, sizeof(name), "%s", json_string_value(n->json));
		for (unsigned int i = 0; i < cfg->n_links; i++)
			if (strcmp(cfg->links[i].name, name) == 0)
				return (int)i;
	}
	list[0] = '\0';
	for (unsigned int k = 0; k < cfg->n_links && used < sizeof(list); k++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s\"%s\"", k ? ", " : "",
		                 cfg->links[k].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (cfg->n_links == 0)
		snprintf(list, sizeof(list), "none defined in links");
	if (json_is_string(n->json))
		cfg_error(n, "no link named %s (allowed: %s)",
		          cfg_describe(n->json, d, sizeof(d)) + strlen("string "), list);
	else
		cfg_error(n, "found %s (allowed: a link name: %s)",
		          cfg_describe(n->json, d, sizeof(d)), list);
	return -1;
}

static const char *const link_keys[] = {
        "name",         "port",           "local_port", "peer_endpoint", "gateway",
        "rate_up_kbps", "rate_down_kbps", "priority",   "mtu",           NULL};

static void parse_link(struct pepgw_loader *L, const struct cfg_node *n, struct cfg_link *k)
{
	const struct cfg_port *port = NULL;
	struct cfg_node m;
	char a[16], b[16];

	k->port = -1;
	k->peer = -1;
	k->local_port = LINK_LOCAL_PORT_DEFAULT;
	if (!cfg_node_object(n, link_keys))
		return;
	cfg_get_name(n, "name", CFG_REQUIRED, NULL, k->name, sizeof(k->name));
	if (cfg_require(n, "port", &m)) {
		k->port = pepgw_port_ref(L, &m);
		if (k->port >= 0) {
			port = &L->cfg->ports[k->port];
			if (port->role != CFG_ROLE_WAN) {
				cfg_error(&m,
				          "port \"%s\" has role \"lan\" (allowed: a port with role "
				          "\"wan\")",
				          port->name);
				port = NULL;
			}
		}
	}
	cfg_get_u16(n, "local_port", CFG_OPTIONAL, 1, 65535, LINK_LOCAL_PORT_DEFAULT,
	            &k->local_port);
	cfg_get_u32(n, "rate_up_kbps", CFG_OPTIONAL, 0, LINK_RATE_KBPS_MAX, 0, &k->rate_up_kbps);
	cfg_get_u32(n, "rate_down_kbps", CFG_OPTIONAL, 0, LINK_RATE_KBPS_MAX, 0,
	            &k->rate_down_kbps);
	cfg_get_u8(n, "priority", CFG_OPTIONAL, 0, 255, 0, &k->priority);
	/* Without a valid port the MTU has no bound to check against (the load fails anyway). */
	uint16_t mtu_max = port != NULL ? port->mtu : 65535;
	m = cfg_member(n, "mtu");
	if (port != NULL && port->mtu < LINK_MTU_MIN) {
		cfg_error(cfg_present(&m) ? &m : n,
		          "port \"%s\" has MTU %u, below the %u a tunnel link needs (68 + the "
		          "%u-byte encapsulation)",
		          port->name, port->mtu, LINK_MTU_MIN, CFG_TUNNEL_OVERHEAD);
		k->mtu = port->mtu;
	} else {
		cfg_get_u16(n, "mtu", CFG_OPTIONAL, LINK_MTU_MIN, mtu_max, mtu_max, &k->mtu);
	}

	m = cfg_member(n, "gateway");
	if (cfg_present(&m) && cfg_node_ipv4(&m, &k->gateway) && port != NULL) {
		if (!pepgw_in_subnet(k->gateway, port->ipv4, port->prefix_len) ||
		    k->gateway == port->ipv4)
			cfg_error(&m,
			          "\"%s\" is not a neighbour on port \"%s\" (allowed: an address "
			          "in %s/%u other than the port's)",
			          cfg_format_ipv4(k->gateway, a, sizeof(a)), port->name,
			          cfg_format_ipv4(port->ipv4 & cfg_prefix_mask(port->prefix_len), b,
			                          sizeof(b)),
			          port->prefix_len);
	}
	m = cfg_member(n, "peer_endpoint");
	if (cfg_present(&m) && cfg_node_endpoint(&m, &k->peer_ip, &k->peer_port)) {
		k->has_peer_endpoint = true;
		for (unsigned int i = 0; i < L->cfg->n_ports; i++)
			if (L->cfg->ports[i].ipv4 == k->peer_ip)
				cfg_error(&m,
				          "\"%s\" is the address of port \"%s\" (allowed: the "
				          "peer's)",
				          cfg_format_ipv4(k->peer_ip, a, sizeof(a)),
				          L->cfg->ports[i].name);
		if (port != NULL && k->gateway == 0 &&
		    !pepgw_in_subnet(k->peer_ip, port->ipv4, port->prefix_len))
			cfg_error(&m,
			          "\"%s\" is not on port \"%s\"'s subnet %s/%u and the link has no "
			          "\"gateway\" (allowed: an on-link endpoint, or a gateway)",
			          cfg_format_ipv4(k->peer_ip, a, sizeof(a)), port->name,
			          cfg_format_ipv4(port->ipv4 & cfg_prefix_mask(port->prefix_len), b,
			                          sizeof(b)),
			          port->prefix_len);
	}
}

static void parse_links(struct pepgw_loader *L, const struct cfg_node *arr)
{
	size_t n = 0;

	if (!cfg_present(arr))
		return;
	cfg_node_array(arr, CFG_MAX_LINKS, &n);
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(arr, i);
		struct cfg_link *k = &L->cfg->links[i];
		parse_link(L, &it, k);
		L->cfg->n_links = (uint8_t)(i + 1);
		for (size_t j = 0; j < i && k->name[0]; j++) {
			if (strcmp(L->cfg->links[j].name, k->name) == 0) {
				struct cfg_node f = cfg_member(&it, "name");
				cfg_error(
				        &f,
				        "duplicate link name \"%s\" (first in links[%zu]; allowed: "
				        "each name once)",
				        k->name, j);
				break;
			}
		}
	}
}

const struct pepgw_section pepgw_section_links = {"links", parse_links};
