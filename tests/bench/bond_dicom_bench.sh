#!/usr/bin/env bash
# Bonded tunnel benchmark on dicom-branch (doc/benchmarks.md "Bonded tunnel"): one TCP
# flow client -> server over coax 20 Mbit/s 15 ms + LTE 10 Mbit/s 30 ms one way (MTU 1440 drop,
# 0.5 % loss each way, tests/bench/wanem-dicom-bench.json.tpl = config/wanem/dicom-branch.json
# with a loss seed per link), and the references over the same wanem links in the same
# invocation, each repetition with its own seeds. Not part of the test suite; run it under the
# heavy lock:
#
#   flock /tmp/pepgw-heavy.lock tests/bench/bond_dicom_bench.sh [--runs N] [--secs S]
#       [--seed BASE] [--only ROW]... [--no-failover]
#
# Rows (one iperf3 upload each, goodput = the server's end.sum_received):
#   linux-{cubic,bbr}-{coax,lte}  Linux TCP over one link alone, hosts at MTU 1440 (two links
#                           between the namespaces, client 172.16.k.1, server 172.16.k.2);
#                           the sum of the two single-link rows is the reference
#   mptcp-{cubic,bbr}       Linux MPTCP (mptcpize run iperf3), one subflow per link: the
#                           server announces 172.16.2.2 (ip mptcp endpoint ... signal), the
#                           client opens the second subflow to it over LTE
#   openvpn-{cubic,bbr}     OpenVPN 2.6 (static key, UDP, AES-256-CBC + HMAC-SHA256) over the
#                           coax link with --mssfix 1440 mtu, hosts at MTU 1500 (the seeds'
#                           fast reference)
#   pepgw-SCHED             pepgw A and B in paired accelerate mode (topology (b), templates
#                           tests/bench/pepgw-bond-{a,b}.json.tpl: WAN profile "rate" at the
#                           links' sum, 30 Mbit/s with the tunnel's 56 bytes) per scheduler
#                           (the peer's bond profile: the accelerate rule has none);
#                           run only when `pepgw --check` accepts the paired configuration,
#                           otherwise (a build without paired mode) reported as
#                           skipped with pepgw's reason
#   pepgw-tunnel-{cubic,bbr}  the same pair with action "tunnel" only (the paired rule left
#                           out), dynamic: the end hosts' own TCP across the bond (hosts at
#                           MTU 1500, MSS clamped to the tunnel's); run when `pepgw --check`
#                           takes that configuration
# Failover (not with --no-failover): mptcp-bbr and pepgw-dynamic run again for 16 s with coax
# cut at 6 s for 5 s, both ways and then client -> server only (wanemctl down coax
# both|a2b). From the server's goodput trace (iperf3 -i 0.1): the longest stretch without a
# byte from the cut on, and the resume time (after the first 100 ms below half of LTE's
# rate within 2 s of the cut, the first one back above it; 0 = no dip). The cut's time comes
# from the client's start (+- one RTT of connection set-up).
# Output: one line per run on stderr, then markdown tables (medians over the runs) on stdout.
# Env: LAB_BUILD (a build with app/pepgw/pepgw and app/wanem/wanem), as for the e2e tests;
# BOND_WAN_RATE_MBPS ("auto" or Mbit/s) and BOND_WAN_TIMESTAMPS (false) for the pepgw WAN legs.
set -u
CC=
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../e2e/e2e_lib.sh
. "$top/tests/e2e/e2e_lib.sh"
PY=/usr/bin/python3
wanem_tpl=$here/wanem-dicom-bench.json.tpl
pepgw_bin=${LAB_PEPGW:-$LAB_BUILD/app/pepgw/pepgw}
wanemctl=${LAB_WANEMCTL:-$LAB_BUILD/app/wanem/wanemctl}

runs=3
secs=20
# The pepgw WAN legs' rate (env): "auto" (the tunnel's capacity: the links' configured rates
# less 2 %) or Mbit/s counted with 56 B a packet; their TCP timestamps (env): off, the pair's own
# TCP needs no PAWS at these rates, and each segment carries 12 more bytes of payload.
wan_rate=${BOND_WAN_RATE_MBPS:-'"auto"'}
wan_ts=${BOND_WAN_TIMESTAMPS:-false}
seed0=1
failover=1
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2 && shift 2 ;;
	--secs) secs=$2 && shift 2 ;;
	--seed) seed0=$2 && shift 2 ;;
	--only) only+=("$2") && shift 2 ;;
	--no-failover) failover=0 && shift ;;
	*) echo "usage: $0 [--runs N] [--secs S] [--seed BASE] [--only ROW]... [--no-failover]" >&2
		exit 1 ;;
	esac
