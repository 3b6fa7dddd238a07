#!/usr/bin/env bash
# The stock dpdk-dumpcap attaches to a running pepgw (rte_pdump_init at start-up) and writes
# what pepgw transmits. Needs what a secondary process needs: a file prefix and hugepages (the
# labs' --no-huge memory cannot be mapped by another process, nor --in-memory's memfd pages),
# so this story runs its own gateway on a hugetlbfs it mounts (and unmounts) in a temp dir: net_pcap replay of the forwarding bench's mix on lan0, forwarded to net_null on wan0.
# dpdk-dumpcap captures 100 packets on wan0: all forwarded (TTL 63, the next hop's MAC).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${LAB_BUILD:-$root/build}
dir=$(mktemp -d)
prefix=pepgw-dumpcap-$$
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -INT "$pid"
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null
	fi
	mountpoint -q "$dir/huge" && umount "$dir/huge"
	rm -rf "$dir" "/var/run/dpdk/$prefix"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

if [ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -lt 128 ]; then
	echo "SKIP: fewer than 128 free hugepages"
	exit 77
fi
mkdir "$dir/huge"
mount -t hugetlbfs -o pagesize=2M nodev "$dir/huge" || { echo "SKIP: cannot mount hugetlbfs"; exit 77; }
/usr/bin/python3 "$root/tests/bench/make_pcap.py" "$dir/mix.pcap" 64 >/dev/null
sed -e "s#@LAN_DEVICE@#net_pcap0,rx_pcap=$dir/mix.pcap,infinite_rx=1#" \
	-e 's#"idle_sleep_us": 0#"idle_sleep_us": 100#' \
	"$root/tests/bench/pepgw-bench.json.in" >"$dir/gw.json"
"$build/app/pepgw/pepgw" -l 1 --file-prefix "$prefix" --huge-dir "$dir/huge" -m 256 --no-pci -- \
	--config "$dir/gw.json" >"$dir/gw.log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 100); do grep -q '^pepgw: ready' "$dir/gw.log" && break; sleep 0.1; done
grep -q '^pepgw: ready' "$dir/gw.log" || { fail "pepgw not ready: $(tail -5 "$dir/gw.log")"; exit 1; }
if grep -q 'dpdk-dumpcap cannot attach' "$dir/gw.log"; then
	fail "$(grep 'dpdk-dumpcap cannot attach' "$dir/gw.log")"
fi

timeout 30 dpdk-dumpcap --file-prefix="$prefix" -i net_null0 -c 100 -q -w "$dir/wan0.pcapng" \
	>"$dir/dumpcap.log" 2>&1 || fail "dpdk-dumpcap: $(tail -3 "$dir/dumpcap.log")"
n=$(tshark -r "$dir/wan0.pcapng" -n -T fields -e frame.number 2>/dev/null | wc -l)
fwd=$(tshark -r "$dir/wan0.pcapng" -n -Y 'eth.dst == 02:00:00:00:02:fe && ip.ttl == 63 &&
	ip.dst == 10.2.0.0/16' -T fields -e frame.number 2>/dev/null | wc -l)
if [ "$n" -eq 100 ] && [ "$fwd" -eq 100 ]; then
	pass "dpdk-dumpcap attached to pepgw (prefix $prefix): 100 packets on wan0, all forwarded"
else
	fail "dpdk-dumpcap: $n packets, $fwd forwarded ones"
fi
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
