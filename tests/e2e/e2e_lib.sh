# shellcheck shell=bash
# Helpers shared by the pepgw e2e stories (sourced after tests/lab/lab.sh): results, and
# telemetry reads of the gateway process the lab started as "gw".

E2E_PEPGWCTL=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/app/pepgwctl/pepgwctl
failures=0

# fail MESSAGE / pass MESSAGE: one named result; e2e_finish turns them into the exit status.
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

e2e_finish() {
	echo "$failures failure(s)"
	[ "$failures" -eq 0 ]
}

# tel COMMAND [KEY|INDEX]...: one value of the gateway's telemetry answer to COMMAND, e.g.
# `tel /pepgw/counters drop_rule`, `tel /pepgw/tcp_conns 0`, `tel /pepgw/tcp_conn,A,B wan state`.
tel() {
	local cmd=$1
	shift
	"$E2E_PEPGWCTL" -f "$LAB_PREFIX-${E2E_GW:-gw}" raw "$cmd" | /usr/bin/python3 -c "
import json, sys
v = json.load(sys.stdin)['${cmd%%,*}']
for k in sys.argv[1:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)" "$@"
}
