/*
 * raster_impl.h - what lib/raster.c (filling) and lib/raster_clip.c
 * (clipping) share.  Not for other files.
 */
#ifndef TP_RASTER_IMPL_H
#define TP_RASTER_IMPL_H

#include "project.h"

/* A polygon corner in clip space, with its barycentrics in its face. */
struct rvert {
	double c[4];
	double b[3];
};

/* The planes a face is clipped against (a . clip >= 0 inside): near,
 * far, and the guard band's four sides. */
#define RASTER_NPLANES 6
/* The most corners a clipped triangle has. */
#define RASTER_MAXV (3 + RASTER_NPLANES)
/* How far the guard band reaches beyond the picture, in pixels. */
#define RASTER_GUARD 4096

/* The planes for pipeline p and a width x height picture. */
void raster_planes(const struct tp_project *p, size_t width, size_t height,
    double planes[RASTER_NPLANES][4]);
/* Clip the triangle poly[0..2] (room for RASTER_MAXV corners) against
 * the planes; the number of corners left (0 if none). */
int raster_clip(struct rvert *poly, const double planes[RASTER_NPLANES][4]);

#endif
