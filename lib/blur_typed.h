/*
 * blur_typed.h - the arithmetic of the blur engine, per element type:
 * the FIR tap sums, the conversion of the taps, and the multiply by the
 * responses.  lib/blur.c includes it twice, with BT_REAL and BT_FN(x)
 * defined for float and for double, and gets the table
 * BT_FN(blur_ops) (struct blur_ops: blur_impl.h); it is not a header of
 * its own.  Everything else (index arithmetic, gathering and scattering
 * lines, padding, shifts, the tp_parallel items) is in blur_fir.c and
 * blur_fft.c, written once over element size.
 */

typedef BT_REAL BT_FN(vec) __attribute__((vector_size(32)));
#define VL ((size_t)(32 / sizeof(BT_REAL)))
/* VL doubles (the responses, before they are rounded to BT_REAL) */
typedef double BT_FN(dvec) __attribute__((vector_size(VL * 8)));

/* 64 bytes of BT_REAL, the FIR's vectors (one AVX-512 register, two
 * AVX2 ones) */
typedef BT_REAL BT_FN(wvec) __attribute__((vector_size(64)));
#define WL ((size_t)(64 / sizeof(BT_REAL)))

/* The antisymmetric sum of fir_line: sum_k w[k] (lo[k][j] - hi[k][j]). */
TP_CLONES_512
static void
BT_FN(fir_line_odd)(BT_REAL *restrict o, size_t cnt, const void *const *lo,
    const void *const *hi, const BT_REAL *w, int r)
{
	size_t j = 0;
	int k;

	for (; j + 4 * WL <= cnt; j += 4 * WL) {
		BT_FN(wvec) a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
		BT_FN(wvec) v, u;

		for (k = 1; k <= r; k++) {
			const BT_REAL *p = (const BT_REAL *)lo[k] + j;
			const BT_REAL *q = (const BT_REAL *)hi[k] + j;
			BT_REAL wk = w[k];

			__builtin_memcpy(&v, p, sizeof v);
			__builtin_memcpy(&u, q, sizeof u);
			a0 += wk * (v - u);
			__builtin_memcpy(&v, p + WL, sizeof v);
			__builtin_memcpy(&u, q + WL, sizeof u);
			a1 += wk * (v - u);
			__builtin_memcpy(&v, p + 2 * WL, sizeof v);
			__builtin_memcpy(&u, q + 2 * WL, sizeof u);
			a2 += wk * (v - u);
			__builtin_memcpy(&v, p + 3 * WL, sizeof v);
			__builtin_memcpy(&u, q + 3 * WL, sizeof u);
			a3 += wk * (v - u);
		}
		__builtin_memcpy(o + j, &a0, sizeof a0);
		__builtin_memcpy(o + j + WL, &a1, sizeof a1);
		__builtin_memcpy(o + j + 2 * WL, &a2, sizeof a2);
		__builtin_memcpy(o + j + 3 * WL, &a3, sizeof a3);
	}
	for (; j < cnt; j++) {
		BT_REAL t = 0;

		for (k = 1; k <= r; k++)
			t += w[k] * (((const BT_REAL *)lo[k])[j] -
			    ((const BT_REAL *)hi[k])[j]);
		o[j] = t;
	}
}

/*
 * o[j] = w[0] lo[0][j] + sum_{k=1..r} w[k] (lo[k][j] + hi[k][j]) for
 * j < cnt: a symmetric FIR tap sum over rows given by pointers, in
 * blocks of four vectors of 64 bytes (GCC vector extensions; the
 * AVX-512 or the AVX2 + FMA clone is picked at run time where the machine
 * has it: on AVX-512 each load is a whole vector).  With odd, the taps are
 * antisymmetric: lo[k][j] - hi[k][j] (w[0] is then 0).  o may not alias
 * the rows.
 */
