/*
 * api_project.c - the public library's projection (include/tpipe/
 * tpipe.h): the vertex pipeline (project.h) on a tensor of points as
 * tproject(1) projects a record, under a catch.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_impl.h"
#include "project.h"

struct tpipe_projection {
	struct api_handle h;
	struct tp_view view;
};

_Static_assert(TPIPE_GL_SCALE == (int)TP_CALL_SCALE &&
    TPIPE_GL_MODELVIEW == (int)TP_CALL_MODELVIEW, "the calls are "
    "project.h's");

/* tproject's option of each call, for messages. */
static const char *const call_name[TP_NCALLS] = {
	"--modelview", "--projection", "--perspective", "--frustum",
	"--ortho", "--lookat", "--translate", "--rotate", "--scale"
};

/* The n numbers v as the option's value "1,2.5,3" would give them. */
static char *
shown(const double *v, int n, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%g", i ? "," : "",
		    v[i]);
	return buf;
}

static void
new_work(void *h, void *args)
{
	(void)args;
	tp_view_init(&((tpipe_projection *)h)->view);
}

TPIPE_API tpipe_projection *
tpipe_projection_new(tpipe_error *err)
{
	return api_create(sizeof(tpipe_projection), new_work, NULL, err);
}

struct call { enum tpipe_gl_call call; const double *v; };

static void
do_multiply(void *h, void *a)
{
	tpipe_projection *p = h;
	const struct call *c = a;
	const char *why;
	char q[512];

	if ((unsigned)c->call >= TP_NCALLS)
		tp_usage_die("no such GL call: %d", (int)c->call);
	why = tp_view_multiply(&p->view, (enum tp_mat_call)c->call, c->v);
	if (why)
		tp_usage_die("%s '%s': %s", call_name[c->call], shown(c->v,
		    tp_mat_call_count((enum tp_mat_call)c->call), q,
		    sizeof q), why);
}

TPIPE_API int
tpipe_projection_multiply(tpipe_projection *p, enum tpipe_gl_call call,
    const double *values, tpipe_error *err)
{
	struct call c = { call, values };

	return api_run(&p->h, do_multiply, &c, err);
}

static void
do_viewport(void *h, void *a)
{
	tpipe_projection *p = h;
	const double *v = a;
	char q[256];

	for (int i = 0; i < 4; i++)
		if (!isfinite(v[i]))
			tp_usage_die("--viewport: '%s' is not finite",
			    shown(v, 4, q, sizeof q));
	if (!(v[2] > 0 && v[3] > 0))
		tp_usage_die("--viewport: width and height must be positive: "
		    "'%s'", shown(v, 4, q, sizeof q));
	memcpy(p->view.vp, v, sizeof p->view.vp);
	p->view.viewport = 1;
}

TPIPE_API int
tpipe_projection_viewport(tpipe_projection *p, double x, double y,
    double width, double height, tpipe_error *err)
{
	double v[4] = { x, y, width, height };

	return api_run(&p->h, do_viewport, v, err);
}

static void
do_depth_range(void *h, void *a)
{
	tpipe_projection *p = h;
	const double *v = a;
	char q[256];

	for (int i = 0; i < 2; i++)
		if (!isfinite(v[i]))
			tp_usage_die("--depth-range: '%s' is not finite",
			    shown(v, 2, q, sizeof q));
	if (v[0] < 0 || v[0] > 1 || v[1] < 0 || v[1] > 1)
		tp_usage_die("--depth-range: near and far must be in [0, 1]: "
		    "'%s'", shown(v, 2, q, sizeof q));
	memcpy(p->view.depth, v, sizeof p->view.depth);
}

TPIPE_API int
tpipe_projection_depth_range(tpipe_projection *p, double near, double far,
    tpipe_error *err)
{
	double v[2] = { near, far };

	return api_run(&p->h, do_depth_range, v, err);
}

static void
do_flags(void *h, void *a)
{
	tpipe_projection *p = h;
	int f = *(const int *)a;

	if (f & ~(TPIPE_PROJECT_Y_DOWN | TPIPE_PROJECT_KEEP_BEHIND))
		tp_usage_die("no such projection flag: %#x", (unsigned)f);
	p->view.y_down = !!(f & TPIPE_PROJECT_Y_DOWN);
	p->view.keep_behind = !!(f & TPIPE_PROJECT_KEEP_BEHIND);
}

