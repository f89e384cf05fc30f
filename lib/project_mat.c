/*
 * project_mat.c - the matrices of tproject's pipeline (project.h): 4x4
 * products, transposes and inverses, the builders of the GL/GLU calls
 * (gluPerspective, glFrustum, glOrtho, gluLookAt, glTranslate, glRotate,
 * glScale) with the checks of their parameters, and tp_view_multiply,
 * which composes the calls onto the modelview and projection matrices
 * as OpenGL does.  project.c runs the pipeline they make.
 */
#include <math.h>
#include <string.h>

#include "tpipe.h"
#include "project.h"

/* --- matrices ------------------------------------------------------- */

struct tp_mat4
tp_mat4_identity(void)
{
	struct tp_mat4 r = { { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0,
	    0, 0, 0, 1 } };

	return r;
}

struct tp_mat4
tp_mat4_mul(const struct tp_mat4 *a, const struct tp_mat4 *b)
{
	struct tp_mat4 r;
	int i, j, k;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			double s = 0;

			for (k = 0; k < 4; k++)
				s += a->m[4 * i + k] * b->m[4 * k + j];
			r.m[4 * i + j] = s;
		}
	return r;
}

struct tp_mat4
tp_mat4_transpose(const struct tp_mat4 *a)
{
	struct tp_mat4 r;
	int i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			r.m[4 * i + j] = a->m[4 * j + i];
	return r;
}

void
tp_mat4_apply(const struct tp_mat4 *a, const double v[4], double out[4])
{
	int i;

	for (i = 0; i < 4; i++)
		out[i] = a->m[4 * i] * v[0] + a->m[4 * i + 1] * v[1] +
		    a->m[4 * i + 2] * v[2] + a->m[4 * i + 3] * v[3];
}

tp_why
tp_mat4_invert(const struct tp_mat4 *a, struct tp_mat4 *inv)
{
	double m[4][8], scale[4], t;
	int r, c, k, piv;

	for (r = 0; r < 4; r++) {
		scale[r] = 0;
		for (c = 0; c < 4; c++) {
			m[r][c] = a->m[4 * r + c];
			m[r][4 + c] = r == c;
			if (!isfinite(m[r][c]))
				return "not finite";
			scale[r] = fmax(scale[r], fabs(m[r][c]));
		}
		if (scale[r] == 0)
			return "singular";
	}
	/* partial pivoting on the rows scaled to a largest entry of 1, so
	 * that the test for a zero pivot does not depend on row scales */
	for (k = 0; k < 4; k++) {
		piv = k;
		for (r = k + 1; r < 4; r++)
			if (fabs(m[r][k]) / scale[r] >
			    fabs(m[piv][k]) / scale[piv])
				piv = r;
		if (!(fabs(m[piv][k]) > 1e-14 * scale[piv]))
			return "singular";
		if (piv != k) {
			for (c = 0; c < 8; c++) {
				t = m[k][c];
				m[k][c] = m[piv][c];
				m[piv][c] = t;
			}
			t = scale[k];
			scale[k] = scale[piv];
			scale[piv] = t;
		}
		t = 1 / m[k][k];
		for (c = 0; c < 8; c++)
			m[k][c] *= t;
		m[k][k] = 1;
		for (r = 0; r < 4; r++) {
			if (r == k || m[r][k] == 0)
				continue;
			t = m[r][k];
			for (c = 0; c < 8; c++)
				m[r][c] -= t * m[k][c];
			m[r][k] = 0;
		}
	}
	for (r = 0; r < 4; r++)
		for (c = 0; c < 4; c++)
			inv->m[4 * r + c] = m[r][4 + c];
	return NULL;
}

/* --- builders ------------------------------------------------------- */

/* 1 if all n values are finite. */
static int
finite_all(const double *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return 0;
	return 1;
}

tp_why
tp_mat4_perspective(struct tp_mat4 *m, double fovy, double aspect,
    double near, double far)
{
	double v[4] = { fovy, aspect, near, far }, rad, cot, dz;
	struct tp_mat4 r = { { 0 } };

	if (!finite_all(v, 4))
		return "every value must be finite";
	if (!(fovy > 0 && fovy < 180))
		return "fovy must be in (0, 180) degrees";
	if (!(aspect > 0))
		return "aspect must be positive";
	if (!(near > 0))
		return "near must be positive";
	if (!(far > 0))
		return "far must be positive";
	if (near == far)
		return "near and far must differ";
	/* as gluPerspective computes it */
	rad = fovy / 2 * M_PI / 180;
	cot = cos(rad) / sin(rad);
	dz = far - near;
	r.m[0] = cot / aspect;
	r.m[5] = cot;
	r.m[10] = -(far + near) / dz;
	r.m[11] = -2 * near * far / dz;
	r.m[14] = -1;
	*m = r;
	return NULL;
}

