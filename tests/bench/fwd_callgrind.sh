#!/bin/bash
# Exact instructions per packet of pepgw's forwarding lcore (valgrind's callgrind), on the
# realistic mix of forward_bench.sh or one class of its packets. Not a timing: the counts do
# not depend on the machine's load, so they say what a change did where cycles per packet
# (forward_bench.sh) cannot resolve it. Results and their reading: doc/benchmarks.md,
# "Forwarding".
#
# pepgw runs the pcap mode's configuration (net_pcap replay -> net_null, one worker) under
# valgrind --tool=callgrind --toggle-collect=gw_lcore_main for SECS seconds. Printed:
#   total  everything the worker ran per received packet
#   own    total less net_pcap's receive and net_null's transmit (paid by testpmd io too),
#          the ARP tick and flow aging (time-driven: valgrind's slowdown inflates them per
#          packet) and __tls_get_addr (the PMDs')
# and the functions' own (exclusive) instructions per packet, largest first.
#
# usage: tests/bench/fwd_callgrind.sh [--pepgw PATH] [--class mix|syn|ack|data|udp|frag]
#          [--secs S] [--keep DIR]
#   --class  the whole mix (default), or only its SYNs, pure ACKs, TCP data, UDP datagrams or
#            IPv4 fragments (the mix's packets of that kind, in their order)
#   --keep   keep the pcap, config, callgrind output and pepgw's log in DIR
# Needs root (DPDK), valgrind (Debian package valgrind) and python3-scapy. Run it under the
# heavy lock: it keeps one CPU busy for SECS seconds.
set -euo pipefail
# shellcheck source=../e2e/e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/e2e_lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
PEPGW=$LAB_TOP/build/app/pepgw/pepgw
PYTHON=${PYTHON:-/usr/bin/python3}
CLASS=mix
SECS=40
KEEP=""

usage() {
	sed -n '/^# usage:/,/^# Needs root/p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--pepgw) PEPGW=$2; shift 2 ;;
	--class) CLASS=$2; shift 2 ;;
	--secs) SECS=$2; shift 2 ;;
	--keep) KEEP=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "fwd_callgrind: unknown argument $1" >&2; usage ;;
	esac
done

die() { echo "fwd_callgrind: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
[ -x "$PEPGW" ] || die "no pepgw at $PEPGW (build it, or pass --pepgw PATH)"
command -v valgrind >/dev/null || die "no valgrind (Debian package valgrind)"
case "$CLASS" in mix | syn | ack | data | udp | frag) ;; *) die "unknown class $CLASS" ;; esac

if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP"
	WORK=$(cd "$KEEP" && pwd)
else
	WORK=$(mktemp -d /tmp/fwd_callgrind.XXXXXX)
fi
TAG=fc$$

cleanup() { # at exit (lab_at_exit): STATUS
	rm -rf /var/run/dpdk/"$TAG" 2>/dev/null || true
	[ -n "$KEEP" ] || rm -rf "$WORK"
	return "$1"
}
lab_at_exit cleanup

"$PYTHON" "$HERE/make_pcap.py" "$WORK/mix.pcap" mix >/dev/null
PCAP=$WORK/mix.pcap
if [ "$CLASS" != mix ]; then
	PCAP=$WORK/$CLASS.pcap
	"$PYTHON" - "$WORK/mix.pcap" "$PCAP" "$CLASS" <<'EOF'
import sys
from scapy.all import IP, TCP, rdpcap, wrpcap
def kind(p):
    ip = p[IP]
    if ip.flags.MF or ip.frag:
        return "frag"
    if TCP not in p:
        return "udp"
    flags = int(p[TCP].flags)
    if flags & 0x02:
        return "syn"
    return "data" if len(p[TCP].payload) and flags & 0x08 else "ack"
pkts = [p for p in rdpcap(sys.argv[1]) if kind(p) == sys.argv[3]]
wrpcap(sys.argv[2], pkts)
EOF
fi
sed "s#@LAN_DEVICE@#net_pcap0,rx_pcap=$PCAP,infinite_rx=1#" "$HERE/pepgw-bench.json.in" \
	>"$WORK/pepgw.json"
"$PEPGW" --check --config "$WORK/pepgw.json" >/dev/null || die "config refused by pepgw --check"

# SIGINT: pepgw stops cleanly and prints its final counters; valgrind then writes its output.
timeout -s INT "$SECS" valgrind --tool=callgrind --toggle-collect=gw_lcore_main \
	--callgrind-out-file="$WORK/callgrind.out" "$PEPGW" -l 0,1 --no-pci --no-huge -m 512 \
	--file-prefix "$TAG" -- --config "$WORK/pepgw.json" >"$WORK/pepgw.log" 2>&1 || true
[ -s "$WORK/callgrind.out" ] || die "no callgrind output (see $WORK/pepgw.log)"
packets=$(awk '/^final counters/ { f = 1 } f && $1 == "rx_packets" { print $2; exit }' \
	"$WORK/pepgw.log")
if [ -z "$packets" ] || [ "$packets" -eq 0 ]; then
	die "no packets received (see $WORK/pepgw.log)"
fi

echo "pepgw $PEPGW, class $CLASS, $packets packets in ${SECS} s under callgrind"
callgrind_annotate --auto=no --threshold=100 "$WORK/callgrind.out" 2>/dev/null |
	awk -v P="$packets" '
	/PROGRAM TOTALS/ { gsub(",", "", $1); total = $1; next }
	/^ *[0-9,]+ .*:/ {
		n = $1; gsub(",", "", n)
		if (/librte_net_pcap|librte_net_null|net_arp_tick|flow_table_age|tls_get_addr/)
			paid += n
		name = $0; sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "", name); sub(/ \[.*/, "", name)
		sub(/.*\//, "", name)
		if (name ~ /^\?\?\?/ && match($0, /\[[^]]*\]$/)) { # no symbols: the library
			name = substr($0, RSTART + 1, RLENGTH - 2)
			sub(/.*\//, "", name)
		}
		if (n / P >= 1) top[name] += n / P
	}
	END {
		printf "instructions per packet: total %.1f, own %.1f\n", total / P, (total - paid) / P
		for (k in top) printf "  %7.1f  %s\n", top[k], k | "sort -rn"
	}'
[ -z "$KEEP" ] || echo "fwd_callgrind: pcap, config, callgrind output and log in $WORK"
