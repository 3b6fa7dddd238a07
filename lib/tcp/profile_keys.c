/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_profile_keys: lib/tcp's list of TCP profile keys (tcp_defaults.h) as the documentation
 * and the config tests read it.
 *
 *   tcp_profile_keys --markdown   the rows of doc/configuration.md's tcp_profiles table
 *   tcp_profile_keys --json       one JSON object per line: key, type, default, minimum,
 *                                 maximum (the last two for numbers only)
 *
 * tests/config/check_tcp_defaults.py compares both with the document and the JSON schema;
 * paste the --markdown output into the table after changing the list.
 */
#include <stdio.h>
#include <string.h>

#include "tcp_defaults.h"

enum kind { K_BOOL, K_U32, K_U16, K_U8, K_RATE, K_CC };

struct key {
	enum kind kind;
	const char *name, *unit, *doc;
	double def, min, max; /* numbers and booleans */
	const char *def_str;  /* CC */
};

/* A default as a number (booleans 0/1) or, for the module's name, as a string. */
#define NUM_DEF(d) _Generic((d), char * : 0.0, default : (d))
#define STR_DEF(d) _Generic((d), char * : (d), default : (const char *)0)
#define KEY(k, n, d, lo, hi, u, txt)                                                               \
	{.kind = K_##k,                                                                            \
	 .name = TCP_KEY_STR(k, n),                                                                \
	 .unit = u,                                                                                \
	 .doc = txt,                                                                               \
	 .def = NUM_DEF(d),                                                                        \
	 .min = (double)(lo),                                                                      \
	 .max = (double)(hi),                                                                      \
	 .def_str = STR_DEF(d)},
static const struct key keys[] = {TCP_PROFILE_KEYS(KEY)};
#undef KEY

/* A number as the document writes it: integers without a fraction. */
static void num(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.15g", v);
}

static void markdown(const struct key *k)
{
	char d[32], lo[32], hi[32];
	num(d, sizeof(d), k->def);
	num(lo, sizeof(lo), k->min);
	num(hi, sizeof(hi), k->max);
	switch (k->kind) {
	case K_CC:
		printf("| `%s` | string | `\"%s\"` | %s |\n", k->name, k->def_str, k->doc);
		break;
	case K_BOOL:
		printf("| `%s` | boolean | %s | %s |\n", k->name, k->def != 0 ? "true" : "false",
		       k->doc);
		break;
	default: {
		char type[48];
		if (k->kind == K_RATE)
			snprintf(type, sizeof(type), "number, Mbit/s");
		else
			snprintf(type, sizeof(type), "integer%s%s", *k->unit ? ", " : "", k->unit);
		printf("| `%s` | %s | %s | %s..%s%s%s |\n", k->name, type, d, lo, hi,
		       *k->doc ? "; " : "", k->doc);
		break;
	}
	}
}

static void json(const struct key *k)
{
	char d[32], lo[32], hi[32];
	num(d, sizeof(d), k->def);
	num(lo, sizeof(lo), k->min);
	num(hi, sizeof(hi), k->max);
	switch (k->kind) {
	case K_CC:
		printf("{\"key\": \"%s\", \"type\": \"string\", \"default\": \"%s\"}\n", k->name,
		       k->def_str);
		break;
	case K_BOOL:
		printf("{\"key\": \"%s\", \"type\": \"boolean\", \"default\": %s}\n", k->name,
		       k->def != 0 ? "true" : "false");
		break;
	default:
		printf("{\"key\": \"%s\", \"type\": \"%s\", \"default\": %s, \"minimum\": %s, "
		       "\"maximum\": %s}\n",
		       k->name, k->kind == K_RATE ? "number" : "integer", d, lo, hi);
		break;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "--markdown") != 0 && strcmp(argv[1], "--json") != 0)) {
		fprintf(stderr, "usage: %s --markdown | --json\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (argv[1][2] == 'm')
			markdown(&keys[i]);
		else
			json(&keys[i]);
	}
	return 0;
}
