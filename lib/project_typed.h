/*
 * project_typed.h - the arithmetic of tproject's pipeline per element
 * type: project and unproject one block of points.  lib/project.c
 * includes it twice, with PT_REAL (float or double), PT_INT (an integer
 * as wide, for masks that vectorise with it) and PT_FN(x) (x with a type
 * suffix, _f32 or _f64) defined, after BLOCK, and gets
 * PT_FN(project_block) and PT_FN(unproject_block); it is not a header
 * of its own.  The chunks, threads and NaN counts are in project.c,
 * written once.
 */

/*
 * PROJECT_LOOP(T, W): the arithmetic of project_block over a whole
 * block, with input w given by the expression W (1 for 3-D points):
 * clip w into cw[], window coordinates into X[], Y[], Z[].
 */
#define PROJECT_LOOP(T, W)						\
	for (i = 0; i < BLOCK; i++) {					\
		T cx = a0 * x[i] + a1 * y[i] + a2 * z[i] + a3 * (W);	\
		T cy = a4 * x[i] + a5 * y[i] + a6 * z[i] + a7 * (W);	\
		T cz = a8 * x[i] + a9 * y[i] + a10 * z[i] + a11 * (W);	\
		T c = a12 * x[i] + a13 * y[i] + a14 * z[i] + a15 * (W);	\
		T r = 1 / c;						\
									\
		cw[i] = c;						\
		X[i] = cx * r * sx + ox;				\
		Y[i] = cy * r * sy + oy;				\
		Z[i] = cz * r * sz + oz;				\
	}

/*
 * PT_FN(project_block)(p, in, dim, out, outside, n) projects n <= BLOCK
 * points of type PT_REAL, computing in PT_REAL.  The points are first
 * copied into separate x, y, z, w arrays, so that the arithmetic is one
 * loop without branches over a whole block of contiguous data, which
 * the compiler vectorises (gcc -O2 too); the rare points behind the eye
 * are set to NaN afterwards, and the --clip test redoes the clip
 * coordinates only when it is asked for.  out may equal in.  Returns
 * the number of points made NaN by their w.
 */
TP_CLONES_512
static size_t
PT_FN(project_block)(const struct tp_project *p, const PT_REAL *in, int dim,
    PT_REAL *out, unsigned char *outside, size_t n)
{
	PT_REAL x[BLOCK], y[BLOCK], z[BLOCK], w[BLOCK];
	PT_REAL X[BLOCK], Y[BLOCK], Z[BLOCK], cw[BLOCK];
	const double *a = p->pm.m;
	const PT_REAL a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
	const PT_REAL a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
	const PT_REAL a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11];
	const PT_REAL a12 = a[12], a13 = a[13], a14 = a[14], a15 = a[15];
	const PT_REAL sx = p->scale[0], sy = p->scale[1], sz = p->scale[2];
	const PT_REAL ox = p->offset[0], oy = p->offset[1], oz = p->offset[2];
	const PT_REAL lo = p->v.keep_behind ? 0 : -(PT_REAL)INFINITY;
	PT_INT nb = 0;
	size_t i;

	if (dim == 3 && n == BLOCK) {	/* a constant count: SIMD */
		for (i = 0; i < BLOCK; i++) {
			x[i] = in[3 * i];
			y[i] = in[3 * i + 1];
			z[i] = in[3 * i + 2];
			w[i] = 1;
		}
	} else if (dim == 3) {
		for (i = 0; i < n; i++) {
			x[i] = in[3 * i];
			y[i] = in[3 * i + 1];
			z[i] = in[3 * i + 2];
			w[i] = 1;
		}
	} else {
		for (i = 0; i < n; i++) {
			x[i] = in[4 * i];
			y[i] = in[4 * i + 1];
			z[i] = in[4 * i + 2];
			w[i] = in[4 * i + 3];
		}
	}
	for (i = n; i < BLOCK; i++)
		x[i] = y[i] = z[i] = w[i] = 0;
	if (dim == 3)
		PROJECT_LOOP(PT_REAL, 1)
	else
		PROJECT_LOOP(PT_REAL, w[i])
	for (i = 0; i < BLOCK; i++) {	/* cw == 0, or cw <= 0 */
		PT_INT behind = !isgreater(cw[i], 0) & !isless(cw[i], lo) &
		    !isunordered(cw[i], lo);

		nb += behind & (PT_INT)(i < n);
		X[i] = behind ? (PT_REAL)NAN : X[i];
		Y[i] = behind ? (PT_REAL)NAN : Y[i];
		Z[i] = behind ? (PT_REAL)NAN : Z[i];
	}
	for (i = 0; outside != NULL && i < n; i++) {
		PT_REAL cx = a0 * x[i] + a1 * y[i] + a2 * z[i] + a3 * w[i];
		PT_REAL cy = a4 * x[i] + a5 * y[i] + a6 * z[i] + a7 * w[i];
		PT_REAL cz = a8 * x[i] + a9 * y[i] + a10 * z[i] + a11 * w[i];

		outside[i] = !(cw[i] > 0 && fabs(cx) <= cw[i] &&
		    fabs(cy) <= cw[i] && fabs(cz) <= cw[i]);
	}
	if (n == BLOCK)
		for (i = 0; i < BLOCK; i++) {
			out[3 * i] = X[i];
			out[3 * i + 1] = Y[i];
			out[3 * i + 2] = Z[i];
		}
	else
		for (i = 0; i < n; i++) {
			out[3 * i] = X[i];
			out[3 * i + 1] = Y[i];
			out[3 * i + 2] = Z[i];
		}
	return (size_t)nb;
}

