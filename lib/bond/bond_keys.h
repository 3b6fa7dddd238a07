/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PEPGW_BOND_KEYS_H
#define PEPGW_BOND_KEYS_H

/*
 * lib/bond keys: the per-peer pre-shared key file, HMAC-SHA256 and HKDF-SHA256 (RFC 2104,
 * RFC 5869; SHA-256 from libmd, which libbsd already depends on), and the derivation of the
 * session keys of one handshake.
 *
 * Key material never leaves these structs except into the cryptodev sessions; it is never
 * printed or logged, and every holder wipes it (explicit_bzero) when it lets go.
 *
 * Session keys (bond_session_derive):
 *   PRK = HKDF-Extract(salt = N_i || N_r, IKM = PSK)
 *   OKM = HKDF-Expand(PRK, "pepgw bond v1 session" || slot_i || slot_r, 112 bytes)
 *       = key i->r (32) || key r->i (32) || salt i->r (4) || salt r->i (4) || confirm key (32)
 *         || session id (8)
 * N_i and N_r are 32 fresh random bytes from the initiator and the responder (arc4random), so
 * every handshake, restarts included, gives new keys in both directions even if one side's
 * randomness repeated.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOND_PSK_LEN     32
#define BOND_KEY_LEN     32 /* AES-256 */
#define BOND_SALT_LEN    4  /* implicit part of the GCM nonce */
#define BOND_NONCE_LEN   32 /* handshake random of each side */
#define BOND_SHA256_LEN  32
/* Characters of a key file: base64 of 32 bytes, as `wg genpsk` or `head -c 32 /dev/urandom |
 * base64` write it. */
#define BOND_PSK_B64_LEN 44

struct bond_psk;

/*
 * Parse the text of a key file: exactly 44 base64 characters (standard alphabet, one '='
 * pad, canonical) optionally followed by one newline. Writes the 32 key bytes to key.
 * Returns 0, or -EINVAL with a message in err that never quotes the text.
 */
int bond_psk_parse(const char *text, size_t len, uint8_t key[BOND_PSK_LEN], char *err,
                   size_t errlen);

/*
 * Load a pre-shared key file. Refused when it is not a regular file or when group or others
 * have any permission on it (it must be chmod 600 or stricter), or when its text is not a key
 * (bond_psk_parse). Returns the key (free with bond_psk_free), or NULL with rte_errno set
 * (ENOENT/EACCES/... from open, EPERM for the permissions, EINVAL for the format, ENOMEM) and
 * a one-line message in err that names the file and never contains key material.
 */
struct bond_psk *bond_psk_load(const char *path, char *err, size_t errlen);

/* A key from raw bytes (tests, benchmarks). NULL with rte_errno = ENOMEM. */
struct bond_psk *bond_psk_from_bytes(const uint8_t key[BOND_PSK_LEN]);

/* Wipe and free; NULL is allowed. */
void bond_psk_free(struct bond_psk *psk);

/* One piece of a message to authenticate. */
struct bond_iov {
	const void *base;
	size_t len;
};

/* HMAC-SHA256 (RFC 2104) of the concatenated pieces. */
void bond_hmac_sha256(const uint8_t *key, size_t key_len, const struct bond_iov *parts,
                      unsigned int n_parts, uint8_t out[BOND_SHA256_LEN]);

/*
 * HKDF-SHA256 (RFC 5869): extract with salt (NULL/0: 32 zero bytes) from ikm, expand with info
 * into out_len bytes. Returns 0, or -EINVAL when out_len > 255 * 32.
 */
int bond_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                     const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);

/* Keys of one session as one side uses them. */
struct bond_session_keys {
	uint8_t rx_slot; /* our key slot: header key slot of the packets we receive with it */
	uint8_t tx_slot; /* the peer's key slot for it: header key slot of what we send */
	bool tx_active;  /* send with it from now on (else only once bond_crypto_activate_tx) */
	uint64_t id;     /* names the session (same on both sides; derived, not a key) */
	uint8_t rx_key[BOND_KEY_LEN];
	uint8_t tx_key[BOND_KEY_LEN];
	uint8_t rx_salt[BOND_SALT_LEN];
	uint8_t tx_salt[BOND_SALT_LEN];
};

/*
 * Derive the keys of the session that the handshake (n_i, slot_i from the initiator; n_r,
 * slot_r from the responder) established, as the initiator (initiator = true: tx = i->r) or
 * the responder sees them. confirm_key (may be NULL) authenticates the handshake confirmation.
 * tx_active is left false.
 */
void bond_session_derive(const struct bond_psk *psk, const uint8_t n_i[BOND_NONCE_LEN],
                         const uint8_t n_r[BOND_NONCE_LEN], uint8_t slot_i, uint8_t slot_r,
                         bool initiator, struct bond_session_keys *k,
                         uint8_t confirm_key[BOND_SHA256_LEN]);

/* Wipe key material (explicit_bzero: not optimised away). */
void bond_wipe(void *p, size_t len);

#endif
