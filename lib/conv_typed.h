/*
 * conv_typed.h - the part of the convolution engine that depends on the
 * real type: complex products, adding doubles, the vector direct
 * sum, planes, non-finite values.  lib/conv_path.c includes it twice,
 * with CT_REAL (float or double), CT_FN(x) (x with a type suffix),
 * CT_BLK (outputs per direct-sum block), CT_LANES (CT_REALs in 32
 * bytes), CT_UINT (the unsigned integer of CT_REAL's size) and CT_EXP
 * (its exponent bits) defined, and gets the table
 * CT_FN(conv_ops).  All index arithmetic is in conv_path.c, written once
 * by element size.
 */

/* d[i] *= k[i] for n complex numbers: a vector of 32 bytes at a time
 * (GCC vector extensions; the compiler's own vectorising left it one
 * complex number at a time), the AVX2 clone picked at run time. */
TP_CLONES
static void
CT_FN(cmul)(void *dv, const void *kv, size_t n)
{
	typedef CT_REAL v __attribute__((vector_size(32)));
	enum { VL = CT_LANES };
	CT_REAL *restrict d = dv;
	const CT_REAL *restrict k = kv;
	size_t i = 0;

	for (; 2 * i + VL <= 2 * n; i += VL / 2) {
		v a, w, re, im, sw, sg;

		__builtin_memcpy(&a, d + 2 * i, sizeof a);
		__builtin_memcpy(&w, k + 2 * i, sizeof w);
		/* re = (c c ...), im = (e e ...), sw = (b a ...) for
		 * d = (a b ...), k = (c e ...) */
#if CT_LANES == 8
		re = __builtin_shufflevector(w, w, 0, 0, 2, 2, 4, 4, 6, 6);
		im = __builtin_shufflevector(w, w, 1, 1, 3, 3, 5, 5, 7, 7);
		sw = __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6);
		sg = (v){ -1, 1, -1, 1, -1, 1, -1, 1 };
#else
		re = __builtin_shufflevector(w, w, 0, 0, 2, 2);
		im = __builtin_shufflevector(w, w, 1, 1, 3, 3);
		sw = __builtin_shufflevector(a, a, 1, 0, 3, 2);
		sg = (v){ -1, 1, -1, 1 };
#endif
		a = a * re + sw * (im * sg);
		__builtin_memcpy(d + 2 * i, &a, sizeof a);
	}
	for (; i < n; i++) {
		CT_REAL a = d[2 * i], b = d[2 * i + 1];
		CT_REAL c = k[2 * i], e = k[2 * i + 1];

		d[2 * i] = a * c - b * e;
		d[2 * i + 1] = a * e + b * c;
	}
}

/* dst[i] += src[i] * scale, rounded to the type, for n reals. */
static void
CT_FN(add_double)(void *dv, const double *src, size_t n, double scale)
{
	CT_REAL *d = dv;

	for (size_t i = 0; i < n; i++)
		d[i] += (CT_REAL)(src[i] * scale);
}

/* The vector type of the direct sum: 32 bytes. */
typedef CT_REAL CT_FN(vec) __attribute__((vector_size(32)));
#define CT_VL ((int)(32 / sizeof(CT_REAL)))

/* Add the four vector sums to d (CT_BLK doubles) and clear them; tmp is
 * CT_BLK reals of room. */
static inline void
CT_FN(fold)(double *d, CT_REAL *tmp, CT_FN(vec) *a0, CT_FN(vec) *a1,
    CT_FN(vec) *a2, CT_FN(vec) *a3)
{
	static const CT_FN(vec) zero;

	__builtin_memcpy(tmp, a0, sizeof *a0);
	__builtin_memcpy(tmp + CT_VL, a1, sizeof *a1);
	__builtin_memcpy(tmp + 2 * CT_VL, a2, sizeof *a2);
	__builtin_memcpy(tmp + 3 * CT_VL, a3, sizeof *a3);
	for (int t = 0; t < CT_BLK; t++)
		d[t] += tmp[t];
	*a0 = *a1 = *a2 = *a3 = zero;
}