/*
 * PT_FN(unproject_block): gluUnProject of n <= BLOCK window points of
 * type PT_REAL, computing in PT_REAL, vectorised as project_block is;
 * out may equal in.  Returns how many points became NaN because their
 * object w is 0.
 */
TP_CLONES_512
static size_t
PT_FN(unproject_block)(const struct tp_project *p, const PT_REAL *in,
    PT_REAL *out, size_t n)
{
	PT_REAL x[BLOCK], y[BLOCK], z[BLOCK], w[BLOCK];
	const double *a = p->inv.m;
	const PT_REAL a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
	const PT_REAL a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
	const PT_REAL a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11];
	const PT_REAL a12 = a[12], a13 = a[13], a14 = a[14], a15 = a[15];
	const PT_REAL sx = 1 / p->scale[0], sy = 1 / p->scale[1];
	const PT_REAL sz = 1 / p->scale[2];
	const PT_REAL ox = p->offset[0], oy = p->offset[1], oz = p->offset[2];
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		x[i] = in[3 * i];
		y[i] = in[3 * i + 1];
		z[i] = in[3 * i + 2];
	}
	for (i = n; i < BLOCK; i++)
		x[i] = y[i] = z[i] = 0;
	for (i = 0; i < BLOCK; i++) {
		PT_REAL nx = (x[i] - ox) * sx, ny = (y[i] - oy) * sy;
		PT_REAL nz = (z[i] - oz) * sz;
		PT_REAL ex = a0 * nx + a1 * ny + a2 * nz + a3;
		PT_REAL ey = a4 * nx + a5 * ny + a6 * nz + a7;
		PT_REAL ez = a8 * nx + a9 * ny + a10 * nz + a11;
		PT_REAL ew = a12 * nx + a13 * ny + a14 * nz + a15;
		PT_REAL r = 1 / ew;

		w[i] = ew;
		x[i] = ex * r;
		y[i] = ey * r;
		z[i] = ez * r;
	}
	for (i = 0; i < n; i++)
		if (w[i] == 0) {
			x[i] = y[i] = z[i] = (PT_REAL)NAN;
			bad++;
		}
	for (i = 0; i < n; i++) {
		out[3 * i] = x[i];
		out[3 * i + 1] = y[i];
		out[3 * i + 2] = z[i];
	}
	return bad;
}

#undef PROJECT_LOOP
