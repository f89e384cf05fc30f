/*
 * project.h - the OpenGL vertex pipeline (the engine behind tproject).
 *
 *   eye    = MV * (x, y, z, w)        modelview (w = 1 for 3-D points)
 *   clip   = P * eye                  projection
 *   ndc    = clip.xyz / clip.w        perspective division
 *   window = viewport and depth range applied to ndc (glViewport,
 *            glDepthRange), or ndc itself when there is no viewport
 *
 * Matrices are 4x4 doubles in row-major math order: m[4*r + c] is row r,
 * column c, so v' = M v.  (OpenGL arrays are the transpose of this.)
 * The builders give the matrices gluPerspective, glFrustum, glOrtho,
 * gluLookAt, glTranslate, glRotate and glScale multiply onto a stack;
 * composing them as OpenGL does is M = M * B, in the order of the calls.
 */
#ifndef TP_PROJECT_H
#define TP_PROJECT_H

#include <stddef.h>
#include <stdio.h>

#include "tpipe.h"

struct tp_mat4 {
	double m[16];		/* m[4 * row + column] */
};

/* The identity. */
struct tp_mat4 tp_mat4_identity(void);
/* a * b. */
struct tp_mat4 tp_mat4_mul(const struct tp_mat4 *a, const struct tp_mat4 *b);
/* The transpose (an OpenGL column-major array read as rows, and back). */
struct tp_mat4 tp_mat4_transpose(const struct tp_mat4 *a);
/* out = a * v for a 4-vector v (out may not be v). */
void tp_mat4_apply(const struct tp_mat4 *a, const double v[4], double out[4]);
/*
 * The inverse of a, by Gauss-Jordan elimination with partial pivoting
 * (rows compared as if scaled to a largest entry of 1).  Returns NULL,
 * or "singular" (a pivot below 1e-14 times the largest entry of its row
 * in a) or "not finite"; *inv is then unchanged.
 */
tp_why tp_mat4_invert(const struct tp_mat4 *a, struct tp_mat4 *inv);

/*
 * The builders.  Each sets *m and returns NULL, or a message naming the
 * parameter that is out of range (m is then unchanged).  Angles are in
 * degrees, as the GL calls take them; every parameter must be finite.
 *   perspective  gluPerspective: 0 < fovy < 180, aspect > 0, near > 0,
 *                far > 0, near != far
 *   frustum      glFrustum: left != right, bottom != top, near > 0,
 *                far > 0, near != far
 *   ortho        glOrtho: left != right, bottom != top, near != far
 *   lookat       gluLookAt (eye, center, up: 9 numbers): eye != center,
 *                up not zero nor parallel to the view direction
 *   rotate       glRotate (angle, axis): the axis is not zero; it is
 *                normalised
 */
tp_why tp_mat4_perspective(struct tp_mat4 *m, double fovy,
    double aspect, double near, double far);
tp_why tp_mat4_frustum(struct tp_mat4 *m, const double lrbtnf[6]);
tp_why tp_mat4_ortho(struct tp_mat4 *m, const double lrbtnf[6]);
tp_why tp_mat4_lookat(struct tp_mat4 *m, const double eye_center_up[9]);
tp_why tp_mat4_translate(struct tp_mat4 *m, double x, double y,
    double z);
tp_why tp_mat4_rotate(struct tp_mat4 *m, double angle, double x,
    double y, double z);
tp_why tp_mat4_scale(struct tp_mat4 *m, double x, double y, double z);

/* What a pipeline is made of. */
struct tp_view {
	struct tp_mat4 modelview, projection;
	int viewport;		/* 0: the output is ndc */
	double vp[4];		/* x, y, width, height (width, height > 0) */
	double depth[2];	/* glDepthRange near, far (default 0, 1) */
	int y_down;		/* window y counted down from the top */
	int keep_behind;	/* clip w < 0: divide anyway, as GLU does */
};

/* The GL calls that multiply a matrix onto a stack, as tproject's
 * matrix options name them; the numbers each takes are in brackets. */
enum tp_mat_call {
	TP_CALL_MODELVIEW,	/* glMultMatrix on MV [16, math order] */
	TP_CALL_PROJECTION,	/* glMultMatrix on P [16, math order] */
	TP_CALL_PERSPECTIVE,	/* gluPerspective on P [4] */
	TP_CALL_FRUSTUM,	/* glFrustum on P [6] */
	TP_CALL_ORTHO,		/* glOrtho on P [6] */
	TP_CALL_LOOKAT,		/* gluLookAt on MV [9] */
	TP_CALL_TRANSLATE,	/* glTranslate on MV [3] */
	TP_CALL_ROTATE,		/* glRotate on MV [4] */
	TP_CALL_SCALE,		/* glScale on MV [3] */
	TP_NCALLS
};

/* How many numbers call takes. */
int tp_mat_call_count(enum tp_mat_call call);
/*
 * Multiply the matrix of call, made from the numbers a
 * (tp_mat_call_count of them), onto the right of view's modelview or
 * projection matrix, as the GL call does: calls made in order compose
 * as OpenGL composes them.  Returns NULL, or a message: a builder's
 * parameter out of range (see the builders), "every value must be
 * finite", or "the modelview (projection) matrix it makes is not
 * finite" when the product overflows; the view is then unchanged.
 */
tp_why tp_view_multiply(struct tp_view *view, enum tp_mat_call call,
    const double *a);

/* A pipeline ready to run: the view, P * MV and the window map. */
struct tp_project {
	struct tp_view v;
	struct tp_mat4 pm;	/* projection * modelview */
	struct tp_mat4 inv;	/* its inverse, after tp_project_unprojector */
	double scale[3], offset[3];	/* window = ndc * scale + offset */
};

