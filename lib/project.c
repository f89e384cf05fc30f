/*
 * project.c - the OpenGL vertex pipeline (project.h): projection and
 * unprojection of point batches, in blocks per element type
 * (project_typed.h) and chunks per thread, one point followed through
 * each stage, and the stages printed.  The matrices and the GL/GLU
 * builders are in project_mat.c, the renderer in project_render.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "project.h"
#include "project_impl.h"

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

/* The per-precision part: PT_REAL is the element type, PT_INT an
 * integer as wide, PT_FN(x) names its functions x_f64 or x_f32. */
#define PT_REAL double
#define PT_INT int64_t
#define PT_FN(x) x##_f64
#include "project_typed.h"
#undef PT_REAL
#undef PT_INT
#undef PT_FN

#define PT_REAL float
#define PT_INT int32_t
#define PT_FN(x) x##_f32
#include "project_typed.h"
#undef PT_REAL
#undef PT_INT
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

const struct tp_choice tp_stages[] = {
	{ "object", TP_STAGE_OBJECT }, { "eye", TP_STAGE_EYE },
	{ "clip", TP_STAGE_CLIP }, { "ndc", TP_STAGE_NDC },
	{ "window", TP_STAGE_WINDOW }, { NULL, 0 }
};

int
tp_stage_width(enum tp_stage s)
{
	return s <= TP_STAGE_CLIP ? 4 : 3;
}

size_t
tp_project_stage(const struct tp_project *p, enum tp_stage s,
    const double *in, int dim, double *out, size_t n, int threads)
{
	struct tp_project q;
	double obj[4], eye[4];
	size_t i;

	if (s == TP_STAGE_WINDOW)
		return tp_project_points(p, in, dim, out, NULL, n, threads);
	if (s == TP_STAGE_NDC) {	/* the same without the viewport */
		q = *p;
		q.scale[0] = q.scale[1] = q.scale[2] = 1;
		q.offset[0] = q.offset[1] = q.offset[2] = 0;
		return tp_project_points(&q, in, dim, out, NULL, n, threads);
	}
	for (i = 0; i < n; i++) {
		obj[3] = 1;
		memcpy(obj, in + (size_t)dim * i, (size_t)dim * sizeof *obj);
		if (s == TP_STAGE_OBJECT) {
			memcpy(out + 4 * i, obj, sizeof obj);
			continue;
		}
		tp_mat4_apply(&p->v.modelview, obj, s == TP_STAGE_EYE ?
		    out + 4 * i : eye);
		if (s == TP_STAGE_CLIP)
			tp_mat4_apply(&p->v.projection, eye, out + 4 * i);
	}
	return 0;
}

void
tp_project_outside(const struct tp_project *p, const double *in, int dim,
    unsigned char *outside, size_t n)
{
	double obj[4], c[4];
	size_t i;

	for (i = 0; i < n; i++) {
		obj[3] = 1;
		memcpy(obj, in + (size_t)dim * i, (size_t)dim * sizeof *obj);
		tp_mat4_apply(&p->pm, obj, c);
		outside[i] = !in_volume(c);
	}
}

tp_why
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
