/*
 * tpipe.h - the core library every tpipe tool shares.
 *
 * A stream is NPY records back to back (or one PNG image, or text).
 * Tools read records with a tp_reader, compute, and write records with a
 * tp_writer.  Tensors in memory are always C order and native byte order.
 *
 * Conventions: functions whose name starts with "tp_e" or that are
 * documented "dies" print "tool: message" and exit(1) on failure; they
 * never return an error.  Usage errors exit 2 (tp_usage_die).
 */
#ifndef TPIPE_H
#define TPIPE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define TP_MAXDIM 64	/* numpy's own limit (NPY_MAXDIMS in numpy 2) */

/* --- dtypes ---------------------------------------------------------- */

enum tp_dtype {
	TP_B1, TP_U1, TP_I1, TP_U2, TP_I2, TP_U4, TP_I4, TP_U8, TP_I8,
	TP_F2, TP_F4, TP_F8, TP_C8, TP_C16,
	TP_NDTYPES
};

size_t tp_dtype_size(enum tp_dtype);
const char *tp_dtype_name(enum tp_dtype);	/* numpy's: "float64" */
const char *tp_dtype_descr(enum tp_dtype);	/* NPY descr: "<f8", "|u1" */
int tp_dtype_is_int(enum tp_dtype);		/* b1 and every integer */
int tp_dtype_is_complex(enum tp_dtype);
int tp_dtype_is_float(enum tp_dtype);		/* f2, f4, f8 */
/* Parse "f32", "float32", "f4", "<f4" ...; -1 if unknown. */
int tp_dtype_parse(const char *);

/*
 * The float type a tool computes in for input dtype t when the user asked
 * for want (TP_F4, TP_F8, or -1 for "keep"): floats keep their precision,
 * integers become f8, complex stays complex (c8/c16 by want).
 */
enum tp_dtype tp_compute_dtype(enum tp_dtype t, int want);

/* --- tensors --------------------------------------------------------- */

struct tp_tensor {
	enum tp_dtype dtype;
	int ndim;			/* 0 for a scalar */
	size_t shape[TP_MAXDIM];
	size_t count;			/* product of shape (1 for a scalar) */
	size_t nbytes;			/* count * dtype size */
	void *data;			/* NULL for a header only */
};

/*
 * Set t's shape and derive count and nbytes.  Returns 0, or -1 when the
 * element count or byte size would overflow (t is then unchanged).
 */
int tp_set_shape(struct tp_tensor *t, int ndim, const size_t *shape);
/* Same, but dies naming the shape. */
void tp_eset_shape(struct tp_tensor *t, int ndim, const size_t *shape);
/* Allocate t->data for t's shape and dtype (zeroed). Dies on failure. */
void tp_alloc(struct tp_tensor *t);
/* A new tensor of the given dtype and shape, data zeroed. */
struct tp_tensor tp_new(enum tp_dtype, int ndim, const size_t *shape);
void tp_free(struct tp_tensor *t);
/* Format the shape as numpy prints it: "(8, 1, 256)", "(3,)", "()". */
char *tp_shape_str(const struct tp_tensor *t, char *buf, size_t len);
/*
 * Parse "8,1,256" (commas or 'x'; an empty string or "()" is a scalar).
 * One entry may be -1 when allow_infer: it is returned as SIZE_MAX.
 * Returns ndim, or -1 with *why set.
 */
int tp_parse_shape(const char *s, size_t *shape, int allow_infer,
    const char **why);

/*
 * Convert n elements from src (dtype from) to dst (dtype to).  Floats to
 * integers round half to even and saturate; NaN becomes 0.  Complex to
 * real keeps the real part.  dst and src may not overlap unless equal.
 */
void tp_convert(void *dst, enum tp_dtype to, const void *src,
    enum tp_dtype from, size_t n);
/* A new tensor holding t converted to dtype to. */
struct tp_tensor tp_converted(const struct tp_tensor *t, enum tp_dtype to);

/*
 * A permutation of the axes of a C-order array of raw elements of any
 * size (numpy's transpose(perm) made contiguous): output axis k is input
 * axis perm[k].  tp_permute_plan works out the blocks (cache-sized tiles)
 * once; tp_permute_run copies blocks [first, end) of src into dst (which
 * do not overlap), so callers may run disjoint ranges on several
 * threads.  The plan dies if perm is not a permutation of 0..ndim-1.
 */
