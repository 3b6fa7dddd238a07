{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan1", "device": "${WAN1_DEV}", "role": "wan", "ipv4": "${WAN1_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 100},
	"rules": [
		{"name": "tcp-auto", "match": {"protocol": "tcp"}, "action": "forward", "mss": "auto",
		 "fragment": "respect_df"}
	]
}
