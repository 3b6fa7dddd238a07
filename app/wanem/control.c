/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wanem's control channel: a UNIX stream socket with a line protocol, one command per line,
 * each answer ending with a line "ok" or "error: <why>":
 *
 *   set LINK DIR KEY VALUE [KEY VALUE]...   DIR = a2b | b2a | both; keys as in the JSON file
 *   down LINK DIR / up LINK DIR             blackhole a direction, or lift it
 *   show [LINK]                             parameters, one line per direction
 *   stats [LINK]                            counters, one line per direction (key=value)
 *   counter_help                            each stats key: KEY KIND HELP, one per line
 *   help
 *
 * The thread never touches an engine: it keeps its own copy of each direction's parameters,
 * posts the new ones to the mailbox and waits until the data path applied them.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "params.h"
#include "wanem_app.h"

#define CTL_LINE_MAX  1024
#define CTL_OUT_MAX   16384
#define CTL_WAIT_US   2000000 /* the data path serves a request within one loop iteration */
#define CTL_MAX_WORDS 64

static pthread_t ctl_thread;
static bool ctl_running;

static void outf(char *out, size_t outlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void outf(char *out, size_t outlen, const char *fmt, ...)
{
	size_t used = strlen(out);
	va_list ap;

	if (used + 1 >= outlen)
		return;
	va_start(ap, fmt);
	vsnprintf(out + used, outlen - used, fmt, ap);
	va_end(ap);
}

/* Post the mailbox request already filled in and wait for the data path. */
static int post(struct wanem_app *app)
{
	struct wanem_ctl_mailbox *mb = &app->mb;

	__atomic_store_n(&mb->state, 1, __ATOMIC_RELEASE);
	for (unsigned int waited = 0; waited < CTL_WAIT_US; waited += 100) {
		if (__atomic_load_n(&mb->state, __ATOMIC_ACQUIRE) == 2) {
			int rc = mb->result;
			__atomic_store_n(&mb->state, 0, __ATOMIC_RELEASE);
			return rc;
		}
		rte_delay_us_sleep(100);
	}
	/* The data path will still serve it; the next post waits for state 0 again. */
	return -ETIMEDOUT;
}

static int wait_free(struct wanem_app *app)
{
	for (unsigned int waited = 0; waited < CTL_WAIT_US; waited += 100) {
		uint32_t s = __atomic_load_n(&app->mb.state, __ATOMIC_ACQUIRE);
		if (s == 0)
			return 0;
		if (s == 2) { /* a timed-out request finished late */
			__atomic_store_n(&app->mb.state, 0, __ATOMIC_RELEASE);
			return 0;
		}
		rte_delay_us_sleep(100);
	}
	return -ETIMEDOUT;
}

static int parse_dir(const char *s, unsigned int *mask)
{
	if (strcmp(s, "a2b") == 0)
		*mask = 1u << WANEM_A2B;
	else if (strcmp(s, "b2a") == 0)
		*mask = 1u << WANEM_B2A;
	else if (strcmp(s, "both") == 0)
		*mask = (1u << WANEM_A2B) | (1u << WANEM_B2A);
	else
		return -EINVAL;
	return 0;
}

static void show_dir(struct wanem_app *app, unsigned int i, int d, char *out, size_t outlen)
{
	struct wanem_params params, *p = &params;

	wanem_app_params(&app->ctl_dirs[i][d], p, NULL); /* every set was converted once */

	outf(out, outlen,
	     "%s %s rate_mbps=%.6g burst_bytes=%u queue_bytes=%u delay_ms=%.3f jitter_ms=%.3f "
	     "jitter_distribution=%s jitter_keeps_order=%s loss_model=%s loss=%.6g ge_p=%.6g "
	     "ge_r=%.6g loss_bad=%.6g loss_good=%.6g duplicate=%.6g reorder=%.6g "
	     "reorder_delay_ms=%.3f mtu=%u mtu_action=%s down=%s\n",
	     app->cfg->links[i].name, wanem_dir_name(d), (double)p->rate_bps / 1e6, p->burst_bytes,
	     p->queue_bytes, p->delay_us / 1e3, p->jitter_us / 1e3,
	     p->jitter_dist == WANEM_JITTER_UNIFORM ? "uniform" : "normal",
	     p->jitter_keeps_order ? "true" : "false",
	     p->loss_model == WANEM_LOSS_RANDOM ? "random" : "gilbert_elliott", p->loss, p->ge_p,
	     p->ge_r, p->loss_bad, p->loss_good, p->duplicate, p->reorder,
	     p->reorder_delay_us / 1e3, p->mtu, p->mtu_action == WANEM_MTU_DROP ? "drop" : "icmp",
	     p->down ? "true" : "false");
}

static void stats_dir(struct wanem_app *app, unsigned int i, int d, char *out, size_t outlen)
{
	const struct wanem_ctl_dir_snapshot *s = &app->mb.snap[i][d];

	outf(out, outlen, "%s %s", app->cfg->links[i].name, wanem_dir_name(d));
	for (int c = 0; c < WANEM_C_MAX; c++)
		outf(out, outlen, " %s=%" PRIu64, wanem_counter_name(c), s->engine.c[c]);
	outf(out, outlen,
	     " queue_packets=%" PRIu64 " queue_bytes=%" PRIu64 " delay_line_packets=%" PRIu64,
	     s->engine.queue_packets, s->engine.queue_bytes, s->engine.delay_line_packets);
	for (int c = 0; c < WANEM_APP_C_MAX; c++)
		outf(out, outlen, " %s=%" PRIu64, wanem_app_counter_descs()[c].name, s->app.c[c]);
	outf(out, outlen, "\n");
}

/* counter_help: one line per key of stats, "KEY KIND HELP" (gauges are of kind gauge). */
static void counter_help(char *out, size_t outlen)
{
	static const char *const gauges[][2] = {
	        {"queue_packets", "packets in the bottleneck FIFO now"},
	        {"queue_bytes", "frame bytes in the bottleneck FIFO now"},
	        {"delay_line_packets", "packets in the delay line now"},
	};
	for (int c = 0; c < WANEM_C_MAX; c++)
		outf(out, outlen, "%s %s %s\n", wanem_counter_descs()[c].name,
		     stat_kind_name(wanem_counter_descs()[c].kind), wanem_counter_descs()[c].help);
	for (unsigned int g = 0; g < RTE_DIM(gauges); g++)
		outf(out, outlen, "%s gauge %s\n", gauges[g][0], gauges[g][1]);
	for (int c = 0; c < WANEM_APP_C_MAX; c++)
		outf(out, outlen, "%s %s %s\n", wanem_app_counter_descs()[c].name,
		     stat_kind_name(wanem_app_counter_descs()[c].kind),
		     wanem_app_counter_descs()[c].help);
	outf(out, outlen, "ok\n");
}

void wanem_ctl_execute(struct wanem_app *app, char *line, char *out, size_t outlen)
{
	char *w[CTL_MAX_WORDS], *save = NULL;
	unsigned int nw = 0, mask = 0;
	int link = -1;

	out[0] = '\0';
	for (char *t = strtok_r(line, " \t\r\n", &save); t != NULL && nw < CTL_MAX_WORDS;
	     t = strtok_r(NULL, " \t\r\n", &save))
		w[nw++] = t;
	if (nw == 0) {
		outf(out, outlen, "error: empty command (try help)\n");
		return;
	}
	if (strcmp(w[0], "counter_help") == 0) {
		counter_help(out, outlen);
		return;
	}
	if (nw >= 2 && strcmp(w[0], "help") != 0) {
		link = wanem_config_find_link(app->cfg, w[1]);
		if (link < 0) {
			outf(out, outlen, "error: no link \"%s\"\n", w[1]);
			return;
		}
	}
	if (strcmp(w[0], "help") == 0) {
		outf(out, outlen,
		     "set LINK a2b|b2a|both KEY VALUE [KEY VALUE]...\n"
		     "down LINK a2b|b2a|both\nup LINK a2b|b2a|both\nshow [LINK]\nstats [LINK]\n"
		     "counter_help\n"
		     "keys:");
		for (int k = 0; wanem_config_set_keys[k] != NULL; k++)
			outf(out, outlen, " %s", wanem_config_set_keys[k]);
		outf(out, outlen, "\nok\n");
	} else if (strcmp(w[0], "show") == 0 || strcmp(w[0], "stats") == 0) {
		bool stats = w[0][1] == 't';
		if (nw > 2) {
			outf(out, outlen, "error: usage: %s [LINK]\n", w[0]);
			return;
		}
		if (stats) {
			if (wait_free(app) < 0) {
				outf(out, outlen, "error: data path busy\n");
				return;
			}
			app->mb.op = WANEM_CTL_STATS;
			if (post(app) < 0) {
				outf(out, outlen, "error: data path did not answer\n");
				return;
			}
		}
		for (unsigned int i = 0; i < app->cfg->n_links; i++)
			for (int d = 0; d < WANEM_NB_DIRS; d++)
				if (link < 0 || (unsigned int)link == i)
					(stats ? stats_dir : show_dir)(app, i, d, out, outlen);
		outf(out, outlen, "ok\n");
	} else if (strcmp(w[0], "set") == 0 || strcmp(w[0], "down") == 0 ||
	           strcmp(w[0], "up") == 0) {
		bool set = w[0][0] == 's';
		struct wanem_cfg_dir nd[WANEM_NB_DIRS];
		struct wanem_params np[WANEM_NB_DIRS];
		int rc;

		if (nw < 3 || parse_dir(w[2], &mask) < 0 || (set && (nw < 5 || (nw - 3) % 2)) ||
		    (!set && nw != 3)) {
			outf(out, outlen, "error: usage: %s\n",
			     set ? "set LINK a2b|b2a|both KEY VALUE [KEY VALUE]..."
			         : "down|up LINK a2b|b2a|both");
			return;
		}
		for (int d = 0; d < WANEM_NB_DIRS; d++) {
			const char *why;
			nd[d] = app->ctl_dirs[link][d];
			if (!(mask & (1u << d))) {
				wanem_app_params(&nd[d], &np[d], NULL);
				continue;
			}
			if (!set)
				nd[d].down = w[0][0] == 'd';
			for (unsigned int k = 3; set && k + 1 < nw; k += 2) {
				if (wanem_config_set_key(&nd[d], w[k], w[k + 1], &why) < 0) {
					outf(out, outlen, "error: %s %s: %s\n", w[k], w[k + 1],
					     why);
					return;
				}
			}
			if (wanem_app_params(&nd[d], &np[d], &why) < 0) {
				outf(out, outlen, "error: %s: %s\n", wanem_dir_name(d), why);
				return;
			}
		}
		if (wait_free(app) < 0) {
			outf(out, outlen, "error: data path busy\n");
			return;
		}
		app->mb.op = WANEM_CTL_SET;
		app->mb.link = (unsigned int)link;
		app->mb.dir_mask = mask;
		memcpy(app->mb.params, np, sizeof(np));
		rc = post(app);
		if (rc < 0) {
			outf(out, outlen, "error: not applied: %s\n", strerror(-rc));
			return;
		}
		memcpy(app->ctl_dirs[link], nd, sizeof(nd));
		outf(out, outlen, "ok\n");
	} else {
		outf(out, outlen, "error: unknown command \"%s\" (try help)\n", w[0]);
	}
}

/* Clients are served one at a time: one silent this long is dropped so others get a turn. */
#define CTL_IDLE_MS 5000
#define CTL_POLL_MS 200

/* Serve one client until it closes; lines longer than CTL_LINE_MAX are refused. */
static void serve_client(struct wanem_app *app, int fd)
{
	static char out[CTL_OUT_MAX];
	char buf[CTL_LINE_MAX];
	size_t have = 0;
	unsigned int idle_ms = 0;

	while (!__atomic_load_n(&app->quit, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t r;
		char *nl;

		if (poll(&pfd, 1, CTL_POLL_MS) <= 0) {
			idle_ms += CTL_POLL_MS;
			if (idle_ms >= CTL_IDLE_MS)
				return;
			continue;
		}
		idle_ms = 0;
		r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r <= 0)
			return;
		have += (size_t)r;
		buf[have] = '\0';
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			size_t len = (size_t)(nl - buf) + 1;
			*nl = '\0';
			wanem_ctl_execute(app, buf, out, sizeof(out));
			if (write(fd, out, strlen(out)) < 0)
				return;
			memmove(buf, buf + len, have - len);
			have -= len;
		}
		if (have == sizeof(buf) - 1) {
			const char *e = "error: line too long\n";
			if (write(fd, e, strlen(e)) < 0)
				return;
			have = 0;
		}
	}
}

