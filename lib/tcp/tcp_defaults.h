/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_TCP_DEFAULTS_H
#define PEPGW_TCP_DEFAULTS_H

/*
 * The one set of TCP profile defaults: tcp_profile_defaults() fills a struct tcp_profile with
 * these, and the configuration loader (lib/config, which has no DPDK) gives an absent
 * tcp_profiles key the same value, so a profile written as {} is exactly the library's default
 * profile. doc/configuration.md lists them. Plain constants, no DPDK, nothing else.
 */

#include <stdbool.h>

#define TCP_DEFAULT_CONGESTION_CONTROL "reno"
#define TCP_DEFAULT_SEND_BUFFER        262144u
#define TCP_DEFAULT_RECEIVE_WINDOW     262144u
/* The relay's hysteresis: the receiving leg's window closes at high and reopens below low. */
#define TCP_DEFAULT_PROXY_BUFFER_HIGH  131072u
#define TCP_DEFAULT_PROXY_BUFFER_LOW   98304u
#define TCP_DEFAULT_SACK               true
#define TCP_DEFAULT_WINDOW_SCALE       true
#define TCP_DEFAULT_TIMESTAMPS         true
#define TCP_DEFAULT_INITIAL_WINDOW     10u    /* segments, RFC 6928 */
#define TCP_DEFAULT_MIN_RTO_MS         200u   /* Linux's floor; RFC 6298 2.4 says 1 s */
#define TCP_DEFAULT_MAX_RTO_MS         60000u /* RFC 6298 2.5: at least 60 s */
#define TCP_DEFAULT_INITIAL_RTO_MS     1000u  /* RFC 6298 2.1 */
#define TCP_DEFAULT_DELAYED_ACK_MS     40u    /* RFC 1122 4.2.3.2: below 500 ms */
#define TCP_DEFAULT_ACK_EVERY_SEGMENTS 2u     /* RFC 5681 4.2: at least every second segment */
#define TCP_DEFAULT_KEEPALIVE_S        0u     /* off */
#define TCP_DEFAULT_IDLE_TIMEOUT_S     300u
#define TCP_DEFAULT_FIN_WAIT_TIMEOUT_S 60u
#define TCP_DEFAULT_TIME_WAIT_MS       4000u
#define TCP_DEFAULT_SYN_RETRIES        5u
#define TCP_DEFAULT_MAX_CONNECTIONS    65536u
/* Pacing: segments spread over the RTT at gain x cwnd / SRTT (Linux's rule). */
#define TCP_DEFAULT_PACING             true
#define TCP_DEFAULT_MAX_RATE_MBPS      0u /* no cap */
#define TCP_DEFAULT_RATE_MBPS          0u /* congestion_control "rate" needs one */
#define TCP_DEFAULT_OVERHEAD_BYTES     0u /* per packet, added downstream (tunnel, encryptor) */

/* ECN, the congestion metrics cache and the rest of F5's profile (doc/configuration.md maps
 * F5's knob names to these keys). */
#define TCP_DEFAULT_ECN                                false /* RFC 3168; F5's default too */
#define TCP_DEFAULT_CONGESTION_METRICS_CACHE           true  /* F5's default */
#define TCP_DEFAULT_CONGESTION_METRICS_CACHE_TIMEOUT_S 3600u /* Linux TCP_METRICS_TIMEOUT */
#define TCP_DEFAULT_CONGESTION_METRICS_CACHE_ENTRIES   4096u /* per worker lcore */
#define TCP_DEFAULT_NAGLE                              false /* a relay forwards tails at once */
#define TCP_DEFAULT_ACK_ON_PUSH                        false /* F5's default profile */
#define TCP_DEFAULT_LIMITED_TRANSMIT                   true  /* RFC 3042 */
#define TCP_DEFAULT_RESET_ON_TIMEOUT                   true  /* F5's default */
#define TCP_DEFAULT_IP_TOS                             0u    /* DSCP << 2; ECN owns 2 bits */
#define TCP_DEFAULT_ZERO_WINDOW_TIMEOUT_S              0u    /* 0 = probe while answered */
#define TCP_DEFAULT_TIME_WAIT_RECYCLE                  true  /* F5's default */

#endif
