/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg framework: error collection, position index by JSON path, typed node parsers.
 * See cfg.h for the contract.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

/* ---- error collection ------------------------------------------------------------------ */

struct cfg_errors {
	char **msg;
	uint64_t *where; /* line << 32 | column, 0 when the message has no position */
	unsigned int n, cap;
	unsigned int dropped;
};

struct cfg_errors *cfg_errors_create(void)
{
	return calloc(1, sizeof(struct cfg_errors));
}

void cfg_errors_free(struct cfg_errors *e)
{
	if (e == NULL)
		return;
	for (unsigned int i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	free(e->where);
	free(e);
}

unsigned int cfg_errors_count(const struct cfg_errors *e)
{
	return e == NULL ? 0 : e->n;
}

const char *cfg_errors_get(const struct cfg_errors *e, unsigned int i)
{
	if (e == NULL || i >= e->n)
		return NULL;
	return e->msg[i];
}

void cfg_errors_print(const struct cfg_errors *e, FILE *out)
{
	if (e == NULL)
		return;
	for (unsigned int i = 0; i < e->n; i++)
		fprintf(out, "%s\n", e->msg[i]);
	if (e->dropped > 0)
		fprintf(out, "%u more errors not shown\n", e->dropped);
}

static void errors_vadd(struct cfg_errors *e, uint64_t where, const char *fmt, va_list ap)
{
	char *m;

	if (e == NULL)
		return;
	if (e->n >= CFG_ERRORS_MAX) {
		e->dropped++;
		return;
	}
	if (e->n == e->cap) {
		unsigned int cap = e->cap ? e->cap * 2 : 16;
		char **p = realloc(e->msg, cap * sizeof(*p));
		if (p == NULL) {
			e->dropped++;
			return;
		}
		e->msg = p;
		uint64_t *w = realloc(e->where, cap * sizeof(*w));
		if (w == NULL) {
			e->dropped++;
			return;
		}
		e->where = w;
		e->cap = cap;
	}
	if (vasprintf(&m, fmt, ap) < 0) {
		e->dropped++;
		return;
	}
	e->where[e->n] = where;
	e->msg[e->n++] = m;
}

void cfg_errors_add(struct cfg_errors *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_vadd(e, 0, fmt, ap);
	va_end(ap);
}

static void errors_add_at(struct cfg_errors *e, uint32_t line, uint32_t col, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void errors_add_at(struct cfg_errors *e, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_vadd(e, (uint64_t)line << 32 | col, fmt, ap);
	va_end(ap);
}

void cfg_errors_sort(struct cfg_errors *e, unsigned int from)
{
	if (e == NULL)
		return;
	/* insertion sort: stable, and there are at most CFG_ERRORS_MAX messages */
	for (unsigned int i = from + 1; i < e->n; i++) {
		char *m = e->msg[i];
		uint64_t w = e->where[i];
		unsigned int j = i;
		while (j > from && e->where[j - 1] > w) {
			e->msg[j] = e->msg[j - 1];
			e->where[j] = e->where[j - 1];
			j--;
		}
		e->msg[j] = m;
		e->where[j] = w;
	}
}

/* ---- paths ------------------------------------------------------------------------------- */

/* A growable byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static bool buf_reserve(struct buf *b, size_t extra)
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

static void buf_put(struct buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_putc(struct buf *b, char c)
{
	buf_put(b, &c, 1);
}

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
static void path_add_key(struct buf *b, const char *k, size_t n)
{
	if (key_is_identifier(k, n)) {
		if (b->len > 0)
			buf_putc(b, '.');
		buf_put(b, k, n);
		return;
	}
	buf_put(b, "[\"", 2);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			buf_put(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			buf_put(b, esc, 4);
		} else {
			buf_putc(b, (char)c);
		}
	}
	buf_put(b, "\"]", 2);
}

static void path_add_index(struct buf *b, size_t i)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "[%zu]", i);
	buf_put(b, s, (size_t)n);
}

static void node_path(const struct cfg_node *n, struct buf *b)
{
	if (n->parent == NULL)
		return;
	node_path(n->parent, b);
	if (n->key != NULL)
		path_add_key(b, n->key, strlen(n->key));
	else
		path_add_index(b, n->index);
}

char *cfg_path(const struct cfg_node *n, char *out, size_t size)
{
	struct buf b = {0};

	if (size == 0)
		return out;
	node_path(n, &b);
	snprintf(out, size, "%s", b.p ? b.p : "");
	free(b.p);
	return out;
}

/* ---- position index ---------------------------------------------------------------------- */

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
	struct buf paths;
	struct pos *pos; /* sorted by (path, seq) after the scan */
	size_t n_pos, cap_pos;
	bool oom;
};

/* A forgiving scanner over text that jansson already accepted. */
struct scan {
	const char *s;
	size_t len, i;
	uint32_t line, col;
	uint32_t next_id;
	struct cfg_doc *doc;
	struct buf path;
	struct buf key;
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

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int scan_u4(struct scan *t)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hexval(scan_peek(t));
		if (h < 0)
			return -1;
		v = v * 16 + h;
		scan_next(t);
	}
	return v;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_put(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_put(b, u, 4);
	}
}