/*
 * The sums of one block of the direct sum (see dir_row) in nv of the four
 * vectors a[0..3] (1, 2 or 4: a short row's last block computes only the
 * vectors that hold outputs; each lane is summed alike whatever nv is),
 * folded into dacc every FOLD taps when fold is set; with nk 2 or 3,
 * those of the kernels kp2 and kp3 too, in b[] and c[], dacc2 and dacc3,
 * over the same loads of e (each of its sums as it would be alone).
 * Inlined with nv and nk constants, so that the vectors stay in
 * registers: the four chains of sums of one kernel wait for the latency
 * of their adds, two or three kernels' do not.
 */
static inline __attribute__((always_inline)) void
CT_FN(dir_blk)(int nv, int nk, CT_FN(vec) *a, CT_FN(vec) *b,
    CT_FN(vec) *c, const CT_REAL *e, size_t rs, const size_t *koff,
    size_t nkr, const CT_REAL *kp, const CT_REAL *kp2, const CT_REAL *kp3,
    size_t ml, int fold, double *dacc, double *dacc2, double *dacc3,
    CT_REAL *acc)
{
	enum { FOLD = 64 };
	CT_FN(vec) a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 }, v;
	CT_FN(vec) b0 = { 0 }, b1 = { 0 }, b2 = { 0 }, b3 = { 0 };
	CT_FN(vec) c0 = { 0 }, c1 = { 0 }, c2 = { 0 }, c3 = { 0 };
	size_t kr, j, since = 0;

	for (kr = 0; kr < nkr; kr++) {
		const CT_REAL *er = e + koff[kr] * rs;
		const CT_REAL *t1 = kp + kr * ml;
		const CT_REAL *t2 = nk > 1 ? kp2 + kr * ml : NULL;
		const CT_REAL *t3 = nk > 2 ? kp3 + kr * ml : NULL;

		for (j = 0; j < ml; j++) {
			CT_REAL w = t1[j], w2 = nk > 1 ? t2[j] : 0;
			CT_REAL w3 = nk > 2 ? t3[j] : 0;
			const CT_REAL *ej = er + j;

#define CT_TAP(q, at)							\
			__builtin_memcpy(&v, ej + (at), sizeof v);	\
			a##q += w * v;					\
			if (nk > 1)					\
				b##q += w2 * v;				\
			if (nk > 2)					\
				c##q += w3 * v;
			CT_TAP(0, 0)
			if (nv > 1) {
				CT_TAP(1, CT_VL)
			}
			if (nv > 2) {
				CT_TAP(2, 2 * CT_VL)
				CT_TAP(3, 3 * CT_VL)
			}
#undef CT_TAP
			if (fold && ++since == FOLD) {
				CT_FN(fold)(dacc, acc, &a0, &a1, &a2, &a3);
				if (nk > 1)
					CT_FN(fold)(dacc2, acc, &b0, &b1, &b2,
					    &b3);
				if (nk > 2)
					CT_FN(fold)(dacc3, acc, &c0, &c1, &c2,
					    &c3);
				since = 0;
			}
		}
	}
	a[0] = a0;
	a[1] = a1;
	a[2] = a2;
	a[3] = a3;
	if (nk > 1) {
		b[0] = b0;
		b[1] = b1;
		b[2] = b2;
		b[3] = b3;
	}
	if (nk > 2) {
		c[0] = c0;
		c[1] = c1;
		c[2] = c2;
		c[3] = c3;
	}
}

/* The block's sums a[] (and dacc, when folded) as CT_BLK reals in acc. */
static inline void
CT_FN(blk_out)(int fold, CT_FN(vec) *a, double *dacc, CT_REAL *acc)
{
	size_t t;

	if (fold) {
		CT_FN(fold)(dacc, acc, &a[0], &a[1], &a[2], &a[3]);
		for (t = 0; t < CT_BLK; t++)
			acc[t] = (CT_REAL)dacc[t];
	} else {
		__builtin_memcpy(acc, &a[0], sizeof a[0]);
		__builtin_memcpy(acc + CT_VL, &a[1], sizeof a[1]);
		__builtin_memcpy(acc + 2 * CT_VL, &a[2], sizeof a[2]);
		__builtin_memcpy(acc + 3 * CT_VL, &a[3], sizeof a[3]);
	}
}