TP_CLONES_512
static void
BT_FN(fir_line)(void *restrict ov, size_t cnt, const void *const *lo,
    const void *const *hi, const void *wv, int r, int odd)
{
	BT_REAL *restrict o = ov;
	const BT_REAL *w = wv;

	if (odd) {
		BT_FN(fir_line_odd)(o, cnt, lo, hi, w, r);
		return;
	}
	size_t j = 0;
	int k;

	for (; j + 4 * WL <= cnt; j += 4 * WL) {
		BT_FN(wvec) a0, a1, a2, a3, v, u;
		const BT_REAL *c = (const BT_REAL *)lo[0] + j;

		__builtin_memcpy(&v, c, sizeof v);
		a0 = w[0] * v;
		__builtin_memcpy(&v, c + WL, sizeof v);
		a1 = w[0] * v;
		__builtin_memcpy(&v, c + 2 * WL, sizeof v);
		a2 = w[0] * v;
		__builtin_memcpy(&v, c + 3 * WL, sizeof v);
		a3 = w[0] * v;
		for (k = 1; k <= r; k++) {
			const BT_REAL *p = (const BT_REAL *)lo[k] + j;
			const BT_REAL *q = (const BT_REAL *)hi[k] + j;
			BT_REAL wk = w[k];

			__builtin_memcpy(&v, p, sizeof v);
			__builtin_memcpy(&u, q, sizeof u);
			a0 += wk * (v + u);
			__builtin_memcpy(&v, p + WL, sizeof v);
			__builtin_memcpy(&u, q + WL, sizeof u);
			a1 += wk * (v + u);
			__builtin_memcpy(&v, p + 2 * WL, sizeof v);
			__builtin_memcpy(&u, q + 2 * WL, sizeof u);
			a2 += wk * (v + u);
			__builtin_memcpy(&v, p + 3 * WL, sizeof v);
			__builtin_memcpy(&u, q + 3 * WL, sizeof u);
			a3 += wk * (v + u);
		}
		__builtin_memcpy(o + j, &a0, sizeof a0);
		__builtin_memcpy(o + j + WL, &a1, sizeof a1);
		__builtin_memcpy(o + j + 2 * WL, &a2, sizeof a2);
		__builtin_memcpy(o + j + 3 * WL, &a3, sizeof a3);
	}
	for (; j < cnt; j++) {
		BT_REAL s = w[0] * ((const BT_REAL *)lo[0])[j];

		for (k = 1; k <= r; k++)
			s += w[k] * (((const BT_REAL *)lo[k])[j] +
			    ((const BT_REAL *)hi[k])[j]);
		o[j] = s;
	}
}

/* w[k] = taps[k] in the element type, for k = 0..r. */
static void
BT_FN(set_taps)(void *wv, const double *taps, int r)
{
	BT_REAL *w = wv;

	for (int k = 0; k <= r; k++)
		w[k] = (BT_REAL)taps[k];
}

/*
 * Multiply a row of len elements of nreal reals (1, or 2 for complex) by
 * wgt times h[j] (by wgt alone if h is NULL), each product rounded to
 * the element type first; then, with nreal = 2, by i^rot.
 */
TP_CLONES
static void
BT_FN(scale_row)(void *vv, size_t len, size_t nreal, double wgt,
    const double *h, int rot)
{
	BT_REAL *v = vv;
	size_t j, q;

	if (h == NULL) {
		BT_REAL f = (BT_REAL)wgt;

		for (j = 0; j < len * nreal; j++)
			v[j] *= f;
	} else if (nreal == 1) {
		/* the same, VL at once */
		for (j = 0; j + VL <= len; j += VL) {
			BT_FN(dvec) hd;
			BT_FN(vec) x, f;

			__builtin_memcpy(&hd, h + j, sizeof hd);
			__builtin_memcpy(&x, v + j, sizeof x);
			f = __builtin_convertvector(wgt * hd, BT_FN(vec));
			x *= f;
			__builtin_memcpy(v + j, &x, sizeof x);
		}
		for (; j < len; j++)
			v[j] *= (BT_REAL)(wgt * h[j]);
	} else {
		for (j = 0; j < len; j++) {
			BT_REAL f = (BT_REAL)(wgt * h[j]);

			for (q = 0; q < nreal; q++)
				v[j * nreal + q] *= f;
		}
	}
	if (nreal != 2 || rot % 4 == 0)
		return;
	for (j = 0; j < len; j++) {
		BT_REAL re = v[2 * j], im = v[2 * j + 1];

		switch (rot % 4) {
		case 1:
			v[2 * j] = -im;
			v[2 * j + 1] = re;
			break;
		case 2:
			v[2 * j] = -re;
			v[2 * j + 1] = -im;
			break;
		default:
			v[2 * j] = im;
			v[2 * j + 1] = -re;
		}
	}
}

