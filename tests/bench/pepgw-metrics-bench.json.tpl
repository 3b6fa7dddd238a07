{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan1", "device": "${WAN1_DEV}", "role": "wan", "ipv4": "${WAN1_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 50, "initial_rto_ms": 200, "max_connections": 64,
			"time_wait_ms": 1000,
			"proxy_buffer_high": 4194304, "proxy_buffer_low": 4128768},
		"wan-satellite": {"min_rto_ms": 200, "initial_rto_ms": 1000, "max_connections": 64,
			"time_wait_ms": 1000, "congestion_metrics_cache": ${METRICS_CACHE},
			"send_buffer": 8388608, "receive_window": 8388608,
			"proxy_buffer_high": 8388608, "proxy_buffer_low": 7340032}
	},
	"rules": [
		{"name": "split", "match": {"protocol": "tcp", "dst_ports": [8080]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan-satellite",
		 "handshake": "deferred"}
	]
}
