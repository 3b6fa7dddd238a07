# shellcheck shell=bash
# pepgw lab: named topologies in network namespaces for e2e tests, benchmarks and the demo.
#
# Source this file from a bash script, call lab_init, build a topology, test, and let the traps
# tear everything down (EXIT, INT, TERM, HUP, and ERR, which turns a failing command into an exit).
# See tests/lab/README.md for the naming, addressing and config-template conventions.
#
# Everything the lab creates carries the per-run prefix LAB_PREFIX = "pg<owner pid><2 letters>":
#   namespaces        <prefix>-<host>          (e.g. pg4242qz-client)
#   root-side veths   <prefix><sym, lowercase> (e.g. pg4242qzlan; symbols are at most 4 chars)
#   DPDK file-prefix  <prefix>-<process name>  (so /var/run/dpdk/<prefix>-gw)
#   run directory     $LAB_ROOT/<prefix>/      (logs, rendered configs, captures, state)
# The owner pid inside the prefix is what lab_cleanup_stale uses to decide a run is dead.

if [ -n "${LAB_SH_LOADED:-}" ]; then
	return 0
fi
LAB_SH_LOADED=1

LAB_ROOT=${LAB_ROOT:-/tmp/pepgw-lab}
LAB_TOP=${LAB_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LAB_BUILD=${LAB_BUILD:-$LAB_TOP/build}
LAB_EXEC_TIMEOUT=${LAB_EXEC_TIMEOUT:-120} # upper bound of every lab_exec command, seconds
LAB_READY_TIMEOUT=${LAB_READY_TIMEOUT:-20} # default bound of every readiness wait, seconds
LAB_KILL_TIMEOUT=${LAB_KILL_TIMEOUT:-5}    # SIGTERM grace before SIGKILL, seconds
LAB_DPDK_MEM=${LAB_DPDK_MEM:-256}          # MB of --no-huge memory per DPDK process
LAB_WANEM_MEM=${LAB_WANEM_MEM:-1024}       # MB for wanem (mbufs for up to 4 full directions)
LAB_PEPGW_READY_RE=${LAB_PEPGW_READY_RE:-pepgw: ready}
LAB_WANEM_READY_RE=${LAB_WANEM_READY_RE:-wanem: ready}

# Symbol length bound: the prefix is at most "pg" + 7 pid digits + 2 letters = 11 characters and
# Linux interface names at most 15 (IFNAMSIZ - 1).
LAB_SYM_MAX=4
LAB_IFNAME_MAX=15
LAB_NAME_RE='^pg([0-9]+)[a-z][a-z]'

LAB_PREFIX=
LAB_DIR=
LAB_OWNER_PID=
LAB_VDEV_SEQ=0
declare -gA LAB_VAR=()  # template variables: SYM_IF, SYM_DEV, CLIENT_IP, ...
declare -gA LAB_PID=()  # process name -> pid (also in $LAB_DIR/procs, which is the truth)

lab_log() {
	echo "lab[${LAB_PREFIX:-?}]: $*" >&2
}

lab_die() {
	lab_log "error: $*"
	return 1
}

# Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat); empty if the
# process is gone. Together with the pid it names one process, immune to pid reuse.
lab__starttime() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo "${20}"
}

# True while the process pid with that start time runs (a zombie counts as gone).
lab__alive() {
	local pid=$1 start=$2 s
	s=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	[ "$1" != Z ] && [ "${20}" = "$start" ]
}

# lab_poll TIMEOUT_S CMD...: run CMD until it succeeds; fail after TIMEOUT_S seconds.
# Polling a condition is the only way the lab waits: never a bare sleep for synchronization.
lab_poll() {
	local timeout=$1 deadline
	shift
	deadline=$((SECONDS + timeout))
	while :; do
		if "$@"; then
			return 0
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			return 1
		fi
		sleep 0.05
	done
}

# lab_init: choose the prefix, create the run directory, install the traps, and clean up what
# dead runs left behind. Call once, in the shell that owns the lab (not in a subshell).
lab_init() {
	local letters=abcdefghijklmnopqrstuvwxyz tool
	if [ "$(id -u)" != 0 ]; then
		echo "lab: needs root (network namespaces, veths)" >&2
		return 1
	fi
	for tool in ip ethtool timeout stdbuf envsubst; do
		command -v "$tool" >/dev/null || {
			echo "lab: missing tool $tool" >&2
			return 1
		}
	done
	LAB_OWNER_PID=$BASHPID
	LAB_PREFIX="pg${LAB_OWNER_PID}${letters:RANDOM%26:1}${letters:RANDOM%26:1}"
	LAB_DIR=$LAB_ROOT/$LAB_PREFIX
	mkdir -p "$LAB_DIR"
	echo "$LAB_OWNER_PID $(lab__starttime "$LAB_OWNER_PID")" >"$LAB_DIR/owner"
	: >"$LAB_DIR/procs"
	: >"$LAB_DIR/links"
	: >"$LAB_DIR/netns"
	LAB_VAR=()
	LAB_PID=()
	LAB_VDEV_SEQ=0
	lab_cleanup_stale
	set -o errtrace
	trap 'lab__on_err $? "$BASH_COMMAND" "${BASH_SOURCE[0]}:$LINENO"' ERR
	trap 'lab__on_exit $?' EXIT
	trap 'lab__on_signal INT 130' INT
	trap 'lab__on_signal TERM 143' TERM
	trap 'lab__on_signal HUP 129' HUP
	lab_log "run directory $LAB_DIR"
}