/* The checks glFrustum (positive depths) and glOrtho share on their
 * left, right, bottom, top, near, far: NULL, or what is wrong. */
static tp_why
check_box(const double v[6], int positive_depths)
{
	if (!finite_all(v, 6))
		return "every value must be finite";
	if (v[0] == v[1])
		return "left and right must differ";
	if (v[2] == v[3])
		return "bottom and top must differ";
	if (positive_depths && !(v[4] > 0))
		return "near must be positive";
	if (positive_depths && !(v[5] > 0))
		return "far must be positive";
	if (v[4] == v[5])
		return "near and far must differ";
	return NULL;
}

tp_why
tp_mat4_frustum(struct tp_mat4 *m, const double v[6])
{
	double l = v[0], rt = v[1], b = v[2], t = v[3], n = v[4], f = v[5];
	struct tp_mat4 r = { { 0 } };
	const char *why;

	if ((why = check_box(v, 1)) != NULL)
		return why;
	r.m[0] = 2 * n / (rt - l);
	r.m[2] = (rt + l) / (rt - l);
	r.m[5] = 2 * n / (t - b);
	r.m[6] = (t + b) / (t - b);
	r.m[10] = -(f + n) / (f - n);
	r.m[11] = -2 * f * n / (f - n);
	r.m[14] = -1;
	*m = r;
	return NULL;
}

tp_why
tp_mat4_ortho(struct tp_mat4 *m, const double v[6])
{
	double l = v[0], rt = v[1], b = v[2], t = v[3], n = v[4], f = v[5];
	struct tp_mat4 r = { { 0 } };
	const char *why;

	if ((why = check_box(v, 0)) != NULL)
		return why;
	r.m[0] = 2 / (rt - l);
	r.m[3] = -(rt + l) / (rt - l);
	r.m[5] = 2 / (t - b);
	r.m[7] = -(t + b) / (t - b);
	r.m[10] = -2 / (f - n);
	r.m[11] = -(f + n) / (f - n);
	r.m[15] = 1;
	*m = r;
	return NULL;
}

/* out = a x b */
static void
cross(const double a[3], const double b[3], double out[3])
{
	out[0] = a[1] * b[2] - a[2] * b[1];
	out[1] = a[2] * b[0] - a[0] * b[2];
	out[2] = a[0] * b[1] - a[1] * b[0];
}

