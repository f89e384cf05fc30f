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
#include "raster.h"
#include "mesh.h"

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
    "                [--stage object|eye|clip|ndc|window]\n"
    "                [--mesh [--attributes list] [--cull back|front|none]\n"
    "                 [--front-face ccw|cw] [--shade flat|vertex|lambert]\n"
    "                 [--colour r,g,b] [--buffers list]]\n"
    "                [-o file] [-O " TP_FORMAT_NAMES "] [-t f32|f64]\n"
    "                [-j threads] [--progress | --quiet] [file]";

/* The matrix options are TP_OPT_TOOL + their enum tp_mat_call. */
enum {
	OPT_CALL = TP_OPT_TOOL,
	OPT_COLUMN_MAJOR = TP_OPT_TOOL + TP_NCALLS, OPT_VIEWPORT,
	OPT_DEPTH_RANGE, OPT_Y_DOWN, OPT_KEEP_BEHIND, OPT_CLIP, OPT_UNPROJECT,
	OPT_PRINT_MATRIX, OPT_RENDER, OPT_EDGES, OPT_STAGE, OPT_MESH,
	OPT_ATTRIBUTES, OPT_CULL, OPT_FRONT_FACE, OPT_SHADE, OPT_COLOUR,
	OPT_BUFFERS
};

/* The buffers --buffers names, in the order of enum buf. */
enum buf { BUF_COLOUR, BUF_DEPTH, BUF_ID, BUF_BARY, BUF_NORMAL, BUF_UV,
	NBUF };
static const struct tp_choice buf_words[] = {
	{ "colour", BUF_COLOUR }, { "depth", BUF_DEPTH }, { "id", BUF_ID },
	{ "bary", BUF_BARY }, { "normal", BUF_NORMAL }, { "uv", BUF_UV },
	{ "color", BUF_COLOUR }, { NULL, 0 }
};

/* The option of each enum tp_mat_call, for messages. */
static const char *const call_name[TP_NCALLS] = {
	"--modelview", "--projection", "--perspective", "--frustum",
	"--ortho", "--lookat", "--translate", "--rotate", "--scale"
};

#define MAXSTEPS 64

/* One matrix option, in command-line order. */
struct step {
	enum tp_mat_call call;
	const char *arg;
	char shown[256];	/* arg quoted for messages */
	int file;		/* a --modelview or --projection file */
	double v[16];		/* the numbers (a file's: read by compose) */
};

struct cmdline {
	struct tp_common com;
	const char *input;
	struct step steps[MAXSTEPS];
	int nsteps;
	int column_major;
	struct tp_view view;
	int depth_given, y_down_given;
	int clip, unproject, print_matrix;
	int stage;		/* enum tp_stage: what is written */
	int mesh;		/* --mesh: the input is meshes */
	int attrs[TP_MESH_NATTR], nattr;	/* --attributes */
	int bufs[NBUF], nbuf;	/* --buffers, in order */
	int raster_given;	/* a mesh option */
	struct tp_raster_opts ro;
	size_t render[2];	/* width, height; 0 if not rendering */
	const char *edges;
};

/* Record the matrix option of call; inline numbers are parsed now (exit
 * 2 if they are not numbers or too few), files are read by compose. */
static void
add_step(struct cmdline *cl, enum tp_mat_call call, const char *arg)
{
	struct step *s;
	int want = tp_mat_call_count(call), n;
	const char *name = call_name[call];

	if (cl->nsteps == MAXSTEPS)
		tp_usage_die("more than %d matrix options", MAXSTEPS);
	s = &cl->steps[cl->nsteps++];
	s->call = call;
	s->arg = arg;
	tp_quote(arg, strlen(arg), s->shown, sizeof s->shown);
	if ((call == TP_CALL_MODELVIEW || call == TP_CALL_PROJECTION) &&
	    strchr(arg, ',') == NULL) {
		s->file = 1;
		return;
	}
	n = tp_parse_doubles(arg, s->v, 16, name);
	if (call == TP_CALL_SCALE && n == 1) {	/* uniform */
		s->v[1] = s->v[2] = s->v[0];
		n = 3;
	}
	if (n != want)
		tp_usage_die("%s takes %d numbers, not %d: '%s'", name, want, n,
		    s->shown);
}

