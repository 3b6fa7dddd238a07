{
	"ports": [
		{"name": "lan0", "role": "lan", "ipv4": "10.1.255.1/16",
		 "device": "net_memif0,role=client,id=0,socket=${MEMIF_SOCK},socket-abstract=no"},
		{"name": "wan0", "role": "wan", "ipv4": "192.0.2.1/24", "device": "net_null0,no-rx=1"}
	],
	"routes": [{"prefix": "10.2.0.0/16", "via": "192.0.2.254"}],
	"arp": {
		"queue_len": 0,
		"static": [{"ipv4": "192.0.2.254", "mac": "02:00:00:00:02:fe", "port": "wan0"}]
	},
	"lcores": {"idle_sleep_us": 100}
}
