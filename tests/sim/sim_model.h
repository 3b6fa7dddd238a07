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
 * HighSpeed TCP's response function (RFC 3649 5): a flow holds w = 0.12 / p^0.835 segments at
 * a loss rate p, which a(w) and b(w) are derived from; above Low_Window (38 segments, p below
 * about 0.0015), where the module is not Reno. The module's a(w) is a step function (a = the
 * table row + 1, as Linux's), below the continuous a(w) by up to one segment per RTT: within a
 * few percent of this from w ~ 300 up, 25 % low near 100. Bits per second; 0 out of range.
 */
double sim_model_highspeed_bps(uint32_t mss, double rtt_s, double p);

/*
 * Scalable TCP (Kelly 2003): +a per segment acknowledged, -b on a loss (a = 0.01, b = 1/8).
 * The window grows linearly in the segments sent, so between losses (1/p segments apart) it
 * climbs from (1 - b) W to W = a / (b p) = 0.08 / p (the paper's figure), taking
 * ln(1 / (1 - b)) / a round trips' worth of time at a window of w: the time average is
 * a / (p ln(1 / (1 - b))) = 0.075 / p segments, which this returns as bits per second.
 */
double sim_model_scalable_bps(uint32_t mss, double rtt_s, double p);

/*
 * Print "check NAME measured_mbps=.. model_mbps=.. ratio=.. tolerance=.. ok|FAILED" to out.
 * Returns 0 when measured is within tolerance (a fraction: 0.2 = 20 %) of model either way,
 * -1 otherwise (a model of 0 always fails).
 */
int sim_model_check(FILE *out, const char *name, double measured_bps, double model_bps,
                    double tolerance);

#endif