/* The numbers of --viewport, --depth-range: exactly n, each finite. */
static void
parse_fixed(const char *arg, double *v, int n, const char *name)
{
	int i, got = tp_parse_doubles(arg, v, n, name);
	char q[256];

	tp_quote(arg, strlen(arg), q, sizeof q);
	if (got != n)
		tp_usage_die("%s takes %d numbers, not %d: '%s'", name, n, got,
		    q);
	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
			tp_usage_die("%s: '%s' is not finite", name, q);
}

/* The comma-separated words of list (option name), each of choices
 * (tp_choice) and none twice, into v; their number. */
static int
parse_words(const char *list, const char *name,
    const struct tp_choice *choices, int *v)
{
	char word[64];
	const char *s = list, *e;
	int n = 0, i, k, c;

	do {
		e = strchr(s, ',');
		k = e ? (int)(e - s) : (int)strlen(s);
		snprintf(word, sizeof word, "%.*s", k, s);
		c = tp_choice(word, choices, name);
		for (i = 0; i < n; i++)
			if (v[i] == c)
				tp_usage_die("%s: '%s' twice", name, word);
		v[n++] = c;	/* each value once: v has room */
		s = e + 1;
	} while (e != NULL);
	return n;
}

/* The options of --mesh; 0 if ch is not one. */
static int
mesh_option(struct cmdline *cl, int ch, const char *arg)
{
	double c[3];
	char q[256];
	int i;

	tp_quote(arg ? arg : "", SIZE_MAX, q, sizeof q);
	switch (ch) {
	case OPT_MESH:
		cl->mesh = 1;
		return 1;
	case OPT_ATTRIBUTES:
		cl->nattr = parse_words(arg, "--attributes", tp_mesh_attrs,
		    cl->attrs);
		break;
	case OPT_BUFFERS:
		cl->nbuf = parse_words(arg, "--buffers", buf_words, cl->bufs);
		break;
	case OPT_CULL:
		cl->ro.cull = (enum tp_cull)tp_choice(arg, tp_raster_culls,
		    "--cull");
		break;
	case OPT_FRONT_FACE:
		cl->ro.cw = tp_choice(arg, tp_raster_fronts, "--front-face");
		break;
	case OPT_SHADE:
		cl->ro.shade = (enum tp_shade)tp_choice(arg, tp_raster_shades,
		    "--shade");
		break;
	case OPT_COLOUR:
		parse_fixed(arg, c, 3, "--colour");
		for (i = 0; i < 3; i++) {
			if (c[i] < 0 || c[i] > 255)
				tp_usage_die("--colour: each of r, g, b must "
				    "be in [0, 255]: '%s'", q);
			cl->ro.colour[i] = c[i] / 255;
		}
		break;
	default:
		return 0;
	}
	cl->raster_given = 1;
	return 1;
}

/* What --mesh needs and excludes. */
static void
check_mesh_options(struct cmdline *cl)
{
	if (!cl->mesh) {
		if (cl->raster_given)
			tp_usage_die("--attributes, --buffers, --cull, "
			    "--front-face, --shade and --colour need --mesh");
		return;
	}
	if (!cl->render[0])
		tp_usage_die("--mesh needs --render WxH: it draws filled "
		    "triangles");
	if (cl->edges || cl->clip || cl->stage >= 0 || cl->view.keep_behind ||
	    cl->y_down_given || cl->unproject || cl->print_matrix)
		tp_usage_die("--mesh cannot be used with --%s", cl->edges ?
		    "edges" : cl->clip ? "clip" : cl->stage >= 0 ? "stage" :
		    cl->unproject ? "unproject" : cl->print_matrix ?
		    "print-matrix" :
		    cl->view.keep_behind ? "keep-behind" :
		    "y-down (row 0 is the top of the picture already)");
	if (cl->nbuf == 0)
		cl->bufs[cl->nbuf++] = BUF_COLOUR;
	if (cl->com.format == TP_FMT_PNG && (cl->nbuf != 1 ||
	    cl->bufs[0] != BUF_COLOUR))
		tp_usage_die("-O png holds the colour buffer alone: "
		    "--buffers must be colour");
}

/* 1 if --attributes names a. */
static int
has_attr(const struct cmdline *cl, int a)
{
	int i;

	for (i = 0; i < cl->nattr; i++)
		if (cl->attrs[i] == a)
			return 1;
	return 0;
}