/*
 * The direct sum over one chunk of an output row:
 * o[t] (+)= sign * sum over kernel rows kr and taps j of
 * kp[kr][j] * e[koff[kr] * rs + t + j], for t < cnt.  Blocks of CT_BLK
 * outputs are summed in four vector registers (GCC vector extensions:
 * SSE2 by default, AVX2 and FMA in the clone chosen at run time on
 * machines that have them); the last block of a row in one or two when
 * its outputs fit (rows of 36 f32 outputs: 40 lanes, not 64).  e must be
 * readable up to CT_BLK - 1 + ml - 1 past cnt.  In float, the vector
 * sums are folded into double every FOLD taps, so a long kernel keeps
 * float's relative accuracy instead of losing it as the square root of
 * its length.
 */
TP_CLONES
static void
CT_FN(dir_row)(void *ov, size_t cnt, const void *ev, size_t rs,
    const size_t *koff, size_t nkr, const void *kpv, size_t ml, int sign,
    int add)
{
	const int fold = sizeof(CT_REAL) < sizeof(double);
	CT_REAL *restrict o = ov;
	const CT_REAL *restrict e = ev, *restrict kp = kpv;
	size_t o0, t;

	for (o0 = 0; o0 < cnt; o0 += CT_BLK) {
		CT_FN(vec) a[4];
		CT_REAL acc[CT_BLK];
		double dacc[CT_BLK];
		size_t n = cnt - o0 < CT_BLK ? cnt - o0 : CT_BLK;

		if (fold)
			for (t = 0; t < CT_BLK; t++)
				dacc[t] = 0;
		if (n <= (size_t)CT_VL)
			CT_FN(dir_blk)(1, 1, a, NULL, NULL, e + o0, rs, koff,
			    nkr, kp, NULL, NULL, ml, fold, dacc, NULL, NULL,
			    acc);
		else if (n <= 2 * (size_t)CT_VL)
			CT_FN(dir_blk)(2, 1, a, NULL, NULL, e + o0, rs, koff,
			    nkr, kp, NULL, NULL, ml, fold, dacc, NULL, NULL,
			    acc);
		else
			CT_FN(dir_blk)(4, 1, a, NULL, NULL, e + o0, rs, koff,
			    nkr, kp, NULL, NULL, ml, fold, dacc, NULL, NULL,
			    acc);
		CT_FN(blk_out)(fold, a, dacc, acc);
		if (add)
			for (t = 0; t < n; t++)
				o[o0 + t] += (CT_REAL)sign * acc[t];
		else
			for (t = 0; t < n; t++)
				o[o0 + t] = acc[t];
	}
}

/* dir_row for nk (2 or 3) kernels kp[] of one geometry over the same
 * e, into o[] (sign 1, add 0): each output byte for byte what dir_row
 * gives it, the loads of e shared. */