/* The defaults: identity matrices, no viewport, depth range 0, 1. */
void tp_view_init(struct tp_view *v);
/* Make p ready to project with view v (copied): P * MV and the map
 * from ndc to window coordinates. */
void tp_project_init(struct tp_project *p, const struct tp_view *v);

/*
 * Project n points: in holds n * dim values (dim 3: x, y, z with w = 1;
 * dim 4: x, y, z, w), out receives n * 3 window (or ndc) coordinates.
 * out may equal in when dim is 3.  A point whose clip w <= 0 (behind the
 * eye) becomes NaN, NaN, NaN, unless keep_behind (then only w == 0 does).
 * outside, if not NULL, receives n bytes: 1 where the point lies outside
 * the view volume -w <= x, y, z <= w (or w <= 0), else 0.  Runs on up to
 * threads threads.  Returns how many points became NaN because of w.
 * The _f32 twin computes in float.
 */
size_t tp_project_points(const struct tp_project *p, const double *in,
    int dim, double *out, unsigned char *outside, size_t n, int threads);
size_t tp_project_points_f32(const struct tp_project *p, const float *in,
    int dim, float *out, unsigned char *outside, size_t n, int threads);

/* The stages of the pipeline, in order (tproject --stage). */
enum tp_stage {
	TP_STAGE_OBJECT, TP_STAGE_EYE, TP_STAGE_CLIP, TP_STAGE_NDC,
	TP_STAGE_WINDOW
};
/* The words of the stages (tp_choice): object, eye, clip, ndc, window. */
extern const struct tp_choice tp_stages[];
/* The values per point of stage s: 4 (object, eye, clip), else 3. */
int tp_stage_width(enum tp_stage s);
/*
 * Stage s of n points (as tp_project_points takes them) into out,
 * tp_stage_width(s) values a point: object (x, y, z, w), eye = MV *
 * object, clip = P * eye (MV then P, as tp_project_trace), ndc (as
 * tp_project_points without the viewport), window (tp_project_points).
 * out may not be in.  Returns how many points became NaN (ndc and
 * window only).
 */
size_t tp_project_stage(const struct tp_project *p, enum tp_stage s,
    const double *in, int dim, double *out, size_t n, int threads);
/* The bytes tp_project_points writes to outside, alone. */
void tp_project_outside(const struct tp_project *p, const double *in,
    int dim, unsigned char *outside, size_t n);

/*
 * Invert P * MV for tp_unproject_points.  Returns NULL, or a message
 * naming the singular matrix: the modelview, the projection, or (when
 * each alone is invertible) their product; and "a depth range of zero
 * width" when depth near == far.
 */
tp_why tp_project_unprojector(struct tp_project *p);
/*
 * gluUnProject: n window (or ndc) points, 3 values each, to object
 * coordinates; out may equal in.  A point whose object w is 0 becomes
 * NaN; returns how many.  Needs tp_project_unprojector first.
 */
size_t tp_unproject_points(const struct tp_project *p, const double *in,
    double *out, size_t n, int threads);
size_t tp_unproject_points_f32(const struct tp_project *p, const float *in,
    float *out, size_t n, int threads);

/* One point followed through each stage (for --print-matrix). */
struct tp_project_trace {
	double object[4], eye[4], clip[4], ndc[3], window[3];
	int behind;		/* clip w <= 0 */
	int outside;		/* outside the view volume */
};
/* Follow the object point obj (w included) through p's stages into t,
 * computing MV and P one after the other; ndc and window are NaN where
 * tp_project_points would write NaN. */
void tp_project_trace(const struct tp_project *p, const double obj[4],
    struct tp_project_trace *t);

/* Print to f, as text: MV, P and P * MV, four rows each, and the
 * viewport and depth range (or that the output is ndc). */
void tp_project_print_matrices(FILE *f, const struct tp_project *p);
/* Print to f, one line a stage, the object point obj (4 values, w
 * included) through each stage as tp_project_trace follows it; says
 * so where the point is behind the eye or outside the view volume. */
void tp_project_print_trace(FILE *f, const struct tp_project *p,
    const double obj[4]);

/*
 * The index pairs of the tensor t: (E, 2), or one pair (2,), of real
 * values that are integers >= 0.  Sets *edges to a new array of the
 * 2 * *nedges indices (the caller frees it) and returns NULL; or
 * returns a message (in m) naming the shape or the first bad index.
 */
tp_why tp_project_edges(const struct tp_tensor *t, long long **edges,
    size_t *nedges, struct tp_msg *m);
/*
 * The picture of the points of pts (any real dtype, a last axis of 3
 * or 4): a new width x height u8 tensor (shape (height, width)) drawn by
 * tp_project_render into *img.  Returns NULL; or, without making *img,
 * a message (in m) naming the first edge whose index is not below the
 * number of points.
 */
tp_why tp_project_picture(const struct tp_project *p,
    const struct tp_tensor *pts, const long long *edges, size_t nedges,
    size_t width, size_t height, struct tp_tensor *img, struct tp_msg *m);

/*
 * Draw n points (dim 3 or 4 values each, object coordinates) into the
 * width x height u8 image img (row 0 at the top; window y = 0 is the
 * bottom row unless y_down), depth-tested on ndc z: each point inside
 * the view volume is one pixel; each of the nedges index pairs in edges
 * is a line clipped to the view volume.  Brightness falls from 255 at
 * the nearest drawn depth to 96 at the farthest.  img is cleared first.
 * The indices must be < n (the caller checks).
 */
void tp_project_render(const struct tp_project *p, const double *pts,
    int dim, size_t n, const long long *edges, size_t nedges,
    unsigned char *img, size_t width, size_t height);

#endif
