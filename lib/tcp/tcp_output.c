/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segment output: header building (IPv4 + TCP, checksums in software), payload attached by
 * reference from the send queue, the send loop (window, Nagle, FIN), RFC 6675 recovery
 * transmission, pacing, ACKs, RSTs, probes.
 */
#include <errno.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <rte_byteorder.h>

#include "net_csum.h"
#include "tcp_private.h"

uint32_t tcp_rcv_window(const struct tcp_conn *c)
{
	if (c->flags & TF_RCV_CLOSED)
		return 0;
	uint32_t used = c->rcv_unconsumed + c->ooo_bytes;
	return used >= c->prof->receive_window ? 0 : c->prof->receive_window - used;
}

/*
 * The window field for this segment. The offer never shrinks the right edge already advertised
 * (RFC 9293 3.8.6.2.1), and the 32-bit window is scaled first and only then clamped to 16
 * bits: clamping first would cap a scaled window at 64 KB (a bug mTCP once had).
 */
static uint16_t window_field(struct tcp_conn *c, bool syn)
{
	uint32_t win = tcp_rcv_window(c);
	bool keep_edge = false;
	/* A relay-closed window freezes the right edge (no new space) rather than shrinking
	 * it: RFC 9293 3.8.6.2.2 strongly discourages taking back offered window. */
	if (tcp_seq_gt(c->rcv_adv, c->rcv_nxt + win)) {
		win = c->rcv_adv - c->rcv_nxt;
		keep_edge = true;
	}
	/* RFC 7323 2.2: the SYN's own window is never scaled. */
	uint8_t shift = (syn || !(c->flags & TF_WS)) ? 0 : c->rcv_wscale;
	/* Round the kept edge up, not down, or scaling alone would shrink it (RFC 7323 2.4). */
	uint32_t field =
	        keep_edge ? (uint32_t)(((uint64_t)win + (1u << shift) - 1) >> shift) : win >> shift;
	if (field > 65535)
		field = 65535;
	uint32_t offered = field << shift;
	if (tcp_seq_gt(c->rcv_nxt + offered, c->rcv_adv) || c->state == TCP_SYN_SENT ||
	    c->state == TCP_SYN_RCVD)
		c->rcv_adv = c->rcv_nxt + offered;
	return (uint16_t)field;
}

/* ---- pacing ---- */

/*
 * The rate this connection paces at, octets per second on the wire: the module's (gain x cwnd
 * / SRTT, or its own rate), capped by the profile's max_rate. 0 = no pacing.
 */
static uint64_t pacing_rate(const struct tcp_conn *c)
{
	uint64_t r = tcp_cc_pacing_rate(&c->cc, tcp_rto_srtt_us(&c->rto), c->snd_max - c->snd_una);
	uint64_t cap = c->prof->max_rate_bps / 8;
	if (c->prof->max_rate_bps != 0 && cap == 0)
		cap = 1;
	if (cap != 0 && (r == 0 || r > cap))
		r = cap;
	return r;
}

/*
 * May a data segment leave now? When pacing holds it, the pacing timer is armed for the
 * moment it may (the wheel's tick rounds that up; the credit below makes up for it).
 */
static bool pace_allows(struct tcp_conn *c, uint64_t now_us)
{
	if (c->pace_rate == 0 || c->pace_next_ns <= now_us * 1000)
		return true;
	tcp_timer_set(c, TCP_T_PACE, (c->pace_next_ns + 999) / 1000);
	c->flags |= TF_PACE_HELD;
	return false;
}

/*
 * A data segment of wire_len octets (IP packet, plus the overhead added after us) left at
 * now_us: the next may leave wire_len / rate later. The clock never lags now by more than one
 * timer tick, so a sender that waited for ACKs (or a late wheel) bursts at most one tick's
 * worth, not everything it did not send while idle.
 * A segment that pacing held and that leaves later than that (the lcore was away: a busy CPU,
 * a long sleep) was not idle time of the sender: the lateness is owed and paid back as Linux
 * pays OS jitter (tcp_update_skb_after_send), by cutting the following gaps by up to half each
 * (at most 1.5 x the rate), up to PACE_DEBT_MAX_NS. Without it a rate-based sender lost every
 * such delay for good (~8 % of 10 Mbit/s on the 2-CPU lab).
 */
#define PACE_DEBT_MAX_NS 20000000u

