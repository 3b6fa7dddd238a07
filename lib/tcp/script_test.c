/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Driver for the packetdrill-like scripts in tests/tcp_scripts/ (*.pkt files): one engine, one leg,
 * a virtual clock. Each line starts with a time ("+0.2" relative to the previous line, or
 * "1.5" absolute, in seconds) followed by:
 *
 *   < FLAGS SEQ:END(LEN) [ack N] [win N] [<options>]   inject a segment from the peer
 *   > FLAGS SEQ:END(LEN) [ack N] [win N] [<options>]   the engine must send this, at this time
 *   app connect | listen [defer] | accept | refuse | send N | shutdown | close | abort |
 *       consume N
 *   expect state NAME | recv N | counter NAME N | info FIELD N | event NAME | none |
 *       next_due T (the engine's next timer, absolute seconds) |
 *       dropped REASON N (segments tcp_conn_input refused with that gateway drop reason) |
 *       engine_drops N (the engine's drop_ counters summed)
 *   stall T             the clock moves on T seconds without the engine being called (its
 *                       lcore was away), then the engine runs once at the new time
 *   batch | flush       segments injected after "batch" form one receive burst: the engine is
 *                       flushed (tcp_engine_advance, as pepgw does after each burst) only at
 *                       "flush"; otherwise after every injected segment
 *
 * FLAGS: S F R P, E (ECE), W (CWR) and '.' for ACK; "tos N" is the IP TOS byte (DSCP << 2 |
 * ECN field: 2 = ECT(0), 3 = CE) of an injected segment, and compared when given on '>'. Inbound
 * sequence numbers are relative to the peer's ISN (set with "remote_isn N"), outbound ones and
 * inbound ACKs relative to our ISS. Options: mss N, wscale N, sackOK, nop, eol, TS val N ecr N,
 * sack A:B C:D. On '>' lines only what is written is compared (options when a <...> list is given,
 * window when "win" is given); a trailing "* N" expects N segments of LEN octets one after the
 * other from SEQ. Header lines "profile KEY VALUE" set the profile before the first event: any key
 * of tcp_defaults.h's list by its configuration name, and mss ("profile congestion_control NAME"
 * picks the module by its name in tcp_cc_list.h; rates in Mbit/s as in the configuration:
 * "profile max_rate_mbps 1.2"); "leg mtu|mss N" the path of our (first) leg, "server_leg mtu|mss N"
 * that of a relay's server leg (struct tcp_leg_params; mtu 1500 and mss 0 unless set).
 * Relay mode (header line "relay [deferred]"): the first client SYN opens a tcp_relay; lines
 * prefixed with "s" ("s<", "s>", "s app", "s expect") are the server side (ISN "server_isn"),
 * the others the client side. Payload patterns are by stream position, so relayed bytes
 * check out on the far side.
 * Every output must be matched by a '>' line within TOL of its time, and payload bytes are
 * checked against the pattern both sides write, so reassembly errors show.
 *
 * Usage: tcp_script_test FILE.pkt ; exit status 0 when the script passed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tcp.h"
#include "tcp_options.h"
#include "test_eal.h"

#define TOL_US      5000 /* an output may come this early or late */
#define STEP_US     1000 /* clock granularity of the driver */
#define MAX_OUT     256
#define LOCAL_ADDR  0xc0000201u /* 192.0.2.1 */
#define REMOTE_ADDR 0xc6336407u /* 198.51.100.7 */
#define LOCAL_PORT  8080
#define REMOTE_PORT 40000
#define RECV_MAX    (1u << 20)

struct out_pkt {
	struct rte_mbuf *m;
	uint64_t at_us;
};

static struct {
	const char *file;
	int line;
	struct tcp_engine *eng;
	struct tcp_conn *conn;
	struct tcp_profile prof;
	struct tcp_leg_params leg[2]; /* per side; both use prof */
	struct tcp_engine_params params;
	uint64_t now;
	/* Per side: 0 = the peer of our (first) leg, 1 = the server behind a relay. */
	int side;
	uint32_t remote_isn[2];
	uint32_t local_iss[2];
	int iss_known[2];
	struct out_pkt out[2][MAX_OUT];
	unsigned int n_out[2];
	int relay_mode, relay_defer;
	struct tcp_relay *rel;
	uint64_t recv_bytes;
	uint64_t sent_bytes; /* app bytes queued so far (pattern position) */
	unsigned int events[8];
	uint64_t returned[STAT_MAX]; /* drop reasons tcp_conn_input returned, for the caller */
	int listen_defer;
	int batch; /* inside batch ... flush */
	int closed;
} S;

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s:%d: ", S.file, S.line);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* Payload pattern: both sides write byte f(relative sequence number). */
static uint8_t pattern(uint32_t rel)
{
	return (uint8_t)(rel * 7u + 3u + (rel >> 8));
}

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	unsigned int side = 0;
	if (tcp_conn_relay(c, &side) == NULL)
		side = 0;
	if (S.n_out[side] == MAX_OUT)
		fail("too many unmatched output segments");
	S.out[side][S.n_out[side]].m = m;
	S.out[side][S.n_out[side]].at_us = S.now;
	S.n_out[side]++;
}

