{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan0", "device": "${WAN_DEV}", "role": "wan", "ipv4": "${SERVER_GW_ADDR}",
		 "mtu": 1440}
	],
	"lcores": {"idle_sleep_us": 100},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 50, "initial_rto_ms": 200, "max_connections": 256},
		"wan": {"min_rto_ms": 200, "initial_rto_ms": 1000, "max_connections": 256,
			"send_buffer": 4194304, "receive_window": 4194304}
	},
	"rules": [
		{"name": "split", "match": {"protocol": "tcp", "dst_ports": [5202]},
		 "action": "accelerate", "lan_profile": "lan", "wan_profile": "wan"},
		{"name": "dicom", "match": {"protocol": "tcp", "dst_ports": [104, 11112]},
		 "action": "forward", "mss": "auto", "fragment": "respect_df"},
		{"name": "tcp", "match": {"protocol": "tcp"}, "action": "forward", "mss": "auto",
		 "fragment": "respect_df"}
	]
}