lab__on_err() {
	# Only the owner shell turns an error into an exit; a subshell ($(...)) just exits itself.
	lab_log "command failed (status $1) at $3: $2"
	exit "$1"
}

# lab_at_exit FUNC: at the script's exit call FUNC STATUS, before the teardown; its return
# status replaces STATUS (the script's exit status, and what the teardown sees: a failing status
# keeps the logs). tests/e2e/e2e_lib.sh turns a passing exit into a failing one this way when a
# check failed. The EXIT trap that runs the hooks is set when this file is sourced.
LAB_EXIT_HOOKS=()
lab_at_exit() {
	LAB_EXIT_HOOKS+=("$1")
}

lab__on_exit() {
	local status=$1 hook
	for hook in "${LAB_EXIT_HOOKS[@]}"; do
		# In a condition: a hook's failing status must not fire the ERR trap.
		if "$hook" "$status"; then
			status=0
		else
			status=$?
		fi
	done
	if [ -n "$LAB_OWNER_PID" ] && [ "$BASHPID" = "$LAB_OWNER_PID" ]; then
		lab_teardown "$status"
	fi
	exit "$status"
}
trap 'lab__on_exit $?' EXIT

lab__on_signal() {
	[ "$BASHPID" = "$LAB_OWNER_PID" ] || exit "$2"
	lab_log "caught SIG$1, tearing down"
	# The exit hooks run too (e2e_lib's tally, a benchmark's hugepages), then the teardown.
	trap - EXIT
	lab__on_exit "$2"
}

# lab_set NAME VALUE: a template variable (see lab_render).
lab_set() {
	LAB_VAR[$1]=$2
}

# lab_get NAME: print a template variable; fails when it is not set.
lab_get() {
	[ -n "${LAB_VAR[$1]+x}" ] || lab_die "variable $1 not set" || return 1
	echo "${LAB_VAR[$1]}"
}

# lab_ns HOST: the namespace name of a host.
lab_ns() {
	echo "$LAB_PREFIX-$1"
}

# lab_host HOST: a network namespace with loopback up and IPv6 off (no router solicitations or
# DAD on the wire the tests inspect).
lab_host() {
	local ns
	ns=$(lab_ns "$1")
	ip netns add "$ns"
	echo "$ns" >>"$LAB_DIR/netns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	lab_set "${1^^}_NS" "$ns"
}

lab__ifname() { # SYM -> root-side interface name
	local sym=$1
	if [ ${#sym} -gt $LAB_SYM_MAX ] || ! [[ $sym =~ ^[A-Z][A-Z0-9]*$ ]]; then
		lab_die "link symbol '$sym' must be 1-$LAB_SYM_MAX chars [A-Z0-9], starting with a letter"
		return 1
	fi
	echo "$LAB_PREFIX${sym,,}"
}

# Root side of a link: up, no IPv6, no offloads. The DPDK process reads it with net_af_packet;
# GRO/GSO off keeps every frame the size it had on the wire.
lab__root_if_setup() {
	local ifname=$1 mtu=$2 sym=$3
	echo "$ifname" >>"$LAB_DIR/links"
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
	[ -z "$mtu" ] || ip link set "$ifname" mtu "$mtu"
	ethtool -K "$ifname" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
	ip link set "$ifname" up
	LAB_VDEV_SEQ=$((LAB_VDEV_SEQ + 1))
	lab_set "${sym}_IF" "$ifname"
	# Each interface gets its own vdev instance number in the run, so any set of them can be
	# given to one DPDK process without a name clash.
	lab_set "${sym}_DEV" "net_af_packet$LAB_VDEV_SEQ,iface=$ifname"
}

# lab_link_host SYM HOST IFNAME ADDR/PLEN [--mtu N] [--gw IP]
# A veth whose root end (named after SYM) is for a DPDK process and whose other end is IFNAME in
# HOST with the address ADDR/PLEN (and a default route via IP with --gw). Sets SYM_IF, SYM_DEV.
lab_link_host() {
	local sym=$1 host=$2 hif=$3 addr=$4 mtu= gw= ns ifname
	shift 4
	while [ $# -gt 0 ]; do
		case $1 in
		--mtu) mtu=$2 && shift 2 ;;
		--gw) gw=$2 && shift 2 ;;
		*) lab_die "lab_link_host: unknown option $1" || return 1 ;;
		esac
	done
	ns=$(lab_ns "$host")
	ifname=$(lab__ifname "$sym")
	ip link add "$ifname" type veth peer name "$hif" netns "$ns"
	lab__root_if_setup "$ifname" "$mtu" "$sym"
	# tx checksum offload off on the namespace side: the kernel would otherwise hand
	# net_af_packet TCP segments with partial checksums, which a DPDK forwarder then puts on
	# the wire as they are (bad checksums at the receiver). TSO goes with it.
	ip netns exec "$ns" ethtool -K "$hif" tx off >/dev/null
	[ -z "$mtu" ] || ip -n "$ns" link set "$hif" mtu "$mtu"
	ip -n "$ns" addr add "$addr" dev "$hif"
	ip -n "$ns" link set "$hif" up
	[ -z "$gw" ] || ip -n "$ns" route add default via "$gw"
}

