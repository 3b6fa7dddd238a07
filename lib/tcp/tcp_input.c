/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segment arrival, RFC 9293 3.10.7 in order: PAWS (RFC 7323 5), sequence acceptability, RST
 * and SYN with RFC 5961's challenge ACKs, ACK processing (RTT, congestion control, SACK,
 * NewReno RFC 6582 / SACK RFC 6675 recovery, limited transmit RFC 3042), window update, data
 * (in order to the application, out of order held and SACKed), FIN.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>

#include "tcp_private.h"

/* FIN SYN RST PSH ACK URG ECE CWR (RFC 3168 6.1): the reserved bits are ignored. */
#define TCP_FLAGS_MASK 0xff

int tcp_parse_segment(struct rte_mbuf *m, struct tcp_seg *s)
{
	uint32_t pkt_len = rte_pktmbuf_pkt_len(m);
	if (pkt_len < sizeof(struct rte_ipv4_hdr) ||
	    rte_pktmbuf_data_len(m) < sizeof(struct rte_ipv4_hdr))
		return STAT_drop_l4_truncated;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	uint32_t tot = rte_be_to_cpu_16(ip->total_length);
	if (ihl < sizeof(*ip))
		return STAT_drop_ip_ihl;
	if (tot > pkt_len || tot < ihl)
		return STAT_drop_ip_len;
	/* Headers must sit in the first segment; so they do for every NIC RX at this MTU. */
	if (tot < ihl + sizeof(struct rte_tcp_hdr) ||
	    rte_pktmbuf_data_len(m) < ihl + sizeof(struct rte_tcp_hdr))
		return STAT_drop_l4_truncated;
	const struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, ihl);
	uint32_t doff = (uint32_t)(th->data_off >> 4) * 4;
	if (doff < sizeof(*th) || ihl + doff > tot || ihl + doff > rte_pktmbuf_data_len(m))
		return STAT_drop_tcp_doff;
	s->flags = th->tcp_flags & TCP_FLAGS_MASK;
	if (tcp_options_parse((const uint8_t *)(th + 1), doff - sizeof(*th),
	                      s->flags & RTE_TCP_SYN_FLAG, &s->opts) != 0)
		return STAT_drop_tcp_options;
	s->ecn = ip->type_of_service & TCP_IP_ECN_MASK;
	s->saddr = ip->src_addr;
	s->daddr = ip->dst_addr;
	s->sport = th->src_port;
	s->dport = th->dst_port;
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->wnd = rte_be_to_cpu_16(th->rx_win);
	s->hdr_len = (uint16_t)(ihl + doff);
	s->len = tot - ihl - doff;
	/* Ethernet padding past the IP length is not payload. */
	if (pkt_len > tot && rte_pktmbuf_trim(m, (uint16_t)(pkt_len - tot)) != 0)
		return STAT_drop_ip_len; /* padding spread over segments: never seen from a NIC */
	return 0;
}

int tcp_segment_check(struct rte_mbuf *m)
{
	struct tcp_seg s;
	return m != NULL ? tcp_parse_segment(m, &s) : STAT_drop_l4_truncated;
}

/* Remove n octets from the front of a (possibly chained) mbuf; returns the new head. */
static struct rte_mbuf *mbuf_cut_front(struct rte_mbuf *m, uint32_t n)
{
	while (n > 0 && m != NULL) {
		if (n < m->data_len) {
			uint32_t total = m->pkt_len - n;
			m->data_off = (uint16_t)(m->data_off + n);
			m->data_len = (uint16_t)(m->data_len - n);
			m->pkt_len = total;
			return m;
		}
		/* Drop the whole first segment, move packet fields to the next one. */
		struct rte_mbuf *next = m->next;
		n -= m->data_len;
		if (next != NULL) {
			next->pkt_len = m->pkt_len - m->data_len;
			next->nb_segs = (uint16_t)(m->nb_segs - 1);
		}
		m->next = NULL;
		m->nb_segs = 1;
		rte_pktmbuf_free_seg(m);
		m = next;
	}
	return m;
}

/* Keep only the first keep octets of a chained mbuf. */
static void mbuf_keep(struct rte_mbuf *m, uint32_t keep)
{
	uint32_t left = keep;
	struct rte_mbuf *seg = m, *prev = NULL;
	uint16_t segs = 0;
	while (seg != NULL && left >= seg->data_len && left > 0) {
		left -= seg->data_len;
		prev = seg;
		seg = seg->next;
		segs++;
	}
	if (seg != NULL && left > 0) {
		seg->data_len = (uint16_t)left;
		prev = seg;
		seg = seg->next;
		segs++;
	}
	if (prev != NULL && seg != NULL) {
		prev->next = NULL;
		rte_pktmbuf_free(seg);
	}
	if (segs == 0) {
		/* Nothing kept: an empty first segment. */
		if (m->next != NULL) {
			rte_pktmbuf_free(m->next);
			m->next = NULL;
		}
		m->data_len = 0;
		segs = 1;
	}
	m->pkt_len = keep;
	m->nb_segs = segs;
}

