/*
 * tproject - the OpenGL vertex pipeline as a filter: points in object
 * coordinates to window coordinates (or back with --unproject), or a
 * picture of them.  The work is in lib/project.c; this file reads the
 * options, the matrices and the records.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "project.h"

static const char usage[] =
    "tproject [--modelview matrix] [--projection matrix] [--column-major]\n"
    "                [--perspective fovy,aspect,near,far]\n"
    "                [--frustum left,right,bottom,top,near,far]\n"
    "                [--ortho left,right,bottom,top,near,far]\n"
    "                [--lookat ex,ey,ez,cx,cy,cz,ux,uy,uz] [--translate x,y,z]\n"
    "                [--rotate angle,x,y,z] [--scale x,y,z]\n"
    "                [--viewport x,y,width,height] [--depth-range near,far]\n"
    "                [--y-down] [--keep-behind] [--clip] [--unproject]\n"
    "                [--print-matrix] [--render WxH [--edges file]]\n"
    "                [-o file] [-O npy|txt|png] [-t f32|f64] [-j threads] [file]";

enum {
	OPT_MODELVIEW = TP_OPT_TOOL, OPT_PROJECTION, OPT_COLUMN_MAJOR,
	OPT_PERSPECTIVE, OPT_FRUSTUM, OPT_ORTHO, OPT_LOOKAT, OPT_TRANSLATE,
	OPT_ROTATE, OPT_SCALE, OPT_VIEWPORT, OPT_DEPTH_RANGE, OPT_Y_DOWN,
	OPT_KEEP_BEHIND, OPT_CLIP, OPT_UNPROJECT, OPT_PRINT_MATRIX,
	OPT_RENDER, OPT_EDGES
};

#define MAXOPS 64

/* One matrix option, in command-line order. */
struct op {
	int opt;		/* OPT_MODELVIEW ... OPT_SCALE */
	const char *name;	/* "--perspective", for messages */
	const char *arg;
	int n;			/* numbers in v (inline), or 0: a file */
	double v[16];
};

struct cmdline {
	struct tp_common com;
	const char *input;
	struct op ops[MAXOPS];
	int nops;
	int column_major;
	struct tp_view view;
	int depth_given, y_down_given;
	int clip, unproject, print_matrix;
	size_t render[2];	/* width, height; 0 if not rendering */
	const char *edges;
};

/* The option's name, for messages. */
static const char *
op_name(int opt)
{
	switch (opt) {
	case OPT_MODELVIEW: return "--modelview";
	case OPT_PROJECTION: return "--projection";
	case OPT_PERSPECTIVE: return "--perspective";
	case OPT_FRUSTUM: return "--frustum";
	case OPT_ORTHO: return "--ortho";
	case OPT_LOOKAT: return "--lookat";
	case OPT_TRANSLATE: return "--translate";
	case OPT_ROTATE: return "--rotate";
	default: return "--scale";
	}
}

/* Numbers each builder takes. */
static int
op_count(int opt)
{
	switch (opt) {
	case OPT_PERSPECTIVE: return 4;
	case OPT_FRUSTUM: case OPT_ORTHO: return 6;
	case OPT_LOOKAT: return 9;
	case OPT_ROTATE: return 4;
	case OPT_TRANSLATE: case OPT_SCALE: return 3;
	default: return 16;	/* an inline matrix */
	}
}

/* Record matrix option opt; inline numbers are parsed now (exit 2 if
 * they are not numbers or too few), files are read later. */
static void
add_op(struct cmdline *cl, int opt, const char *name, const char *arg)
{
	struct op *o;
	int want = op_count(opt);

	if (cl->nops == MAXOPS)
		tp_usage_die("more than %d matrix options", MAXOPS);
	o = &cl->ops[cl->nops++];
	o->opt = opt;
	o->name = name;
	o->arg = arg;
	if ((opt == OPT_MODELVIEW || opt == OPT_PROJECTION) &&
	    strchr(arg, ',') == NULL)
		return;		/* a file */
	o->n = tp_parse_doubles(arg, o->v, 16, name);
	if (opt == OPT_SCALE && o->n == 1) {	/* uniform */
		o->v[1] = o->v[2] = o->v[0];
		o->n = 3;
	}
	if (o->n != want)
		tp_usage_die("%s takes %d numbers, not %d: '%s'", name, want,
		    o->n, arg);
}

