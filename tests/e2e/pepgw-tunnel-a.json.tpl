{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan1", "device": "net_pcap_wan1,rx_iface_in=${WAN1_IF},tx_iface=${WAN1_IF}", "role": "wan",
		 "ipv4": "${WAN1_ADDR}"},
		{"name": "wan2", "device": "net_pcap_wan2,rx_iface_in=${WAN2_IF},tx_iface=${WAN2_IF}", "role": "wan",
		 "ipv4": "${WAN2_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 100},
	"tcp_profiles": {
		"lan": {"min_rto_ms": 20, "initial_rto_ms": 200, "max_connections": 256, "syn_retries": 3},
		"wan": {"min_rto_ms": 50, "initial_rto_ms": 1000, "max_connections": 256, "syn_retries": 2,
			"send_buffer": 1048576, "receive_window": 1048576,
			"proxy_buffer_high": 1048576, "proxy_buffer_low": 786432},
		"wan-auto": {"congestion_control": "rate", "rate_mbps": "auto", "overhead_bytes": 56,
			"min_rto_ms": 50, "initial_rto_ms": 1000, "max_connections": 256,
			"send_buffer": 1048576, "receive_window": 1048576,
			"proxy_buffer_high": 1048576, "proxy_buffer_low": 786432}
	},
	"bond_profiles": {"bulk": {"scheduler": "dynamic", "reorder_max_hold_ms": 150}},
	"links": [
		{"name": "l1", "port": "wan1", "peer_endpoint": "${BW1_IP}:6400", "mtu": 1440},
		{"name": "l2", "port": "wan2", "peer_endpoint": "${BW2_IP}:6400", "mtu": 1440}
	],
	"peers": [
		{"name": "b", "links": ["l1", "l2"], "key_file": "${TUN_KEY}",
		 "remote_networks": ["10.20.0.0/24"], "bond_profile": "bulk"}
	],
	"rules": [
		{"name": "paired-auto", "match": {"dst": ["10.20.0.0/24"], "protocol": "tcp",
		 "dst_ports": [5203]}, "action": "accelerate", "lan_profile": "lan",
		 "wan_profile": "wan-auto"},
		{"name": "paired", "match": {"dst": ["10.20.0.0/24"], "protocol": "tcp",
		 "dst_ports": [5202, "7100-7101"]}, "action": "accelerate", "lan_profile": "lan",
		 "wan_profile": "wan"},
		{"name": "frag-always", "match": {"dst": ["10.20.0.0/24"], "protocol": "icmp",
		 "dscp": [8]}, "action": "tunnel", "fragment": "always"},
		{"name": "frag-outer", "match": {"dst": ["10.20.0.0/24"], "protocol": "icmp",
		 "dscp": [16]}, "action": "tunnel", "fragment": "outer"},
		{"name": "to-b", "match": {"dst": ["10.20.0.0/24"]}, "action": "tunnel"}
	]
}
