/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg framework: the collection of error messages. Every message is kept with the file
 * position it points at, so that a loader can sort a file's messages top down whatever order
 * its sections were checked in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cfg_private.h"

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
void cfg_errors_add_at(struct cfg_errors *e, uint32_t line, uint32_t col, const char *fmt, ...)
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
