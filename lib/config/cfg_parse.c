/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg framework: values written as strings — IPv4 addresses, prefixes, MAC addresses, port
 * ranges. The plain parsers (cfg_parse_*) only say yes or no; the node parsers (cfg_node_*)
 * wrap them with a message that quotes the value and says what is allowed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfg_private.h"

/* ---- node parsers ------------------------------------------------------------------------ */

bool cfg_node_ipv4(const struct cfg_node *n, uint32_t *addr)
{
	char q[64];

	if (!json_is_string(n->json)) {
		cfg_wrong_type(n, "IPv4 address string \"a.b.c.d\"");
		return false;
	}
	if (cfg_parse_ipv4(json_string_value(n->json), addr) != 0) {
		cfg_error(n, "%s is not an IPv4 address (allowed: \"a.b.c.d\", each 0..255)",
		          cfg_quote(n->json, q, sizeof(q)));
		return false;
	}
	return true;
}

bool cfg_node_prefix(const struct cfg_node *n, unsigned int flags, uint32_t *addr, uint8_t *len)
{
	const char *allowed = (flags & CFG_PREFIX_BARE_OK)
	                              ? "\"a.b.c.d/len\" (len 0..32) or \"a.b.c.d\""
	                              : "\"a.b.c.d/len\" (len 0..32)";
	char q[64];
	uint32_t a;
	uint8_t l;

	if (!json_is_string(n->json)) {
		char t[96];
		snprintf(t, sizeof(t), "IPv4 prefix string %s", allowed);
		cfg_wrong_type(n, t);
		return false;
	}
	if (cfg_parse_prefix(json_string_value(n->json), flags & CFG_PREFIX_BARE_OK, &a, &l) != 0) {
		cfg_error(n, "%s is not an IPv4 prefix (allowed: %s)",
		          cfg_quote(n->json, q, sizeof(q)), allowed);
		return false;
	}
	if (!(flags & CFG_PREFIX_HOST_BITS_OK) && (a & ~cfg_prefix_mask(l)) != 0) {
		char net[16];
		cfg_format_ipv4(a & cfg_prefix_mask(l), net, sizeof(net));
		cfg_error(n, "%s has host bits set (allowed: the network address, here \"%s/%u\")",
		          cfg_quote(n->json, q, sizeof(q)), net, l);
		return false;
	}
	*addr = a;
	*len = l;
	return true;
}

