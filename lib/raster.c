/*
 * raster.c - filled triangles as OpenGL draws them (raster.h): each
 * face to clip space, clipped (raster_clip.c), snapped, culled and
 * filled with integer edge functions and the top-left rule; depth
 * linear in window space, attributes perspective-correct.  Threads
 * share the picture by bands of rows; each walks every face, so the
 * faces land in their order in every band.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "engine.h"
#include "raster.h"
#include "raster_impl.h"

const struct tp_choice tp_raster_culls[] = {
	{ "back", TP_CULL_BACK }, { "front", TP_CULL_FRONT },
	{ "none", TP_CULL_NONE }, { NULL, 0 }
};
const struct tp_choice tp_raster_fronts[] = {
	{ "ccw", 0 }, { "cw", 1 }, { NULL, 0 }
};
const struct tp_choice tp_raster_shades[] = {
	{ "flat", TP_SHADE_FLAT }, { "vertex", TP_SHADE_VERTEX },
	{ "lambert", TP_SHADE_LAMBERT }, { NULL, 0 }
};

/* Fixed point: window x, y in 1/256 pixel, as llvmpipe snaps them. */
#define SUB 256

/* One drawing: what every band shares. */
struct draw {
	const struct tp_project *p;
	const struct tp_mesh *m;
	const struct tp_raster_opts *o;
	struct tp_raster_out *out;
	double nmat[9];		/* the normal matrix (MV's cofactors) */
	double planes[RASTER_NPLANES][4];
	size_t bands;
	size_t drawn[TP_MAXTHREADS];
};

/* A triangle ready to fill: picture coordinates, fixed and real,
 * window z, 1/w, and each corner's barycentrics in its face. */
struct tri {
	long long X[3], Y[3];
	double x[3], y[3], z[3], iw[3], b[3][3];
};

/* What one face contributes at a pixel: its shade inputs. */
struct face {
	size_t index;
	const long long *v;	/* its three vertex indices */
	double fn[3];		/* the eye-space face normal */
	double vn[3][3];	/* the eye-space vertex normals */
};

/* Write pixel k of the buffers for face f at face barycentrics b. */
static void
shade(const struct draw *d, const struct face *f, const double b[3],
    float z, size_t k)
{
	const struct tp_mesh *m = d->m;
	const struct tp_raster_opts *o = d->o;
	struct tp_raster_out *out = d->out;
	double n[3] = { 0, 0, 0 }, c[3], len, s = 1;
	int i, j;

	if (out->depth)
		out->depth[k] = z;
	if (out->id)
		out->id[k] = (int32_t)f->index;
	if (out->bary)
		for (i = 0; i < 3; i++)
			out->bary[3 * k + i] = (float)b[i];
	if (out->uv)
		for (j = 0; j < 2; j++) {
			double u = 0;

			for (i = 0; m->uv && i < 3; i++)
				u += b[i] * m->uv[2 * f->v[i] + j];
			out->uv[2 * k + j] = (float)u;
		}
	if (o->shade == TP_SHADE_LAMBERT || out->normal) {
		for (j = 0; j < 3; j++)
			for (i = 0; i < 3; i++)
				n[j] += m->normal ? b[i] * f->vn[i][j] :
				    b[i] * f->fn[j];
		len = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
		for (j = 0; j < 3; j++)
			n[j] = len > 0 ? n[j] / len : 0;
		if (out->normal)
			for (j = 0; j < 3; j++)
				out->normal[3 * k + j] = (float)n[j];
		if (o->shade == TP_SHADE_LAMBERT)
			s = n[2] > 0 ? n[2] : 0;
	}
	if (out->colour == NULL)
		return;
	for (j = 0; j < 3; j++) {
		c[j] = 0;
		if (o->shade == TP_SHADE_FLAT || m->colour == NULL)
			c[j] = o->colour[j];
		else
			for (i = 0; i < 3; i++)
				c[j] += b[i] * m->colour[3 * f->v[i] + j];
		c[j] = floor(c[j] * s * 255 + 0.5);
		out->colour[3 * k + j] = (unsigned char)(c[j] < 0 ? 0 :
		    c[j] > 255 ? 255 : c[j]);
	}
}

