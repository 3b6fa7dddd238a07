{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}",
		 "mtu": 1300}
	],
	"routes": [{"prefix": "10.99.0.0/24", "via": "${SERVER_IP}"}],
	"lcores": {"idle_sleep_us": 100},
	"icmp": {"errors_per_s": 1000, "burst": 100},
	"rules": [
		{"name": "no-9999", "match": {"protocol": "tcp", "dst_ports": [9999]}, "action": "drop"},
		{"name": "no-udp-9998", "match": {"protocol": "udp", "dst_ports": [9998]},
		 "action": "drop"},
		{"name": "af11-always", "match": {"dscp": [10]}, "action": "forward",
		 "fragment": "always"},
		{"name": "tcp-auto", "match": {"protocol": "tcp"}, "action": "forward", "mss": "auto",
		 "fragment": "respect_df"}
	]
}
