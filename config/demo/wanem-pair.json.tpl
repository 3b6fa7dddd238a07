{
	"idle_sleep_us": 100,
	"links": [
		{"name": "coax", "a": "${E1A_DEV}", "b": "${E1B_DEV}",
		 "both": {"rate_mbps": 20, "delay_ms": 15, "loss": 0.005}},
		{"name": "lte", "a": "${E2A_DEV}", "b": "${E2B_DEV}",
		 "both": {"rate_mbps": 10, "delay_ms": 30, "loss": 0.005}}
	]
}