/* The connection a line talks to: our leg toward side S.side. */
static struct tcp_conn *cur_conn(void)
{
	if (S.relay_mode)
		return S.rel ? tcp_relay_leg(S.rel, (unsigned int)S.side) : NULL;
	return S.conn;
}

static void on_recv(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	/* Check the bytes: they must continue the peer's pattern exactly. */
	for (struct rte_mbuf *seg = m; seg != NULL; seg = seg->next) {
		const uint8_t *p = rte_pktmbuf_mtod(seg, const uint8_t *);
		for (uint16_t i = 0; i < seg->data_len; i++) {
			uint32_t rel = (uint32_t)S.recv_bytes + 1; /* 1 = first octet after SYN */
			if (p[i] != pattern(rel))
				fail("received byte %u is %u, want %u", rel, p[i], pattern(rel));
			S.recv_bytes++;
		}
	}
	rte_pktmbuf_free(m);
}

static void on_event(void *arg, struct tcp_conn *c, enum tcp_conn_event ev)
{
	if ((unsigned int)ev < 8)
		S.events[ev]++;
	if (ev == TCP_EV_CLOSED && S.relay_mode) {
		unsigned int side;
		if (S.rel != NULL && tcp_conn_relay(c, &side) == S.rel &&
		    tcp_relay_leg(S.rel, 1 - side) == NULL)
			S.rel = NULL; /* both legs gone: the relay is freed */
		return;
	}
	if (ev == TCP_EV_CLOSED) {
		S.closed = 1;
		S.conn = NULL;
	}
}

static void advance_to(uint64_t t)
{
	while (S.now < t) {
		S.now = S.now + STEP_US > t ? t : S.now + STEP_US;
		tcp_engine_advance(S.eng, S.now);
	}
}

/* ---- segment text ---- */

struct seg_spec {
	uint8_t flags;
	uint32_t seq, end, len;
	int has_ack, has_win, has_opts, has_tos;
	uint32_t ack, win, tos;
	uint8_t opts[TCP_OPTIONS_MAX];
	size_t optlen;
	struct tcp_opts want; /* for '>' comparison */
	int want_nop_only;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void parse_options(char *s, struct seg_spec *sp)
{
	char *save = NULL;
	for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		uint8_t *o = sp->opts + sp->optlen;
		unsigned int a, b;
		if (sscanf(tok, "mss %u", &a) == 1) {
			o[0] = TCP_OPT_MSS, o[1] = 4, o[2] = (uint8_t)(a >> 8), o[3] = (uint8_t)a;
			sp->optlen += 4;
			sp->want.flags |= TCP_OPTF_MSS;
			sp->want.mss = (uint16_t)a;
		} else if (sscanf(tok, "wscale %u", &a) == 1) {
			o[0] = TCP_OPT_WSCALE, o[1] = 3, o[2] = (uint8_t)a;
			sp->optlen += 3;
			sp->want.flags |= TCP_OPTF_WSCALE;
			sp->want.wscale = (uint8_t)a;
		} else if (strcmp(tok, "sackOK") == 0) {
			o[0] = TCP_OPT_SACK_PERM, o[1] = 2;
			sp->optlen += 2;
			sp->want.flags |= TCP_OPTF_SACK_PERM;
		} else if (strcmp(tok, "nop") == 0) {
			o[0] = TCP_OPT_NOP;
			sp->optlen += 1;
		} else if (strcmp(tok, "eol") == 0) {
			o[0] = TCP_OPT_EOL;
			sp->optlen += 1;
		} else if (sscanf(tok, "TS val %u ecr %u", &a, &b) == 2) {
			o[0] = TCP_OPT_TS, o[1] = 10;
			put32(o + 2, a);
			put32(o + 6, b);
			sp->optlen += 10;
			sp->want.flags |= TCP_OPTF_TS;
		} else if (strncmp(tok, "sack ", 5) == 0) {
			unsigned int n = 0;
			char *p = tok + 5;
			o[0] = TCP_OPT_SACK;
			while (n < 4 && sscanf(p, "%u:%u", &a, &b) == 2) {
				/* SACK blocks in inbound segments are relative to our ISS. */
				put32(o + 2 + 8 * n, S.local_iss[S.side] + a);
				put32(o + 6 + 8 * n, S.local_iss[S.side] + b);
				sp->want.sack[n].start = a;
				sp->want.sack[n].end = b;
				n++;
				while (*p && *p != ' ')
					p++;
				while (*p == ' ')
					p++;
			}
			o[1] = (uint8_t)(2 + 8 * n);
			sp->optlen += 2 + 8 * n;
			sp->want.flags |= TCP_OPTF_SACK;
			sp->want.n_sack = (uint8_t)n;
		} else if (sscanf(tok, "raw %u", &a) == 1) {
			/* raw bytes, e.g. "raw 99 raw 0" for an illegal option */
			o[0] = (uint8_t)a;
			sp->optlen += 1;
		} else {
			fail("unknown option '%s'", tok);
		}
		if (sp->optlen > TCP_OPTIONS_MAX)
			fail("options too long");
	}
}

