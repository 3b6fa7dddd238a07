{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 2048,
			"syn_retries": 3},
		"wan": {"min_rto_ms": 200, "initial_rto_ms": 1000, "max_connections": 2048,
			"syn_retries": 2, "send_buffer": 1048576, "receive_window": 1048576,
			"proxy_buffer_high": 1048576, "proxy_buffer_low": 983040}
	},
	"rules": [
		{"name": "split-immediate", "match": {"protocol": "tcp", "dst_ports": [7001]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan",
		 "handshake": "immediate"},
		{"name": "split-deferred", "match": {"protocol": "tcp",
		 "dst_ports": [5201, 8080, "7000-7010"]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan",
		 "handshake": "deferred"}
	]
}
