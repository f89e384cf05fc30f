/*
 * project_test.c - unit tests of lib/project.c: the inverse with partial
 * pivoting, the builders against their closed forms and each other, and
 * the batched transform against the one-point trace, composing calls,
 * edges and pictures.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "project.h"
#include "tap.h"

/* Largest |a - b| over the 16 entries. */
static double
maxdiff(const struct tp_mat4 *a, const struct tp_mat4 *b)
{
	double d = 0;
	int i;

	for (i = 0; i < 16; i++)
		d = fmax(d, fabs(a->m[i] - b->m[i]));
	return d;
}

static void
test_invert(void)
{
	struct tp_rng rng;
	struct tp_mat4 a, inv, prod, id = tp_mat4_identity(), keep;
	double worst = 0;
	int i, k, fails = 0;

	tp_rng_seed(&rng, 4);
	for (k = 0; k < 200; k++) {
		for (i = 0; i < 16; i++)
			a.m[i] = tp_rng_normal(&rng);
		if (tp_mat4_invert(&a, &inv) != NULL) {
			fails++;
			continue;
		}
		prod = tp_mat4_mul(&a, &inv);
		worst = fmax(worst, maxdiff(&prod, &id));
	}
	ok(fails == 0 && worst < 1e-10, "200 random matrices: A * inv(A) = I");
	/* zeros on the diagonal need the row swaps */
	memset(&a, 0, sizeof a);
	a.m[1] = 2;
	a.m[4] = 4;
	a.m[11] = -1;
	a.m[14] = 0.5;
	ok(tp_mat4_invert(&a, &inv) == NULL && inv.m[4] == 0.5 &&
	    inv.m[1] == 0.25 && inv.m[14] == -1 && inv.m[11] == 2,
	    "a permutation with scales: exact inverse by pivoting");
	/* rank 3: a row that is the sum of two others */
	for (i = 0; i < 16; i++)
		a.m[i] = tp_rng_normal(&rng);
	for (i = 0; i < 4; i++)
		a.m[12 + i] = a.m[i] + a.m[4 + i];
	keep.m[0] = 42;
	inv = keep;
	ok(tp_mat4_invert(&a, &inv) != NULL && inv.m[0] == 42,
	    "a singular matrix is refused and the output left alone");
	tp_mat4_scale(&a, 1e-20, 1e-20, 1e-20);
	ok(tp_mat4_invert(&a, &inv) == NULL && fabs(inv.m[0] - 1e20) < 1e6,
	    "a tiny but regular scale inverts (the test is relative)");
	a = tp_mat4_identity();
	a.m[5] = NAN;
	ok(tp_mat4_invert(&a, &inv) != NULL, "a NaN entry is refused");
}

static void
test_builders(void)
{
	struct tp_mat4 p, f, a, b, c, id = tp_mat4_identity();
	double v6[6], t = tan(35 * M_PI / 180), la[9] = { 0, 0, 0, 0, 0, -1,
	    0, 1, 0 }, la2[9] = { 1, 2, 3, 1, 2, 2, 0, 1, 0 };
	double x[4] = { 1, 0, 0, 1 }, y[4];

	ok(tp_mat4_perspective(&p, 70, 1.5, 0.5, 40) == NULL, "perspective");
	v6[0] = -0.5 * t * 1.5;
	v6[1] = 0.5 * t * 1.5;
	v6[2] = -0.5 * t;
	v6[3] = 0.5 * t;
	v6[4] = 0.5;
	v6[5] = 40;
	ok(tp_mat4_frustum(&f, v6) == NULL && maxdiff(&p, &f) < 1e-14,
	    "gluPerspective is glFrustum with top = near tan(fovy/2)");
	ok(p.m[14] == -1 && p.m[15] == 0 && p.m[11] == -2 * 0.5 * 40 / 39.5,
	    "perspective: w = -z and the depth row as GLU writes it");
	v6[0] = -2; v6[1] = 6; v6[2] = -1; v6[3] = 3; v6[4] = 1; v6[5] = 5;
	ok(tp_mat4_ortho(&a, v6) == NULL && a.m[0] == 0.25 && a.m[3] == -0.5 &&
	    a.m[5] == 0.5 && a.m[7] == -0.5 && a.m[10] == -0.5 &&
	    a.m[11] == -1.5 && a.m[15] == 1, "ortho: glOrtho's matrix");
	ok(tp_mat4_lookat(&a, la) == NULL && maxdiff(&a, &id) == 0,
	    "looking down -z from the origin with y up is the identity");
	ok(tp_mat4_lookat(&a, la2) == NULL && tp_mat4_translate(&b, -1, -2,
	    -3) == NULL && maxdiff(&a, &b) < 1e-15,
	    "the same view from (1, 2, 3) is a translation by -eye");
	tp_mat4_rotate(&a, 90, 0, 0, 2);
	tp_mat4_apply(&a, x, y);
	ok(fabs(y[0]) < 1e-16 && y[1] == 1 && y[2] == 0 && y[3] == 1,
	    "rotate 90 about z (axis normalised) takes x to y");
	tp_mat4_rotate(&a, 33, 1, -2, 0.5);
	tp_mat4_rotate(&b, -33, 1, -2, 0.5);
	c = tp_mat4_mul(&a, &b);
	ok(maxdiff(&c, &id) < 1e-15, "rotate(a) * rotate(-a) = I");
	b = tp_mat4_transpose(&a);
	c = tp_mat4_mul(&a, &b);
	ok(maxdiff(&c, &id) < 1e-15, "a rotation is orthogonal");
	ok(tp_mat4_perspective(&p, 180, 1, 1, 2) != NULL &&
	    tp_mat4_perspective(&p, 60, 1, 2, 2) != NULL &&
	    tp_mat4_perspective(&p, 60, 1, 0, 2) != NULL &&
	    tp_mat4_perspective(&p, 60, -1, 1, 2) != NULL &&
	    tp_mat4_perspective(&p, 60, 1, 1, INFINITY) != NULL,
	    "perspective refuses fovy 180, near = far, near 0, aspect < 0, "
	    "far inf");
	la[7] = 0;
	la[8] = 1;
	ok(tp_mat4_lookat(&a, la) != NULL, "lookat refuses up along the view");
}