static bool ts_older(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* Hand in-order data to the application. */
static void deliver(struct tcp_conn *c, struct rte_mbuf *m, uint32_t len)
{
	c->rcv_nxt += len;
	c->bytes_received += len;
	if (len == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	if ((c->eng->p.recv == NULL && c->relay == NULL) || (c->flags & TF_ORPHAN)) {
		/* Nobody reads any more: ACKed, freed, and the window stays open. */
		tcp_count(c, TCP_CNT_data_unread);
		rte_pktmbuf_free(m);
		return;
	}
	c->rcv_unconsumed += len;
	if (c->relay != NULL)
		tcp_relay_recv(c, m);
	else
		c->eng->p.recv(c->eng->p.cb_arg, c, m);
}

/* The peer's FIN has been reached in order (RFC 9293 3.10.7.4 eighth). */
static void fin_in_order(struct tcp_conn *c, uint64_t now_us)
{
	c->rcv_nxt++;
	c->flags |= TF_PEER_FIN | TF_ACKNOW;
	switch (c->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		tcp_set_state(c, TCP_CLOSE_WAIT, now_us);
		break;
	case TCP_FIN_WAIT_1:
		/* Our FIN not acked yet: simultaneous close. */
		tcp_set_state(c, TCP_CLOSING, now_us);
		break;
	case TCP_FIN_WAIT_2:
		tcp_set_state(c, TCP_TIME_WAIT, now_us);
		break;
	default:
		break;
	}
	tcp_event(c, TCP_EV_PEER_FIN);
}

/* Insert an out-of-order segment [seq, seq+len) (+FIN) into the sorted queue, trimming
 * overlaps so that every octet is held once. Returns false when it was all duplicate. */
static bool ooo_insert(struct tcp_conn *c, struct rte_mbuf *m, uint32_t seq, uint32_t len, bool fin)
{
	struct tcp_engine *e = c->eng;
	struct rte_mbuf **pp = &c->ooo_head;
	struct rte_mbuf *prev = NULL;

	if (c->ooo_segs >= c->ooo_max) {
		tcp_count(c, TCP_CNT_drop_ooo_full);
		rte_pktmbuf_free(m);
		return false;
	}

	while (*pp != NULL && tcp_seq_leq(tcp_meta(e, *pp)->seq, seq)) {
		prev = *pp;
		pp = &tcp_meta(e, *pp)->next;
	}
	if (prev != NULL) {
		struct tcp_mbuf_meta *pm = tcp_meta(e, prev);
		uint32_t pend = pm->seq + pm->len;
		if (tcp_seq_geq(pend, seq + len) && !(fin && !pm->fin && pend == seq + len)) {
			/* All of it is held already. */
			tcp_count(c, TCP_CNT_drop_duplicate);
			tcp_sack_rcv_dup(&c->sr, seq, seq + len);
			rte_pktmbuf_free(m);
			return false;
		}
		if (tcp_seq_gt(pend, seq)) {
			uint32_t cut = pend - seq;
			m = mbuf_cut_front(m, cut);
			seq += cut;
			len -= cut;
		}
	}
	/* Swallow following segments we cover; cut our tail where the next one starts. */
	while (*pp != NULL) {
		struct tcp_mbuf_meta *nm = tcp_meta(e, *pp);
		if (tcp_seq_geq(nm->seq, seq + len))
			break;
		if (tcp_seq_leq(nm->seq + nm->len, seq + len) && (fin || !nm->fin)) {
			struct rte_mbuf *dead = *pp;
			*pp = nm->next;
			c->ooo_bytes -= nm->len;
			c->ooo_segs--;
			rte_pktmbuf_free(dead);
			continue;
		}
		uint32_t keep = nm->seq - seq;
		mbuf_keep(m, keep);
		len = keep;
		fin = false;
		break;
	}
	if (m == NULL)
		return false;
	struct tcp_mbuf_meta *meta = tcp_meta(e, m);
	meta->seq = seq;
	meta->len = len;
	meta->fin = fin;
	meta->next = *pp;
	*pp = m;
	c->ooo_bytes += len;
	c->ooo_segs++;
	/* RFC 2018 4: report the whole contiguous out-of-order run that holds this segment. */
	uint32_t run_s = 0, run_e = 0;
	bool in_run = false;
	for (struct rte_mbuf *x = c->ooo_head; x != NULL; x = tcp_meta(e, x)->next) {
		struct tcp_mbuf_meta *xm = tcp_meta(e, x);
		if (!in_run || xm->seq != run_e) {
			if (in_run && tcp_seq_in(seq, run_s, run_e + 1))
				break;
			run_s = xm->seq;
			in_run = true;
		}
		run_e = xm->seq + xm->len;
	}
	if (in_run && run_e != run_s)
		tcp_sack_rcv_add(&c->sr, run_s, run_e);
	return true;
}

/* After rcv_nxt moved: deliver what the out-of-order queue now continues. */
static void ooo_drain(struct tcp_conn *c, uint64_t now_us)
{
	struct tcp_engine *e = c->eng;
	while (c->ooo_head != NULL) {
		struct tcp_mbuf_meta *meta = tcp_meta(e, c->ooo_head);
		if (tcp_seq_gt(meta->seq, c->rcv_nxt))
			break;
		struct rte_mbuf *m = c->ooo_head;
		c->ooo_head = meta->next;
		c->ooo_bytes -= meta->len;
		c->ooo_segs--;
		uint32_t seq = meta->seq, len = meta->len;
		bool fin = meta->fin;
		if (tcp_seq_lt(seq, c->rcv_nxt)) {
			uint32_t cut = c->rcv_nxt - seq;
			if (cut >= len) {
				rte_pktmbuf_free(m);
				if (fin && cut == len)
					fin_in_order(c, now_us);
				continue;
			}
			m = mbuf_cut_front(m, cut);
			len -= cut;
		}
		deliver(c, m, len);
		if (fin)
			fin_in_order(c, now_us);
	}
}

/* RFC 9293 3.10.7.4 seventh: segment text. m has its headers already removed. */
static void process_data(struct tcp_conn *c, const struct tcp_seg *s, struct rte_mbuf *m,
                         uint64_t now_us)
{
	uint32_t seq = s->seq, len = s->len;
	bool fin = s->flags & RTE_TCP_FIN_FLAG;

	if (c->flags & TF_PEER_FIN) {
		tcp_count(c, TCP_CNT_drop_data_after_fin);
		rte_pktmbuf_free(m);
		return;
	}
	if (tcp_seq_lt(seq, c->rcv_nxt)) {
		uint32_t dup = c->rcv_nxt - seq;
		if (dup > len || (dup == len && !fin)) {
			/* All old (or an old FIN): D-SACK it and ACK at once (RFC 2883, 5681 4.2).
			 */
			tcp_count(c, TCP_CNT_drop_duplicate);
			if (len)
				tcp_sack_rcv_dup(&c->sr, seq, seq + len);
			c->flags |= TF_ACKNOW;
			rte_pktmbuf_free(m);
			return;
		}
		if (dup > 0)
			tcp_sack_rcv_dup(&c->sr, seq, c->rcv_nxt);
		m = mbuf_cut_front(m, dup);
		seq += dup;
		len -= dup;
		c->flags |= TF_ACKNOW;
	}
	/* Never take more than the window we offered. */
	uint32_t right = tcp_seq_max(c->rcv_adv, c->rcv_nxt);
	if (tcp_seq_gt(seq + len, right)) {
		uint32_t keep = tcp_seq_gt(right, seq) ? right - seq : 0;
		tcp_count(c, TCP_CNT_rcv_window_trimmed);
		mbuf_keep(m, keep);
		len = keep;
		fin = false;
		c->flags |= TF_ACKNOW;
	}
	if (len == 0 && !fin) {
		/* Nothing was left inside the window (counted as trimmed just above). */
		rte_pktmbuf_free(m);
		return;
	}
	if (seq == c->rcv_nxt) {
		bool had_ooo = c->ooo_head != NULL;
		deliver(c, m, len);
		if (fin)
			fin_in_order(c, now_us);
		if (had_ooo) {
			ooo_drain(c, now_us);
			/* Filling a hole is ACKed at once (RFC 5681 4.2). */
			c->flags |= TF_ACKNOW;
		}
		tcp_sack_rcv_ack(&c->sr, c->rcv_nxt);
		if (len > 0 && !(c->flags & TF_ACKNOW)) {
			/* Delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2). */
			c->segs_unacked++;
			/* F5's "ACK on push": a pushed segment ends a message; ACKing it at once
			 * keeps request/response turns fast while bulk data still gets delayed
			 * ACKs. */
			if (c->prof->delayed_ack_ms == 0 ||
			    (c->prof->ack_on_push && (s->flags & RTE_TCP_PSH_FLAG)) ||
			    c->segs_unacked >=
			            (c->prof->ack_every_segments ? c->prof->ack_every_segments : 2))
				c->flags |= TF_ACKNOW;
			else if (!tcp_timer_armed(&c->timers[TCP_T_DELACK].t))
				tcp_timer_set(c, TCP_T_DELACK,
				              now_us + (uint64_t)c->prof->delayed_ack_ms * 1000);
		}
		return;
	}
	/* Out of order: hold it, SACK it, and send a duplicate ACK at once (RFC 5681 4.2). */
	ooo_insert(c, m, seq, len, fin);
	c->flags |= TF_ACKNOW;
}

/*
 * RFC 3168 6.1.3, the receiver's side: a CE mark on data makes every ACK carry ECE until the
 * sender's CWR arrives. CWR is taken first, so that a CE on the CWR segment itself starts a
 * new episode. The first CE of an episode is ACKed at once, as Linux does (quick ACK), so that
 * the sender hears of it without a delayed-ACK wait.
 */
static void ecn_receive(struct tcp_conn *c, const struct tcp_seg *s)
{
	if (s->flags & RTE_TCP_CWR_FLAG)
		c->flags &= ~(uint32_t)TF_ECN_ECE;
	if (s->ecn == TCP_IP_ECN_CE && s->len > 0) {
		tcp_count(c, TCP_CNT_ecn_ce_received);
		if (!(c->flags & TF_ECN_ECE))
			c->flags |= TF_ECN_ECE | TF_ACKNOW;
	}
}

static void update_ts_recent(struct tcp_conn *c, const struct tcp_seg *s, uint64_t now_us)
{
	/* RFC 7323 4.3 (3): remember TSval of the segment that covers Last.ACK.sent. */
	if ((c->flags & TF_TS) && (s->opts.flags & TCP_OPTF_TS) &&
	    tcp_seq_leq(s->seq, c->last_ack_sent) && !ts_older(s->opts.ts_val, c->ts_recent)) {
		c->ts_recent = s->opts.ts_val;
		c->ts_recent_us = now_us;
	}
}

static void exit_recovery(struct tcp_conn *c, uint64_t now_us)
{
	c->flags &= ~TF_RECOVERY;
	c->dupacks = 0;
	tcp_cc_on_recovery_exit(&c->cc, c->snd_max - c->snd_una, now_us);
}

/* Fast retransmit: enter recovery (RFC 5681 3.2, RFC 6582 3.2 step 2, RFC 6675 5 step 4). */
static void enter_recovery(struct tcp_conn *c, uint64_t now_us)
{
	uint32_t flight = c->snd_max - c->snd_una;
	tcp_count(c, TCP_CNT_fast_retransmits);
	c->flags |= TF_RECOVERY;
	c->recover = c->snd_max;
	c->lt_extra = 0;
	c->flags &= ~TF_RTT_TIMING;
	const struct tcp_cc_cong ce = {.ev = TCP_CC_EV_FAST_RETRANSMIT,
	                               .flight_size = flight,
	                               .sack = (c->flags & TF_SACK) != 0,
	                               .now_us = now_us};
	/* RFC 3168 6.1.2: a window already reduced for ECE is not reduced again for a loss in
	 * it (Linux enters recovery from its CWR state without a second cut). */
	if (!(c->flags & TF_ECN) || !tcp_seq_lt(c->snd_una, c->ecn_recover))
		tcp_cc_on_congestion(&c->cc, &ce);
	uint32_t len = tcp_seq_min(c->snd_max, c->snd_una + c->smss) - c->snd_una;
	if (c->flags & TF_SACK) {
		/* RFC 6675 4.3: retransmit the first segment presumed lost, then the loop. Not
		 * the head again when it went in the last recovery and is still on its way: a
		 * loss above the last recovery point starts this one, and that copy of the head
		 * is only proved lost by SACKs of what was sent after it. */
		uint32_t seq, l;
		enum tcp_nextseg k =
		        tcp_sack_sb_next_seg(&c->sb, c->smss, c->snd_max, false, &seq, &l);
		if (k != TCP_NEXTSEG_LOST && k != TCP_NEXTSEG_UNLOST) {
			if (tcp_seq_lt(c->snd_una, c->sb.high_rxt)) {
				tcp_arm_rexmt(c, now_us);
				return;
			}
			seq = c->snd_una;
			l = len;
			k = TCP_NEXTSEG_LOST;
		}
		uint8_t fl = RTE_TCP_ACK_FLAG;
		if ((c->flags & TF_FIN_SENT) && tcp_seq_geq(seq + l, c->fin_seq + 1)) {
			l = c->fin_seq - seq;
			fl |= RTE_TCP_FIN_FLAG;
		}
		int n = tcp_send_segment(c, seq, l, fl, now_us);
		if (n >= 0)
			tcp_sack_sb_sent(&c->sb, k, seq,
			                 (uint32_t)n + ((fl & RTE_TCP_FIN_FLAG) ? 1 : 0),
			                 c->recover, c->snd_max);
	} else {
		uint8_t fl = RTE_TCP_ACK_FLAG;
		if ((c->flags & TF_FIN_SENT) && c->fin_seq == c->snd_una) {
			len = 0;
			fl |= RTE_TCP_FIN_FLAG;
		}
		tcp_send_segment(c, c->snd_una, len, fl, now_us);
	}
	tcp_arm_rexmt(c, now_us);
}

/* Retransmit the first unacknowledged segment (NewReno partial ACK, RFC 6582 3.2 step 5). */
static void retransmit_first(struct tcp_conn *c, uint64_t now_us)
{
	uint8_t fl = RTE_TCP_ACK_FLAG;
	uint32_t len = tcp_seq_min(c->snd_max, c->snd_una + c->smss) - c->snd_una;
	if ((c->flags & TF_FIN_SENT) && tcp_seq_geq(c->snd_una + len, c->fin_seq + 1)) {
		len = c->fin_seq - c->snd_una;
		fl |= RTE_TCP_FIN_FLAG;
	}
	tcp_send_segment(c, c->snd_una, len, fl, now_us);
}

/*
 * RFC 9293 3.10.7.4 fifth, for synchronized states. Returns false when the segment must be
 * dropped (after whatever answer was due).
 */
static bool process_ack(struct tcp_conn *c, const struct tcp_seg *s, bool *acked_new,
                        uint64_t now_us)
{
	uint32_t ack = s->ack;

	/* RFC 5961 5.2: acceptable ACKs lie in [SND.UNA - MAX.SND.WND, SND.NXT]. */
	if (tcp_seq_gt(ack, c->snd_max) || tcp_seq_lt(ack, c->snd_una - c->max_snd_wnd)) {
		tcp_count(c, TCP_CNT_drop_bad_ack);
		tcp_send_challenge_ack(c, now_us);
		return false;
	}
	uint32_t wnd = (uint32_t)s->wnd << c->snd_wscale;
	unsigned int n_sack = 0;
	if (s->opts.flags & TCP_OPTF_SACK) {
		if (c->flags & TF_SACK)
			n_sack = s->opts.n_sack;
		else
			tcp_count(c, TCP_CNT_sack_not_negotiated);
	}
	struct tcp_sack_ack_info si = {0};
	if (n_sack || tcp_seq_gt(ack, c->snd_una)) {
		tcp_sack_sb_update(&c->sb, ack, s->opts.sack, n_sack, c->snd_max, c->smss, &si);
		tcp_count_n(c, TCP_CNT_sack_invalid, si.ignored_invalid);
		tcp_count_n(c, TCP_CNT_sack_conn_cap, si.ignored_cap);
		tcp_count_n(c, TCP_CNT_sack_pool_exhausted, si.ignored_pool);
	}

	if (tcp_seq_leq(ack, c->snd_una)) {
		/* RFC 5681 2 duplicate ACK: no data, no SYN/FIN, same ack and window, data
		 * outstanding. With SACK, RFC 6675 2 counts only ACKs that SACK new data: a
		 * D-SACK for a spurious retransmission or a window update is no sign of loss. */
		bool dup = s->len == 0 && !(s->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)) &&
		           ack == c->snd_una && c->snd_una != c->snd_max &&
		           ((c->flags & TF_SACK) ? si.newly_sacked > 0 : wnd == c->snd_wnd);
		if (!dup) {
			if (s->len == 0 && ack == c->snd_una && wnd != c->snd_wnd)
				c->dupacks = 0;
			return true;
		}
		if (c->dupacks < UINT32_MAX)
			c->dupacks++;
		if (c->flags & TF_RECOVERY) {
			/* RFC 6582 3.2 step 3 without SACK: the module inflates the window. */
			const struct tcp_cc_ack da = {
			        .flight_size = c->snd_max - c->snd_una,
			        .snd_una = c->snd_una,
			        .snd_nxt = c->snd_max,
			        .flags = (c->flags & TF_SACK) ? TCP_CC_ACKF_SACK : 0,
			        .now_us = now_us};
			tcp_cc_on_recovery_ack(&c->cc, &da);
			tcp_output(c, now_us);
			return true;
		}
		bool lost = (c->flags & TF_SACK) && tcp_sack_sb_is_lost(&c->sb, c->snd_una);
		/* RFC 6582 3.2 step 1: no new recovery unless the ACK covers recover (the highest
		 * octet sent when the last one began; ours is one past it), or SACK proves a new
		 * loss (RFC 6675 5). */
		if ((c->dupacks >= TCP_DUPTHRESH || lost) &&
		    (tcp_seq_geq(c->snd_una, c->recover) || lost)) {
			enter_recovery(c, now_us);
			tcp_output(c, now_us);
		} else if (c->dupacks < TCP_DUPTHRESH) {
			/* RFC 3042: one new segment for each of the first two dupacks (F5's
			 * "limited transmit recovery", on unless the profile says). */
			if (c->prof->limited_transmit)
				c->lt_extra = c->dupacks * c->smss;
			tcp_output(c, now_us);
		}
		return true;
	}

	/* New data acknowledged. */
	uint32_t acked = ack - c->snd_una;
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t una = c->snd_una;
	/* An ECN-Echo that asks for a reduction: not for data sent before the last response
	 * (ECE or loss) had effect, and never during a loss recovery, which already reduced
	 * (RFC 3168 6.1.2: at most once per window of data). */
	bool ecn_echo = (c->flags & TF_ECN) && (s->flags & RTE_TCP_ECE_FLAG) &&
	                !(c->flags & TF_RECOVERY) && tcp_seq_gt(ack, c->ecn_recover) &&
	                tcp_seq_gt(ack, c->recover);
	uint32_t rtt_us = 0;
	bool got_sample = false;
	if ((c->flags & TF_TS) && (s->opts.flags & TCP_OPTF_TS) && s->opts.ts_ecr != 0) {
		/* RFC 7323 4.1: the echo names the exact transmission: Karn does not apply. */
		uint32_t ms = tcp_ts_now(now_us) - s->opts.ts_ecr;
		if (ms < 600000) {
			rtt_us = ms ? ms * 1000 : 1;
			got_sample = tcp_rto_ack_sample(&c->rto, rtt_us, false, true);
		}
	} else if ((c->flags & TF_RTT_TIMING) && tcp_seq_gt(ack, c->rtt_seq)) {
		rtt_us = (uint32_t)(now_us - c->rtt_start_us) ?: 1;
		got_sample = tcp_rto_ack_sample(&c->rto, rtt_us, false, false);
		c->flags &= ~TF_RTT_TIMING;
	}
	if (got_sample)
		tcp_cc_on_rtt_sample(&c->cc, rtt_us, now_us);
	if ((c->flags & TF_FIN_SENT) && tcp_seq_geq(ack, c->fin_seq + 1)) {
		c->flags |= TF_FIN_ACKED;
		acked--; /* the FIN is not data */
	}
	c->snd_una = ack;
	if (tcp_seq_lt(c->snd_nxt, ack))
		c->snd_nxt = ack;
	c->bytes_acked += acked;
	if (c->flags & TF_EIFEL) {
		/* RFC 3522 3: the first ACK after an RTO echoes a timestamp older than the
		 * retransmission's: the original arrived, the timeout was spurious (a delay spike,
		 * a queue that grew faster than the estimator). RFC 4015 5: resume with new data
		 * rather than go back N, and give back the window the timeout took. */
		c->flags &= ~TF_EIFEL;
		if ((s->opts.flags & TCP_OPTF_TS) && s->opts.ts_ecr != 0 &&
		    ts_older(s->opts.ts_ecr, c->eifel_ts)) {
			tcp_count(c, TCP_CNT_spurious_rto);
			c->snd_nxt = c->snd_max;
			if (c->flags & TF_LOSS) {
				c->flags &= ~(TF_LOSS | TF_RECOVERY);
				tcp_sack_sb_undo_loss(&c->sb, c->smss);
			}
			const struct tcp_cc_undo u = {.in_flight = c->snd_max - c->snd_una,
			                              .acked = acked,
			                              .now_us = now_us};
			tcp_cc_undo(&c->cc, &u);
		}
	}
	c->rto_tries = 0;
	c->flags &= ~TF_RTO_EPISODE;
	c->lt_extra = 0;
	tcp_sq_drop_acked(c, ack);

	if ((c->flags & TF_SACK) && c->sb.has_sack && tcp_sack_sb_is_sacked(&c->sb, ack)) {
		/* The cumulative ACK stopped on data the peer had SACKed: it discarded it
		 * (reneging, RFC 2018 8). Forget the SACKs; after an RTO, everything is lost. */
		tcp_count(c, TCP_CNT_sack_reneging);
		tcp_sack_sb_clear(&c->sb);
		if (c->flags & TF_LOSS)
			tcp_sack_sb_enter_loss(&c->sb, c->recover, c->smss);
	}
	struct tcp_cc_ack cc_ack = {.acked = acked,
	                            .flight_size = flight,
	                            .snd_una = c->snd_una,
	                            .snd_nxt = c->snd_max,
	                            .now_us = now_us};
	if (c->flags & TF_LOSS) {
		/* After an RTO: slow start while the lost octets go again (RFC 5681 3.1). All
		 * of them are waiting to be resent, so cwnd is what limits the sender. */
		cc_ack.flags = TCP_CC_ACKF_CWND_LIMITED;
		tcp_cc_on_ack(&c->cc, &cc_ack);
		if (tcp_seq_geq(ack, c->recover)) {
			c->flags &= ~(TF_LOSS | TF_RECOVERY);
			c->dupacks = 0;
		}
	} else if (c->flags & TF_RECOVERY) {
		if (tcp_seq_geq(ack, c->recover)) {
			exit_recovery(c, now_us); /* full ACK */
		} else {
			/* RFC 6582 3.2 step 5 partial ACK: without SACK retransmit the next hole at
			 * once (with SACK the pipe loop does), and the module deflates. */
			if (!(c->flags & TF_SACK))
				retransmit_first(c, now_us);
			cc_ack.flags = (c->flags & TF_SACK) ? TCP_CC_ACKF_SACK : 0;
			tcp_cc_on_recovery_ack(&c->cc, &cc_ack);
		}
	} else if (ecn_echo) {
		/* RFC 3168 6.1.2: ECE is a congestion event, answered once per window of data
		 * (ecn_recover), and the next new data segment carries CWR. */
		c->dupacks = 0;
		tcp_count(c, TCP_CNT_ecn_cwnd_reductions);
		c->ecn_recover = c->snd_max;
		c->flags |= TF_ECN_CWR;
		const struct tcp_cc_cong ce = {
		        .ev = TCP_CC_EV_ECN, .flight_size = flight, .now_us = now_us};
		tcp_cc_on_congestion(&c->cc, &ce);
	} else {
		c->dupacks = 0;
		/*
		 * The window grows only while it is what limits the sender (RFC 7661's point; the
		 * rule is Linux's tcp_is_cwnd_limited): in slow start while at least half of it
		 * was in flight, in congestion avoidance while it was (nearly) full. A leg fed
		 * slower than its path, or held by the peer's window, would otherwise grow cwnd
		 * without bound and later burst it into a path it never probed. The module
		 * decides what to do with it (FreeBSD's CCF_CWND_LIMITED). As in Linux
		 * (tcp_cwnd_validate), the window a send found full counts until its last octet
		 * is acknowledged: ACKs that arrive together, before the sender (held by pacing
		 * or by the burst being processed) refills the window, would otherwise see the
		 * flight shrink below cwnd and most of them would not grow it.
		 */
		bool full = (c->flags & TF_CWND_FULL) && tcp_seq_lt(una, c->cwnd_full_seq);
		if (full || tcp_cc_is_cwnd_limited(&c->cc, flight))
			cc_ack.flags = TCP_CC_ACKF_CWND_LIMITED;
		if ((c->flags & TF_CWND_FULL) && tcp_seq_geq(ack, c->cwnd_full_seq))
			c->flags &= ~TF_CWND_FULL;
		tcp_cc_on_ack(&c->cc, &cc_ack);
	}
	/* RFC 6298 5.2/5.3: stop the timer when all is acked, else restart it. */
	if (c->snd_una == c->snd_max)
		tcp_timer_stop(c, TCP_T_REXMT);
	else if (!(c->flags & TF_PERSIST))
		tcp_arm_rexmt(c, now_us);
	/* TCP_EV_SENT_ACKED waits for update_window: whoever refills the send queue from it
	 * must see this segment's window, or it sends past the edge (RFC 9293 3.8.6). */
	*acked_new = acked > 0;

	if (c->flags & TF_FIN_ACKED) {
		switch (c->state) {
		case TCP_FIN_WAIT_1:
			tcp_set_state(c, TCP_FIN_WAIT_2, now_us);
			break;
		case TCP_CLOSING:
			tcp_set_state(c, TCP_TIME_WAIT, now_us);
			break;
		case TCP_LAST_ACK:
			tcp_conn_close(c, TCP_EV_CLOSED);
			return false;
		default:
			break;
		}
	}
	return true;
}

/* RFC 9293 3.10.7.4 fifth, window update part (SND.WL1/WL2 rule). */
static void update_window(struct tcp_conn *c, const struct tcp_seg *s, uint64_t now_us)
{
	uint32_t wnd = (uint32_t)s->wnd << c->snd_wscale;
	if (tcp_seq_lt(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && tcp_seq_leq(c->snd_wl2, s->ack))) {
		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (wnd > c->max_snd_wnd)
			c->max_snd_wnd = wnd;
		if (wnd > 0 && (c->flags & TF_PERSIST)) {
			/* The window opened: resend from snd_una, so that a probe octet the
			 * peer discarded does not wait for an RTO as a one-byte hole. */
			c->flags &= ~TF_PERSIST;
			c->persist_shift = 0;
			tcp_timer_stop(c, TCP_T_REXMT);
			c->snd_nxt = c->snd_una;
		}
	}
}

/* Options from the peer's SYN (or SYN-ACK) decide what this connection uses. */
static void take_syn_options(struct tcp_conn *c, const struct tcp_seg *s, bool active)
{
	const struct tcp_profile *p = c->prof;
	const struct tcp_opts *o = &s->opts;
	uint16_t peer_mss = (o->flags & TCP_OPTF_MSS) ? o->mss : TCP_MSS_DEFAULT;
	c->peer_mss = peer_mss;
	c->flags &= ~(uint32_t)(TF_WS | TF_SACK | TF_TS);
	/* What we offer (active) or accept (passive): the profile's, less what proxy_options
	 * left out; a SYN-ACK's option we did not offer is not taken (RFC 7323 2.2, RFC 2018 2). */
	if ((c->syn_offer & TCP_OPTF_WSCALE) && (o->flags & TCP_OPTF_WSCALE)) {
		c->flags |= TF_WS;
		c->snd_wscale = o->wscale;
	} else {
		c->snd_wscale = 0;
		/* Without scaling we can offer 64 KB at most. */
		c->rcv_wscale = 0;
	}
	if ((c->syn_offer & TCP_OPTF_SACK_PERM) && (o->flags & TCP_OPTF_SACK_PERM))
		c->flags |= TF_SACK;
	if ((c->syn_offer & TCP_OPTF_TS) && (o->flags & TCP_OPTF_TS)) {
		c->flags |= TF_TS;
		c->ts_recent = o->ts_val;
	}
	/* RFC 3168 6.1.1: an ECN-setup SYN has ECE and CWR; an ECN-setup SYN-ACK has ECE and
	 * not CWR, and answers only a SYN that offered ECN (TF_ECN still set: a retransmitted
	 * SYN went without the offer, as Linux's tcp_ecn_fallback does). */
	uint8_t ecn_bits = s->flags & (RTE_TCP_ECE_FLAG | RTE_TCP_CWR_FLAG);
	bool ecn_ok = active ? (c->flags & TF_ECN) && ecn_bits == RTE_TCP_ECE_FLAG
	                     : p->ecn && ecn_bits == (RTE_TCP_ECE_FLAG | RTE_TCP_CWR_FLAG);
	c->flags &= ~(uint32_t)TF_ECN;
	if (ecn_ok)
		c->flags |= TF_ECN;
	/* The leg's MSS bounds both ways, as a clamp on the SYN and SYN-ACK would. */
	uint16_t mss = peer_mss < c->rcv_mss ? peer_mss : c->rcv_mss;
	/* Payload per segment leaves room for the timestamp option (as Linux's mss_cache). */
	if (c->flags & TF_TS)
		mss = (uint16_t)(mss - 12);
	if (mss < TCP_MSS_MIN)
		mss = TCP_MSS_MIN;
	c->smss = mss;
	tcp_cc_set_smss(&c->cc, mss);
	tcp_metrics_start(c);
	/* Holes: at most every other segment of a full send buffer is missing. */
	tcp_sack_sb_set_cap(&c->sb, p->send_buffer / (2u * mss) + 1);
}

struct tcp_conn *tcp_conn_take_syn(struct tcp_engine *e, const struct tcp_leg_params *leg,
                                   struct rte_mbuf *syn, uint64_t now_us)
{
	struct tcp_seg s;
	/* Refused, not dropped: the SYN stays the caller's, who decides what becomes of it. */
	if (tcp_parse_segment(syn, &s) != 0 ||
	    (s.flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG |
	                RTE_TCP_FIN_FLAG)) != RTE_TCP_SYN_FLAG) {
		rte_errno = EBADMSG;
		return NULL;
	}
	struct tcp_tuple t = {
	        .laddr = s.daddr, .raddr = s.saddr, .lport = s.dport, .rport = s.sport};
	e->now_us = now_us;
	struct tcp_conn *c = tcp_conn_alloc(e, leg, &t, now_us);
	if (c == NULL)
		return NULL;
	e->cnt[TCP_CNT_segs_in]++;
	c->segs_in++;
	c->irs = s.seq;
	c->rcv_nxt = s.seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->snd_wnd = s.wnd; /* RFC 7323 2.2: a SYN's window is not scaled */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s.seq;
	c->snd_wl2 = c->iss;
	take_syn_options(c, &s, false);
	c->state = TCP_SYN_RCVD;
	c->flags |= TF_SYNACK_DEFER;
	return c;
}