# lab_link_root SYM_A SYM_B [--mtu N]: a veth with both ends in the root namespace, between two
# DPDK processes (e.g. pepgw's WAN port and a wanem port). Sets SYM_A_IF/_DEV and SYM_B_IF/_DEV.
lab_link_root() {
	local a=$1 b=$2 mtu= ifa ifb
	shift 2
	if [ "${1:-}" = --mtu ]; then
		mtu=$2
	fi
	ifa=$(lab__ifname "$a")
	ifb=$(lab__ifname "$b")
	ip link add "$ifa" type veth peer name "$ifb"
	lab__root_if_setup "$ifa" "$mtu" "$a"
	lab__root_if_setup "$ifb" "$mtu" "$b"
}

# lab_exec HOST CMD...: run CMD in HOST ("-" = root namespace), bounded by LAB_EXEC_TIMEOUT.
lab_exec() {
	local host=$1
	shift
	if [ "$host" = - ]; then
		timeout -k 5 "$LAB_EXEC_TIMEOUT" "$@"
	else
		timeout -k 5 "$LAB_EXEC_TIMEOUT" ip netns exec "$(lab_ns "$host")" "$@"
	fi
}

lab__record() { # NAME PID
	local start
	start=$(lab__starttime "$2")
	echo "$2 ${start:-0} $1" >>"$LAB_DIR/procs"
	LAB_PID[$1]=$2
}

# lab_bg HOST NAME CMD...: start CMD in the background in HOST ("-" = root namespace), stdout
# and stderr (line-buffered) in $LAB_DIR/NAME.log. Sets LAB_PID[NAME]; teardown stops it.
lab_bg() {
	local host=$1 name=$2 pid
	shift 2
	if [ -n "${LAB_PID[$name]:-}" ]; then
		lab_die "process name $name already used in this run"
		return 1
	fi
	# ip netns exec and stdbuf both exec, so $! is the command's own pid.
	if [ "$host" = - ]; then
		stdbuf -oL -eL "$@" </dev/null >"$LAB_DIR/$name.log" 2>&1 &
	else
		ip netns exec "$(lab_ns "$host")" stdbuf -oL -eL "$@" \
			</dev/null >"$LAB_DIR/$name.log" 2>&1 &
	fi
	pid=$!
	lab__record "$name" "$pid"
}

# lab_hold [SECONDS]: idle until a signal (or SECONDS, default an hour) without deferring the
# traps: bash runs a trap during "wait" at once, but only after a foreground command ends.
lab_hold() {
	LAB_HOLD_SEQ=$((${LAB_HOLD_SEQ:-0} + 1))
	lab_bg - "hold$LAB_HOLD_SEQ" sleep "${1:-3600}"
	wait "${LAB_PID[hold$LAB_HOLD_SEQ]}" || true
}

# lab_running NAME: true while the process started as NAME runs.
lab_running() {
	local pid start name
	while read -r pid start name; do
		if [ "$name" = "$1" ]; then
			lab__alive "$pid" "$start"
			return
		fi
	done <"$LAB_DIR/procs"
	return 1
}

lab__kill_wait() { # PID START: SIGTERM, bounded wait, SIGKILL; reaps our own children
	local pid=$1 start=$2
	lab__alive "$pid" "$start" || {
		wait "$pid" 2>/dev/null || true
		return 0
	}
	kill -TERM "$pid" 2>/dev/null || true
	if ! lab_poll "$LAB_KILL_TIMEOUT" eval "! lab__alive $pid $start"; then
		lab_log "pid $pid ignored SIGTERM for ${LAB_KILL_TIMEOUT}s, sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		lab_poll "$LAB_KILL_TIMEOUT" eval "! lab__alive $pid $start" || true
	fi
	wait "$pid" 2>/dev/null || true
}

# lab_stop NAME: stop one process started by lab_bg/lab_dpdk_start (SIGTERM, then SIGKILL).
lab_stop() {
	local pid start name found=
	while read -r pid start name; do
		if [ "$name" = "$1" ]; then
			lab__kill_wait "$pid" "$start"
			found=1
		fi
	done <"$LAB_DIR/procs"
	[ -n "$found" ] || lab_die "lab_stop: no process named $1"
}

# lab_log_has NAME REGEX: true when NAME's log has a line matching the extended REGEX.
lab_log_has() {
	grep -Eq -- "$2" "$LAB_DIR/$1.log" 2>/dev/null
}

