/*
 * project_render.c - tproject's --render (project.h): points and the
 * lines between them, clipped to the view volume and to the image,
 * drawn depth-tested into a grey picture; and the --edges index pairs
 * it draws, checked.  The pipeline it draws through is project.c's.
 */
#include <math.h>
#include <stdlib.h>

#include "tpipe.h"
#include "project.h"
#include "project_impl.h"

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

tp_why
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

tp_why
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
