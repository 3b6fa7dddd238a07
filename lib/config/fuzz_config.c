/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the configuration loader: any bytes must give either a config or at
 * least one error, never a crash, a leak or an unbounded allocation.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pepgw_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors *errs = cfg_errors_create();
	struct pepgw_config *cfg;

	if (errs == NULL)
		return 0;
	cfg = pepgw_config_load_buffer("fuzz.json", (const char *)data, size, errs);
	/* The contract: NULL comes with at least one message, a config with none. */
	if ((cfg == NULL) != (cfg_errors_count(errs) > 0))
		abort();
	for (unsigned int i = 0; i < cfg_errors_count(errs); i++)
		if (cfg_errors_get(errs, i) == NULL)
			abort();
	pepgw_config_free(cfg);
	cfg_errors_free(errs);
	return 0;
}
