{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"time_wait_ms": 20000, "max_connections": 64},
		"lan-norecycle": {"time_wait_ms": 20000, "max_connections": 64,
			"time_wait_recycle": false},
		"wan": {"max_connections": 64}
	},
	"rules": [
		{"name": "recycle", "match": {"protocol": "tcp", "dst_ports": [8080]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan"},
		{"name": "no-recycle", "match": {"protocol": "tcp", "dst_ports": [8081]},
		 "action": "accelerate", "lan_profile": "lan-norecycle", "wan_profile": "wan"}
	]
}
