/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Section "logging": log levels by log type, e.g. {"pepgw.tcp": "debug", "default": "notice"}.
 * A key is a DPDK log type name or a glob over names ("pepgw.*", "lib.*"); "default" is the
 * level of every type, applied before the patterns, which then apply in file order. The words
 * are EAL's --log-level words, so that one vocabulary serves both. app/pepgw applies the
 * section once EAL has registered every log type; a --log-level given to EAL replaces it.
 */
#include <string.h>

#include "pepgw_section.h"

#define DEFAULT_KEY "default"

/* In enum order: the index returned by cfg_node_enum is the enum value. */
static const char *const level_names[] = {"emergency", "alert", "critical", "error", "warning",
                                          "notice",    "info",  "debug",    NULL};

const char *cfg_log_level_name(enum cfg_log_level l)
{
	return (unsigned int)l <= CFG_LOG_DEBUG ? level_names[l] : "?";
}

/* DPDK log type names are dotted words ("pepgw.tcp", "pmd.net.af_packet"); * and ? glob. */
static bool pattern_valid(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len >= CFG_LOG_PATTERN_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.' || c == '*' || c == '?'))
			return false;
	}
	return true;
}

static void parse_logging(struct pepgw_loader *L, const struct cfg_node *n)
{
	struct cfg_logging *lg = &L->cfg->logging;
	const char *key;
	json_t *v;

	memset(lg, 0, sizeof(*lg));
	if (!cfg_present(n))
		return;
	if (!json_is_object(n->json)) {
		char d[64];
		cfg_error(n, "found %s (allowed: object of log type pattern -> level)",
		          cfg_describe(n->json, d, sizeof(d)));
		return;
	}
	json_object_foreach(n->json, key, v)
	{
		struct cfg_node m = cfg_member(n, key);
		bool is_default = strcmp(key, DEFAULT_KEY) == 0;
		if (!is_default && !pattern_valid(key)) {
			cfg_error_key(
			        &m,
			        "\"%s\" is not a log type pattern (allowed: \"default\" or 1..%d "
			        "characters from A-Z a-z 0-9 _ - . and the wildcards * ?)",
			        key, CFG_LOG_PATTERN_MAX - 1);
			continue;
		}
		if (!is_default && lg->n_patterns >= CFG_MAX_LOG_LEVELS) {
			cfg_error_key(&m, "too many log type patterns (allowed: at most %d)",
			              CFG_MAX_LOG_LEVELS);
			break;
		}
		int level = cfg_node_enum(&m, level_names);
		if (level < 0)
			continue;
		if (is_default) {
			lg->has_default = true;
			lg->default_level = (enum cfg_log_level)level;
			continue;
		}
		struct cfg_log_setting *s = &lg->patterns[lg->n_patterns++];
		snprintf(s->pattern, sizeof(s->pattern), "%s", key);
		s->level = (enum cfg_log_level)level;
	}
}

const struct pepgw_section pepgw_section_logging = {"logging", parse_logging};