/* The numbers of --viewport, --depth-range: exactly n, each finite. */
static void
parse_fixed(const char *arg, double *v, int n, const char *name)
{
	int i, got = tp_parse_doubles(arg, v, n, name);

	if (got != n)
		tp_usage_die("%s takes %d numbers, not %d: '%s'", name, n, got,
		    arg);
	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
			tp_usage_die("%s: '%s' is not finite", name, arg);
}

static void
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
		{ "modelview", required_argument, NULL, OPT_MODELVIEW },
		{ "projection", required_argument, NULL, OPT_PROJECTION },
		{ "column-major", no_argument, NULL, OPT_COLUMN_MAJOR },
		{ "perspective", required_argument, NULL, OPT_PERSPECTIVE },
		{ "frustum", required_argument, NULL, OPT_FRUSTUM },
		{ "ortho", required_argument, NULL, OPT_ORTHO },
		{ "lookat", required_argument, NULL, OPT_LOOKAT },
		{ "translate", required_argument, NULL, OPT_TRANSLATE },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ "scale", required_argument, NULL, OPT_SCALE },
		{ "viewport", required_argument, NULL, OPT_VIEWPORT },
		{ "depth-range", required_argument, NULL, OPT_DEPTH_RANGE },
		{ "y-down", no_argument, NULL, OPT_Y_DOWN },
		{ "keep-behind", no_argument, NULL, OPT_KEEP_BEHIND },
		{ "clip", no_argument, NULL, OPT_CLIP },
		{ "unproject", no_argument, NULL, OPT_UNPROJECT },
		{ "print-matrix", no_argument, NULL, OPT_PRINT_MATRIX },
		{ "render", required_argument, NULL, OPT_RENDER },
		{ "edges", required_argument, NULL, OPT_EDGES },
		{ NULL, 0, NULL, 0 }
	};
	int ch, nd;
	struct tp_msg m;

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	tp_view_init(&cl->view);
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS,
	    longopts)) != -1) {
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		switch (ch) {
		case OPT_MODELVIEW: case OPT_PROJECTION: case OPT_PERSPECTIVE:
		case OPT_FRUSTUM: case OPT_ORTHO: case OPT_LOOKAT:
		case OPT_TRANSLATE: case OPT_ROTATE: case OPT_SCALE:
			add_op(cl, ch, op_name(ch), optarg);
			break;
		case OPT_COLUMN_MAJOR:
			cl->column_major = 1;
			break;
		case OPT_VIEWPORT:
			parse_fixed(optarg, cl->view.vp, 4, "--viewport");
			if (!(cl->view.vp[2] > 0 && cl->view.vp[3] > 0))
				tp_usage_die("--viewport: width and height "
				    "must be positive: '%s'", optarg);
			cl->view.viewport = 1;
			break;
		case OPT_DEPTH_RANGE:
			parse_fixed(optarg, cl->view.depth, 2, "--depth-range");
			if (cl->view.depth[0] < 0 || cl->view.depth[0] > 1 ||
			    cl->view.depth[1] < 0 || cl->view.depth[1] > 1)
				tp_usage_die("--depth-range: near and far must "
				    "be in [0, 1]: '%s'", optarg);
			cl->depth_given = 1;
			break;
		case OPT_Y_DOWN:
			cl->view.y_down = cl->y_down_given = 1;
			break;
		case OPT_KEEP_BEHIND:
			cl->view.keep_behind = 1;
			break;
		case OPT_CLIP:
			cl->clip = 1;
			break;
		case OPT_UNPROJECT:
			cl->unproject = 1;
			break;
		case OPT_PRINT_MATRIX:
			cl->print_matrix = 1;
			break;
		case OPT_RENDER:
			if (tp_parse_shape(optarg, cl->render, &nd, 0, &m) ||
			    nd != 2 || cl->render[0] < 1 ||
			    cl->render[0] > 16384 || cl->render[1] < 1 ||
			    cl->render[1] > 16384)
				tp_usage_die("--render takes WxH, each 1 to "
				    "16384: '%s'", optarg);
			break;
		case OPT_EDGES:
			cl->edges = optarg;
			break;
		default:
			tp_usage();
		}
	}
	if (argc - optind > 1)
		tp_usage_die("more than one input file ('%s', '%s')",
		    argv[optind], argv[optind + 1]);
	cl->input = optind < argc ? argv[optind] : NULL;
	if (cl->edges && !cl->render[0])
		tp_usage_die("--edges needs --render");
	if (cl->render[0] && (cl->unproject || cl->clip || cl->print_matrix))
		tp_usage_die("--render draws projected points: it cannot be "
		    "used with --%s", cl->unproject ? "unproject" : cl->clip ?
		    "clip" : "print-matrix");
	if (cl->unproject && (cl->clip || cl->print_matrix ||
	    cl->view.keep_behind))
		tp_usage_die("--unproject cannot be used with --%s", cl->clip ?
		    "clip" : cl->print_matrix ? "print-matrix" : "keep-behind");
	if (cl->print_matrix && cl->com.output)
		tp_usage_die("--print-matrix prints text on the standard "
		    "output: -o cannot be used with it");
	if (cl->clip && cl->com.format == TP_FMT_PNG)
		tp_usage_die("--clip writes two records per input record; "
		    "-O png holds one image");
	if (cl->render[0] && !cl->view.viewport) {
		/* the viewport is the whole image */
		cl->view.vp[2] = (double)cl->render[0];
		cl->view.vp[3] = (double)cl->render[1];
		cl->view.viewport = 1;
	}
	if (!cl->view.viewport && (cl->depth_given || cl->y_down_given))
		tp_usage_die("--%s needs --viewport (without one the output "
		    "is normalized device coordinates)", cl->depth_given ?
		    "depth-range" : "y-down");
}