static void
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		TP_COMMON_LONGOPTS,
#define CALL(name, call) \
		{ name, required_argument, NULL, OPT_CALL + (call) }
		CALL("modelview", TP_CALL_MODELVIEW),
		CALL("projection", TP_CALL_PROJECTION),
		CALL("perspective", TP_CALL_PERSPECTIVE),
		CALL("frustum", TP_CALL_FRUSTUM),
		CALL("ortho", TP_CALL_ORTHO),
		CALL("lookat", TP_CALL_LOOKAT),
		CALL("translate", TP_CALL_TRANSLATE),
		CALL("rotate", TP_CALL_ROTATE),
		CALL("scale", TP_CALL_SCALE),
#undef CALL
		{ "column-major", no_argument, NULL, OPT_COLUMN_MAJOR },
		{ "viewport", required_argument, NULL, OPT_VIEWPORT },
		{ "depth-range", required_argument, NULL, OPT_DEPTH_RANGE },
		{ "y-down", no_argument, NULL, OPT_Y_DOWN },
		{ "keep-behind", no_argument, NULL, OPT_KEEP_BEHIND },
		{ "clip", no_argument, NULL, OPT_CLIP },
		{ "unproject", no_argument, NULL, OPT_UNPROJECT },
		{ "print-matrix", no_argument, NULL, OPT_PRINT_MATRIX },
		{ "render", required_argument, NULL, OPT_RENDER },
		{ "edges", required_argument, NULL, OPT_EDGES },
		{ "stage", required_argument, NULL, OPT_STAGE },
		{ "mesh", no_argument, NULL, OPT_MESH },
		{ "attributes", required_argument, NULL, OPT_ATTRIBUTES },
		{ "cull", required_argument, NULL, OPT_CULL },
		{ "front-face", required_argument, NULL, OPT_FRONT_FACE },
		{ "shade", required_argument, NULL, OPT_SHADE },
		{ "colour", required_argument, NULL, OPT_COLOUR },
		{ "buffers", required_argument, NULL, OPT_BUFFERS },
		{ NULL, 0, NULL, 0 }
	};
	int ch, nd;
	struct tp_msg m;
	char q[256];

	memset(cl, 0, sizeof *cl);
	tp_init(&cl->com, usage);
	tp_view_init(&cl->view);
	cl->stage = -1;
	cl->ro.colour[0] = cl->ro.colour[1] = cl->ro.colour[2] = 1;
	while ((ch = tp_getopt(argc, argv, TP_COMMON_SHORTOPTS,
	    longopts)) != -1) {
		if (tp_common_option(&cl->com, ch, optarg))
			continue;
		if (ch >= OPT_CALL && ch < OPT_CALL + TP_NCALLS) {
			add_step(cl, (enum tp_mat_call)(ch - OPT_CALL), optarg);
			continue;
		}
		switch (ch) {
		case OPT_COLUMN_MAJOR:
			cl->column_major = 1;
			break;
		case OPT_VIEWPORT:
			parse_fixed(optarg, cl->view.vp, 4, "--viewport");
			if (!(cl->view.vp[2] > 0 && cl->view.vp[3] > 0))
				tp_usage_die("--viewport: width and height "
				    "must be positive: '%s'", tp_quote(optarg,
				    strlen(optarg), q, sizeof q));
			cl->view.viewport = 1;
			break;
		case OPT_DEPTH_RANGE:
			parse_fixed(optarg, cl->view.depth, 2, "--depth-range");
			if (cl->view.depth[0] < 0 || cl->view.depth[0] > 1 ||
			    cl->view.depth[1] < 0 || cl->view.depth[1] > 1)
				tp_usage_die("--depth-range: near and far must "
				    "be in [0, 1]: '%s'", tp_quote(optarg,
				    strlen(optarg), q, sizeof q));
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
			if (tp_parse_shape(optarg, cl->render, 2, &nd, 0,
			    &m) || nd != 2 || cl->render[0] < 1 ||
			    cl->render[0] > 16384 || cl->render[1] < 1 ||
			    cl->render[1] > 16384)
				tp_usage_die("--render takes WxH, each 1 to "
				    "16384: '%s'", tp_quote(optarg,
				    strlen(optarg), q, sizeof q));
			break;
		case OPT_EDGES:
			cl->edges = optarg;
			break;
		case OPT_STAGE:
			cl->stage = tp_choice(optarg, tp_stages, "--stage");
			break;
		default:
			if (!mesh_option(cl, ch, optarg))
				tp_usage();
		}
	}
	check_mesh_options(cl);
	cl->input = tp_input_operand(argc - optind, argv + optind);
	if (cl->edges && !cl->render[0])
		tp_usage_die("--edges needs --render");
	if (cl->render[0] && !cl->mesh && (cl->unproject || cl->clip ||
	    cl->print_matrix))
		tp_usage_die("--render draws projected points: it cannot be "
		    "used with --%s", cl->unproject ? "unproject" : cl->clip ?
		    "clip" : "print-matrix");
	if (cl->stage >= 0 && (cl->render[0] || cl->unproject ||
	    cl->print_matrix))
		tp_usage_die("--stage writes the points of one stage: it "
		    "cannot be used with --%s", cl->render[0] ? "render" :
		    cl->unproject ? "unproject" : "print-matrix");
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
	if (!cl->render[0] && !cl->print_matrix &&
	    cl->com.format == TP_FMT_PNG)
		tp_usage_die("-O png needs --render: window coordinates are "
		    "not an image");
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
static struct tp_tensor mfile, medges, x, outhdr, mask, img;
static long long *edges;
static size_t nedges;

