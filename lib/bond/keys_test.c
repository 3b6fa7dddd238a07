/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/bond keys: HMAC-SHA256 and HKDF vectors, key files, session key derivation. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_errno.h>

#include "bond_keys.h"

static void unhex(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	assert_int_equal(strlen(hex), 2 * n);
}

static void check_hmac(const uint8_t *key, size_t klen, const void *msg, size_t mlen,
                       const char *want_hex)
{
	uint8_t want[32], got[32];
	unhex(want_hex, want, 32);
	struct bond_iov one = {msg, mlen};
	bond_hmac_sha256(key, klen, &one, 1, got);
	assert_memory_equal(got, want, 32);
	/* The same message cut in pieces gives the same MAC. */
	struct bond_iov three[3] = {{msg, mlen / 3},
	                            {(const uint8_t *)msg + mlen / 3, 0},
	                            {(const uint8_t *)msg + mlen / 3, mlen - mlen / 3}};
	bond_hmac_sha256(key, klen, three, 3, got);
	assert_memory_equal(got, want, 32);
}

/* RFC 4231 section 4: test cases 1, 2, 3, 4, 6, 7 (5 is a truncated output). */
static void hmac_rfc4231(void **state)
{
	uint8_t k[131], d[50];
	memset(k, 0x0b, 20);
	check_hmac(k, 20, "Hi There", 8,
	           "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
	           "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 20);
	memset(d, 0xdd, 50);
	check_hmac(k, 20, d, 50,
	           "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)
		k[i] = (uint8_t)(i + 1);
	memset(d, 0xcd, 50);
	check_hmac(k, 25, d, 50,
	           "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	memset(k, 0xaa, 131);
	const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	check_hmac(k, 131, m6, strlen(m6),
	           "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	const char *m7 = "This is a test using a larger than block-size key and a larger than "
	                 "block-size data. The key needs to be hashed before being used by the "
	                 "HMAC algorithm.";
	check_hmac(k, 131, m7, strlen(m7),
	           "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void check_hkdf(const uint8_t *salt, size_t slen, const uint8_t *ikm, size_t ilen,
                       const uint8_t *info, size_t nlen, const char *okm_hex, size_t L)
{
	uint8_t want[82], got[82];
	unhex(okm_hex, want, L);
	assert_int_equal(bond_hkdf_sha256(salt, slen, ikm, ilen, info, nlen, got, L), 0);
	assert_memory_equal(got, want, L);
}

/* RFC 5869 appendix A, test cases 1-3. */
static void hkdf_rfc5869(void **state)
{
	uint8_t ikm[80], salt[80], info[80];
	memset(ikm, 0x0b, 22);
	for (int i = 0; i < 13; i++)
		salt[i] = (uint8_t)i;
	for (int i = 0; i < 10; i++)
		info[i] = (uint8_t)(0xf0 + i);
	check_hkdf(
	        salt, 13, ikm, 22, info, 10,
	        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b88718"
	        "5865",
	        42);
	for (int i = 0; i < 80; i++) {
		ikm[i] = (uint8_t)i;
		salt[i] = (uint8_t)(0x60 + i);
		info[i] = (uint8_t)(0xb0 + i);
	}
	check_hkdf(
	        salt, 80, ikm, 80, info, 80,
	        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac78272"
	        "71cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f"
	        "1d87",
	        82);
	memset(ikm, 0x0b, 22);
	check_hkdf(
	        NULL, 0, ikm, 22, NULL, 0,
	        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a"
	        "96c8",
	        42);
	uint8_t big[1];
	assert_int_equal(bond_hkdf_sha256(NULL, 0, ikm, 22, NULL, 0, big, 255 * 32 + 1), -EINVAL);
}

/* 32 bytes 0x00..0x1f in base64. */
static const char key_b64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

static void psk_parse_formats(void **state)
{
	uint8_t key[BOND_PSK_LEN], want[BOND_PSK_LEN];
	char err[256], text[64];
	for (int i = 0; i < 32; i++)
		want[i] = (uint8_t)i;
	assert_int_equal(bond_psk_parse(key_b64, 44, key, err, sizeof(err)), 0);
	assert_memory_equal(key, want, 32);
	snprintf(text, sizeof(text), "%s\n", key_b64);
	assert_int_equal(bond_psk_parse(text, 45, key, err, sizeof(err)), 0);
	assert_memory_equal(key, want, 32);
	snprintf(text, sizeof(text), "%s\r\n", key_b64);
	assert_int_equal(bond_psk_parse(text, 46, key, err, sizeof(err)), 0);

	/* Wrong length: a hex key, a short one, two newlines. */
	assert_int_equal(bond_psk_parse(key_b64, 43, key, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "found 43 characters"));
	snprintf(text, sizeof(text), "%s\n\n", key_b64);
	assert_int_equal(bond_psk_parse(text, 46, key, err, sizeof(err)), -EINVAL);
	/* A character outside base64, named by position only. */
	memcpy(text, key_b64, 44);
	text[10] = '*';
	assert_int_equal(bond_psk_parse(text, 44, key, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "character 11"));
	/* No padding, or bits beyond the 32 bytes (not canonical). */
	memcpy(text, key_b64, 44);
	text[43] = 'A';
	assert_int_equal(bond_psk_parse(text, 44, key, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "exactly 32 bytes"));
	memcpy(text, key_b64, 44);
	text[42] = '9'; /* '8' + 1: sets one of the two spare bits */
	assert_int_equal(bond_psk_parse(text, 44, key, err, sizeof(err)), -EINVAL);
	/* Messages never quote the key text. */
	assert_null(strstr(err, "AAECAwQF"));
}

static char dir[64];

static const char *write_key(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static int make_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/bond_keys_test.XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void psk_load_good(void **state)
{
	char err[256] = "";
	char text[64];
	snprintf(text, sizeof(text), "%s\n", key_b64);
	struct bond_psk *psk = bond_psk_load(write_key("good", text, 0600), err, sizeof(err));
	assert_non_null(psk);
	bond_psk_free(psk);
	psk = bond_psk_load(write_key("ro", text, 0400), err, sizeof(err));
	assert_non_null(psk);
	bond_psk_free(psk);
	bond_psk_free(NULL);
}

static void psk_load_refuses_permissions(void **state)
{
	char err[512];
	char text[64];
	snprintf(text, sizeof(text), "%s\n", key_b64);
	/* Readable (or writable, or executable) by group or others: refused, whatever the text. */
	const mode_t bad[] = {0640, 0604, 0644, 0660, 0606, 0610, 0601};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *path = write_key("open", text, bad[i]);
		rte_errno = 0;
		assert_null(bond_psk_load(path, err, sizeof(err)));
		assert_int_equal(rte_errno, EPERM);
		assert_non_null(strstr(err, "chmod 600"));
		assert_non_null(strstr(err, path));
		assert_null(strstr(err, "AAECAwQF"));
	}
}

static void psk_load_errors(void **state)
{
	char err[512];
	char path[128];
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_null(bond_psk_load(path, err, sizeof(err)));
	assert_int_equal(rte_errno, ENOENT);
	assert_non_null(strstr(err, path));
	/* A directory is not a key file. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_null(bond_psk_load(path, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	/* Wrong format: hex, empty, far too long. */
	const char *hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
	assert_null(bond_psk_load(write_key("hex", hex, 0600), err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	assert_non_null(strstr(err, "44 base64 characters"));
	assert_null(strstr(err, "000102"));
	assert_null(bond_psk_load(write_key("empty", "", 0600), err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	char big[300];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_null(bond_psk_load(write_key("big", big, 0600), err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	assert_non_null(strstr(err, "longer than a key"));
}

static void session_keys(void **state)
{
	uint8_t raw[BOND_PSK_LEN], n_i[32], n_r[32], n_r2[32];
	for (int i = 0; i < 32; i++) {
		raw[i] = (uint8_t)(i * 7);
		n_i[i] = (uint8_t)(i + 100);
		n_r[i] = (uint8_t)(i + 200);
		n_r2[i] = (uint8_t)(i + 200);
	}
	n_r2[31] ^= 1;
	struct bond_psk *psk = bond_psk_from_bytes(raw);
	assert_non_null(psk);
	struct bond_session_keys ini, res, again, other;
	uint8_t ci[32], cr[32], co[32];
	bond_session_derive(psk, n_i, n_r, 1, 3, true, &ini, ci);
	bond_session_derive(psk, n_i, n_r, 1, 3, false, &res, cr);
	/* The two views mirror each other. */
	assert_memory_equal(ini.tx_key, res.rx_key, BOND_KEY_LEN);
	assert_memory_equal(ini.rx_key, res.tx_key, BOND_KEY_LEN);
	assert_memory_equal(ini.tx_salt, res.rx_salt, BOND_SALT_LEN);
	assert_memory_equal(ini.rx_salt, res.tx_salt, BOND_SALT_LEN);
	assert_memory_equal(ci, cr, 32);
	assert_int_equal(ini.rx_slot, 1);
	assert_int_equal(ini.tx_slot, 3);
	assert_int_equal(res.rx_slot, 3);
	assert_int_equal(res.tx_slot, 1);
	assert_false(ini.tx_active);
	/* Each direction has its own key and salt. */
	assert_memory_not_equal(ini.tx_key, ini.rx_key, BOND_KEY_LEN);
	assert_memory_not_equal(ini.tx_salt, ini.rx_salt, BOND_SALT_LEN);
	/* Deterministic for the same inputs. */
	bond_session_derive(psk, n_i, n_r, 1, 3, true, &again, NULL);
	assert_memory_equal(&again, &ini, sizeof(ini));
	/* One bit of one side's random changes every key: a restart gets new keys. */
	bond_session_derive(psk, n_i, n_r2, 1, 3, true, &other, co);
	assert_memory_not_equal(other.tx_key, ini.tx_key, BOND_KEY_LEN);
	assert_memory_not_equal(other.rx_key, ini.rx_key, BOND_KEY_LEN);
	assert_memory_not_equal(other.tx_salt, ini.tx_salt, BOND_SALT_LEN);
	assert_memory_not_equal(co, ci, 32);
	/* So do the slots (they are bound into the keys). */
	bond_session_derive(psk, n_i, n_r, 2, 3, true, &other, NULL);
	assert_memory_not_equal(other.tx_key, ini.tx_key, BOND_KEY_LEN);
	/* And the pre-shared key. */
	raw[0] ^= 1;
	struct bond_psk *psk2 = bond_psk_from_bytes(raw);
	bond_session_derive(psk2, n_i, n_r, 1, 3, true, &other, NULL);
	assert_memory_not_equal(other.tx_key, ini.tx_key, BOND_KEY_LEN);
	bond_psk_free(psk);
	bond_psk_free(psk2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(hmac_rfc4231),
	        cmocka_unit_test(hkdf_rfc5869),
	        cmocka_unit_test(psk_parse_formats),
	        cmocka_unit_test(psk_load_good),
	        cmocka_unit_test(psk_load_refuses_permissions),
	        cmocka_unit_test(psk_load_errors),
	        cmocka_unit_test(session_keys),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
