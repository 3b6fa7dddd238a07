{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan1", "device": "${WAN1_DEV}", "role": "wan", "ipv4": "${WAN1_ADDR}"}
	],
	"lcores": {"idle_sleep_us": 100},
	"links": [{"name": "l1", "port": "wan1", "peer_endpoint": "${BW1_IP}:6400"}],
	"peers": [{"name": "b", "links": ["l1"], "key_file": "${TUN_KEY}",
		   "remote_networks": ["10.20.0.0/24"]}],
	"rules": [{"name": "to-b", "match": {"dst": ["10.20.0.0/24"]}, "action": "tunnel"}]
}
