/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_SECTION_H
#define PEPGW_SECTION_H

/*
 * Internals of pepgw's configuration vocabulary: one file per top-level section
 * (pepgw_<section>.c), each exporting a struct pepgw_section, all named once in
 * PEPGW_CONFIG_SECTIONS. pepgw_config.c walks the list in its order, which is the order
 * references need: ports before what names a port, profiles before what names them, links
 * before peers, peers before the rules and the default action (tunnel needs a peer).
 *
 * Adding a section: write pepgw_<name>.c with its parse function and a
 *   const struct pepgw_section pepgw_section_<name> = {"<key>", parse_<name>};
 * add X(<name>) below, the file to meson.build, and its struct to struct pepgw_config.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "pepgw_config.h"

/* Parse order. default_action is a top-level scalar, kept with the rules (pepgw_rules.c). */
#define PEPGW_CONFIG_SECTIONS(X)                                                                   \
	X(ports)                                                                                   \
	X(routes)                                                                                  \
	X(arp)                                                                                     \
	X(icmp)                                                                                    \
	X(lcores)                                                                                  \
	X(flows)                                                                                   \
	X(logging)                                                                                 \
	X(tcp_profiles)                                                                            \
	X(bond_profiles)                                                                           \
	X(links)                                                                                   \
	X(peers)                                                                                   \
	X(default_action)                                                                          \
	X(rules)

/* State of one load, shared by the sections. */
struct pepgw_loader {
	struct pepgw_config *cfg;
	struct cfg_doc *doc;
	bool ports_ok; /* every port parsed: on-link checks against them are meaningful */
};

struct pepgw_section {
	const char *key; /* the top-level key */
	/*
	 * Set the section's defaults in L->cfg, then read n (the member; absent when the file
	 * has no such key). Every problem is reported at its node and the walk goes on.
	 */
	void (*parse)(struct pepgw_loader *L, const struct cfg_node *n);
};

#define PEPGW_SECTION_DECLARE(name) extern const struct pepgw_section pepgw_section_##name;
PEPGW_CONFIG_SECTIONS(PEPGW_SECTION_DECLARE)
#undef PEPGW_SECTION_DECLARE

/* ---- references between sections ---- */

/* pepgw_ports.c: the index of the port n names, or -1 after reporting a dangling reference. */
int pepgw_port_ref(struct pepgw_loader *L, const struct cfg_node *n);
/* pepgw_tcp_profiles.c: the index of the TCP profile n names, or -1 after reporting. */
int pepgw_profile_ref(struct pepgw_loader *L, const struct cfg_node *n);
/* pepgw_bond_profiles.c: the index of the bond profile n names, or -1 after reporting. */
int pepgw_bond_profile_ref(struct pepgw_loader *L, const struct cfg_node *n);
/* pepgw_links.c: the index of the link n names, or -1 after reporting. */
int pepgw_link_ref(struct pepgw_loader *L, const struct cfg_node *n);

static inline bool pepgw_in_subnet(uint32_t addr, uint32_t net, uint8_t len)
{
	uint32_t m = cfg_prefix_mask(len);
	return (addr & m) == (net & m);
}

#endif
