/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_CFG_PRIVATE_H
#define PEPGW_CFG_PRIVATE_H

/*
 * Internals shared by the cfg framework's files; never included from outside lib/config's
 * framework (cfg_*.c). One concern per file:
 *   cfg_errors.c  the message collection
 *   cfg_doc.c     loading a document and the position scan (line:column by JSON path)
 *   cfg_node.c    nodes, their paths, errors at a node, structure (objects, arrays)
 *   cfg_get.c     typed scalars (integers, booleans, strings, names, enums) and member getters
 *   cfg_parse.c   values written as strings: IPv4 addresses, prefixes, MACs, port ranges
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

/* ---- cfg_errors.c ---- */

/* Add a message that sorts at line:col (cfg_errors_sort). */
void cfg_errors_add_at(struct cfg_errors *e, uint32_t line, uint32_t col, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* ---- cfg_node.c: a growable byte buffer and the spelling of path steps ---- */

struct cfg_buf {
	char *p;
	size_t len, cap;
	bool oom; /* an allocation failed: further puts are ignored */
};

void cfg_buf_put(struct cfg_buf *b, const char *s, size_t n);
void cfg_buf_putc(struct cfg_buf *b, char c);
/* Forget the content from len on (len <= b->len). */
void cfg_buf_truncate(struct cfg_buf *b, size_t len);

/*
 * The one place that spells a path step, used both by the position scan and by nodes, so that
 * lookups match byte for byte: `.key` (or `key` first), `["odd key"]`, `[3]`.
 */
void cfg_path_add_key(struct cfg_buf *b, const char *k, size_t n);
void cfg_path_add_index(struct cfg_buf *b, size_t i);
/* n's full path appended to b. */
void cfg_node_path(const struct cfg_node *n, struct cfg_buf *b);

/* ---- cfg_doc.c: positions ---- */

struct cfg_pos {
	uint32_t line, col;         /* where the value starts */
	uint32_t key_line, key_col; /* where its key starts; 0 for items and the root */
};

/* Position of the value at path (the last of duplicate keys, as jansson keeps), or false. */
bool cfg_doc_find(const struct cfg_doc *d, const char *path, struct cfg_pos *out);
/* The parsed document's root value. */
json_t *cfg_doc_root(const struct cfg_doc *d);
/* Report "FILE:LINE:COL: path: message" (no path part for the root) and count it. */
void cfg_doc_verror(struct cfg_doc *d, uint32_t line, uint32_t col, const char *path,
                    const char *fmt, va_list ap);

/* ---- cfg_node.c: message helpers for the value files ---- */

/* A string value quoted for messages, truncated. */
const char *cfg_quote(const json_t *v, char *buf, size_t size);
/* "found <what n holds> (allowed: <allowed>)" at n. */
void cfg_wrong_type(const struct cfg_node *n, const char *allowed);
/* names (NULL-terminated) joined with ", ", each in double quotes when quoted. */
void cfg_join_names(char *out, size_t size, const char *const *names, bool quoted);

static inline int cfg_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
