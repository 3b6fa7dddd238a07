{
	"idle_sleep_us": 100,
	"links": [
		{
			"name": "l1",
			"a": "${E1A_DEV},framecnt=16384",
			"b": "${E1B_DEV},framecnt=16384",
			"both": {"delay_ms": 20}
		}
	]
}
