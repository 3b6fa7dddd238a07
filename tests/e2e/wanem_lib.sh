# shellcheck shell=bash
# Helpers shared by the wanem e2e tests (source after tests/lab/lab.sh and lab_init; the wanem
# process is the lab's "wanem", as lab_topo_baseline names it).

WE_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WE_PY=/usr/bin/python3
WE_UDP=$WE_HERE/wanem_udp.py
WE_CTL=${LAB_WANEMCTL:-$LAB_BUILD/app/wanem/wanemctl}
we_failures=0

fail() {
	echo "FAIL: $*" >&2
	we_failures=$((we_failures + 1))
}

pass() {
	echo "ok: $*"
}

# we_ctl CMD...: one control command to the lab's wanem; fails when wanem answers an error.
we_ctl() {
	"$WE_CTL" --file-prefix "$LAB_PREFIX-wanem" "$@" >/dev/null
}

we_socket() {
	echo "/var/run/dpdk/$LAB_PREFIX-wanem/wanem.sock"
}

# we_stat LINK DIR KEY: one counter or gauge of a direction ("stats" answers key=value lines).
we_stat() {
	"$WE_CTL" --file-prefix "$LAB_PREFIX-wanem" stats "$1" |
		awk -v d="$2" -v k="$3" '$2 == d { for (i = 3; i <= NF; i++) { split($i, kv, "=");
			if (kv[1] == k) print kv[2] } }'
}

# we_rss_kb: resident memory of the wanem process, kB.
we_rss_kb() {
	awk '/^VmRSS:/ {print $2}' "/proc/${LAB_PID[wanem]}/status"
}

# we_py EXPR...: evaluate a python expression (floats, comparisons) and print it.
we_py() {
	"$WE_PY" -c "import sys, json, statistics; print($*)"
}

# we_check DESCRIPTION PY_CONDITION: pass when the python condition holds, fail otherwise.
we_check() {
	if [ "$(we_py "$2")" = True ]; then
		pass "$1"
	else
		fail "$1"
	fi
}
