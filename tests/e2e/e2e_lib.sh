# shellcheck shell=bash
# The one library of the e2e tests and benchmarks (tests/e2e/*.sh, tests/bench/*.sh): sources
# tests/lab/lab.sh, then adds
#   checks      one tally for the whole script; a check is one line (check, check_eq, check_ge,
#               ...); a failed check makes the script exit non-zero at its end, whatever it
#               does after (an exit hook of the lab sets the status and prints the tally)
#   telemetry   of the lab's pepgw (tel, tel_snap/tel_delta) and wanem (we_stat, we_vals, we_ctl)
#   transfers   the servers and clients the stories repeat (serve, iperf3_run, fetch_sha, peers,
#               ping_stats), a clean SIGTERM, the sanitizer rules of the *-asan registrations
#   benchmarks  argument parsing, the wanem preset of one cell, the header line
# Source it once or many times (wanem and pepgw stories alike): the tally is never reset.
# See tests/lab/README.md, "tests/e2e/e2e_lib.sh".

if [ -n "${E2E_LIB_LOADED:-}" ]; then
	return 0
fi
E2E_LIB_LOADED=1

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# An instrumented pepgw starts slower: e2e_asan_mode raises the readiness bound unless the
# environment chose one.
E2E_READY_TIMEOUT_ENV=${LAB_READY_TIMEOUT:-}
# shellcheck source=../lab/lab.sh
. "$E2E_HERE/../lab/lab.sh"

E2E_PY=/usr/bin/python3 # Debian's python: python3-scapy lives there, not in a pyenv one
# pepgwctl: the build's copy (it carries the version), else the source (the same script).
E2E_PEPGWCTL=${PEPGWCTL:-$LAB_BUILD/app/pepgwctl/pepgwctl}
[ -x "$E2E_PEPGWCTL" ] || E2E_PEPGWCTL=$LAB_TOP/app/pepgwctl/pepgwctl
E2E_PEERS=$E2E_HERE/tcp_peers.py
E2E_WANEM_UDP=$E2E_HERE/wanem_udp.py
E2E_WANEMCTL=${LAB_WANEMCTL:-$LAB_BUILD/app/wanem/wanemctl}
E2E_PEPGW=${LAB_PEPGW:-$LAB_BUILD/app/pepgw/pepgw}
E2E_SANITIZER_RE='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:'
E2E_SANITIZER_RE+='|SUMMARY: UndefinedBehaviorSanitizer'
# The tally is a file, one line per result: a check run in a subshell (a pipeline, $(...), a
# function run by lab_poll) counts like any other. The sourcing shell owns and removes it.
E2E_TALLY=$(mktemp "${TMPDIR:-/tmp}/pepgw-e2e-tally.XXXXXX")
E2E_OWNER_PID=$BASHPID
E2E_SEQ=0

# Checks ------------------------------------------------------------------------------------

# pass WHAT / fail WHAT: one result. Prefer the check_* forms; these are for verdicts computed
# elsewhere (a python analysis printing ok/FAIL lines, see e2e_verdicts).
pass() {
	echo ok >>"$E2E_TALLY"
	echo "ok: $*"
}

fail() {
	echo FAIL >>"$E2E_TALLY"
	echo "FAIL: $*" >&2
}

# e2e_tally: "PASSED FAILED", the results so far.
e2e_tally() {
	local line passed=0 failed=0
	while read -r line; do
		case $line in
		ok) passed=$((passed + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done <"$E2E_TALLY"
	echo "$passed $failed"
}

# check WHAT CMD...: passes when CMD succeeds, e.g. check "pepgw runs" lab_running gw.
check() {
	local what=$1
	shift
	if "$@"; then
		pass "$what"
	else
		fail "$what"
	fi
}

# not CMD...: succeeds when CMD fails, e.g. check "port 9999 dropped" not lab_exec client curl ...
not() {
	! "$@"
}

# out_to FILE CMD...: CMD with its output in FILE (both streams), e.g.
# check "metrics parse" out_to "$LAB_DIR/samples.txt" "$E2E_PY" parse.py metrics.txt
out_to() {
	local file=$1
	shift
	"$@" >"$file" 2>&1
}

# check_eq WHAT GOT WANT / check_ne WHAT GOT NOT: string (in)equality.
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: got '$2', want '$3'"
	fi
}

