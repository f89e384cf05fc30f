/*
 * tpipe/tpipe.h - libtpipe, the library under the tpipe tools, for C
 * programs: streams of tensor records (NPY, PNG, text and the other
 * formats of tpipe(7)) read and written, and the tools' engines (blur,
 * convolution, FFT, reshape, gradients and projection) on tensors in
 * memory.  libtpipe(3) is the manual.
 *
 * Errors come back as values: no function here exits, prints, or raises
 * a signal of its own (a write(2) to a pipe whose reader has gone raises
 * SIGPIPE unless the program ignores it).  A function that can fail takes a tpipe_error * last (NULL
 * is allowed: the detail is then dropped) and returns -1 (or NULL) on
 * failure, with the message the tools print, without the program name
 * ("<stdin>: truncated record 0: expected 800 bytes of data, got 8"),
 * and the exit status the tool would have (1: bad data or I/O, 2: a
 * usage error, a bad option value).  What the failed call had allocated
 * is freed.  A reader, writer or engine handle whose call failed is
 * broken: every later call on it fails at once, and closing or freeing
 * it releases it.  Everything else is unchanged.
 *
 * Calls are not safe from several threads at once in this version (the
 * FFT planner and some caches are process-wide); an engine handle runs
 * on threads of its own when its options ask for them.
 */
#ifndef TPIPE_TPIPE_H
#define TPIPE_TPIPE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(TPIPE_BUILDING)
#define TPIPE_API __attribute__((visibility("default")))
#else
#define TPIPE_API
#endif

#define TPIPE_MAXDIM 64		/* axes of a tensor at most (numpy's) */

/* The library's version, "0.1.0". */
TPIPE_API const char *tpipe_version(void);

/* --- errors ---------------------------------------------------------- */

typedef struct tpipe_error {
	int status;		/* 0: no error; 1: data or I/O; 2: usage */
	char message[1024];	/* one line, no program name, no newline */
} tpipe_error;

/* --- dtypes and tensors ---------------------------------------------- */

enum tpipe_dtype {
	TPIPE_BOOL, TPIPE_UINT8, TPIPE_INT8, TPIPE_UINT16, TPIPE_INT16,
	TPIPE_UINT32, TPIPE_INT32, TPIPE_UINT64, TPIPE_INT64,
	TPIPE_FLOAT16, TPIPE_FLOAT32, TPIPE_FLOAT64, TPIPE_COMPLEX64,
	TPIPE_COMPLEX128
};

/* Bytes per element, and numpy's name ("float64"); 0 and NULL for a
 * value that is not a dtype. */
TPIPE_API size_t tpipe_dtype_size(enum tpipe_dtype);
TPIPE_API const char *tpipe_dtype_name(enum tpipe_dtype);
/* A dtype as numpy.dtype() spells it ("float32", "<f4", "u1"). */
TPIPE_API int tpipe_dtype_parse(const char *name, enum tpipe_dtype *dtype,
    tpipe_error *err);

/*
 * A tensor: C order, native byte order, data malloc'd (free it with
 * tpipe_tensor_free, or free(data)).  count is the product of the
 * shape (1 for a scalar, ndim 0), nbytes count times the element size.
 */
typedef struct tpipe_tensor {
	enum tpipe_dtype dtype;
	int ndim;
	size_t shape[TPIPE_MAXDIM];
	size_t count;
	size_t nbytes;
	void *data;
} tpipe_tensor;

/* A new tensor of this dtype and shape, zeroed, in *t. */
TPIPE_API int tpipe_tensor_new(tpipe_tensor *t, enum tpipe_dtype dtype,
    int ndim, const size_t *shape, tpipe_error *err);
/* Free t's data and set it to NULL; t may be one that holds none. */
TPIPE_API void tpipe_tensor_free(tpipe_tensor *t);

/* --- streams --------------------------------------------------------- */

/* The formats of tpipe(7); AUTO: by the file name's extension, else
 * NPY. */