# lab_wait_log NAME REGEX [TIMEOUT]: wait for a line in NAME's log; fails at once when the
# process died (and prints the end of its log).
lab_wait_log() {
	local name=$1 re=$2 timeout=${3:-$LAB_READY_TIMEOUT} deadline
	deadline=$((SECONDS + timeout))
	while ! lab_log_has "$name" "$re"; do
		if ! lab_running "$name"; then
			lab_log "$name exited before '$re'; end of $LAB_DIR/$name.log:"
			tail -n 20 "$LAB_DIR/$name.log" >&2 || true
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			lab_log "$name: no '$re' after ${timeout}s; end of $LAB_DIR/$name.log:"
			tail -n 20 "$LAB_DIR/$name.log" >&2 || true
			return 1
		fi
		sleep 0.05
	done
}

# lab_wait_ping HOST IP [TIMEOUT]: wait until one ping from HOST to IP is answered.
lab_wait_ping() {
	local host=$1 ip=$2 timeout=${3:-$LAB_READY_TIMEOUT}
	lab_poll "$timeout" ip netns exec "$(lab_ns "$host")" ping -n -q -c 1 -W 1 "$ip" >/dev/null ||
		lab_die "no ping answer from $ip in $host after ${timeout}s"
}

# lab_wait_listen HOST PORT [TIMEOUT] [tcp|udp]: wait until a socket listens on PORT in HOST.
lab_wait_listen() {
	local host=$1 port=$2 timeout=${3:-$LAB_READY_TIMEOUT} proto=${4:-tcp} flag=-t
	[ "$proto" = udp ] && flag=-u
	lab_poll "$timeout" lab__listening "$(lab_ns "$host")" "$flag" "$port" ||
		lab_die "nothing listens on $proto port $port in $host after ${timeout}s"
}

lab__listening() {
	[ -n "$(ip netns exec "$1" ss -Hln "$2" "sport = :$3" 2>/dev/null)" ]
}

# lab_dpdk_start NAME BIN [--ready REGEX] [--timeout S] [--vdev SYM]... -- EAL_ARGS... [-- APP_ARGS...]
# Start a DPDK process in the root namespace with --file-prefix=<prefix>-NAME, --no-huge,
# --no-pci, the vdevs of the given link symbols, and EAL_ARGS (give the cores here, e.g.
# "-l 1" or "--lcores (0,1)@1"). With --ready, wait for REGEX in its log (see lab_wait_log).
lab_dpdk_start() {
	local name=$1 bin=$2 ready= timeout=$LAB_READY_TIMEOUT sym
	local -a eal=() app=() vdevs=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		--ready) ready=$2 && shift 2 ;;
		--timeout) timeout=$2 && shift 2 ;;
		--vdev)
			sym=$(lab_get "$2_DEV") || return 1
			vdevs+=(--vdev "$sym")
			shift 2
			;;
		*) lab_die "lab_dpdk_start: unknown option $1" || return 1 ;;
		esac
	done
	[ "${1:-}" = -- ] && shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		eal+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	app=("$@")
	[ -x "$bin" ] || command -v "$bin" >/dev/null || lab_die "no executable $bin" || return 1
	lab_bg - "$name" "$bin" "--file-prefix=$LAB_PREFIX-$name" --no-huge -m "$LAB_DPDK_MEM" \
		--no-pci "${vdevs[@]}" "${eal[@]}" -- "${app[@]}"
	if [ -n "$ready" ]; then
		lab_wait_log "$name" "$ready" "$timeout"
	fi
}

# lab_testpmd NAME CPU SYM_A SYM_B [TESTPMD_ARGS...]: dpdk-testpmd forwarding between two links
# (io mode: frames pass unchanged, so both hosts must be in one IP subnet). Main and forwarding
# lcore are both pinned to CPU; the main lcore sleeps, so one CPU is busy-polled.
lab_testpmd() {
	local name=$1 cpu=$2 a=$3 b=$4
	shift 4
	lab_dpdk_start "$name" "${LAB_TESTPMD:-dpdk-testpmd}" --vdev "$a" --vdev "$b" \
		--ready 'packet forwarding - ports=' -- --lcores "(0,1)@$cpu" -- \
		--forward-mode=io --total-num-mbufs=8192 --stats-period=3600 "$@"
}

# lab_render TEMPLATE OUT: substitute ${VAR} for every lab variable (lab_set, SYM_IF, SYM_DEV,
# CLIENT_IP, ...) in TEMPLATE and write OUT. Only lab variables are replaced; any other text,
# including other ${...}, is kept. Fails when a ${UPPER_CASE} placeholder is left unresolved.
lab_render() {
	local tpl=$1 out=$2 vars= k left
	[ -r "$tpl" ] || lab_die "no template $tpl" || return 1
	for k in "${!LAB_VAR[@]}"; do
		vars+=" \${$k}"
	done
	(
		for k in "${!LAB_VAR[@]}"; do
			export "$k=${LAB_VAR[$k]}"
		done
		envsubst "$vars" <"$tpl" >"$out"
	)
	left=$(grep -oE '\$\{[A-Z][A-Z0-9_]*\}' "$out" | sort -u | tr '\n' ' ' || true)
	[ -z "$left" ] || lab_die "$tpl: unresolved placeholders: $left" || return 1
}

