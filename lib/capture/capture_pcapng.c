/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcapng blocks (draft-ietf-opsawg-pcapng, sections 4.1-4.3 and 4.6) written into a caller's
 * buffer in host byte order, and a reader of what this writer produces (strict: lengths must
 * agree and options must fit the block), used by the unit test and the fuzz target.
 */
#include <errno.h>
#include <string.h>

#include "capture.h"

#define BYTE_ORDER_MAGIC 0x1a2b3c4du
#define OPT_END          0
#define OPT_COMMENT      1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME      2
#define OPT_IF_DESCR     3
#define OPT_IF_TSRESOL   9
#define OPT_EPB_FLAGS    2
#define OPT_ISB_IFRECV   4
#define OPT_ISB_IFDROP   5
#define TSRESOL_NS       9
#define OPT_MAX_LEN      65532u /* an option's value fits 16 bits, padded to 4 */
#define BLOCK_MIN        12u    /* type, length, trailing length */

static inline uint32_t pad4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

static inline size_t opt_size(size_t n)
{
	return 4 + pad4((uint32_t)n);
}

/* A cursor over the output buffer; every put is preceded by a size check of the whole block. */
struct out {
	uint8_t *p;
};

static inline void put32(struct out *o, uint32_t v)
{
	memcpy(o->p, &v, 4);
	o->p += 4;
}

static inline void put16(struct out *o, uint16_t v)
{
	memcpy(o->p, &v, 2);
	o->p += 2;
}

static void put_opt(struct out *o, uint16_t code, const void *v, size_t n)
{
	put16(o, code);
	put16(o, (uint16_t)n);
	memcpy(o->p, v, n);
	memset(o->p + n, 0, pad4((uint32_t)n) - n);
	o->p += pad4((uint32_t)n);
}

static size_t str_opt_len(const char *s)
{
	if (s == NULL)
		return 0;
	size_t n = strlen(s);
	return n > OPT_MAX_LEN ? OPT_MAX_LEN : n;
}

int capture_pcapng_shb(uint8_t *buf, size_t cap, const char *appl)
{
	size_t an = str_opt_len(appl);
	size_t len = BLOCK_MIN + 4 + 4 + 8 + (an ? opt_size(an) : 0) + 4;
	if (buf == NULL)
		return -EINVAL;
	if (len > cap)
		return -ENOSPC;
	struct out o = {buf};
	put32(&o, CAPTURE_PCAPNG_SHB);
	put32(&o, (uint32_t)len);
	put32(&o, BYTE_ORDER_MAGIC);
	put16(&o, 1);          /* major */
	put16(&o, 0);          /* minor */
	put32(&o, UINT32_MAX); /* section length -1: not given */
	put32(&o, UINT32_MAX);
	if (an)
		put_opt(&o, OPT_SHB_USERAPPL, appl, an);
	put32(&o, OPT_END);
	put32(&o, (uint32_t)len);
	return (int)len;
}

int capture_pcapng_idb(uint8_t *buf, size_t cap, const char *name, const char *descr,
                       uint16_t linktype, uint32_t snaplen)
{
	size_t nn = str_opt_len(name), dn = str_opt_len(descr);
	size_t len =
	        BLOCK_MIN + 8 + (nn ? opt_size(nn) : 0) + (dn ? opt_size(dn) : 0) + opt_size(1) + 4;
	if (buf == NULL)
		return -EINVAL;
	if (len > cap)
		return -ENOSPC;
	struct out o = {buf};
	const uint8_t tsresol = TSRESOL_NS;
	put32(&o, CAPTURE_PCAPNG_IDB);
	put32(&o, (uint32_t)len);
	put16(&o, linktype);
	put16(&o, 0);
	put32(&o, snaplen);
	if (nn)
		put_opt(&o, OPT_IF_NAME, name, nn);
	if (dn)
		put_opt(&o, OPT_IF_DESCR, descr, dn);
	put_opt(&o, OPT_IF_TSRESOL, &tsresol, 1);
	put32(&o, OPT_END);
	put32(&o, (uint32_t)len);
	return (int)len;
}

int capture_pcapng_epb(uint8_t *buf, size_t cap, uint32_t iface, uint64_t ts_ns, const void *data,
                       uint32_t caplen, uint32_t origlen, uint32_t flags, const char *comment)
{
	size_t cn = str_opt_len(comment);
	if (buf == NULL || caplen > origlen || (caplen > 0 && data == NULL) ||
	    caplen > CAPTURE_SNAPLEN_MAX)
		return -EINVAL;
	size_t len = BLOCK_MIN + 20 + pad4(caplen) + (cn ? opt_size(cn) : 0) +
	             (flags ? opt_size(4) : 0) + 4;
	if (len > cap)
		return -ENOSPC;
	struct out o = {buf};
	put32(&o, CAPTURE_PCAPNG_EPB);
	put32(&o, (uint32_t)len);
	put32(&o, iface);
	put32(&o, (uint32_t)(ts_ns >> 32));
	put32(&o, (uint32_t)ts_ns);
	put32(&o, caplen);
	put32(&o, origlen);
	if (caplen > 0)
		memcpy(o.p, data, caplen);
	memset(o.p + caplen, 0, pad4(caplen) - caplen);
	o.p += pad4(caplen);
	if (cn)
		put_opt(&o, OPT_COMMENT, comment, cn);
	if (flags)
		put_opt(&o, OPT_EPB_FLAGS, &flags, 4);
	put32(&o, OPT_END);
	put32(&o, (uint32_t)len);
	return (int)len;
}

