#!/usr/bin/env bash
# pepgw's port counters when a net_memif peer goes away:
#
#   dpdk-testpmd: net_pcap (256 frames, read once) -> net_memif server ═ memif ═ lan0 [pepgw]
#   wan0 net_null (static next hop)
#
# DPDK 22.11's memif PMD sums its counters over the rings of the live connection only, so its
# ipackets read 0 once the peer has disconnected. pepgw counts per port itself: after the peer
# quits and pepgw gets SIGTERM, the exit summary still shows every frame the peer sent (its
# memif opackets, read while it ran) as lan0's rx_packets, and every forwarded one as wan0's
# tx_packets.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"

lab_init
sock=$LAB_DIR/memif.sock
lab_set MEMIF_SOCK "$sock"
"$E2E_PY" "$here/../bench/make_pcap.py" "$LAB_DIR/mix.pcap" 64 >/dev/null ||
	lab_die "make_pcap.py failed"
frames=256

# The peer: testpmd, interactive on a FIFO (forwarding starts only once pepgw is connected;
# --no-flush-rx, or "start" would drain the pcap before forwarding).
mkfifo "$LAB_DIR/gen.in"
exec 7<>"$LAB_DIR/gen.in"
lab_bg - gen bash -c "exec dpdk-testpmd --file-prefix=$LAB_PREFIX-gen --no-huge -m 512 \
	--no-pci --lcores '(0,1)@0' --vdev net_pcap0,rx_pcap=$LAB_DIR/mix.pcap \
	--vdev net_memif0,role=server,id=0,socket=$sock,socket-abstract=no -- -i \
	--forward-mode=io --no-flush-rx --total-num-mbufs=8192 <$LAB_DIR/gen.in"
# Its memif socket exists from EAL start-up, but the port refuses a client until it is started
# ("ID 0 not found") and DPDK 22.11's client never retries: wait for testpmd's port start.
lab_wait_log gen 'Checking link statuses' || lab_die "testpmd did not start its ports"
lab_pepgw gw 1 "$here/pepgw-memif-peer.json.tpl"

gen() { E2E_GW=gen tel "$@"; } # testpmd's telemetry, e.g. gen /ethdev/stats,1 opackets
port() { gwctl --json show ports | jq -r ".$1.$2"; }
link_is() { [ "$(port lan0 link_up)" = "$1" ]; }
lab_poll 20 link_is 1 || lab_die "lan0 (memif) never came up"

echo start >&7
# All 256 frames read from the pcap, and pepgw has received all that testpmd put on memif.
settled() {
	sent=$(gen /ethdev/stats,1 opackets)
	[ "$(gen /ethdev/stats,0 ipackets)" = "$frames" ] && [ "$sent" -gt 0 ] &&
		[ "$(port lan0 rx_packets)" = "$sent" ]
}
lab_poll 20 settled || lab_die "traffic did not settle: sent ${sent:-?}, pepgw $(port lan0 rx_packets)"
forwarded=$(tel /pepgw/counters forwarded)
echo "peer connected: testpmd sent $sent on memif, pepgw lan0 rx_packets $(port lan0 rx_packets)"
check_eq "peer connected: the memif PMD's lan0 ipackets agree with what testpmd sent" \
	"$(port lan0 ipackets)" "$sent"
check_eq "peer connected: wan0 tx_packets are the forwarded count" "$(port wan0 tx_packets)" "$forwarded"

back=$(gen /ethdev/stats,1 ipackets) # what pepgw sent to the peer (none expected)
# The peer quits: pepgw's memif port goes down and the PMD's own counters read 0.
echo quit >&7
gen_gone() { ! lab_running gen; }
check_poll "testpmd quits" 20 gen_gone
lab_poll 20 link_is 0 || lab_die "lan0 still up after the peer quit"
echo "note: after the disconnect the memif PMD reports lan0 ipackets $(port lan0 ipackets)"

lab_stop gw
line=$(grep -E '^  port lan0 ' "$LAB_DIR/gw.log")
wline=$(grep -E '^  port wan0 ' "$LAB_DIR/gw.log")
check_match "exit summary after the peer left: lan0 rx_packets $sent tx_packets $back, link down" \
	"$line" " rx_packets $sent tx_packets $back;.*link down$"
check_match "exit summary: wan0 tx_packets $forwarded" "$wline" " tx_packets $forwarded;"
exec 7>&-
e2e_finish