static void parse_seg(char *s, struct seg_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	char *p = s;
	while (*p && !isspace((unsigned char)*p)) {
		switch (*p) {
		case 'S':
			sp->flags |= RTE_TCP_SYN_FLAG;
			break;
		case 'F':
			sp->flags |= RTE_TCP_FIN_FLAG;
			break;
		case 'R':
			sp->flags |= RTE_TCP_RST_FLAG;
			break;
		case 'P':
			sp->flags |= RTE_TCP_PSH_FLAG;
			break;
		case '.':
			sp->flags |= RTE_TCP_ACK_FLAG;
			break;
		case 'E':
			sp->flags |= RTE_TCP_ECE_FLAG;
			break;
		case 'W':
			sp->flags |= RTE_TCP_CWR_FLAG;
			break;
		default:
			fail("bad flag '%c'", *p);
		}
		p++;
	}
	if (sscanf(p, " %u:%u(%u)", &sp->seq, &sp->end, &sp->len) != 3)
		fail("want SEQ:END(LEN)");
	if (sp->end - sp->seq != sp->len)
		fail("SEQ:END does not match LEN");
	char *q;
	if ((q = strstr(p, " ack ")) != NULL) {
		sp->has_ack = 1;
		sp->ack = (uint32_t)strtoul(q + 5, NULL, 10);
	}
	if ((q = strstr(p, " win ")) != NULL) {
		sp->has_win = 1;
		sp->win = (uint32_t)strtoul(q + 5, NULL, 10);
	}
	if ((q = strstr(p, " tos ")) != NULL) {
		sp->has_tos = 1;
		sp->tos = (uint32_t)strtoul(q + 5, NULL, 0);
	}
	if ((q = strchr(p, '<')) != NULL) {
		char *e = strchr(q, '>');
		if (e == NULL)
			fail("unterminated <options>");
		*e = '\0';
		sp->has_opts = 1;
		parse_options(q + 1, sp);
	}
}

static void inject(struct seg_spec *sp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
	if (m == NULL)
		fail("mbuf pool empty");
	size_t olen = (sp->optlen + 3) & ~(size_t)3;
	size_t hlen = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_tcp_hdr) + olen;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hlen + sp->len));
	if (p == NULL)
		fail("segment too big for one mbuf");
	memset(p, 0, hlen);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hlen + sp->len));
	ip->time_to_live = 64;
	ip->type_of_service = (uint8_t)sp->tos;
	ip->next_proto_id = IPPROTO_TCP;
	/* Side 0 is the client talking to LOCAL; side 1 the server (LOCAL) answering it. */
	ip->src_addr = rte_cpu_to_be_32(S.side ? LOCAL_ADDR : REMOTE_ADDR);
	ip->dst_addr = rte_cpu_to_be_32(S.side ? REMOTE_ADDR : LOCAL_ADDR);
	th->src_port = rte_cpu_to_be_16(S.side ? LOCAL_PORT : REMOTE_PORT);
	th->dst_port = rte_cpu_to_be_16(S.side ? REMOTE_PORT : LOCAL_PORT);
	th->sent_seq = rte_cpu_to_be_32(S.remote_isn[S.side] + sp->seq);
	th->recv_ack = rte_cpu_to_be_32(sp->has_ack ? S.local_iss[S.side] + sp->ack : 0);
	th->data_off = (uint8_t)(((sizeof(*th) + olen) / 4) << 4);
	th->tcp_flags = sp->flags;
	th->rx_win = rte_cpu_to_be_16((uint16_t)(sp->has_win ? sp->win : 65535));
	memcpy(th + 1, sp->opts, sp->optlen);
	/* Pad with EOL (zeros, already there). Payload: the peer's pattern by position. */
	for (uint32_t i = 0; i < sp->len; i++)
		p[hlen + i] = pattern(sp->seq + i);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);

	if (S.relay_mode && S.rel == NULL && S.side == 0 && !S.closed) {
		S.rel = tcp_relay_open(S.eng, &S.leg[0], &S.leg[1], m, S.relay_defer, S.now);
		if (S.rel == NULL) {
			rte_pktmbuf_free(m);
			fail("relay open failed: %s", strerror(rte_errno));
		}
		S.closed = 1; /* one flow per script */
		return;
	}
	if (!S.relay_mode && S.conn == NULL) {
		if (!(sp->flags & RTE_TCP_SYN_FLAG) || S.closed)
			fail("segment for no connection");
		S.conn = tcp_conn_listen(S.eng, &S.leg[0], m, S.listen_defer, S.now);
		if (S.conn == NULL) {
			rte_pktmbuf_free(m);
			fail("listen failed: %s", strerror(rte_errno));
		}
		return;
	}
	struct tcp_conn *c = cur_conn();
	if (c == NULL) {
		/* A segment for a leg that is gone (the gateway would forward or drop it). */
		rte_pktmbuf_free(m);
		return;
	}
	int r = tcp_conn_input(c, m, S.now);
	if (r != 0) {
		if (r < 0 || r >= STAT_MAX)
			fail("tcp_conn_input returned %d, not a drop reason", r);
		S.returned[r]++;
		fprintf(stderr, "%s:%d: note: segment dropped (%s)\n", S.file, S.line,
		        stats_name((enum stat_id)r));
	}
	/* As pepgw's loop does after each burst: relayed data is segmented at the flush. */
	if (!S.batch)
		tcp_engine_advance(S.eng, S.now);
}

