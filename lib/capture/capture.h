/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_CAPTURE_H
#define PEPGW_CAPTURE_H

/*
 * lib/capture: the pure parts of pepgw's packet capture.
 *
 *   capture_params_parse   the parameters of a capture (telemetry /pepgw/capture/start)
 *   capture_filter_*       a tcpdump expression compiled by libpcap's pcap_compile, run on
 *                          mbufs by libpcap's bpf_filter (DPDK 22.11's rte_bpf_convert +
 *                          rte_bpf was measured slower, and wrong on some filters:
 *                          capture_filter_bench, doc/benchmarks.md)
 *   capture_pcapng_*       pcapng blocks written into a caller's buffer (time passed in, bytes
 *                          out), and a block reader for tests and fuzzing
 *   capture_limit_reached  the stop conditions of a capture (packets, bytes, duration)
 *
 * No clock, no file, no thread: app/pepgw/capture.c owns the rings, the writer thread and the
 * file. The library logs under pepgw.capture.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

/* Capture points, the bit numbers of capture_params.points. */
enum capture_point {
	CAPTURE_POINT_RX,    /* a port's receive burst, before any processing */
	CAPTURE_POINT_TX,    /* what a port's transmit flush hands to the PMD */
	CAPTURE_POINT_DROP,  /* a packet the gateway drops, with its drop reason */
	CAPTURE_POINT_INNER, /* tunnel: inner packets, before sealing / after opening */
	CAPTURE_POINT_OUTER, /* tunnel: sealed packets per link, as sent / as received */
	CAPTURE_POINT_MAX,
};
#define CAPTURE_POINTS_DEFAULT ((1u << CAPTURE_POINT_RX) | (1u << CAPTURE_POINT_TX))

/* Name of a point ("rx", "tx", "drop", "inner", "outer"), or NULL when out of range. */
const char *capture_point_name(enum capture_point p);

#define CAPTURE_MAX_PORT_NAMES 8
#define CAPTURE_NAME_LEN       32
#define CAPTURE_FILTER_LEN     512
#define CAPTURE_FILE_LEN       256
#define CAPTURE_SNAPLEN_MAX    65535
#define CAPTURE_RING_MIN       8
#define CAPTURE_RING_MAX       65536

/* Defaults: every capture is bounded even when the operator gives no limit. */
#define CAPTURE_DEFAULT_PACKETS    1000000ull
#define CAPTURE_DEFAULT_BYTES      (256ull << 20)
#define CAPTURE_DEFAULT_DURATION_S 600u
#define CAPTURE_DEFAULT_SNAPLEN    CAPTURE_SNAPLEN_MAX
#define CAPTURE_DEFAULT_RING       1024u
#define CAPTURE_MAX_PACKETS        (1ull << 40)
#define CAPTURE_MAX_BYTES          (1ull << 44)
#define CAPTURE_MAX_DURATION_S     86400u

struct capture_params {
	char file[CAPTURE_FILE_LEN];     /* absolute path of the pcapng file */
	char filter[CAPTURE_FILTER_LEN]; /* tcpdump expression; "" = every packet */
	uint32_t points;                 /* 1 << enum capture_point */
	/* Ports by name; none = every port. The caller resolves the names. */
	char ports[CAPTURE_MAX_PORT_NAMES][CAPTURE_NAME_LEN];
	unsigned int n_ports;
	uint64_t max_packets; /* packets written, then stop */
	uint64_t max_bytes;   /* file bytes written, then stop */
	uint32_t duration_s;  /* seconds after start, then stop */
	uint32_t snaplen;     /* bytes kept of each packet */
	uint32_t ring_size;   /* per-lcore ring slots (power of two) */
};

/* The defaults: every point but none selected yet (points = CAPTURE_POINTS_DEFAULT). */
void capture_params_default(struct capture_params *p);

/*
 * Parse "key=value;key=value;..." (the parameters of /pepgw/capture/start) into p, starting
 * from the defaults. Keys: file (required, absolute), filter, points (rx,tx,drop,inner,outer,
 * all), ports (NAME,...), count, bytes, duration (seconds), snaplen, ring (power of two).
 * A value runs to the next ';' (a filter cannot contain one).
 * Returns 0, or -EINVAL with err set to "KEY: message (allowed: ...)" quoting the bad value.
 * The filter is not compiled here: capture_filter_create does that.
 */
int capture_params_parse(const char *s, struct capture_params *p, char *err, size_t errlen);

struct capture_filter;

/*
 * Compile expr (tcpdump syntax) for Ethernet frames of snaplen bytes with libpcap's
 * pcap_compile. Returns the filter, or NULL with rte_errno:
 *   EINVAL   syntax or semantic error: err holds "filter: 'EXPR': libpcap's message"
 *   ENOMEM   out of memory
 */
