/* SPDX-License-Identifier: BSD-3-Clause */
#include "stats.h"

#include <string.h>

static const struct stat_desc stat_descs[STAT_MAX] = {STATS_COUNTERS(STAT_DESC)};

const struct stat_desc *stats_descs(void)
{
	return stat_descs;
}

const char *stats_name(enum stat_id id)
{
	return (unsigned int)id < STAT_MAX ? stat_descs[id].name : NULL;
}

const char *stats_help(enum stat_id id)
{
	return (unsigned int)id < STAT_MAX ? stat_descs[id].help : NULL;
}

int stats_is_drop(enum stat_id id)
{
	return (unsigned int)id < STAT_MAX && stat_descs[id].kind == STAT_KIND_drop;
}

void stats_sum(const struct stats_block *blocks, unsigned int n, struct stats_block *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int k = 0; k < STAT_MAX; k++)
			out->c[k] += blocks[i].c[k];
}
