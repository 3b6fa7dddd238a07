{
	"ports": [
		{"name": "lan0", "device": "${BLAN_DEV},${MC_DEVARGS}", "role": "lan", "ipv4": "${BLAN_ADDR}"},
		{"name": "wan1", "device": "${BW1_DEV},${MC_DEVARGS}", "role": "wan", "ipv4": "${BW1_ADDR}"},
		{"name": "wan2", "device": "${BW2_DEV},${MC_DEVARGS}", "role": "wan", "ipv4": "${BW2_ADDR}"},
		{"name": "wan3", "device": "${BW3_DEV},${MC_DEVARGS}", "role": "wan", "ipv4": "${BW3_ADDR}"}
	],
	"lcores": {"workers": [0, 1], "idle_sleep_us": 100},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 64, "syn_retries": 3},
		"wan": {"min_rto_ms": 50, "initial_rto_ms": 1000, "max_connections": 64, "syn_retries": 2,
			"congestion_control": "rate", "rate_mbps": 18, "overhead_bytes": 56,
			"send_buffer": 2097152, "receive_window": 2097152,
			"proxy_buffer_high": 2097152, "proxy_buffer_low": 1572864}
	},
	"links": [
		{"name": "l1", "port": "wan1"},
		{"name": "l2", "port": "wan2"},
		{"name": "l3", "port": "wan3"}
	],
	"peers": [
		{"name": "a", "links": ["l1", "l2", "l3"], "key_file": "${TUN_KEY}",
		 "remote_networks": ["10.10.0.0/24"]}
	],
	"rules": [
		{"name": "paired", "match": {"dst": ["10.20.0.0/24"], "protocol": "tcp",
		 "dst_ports": [5202, 8080, 11112]}, "action": "accelerate", "lan_profile": "lan",
		 "wan_profile": "wan"},
		{"name": "to-a", "match": {"dst": ["10.10.0.0/24"]}, "action": "tunnel"}
	]
}