/* Edge a -> b of a triangle whose inside is where the edge functions
 * are positive (picture coordinates, y down): a pixel centre exactly
 * on it is inside if it is a left edge (the inside to its right) or a
 * bottom edge (horizontal, the inside above it).  That is the top-left
 * rule in GL's window coordinates taken as numbers (y up: the inside at
 * larger y), as llvmpipe applies it to a framebuffer object, whose
 * memory row 0 is GL's y = 0. */
static long long
edge_min(long long dx, long long dy)
{
	return dy < 0 || (dy == 0 && dx < 0) ? 0 : 1;
}

/* floor(a / SUB) */
static long long
floordiv(long long a)
{
	return a >= 0 ? a / SUB : -((-a + SUB - 1) / SUB);
}

/* Fill t (positive area) for face f in rows [r0, r1). */
static void
fill(const struct draw *d, const struct face *f, const struct tri *t,
    size_t r0, size_t r1)
{
	struct tp_raster_out *out = d->out;
	long long minX, maxX, minY, maxY, dx[3], dy[3], lo[3], e0[3], e[3];
	long long c0, c1, rr0, rr1, r, c;
	double area, l[3], pw, b[3], z, zlo, zhi;
	int i, j, a, bb;

	minX = maxX = t->X[0];
	minY = maxY = t->Y[0];
	for (i = 1; i < 3; i++) {
		minX = t->X[i] < minX ? t->X[i] : minX;
		maxX = t->X[i] > maxX ? t->X[i] : maxX;
		minY = t->Y[i] < minY ? t->Y[i] : minY;
		maxY = t->Y[i] > maxY ? t->Y[i] : maxY;
	}
	/* the pixel centres (k + 1/2) * SUB within the box */
	c0 = -floordiv(SUB / 2 - minX);
	c1 = floordiv(maxX - SUB / 2);
	rr0 = -floordiv(SUB / 2 - minY);
	rr1 = floordiv(maxY - SUB / 2);
	c0 = c0 < 0 ? 0 : c0;
	c1 = c1 > (long long)out->width - 1 ? (long long)out->width - 1 : c1;
	rr0 = rr0 < (long long)r0 ? (long long)r0 : rr0;
	rr1 = rr1 > (long long)r1 - 1 ? (long long)r1 - 1 : rr1;
	if (c0 > c1 || rr0 > rr1)
		return;
	/* edge i runs from corner i+1 to i+2: it is 0 at both and is
	 * twice the area at corner i */
	for (i = 0; i < 3; i++) {
		a = (i + 1) % 3;
		bb = (i + 2) % 3;
		dx[i] = t->X[bb] - t->X[a];
		dy[i] = t->Y[bb] - t->Y[a];
		lo[i] = edge_min(dx[i], dy[i]);
		e0[i] = dx[i] * (rr0 * SUB + SUB / 2 - t->Y[a]) -
		    dy[i] * (c0 * SUB + SUB / 2 - t->X[a]);
	}
	/* attributes from the real (unsnapped) corners */
	area = (t->x[1] - t->x[0]) * (t->y[2] - t->y[0]) -
	    (t->y[1] - t->y[0]) * (t->x[2] - t->x[0]);
	zlo = fmin(d->p->v.depth[0], d->p->v.depth[1]);
	zhi = fmax(d->p->v.depth[0], d->p->v.depth[1]);
	for (r = rr0; r <= rr1; r++) {
		double py = (double)r + 0.5;

		for (i = 0; i < 3; i++)
			e[i] = e0[i];
		for (c = c0; c <= c1; c++) {
			double px = (double)c + 0.5;
			size_t k;
			float zf;

			if (e[0] >= lo[0] && e[1] >= lo[1] && e[2] >= lo[2]) {
				k = (size_t)r * out->width + (size_t)c;
				for (i = 0; i < 3; i++) {
					a = (i + 1) % 3;
					bb = (i + 2) % 3;
					l[i] = ((t->x[bb] - t->x[a]) *
					    (py - t->y[a]) - (t->y[bb] -
					    t->y[a]) * (px - t->x[a])) / area;
				}
				z = l[0] * t->z[0] + l[1] * t->z[1] +
				    l[2] * t->z[2];
				z = z < zlo ? zlo : z > zhi ? zhi : z;
				zf = (float)z;
				if (zf < out->depth[k]) {
					pw = l[0] * t->iw[0] + l[1] * t->iw[1] +
					    l[2] * t->iw[2];
					for (j = 0; j < 3; j++)
						b[j] = (l[0] * t->iw[0] *
						    t->b[0][j] + l[1] *
						    t->iw[1] * t->b[1][j] +
						    l[2] * t->iw[2] *
						    t->b[2][j]) / pw;
					shade(d, f, b, zf, k);
				}
			}
			for (i = 0; i < 3; i++)
				e[i] -= dy[i] * SUB;
		}
		for (i = 0; i < 3; i++)
			e0[i] += dx[i] * SUB;
	}
}