/* a . b */
static double
dot(const double a[3], const double b[3])
{
	return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

tp_why
tp_mat4_lookat(struct tp_mat4 *m, const double v[9])
{
	const double *eye = v, *center = v + 3, *up = v + 6;
	double f[3], s[3], u[3], len, uplen;
	struct tp_mat4 r = { { 0 } };
	int i;

	if (!finite_all(v, 9))
		return "every value must be finite";
	for (i = 0; i < 3; i++)
		f[i] = center[i] - eye[i];
	len = sqrt(dot(f, f));
	if (!(len > 0))
		return "eye and center must differ";
	for (i = 0; i < 3; i++)
		f[i] /= len;
	uplen = sqrt(dot(up, up));
	if (!(uplen > 0))
		return "up must not be zero";
	cross(f, up, s);
	len = sqrt(dot(s, s));
	/* |f x up| = |up| sin(angle): parallel when the sine vanishes */
	if (!(len > 1e-12 * uplen))
		return "up is parallel to the view direction";
	for (i = 0; i < 3; i++)
		s[i] /= len;
	cross(s, f, u);
	for (i = 0; i < 3; i++) {
		r.m[i] = s[i];
		r.m[4 + i] = u[i];
		r.m[8 + i] = -f[i];
	}
	r.m[3] = -dot(s, eye);
	r.m[7] = -dot(u, eye);
	r.m[11] = dot(f, eye);
	r.m[15] = 1;
	*m = r;
	return NULL;
}

tp_why
tp_mat4_translate(struct tp_mat4 *m, double x, double y, double z)
{
	double v[3] = { x, y, z };

	if (!finite_all(v, 3))
		return "every value must be finite";
	*m = tp_mat4_identity();
	m->m[3] = x;
	m->m[7] = y;
	m->m[11] = z;
	return NULL;
}

tp_why
tp_mat4_rotate(struct tp_mat4 *m, double angle, double x, double y,
    double z)
{
	double v[4] = { angle, x, y, z }, len, c, s, k;
	struct tp_mat4 r = { { 0 } };

	if (!finite_all(v, 4))
		return "every value must be finite";
	len = sqrt(x * x + y * y + z * z);
	if (!(len > 0))
		return "the axis must not be zero";
	x /= len;
	y /= len;
	z /= len;
	c = cos(angle * M_PI / 180);
	s = sin(angle * M_PI / 180);
	k = 1 - c;
	r.m[0] = x * x * k + c;
	r.m[1] = x * y * k - z * s;
	r.m[2] = x * z * k + y * s;
	r.m[4] = y * x * k + z * s;
	r.m[5] = y * y * k + c;
	r.m[6] = y * z * k - x * s;
	r.m[8] = x * z * k - y * s;
	r.m[9] = y * z * k + x * s;
	r.m[10] = z * z * k + c;
	r.m[15] = 1;
	*m = r;
	return NULL;
}

tp_why
tp_mat4_scale(struct tp_mat4 *m, double x, double y, double z)
{
	double v[3] = { x, y, z };

	if (!finite_all(v, 3))
		return "every value must be finite";
	*m = tp_mat4_identity();
	m->m[0] = x;
	m->m[5] = y;
	m->m[10] = z;
	return NULL;
}

/* --- composing the calls -------------------------------------------- */

int
tp_mat_call_count(enum tp_mat_call call)
{
	switch (call) {
	case TP_CALL_PERSPECTIVE: case TP_CALL_ROTATE: return 4;
	case TP_CALL_FRUSTUM: case TP_CALL_ORTHO: return 6;
	case TP_CALL_LOOKAT: return 9;
	case TP_CALL_TRANSLATE: case TP_CALL_SCALE: return 3;
	default: return 16;
	}
}

tp_why
tp_view_multiply(struct tp_view *view, enum tp_mat_call call,
    const double *a)
{
	struct tp_mat4 b, prod, pm, *stack = &view->modelview;
	const char *why = NULL;

	switch (call) {
	case TP_CALL_PROJECTION:
		stack = &view->projection;
		/* FALLTHROUGH */
	case TP_CALL_MODELVIEW:
		if (!finite_all(a, 16))
			return "every value must be finite";
		memcpy(b.m, a, sizeof b.m);
		break;
	case TP_CALL_PERSPECTIVE:
		stack = &view->projection;
		why = tp_mat4_perspective(&b, a[0], a[1], a[2], a[3]);
		break;
	case TP_CALL_FRUSTUM:
		stack = &view->projection;
		why = tp_mat4_frustum(&b, a);
		break;
	case TP_CALL_ORTHO:
		stack = &view->projection;
		why = tp_mat4_ortho(&b, a);
		break;
	case TP_CALL_LOOKAT:
		why = tp_mat4_lookat(&b, a);
		break;
	case TP_CALL_TRANSLATE:
		why = tp_mat4_translate(&b, a[0], a[1], a[2]);
		break;
	case TP_CALL_ROTATE:
		why = tp_mat4_rotate(&b, a[0], a[1], a[2], a[3]);
		break;
	default:
		why = tp_mat4_scale(&b, a[0], a[1], a[2]);
		break;
	}
	if (why != NULL)
		return why;
	/* a builder's finite numbers can still overflow (a fovy of 1e-320
	 * degrees has an infinite cotangent), and so can a product */
	prod = tp_mat4_mul(stack, &b);
	if (!finite_all(prod.m, 16))
		return stack == &view->projection ? "the projection matrix it "
		    "makes is not finite" : "the modelview matrix it makes is "
		    "not finite";
	pm = stack == &view->projection ? tp_mat4_mul(&prod, &view->modelview) :
	    tp_mat4_mul(&view->projection, &prod);
	if (!finite_all(pm.m, 16))
		return "the product projection * modelview it makes is not "
		    "finite";
	*stack = prod;
	return NULL;
}