static void expect_out(struct seg_spec *sp, uint64_t t)
{
	int sd = S.side;
	if (S.n_out[sd] == 0)
		fail("expected a segment at %.3f, nothing was sent", t / 1e6);
	struct out_pkt o = S.out[sd][0];
	memmove(S.out[sd], S.out[sd] + 1, sizeof(S.out[sd][0]) * (S.n_out[sd] - 1));
	S.n_out[sd]--;
	if (o.at_us + TOL_US < t || o.at_us > t + TOL_US)
		fail("segment sent at %.3f, expected at %.3f", o.at_us / 1e6, t / 1e6);
	struct rte_mbuf *m = o.m;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(ip + 1);
	if (rte_ipv4_cksum(ip) != 0 && ip->hdr_checksum != rte_ipv4_cksum(ip))
		fail("bad IPv4 checksum");
	uint32_t tot = rte_be_to_cpu_16(ip->total_length);
	if (tot != rte_pktmbuf_pkt_len(m))
		fail("IP length %u, packet %u", tot, rte_pktmbuf_pkt_len(m));
	uint32_t doff = (uint32_t)(th->data_off >> 4) * 4;
	uint32_t len = tot - 20 - doff;
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq);
	if (th->tcp_flags & RTE_TCP_SYN_FLAG && !S.iss_known[sd]) {
		S.local_iss[sd] = seq;
		S.iss_known[sd] = 1;
	}
	uint32_t rel = seq - S.local_iss[sd];
	uint8_t fl = th->tcp_flags & (uint8_t)~RTE_TCP_PSH_FLAG;
	uint8_t want = sp->flags & (uint8_t)~RTE_TCP_PSH_FLAG;
	char got[160];
	snprintf(got, sizeof(got), "flags 0x%02x %u:%u(%u) ack %u win %u", th->tcp_flags, rel,
	         rel + len, len, rte_be_to_cpu_32(th->recv_ack) - S.remote_isn[sd],
	         rte_be_to_cpu_16(th->rx_win));
	if (fl != want)
		fail("flags: want 0x%02x, got %s", want, got);
	if (rel != sp->seq || len != sp->len)
		fail("sequence: want %u:%u(%u), got %s", sp->seq, sp->end, sp->len, got);
	if (sp->has_ack && rte_be_to_cpu_32(th->recv_ack) - S.remote_isn[sd] != sp->ack)
		fail("ack: want %u, got %s", sp->ack, got);
	if (sp->has_win && rte_be_to_cpu_16(th->rx_win) != sp->win)
		fail("window: want %u, got %s", sp->win, got);
	if (sp->has_tos && ip->type_of_service != sp->tos)
		fail("tos: want 0x%02x, got 0x%02x (%s)", sp->tos, ip->type_of_service, got);
	/* The checksum must verify over a flat copy (an independent reference: DPDK 22.11's
	 * rte_raw_cksum_mbuf is wrong for odd-length segments). */
	static uint8_t flat[65536];
	const uint8_t *fp = rte_pktmbuf_read(m, 0, tot, flat);
	if (fp == NULL)
		fail("cannot read the segment");
	uint32_t sum = (uint32_t)rte_raw_cksum(fp + 20, tot - 20) + rte_ipv4_phdr_cksum(ip, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		fail("bad TCP checksum (%s)", got);
	if (sp->has_opts) {
		struct tcp_opts po;
		if (tcp_options_parse((const uint8_t *)(th + 1), doff - 20,
		                      th->tcp_flags & RTE_TCP_SYN_FLAG, &po) != 0)
			fail("our own options do not parse");
		if (po.flags != sp->want.flags)
			fail("options: want flags 0x%x, got 0x%x (%s)", sp->want.flags, po.flags,
			     got);
		if ((po.flags & TCP_OPTF_MSS) && po.mss != sp->want.mss)
			fail("mss: want %u, got %u", sp->want.mss, po.mss);
		if ((po.flags & TCP_OPTF_WSCALE) && po.wscale != sp->want.wscale)
			fail("wscale: want %u, got %u", sp->want.wscale, po.wscale);
		if (po.flags & TCP_OPTF_SACK) {
			if (po.n_sack != sp->want.n_sack)
				fail("sack: want %u blocks, got %u", sp->want.n_sack, po.n_sack);
			for (unsigned int i = 0; i < po.n_sack; i++)
				if (po.sack[i].start - S.remote_isn[sd] != sp->want.sack[i].start ||
				    po.sack[i].end - S.remote_isn[sd] != sp->want.sack[i].end)
					fail("sack block %u: want %u:%u, got %u:%u", i,
					     sp->want.sack[i].start, sp->want.sack[i].end,
					     po.sack[i].start - S.remote_isn[sd],
					     po.sack[i].end - S.remote_isn[sd]);
		}
	}
	/* Payload: our app's pattern at these positions (1 = first octet after SYN). */
	uint32_t off = 20 + doff, i = 0;
	for (struct rte_mbuf *seg = m; seg != NULL && i < len; seg = seg->next) {
		const uint8_t *p = rte_pktmbuf_mtod(seg, const uint8_t *);
		for (uint16_t k = 0; k < seg->data_len; k++) {
			if (off > 0) {
				off--;
				continue;
			}
			if (i < len && p[k] != pattern(rel + i))
				fail("sent byte %u is %u, want %u", rel + i, p[k],
				     pattern(rel + i));
			i++;
		}
	}
	rte_pktmbuf_free(m);
}