/* The matrix of a --modelview or --projection file into s->v: 4x4 or
 * 16 numbers, any real dtype.  Dies (exit 1) otherwise. */
static void
read_matrix(struct step *s)
{
	struct tp_tensor d;
	const char *name = call_name[s->call];
	char sh[256];

	mfile = tp_read_operand(s->arg, name + 2);
	if (tp_dtype_is_complex(mfile.dtype))
		tp_die("%s '%s' is complex: a matrix must be real", name,
		    s->shown);
	if (!((mfile.ndim == 2 && mfile.shape[0] == 4 &&
	    mfile.shape[1] == 4) || (mfile.ndim == 1 && mfile.shape[0] == 16)))
		tp_die("%s '%s' has shape %s: a matrix must be 4x4 "
		    "(or 16 numbers)", name, s->shown,
		    tp_shape_str(&mfile, sh, sizeof sh));
	d = tp_converted(&mfile, TP_F8);
	memcpy(s->v, d.data, sizeof s->v);
	tp_free(&d);
	tp_free(&mfile);
}

/* Compose the matrix options into cl->view in their order
 * (tp_view_multiply), reading matrix files first and transposing
 * matrices with --column-major.  Dies on a message: exit 1 if the
 * option names a file, else 2. */
static void
compose(struct cmdline *cl)
{
	struct tp_mat4 t;
	const char *why;
	int i;

	for (i = 0; i < cl->nsteps; i++) {
		struct step *s = &cl->steps[i];

		if (s->file)
			read_matrix(s);
		if (cl->column_major && (s->call == TP_CALL_MODELVIEW ||
		    s->call == TP_CALL_PROJECTION)) {
			memcpy(t.m, s->v, sizeof t.m);
			t = tp_mat4_transpose(&t);
			memcpy(s->v, t.m, sizeof t.m);
		}
		why = tp_view_multiply(&cl->view, s->call, s->v);
		if (why != NULL && s->file)
			tp_die("%s '%s': %s", call_name[s->call], s->shown,
			    why);
		if (why != NULL)
			tp_usage_die("%s '%s': %s", call_name[s->call],
			    s->shown, why);
	}
}

/* Read --edges FILE into edges, nedges.  Dies (exit 1) if it is not
 * index pairs. */
