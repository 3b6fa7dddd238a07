#!/usr/bin/env bash
# The stock dpdk-dumpcap attaches to a running pepgw (rte_pdump_init at start-up) and writes
# what pepgw transmits. Needs what a secondary process needs: a file prefix and hugepages (the
# labs' --no-huge memory cannot be mapped by another process, nor --in-memory's memfd pages),
# so this story runs its own gateway on a hugetlbfs it mounts (and unmounts) in its run dir:
# net_pcap replay of the forwarding bench's mix on lan0, forwarded to net_null on wan0.
# dpdk-dumpcap -c 100 on wan0: at least 100 packets, all forwarded (TTL 63, the next hop's MAC).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"

if [ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -lt 128 ]; then
	echo "SKIP: fewer than 128 free hugepages"
	exit 77
fi
lab_init
huge=$LAB_DIR/huge
umount_huge() { # before the teardown: stop pepgw first, its hugepage files keep the mount busy
	if mountpoint -q "$huge"; then
		[ -z "${LAB_PID[gw]:-}" ] || lab_stop gw
		umount "$huge" || return 1
	fi
	return "$1"
}
lab_at_exit umount_huge
mkdir "$huge"
mount -t hugetlbfs -o pagesize=2M nodev "$huge"
prefix=$LAB_PREFIX-gw
"$E2E_PY" "$LAB_TOP/tests/bench/make_pcap.py" "$LAB_DIR/mix.pcap" 64 >/dev/null
sed -e "s#@LAN_DEVICE@#net_pcap0,rx_pcap=$LAB_DIR/mix.pcap,infinite_rx=1#" \
	-e 's#"idle_sleep_us": 0#"idle_sleep_us": 100#' \
	"$LAB_TOP/tests/bench/pepgw-bench.json.in" >"$LAB_DIR/gw.json"
lab_bg - gw "$LAB_BUILD/app/pepgw/pepgw" -l 1 --file-prefix "$prefix" --huge-dir "$huge" \
	-m 256 --no-pci -- --config "$LAB_DIR/gw.json"
lab_wait_log gw '^pepgw: ready' 20
check_eq "rte_pdump_init at start-up" "$(grep -c 'dpdk-dumpcap cannot attach' "$LAB_DIR/gw.log" || true)" 0

rc=0
lab_exec - dpdk-dumpcap --file-prefix="$prefix" -i net_null0 -c 100 -q \
	-w "$LAB_DIR/wan0.pcapng" >"$LAB_DIR/dumpcap.log" 2>&1 || rc=$?
check_eq "dpdk-dumpcap attached and exited" "$rc" 0
n=$(tshark -r "$LAB_DIR/wan0.pcapng" -n -T fields -e frame.number 2>/dev/null | wc -l)
fwd=$(tshark -r "$LAB_DIR/wan0.pcapng" -n -Y 'eth.dst == 02:00:00:00:02:fe && ip.ttl == 63 &&
	ip.dst == 10.2.0.0/16' -T fields -e frame.number 2>/dev/null | wc -l)
# -c stops after the burst that reaches the count: whole bursts are written.
check_ge "dpdk-dumpcap wrote at least 100 packets of wan0" "$n" 100
check_eq "... all of them forwarded by pepgw (TTL 63, next hop's MAC)" "$fwd" "$n"

e2e_finish
