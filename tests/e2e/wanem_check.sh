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
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
presets=$LAB_TOP/config/wanem

# wanem_check [ARGS...]: `wanem --check ARGS`; sets rc and out (stdout and stderr).
wanem_check() {
	rc=0
	out=$("$wanem" --check "$@" 2>&1) || rc=$?
}

n=0
for f in "$presets"/*.json; do
	n=$((n + 1))
	wanem_check --config "$f"
	check_eq "$(basename "$f") passes ($out)" "$rc" 0
done
check_ge "presets in $presets" "$n" 4

cd "$E2E_HERE/wanem_broken" || exit 1
for f in *.json; do
	wanem_check --config "$f"
	check_eq "$f rejected (exit 2)" "$rc" 2
	check_eq "$f: the messages of ${f%.json}.expect" "$out" "$(cat "${f%.json}.expect")"
done

wanem_check --config no-such-file.json
check_eq "missing file: $out" "$rc" 2
wanem_check --config "$presets/geo-sat.json" --device nosuch.a=net_null0
check_eq "--device for an unknown link rejected ($out)" "$rc" 2
wanem_check --config "$presets/geo-sat.json" --device sat.a=net_null0
check_eq "--device sat.a accepted ($out)" "$rc" 0

e2e_finish