done
scheds=(dynamic weighted round_robin active_backup duplicate)
want() { [ ${#only[@]} -eq 0 ] || printf '%s\n' "${only[@]}" | grep -qxF "$1"; }

for c in iperf3 jq mptcpize openvpn; do
	command -v "$c" >/dev/null || echo "# $c missing (apt-get install ${c/iperf3/iperf3}):" \
		"its rows are skipped" >&2
done
if ! sysctl -n net.ipv4.tcp_available_congestion_control | grep -qw bbr; then
	modprobe tcp_bbr 2>/dev/null || true
fi

work=$(mktemp -d)
results=$work/results
: >"$results"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), tree $(git -C "$top" rev-parse --short \
HEAD), $runs run(s) of $secs s, seeds from $seed0, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# parse JSON [CUT_AT CUT_DIR]: "mbps retransmits" or, with a cut, the failover figures.
parse() {
	$PY - "$@" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    e = d["end"]
except (ValueError, KeyError, OSError):
    print("0 -1" if len(sys.argv) < 3 else "-1 -1 0 0 0")
    sys.exit(0)
rx = e["sum_received"]["bits_per_second"] / 1e6
try:  # the sender's retransmits are in the client's JSON
    rtx = json.load(open(sys.argv[1][:-len(".json")] + ".cli"))["end"]["sum_sent"]["retransmits"]
except (ValueError, KeyError, OSError):
    rtx = -1
if len(sys.argv) < 3:
    print("%.3f %d" % (rx, rtx))
    sys.exit(0)
cut = float(sys.argv[2])
iv = [(i["sum"]["end"], i["sum"]["bytes"] * 8 / i["sum"]["seconds"] / 1e6)
      for i in d["intervals"] if i["sum"]["seconds"] > 0]
half = 10 * 0.5  # half of LTE's rate, Mbit/s
after = [(t, r) for t, r in iv if t > cut]
stall = run = 0.0
for t, r in after:
    run = run + 0.1 if r == 0 else 0
    stall = max(stall, run)
resume, dip = 0.0, None
for t, r in after:
    if dip is None and r < half and t - cut <= 2.1:
        dip = t
    elif dip is not None and r >= half:
        resume = t - 0.1 - cut
        break
else:
    if dip is not None:
        resume = -1
mean = lambda xs: sum(xs) / len(xs) if xs else 0
before = mean([r for t, r in iv if cut - 4 < t <= cut])
during = mean([r for t, r in iv if cut + 1 < t <= cut + 5])
print("%.0f %.0f %.2f %.2f %.3f" % (1000 * stall, 1000 * resume, before, during, rx))
EOF
}

# iperf_run NAME HOST SERVER_HOST SERVER_IP PORT [CLIENT_PREFIX...]: one upload; the server's
# JSON in $work/NAME.json, the client's in $work/NAME.cli. The server binds to SERVER_IP,
# except with a prefix (mptcpize): a join to its other address needs a listener there too.
#
# JSON in $work/NAME.json. With CUT="at dir" set, coax is cut as described above; CC (cubic,
# bbr) is the sender's algorithm (iperf3 -C: a namespace may only pick the algorithms in the
# root namespace's net.ipv4.tcp_allowed_congestion_control, a socket of root any loaded one).
iperf_run() {
	local name=$1 chost=$2 shost=$3 sip=$4 port=$5 wrap=() json=$work/$1.json t=$secs cutter=
	shift 5
	wrap=("$@")
	local bind=(-B "$sip")
	[ ${#wrap[@]} -eq 0 ] || bind=()
	lab_bg "$shost" "srv-$name" "${wrap[@]}" iperf3 -s -1 -J -i 0.1 "${bind[@]}" -p "$port"
	lab_wait_listen "$shost" "$port"
	[ -z "${CUT:-}" ] || t=16
	if [ -n "${CUT:-}" ]; then
		read -r at dir <<<"$CUT"
		(sleep "$at" && "$wanemctl" --file-prefix "$LAB_PREFIX-wanem" down coax "$dir" &&
			sleep 5 && "$wanemctl" --file-prefix "$LAB_PREFIX-wanem" up coax "$dir") \
			>/dev/null &
		cutter=$!
	fi
	lab_exec "$chost" "${wrap[@]}" iperf3 -c "$sip" -p "$port" -t "$t" ${CC:+-C "$CC"} -J \
		>"$work/$name.cli" || true
	[ -z "$cutter" ] || wait "$cutter" || true
	lab_poll 10 eval "! lab_running srv-$name" || lab_stop "srv-$name"
	sed -n '/^{/,$p' "$LAB_DIR/srv-$name.log" >"$json"
}

record() { # ROW RUN JSON-NAME: a goodput line
	local mbps retr
	read -r mbps retr < <(parse "$work/$3.json")
	echo "goodput $1 $2 $mbps $retr" | tee -a "$results" >&2
}

record_cut() { # ROW RUN JSON-NAME DIR
	local f
	f=$(parse "$work/$3.json" 6 "$4")
	echo "failover $1 $4 $2 $f" | tee -a "$results" >&2
}

# The references: client and server joined by both links through wanem, no gateway.
refs() {
	local r=$1 k cc row
	lab_init
	lab_set SEED_COAX $((seed0 + r * 2))
	lab_set SEED_LTE $((seed0 + r * 2 + 1))
	lab_host client
	lab_host server
	for k in 1 2; do
		lab_link_host "E${k}A" client "c$k" "172.16.$k.1/24" --mtu 1440
		lab_link_host "E${k}B" server "s$k" "172.16.$k.2/24" --mtu 1440
	done
	lab_wanem wanem 0 "$wanem_tpl"
	lab_wait_ping client 172.16.1.2
	lab_wait_ping client 172.16.2.2
	for cc in cubic bbr; do
		CC=$cc
		for k in 1 2; do
			row=linux-$cc-coax
			[ $k = 1 ] || row=linux-$cc-lte
			want "$row" || continue
			iperf_run "$row-$r" client server "172.16.$k.2" $((5200 + k))
			record "$row" "$r" "$row-$r"
		done
		if want mptcp-$cc && command -v mptcpize >/dev/null; then
			for h in client server; do
				lab_exec "$h" sysctl -qw net.mptcp.enabled=1
				lab_exec "$h" ip mptcp limits set subflow 2 add_addr_accepted 2
			done
			lab_exec server ip mptcp endpoint flush
			lab_exec server ip mptcp endpoint add 172.16.2.2 dev s2 signal
			local tx0
			tx0=$(lab_exec client cat /sys/class/net/c2/statistics/tx_bytes)
			iperf_run "mptcp-$cc-$r" client server 172.16.1.2 5210 mptcpize run
			record "mptcp-$cc" "$r" "mptcp-$cc-$r"
			echo "lte_share mptcp-$cc $r $((($(lab_exec client cat \
/sys/class/net/c2/statistics/tx_bytes) - tx0) / 1000000))" | tee -a "$results" >&2
			if [ "$failover" = 1 ] && [ $cc = bbr ] && [ "$r" = 1 ]; then
				for d in both a2b; do
					CUT="6 $d" iperf_run "mptcp-cut-$d-$r" client server 172.16.1.2 \
						5211 mptcpize run
					record_cut mptcp-bbr "$r" "mptcp-cut-$d-$r" "$d"
				done
			fi
		fi
		if want openvpn-$cc && command -v openvpn >/dev/null; then
			openvpn_row "$cc" "$r"
		fi
	done
	CC=
	lab_teardown 0
}

# OpenVPN over coax: tun 10.8.0.1 (client) -- 10.8.0.2 (server), outer 172.16.1.x.
openvpn_row() {
	local cc=$1 r=$2 key=$LAB_DIR/ovpn.key h
	[ -r "$key" ] || openvpn --genkey secret "$key" >/dev/null 2>&1
	local common=(--dev tun0 --proto udp --secret "$key" --cipher AES-256-CBC --auth SHA256
		--mssfix 1440 mtu --verb 1 --ping 1)
	lab_bg server "ovpn-s-$cc" openvpn "${common[@]}" --local 172.16.1.2 --lport 1194 \
		--ifconfig 10.8.0.2 10.8.0.1
	lab_bg client "ovpn-c-$cc" openvpn "${common[@]}" --remote 172.16.1.2 1194 --nobind \
		--ifconfig 10.8.0.1 10.8.0.2
	lab_exec client ip link set c1 mtu 1500
	lab_exec server ip link set s1 mtu 1500
	if lab_poll 20 lab_exec client ping -n -q -c 1 -W 1 10.8.0.2 >/dev/null; then
		iperf_run "openvpn-$cc-$r" client server 10.8.0.2 5220
		record "openvpn-$cc" "$r" "openvpn-$cc-$r"
	else
		echo "# openvpn-$cc run $r: tunnel not up: $(tail -2 "$LAB_DIR/ovpn-c-$cc.log")" >&2
	fi
	lab_stop "ovpn-c-$cc"
	lab_stop "ovpn-s-$cc"
	lab_exec client ip link set c1 mtu 1440
	lab_exec server ip link set s1 mtu 1440
}

# pepgw paired: A and B over the same wanem template and seeds, one row per scheduler.
# tunnel-only templates: the paired rule left out
sed '/"name": "paired"/,/"handshake": "deferred"},/d' "$here/pepgw-bond-a.json.tpl" \
	>"$work/tunnel-a.json.tpl"
sed '/"name": "paired"/,/"handshake": "deferred"},/d' "$here/pepgw-bond-b.json.tpl" \
	>"$work/tunnel-b.json.tpl"

pepgw_check() { # SCHED [DIR]: 0 when this build takes the pair's configuration (DIR/*.tpl)
	local d=$work/check t src=${2:-$here}
	mkdir -p "$d"
	head -c 32 /dev/urandom | base64 >"$d/key" && chmod 600 "$d/key"
	for t in a b; do
		env LAN_DEV=d0 LAN_ADDR=10.10.0.1/24 WAN1_DEV=d1 WAN1_ADDR=172.16.1.1/24 WAN2_DEV=d2 \
			WAN2_ADDR=172.16.2.1/24 BLAN_DEV=d0 BLAN_ADDR=10.20.0.1/24 BW1_DEV=d1 \
			BW1_ADDR=172.16.1.2/24 BW2_DEV=d2 BW2_ADDR=172.16.2.2/24 BW1_IP=172.16.1.2 \
			BW2_IP=172.16.2.2 TUN_KEY="$d/key" WAN_RATE_MBPS=30 WAN_TIMESTAMPS=true BOND_SCHED="$1" \
			envsubst <"$src/pepgw-bond-$t.json.tpl" >"$d/$t.json"
		"$pepgw_bin" --check --config "$d/$t.json" >"$d/$t.out" 2>&1 || return 1
	done
}

# pepgw_pair RUN SCHED RATE TEMPLATE_A TEMPLATE_B: a lab with the pair over the bench's wanem.
pepgw_pair() {
	lab_init
	lab_set SEED_COAX $((seed0 + $1 * 2))
	lab_set SEED_LTE $((seed0 + $1 * 2 + 1))
	head -c 32 /dev/urandom | base64 >"$LAB_DIR/tunnel.key"
	chmod 600 "$LAB_DIR/tunnel.key"
	lab_set TUN_KEY "$LAB_DIR/tunnel.key"
	lab_set BOND_SCHED "$2"
	lab_set WAN_RATE_MBPS "$3"
	lab_set WAN_TIMESTAMPS "$wan_ts"
	lab_topo_paired --links 2 --pepgw-a "$4" --pepgw-b "$5" --wanem "$wanem_tpl" --mtu 1500
}

pepgw_tunnel_rows() {
	local r=$1 cc sip
	want pepgw-tunnel-cubic || want pepgw-tunnel-bbr || return 0
	mkdir -p "$work/tun"
	cp "$work/tunnel-a.json.tpl" "$work/tun/pepgw-bond-a.json.tpl"
	cp "$work/tunnel-b.json.tpl" "$work/tun/pepgw-bond-b.json.tpl"
	if ! pepgw_check dynamic "$work/tun"; then
		echo "# pepgw-tunnel rows skipped: $(head -c 300 "$work/check/a.out" | tr '\n' ' ')" >&2
		return 0
	fi
	pepgw_pair "$r" dynamic 30 "$work/tunnel-a.json.tpl" "$work/tunnel-b.json.tpl"
	sip=$(lab_get SERVER_IP)
	for cc in cubic bbr; do
		want "pepgw-tunnel-$cc" || continue
		CC=$cc iperf_run "pepgw-tunnel-$cc-$r" client server "$sip" 5203
		record "pepgw-tunnel-$cc" "$r" "pepgw-tunnel-$cc-$r"
	done
	lab_teardown 0
}

pepgw_rows() {
	local r=$1 s g
	pepgw_tunnel_rows "$r"
	if ! pepgw_check dynamic; then
		echo "# pepgw rows skipped: this build refuses the paired configuration:" \
			"$(cat "$work/check/a.out" "$work/check/b.out" 2>/dev/null | head -c 400 |
				tr '\n' ' ')" >&2
		echo "skipped pepgw" >>"$results"
		return 0
	fi
	for s in "${scheds[@]}"; do
		want "pepgw-$s" || continue
		# active_backup carries on coax alone: its rate is coax's
		pepgw_pair "$r" "$s" "$([ "$s" = active_backup ] && echo 20 || echo "$wan_rate")" \
			"$here/pepgw-bond-a.json.tpl" "$here/pepgw-bond-b.json.tpl"
		local sip
		sip=$(lab_get SERVER_IP)
		iperf_run "pepgw-$s-$r" client server "$sip" 5201
		record "pepgw-$s" "$r" "pepgw-$s-$r"
		# which gateway split what: the connection counters of A and B
		for g in gwa gwb; do
			echo "# pepgw-$s run $r $g /pepgw/tcp: $(E2E_GW=$g tel_query /pepgw/tcp |
				jq -c '.[] | with_entries(select(.key | test("conn|open|accept|relay|split")))' \
				2>/dev/null)" >&2
		done
		if [ "$failover" = 1 ] && [ "$s" = dynamic ] && [ "$r" = 1 ]; then
			for d in both a2b; do
				CUT="6 $d" iperf_run "pepgw-cut-$d-$r" client server "$sip" 5202
				record_cut pepgw-dynamic "$r" "pepgw-cut-$d-$r" "$d"
			done
		fi
		lab_teardown 0
	done
}

for r in $(seq 1 "$runs"); do
	refs "$r"
	pepgw_rows "$r"
done

$PY - "$results" <<'EOF'
import statistics, sys
rows, cuts, skipped, lte = {}, {}, False, {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "goodput":
        rows.setdefault(f[1], []).append((float(f[3]), int(f[4])))
    elif f[0] == "failover":
        cuts.setdefault((f[1], f[2]), []).append(f[4:])
    elif f[0] == "skipped":
        skipped = True
    elif f[0] == "lte_share":
        lte.setdefault(f[1], []).append(f[3])
med = statistics.median
g = {k: med(m for m, _ in v) for k, v in rows.items()}
print("| row | goodput Mbit/s (median) | runs | retransmits (median) |")
print("|---|---|---|---|")
for k, v in rows.items():
    print("| %s | %.2f | %s | %d |" % (k, g[k], " / ".join("%.2f" % m for m, _ in v),
                                       med(r for _, r in v)))
for cc in ("cubic", "bbr"):
    a, b = g.get("linux-%s-coax" % cc), g.get("linux-%s-lte" % cc)
    if a is not None and b is not None:
        ref = a + b
        print("\nreference linux-%s coax + lte = %.2f Mbit/s" % (cc, ref))
        # the same algorithm's rows, and pepgw's (its WAN leg runs its own)
        for k in sorted(g):
            if k.startswith(("mptcp-" + cc, "openvpn-" + cc, "pepgw-tunnel-" + cc)) or (
                    k.startswith("pepgw-") and not k.startswith("pepgw-tunnel-")):
                print("  %s: %.1f %% of it" % (k, 100 * g[k] / ref))
if cuts:
    print("\n| row | cut | longest stall ms | resume ms | before Mbit/s | during Mbit/s |")
    print("|---|---|---|---|---|---|")
    for (k, d), v in cuts.items():
        for x in v:
            print("| %s | %s | %s | %s | %s | %s |" % (k, d, x[0], x[1], x[2], x[3]))
for k, v in lte.items():
    print("%s: MB sent on LTE per run: %s" % (k, " ".join(v)))
if skipped:
    print("\npepgw rows skipped: this build does not take the paired configuration")
EOF
rm -rf "$work"