/* File scope, so that what is live when a message ends the run is still
 * reachable (LeakSanitizer stays quiet). */
static struct tp_reader *in;
static struct tp_writer *out;
static struct tp_tensor mfile, medges, x, y, mask, img;
static long long *edges;
static size_t nedges;

/* The matrix of a --modelview or --projection file: 4x4 or 16 numbers,
 * any real dtype, rows as the math is written (or an OpenGL array with
 * --column-major, transposed by the caller).  Dies (exit 1) otherwise. */
static struct tp_mat4
read_matrix(const struct op *o)
{
	struct tp_mat4 m;
	struct tp_tensor d;
	char sh[256];

	mfile = tp_read_operand(o->arg, o->name + 2);
	if (tp_dtype_is_complex(mfile.dtype))
		tp_die("%s '%s' is complex: a matrix must be real", o->name,
		    o->arg);
	if (!((mfile.ndim == 2 && mfile.shape[0] == 4 &&
	    mfile.shape[1] == 4) || (mfile.ndim == 1 && mfile.shape[0] == 16)))
		tp_die("%s '%s' has shape %s: a matrix must be 4x4 "
		    "(or 16 numbers)", o->name, o->arg,
		    tp_shape_str(&mfile, sh, sizeof sh));
	d = tp_converted(&mfile, TP_F8);
	memcpy(m.m, d.data, sizeof m.m);
	tp_free(&d);
	tp_free(&mfile);
	return m;
}

/* Compose the matrix options into v, as OpenGL's calls compose: each
 * multiplies its stack's matrix on the right.  Dies (exit 2) on a
 * builder's bad parameter. */
