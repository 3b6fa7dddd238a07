{
	"ports": [
		{"name": "a0", "device": "${G2A_DEV}", "role": "lan", "ipv4": "10.30.0.1/24"},
		{"name": "b0", "device": "${G2B_DEV}", "role": "wan", "ipv4": "10.40.0.1/24"}
	],
	"lcores": {"idle_sleep_us": 1000},
	"flows": {"table_size": 1024}
}
