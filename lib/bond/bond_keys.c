/* SPDX-License-Identifier: BSD-3-Clause */
#include "bond_keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sha2.h>

#include <rte_errno.h>

#include "bond_wire_private.h"

#define SHA256_BLOCK 64
/* A key file is one short line; anything longer is not a key. */
#define PSK_FILE_MAX 128

static const char session_label[] = "pepgw bond v1 session";
static const char handshake_salt[] = "pepgw bond v1";
static const char handshake_info[] = "handshake mac";

void bond_wipe(void *p, size_t len)
{
	explicit_bzero(p, len);
}

void bond_hmac_sha256(const uint8_t *key, size_t key_len, const struct bond_iov *parts,
                      unsigned int n_parts, uint8_t out[BOND_SHA256_LEN])
{
	uint8_t k0[SHA256_BLOCK] = {0}, pad[SHA256_BLOCK], inner[BOND_SHA256_LEN];
	SHA2_CTX ctx;
	/* RFC 2104 2: keys longer than the block are hashed first. */
	if (key_len > SHA256_BLOCK) {
		SHA256Init(&ctx);
		SHA256Update(&ctx, key, key_len);
		SHA256Final(k0, &ctx);
	} else if (key_len > 0) {
		memcpy(k0, key, key_len);
	}
	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k0[i] ^ 0x36;
	SHA256Init(&ctx);
	SHA256Update(&ctx, pad, SHA256_BLOCK);
	for (unsigned int i = 0; i < n_parts; i++)
		if (parts[i].len > 0)
			SHA256Update(&ctx, parts[i].base, parts[i].len);
	SHA256Final(inner, &ctx);
	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k0[i] ^ 0x5c;
	SHA256Init(&ctx);
	SHA256Update(&ctx, pad, SHA256_BLOCK);
	SHA256Update(&ctx, inner, sizeof(inner));
	SHA256Final(out, &ctx);
	bond_wipe(k0, sizeof(k0));
	bond_wipe(pad, sizeof(pad));
	bond_wipe(inner, sizeof(inner));
	bond_wipe(&ctx, sizeof(ctx));
}

int bond_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                     const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
	static const uint8_t zero_salt[BOND_SHA256_LEN];
	uint8_t prk[BOND_SHA256_LEN], t[BOND_SHA256_LEN];
	if (out_len > 255 * BOND_SHA256_LEN)
		return -EINVAL;
	if (salt == NULL || salt_len == 0) {
		salt = zero_salt;
		salt_len = sizeof(zero_salt);
	}
	/* RFC 5869 2.2: PRK = HMAC(salt, IKM). */
	struct bond_iov in = {ikm, ikm_len};
	bond_hmac_sha256(salt, salt_len, &in, 1, prk);
	/* 2.3: T(n) = HMAC(PRK, T(n-1) || info || n). */
	size_t done = 0;
	for (uint8_t n = 1; done < out_len; n++) {
		struct bond_iov parts[3] = {
		        {t, n > 1 ? sizeof(t) : 0},
		        {info, info_len},
		        {&n, 1},
		};
		bond_hmac_sha256(prk, sizeof(prk), parts, 3, t);
		size_t take = out_len - done < sizeof(t) ? out_len - done : sizeof(t);
		memcpy(out + done, t, take);
		done += take;
	}
	bond_wipe(prk, sizeof(prk));
	bond_wipe(t, sizeof(t));
	return 0;
}

void bond_session_derive(const struct bond_psk *psk, const uint8_t n_i[BOND_NONCE_LEN],
                         const uint8_t n_r[BOND_NONCE_LEN], uint8_t slot_i, uint8_t slot_r,
                         bool initiator, struct bond_session_keys *k,
                         uint8_t confirm_key[BOND_SHA256_LEN])
{
	uint8_t salt[2 * BOND_NONCE_LEN];
	uint8_t info[sizeof(session_label) - 1 + 2];
	uint8_t okm[2 * BOND_KEY_LEN + 2 * BOND_SALT_LEN + BOND_SHA256_LEN + 8];
	memcpy(salt, n_i, BOND_NONCE_LEN);
	memcpy(salt + BOND_NONCE_LEN, n_r, BOND_NONCE_LEN);
	memcpy(info, session_label, sizeof(session_label) - 1);
	info[sizeof(info) - 2] = slot_i;
	info[sizeof(info) - 1] = slot_r;
	bond_hkdf_sha256(salt, sizeof(salt), psk->key, BOND_PSK_LEN, info, sizeof(info), okm,
	                 sizeof(okm));
	const uint8_t *key_ir = okm, *key_ri = okm + BOND_KEY_LEN;
	const uint8_t *salt_ir = okm + 2 * BOND_KEY_LEN;
	const uint8_t *salt_ri = salt_ir + BOND_SALT_LEN;
	memset(k, 0, sizeof(*k));
	memcpy(k->tx_key, initiator ? key_ir : key_ri, BOND_KEY_LEN);
	memcpy(k->rx_key, initiator ? key_ri : key_ir, BOND_KEY_LEN);
	memcpy(k->tx_salt, initiator ? salt_ir : salt_ri, BOND_SALT_LEN);
	memcpy(k->rx_salt, initiator ? salt_ri : salt_ir, BOND_SALT_LEN);
	k->rx_slot = initiator ? slot_i : slot_r;
	k->tx_slot = initiator ? slot_r : slot_i;
	if (confirm_key != NULL)
		memcpy(confirm_key, salt_ri + BOND_SALT_LEN, BOND_SHA256_LEN);
	memcpy(&k->id, salt_ri + BOND_SALT_LEN + BOND_SHA256_LEN, sizeof(k->id));
	bond_wipe(okm, sizeof(okm));
}

