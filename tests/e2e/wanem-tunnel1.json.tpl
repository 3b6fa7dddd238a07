{
	"idle_sleep_us": 100,
	"links": [{"name": "l1", "a": "${E1A_DEV}", "b": "${E1B_DEV}", "both": {"delay_ms": 2}}]
}