static void
compose(struct cmdline *cl)
{
	struct tp_mat4 b, *stack;
	const char *why = NULL;
	int i;

	for (i = 0; i < cl->nops; i++) {
		struct op *o = &cl->ops[i];
		double *v = o->v;

		stack = &cl->view.modelview;
		switch (o->opt) {
		case OPT_MODELVIEW:
		case OPT_PROJECTION:
			if (o->n == 0)
				b = read_matrix(o);
			else
				memcpy(b.m, v, sizeof b.m);
			if (cl->column_major)
				b = tp_mat4_transpose(&b);
			if (o->opt == OPT_PROJECTION)
				stack = &cl->view.projection;
			break;
		case OPT_PERSPECTIVE:
			why = tp_mat4_perspective(&b, v[0], v[1], v[2], v[3]);
			stack = &cl->view.projection;
			break;
		case OPT_FRUSTUM:
			why = tp_mat4_frustum(&b, v);
			stack = &cl->view.projection;
			break;
		case OPT_ORTHO:
			why = tp_mat4_ortho(&b, v);
			stack = &cl->view.projection;
			break;
		case OPT_LOOKAT:
			why = tp_mat4_lookat(&b, v);
			break;
		case OPT_TRANSLATE:
			why = tp_mat4_translate(&b, v[0], v[1], v[2]);
			break;
		case OPT_ROTATE:
			why = tp_mat4_rotate(&b, v[0], v[1], v[2], v[3]);
			break;
		case OPT_SCALE:
			why = tp_mat4_scale(&b, v[0], v[1], v[2]);
			break;
		}
		if (why != NULL)
			tp_usage_die("%s '%s': %s", o->name, o->arg, why);
		*stack = tp_mat4_mul(stack, &b);
	}
}

/* Read --edges FILE: (E, 2) non-negative integers (any real dtype with
 * integer values; one pair may be (2,)).  Dies (exit 1) otherwise. */
static void
read_edges(const char *path)
{
	struct tp_tensor d;
	const double *v;
	size_t i;
	char sh[256];

	medges = tp_read_operand(path, "edges");
	if (medges.ndim == 1 && medges.shape[0] == 2) {	/* one pair */
		size_t one[2] = { 1, 2 };

		tp_eset_shape(&medges, 2, one);
	}
	if (medges.ndim != 2 || medges.shape[1] != 2 ||
	    tp_dtype_is_complex(medges.dtype))
		tp_die("edges '%s' has shape %s %s: edges must be (E, 2) "
		    "index pairs", path, tp_shape_str(&medges, sh, sizeof sh),
		    tp_dtype_name(medges.dtype));
	d = tp_converted(&medges, TP_F8);
	tp_free(&medges);
	medges = d;
	nedges = medges.shape[0];
	edges = tp_emalloc((nedges ? nedges : 1) * 2 * sizeof *edges);
	v = medges.data;
	for (i = 0; i < 2 * nedges; i++) {
		if (!(v[i] >= 0 && v[i] < 9e18 && v[i] == floor(v[i])))
			tp_die("edges '%s': edge %zu has index %.17g: indices "
			    "must be integers >= 0", path, i / 2, v[i]);
		edges[i] = (long long)v[i];
	}
	tp_free(&medges);
}

/* Check that record x (from in) holds points: a last axis of 3 or 4 (3
 * for --unproject), a real dtype.  Returns the values per point. */
static int
check_points(const struct cmdline *cl)
{
	char sh[256];
	int dim = x.ndim ? (int)x.shape[x.ndim - 1] : 0;

	if (tp_dtype_is_complex(x.dtype))
		tp_die("%s: record %ld is %s: points must be real",
		    tp_reader_name(in), tp_reader_index(in),
		    tp_dtype_name(x.dtype));
	if (cl->unproject && x.ndim >= 1 && dim != 3)
		tp_die("%s: record %ld has shape %s: --unproject takes "
		    "window points (..., 3)", tp_reader_name(in),
		    tp_reader_index(in), tp_shape_str(&x, sh, sizeof sh));
	if (dim != 3 && dim != 4)
		tp_die("%s: record %ld has shape %s: points must be (..., 3) "
		    "or (..., 4)", tp_reader_name(in), tp_reader_index(in),
		    tp_shape_str(&x, sh, sizeof sh));
	return dim;
}

/* Print the 4x4 matrix m, titled. */
static void
print_mat(const char *title, const struct tp_mat4 *m)
{
	int r;

	printf("%s\n", title);
	for (r = 0; r < 4; r++)
		printf("  [ %12.6g %12.6g %12.6g %12.6g ]\n",
		    m->m[4 * r] + 0.0, m->m[4 * r + 1] + 0.0,
		    m->m[4 * r + 2] + 0.0, m->m[4 * r + 3] + 0.0);
}

