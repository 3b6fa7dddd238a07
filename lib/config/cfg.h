/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_CFG_H
#define PEPGW_CFG_H

/*
 * cfg: a small framework for strict JSON configuration files (jansson underneath), shared by
 * the pepgw loader (pepgw_config.c) and wanem's own file.
 *
 * - Errors are collected, never fatal: every problem becomes one line
 *   "FILE:LINE:COL: json.path: message" where the message quotes what was found and says what
 *   is allowed. Callers keep going after an error so that one run reports everything.
 * - jansson reports positions only for syntax errors, so cfg_doc_load* also scans the text once
 *   and records the line:column of every value (and of every member key) by JSON path; errors
 *   look their position up by path. The same scan reports duplicate keys with both positions.
 * - A struct cfg_node is a cursor: a JSON value (or an absent member) plus the way to it
 *   (parent, key or index). It lives on the caller's stack; nothing is allocated.
 * - Node parsers (cfg_node_*) check one present value: on success they store it and return
 *   true; on failure they report one error and leave the output untouched.
 * - Member getters (cfg_get_*) read an optional or required member with a default.
 *
 * Paths look like `rules[2].match.dst_ports[0]`; keys that are not identifiers are quoted:
 * `tcp_profiles["my profile"]`. The root has an empty path and is printed without one.
 *
 * No DPDK: only libc and jansson, so tools and fuzzers use it without EAL.
 *
 * One file per concern: cfg_errors.c (collection), cfg_doc.c (loading, the position scan),
 * cfg_node.c (nodes, paths, structure), cfg_get.c (typed scalars, member getters), cfg_parse.c
 * (IPv4 addresses, prefixes, MACs, port ranges).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* At most this many messages are kept; further ones are only counted. */
#define CFG_ERRORS_MAX 200
/* Files larger than this are refused (a configuration is a few KB). */
#define CFG_FILE_MAX   (16u << 20)
/* Longest path kept in messages, including the terminating NUL. */
#define CFG_PATH_MAX   256

/* ---- error collection (cfg_errors.c) ----------------------------------------------------- */

struct cfg_errors;