/*
 * The DCT-II of a line of L reals through a real DFT of L points
 * (Makhoul's reordering, as FFTW's REDFT10 and REDFT01 define them):
 * dct_in puts the even samples of a line, then the odd ones reversed,
 * into v, the line being s's n samples with pl samples before and
 * L - pl - n after them (zero: 0, else the edge sample's value);
 * after the r2c of v (V, L/2+1 complex), dct_out writes the first K
 * coefficients y[k] = 2 Re(exp(-i pi k / 2L) V[k]) (V[L-k] = conj V[k]).
 * idct_in is the inverse's first half: from the L coefficients y the
 * L/2+1 complex V[k] = exp(i pi k / 2L) (y[k] - i y[L-k]) (y[L] = 0)
 * whose c2r is 2L times dct_in's v; idct_out takes samples pl..pl+n-1
 * of the line back out of that order.  tw: cos(pi k / 2L) for k = 0..L/2,
 * then the sines.  BT_EVEN, BT_ODD, BT_REV, BT_ILO and BT_IHI (blur.c)
 * pick the even and odd lanes of two vectors, reverse one, and
 * interleave the low and the high halves of two.
 */
TP_CLONES
static void
BT_FN(dct_in)(void *vv, const void *sv, size_t L, size_t pl, size_t n,
    int zero)
{
	BT_REAL *v = vv;
	const BT_REAL *s = sv;
	BT_REAL lo = zero ? 0 : s[0], hi = zero ? 0 : s[n - 1];
	BT_FN(vec) a, b, e, o;
	size_t m = 0;

#define PAD_AT(j) ((j) < pl ? lo : (j) < pl + n ? s[(j) - pl] : hi)
	for (; m < L / 2 && 2 * m < pl; m++) {
		v[m] = PAD_AT(2 * m);
		v[L - 1 - m] = PAD_AT(2 * m + 1);
	}
	for (; m + VL <= L / 2 && 2 * m + 2 * VL <= pl + n; m += VL) {
		__builtin_memcpy(&a, s + 2 * m - pl, sizeof a);
		__builtin_memcpy(&b, s + 2 * m - pl + VL, sizeof b);
		e = BT_EVEN(a, b);
		o = BT_ODD(a, b);
		o = BT_REV(o);
		__builtin_memcpy(v + m, &e, sizeof e);
		__builtin_memcpy(v + L - m - VL, &o, sizeof o);
	}
	for (; m < L / 2; m++) {
		v[m] = PAD_AT(2 * m);
		v[L - 1 - m] = PAD_AT(2 * m + 1);
	}
	if (L % 2)
		v[L / 2] = PAD_AT(L - 1);
#undef PAD_AT
}

/* The VL complex V[q..q+VL) split into re and im, and the twiddles
 * there. */
static inline __attribute__((always_inline)) void
BT_FN(spec_at)(const BT_REAL *V, const BT_REAL *tc, const BT_REAL *ts,
    size_t q, BT_FN(vec) *re, BT_FN(vec) *im, BT_FN(vec) *c, BT_FN(vec) *s)
{
	BT_FN(vec) a, b;

	__builtin_memcpy(&a, V + 2 * q, sizeof a);
	__builtin_memcpy(&b, V + 2 * q + VL, sizeof b);
	__builtin_memcpy(c, tc + q, sizeof *c);
	__builtin_memcpy(s, ts + q, sizeof *s);
	*re = BT_EVEN(a, b);
	*im = BT_ODD(a, b);
}

/*
 * For an even L the real DFT of L points is a complex DFT of N = L/2
 * (FFTW plans that one several times better under FFTW_ESTIMATE: an AVX
 * plan where the real one gets SSE2 codelets): z[m] = v[2m] + i v[2m+1],
 * Z its DFT.  half_split turns Z (in V[0..N)) into the real DFT's
 * V[0..N] in place: with E = (Z[k] + conj Z[N-k]) / 2 and O = (Z[k] -
 * conj Z[N-k]) / 2i, V[k] = E + w^k O and V[N-k] = conj(E - w^k O), w =
 * exp(-2 pi i / L); half_merge the reverse, V[0..N] into the Z whose
 * inverse DFT (unnormalised) is z, as the c2r's v.  wc, ws: cos and sin
 * of 2 pi k / L, k = 0..N.  The pairs k, N - k, VL of them at once while
 * the two runs of VL do not meet.
 */
/* The VL complex V[k..k+VL) split into re and im (ar, ai), and the VL
 * V[m..m+VL) reversed (br, bi: lane t is V[m + VL - 1 - t]). */
