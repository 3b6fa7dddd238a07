/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfgcheck --check --config FILE: validate a pepgw configuration the way `pepgw --check` does
 * (exit 0 when valid, 2 after printing every error, 1 on usage errors), without DPDK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pepgw_config.h"

int main(int argc, char **argv)
{
	const char *path = NULL;
	struct cfg_errors *errs;
	struct pepgw_config *cfg;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--check") == 0)
			continue;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[++i];
		else
			path = NULL, i = argc;
	}
	if (path == NULL) {
		fprintf(stderr, "usage: %s --check --config FILE\n", argv[0]);
		return 1;
	}
	errs = cfg_errors_create();
	if (errs == NULL)
		return 1;
	cfg = pepgw_config_load(path, errs);
	if (cfg == NULL) {
		cfg_errors_print(errs, stderr);
		cfg_errors_free(errs);
		return 2;
	}
	printf("%s: ok (%u ports, %u routes, %u rules, %u TCP profiles)\n", path, cfg->n_ports,
	       cfg->n_routes, cfg->n_rules, cfg->n_tcp_profiles);
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
	return 0;
}
