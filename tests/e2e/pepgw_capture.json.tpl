{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 100},
	"rules": [
		{"name": "no-udp-9998", "match": {"protocol": "udp", "dst_ports": [9998]},
		 "action": "drop"},
		{"name": "rest", "action": "forward"}
	]
}
