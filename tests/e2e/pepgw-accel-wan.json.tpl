{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan1", "device": "${WAN1_DEV}", "role": "wan", "ipv4": "${WAN1_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 1024,
			"syn_retries": 3},
		"wan": {"min_rto_ms": 50, "initial_rto_ms": 1000, "max_connections": 1024,
			"syn_retries": 2, "send_buffer": 2097152, "receive_window": 2097152,
			"proxy_buffer_high": 2097152, "proxy_buffer_low": 1835008}
	},
	"rules": [
		{"name": "split", "match": {"protocol": "tcp", "dst_ports": [5201, 8080, "7000-7010"]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan",
		 "handshake": "deferred"}
	]
}