enum tpipe_format {
	TPIPE_FORMAT_AUTO, TPIPE_FORMAT_NPY, TPIPE_FORMAT_TXT,
	TPIPE_FORMAT_PNG, TPIPE_FORMAT_CSV, TPIPE_FORMAT_TIFF,
	TPIPE_FORMAT_JPEG, TPIPE_FORMAT_MAT, TPIPE_FORMAT_MRC,
	TPIPE_FORMAT_RAW
};

typedef struct tpipe_reader tpipe_reader;
/*
 * Open path (NULL or "-": the standard input) for reading records, its
 * format told by its first bytes as the tools tell it.  _fd reads a
 * descriptor the caller keeps (it is duplicated; name is what messages
 * call it): for a FILE *, fflush it and pass fileno().
 */
TPIPE_API tpipe_reader *tpipe_reader_open(const char *path,
    tpipe_error *err);
TPIPE_API tpipe_reader *tpipe_reader_open_fd(int fd, const char *name,
    tpipe_error *err);
/* The next record into *t (new data; t's old contents are not freed).
 * Returns 1, 0 at the end of the stream, or -1. */
TPIPE_API int tpipe_read(tpipe_reader *r, tpipe_tensor *t,
    tpipe_error *err);
TPIPE_API void tpipe_reader_close(tpipe_reader *r);

typedef struct tpipe_writer tpipe_writer;
/*
 * Write records to path (NULL: the standard output) in format; a named
 * file is written beside itself and renamed into place by a successful
 * tpipe_writer_close, so a failed run leaves no partial file.  _fd
 * writes to a duplicate of the caller's descriptor.  depth is the bit
 * depth of PNG output (8, 16, or 0 for the dtype's).
 */
TPIPE_API tpipe_writer *tpipe_writer_open(const char *path,
    enum tpipe_format format, int depth, tpipe_error *err);
TPIPE_API tpipe_writer *tpipe_writer_open_fd(int fd, const char *name,
    enum tpipe_format format, int depth, tpipe_error *err);
/* Write t as the next record. */
TPIPE_API int tpipe_write(tpipe_writer *w, const tpipe_tensor *t,
    tpipe_error *err);
/* Flush, close, commit the file; w is freed in any case.  A broken
 * writer (one whose call failed) leaves no file and returns -1. */
TPIPE_API int tpipe_writer_close(tpipe_writer *w, tpipe_error *err);

/* --- blur (tblur(1)) ------------------------------------------------- */

enum tpipe_blur_boundary {
	TPIPE_BLUR_REFLECT, TPIPE_BLUR_MIRROR, TPIPE_BLUR_NEAREST,
	TPIPE_BLUR_WRAP, TPIPE_BLUR_ZERO
};
enum tpipe_blur_kernel {
	TPIPE_BLUR_SAMPLED, TPIPE_BLUR_ANALYTIC, TPIPE_BLUR_DISCRETE
};
enum tpipe_blur_method { TPIPE_BLUR_AUTO, TPIPE_BLUR_FFT, TPIPE_BLUR_FIR };

/* tblur's options; tpipe_blur_options_init sets its defaults (sigma 1
 * on the default axes, reflect, sampled, auto, one thread). */
typedef struct tpipe_blur_options {
	int nsigma;			/* -s: 1, or one per blurred axis */
	double sigma[TPIPE_MAXDIM];
	int norder;			/* --order: 0 (none), 1, or one each */
	int order[TPIPE_MAXDIM];
	int naxes;			/* --axes: 0 for the default axes */
	int axes[TPIPE_MAXDIM];
	enum tpipe_blur_boundary boundary;	/* --boundary */
	enum tpipe_blur_kernel kernel;		/* --kernel */
	enum tpipe_blur_method method;		/* --method */
	int linear;			/* --linear */
	int dtype;			/* -t: TPIPE_FLOAT32, _FLOAT64, -1 */
	int threads;			/* -j, >= 1 */
} tpipe_blur_options;

