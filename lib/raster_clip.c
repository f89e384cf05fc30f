/*
 * raster_clip.c - clipping in homogeneous clip space (raster_impl.h):
 * Sutherland-Hodgman against the near and far planes and a guard band
 * around the picture.  A new corner is interpolated in clip space, its
 * barycentrics with it, as OpenGL interpolates a clipped vertex's
 * attributes.  The x and y planes of the view volume are not clipped
 * exactly: the rasterizer's picture bounds do that, pixel for pixel;
 * the guard band keeps window coordinates small enough for exact
 * integer edge functions.
 */
#include <string.h>

#include "tpipe.h"
#include "raster_impl.h"

void
raster_planes(const struct tp_project *p, size_t width, size_t height,
    double planes[RASTER_NPLANES][4])
{
	const double *vp = p->v.vp;
	double sx = vp[2] / 2, ox = vp[0] + vp[2] / 2;
	double sy = vp[3] / 2, oy = vp[1] + vp[3] / 2, g = RASTER_GUARD;
	double pl[RASTER_NPLANES][4] = {
		{ 0, 0, 1, 1 },		/* near: z >= -w */
		{ 0, 0, -1, 1 },	/* far: z <= w */
		/* window x >= -g: sx x + (ox + g) w >= 0, and so on */
		{ sx, 0, 0, ox + g },
		{ -sx, 0, 0, (double)width + g - ox },
		{ 0, sy, 0, oy + g },
		{ 0, -sy, 0, (double)height + g - oy },
	};

	memcpy(planes, pl, sizeof pl);
}

static double
dist(const double a[4], const double c[4])
{
	return a[0] * c[0] + a[1] * c[1] + a[2] * c[2] + a[3] * c[3];
}

int
raster_clip(struct rvert *poly, const double planes[RASTER_NPLANES][4])
{
	struct rvert tmp[RASTER_MAXV];
	double dv[RASTER_MAXV];
	int n = 3, i, j, k, m, out;

	for (i = 0; i < RASTER_NPLANES; i++) {
		for (j = out = 0; j < n; j++) {
			dv[j] = dist(planes[i], poly[j].c);
			out += dv[j] < 0;
		}
		if (out == 0)
			continue;
		if (out == n)
			return 0;
		for (j = m = 0; j < n; j++) {
			int nx = (j + 1) % n;

			if (dv[j] >= 0)
				tmp[m++] = poly[j];
			if ((dv[j] < 0) != (dv[nx] < 0)) {
				double t = dv[j] / (dv[j] - dv[nx]);

				for (k = 0; k < 4; k++)
					tmp[m].c[k] = poly[j].c[k] + t *
					    (poly[nx].c[k] - poly[j].c[k]);
				for (k = 0; k < 3; k++)
					tmp[m].b[k] = poly[j].b[k] + t *
					    (poly[nx].b[k] - poly[j].b[k]);
				m++;
			}
		}
		memcpy(poly, tmp, (size_t)m * sizeof *tmp);
		n = m;
	}
	/* w > 0 everywhere now but for degenerate faces on the eye */
	for (j = 0; j < n; j++)
		if (!(poly[j].c[3] > 0))
			return 0;
	return n;
}
