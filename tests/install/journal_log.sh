#!/usr/bin/env bash
# Under systemd (stderr is the journal stream named by $JOURNAL_STREAM) pepgw writes DPDK's log
# to stderr with a syslog priority prefix on each line ("<3>" error, "<6>" info) that journald
# turns into the entry's priority; anywhere else the log is left as EAL writes it. The run is an
# EAL start-up that fails at once (lcore 99 does not exist): no port, no huge page is touched.
# usage: journal_log.sh PEPGW CONFIG
set -uo pipefail
pepgw=$1 config=$2
prefix=pepgw-journal-test-$$
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "/var/run/dpdk/$prefix"' EXIT
fail=0
run() { # STDERR_FILE JOURNAL_STREAM_VALUE
	JOURNAL_STREAM=$2 "$pepgw" -l 99 --no-huge --no-pci --in-memory --file-prefix="$prefix" \
		-- --config "$config" >/dev/null 2>"$1"
}
touch "$tmp/journal"
run "$tmp/journal" "$(stat -c '%d:%i' "$tmp/journal")"
if grep -q '^<3>EAL: lcore 99 unavailable' "$tmp/journal" &&
	grep -q '^<6>EAL: Detected' "$tmp/journal"; then
	echo "ok: journal stream: EAL lines carry their priority (<3> error, <6> info)"
else
	echo "FAIL: journal stream: no prioritised EAL lines in:"
	cat "$tmp/journal"
	fail=1
fi
# The same run with stderr not the named stream (a JOURNAL_STREAM inherited from elsewhere).
run "$tmp/plain" "1:1"
if grep -q '^EAL: lcore 99 unavailable' "$tmp/plain" && ! grep -q '^<[0-7]>' "$tmp/plain"; then
	echo "ok: elsewhere: EAL's log is left as it is"
else
	echo "FAIL: stderr not the journal, yet:"
	cat "$tmp/plain"
	fail=1
fi
exit $fail
