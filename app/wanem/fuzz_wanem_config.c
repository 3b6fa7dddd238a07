/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the wanem configuration loader (lib/config's wanem vocabulary) and its
 * conversion (params.c): any bytes give either a config or at least one error, never a crash
 * or a leak, and a config the loader accepts always converts into params the engine accepts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct wanem_config *cfg;

	if (errs == NULL)
		return 0;
	cfg = wanem_config_load_buffer("fuzz.json", (const char *)data, size, errs);
	if ((cfg == NULL) != (cfg_errors_count(errs) > 0))
		abort();
	for (unsigned int i = 0; cfg != NULL && i < cfg->n_links; i++) {
		for (int d = 0; d < WANEM_NB_DIRS; d++) {
			struct wanem_params p;
			if (wanem_app_params(&cfg->links[i].dir[d], &p, NULL) != 0)
				abort();
		}
	}
	wanem_config_free(cfg);
	cfg_errors_free(errs);
	return 0;
}