/* Decode a JSON string at the cursor (on the opening quote) into out (if not NULL). */
static void scan_string(struct scan *t, struct buf *out)
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
				buf_putc(out, (char)c);
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
			buf_putc(out, '\b');
			break;
		case 'f':
			buf_putc(out, '\f');
			break;
		case 'n':
			buf_putc(out, '\n');
			break;
		case 'r':
			buf_putc(out, '\r');
			break;
		case 't':
			buf_putc(out, '\t');
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
			buf_putc(out, (char)c);
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
	buf_put(&d->paths, t->path.p ? t->path.p : "", t->path.len);
	buf_putc(&d->paths, '\0');
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
			t->path.len = base;
			if (t->path.p)
				t->path.p[base] = '\0';
			if (close == '}') {
				if (scan_peek(t) != '"')
					return; /* cannot happen after jansson; stop quietly */
				kl = t->line;
				kc = t->col;
				t->key.len = 0;
				scan_string(t, &t->key);
				path_add_key(&t->path, t->key.p ? t->key.p : "", t->key.len);
				scan_ws(t);
				if (scan_peek(t) != ':')
					return;
				scan_next(t);
			} else {
				path_add_index(&t->path, index++);
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
			t->path.len = base;
			if (t->path.p)
				t->path.p[base] = '\0';
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

static void doc_error_at(struct cfg_doc *d, uint32_t line, uint32_t col, const char *path,
                         const char *fmt, va_list ap)
{
	char *msg;

	d->n_errors++;
	if (vasprintf(&msg, fmt, ap) < 0) {
		cfg_errors_add(d->errs, "%s: out of memory", d->name);
		return;
	}
	if (path[0] != '\0')
		errors_add_at(d->errs, line, col, "%s:%u:%u: %s: %s", d->name, line, col, path,
		              msg);
	else
		errors_add_at(d->errs, line, col, "%s:%u:%u: %s", d->name, line, col, msg);
	free(msg);
}

static void doc_error(struct cfg_doc *d, uint32_t line, uint32_t col, const char *path,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void doc_error(struct cfg_doc *d, uint32_t line, uint32_t col, const char *path,
                      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	doc_error_at(d, line, col, path, fmt, ap);
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

/* ---- nodes ------------------------------------------------------------------------------- */

struct cfg_node cfg_root(struct cfg_doc *doc)
{
	return (struct cfg_node){.doc = doc, .json = doc->root};
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
	struct buf b = {0};
	const struct pos *p = NULL;
	const struct cfg_node *m;

	node_path(n, &b);
	/* An absent member has no position: point at the closest enclosing value that has. */
	for (m = n; m != NULL; m = m->parent) {
		if (m->json == NULL)
			continue;
		struct buf mb = {0};
		node_path(m, &mb);
		p = pos_find(n->doc, mb.p ? mb.p : "");
		free(mb.p);
		if (p != NULL)
			break;
	}
	uint32_t line = 1, col = 1;
	if (p != NULL) {
		line = p->line;
		col = p->col;
		if (at_key && m == n && p->key_line != 0) {
			line = p->key_line;
			col = p->key_col;
		}
	}
	doc_error_at(n->doc, line, col, b.p ? b.p : "", fmt, ap);
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

/* A string value quoted for messages, truncated. */
static const char *quote(const json_t *v, char *buf, size_t size)
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

static void wrong_type(const struct cfg_node *n, const char *allowed)
{
	char d[64];
	cfg_error(n, "found %s (allowed: %s)", cfg_describe(n->json, d, sizeof(d)), allowed);
}

/* ---- structure --------------------------------------------------------------------------- */

static void join_names(char *out, size_t size, const char *const *names, bool quoted)
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
		wrong_type(n, "object");
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
			join_names(names, sizeof(names), allowed, false);
			cfg_error_key(&m, "unknown key (allowed: %s)", names);
		}
	}
	return true;
}

bool cfg_node_array(const struct cfg_node *n, size_t max, size_t *count)
{
	char t[32];

	if (!json_is_array(n->json)) {
		snprintf(t, sizeof(t), "array of at most %zu items", max);
		wrong_type(n, t);
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

/* ---- values ------------------------------------------------------------------------------ */

bool cfg_node_uint(const struct cfg_node *n, uint64_t min, uint64_t max, uint64_t *out)
{
	char allowed[64];

	snprintf(allowed, sizeof(allowed), "integer %" PRIu64 "..%" PRIu64, min, max);
	if (!json_is_integer(n->json)) {
		wrong_type(n, allowed);
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

bool cfg_node_bool(const struct cfg_node *n, bool *out)
{
	if (!json_is_boolean(n->json)) {
		wrong_type(n, "true, false");
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
		wrong_type(n, allowed);
		return false;
	}
	size_t len = json_string_length(n->json);
	if (len < min_len || len > size - 1) {
		cfg_error(n, "%s is too %s (allowed: %s)", quote(n->json, q, sizeof(q)),
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
		wrong_type(n, allowed);
		return false;
	}
	const char *s = json_string_value(n->json);
	size_t len = json_string_length(n->json);
	if (len == 0 || len >= size || strlen(s) != len || !cfg_name_valid(s, size)) {
		cfg_error(n, "%s is not a valid name (allowed: %s)", quote(n->json, q, sizeof(q)),
		          allowed);
		return false;
	}
	memcpy(buf, s, len + 1);
	return true;
}

int cfg_node_enum(const struct cfg_node *n, const char *const *names)
{
	char allowed[512], d[64];

	join_names(allowed, sizeof(allowed), names, true);
	if (json_is_string(n->json)) {
		const char *s = json_string_value(n->json);
		for (int i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], s) == 0)
				return i;
		cfg_error(n, "%s is not allowed (allowed: %s)", quote(n->json, d, sizeof(d)),
		          allowed);
		return -1;
	}
	wrong_type(n, allowed);
	return -1;
}

int cfg_node_uint_or_keyword(const struct cfg_node *n, uint64_t min, uint64_t max,
                             const char *const *keywords, uint64_t *num)
{
	char allowed[256], kw[192], d[64];

	join_names(kw, sizeof(kw), keywords, true);
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
		cfg_error(n, "%s is not allowed (allowed: %s)", quote(n->json, d, sizeof(d)),
		          allowed);
		return -1;
	}
	wrong_type(n, allowed);
	return -1;
}

bool cfg_node_ipv4(const struct cfg_node *n, uint32_t *addr)
{
	char q[64];

	if (!json_is_string(n->json)) {
		wrong_type(n, "IPv4 address string \"a.b.c.d\"");
		return false;
	}
	if (cfg_parse_ipv4(json_string_value(n->json), addr) != 0) {
		cfg_error(n, "%s is not an IPv4 address (allowed: \"a.b.c.d\", each 0..255)",
		          quote(n->json, q, sizeof(q)));
		return false;
	}
	return true;
}

bool cfg_node_prefix(const struct cfg_node *n, unsigned int flags, uint32_t *addr, uint8_t *len)
{
	const char *allowed = (flags & CFG_PREFIX_BARE_OK)
	                              ? "\"a.b.c.d/len\" (len 0..32) or \"a.b.c.d\""
	                              : "\"a.b.c.d/len\" (len 0..32)";
	char q[64];
	uint32_t a;
	uint8_t l;

	if (!json_is_string(n->json)) {
		char t[96];
		snprintf(t, sizeof(t), "IPv4 prefix string %s", allowed);
		wrong_type(n, t);
		return false;
	}
	if (cfg_parse_prefix(json_string_value(n->json), flags & CFG_PREFIX_BARE_OK, &a, &l) != 0) {
		cfg_error(n, "%s is not an IPv4 prefix (allowed: %s)", quote(n->json, q, sizeof(q)),
		          allowed);
		return false;
	}
	if (!(flags & CFG_PREFIX_HOST_BITS_OK) && (a & ~cfg_prefix_mask(l)) != 0) {
		char net[16];
		cfg_format_ipv4(a & cfg_prefix_mask(l), net, sizeof(net));
		cfg_error(n, "%s has host bits set (allowed: the network address, here \"%s/%u\")",
		          quote(n->json, q, sizeof(q)), net, l);
		return false;
	}
	*addr = a;
	*len = l;
	return true;
}

bool cfg_node_mac(const struct cfg_node *n, uint8_t mac[6])
{
	static const char allowed[] = "unicast MAC \"aa:bb:cc:dd:ee:ff\"";
	char q[64];
	uint8_t m[6];

	if (!json_is_string(n->json)) {
		wrong_type(n, allowed);
		return false;
	}
	if (cfg_parse_mac(json_string_value(n->json), m) != 0) {
		cfg_error(n, "%s is not a MAC address (allowed: %s)", quote(n->json, q, sizeof(q)),
		          allowed);
		return false;
	}
	if ((m[0] & 1) || (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0) {
		cfg_error(n, "%s is a %s address (allowed: %s)", quote(n->json, q, sizeof(q)),
		          (m[0] & 1) ? "multicast" : "zero", allowed);
		return false;
	}
	memcpy(mac, m, 6);
	return true;
}

bool cfg_node_port_range(const struct cfg_node *n, uint16_t *lo, uint16_t *hi)
{
	static const char allowed[] = "port 0..65535 or string \"lo-hi\" with lo <= hi";
	char q[64];

	if (json_is_integer(n->json)) {
		json_int_t v = json_integer_value(n->json);
		if (v < 0 || v > 65535) {
			cfg_error(n, "%" JSON_INTEGER_FORMAT " is out of range (allowed: %s)", v,
			          allowed);
			return false;
		}
		*lo = *hi = (uint16_t)v;
		return true;
	}
	if (!json_is_string(n->json)) {
		wrong_type(n, allowed);
		return false;
	}
	const char *s = json_string_value(n->json);
	if (strchr(s, '-') == NULL || cfg_parse_port_range(s, lo, hi) != 0) {
		cfg_error(n, "%s is not a port range (allowed: %s)", quote(n->json, q, sizeof(q)),
		          allowed);
		return false;
	}
	return true;
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

/* ---- plain string parsers ---------------------------------------------------------------- */

/* Decimal 0..max with 1..maxdigits digits and no sign or leading zeros; advances *s. */
static int parse_dec(const char **s, unsigned int max, unsigned int maxdigits, unsigned int *out)
{
	const char *p = *s;
	unsigned int v = 0, nd = 0;

	while (*p >= '0' && *p <= '9') {
		if (nd == 1 && v == 0)
			return -EINVAL; /* "01": ambiguous (octal in inet_aton) */
		v = v * 10 + (unsigned int)(*p - '0');
		p++;
		if (++nd > maxdigits || v > max)
			return -EINVAL;
	}
	if (nd == 0)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

static int parse_ipv4_prefix(const char **s, uint32_t *addr)
{
	uint32_t a = 0;
	for (int i = 0; i < 4; i++) {
		unsigned int o;
		if (i > 0) {
			if (**s != '.')
				return -EINVAL;
			(*s)++;
		}
		if (parse_dec(s, 255, 3, &o) != 0)
			return -EINVAL;
		a = (a << 8) | o;
	}
	*addr = a;
	return 0;
}

int cfg_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t a;
	if (parse_ipv4_prefix(&s, &a) != 0 || *s != '\0')
		return -EINVAL;
	*addr = a;
	return 0;
}

int cfg_parse_prefix(const char *s, bool bare_ok, uint32_t *addr, uint8_t *len)
{
	uint32_t a;
	unsigned int l;

	if (parse_ipv4_prefix(&s, &a) != 0)
		return -EINVAL;
	if (*s == '\0' && bare_ok) {
		*addr = a;
		*len = 32;
		return 0;
	}
	if (*s != '/')
		return -EINVAL;
	s++;
	if (parse_dec(&s, 32, 2, &l) != 0 || *s != '\0')
		return -EINVAL;
	*addr = a;
	*len = (uint8_t)l;
	return 0;
}

int cfg_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	char sep = 0;

	for (int i = 0; i < 6; i++) {
		if (i > 0) {
			if (sep == 0 && (*s == ':' || *s == '-'))
				sep = *s;
			if (*s != sep)
				return -EINVAL;
			s++;
		}
		int h = hexval((unsigned char)s[0]);
		int l = h < 0 ? -1 : hexval((unsigned char)s[1]);
		if (h < 0 || l < 0)
			return -EINVAL;
		m[i] = (uint8_t)(h << 4 | l);
		s += 2;
	}
	if (*s != '\0')
		return -EINVAL;
	memcpy(mac, m, 6);
	return 0;
}

int cfg_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	unsigned int a, b;

	if (parse_dec(&s, 65535, 5, &a) != 0)
		return -EINVAL;
	if (*s == '\0') {
		*lo = *hi = (uint16_t)a;
		return 0;
	}
	if (*s != '-')
		return -EINVAL;
	s++;
	if (parse_dec(&s, 65535, 5, &b) != 0 || *s != '\0' || a > b)
		return -EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

uint32_t cfg_prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : len >= 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1);
}

char *cfg_format_ipv4(uint32_t a, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return buf;
}
