/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "peers": the pepgw gateways at the other end of the bonded tunnel. A peer has its
 * links (in link-id order: both gateways list them alike), a pre-shared key file (loaded and
 * checked at start-up and by --check: it must be mode 0600 or stricter), the remote networks
 * it serves (traffic to them is tunneled to it, and only packets from them are accepted out
 * of its tunnel) and a bond profile. Every link belongs to exactly one peer.
 */
#include <string.h>

#include "pepgw_section.h"

static const char *const peer_keys[] = {"name",         "links", "key_file", "remote_networks",
                                        "bond_profile", NULL};

static bool prefixes_overlap(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	return pepgw_in_subnet(a->addr, b->addr, a->len < b->len ? a->len : b->len);
}

static void parse_peer_links(struct pepgw_loader *L, const struct cfg_node *n, unsigned int idx)
{
	struct cfg_peer *p = &L->cfg->peers[idx];
	struct cfg_node m;
	size_t count = 0;

	if (!cfg_require(n, "links", &m) || !cfg_node_array(&m, CFG_MAX_PEER_LINKS, &count))
		return;
	if (count == 0) {
		cfg_error(&m, "no link (allowed: 1..%d link names)", CFG_MAX_PEER_LINKS);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		struct cfg_node it = cfg_item(&m, i);
		int k = pepgw_link_ref(L, &it);
		if (k < 0)
			continue;
		struct cfg_link *lk = &L->cfg->links[k];
		if (lk->peer >= 0) {
			cfg_error(&it,
			          "link \"%s\" already belongs to peer \"%s\" (allowed: each "
			          "link in one peer, once)",
			          lk->name, L->cfg->peers[lk->peer].name);
			continue;
		}
		lk->peer = (int)idx;
		lk->id = p->n_links;
		p->links[p->n_links++] = (uint8_t)k;
	}
}

static void parse_remote(struct pepgw_loader *L, const struct cfg_node *n, unsigned int idx)
{
	struct cfg_peer *p = &L->cfg->peers[idx];
	const struct pepgw_config *cfg = L->cfg;
	struct cfg_node m;
	size_t count = 0;
	char a[16], b[16];

	if (!cfg_require(n, "remote_networks", &m) ||
	    !cfg_node_array(&m, CFG_MAX_REMOTE_NETS, &count))
		return;
	if (count == 0) {
		cfg_error(&m, "no network (allowed: 1..%d prefixes)", CFG_MAX_REMOTE_NETS);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		struct cfg_node it = cfg_item(&m, i);
		struct cfg_prefix *r = &p->remote[p->n_remote];
		if (!cfg_node_prefix(&it, CFG_PREFIX_BARE_OK, &r->addr, &r->len))
			continue;
		bool bad = false;
		for (unsigned int q = 0; q <= idx && !bad; q++) {
			const struct cfg_peer *o = &cfg->peers[q];
			unsigned int n_o = q == idx ? p->n_remote : o->n_remote;
			for (unsigned int j = 0; j < n_o && !bad; j++) {
				if (!prefixes_overlap(r, &o->remote[j]))
					continue;
				cfg_error(&it,
				          "overlaps %s/%u of peer \"%s\" (allowed: disjoint remote "
				          "networks: each address has one peer)",
				          cfg_format_ipv4(o->remote[j].addr, a, sizeof(a)),
				          o->remote[j].len, o->name);
				bad = true;
			}
		}
		for (unsigned int q = 0; q < cfg->n_ports && !bad; q++) {
			const struct cfg_port *pt = &cfg->ports[q];
			struct cfg_prefix net = {.addr = pt->ipv4, .len = pt->prefix_len};
			if (pt->prefix_len == 0 || !prefixes_overlap(r, &net))
				continue;
			cfg_error(&it,
			          "overlaps port \"%s\"'s network %s/%u (allowed: networks behind "
			          "the "
			          "peer, not ours)",
			          pt->name,
			          cfg_format_ipv4(pt->ipv4 & cfg_prefix_mask(pt->prefix_len), b,
			                          sizeof(b)),
			          pt->prefix_len);
			bad = true;
		}
		if (!bad)
			p->n_remote++;
	}
}

static void parse_peer(struct pepgw_loader *L, const struct cfg_node *n, unsigned int idx)
{
	struct cfg_peer *p = &L->cfg->peers[idx];
	struct cfg_node m;

	p->bond_profile = -1;
	if (!cfg_node_object(n, peer_keys))
		return;
	cfg_get_name(n, "name", CFG_REQUIRED, NULL, p->name, sizeof(p->name));
	parse_peer_links(L, n, idx);
	if (cfg_require(n, "key_file", &m))
		cfg_node_string(&m, 1, p->key_file, sizeof(p->key_file));
	parse_remote(L, n, idx);
	m = cfg_member(n, "bond_profile");
	if (cfg_present(&m))
		p->bond_profile = pepgw_bond_profile_ref(L, &m);
}

/* Every link in a peer; one local endpoint (port, UDP port) names one peer. */
static void check_links(struct pepgw_loader *L, const struct cfg_node *root_links)
{
	const struct pepgw_config *cfg = L->cfg;

	for (unsigned int i = 0; i < cfg->n_links; i++) {
		const struct cfg_link *k = &cfg->links[i];
		struct cfg_node it = cfg_item(root_links, i);
		if (k->name[0] == '\0' || k->port < 0)
			continue;
		if (k->peer < 0) {
			cfg_error(&it,
			          "link \"%s\" is in no peer's \"links\" (allowed: every link used "
			          "by one peer)",
			          k->name);
			continue;
		}
		for (unsigned int j = 0; j < i; j++) {
			const struct cfg_link *o = &cfg->links[j];
			if (o->peer < 0 || o->peer == k->peer || o->port != k->port ||
			    o->local_port != k->local_port)
				continue;
			struct cfg_node f = cfg_member(&it, "local_port");
			cfg_error(cfg_present(&f) ? &f : &it,
			          "port \"%s\" UDP %u is already link \"%s\" of peer \"%s\" "
			          "(allowed: "
			          "one peer per local endpoint: another local_port)",
			          cfg->ports[k->port].name, k->local_port, o->name,
			          cfg->peers[o->peer].name);
			break;
		}
	}
}

static void parse_peers(struct pepgw_loader *L, const struct cfg_node *arr)
{
	size_t n = 0;

	if (cfg_present(arr)) {
		cfg_node_array(arr, CFG_MAX_PEERS, &n);
		for (size_t i = 0; i < n; i++) {
			struct cfg_node it = cfg_item(arr, i);
			struct cfg_peer *p = &L->cfg->peers[i];
			parse_peer(L, &it, (unsigned int)i);
			L->cfg->n_peers = (uint8_t)(i + 1);
			for (size_t j = 0; j < i && p->name[0]; j++) {
				if (strcmp(L->cfg->peers[j].name, p->name) == 0) {
					struct cfg_node f = cfg_member(&it, "name");
					cfg_error(
					        &f,
					        "duplicate peer name \"%s\" (first in peers[%zu]; "
					        "allowed: each name once)",
					        p->name, j);
					break;
				}
			}
		}
	}
	struct cfg_node links = cfg_member(arr->parent, "links");
	check_links(L, &links);
}

const struct pepgw_section pepgw_section_peers = {"peers", parse_peers};
