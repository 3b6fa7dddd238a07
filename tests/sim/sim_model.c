/* SPDX-License-Identifier: BSD-3-Clause */
#include "sim_model.h"

#include <math.h>

double sim_model_mathis_bps(uint32_t mss, double rtt_s, double p)
{
	if (mss == 0 || !(rtt_s > 0) || !(p > 0) || p > 1)
		return 0;
	return (double)mss * 8 / rtt_s * sqrt(1.5) / sqrt(p);
}

double sim_model_highspeed_bps(uint32_t mss, double rtt_s, double p)
{
	if (mss == 0 || !(rtt_s > 0) || !(p > 0) || p > 1)
		return 0;
	return 0.12 / pow(p, 0.835) * mss * 8 / rtt_s;
}

#define SCALABLE_A 0.01
#define SCALABLE_B 0.125

double sim_model_scalable_bps(uint32_t mss, double rtt_s, double p)
{
	if (mss == 0 || !(rtt_s > 0) || !(p > 0) || p > 1)
		return 0;
	return SCALABLE_A / (p * log(1 / (1 - SCALABLE_B))) * mss * 8 / rtt_s;
}

int sim_model_check(FILE *out, const char *name, double measured_bps, double model_bps,
                    double tolerance)
{
	double ratio = model_bps > 0 ? measured_bps / model_bps : 0;
	int ok = model_bps > 0 && fabs(ratio - 1) <= tolerance;
	fprintf(out, "check %s measured_mbps=%.4f model_mbps=%.4f ratio=%.3f tolerance=%.2f %s\n",
	        name, measured_bps / 1e6, model_bps / 1e6, ratio, tolerance, ok ? "ok" : "FAILED");
	return ok ? 0 : -1;
}
