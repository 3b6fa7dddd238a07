/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_SIM_MODEL_H
#define PEPGW_SIM_MODEL_H

/*
 * Goodput against theory: the models a simulation's measured goodput is checked against, and
 * the check itself. A model holds only where its assumptions hold; each test says which.
 */

#include <stdint.h>
#include <stdio.h>

/*
 * Mathis, Semke, Mahdavi, Ott 1997, "The macroscopic behavior of the TCP congestion avoidance
 * algorithm": a Reno flow whose window is set by loss alone (not by the receiver's window nor
 * by the link rate: no queue, so the RTT is the path's), losses independent with probability
 * p per segment, no timeouts, one window increase of one segment per RTT:
 *     rate = MSS / RTT * sqrt(3/2) / sqrt(p)       (sqrt(3/2) = 1.22)
 * Returns bits per second; 0 when an argument is out of range (mss 0, rtt <= 0, p outside
 * (0, 1]).
 */
double sim_model_mathis_bps(uint32_t mss, double rtt_s, double p);

/*
 * Print "check NAME measured_mbps=.. model_mbps=.. ratio=.. tolerance=.. ok|FAILED" to out.
 * Returns 0 when measured is within tolerance (a fraction: 0.2 = 20 %) of model either way,
 * -1 otherwise (a model of 0 always fails).
 */
int sim_model_check(FILE *out, const char *name, double measured_bps, double model_bps,
                    double tolerance);

#endif
