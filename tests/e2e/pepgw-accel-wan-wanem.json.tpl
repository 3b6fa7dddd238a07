{
	"idle_sleep_us": 50,
	"links": [
		{
			"name": "wan",
			"a": "${E1A_DEV},framecnt=4096",
			"b": "${E1B_DEV},framecnt=4096",
			"both": {"delay_ms": 10, "loss": 0.01, "reorder": 0.01, "reorder_delay_ms": 3,
				"rate_mbps": 200, "queue_bytes": 1000000}
		}
	]
}
