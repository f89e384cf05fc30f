/*
 * project.c - the OpenGL vertex pipeline (project.h): projection and
 * unprojection of point batches, in blocks per element type
 * (project_typed.h) and chunks per thread, one point followed through
 * each stage, the stages printed, and a small depth-tested point and
 * line renderer.  The matrices and the GL/GLU builders are in
 * project_mat.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "project.h"

/* --- the pipeline --------------------------------------------------- */

void
tp_view_init(struct tp_view *v)
{
	memset(v, 0, sizeof *v);
	v->modelview = tp_mat4_identity();
	v->projection = tp_mat4_identity();
	v->depth[0] = 0;
	v->depth[1] = 1;
}

void
tp_project_init(struct tp_project *p, const struct tp_view *v)
{
	memset(p, 0, sizeof *p);
	p->v = *v;
	p->pm = tp_mat4_mul(&v->projection, &v->modelview);
	if (v->viewport) {
		/* glViewport: x_w = X + W (x_ndc + 1) / 2; y the same with
		 * Y, H (or counted down from the top); glDepthRange:
		 * z_w = N + (F - N) (z_ndc + 1) / 2 */
		p->scale[0] = v->vp[2] / 2;
		p->offset[0] = v->vp[0] + v->vp[2] / 2;
		p->scale[1] = (v->y_down ? -v->vp[3] : v->vp[3]) / 2;
		p->offset[1] = v->vp[1] + v->vp[3] / 2;
		p->scale[2] = (v->depth[1] - v->depth[0]) / 2;
		p->offset[2] = (v->depth[1] + v->depth[0]) / 2;
	} else {
		p->scale[0] = p->scale[1] = p->scale[2] = 1;
	}
}

/* Points per block (the unit the kernels vectorise over) and per chunk
 * (the unit handed to a thread). */
#define BLOCK 256
#define CHUNK (64 * BLOCK)

/* The per-precision part: PT_REAL is the element type, PT_FN(x) names
 * its functions x_f64 or x_f32. */
#define PT_REAL double
#define PT_FN(x) x##_f64
#include "project_typed.h"
#undef PT_REAL
#undef PT_FN

#define PT_REAL float
#define PT_FN(x) x##_f32
#include "project_typed.h"
#undef PT_REAL
#undef PT_FN

/* The work of one tp_parallel call over chunks of points. */
struct batch {
	const struct tp_project *p;
	const void *in;
	void *out;
	unsigned char *outside;
	int dim;		/* values per input point */
	int f32;		/* float, else double */
	int unproject;
	size_t n;
	size_t bad[TP_MAXTHREADS];	/* NaN counts per thread */
};

/* Chunk i of a batch: its blocks, one after the other. */
static void
batch_chunk(void *arg, size_t i, int tid)
{
	struct batch *b = arg;
	size_t first = i * CHUNK, end = first + CHUNK, k, m, bad = 0;

	if (end > b->n)
		end = b->n;
	for (k = first; k < end; k += m) {
		m = end - k < BLOCK ? end - k : BLOCK;
		if (b->unproject && b->f32)
			bad += unproject_block_f32(b->p,
			    (const float *)b->in + 3 * k,
			    (float *)b->out + 3 * k, m);
		else if (b->unproject)
			bad += unproject_block_f64(b->p,
			    (const double *)b->in + 3 * k,
			    (double *)b->out + 3 * k, m);
		else if (b->f32)
			bad += project_block_f32(b->p,
			    (const float *)b->in + (size_t)b->dim * k,
			    b->dim, (float *)b->out + 3 * k,
			    b->outside ? b->outside + k : NULL, m);
		else
			bad += project_block_f64(b->p,
			    (const double *)b->in + (size_t)b->dim * k,
			    b->dim, (double *)b->out + 3 * k,
			    b->outside ? b->outside + k : NULL, m);
	}
	b->bad[tid] += bad;
}

/* Run a batch on up to threads threads; the total NaN count. */
static size_t
run_batch(struct batch *b, int threads)
{
	size_t total = 0;
	int t;

	memset(b->bad, 0, sizeof b->bad);
	tp_parallel(threads, (b->n + CHUNK - 1) / CHUNK, batch_chunk, b);
	for (t = 0; t < TP_MAXTHREADS; t++)
		total += b->bad[t];
	return total;
}

size_t
tp_project_points(const struct tp_project *p, const double *in, int dim,
    double *out, unsigned char *outside, size_t n, int threads)
{
	struct batch b = { p, in, out, outside, dim, 0, 0, n, { 0 } };

	return run_batch(&b, threads);
}