struct tp_permute {
	size_t es;			/* bytes per element, after merging */
	int ndim;			/* axes after merging; 0: a plain copy */
	int perm[TP_MAXDIM];
	size_t shape[TP_MAXDIM];	/* output shape (merged axes) */
	size_t istride[TP_MAXDIM];	/* input stride of each output axis */
	size_t ostride[TP_MAXDIM];	/* output stride, in elements */
	int b;				/* output axis that is input's last */
	size_t tile, ntile_a, ntile_b;	/* tile edge; tiles on axes a, b */
	size_t bytes;			/* bytes in all */
	size_t nblocks;			/* units of work for tp_permute_run */
};
void tp_permute_plan(struct tp_permute *, size_t es, int ndim,
    const size_t *shape, const int *perm);
void tp_permute_run(const struct tp_permute *, void *dst, const void *src,
    size_t first, size_t end);

/* IEEE half <-> float. */
float tp_half_to_float(uint16_t);
uint16_t tp_float_to_half(float);

/* --- random numbers, as numpy's legacy RandomState draws them ----- */

struct tp_rng {
	uint32_t key[624];
	int pos;
	int has_gauss;
	double gauss;
};
/* Seed as numpy.random.seed(seed) does. */
void tp_rng_seed(struct tp_rng *, uint32_t seed);
/* The next numpy.random.random_sample() value, in [0, 1). */
double tp_rng_uniform(struct tp_rng *);
/* The next numpy.random.randn() value (polar Box-Muller, cached pair). */
double tp_rng_normal(struct tp_rng *);

/* --- errors and memory ----------------------------------------------- */

/*
 * The few library functions that can fail return a message: NULL on
 * success, else a string literal or a message formatted into a tp_msg
 * the caller supplies (so no static buffer is shared between callers).
 * The caller prints it.  Every other function dies on failure.
 */
struct tp_msg { char text[256]; };
/* Format into m and return m->text (for functions returning a message). */
const char *tp_msgf(struct tp_msg *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));


/* Print "tool: message" (": strerror" when fmt ends in ':'), exit 1. */
void tp_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/* The same, exit 2: the command line is wrong. */
void tp_usage_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void tp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Bytes of input made safe to quote in a one-line message: at most 60 of
 * the n bytes at s (or up to a NUL), control and non-ASCII bytes written
 * as \xNN, "..." when cut.  Returns buf, which holds len bytes (>= 200).
 */
const char *tp_quote(const char *s, size_t n, char *buf, size_t len);
/* Allocators that die naming the size they could not get. */
void *tp_emalloc(size_t);
void *tp_ecalloc(size_t, size_t);
void *tp_erealloc(void *, size_t);
char *tp_estrdup(const char *);

/* --- command line ---------------------------------------------------- */

enum tp_format { TP_FMT_AUTO, TP_FMT_NPY, TP_FMT_TXT, TP_FMT_PNG };

/* The options every tool shares; see tp_common_option. */
struct tp_common {
	const char *output;		/* -o FILE, or NULL for stdout */
	enum tp_format format;		/* -O, TP_FMT_AUTO if not given */
	int dtype;			/* -t: TP_F4, TP_F8, or -1 */
	int threads;			/* -j, default online CPUs */
	int depth;			/* --depth 8|16 for PNG output */
};

/* Long option ids above any short option character. */
enum { TP_OPT_DEPTH = 256, TP_OPT_VERSION, TP_OPT_TOOL };

/* getopt_long entries and short letters for the common options. */
#define TP_COMMON_SHORTOPTS "ho:O:t:j:"
#define TP_COMMON_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "format", required_argument, NULL, 'O' }, \
	{ "dtype", required_argument, NULL, 't' }, \
	{ "threads", required_argument, NULL, 'j' }, \
	{ "depth", required_argument, NULL, TP_OPT_DEPTH }, \
	{ "version", no_argument, NULL, TP_OPT_VERSION }

/*
 * Start a tool: set the program name for messages, restore SIGPIPE, fill
 * c with defaults.  usage is the SYNOPSIS text printed by --help.
 */
void tp_init(struct tp_common *c, const char *usage);
/*
 * Handle option ch (with its argument) if it is a common one; returns 1
 * if handled, 0 if the tool must handle it.  Unknown options ('?') and
 * bad values are usage errors (exit 2); --help and --version exit 0.
 */