typedef struct tpipe_blur tpipe_blur;
TPIPE_API void tpipe_blur_options_init(tpipe_blur_options *o);
/* A blur with these options (checked as tblur checks them: exit status
 * 2 for a bad one); its plans are made once per shape and reused. */
TPIPE_API tpipe_blur *tpipe_blur_new(const tpipe_blur_options *o,
    tpipe_error *err);
/* Blur in as tblur blurs a record, into the new tensor *out (in's dtype
 * for 8- and 16-bit images, else float64, or float32 for float32 input,
 * unless dtype says). */
TPIPE_API int tpipe_blur_record(tpipe_blur *b, const tpipe_tensor *in,
    tpipe_tensor *out, tpipe_error *err);
TPIPE_API void tpipe_blur_free(tpipe_blur *b);

/* --- convolution (tconv(1)) ------------------------------------------ */

enum tpipe_conv_mode { TPIPE_CONV_FULL, TPIPE_CONV_SAME, TPIPE_CONV_VALID };
enum tpipe_conv_boundary {
	TPIPE_CONV_ZERO, TPIPE_CONV_WRAP, TPIPE_CONV_REFLECT,
	TPIPE_CONV_MIRROR, TPIPE_CONV_NEAREST
};
enum tpipe_conv_method {
	TPIPE_CONV_AUTO, TPIPE_CONV_FFT, TPIPE_CONV_DIRECT
};

/* tconv's options; tpipe_conv_options_init sets its defaults (full,
 * zero, auto, convolution on every axis, the signal's dtype, one
 * thread). */
typedef struct tpipe_conv_options {
	enum tpipe_conv_mode mode;		/* --mode */
	enum tpipe_conv_boundary boundary;	/* --boundary */
	enum tpipe_conv_method method;		/* --method */
	int ncorr;			/* --op: 0, 1, or one per kernel axis */
	unsigned char corr[TPIPE_MAXDIM];	/* 1: correlation */
	int dtype;			/* -t: TPIPE_FLOAT32, _FLOAT64, -1 */
	int threads;			/* -j, >= 1 */
} tpipe_conv_options;

typedef struct tpipe_conv tpipe_conv;
TPIPE_API void tpipe_conv_options_init(tpipe_conv_options *o);
/* A convolution with kernel (copied) and these options; its spectra
 * and plans are made once per signal shape and reused. */
TPIPE_API tpipe_conv *tpipe_conv_new(const tpipe_tensor *kernel,
    const tpipe_conv_options *o, tpipe_error *err);
/* Convolve in as tconv convolves a record, into the new tensor *out. */
TPIPE_API int tpipe_conv_record(tpipe_conv *c, const tpipe_tensor *in,
    tpipe_tensor *out, tpipe_error *err);
TPIPE_API void tpipe_conv_free(tpipe_conv *c);

/* --- Fourier, cosine and sine transforms (tfft(1)) -------------------- */

/* numpy.fft's and scipy.fft's n-dimensional transforms (--transform). */
enum tpipe_fft_transform {
	TPIPE_FFTN, TPIPE_IFFTN, TPIPE_RFFTN, TPIPE_IRFFTN, TPIPE_DCTN,
	TPIPE_IDCTN, TPIPE_DSTN, TPIPE_IDSTN
};
enum tpipe_fft_norm {
	TPIPE_NORM_BACKWARD, TPIPE_NORM_ORTHO, TPIPE_NORM_FORWARD
};
/* --out: the transform's own output, or a view of it. */
enum tpipe_fft_view {
	TPIPE_FFT_ASIS, TPIPE_FFT_COMPLEX, TPIPE_FFT_REAL, TPIPE_FFT_IMAG,
	TPIPE_FFT_ABS, TPIPE_FFT_POWER, TPIPE_FFT_LOGPOWER, TPIPE_FFT_PHASE
};

/* tfft's options (but --window and --last); tpipe_fft_options_init
 * sets its defaults (fftn over every axis, norm backward, no shift, the
 * output as is, the record's precision, one thread). */
