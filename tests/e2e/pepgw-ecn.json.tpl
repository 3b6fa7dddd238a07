{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"ecn": true, "min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 256,
			"ip_tos": 40},
		"wan": {"ecn": true, "min_rto_ms": 200, "max_connections": 256, "ip_tos": 184,
			"send_buffer": 1048576, "receive_window": 1048576,
			"proxy_buffer_high": 1048576, "proxy_buffer_low": 983040}
	},
	"rules": [
		{"name": "split", "match": {"protocol": "tcp", "dst_ports": [8080]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan"}
	]
}