int capture_pcapng_isb(uint8_t *buf, size_t cap, uint32_t iface, uint64_t ts_ns, uint64_t ifrecv,
                       uint64_t ifdrop)
{
	size_t len = BLOCK_MIN + 12 + 2 * opt_size(8) + 4;
	if (buf == NULL)
		return -EINVAL;
	if (len > cap)
		return -ENOSPC;
	struct out o = {buf};
	put32(&o, CAPTURE_PCAPNG_ISB);
	put32(&o, (uint32_t)len);
	put32(&o, iface);
	put32(&o, (uint32_t)(ts_ns >> 32));
	put32(&o, (uint32_t)ts_ns);
	put_opt(&o, OPT_ISB_IFRECV, &ifrecv, 8);
	put_opt(&o, OPT_ISB_IFDROP, &ifdrop, 8);
	put32(&o, OPT_END);
	put32(&o, (uint32_t)len);
	return (int)len;
}

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static inline uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* Walk the options in [p, end): every option must fit; returns 0 or -EINVAL. */
static int read_options(const uint8_t *p, const uint8_t *end, struct capture_pcapng_block *b)
{
	while (p < end) {
		if (end - p < 4)
			return -EINVAL;
		uint16_t code = get16(p), n = get16(p + 2);
		p += 4;
		if (code == OPT_END)
			return n == 0 ? 0 : -EINVAL;
		if ((size_t)(end - p) < pad4(n))
			return -EINVAL;
		switch (b->type) {
		case CAPTURE_PCAPNG_SHB:
			if (code == OPT_SHB_USERAPPL) {
				b->name = (const char *)p;
				b->name_len = n;
			}
			break;
		case CAPTURE_PCAPNG_IDB:
			if (code == OPT_IF_NAME) {
				b->name = (const char *)p;
				b->name_len = n;
			} else if (code == OPT_IF_TSRESOL) {
				if (n != 1)
					return -EINVAL;
				b->tsresol = p[0];
			}
			break;
		case CAPTURE_PCAPNG_EPB:
			if (code == OPT_EPB_FLAGS) {
				if (n != 4)
					return -EINVAL;
				b->flags = get32(p);
			}
			break;
		case CAPTURE_PCAPNG_ISB:
			if (code == OPT_ISB_IFRECV || code == OPT_ISB_IFDROP) {
				if (n != 8)
					return -EINVAL;
				if (code == OPT_ISB_IFRECV)
					b->ifrecv = get64(p);
				else
					b->ifdrop = get64(p);
			}
			break;
		default:
			break;
		}
		if (code == OPT_COMMENT) {
			b->comment = (const char *)p;
			b->comment_len = n;
		}
		p += pad4(n);
	}
	return 0; /* options may end at the block's end without opt_endofopt */
}

int capture_pcapng_read(const uint8_t *buf, size_t len, struct capture_pcapng_block *b)
{
	memset(b, 0, sizeof(*b));
	if (len == 0)
		return 0;
	if (buf == NULL || len < BLOCK_MIN)
		return -EINVAL;
	uint32_t blen = get32(buf + 4);
	if (blen < BLOCK_MIN || (blen & 3) || blen > len || get32(buf + blen - 4) != blen)
		return -EINVAL;
	b->type = get32(buf);
	b->len = blen;
	const uint8_t *body = buf + 8, *end = buf + blen - 4;
	size_t body_len = (size_t)(end - body);
	switch (b->type) {
	case CAPTURE_PCAPNG_SHB:
		if (body_len < 16 || get32(body) != BYTE_ORDER_MAGIC || get16(body + 4) != 1)
			return -EINVAL;
		return read_options(body + 16, end, b) == 0 ? (int)blen : -EINVAL;
	case CAPTURE_PCAPNG_IDB:
		if (body_len < 8)
			return -EINVAL;
		b->linktype = get16(body);
		b->snaplen = get32(body + 4);
		b->tsresol = 6; /* the default: microseconds */
		return read_options(body + 8, end, b) == 0 ? (int)blen : -EINVAL;
	case CAPTURE_PCAPNG_EPB:
		if (body_len < 20)
			return -EINVAL;
		b->iface = get32(body);
		b->ts = (uint64_t)get32(body + 4) << 32 | get32(body + 8);
		b->caplen = get32(body + 12);
		b->origlen = get32(body + 16);
		if (b->caplen > body_len - 20 || pad4(b->caplen) > body_len - 20 ||
		    b->caplen > b->origlen)
			return -EINVAL;
		b->data = body + 20;
		return read_options(body + 20 + pad4(b->caplen), end, b) == 0 ? (int)blen : -EINVAL;
	case CAPTURE_PCAPNG_ISB:
		if (body_len < 12)
			return -EINVAL;
		b->iface = get32(body);
		b->ts = (uint64_t)get32(body + 4) << 32 | get32(body + 8);
		return read_options(body + 12, end, b) == 0 ? (int)blen : -EINVAL;
	default:
		return (int)blen;
	}
}
