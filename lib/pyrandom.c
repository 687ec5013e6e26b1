/* pyrandom.c: see pyrandom.h. MT19937 as published by its authors (and as CPython runs it). */
#include "pyrandom.h"

enum { N = 624, M = 397 };

static void init_genrand(ct_pyrandom *r, uint32_t s)
{
	r->mt[0] = s;
	for (int i = 1; i < N; i++)
		r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
	r->next = N;
}

static void init_by_array(ct_pyrandom *r, const uint32_t *key, int len)
{
	init_genrand(r, 19650218u);
	int i = 1, j = 0;
	for (int k = N > len ? N : len; k; k--) {
		r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
		i++, j++;
		if (i >= N)
			r->mt[0] = r->mt[N - 1], i = 1;
		if (j >= len)
			j = 0;
	}
	for (int k = N - 1; k; k--) {
		r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
		if (++i >= N)
			r->mt[0] = r->mt[N - 1], i = 1;
	}
	r->mt[0] = 0x80000000u;
}

void ct_pyrandom_seed(ct_pyrandom *r, uint64_t seed)
{
	uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
	init_by_array(r, key, key[1] ? 2 : 1);
}

static void twist(ct_pyrandom *r)
{
	for (int i = 0; i < N; i++) {
		uint32_t y = (r->mt[i] & 0x80000000u) | (r->mt[(i + 1) % N] & 0x7fffffffu);
		r->mt[i] = r->mt[(i + M) % N] ^ (y >> 1) ^ (y & 1 ? 0x9908b0dfu : 0);
	}
	r->next = 0;
}

uint32_t ct_pyrandom_u32(ct_pyrandom *r)
{
	if (r->next >= N)
		twist(r);
	uint32_t y = r->mt[r->next++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	return y ^ (y >> 18);
}

uint32_t ct_pyrandom_below(ct_pyrandom *r, uint32_t n)
{
	int k = 0;
	while (k < 32 && (n >> k))
		k++;
	uint32_t v;
	do
		v = ct_pyrandom_u32(r) >> (32 - k);
	while (v >= n);
	return v;
}

void ct_pyrandom_shuffle(ct_pyrandom *r, size_t *v, size_t n)
{
	for (size_t i = n ? n - 1 : 0; i >= 1; i--) {
		size_t j = ct_pyrandom_below(r, (uint32_t)(i + 1));
		size_t t = v[i];
		v[i] = v[j], v[j] = t;
	}
}
