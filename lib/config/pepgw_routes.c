/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "routes": static routes by prefix, each through a next hop ("via"), a port, or both.
 * A route without a port gets the port whose subnet holds its next hop, so builders never
 * resolve anything.
 */
#include <string.h>

#include "pepgw_section.h"

static const char *const route_keys[] = {"prefix", "via", "port", NULL};

/* The port whose subnet holds addr, or -1. */
static int onlink_port(const struct pepgw_config *cfg, uint32_t addr)
{
	for (unsigned int i = 0; i < cfg->n_ports; i++)
		if (pepgw_in_subnet(addr, cfg->ports[i].ipv4, cfg->ports[i].prefix_len))
			return (int)i;
	return -1;
}

/* Returns whether the prefix parsed (for the duplicate check). */
static bool parse_route(struct pepgw_loader *L, const struct cfg_node *n, struct cfg_route *r)
{
	bool prefix_ok = false;
	struct cfg_node m, via = cfg_member(n, "via"), port = cfg_member(n, "port");
	char a[16];

	r->port = -1;
	r->via = 0;
	if (!cfg_node_object(n, route_keys))
		return false;
	if (cfg_require(n, "prefix", &m))
		prefix_ok = cfg_node_prefix(&m, CFG_PREFIX_STRICT, &r->prefix, &r->prefix_len);
	if (!cfg_present(&via) && !cfg_present(&port)) {
		cfg_error(n, "missing \"via\" or \"port\" (allowed: a next hop, an egress port, "
		             "or both)");
		return prefix_ok;
	}
	if (cfg_present(&port))
		r->port = pepgw_port_ref(L, &port);
	if (!cfg_present(&via) || !cfg_node_ipv4(&via, &r->via) || !L->ports_ok)
		return prefix_ok;
	cfg_format_ipv4(r->via, a, sizeof(a));
	for (unsigned int i = 0; i < L->cfg->n_ports; i++) {
		if (L->cfg->ports[i].ipv4 == r->via) {
			cfg_error(&via,
			          "\"%s\" is the address of port \"%s\" (allowed: a neighbour's "
			          "address)",
			          a, L->cfg->ports[i].name);
			return prefix_ok;
		}
	}
	if (cfg_present(&port)) {
		if (r->port >= 0) {
			const struct cfg_port *p = &L->cfg->ports[r->port];
			char pa[16];
			if (!pepgw_in_subnet(r->via, p->ipv4, p->prefix_len))
				cfg_error(&via,
				          "\"%s\" is not on port \"%s\" (%s/%u; allowed: an "
				          "address in that subnet)",
				          a, p->name, cfg_format_ipv4(p->ipv4, pa, sizeof(pa)),
				          p->prefix_len);
		}
		return prefix_ok;
	}
	/* Resolve the egress port here so that builders never have to. */
	r->port = onlink_port(L->cfg, r->via);
	if (r->port < 0)
		cfg_error(&via,
		          "\"%s\" is not on any port's subnet (allowed: a next hop that a "
		          "port reaches directly)",
		          a);
	return prefix_ok;
}

static void parse_routes(struct pepgw_loader *L, const struct cfg_node *arr)
{
	bool prefix_ok[CFG_MAX_ROUTES];
	size_t n = 0;

	if (!cfg_present(arr))
		return;
	cfg_node_array(arr, CFG_MAX_ROUTES, &n);
	for (size_t i = 0; i < n; i++) {
		struct cfg_node it = cfg_item(arr, i);
		struct cfg_route *r = &L->cfg->routes[i];
		prefix_ok[i] = parse_route(L, &it, r);
		L->cfg->n_routes = (uint16_t)(i + 1);
		for (size_t j = 0; j < i && prefix_ok[i]; j++) {
			const struct cfg_route *q = &L->cfg->routes[j];
			if (prefix_ok[j] && r->prefix == q->prefix &&
			    r->prefix_len == q->prefix_len) {
				struct cfg_node pm = cfg_member(&it, "prefix");
				char a[16];
				cfg_error(&pm,
				          "duplicate route for %s/%u (first in routes[%zu]; "
				          "allowed: one route per prefix)",
				          cfg_format_ipv4(r->prefix, a, sizeof(a)), r->prefix_len,
				          j);
				break;
			}
		}
	}
}

const struct pepgw_section pepgw_section_routes = {"routes", parse_routes};
