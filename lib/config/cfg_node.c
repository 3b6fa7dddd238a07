/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg framework: nodes (a JSON value and the way to it), their paths, errors reported at a node
 * and the structure checks (objects with known keys, bounded arrays, required members).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_private.h"

/* ---- buffer ------------------------------------------------------------------------------ */

static bool buf_reserve(struct cfg_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (b->len + extra + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + extra + 1 > cap)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = true;
			return false;
		}
		b->p = p;
		b->cap = cap;
	}
	return true;
}

void cfg_buf_put(struct cfg_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void cfg_buf_putc(struct cfg_buf *b, char c)
{
	cfg_buf_put(b, &c, 1);
}

void cfg_buf_truncate(struct cfg_buf *b, size_t len)
{
	b->len = len;
	if (b->p != NULL)
		b->p[len] = '\0';
}

/* ---- paths ------------------------------------------------------------------------------- */

static bool key_is_identifier(const char *k, size_t n)
{
	if (n == 0 ||
	    !((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z') || k[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/*
 * The one place that spells a path step, used both by the position scan and by nodes, so that
 * lookups match byte for byte.
 */
void cfg_path_add_key(struct cfg_buf *b, const char *k, size_t n)
{
	if (key_is_identifier(k, n)) {
		if (b->len > 0)
			cfg_buf_putc(b, '.');
		cfg_buf_put(b, k, n);
		return;
	}
	cfg_buf_put(b, "[\"", 2);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			cfg_buf_put(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			cfg_buf_put(b, esc, 4);
		} else {
			cfg_buf_putc(b, (char)c);
		}
	}
	cfg_buf_put(b, "\"]", 2);
}

void cfg_path_add_index(struct cfg_buf *b, size_t i)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "[%zu]", i);
	cfg_buf_put(b, s, (size_t)n);
}

void cfg_node_path(const struct cfg_node *n, struct cfg_buf *b)
{
	if (n->parent == NULL)
		return;
	cfg_node_path(n->parent, b);
	if (n->key != NULL)
		cfg_path_add_key(b, n->key, strlen(n->key));
	else
		cfg_path_add_index(b, n->index);
}

char *cfg_path(const struct cfg_node *n, char *out, size_t size)
{
	struct cfg_buf b = {0};

	if (size == 0)
		return out;
	cfg_node_path(n, &b);
	snprintf(out, size, "%s", b.p ? b.p : "");
	free(b.p);
	return out;
}

/* ---- nodes ------------------------------------------------------------------------------- */

struct cfg_node cfg_root(struct cfg_doc *doc)
{
	return (struct cfg_node){.doc = doc, .json = cfg_doc_root(doc)};
}

struct cfg_node cfg_member(const struct cfg_node *obj, const char *key)
{
	json_t *v = json_is_object(obj->json) ? json_object_get(obj->json, key) : NULL;
	return (struct cfg_node){.doc = obj->doc, .parent = obj, .key = key, .json = v};
}

struct cfg_node cfg_item(const struct cfg_node *arr, size_t i)
{
	json_t *v = json_is_array(arr->json) ? json_array_get(arr->json, i) : NULL;
	return (struct cfg_node){.doc = arr->doc, .parent = arr, .index = i, .json = v};
}

static void node_verror(const struct cfg_node *n, bool at_key, const char *fmt, va_list ap)
{
	struct cfg_buf b = {0};
	struct cfg_pos p;
	const struct cfg_node *m;
	bool found = false;

	cfg_node_path(n, &b);
	/* An absent member has no position: point at the closest enclosing value that has. */
	for (m = n; m != NULL; m = m->parent) {
		if (m->json == NULL)
			continue;
		struct cfg_buf mb = {0};
		cfg_node_path(m, &mb);
		found = cfg_doc_find(n->doc, mb.p ? mb.p : "", &p);
		free(mb.p);
		if (found)
			break;
	}
	uint32_t line = 1, col = 1;
	if (found) {
		line = p.line;
		col = p.col;
		if (at_key && m == n && p.key_line != 0) {
			line = p.key_line;
			col = p.key_col;
		}
	}
	cfg_doc_verror(n->doc, line, col, b.p ? b.p : "", fmt, ap);
	free(b.p);
}

void cfg_error(const struct cfg_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	node_verror(n, false, fmt, ap);
	va_end(ap);
}

void cfg_error_key(const struct cfg_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	node_verror(n, true, fmt, ap);
	va_end(ap);
}

const char *cfg_describe(const json_t *v, char *buf, size_t size)
{
	if (v == NULL) {
		snprintf(buf, size, "nothing");
		return buf;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		snprintf(buf, size, "an object");
		break;
	case JSON_ARRAY:
		snprintf(buf, size, "an array");
		break;
	case JSON_STRING: {
		char *s = json_dumps(v, JSON_ENCODE_ANY);
		if (s == NULL) {
			snprintf(buf, size, "a string");
		} else if (strlen(s) > 40) {
			snprintf(buf, size, "string %.36s...\"", s);
		} else {
			snprintf(buf, size, "string %s", s);
		}
		free(s);
		break;
	}
	case JSON_INTEGER:
		snprintf(buf, size, "integer %" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, size, "number %g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, size, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, size, "false");
		break;
	case JSON_NULL:
		snprintf(buf, size, "null");
		break;
	}
	return buf;
}

const char *cfg_quote(const json_t *v, char *buf, size_t size)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY);
	if (s == NULL)
		snprintf(buf, size, "\"?\"");
	else if (strlen(s) > 40)
		snprintf(buf, size, "%.36s...\"", s);
	else
		snprintf(buf, size, "%s", s);
	free(s);
	return buf;
}

void cfg_wrong_type(const struct cfg_node *n, const char *allowed)
{
	char d[64];
	cfg_error(n, "found %s (allowed: %s)", cfg_describe(n->json, d, sizeof(d)), allowed);
}

/* ---- structure --------------------------------------------------------------------------- */

void cfg_join_names(char *out, size_t size, const char *const *names, bool quoted)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; names[i] != NULL && used < size; i++) {
		int n = snprintf(out + used, size - used, quoted ? "%s\"%s\"" : "%s%s",
		                 i > 0 ? ", " : "", names[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

bool cfg_node_object(const struct cfg_node *n, const char *const *allowed)
{
	const char *key;
	json_t *v;

	if (!json_is_object(n->json)) {
		cfg_wrong_type(n, "object");
		return false;
	}
	json_object_foreach(n->json, key, v)
	{
		bool ok = false;
		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(allowed[i], key) == 0;
		if (!ok) {
			char names[512];
			struct cfg_node m = cfg_member(n, key);
			cfg_join_names(names, sizeof(names), allowed, false);
			cfg_error_key(&m, "unknown key (allowed: %s)", names);
		}
	}
	return true;
}

size_t cfg_node_named_objects(const struct cfg_node *n, const char *what, size_t max, size_t size,
                              cfg_named_fn each, void *ctx)
{
	const char *key;
	json_t *v;
	size_t calls = 0, seen = 0;

	if (!json_is_object(n->json)) {
		char d[64];
		cfg_error(n, "found %s (allowed: object of name -> %s)",
		          cfg_describe(n->json, d, sizeof(d)), what);
		return 0;
	}
	json_object_foreach(n->json, key, v)
	{
		struct cfg_node m = cfg_member(n, key);
		if (seen++ >= max) {
			cfg_error_key(&m, "too many %ss (allowed: at most %zu)", what, max);
			break;
		}
		if (!cfg_name_valid(key, size)) {
			cfg_error_key(
			        &m,
			        "\"%s\" is not a valid %s name (allowed: 1..%zu characters from "
			        "A-Z a-z 0-9 _ - .)",
			        key, what, size - 1);
			continue;
		}
		each(ctx, key, &m);
		calls++;
	}
	return calls;
}

bool cfg_node_array(const struct cfg_node *n, size_t max, size_t *count)
{
	char t[32];

	if (!json_is_array(n->json)) {
		snprintf(t, sizeof(t), "array of at most %zu items", max);
		cfg_wrong_type(n, t);
		return false;
	}
	*count = json_array_size(n->json);
	if (*count > max) {
		cfg_error(n, "%zu items is too many (allowed: at most %zu)", *count, max);
		*count = max;
		return false;
	}
	return true;
}

bool cfg_require(const struct cfg_node *obj, const char *key, struct cfg_node *out)
{
	*out = cfg_member(obj, key);
	if (cfg_present(out))
		return true;
	if (json_is_object(obj->json))
		cfg_error(obj, "missing required key \"%s\"", key);
	return false;
}
