#!/usr/bin/env bash
# The root .clang-format is the tree's format: every C file must be exactly what clang-format
# makes of it. Fix a failure with: clang-format-14 -i FILE...
#
# Usage: check_format.sh TOP              check every .c/.h under app lib drivers tests
#        check_format.sh --self-test TOP  check that a mis-formatted file is reported
set -uo pipefail
clang_format=${CLANG_FORMAT:-clang-format-14}

check() { # files...: prints each file that differs; status 1 when one does
	local bad=0 f
	for f in "$@"; do
		if ! "$clang_format" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
			echo "not formatted: $f"
			bad=1
		fi
	done
	return $bad
}

if [ "${1:-}" = --self-test ]; then
	top=$2
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cp "$top/.clang-format" "$tmp/"
	printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$tmp/good.c"
	printf 'int  main( void ){ return 0; }\n' >"$tmp/bad.c"
	check "$tmp/good.c" || { echo "FAIL: a formatted file was reported"; exit 1; }
	if check "$tmp/bad.c" >/dev/null; then
		echo "FAIL: a mis-formatted file passed"
		exit 1
	fi
	echo "ok: the check tells formatted from mis-formatted"
	exit 0
fi

top=$1
cd "$top" || exit 1
mapfile -t files < <(find app lib drivers tests -name '*.[ch]' | sort)
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no C files found under $top"; exit 1; }
if ! check "${files[@]}"; then
	echo "FAIL: the files above differ from clang-format's output"
	exit 1
fi
echo "ok: ${#files[@]} C files formatted"