check_ne() {
	if [ "$2" != "$3" ]; then
		pass "$1"
	else
		fail "$1: got '$2', want anything else"
	fi
}

e2e__int() {
	[[ $1 =~ ^-?[0-9]+$ ]]
}

e2e__cmp() { # WHAT GOT OP BOUND SYMBOL: an integer comparison; a non-integer GOT fails
	if e2e__int "$2" && e2e__int "$4" && test "$2" "$3" "$4"; then
		pass "$1 ($2)"
	else
		fail "$1: got '$2', want $5 $4"
	fi
}

# check_ge|check_gt|check_le|check_lt WHAT GOT BOUND: integer comparisons.
check_ge() { e2e__cmp "$1" "$2" -ge "$3" ">="; }
check_gt() { e2e__cmp "$1" "$2" -gt "$3" ">"; }
check_le() { e2e__cmp "$1" "$2" -le "$3" "<="; }
check_lt() { e2e__cmp "$1" "$2" -lt "$3" "<"; }

# check_between WHAT GOT LO HI: LO <= GOT <= HI, integers.
check_between() {
	if e2e__int "$2" && e2e__int "$3" && e2e__int "$4" && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		pass "$1 ($2)"
	else
		fail "$1: got '$2', want $3..$4"
	fi
}

# check_match WHAT TEXT REGEX: TEXT has a line matching the extended REGEX.
check_match() {
	if grep -Eq -- "$3" <<<"$2"; then
		pass "$1"
	else
		fail "$1: no line matches '$3' in: $2"
	fi
}

# check_py WHAT CONDITION: a python expression (floats, abs, min, ...) that must be True.
check_py() {
	if [ "$(py "$2")" = True ]; then
		pass "$1"
	else
		fail "$1: not ($2)"
	fi
}

# check_poll WHAT TIMEOUT CMD...: passes when CMD succeeds within TIMEOUT seconds (polled).
check_poll() {
	local what=$1 timeout=$2
	shift 2
	if lab_poll "$timeout" "$@"; then
		pass "$what"
	else
		fail "$what: not within $timeout s"
	fi
}

# e2e_verdicts FILE: count the "ok: ..." and "FAIL: ..." lines an analysis wrote to FILE (one
# result each); fails unless FILE holds exactly N of them when N is given.
e2e_verdicts() {
	local file=$1 want=${2:-} line n=0
	while IFS= read -r line; do
		case $line in
		"ok: "*) pass "${line#ok: }" && n=$((n + 1)) ;;
		"FAIL: "*) fail "${line#FAIL: }" && n=$((n + 1)) ;;
		esac
	done <"$file"
	[ -z "$want" ] || check_eq "the analysis in $(basename "$file") gave every verdict" "$n" "$want"
}

# e2e_finish: end the script here; its status is 0 only when no check failed. Optional: the
# same happens at any exit (e2e__on_exit), so a forgotten e2e_finish or an `exit 0` cannot
# turn a failure into a pass.
e2e_finish() {
	exit 0
}

# At exit: print the tally and fail a passing (or skipped) exit when a check failed.
e2e__on_exit() {
	local status=$1 passed failed
	[ "$BASHPID" = "$E2E_OWNER_PID" ] || return "$status"
	read -r passed failed < <(e2e_tally)
	rm -f "$E2E_TALLY"
	if [ $((passed + failed)) -gt 0 ]; then
		echo "checks: $passed passed, $failed failed"
	fi
	if [ "$failed" -gt 0 ] && { [ "$status" = 0 ] || [ "$status" = 77 ]; }; then
		status=1
	fi
	return "$status"
}
lab_at_exit e2e__on_exit

# py EXPR: print a python expression (json, math, statistics and sys are imported).
py() {
	"$E2E_PY" -c "import json, math, statistics, sys; print($*)"
}

# Telemetry of the lab's pepgw -------------------------------------------------------------
# The process is "gw" (topologies a and d); E2E_GW=gwa (or gwb) for topology b, e.g.
# `E2E_GW=gwb tel /pepgw/counters forwarded`.

# gwctl ARGS...: pepgwctl against the lab's process, e.g. `gwctl --json show ports`.
gwctl() {
	"$E2E_PEPGWCTL" -f "$LAB_PREFIX-${E2E_GW:-gw}" "$@"
}

