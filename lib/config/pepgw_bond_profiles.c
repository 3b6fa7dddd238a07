/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "bond_profiles": named settings of the bonded tunnel. A rule that tunnels names one
 * for its scheduler (traffic classes get their own sub-tunnels); a peer names one for what is
 * per peer: probe interval, failover thresholds, the receiver's reorder hold cap, and the
 * scheduler of rules that name none. Ranges are lib/bond's (bond_health_params_check,
 * bond_reorder_params); app/pepgw/params.c converts and checks again.
 */
#include <string.h>

#include "pepgw_section.h"

#define BOND_HOLD_MS_MAX      10000
#define BOND_HOLD_MS_DEFAULT  200
#define BOND_PROBE_MS_MIN     10
#define BOND_PROBE_MS_MAX     1000
#define BOND_PROBE_MS_DEFAULT 100
#define BOND_DOWN_MIN_DEFAULT 300
#define BOND_DOWN_MAX_DEFAULT 900
#define BOND_DOWN_MS_MAX      10000
#define BOND_UP_DEFAULT       1000
#define BOND_UP_MAX_DEFAULT   8000
#define BOND_UP_MS_MAX        60000

/* In enum order: the index returned by cfg_node_enum is the enum value (lib/bond's names). */
static const char *const scheduler_names[] = {"round_robin",   "weighted",  "dynamic",
                                              "active_backup", "duplicate", NULL};

const char *cfg_scheduler_name(enum cfg_scheduler s)
{
	return (unsigned int)s <= CFG_SCHED_DUPLICATE ? scheduler_names[s] : "?";
}

int pepgw_config_bond_profile_index(const struct pepgw_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_bond_profiles; i++)
		if (strcmp(cfg->bond_profiles[i].name, name) == 0)
			return (int)i;
	return -1;
}

void pepgw_config_bond_profile_defaults(struct cfg_bond_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->scheduler = CFG_SCHED_DYNAMIC;
	p->reorder_max_hold_ms = BOND_HOLD_MS_DEFAULT;
	p->probe_interval_ms = BOND_PROBE_MS_DEFAULT;
	p->down_after_min_ms = BOND_DOWN_MIN_DEFAULT;
	p->down_after_max_ms = BOND_DOWN_MAX_DEFAULT;
	p->up_after_ms = BOND_UP_DEFAULT;
	p->up_after_max_ms = BOND_UP_MAX_DEFAULT;
}