static void pace_charge(struct tcp_conn *c, uint32_t wire_len, uint64_t now_us)
{
	if (c->pace_rate == 0)
		return;
	uint64_t now_ns = now_us * 1000;
	uint64_t credit_ns = (uint64_t)c->eng->p.timer_tick_us * 1000;
	uint64_t base = c->pace_next_ns;
	if (base + credit_ns < now_ns) {
		if (c->flags & TF_PACE_HELD) {
			uint64_t debt = c->pace_debt_ns + (now_ns - credit_ns - base);
			c->pace_debt_ns =
			        debt > PACE_DEBT_MAX_NS ? PACE_DEBT_MAX_NS : (uint32_t)debt;
		}
		base = now_ns - credit_ns;
	}
	c->flags &= ~TF_PACE_HELD;
	uint64_t gap = (uint64_t)wire_len * 1000000000u / c->pace_rate;
	uint64_t pay = gap / 2 < c->pace_debt_ns ? gap / 2 : c->pace_debt_ns;
	c->pace_debt_ns -= (uint32_t)pay;
	c->pace_next_ns = base + gap - pay;
}

/* Find the send-queue mbuf holding seq, and the offset of seq in it. */
static struct rte_mbuf *sq_find(struct tcp_conn *c, uint32_t seq, uint32_t *off)
{
	/* New data is sent in order: start at the cursor unless seq lies before it
	 * (retransmissions), so that a send costs O(1), not O(queue). */
	struct rte_mbuf *m = c->sq_head;
	if (c->sq_cursor != NULL && tcp_seq_geq(seq, tcp_meta(c->eng, c->sq_cursor)->seq))
		m = c->sq_cursor;
	for (; m != NULL; m = tcp_meta(c->eng, m)->next) {
		struct tcp_mbuf_meta *meta = tcp_meta(c->eng, m);
		if (tcp_seq_in(seq, meta->seq, meta->seq + meta->len)) {
			*off = seq - meta->seq;
			c->sq_cursor = m;
			return m;
		}
	}
	return NULL;
}

/* Attach len payload octets starting at seq to pkt as indirect mbufs (no copy). */
static int attach_payload(struct tcp_conn *c, struct rte_mbuf *pkt, uint32_t seq, uint32_t len)
{
	uint32_t off;
	struct rte_mbuf *src = sq_find(c, seq, &off);
	struct rte_mbuf *last = rte_pktmbuf_lastseg(pkt);

	while (len > 0 && src != NULL) {
		/* Walk the segments of this queued packet. */
		struct rte_mbuf *seg = src;
		uint32_t o = off;
		while (seg != NULL && o >= seg->data_len) {
			o -= seg->data_len;
			seg = seg->next;
		}
		while (seg != NULL && len > 0) {
			uint32_t piece = seg->data_len - o;
			if (piece > len)
				piece = len;
			struct rte_mbuf *mi = rte_pktmbuf_alloc(c->eng->p.clone_pool);
			if (mi == NULL)
				return -ENOMEM;
			rte_pktmbuf_attach(mi, seg);
			mi->data_off = (uint16_t)(mi->data_off + o);
			mi->data_len = (uint16_t)piece;
			mi->pkt_len = piece;
			last->next = mi;
			last = mi;
			pkt->nb_segs++;
			pkt->pkt_len += piece;
			len -= piece;
			o = 0;
			seg = seg->next;
		}
		src = tcp_meta(c->eng, src)->next;
		off = 0;
	}
	return len == 0 ? 0 : -EINVAL;
}