# lab_pepgw NAME CPU TEMPLATE [EAL_ARGS...]: render TEMPLATE to $LAB_DIR/NAME.json and start
# pepgw with it; ready when its log says LAB_PEPGW_READY_RE.
lab_pepgw() {
	local name=$1 cpu=$2 tpl=$3
	shift 3
	lab_render "$tpl" "$LAB_DIR/$name.json"
	lab_dpdk_start "$name" "${LAB_PEPGW:-$LAB_BUILD/app/pepgw/pepgw}" \
		--ready "$LAB_PEPGW_READY_RE" -- -l "$cpu" "$@" -- --config "$LAB_DIR/$name.json"
}

# lab_wanem NAME CPU TEMPLATE [EAL_ARGS...]: as lab_pepgw, for wanem.
lab_wanem() {
	local name=$1 cpu=$2 tpl=$3
	shift 3
	lab_render "$tpl" "$LAB_DIR/$name.json"
	# wanem's pool holds every direction's full queue and delay line (max_packets each).
	LAB_DPDK_MEM=$LAB_WANEM_MEM lab_dpdk_start "$name" "${LAB_WANEM:-$LAB_BUILD/app/wanem/wanem}" \
		--ready "$LAB_WANEM_READY_RE" -- -l "$cpu" "$@" -- --config "$LAB_DIR/$name.json"
}

# Captures ----------------------------------------------------------------------------------

# lab_capture_start NAME HOST IF [FILTER]: capture on IF in HOST ("-" = root namespace) into
# $LAB_DIR/NAME.pcapng (FILTER: libpcap syntax; without one, lab_capture_stop can prove the file
# complete, so prefer display filters at read time). Returns once the kernel delivers IF's
# frames to the capture socket.
lab_capture_start() {
	local name=$1 host=$2 ifname=$3 filter=${4:-}
	local -a args=(-q -i "$ifname" -w "$LAB_DIR/$name.pcapng")
	[ -z "$filter" ] || args+=(-f "$filter")
	lab_bg "$host" "$name" dumpcap "${args[@]}"
	lab_poll "$LAB_READY_TIMEOUT" lab__capturing "$name" "$host" "$ifname" ||
		lab_die "capture $name on $ifname did not start; $(tail -n 5 "$LAB_DIR/$name.log")" ||
		return 1
	echo "$host $ifname $(lab__if_frames "$host" "$ifname") ${filter:+filtered}" \
		>"$LAB_DIR/$name.capture"
}

lab__if_frames() { # HOST IF: frames received + sent by IF so far
	local rx tx dir=/sys/class/net/$2/statistics
	if [ "$1" = - ]; then
		rx=$(cat "$dir/rx_packets") tx=$(cat "$dir/tx_packets")
	else
		rx=$(ip netns exec "$(lab_ns "$1")" cat "$dir/rx_packets")
		tx=$(ip netns exec "$(lab_ns "$1")" cat "$dir/tx_packets")
	fi
	echo $((rx + tx))
}

lab__capture_count() { # NAME: frames written to the capture file so far
	local n
	n=$(capinfos -c -M "$LAB_DIR/$1.pcapng" 2>/dev/null | awk -F: '/Number of packets/ {print $2}')
	echo $((${n:-0}))
}

# A capture runs when the dumpcap process holds a packet socket bound to the interface's index
# in /proc/net/packet of its namespace (the kernel queues the interface's frames to it from then).
lab__capturing() {
	local name=$1 host=$2 ifname=$3 pid idx inode fd sk refcnt type proto iface rest
	pid=${LAB_PID[$name]}
	lab_running "$name" || return 1
	if [ "$host" = - ]; then
		idx=$(cat "/sys/class/net/$ifname/ifindex" 2>/dev/null) || return 1
		rest=$(cat /proc/net/packet)
	else
		idx=$(ip netns exec "$(lab_ns "$host")" cat "/sys/class/net/$ifname/ifindex") || return 1
		rest=$(ip netns exec "$(lab_ns "$host")" cat /proc/net/packet)
	fi
	while read -r sk refcnt type proto iface _ _ _ inode; do
		[ "$iface" = "$idx" ] || continue
		for fd in /proc/"$pid"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ] && return 0
		done
	done <<<"$rest"
	return 1
}

# lab_capture_stop NAME: stop the capture once its file holds every frame IF carried until now.
# The kernel hands frames to dumpcap in blocks (retired by a timeout), so a frame sent just
# before the stop may not be in the file yet: without a filter, wait until the file holds as
# many frames as IF's counters grew since the start; with a filter, that count is unknown, so
# wait until the file has not grown for a second (well above the block timeout).
lab_capture_stop() {
	local name=$1 host ifname base filtered target n last=-1 deadline stable_since
	read -r host ifname base filtered <"$LAB_DIR/$name.capture"
	deadline=$((SECONDS + LAB_READY_TIMEOUT))
	if [ -z "$filtered" ]; then
		target=$(($(lab__if_frames "$host" "$ifname") - base))
		while n=$(lab__capture_count "$name") && [ "$n" -lt "$target" ]; do
			if [ "$SECONDS" -ge "$deadline" ]; then
				lab_log "capture $name holds $n of $target frames (capture drops)"
				break
			fi
			sleep 0.1
		done
	else
		stable_since=$SECONDS
		while [ $((SECONDS - stable_since)) -lt 2 ] && [ "$SECONDS" -lt "$deadline" ]; do
			n=$(stat -c %s "$LAB_DIR/$name.pcapng")
			[ "$n" = "$last" ] || stable_since=$SECONDS
			last=$n
			sleep 0.1
		done
	fi
	lab_stop "$name"
}

