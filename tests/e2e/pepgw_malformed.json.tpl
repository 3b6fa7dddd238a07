{
	"ports": [
		{"name": "lan0", "device": "net_pcap0,iface=${LAN_IF}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 100},
	"icmp": {"errors_per_s": 1000, "burst": 100},
	"rules": [
		{"name": "tcp-clamp", "match": {"protocol": "tcp"}, "action": "forward", "mss": 1360,
		 "fragment": "respect_df"}
	]
}
