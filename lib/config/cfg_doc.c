/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg framework: documents. jansson parses the text; it reports positions only for syntax
 * errors, so the text is scanned once more here and the line:column of every value (and of
 * every member key) is recorded by JSON path. Errors look their position up by path. The same
 * scan finds duplicate keys with both positions (jansson keeps the last value silently unless
 * JSON_REJECT_DUPLICATES, which would stop the load at the first one).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_private.h"

/* Values deeper than this get no position of their own (errors use an ancestor's). */
#define POS_MAX_DEPTH 64

struct pos {
	size_t path;                /* offset of the NUL-terminated path in doc->paths */
	uint32_t line, col;         /* where the value starts */
	uint32_t key_line, key_col; /* where its key starts; 0 for items and the root */
	uint32_t parent;            /* id of the enclosing object or array */
	uint32_t seq;               /* order of appearance */
};

struct cfg_doc {
	char *name;
	json_t *root;
	struct cfg_errors *errs;
	unsigned int n_errors;
	struct cfg_buf paths;
	struct pos *pos; /* sorted by (path, seq) after the scan */
	size_t n_pos, cap_pos;
	bool oom;
};

/* ---- the position scan ------------------------------------------------------------------- */

/* A forgiving scanner over text that jansson already accepted. */
struct scan {
	const char *s;
	size_t len, i;
	uint32_t line, col;
	uint32_t next_id;
	struct cfg_doc *doc;
	struct cfg_buf path;
	struct cfg_buf key;
};

static int scan_peek(const struct scan *t)
{
	return t->i < t->len ? (unsigned char)t->s[t->i] : -1;
}

static void scan_next(struct scan *t)
{
	if (t->i >= t->len)
		return;
	unsigned char c = (unsigned char)t->s[t->i++];
	if (c == '\n') {
		t->line++;
		t->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		/* columns count characters, as jansson's do: UTF-8 continuation bytes add none */
		t->col++;
	}
}

static void scan_ws(struct scan *t)
{
	int c;
	while ((c = scan_peek(t)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		scan_next(t);
}
static int scan_u4(struct scan *t)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		int h = cfg_hexval(scan_peek(t));
		if (h < 0)
			return -1;
		v = v * 16 + h;
		scan_next(t);
	}
	return v;
}

static void put_utf8(struct cfg_buf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x80) {
		cfg_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		cfg_buf_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		cfg_buf_put(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		cfg_buf_put(b, u, 4);
	}
}

/* Decode a JSON string at the cursor (on the opening quote) into out (if not NULL). */
static void scan_string(struct scan *t, struct cfg_buf *out)
{
	scan_next(t); /* opening quote */
	for (;;) {
		int c = scan_peek(t);
		if (c < 0)
			return;
		if (c == '"') {
			scan_next(t);
			return;
		}
		if (c != '\\') {
			if (out)
				cfg_buf_putc(out, (char)c);
			scan_next(t);
			continue;
		}
		scan_next(t);
		c = scan_peek(t);
		if (c < 0)
			return;
		scan_next(t);
		if (out == NULL) {
			continue;
		}
		switch (c) {
		case 'b':
			cfg_buf_putc(out, '\b');
			break;
		case 'f':
			cfg_buf_putc(out, '\f');
			break;
		case 'n':
			cfg_buf_putc(out, '\n');
			break;
		case 'r':
			cfg_buf_putc(out, '\r');
			break;
		case 't':
			cfg_buf_putc(out, '\t');
			break;
		case 'u': {
			int cp = scan_u4(t);
			if (cp < 0)
				break;
			/* RFC 8259 section 7: a surrogate pair spells one code point */
			if (cp >= 0xd800 && cp <= 0xdbff && scan_peek(t) == '\\') {
				scan_next(t);
				if (scan_peek(t) == 'u') {
					scan_next(t);
					int lo = scan_u4(t);
					if (lo >= 0xdc00 && lo <= 0xdfff)
						cp = 0x10000 + ((cp - 0xd800) << 10) +
						     (lo - 0xdc00);
				}
			}
			put_utf8(out, (uint32_t)cp);
			break;
		}
		default:
			cfg_buf_putc(out, (char)c);
			break;
		}
	}
}