TP_CLONES
static void
CT_FN(dir_rowk)(void *const *ov, size_t nk, size_t cnt, const void *ev,
    size_t rs, const size_t *koff, size_t nkr, const void *const *kpv,
    size_t ml)
{
	const int fold = sizeof(CT_REAL) < sizeof(double);
	const CT_REAL *restrict e = ev;
	const CT_REAL *k1 = kpv[0], *k2 = kpv[1];
	const CT_REAL *k3 = nk > 2 ? kpv[2] : NULL;
	size_t o0, t, q;

	for (o0 = 0; o0 < cnt; o0 += CT_BLK) {
		CT_FN(vec) a[3][4];
		CT_REAL acc[CT_BLK];
		double dacc[3][CT_BLK];
		size_t n = cnt - o0 < CT_BLK ? cnt - o0 : CT_BLK;

		if (fold)
			for (t = 0; t < CT_BLK; t++)
				dacc[0][t] = dacc[1][t] = dacc[2][t] = 0;
#define CT_BLKS(NV)							\
		if (nk > 2)						\
			CT_FN(dir_blk)(NV, 3, a[0], a[1], a[2], e + o0, rs, \
			    koff, nkr, k1, k2, k3, ml, fold, dacc[0],	\
			    dacc[1], dacc[2], acc);			\
		else							\
			CT_FN(dir_blk)(NV, 2, a[0], a[1], NULL, e + o0,	\
			    rs, koff, nkr, k1, k2, NULL, ml, fold,	\
			    dacc[0], dacc[1], NULL, acc);
		if (n <= (size_t)CT_VL) {
			CT_BLKS(1)
		} else if (n <= 2 * (size_t)CT_VL) {
			CT_BLKS(2)
		} else {
			CT_BLKS(4)
		}
#undef CT_BLKS
		for (q = 0; q < nk; q++) {
			CT_REAL *o = ov[q];

			CT_FN(blk_out)(fold, a[q], dacc[q], acc);
			for (t = 0; t < n; t++)
				o[o0 + t] = acc[t];
		}
	}
}
#undef CT_VL

/* re[i], im[i] = the parts of complex x[i], for n numbers. */
static void
CT_FN(split)(const void *xv, void *rev, void *imv, size_t n)
{
	const CT_REAL *x = xv;
	CT_REAL *re = rev, *im = imv;

	for (size_t i = 0; i < n; i++) {
		re[i] = x[2 * i];
		im[i] = x[2 * i + 1];
	}
}

/* x[i] = re[i] + i im[i], for n numbers. */
static void
CT_FN(merge)(void *xv, const void *rev, const void *imv, size_t n)
{
	CT_REAL *x = xv;
	const CT_REAL *re = rev, *im = imv;

	for (size_t i = 0; i < n; i++) {
		x[2 * i] = re[i];
		x[2 * i + 1] = im[i];
	}
}

/* How many of the n reals of x are NaN or infinite. */
TP_CLONES
static size_t
CT_FN(count_bad)(const void *xv, size_t n)
{
	/* infinity and NaN have every exponent bit set; tested on the bits
	 * as integers (CT_UINT) in blocks of a fixed count, so that the loop
	 * vectorises at -O2 (isfinite did not) */
	typedef CT_UINT u __attribute__((may_alias));
	enum { BLK = 64 };
	const u *x = xv;
	const CT_UINT e = CT_EXP;
	size_t bad = 0, i = 0, j;

	for (; i + BLK <= n; i += BLK) {
		CT_UINT b = 0;

		for (j = 0; j < BLK; j++)
			b += (x[i + j] & e) == e;
		bad += b;
	}
	for (; i < n; i++)
		bad += (x[i] & e) == e;
	return bad;
}

/* Set the non-finite elements (nre reals each) of x to 0 and mark them
 * in bad[]. */
static void
CT_FN(clean)(void *xv, size_t n, int nre, unsigned char *bad)
{
	CT_REAL *x = xv;

	for (size_t i = 0; i < n; i++) {
		bad[i] = 0;
		for (int r = 0; r < nre; r++)
			if (!isfinite(x[i * nre + r]))
				bad[i] = 1;
		if (bad[i])
			for (int r = 0; r < nre; r++)
				x[i * nre + r] = 0;
	}
}

/* Set the elements of x marked in bad[] (or all, if bad is NULL) to
 * NaN. */
static void
CT_FN(set_nan)(void *xv, const unsigned char *bad, size_t n, int nre)
{
	CT_REAL *x = xv;

	for (size_t i = 0; i < n; i++)
		if (bad == NULL || bad[i])
			for (int r = 0; r < nre; r++)
				x[i * nre + r] = (CT_REAL)NAN;
}

const struct conv_ops CT_FN(conv_ops) = {
	CT_FN(cmul), CT_FN(add_double), CT_FN(dir_row), CT_FN(dir_rowk),
	CT_BLK,
	CT_FN(split), CT_FN(merge), CT_FN(count_bad), CT_FN(clean),
	CT_FN(set_nan)
};
