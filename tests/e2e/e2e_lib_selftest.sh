#!/usr/bin/env bash
# Self-test of tests/e2e/e2e_lib.sh, the checks every e2e script relies on. Small scripts that
# source the library run in child shells; their exit status and tally are the verdicts:
#   - a first check that fails, then checks that pass: the script exits non-zero, whether it
#     ends by itself, with `exit 0` or with e2e_finish, and with a lab (lab_init) too;
#   - a check that fails in a subshell (pipeline, $(...)) fails the script too, and no tally
#     file is left behind;
#   - sourcing the library twice (as a script that sources it and a helper that sources it
#     again does) keeps the tally: the earlier failure still fails the script;
#   - every check_* form passes and fails where it should; a non-number never passes a
#     numeric check; a skip (exit 77) stays a skip unless a check failed;
#   - tel_delta and we_vals read the values they name (fed from files, no lab process).
# Cheap: no topology, no DPDK process; root only for the lab_init case.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"

tmp=$(mktemp -d)
mkdir "$tmp/t" # the children's TMPDIR: their tally files must be gone when they end
lab_at_exit selftest__cleanup
selftest__cleanup() {
	rm -rf "$tmp"
	return "$1"
}

# run NAME BODY: a script sourcing the library, then BODY; sets rc and out (stdout + stderr).
run() {
	printf '#!/usr/bin/env bash\nset -u\n. %q\n%s\n' "$here/e2e_lib.sh" "$2" >"$tmp/$1.sh"
	rc=0
	out=$(TMPDIR=$tmp/t bash "$tmp/$1.sh" 2>&1) || rc=$?
	echo "$out" >"$tmp/$1.out"
}

# expect NAME BODY RC TALLY: the script exits RC, and TALLY is its last "checks:" line (or its
# last line, when no check ran).
expect() {
	run "$1" "$2"
	check_eq "$1: exit status" "$rc" "$3"
	check_eq "$1: tally" "$({ grep '^checks:' <<<"$out" || echo "$out"; } | tail -n 1)" "$4"
}

first_fails='check_eq "first" 1 2
check_eq "second" 3 3
check "third" true'

expect fail-then-pass "$first_fails" 1 "checks: 2 passed, 1 failed"
expect fail-then-exit0 "$first_fails
exit 0" 1 "checks: 2 passed, 1 failed"
expect fail-then-finish "$first_fails
e2e_finish" 1 "checks: 2 passed, 1 failed"
expect fail-then-skip "$first_fails
exit 77" 1 "checks: 2 passed, 1 failed"
expect all-pass 'check_eq "a" x x
check_ge "b" 5 5
e2e_finish' 0 "checks: 2 passed, 0 failed"
expect skip 'echo SKIP; exit 77' 77 SKIP
expect error-exit 'check true true
exit 3' 3 "checks: 1 passed, 0 failed"

# A check that fails in a subshell (a pipeline, $(...), a function lab_poll runs) counts too.
expect fail-in-subshell '( check_eq "in a subshell" 1 2 )
check "then" true' 1 "checks: 1 passed, 1 failed"
expect fail-in-pipeline 'echo x | check_match "in a pipeline" "$(cat)" "^y$"
check "then" true' 1 "checks: 1 passed, 1 failed"
expect fail-in-substitution 'got=$(check_eq "in \$(...)" 1 2)
echo "$got"
check "then" true' 1 "checks: 1 passed, 1 failed"

# Sourcing twice: the second source neither resets the tally nor the exit hook.
expect source-twice "$first_fails
. $(printf %q "$here/e2e_lib.sh")
check_eq 'after the second source' y y" 1 "checks: 3 passed, 1 failed"
check_match "source-twice: the first failure is reported" "$out" "^FAIL: first: got '1', want '2'$"

# With a lab: lab_init installs its own traps; a failed check still fails the script, and
# the teardown sees the failing status (it keeps the run directory for the logs).
if [ "$(id -u)" = 0 ]; then
	expect with-lab "lab_init
