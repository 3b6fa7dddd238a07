#!/usr/bin/env bash
# Every e2e script, benchmark and lab tool is written on the one library, tests/e2e/e2e_lib.sh:
# it sources that library (which sources tests/lab/lab.sh), never lab.sh or another checks
# library on its own, defines none of the library's functions again (a private pass/fail would
# keep its own tally, and a script could pass after a failure), and sets no EXIT trap (the
# library's exit hook is what fails a script with a failed check; use lab_at_exit).
# Checked: tests/e2e/*.sh, tests/bench/*.sh, tools/demo, and any other file under tests/ or
# tools/ that sources lab.sh or e2e_lib.sh.
# Usage: e2e_scripts_lint.sh [FILE...]   (default: the files above; no root, seconds)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
top=$LAB_TOP
lib=$here/e2e_lib.sh

# The library's functions (its own and lab.sh's), read from a shell that sourced it.
mapfile -t lib_funcs < <(bash -c ". '$lib'; declare -F" | awk '{print $3}')

# The lint itself: a script on the old shape (lab.sh and its own pass, an EXIT trap) fails
# every rule.
if [ $# -eq 0 ]; then
	bad=$(mktemp -d)
	lab_at_exit lint__cleanup
	lint__cleanup() {
		rm -rf "$bad"
		return "$1"
	}
	sig=EXIT # (a line of its own: this file sets no such trap)
	printf '%s\n' '. "$here/../lab/lab.sh"' 'failures=0' 'pass() { echo "ok: $*"; }' \
		"trap 'echo bye' $sig" >"$bad/old_shape.sh"
	rc=0
	out=$(bash "$0" "$bad/old_shape.sh" 2>&1) || rc=$?
	check_eq "a script on the old shape fails the lint" "$rc" 1
	check_match "... on each rule" "$out" "^checks: 1 passed, 4 failed$"
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(cd "$top" && {
		ls tests/e2e/*.sh tests/bench/*.sh tools/demo
		grep -rlE '(lab|e2e_lib|wanem_lib)\.sh' tests tools --include='*.sh' --include=demo
	} | grep -vxE 'tests/e2e/e2e_lib.sh|tests/lab/lab.sh' | sort -u | sed "s|^|$top/|")
fi
check_ge "scripts found" "${#files[@]}" 1
# The library's self-test replaces tel_query by recorded answers in the scripts it writes.
redefine_ok=" tests/e2e/e2e_lib_selftest.sh "

for f in "${files[@]}"; do
	name=${f#"$top"/}
	# Source lines: ". PATH" or "source PATH" (comments left out).
	sources=$(grep -E '^[[:space:]]*(\.|source)[[:space:]]' "$f" | sed 's/#.*//')
	check_match "$name sources tests/e2e/e2e_lib.sh" "$sources" 'e2e_lib\.sh"?[[:space:]]*$'
	check_eq "$name sources no other shell library (lab.sh, wanem_lib.sh)" \
		"$(grep -E 'lab\.sh|wanem_lib\.sh' <<<"$sources")" ""
	defined=$(grep -oE '^[[:space:]]*(function[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\(\)' "$f" |
		sed -E 's/^[[:space:]]*(function[[:space:]]+)?//; s/[[:space:]]*\(\)$//' | sort -u)
	again=$(comm -12 <(echo "$defined") <(printf '%s\n' "${lib_funcs[@]}" | sort -u) | tr '\n' ' ')
	[[ $redefine_ok == *" $name "* ]] ||
		check_eq "$name defines none of the library's functions again" "$again" ""
	check_eq "$name sets no EXIT trap (lab_at_exit instead)" \
		"$(grep -nE '^[^#]*\btrap\b.*\bEXIT\b' "$f")" ""
done
e2e_finish