static inline __attribute__((always_inline)) void
BT_FN(pair_load)(const BT_REAL *V, size_t k, size_t m, BT_FN(vec) *ar,
    BT_FN(vec) *ai, BT_FN(vec) *br, BT_FN(vec) *bi)
{
	BT_FN(vec) a0, a1, b0, b1;

	__builtin_memcpy(&a0, V + 2 * k, sizeof a0);
	__builtin_memcpy(&a1, V + 2 * k + VL, sizeof a1);
	__builtin_memcpy(&b0, V + 2 * m, sizeof b0);
	__builtin_memcpy(&b1, V + 2 * m + VL, sizeof b1);
	*ar = BT_EVEN(a0, a1);
	*ai = BT_ODD(a0, a1);
	*br = BT_EVEN(b0, b1);
	*bi = BT_ODD(b0, b1);
	*br = BT_REV(*br);
	*bi = BT_REV(*bi);
}

/* The reverse of pair_load: x (re, im) to V[k..k+VL), y reversed to
 * V[m..m+VL). */
static inline __attribute__((always_inline)) void
BT_FN(pair_store)(BT_REAL *V, size_t k, size_t m, const BT_FN(vec) *x,
    const BT_FN(vec) *y)
{
	BT_FN(vec) lo = BT_ILO(x[0], x[1]), hi = BT_IHI(x[0], x[1]);
	BT_FN(vec) yr = BT_REV(y[0]), yi = BT_REV(y[1]);

	__builtin_memcpy(V + 2 * k, &lo, sizeof lo);
	__builtin_memcpy(V + 2 * k + VL, &hi, sizeof hi);
	lo = BT_ILO(yr, yi);
	hi = BT_IHI(yr, yi);
	__builtin_memcpy(V + 2 * m, &lo, sizeof lo);
	__builtin_memcpy(V + 2 * m + VL, &hi, sizeof hi);
}

static inline __attribute__((always_inline)) void
BT_FN(half_split)(BT_REAL *V, size_t N, const BT_REAL *wc, const BT_REAL *ws)
{
	BT_REAL r0 = V[0], i0 = V[1], q = (BT_REAL)0.5;
	size_t k = 1, m;
	BT_FN(vec) ar, ai, br, bi, er, ei, dr, di, c, s, tr, ti, x[2], y[2];

	V[0] = r0 + i0;
	V[1] = 0;
	V[2 * N] = r0 - i0;
	V[2 * N + 1] = 0;
	for (; 2 * k + 2 * (VL - 1) < N; k += VL) {
		m = N - k - (VL - 1);	/* the mirrored run: m .. N - k */
		BT_FN(pair_load)(V, k, m, &ar, &ai, &br, &bi);
		__builtin_memcpy(&c, wc + k, sizeof c);
		__builtin_memcpy(&s, ws + k, sizeof s);
		er = q * (ar + br);
		ei = q * (ai - bi);
		dr = q * (ar - br);
		di = q * (ai + bi);
		tr = c * di - s * dr;
		ti = -(c * dr + s * di);
		x[0] = er + tr;
		x[1] = ei + ti;
		y[0] = er - tr;
		y[1] = ti - ei;
		BT_FN(pair_store)(V, k, m, x, y);
	}
	for (; k <= N - k; k++) {
		BT_REAL Ar = V[2 * k], Ai = V[2 * k + 1];
		BT_REAL Br = V[2 * (N - k)], Bi = V[2 * (N - k) + 1];
		BT_REAL Er = q * (Ar + Br), Ei = q * (Ai - Bi);
		BT_REAL Dr = q * (Ar - Br), Di = q * (Ai + Bi);
		BT_REAL Tr = wc[k] * Di - ws[k] * Dr;
		BT_REAL Ti = -(wc[k] * Dr + ws[k] * Di);

		V[2 * k] = Er + Tr;
		V[2 * k + 1] = Ei + Ti;
		V[2 * (N - k)] = Er - Tr;
		V[2 * (N - k) + 1] = Ti - Ei;
	}
}

static inline __attribute__((always_inline)) void
BT_FN(half_merge)(BT_REAL *V, size_t N, const BT_REAL *wc, const BT_REAL *ws)
{
	BT_REAL v0 = V[0], vn = V[2 * N];
	size_t k = 1, m;
	BT_FN(vec) pr, pi, qr, qi, er, ei, dr, di, c, s, gr, gi, x[2], y[2];

	V[0] = v0 + vn;
	V[1] = v0 - vn;
	for (; 2 * k + 2 * (VL - 1) < N; k += VL) {
		m = N - k - (VL - 1);
		BT_FN(pair_load)(V, k, m, &pr, &pi, &qr, &qi);
		__builtin_memcpy(&c, wc + k, sizeof c);
		__builtin_memcpy(&s, ws + k, sizeof s);
		er = pr + qr;
		ei = pi - qi;
		dr = pr - qr;
		di = pi + qi;
		gr = dr * c - di * s;
		gi = dr * s + di * c;
		x[0] = er - gi;
		x[1] = ei + gr;
		y[0] = er + gi;
		y[1] = gr - ei;
		BT_FN(pair_store)(V, k, m, x, y);
	}
	for (; k <= N - k; k++) {
		BT_REAL Pr = V[2 * k], Pi = V[2 * k + 1];
		BT_REAL Qr = V[2 * (N - k)], Qi = V[2 * (N - k) + 1];
		BT_REAL Er = Pr + Qr, Ei = Pi - Qi, Dr = Pr - Qr, Di = Pi + Qi;
		BT_REAL Or = Dr * wc[k] - Di * ws[k];
		BT_REAL Oi = Dr * ws[k] + Di * wc[k];

		V[2 * k] = Er - Oi;
		V[2 * k + 1] = Ei + Or;
		V[2 * (N - k)] = Er + Oi;
		V[2 * (N - k) + 1] = Or - Ei;
	}
}