# tel_query CMD...: the raw answers, one JSON object per line ({"CMD": value}).
tel_query() {
	gwctl raw "$@"
}

# The jq path of KEY|INDEX arguments: numbers index arrays, anything else is a key.
E2E_JQ_PATH='($ARGS.positional | map(if test("^[0-9]+$") then tonumber else . end))'

# tel CMD [KEY|INDEX]...: one value of the answer to CMD (objects and arrays as JSON; "null"
# when absent), e.g. `tel /pepgw/counters drop_rule`, `tel /pepgw/tcp_conns 0`,
# `tel /pepgw/tcp_conn,A,B wan state`.
tel() {
	local cmd=$1
	shift
	tel_query "$cmd" | jq -r --arg c "${cmd%%,*}" ".[\$c] | getpath($E2E_JQ_PATH) |
		if type == \"object\" or type == \"array\" then tojson else . end" --args "$@"
}

# tel_jq CMD FILTER: jq FILTER on the answer to CMD, e.g.
# `tel_jq /pepgw/ports '.[] | select(.role == "lan") | .mac'`.
tel_jq() {
	tel_query "$1" | jq -r --arg c "${1%%,*}" ".[\$c] | $2"
}

# tel_ge MIN CMD KEY... / tel_le MAX CMD KEY...: the value is an integer >= MIN (<= MAX); for
# lab_poll and check_poll.
tel_ge() {
	local bound=$1 v
	shift
	v=$(tel "$@")
	e2e__int "$v" && [ "$v" -ge "$bound" ]
}

tel_le() {
	local bound=$1 v
	shift
	v=$(tel "$@")
	e2e__int "$v" && [ "$v" -le "$bound" ]
}

# tel_snap NAME CMD...: remember the answers to CMD... as snapshot NAME (for tel_delta).
tel_snap() {
	local name=$1
	shift
	tel_query "$@" >"$LAB_DIR/tel-$name.json"
}

# tel_delta NAME CMD KEY...: the value now minus the value in snapshot NAME ("?" when either is
# not a number), e.g. `tel_snap t0 /pepgw/tcp; ...; tel_delta t0 /pepgw/tcp challenge_acks`.
tel_delta() {
	local name=$1 cmd=$2
	shift 2
	{
		cat "$LAB_DIR/tel-$name.json"
		tel_query "$cmd"
	} | jq -rs --arg c "${cmd%%,*}" "$E2E_JQ_PATH as \$p |
		map(select(has(\$c)) | .[\$c] | getpath(\$p)) |
		if length == 2 and (map(type) | unique) == [\"number\"] then .[1] - .[0] else \"?\" end" \
		--args "$@"
}

# Telemetry and control of the lab's wanem (process "wanem") ---------------------------------

# we_ctl CMD...: one control command; fails when wanem answers an error.
we_ctl() {
	"$E2E_WANEMCTL" --file-prefix "$LAB_PREFIX-wanem" "$@" >/dev/null
}

# we_socket: the control socket's path.
we_socket() {
	echo "/var/run/dpdk/$LAB_PREFIX-wanem/wanem.sock"
}

# we_vals LINK DIR KEY...: the values of counters or gauges of one direction, in KEY order
# ("stats LINK" answers one "LINK DIR key=value..." line per direction).
we_vals() {
	local link=$1 dir=$2
	shift 2
	"$E2E_WANEMCTL" --file-prefix "$LAB_PREFIX-wanem" stats "$link" |
		awk -v d="$dir" -v keys="$*" '$2 == d { for (i = 3; i <= NF; i++) {
			split($i, kv, "="); v[kv[1]] = kv[2] }
			n = split(keys, k, " "); s = ""
			for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (k[i] in v ? v[k[i]] : "?")
			print s }'
}

# we_stat LINK DIR KEY: one counter or gauge.
we_stat() {
	we_vals "$1" "$2" "$3"
}

# we_ge MIN LINK DIR KEY / we_le MAX LINK DIR KEY: the value is an integer >= MIN (<= MAX); for
# lab_poll and check_poll.
we_ge() {
	local v
	v=$(we_stat "$2" "$3" "$4")
	e2e__int "$v" && [ "$v" -ge "$1" ]
}

