/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK's log under systemd. EAL's default log stream writes every message to stderr and to
 * syslog, so a service whose stderr is the journal would store each EAL line twice, the stderr
 * copy at level info whatever its real level. When stderr is the journal stream
 * ($JOURNAL_STREAM holds its "device:inode", systemd.exec(5)) the log goes to stderr only, each
 * line prefixed with its syslog priority "<N>", which journald reads and strips
 * (SyslogLevelPrefix=, on by default): one copy, filterable with journalctl -p.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_log.h>

#include "journal.h"

/* rte_log levels are syslog priorities plus one (RTE_LOG_EMERG = 1, LOG_EMERG = 0). */
static int journal_priority(void)
{
	int level = rte_log_cur_msg_loglevel();
	if (level < (int)RTE_LOG_EMERG || level > (int)RTE_LOG_DEBUG)
		return 6; /* LOG_INFO: a write outside rte_log() (a dump to the log stream) */
	return level - 1;
}

static ssize_t journal_write(void *cookie, const char *buf, size_t size)
{
	int prio = journal_priority();
	size_t off = 0;
	(void)cookie;
	/* One prefix per line: journald reads a priority only at the start of a line. */
	while (off < size) {
		const char *nl = memchr(buf + off, '\n', size - off);
		size_t len = nl != NULL ? (size_t)(nl - (buf + off)) + 1 : size - off;
		if (dprintf(STDERR_FILENO, "<%d>%.*s", prio, (int)len, buf + off) < 0)
			return -1;
		off += len;
	}
	return (ssize_t)size;
}

/* True when $JOURNAL_STREAM names the file stderr is (not merely inherited from a parent). */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	uintmax_t dev, ino;
	struct stat st;
	if (env == NULL || sscanf(env, "%ju:%ju", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

bool gw_journal_log_init(void)
{
	static const cookie_io_functions_t funcs = {.write = journal_write};
	if (!stderr_is_journal())
		return false;
	FILE *f = fopencookie(NULL, "w", funcs);
	if (f == NULL)
		return false;
	/* Line-buffered: each line reaches journal_write whole, so it gets its prefix at its start
	 * (rte_vlog also flushes after every message). */
	setvbuf(f, NULL, _IOLBF, 0);
	return rte_openlog_stream(f) == 0;
}