TP_CLONES
static void
BT_FN(dct_out)(void *yv, void *Vv, size_t L, size_t K, const void *twv)
{
	BT_REAL *y = yv;
	BT_REAL *V = Vv;
	const BT_REAL *tc = twv;
	size_t k = 0, h = L / 2 + 1, k1 = K < h ? K : h;
	const BT_REAL *ts = tc + h;
	BT_FN(vec) re, im, c, s, r;

	if (L % 2 == 0)		/* V is the complex DFT of L/2 */
		BT_FN(half_split)(V, L / 2, tc + 2 * h, tc + 3 * h);

	for (; k + VL <= k1; k += VL) {
		BT_FN(spec_at)(V, tc, ts, k, &re, &im, &c, &s);
		r = 2 * (c * re + s * im);
		__builtin_memcpy(y + k, &r, sizeof r);
	}
	for (; k < k1; k++)
		y[k] = 2 * (tc[k] * V[2 * k] + ts[k] * V[2 * k + 1]);
	for (; k < K && (K - k) % VL != 0; k++) {	/* q = L - k */
		size_t q = L - k;

		y[k] = 2 * (ts[q] * V[2 * q] - tc[q] * V[2 * q + 1]);
	}
	for (; k < K; k += VL) {	/* q = L - k down to L - k - VL + 1 */
		BT_FN(spec_at)(V, tc, ts, L - k - VL + 1, &re, &im, &c, &s);
		r = 2 * (s * re - c * im);
		r = BT_REV(r);
		__builtin_memcpy(y + k, &r, sizeof r);
	}
}

TP_CLONES
static void
BT_FN(idct_in)(void *Vv, const void *yv, size_t L, const void *twv)
{
	BT_REAL *V = Vv;
	const BT_REAL *y = yv, *tc = twv;
	size_t k = 1, h = L / 2 + 1;
	const BT_REAL *ts = tc + h;
	BT_FN(vec) yk, yr, c, s, re, im, lo, hi;

	V[0] = tc[0] * y[0];
	V[1] = ts[0] * y[0];
	for (; k + VL <= h; k += VL) {
		__builtin_memcpy(&yk, y + k, sizeof yk);
		__builtin_memcpy(&yr, y + L - k - VL + 1, sizeof yr);
		__builtin_memcpy(&c, tc + k, sizeof c);
		__builtin_memcpy(&s, ts + k, sizeof s);
		yr = BT_REV(yr);
		re = c * yk + s * yr;
		im = s * yk - c * yr;
		lo = BT_ILO(re, im);
		hi = BT_IHI(re, im);
		__builtin_memcpy(V + 2 * k, &lo, sizeof lo);
		__builtin_memcpy(V + 2 * k + VL, &hi, sizeof hi);
	}
	for (; k < h; k++) {
		V[2 * k] = tc[k] * y[k] + ts[k] * y[L - k];
		V[2 * k + 1] = ts[k] * y[k] - tc[k] * y[L - k];
	}
	if (L % 2 == 0)		/* for the complex DFT of L/2 */
		BT_FN(half_merge)(V, L / 2, tc + 2 * h, tc + 3 * h);
}