static void
test_points(void)
{
	struct tp_rng rng;
	struct tp_view v;
	struct tp_project p;
	struct tp_project_trace t;
	size_t n = 100000, i, bad1, bad2;
	double *in = malloc(n * 4 * sizeof *in), *o1, *o2, *o4, worst = 0;
	unsigned char *m1 = malloc(n), *m2 = malloc(n);
	int mism = 0, k;

	o1 = malloc(n * 3 * sizeof *o1);
	o2 = malloc(n * 3 * sizeof *o2);
	o4 = malloc(n * 3 * sizeof *o4);
	tp_rng_seed(&rng, 9);
	tp_view_init(&v);
	tp_mat4_perspective(&v.projection, 50, 1.25, 0.5, 30);
	tp_mat4_rotate(&v.modelview, 20, 1, 1, 1);
	v.modelview.m[11] = -4;
	v.viewport = 1;
	v.vp[0] = 3;
	v.vp[1] = -2;
	v.vp[2] = 500;
	v.vp[3] = 400;
	tp_project_init(&p, &v);
	for (i = 0; i < 3 * n; i++)
		in[i] = 12 * tp_rng_uniform(&rng) - 6;
	bad1 = tp_project_points(&p, in, 3, o1, m1, n, 1);
	bad2 = tp_project_points(&p, in, 3, o2, m2, n, 2);
	ok(bad1 == bad2 && bad1 > 0 && memcmp(o1, o2, n * 3 * sizeof *o1)
	    == 0 && memcmp(m1, m2, n) == 0,
	    "1 and 2 threads give the same bits and counts");
	for (i = 0; i < n; i += 97) {
		double obj[4] = { in[3 * i], in[3 * i + 1], in[3 * i + 2], 1 };

		tp_project_trace(&p, obj, &t);
		if (t.outside != m1[i] || isnan(t.window[0]) !=
		    isnan(o1[3 * i]))
			mism++;
		for (k = 0; k < 3 && !isnan(o1[3 * i]); k++)
			worst = fmax(worst, fabs(t.window[k] - o1[3 * i + k]) /
			    fmax(1, fabs(t.window[k])));
	}
	ok(mism == 0 && worst < 1e-12,
	    "the batch equals the stage-by-stage trace");
	/* (x, y, z, 1) * s for s > 0 is the same point */
	for (i = n; i-- > 0;) {
		double s = 0.5 + (double)(i % 7);

		in[4 * i + 3] = s;
		for (k = 2; k >= 0; k--)
			in[4 * i + k] = in[3 * i + k] * s;
	}
	tp_project_points(&p, in, 4, o4, NULL, n, 2);
	worst = 0;
	for (i = 0; i < 3 * n; i++)
		if (!m1[i / 3])		/* in view: w well away from 0 */
			worst = fmax(worst, fabs(o4[i] - o1[i]) /
			    fmax(1, fabs(o1[i])));
	ok(worst < 1e-12, "homogeneous points scaled by w > 0 project alike");
	/* in place */
	memcpy(o2, o1, n * 3 * sizeof *o1);
	ok(tp_project_unprojector(&p) == NULL, "P * MV inverts");
	tp_unproject_points(&p, o2, o2, n, 2);
	worst = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < 3; k++)
			if (!isnan(o1[3 * i]) && !m1[i])
				worst = fmax(worst, fabs(o2[3 * i + k] -
				    in[4 * i + k] / in[4 * i + 3]));
	ok(worst < 1e-10, "unproject (in place) returns the visible points");
	free(in);
	free(o1);
	free(o2);
	free(o4);
	free(m1);
	free(m2);
}