typedef struct tpipe_fft_options {
	enum tpipe_fft_transform transform;	/* --transform */
	int type;			/* --type: DCT/DST 1..4, 0: 2 */
	int naxes;			/* --axes: 0 for every axis */
	int axes[TPIPE_MAXDIM];
	int ns;				/* -s: 0, or one per axis */
	size_t s[TPIPE_MAXDIM];
	enum tpipe_fft_norm norm;	/* --norm */
	int shift, ishift;		/* --shift, --ishift */
	enum tpipe_fft_view view;	/* --out */
	int dtype;			/* -t: TPIPE_FLOAT32, _FLOAT64, -1 */
	int threads;			/* -j, >= 1 */
} tpipe_fft_options;

typedef struct tpipe_fft tpipe_fft;
TPIPE_API void tpipe_fft_options_init(tpipe_fft_options *o);
/* A transform with these options; plans are made once per shape. */
TPIPE_API tpipe_fft *tpipe_fft_new(const tpipe_fft_options *o,
    tpipe_error *err);
/* Transform in as tfft transforms a record, into the new tensor *out. */
TPIPE_API int tpipe_fft_record(tpipe_fft *f, const tpipe_tensor *in,
    tpipe_tensor *out, tpipe_error *err);
TPIPE_API void tpipe_fft_free(tpipe_fft *f);

/* --- reshape and rearrange (treshape(1)) ------------------------------ */

/* What a request is: treshape's operand or option. */
enum tpipe_reshape_form {
	TPIPE_RESHAPE_SHAPE,	/* a shape, one -1 inferred: "8,-1" */
	TPIPE_RESHAPE_PATTERN,	/* einops: "b (h w) c -> b c h w" */
	TPIPE_RESHAPE_PERMUTE,	/* --permute "2,0,1" */
	TPIPE_RESHAPE_TRANSPOSE,	/* --transpose (arg NULL) */
	TPIPE_RESHAPE_SQUEEZE,	/* --squeeze [axes] (NULL: all) */
	TPIPE_RESHAPE_UNSQUEEZE,	/* --unsqueeze "axis" */
	TPIPE_RESHAPE_TAKE	/* --take "axis=index" */
};
/* A pattern's operation: rearrange, --reduce sum|mean|max|min,
 * --repeat. */
enum tpipe_reshape_op {
	TPIPE_REARRANGE, TPIPE_REDUCE_SUM, TPIPE_REDUCE_MEAN,
	TPIPE_REDUCE_MAX, TPIPE_REDUCE_MIN, TPIPE_REPEAT
};

typedef struct tpipe_reshape tpipe_reshape;
/* A request (arg is copied); a pattern takes op and its nsizes
 * "name=size" operands.  A bad request is an error of status 2. */
TPIPE_API tpipe_reshape *tpipe_reshape_new(enum tpipe_reshape_form form,
    const char *arg, enum tpipe_reshape_op op, int nsizes,
    const char *const *sizes, tpipe_error *err);
/* Reshape in as treshape reshapes a record, into the new tensor *out
 * (threads >= 1 move the elements). */
TPIPE_API int tpipe_reshape_record(tpipe_reshape *r, const tpipe_tensor *in,
    tpipe_tensor *out, int threads, tpipe_error *err);
TPIPE_API void tpipe_reshape_free(tpipe_reshape *r);

/* --- gradients of layer chains (tgrad(1)) ---------------------------- */

typedef struct tpipe_grad tpipe_grad;
/* An empty chain computing in dtype (TPIPE_FLOAT32 or TPIPE_FLOAT64) on
 * threads threads. */
TPIPE_API tpipe_grad *tpipe_grad_new(int dtype, int threads,
    tpipe_error *err);
/*
 * Append a layer, or set the loss, as tgrad's word says ("relu",
 * "affine:W,b", "leaky_relu:0.1", "softmax-xent:y"), with the n tensors
 * the word's operands name, in their order (copied; the names in the
 * word stand for them, as file names do for tgrad).
 */