/* Options for a non-SYN segment: timestamps, SACK blocks when we hold out-of-order data. */
static size_t build_options(struct tcp_conn *c, uint8_t *buf, bool syn, uint64_t now_us)
{
	struct tcp_opts o = {0};
	if (syn) {
		o.flags = TCP_OPTF_MSS;
		o.mss = c->rcv_mss;
		bool active = c->state == TCP_SYN_SENT;
		/* Offer on our SYN what the profile allows; on a SYN-ACK only what the peer
		 * offered (RFC 7323 2.2 / 3.2, RFC 2018 2). */
		if ((c->syn_offer & TCP_OPTF_WSCALE) && (active || (c->flags & TF_WS))) {
			o.flags |= TCP_OPTF_WSCALE;
			o.wscale = c->rcv_wscale;
		}
		if ((c->syn_offer & TCP_OPTF_SACK_PERM) && (active || (c->flags & TF_SACK)))
			o.flags |= TCP_OPTF_SACK_PERM;
		if ((c->syn_offer & TCP_OPTF_TS) && (active || (c->flags & TF_TS)))
			o.flags |= TCP_OPTF_TS;
	} else {
		if (c->flags & TF_TS)
			o.flags |= TCP_OPTF_TS;
		if ((c->flags & TF_SACK) && (c->sr.n || c->sr.dsack_pending)) {
			o.n_sack = (uint8_t)tcp_sack_rcv_fill(&c->sr, c->flags & TF_TS, o.sack);
			if (o.n_sack)
				o.flags |= TCP_OPTF_SACK;
		}
	}
	if (o.flags & TCP_OPTF_TS) {
		o.ts_val = tcp_ts_now(now_us);
		o.ts_ecr = c->ts_recent;
	}
	return tcp_options_build(buf, TCP_OPTIONS_MAX, syn, &o);
}

/*
 * Build and send one segment: [seq, seq+len) from the send queue with exactly the given
 * flags. Returns the payload octets sent (len may shrink to fit
 * the MTU next to the options), or a negative errno.
 */
/*
 * RFC 3168 6.1 on a negotiated leg: ECE on every ACK while the receiver owes it, CWR and
 * ECT(0) on new data only: retransmissions, window probes, pure ACKs, RSTs and SYNs go
 * Not-ECT (6.1.1, 6.1.4-6.1.6), as Linux sends them. Returns the IP ECN field.
 */
static uint8_t ecn_mark(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t *flags)
{
	if (!(c->flags & TF_ECN) || (*flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG)))
		return 0;
	if ((c->flags & TF_ECN_ECE) && (*flags & RTE_TCP_ACK_FLAG))
		*flags |= RTE_TCP_ECE_FLAG;
	if (len == 0 || tcp_seq_lt(seq, c->snd_max) || (c->flags & TF_PERSIST))
		return 0;
	if (c->flags & TF_ECN_CWR) {
		*flags |= RTE_TCP_CWR_FLAG;
		c->flags &= ~(uint32_t)TF_ECN_CWR;
	}
	return TCP_IP_ECN_ECT0;
}