void bond_psk_handshake_key(const struct bond_psk *psk, uint8_t out[BOND_SHA256_LEN])
{
	bond_hkdf_sha256((const uint8_t *)handshake_salt, sizeof(handshake_salt) - 1, psk->key,
	                 BOND_PSK_LEN, (const uint8_t *)handshake_info, sizeof(handshake_info) - 1,
	                 out, BOND_SHA256_LEN);
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

#define PSK_FORMAT_HINT                                                                            \
	"one line of 44 base64 characters, a 32-byte key (e.g. from `head -c 32 /dev/urandom | "   \
	"base64` or `wg genpsk`)"

int bond_psk_parse(const char *text, size_t len, uint8_t key[BOND_PSK_LEN], char *err,
                   size_t errlen)
{
	/* One trailing newline (LF or CRLF) is the end of the line, not part of the key. */
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (len != BOND_PSK_B64_LEN) {
		snprintf(err, errlen, "expected %s; found %zu characters", PSK_FORMAT_HINT, len);
		return -EINVAL;
	}
	uint32_t acc = 0;
	int bits = 0;
	size_t out = 0;
	for (size_t i = 0; i < BOND_PSK_B64_LEN - 1; i++) {
		int v = b64_value(text[i]);
		if (v < 0) {
			snprintf(err, errlen, "not base64 at character %zu; expected %s", i + 1,
			         PSK_FORMAT_HINT);
			bond_wipe(&acc, sizeof(acc));
			bond_wipe(key, BOND_PSK_LEN);
			return -EINVAL;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			key[out++] = (uint8_t)(acc >> bits);
		}
	}
	/* 43 characters carry 258 bits: 32 bytes and 2 bits that must be zero, then one '='. */
	if (text[BOND_PSK_B64_LEN - 1] != '=' || (acc & ((1u << bits) - 1)) != 0 ||
	    out != BOND_PSK_LEN) {
		snprintf(err, errlen, "does not decode to exactly 32 bytes; expected %s",
		         PSK_FORMAT_HINT);
		bond_wipe(&acc, sizeof(acc));
		bond_wipe(key, BOND_PSK_LEN);
		return -EINVAL;
	}
	bond_wipe(&acc, sizeof(acc));
	return 0;
}

struct bond_psk *bond_psk_from_bytes(const uint8_t key[BOND_PSK_LEN])
{
	struct bond_psk *psk = malloc(sizeof(*psk));
	if (psk == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	memcpy(psk->key, key, BOND_PSK_LEN);
	return psk;
}

void bond_psk_free(struct bond_psk *psk)
{
	if (psk == NULL)
		return;
	bond_wipe(psk, sizeof(*psk));
	free(psk);
}

struct bond_psk *bond_psk_load(const char *path, char *err, size_t errlen)
{
	char buf[PSK_FILE_MAX];
	char why[256];
	uint8_t key[BOND_PSK_LEN];
	struct bond_psk *psk = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rte_errno = errno;
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return NULL;
	}
	/* Checked on the open descriptor: what is read is what was checked. */
	struct stat st;
	if (fstat(fd, &st) != 0) {
		rte_errno = errno;
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rte_errno = EINVAL;
		snprintf(err, errlen, "key file %s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		rte_errno = EPERM;
		snprintf(err, errlen,
		         "key file %s: group or others have access (mode %04o); it must be "
		         "readable by its owner only: chmod 600 %s",
		         path, (unsigned int)(st.st_mode & 07777), path);
		goto out;
	}
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rte_errno = errno;
			snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf)) {
			rte_errno = EINVAL;
			snprintf(err, errlen, "key file %s: longer than a key; expected %s", path,
			         PSK_FORMAT_HINT);
			goto out;
		}
	}
	if (bond_psk_parse(buf, len, key, why, sizeof(why)) != 0) {
		rte_errno = EINVAL;
		snprintf(err, errlen, "key file %s: %s", path, why);
		goto out;
	}
	psk = bond_psk_from_bytes(key);
out:
	bond_wipe(buf, sizeof(buf));
	bond_wipe(key, sizeof(key));
	close(fd);
	return psk;
}