we_le() {
	local v
	v=$(we_stat "$2" "$3" "$4")
	e2e__int "$v" && [ "$v" -le "$1" ]
}

# we_rss_kb: resident memory of the wanem process, kB.
we_rss_kb() {
	awk '/^VmRSS:/ {print $2}' "/proc/${LAB_PID[wanem]}/status"
}

# Servers, clients, transfers ----------------------------------------------------------------

# serve [--udp] HOST NAME PORT CMD...: start CMD in HOST as NAME (lab_bg) and wait until a
# socket listens on PORT.
serve() {
	local proto=tcp host name port
	if [ "$1" = --udp ]; then
		proto=udp
		shift
	fi
	host=$1 name=$2 port=$3
	shift 3
	lab_bg "$host" "$name" "$@"
	lab_wait_listen "$host" "$port" "$LAB_READY_TIMEOUT" "$proto"
}

# pyrun HOST SCRIPT ARGS...: a python tool of the tests (Debian's python3) in HOST, in the
# foreground: its output, its status. pyrun_bg HOST NAME SCRIPT ARGS...: in the background as
# NAME (lab_bg).
pyrun() {
	local host=$1
	shift
	lab_exec "$host" "$E2E_PY" "$@"
}

pyrun_bg() {
	local host=$1 name=$2
	shift 2
	lab_bg "$host" "$name" "$E2E_PY" "$@"
}

# peers HOST MODE ARGS... / peers_bg HOST NAME MODE ARGS...: tests/e2e/tcp_peers.py MODE.
# peers_serve HOST NAME MODE ADDR PORT [ARGS...]: one of its servers, listening.
peers() { pyrun "$1" "$E2E_PEERS" "${@:2}"; }
peers_bg() { pyrun_bg "$1" "$2" "$E2E_PEERS" "${@:3}"; }

# we_udp HOST ARGS... / we_udp_bg HOST NAME ARGS...: tests/e2e/wanem_udp.py (sequence-numbered
# UDP streams, timed control commands). we_udp_recv HOST NAME ADDR PORT [ARGS...]: its
# receiver on ADDR:PORT, listening.
we_udp() { pyrun "$1" "$E2E_WANEM_UDP" "${@:2}"; }
we_udp_bg() { pyrun_bg "$1" "$2" "$E2E_WANEM_UDP" "${@:3}"; }
we_udp_recv() {
	serve --udp "$1" "$2" "$4" "$E2E_PY" "$E2E_WANEM_UDP" recv --bind "$3" --port "$4" "${@:5}"
}

peers_serve() {
	local host=$1 name=$2 mode=$3 addr=$4 port=$5
	shift 5
	serve "$host" "$name" "$port" "$E2E_PY" "$E2E_PEERS" "$mode" "$addr" "$port" "$@"
}

# http_serve HOST NAME ADDR PORT [DIR]: python3's http.server on ADDR:PORT serving DIR
# (default the run directory).
http_serve() {
	local dir=${5:-$LAB_DIR}
	serve "$1" "$2" "$4" bash -c "cd '$dir' && exec $E2E_PY -m http.server --bind $3 $4"
}

# random_file PATH BYTES: BYTES random bytes into PATH; prints their sha256.
random_file() {
	head -c "$2" /dev/urandom >"$1"
	sha256sum <"$1" | cut -d' ' -f1
}

# fetch_sha HOST URL [MAX_TIME]: the sha256 of what curl in HOST reads from URL.
fetch_sha() {
	lab_exec "$1" bash -c "curl -s --max-time ${3:-60} '$2' | sha256sum" | cut -d' ' -f1
}

# iperf3_serve HOST NAME ADDR PORT: an iperf3 server, listening.
iperf3_serve() {
	serve "$1" "$2" "$4" iperf3 -s -B "$3" -p "$4"
}

