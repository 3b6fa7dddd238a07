/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every library logs through its own rte_log type, pepgw.<library>, so that an operator turns
 * one library's debug messages on with EAL's --log-level=pepgw.tcp:debug: the types exist under
 * those names, the command-line level reaches them, and a level set on a type decides what is
 * printed.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "bond_wire.h"
#include "flow.h"
#include "frag.h"
#include "mss.h"
#include "net_arp.h"
#include "port.h"
#include "tcp.h"
#include "wanem.h"

/*
 * A library's log type is registered by a constructor in the object file that logs: keep one
 * function of each such file, so that the linker pulls those objects in as the apps do.
 */
static const void *volatile const linked[] = {
        (const void *)net_arp_tick,      (const void *)flow_table_create,
        (const void *)mss_clamp,         (const void *)frag_fragment,
        (const void *)tcp_engine_create, (const void *)wanem_params_init,
        (const void *)port_open,         (const void *)bond_result_name,
};

static const char *const types[] = {"pepgw.net", "pepgw.flow",  "pepgw.mss",  "pepgw.frag",
                                    "pepgw.tcp", "pepgw.wanem", "pepgw.port", "pepgw.bond"};

/* What rte_log_dump says about the log types, in a malloc'd string. */
static char *log_dump(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	rte_log_dump(f);
	fclose(f);
	return buf;
}

/* The level rte_log_dump gives type name ("id 42: pepgw.tcp, level is debug") into level;
 * false when the type is not registered. */
static bool level_of(const char *dump, const char *name, char *level, size_t n)
{
	char key[64];
	snprintf(key, sizeof(key), ": %s, level is ", name);
	const char *p = strstr(dump, key);
	if (p == NULL)
		return false;
	p += strlen(key);
	size_t k = strcspn(p, "\n");
	snprintf(level, n, "%.*s", (int)k, p);
	return true;
}

static void every_library_has_its_type(void **state)
{
	char *dump = log_dump();
	char level[32];
	for (unsigned int i = 0; i < RTE_DIM(types); i++)
		if (!level_of(dump, types[i], level, sizeof(level)))
			fail_msg("log type %s is not registered", types[i]);
	/* RTE_LOG_REGISTER_DEFAULT outside DPDK's build names every type alike. */
	assert_null(strstr(dump, "RTE_LOG_DEFAULT_LOGTYPE"));
	free(dump);
}

static void command_line_level_reaches_the_type(void **state)
{
	char *dump = log_dump();
	char level[32];
	assert_true(level_of(dump, "pepgw.tcp", level, sizeof(level)));
	assert_string_equal(level, "debug");
	/* The others keep their default, which is not debug. */
	assert_true(level_of(dump, "pepgw.flow", level, sizeof(level)));
	assert_string_not_equal(level, "debug");
	free(dump);
}

static void on_tx(void *arg, struct tcp_conn *c, struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

/* tcp_engine_create logs at debug: printed while pepgw.tcp is at debug, not at info. */
static void level_decides_what_is_printed(void **state)
{
	struct rte_mempool *mp =
	        rte_pktmbuf_pool_create("log_pool", 63, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	assert_non_null(mp);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(rte_openlog_stream(f), 0);

	struct tcp_engine_params ep = {.max_conns = 2, .hdr_pool = mp, .tx = on_tx, .now_us = 1};
	struct tcp_engine *a = tcp_engine_create("log_debug", &ep);
	assert_non_null(a);
	assert_int_equal(rte_log_set_level_pattern("pepgw.tcp", RTE_LOG_INFO), 0);
	struct tcp_engine *b = tcp_engine_create("log_info", &ep);
	assert_non_null(b);

	rte_openlog_stream(NULL);
	fclose(f);
	assert_non_null(strstr(buf, "tcp: engine log_debug:"));
	assert_null(strstr(buf, "log_info"));
	free(buf);
	tcp_engine_free(a);
	tcp_engine_free(b);
	rte_mempool_free(mp);
}

int main(void)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=pepgw-log-%d", (int)getpid());
	char *argv[] = {"log_test",
	                "--no-huge",
	                "--no-pci",
	                "--no-shconf",
	                "-m",
	                "256",
	                prefix,
	                "--no-telemetry",
	                "--log-level=lib.*:error",
	                "--log-level=pepgw.tcp:debug",
	                NULL};
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0)
		return 1;
	for (unsigned int i = 0; i < RTE_DIM(linked); i++)
		if (linked[i] == NULL)
			return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(every_library_has_its_type),
	        cmocka_unit_test(command_line_level_reaches_the_type),
	        cmocka_unit_test(level_decides_what_is_printed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