static void app_send(uint32_t n)
{
	while (n > 0) {
		uint32_t chunk = n > 1000 ? 1000 : n;
		struct rte_mbuf *m = rte_pktmbuf_alloc(test_mbuf_pool());
		if (m == NULL)
			fail("mbuf pool empty");
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)chunk);
		for (uint32_t i = 0; i < chunk; i++)
			p[i] = pattern((uint32_t)S.sent_bytes + 1 + i);
		int r = tcp_conn_send(cur_conn(), m, S.now);
		if (r != 0) {
			rte_pktmbuf_free(m);
			fail("send: %s", strerror(-r));
		}
		S.sent_bytes += chunk;
		n -= chunk;
	}
}

static const char *const event_names[] = {"established", "peer_fin", "sent_acked",
                                          "reset",       "timeout",  "closed"};

static void do_expect(char *s)
{
	char what[32], name[32];
	unsigned long long v;
	double t;
	if (sscanf(s, "next_due %lf", &t) == 1) {
		/* The engine's next timer (what pepgw's idle sleep honours), within 10 s. */
		uint64_t due = tcp_engine_next_due_us(S.eng, S.now + 10000000);
		if (due != (uint64_t)(t * 1e6 + 0.5))
			fail("next_due is %.6f, want %.6f", due / 1e6, t);
	} else if (sscanf(s, "state %31s", name) == 1) {
		struct tcp_conn *c = cur_conn();
		const char *have = c ? tcp_state_name(tcp_conn_state(c)) : "CLOSED";
		if (strcmp(have, name) != 0)
			fail("state: want %s, have %s", name, have);
	} else if (sscanf(s, "recv %llu", &v) == 1) {
		if (S.recv_bytes != v)
			fail("received %llu bytes, want %llu", (unsigned long long)S.recv_bytes, v);
	} else if (sscanf(s, "counter %31s %llu", name, &v) == 2) {
		for (int i = 0; i < TCP_CNT_MAX; i++)
			if (strcmp(tcp_engine_counter_name(i), name) == 0) {
				uint64_t have = tcp_engine_counter(S.eng, i);
				if (have != v)
					fail("counter %s is %llu, want %llu", name,
					     (unsigned long long)have, v);
				return;
			}
		fail("no counter %s", name);
	} else if (sscanf(s, "dropped %31s %llu", name, &v) == 2) {
		/* Refused before reaching the connection: returned for the caller to count. */
		for (int i = 0; i < STAT_MAX; i++)
			if (strcmp(stats_name(i), name) == 0) {
				if (S.returned[i] != v)
					fail("dropped %s: %llu returned, want %llu", name,
					     (unsigned long long)S.returned[i], v);
				return;
			}
		fail("no drop reason %s", name);
	} else if (sscanf(s, "engine_drops %llu", &v) == 1) {
		/* Every engine counter of kind drop, summed: a segment is counted once. */
		uint64_t have = 0;
		for (int i = 0; i < TCP_CNT_MAX; i++)
			if (tcp_engine_counter_descs()[i].kind == STAT_KIND_drop)
				have += tcp_engine_counter(S.eng, i);
		if (have != v)
			fail("engine drops sum to %llu, want %llu", (unsigned long long)have, v);
	} else if (sscanf(s, "event %31s", name) == 1) {
		for (unsigned int i = 0; i < RTE_DIM(event_names); i++)
			if (strcmp(event_names[i], name) == 0) {
				if (S.events[i] == 0)
					fail("no %s event", name);
				return;
			}
		fail("no event named %s", name);
	} else if (sscanf(s, "info %31s %llu", what, &v) == 2) {
		struct tcp_conn_info ci;
		if (cur_conn() == NULL)
			fail("no connection");
		tcp_conn_get_info(cur_conn(), &ci);
		unsigned long long have = 0;
		if (strcmp(what, "cwnd") == 0)
			have = ci.cwnd;
		else if (strcmp(what, "ssthresh") == 0)
			have = ci.ssthresh;
		else if (strcmp(what, "rto_us") == 0)
			have = ci.rto_us;
		else if (strcmp(what, "srtt_us") == 0)
			have = ci.srtt_us;
		else if (strcmp(what, "retransmits") == 0)
			have = ci.retransmits;
		else if (strcmp(what, "snd_wnd") == 0)
			have = ci.snd_wnd;
		else if (strcmp(what, "rcv_wnd") == 0)
			have = ci.rcv_wnd;
		else if (strcmp(what, "rcv_space") == 0)
			have = ci.rcv_space;
		else if (strcmp(what, "in_flight") == 0)
			have = ci.bytes_in_flight;
		else if (strcmp(what, "snd_mss") == 0)
			have = ci.snd_mss;
		else if (strcmp(what, "recovery") == 0)
			have = ci.in_recovery;
		else if (strcmp(what, "backoff") == 0)
			have = ci.backoff;
		else if (strcmp(what, "pacing_rate") == 0)
			have = ci.pacing_rate_bps;
		else if (strcmp(what, "ecn") == 0)
			have = ci.ecn;
		else if (strcmp(what, "persist") == 0)
			have = ci.persist;
		else if (strcmp(what, "loss_recovery") == 0)
			have = ci.loss_recovery;
		else
			fail("unknown info field %s", what);
		if (have != v)
			fail("info %s is %llu, want %llu", what, have, v);
	} else if (strncmp(s, "none", 4) == 0) {
		if (S.n_out[0] != 0 || S.n_out[1] != 0)
			fail("unexpected output queued");
	} else {
		fail("bad expect '%s'", s);
	}
}

