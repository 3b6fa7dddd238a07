/* SPDX-License-Identifier: BSD-3-Clause */
#include "stat_desc.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

const char *stat_kind_name(enum stat_kind k)
{
	static const char *const names[STAT_KIND_MAX] = {
	        [STAT_KIND_event] = "event",
	        [STAT_KIND_drop] = "drop",
	        [STAT_KIND_fallback] = "fallback",
	};
	return (unsigned int)k < STAT_KIND_MAX ? names[k] : NULL;
}

static bool snake_case(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static bool entry_ok(const struct stat_desc *d)
{
	if (!snake_case(d->name) || d->help == NULL || d->help[0] == '\0' ||
	    strlen(d->help) >= STAT_HELP_MAX || (unsigned int)d->kind >= STAT_KIND_MAX)
		return false;
	bool drop_name = strncmp(d->name, "drop_", strlen("drop_")) == 0;
	return drop_name == (d->kind == STAT_KIND_drop);
}

int stat_desc_check(const struct stat_desc *d, unsigned int n, unsigned int *bad)
{
	for (unsigned int i = 0; i < n; i++) {
		bool ok = entry_ok(&d[i]);
		for (unsigned int j = 0; ok && j < i; j++)
			ok = strcmp(d[i].name, d[j].name) != 0;
		if (!ok) {
			if (bad != NULL)
				*bad = i;
			return -EINVAL;
		}
	}
	return 0;
}