size_t
tp_project_points_f32(const struct tp_project *p, const float *in,
    int dim, float *out, unsigned char *outside, size_t n, int threads)
{
	struct batch b = { p, in, out, outside, dim, 1, 0, n, { 0 } };

	return run_batch(&b, threads);
}

const char *
tp_project_unprojector(struct tp_project *p)
{
	struct tp_mat4 scratch;

	if (p->scale[2] == 0)
		return "a depth range of zero width";
	if (tp_mat4_invert(&p->pm, &p->inv) == NULL)
		return NULL;
	if (tp_mat4_invert(&p->v.modelview, &scratch) != NULL)
		return "the modelview matrix is singular";
	if (tp_mat4_invert(&p->v.projection, &scratch) != NULL)
		return "the projection matrix is singular";
	return "the product projection * modelview is singular";
}

size_t
tp_unproject_points(const struct tp_project *p, const double *in,
    double *out, size_t n, int threads)
{
	struct batch b = { p, in, out, NULL, 3, 0, 1, n, { 0 } };

	return run_batch(&b, threads);
}

size_t
tp_unproject_points_f32(const struct tp_project *p, const float *in,
    float *out, size_t n, int threads)
{
	struct batch b = { p, in, out, NULL, 3, 1, 1, n, { 0 } };

	return run_batch(&b, threads);
}

/* 1 if the clip-space point c lies in the view volume. */
static int
in_volume(const double c[4])
{
	return c[3] > 0 && fabs(c[0]) <= c[3] && fabs(c[1]) <= c[3] &&
	    fabs(c[2]) <= c[3];
}

/* ndc and window coordinates of the clip-space point c (w != 0). */
static void
to_window(const struct tp_project *p, const double c[4], double ndc[3],
    double win[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		ndc[i] = c[i] / c[3];
		win[i] = ndc[i] * p->scale[i] + p->offset[i];
	}
}

void
tp_project_trace(const struct tp_project *p, const double obj[4],
    struct tp_project_trace *t)
{
	double behind;

	memcpy(t->object, obj, sizeof t->object);
	tp_mat4_apply(&p->v.modelview, t->object, t->eye);
	tp_mat4_apply(&p->v.projection, t->eye, t->clip);
	behind = p->v.keep_behind ? t->clip[3] == 0 : t->clip[3] <= 0;
	t->behind = t->clip[3] <= 0;
	t->outside = !in_volume(t->clip);
	to_window(p, t->clip, t->ndc, t->window);
	if (behind) {
		t->ndc[0] = t->ndc[1] = t->ndc[2] = NAN;
		t->window[0] = t->window[1] = t->window[2] = NAN;
	}
}

/* --- printing the stages ------------------------------------------- */

/* Print the 4x4 matrix m to f under its title, a row a line. */
static void
print_mat(FILE *f, const char *title, const struct tp_mat4 *m)
{
	int r;

	fprintf(f, "%s\n", title);
	for (r = 0; r < 4; r++)	/* + 0.0: no "-0" */
		fprintf(f, "  [ %12.6g %12.6g %12.6g %12.6g ]\n",
		    m->m[4 * r] + 0.0, m->m[4 * r + 1] + 0.0,
		    m->m[4 * r + 2] + 0.0, m->m[4 * r + 3] + 0.0);
}

/* Print one stage to f: its label, how it is made, its n values. */
static void
print_stage(FILE *f, const char *label, const char *how, const double *v,
    int n)
{
	int i;

	fprintf(f, "  %-7s %-22s =", label, how);
	for (i = 0; i < n; i++)
		fprintf(f, " %.9g", v[i] + 0.0);
	fprintf(f, "\n");
}

void
tp_project_print_matrices(FILE *f, const struct tp_project *p)
{
	const struct tp_view *v = &p->v;

	print_mat(f, "modelview MV =", &v->modelview);
	print_mat(f, "projection P =", &v->projection);
	print_mat(f, "P * MV =", &p->pm);
	if (v->viewport)
		fprintf(f, "viewport x=%g y=%g width=%g height=%g%s, depth "
		    "range %g..%g\n", v->vp[0], v->vp[1], v->vp[2], v->vp[3],
		    v->y_down ? " (y down)" : "", v->depth[0], v->depth[1]);
	else
		fprintf(f, "no viewport: the output is normalized device "
		    "coordinates\n");
}

