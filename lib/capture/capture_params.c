/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parameters of a capture: "key=value;key=value", strict (an unknown key, a repeated key,
 * a value out of range is an error that quotes it and says what is allowed).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"

static const char *const point_names[CAPTURE_POINT_MAX] = {
        [CAPTURE_POINT_RX] = "rx",       [CAPTURE_POINT_TX] = "tx",
        [CAPTURE_POINT_DROP] = "drop",   [CAPTURE_POINT_INNER] = "inner",
        [CAPTURE_POINT_OUTER] = "outer",
};

const char *capture_point_name(enum capture_point p)
{
	return (unsigned int)p < CAPTURE_POINT_MAX ? point_names[p] : NULL;
}

static const char *const stop_names[] = {
        [CAPTURE_RUNNING] = "running",      [CAPTURE_STOP_PACKETS] = "count",
        [CAPTURE_STOP_BYTES] = "bytes",     [CAPTURE_STOP_DURATION] = "duration",
        [CAPTURE_STOP_REQUEST] = "stopped", [CAPTURE_STOP_ERROR] = "error",
};

const char *capture_stop_name(enum capture_stop s)
{
	return (unsigned int)s < RTE_DIM(stop_names) ? stop_names[s] : NULL;
}

void capture_params_default(struct capture_params *p)
{
	memset(p, 0, sizeof(*p));
	p->points = CAPTURE_POINTS_DEFAULT;
	p->max_packets = CAPTURE_DEFAULT_PACKETS;
	p->max_bytes = CAPTURE_DEFAULT_BYTES;
	p->duration_s = CAPTURE_DEFAULT_DURATION_S;
	p->snaplen = CAPTURE_DEFAULT_SNAPLEN;
	p->ring_size = CAPTURE_DEFAULT_RING;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err != NULL && errlen > 0)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* An unsigned decimal in [min, max]; no sign, no spaces, no suffix. */
