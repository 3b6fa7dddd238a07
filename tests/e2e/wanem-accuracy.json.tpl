{
	"idle_sleep_us": 100,
	"links": [
		{
			"name": "l1",
			"a": "${E1A_DEV},framecnt=4096",
			"b": "${E1B_DEV},framecnt=4096",
			"both": {"delay_ms": 20}
		}
	]
}
