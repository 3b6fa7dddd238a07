{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan1", "device": "${WAN1_DEV}", "role": "wan", "ipv4": "${WAN1_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 64},
		"wan-reno": {"congestion_control": "reno", "min_rto_ms": 50, "max_connections": 64},
		"wan-highspeed": {"congestion_control": "highspeed", "min_rto_ms": 50,
			"max_connections": 64},
		"wan-scalable": {"congestion_control": "scalable", "min_rto_ms": 50,
			"max_connections": 64},
		"wan-vegas": {"congestion_control": "vegas", "min_rto_ms": 50, "max_connections": 64,
			"max_rate_mbps": 40, "overhead_bytes": 14},
		"wan-rate": {"congestion_control": "rate", "rate_mbps": 40, "overhead_bytes": 14,
			"min_rto_ms": 50, "max_connections": 64}
	},
	"rules": [
		{"name": "reno", "match": {"protocol": "tcp", "dst_ports": [7101]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan-reno"},
		{"name": "highspeed", "match": {"protocol": "tcp", "dst_ports": [7102]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan-highspeed"},
		{"name": "scalable", "match": {"protocol": "tcp", "dst_ports": [7103]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan-scalable"},
		{"name": "vegas", "match": {"protocol": "tcp", "dst_ports": [7104]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan-vegas"},
		{"name": "rate", "match": {"protocol": "tcp", "dst_ports": [7105]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan-rate"}
	]
}