static int parse_u64(const char *v, size_t n, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t x = 0;
	if (n == 0 || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EINVAL;
		uint64_t d = (uint64_t)(v[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	if (x < min || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

/* The items of a comma-separated list, one call per item: returns its length, 0 at the end. */
static size_t next_item(const char **cur, const char *end, const char **item)
{
	const char *c = *cur;
	if (c >= end)
		return 0;
	const char *comma = memchr(c, ',', (size_t)(end - c));
	const char *stop = comma != NULL ? comma : end;
	*item = c;
	*cur = comma != NULL ? comma + 1 : end;
	return (size_t)(stop - c);
}

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

static int parse_points(const char *v, size_t n, uint32_t *points, char *err, size_t errlen)
{
	const char *cur = v, *end = v + n, *it;
	size_t len;
	uint32_t pts = 0;
	if (n == 0 || v[n - 1] == ',')
		return fail(
		        err, errlen,
		        "points: '%.*s' has an empty item (allowed: rx,tx,drop,inner,outer,all)",
		        (int)n, v);
	while ((len = next_item(&cur, end, &it)) > 0 || cur < end) {
		unsigned int i;
		if (len == 0)
			return fail(err, errlen, "points: '%.*s' has an empty item", (int)n, v);
		if (word_is(it, len, "all")) {
			pts |= (1u << CAPTURE_POINT_MAX) - 1;
			continue;
		}
		for (i = 0; i < CAPTURE_POINT_MAX; i++)
			if (word_is(it, len, point_names[i]))
				break;
		if (i == CAPTURE_POINT_MAX)
			return fail(err, errlen,
			            "points: '%.*s' unknown (allowed: rx,tx,drop,inner,outer,all)",
			            (int)len, it);
		pts |= 1u << i;
	}
	*points = pts;
	return 0;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static int parse_ports(const char *v, size_t n, struct capture_params *p, char *err, size_t errlen)
{
	const char *cur = v, *end = v + n, *it;
	size_t len;
	p->n_ports = 0;
	if (n == 0 || v[n - 1] == ',')
		return fail(err, errlen, "ports: '%.*s' has an empty item (allowed: NAME,...)",
		            (int)n, v);
	while ((len = next_item(&cur, end, &it)) > 0 || cur < end) {
		if (len == 0 || len >= CAPTURE_NAME_LEN)
			return fail(err, errlen, "ports: '%.*s': names are 1 to %d characters",
			            (int)len, it, CAPTURE_NAME_LEN - 1);
		for (size_t i = 0; i < len; i++)
			if (!name_char_ok(it[i]))
				return fail(err, errlen,
				            "ports: '%.*s' (allowed: letters, digits, _ - .)",
				            (int)len, it);
		if (p->n_ports == CAPTURE_MAX_PORT_NAMES)
			return fail(err, errlen, "ports: more than %d names",
			            CAPTURE_MAX_PORT_NAMES);
		memcpy(p->ports[p->n_ports], it, len);
		p->ports[p->n_ports++][len] = '\0';
	}
	return 0;
}

enum key {
	K_FILE,
	K_FILTER,
	K_POINTS,
	K_PORTS,
	K_COUNT,
	K_BYTES,
	K_DURATION,
	K_SNAPLEN,
	K_RING,
	K_MAX
};
static const char *const key_names[K_MAX] = {
        "file", "filter", "points", "ports", "count", "bytes", "duration", "snaplen", "ring",
};
#define KEYS_ALLOWED "file, filter, points, ports, count, bytes, duration, snaplen, ring"

static int parse_value(enum key k, const char *v, size_t n, struct capture_params *p, char *err,
                       size_t errlen)
{
	uint64_t x;
	switch (k) {
	case K_FILE:
		if (n == 0 || v[0] != '/' || n >= CAPTURE_FILE_LEN)
			return fail(
			        err, errlen,
			        "file: '%.*s' (allowed: an absolute path, at most %d characters)",
			        (int)n, v, CAPTURE_FILE_LEN - 1);
		if (memchr(v, '\0', n) != NULL)
			return fail(err, errlen, "file: contains a NUL byte");
		memcpy(p->file, v, n);
		p->file[n] = '\0';
		return 0;
	case K_FILTER:
		if (n >= CAPTURE_FILTER_LEN)
			return fail(err, errlen, "filter: %zu characters (allowed: at most %d)", n,
			            CAPTURE_FILTER_LEN - 1);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f)
				return fail(err, errlen,
				            "filter: control or non-ASCII byte 0x%02x at %zu",
				            (unsigned char)v[i], i);
		memcpy(p->filter, v, n);
		p->filter[n] = '\0';
		return 0;
	case K_POINTS:
		return parse_points(v, n, &p->points, err, errlen);
	case K_PORTS:
		return parse_ports(v, n, p, err, errlen);
	case K_COUNT:
		if (parse_u64(v, n, 1, CAPTURE_MAX_PACKETS, &p->max_packets) != 0)
			return fail(err, errlen, "count: '%.*s' (allowed: 1 to %llu packets)",
			            (int)n, v, (unsigned long long)CAPTURE_MAX_PACKETS);
		return 0;
	case K_BYTES:
		if (parse_u64(v, n, 4096, CAPTURE_MAX_BYTES, &p->max_bytes) != 0)
			return fail(err, errlen, "bytes: '%.*s' (allowed: 4096 to %llu)", (int)n, v,
			            (unsigned long long)CAPTURE_MAX_BYTES);
		return 0;
	case K_DURATION:
		if (parse_u64(v, n, 1, CAPTURE_MAX_DURATION_S, &x) != 0)
			return fail(err, errlen, "duration: '%.*s' (allowed: 1 to %u seconds)",
			            (int)n, v, CAPTURE_MAX_DURATION_S);
		p->duration_s = (uint32_t)x;
		return 0;
	case K_SNAPLEN:
		if (parse_u64(v, n, 64, CAPTURE_SNAPLEN_MAX, &x) != 0)
			return fail(err, errlen, "snaplen: '%.*s' (allowed: 64 to %d bytes)",
			            (int)n, v, CAPTURE_SNAPLEN_MAX);
		p->snaplen = (uint32_t)x;
		return 0;
	case K_RING:
		if (parse_u64(v, n, CAPTURE_RING_MIN, CAPTURE_RING_MAX, &x) != 0 || (x & (x - 1)))
			return fail(err, errlen,
			            "ring: '%.*s' (allowed: a power of two from %d to %d)", (int)n,
			            v, CAPTURE_RING_MIN, CAPTURE_RING_MAX);
		p->ring_size = (uint32_t)x;
		return 0;
	case K_MAX:
	default:
		break;
	}
	return -EINVAL;
}

int capture_params_parse(const char *s, struct capture_params *p, char *err, size_t errlen)
{
	uint32_t seen = 0;
	capture_params_default(p);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (s == NULL)
		return fail(err, errlen, "no parameters (need at least file=PATH)");
	const char *cur = s, *end = s + strlen(s);
	while (cur < end) {
		const char *semi = memchr(cur, ';', (size_t)(end - cur));
		const char *stop = semi != NULL ? semi : end;
		const char *eq = memchr(cur, '=', (size_t)(stop - cur));
		if (stop == cur) { /* an empty item: tolerate a trailing ';' only */
			if (semi != NULL && semi + 1 < end)
				return fail(err, errlen,
				            "empty item between ';' (allowed: key=value)");
			cur = stop + 1;
			continue;
		}
		if (eq == NULL)
			return fail(err, errlen, "'%.*s': not key=value (keys: " KEYS_ALLOWED ")",
			            (int)(stop - cur), cur);
		unsigned int k;
		for (k = 0; k < K_MAX; k++)
			if (word_is(cur, (size_t)(eq - cur), key_names[k]))
				break;
		if (k == K_MAX)
			return fail(err, errlen, "'%.*s': unknown key (allowed: " KEYS_ALLOWED ")",
			            (int)(eq - cur), cur);
		if (seen & (1u << k))
			return fail(err, errlen, "%s: given twice", key_names[k]);
		seen |= 1u << k;
		int rc = parse_value(k, eq + 1, (size_t)(stop - eq - 1), p, err, errlen);
		if (rc != 0)
			return rc;
		cur = semi != NULL ? semi + 1 : end;
	}
	if (!(seen & (1u << K_FILE)))
		return fail(err, errlen, "file: missing (need file=/absolute/path.pcapng)");
	return 0;
}

enum capture_stop capture_limit_reached(const struct capture_params *p, uint64_t packets,
                                        uint64_t bytes, uint64_t start_us, uint64_t now_us)
{
	if (packets >= p->max_packets)
		return CAPTURE_STOP_PACKETS;
	if (bytes >= p->max_bytes)
		return CAPTURE_STOP_BYTES;
	if (now_us >= start_us && now_us - start_us >= (uint64_t)p->duration_s * 1000000u)
		return CAPTURE_STOP_DURATION;
	return CAPTURE_RUNNING;
}
