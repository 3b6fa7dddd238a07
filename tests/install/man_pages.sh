#!/usr/bin/env bash
# Each man page renders with no groff warning at all (-ww) and has every @PLACEHOLDER@ filled.
# usage: man_pages.sh PAGE...
set -uo pipefail
fail=0
for page in "$@"; do
	warnings=$(groff -ww -z -man -Tutf8 "$page" 2>&1)
	if [ -n "$warnings" ]; then
		echo "FAIL: $page: groff warnings:"
		echo "$warnings"
		fail=1
	elif grep -q '@[A-Z_]*@' "$page"; then
		echo "FAIL: $page: unfilled placeholder $(grep -o '@[A-Z_]*@' "$page" | head -n 1)"
		fail=1
	else
		echo "ok: $(basename "$page") renders without warnings"
	fi
done
exit $fail