/* Print one stage: label, the formula, n values. */
static void
print_stage(const char *label, const char *how, const double *v, int n)
{
	int i;

	printf("  %-7s %-22s =", label, how);
	for (i = 0; i < n; i++)
		printf(" %.9g", v[i] + 0.0);
	printf("\n");
}

/* --print-matrix: the matrices, then the first point of the input (if
 * any) through each stage, as text on stdout.  The input is read and
 * checked first, so a bad one prints nothing. */
static void
print_matrix(const struct cmdline *cl, const struct tp_project *p)
{
	struct tp_project_trace t;
	const struct tp_view *v = &p->v;
	double pt[4] = { 0, 0, 0, 1 };
	int dim = 0, got;

	in = tp_reader_open(cl->input, -1, NULL);
	if ((got = tp_read(in, &x)) != 0)
		dim = check_points(cl);
	print_mat("modelview MV =", &v->modelview);
	print_mat("projection P =", &v->projection);
	print_mat("P * MV =", &p->pm);
	if (v->viewport)
		printf("viewport x=%g y=%g width=%g height=%g%s, depth range "
		    "%g..%g\n", v->vp[0], v->vp[1], v->vp[2], v->vp[3],
		    v->y_down ? " (y down)" : "", v->depth[0], v->depth[1]);
	else
		printf("no viewport: the output is normalized device "
		    "coordinates\n");
	if (!got) {
		printf("no point: the input is empty\n");
		tp_reader_close(in);
		return;
	}
	if (x.count == 0) {
		printf("no point: record 0 is empty\n");
	} else {
		y = tp_converted(&x, TP_F8);
		memcpy(pt, y.data, (size_t)dim * sizeof *pt);
		tp_project_trace(p, pt, &t);
		printf("point 0 of record 0:\n");
		print_stage("object", "(x, y, z, w)", t.object, 4);
		print_stage("eye", "MV * object", t.eye, 4);
		print_stage("clip", "P * eye", t.clip, 4);
		if (t.behind && !v->keep_behind) {
			printf("  clip w <= 0: the point is behind the eye; "
			    "tproject writes NaN\n");
		} else {
			print_stage("ndc", "clip.xyz / clip.w", t.ndc, 3);
			if (v->viewport)
				print_stage("window", "viewport, depth range",
				    t.window, 3);
		}
		if (t.outside)
			printf("  outside the view volume -w <= x, y, z <= w: "
			    "OpenGL would clip it\n");
		tp_free(&y);
	}
	tp_free(&x);
	tp_reader_close(in);
}

/* Draw record x (dim values per point) into img. */
static void
render(const struct cmdline *cl, const struct tp_project *p, int dim)
{
	size_t n = x.count / (size_t)dim, i, shape[2];

	for (i = 0; i < 2 * nedges; i++)
		if ((unsigned long long)edges[i] >= n)
			tp_die("edges '%s': edge %zu names point %lld but "
			    "record %ld of %s has %zu points", cl->edges, i / 2,
			    edges[i], tp_reader_index(in), tp_reader_name(in),
			    n);
	if (x.dtype != TP_F8) {
		y = tp_converted(&x, TP_F8);
		tp_free(&x);
		x = y;
		y.data = NULL;
	}
	shape[0] = cl->render[1];
	shape[1] = cl->render[0];
	img = tp_new(TP_U1, 2, shape);
	tp_project_render(p, x.data, dim, n, edges, nedges, img.data,
	    cl->render[0], cl->render[1]);
}

/* Points per piece of a streamed record. */
#define PIECE 65536

/* Buffers for one piece of a streamed record: the input in the compute
 * type, and the output (file scope for LeakSanitizer). */
static void *work, *res, *conv;

/*
 * Project (or unproject) the data of the record whose header is x, a
 * piece at a time: read, convert to the compute type (f64, or f32 with
 * -t f32), transform, convert to the output type, write; then the
 * --clip mask.  Memory stays constant but for the mask (a byte per
 * point).  Returns the number of points written as NaN.
 */
