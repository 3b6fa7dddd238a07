#!/usr/bin/env bash
# `meson install --destdir` installs exactly the files of expected_files.txt, the programs
# executable, and the installed pepgw and pepgwctl report the project's version.
# usage: install_files.sh BUILD_DIR VERSION SBINDIR DATADIR MANDIR UNITDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 version=$2 sbindir=$3 datadir=$4 mandir=$5 unitdir=$6
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail=0

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
(cd "$dest" && find . \( -type f -o -type l \) | sed 's/^\.//' | sort) >"$dest.got"
grep -v '^#' "$here/expected_files.txt" |
	sed -e "s#{sbindir}#$sbindir#" -e "s#{datadir}#$datadir#" -e "s#{mandir}#$mandir#" \
		-e "s#{unitdir}#$unitdir#" | sort >"$dest.want"
if ! diff -u "$dest.want" "$dest.got"; then
	echo "FAIL: installed files differ from expected_files.txt (- expected, + installed)"
	fail=1
fi
rm -f "$dest.got" "$dest.want"

for p in pepgw pepgwctl wanem wanemctl; do
	if [ ! -x "$dest$sbindir/$p" ]; then
		echo "FAIL: $sbindir/$p is not installed executable"
		fail=1
	fi
done
got=$("$dest$sbindir/pepgw" --version)
[[ $got == "pepgw $version (DPDK "* ]] || { echo "FAIL: pepgw --version: '$got'"; fail=1; }
got=$("$dest$sbindir/pepgwctl" --version)
[ "$got" = "pepgwctl $version" ] || { echo "FAIL: pepgwctl --version: '$got'"; fail=1; }
[ $fail -eq 0 ] && echo "ok: $(wc -l < <(grep -v '^#' "$here/expected_files.txt")) files installed, version $version"
exit $fail
