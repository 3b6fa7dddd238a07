/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg framework: typed scalars (integers, booleans, strings, names, enumerations, a number or a
 * keyword) and the member getters that read an optional or required member with a default.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfg_private.h"

/* ---- scalars ----------------------------------------------------------------------------- */

bool cfg_node_uint(const struct cfg_node *n, uint64_t min, uint64_t max, uint64_t *out)
{
	char allowed[64];

	snprintf(allowed, sizeof(allowed), "integer %" PRIu64 "..%" PRIu64, min, max);
	if (!json_is_integer(n->json)) {
		cfg_wrong_type(n, allowed);
		return false;
	}
	json_int_t v = json_integer_value(n->json);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max) {
		cfg_error(n,
		          "%" JSON_INTEGER_FORMAT " is out of range (allowed: %" PRIu64 "..%" PRIu64
		          ")",
		          v, min, max);
		return false;
	}
	*out = (uint64_t)v;
	return true;
}

bool cfg_node_number(const struct cfg_node *n, double min, double max, double *out)
{
	char allowed[64];

	snprintf(allowed, sizeof(allowed), "number %g..%g", min, max);
	if (!json_is_number(n->json)) {
		cfg_wrong_type(n, allowed);
		return false;
	}
	double v = json_number_value(n->json);
	if (!(v >= min && v <= max)) {
		cfg_error(n, "%g is out of range (allowed: %g..%g)", v, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool cfg_node_bool(const struct cfg_node *n, bool *out)
{
	if (!json_is_boolean(n->json)) {
		cfg_wrong_type(n, "true, false");
		return false;
	}
	*out = json_is_true(n->json);
	return true;
}

bool cfg_node_string(const struct cfg_node *n, size_t min_len, char *buf, size_t size)
{
	char allowed[64], q[64];

	snprintf(allowed, sizeof(allowed), "string of %zu..%zu characters", min_len, size - 1);
	if (!json_is_string(n->json)) {
		cfg_wrong_type(n, allowed);
		return false;
	}
	size_t len = json_string_length(n->json);
	if (len < min_len || len > size - 1) {
		cfg_error(n, "%s is too %s (allowed: %s)", cfg_quote(n->json, q, sizeof(q)),
		          len < min_len ? "short" : "long", allowed);
		return false;
	}
	if (memchr(json_string_value(n->json), '\0', len) != NULL) {
		cfg_error(n, "string holds a NUL character (allowed: %s)", allowed);
		return false;
	}
	memcpy(buf, json_string_value(n->json), len);
	buf[len] = '\0';
	return true;
}

bool cfg_name_valid(const char *s, size_t size)
{
	size_t len = strlen(s);
	if (len == 0 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

bool cfg_node_name(const struct cfg_node *n, char *buf, size_t size)
{
	char allowed[96], q[64];

	snprintf(allowed, sizeof(allowed), "1..%zu characters from A-Z a-z 0-9 _ - .", size - 1);
	if (!json_is_string(n->json)) {
		cfg_wrong_type(n, allowed);
		return false;
	}
	const char *s = json_string_value(n->json);
	size_t len = json_string_length(n->json);
	if (len == 0 || len >= size || strlen(s) != len || !cfg_name_valid(s, size)) {
		cfg_error(n, "%s is not a valid name (allowed: %s)",
		          cfg_quote(n->json, q, sizeof(q)), allowed);
		return false;
	}
	memcpy(buf, s, len + 1);
	return true;
}

int cfg_node_enum(const struct cfg_node *n, const char *const *names)
{
	char allowed[512], d[64];

	cfg_join_names(allowed, sizeof(allowed), names, true);
	if (json_is_string(n->json)) {
		const char *s = json_string_value(n->json);
		for (int i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], s) == 0)
				return i;
		cfg_error(n, "%s is not allowed (allowed: %s)", cfg_quote(n->json, d, sizeof(d)),
		          allowed);
		return -1;
	}
	cfg_wrong_type(n, allowed);
	return -1;
}

int cfg_node_uint_or_keyword(const struct cfg_node *n, uint64_t min, uint64_t max,
                             const char *const *keywords, uint64_t *num)
{
	char allowed[256], kw[192], d[64];

	cfg_join_names(kw, sizeof(kw), keywords, true);
	snprintf(allowed, sizeof(allowed), "%" PRIu64 "..%" PRIu64 "%s%s", min, max,
	         kw[0] ? ", " : "", kw);
	if (json_is_integer(n->json)) {
		json_int_t v = json_integer_value(n->json);
		if (v < 0 || (uint64_t)v < min || (uint64_t)v > max) {
			cfg_error(n, "%" JSON_INTEGER_FORMAT " is out of range (allowed: %s)", v,
			          allowed);
			return -1;
		}
		*num = (uint64_t)v;
		return 0;
	}
	if (json_is_string(n->json)) {
		const char *s = json_string_value(n->json);
		for (int i = 0; keywords[i] != NULL; i++)
			if (strcmp(keywords[i], s) == 0)
				return i + 1;
		cfg_error(n, "%s is not allowed (allowed: %s)", cfg_quote(n->json, d, sizeof(d)),
		          allowed);
		return -1;
	}
	cfg_wrong_type(n, allowed);
	return -1;
}

/* ---- member getters ---------------------------------------------------------------------- */

static bool get_member(const struct cfg_node *obj, const char *key, enum cfg_need need,
                       struct cfg_node *m)
{
	if (need == CFG_REQUIRED)
		return cfg_require(obj, key, m);
	*m = cfg_member(obj, key);
	return cfg_present(m);
}

bool cfg_get_u64(const struct cfg_node *obj, const char *key, enum cfg_need need, uint64_t min,
                 uint64_t max, uint64_t def, uint64_t *out)
{
	struct cfg_node m;
	*out = def;
	if (!get_member(obj, key, need, &m))
		return need == CFG_OPTIONAL;
	return cfg_node_uint(&m, min, max, out);
}

bool cfg_get_number(const struct cfg_node *obj, const char *key, enum cfg_need need, double min,
                    double max, double def, double *out)
{
	struct cfg_node m;
	*out = def;
	if (!get_member(obj, key, need, &m))
		return need == CFG_OPTIONAL;
	return cfg_node_number(&m, min, max, out);
}

bool cfg_get_u32(const struct cfg_node *obj, const char *key, enum cfg_need need, uint32_t min,
                 uint32_t max, uint32_t def, uint32_t *out)
{
	uint64_t v;
	bool ok = cfg_get_u64(obj, key, need, min, max, def, &v);
	*out = (uint32_t)v;
	return ok;
}

bool cfg_get_u16(const struct cfg_node *obj, const char *key, enum cfg_need need, uint16_t min,
                 uint16_t max, uint16_t def, uint16_t *out)
{
	uint64_t v;
	bool ok = cfg_get_u64(obj, key, need, min, max, def, &v);
	*out = (uint16_t)v;
	return ok;
}

bool cfg_get_u8(const struct cfg_node *obj, const char *key, enum cfg_need need, uint8_t min,
                uint8_t max, uint8_t def, uint8_t *out)
{
	uint64_t v;
	bool ok = cfg_get_u64(obj, key, need, min, max, def, &v);
	*out = (uint8_t)v;
	return ok;
}

bool cfg_get_bool(const struct cfg_node *obj, const char *key, enum cfg_need need, bool def,
                  bool *out)
{
	struct cfg_node m;
	*out = def;
	if (!get_member(obj, key, need, &m))
		return need == CFG_OPTIONAL;
	return cfg_node_bool(&m, out);
}

bool cfg_get_string(const struct cfg_node *obj, const char *key, enum cfg_need need,
                    const char *def, char *buf, size_t size)
{
	struct cfg_node m;
	snprintf(buf, size, "%s", def ? def : "");
	if (!get_member(obj, key, need, &m))
		return need == CFG_OPTIONAL;
	return cfg_node_string(&m, 1, buf, size);
}

bool cfg_get_name(const struct cfg_node *obj, const char *key, enum cfg_need need, const char *def,
                  char *buf, size_t size)
{
	struct cfg_node m;
	snprintf(buf, size, "%s", def ? def : "");
	if (!get_member(obj, key, need, &m))
		return need == CFG_OPTIONAL;
	return cfg_node_name(&m, buf, size);
}

bool cfg_get_enum(const struct cfg_node *obj, const char *key, enum cfg_need need,
                  const char *const *names, int def, int *out)
{
	struct cfg_node m;
	*out = def;
	if (!get_member(obj, key, need, &m))
		return need == CFG_OPTIONAL;
	int v = cfg_node_enum(&m, names);
	if (v < 0)
		return false;
	*out = v;
	return true;
}