echo \"dir \$LAB_DIR\"
$first_fails" 1 "checks: 2 passed, 1 failed"
	dir=$(sed -n 's/^dir //p' "$tmp/with-lab.out")
	check "with-lab: the failing run kept its directory $dir" test -d "$dir"
	check_match "with-lab: the teardown ran" "$out" "torn down; logs kept"
	[ -z "$dir" ] || rm -rf "$dir"
fi

check_eq "no child left its tally file behind" "$(ls "$tmp/t")" ""

# The checks, one by one: pass where they should, fail where they should. ------------------
# Each line: the expected verdict (ok|FAIL), then a check call.
while read -r want call; do
	run one "$call"
	got=$(grep -oE '^(ok|FAIL):' <<<"$out" | head -n 1)
	check_eq "$call -> $want" "$got" "$want:"
done <<'EOF'
ok check_eq w 1 1
FAIL check_eq w 1 01
ok check_ne w a b
FAIL check_ne w a a
ok check_ge w 10 9
FAIL check_ge w 8 9
FAIL check_ge w "" 0
FAIL check_ge w null 0
FAIL check_ge w 1.5 0
ok check_gt w -1 -2
FAIL check_gt w 2 2
ok check_le w 2 2
FAIL check_le w 3 2
ok check_lt w 1 2
FAIL check_lt w 2 2
ok check_between w 5 5 9
ok check_between w 9 5 9
FAIL check_between w 10 5 9
FAIL check_between w 4 5 9
FAIL check_between w x 5 9
ok check_match w "a b c" "^a b"
FAIL check_match w "a b c" "^b"
ok check_py w "abs(40.4 - 40) <= 1.0"
FAIL check_py w "abs(41.5 - 40) <= 1.0"
ok check w test 1 = 1
FAIL check w test 1 = 2
ok check_poll w 1 true
FAIL check_poll w 1 false
EOF

# Telemetry readers on recorded answers (the lab's process is replaced by fixed files). ----
run tel "LAB_DIR=$tmp
tel_query() { cat $tmp/now.json; }
echo '{\"/pepgw/tcp\": {\"a\": 5, \"b\": \"x\", \"l\": [7, 9]}}' >$tmp/now.json
tel_snap t0 /pepgw/tcp
echo '{\"/pepgw/tcp\": {\"a\": 12, \"b\": \"y\", \"l\": [7, 11]}}' >$tmp/now.json
echo \"delta \$(tel_delta t0 /pepgw/tcp a) \$(tel_delta t0 /pepgw/tcp l 1)\" \\
	\"\$(tel_delta t0 /pepgw/tcp b) \$(tel_delta t0 /pepgw/tcp nope)\"
echo \"value \$(tel /pepgw/tcp a) \$(tel /pepgw/tcp l 1) \$(tel /pepgw/tcp nope)\""
check_eq "tel_delta: numbers, array elements, '?' for strings and absent keys" \
	"$(sed -n 's/^delta //p' <<<"$out")" "7 2 ? ?"
check_eq "tel: a key, an array element, null when absent" \
	"$(sed -n 's/^value //p' <<<"$out")" "12 11 null"
printf '#!/bin/sh\n%s\n%s\n' 'echo "l1 a2b in_packets=10 out_packets=8 drop_loss=2"' \
	'echo "l1 b2a in_packets=3 out_packets=3 drop_loss=0"' >"$tmp/wanemctl"
chmod +x "$tmp/wanemctl"
run we "E2E_WANEMCTL=$tmp/wanemctl
echo \"vals \$(we_vals l1 a2b drop_loss in_packets nope) \$(we_stat l1 b2a in_packets)\""
check_eq "we_vals: the direction's values in the order asked, '?' when absent" \
	"$(sed -n 's/^vals //p' <<<"$out")" "2 10 ? 3"

# The verdict from the tally itself, not through the exit hook under test: a broken hook must
# not pass its own self-test.
read -r _ failed < <(e2e_tally)
[ "$failed" = 0 ] || exit 1
e2e_finish
