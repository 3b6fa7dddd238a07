{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV},${MC_DEVARGS}", "role": "lan",
		 "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV},${MC_DEVARGS}", "role": "wan",
		 "ipv4": "${SERVER_GW_ADDR}"}
	],
	"lcores": {"workers": [0, 1], "idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 512,
			"syn_retries": 3},
		"wan": {"min_rto_ms": 200, "initial_rto_ms": 1000, "max_connections": 512,
			"syn_retries": 2}
	},
	"rules": [
		{"name": "split", "match": {"protocol": "tcp", "dst_ports": ["7001-7002"]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan",
		 "handshake": "deferred"},
		{"name": "web-mss", "match": {"protocol": "tcp", "dst_ports": [8080]},
		 "action": "forward", "mss": 1200},
		{"name": "iperf", "match": {"protocol": "tcp", "dst_ports": [5201]}, "action": "forward"},
		{"name": "iperf-udp", "match": {"protocol": "udp", "dst_ports": [5201]},
		 "action": "forward"}
	]
}