TP_CLONES
static void
BT_FN(idct_out)(void *xv, const void *vv, size_t L, size_t pl, size_t n)
{
	BT_REAL *x = xv;
	const BT_REAL *v = vv;
	size_t q = pl % 2, hh = (pl + q) / 2, j = 0;
	BT_FN(vec) e, o, lo, hi;

	if (n == 0)
		return;
	if (q) {	/* sample pl, odd */
		x[0] = v[L - 1 - pl / 2];
		x++;
		n--;
	}
	/* now x[2t] = v[hh + t], x[2t + 1] = v[L - 1 - hh - t] */
	for (; j + 2 * VL <= n; j += 2 * VL) {
		__builtin_memcpy(&e, v + hh + j / 2, sizeof e);
		__builtin_memcpy(&o, v + L - hh - j / 2 - VL, sizeof o);
		o = BT_REV(o);
		lo = BT_ILO(e, o);
		hi = BT_IHI(e, o);
		__builtin_memcpy(x + j, &lo, sizeof lo);
		__builtin_memcpy(x + j + VL, &hi, sizeof hi);
	}
	for (; j < n; j++)
		x[j] = j % 2 ? v[L - 1 - hh - j / 2] : v[hh + j / 2];
}

/* sum_j a[j] x[j xs], j < r. */
static inline __attribute__((always_inline)) BT_REAL
BT_FN(edge_dot)(const BT_REAL *a, const BT_REAL *x, size_t xs, int r)
{
	BT_FN(vec) s0 = { 0 }, s1 = { 0 }, v, w;
	BT_REAL t = 0;
	size_t j = 0, n = (size_t)r;

	if (xs == 1)
		for (; j + 2 * VL <= n; j += 2 * VL) {
			__builtin_memcpy(&v, a + j, sizeof v);
			__builtin_memcpy(&w, x + j, sizeof w);
			s0 += v * w;
			__builtin_memcpy(&v, a + j + VL, sizeof v);
			__builtin_memcpy(&w, x + j + VL, sizeof w);
			s1 += v * w;
		}
	s0 += s1;
	for (size_t l = 0; l < VL; l++)
		t += s0[l];
	for (; j < n; j++)
		t += a[j] * x[j * xs];
	return t;
}

/* x[j xs] -= c a[j], j < r. */
static inline __attribute__((always_inline)) void
BT_FN(edge_axpy)(BT_REAL *x, size_t xs, BT_REAL c, const BT_REAL *a, int r)
{
	size_t j = 0, n = (size_t)r;
	BT_FN(vec) v, w;

	if (xs == 1)
		for (; j + VL <= n; j += VL) {
			__builtin_memcpy(&v, a + j, sizeof v);
			__builtin_memcpy(&w, x + j, sizeof w);
			w -= c * v;
			__builtin_memcpy(x + j, &w, sizeof w);
		}
	for (; j < n; j++)
		x[j * xs] -= c * a[j];
}

/* p[g] = edge_dot(a + g rk, x, 1, r), g < G (a constant, at most 4):
 * the same sums, each sample of x loaded once for the G of them. */
static inline __attribute__((always_inline)) void
BT_FN(edge_dots)(BT_REAL *p, const BT_REAL *a, size_t rk,
    const BT_REAL *x, int r, const int G)
{
	BT_FN(vec) s0[4] = { { 0 } }, s1[4] = { { 0 } }, v, w, y;
	size_t j = 0, n = (size_t)r;
	int g;

	for (; j + 2 * VL <= n; j += 2 * VL) {
		__builtin_memcpy(&w, x + j, sizeof w);
		__builtin_memcpy(&y, x + j + VL, sizeof y);
#pragma GCC unroll 4
		for (g = 0; g < G; g++) {
			__builtin_memcpy(&v, a + g * rk + j, sizeof v);
			s0[g] += v * w;
			__builtin_memcpy(&v, a + g * rk + j + VL, sizeof v);
			s1[g] += v * y;
		}
	}
#pragma GCC unroll 4
	for (g = 0; g < G; g++) {
		BT_REAL t = 0;

		s0[g] += s1[g];
		for (size_t l = 0; l < VL; l++)
			t += s0[g][l];
		for (size_t i = j; i < n; i++)
			t += a[g * rk + i] * x[i];
		p[g] = t;
	}
}

/* p[t] = edge_dot(a + t rk, x, 1, r), t < k, four at a time. */
static inline __attribute__((always_inline)) void
BT_FN(edge_dots_all)(BT_REAL *p, const BT_REAL *a, size_t rk,
    const BT_REAL *x, int r, int k)
{
	int t = 0;

	for (; t + 4 <= k; t += 4)
		BT_FN(edge_dots)(p + t, a + t * rk, rk, x, r, 4);
	switch (k - t) {
	case 3:
		BT_FN(edge_dots)(p + t, a + t * rk, rk, x, r, 3);
		break;
	case 2:
		BT_FN(edge_dots)(p + t, a + t * rk, rk, x, r, 2);
		break;
	case 1:
		BT_FN(edge_dots)(p + t, a + t * rk, rk, x, r, 1);
		break;
	}
}

