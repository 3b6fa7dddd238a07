/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the parameters of /pepgw/capture/start: arbitrary bytes (NUL-terminated
 * here, as telemetry hands them over) through capture_params_parse, and every accepted filter
 * through capture_filter_create (libpcap's compiler). Invariants beyond memory safety: an
 * accepted parameter set is within its documented bounds; a refusal always says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	struct capture_params p;
	char err[256];
	int rc = capture_params_parse(s, &p, err, sizeof(err));
	if (rc != 0) {
		if (rc != -EINVAL || err[0] == '\0')
			abort();
	} else {
		if (p.file[0] != '/' || p.points == 0 || p.points >= (1u << CAPTURE_POINT_MAX) ||
		    p.n_ports > CAPTURE_MAX_PORT_NAMES || p.max_packets == 0 ||
		    p.snaplen > CAPTURE_SNAPLEN_MAX || p.ring_size < CAPTURE_RING_MIN ||
		    p.ring_size > CAPTURE_RING_MAX || (p.ring_size & (p.ring_size - 1)) ||
		    memchr(p.filter, '\0', sizeof(p.filter)) == NULL)
			abort();
		struct capture_filter *f =
		        capture_filter_create(p.filter, p.snaplen, err, sizeof(err));
		if (f == NULL && err[0] == '\0')
			abort();
		capture_filter_free(f);
	}
	free(s);
	return 0;
}