static size_t
project_record(const struct cmdline *cl, const struct tp_project *p,
    int dim)
{
	enum tp_dtype ct = cl->com.dtype == TP_F4 ? TP_F4 : TP_F8;
	enum tp_dtype outdt = tp_compute_dtype(x.dtype, cl->com.dtype);
	size_t n = x.count / (size_t)dim, done, k, bad = 0;
	size_t osz = tp_dtype_size(outdt);
	void *dst;

	y = x;
	y.dtype = outdt;
	y.shape[y.ndim - 1] = 3;
	tp_eset_shape(&y, y.ndim, y.shape);
	if (cl->clip) {
		mask = x;
		mask.dtype = TP_B1;
		tp_eset_shape(&mask, x.ndim - 1, x.shape);
		mask.data = tp_emalloc(n ? n : 1);
	}
	if (work == NULL) {
		work = tp_emalloc(PIECE * 4 * sizeof(double));
		res = tp_emalloc(PIECE * 3 * sizeof(double));
		conv = tp_emalloc(PIECE * 3 * sizeof(double));
	}
	tp_write_header(out, &y);
	for (done = 0; done < n; done += k) {
		k = n - done < PIECE ? n - done : PIECE;
		/* 3-D points are transformed in place */
		tp_read_data_as(in, work, ct, k * (size_t)dim);
		dst = dim == 3 ? work : res;
		if (cl->unproject && ct == TP_F4)
			bad += tp_unproject_points_f32(p, work, dst, k,
			    cl->com.threads);
		else if (cl->unproject)
			bad += tp_unproject_points(p, work, dst, k,
			    cl->com.threads);
		else if (ct == TP_F4)
			bad += tp_project_points_f32(p, work, dim, dst,
			    mask.data ? (unsigned char *)mask.data + done : NULL,
			    k, cl->com.threads);
		else
			bad += tp_project_points(p, work, dim, dst,
			    mask.data ? (unsigned char *)mask.data + done : NULL,
			    k, cl->com.threads);
		if (outdt != ct) {
			tp_convert(conv, outdt, dst, ct, k * 3);
			dst = conv;
		}
		tp_write_data(out, dst, k * 3 * osz);
	}
	if (cl->clip) {
		tp_write(out, &mask);
		tp_free(&mask);
	}
	return bad;
}

int
main(int argc, char **argv)
{
	struct cmdline cl;
	struct tp_project p;
	const char *why;
	size_t bad = 0, total = 0;
	int dim;

	parse_cmdline(argc, argv, &cl);
	compose(&cl);
	tp_project_init(&p, &cl.view);
	if (cl.print_matrix) {
		print_matrix(&cl, &p);
		if (fflush(stdout) || ferror(stdout))
			tp_die("write error on stdout:");
		return 0;
	}
	if (cl.unproject && (why = tp_project_unprojector(&p)) != NULL)
		tp_die("--unproject: %s", why);
	if (cl.edges)
		read_edges(cl.edges);
	in = tp_reader_open(cl.input, -1, NULL);
	out = tp_writer_open(&cl.com);
	/* a picture needs the whole record; points stream */
	while (cl.render[0] ? tp_read(in, &x) : tp_read_header(in, &x)) {
		dim = check_points(&cl);
		total += x.count / (size_t)dim;
		if (cl.render[0]) {
			render(&cl, &p, dim);
			tp_free(&x);
			tp_write(out, &img);
			tp_free(&img);
		} else {
			bad += project_record(&cl, &p, dim);
		}
	}
	tp_writer_close(out);
	tp_reader_close(in);
	free(edges);
	free(work);
	free(res);
	free(conv);
	if (bad > 0)
		fprintf(stderr, "tproject: %zu of %zu points %s: written as "
		    "NaN\n", bad, total, cl.unproject ? "have object w = 0" :
		    cl.view.keep_behind ? "have clip w = 0" :
		    "are behind the eye (clip w <= 0)");
	return 0;
}
