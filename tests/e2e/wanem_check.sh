#!/usr/bin/env bash
# wanem's configuration contract through the real binary, `wanem --check` (no EAL, no root):
# every preset in config/wanem/ passes (exit 0); every tests/e2e/wanem_broken/NAME.json fails
# with exit 2 and prints exactly the lines of NAME.expect (FILE:LINE:COL: json.path: message
# (allowed: ...)), all errors of a file in one run; a missing file and a --device override
# naming an unknown link fail with exit 2 too.
#
# Usage: wanem_check.sh WANEM_BINARY
set -u
wanem=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
presets=$here/../../config/wanem
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

n=0
for f in "$presets"/*.json; do
	n=$((n + 1))
	out=$("$wanem" --check --config "$f" 2>&1) && echo "ok: $(basename "$f") passes" ||
		fail "$(basename "$f"): exit $?: $out"
done
[ "$n" -ge 4 ] || fail "only $n presets in $presets"

cd "$here/wanem_broken" || exit 1
for f in *.json; do
	rc=0
	out=$("$wanem" --check --config "$f" 2>&1) || rc=$?
	if [ "$rc" -ne 2 ]; then
		fail "$f: exit $rc, expected 2: $out"
	elif [ "$out" != "$(cat "${f%.json}.expect")" ]; then
		fail "$f: messages differ from ${f%.json}.expect:"
		diff <(echo "$out") "${f%.json}.expect" >&2
	else
		echo "ok: $f rejected with $(echo "$out" | wc -l) message(s) as expected"
	fi
done

rc=0
out=$("$wanem" --check --config no-such-file.json 2>&1) || rc=$?
[ "$rc" -eq 2 ] && echo "ok: missing file: $out" || fail "missing file: exit $rc: $out"
rc=0
out=$("$wanem" --check --config "$presets/geo-sat.json" --device nosuch.a=net_null0 2>&1) || rc=$?
[ "$rc" -eq 2 ] && echo "ok: --device for an unknown link rejected" ||
	fail "--device for an unknown link: exit $rc: $out"
rc=0
out=$("$wanem" --check --config "$presets/geo-sat.json" --device sat.a=net_null0 2>&1) || rc=$?
[ "$rc" -eq 0 ] && echo "ok: --device sat.a accepted" || fail "--device sat.a: exit $rc: $out"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
