{
	"ports": [
		{"name": "lan0", "device": "${BLAN_DEV}", "role": "lan", "ipv4": "${BLAN_ADDR}"},
		{"name": "wan1", "device": "${BW1_DEV}", "role": "wan", "ipv4": "${BW1_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 100},
	"links": [{"name": "l1", "port": "wan1", "peer_endpoint": "${WAN1_IP}:6400"}],
	"peers": [{"name": "a", "links": ["l1"], "key_file": "${TUN_KEY}",
		   "remote_networks": ["10.10.0.0/24"]}],
	"rules": [{"name": "to-a", "match": {"dst": ["10.10.0.0/24"]}, "action": "tunnel"}]
}