void
tp_project_print_trace(FILE *f, const struct tp_project *p,
    const double obj[4])
{
	struct tp_project_trace t;

	tp_project_trace(p, obj, &t);
	print_stage(f, "object", "(x, y, z, w)", t.object, 4);
	print_stage(f, "eye", "MV * object", t.eye, 4);
	print_stage(f, "clip", "P * eye", t.clip, 4);
	if (t.behind && !p->v.keep_behind) {
		fprintf(f, "  clip w <= 0: the point is behind the eye; "
		    "tproject writes NaN\n");
	} else {
		print_stage(f, "ndc", "clip.xyz / clip.w", t.ndc, 3);
		if (p->v.viewport)
			print_stage(f, "window", "viewport, depth range",
			    t.window, 3);
	}
	if (t.outside)
		fprintf(f, "  outside the view volume -w <= x, y, z <= w: "
		    "OpenGL would clip it\n");
}

/* --- rendering ------------------------------------------------------ */

/* A depth buffer the size of the image, nearest ndc z per pixel. */
struct canvas {
	const struct tp_project *p;
	double *z;		/* +inf where nothing is drawn */
	size_t width, height;
};

/* Image coordinates (column, row as reals; row 0 at the top) of a
 * window point. */
static void
to_image(const struct canvas *cv, const double win[3], double *col,
    double *row)
{
	*col = win[0];
	*row = cv->p->v.y_down ? win[1] : (double)cv->height - win[1];
}

/* Draw the pixel holding image point (col, row) at depth z, if it is in
 * the image and nearer than what is there.  Window pixel (i, j) covers
 * [i, i+1) x [j, j+1) with j counted up from the bottom (image row
 * height-1-j), or down from the top with y_down (row j). */
static void
plot(struct canvas *cv, double col, double row, double z)
{
	double c = floor(col), r = cv->p->v.y_down ? floor(row) :
	    ceil(row) - 1;
	size_t k;

	if (!(c >= 0 && c < (double)cv->width && r >= 0 &&
	    r < (double)cv->height))
		return;
	k = (size_t)r * cv->width + (size_t)c;
	if (z < cv->z[k])
		cv->z[k] = z;
}

/*
 * Narrow the parameter range [*t0, *t1] of a segment to where the
 * linear function f, fa at t = 0 and fb at t = 1, is >= 0 (Liang and
 * Barsky).  Returns 0 if nothing is left.
 */
static int
clip_to(double fa, double fb, double *t0, double *t1)
{
	double t;

	if (fa < 0 && fb < 0)
		return 0;
	if (fa < 0) {
		t = fa / (fa - fb);
		if (t > *t0)
			*t0 = t;
	} else if (fb < 0) {
		t = fa / (fa - fb);
		if (t < *t1)
			*t1 = t;
	}
	return *t0 <= *t1;
}

/* Draw the segment from clip-space point a to b, clipped to the view
 * volume and then to the image. */
static void
draw_line(struct canvas *cv, const double a[4], const double b[4])
{
	double t0 = 0, t1 = 1, ca[4], cb[4], nd[3], wa[3], wb[3];
	double x0, y0, x1, y1, dx, dy, dz, s0 = 0, s1 = 1, steps, k;
	int i, ok = 1;

	/* the six planes w + x >= 0, w - x >= 0, ... */
	for (i = 0; i < 3 && ok; i++)
		ok = clip_to(a[3] + a[i], b[3] + b[i], &t0, &t1) &&
		    clip_to(a[3] - a[i], b[3] - b[i], &t0, &t1);
	if (!ok)
		return;
	for (i = 0; i < 4; i++) {
		ca[i] = a[i] + t0 * (b[i] - a[i]);
		cb[i] = a[i] + t1 * (b[i] - a[i]);
	}
	if (!(ca[3] > 0 && cb[3] > 0))
		return;
	to_window(cv->p, ca, nd, wa);
	wa[2] = nd[2];
	to_window(cv->p, cb, nd, wb);
	wb[2] = nd[2];
	to_image(cv, wa, &x0, &y0);
	to_image(cv, wb, &x1, &y1);
	dx = x1 - x0;
	dy = y1 - y0;
	dz = wb[2] - wa[2];
	/* then to the image rectangle, so the steps stay few */
	if (!clip_to(x0, x1, &s0, &s1) ||
	    !clip_to((double)cv->width - x0, (double)cv->width - x1, &s0,
	    &s1) || !clip_to(y0, y1, &s0, &s1) ||
	    !clip_to((double)cv->height - y0, (double)cv->height - y1, &s0,
	    &s1))
		return;
	steps = ceil(fmax(fabs(dx), fabs(dy)) * (s1 - s0));
	if (steps < 1)
		steps = 1;
	for (k = 0; k <= steps; k++) {
		double t = s0 + (s1 - s0) * k / steps;

		plot(cv, x0 + t * dx, y0 + t * dy, wa[2] + t * dz);
	}
}