static void pos_add(struct scan *t, uint32_t line, uint32_t col, uint32_t kline, uint32_t kcol,
                    uint32_t parent)
{
	struct cfg_doc *d = t->doc;

	if (d->oom)
		return;
	if (d->n_pos == d->cap_pos) {
		size_t cap = d->cap_pos ? d->cap_pos * 2 : 64;
		struct pos *p = realloc(d->pos, cap * sizeof(*p));
		if (p == NULL) {
			d->oom = true;
			return;
		}
		d->pos = p;
		d->cap_pos = cap;
	}
	size_t off = d->paths.len;
	cfg_buf_put(&d->paths, t->path.p ? t->path.p : "", t->path.len);
	cfg_buf_putc(&d->paths, '\0');
	if (d->paths.oom) {
		d->oom = true;
		return;
	}
	d->pos[d->n_pos++] = (struct pos){
	        .path = off,
	        .line = line,
	        .col = col,
	        .key_line = kline,
	        .key_col = kcol,
	        .parent = parent,
	        .seq = (uint32_t)d->n_pos,
	};
}
static void scan_value(struct scan *t, uint32_t kline, uint32_t kcol, uint32_t parent,
                       unsigned int depth)
{
	uint32_t line, col;
	int c;

	scan_ws(t);
	line = t->line;
	col = t->col;
	if (depth <= POS_MAX_DEPTH)
		pos_add(t, line, col, kline, kcol, parent);
	c = scan_peek(t);
	if (c == '{' || c == '[') {
		uint32_t id = ++t->next_id;
		int close = c == '{' ? '}' : ']';
		size_t base = t->path.len;
		size_t index = 0;

		scan_next(t);
		scan_ws(t);
		if (scan_peek(t) == close) {
			scan_next(t);
			return;
		}
		for (;;) {
			uint32_t kl = 0, kc = 0;
			scan_ws(t);
			cfg_buf_truncate(&t->path, base);
			if (close == '}') {
				if (scan_peek(t) != '"')
					return; /* cannot happen after jansson; stop quietly */
				kl = t->line;
				kc = t->col;
				t->key.len = 0;
				scan_string(t, &t->key);
				cfg_path_add_key(&t->path, t->key.p ? t->key.p : "", t->key.len);
				scan_ws(t);
				if (scan_peek(t) != ':')
					return;
				scan_next(t);
			} else {
				cfg_path_add_index(&t->path, index++);
			}
			scan_value(t, kl, kc, id, depth + 1);
			scan_ws(t);
			c = scan_peek(t);
			if (c == ',') {
				scan_next(t);
				continue;
			}
			if (c == close)
				scan_next(t);
			cfg_buf_truncate(&t->path, base);
			return;
		}
	}
	if (c == '"') {
		scan_string(t, NULL);
		return;
	}
	/* number, true, false, null */
	while ((c = scan_peek(t)) >= 0 && c != ',' && c != ']' && c != '}' && c != ' ' &&
	       c != '\t' && c != '\n' && c != '\r')
		scan_next(t);
}

/* qsort has no context argument: compare through a file-local pointer set just around it. */
static const char *sort_paths;

static int pos_cmp(const void *a, const void *b)
{
	const struct pos *x = a, *y = b;
	int r = strcmp(sort_paths + x->path, sort_paths + y->path);
	if (r != 0)
		return r;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int pos_line_cmp(const void *a, const void *b)
{
	const struct pos *x = *(const struct pos *const *)a, *y = *(const struct pos *const *)b;
	if (x->key_line != y->key_line)
		return x->key_line < y->key_line ? -1 : 1;
	return x->key_col < y->key_col ? -1 : x->key_col > y->key_col;
}

void cfg_doc_verror(struct cfg_doc *d, uint32_t line, uint32_t col, const char *path,
                    const char *fmt, va_list ap)
{
	char *msg;

	d->n_errors++;
	if (vasprintf(&msg, fmt, ap) < 0) {
		cfg_errors_add(d->errs, "%s: out of memory", d->name);
		return;
	}
	if (path[0] != '\0')
		cfg_errors_add_at(d->errs, line, col, "%s:%u:%u: %s: %s", d->name, line, col, path,
		                  msg);
	else
		cfg_errors_add_at(d->errs, line, col, "%s:%u:%u: %s", d->name, line, col, msg);
	free(msg);
}

static void doc_error(struct cfg_doc *d, uint32_t line, uint32_t col, const char *path,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void doc_error(struct cfg_doc *d, uint32_t line, uint32_t col, const char *path,
                      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cfg_doc_verror(d, line, col, path, fmt, ap);
	va_end(ap);
}

/*
 * RFC 8259 section 4 says names within an object SHOULD be unique; for a configuration a
 * repeated key is almost always an editing mistake, so report each repeat with both places.
 */
static void report_duplicates(struct cfg_doc *d)
{
	const struct pos **dups = NULL;
	size_t n = 0;

	for (size_t i = 1; i < d->n_pos; i++) {
		const struct pos *a = &d->pos[i - 1], *b = &d->pos[i];
		if (b->key_line != 0 && a->parent == b->parent &&
		    strcmp(d->paths.p + a->path, d->paths.p + b->path) == 0) {
			const struct pos **p = realloc(dups, (n + 1) * sizeof(*p));
			if (p == NULL)
				break;
			dups = p;
			dups[n++] = b;
		}
	}
	if (n == 0)
		return;
	qsort(dups, n, sizeof(*dups), pos_line_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct pos *b = dups[i];
		/* the first occurrence is the entry before the first of this run */
		const struct pos *first = b;
		while (first > d->pos && first[-1].parent == b->parent &&
		       strcmp(d->paths.p + first[-1].path, d->paths.p + b->path) == 0)
			first--;
		doc_error(d, b->key_line, b->key_col, d->paths.p + b->path,
		          "duplicate key (first at line %u, column %u; allowed: each key once)",
		          first->key_line, first->key_col);
	}
	free(dups);
}

static void build_index(struct cfg_doc *d, const char *text, size_t len)
{
	struct scan t = {.s = text, .len = len, .line = 1, .col = 1, .doc = d};

	scan_value(&t, 0, 0, 0, 0);
	free(t.path.p);
	free(t.key.p);
	if (d->oom || d->n_pos == 0)
		return;
	sort_paths = d->paths.p;
	qsort(d->pos, d->n_pos, sizeof(*d->pos), pos_cmp);
	sort_paths = NULL;
	report_duplicates(d);
}

/* The last entry with this path (jansson keeps the last of duplicate keys), or NULL. */
static const struct pos *pos_find(const struct cfg_doc *d, const char *path)
{
	size_t lo = 0, hi = d->n_pos;

	if (d->oom)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->paths.p + d->pos[mid].path, path) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || strcmp(d->paths.p + d->pos[lo - 1].path, path) != 0)
		return NULL;
	return &d->pos[lo - 1];
}

