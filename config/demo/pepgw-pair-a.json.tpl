{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "coax", "device": "${WAN1_DEV}", "role": "wan", "ipv4": "${WAN1_ADDR}"},
		{"name": "lte", "device": "${WAN2_DEV}", "role": "wan", "ipv4": "${WAN2_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 100},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 256,
			"proxy_buffer_high": 2097152, "proxy_buffer_low": 1572864},
		"wan": {"congestion_control": "rate", "rate_mbps": "auto", "overhead_bytes": 56,
			"min_rto_ms": 50, "initial_rto_ms": 1000, "max_connections": 256,
			"send_buffer": 2097152, "receive_window": 2097152,
			"proxy_buffer_high": 2097152, "proxy_buffer_low": 1572864}
	},
	"bond_profiles": {"bulk": {"scheduler": "dynamic", "reorder_max_hold_ms": 150}},
	"links": [
		{"name": "coax", "port": "coax", "peer_endpoint": "${BW1_IP}:6400", "mtu": 1440,
		 "rate_up_kbps": 20000, "rate_down_kbps": 20000},
		{"name": "lte", "port": "lte", "peer_endpoint": "${BW2_IP}:6400", "mtu": 1440,
		 "rate_up_kbps": 10000, "rate_down_kbps": 10000}
	],
	"peers": [
		{"name": "dc", "links": ["coax", "lte"], "key_file": "${TUN_KEY}",
		 "remote_networks": ["10.20.0.0/24"], "bond_profile": "bulk"}
	],
	"rules": [
		{"name": "paired", "match": {"dst": ["10.20.0.0/24"], "protocol": "tcp",
		 "dst_ports": [5202, 104, 11112]}, "action": "accelerate", "lan_profile": "lan",
		 "wan_profile": "wan"},
		{"name": "to-dc", "match": {"dst": ["10.20.0.0/24"]}, "action": "tunnel"}
	]
}