# lab_capture_file NAME: path of the capture file.
lab_capture_file() {
	echo "$LAB_DIR/$1.pcapng"
}

# lab_capture_read NAME [TSHARK_ARGS...]: tshark -r on the capture (e.g. -Y 'tcp.flags.syn==1'
# -T fields -e tcp.options.mss_val).
lab_capture_read() {
	local name=$1
	shift
	tshark -n -r "$LAB_DIR/$name.pcapng" "$@" 2>/dev/null
}

# Teardown ----------------------------------------------------------------------------------

# Links, namespaces, DPDK runtime dirs and processes named with PREFIX (a stale run's or ours).
lab__remove_prefix() {
	local prefix=$1 ns pid link d cmd
	# DPDK processes of the run, found by their --file-prefix (covers a pid not yet recorded).
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		cmd=$(tr "\0" " " 2>/dev/null <"$d/cmdline") || continue
		case $cmd in
		*"--file-prefix=$prefix-"*) lab__kill_wait "$pid" "$(lab__starttime "$pid")" ;;
		esac
	done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $ns in
		"$prefix"-*)
			# Whatever still runs inside a namespace of ours was started by the run.
			for pid in $(ip netns pids "$ns" 2>/dev/null); do
				lab__kill_wait "$pid" "$(lab__starttime "$pid")"
			done
			ip netns del "$ns" 2>/dev/null || true
			;;
		esac
	done
	for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
		case $link in
		"$prefix"*) ip link del "$link" 2>/dev/null || true ;;
		esac
	done
	rm -rf /var/run/dpdk/"$prefix"-*
}

# lab_teardown [STATUS]: stop every process of this run (exactly the recorded pids, checked by
# start time), delete its namespaces and veths and DPDK runtime dirs. Idempotent. Keeps
# $LAB_DIR (logs, captures) when STATUS is non-zero or LAB_KEEP=1, removes it otherwise.
lab_teardown() {
	local status=${1:-0} pid start name
	[ -n "$LAB_PREFIX" ] && [ -d "$LAB_DIR" ] || return 0
	trap '' INT TERM HUP
	# Newest first: captures and clients stop before the forwarders they watch.
	if [ -s "$LAB_DIR/procs" ]; then
		while read -r pid start name; do
			lab__kill_wait "$pid" "$start"
		done < <(tac "$LAB_DIR/procs")
	fi
	: >"$LAB_DIR/procs"
	lab__remove_prefix "$LAB_PREFIX"
	LAB_PID=()
	trap 'lab__on_signal INT 130' INT
	trap 'lab__on_signal TERM 143' TERM
	trap 'lab__on_signal HUP 129' HUP
	if [ "$status" != 0 ] || [ "${LAB_KEEP:-0}" = 1 ]; then
		lab_log "torn down; logs kept in $LAB_DIR"
	else
		rm -rf "$LAB_DIR"
	fi
}

# lab_leftovers PREFIX: print anything still named with PREFIX (namespaces, links, processes,
# DPDK runtime dirs); prints nothing when the run left nothing behind.
lab_leftovers() {
	local prefix=$1 d cmd
	ip netns list 2>/dev/null | awk '{print $1}' | grep -F -- "$prefix" | sed 's/^/netns /' || true
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -F -- "$prefix" |
		sed 's/^/link /' || true
	for d in /proc/[0-9]*; do
		cmd=$(tr "\0" " " 2>/dev/null <"$d/cmdline") || continue
		case $cmd in
		*"$prefix"*) echo "process ${d#/proc/} $cmd" ;;
		esac
	done
	ls -d /var/run/dpdk/"$prefix"* 2>/dev/null | sed 's/^/dpdk-dir /' || true
}

# True when the run PREFIX's owner still runs (start time checked when its run dir says it).
lab__owner_alive() {
	local prefix=$1 pid owner start
	[[ $prefix =~ $LAB_NAME_RE ]] || return 1
	pid=${BASH_REMATCH[1]}
	if [ -r "$LAB_ROOT/$prefix/owner" ]; then
		read -r owner start <"$LAB_ROOT/$prefix/owner"
		lab__alive "$pid" "$start"
	else
		[ -d "/proc/$pid" ]
	fi
}

