#!/usr/bin/env bash
# STYLE.md 13: a congestion-control module is the only writer of cwnd and ssthresh. Outside the
# framework (tcp_cc.[ch]) and the modules (cc_NAME.c for each X(NAME) in tcp_cc_list.h), no C
# file in app/ lib/ drivers/ may reach into struct tcp_cc: no `x.cc.field` or `x->cc.field`, no
# `struct tcp_cc *` to write through. The connection reads with tcp_cc_cwnd()/tcp_cc_ssthresh()
# and tells the module what happened with tcp_cc_on_*(). Unit tests (*_test.c, cc_test_util.h)
# drive modules directly and are not checked.
#
# Usage: check_cc_writers.sh TOP              check the tree
#        check_cc_writers.sh --self-test TOP  check that a file writing cwnd is reported
set -uo pipefail

check() { # top: prints each offending line; status 1 when there is one
	local top=$1 allowed=("lib/tcp/tcp_cc.c" "lib/tcp/tcp_cc.h") m
	for m in $(sed -n 's/^[[:space:]]*X(\([a-z0-9_]*\)).*/\1/p' "$top/lib/tcp/tcp_cc_list.h"); do
		allowed+=("lib/tcp/cc_$m.c")
	done
	[ ${#allowed[@]} -gt 2 ] || { echo "no module found in tcp_cc_list.h"; return 1; }
	local hits
	hits=$(cd "$top" && grep -rnE '(\.|->)cc(\.|->)|struct tcp_cc[[:space:]]*\*' \
		--include='*.c' --include='*.h' app lib drivers 2>/dev/null |
		grep -vE '^[^:]*(_test\.c|_test_util\.h):' |
		grep -vF -f <(printf '%s:\n' "${allowed[@]}"))
	if [ -n "$hits" ]; then
		echo "struct tcp_cc reached from outside its modules (use tcp_cc_*()):"
		echo "$hits"
		return 1
	fi
	return 0
}

if [ "${1:-}" = --self-test ]; then
	top=$2
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/lib/tcp" "$tmp/app" "$tmp/drivers"
	cp "$top/lib/tcp/tcp_cc_list.h" "$tmp/lib/tcp/"
	printf 'void f(struct conn *c)\n{\n\tc->cc.ssthresh = 1;\n}\n' >"$tmp/lib/tcp/cc_reno.c"
	printf 'uint32_t f(struct conn *c)\n{\n\treturn tcp_cc_cwnd(&c->cc);\n}\n' \
		>"$tmp/lib/tcp/tcp_output.c"
	check "$tmp" >/dev/null || { echo "FAIL: a module or an accessor was reported"; exit 1; }
	printf 'void g(struct conn *c)\n{\n\tc->cc.cwnd += 1;\n}\n' >"$tmp/lib/tcp/tcp_input.c"
	check "$tmp" >/dev/null && { echo "FAIL: a write of cwnd from tcp_input.c passed"; exit 1; }
	printf 'void g(struct conn *c)\n{\n\tstruct tcp_cc *x = &c->cc;\n}\n' >"$tmp/lib/tcp/tcp_input.c"
	check "$tmp" >/dev/null && { echo "FAIL: a struct tcp_cc pointer passed"; exit 1; }
	echo "ok: the check tells the modules' writes from the connection's"
	exit 0
fi

check "$1" || exit 1
echo "ok: only tcp_cc.[ch] and the modules of tcp_cc_list.h reach into struct tcp_cc"