/* Clip-space corner v to the picture: t's corner i. */
static void
corner(const struct draw *d, const struct rvert *v, struct tri *t, int i)
{
	const struct tp_project *p = d->p;
	const double *vp = p->v.vp;
	double iw = 1 / v->c[3];
	double xw = vp[0] + vp[2] * (v->c[0] * iw + 1) / 2;
	double yw = vp[1] + vp[3] * (v->c[1] * iw + 1) / 2;

	t->x[i] = xw;
	t->y[i] = (double)d->out->height - yw;
	t->z[i] = v->c[2] * iw * p->scale[2] + p->offset[2];
	t->iw[i] = iw;
	t->X[i] = llround(t->x[i] * SUB);
	t->Y[i] = llround(t->y[i] * SUB);
	memcpy(t->b[i], v->b, sizeof v->b);
}

/* Face fi: clip, then fill each triangle of the fan of what is left in
 * rows [r0, r1).  Returns 1 if anything was left to fill. */
static int
face(const struct draw *d, size_t fi, size_t r0, size_t r1)
{
	const struct tp_mesh *m = d->m;
	const struct tp_project *p = d->p;
	struct rvert poly[RASTER_MAXV];
	struct face f;
	struct tri t;
	double obj[4], eye[3][4], tmp;
	long long area, sw;
	int n, i, j, k, front, any = 0;

	f.index = fi;
	f.v = m->faces + 3 * fi;
	for (i = 0; i < 3; i++) {
		memcpy(obj, m->pos + 3 * f.v[i], 3 * sizeof *obj);
		obj[3] = 1;
		tp_mat4_apply(&p->pm, obj, poly[i].c);
		for (j = 0; j < 3; j++)
			poly[i].b[j] = i == j;
	}
	n = raster_clip(poly, d->planes);
	if (n < 3)
		return 0;
	if (d->o->shade == TP_SHADE_LAMBERT || d->out->normal) {
		for (i = 0; i < 3; i++) {
			memcpy(obj, m->pos + 3 * f.v[i], 3 * sizeof *obj);
			obj[3] = 1;
			tp_mat4_apply(&p->v.modelview, obj, eye[i]);
			for (j = 0; m->normal && j < 3; j++) {
				const double *vn = m->normal + 3 * f.v[i];

				f.vn[i][j] = d->nmat[3 * j] * vn[0] +
				    d->nmat[3 * j + 1] * vn[1] +
				    d->nmat[3 * j + 2] * vn[2];
			}
		}
		for (j = 0; j < 3; j++) {
			int a = (j + 1) % 3, b = (j + 2) % 3;

			f.fn[j] = ((eye[1][a] - eye[0][a]) * (eye[2][b] -
			    eye[0][b]) - (eye[1][b] - eye[0][b]) *
			    (eye[2][a] - eye[0][a])) * (d->o->cw ? -1 : 1);
		}
	}
	for (k = 1; k + 1 < n; k++) {
		corner(d, &poly[0], &t, 0);
		corner(d, &poly[k], &t, 1);
		corner(d, &poly[k + 1], &t, 2);
		area = (t.X[1] - t.X[0]) * (t.Y[2] - t.Y[0]) -
		    (t.Y[1] - t.Y[0]) * (t.X[2] - t.X[0]);
		if (area == 0)
			continue;
		/* GL's window y is up: its area is the negative of ours */
		front = d->o->cw ? area > 0 : area < 0;
		if ((d->o->cull == TP_CULL_BACK && !front) ||
		    (d->o->cull == TP_CULL_FRONT && front))
			continue;
		if (area < 0) {	/* make the inside positive */
			sw = t.X[1], t.X[1] = t.X[2], t.X[2] = sw;
			sw = t.Y[1], t.Y[1] = t.Y[2], t.Y[2] = sw;
#define SWAP(a, b) (tmp = (a), (a) = (b), (b) = tmp)
			SWAP(t.x[1], t.x[2]);
			SWAP(t.y[1], t.y[2]);
			SWAP(t.z[1], t.z[2]);
			SWAP(t.iw[1], t.iw[2]);
			for (j = 0; j < 3; j++)
				SWAP(t.b[1][j], t.b[2][j]);
#undef SWAP
		}
		fill(d, &f, &t, r0, r1);
		any = 1;
	}
	return any;
}