struct tcp_conn *tcp_conn_listen(struct tcp_engine *e, const struct tcp_leg_params *leg,
                                 struct rte_mbuf *syn, bool defer, uint64_t now_us)
{
	if (e == NULL || leg == NULL || syn == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct tcp_conn *c = tcp_conn_take_syn(e, leg, syn, now_us);
	if (c == NULL)
		return NULL;
	rte_pktmbuf_free(syn);
	if (!defer)
		tcp_conn_answer_syn(c, now_us);
	return c;
}

/* RFC 9293 3.10.7.3: SYN-SENT. Returns false to drop. */
static bool input_syn_sent(struct tcp_conn *c, const struct tcp_seg *s, struct rte_mbuf *m,
                           uint64_t now_us)
{
	bool ack = s->flags & RTE_TCP_ACK_FLAG;
	if (ack && (tcp_seq_leq(s->ack, c->iss) || tcp_seq_gt(s->ack, c->snd_max))) {
		tcp_count(c, TCP_CNT_drop_bad_ack);
		if (!(s->flags & RTE_TCP_RST_FLAG))
			tcp_send_rst(c, s->ack, 0, false, now_us);
		return false;
	}
	if (s->flags & RTE_TCP_RST_FLAG) {
		/* RFC 5961 3.2 / RFC 9293: only an RST that acknowledges our SYN counts. */
		if (ack) {
			tcp_count(c, TCP_CNT_resets_in);
			tcp_conn_close(c, TCP_EV_RESET);
		} else {
			tcp_count(c, TCP_CNT_drop_rst_unacceptable);
		}
		return false;
	}
	if (!(s->flags & RTE_TCP_SYN_FLAG)) {
		tcp_count(c, TCP_CNT_drop_no_syn);
		return false;
	}
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	take_syn_options(c, s, true);
	if (!(c->flags & TF_WS))
		c->rcv_wscale = 0;
	c->snd_wnd = s->wnd;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	if (ack) {
		c->snd_una = s->ack;
		c->sb.snd_una = s->ack;
		c->sb.high_rxt = s->ack;
		uint32_t rtt_us = 0;
		if ((c->flags & TF_RTT_TIMING) && c->syn_tries == 0) {
			rtt_us = (uint32_t)(now_us - c->rtt_start_us) ?: 1;
			tcp_rto_sample(&c->rto, rtt_us);
		}
		c->flags &= ~TF_RTT_TIMING;
		tcp_timer_stop(c, TCP_T_REXMT);
		if (c->syn_tries > 0) {
			/* RFC 6298 5.7 / RFC 5681 3.1: a lost SYN means cwnd = 1 SMSS. */
			tcp_cc_on_syn_loss(&c->cc);
		}
		tcp_cc_on_established(&c->cc, rtt_us, now_us);
		tcp_set_state(c, TCP_ESTABLISHED, now_us);
		c->flags |= TF_ACKNOW;
		tcp_event(c, TCP_EV_ESTABLISHED);
		if (c->flags & TF_FREE) {
			/* Closed from the callback: data on the SYN-ACK has nobody to go to. */
			if (s->len > 0 || (s->flags & RTE_TCP_FIN_FLAG))
				tcp_count(c, TCP_CNT_drop_conn_closed);
			return false;
		}
		if (s->len > 0 || (s->flags & RTE_TCP_FIN_FLAG)) {
			/* Data on a SYN-ACK: keep it (past the SYN's sequence number). */
			struct tcp_seg d = *s;
			d.seq = s->seq + 1;
			d.flags &= (uint8_t)~RTE_TCP_SYN_FLAG;
			rte_pktmbuf_adj(m, s->hdr_len);
			process_data(c, &d, m, now_us);
			tcp_output(c, now_us);
			return true; /* m consumed */
		}
		tcp_output(c, now_us);
		return false;
	}
	/* Simultaneous open (RFC 9293 3.5 figure 7): SYN-RCVD, SYN-ACK with our ISS. */
	c->state = TCP_SYN_RCVD;
	tcp_send_syn(c, true, now_us);
	tcp_arm_rexmt(c, now_us);
	return false;
}

/* RFC 9293 3.10.7.4 first: is the segment acceptable? */
static bool seq_acceptable(const struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t wnd = tcp_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t seglen = s->len + ((s->flags & RTE_TCP_SYN_FLAG) ? 1 : 0) +
	                  ((s->flags & RTE_TCP_FIN_FLAG) ? 1 : 0);
	if (seglen == 0) {
		if (wnd == 0)
			return s->seq == c->rcv_nxt;
		return tcp_seq_in(s->seq, c->rcv_nxt, c->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	return tcp_seq_in(s->seq, c->rcv_nxt, c->rcv_nxt + wnd) ||
	       tcp_seq_in(s->seq + seglen - 1, c->rcv_nxt, c->rcv_nxt + wnd);
}

/* An unacceptable segment that lies wholly before RCV.NXT: an old duplicate, not an attack. */
static bool seq_old(const struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t seglen = s->len + ((s->flags & RTE_TCP_SYN_FLAG) ? 1 : 0) +
	                  ((s->flags & RTE_TCP_FIN_FLAG) ? 1 : 0);
	return tcp_seq_lt(s->seq, c->rcv_nxt) && tcp_seq_leq(s->seq + seglen, c->rcv_nxt);
}

/*
 * The user closed the connection from an event callback while the segment was processed:
 * its ACK counted, whatever data or FIN it carried has nobody to go to.
 */
static int closed_by_user(struct tcp_conn *c, const struct tcp_seg *s, struct rte_mbuf *m)
{
	if (s->len > 0 || (s->flags & RTE_TCP_FIN_FLAG))
		tcp_count(c, TCP_CNT_drop_conn_closed);
	rte_pktmbuf_free(m);
	return 0;
}

static int input(struct tcp_conn *c, struct rte_mbuf *m, uint64_t now_us)
{
	struct tcp_seg s;
	bool acked_new = false;
	int drop = tcp_parse_segment(m, &s);
	if (drop != 0) {
		/* The caller counts the returned reason: not counted here as well. */
		rte_pktmbuf_free(m);
		return drop;
	}
	tcp_count(c, TCP_CNT_segs_in);
	if (s.opts.ignored & TCP_OPT_IGN_BAD_LEN)
		tcp_count(c, TCP_CNT_opt_bad_length);
	if (s.opts.ignored & TCP_OPT_IGN_SYN_ONLY)
		tcp_count(c, TCP_CNT_opt_syn_only);
	c->segs_in++;
	c->last_rx_us = now_us;
	c->keep_probes = 0;

	switch (c->state) {
	case TCP_CLOSED:
	case TCP_LISTEN:
		tcp_count(c, TCP_CNT_drop_conn_closed);
		rte_pktmbuf_free(m);
		return 0;
	case TCP_SYN_SENT:
		if (!input_syn_sent(c, &s, m, now_us))
			rte_pktmbuf_free(m);
		return 0;
	default:
		break;
	}

	/* A duplicate of the SYN we are answering: answer again, never with RST. */
	if (c->state == TCP_SYN_RCVD && (s.flags & RTE_TCP_SYN_FLAG) &&
	    !(s.flags & RTE_TCP_ACK_FLAG) && s.seq == c->irs) {
		if (!(c->flags & TF_SYNACK_DEFER))
			tcp_send_syn(c, true, now_us);
		rte_pktmbuf_free(m);
		return 0;
	}

	/* RFC 7323 5.3 PAWS. */
	if ((c->flags & TF_TS) && (s.opts.flags & TCP_OPTF_TS) && !(s.flags & RTE_TCP_RST_FLAG) &&
	    ts_older(s.opts.ts_val, c->ts_recent)) {
		if (now_us - c->ts_recent_us > TCP_PAWS_IDLE_US) {
			/* RFC 7323 5.5: ts_recent is too old to judge by. */
			c->ts_recent = s.opts.ts_val;
		} else {
			tcp_count(c, TCP_CNT_drop_paws);
			if (s.len)
				tcp_sack_rcv_dup(&c->sr, s.seq, s.seq + s.len);
			tcp_send_ack(c, now_us);
			rte_pktmbuf_free(m);
			return 0;
		}
	}

	if (!seq_acceptable(c, &s)) {
		tcp_count(c, seq_old(c, &s) ? TCP_CNT_drop_duplicate : TCP_CNT_drop_out_of_window);
		if (!(s.flags & RTE_TCP_RST_FLAG)) {
			if (s.len && tcp_seq_lt(s.seq, c->rcv_nxt))
				tcp_sack_rcv_dup(&c->sr, s.seq,
				                 tcp_seq_min(s.seq + s.len, c->rcv_nxt));
			/* RFC 5961 5: ACKs to out-of-window segments share the limit. */
			if (s.flags & RTE_TCP_SYN_FLAG)
				tcp_send_challenge_ack(c, now_us);
			else
				tcp_send_ack(c, now_us);
			/* RFC 9293 3.10.7.4: a retransmitted FIN in TIME-WAIT (old by now, so
			 * here) restarts the 2 MSL wait. */
			if (c->state == TCP_TIME_WAIT && (s.flags & RTE_TCP_FIN_FLAG))
				tcp_set_state(c, TCP_TIME_WAIT, now_us);
		}
		rte_pktmbuf_free(m);
		return 0;
	}

	if (s.flags & RTE_TCP_RST_FLAG) {
		/* RFC 5961 3.2: exactly RCV.NXT resets; elsewhere in the window: challenge. */
		if (s.seq == c->rcv_nxt) {
			tcp_count(c, TCP_CNT_resets_in);
			tcp_conn_close(c, c->state == TCP_TIME_WAIT ? TCP_EV_CLOSED : TCP_EV_RESET);
		} else {
			tcp_count(c, TCP_CNT_drop_rst_unacceptable);
			tcp_send_challenge_ack(c, now_us);
		}
		rte_pktmbuf_free(m);
		return 0;
	}

	if (s.flags & RTE_TCP_SYN_FLAG) {
		/* RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK. */
		tcp_count(c, TCP_CNT_drop_syn_synchronized);
		tcp_send_challenge_ack(c, now_us);
		rte_pktmbuf_free(m);
		return 0;
	}

	if (!(s.flags & RTE_TCP_ACK_FLAG)) {
		tcp_count(c, TCP_CNT_drop_no_ack);
		rte_pktmbuf_free(m);
		return 0;
	}

	update_ts_recent(c, &s, now_us);
	if (c->flags & TF_ECN)
		ecn_receive(c, &s);

	if (c->state == TCP_SYN_RCVD) {
		if (tcp_seq_leq(s.ack, c->snd_una) || tcp_seq_gt(s.ack, c->snd_max)) {
			tcp_count(c, TCP_CNT_drop_bad_ack);
			tcp_send_rst(c, s.ack, 0, false, now_us);
			rte_pktmbuf_free(m);
			return 0;
		}
		uint32_t rtt_us = 0;
		if ((c->flags & TF_RTT_TIMING) && c->syn_tries == 0) {
			rtt_us = (uint32_t)(now_us - c->rtt_start_us) ?: 1;
			tcp_rto_sample(&c->rto, rtt_us);
		}
		tcp_cc_on_established(&c->cc, rtt_us, now_us);
		c->flags &= ~TF_RTT_TIMING;
		c->snd_una = s.ack;
		c->sb.snd_una = s.ack;
		c->sb.high_rxt = s.ack;
		tcp_timer_stop(c, TCP_T_REXMT);
		c->snd_wnd = (uint32_t)s.wnd << c->snd_wscale;
		c->max_snd_wnd = c->snd_wnd;
		c->snd_wl1 = s.seq;
		c->snd_wl2 = s.ack;
		bool fin_queued = c->flags & TF_FIN_QUEUED;
		tcp_set_state(c, fin_queued ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED, now_us);
		if (fin_queued)
			tcp_arm_keep(c, now_us);
		tcp_event(c, TCP_EV_ESTABLISHED);
		if (c->flags & TF_FREE)
			return closed_by_user(c, &s, m);
	} else if (!process_ack(c, &s, &acked_new, now_us)) {
		/* Refused (counted there), or the ACK of our FIN in LAST-ACK closed us. */
		rte_pktmbuf_free(m);
		return 0;
	}
	update_window(c, &s, now_us);
	if (acked_new) {
		tcp_event(c, TCP_EV_SENT_ACKED);
		if (c->flags & TF_FREE)
			return closed_by_user(c, &s, m);
	}

	if (c->state == TCP_TIME_WAIT) {
		/* RFC 9293 3.10.7.4: a retransmitted FIN is ACKed and restarts 2 MSL. */
		if (s.flags & RTE_TCP_FIN_FLAG) {
			tcp_send_ack(c, now_us);
			tcp_set_state(c, TCP_TIME_WAIT, now_us);
		}
		if (s.len > 0)
			tcp_count(c, TCP_CNT_drop_data_after_fin);
		rte_pktmbuf_free(m);
		return 0;
	}

	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
		if (s.len > 0 || (s.flags & RTE_TCP_FIN_FLAG)) {
			rte_pktmbuf_adj(m, s.hdr_len);
			process_data(c, &s, m, now_us);
			m = NULL;
		}
		break;
	default:
		/* CLOSE-WAIT, CLOSING, LAST-ACK: the peer already finished; re-ACK a FIN. */
		if (s.flags & RTE_TCP_FIN_FLAG)
			c->flags |= TF_ACKNOW;
		if (s.len > 0)
			tcp_count(c, TCP_CNT_drop_data_after_fin);
		break;
	}
	if (m != NULL)
		rte_pktmbuf_free(m);
	if (c->flags & TF_FREE)
		return 0;
	tcp_output(c, now_us);
	return 0;
}

int tcp_conn_input(struct tcp_conn *c, struct rte_mbuf *m, uint64_t now_us)
{
	if (c->flags & TF_FREE) {
		tcp_count(c, TCP_CNT_drop_conn_closed);
		rte_pktmbuf_free(m);
		return 0;
	}
	c->eng->now_us = now_us;
	int r = input(c, m, now_us);
	tcp_finish(c);
	return r;
}
