/*
 * random.c - MT19937 with numpy's legacy seeding, uniform and normal
 * draws, so "tgen randn --seed 1" equals numpy.random.seed(1); randn().
 */
#include <math.h>

#include "tpipe.h"

#define N 624
#define M 397

void
tp_rng_seed(struct tp_rng *r, uint32_t seed)
{
	r->key[0] = seed;
	for (int i = 1; i < N; i++)
		r->key[i] = 1812433253u *
		    (r->key[i - 1] ^ (r->key[i - 1] >> 30)) + (uint32_t)i;
	r->pos = N;
	r->has_gauss = 0;
	r->gauss = 0;
}

/* Make the next 624 words of state (MT19937's twist). */
static void
regenerate(struct tp_rng *r)
{
	static const uint32_t mag01[2] = { 0, 0x9908b0dfu };
	uint32_t y;
	int i;

	for (i = 0; i < N - M; i++) {
		y = (r->key[i] & 0x80000000u) | (r->key[i + 1] & 0x7fffffffu);
		r->key[i] = r->key[i + M] ^ (y >> 1) ^ mag01[y & 1];
	}
	for (; i < N - 1; i++) {
		y = (r->key[i] & 0x80000000u) | (r->key[i + 1] & 0x7fffffffu);
		r->key[i] = r->key[i + (M - N)] ^ (y >> 1) ^ mag01[y & 1];
	}
	y = (r->key[N - 1] & 0x80000000u) | (r->key[0] & 0x7fffffffu);
	r->key[N - 1] = r->key[M - 1] ^ (y >> 1) ^ mag01[y & 1];
	r->pos = 0;
}

/* The next tempered 32-bit output. */
static uint32_t
next32(struct tp_rng *r)
{
	uint32_t y;

	if (r->pos == N)
		regenerate(r);
	y = r->key[r->pos++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	y ^= y >> 18;
	return y;
}

double
tp_rng_uniform(struct tp_rng *r)
{
	uint32_t a = next32(r) >> 5, b = next32(r) >> 6;

	return (a * 67108864.0 + b) / 9007199254740992.0;
}

double
tp_rng_normal(struct tp_rng *r)
{
	double x1, x2, r2, f;

	if (r->has_gauss) {
		r->has_gauss = 0;
		return r->gauss;
	}
	do {
		x1 = 2.0 * tp_rng_uniform(r) - 1.0;
		x2 = 2.0 * tp_rng_uniform(r) - 1.0;
		r2 = x1 * x1 + x2 * x2;
	} while (r2 >= 1.0 || r2 == 0.0);
	f = sqrt(-2.0 * log(r2) / r2);
	r->gauss = f * x1;
	r->has_gauss = 1;
	return f * x2;
}