static void *ctl_main(void *arg)
{
	struct wanem_app *app = arg;

	while (!__atomic_load_n(&app->quit, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd = {.fd = app->ctl_fd, .events = POLLIN};
		int c;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		c = accept(app->ctl_fd, NULL, NULL);
		if (c < 0)
			continue;
		serve_client(app, c);
		close(c);
	}
	return NULL;
}

int wanem_ctl_start(struct wanem_app *app)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, rc;

	if (strlen(app->ctl_path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -errno;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", app->ctl_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(app->ctl_path); /* a stale socket of a previous run with the same file prefix */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		rc = -errno;
		close(fd);
		errno = -rc;
		return rc;
	}
	app->ctl_fd = fd;
	rc = rte_ctrl_thread_create(&ctl_thread, "wanem-ctl", NULL, ctl_main, app);
	if (rc != 0) {
		close(fd);
		app->ctl_fd = -1;
		errno = rc;
		return -rc;
	}
	ctl_running = true;
	return 0;
}

void wanem_ctl_stop(struct wanem_app *app)
{
	if (ctl_running) {
		__atomic_store_n(&app->quit, 1, __ATOMIC_RELEASE);
		pthread_join(ctl_thread, NULL);
		ctl_running = false;
	}
	if (app->ctl_fd >= 0) {
		close(app->ctl_fd);
		unlink(app->ctl_path);
		app->ctl_fd = -1;
	}
}
