#!/usr/bin/env bash
# pepgw@.service as installed passes `systemd-analyze verify` without a single message (its
# binaries and man pages found in a --destdir install), and keeps the service contract:
# --check before start, huge pages by dpdk-hugepages.py, a file prefix per instance, restart on
# failure, SIGTERM to stop.
# usage: systemd_unit.sh BUILD_DIR SBINDIR MANDIR UNITDIR
set -uo pipefail
build=$1 sbindir=$2 mandir=$3 unitdir=$4
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail=0
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null || exit 1
unit=$dest$unitdir/pepgw@.service
# An instance of the template, its programs taken from the destdir.
mkdir "$dest/units"
sed "s#$sbindir/#$dest$sbindir/#g" "$unit" >"$dest/units/pepgw@lab.service"
out=$(MANPATH=$dest$mandir systemd-analyze verify "$dest/units/pepgw@lab.service" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify (exit $rc):"
	echo "$out"
	fail=1
else
	echo "ok: systemd-analyze verify pepgw@lab.service: no message"
fi
expect() { # REGEX WHAT
	if grep -Eq "$1" "$unit"; then
		echo "ok: $2"
	else
		echo "FAIL: $2: no line matches /$1/"
		fail=1
	fi
}
expect "^ExecStartPre=$sbindir/pepgw --check --config /etc/pepgw/%i\.json$" \
	"the configuration is checked before the start"
expect '^ExecStartPre=/[^ ]*dpdk-hugepages\.py --mount --reserve \$\{PEPGW_HUGEPAGES\}$' \
	"huge pages mounted and reserved by dpdk-hugepages.py"
expect "^ExecStart=$sbindir/pepgw --file-prefix=pepgw-%i .*-- --config /etc/pepgw/%i\.json$" \
	"one file prefix per instance, config /etc/pepgw/%i.json"
expect '^Restart=on-failure$' "restart on failure"
expect '^KillSignal=SIGTERM$' "stopped by SIGTERM"
exit $fail
