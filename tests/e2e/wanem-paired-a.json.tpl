{
	"ports": [
		{"name": "lan0", "device": "${LAN_DEV}", "role": "lan", "ipv4": "${LAN_ADDR}"},
		{"name": "wan1", "device": "${WAN1_DEV}", "role": "wan", "ipv4": "${WAN1_ADDR}"},
		{"name": "wan2", "device": "${WAN2_DEV}", "role": "wan", "ipv4": "${WAN2_ADDR}"}
	],
	"routes": [{"prefix": "10.20.0.0/24", "via": "${BW1_IP}", "port": "wan1"}],
	"lcores": {"idle_sleep_us": 100}
}