/* tp_view_multiply composes as the GL calls do and refuses what is
 * not finite; tp_project_edges and tp_project_picture check indices. */
static void
test_compose_and_picture(void)
{
	struct tp_view v, w;
	struct tp_mat4 t, r, p, want;
	struct tp_project pr;
	struct tp_tensor et, pts, img;
	struct tp_msg m;
	const double tr[3] = { 1, 2, 3 }, rot[4] = { 30, 1, 2, 3 };
	const double per[4] = { 60, 1.5, 1, 10 }, tiny[4] = { 1e-320, 1, 1, 10 };
	const double big[3] = { 1e200, 1e200, 1e200 };
	double inf16[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
	const double ev[4] = { 0, 1, 1, 2 }, pv[9] = { 0, 0, -2, 0.5, 0, -3,
	    0, 0.5, -4 };
	long long *e = NULL;
	size_t ne = 0, shape[2] = { 2, 2 }, pshape[2] = { 3, 3 }, lit = 0, i;

	tp_view_init(&v);
	ok(tp_view_multiply(&v, TP_CALL_TRANSLATE, tr) == NULL &&
	    tp_view_multiply(&v, TP_CALL_ROTATE, rot) == NULL &&
	    tp_view_multiply(&v, TP_CALL_PERSPECTIVE, per) == NULL,
	    "translate, rotate, perspective compose");
	tp_mat4_translate(&t, 1, 2, 3);
	tp_mat4_rotate(&r, 30, 1, 2, 3);
	tp_mat4_perspective(&p, 60, 1.5, 1, 10);
	want = tp_mat4_mul(&t, &r);
	ok(memcmp(&want, &v.modelview, sizeof want) == 0 &&
	    memcmp(&p, &v.projection, sizeof p) == 0,
	    "MV = T * R (the later call applies first), P = perspective");
	w = v;
	ok(tp_view_multiply(&v, TP_CALL_PERSPECTIVE, tiny) != NULL &&
	    tp_view_multiply(&v, TP_CALL_SCALE, big) == NULL &&
	    tp_view_multiply(&v, TP_CALL_SCALE, big) != NULL &&
	    memcmp(&v.projection, &w.projection, sizeof w.projection) == 0,
	    "an overflowing matrix is refused and leaves the view alone");
	inf16[15] = INFINITY;
	ok(tp_view_multiply(&v, TP_CALL_MODELVIEW, inf16) != NULL,
	    "an infinite matrix entry is refused");
	ok(tp_mat_call_count(TP_CALL_LOOKAT) == 9 &&
	    tp_mat_call_count(TP_CALL_PROJECTION) == 16, "call counts");

	et = tp_new(TP_F8, 2, shape);
	memcpy(et.data, ev, sizeof ev);
	ok(tp_project_edges(&et, &e, &ne, &m) == NULL && ne == 2 &&
	    e[0] == 0 && e[1] == 1 && e[2] == 1 && e[3] == 2,
	    "edges from a (2, 2) float tensor");
	((double *)et.data)[3] = 2.5;
	ok(tp_project_edges(&et, &e, &ne, &m) != NULL && ne == 2 &&
	    strstr(m.text, "edge 1 has index 2.5") != NULL,
	    "a fractional index is refused by name");
	pts = tp_new(TP_F8, 2, pshape);
	memcpy(pts.data, pv, sizeof pv);
	tp_view_init(&v);
	tp_view_multiply(&v, TP_CALL_PERSPECTIVE, per);
	v.viewport = 1;
	v.vp[2] = 64;
	v.vp[3] = 64;
	tp_project_init(&pr, &v);
	ok(tp_project_picture(&pr, &pts, e, ne, 64, 64, &img, &m) == NULL &&
	    img.ndim == 2 && img.shape[0] == 64 && img.shape[1] == 64,
	    "a picture of 3 points and 2 edges");
	for (i = 0; i < img.count; i++)
		lit += ((unsigned char *)img.data)[i] != 0;
	ok(lit > 3, "its edges light more pixels than the 3 points");
	tp_free(&img);
	e[3] = 3;
	ok(tp_project_picture(&pr, &pts, e, ne, 64, 64, &img, &m) != NULL &&
	    strstr(m.text, "edge 1 names point 3") != NULL,
	    "an edge naming a missing point is refused");
	free(e);
	tp_free(&et);
	tp_free(&pts);
}

int
main(void)
{
	test_invert();
	test_builders();
	test_points();
	test_compose_and_picture();
	return tap_end();
}
