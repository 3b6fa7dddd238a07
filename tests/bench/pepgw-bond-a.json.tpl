{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan1", "device": "${WAN1_DEV}", "role": "wan", "ipv4": "${WAN1_ADDR}"},
		{"name": "wan2", "device": "${WAN2_DEV}", "role": "wan", "ipv4": "${WAN2_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 50, "initial_rto_ms": 200, "max_connections": 64,
			"proxy_buffer_high": 4194304, "proxy_buffer_low": 3145728},
		"wan-bond": {"congestion_control": "rate", "rate_mbps": ${WAN_RATE_MBPS}, "overhead_bytes": 56, "timestamps": ${WAN_TIMESTAMPS},
			"min_rto_ms": 200, "initial_rto_ms": 1000, "max_connections": 64,
			"send_buffer": 4194304, "receive_window": 4194304,
			"proxy_buffer_high": 4194304, "proxy_buffer_low": 3145728}
	},
	"bond_profiles": {"bench": {"scheduler": "${BOND_SCHED}"}},
	"links": [
		{"name": "coax", "port": "wan1", "peer_endpoint": "${BW1_IP}:6400", "mtu": 1440,
		 "rate_up_kbps": 20000, "rate_down_kbps": 20000, "priority": 0},
		{"name": "lte", "port": "wan2", "peer_endpoint": "${BW2_IP}:6400", "mtu": 1440,
		 "rate_up_kbps": 10000, "rate_down_kbps": 10000, "priority": 1}
	],
	"peers": [
		{"name": "b", "links": ["coax", "lte"], "key_file": "${TUN_KEY}",
		 "remote_networks": ["10.20.0.0/24"], "bond_profile": "bench"}
	],
	"rules": [
		{"name": "paired", "match": {"dst": ["10.20.0.0/24"], "protocol": "tcp"},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan-bond",
		 "handshake": "deferred"},
		{"name": "to-b", "match": {"dst": ["10.20.0.0/24"]}, "action": "tunnel"}
	]
}
