/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pepgw's JSON vocabulary on top of the cfg framework: the top level of the file and the list
 * of sections. Each section (its keys, defaults, ranges and checks) is its own file,
 * pepgw_<section>.c, named once in PEPGW_CONFIG_SECTIONS (pepgw_section.h). Keys, defaults and
 * ranges are documented in doc/configuration.md; config/pepgw.schema.json is the same contract
 * for editors.
 */
#include <stdlib.h>
#include <string.h>

#include "pepgw_section.h"

#define PEPGW_SECTION_ENTRY(name) &pepgw_section_##name,
static const struct pepgw_section *const sections[] = {PEPGW_CONFIG_SECTIONS(PEPGW_SECTION_ENTRY)};
#undef PEPGW_SECTION_ENTRY

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static void parse_root(struct pepgw_loader *L, const struct cfg_node *root)
{
	/* "$schema", every section, NULL */
	const char *top_keys[1 + N_SECTIONS + 1];
	unsigned int k = 0;
	struct cfg_node m;

	top_keys[k++] = "$schema";
	for (size_t i = 0; i < N_SECTIONS; i++)
		top_keys[k++] = sections[i]->key;
	top_keys[k] = NULL;
	if (!cfg_node_object(root, top_keys))
		return;
	m = cfg_member(root, "$schema");
	if (cfg_present(&m) && !json_is_string(m.json)) {
		char d[64];
		cfg_error(&m, "found %s (allowed: string, the schema's URI)",
		          cfg_describe(m.json, d, sizeof(d)));
	}
	for (size_t i = 0; i < N_SECTIONS; i++) {
		struct cfg_node sec = cfg_member(root, sections[i]->key);
		sections[i]->parse(L, &sec);
	}
}

/* Walk a parsed document; consumes doc. */
static struct pepgw_config *load_doc(struct cfg_doc *doc, struct cfg_errors *errs,
                                     unsigned int first_error)
{
	struct pepgw_loader L = {.doc = doc};

	L.cfg = calloc(1, sizeof(*L.cfg));
	if (L.cfg == NULL) {
		cfg_errors_add(errs, "%s: out of memory", cfg_doc_name(doc));
		cfg_doc_free(doc);
		return NULL;
	}
	snprintf(L.cfg->path, sizeof(L.cfg->path), "%s", cfg_doc_name(doc));
	struct cfg_node root = cfg_root(doc);
	parse_root(&L, &root);
	if (cfg_doc_error_count(doc) > 0) {
		free(L.cfg);
		L.cfg = NULL;
	}
	cfg_errors_sort(errs, first_error);
	cfg_doc_free(doc);
	return L.cfg;
}

struct pepgw_config *pepgw_config_load_buffer(const char *name, const char *text, size_t len,
                                              struct cfg_errors *errs)
{
	unsigned int first = cfg_errors_count(errs);
	struct cfg_doc *doc = cfg_doc_load_buffer(name, text, len, errs);
	return doc == NULL ? NULL : load_doc(doc, errs, first);
}

struct pepgw_config *pepgw_config_load(const char *path, struct cfg_errors *errs)
{
	unsigned int first = cfg_errors_count(errs);
	struct cfg_doc *doc = cfg_doc_load(path, errs);
	return doc == NULL ? NULL : load_doc(doc, errs, first);
}

void pepgw_config_free(struct pepgw_config *cfg)
{
	free(cfg);
}