# lab_cleanup_stale: remove what runs whose owner shell is gone left behind (their recorded
# processes, DPDK processes, namespaces, veths, DPDK runtime dirs). Runs of live owners, other
# users' included, are never touched. Run directories (logs) are kept.
lab_cleanup_stale() {
	local -A seen=()
	local p pid start name
	for p in $(
		{
			ip netns list 2>/dev/null | awk '{print $1}'
			ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1
			ls /var/run/dpdk 2>/dev/null
			ls "$LAB_ROOT" 2>/dev/null
		} | grep -oE "${LAB_NAME_RE}" | sort -u
	); do
		[ "$p" != "$LAB_PREFIX" ] || continue
		[ -z "${seen[$p]:-}" ] || continue
		seen[$p]=1
		lab__owner_alive "$p" && continue
		if [ -s "$LAB_ROOT/$p/procs" ]; then
			while read -r pid start name; do
				lab__kill_wait "$pid" "$start"
			done <"$LAB_ROOT/$p/procs"
			: >"$LAB_ROOT/$p/procs"
		fi
		if [ -n "$(lab_leftovers "$p")" ]; then
			lab_log "removing leftovers of dead run $p"
			lab__remove_prefix "$p"
		fi
	done
}

# Topologies --------------------------------------------------------------------------------
# Hosts are "client" and "server" (interface eth0 in each). Addresses are in README.md and in
# the variables CLIENT_IP, SERVER_IP, ... that tests and config templates use.

lab__hosts_l2() { # client and server in one subnet, for L2 middleboxes (testpmd io, wanem)
	local mtu=$1 a=$2 b=$3
	lab_host client
	lab_host server
	lab_set CLIENT_IP 10.0.0.1
	lab_set SERVER_IP 10.0.0.2
	lab_link_host "$a" client eth0 10.0.0.1/24 ${mtu:+--mtu "$mtu"}
	lab_link_host "$b" server eth0 10.0.0.2/24 ${mtu:+--mtu "$mtu"}
}

lab__hosts_l3() { # client behind LAN_IP, server behind SERVER_GW_IP, for pepgw
	local mtu=$1 a=$2 b=$3
	lab_host client
	lab_host server
	lab_set CLIENT_IP 10.10.0.2
	lab_set LAN_IP 10.10.0.1
	lab_set LAN_ADDR 10.10.0.1/24
	lab_set SERVER_IP 10.20.0.2
	lab_set SERVER_GW_IP 10.20.0.1
	lab_set SERVER_GW_ADDR 10.20.0.1/24
	lab_link_host "$a" client eth0 10.10.0.2/24 --gw 10.10.0.1 ${mtu:+--mtu "$mtu"}
	lab_link_host "$b" server eth0 10.20.0.2/24 --gw 10.20.0.1 ${mtu:+--mtu "$mtu"}
}

# lab_topo_gw --gw testpmd|pepgw [--config TEMPLATE] [--cpu N] [--mtu N]
# (d) client — gw — server. Links LAN (client side) and WAN (server side) of the gateway.
# testpmd forwards frames unchanged (io): client 10.0.0.1/24, server 10.0.0.2/24.
# pepgw routes: client 10.10.0.2/24 via LAN_IP 10.10.0.1, server 10.20.0.2/24 via
# SERVER_GW_IP 10.20.0.1 (pepgw's WAN address). The process is named "gw".
lab_topo_gw() {
	local gw=testpmd tpl= cpu=1 mtu=
	while [ $# -gt 0 ]; do
		case $1 in
		--gw) gw=$2 && shift 2 ;;
		--config) tpl=$2 && shift 2 ;;
		--cpu) cpu=$2 && shift 2 ;;
		--mtu) mtu=$2 && shift 2 ;;
		*) lab_die "lab_topo_gw: unknown option $1" || return 1 ;;
		esac
	done
	case $gw in
	testpmd)
		lab__hosts_l2 "$mtu" LAN WAN
		lab_testpmd gw "$cpu" LAN WAN
		;;
	pepgw)
		[ -n "$tpl" ] || lab_die "lab_topo_gw --gw pepgw needs --config TEMPLATE" || return 1
		lab__hosts_l3 "$mtu" LAN WAN
		lab_pepgw gw "$cpu" "$tpl"
		;;
	*) lab_die "lab_topo_gw: --gw testpmd|pepgw, not $gw" || return 1 ;;
	esac
	lab_wait_ping client "$(lab_get SERVER_IP)"
}

# lab_topo_baseline --wanem TEMPLATE [--cpu N] [--mtu N]
# (c) client — wanem — server, for Linux TCP over the same emulated path without pepgw.
# wanem bridges E1A (client side) and E1B (server side); client 10.0.0.1/24, server 10.0.0.2/24.
lab_topo_baseline() {
	local tpl= cpu=0 mtu=
	while [ $# -gt 0 ]; do
		case $1 in
		--wanem) tpl=$2 && shift 2 ;;
		--cpu) cpu=$2 && shift 2 ;;
		--mtu) mtu=$2 && shift 2 ;;
		*) lab_die "lab_topo_baseline: unknown option $1" || return 1 ;;
		esac
	done
	[ -n "$tpl" ] || lab_die "lab_topo_baseline needs --wanem TEMPLATE" || return 1
	lab_set N_LINKS 1
	lab__hosts_l2 "$mtu" E1A E1B
	lab_wanem wanem "$cpu" "$tpl"
	lab_wait_ping client "$(lab_get SERVER_IP)"
}

