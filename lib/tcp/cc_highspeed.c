/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HighSpeed TCP (RFC 3649). Above Low_Window = 38 segments a window of w segments grows by
 * a(w) segments per RTT and loses b(w) * w on a congestion event, so that one flow can hold
 * High_Window = 83000 segments at a loss rate of High_P = 1e-7, with b = High_Decrease = 0.1
 * there. At or below Low_Window it is Reno (a = 1, b = 0.5). RFC 3649 5:
 *
 *   b(w) = (High_Decrease - 0.5) (ln w - ln Low_Window) / (ln High_Window - ln Low_Window) + 0.5
 *   p(w) = 0.078 / w^1.2
 *   a(w) = w^2 p(w) 2 b(w) / (2 - b(w))
 *
 * hs_table[i] is computed from these (cc_test.c recomputes every row): w is the smallest window
 * with a(w) >= i + 1, so a = i + 1 from there to the next row, and b is b(w) in 1/65536. Row 0
 * is Low_Window itself; the last row is the last one below High_Window (a(83000) = 70.7), whose
 * a and b hold beyond it. RFC 3649 Appendix B lists the same function at about these windows.
 * Slow start is RFC 5681's (with ABC), as RFC 3649 leaves it.
 */
#include "tcp_cc.h"

#define HS_LOW_WINDOW 38 /* segments */
#define HS_B_SHIFT    16

static const struct {
	uint32_t w;   /* segments */
	uint16_t b16; /* b(w) * 65536 */
} hs_table[] = {
        {38, 32768},    {118, 28905},   {221, 26766},   {347, 25227},   {494, 24023},
        {662, 23025},   {849, 22177},   {1056, 21433},  {1282, 20772},  {1527, 20176},
        {1791, 19632},  {2073, 19134},  {2375, 18670},  {2695, 18239},  {3035, 17834},
        {3395, 17452},  {3774, 17091},  {4173, 16748},  {4592, 16422},  {5032, 16110},
        {5493, 15811},  {5975, 15524},  {6479, 15248},  {7005, 14982},  {7554, 14725},
        {8126, 14476},  {8722, 14235},  {9342, 14001},  {9987, 13773},  {10658, 13551},
        {11355, 13335}, {12080, 13124}, {12832, 12918}, {13613, 12717}, {14424, 12520},
        {15265, 12327}, {16138, 12137}, {17044, 11951}, {17984, 11768}, {18959, 11588},
        {19971, 11410}, {21020, 11236}, {22110, 11064}, {23240, 10894}, {24413, 10726},
        {25632, 10560}, {26897, 10395}, {28211, 10233}, {29578, 10071}, {30998, 9912},
        {32477, 9753},  {34015, 9595},  {35618, 9438},  {37289, 9282},  {39032, 9126},
        {40853, 8970},  {42756, 8815},  {44748, 8660},  {46836, 8504},  {49027, 8349},
        {51330, 8192},  {53757, 8035},  {56318, 7876},  {59029, 7716},  {61906, 7553},
        {64970, 7389},  {68246, 7221},  {71765, 7049},  {75567, 6873},  {79705, 6692},
};

#define HS_ROWS (sizeof(hs_table) / sizeof(hs_table[0]))

/* The row for a window of w > Low_Window segments: the last whose w is <= w. */
static unsigned int hs_row(uint32_t w)
{
	unsigned int lo = 0, hi = HS_ROWS - 1;
	while (lo < hi) {
		unsigned int mid = (lo + hi + 1) / 2;
		if (hs_table[mid].w <= w)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static void hs_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	if (!(ack->flags & TCP_CC_ACKF_CWND_LIMITED))
		return;
	uint32_t left = tcp_cc_reno_slow_start(cc, ack->acked);
	if (left == 0)
		return;
	uint32_t w = cc->cwnd / cc->smss;
	if (w <= HS_LOW_WINDOW) {
		tcp_cc_reno_cong_avoid(cc, left);
		return;
	}
	/* a(w) segments per cwnd octets acknowledged: the ABC counter credited a times. A
	 * stretch ACK earns at most a segments (one RTT's worth), as Reno's earns one. */
	uint32_t a = hs_row(w) + 1;
	uint64_t credit = cc->bytes_acked + (uint64_t)left * a;
	uint64_t n = credit / cc->cwnd;
	if (n > a)
		n = a;
	credit -= n * cc->cwnd;
	cc->bytes_acked = credit < cc->cwnd ? (uint32_t)credit : cc->cwnd - 1;
	uint64_t cwnd = cc->cwnd + n * cc->smss;
	cc->cwnd = cwnd < UINT32_MAX ? (uint32_t)cwnd : UINT32_MAX;
}

static void hs_on_congestion(struct tcp_cc *cc, const struct tcp_cc_cong *e)
{
	/* RFC 3649 5: w = (1 - b(w)) w, with w the flight (RFC 5681 3.1's FlightSize, not a
	 * cwnd that an application-limited sender never filled). */
	uint32_t w = e->flight_size / cc->smss;
	uint32_t ssthresh = tcp_cc_reno_ssthresh(e->flight_size, cc->smss);
	if (w > HS_LOW_WINDOW) {
		uint64_t cut = ((uint64_t)e->flight_size * hs_table[hs_row(w)].b16) >> HS_B_SHIFT;
		ssthresh = e->flight_size - (uint32_t)cut;
	}
	tcp_cc_reno_congestion(cc, e, ssthresh);
}

const struct tcp_cc_ops tcp_cc_highspeed = {
        .name = "highspeed",
        .on_ack = hs_on_ack,
        .on_congestion = hs_on_congestion,
};
