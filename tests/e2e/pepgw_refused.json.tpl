{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 64,
			"idle_timeout_s": 30},
		"wan": {"min_rto_ms": 50, "initial_rto_ms": 500, "max_connections": 64,
			"idle_timeout_s": 30}
	},
	"rules": [
		{"name": "split", "match": {"protocol": "tcp", "dst_ports": ["7000-7010"]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan"},
		{"name": "transparent", "match": {"protocol": "tcp", "dst_ports": [8001]},
		 "action": "forward", "invalid_tcp_flags": "pass"},
		{"name": "transparent-back", "match": {"protocol": "tcp", "src_ports": [8001]},
		 "action": "forward", "invalid_tcp_flags": "pass"}
	]
}