int pepgw_bond_profile_ref(struct pepgw_loader *L, const struct cfg_node *n)
{
	char name[CFG_NAME_MAX], list[CFG_MAX_BOND_PROFILES * (CFG_NAME_MAX + 4) + 16], d[64];
	const struct pepgw_config *cfg = L->cfg;
	size_t used = 0;
	int i = -1;

	if (json_is_string(n->json) && cfg_name_valid(json_string_value(n->json), sizeof(name))) {
		snprintf(name, sizeof(name), "%s", json_string_value(n->json));
		i = pepgw_config_bond_profile_index(cfg, name);
	}
	if (i >= 0)
		return i;
	list[0] = '\0';
	for (unsigned int k = 0; k < cfg->n_bond_profiles && used < sizeof(list); k++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s\"%s\"", k ? ", " : "",
		                 cfg->bond_profiles[k].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (cfg->n_bond_profiles == 0)
		snprintf(list, sizeof(list), "none defined in bond_profiles");
	if (json_is_string(n->json))
		cfg_error(n, "no bond profile named %s (allowed: %s)",
		          cfg_describe(n->json, d, sizeof(d)) + strlen("string "), list);
	else
		cfg_error(n, "found %s (allowed: a bond profile name: %s)",
		          cfg_describe(n->json, d, sizeof(d)), list);
	return -1;
}

static const char *const profile_keys[] = {
        "scheduler",         "reorder_max_hold_ms", "probe_interval_ms", "down_after_min_ms",
        "down_after_max_ms", "up_after_ms",         "up_after_max_ms",   NULL};

static void parse_profile(const struct cfg_node *n, struct cfg_bond_profile *p)
{
	struct cfg_bond_profile d;
	struct cfg_node m;
	int sched;
	bool ok[6];

	pepgw_config_bond_profile_defaults(&d);
	if (!cfg_node_object(n, profile_keys))
		return;
	cfg_get_enum(n, "scheduler", CFG_OPTIONAL, scheduler_names, (int)d.scheduler, &sched);
	p->scheduler = (enum cfg_scheduler)sched;
	cfg_get_u32(n, "reorder_max_hold_ms", CFG_OPTIONAL, 0, BOND_HOLD_MS_MAX,
	            d.reorder_max_hold_ms, &p->reorder_max_hold_ms);
	ok[0] = cfg_get_u32(n, "probe_interval_ms", CFG_OPTIONAL, BOND_PROBE_MS_MIN,
	                    BOND_PROBE_MS_MAX, d.probe_interval_ms, &p->probe_interval_ms);
	ok[1] = cfg_get_u32(n, "down_after_min_ms", CFG_OPTIONAL, 1, BOND_DOWN_MS_MAX,
	                    d.down_after_min_ms, &p->down_after_min_ms);
	ok[2] = cfg_get_u32(n, "down_after_max_ms", CFG_OPTIONAL, 1, BOND_DOWN_MS_MAX,
	                    d.down_after_max_ms, &p->down_after_max_ms);
	ok[3] = cfg_get_u32(n, "up_after_ms", CFG_OPTIONAL, 1, BOND_UP_MS_MAX, d.up_after_ms,
	                    &p->up_after_ms);
	ok[4] = cfg_get_u32(n, "up_after_max_ms", CFG_OPTIONAL, 1, BOND_UP_MS_MAX,
	                    d.up_after_max_ms, &p->up_after_max_ms);
	/* A link is declared down only after at least two probes could have been missed. */
	if (ok[0] && ok[1] && p->down_after_min_ms < 2 * p->probe_interval_ms) {
		m = cfg_member(n, "down_after_min_ms");
		if (!cfg_present(&m))
			m = cfg_member(n, "probe_interval_ms");
		cfg_error(&m,
		          "down_after_min_ms %u is below two probe intervals (%u ms; allowed: "
		          "down_after_min_ms >= 2 x probe_interval_ms)",
		          p->down_after_min_ms, 2 * p->probe_interval_ms);
	}
	if (ok[1] && ok[2] && p->down_after_max_ms < p->down_after_min_ms) {
		m = cfg_member(n, "down_after_max_ms");
		if (!cfg_present(&m))
			m = cfg_member(n, "down_after_min_ms");
		cfg_error(&m,
		          "down_after_max_ms %u is below down_after_min_ms %u (allowed: min <= "
		          "max)",
		          p->down_after_max_ms, p->down_after_min_ms);
	}
	ok[5] = ok[0] && ok[3] && ok[4];
	if (ok[5] &&
	    (p->up_after_ms < p->probe_interval_ms || p->up_after_ms > p->up_after_max_ms)) {
		m = cfg_member(n, "up_after_ms");
		if (!cfg_present(&m))
			m = cfg_member(n, "up_after_max_ms");
		if (!cfg_present(&m))
			m = cfg_member(n, "probe_interval_ms");
		cfg_error(&m,
		          "up_after_ms %u is outside probe_interval_ms..up_after_max_ms (allowed: "
		          "%u..%u)",
		          p->up_after_ms, p->probe_interval_ms, p->up_after_max_ms);
	}
}

static void add_profile(void *ctx, const char *name, const struct cfg_node *m)
{
	struct pepgw_config *cfg = ctx;
	struct cfg_bond_profile *p = &cfg->bond_profiles[cfg->n_bond_profiles++];

	pepgw_config_bond_profile_defaults(p);
	snprintf(p->name, sizeof(p->name), "%s", name);
	parse_profile(m, p);
}

static void parse_profiles(struct pepgw_loader *L, const struct cfg_node *sec)
{
	if (cfg_present(sec))
		cfg_node_named_objects(sec, "bond profile", CFG_MAX_BOND_PROFILES, CFG_NAME_MAX,
		                       add_profile, L->cfg);
}

const struct pepgw_section pepgw_section_bond_profiles = {"bond_profiles", parse_profiles};