bool cfg_node_mac(const struct cfg_node *n, uint8_t mac[6])
{
	static const char allowed[] = "unicast MAC \"aa:bb:cc:dd:ee:ff\"";
	char q[64];
	uint8_t m[6];

	if (!json_is_string(n->json)) {
		cfg_wrong_type(n, allowed);
		return false;
	}
	if (cfg_parse_mac(json_string_value(n->json), m) != 0) {
		cfg_error(n, "%s is not a MAC address (allowed: %s)",
		          cfg_quote(n->json, q, sizeof(q)), allowed);
		return false;
	}
	if ((m[0] & 1) || (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0) {
		cfg_error(n, "%s is a %s address (allowed: %s)", cfg_quote(n->json, q, sizeof(q)),
		          (m[0] & 1) ? "multicast" : "zero", allowed);
		return false;
	}
	memcpy(mac, m, 6);
	return true;
}

bool cfg_node_port_range(const struct cfg_node *n, uint16_t *lo, uint16_t *hi)
{
	static const char allowed[] = "port 0..65535 or string \"lo-hi\" with lo <= hi";
	char q[64];

	if (json_is_integer(n->json)) {
		json_int_t v = json_integer_value(n->json);
		if (v < 0 || v > 65535) {
			cfg_error(n, "%" JSON_INTEGER_FORMAT " is out of range (allowed: %s)", v,
			          allowed);
			return false;
		}
		*lo = *hi = (uint16_t)v;
		return true;
	}
	if (!json_is_string(n->json)) {
		cfg_wrong_type(n, allowed);
		return false;
	}
	const char *s = json_string_value(n->json);
	if (strchr(s, '-') == NULL || cfg_parse_port_range(s, lo, hi) != 0) {
		cfg_error(n, "%s is not a port range (allowed: %s)",
		          cfg_quote(n->json, q, sizeof(q)), allowed);
		return false;
	}
	return true;
}

bool cfg_node_endpoint(const struct cfg_node *n, uint32_t *addr, uint16_t *port)
{
	static const char allowed[] = "\"a.b.c.d:port\", port 1..65535";
	char q[64];

	if (!json_is_string(n->json)) {
		cfg_wrong_type(n, allowed);
		return false;
	}
	if (cfg_parse_endpoint(json_string_value(n->json), addr, port) != 0) {
		cfg_error(n, "%s is not an endpoint (allowed: %s)",
		          cfg_quote(n->json, q, sizeof(q)), allowed);
		return false;
	}
	return true;
}

/* ---- plain string parsers ---------------------------------------------------------------- */

/* Decimal 0..max with 1..maxdigits digits and no sign or leading zeros; advances *s. */
static int parse_dec(const char **s, unsigned int max, unsigned int maxdigits, unsigned int *out)
{
	const char *p = *s;
	unsigned int v = 0, nd = 0;

	while (*p >= '0' && *p <= '9') {
		if (nd == 1 && v == 0)
			return -EINVAL; /* "01": ambiguous (octal in inet_aton) */
		v = v * 10 + (unsigned int)(*p - '0');
		p++;
		if (++nd > maxdigits || v > max)
			return -EINVAL;
	}
	if (nd == 0)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

static int parse_ipv4_prefix(const char **s, uint32_t *addr)
{
	uint32_t a = 0;
	for (int i = 0; i < 4; i++) {
		unsigned int o;
		if (i > 0) {
			if (**s != '.')
				return -EINVAL;
			(*s)++;
		}
		if (parse_dec(s, 255, 3, &o) != 0)
			return -EINVAL;
		a = (a << 8) | o;
	}
	*addr = a;
	return 0;
}

int cfg_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t a;
	if (parse_ipv4_prefix(&s, &a) != 0 || *s != '\0')
		return -EINVAL;
	*addr = a;
	return 0;
}

int cfg_parse_prefix(const char *s, bool bare_ok, uint32_t *addr, uint8_t *len)
{
	uint32_t a;
	unsigned int l;

	if (parse_ipv4_prefix(&s, &a) != 0)
		return -EINVAL;
	if (*s == '\0' && bare_ok) {
		*addr = a;
		*len = 32;
		return 0;
	}
	if (*s != '/')
		return -EINVAL;
	s++;
	if (parse_dec(&s, 32, 2, &l) != 0 || *s != '\0')
		return -EINVAL;
	*addr = a;
	*len = (uint8_t)l;
	return 0;
}

int cfg_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	char sep = 0;

	for (int i = 0; i < 6; i++) {
		if (i > 0) {
			if (sep == 0 && (*s == ':' || *s == '-'))
				sep = *s;
			if (*s != sep)
				return -EINVAL;
			s++;
		}
		int h = cfg_hexval((unsigned char)s[0]);
		int l = h < 0 ? -1 : cfg_hexval((unsigned char)s[1]);
		if (h < 0 || l < 0)
			return -EINVAL;
		m[i] = (uint8_t)(h << 4 | l);
		s += 2;
	}
	if (*s != '\0')
		return -EINVAL;
	memcpy(mac, m, 6);
	return 0;
}

int cfg_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	unsigned int a, b;

	if (parse_dec(&s, 65535, 5, &a) != 0)
		return -EINVAL;
	if (*s == '\0') {
		*lo = *hi = (uint16_t)a;
		return 0;
	}
	if (*s != '-')
		return -EINVAL;
	s++;
	if (parse_dec(&s, 65535, 5, &b) != 0 || *s != '\0' || a > b)
		return -EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

int cfg_parse_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	uint32_t a;
	unsigned int p;

	if (parse_ipv4_prefix(&s, &a) != 0 || *s != ':')
		return -EINVAL;
	s++;
	if (parse_dec(&s, 65535, 5, &p) != 0 || *s != '\0' || p == 0)
		return -EINVAL;
	*addr = a;
	*port = (uint16_t)p;
	return 0;
}

uint32_t cfg_prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : len >= 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1);
}

char *cfg_format_ipv4(uint32_t a, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return buf;
}
