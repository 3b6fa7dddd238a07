/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private pseudo-random generator: xoshiro256** (Blackman and Vigna, "Scrambled linear
 * pseudorandom number generators", 2018), state filled by splitmix64 so that any seed,
 * including 0, gives a non-zero state. Written from the published algorithm description.
 * rand() is not used: it is global, not reproducible across libcs, and too short.
 */
#include "wanem_private.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void wanem_rng_seed(struct wanem_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t wanem_rng_next(struct wanem_rng *r)
{
	uint64_t *s = r->s;
	const uint64_t result = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double wanem_rng_unit(struct wanem_rng *r)
{
	return (double)(wanem_rng_next(r) >> 11) * 0x1.0p-53;
}