/* An empty collection, or NULL when out of memory. */
struct cfg_errors *cfg_errors_create(void);
void cfg_errors_free(struct cfg_errors *e);
/* Number of errors kept (at most CFG_ERRORS_MAX; later ones are counted, see print). */
unsigned int cfg_errors_count(const struct cfg_errors *e);
/* i-th formatted message (no trailing newline), or NULL when i >= count. */
const char *cfg_errors_get(const struct cfg_errors *e, unsigned int i);
/* One message per line, then "N more errors not shown" if some were dropped. */
void cfg_errors_print(const struct cfg_errors *e, FILE *out);
/* Add a preformatted message (for errors that belong to no JSON value). */
void cfg_errors_add(struct cfg_errors *e, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * Stable-sort the messages from index from on by file position (messages without one stay
 * first). Loaders call it with the count they started with, so a file's errors read top down.
 */
void cfg_errors_sort(struct cfg_errors *e, unsigned int from);

/* ---- documents (cfg_doc.c) --------------------------------------------------------------- */

struct cfg_doc;

/*
 * Read and parse the file at path. Returns NULL after adding one error when the file cannot be
 * read ("FILE: cannot open: <strerror>"), is larger than CFG_FILE_MAX, or is not valid JSON
 * ("FILE:LINE:COL: syntax error: ..."). The root must be an object or array. Duplicate keys are
 * reported but do not make the load fail (the last value is kept), so that the caller can go
 * on and report every other error too: check cfg_doc_error_count() at the end.
 */
struct cfg_doc *cfg_doc_load(const char *path, struct cfg_errors *errs);
/* The same from memory; name stands for the file name in messages. text need not be NUL-ended. */
struct cfg_doc *cfg_doc_load_buffer(const char *name, const char *text, size_t len,
                                    struct cfg_errors *errs);
void cfg_doc_free(struct cfg_doc *doc);
/* The name given at load time. */
const char *cfg_doc_name(const struct cfg_doc *doc);
/* Errors reported through this document so far (duplicates included). */
unsigned int cfg_doc_error_count(const struct cfg_doc *doc);

/* ---- nodes (cfg_node.c) ------------------------------------------------------------------ */

struct cfg_node {
	struct cfg_doc *doc;
	const struct cfg_node *parent; /* NULL for the root */
	const char *key;               /* member name, or NULL for an array item or the root */
	size_t index;                  /* array index when key is NULL */
	json_t *json;                  /* NULL when the member is absent */
};

struct cfg_node cfg_root(struct cfg_doc *doc);
/* Member key of obj (json NULL when absent or when obj is not an object). key must outlive it. */
struct cfg_node cfg_member(const struct cfg_node *obj, const char *key);
/* Item i of arr (json NULL when out of bounds or when arr is not an array). */
struct cfg_node cfg_item(const struct cfg_node *arr, size_t i);

static inline bool cfg_present(const struct cfg_node *n)
{
	return n->json != NULL;
}

/* Write n's path into buf (truncated to size). Returns buf. */
char *cfg_path(const struct cfg_node *n, char *buf, size_t size);

/*
 * Report "FILE:LINE:COL: path: message" at n's value, or at the nearest enclosing value that
 * has a position when n is absent. cfg_error_key points at the member's key instead.
 */
void cfg_error(const struct cfg_node *n, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void cfg_error_key(const struct cfg_node *n, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Short description of a value for messages: `string "abc"`, `integer 5`, `an object`... */
const char *cfg_describe(const json_t *v, char *buf, size_t size);

/* ---- structure (cfg_node.c) -------------------------------------------------------------- */

/*
 * n must be an object whose keys are all in allowed (NULL-terminated). Reports a wrong type, or
 * one error per unknown key (at the key, listing the allowed keys). Returns false only when n
 * is not an object (unknown keys are reported and skipped).
 */
bool cfg_node_object(const struct cfg_node *n, const char *const *allowed);
/* n must be an array of at most max items; *count receives its size. */
bool cfg_node_array(const struct cfg_node *n, size_t max, size_t *count);
/*
 * A map of names to objects ("name": {...}, as the profile sections are): n must be an object of
 * at most max members, each key a valid name (cfg_name_valid with size). Calls each(ctx, name,
 * member) for every valid member in document order and reports the others ("what" names one
 * member in messages, e.g. "TCP profile"). Returns the number of calls.
 */
typedef void (*cfg_named_fn)(void *ctx, const char *name, const struct cfg_node *member);
size_t cfg_node_named_objects(const struct cfg_node *n, const char *what, size_t max, size_t size,
                              cfg_named_fn each, void *ctx);
/* Member key of obj; reports "missing required key" when absent. */
bool cfg_require(const struct cfg_node *obj, const char *key, struct cfg_node *out);

/* ---- values (cfg_get.c; addresses, MACs and port ranges in cfg_parse.c) ------------------ */

bool cfg_node_uint(const struct cfg_node *n, uint64_t min, uint64_t max, uint64_t *out);
/* A JSON number, integer or real, in min..max (a real such as 1.5 where a rate needs one). */
bool cfg_node_number(const struct cfg_node *n, double min, double max, double *out);
bool cfg_node_bool(const struct cfg_node *n, bool *out);
/* A string of min_len..size-1 bytes, copied NUL-terminated into buf. */
bool cfg_node_string(const struct cfg_node *n, size_t min_len, char *buf, size_t size);
/* A name: 1..size-1 characters from [A-Za-z0-9_.-]. */
bool cfg_node_name(const struct cfg_node *n, char *buf, size_t size);
bool cfg_name_valid(const char *s, size_t size);
/* One of names (NULL-terminated): returns its index, or -1 after reporting. */
int cfg_node_enum(const struct cfg_node *n, const char *const *names);
/*
 * An integer min..max or one of keywords (NULL-terminated): returns 0 for a number (stored in
 * *num), k + 1 for keywords[k], -1 after reporting. E.g. mss: 64..65495, "auto", "off".
 */
int cfg_node_uint_or_keyword(const struct cfg_node *n, uint64_t min, uint64_t max,
                             const char *const *keywords, uint64_t *num);
/* "a.b.c.d" -> host byte order. */
bool cfg_node_ipv4(const struct cfg_node *n, uint32_t *addr);

enum cfg_prefix_flags {
	CFG_PREFIX_STRICT = 0,       /* "a.b.c.d/len", host bits must be zero */
	CFG_PREFIX_HOST_BITS_OK = 1, /* an interface address: "10.0.0.1/24" */
	CFG_PREFIX_BARE_OK = 2,      /* a bare "a.b.c.d" means /32 */
};
bool cfg_node_prefix(const struct cfg_node *n, unsigned int flags, uint32_t *addr, uint8_t *len);
/* "aa:bb:cc:dd:ee:ff" (or '-' separated); multicast and all-zero addresses are refused. */
bool cfg_node_mac(const struct cfg_node *n, uint8_t mac[6]);
/* A port number 0..65535 or a string "lo-hi" with lo <= hi. */
bool cfg_node_port_range(const struct cfg_node *n, uint16_t *lo, uint16_t *hi);
/* A UDP/TCP endpoint "a.b.c.d:port" with port 1..65535. */
bool cfg_node_endpoint(const struct cfg_node *n, uint32_t *addr, uint16_t *port);

/* ---- member getters (cfg_get.c) ---------------------------------------------------------- */

enum cfg_need { CFG_OPTIONAL, CFG_REQUIRED };

/*
 * Read member key of obj. Absent: optional -> *out = def, true; required -> error, false.
 * Present but invalid: error, *out = def (so that later checks see a sane value), false.
 */
bool cfg_get_u64(const struct cfg_node *obj, const char *key, enum cfg_need need, uint64_t min,
                 uint64_t max, uint64_t def, uint64_t *out);
bool cfg_get_u32(const struct cfg_node *obj, const char *key, enum cfg_need need, uint32_t min,
                 uint32_t max, uint32_t def, uint32_t *out);
bool cfg_get_u16(const struct cfg_node *obj, const char *key, enum cfg_need need, uint16_t min,
                 uint16_t max, uint16_t def, uint16_t *out);
bool cfg_get_u8(const struct cfg_node *obj, const char *key, enum cfg_need need, uint8_t min,
                uint8_t max, uint8_t def, uint8_t *out);
bool cfg_get_number(const struct cfg_node *obj, const char *key, enum cfg_need need, double min,
                    double max, double def, double *out);
bool cfg_get_bool(const struct cfg_node *obj, const char *key, enum cfg_need need, bool def,
                  bool *out);
/* def may be NULL (empty string). */
bool cfg_get_string(const struct cfg_node *obj, const char *key, enum cfg_need need,
                    const char *def, char *buf, size_t size);
bool cfg_get_name(const struct cfg_node *obj, const char *key, enum cfg_need need, const char *def,
                  char *buf, size_t size);
/* *out is an index into names. */
bool cfg_get_enum(const struct cfg_node *obj, const char *key, enum cfg_need need,
                  const char *const *names, int def, int *out);

/* ---- plain string parsers (cfg_parse.c; no messages; 0 or -EINVAL) ---------------------- */

int cfg_parse_ipv4(const char *s, uint32_t *addr);
/* "a.b.c.d/len" (len 0..32); with bare_ok also "a.b.c.d" as /32. */
int cfg_parse_prefix(const char *s, bool bare_ok, uint32_t *addr, uint8_t *len);
int cfg_parse_mac(const char *s, uint8_t mac[6]);
/* "lo-hi" or a single number as a string. */
int cfg_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi);
/* "a.b.c.d:port", port 1..65535. */
int cfg_parse_endpoint(const char *s, uint32_t *addr, uint16_t *port);
/* Netmask of a prefix length 0..32, host byte order. */
uint32_t cfg_prefix_mask(uint8_t len);
/* "a.b.c.d" into buf (at least 16 bytes). */
char *cfg_format_ipv4(uint32_t addr, char *buf, size_t size);

#endif