static int send_raw(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags, uint64_t now_us)
{
	struct tcp_engine *e = c->eng;
	struct rte_mbuf *m = rte_pktmbuf_alloc(e->p.hdr_pool);
	if (m == NULL) {
		tcp_count(c, TCP_CNT_tx_no_mbuf);
		return -ENOMEM;
	}
	bool syn = flags & RTE_TCP_SYN_FLAG;
	uint8_t opts[TCP_OPTIONS_MAX];
	size_t olen = build_options(c, opts, syn, now_us);
	size_t hlen = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_tcp_hdr) + olen;
	if (len > c->mtu - hlen)
		len = (uint32_t)(c->mtu - hlen);
	char *p = rte_pktmbuf_append(m, (uint16_t)hlen);
	if (p == NULL) {
		/* Cannot happen: tcp_engine_create checked that the headers fit. */
		rte_pktmbuf_free(m);
		return -ENOMEM;
	}
	if (len > 0 && attach_payload(c, m, seq, len) != 0) {
		rte_pktmbuf_free(m);
		tcp_count(c, TCP_CNT_tx_no_mbuf);
		return -ENOMEM;
	}

	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	/* The profile's DSCP, and ECN's two bits (RFC 3168 5) from this segment's role. */
	ip->type_of_service =
	        (uint8_t)(c->prof->ip_tos & ~TCP_IP_ECN_MASK) | ecn_mark(c, seq, len, &flags);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hlen + len));
	ip->packet_id = rte_cpu_to_be_16(e->ip_id++);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = TCP_IPV4_TTL;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = c->tuple.laddr;
	ip->dst_addr = c->tuple.raddr;
	th->src_port = c->tuple.lport;
	th->dst_port = c->tuple.rport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = (flags & RTE_TCP_ACK_FLAG) ? rte_cpu_to_be_32(c->rcv_nxt) : 0;
	th->data_off = (uint8_t)(((sizeof(*th) + olen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(window_field(c, syn));
	th->cksum = 0;
	th->tcp_urp = 0;
	memcpy(th + 1, opts, olen);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	/*
	 * Pseudo header + header + payload, which lives in other segments at any offset:
	 * net_csum_mbuf swaps the sum of a piece at an odd stream position (RFC 1071 2(B)),
	 * which DPDK 22.11's rte_raw_cksum_mbuf gets wrong.
	 */
	uint32_t l4len = (uint32_t)(sizeof(*th) + olen + len);
	uint16_t sum = 0;
	net_csum_mbuf(m, sizeof(*ip), l4len, net_csum_pseudo(ip, IPPROTO_TCP, (uint16_t)l4len),
	              &sum);
	th->cksum = (uint16_t)~sum;

	if (len > 0 || (flags & RTE_TCP_FIN_FLAG))
		pace_charge(c, (uint32_t)(hlen + len) + c->prof->overhead_bytes, now_us);
	if (flags & RTE_TCP_ACK_FLAG) {
		c->last_ack_sent = c->rcv_nxt;
		c->segs_unacked = 0;
		c->flags &= ~TF_ACKNOW;
		tcp_timer_stop(c, TCP_T_DELACK);
	}
	c->segs_out++;
	c->last_tx_us = now_us;
	e->cnt[TCP_CNT_segs_out]++;
	e->p.tx(e->p.cb_arg, c, m);
	return (int)len;
}

int tcp_send_segment(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags, uint64_t now_us)
{
	int n = send_raw(c, seq, len, flags, now_us);
	if (n < 0)
		return n;
	uint32_t end = seq + (uint32_t)n + ((flags & RTE_TCP_FIN_FLAG) ? 1 : 0);
	if (n > 0)
		c->last_data_tx_us = now_us;
	if (tcp_seq_lt(seq, c->snd_max)) {
		c->retransmits++;
		tcp_count(c, TCP_CNT_retransmits);
		/* Karn (RFC 6298 3): the timed segment went twice, its ACK is ambiguous. */
		if ((c->flags & TF_RTT_TIMING) && tcp_seq_in(c->rtt_seq, seq, end + 1))
			c->flags &= ~TF_RTT_TIMING;
	} else if (!(c->flags & (TF_TS | TF_RTT_TIMING)) && n > 0) {
		/* Time one segment per RTT when timestamps are off (RFC 6298 3). */
		c->flags |= TF_RTT_TIMING;
		c->rtt_seq = seq;
		c->rtt_start_us = now_us;
	}
	if (tcp_seq_gt(end, c->snd_max))
		c->snd_max = end;
	return n;
}

void tcp_arm_rexmt(struct tcp_conn *c, uint64_t now_us)
{
	tcp_timer_set(c, TCP_T_REXMT, now_us + tcp_rto_timeout_us(&c->rto));
}

void tcp_send_syn(struct tcp_conn *c, bool ack, uint64_t now_us)
{
	uint8_t flags = RTE_TCP_SYN_FLAG | (ack ? RTE_TCP_ACK_FLAG : 0);
	/* RFC 3168 6.1.1: ECN-setup SYN (ECE + CWR) and SYN-ACK (ECE). A retransmitted SYN
	 * goes without the offer (6.1.1.1: a middlebox may drop ECN-setup SYNs; Linux's
	 * tcp_ecn_fallback), and then the connection does without ECN. */
	if (!ack && c->syn_tries > 0)
		c->flags &= ~(uint32_t)TF_ECN;
	if (c->flags & TF_ECN)
		flags |= ack ? RTE_TCP_ECE_FLAG : (RTE_TCP_ECE_FLAG | RTE_TCP_CWR_FLAG);
	send_raw(c, c->iss, 0, flags, now_us);
	c->snd_nxt = c->iss + 1;
	if (tcp_seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (c->syn_tries == 0 && !(c->flags & TF_RTT_TIMING)) {
		c->flags |= TF_RTT_TIMING;
		c->rtt_seq = c->iss;
		c->rtt_start_us = now_us;
	}
}

void tcp_send_ack(struct tcp_conn *c, uint64_t now_us)
{
	if (c->state == TCP_CLOSED || c->state == TCP_LISTEN || c->state == TCP_SYN_SENT)
		return;
	send_raw(c, c->snd_nxt, 0, RTE_TCP_ACK_FLAG, now_us);
}

void tcp_send_rst(struct tcp_conn *c, uint32_t seq, uint32_t ack, bool with_ack, uint64_t now_us)
{
	uint32_t saved = c->rcv_nxt;
	c->rcv_nxt = ack;
	uint32_t f = c->flags;
	c->flags &= ~(uint32_t)(TF_SACK | TF_TS); /* RSTs carry no options */
	send_raw(c, seq, 0, RTE_TCP_RST_FLAG | (with_ack ? RTE_TCP_ACK_FLAG : 0), now_us);
	c->flags = f;
	c->rcv_nxt = saved;
	tcp_count(c, TCP_CNT_resets_out);
}

/*
 * RFC 5961 7: challenge ACKs are rate limited per engine, with a limit drawn at random each
 * second (CVE-2016-5696: a fixed global limit is a side channel).
 */
void tcp_send_challenge_ack(struct tcp_conn *c, uint64_t now_us)
{
	struct tcp_engine *e = c->eng;
	if (now_us - e->chack_window_us >= 1000000 || e->chack_limit == 0) {
		e->chack_window_us = now_us;
		e->chack_count = 0;
		uint32_t base = e->p.challenge_ack_limit;
		e->chack_limit = e->p.deterministic ? base : base + arc4random_uniform(base);
	}
	if (e->chack_count >= e->chack_limit) {
		tcp_count(c, TCP_CNT_challenge_acks_suppressed);
		return;
	}
	e->chack_count++;
	tcp_count(c, TCP_CNT_challenge_acks);
	tcp_send_ack(c, now_us);
}

void tcp_send_keepalive(struct tcp_conn *c, uint64_t now_us)
{
	/* RFC 9293 3.8.4: SEG.SEQ = SND.NXT - 1, no data; the peer answers with an ACK. */
	tcp_count(c, TCP_CNT_keepalives);
	send_raw(c, c->snd_una - 1, 0, RTE_TCP_ACK_FLAG, now_us);
}

/* Zero-window probe: one octet of data (RFC 9293 3.8.6.1), the next unacknowledged one. */
void tcp_send_probe(struct tcp_conn *c, uint64_t now_us)
{
	uint32_t data_end = c->sq_seq + c->sq_bytes;
	tcp_count(c, TCP_CNT_zero_window_probes);
	if (tcp_seq_lt(c->snd_una, data_end)) {
		tcp_send_segment(c, c->snd_una, 1, RTE_TCP_ACK_FLAG, now_us);
		if (tcp_seq_lt(c->snd_nxt, c->snd_una + 1))
			c->snd_nxt = c->snd_una + 1;
	} else {
		send_raw(c, c->snd_una - 1, 0, RTE_TCP_ACK_FLAG, now_us);
	}
}

/*
 * RFC 896 / RFC 9293 3.7.4 (F5's "Nagle's algorithm"): while data is unacknowledged, a
 * segment shorter than the MSS waits until the ACK or until a full segment's worth is queued.
 * A FIN behind it lets it go (the application has no more to add), as Linux does.
 */
static bool nagle_holds(const struct tcp_conn *c, uint32_t len, uint32_t avail, uint32_t in_flight)
{
	return c->prof->nagle && len < c->smss && len == avail && in_flight > 0 &&
	       !(c->flags & TF_FIN_QUEUED);
}

static bool fin_due(const struct tcp_conn *c, uint32_t data_end)
{
	return (c->flags & TF_FIN_QUEUED) && c->snd_nxt == data_end &&
	       (c->state == TCP_FIN_WAIT_1 || c->state == TCP_CLOSING || c->state == TCP_LAST_ACK);
}

static void send_fin(struct tcp_conn *c, uint32_t data_end, uint64_t now_us)
{
	/* A retransmitted FIN keeps its first sequence number. */
	if (!(c->flags & TF_FIN_SENT)) {
		c->fin_seq = data_end;
		c->flags |= TF_FIN_SENT;
	}
	if (tcp_send_segment(c, c->fin_seq, 0, RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, now_us) >= 0)
		c->snd_nxt = c->fin_seq + 1;
}

/* RFC 6675 5 (C): during SACK recovery send while cwnd - pipe >= 1 SMSS, choosing by NextSeg. */
static bool sack_recovery_output(struct tcp_conn *c, uint32_t data_end, uint64_t now_us)
{
	bool sent = false;
	for (int guard = 0; guard < 1024; guard++) {
		uint32_t pipe = tcp_sack_sb_pipe(&c->sb, c->snd_max);
		if (tcp_cc_cwnd(&c->cc) < pipe + c->smss)
			break;
		if (!pace_allows(c, now_us))
			break;
		uint32_t in_wnd = c->snd_una + c->snd_wnd;
		bool new_ok = tcp_seq_lt(c->snd_max, data_end) && tcp_seq_lt(c->snd_max, in_wnd);
		uint32_t seq, len;
		enum tcp_nextseg k =
		        tcp_sack_sb_next_seg(&c->sb, c->smss, c->snd_max, new_ok, &seq, &len);
		if (k == TCP_NEXTSEG_NONE)
			break;
		if (k == TCP_NEXTSEG_NEW) {
			len = tcp_seq_min(tcp_seq_min(data_end, in_wnd), seq + c->smss) - seq;
		} else if (c->flags & TF_FIN_SENT && tcp_seq_geq(seq + len, c->fin_seq + 1)) {
			/* The range reaches our FIN: resend it with the FIN flag. */
			uint32_t dlen = c->fin_seq - seq;
			int n = tcp_send_segment(c, seq, dlen, RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG,
			                         now_us);
			if (n < 0)
				break;
			tcp_sack_sb_sent(&c->sb, k, seq, dlen + 1, c->recover, c->snd_max);
			sent = true;
			continue;
		}
		if (tcp_seq_gt(seq + len, data_end))
			len = data_end - seq;
		if (len == 0)
			break;
		int n = tcp_send_segment(c, seq, len, RTE_TCP_ACK_FLAG, now_us);
		if (n <= 0)
			break;
		if (k == TCP_NEXTSEG_NEW) {
			c->snd_nxt = c->snd_max;
		} else {
			tcp_sack_sb_sent(&c->sb, k, seq, (uint32_t)n, c->recover, c->snd_max);
			/* The head went again (a lost retransmission of it): its timeout runs
			 * from now, as for the first retransmission (Linux does the same). */
			if (seq == c->snd_una)
				tcp_arm_rexmt(c, now_us);
		}
		sent = true;
	}
	return sent;
}

/*
 * Second copies (profile window_copies, for a module with window_copies: the rate module, on
 * reserved capacity; off by default: over a shared or bonded link the idle time is not ours). While
 * the peer's window, not the data or cwnd, holds the next new segment back, the rate leaves the
 * link idle until an ACK moves the window: that time carries a second copy of each
 * unacknowledged, un-SACKed segment, oldest first, once (copy_nxt), at the same paced rate. A
 * random loss of either copy then leaves no hole: with a hole at its left edge the window
 * cannot move for the two round trips that detecting and repairing it take, and a receiver
 * that autotunes its window from what its application read (Linux) grows it less. New data
 * and retransmissions go first (they are sent before this is reached); a copy that arrives
 * after its original is a duplicate the receiver D-SACKs, which is no sign of loss (RFC 6675
 * counts only ACKs that SACK new data). Not after a timeout (the lost flight is being resent)
 * nor into a closed window (persist probes it). Returns whether a copy left.
 */
static bool copy_output(struct tcp_conn *c, uint32_t data_end, uint64_t now_us)
{
	if (!c->prof->window_copies || !tcp_cc_window_copies(&c->cc) || c->pace_rate == 0 ||
	    c->snd_wnd == 0 || (c->flags & (TF_LOSS | TF_PERSIST)) ||
	    !tcp_seq_lt(c->snd_max, data_end))
		return false;
	uint32_t next = data_end - c->snd_max < c->smss ? data_end - c->snd_max : c->smss;
	if (tcp_seq_leq(c->snd_max + next, c->snd_una + c->snd_wnd))
		return false; /* the window has room: what held the data back was not the peer */
	uint32_t top = c->snd_max;
	if ((c->flags & TF_FIN_SENT) && tcp_seq_lt(c->fin_seq, top))
		top = c->fin_seq;
	bool sent = false;
	for (int guard = 0; guard < 1024; guard++) {
		uint32_t end;
		uint32_t seq = tcp_sack_sb_unsacked(&c->sb, c->copy_nxt, top, &end);
		if (!tcp_seq_lt(seq, top) || !pace_allows(c, now_us))
			break;
		uint32_t len = end - seq < c->smss ? end - seq : c->smss;
		int n = send_raw(c, seq, len, RTE_TCP_ACK_FLAG, now_us);
		if (n <= 0)
			break;
		/* Karn (RFC 6298 3): the timed segment went twice, its ACK is ambiguous. */
		if ((c->flags & TF_RTT_TIMING) && tcp_seq_in(c->rtt_seq, seq, seq + (uint32_t)n))
			c->flags &= ~TF_RTT_TIMING;
		tcp_count(c, TCP_CNT_window_copies);
		c->copy_nxt = seq + (uint32_t)n;
		sent = true;
	}
	return sent;
}

void tcp_output(struct tcp_conn *c, uint64_t now_us)
{
	bool sent = false;
	uint32_t data_end = c->sq_seq + c->sq_bytes;

	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		break;
	default:
		if ((c->flags & TF_ACKNOW) && c->state != TCP_SYN_SENT && c->state != TCP_CLOSED)
			tcp_send_ack(c, now_us);
		return;
	}
	/* RFC 5681 4.1: after more than one RTO without sending, restart from at most IW. */
	if (c->last_data_tx_us != 0 && c->snd_una == c->snd_max &&
	    tcp_seq_lt(c->snd_nxt, data_end) &&
	    now_us - c->last_data_tx_us > tcp_rto_timeout_us(&c->rto)) {
		tcp_cc_on_idle_restart(&c->cc, now_us);
		c->last_data_tx_us = now_us;
	}
	c->pace_rate = pacing_rate(c);
	if ((c->flags & (TF_RECOVERY | TF_SACK)) == (TF_RECOVERY | TF_SACK)) {
		sent = sack_recovery_output(c, data_end, now_us);
	} else {
		for (;;) {
			uint32_t wnd = tcp_cc_cwnd(&c->cc) + c->lt_extra;
			if (wnd > c->snd_wnd)
				wnd = c->snd_wnd;
			uint32_t in_flight = c->snd_nxt - c->snd_una;
			if (tcp_seq_lt(c->snd_nxt, data_end)) {
				/* cwnd, not the peer's window, leaves no room for a full segment
				 * (SWS avoidance below waits for one): the ACKs of this flight
				 * may grow it (tcp_input.c). */
				if ((uint64_t)tcp_cc_cwnd(&c->cc) + c->lt_extra <
				    in_flight + c->smss) {
					c->flags |= TF_CWND_FULL;
					c->cwnd_full_seq = c->snd_nxt;
				}
				if (wnd <= in_flight)
					break;
				uint32_t avail = data_end - c->snd_nxt;
				uint32_t len = avail;
				if (len > c->smss)
					len = c->smss;
				if (len > wnd - in_flight)
					len = wnd - in_flight;
				/* RFC 9293 3.8.6.2.1 sender SWS avoidance: when the window, not
				 * the data, cuts a segment short, wait for a bigger window. Nagle
				 * only when the profile asks: a relay forwards the tail of a burst
				 * at once, like TCP_NODELAY, or every response would wait one RTT.
				 */
				if (len < c->smss && len < avail && in_flight > 0 &&
				    len < c->max_snd_wnd / 2)
					break;
				if (nagle_holds(c, len, avail, in_flight))
					break;
				if (!pace_allows(c, now_us))
					break;
				int n = tcp_send_segment(c, c->snd_nxt, len, RTE_TCP_ACK_FLAG,
				                         now_us);
				if (n <= 0)
					break;
				c->snd_nxt += (uint32_t)n;
				sent = true;
				continue;
			}
			if (fin_due(c, data_end) && pace_allows(c, now_us)) {
				send_fin(c, data_end, now_us);
				sent = true;
			}
			break;
		}
	}
	if (tcp_seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (copy_output(c, data_end, now_us))
		sent = true;
	/* Zero window with data waiting and nothing in flight: probe (RFC 9293 3.8.6.1). */
	if (c->snd_wnd == 0 && tcp_seq_lt(c->snd_nxt, data_end) && c->snd_una == c->snd_max) {
		if (!(c->flags & TF_PERSIST)) {
			c->flags |= TF_PERSIST;
			c->persist_shift = 0;
			c->persist_start_us = now_us;
			tcp_timer_set(c, TCP_T_REXMT, now_us + tcp_persist_interval_us(c));
		}
	} else if (c->snd_una != c->snd_max && !(c->flags & TF_PERSIST) &&
	           !tcp_timer_armed(&c->timers[TCP_T_REXMT].t)) {
		tcp_arm_rexmt(c, now_us);
	}
	if (!sent && (c->flags & TF_ACKNOW))
		tcp_send_ack(c, now_us);
}
