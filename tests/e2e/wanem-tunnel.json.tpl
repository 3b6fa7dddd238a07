{
	"idle_sleep_us": 100,
	"links": [
		{"name": "l1", "a": "net_pcap_e1a,rx_iface_in=${E1A_IF},tx_iface=${E1A_IF}", "b": "net_pcap_e1b,rx_iface_in=${E1B_IF},tx_iface=${E1B_IF}",
		 "both": {"rate_mbps": 20, "delay_ms": 10}},
		{"name": "l2", "a": "net_pcap_e2a,rx_iface_in=${E2A_IF},tx_iface=${E2A_IF}", "b": "net_pcap_e2b,rx_iface_in=${E2B_IF},tx_iface=${E2B_IF}",
		 "both": {"rate_mbps": 10, "delay_ms": 20}}
	]
}
