{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}",
		 "mtu": 1400}
	],
	"lcores": {"idle_sleep_us": 50},
	"tcp_profiles": {
		"lan": {"max_connections": 64},
		"wan": {"max_connections": 64}
	},
	"rules": [
		{"name": "split-auto", "match": {"protocol": "tcp", "dst_ports": [7000]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan", "mss": "auto"},
		{"name": "split-1200", "match": {"protocol": "tcp", "dst_ports": [7001]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan", "mss": 1200}
	]
}