/* x[j] -= c[t] a[t rk + j] for t < k in turn, j < r: each sample loaded
 * and stored once (the same operations, in the same order, as k
 * edge_axpy calls), four vectors at a time so that their chains of
 * multiply-adds overlap. */
static inline __attribute__((always_inline)) void
BT_FN(edge_axpys)(BT_REAL *x, const BT_REAL *c, const BT_REAL *a,
    size_t rk, int k, int r)
{
	size_t j = 0, n = (size_t)r;
	BT_FN(vec) v, w, w1, w2, w3;
	int t;

	for (; j + 4 * VL <= n; j += 4 * VL) {
		__builtin_memcpy(&w, x + j, sizeof w);
		__builtin_memcpy(&w1, x + j + VL, sizeof w1);
		__builtin_memcpy(&w2, x + j + 2 * VL, sizeof w2);
		__builtin_memcpy(&w3, x + j + 3 * VL, sizeof w3);
		for (t = 0; t < k; t++) {
			const BT_REAL *at = a + t * rk + j;

			__builtin_memcpy(&v, at, sizeof v);
			w -= c[t] * v;
			__builtin_memcpy(&v, at + VL, sizeof v);
			w1 -= c[t] * v;
			__builtin_memcpy(&v, at + 2 * VL, sizeof v);
			w2 -= c[t] * v;
			__builtin_memcpy(&v, at + 3 * VL, sizeof v);
			w3 -= c[t] * v;
		}
		__builtin_memcpy(x + j, &w, sizeof w);
		__builtin_memcpy(x + j + VL, &w1, sizeof w1);
		__builtin_memcpy(x + j + 2 * VL, &w2, sizeof w2);
		__builtin_memcpy(x + j + 3 * VL, &w3, sizeof w3);
	}
	for (; j + VL <= n; j += VL) {
		__builtin_memcpy(&w, x + j, sizeof w);
		for (t = 0; t < k; t++) {
			__builtin_memcpy(&v, a + t * rk + j, sizeof v);
			w -= c[t] * v;
		}
		__builtin_memcpy(x + j, &w, sizeof w);
	}
	for (; j < n; j++)
		for (t = 0; t < k; t++)
			x[j] -= c[t] * a[t * rk + j];
}

TP_CLONES
static void
BT_FN(edge_project)(void *pv, const void *xv, size_t xs, size_t n,
    const struct blur_edge *e)
{
	BT_REAL *p = pv;
	const BT_REAL *x = xv, *xr = x + (n - (size_t)e->r) * xs;
	size_t rk = (size_t)e->r;

	if (xs == 1) {
		BT_FN(edge_dots_all)(p, e->vt, rk, x, e->r, e->k);
		BT_FN(edge_dots_all)(p + e->k, e->vr, rk, xr, e->r, e->k);
		return;
	}
	for (int t = 0; t < e->k; t++) {
		p[t] = BT_FN(edge_dot)((const BT_REAL *)e->vt + t * rk, x, xs,
		    e->r);
		p[e->k + t] = BT_FN(edge_dot)((const BT_REAL *)e->vr + t * rk,
		    xr, xs, e->r);
	}
}

/* The most corrections edge_correct applies to a row in one pass over
 * its ends (more: in turns). */
#define EDGE_KC 32

TP_CLONES
static void
BT_FN(edge_correct)(void *xv, size_t xs, size_t n, const void *pv,
    double wgt, const struct blur_edge *e)
{
	BT_REAL *x = xv, *xr = x + (n - (size_t)e->r) * xs;
	const BT_REAL *p = pv;
	size_t rk = (size_t)e->r;

	if (xs == 1) {
		BT_REAL c[EDGE_KC];

		for (int t0 = 0; t0 < e->k; t0 += EDGE_KC) {
			int kc = e->k - t0 < EDGE_KC ? e->k - t0 : EDGE_KC;

			for (int t = 0; t < kc; t++)
				c[t] = (BT_REAL)(wgt * p[t0 + t]);
			BT_FN(edge_axpys)(x, c, (const BT_REAL *)e->ut +
			    t0 * rk, rk, kc, e->r);
			for (int t = 0; t < kc; t++)
				c[t] = (BT_REAL)(wgt * p[e->k + t0 + t]);
			BT_FN(edge_axpys)(xr, c, (const BT_REAL *)e->ur +
			    t0 * rk, rk, kc, e->r);
		}
		return;
	}
	for (int t = 0; t < e->k; t++) {
		BT_FN(edge_axpy)(x, xs, (BT_REAL)(wgt * p[t]),
		    (const BT_REAL *)e->ut + t * rk, e->r);
		BT_FN(edge_axpy)(xr, xs, (BT_REAL)(wgt * p[e->k + t]),
		    (const BT_REAL *)e->ur + t * rk, e->r);
	}
}