struct capture_filter *capture_filter_create(const char *expr, uint32_t snaplen, char *err,
                                             size_t errlen);

/* True when m (at its Ethernet header) matches. The program sees the first segment (a load
 * past it fails the match, as a load past a short packet does). Called on worker lcores: no
 * allocation, no lock. */
bool capture_filter_match(const struct capture_filter *f, struct rte_mbuf *m);

/* True when the expression was empty (every packet matches without running a program). */
bool capture_filter_is_all(const struct capture_filter *f);

/* Free f; NULL is allowed. */
void capture_filter_free(struct capture_filter *f);

/*
 * pcapng (draft-ietf-opsawg-pcapng): every writer returns the block's length in bytes (a
 * multiple of 4), or -ENOSPC when it does not fit in cap bytes (nothing useful is written), or
 * -EINVAL for a bad argument. Byte order is the host's, as the Section Header says. Timestamps
 * are nanoseconds since the Unix epoch; interfaces are declared with if_tsresol 9.
 */
#define CAPTURE_PCAPNG_SHB        0x0a0d0d0au
#define CAPTURE_PCAPNG_IDB        0x00000001u
#define CAPTURE_PCAPNG_EPB        0x00000006u
#define CAPTURE_PCAPNG_ISB        0x00000005u
#define CAPTURE_LINKTYPE_ETHERNET 1
/* epb_flags direction bits. */
#define CAPTURE_DIR_IN            1u
#define CAPTURE_DIR_OUT           2u

/* Section Header Block naming the writing application (shb_userappl). */
int capture_pcapng_shb(uint8_t *buf, size_t cap, const char *appl);

/* Interface Description Block: name (if_name), optional description (if_description, or
 * NULL), link type, snaplen; if_tsresol 9 (nanoseconds). */
int capture_pcapng_idb(uint8_t *buf, size_t cap, const char *name, const char *descr,
                       uint16_t linktype, uint32_t snaplen);

/* Enhanced Packet Block: caplen bytes of data captured of a packet of origlen bytes on
 * interface iface at ts_ns, with epb_flags (CAPTURE_DIR_*; 0 = none) and an optional
 * comment (opt_comment, NULL = none). Errors: -EINVAL when caplen > origlen. */
int capture_pcapng_epb(uint8_t *buf, size_t cap, uint32_t iface, uint64_t ts_ns, const void *data,
                       uint32_t caplen, uint32_t origlen, uint32_t flags, const char *comment);

/* Interface Statistics Block: packets the capture saw on iface (isb_ifrecv) and copies it
 * lost (isb_ifdrop: ring full), at ts_ns. */
int capture_pcapng_isb(uint8_t *buf, size_t cap, uint32_t iface, uint64_t ts_ns, uint64_t ifrecv,
                       uint64_t ifdrop);

/* One block as read back; pointers point into the reader's buffer. */
struct capture_pcapng_block {
	uint32_t type;
	uint32_t len;
	/* IDB */
	uint16_t linktype;
	uint32_t snaplen;
	uint8_t tsresol;
	/* EPB / ISB */
	uint32_t iface;
	uint64_t ts; /* in units of the interface's tsresol */
	uint32_t caplen, origlen;
	const uint8_t *data;
	uint32_t flags;
	uint64_t ifrecv, ifdrop;
	/* option strings (not NUL-terminated): if_name or opt_comment, shb_userappl */
	const char *name;
	uint16_t name_len;
	const char *comment;
	uint16_t comment_len;
};

/*
 * Read the block at buf (len bytes left). Returns the block's length (the caller advances by
 * it), 0 when len is 0, or -EINVAL when the block is malformed or truncated (lengths that
 * disagree or run past len, options past the block, a Section Header of the other byte order
 * or version). Unknown block types and options are returned with their type and length only.
 */
int capture_pcapng_read(const uint8_t *buf, size_t len, struct capture_pcapng_block *b);

/* Why a capture stopped. */
enum capture_stop {
	CAPTURE_RUNNING = 0,
	CAPTURE_STOP_PACKETS,
	CAPTURE_STOP_BYTES,
	CAPTURE_STOP_DURATION,
	CAPTURE_STOP_REQUEST,
	CAPTURE_STOP_ERROR,
};

/* Name of a stop reason ("running", "count", "bytes", "duration", "stopped", "error"). */
const char *capture_stop_name(enum capture_stop s);

/* Which limit of p a capture that has written packets/bytes and runs since start_us has
 * reached at now_us, or CAPTURE_RUNNING. */
enum capture_stop capture_limit_reached(const struct capture_params *p, uint64_t packets,
                                        uint64_t bytes, uint64_t start_us, uint64_t now_us);

#endif