bool cfg_doc_find(const struct cfg_doc *d, const char *path, struct cfg_pos *out)
{
	const struct pos *p = pos_find(d, path);
	if (p == NULL)
		return false;
	*out = (struct cfg_pos){
	        .line = p->line, .col = p->col, .key_line = p->key_line, .key_col = p->key_col};
	return true;
}

/* ---- documents --------------------------------------------------------------------------- */

struct cfg_doc *cfg_doc_load_buffer(const char *name, const char *text, size_t len,
                                    struct cfg_errors *errs)
{
	struct cfg_doc *d;
	json_error_t jerr;

	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		cfg_errors_add(errs, "%s: out of memory", name);
		return NULL;
	}
	d->errs = errs;
	d->name = strdup(name);
	if (d->name == NULL) {
		cfg_errors_add(errs, "%s: out of memory", name);
		free(d);
		return NULL;
	}
	/*
	 * Duplicates are left to the scan (it knows both positions and lets the walk go on);
	 * the EOF check stays on so trailing garbage is a syntax error.
	 */
	d->root = json_loadb(text, len, 0, &jerr);
	if (d->root == NULL) {
		d->n_errors++;
		if (jerr.line > 0)
			cfg_errors_add(errs, "%s:%d:%d: syntax error: %s", name, jerr.line,
			               jerr.column > 0 ? jerr.column : 1, jerr.text);
		else
			cfg_errors_add(errs, "%s: syntax error: %s", name, jerr.text);
		cfg_doc_free(d);
		return NULL;
	}
	build_index(d, text, len);
	return d;
}

struct cfg_doc *cfg_doc_load(const char *path, struct cfg_errors *errs)
{
	struct cfg_doc *d;
	FILE *f;
	char *text = NULL;
	size_t len = 0, cap = 0;

	f = fopen(path, "rb");
	if (f == NULL) {
		cfg_errors_add(errs, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			if (ncap > CFG_FILE_MAX + 1)
				ncap = CFG_FILE_MAX + 1;
			if (ncap == cap) {
				cfg_errors_add(errs,
				               "%s: file too large (allowed: at most %u bytes)",
				               path, CFG_FILE_MAX);
				goto fail;
			}
			char *p = realloc(text, ncap);
			if (p == NULL) {
				cfg_errors_add(errs, "%s: out of memory", path);
				goto fail;
			}
			text = p;
			cap = ncap;
		}
		size_t n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				cfg_errors_add(errs, "%s: cannot read: %s", path, strerror(errno));
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	d = cfg_doc_load_buffer(path, text ? text : "", len, errs);
	free(text);
	return d;
fail:
	fclose(f);
	free(text);
	return NULL;
}

void cfg_doc_free(struct cfg_doc *d)
{
	if (d == NULL)
		return;
	json_decref(d->root);
	free(d->paths.p);
	free(d->pos);
	free(d->name);
	free(d);
}

const char *cfg_doc_name(const struct cfg_doc *d)
{
	return d->name;
}

unsigned int cfg_doc_error_count(const struct cfg_doc *d)
{
	return d->n_errors;
}

json_t *cfg_doc_root(const struct cfg_doc *d)
{
	return d->root;
}