TPIPE_API int
tpipe_projection_flags(tpipe_projection *p, int flags, tpipe_error *err)
{
	return api_run(&p->h, do_flags, &flags, err);
}

/* Project x as tproject projects a record (cmd/tproject.c, window
 * stage), into a new tensor; *bad gets the points written as NaN. */
static struct tp_tensor
project_record(const tpipe_projection *p, const struct tp_tensor *x,
    int dtype, size_t *bad)
{
	struct tp_project pr;
	struct tp_tensor w, y;
	enum tp_dtype ct, outdt;
	int dim = x->ndim ? (int)x->shape[x->ndim - 1] : 0;
	char sh[256];
	struct tp_msg m;
	const char *why;

	if (dtype != -1 && dtype != TP_F4 && dtype != TP_F8)
		tp_usage_die("-t must be f32 or f64");
	if (p->view.y_down && !p->view.viewport)
		tp_usage_die("--y-down needs --viewport (without one the "
		    "output is normalized device coordinates)");
	if ((unsigned)x->dtype >= TP_NDTYPES || tp_dtype_is_complex(x->dtype))
		tp_die("record is %s: points must be real",
		    (unsigned)x->dtype < TP_NDTYPES ?
		    tp_dtype_name(x->dtype) : "no dtype");
	if (dim != 3 && dim != 4)
		tp_die("record has shape %s: points must be (..., 3) or "
		    "(..., 4)", tp_shape_str(x, sh, sizeof sh));
	ct = dtype == TP_F4 ? TP_F4 : TP_F8;
	outdt = tp_compute_dtype(x->dtype, dtype);
	memset(&y, 0, sizeof y);
	y.dtype = outdt;
	y.shape[x->ndim - 1] = 3;
	memcpy(y.shape, x->shape, (size_t)(x->ndim - 1) * sizeof *y.shape);
	if ((why = tp_set_shape(&y, x->ndim, y.shape, &m)) != NULL)
		tp_die("record: %s", why);
	tp_project_init(&pr, &p->view);
	w = tp_converted(x, ct);
	y.data = tp_big_alloc(y.nbytes ? y.nbytes : 1);
	if (outdt == ct && ct == TP_F4)
		*bad = tp_project_points_f32(&pr, w.data, dim, y.data, NULL,
		    x->count / (size_t)dim, 1);
	else if (outdt == ct)
		*bad = tp_project_points(&pr, w.data, dim, y.data, NULL,
		    x->count / (size_t)dim, 1);
	else {
		struct tp_tensor r = tp_new(ct, y.ndim, y.shape);

		*bad = ct == TP_F4 ? tp_project_points_f32(&pr, w.data, dim,
		    r.data, NULL, x->count / (size_t)dim, 1) :
		    tp_project_points(&pr, w.data, dim, r.data, NULL,
		    x->count / (size_t)dim, 1);
		tp_convert(y.data, outdt, r.data, ct, y.count);
		tp_free(&r);
	}
	tp_free(&w);
	return y;
}

struct record_args {
	const tpipe_tensor *in;
	int dtype;
	tpipe_tensor *out;
	size_t bad;
};

static void
record_work(void *h, void *args)
{
	struct record_args *a = args;
	struct tp_tensor y = project_record(h, (const struct tp_tensor *)a->in,
	    a->dtype, &a->bad);

	api_output(a->out, &y);
}

TPIPE_API int
tpipe_project_record(tpipe_projection *p, const tpipe_tensor *in, int dtype,
    tpipe_tensor *out, size_t *behind, tpipe_error *err)
{
	struct record_args a = { in, dtype, out, 0 };

	if (api_run(&p->h, record_work, &a, err) < 0)
		return -1;
	if (behind)
		*behind = a.bad;
	return 0;
}

TPIPE_API void
tpipe_projection_free(tpipe_projection *p)
{
	api_destroy(p ? &p->h : NULL, NULL, NULL, NULL);
}