/* Band i of the picture: every face, into its rows. */
static void
band(void *arg, size_t i, int tid)
{
	struct draw *d = arg;
	size_t h = d->out->height, r0 = i * h / d->bands,
	    r1 = (i + 1) * h / d->bands, fi, drawn = 0;

	for (fi = 0; fi < d->m->nf; fi++)
		drawn += (size_t)face(d, fi, r0, r1);
	if (i == 0)
		d->drawn[tid] += drawn;
}

size_t
tp_raster(const struct tp_project *p, const struct tp_mesh *m,
    const struct tp_raster_opts *o, struct tp_raster_out *out,
    int threads)
{
	struct draw d;
	size_t npix = out->width * out->height, k, total = 0;
	const double *a = p->v.modelview.m;
	int t;

	memset(&d, 0, sizeof d);
	d.p = p;
	d.m = m;
	d.o = o;
	d.out = out;
	/* the normal matrix: MV's 3x3 cofactors (its inverse transpose
	 * times its determinant; the normals are normalised anyway) */
	d.nmat[0] = a[5] * a[10] - a[6] * a[9];
	d.nmat[1] = a[6] * a[8] - a[4] * a[10];
	d.nmat[2] = a[4] * a[9] - a[5] * a[8];
	d.nmat[3] = a[2] * a[9] - a[1] * a[10];
	d.nmat[4] = a[0] * a[10] - a[2] * a[8];
	d.nmat[5] = a[1] * a[8] - a[0] * a[9];
	d.nmat[6] = a[1] * a[6] - a[2] * a[5];
	d.nmat[7] = a[2] * a[4] - a[0] * a[6];
	d.nmat[8] = a[0] * a[5] - a[1] * a[4];
	raster_planes(p, out->width, out->height, d.planes);
	if (out->colour)
		memset(out->colour, 0, 3 * npix);
	for (k = 0; k < npix; k++)
		out->depth[k] = 1;
	if (out->id)
		for (k = 0; k < npix; k++)
			out->id[k] = -1;
	if (out->bary)
		memset(out->bary, 0, 3 * npix * sizeof *out->bary);
	if (out->normal)
		memset(out->normal, 0, 3 * npix * sizeof *out->normal);
	if (out->uv)
		memset(out->uv, 0, 2 * npix * sizeof *out->uv);
	if (threads < 1)
		threads = 1;
	d.bands = (size_t)threads < out->height ? (size_t)threads :
	    out->height;
	tp_parallel(threads, d.bands, band, &d);
	for (t = 0; t < TP_MAXTHREADS; t++)
		total += d.drawn[t];
	return total;
}
