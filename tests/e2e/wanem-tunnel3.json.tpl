{
	"idle_sleep_us": 100,
	"links": [
		{"name": "l1", "a": "${E1A_DEV}", "b": "${E1B_DEV}", "both": {"rate_mbps": 10, "delay_ms": 5,
		 "loss": 0.005, "reorder": 0.01, "reorder_delay_ms": 3}},
		{"name": "l2", "a": "${E2A_DEV}", "b": "${E2B_DEV}", "both": {"rate_mbps": 5, "delay_ms": 10,
		 "loss": 0.005, "reorder": 0.01, "reorder_delay_ms": 3}},
		{"name": "l3", "a": "${E3A_DEV}", "b": "${E3B_DEV}", "both": {"rate_mbps": 5, "delay_ms": 15,
		 "loss": 0.005, "reorder": 0.01, "reorder_delay_ms": 3}}
	]
}