int tp_common_option(struct tp_common *c, int ch, const char *arg);
/* Print the usage line to stderr and exit 2. */
void tp_usage(void) __attribute__((noreturn));

/* Numbers from the command line; they die with exit 2 quoting s. */
double tp_parse_double(const char *s, double min, double max,
    const char *what);
long long tp_parse_int(const char *s, long long min, long long max,
    const char *what);
/* A comma list of at most max doubles; returns how many. */
int tp_parse_doubles(const char *s, double *out, int max, const char *what);

/* Online CPUs, at least 1. */
int tp_online_cpus(void);

/* --- reading --------------------------------------------------------- */

struct tp_reader;

/*
 * Open path ("-" or NULL is stdin) for reading records.  The first bytes
 * decide the format: NPY, PNG, or text.  shape, if not NULL, is the
 * shape (ndim entries, one may be SIZE_MAX to infer) of text records.
 * Dies if the file cannot be opened.
 */
struct tp_reader *tp_reader_open(const char *path, int ndim,
    const size_t *shape);
/* The name used in messages ("<stdin>" or the path). */
const char *tp_reader_name(const struct tp_reader *);
/* The format the first bytes showed (TP_FMT_NPY, _PNG or _TXT). */
enum tp_format tp_reader_format(const struct tp_reader *);
/*
 * Read the next record's header into hdr (data NULL).  Returns 1, or 0 at
 * a clean end of input.  Dies on a bad or truncated header.  The data of
 * the previous record must have been read in full.
 */
int tp_read_header(struct tp_reader *, struct tp_tensor *hdr);
/*
 * Read the next n bytes of the current record's data into dst, native
 * byte order, C order.  Dies if the input ends early, naming the record
 * and the byte counts.
 */
void tp_read_data(struct tp_reader *, void *dst, size_t n);
/* Read a whole record (header and data).  Returns 1, or 0 at the end. */
int tp_read(struct tp_reader *, struct tp_tensor *t);
/* Index of the current (last read) record, from 0. */
long tp_reader_index(const struct tp_reader *);
void tp_reader_close(struct tp_reader *);

/* Read the single record of an operand file (-k kernel.npy); dies if
 * the file holds no record or more than one. */
struct tp_tensor tp_read_operand(const char *path, const char *what);

/* --- writing --------------------------------------------------------- */

struct tp_writer;

/*
 * Open the output: c->output or stdout, in format c->format (resolved:
 * from the -o name's extension, else text on a terminal, else NPY).
 * A named file is written to a temporary file in the same directory and
 * renamed by tp_writer_close, so a failed run leaves no partial file.
 */
struct tp_writer *tp_writer_open(const struct tp_common *c);
/* Begin a record with hdr's dtype and shape.  Dies if the format cannot
 * hold it (PNG: 2-D, or 3-D with 1-4 channels, one image). */
void tp_write_header(struct tp_writer *, const struct tp_tensor *hdr);
/* Write n bytes of the record's data (whole elements, native order). */
void tp_write_data(struct tp_writer *, const void *src, size_t n);
/* Header and data of t. */
void tp_write(struct tp_writer *, const struct tp_tensor *t);
/* Flush, check, close; commit the -o file.  Dies on any error. */
void tp_writer_close(struct tp_writer *);
/*
 * Write the next n bytes of r's current record as the data of w's current
 * record, unchanged: spliced from input to output when both are NPY in
 * native order, else copied a chunk at a time.  Constant memory.
 */
void tp_write_from(struct tp_writer *, struct tp_reader *, size_t n);

/*
 * A private temporary file beside path, removed if the process exits or
 * is killed before tp_commit_file renames it onto path.
 */
int tp_create_temp(const char *path);
void tp_commit_file(int fd);

/* --- formats (used by the reader and writer; exposed for tests) ------ */

/*
 * Parse an NPY header dictionary (the text after the length field).
 * Fills hdr and *fortran and *swap.  Returns NULL, or a message.
 */
const char *tp_npy_parse_header(const char *text, size_t len,
    struct tp_tensor *hdr, int *fortran, int *swap);
/* Format an NPY header (magic to the final '\n') for hdr into buf; returns
 * its length, a multiple of 64.  buf must hold TP_NPY_HEADER_MAX bytes. */
#define TP_NPY_HEADER_MAX 4096
size_t tp_npy_format_header(const struct tp_tensor *hdr, char *buf);

#endif
