/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "arp": the neighbour table's timers and queue, and static entries (each a neighbour
 * on the port it names).
 */
#include "pepgw_section.h"

#define ARP_TIMEOUT_S_DEFAULT 300
#define ARP_TIMEOUT_S_MAX     86400
#define ARP_RETRY_MS_DEFAULT  1000
#define ARP_RETRY_MS_MIN      10
#define ARP_RETRY_MS_MAX      60000
#define ARP_QUEUE_LEN_DEFAULT 8
#define ARP_QUEUE_LEN_MAX     CFG_ARP_QUEUE_LEN_MAX

static const char *const arp_keys[] = {"timeout_s", "retry_ms", "queue_len", "static", NULL};
static const char *const arp_static_keys[] = {"ipv4", "mac", "port", NULL};

static void parse_arp(struct pepgw_loader *L, const struct cfg_node *sec)
{
	struct cfg_arp *arp = &L->cfg->arp;
	struct cfg_node n = *sec, arr;
	size_t count = 0;

	arp->timeout_s = ARP_TIMEOUT_S_DEFAULT;
	arp->retry_ms = ARP_RETRY_MS_DEFAULT;
	arp->queue_len = ARP_QUEUE_LEN_DEFAULT;
	if (!cfg_present(&n) || !cfg_node_object(&n, arp_keys))
		return;
	cfg_get_u32(&n, "timeout_s", CFG_OPTIONAL, 1, ARP_TIMEOUT_S_MAX, ARP_TIMEOUT_S_DEFAULT,
	            &arp->timeout_s);
	cfg_get_u32(&n, "retry_ms", CFG_OPTIONAL, ARP_RETRY_MS_MIN, ARP_RETRY_MS_MAX,
	            ARP_RETRY_MS_DEFAULT, &arp->retry_ms);
	cfg_get_u16(&n, "queue_len", CFG_OPTIONAL, 0, ARP_QUEUE_LEN_MAX, ARP_QUEUE_LEN_DEFAULT,
	            &arp->queue_len);
	arr = cfg_member(&n, "static");
	if (!cfg_present(&arr))
		return;
	cfg_node_array(&arr, CFG_MAX_ARP_STATIC, &count);
	for (size_t i = 0; i < count; i++) {
		struct cfg_node it = cfg_item(&arr, i), m;
		struct cfg_arp_static *s = &arp->statics[i];
		bool have_ip = false;

		arp->n_statics = (uint16_t)(i + 1);
		s->port = -1;
		if (!cfg_node_object(&it, arp_static_keys))
			continue;
		if (cfg_require(&it, "ipv4", &m))
			have_ip = cfg_node_ipv4(&m, &s->ipv4);
		if (cfg_require(&it, "mac", &m))
			cfg_node_mac(&m, s->mac);
		if (cfg_require(&it, "port", &m))
			s->port = pepgw_port_ref(L, &m);
		if (!have_ip)
			continue;
		m = cfg_member(&it, "ipv4");
		char a[16];
		cfg_format_ipv4(s->ipv4, a, sizeof(a));
		if (s->port >= 0 && L->ports_ok) {
			const struct cfg_port *p = &L->cfg->ports[s->port];
			if (!pepgw_in_subnet(s->ipv4, p->ipv4, p->prefix_len) || s->ipv4 == p->ipv4)
				cfg_error(&m,
				          "\"%s\" is not a neighbour on port \"%s\" (allowed: "
				          "another address in %s's subnet)",
				          a, p->name, p->name);
		}
		for (size_t j = 0; j < i; j++) {
			if (arp->statics[j].ipv4 == s->ipv4) {
				cfg_error(&m,
				          "duplicate static entry for \"%s\" (first in "
				          "arp.static[%zu]; allowed: one entry per address)",
				          a, j);
				break;
			}
		}
	}
}

const struct pepgw_section pepgw_section_arp = {"arp", parse_arp};
