/* pyrandom.h: Python's random.shuffle as seeded by random.seed(n), bit for bit, so a split CT-FM
 * draws in Python (sorted folders, random.seed(0), random.shuffle, then cut by ratios) can be
 * drawn again here.
 *
 * Python's random is MT19937 (Matsumoto and Nishimura's reference algorithm); random.seed(n)
 * for an integer n is init_by_array over the 32-bit words of |n|, least significant first (one
 * word 0 for n = 0); getrandbits(k <= 32) is the next output's top k bits; randbelow(n) draws
 * getrandbits(bit length of n) until the value is below n; shuffle(x) swaps x[i] with
 * x[randbelow(i + 1)] for i from len(x) - 1 down to 1. Python 3.2 and later agree on all of it.
 */
#ifndef CT_PYRANDOM_H
#define CT_PYRANDOM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t mt[624];
	int next;
} ct_pyrandom;

/* random.seed(seed) */
void ct_pyrandom_seed(ct_pyrandom *r, uint64_t seed);
/* random.getrandbits(32) */
uint32_t ct_pyrandom_u32(ct_pyrandom *r);
/* random._randbelow(n), 1 <= n <= 2^32 - 1 */
uint32_t ct_pyrandom_below(ct_pyrandom *r, uint32_t n);
/* random.shuffle(v), v of n indices */
void ct_pyrandom_shuffle(ct_pyrandom *r, size_t *v, size_t n);

#endif