# iperf3_run HOST ADDR PORT [IPERF3_ARGS...]: one iperf3 client run (-J) from HOST, then
#   IPERF_BPS      received bit/s (integer)    IPERF_MBPS  the same in Mbit/s
#   IPERF_STREAMS  streams that carried data   IPERF_RETR  sender retransmits (-1: none)
#   IPERF_LOST, IPERF_PACKETS                  UDP datagrams lost and sent (-1, 0: none)
#   IPERF_JSON     the JSON file
# A failed run leaves the zero values (and prints iperf3's error), so the checks fail.
iperf3_run() {
	local host=$1 addr=$2 port=$3
	shift 3
	E2E_SEQ=$((E2E_SEQ + 1))
	IPERF_JSON=$LAB_DIR/iperf3-$E2E_SEQ.json
	lab_exec "$host" iperf3 -c "$addr" -p "$port" -J "$@" >"$IPERF_JSON" || true
	# shellcheck disable=SC2034 # read by the caller
	read -r IPERF_BPS IPERF_MBPS IPERF_STREAMS IPERF_RETR IPERF_LOST IPERF_PACKETS < <(
		jq -r '(.end.sum_received.bits_per_second // 0) as $b | [($b | floor), $b / 1e6,
			([.end.streams[]? | select(.receiver.bytes? > 0)] | length),
			(.end.sum_sent.retransmits // -1), (.end.sum.lost_packets // -1),
			(.end.sum.packets // 0)] | @tsv' "$IPERF_JSON" 2>/dev/null ||
			echo "0 0 0 -1 -1 0"
	)
	jq -r '.error // empty | "iperf3: " + .' "$IPERF_JSON" >&2 2>/dev/null || true
}

# ping_ok HOST IP [COUNT]: of COUNT pings (default 2, 0.2 s apart) one at least is answered.
ping_ok() {
	lab_exec "$1" ping -n -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null
}

# ping_stats HOST IP COUNT INTERVAL: prints "median min max received ttl" of the RTTs (ms) of
# COUNT pings INTERVAL s apart (-1 and 0 when none came back).
ping_stats() {
	lab_exec "$1" ping -n -c "$3" -i "$4" -W 2 "$2" | "$E2E_PY" -c '
import re, statistics, sys
r = [(float(t), int(ttl)) for ttl, t in
     re.findall(r"ttl=(\d+) time=([0-9.]+) ms", sys.stdin.read())]
v = [t for t, _ in r]
print(statistics.median(v) if v else -1, min(v, default=-1), max(v, default=-1), len(v),
      r[0][1] if r else 0)'
}

# capture_count NAME FILTER: frames of capture NAME matching a tshark display filter.
capture_count() {
	lab_capture_read "$1" -Y "$2" | wc -l
}

# check_sigterm NAME [LOG_REGEX...]: SIGTERM stops the lab's process NAME within 30 s with exit
# status 0, and its log then has a line matching each REGEX (e.g. "final counters:").
check_sigterm() {
	local name=$1 pid=${LAB_PID[$1]} rc=0 re
	shift
	if ! kill -TERM "$pid" 2>/dev/null; then
		fail "SIGTERM: $name was no longer running"
		return 0
	fi
	if ! lab_poll 30 eval "! lab_running $name"; then
		fail "SIGTERM: $name still running after 30 s"
		return 0
	fi
	wait "$pid" || rc=$?
	if [ "$rc" = 0 ]; then
		pass "SIGTERM: $name exited 0"
	else
		fail "SIGTERM: $name exited $rc; end of its log: $(tail -n 5 "$LAB_DIR/$name.log")"
	fi
	for re in "$@"; do
		check "SIGTERM: $name's log then says '$re'" lab_log_has "$name" "$re"
	done
}

# Sanitizers: the *-asan registrations run a script against build-asan's pepgw. ------------

# e2e_asan_mode: with E2E_EXPECT_ASAN=1, skip (exit 77) unless pepgw is built with ASan+UBSan;
# always stop a sanitized pepgw at the first report (no leak reports: DPDK's EAL keeps its
# memory until exit on purpose) and give it a longer readiness bound.
e2e_asan_mode() {
	if [ "${E2E_EXPECT_ASAN:-0}" = 1 ] && ! e2e_is_asan; then
		echo "SKIP: $E2E_PEPGW is not built with -Db_sanitize=address,undefined"
		exit 77
	fi
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=0}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
	LAB_READY_TIMEOUT=${E2E_READY_TIMEOUT_ENV:-60}
}

e2e_is_asan() {
	grep -q __asan_init "$E2E_PEPGW" 2>/dev/null
}

# check_no_sanitizer NAME: NAME's log holds no ASan/UBSan report (a check only when the binary
# is instrumented; a report in an uninstrumented one's log fails too).
check_no_sanitizer() {
	if lab_log_has "$1" "$E2E_SANITIZER_RE"; then
		fail "sanitizer report in $1's log ($LAB_DIR/$1.log):" \
			"$(grep -E -m 3 "$E2E_SANITIZER_RE" "$LAB_DIR/$1.log")"
	elif e2e_is_asan; then
		pass "no ASan/UBSan report in $1's log"
	fi
}

# Benchmarks (tests/bench) -------------------------------------------------------------------

# bench_args "OPTION..." "$@": parse the benchmark's options, among
#   runs (--runs N: BENCH_RUNS), secs (--secs S: BENCH_SECS), time-scale (--time-scale X:
#   BENCH_SCALE, durations are scaled by it), only (--only NAME, repeatable: BENCH_ONLY, the
#   cells to run)
# the first argument lists the ones the script takes; set the defaults before. Anything else
# prints the script's usage line (the comment line that starts with "#   tests/bench/") and
# exits 2.
bench_args() {
	local allowed=" $1 "
	shift
	BENCH_RUNS=${BENCH_RUNS:-1} BENCH_SECS=${BENCH_SECS:-10} BENCH_SCALE=${BENCH_SCALE:-1}
	BENCH_ONLY=()
	while [ $# -gt 1 ] && [[ $1 == --* && $allowed == *" ${1#--} "* ]]; do
		case $1 in
		--runs) BENCH_RUNS=$2 ;;
		--secs) BENCH_SECS=$2 ;;
		--time-scale) BENCH_SCALE=$2 ;;
		--only) BENCH_ONLY+=("$2") ;;
		esac
		shift 2
	done
	if [ $# -gt 0 ]; then
		echo "usage: $(grep -m 1 '^#   tests/bench/' "$0" | sed 's/^#   //')" >&2
		exit 2
	fi
}