TPIPE_API int tpipe_grad_add(tpipe_grad *g, const char *word, int n,
    const tpipe_tensor *operands, tpipe_error *err);
/* The forward pass on x, then, with a loss, the backward pass: every
 * gradient. */
TPIPE_API int tpipe_grad_run(tpipe_grad *g, const tpipe_tensor *x,
    tpipe_error *err);
/* The gradients, as tgrad writes them: how many (dL/dX, then each
 * parameter's), gradient i's name ("X", "W1", "b1") and gradient i of
 * the last run (NULL before one), valid until the next run. */
TPIPE_API int tpipe_grad_count(const tpipe_grad *g);
TPIPE_API const char *tpipe_grad_name(const tpipe_grad *g, int i);
TPIPE_API const tpipe_tensor *tpipe_grad_gradient(tpipe_grad *g, int i);
/* The last run's loss, and its output Z (tgrad --forward). */
TPIPE_API double tpipe_grad_loss(const tpipe_grad *g);
TPIPE_API const tpipe_tensor *tpipe_grad_output(const tpipe_grad *g);
TPIPE_API void tpipe_grad_free(tpipe_grad *g);

/* --- projection (tproject(1)) ---------------------------------------- */

/* The GL calls that multiply a matrix onto the modelview or projection
 * matrix, as tproject's options name them; the numbers each takes. */
enum tpipe_gl_call {
	TPIPE_GL_MODELVIEW,	/* --modelview: 16, row-major math order */
	TPIPE_GL_PROJECTION,	/* --projection: 16 */
	TPIPE_GL_PERSPECTIVE,	/* fovy, aspect, near, far */
	TPIPE_GL_FRUSTUM,	/* left, right, bottom, top, near, far */
	TPIPE_GL_ORTHO,		/* the same 6 */
	TPIPE_GL_LOOKAT,	/* eye, center, up: 9 */
	TPIPE_GL_TRANSLATE,	/* x, y, z */
	TPIPE_GL_ROTATE,	/* angle (degrees), x, y, z */
	TPIPE_GL_SCALE		/* x, y, z */
};
#define TPIPE_PROJECT_Y_DOWN	1	/* --y-down */
#define TPIPE_PROJECT_KEEP_BEHIND 2	/* --keep-behind */

typedef struct tpipe_projection tpipe_projection;
/* A projection with identity matrices, no viewport, depth range 0, 1. */
TPIPE_API tpipe_projection *tpipe_projection_new(tpipe_error *err);
/* Multiply call's matrix, made from values, onto its stack, as the GL
 * call (and tproject's option of that name) does. */
TPIPE_API int tpipe_projection_multiply(tpipe_projection *p,
    enum tpipe_gl_call call, const double *values, tpipe_error *err);
/* --viewport x,y,width,height; --depth-range near,far. */
TPIPE_API int tpipe_projection_viewport(tpipe_projection *p, double x,
    double y, double width, double height, tpipe_error *err);
TPIPE_API int tpipe_projection_depth_range(tpipe_projection *p,
    double near, double far, tpipe_error *err);
/* TPIPE_PROJECT_Y_DOWN and TPIPE_PROJECT_KEEP_BEHIND, or 0. */
TPIPE_API int tpipe_projection_flags(tpipe_projection *p, int flags,
    tpipe_error *err);
/*
 * Project the points of in, shape (..., 3) or (..., 4), as tproject
 * projects a record, into the new tensor *out of shape (..., 3): window
 * coordinates (ndc without a viewport), float64 or float32 as dtype
 * says (TPIPE_FLOAT32, TPIPE_FLOAT64, or -1: float32 stays float32).
 * *behind, unless NULL, receives the number of points written as NaN.
 */
TPIPE_API int tpipe_project_record(tpipe_projection *p,
    const tpipe_tensor *in, int dtype, tpipe_tensor *out, size_t *behind,
    tpipe_error *err);
TPIPE_API void tpipe_projection_free(tpipe_projection *p);

#ifdef __cplusplus
}
#endif

#endif
