/*
 * raster.h - filled triangles as OpenGL draws them (the engine behind
 * tproject --mesh --render).
 *
 * Each face goes through the pipeline of project.h to clip space
 * (P * MV in float64), is clipped there against the near and far
 * planes and a guard band 4096 pixels around the picture (so what is
 * drawn is what clipping against all six planes draws, and window
 * coordinates stay small), divided, mapped by the viewport and depth
 * range, culled by its winding in GL's window coordinates, and filled:
 * window x, y snapped to 1/256 pixel (as Mesa's llvmpipe does), pixel
 * centres sampled with exact integer edge functions and the top-left
 * rule in picture coordinates (row 0 at the top, which is GL's
 * bottom-left rule in its y-up window coordinates), so that triangles
 * sharing an edge never draw a pixel twice nor miss one.  Depth is
 * interpolated linearly in window space and tested with GL_LESS
 * against a buffer cleared to 1; attributes perspective-correctly.
 */
#ifndef TP_RASTER_H
#define TP_RASTER_H

#include <stddef.h>
#include <stdint.h>

#include "project.h"

/* A triangle mesh: nv vertices, nf faces of three vertex indices
 * (each < nv: the caller checks).  colour (0..1), normal and uv are
 * per vertex, or NULL. */
struct tp_mesh {
	size_t nv, nf;
	const double *pos;		/* nv x 3, object coordinates */
	const long long *faces;		/* nf x 3 */
	const double *colour;		/* nv x 3 */
	const double *normal;		/* nv x 3 */
	const double *uv;		/* nv x 2 */
};

enum tp_cull { TP_CULL_NONE, TP_CULL_BACK, TP_CULL_FRONT };
enum tp_shade {
	TP_SHADE_FLAT,		/* the flat colour */
	TP_SHADE_VERTEX,	/* the vertex colours, interpolated */
	TP_SHADE_LAMBERT	/* colour (vertex or flat) * max(0, n.z) */
};

struct tp_raster_opts {
	enum tp_cull cull;
	int cw;			/* front faces wind clockwise */
	enum tp_shade shade;
	double colour[3];	/* the flat colour, 0..1 */
};

/* The buffers, each NULL if not wanted but depth (the depth test needs
 * it), width * height pixels, row 0
 * at the top: colour (3 bytes a pixel, 0 where empty), depth (1 where
 * empty), id (the face index; -1 where empty), bary (the perspective-
 * correct barycentrics of the face's three vertices; 0 where empty),
 * normal (the normalised eye-space normal lambert uses; 0 where empty),
 * uv (interpolated; 0 where empty). */
struct tp_raster_out {
	size_t width, height;
	unsigned char *colour;
	float *depth;
	int32_t *id;
	float *bary;
	float *normal;
	float *uv;
};

/* The option words (tp_choice): back, front, none (enum tp_cull); ccw,
 * cw (the cw flag); flat, vertex, lambert (enum tp_shade). */
extern const struct tp_choice tp_raster_culls[], tp_raster_fronts[],
    tp_raster_shades[];

/*
 * Draw mesh m with pipeline p (which must have a viewport; y_down is
 * ignored: row 0 is the top) into out, clearing it first.  Faces are
 * drawn in order; threads split the picture into bands of rows.
 * Returns the number of faces not culled nor clipped away entirely.
 */
size_t tp_raster(const struct tp_project *p, const struct tp_mesh *m,
    const struct tp_raster_opts *o, struct tp_raster_out *out,
    int threads);

#endif
