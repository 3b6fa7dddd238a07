{
	"ports": [
		{"name": "lan0", "device": "${BLAN_DEV}", "role": "lan", "ipv4": "${BLAN_ADDR}"},
		{"name": "wan1", "device": "${BW1_DEV}", "role": "wan", "ipv4": "${BW1_ADDR}"},
		{"name": "wan2", "device": "${BW2_DEV}", "role": "wan", "ipv4": "${BW2_ADDR}"}
	],
	"routes": [{"prefix": "10.10.0.0/24", "via": "${WAN1_IP}", "port": "wan1"}],
	"lcores": {"idle_sleep_us": 100}
}