void
tp_project_render(const struct tp_project *p, const double *pts, int dim,
    size_t n, const long long *edges, size_t nedges, unsigned char *img,
    size_t width, size_t height)
{
	struct canvas cv = { p, NULL, width, height };
	double *clip, v[4], nd[3], win[3], col, row, zmin = INFINITY;
	double zmax = -INFINITY;
	size_t i, npix = width * height;

	clip = tp_emalloc((n ? n : 1) * 4 * sizeof *clip);
	cv.z = tp_emalloc((npix ? npix : 1) * sizeof *cv.z);
	for (i = 0; i < npix; i++)
		cv.z[i] = INFINITY;
	for (i = 0; i < n; i++) {
		v[0] = pts[dim * i];
		v[1] = pts[dim * i + 1];
		v[2] = pts[dim * i + 2];
		v[3] = dim == 4 ? pts[dim * i + 3] : 1;
		tp_mat4_apply(&p->pm, v, clip + 4 * i);
		if (!in_volume(clip + 4 * i))
			continue;
		to_window(p, clip + 4 * i, nd, win);
		to_image(&cv, win, &col, &row);
		plot(&cv, col, row, nd[2]);
	}
	for (i = 0; i < nedges; i++)
		draw_line(&cv, clip + 4 * edges[2 * i],
		    clip + 4 * edges[2 * i + 1]);
	for (i = 0; i < npix; i++)
		if (cv.z[i] != INFINITY) {
			zmin = fmin(zmin, cv.z[i]);
			zmax = fmax(zmax, cv.z[i]);
		}
	for (i = 0; i < npix; i++) {
		if (cv.z[i] == INFINITY)
			img[i] = 0;
		else if (zmax == zmin)
			img[i] = 255;
		else
			img[i] = (unsigned char)lround(255 - 159 *
			    (cv.z[i] - zmin) / (zmax - zmin));
	}
	free(cv.z);
	free(clip);
}

const char *
tp_project_edges(const struct tp_tensor *t, long long **edges,
    size_t *nedges, struct tp_msg *m)
{
	struct tp_tensor d;
	const double *v;
	long long *e;
	size_t i, n;
	char sh[256];

	if (!((t->ndim == 2 && t->shape[1] == 2) || (t->ndim == 1 &&
	    t->shape[0] == 2)) || tp_dtype_is_complex(t->dtype))
		return tp_msgf(m, "shape %s %s is not (E, 2) index pairs",
		    tp_shape_str(t, sh, sizeof sh), tp_dtype_name(t->dtype));
	n = t->ndim == 2 ? t->shape[0] : 1;
	d = tp_converted(t, TP_F8);
	v = d.data;
	for (i = 0; i < 2 * n; i++)
		if (!(v[i] >= 0 && v[i] < 9e18 && v[i] == floor(v[i]))) {
			tp_msgf(m, "edge %zu has index %.17g: indices must be "
			    "integers >= 0", i / 2, v[i]);
			tp_free(&d);
			return m->text;
		}
	e = tp_emalloc((n ? n : 1) * 2 * sizeof *e);
	for (i = 0; i < 2 * n; i++)
		e[i] = (long long)v[i];
	tp_free(&d);
	*edges = e;
	*nedges = n;
	return NULL;
}

const char *
tp_project_picture(const struct tp_project *p, const struct tp_tensor *pts,
    const long long *edges, size_t nedges, size_t width, size_t height,
    struct tp_tensor *img, struct tp_msg *m)
{
	struct tp_tensor d;
	int dim = (int)pts->shape[pts->ndim - 1];
	size_t n = pts->count / (size_t)dim, i, shape[2] = { height, width };

	for (i = 0; i < 2 * nedges; i++)
		if ((unsigned long long)edges[i] >= n)
			return tp_msgf(m, "edge %zu names point %lld but the "
			    "record has %zu points", i / 2, edges[i], n);
	if (pts->dtype != TP_F8)
		d = tp_converted(pts, TP_F8);
	else
		d = *pts;	/* borrowed, not freed */
	*img = tp_new(TP_U1, 2, shape);
	tp_project_render(p, d.data, dim, n, edges, nedges, img->data, width,
	    height);
	if (pts->dtype != TP_F8)
		tp_free(&d);
	return NULL;
}