# bench_selected NAME: true when no --only was given or NAME was.
bench_selected() {
	[ ${#BENCH_ONLY[@]} -eq 0 ] || printf '%s\n' "${BENCH_ONLY[@]}" | grep -qxF "$1"
}

# bench_secs S: S scaled by --time-scale, at least 1.
bench_secs() {
	py "max(1, round($1 * $BENCH_SCALE))"
}

# bench_wanem_tpl PRESET INDEX OUT [--loss L] [--queue-bdp]: link INDEX of
# config/wanem/PRESET.json as the only link of a wanem template on the lab's link-1 ports
# (E1A, E1B). --loss overrides its loss both ways; --queue-bdp raises its queue to 2x the
# path's BDP (one-way delay x 2 x rate x 2), at least the preset's default (rate / 10) and 16 KB.
bench_wanem_tpl() {
	local preset=$1 idx=$2 out=$3 loss=- bdp=false
	shift 3
	while [ $# -gt 0 ]; do
		case $1 in
		--loss) loss=$2 && shift 2 ;;
		--queue-bdp) bdp=true && shift ;;
		*) lab_die "bench_wanem_tpl: unknown option $1" || return 1 ;;
		esac
	done
	jq --argjson i "$idx" --arg loss "$loss" --argjson bdp "$bdp" '.links = [.links[$i] |
		.a = "${E1A_DEV}" | .b = "${E1B_DEV}" |
		(if $bdp then .both.queue_bytes = ([((.both.rate_mbps * 1e6 / 8 * .both.delay_ms *
			2 / 1000 * 2) | floor), ((.both.rate_mbps * 1e6 / 8 / 10) | floor), 16384] |
			max) else . end) |
		(if $loss != "-" then .both.loss = ($loss | tonumber) else . end)]' \
		"$LAB_TOP/config/wanem/$preset.json" >"$out"
}

# bench_bbr: load tcp_bbr when the kernel does not list it yet; false when it is unavailable.
bench_bbr() {
	sysctl -n net.ipv4.tcp_available_congestion_control | grep -qw bbr ||
		modprobe tcp_bbr 2>/dev/null || true
	sysctl -n net.ipv4.tcp_available_congestion_control | grep -qw bbr
}

# bench_header TEXT...: the line that heads a benchmark's output (stderr): date, kernel, tree,
# load, and TEXT.
bench_header() {
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), tree $(git -C "$LAB_TOP" rev-parse \
--short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg); $*" >&2
}
