/* SPDX-License-Identifier: BSD-3-Clause */
#include "stats.h"

#include <string.h>

static const char *const stat_names[STAT_MAX] = {
#define STATS_NAME(name, help) [STAT_##name] = #name,
        STATS_COUNTERS(STATS_NAME)
#undef STATS_NAME
};

static const char *const stat_helps[STAT_MAX] = {
#define STATS_HELP(name, help) [STAT_##name] = help,
        STATS_COUNTERS(STATS_HELP)
#undef STATS_HELP
};

const char *stats_name(enum stat_id id)
{
	return (unsigned int)id < STAT_MAX ? stat_names[id] : NULL;
}

const char *stats_help(enum stat_id id)
{
	return (unsigned int)id < STAT_MAX ? stat_helps[id] : NULL;
}

int stats_is_drop(enum stat_id id)
{
	const char *n = stats_name(id);
	return n != NULL && strncmp(n, "drop_", 5) == 0;
}

void stats_sum(const struct stats_block *blocks, unsigned int n, struct stats_block *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int k = 0; k < STAT_MAX; k++)
			out->c[k] += blocks[i].c[k];
}