static void set_profile(const char *key, const char *val)
{
	unsigned long v = strtoul(val, NULL, 10);
	struct tcp_profile *p = &S.prof;
	if (strcmp(key, "congestion_control") == 0) {
		if (strlen(val) >= sizeof(p->congestion_control))
			fail("congestion_control %s: name too long", val);
		snprintf(p->congestion_control, sizeof(p->congestion_control), "%s", val);
		return;
	}
	/* Every key of lib/tcp's list by its configuration name (rates in Mbit/s), and mss. */
#define NUM(f)                                                                                     \
	do {                                                                                       \
		if (strcmp(key, #f) == 0) {                                                        \
			p->f = v;                                                                  \
			return;                                                                    \
		}                                                                                  \
	} while (0);
#define RATE(f)                                                                                    \
	do {                                                                                       \
		if (strcmp(key, #f "_mbps") == 0) {                                                \
			p->f##_bps = (uint64_t)(strtod(val, NULL) * 1e6 + 0.5);                    \
			return;                                                                    \
		}                                                                                  \
	} while (0);
#define SET_BOOL(n) NUM(n)
#define SET_U32(n)  NUM(n)
#define SET_U16(n)  NUM(n)
#define SET_U8(n)   NUM(n)
#define SET_RATE(n) RATE(n)
#define SET_CC(n)
#define SET_KEY(kind, name, def, min, max, unit, doc) SET_##kind(name)
	TCP_PROFILE_KEYS(SET_KEY)
#undef SET_KEY
#undef NUM
#undef RATE
	fail("unknown profile key %s", key);
}

static void set_leg(struct tcp_leg_params *leg, const char *key, const char *val)
{
	unsigned long v = strtoul(val, NULL, 10);
	if (v > UINT16_MAX)
		fail("%s %s: out of range", key, val);
	if (strcmp(key, "mtu") == 0)
		leg->mtu = (uint16_t)v;
	else if (strcmp(key, "mss") == 0)
		leg->mss = (uint16_t)v;
	else
		fail("unknown leg key %s", key);
}

static void run_line(char *line)
{
	char *p = line;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#' || (p[0] == '/' && p[1] == '/'))
		return;
	char key[48], val[32];
	if (sscanf(p, "profile %47s %31s", key, val) == 2) {
		set_profile(key, val);
		return;
	}
	if (sscanf(p, "leg %31s %31s", key, val) == 2) {
		set_leg(&S.leg[0], key, val);
		return;
	}
	if (sscanf(p, "server_leg %31s %31s", key, val) == 2) {
		set_leg(&S.leg[1], key, val);
		return;
	}
	if (sscanf(p, "local_isn %31s", val) == 1) {
		/* Takes effect for connections made after it: rebuild the engine. */
		struct tcp_engine_params ep = S.params;
		ep.fixed_isn = (uint32_t)strtoul(val, NULL, 0);
		tcp_engine_free(S.eng);
		S.params = ep;
		S.eng = tcp_engine_create("script2", &ep);
		if (S.eng == NULL)
			fail("engine");
		return;
	}
	if (sscanf(p, "remote_isn %31s", val) == 1) {
		S.remote_isn[0] = (uint32_t)strtoul(val, NULL, 0);
		return;
	}
	if (sscanf(p, "server_isn %31s", val) == 1) {
		S.remote_isn[1] = (uint32_t)strtoul(val, NULL, 0);
		return;
	}
	if (strncmp(p, "relay", 5) == 0) {
		S.relay_mode = 1;
		S.relay_defer = strstr(p, "deferred") != NULL;
		return;
	}
	/* Time. */
	char *end;
	double t = strtod(p + (*p == '+'), &end);
	if (end == p + (*p == '+'))
		fail("line must start with a time");
	uint64_t at = (uint64_t)(t * 1e6 + 0.5);
	if (*p == '+')
		at += S.now;
	if (at < S.now)
		fail("time goes backwards");
	p = end;
	while (isspace((unsigned char)*p))
		p++;
	/* "s<" / "s>" / "s app ..." / "s expect ...": the server side of a relay. */
	S.side = 0;
	if (p[0] == 's' && (p[1] == '<' || p[1] == '>' || p[1] == ' ')) {
		if (!S.relay_mode)
			fail("server side lines need 'relay'");
		S.side = 1;
		p++;
		while (isspace((unsigned char)*p))
			p++;
	}
	/* Anything sent before this line's time must already have been matched... except
	 * what this very line expects. Advance, then check. */
	advance_to(at);
	if (*p == '>') {
		struct seg_spec sp;
		unsigned int repeat = 1;
		char *star = strstr(p, " * ");
		if (star != NULL) {
			if (sscanf(star, " * %u", &repeat) != 1 || repeat == 0)
				fail("want '* N' with N >= 1");
			*star = '\0';
		}
		parse_seg(p + 1 + strspn(p + 1, " "), &sp);
		for (unsigned int i = 0; i < repeat; i++) {
			expect_out(&sp, at);
			sp.seq += sp.len;
			sp.end += sp.len;
		}
		return;
	}
	for (int sd = 0; sd < 2; sd++) {
		if (S.n_out[sd] == 0)
			continue;
		const struct rte_ipv4_hdr *ip =
		        rte_pktmbuf_mtod(S.out[sd][0].m, const struct rte_ipv4_hdr *);
		const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(ip + 1);
		fail("unexpected segment sent %sat %.3f: flags 0x%02x seq %u",
		     sd ? "to the server " : "", S.out[sd][0].at_us / 1e6, th->tcp_flags,
		     rte_be_to_cpu_32(th->sent_seq) - S.local_iss[sd]);
	}
	if (*p == '<') {
		struct seg_spec sp;
		parse_seg(p + 1 + strspn(p + 1, " "), &sp);
		inject(&sp);
		return;
	}
	unsigned int n;
	double stall;
	if (strncmp(p, "app connect", 11) == 0) {
		struct tcp_tuple tu = {.laddr = rte_cpu_to_be_32(LOCAL_ADDR),
		                       .raddr = rte_cpu_to_be_32(REMOTE_ADDR),
		                       .lport = rte_cpu_to_be_16(LOCAL_PORT),
		                       .rport = rte_cpu_to_be_16(REMOTE_PORT)};
		/* A script may connect again once the previous connection is gone (the
		 * metrics cache): the new one has its own ISS and stream positions. */
		if (S.conn != NULL)
			fail("connect while a connection is open");
		S.iss_known[0] = 0;
		S.sent_bytes = 0;
		S.recv_bytes = 0;
		S.conn = tcp_conn_connect(S.eng, &S.leg[0], &tu, S.now);
		if (S.relay_mode)
			fail("connect in relay mode");
		if (S.conn == NULL)
			fail("connect failed");
	} else if (strncmp(p, "app listen", 10) == 0) {
		S.listen_defer = strstr(p, "defer") != NULL;
	} else if (strncmp(p, "app accept", 10) == 0) {
		if (tcp_conn_accept(cur_conn(), S.now) != 0)
			fail("accept failed");
	} else if (strncmp(p, "app refuse", 10) == 0) {
		tcp_conn_refuse(cur_conn(), S.now);
	} else if (sscanf(p, "app send %u", &n) == 1) {
		app_send(n);
	} else if (strncmp(p, "app shutdown", 12) == 0) {
		if (tcp_conn_shutdown(cur_conn(), S.now) != 0)
			fail("shutdown failed");
	} else if (strncmp(p, "app close", 9) == 0) {
		if (tcp_conn_orphan(cur_conn(), S.now) != 0)
			fail("close failed");
	} else if (sscanf(p, "stall %lf", &stall) == 1) {
		if (stall < 0)
			fail("stall wants a time >= 0");
		S.now += (uint64_t)(stall * 1e6 + 0.5);
		tcp_engine_advance(S.eng, S.now);
	} else if (strncmp(p, "batch", 5) == 0) {
		S.batch = 1;
	} else if (strncmp(p, "flush", 5) == 0) {
		S.batch = 0;
		tcp_engine_advance(S.eng, S.now);
	} else if (strncmp(p, "app abort", 9) == 0) {
		tcp_conn_abort(cur_conn(), S.now);
	} else if (sscanf(p, "app consume %u", &n) == 1) {
		tcp_conn_recv_consumed(cur_conn(), n, S.now);
	} else if (strncmp(p, "expect ", 7) == 0) {
		do_expect(p + 7);
	} else {
		fail("cannot read '%s'", p);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.pkt\n", argv[0]);
		return 2;
	}
	S.file = argv[1];
	S.remote_isn[0] = 1000000;
	S.remote_isn[1] = 3000000;
	FILE *f = fopen(argv[1], "r");
	if (f == NULL) {
		perror(argv[1]);
		return 2;
	}
	if (test_mbuf_pool() == NULL) {
		fprintf(stderr, "no EAL/mbuf pool\n");
		return 2;
	}
	unsigned int avail0 = rte_mempool_avail_count(test_mbuf_pool());
	tcp_profile_defaults(&S.prof);
	for (int sd = 0; sd < 2; sd++)
		S.leg[sd] = (struct tcp_leg_params){.profile = &S.prof, .mtu = 1500};
	struct tcp_engine_params ep = {
	        .max_conns = 4,
	        .hdr_pool = test_mbuf_pool(),
	        .timer_tick_us = 1000,
	        .now_us = 0,
	        .isn_secret = {1, 2, 3, 4},
	        .deterministic = true,
	        .challenge_ack_limit = 10,
	        .tx = on_tx,
	        .recv = on_recv,
	        .event = on_event,
	};
	S.params = ep;
	S.eng = tcp_engine_create("script", &ep);
	if (S.eng == NULL) {
		fprintf(stderr, "engine: %s\n", strerror(rte_errno));
		return 2;
	}
	char buf[512];
	while (fgets(buf, sizeof(buf), f) != NULL) {
		S.line++;
		buf[strcspn(buf, "\n")] = '\0';
		run_line(buf);
	}
	fclose(f);
	S.line++;
	if (S.n_out[0] + S.n_out[1] != 0)
		fail("%u segment(s) sent and not expected at the end", S.n_out[0] + S.n_out[1]);
	tcp_engine_free(S.eng);
	unsigned int avail1 = rte_mempool_avail_count(test_mbuf_pool());
	if (avail1 != avail0)
		fail("mbuf leak: %d mbufs not returned", (int)avail0 - (int)avail1);
	printf("%s: passed\n", S.file);
	return 0;
}