static void
read_edges(const char *path)
{
	struct tp_msg m;
	const char *why;
	char q[256];

	medges = tp_read_operand(path, "edges");
	if ((why = tp_project_edges(&medges, &edges, &nedges, &m)) != NULL)
		tp_die("edges '%s': %s", tp_quote(path, strlen(path), q,
		    sizeof q), why);
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

/* --print-matrix: the matrices, then the first point of the input (if
 * any) through each stage, as text on stdout.  The input is read and
 * checked first, so a bad one prints nothing. */
static void
print_matrix(const struct cmdline *cl, const struct tp_project *p)
{
	double pt[4] = { 0, 0, 0, 1 };
	int dim = 0, got;

	in = tp_reader_open(cl->input, -1, NULL);
	if ((got = tp_read(in, &x)) != 0 && (dim = check_points(cl)) &&
	    x.count > 0) {
		tp_convert(pt, TP_F8, x.data, x.dtype, (size_t)dim);
	}
	tp_project_print_matrices(stdout, p);
	if (!got) {
		printf("no point: the input is empty\n");
	} else if (x.count == 0) {
		printf("no point: record 0 is empty\n");
	} else {
		printf("point 0 of record 0:\n");
		tp_project_print_trace(stdout, p, pt);
	}
	tp_free(&x);
	tp_reader_close(in);
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
 * point read).  Returns the number of points written as NaN.
 */
static size_t
project_record(const struct cmdline *cl, const struct tp_project *p,
    int dim)
{
	enum tp_dtype ct = cl->com.dtype == TP_F4 ? TP_F4 : TP_F8;
	enum tp_dtype outdt = tp_compute_dtype(x.dtype, cl->com.dtype);
	size_t n = x.count / (size_t)dim, done, k, bad = 0, cap = 0;
	size_t osz = tp_dtype_size(outdt);
	int stage = cl->stage < 0 ? TP_STAGE_WINDOW : cl->stage;
	int odim = tp_stage_width((enum tp_stage)stage);
	void *dst;
	struct tp_msg m;
	const char *why;

	outhdr = x;
	outhdr.dtype = outdt;
	outhdr.shape[outhdr.ndim - 1] = (size_t)odim;
	if (stage != TP_STAGE_WINDOW)	/* computed in float64 */
		ct = TP_F8;
	if ((why = tp_set_shape(&outhdr, outhdr.ndim, outhdr.shape,
	    &m)) != NULL)
		tp_die("%s: record %ld: %s", tp_reader_name(in),
		    tp_reader_index(in), why);
	if (cl->clip) {
		mask = x;
		mask.dtype = TP_B1;
		tp_eset_shape(&mask, x.ndim - 1, x.shape);
		mask.data = NULL;	/* grown as points arrive, so that a
					 * header promising more than the
					 * input holds fails as truncated */
	}
	if (work == NULL) {
		work = tp_emalloc(PIECE * 4 * sizeof(double));
		res = tp_emalloc(PIECE * 4 * sizeof(double));
		conv = tp_emalloc(PIECE * 4 * sizeof(double));
	}
	tp_write_header(out, &outhdr);
	for (done = 0; done < n; done += k) {
		k = n - done < PIECE ? n - done : PIECE;
		if (cl->clip && done + k > cap) {
			cap = done + k > 2 * cap ? done + k : 2 * cap;
			cap = cap < n ? cap : n;
			mask.data = tp_erealloc(mask.data, cap);
		}
		/* 3-D points are transformed in place */
		tp_read_data_as(in, work, ct, k * (size_t)dim);
		dst = dim == 3 && odim == 3 ? work : res;
		if (stage != TP_STAGE_WINDOW) {
			dst = res;
			bad += tp_project_stage(p, (enum tp_stage)stage, work,
			    dim, dst, k, cl->com.threads);
			if (mask.data)
				tp_project_outside(p, work, dim,
				    (unsigned char *)mask.data + done, k);
		} else if (cl->unproject && ct == TP_F4)
			bad += tp_unproject_points_f32(p, work, dst, k,
			    cl->com.threads);
		else if (cl->unproject)
			bad += tp_unproject_points(p, work, dst, k,
			    cl->com.threads);
		else if (ct == TP_F4)
			bad += tp_project_points_f32(p, work, dim, dst,
			    mask.data ? (unsigned char *)mask.data + done :
			    NULL,
			    k, cl->com.threads);
		else
			bad += tp_project_points(p, work, dim, dst,
			    mask.data ? (unsigned char *)mask.data + done :
			    NULL,
			    k, cl->com.threads);
		if (outdt != ct) {
			tp_convert(conv, outdt, dst, ct, k * (size_t)odim);
			dst = conv;
		}
		tp_write_data(out, dst, k * (size_t)odim * osz);
	}
	if (cl->clip) {
		if (mask.data == NULL)	/* no points */
			mask.data = tp_emalloc(1);
		tp_write(out, &mask);
		tp_free(&mask);
	}
	return bad;
}

static struct tp_mesh_data md;
static struct tp_tensor bufs[NBUF];

/* Draw the mesh md into bufs (tp_raster) and write them in the order of
 * --buffers; free md. */
static void
draw(const struct cmdline *cl, const struct tp_project *p,
    struct tp_mesh_data *mesh)
{
	struct tp_raster_out ro;
	struct tp_mesh m;
	int i;

	if (cl->ro.shade == TP_SHADE_VERTEX &&
	    mesh->attr[TP_MESH_COLOUR].data == NULL)
		tp_die("%s: --shade vertex: the mesh has no vertex colours",
		    in ? tp_reader_name(in) : cl->input);
	memset(&m, 0, sizeof m);
	m.nv = mesh->pos.shape[0];
	m.nf = mesh->faces.shape[0];
	m.pos = mesh->pos.data;
	m.faces = mesh->faces.data;
	m.colour = mesh->attr[TP_MESH_COLOUR].data;
	m.normal = mesh->attr[TP_MESH_NORMAL].data;
	m.uv = mesh->attr[TP_MESH_UV].data;
	memset(&ro, 0, sizeof ro);
	ro.width = cl->render[0];
	ro.height = cl->render[1];
	ro.colour = bufs[BUF_COLOUR].data;
	ro.depth = bufs[BUF_DEPTH].data;
	ro.id = bufs[BUF_ID].data;
	ro.bary = bufs[BUF_BARY].data;
	ro.normal = bufs[BUF_NORMAL].data;
	ro.uv = bufs[BUF_UV].data;
	tp_raster(p, &m, &cl->ro, &ro, cl->com.threads);
	tp_mesh_free(mesh);
	for (i = 0; i < cl->nbuf; i++)
		tp_write(out, &bufs[cl->bufs[i]]);
}

/*
 * --mesh: the OBJ or PLY file, or each mesh of the tpipe stream, drawn
 * into the buffers and written as records in the order of --buffers.
 */
static void
render_meshes(const struct cmdline *cl, const struct tp_project *p)
{
	static const enum tp_dtype dt[NBUF] = {
		TP_U1, TP_F4, TP_I4, TP_F4, TP_F4, TP_F4
	};
	static const size_t width[NBUF] = { 3, 1, 1, 3, 3, 2 };
	size_t shape[3] = { cl->render[1], cl->render[0], 0 };
	int i, b, want[NBUF] = { 0 };
	int kind = tp_mesh_file_kind(cl->input);

	if (kind && cl->nattr)
		tp_usage_die("--attributes names the records of a tpipe "
		    "stream: an OBJ or PLY file's come from the file");
	if (!kind && cl->ro.shade == TP_SHADE_VERTEX && !has_attr(cl,
	    TP_MESH_COLOUR))
		tp_usage_die("--shade vertex needs colours: --attributes "
		    "colour");
	for (i = 0; i < cl->nbuf; i++)
		want[cl->bufs[i]] = 1;
	want[BUF_DEPTH] = 1;	/* the depth test needs it */
	for (b = 0; b < NBUF; b++)
		if (want[b]) {
			shape[2] = width[b];
			bufs[b] = tp_new(dt[b], width[b] > 1 ? 3 : 2, shape);
		}
	if (kind) {	/* one OBJ or PLY mesh */
		tp_mesh_read_file(cl->input, &md);
		out = tp_writer_open(&cl->com);
		draw(cl, p, &md);
	} else {
		in = tp_reader_open(cl->input, -1, NULL);
		out = tp_writer_open(&cl->com);
		while (tp_mesh_read(in, cl->attrs, cl->nattr, &md))
			draw(cl, p, &md);
		tp_reader_close(in);
	}
	tp_writer_close(out);
	for (b = 0; b < NBUF; b++)
		tp_free(&bufs[b]);
}

int
main(int argc, char **argv)
{
	struct cmdline cl;
	struct tp_project p;
	struct tp_msg m;
	const char *why;
	char q[256];
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
	if (cl.mesh) {
		render_meshes(&cl, &p);
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
			if ((why = tp_project_picture(&p, &x, edges, nedges,
			    cl.render[0], cl.render[1], &img, &m)) != NULL)
				tp_die("%s: record %ld: edges '%s': %s",
				    tp_reader_name(in), tp_reader_index(in),
				    tp_quote(cl.edges ? cl.edges : "", SIZE_MAX,
				    q, sizeof q), why);
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
		tp_warn("%zu of %zu points %s: written as NaN", bad, total,
		    cl.unproject ? "have object w = 0" :
		    cl.view.keep_behind ? "have clip w = 0" :
		    "are behind the eye (clip w <= 0)");
	return 0;
}
