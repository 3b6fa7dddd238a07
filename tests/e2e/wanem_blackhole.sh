#!/usr/bin/env bash
# wanem blackhole through the lab, topology (c): client 10.0.0.1 — wanem — server 10.0.0.2,
# 50 ms each way (tests/e2e/wanem-accuracy.json.tpl, delay raised through the control socket).
#
# The story: two sequence-numbered UDP streams run at 1000 datagrams/s, client → server (a2b)
# and server → client (b2a); every arrival is time-stamped at the receiver (CLOCK_REALTIME, the
# same clock in every namespace). While they run, the control socket
#   1. blackholes both directions: from wanem's "ok" on, nothing more arrives after 10 ms in
#      either direction — not even the ~50 datagrams per direction that were already inside
#      the 50 ms delay line (a cut cable, not a closed tap);
#   2. lifts it: both streams arrive again within the 50 ms delay + 10 ms;
#   3. blackholes a2b only: a2b stops within 10 ms, b2a keeps arriving without a gap;
#   4. lifts it: a2b resumes.
# The 10 ms bound cannot be met if the blackhole only stopped new packets (the delay line would
# keep delivering for 50 ms; the delay is that long so that a control thread that acknowledges
# a few ms late, as on a loaded 2-core machine, cannot hide it), nor if it came late; the gap
# checks fail if the other direction were blackholed too; the "was flowing" checks keep every
# window from passing vacuously.
set -u
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

pps=1000
count=30000 # 30 s at most: the senders are stopped once the four steps are done
delay_s=0.050
stop_bound_s=0.010

lab_init
lab_topo_baseline --wanem "$E2E_HERE/wanem-accuracy.json.tpl" --cpu 0
client=$(lab_get CLIENT_IP)
server=$(lab_get SERVER_IP)
we_ctl set l1 both delay_ms "$(py "$delay_s * 1000")"

we_udp_recv server rx_a2b "$server" 6002 --arrivals --out "$LAB_DIR/a2b.json" --idle 30 --max 60
we_udp_recv client rx_b2a "$client" 6003 --arrivals --out "$LAB_DIR/b2a.json" --idle 30 --max 60
we_udp_bg client tx_a2b send --dst "$server" --port 6002 --count $count --pps $pps
we_udp_bg server tx_b2a send --dst "$client" --port 6003 --count $count --pps $pps

# wait_for DIR COUNTER N: until a counter of l1 DIR grew by N (at 1000/s: N ms of the stream).
wait_for() {
	check_poll "l1 $1: $3 more $2" 10 we_ge $(($(we_stat l1 "$1" "$2") + $3)) l1 "$1" "$2"
}
# ctl NAME CMD...: a control command whose send and acknowledgement times go to NAME.t.
ctl() {
	local name=$1
	shift
	check "control command '$*' acknowledged" timed_ctl "$LAB_DIR/$name.t" "$@"
}
timed_ctl() { # FILE CMD...
	local file=$1
	shift
	we_udp - ctl --socket "$(we_socket)" "$@" >"$file"
}
drained() {
	we_le 0 l1 a2b delay_line_packets && we_le 0 l1 b2a delay_line_packets
}

wait_for a2b out_packets 800
ctl down_both down l1 both
wait_for a2b drop_blackhole 800
ctl up_both up l1 both
wait_for a2b out_packets 800
ctl down_a2b down l1 a2b
wait_for a2b drop_blackhole 800
ctl up_a2b up l1 a2b
wait_for a2b out_packets 500
# Stop the senders, let the delay lines drain, then stop the receivers (SIGTERM: they write their
# arrivals). Nothing here depends on how long the steps took on a loaded machine.
check "sender a2b still running after the last step" lab_running tx_a2b
check "sender b2a still running after the last step" lab_running tx_b2a
lab_stop tx_a2b
lab_stop tx_b2a
check_poll "delay lines drained" 10 drained
lab_stop rx_a2b
lab_stop rx_b2a
check_poll "receivers finished" 10 test -s "$LAB_DIR/a2b.json" -a -s "$LAB_DIR/b2a.json"

# The verdicts: one "ok:" or "FAIL:" line per check.
"$E2E_PY" - "$LAB_DIR" "$delay_s" "$stop_bound_s" "$pps" >"$LAB_DIR/verdicts" <<'EOF'
import json, sys
d, delay, bound, pps = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
arr = {k: sorted(a[2] for a in json.load(open(f"{d}/{k}.json"))["arrivals"])
       for k in ("a2b", "b2a")}
t = {}
for n in ("down_both", "up_both", "down_a2b", "up_a2b"):
    s, a, _ = open(f"{d}/{n}.t").read().split()
    t[n] = (float(s), float(a))

def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)

def stops(k, down, up):
    """Delivery in direction k stops within the bound of down's ack, until up is sent."""
    (ds, da), (us, _) = t[down], t[up]
    flowing = [x for x in arr[k] if ds - 0.1 <= x <= ds]
    during = [x for x in arr[k] if da < x < us]
    late = max(during, default=da) - da
    check(len(flowing) >= 50,
          f"{k} was flowing before '{down}' ({len(flowing)} in the last 100 ms)")
    check(late <= bound,
          f"{k} stops after '{down}': last arrival {late * 1e3:.2f} ms after the ack "
          f"(ack {(da - ds) * 1e3:.2f} ms after the command), bound {bound * 1e3:.0f} ms")

def resumes(k, up):
    us, ua = t[up]
    after = [x for x in arr[k] if x > us]
    first = (after[0] - ua) if after else float("inf")
    # Resuming is about delivery, not timing: the first datagram sent after the ack needs the
    # delay plus the sender's pacing (a python loop, late by a few ms on a loaded machine).
    check(first <= delay + 0.05,
          f"{k} resumes after '{up}': first arrival {first * 1e3:.2f} ms after the ack "
          f"(delay {delay * 1e3:.0f} ms + up to 50 ms)")
    check(len([x for x in after if x <= us + 0.5]) >= 0.9 * (0.5 - delay) * pps,
          f"{k} delivers again after '{up}' ({len(after)} arrivals)")

def keeps_flowing(k, down, up):
    (ds, _), (_, ua) = t[down], t[up]
    during = [x for x in arr[k] if ds <= x <= ua]
    gaps = [b - a for a, b in zip([ds] + during, during + [ua])]
    # A blackhole here would leave a gap as long as the window (~0.8 s); 0.2 s leaves room for
    # a sender descheduled on a loaded machine.
    check(len(during) >= 0.9 * (ua - ds) * pps and max(gaps) < 0.2,
          f"{k} unaffected while only the other way is down: {len(during)} arrivals in "
          f"{(ua - ds) * 1e3:.0f} ms, largest gap {max(gaps) * 1e3:.1f} ms")

stops("a2b", "down_both", "up_both")
stops("b2a", "down_both", "up_both")
resumes("a2b", "up_both")
resumes("b2a", "up_both")
stops("a2b", "down_a2b", "up_a2b")
keeps_flowing("b2a", "down_a2b", "up_a2b")
resumes("a2b", "up_a2b")
EOF
e2e_verdicts "$LAB_DIR/verdicts" 13
check_gt "b2a counted blackhole drops" "$(we_stat l1 b2a drop_blackhole)" 0
check "wanem still running" lab_running wanem

e2e_finish