# lab_topo_single --pepgw TEMPLATE --wanem TEMPLATE [--pepgw-cpu N] [--wanem-cpu N] [--mtu N]
#                 [--wan-mtu N]
# (a) client — pepgw — wanem — server. pepgw "gw" has LAN (to the client) and WAN1 (to wanem's
# E1A); wanem's E1B leads to the server. pepgw's WAN1 address SERVER_GW_IP 10.20.0.1/24 is the
# server's gateway, one L2 segment through wanem.
lab_topo_single() {
	local ptpl= wtpl= pcpu=1 wcpu=0 mtu= wmtu=
	while [ $# -gt 0 ]; do
		case $1 in
		--pepgw) ptpl=$2 && shift 2 ;;
		--wanem) wtpl=$2 && shift 2 ;;
		--pepgw-cpu) pcpu=$2 && shift 2 ;;
		--wanem-cpu) wcpu=$2 && shift 2 ;;
		--mtu) mtu=$2 && shift 2 ;;
		--wan-mtu) wmtu=$2 && shift 2 ;;
		*) lab_die "lab_topo_single: unknown option $1" || return 1 ;;
		esac
	done
	[ -n "$ptpl" ] && [ -n "$wtpl" ] ||
		lab_die "lab_topo_single needs --pepgw TEMPLATE --wanem TEMPLATE" || return 1
	lab_set N_LINKS 1
	lab__hosts_l3 "$mtu" LAN E1B
	lab_set WAN1_IP 10.20.0.1
	lab_set WAN1_ADDR 10.20.0.1/24
	lab_link_root WAN1 E1A ${wmtu:+--mtu "$wmtu"}
	[ -z "$wmtu" ] || ip link set "$(lab_get E1B_IF)" mtu "$wmtu"
	lab_wanem wanem "$wcpu" "$wtpl"
	lab_pepgw gw "$pcpu" "$ptpl"
	lab_wait_ping client "$(lab_get SERVER_IP)"
}

# lab_topo_paired --links N --pepgw-a TEMPLATE --pepgw-b TEMPLATE --wanem TEMPLATE
#                 [--a-cpu N] [--b-cpu N] [--wanem-cpu N] [--mtu N] [--wan-mtu N]
# (b) client — pepgw A — N WAN links through wanem (pair k: EkA, EkB, each with its own
# impairment in the wanem template) — pepgw B — server, N = 1..4.
# A ("gwa"): LAN 10.10.0.1/24, WANk 172.16.k.1/24. B ("gwb"): BWk 172.16.k.2/24,
# BLAN 10.20.0.1/24. Client 10.10.0.2 via A, server 10.20.0.2 via B.
lab_topo_paired() {
	local n=1 atpl= btpl= wtpl= acpu=1 bcpu=1 wcpu=0 mtu= wmtu= k
	while [ $# -gt 0 ]; do
		case $1 in
		--links) n=$2 && shift 2 ;;
		--pepgw-a) atpl=$2 && shift 2 ;;
		--pepgw-b) btpl=$2 && shift 2 ;;
		--wanem) wtpl=$2 && shift 2 ;;
		--a-cpu) acpu=$2 && shift 2 ;;
		--b-cpu) bcpu=$2 && shift 2 ;;
		--wanem-cpu) wcpu=$2 && shift 2 ;;
		--mtu) mtu=$2 && shift 2 ;;
		--wan-mtu) wmtu=$2 && shift 2 ;;
		*) lab_die "lab_topo_paired: unknown option $1" || return 1 ;;
		esac
	done
	[[ $n =~ ^[1-4]$ ]] || lab_die "lab_topo_paired: --links 1..4, not $n" || return 1
	[ -n "$atpl" ] && [ -n "$btpl" ] && [ -n "$wtpl" ] ||
		lab_die "lab_topo_paired needs --pepgw-a, --pepgw-b and --wanem templates" || return 1
	lab_set N_LINKS "$n"
	lab__hosts_l3 "$mtu" LAN BLAN
	lab_set BLAN_IP 10.20.0.1
	lab_set BLAN_ADDR 10.20.0.1/24
	for k in $(seq 1 "$n"); do
		lab_set "WAN${k}_IP" "172.16.$k.1"
		lab_set "WAN${k}_ADDR" "172.16.$k.1/24"
		lab_set "BW${k}_IP" "172.16.$k.2"
		lab_set "BW${k}_ADDR" "172.16.$k.2/24"
		lab_link_root "WAN$k" "E${k}A" ${wmtu:+--mtu "$wmtu"}
		lab_link_root "E${k}B" "BW$k" ${wmtu:+--mtu "$wmtu"}
	done
	lab_wanem wanem "$wcpu" "$wtpl"
	lab_pepgw gwb "$bcpu" "$btpl"
	lab_pepgw gwa "$acpu" "$atpl"
	lab_wait_ping client "$(lab_get SERVER_IP)"
}