/* P[t cnt + j] = sum_i vt_t[i] x[i xs + j] (t < k: the left end) and
 * the right end's on vr at P[(k + t) cnt + j], for the cnt lines side
 * by side at x (sample i of line j at x[i xs + j]). */
TP_CLONES
static void
BT_FN(edge_project_lines)(void *pv, const void *xv, size_t xs, size_t n,
    size_t cnt, const struct blur_edge *e)
{
	BT_REAL *p = pv;
	const BT_REAL *x = xv, *xr = x + (n - (size_t)e->r) * xs;
	size_t rk = (size_t)e->r, kk = (size_t)e->k, j;

	memset(p, 0, 2 * kk * cnt * sizeof *p);
	for (size_t i = 0; i < rk; i++) {
		const BT_REAL *a = x + i * xs, *b = xr + i * xs;

		for (size_t t = 0; t < kk; t++) {
			BT_REAL cv = ((const BT_REAL *)e->vt)[t * rk + i];
			BT_REAL cr = ((const BT_REAL *)e->vr)[t * rk + i];
			BT_REAL *pl = p + t * cnt, *pr = p + (kk + t) * cnt;
			BT_FN(vec) u, v, w;

			for (j = 0; j + VL <= cnt; j += VL) {
				__builtin_memcpy(&u, a + j, sizeof u);
				__builtin_memcpy(&w, pl + j, sizeof w);
				w += cv * u;
				__builtin_memcpy(pl + j, &w, sizeof w);
				__builtin_memcpy(&v, b + j, sizeof v);
				__builtin_memcpy(&w, pr + j, sizeof w);
				w += cr * v;
				__builtin_memcpy(pr + j, &w, sizeof w);
			}
			for (; j < cnt; j++) {
				pl[j] += cv * a[j];
				pr[j] += cr * b[j];
			}
		}
	}
}

/* The cnt lines side by side at x minus, line j, wgt[j] times the
 * corrections of edge_correct from P (as edge_project_lines made it;
 * scaled in place). */
TP_CLONES
static void
BT_FN(edge_correct_lines)(void *xv, size_t xs, size_t n, size_t cnt,
    void *pv, const double *wgt, const struct blur_edge *e)
{
	BT_REAL *p = pv, *x = xv, *xr = x + (n - (size_t)e->r) * xs;
	size_t rk = (size_t)e->r, kk = (size_t)e->k, j;

	for (size_t t = 0; t < 2 * kk; t++)
		for (j = 0; j < cnt; j++)
			p[t * cnt + j] *= (BT_REAL)wgt[j];
	for (size_t i = 0; i < rk; i++) {
		BT_REAL *a = x + i * xs, *b = xr + i * xs;

		for (size_t t = 0; t < kk; t++) {
			BT_REAL cu = ((const BT_REAL *)e->ut)[t * rk + i];
			BT_REAL cr = ((const BT_REAL *)e->ur)[t * rk + i];
			const BT_REAL *pl = p + t * cnt;
			const BT_REAL *pr = p + (kk + t) * cnt;
			BT_FN(vec) u, v, w;

			for (j = 0; j + VL <= cnt; j += VL) {
				__builtin_memcpy(&u, pl + j, sizeof u);
				__builtin_memcpy(&w, a + j, sizeof w);
				w -= cu * u;
				__builtin_memcpy(a + j, &w, sizeof w);
				__builtin_memcpy(&v, pr + j, sizeof v);
				__builtin_memcpy(&w, b + j, sizeof w);
				w -= cr * v;
				__builtin_memcpy(b + j, &w, sizeof w);
			}
			for (; j < cnt; j++) {
				a[j] -= cu * pl[j];
				b[j] -= cr * pr[j];
			}
		}
	}
}

static const struct blur_ops BT_FN(blur_ops) = {
	sizeof(BT_REAL), BT_FN(fir_line), BT_FN(set_taps), BT_FN(scale_row),
	BT_FN(dct_in), BT_FN(dct_out), BT_FN(idct_in), BT_FN(idct_out),
	BT_FN(edge_project), BT_FN(edge_correct), BT_FN(edge_project_lines),
	BT_FN(edge_correct_lines)
};

#undef VL
#undef WL
#undef EDGE_KC
