{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}",
		 "mtu": 1440}
	],
	"lcores": {"idle_sleep_us": 100},
	"rules": [
		{"name": "dicom", "match": {"protocol": "tcp", "dst_ports": [104, 11112]},
		 "action": "forward", "mss": "auto", "fragment": "respect_df"},
		{"name": "tcp", "match": {"protocol": "tcp"}, "action": "forward", "mss": "auto",
		 "fragment": "respect_df"}
	]
}
