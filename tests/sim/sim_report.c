/* SPDX-License-Identifier: BSD-3-Clause */
/* sim results: totals, the end-of-run checks, the per-interval trace and the summary line. */
#include <errno.h>
#include <string.h>

#include "sim_private.h"

void sim_get_totals(const struct sim *s, struct sim_totals *t)
{
	*t = s->tot;
}

double sim_goodput_bps(const struct sim *s)
{
	uint64_t us = s->tot.last_up_us - s->tot.first_start_us;
	return us > 0 ? (double)s->tot.bytes_up * 8 / ((double)us / 1e6) : 0;
}

int sim_verify(const struct sim *s, FILE *err)
{
	const struct sim_totals *t = &s->tot;
	int ok = 1;
	if (t->flows_open || t->flows_failed || t->flows_completed != t->flows_opened) {
		fprintf(err, "sim: %llu of %llu flows completed, %llu failed, %llu still open\n",
		        (unsigned long long)t->flows_completed, (unsigned long long)t->flows_opened,
		        (unsigned long long)t->flows_failed, (unsigned long long)t->flows_open);
		ok = 0;
	}
	if (t->corrupt) {
		fprintf(err, "sim: %llu flows received data that differs from what was sent\n",
		        (unsigned long long)t->corrupt);
		ok = 0;
	}
	if (t->bad_csum) {
		fprintf(err, "sim: %llu segments with a bad TCP checksum\n",
		        (unsigned long long)t->bad_csum);
		ok = 0;
	}
	bool open = false;
	for (unsigned int i = 0; i < s->n_links; i++)
		open |= wanem_next_event_us(s->links[i]->w) != UINT64_MAX;
	for (unsigned int i = 0; i < s->n_nodes; i++) {
		struct tcp_engine *e = sim_tcp_engine(s->nodes[i]);
		uint32_t left = e ? tcp_engine_conns_in_use(e) : 0;
		if (left) {
			struct tcp_engine_summary es;
			tcp_engine_get_summary(e, &es);
			fprintf(err,
			        "sim: %s still holds %u connections (%u established, %u "
			        "time-wait)\n",
			        s->nodes[i]->name, left, es.by_state[TCP_ESTABLISHED],
			        es.by_state[TCP_TIME_WAIT]);
			ok = 0;
			open = true;
		}
	}
	if (!open && sim_mbufs_in_use(s) > 0) {
		fprintf(err,
		        "sim: %u mbufs still held with no connection and no packet in flight\n",
		        sim_mbufs_in_use(s));
		ok = 0;
	}
	return ok ? 0 : -1;
}

static void trace_line(struct sim *s, void *arg)
{
	struct tcp_conn *c = sim_trace_sender(s);
	uint64_t bytes = s->tot.bytes_up - s->trace.last_bytes;
	s->trace.last_bytes = s->tot.bytes_up;
	if (c != NULL) {
		struct tcp_conn_info i;
		char line[512];
		uint64_t queue = 0;
		if (s->trace.queue_of != NULL) {
			struct wanem_stats ws;
			wanem_stats_get(s->trace.queue_of->link[0]->w, &ws);
			queue = ws.queue_bytes;
		}
		tcp_conn_get_info(c, &i);
		tcp_conn_info_format(&i, line, sizeof(line));
		fprintf(s->trace.out,
		        "trace t_s=%.3f goodput_mbps=%.3f cwnd_bytes=%u ssthresh_bytes=%u "
		        "srtt_ms=%.1f rto_ms=%.0f in_flight=%u retransmits=%llu queue_bytes=%llu | "
		        "%s\n",
		        (double)s->now / 1e6, (double)bytes * 8 / (double)s->trace.interval_us,
		        i.cwnd, i.ssthresh, i.srtt_us / 1e3, i.rto_us / 1e3, i.bytes_in_flight,
		        (unsigned long long)i.retransmits, (unsigned long long)queue, line);
	}
	sim_at(s, s->now + s->trace.interval_us, trace_line, arg);
}

int sim_trace(struct sim *s, uint64_t interval_us, const struct sim_path *queue_of, FILE *out)
{
	if (interval_us == 0 || out == NULL)
		return -EINVAL;
	s->trace.interval_us = interval_us;
	s->trace.queue_of = queue_of;
	s->trace.out = out;
	s->trace.last_bytes = s->tot.bytes_up;
	return sim_at(s, s->now + interval_us, trace_line, NULL);
}

static uint64_t counter_sum(const struct sim *s, enum tcp_engine_counter c)
{
	uint64_t sum = 0;
	for (unsigned int i = 0; i < s->n_nodes; i++) {
		struct tcp_engine *e = sim_tcp_engine(s->nodes[i]);
		if (e != NULL)
			sum += tcp_engine_counter(e, c);
	}
	return sum;
}

void sim_summary(const struct sim *s, FILE *out, bool ok, const char *label,
                 const struct sim_path *wan, double cpu_s)
{
	const struct sim_totals *t = &s->tot;
	struct sim_link_stats ws;
	memset(&ws, 0, sizeof(ws));
	if (wan != NULL)
		sim_path_get_stats(wan, &ws);
	fprintf(out,
	        "summary ok=%d %s flows=%llu/%llu bytes_up=%llu bytes_down=%llu transfer_s=%.3f "
	        "goodput_mbps=%.4f retransmits=%llu rto=%llu fast_retransmits=%llu "
	        "spurious_rto=%llu segments=%llu loss_drops=%llu queue_drops=%llu "
	        "gw_max_buffered=%u cpu_s=%.2f\n",
	        ok, label ? label : "", (unsigned long long)t->flows_completed,
	        (unsigned long long)t->flows_opened, (unsigned long long)t->bytes_up,
	        (unsigned long long)t->bytes_down,
	        (double)(t->last_up_us - t->first_start_us) / 1e6, sim_goodput_bps(s) / 1e6,
	        (unsigned long long)counter_sum(s, TCP_CNT_retransmits),
	        (unsigned long long)counter_sum(s, TCP_CNT_rto_expired),
	        (unsigned long long)counter_sum(s, TCP_CNT_fast_retransmits),
	        (unsigned long long)counter_sum(s, TCP_CNT_spurious_rto),
	        (unsigned long long)ws.data_in, (unsigned long long)ws.wanem.c[WANEM_C_drop_loss],
	        (unsigned long long)ws.wanem.c[WANEM_C_drop_queue_full], t->gw_max_buffered, cpu_s);
}

void sim_print_counters(const struct sim *s, FILE *out)
{
	for (int k = 0; k < TCP_CNT_MAX; k++) {
		fprintf(out, "counter %s", tcp_engine_counter_name(k));
		for (unsigned int i = 0; i < s->n_nodes; i++) {
			struct tcp_engine *e = sim_tcp_engine(s->nodes[i]);
			if (e != NULL)
				fprintf(out, " %s=%llu", s->nodes[i]->name,
				        (unsigned long long)tcp_engine_counter(e, k));
		}
		fputc('\n', out);
	}
	for (unsigned int i = 0; i < s->n_links; i++) {
		const struct sim_link *l = s->links[i];
		struct wanem_stats ws;
		wanem_stats_get(l->w, &ws);
		fprintf(out, "link %u %s.%u>%s.%u", i, l->path->from->name, l->path->from_port,
		        l->path->to->name, l->path->to_port);
		for (int c = 0; c < WANEM_C_MAX; c++)
			fprintf(out, " %s=%llu", wanem_counter_name(c),
			        (unsigned long long)ws.c[c]);
		fputc('\n', out);
	}
}
