/*
 * tpipe.h - the core library every tpipe tool shares.
 *
 * A stream is NPY records back to back (or PNG images back to back, or text).
 * Tools read records with a tp_reader, compute, and write records with a
 * tp_writer.  Tensors in memory are always C order and native byte order.
 *
 * Errors: the few library functions that can fail return a tp_why:
 * NULL on success, else a string literal or text formatted with tp_msgf
 * into a struct tp_msg the caller supplies (no static buffers); the
 * caller prints it with its own context.  Every other function dies on
 * failure: tp_die prints "tool: what is wrong" and exits 1 (bad data, I/O),
 * tp_usage_die exits 2 (the command line is wrong).  Before a tool dies,
 * the records it had completed on stdout are written out (see tp_die).
 * Under a catch (struct tp_catch) a die returns to the catch instead:
 * the public library (include/tpipe/tpipe.h) is these functions called
 * under one.
 *
 * lib/ map, in layers that only look down (mk/layers.txt places every
 * file; make check tests it on the objects' symbols and the includes):
 *   core    alloc.c     allocators that die naming the size
 *           bigalloc.c  tp_big_alloc, huge-page friendly buffers
 *           error.c     tp_die, tp_usage_die, tp_warn, tp_quote, tp_msgf;
 *                       catches (a die that returns to its caller)
 *           track.c     arenas: what a call of the public library
 *                       allocated, freed if it dies
 *           dtype.c     dtype names, sizes and tp_convert
 *           tensor.c    shapes: tp_set_shape, tp_parse_shape, tp_new,
 *                       tp_converted
 *           permute.c   tp_permute: N-D permutation of raw elements,
 *                       cache-blocked, in ranges an engine fans out;
 *                       Fortran order to C order
 *           random.c    numpy's legacy Mersenne Twister, rand and randn
 *           progress.c/.h  the progress line on stderr: counters the
 *                       io layer adds to, a timer thread that draws
 *           cli.c       common options, tp_getopt, tp_choice, number
 *                       parsing, the -o extensions
 *   io      fdio.c      writing to a file descriptor; death by SIGPIPE
 *           npy.c       NPY header parsing and formatting
 *           pngio.c     PNG decoding and encoding (libpng), and the
 *                       framing of a stream of PNG images
 *           text.c      the text format, read and written
 *           csv.c       CSV: the row of names (--header), -O csv
 *           raw.c       headerless data (--raw): records' headers
 *           reader.c    tp_reader: records from a file or stdin
 *           writer.c    tp_writer: records to stdout or an -o file
 *           copy.c      tp_write_from: a record's bytes, reader to writer
 *           outfile.c   -o files made whole: temporary file, rename
 *           formats.h   private to lib/: codecs and reader/writer hooks
 *           matfile.c   MATLAB .mat files in, through libmatio
 *                       (matfile_walk.c: a v4/v5 file's variables by
 *                       their own bytes; matfile_write.c: .mat out;
 *                       matfile.h: what the three share)
 *   engine  engine.h    infrastructure shared by the engines:
 *   infra.  threads.c   tp_parallel, the -j thread pool; tp_prefault
 *           timing.c    the --verbose timing report
 *           fft.c/.h    FFTW plans, wisdom and threads (fft_axes.c:
 *                       several axes one at a time, lines gathered)
 *   engines conv.c/.h   N-D convolution and correlation (conv_path.c:
 *                       its FFT and direct paths; conv_typed.h: their
 *                       per-dtype kernels)
 *           gauss.c/.h  the sampled, normalised Gaussian (tgen)
 *           blur.c/.h   Gaussian blur from closed-form responses, DCT/
 *                       DST/FFT or FIR, state and entry points
 *                       (blur_opts.c: options and axes;
 *                       blur_response.c: responses and taps;
 *                       blur_axes.c: array geometry; blur_edges.c:
 *                       nearest and zero made exact; blur_fir.c: the
 *                       FIR path; blur_fft.c: the DCT/DST/FFT path;
 *                       blur_setup.c: cost model and set-up;
 *                       blur_impl.h: what they share; blur_typed.h:
 *                       per precision)
 *           reshape.c/.h  shapes, einops patterns, views, permutations,
 *                       reductions and repeats (treshape;
 *                       reshape_parse.c: the requests and the einops
 *                       grammar; reshape_run.c: permuting, reducing,
 *                       repeating; reshape_explain.c: the --explain
 *                       text; reshape_impl.h: what its files share)
 *           project.c/.h  project, unproject (tproject; project_mat.c:
 *                       4x4 matrices, GL/GLU builders; project_render.c:
 *                       --render; project_typed.h: a block of points per
 *                       element type; project_impl.h: what they share)
 *           grad.c/.h   layer chains: forward, backward, checking (tgrad)
 *                       (grad_layers.c: the layer kinds; grad_loss.c: the
 *                       losses; grad_parse.c: words; grad_check.c:
 *                       --check; grad_explain.c: --explain; grad_impl.h:
 *                       what they share)
 *           spectrum.c/.h  numpy.fft's and scipy.fft's transforms along
 *                       axes, windows, shifts, norms, views (tfft;
 *                       spectrum_data.c: windows, frequencies and the
 *                       passes over the data; spectrum_impl.h: what
 *                       they share)
 *           expr.h      elementwise expressions (tmath): expr_parse.c the
 *                       language, expr_types.c NumPy's types (expr_loops.h:
 *                       its tables), expr_convert.c conversions between
 *                       dtypes, expr_kernels.c the kernels, expr_eval.c
 *                       fused blocks on threads, expr_explain.c --explain
 *                       (expr_impl.h: what they share)
 *   pictures colormap.c/.h  colour maps as matplotlib defines them and
 *                       normalisation to [0, 1] (tcat, tinfo pictures): on
 *                       core and io, beside infra and the engines (it
 *                       parses --cmap and --range, which no engine does);
 *                       colormap_tables.c: matplotlib's numbers;
 *                       colormap_impl.h: what the two share
 */
#ifndef TPIPE_H
#define TPIPE_H

#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define TP_MAXDIM 64	/* numpy's own limit (NPY_MAXDIMS in numpy 2) */

/*
 * What a function that can fail returns (see Errors above): NULL on
 * success, else the message saying why.  Functions that return a name
 * or other text stay const char *.
 */
typedef const char *tp_why;

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
/*
 * Parse a dtype as numpy.dtype() spells it ("float32", "f4", "<f4", "|u1",
 * "?": codes count bytes, so "u8" is uint64), or tpipe's "f32" and "f64".
 * tp_dtype_lookup returns NULL, or a message in m: unknown, or ambiguous
 * ("'u16' is ambiguous: write uint16, or u2" for u16 ... i64, f16, c64,
 * c128).  tp_dtype_parse returns the dtype, or -1 for either.
 */
struct tp_msg;
tp_why tp_dtype_lookup(const char *s, enum tp_dtype *t,
    struct tp_msg *m);
int tp_dtype_parse(const char *);

/* Reverse the bytes of each element of dtype t (of each part of a
 * complex one) in the n bytes at data: the other byte order. */
void tp_byteswap(void *data, size_t n, enum tp_dtype t);

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

struct tp_msg;
/*
 * Set t's shape (its dtype already set) and derive count and nbytes.
 * Returns NULL, or a message naming the shape when it has too many axes
 * or its element count or byte size would overflow (t is then unchanged).
 */
tp_why tp_set_shape(struct tp_tensor *t, int ndim, const size_t *shape,
    struct tp_msg *m);
/* Same, but dies naming the shape. */
void tp_eset_shape(struct tp_tensor *t, int ndim, const size_t *shape);
/* Allocate t->data for t's shape and dtype (zeroed). Dies on failure. */
void tp_alloc(struct tp_tensor *t);
/* A new tensor of the given dtype and shape, data zeroed. */
struct tp_tensor tp_new(enum tp_dtype, int ndim, const size_t *shape);
void tp_free(struct tp_tensor *t);
/* Format the shape as numpy prints it: "(8, 1, 256)", "(3,)", "()". */
char *tp_shape_str(const struct tp_tensor *t, char *buf, size_t len);
/* Flat index i of t as numpy prints its multi-index: "(2, 3)", "(4,)",
 * "()"; returns buf, which holds len bytes. */
char *tp_index_str(const struct tp_tensor *t, size_t i, char *buf,
    size_t len);
/* The flat index of t's first NaN or infinity, or t->count when there is
 * none or t is not float32 or float64. */
size_t tp_first_nonfinite(const struct tp_tensor *t);
/*
 * Parse "8,1,256" or "8x1x256" ("()" is a scalar; an empty string is
 * refused) into shape, which holds max sizes (at most TP_MAXDIM), and
 * *ndim.  More sizes than max are refused, before any is stored past
 * shape[max - 1].  Sizes are plain decimal digits ("0x10" is refused as
 * hexadecimal-looking), at most PTRDIFF_MAX as in numpy.  One entry may
 * be -1 when allow_infer: it is returned as SIZE_MAX.  Returns NULL, or a
 * message quoting s.
 */
tp_why tp_parse_shape(const char *s, size_t *shape, int max, int *ndim,
    int allow_infer, struct tp_msg *m);

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
	size_t esz;			/* bytes per element, after merging */
	int ndim;			/* axes after merging; 0: a copy */
	int perm[TP_MAXDIM];
	size_t shape[TP_MAXDIM];	/* output shape (merged axes) */
	size_t istride[TP_MAXDIM];	/* input stride of each output axis */
	size_t ostride[TP_MAXDIM];	/* output stride, in elements */
	int b;				/* output axis that is input's last */
	size_t tile, ntile_a, ntile_b;	/* tile edge; tiles on axes a, b */
	int nt;				/* store past the cache (large) */
	size_t bytes;			/* bytes in all */
	size_t nblocks;			/* units of work for tp_permute_run */
};
void tp_permute_plan(struct tp_permute *, size_t esz, int ndim,
    const size_t *shape, const int *perm);
void tp_permute_run(const struct tp_permute *, void *dst, const void *src,
    size_t first, size_t end);
/*
 * All the axes of src (C order, shape shape) reversed into dst: numpy's
 * src.T made contiguous, of shape (shape[ndim-1], ..., shape[0]).  Read
 * in Fortran order, dst holds src's elements in src's own index order,
 * so this is the step from C order to Fortran order, and back (with the
 * reversed shape).  esz bytes per element; one thread.
 */
void tp_reverse_axes(void *dst, const void *src, size_t esz, int ndim,
    const size_t *shape);
/* The C-order copy (malloc'd; free it) of f, an array of h's shape and
 * dtype in Fortran order (numpy's order='F'). */
void *tp_fortran_to_c(const void *f, const struct tp_tensor *h);

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

/* A message formatted for a caller (see the top of this file). */
struct tp_msg { char text[256]; };
/* Format into m and return m->text (for functions returning a message). */
tp_why tp_msgf(struct tp_msg *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));


/*
 * Print "tool: message" (": strerror" when fmt ends in ':') and exit 1.
 * First the hook set by tp_on_die runs (the writer uses it to write out
 * the records completed on stdout) and stdout's stdio buffer is flushed,
 * so complete output before an error always reaches the reader.
 */
void tp_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/* The same, exit 2: the command line is wrong. */
void tp_usage_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void tp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A catch: while one is pushed on a thread, tp_die and tp_usage_die on
 * that thread neither print nor exit nor run the tp_on_die hook: they
 * pop it, keep the message (": strerror" appended when fmt ends in ':')
 * and the status (1 or 2) in it, and longjmp to its env; tp_warn prints
 * nothing.  The public library's entry points (lib/api_*.c) and the
 * thread pool's items (threads.c) run under one.  The caller pushes it,
 * then calls setjmp(c.env) in the frame that stays live, and pops it
 * when the call returns normally.  Catches nest.  tp_rethrow dies again
 * with a caught message and status (on the next catch out, or for real).
 */
#include <setjmp.h>
struct tp_catch {
	jmp_buf env;
	int status;			/* 1 or 2 once caught */
	char text[1024];		/* the message, no program name */
	struct tp_catch *prev;
};
void tp_catch_push(struct tp_catch *);
void tp_catch_pop(struct tp_catch *);
int tp_catching(void);			/* a catch is set on this thread */
void tp_rethrow(const struct tp_catch *) __attribute__((noreturn));
/*
 * Arenas (track.c): in the public library's build, where lib/'s calls to
 * malloc, calloc, realloc, free, strdup and posix_memalign go to track.c,
 * the blocks a thread allocates while it has entered an arena are
 * recorded there until they are freed (by any thread), so that a call
 * that died can free what it left: tp_arena_free_all.  tp_arena_forget
 * stops tracking a's blocks; tp_arena_release one block (handed to the
 * caller).  tp_arena_enter returns the arena it replaces (NULL: none).
 * In the tools' build nothing is tracked and these find nothing.
 */
struct tp_arena { char unused; };
struct tp_arena *tp_arena_enter(struct tp_arena *);
void tp_arena_release(const void *p);
void tp_arena_free_all(struct tp_arena *);
void tp_arena_forget(struct tp_arena *);
size_t tp_arena_count(struct tp_arena *);	/* a's blocks (tests) */
/* Call fn (once) before a die prints its message; NULL removes it.  fn
 * must not die. */
void tp_on_die(void (*fn)(void));
/* Call fn (once) before that hook: for work still under way on another
 * thread, such as a write (threads.c's background job), to end first.
 * fn must not die. */
void tp_on_die_wait(void (*fn)(void));
/*
 * Call fn around every message tp_die, tp_usage_die and tp_warn print:
 * fn(TP_MSG_BEGIN) before a warning and fn(TP_MSG_END) after it;
 * fn(TP_MSG_DIE) before a die's message, and nothing after (the process
 * exits).  NULL removes it.  fn must not print or die.  The progress line
 * (progress.c) uses it to get out of the way.
 */
enum { TP_MSG_BEGIN, TP_MSG_END, TP_MSG_DIE };
void tp_on_message(void (*fn)(int phase));
/*
 * Bytes of input made safe to quote in a one-line message: at most 60 of
 * the n bytes at s (or up to a NUL), control and non-ASCII bytes written
 * as \xNN, "..." when cut (by the 60 or by len).  Returns buf, which
 * holds len bytes (at least 8).
 */
const char *tp_quote(const char *s, size_t n, char *buf, size_t len);
/* Allocators that die naming the size they could not get. */
void *tp_emalloc(size_t);
void *tp_ecalloc(size_t, size_t);
void *tp_erealloc(void *, size_t);
char *tp_estrdup(const char *);
/* A copy of the whole string s made safe as tp_quote makes it (no cut
 * after 60 bytes), to name a file in messages. */
char *tp_printable(const char *s);
/*
 * n bytes for a large buffer, uninitialised: 2 MiB aligned and marked
 * for transparent huge pages when n is large (first touch is then
 * several times cheaper: 64 MiB read into it in 5 ms instead of 30),
 * else plain malloc.  Dies naming the size.  Free with free().
 */
void *tp_big_alloc(size_t n);

/* --- command line ---------------------------------------------------- */

/* The formats records are read from and written in (tpipe(7)). */
enum tp_format { TP_FMT_AUTO, TP_FMT_NPY, TP_FMT_TXT, TP_FMT_PNG,
	TP_FMT_CSV, TP_FMT_TIFF, TP_FMT_JPEG, TP_FMT_MAT, TP_FMT_MRC,
	TP_FMT_RAW };
/* The words of -O, as every tool's usage lists them (cli.c's table). */
#define TP_FORMAT_NAMES "npy|txt|png|csv|raw|tiff|jpeg|mrc|mat"
/* --compress: TP_COMPRESS_AUTO is the format's default. */
enum tp_compress { TP_COMPRESS_AUTO, TP_COMPRESS_NONE, TP_COMPRESS_DEFLATE };

/* The options every tool shares; see tp_common_option (--progress and
 * --quiet go straight to progress.c). */
struct tp_common {
	const char *output;		/* -o FILE, or NULL for stdout */
	enum tp_format format;		/* -O, TP_FMT_AUTO if not given */
	int dtype;			/* -t: TP_F4, TP_F8, or -1 */
	int threads;			/* -j, default online CPUs */
	int depth;			/* --depth 8|16 for PNG output */
	int quality;			/* --quality 1-100 for JPEG, 0 unset */
	enum tp_compress compress;	/* --compress none|deflate */
	int mat73;			/* --mat-version 7.3: HDF5 .mat */
};

/* Long option ids above any short option character; a tool's own start
 * at TP_OPT_TOOL. */
enum { TP_OPT_DEPTH = 256, TP_OPT_VERSION, TP_OPT_PROGRESS, TP_OPT_QUIET,
	TP_OPT_QUALITY, TP_OPT_COMPRESS, TP_OPT_SHAPE, TP_OPT_RAW,
	TP_OPT_SKIP, TP_OPT_ORDER, TP_OPT_HEADER, TP_OPT_VAR,
	TP_OPT_MAT_VERSION, TP_OPT_TOOL };

/* getopt_long entries and short letters for the common options. */
#define TP_COMMON_SHORTOPTS "ho:O:t:j:"
#define TP_COMMON_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "format", required_argument, NULL, 'O' }, \
	{ "dtype", required_argument, NULL, 't' }, \
	{ "threads", required_argument, NULL, 'j' }, \
	{ "depth", required_argument, NULL, TP_OPT_DEPTH }, \
	{ "quality", required_argument, NULL, TP_OPT_QUALITY }, \
	{ "compress", required_argument, NULL, TP_OPT_COMPRESS }, \
	{ "mat-version", required_argument, NULL, TP_OPT_MAT_VERSION }, \
	{ "version", no_argument, NULL, TP_OPT_VERSION }, \
	TP_PROGRESS_LONGOPTS
/* getopt_long entries for the input options of the tools that read
 * files of any format (tcat, tinfo): tp_input_option parses them. */
#define TP_INPUT_LONGOPTS \
	{ "shape", required_argument, NULL, TP_OPT_SHAPE }, \
	{ "raw", required_argument, NULL, TP_OPT_RAW }, \
	{ "skip", required_argument, NULL, TP_OPT_SKIP }, \
	{ "order", required_argument, NULL, TP_OPT_ORDER }, \
	{ "header", no_argument, NULL, TP_OPT_HEADER }, \
	{ "var", required_argument, NULL, TP_OPT_VAR }
/* --progress and --quiet alone, for a tool without the other common
 * options (tinfo). */
#define TP_PROGRESS_LONGOPTS \
	{ "progress", no_argument, NULL, TP_OPT_PROGRESS }, \
	{ "quiet", no_argument, NULL, TP_OPT_QUIET }

/*
 * Start a tool: set the program name for messages, restore SIGPIPE, fill
 * c with defaults.  usage is the SYNOPSIS text printed by --help.
 */
void tp_init(struct tp_common *c, const char *usage);
/*
 * Handle option ch (with its argument) if it is a common one; returns 1
 * if handled, 0 if the tool must handle it.  Unknown options ('?', from
 * a plain getopt_long; tp_getopt reports them itself) and bad values are
 * usage errors (exit 2); --help and --version exit 0, or die if stdout
 * cannot be written.
 */
int tp_common_option(struct tp_common *c, int ch, const char *arg);
/* Print the usage line to stderr and exit 2 (the progress line, if
 * any, gone first). */
void tp_usage(void) __attribute__((noreturn));
/*
 * getopt_long for a tool, with three differences.  A negative number such
 * as "-5,5" or "-1" is an operand, not an option ("tgen range -5,5").  A
 * bad option (unknown, ambiguous, missing or unexpected value) is a
 * usage error: one line naming it, then the usage, exit 2.  When it
 * returns -1 (the options are all read) it starts the progress line
 * (progress.h) for the operands, which are left in argv[optind..argc) in
 * their order, as getopt_long leaves them.
 * A first argument --tpipe-options prints the option table for shell
 * completion (tpipe(7)) and exits 0.
 * An empty option value ("-s ''", "--squeeze=") is a usage error naming
 * the option.  When the options are read, a tool that writes tensors
 * (it takes -O) has its -o name checked: an extension no writer knows
 * (tp_output_format) is a usage error unless -O says what to write.
 */
int tp_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts);
/*
 * Name, for shell completion (--tpipe-options), the words the first
 * operand (every is 0) or every operand (1) may be: list holds them
 * separated by ", ", as "relu, mse:TARGET" (a word taking operands is
 * offered as "mse:").  list must live until tp_getopt returns -1.
 */
void tp_operand_words(const char *list, int every);

/*
 * The input file of a tool that reads one, from its n operands at
 * operands: NULL (the standard input) when there is none, else the one;
 * more than one is a usage error quoting the first two.
 */
const char *tp_input_operand(int n, char *const *operands);

/*
 * A word an option (or an operand) may be, and the value it stands for.
 * A table of them ends with { NULL, 0 }; its order is the order messages
 * list the words in.
 */
struct tp_choice { const char *word; int value; };
/*
 * The value of word in the table choices.  Any other word, the empty one
 * too, is a usage error in the one shape every tool gives it, the word
 * quoted (tp_quote): "what 'word' is not one of a, b, c"; exit 2.  what
 * is the option as the usage writes it ("--boundary", "-O") or the
 * operand ("kind").
 */
int tp_choice(const char *word, const struct tp_choice *choices,
    const char *what);
/* The entry of choices whose word is word, or NULL. */
const struct tp_choice *tp_choice_find(const struct tp_choice *choices,
    const char *word);
/* The (first) word of value v in choices, or NULL. */
const char *tp_choice_word(const struct tp_choice *choices, int v);
/* The words of choices as "a, b, c" in buf (len bytes); returns buf. */
char *tp_choice_list(const struct tp_choice *choices, char *buf,
    size_t len);

/*
 * The format the output file name path asks for by its extension: the
 * end of its last component from the last '.' (not a leading one), in
 * any case, as the one table in cli.c lists them (.npy, .png, .txt,
 * .csv).  *fmt is TP_FMT_AUTO for a name without an extension ("out",
 * ".hidden", "dir.d/out").  Returns NULL, or a message quoting path and
 * listing the extensions known when it has another one ("soft.jpg").
 */
tp_why tp_output_format(const char *path, enum tp_format *fmt,
    struct tp_msg *m);

/* Numbers from the command line; they die with exit 2 quoting s. */
double tp_parse_double(const char *s, double min, double max,
    const char *what);
long long tp_parse_int(const char *s, long long min, long long max,
    const char *what);
/* A comma list of at most max doubles; returns how many. */
int tp_parse_doubles(const char *s, double *out, int max, const char *what);
/*
 * Split the comma list s of option opt ("--op") into at most max
 * entries, none empty; dies (exit 2) naming the list otherwise.  Returns
 * the count; the entries point into *copy, which the caller frees.
 */
int tp_split_list(const char *opt, const char *s, char **copy, char **ent,
    int max);

/* Online CPUs, at least 1. */
int tp_online_cpus(void);

/* --- reading --------------------------------------------------------- */

struct tp_reader;

/*
 * How to read an input whose bytes do not say it all (tcat's and tinfo's
 * input options); tp_input_init fills the defaults, under which the
 * first bytes decide everything.
 */
struct tp_input {
	int ndim;		/* --shape: ndim entries, one may be SIZE_MAX */
	size_t shape[TP_MAXDIM];	/* (inferred), or ndim -1 */
	int raw;		/* --raw DTYPE: headerless data of this */
				/* dtype (enum tp_dtype), or -1 */
	int swap;		/* --raw's dtype is in the other byte */
				/* order (">u2" on a little-endian machine) */
	unsigned long long skip;	/* --skip: raw bytes before the data */
	int fortran;		/* --order F: raw data in Fortran order */
	const char *var;	/* --var: the one .mat variable, or NULL */
	int header;		/* --header: CSV input begins with names */
};
void tp_input_init(struct tp_input *in);
/*
 * Handle option ch (with its argument) if it is an input option
 * (TP_INPUT_LONGOPTS): --shape S, --raw DTYPE (numpy's names; a byte
 * order '>' or '<' other than the machine's sets swap), --skip BYTES,
 * --order C|F, --header, --var NAME.  Returns 1 if handled, else 0; a bad
 * value is a usage error (exit 2).
 */
int tp_input_option(struct tp_input *in, int ch, const char *arg);
/* Once the options are read: a usage error (exit 2) if they do not go
 * together (--skip or --order without --raw, --header with --raw or
 * --shape, --var with --raw). */
void tp_input_check(const struct tp_input *in);
/*
 * Open path ("-" or NULL is stdin) for reading records as in says (NULL:
 * the defaults).  Unless in names raw data, the first bytes decide the
 * format by content, never by the name (tpipe(7) FORMATS).  Dies if the
 * file cannot be opened, or if in asks what the format does not take.
 */
struct tp_reader *tp_reader_open_input(const char *path,
    const struct tp_input *in);
/*
 * Readers for the n files (paths, "-" the standard input), in a new
 * array of n: when in asks what some formats do not take (--shape,
 * --header, --var), every file is opened now, so that one it cannot apply to is
 * refused before any output (stdin once: a later "-" finds it ended);
 * else the entries are NULL, for tp_reader_open_input in their turn.
 */
struct tp_reader **tp_reader_open_all(int n, char *const *files,
    const struct tp_input *in);
/* tp_reader_open_input with the defaults, and shape, if not NULL, the
 * shape (ndim entries, one may be SIZE_MAX) of text records. */
struct tp_reader *tp_reader_open(const char *path, int ndim,
    const size_t *shape);
/* Read records from the descriptor fd (>= 1; closed by
 * tp_reader_close), named name in messages; otherwise as
 * tp_reader_open_input with the defaults. */
struct tp_reader *tp_reader_open_fd(int fd, const char *name);
/* The current record's name (a .mat variable's), or NULL. */
const char *tp_reader_record_name(const struct tp_reader *);
/* The names of the current record's columns (*n of them), which the
 * row of names that heads CSV input gives its first record (--header),
 * or NULL. */
const char *const *tp_reader_column_names(const struct tp_reader *,
    size_t *n);
/* The name used in messages: "<stdin>", or the path as tp_printable
 * shows it. */
const char *tp_reader_name(const struct tp_reader *);
/* The path as given, or "<stdin>". */
const char *tp_reader_path(const struct tp_reader *);
/* The format the first bytes showed (or --raw). */
enum tp_format tp_reader_format(const struct tp_reader *);
/*
 * Read the next record's header into hdr (data NULL).  Returns 1, or 0 at
 * a clean end of input.  Dies on a bad or truncated header.  The data of
 * the previous record must have been read in full.
 */
int tp_read_header(struct tp_reader *, struct tp_tensor *hdr);
/*
 * Read the next n bytes of the current record's data into dst, native
 * byte order, C order.  n may be any count, not only whole elements: a
 * read that ends inside an element delivers that element's first bytes
 * and the next read its rest (a byte-swapped element is read whole to
 * do so).  Dies if the input ends early, naming the record and the byte
 * counts.
 */
void tp_read_data(struct tp_reader *, void *dst, size_t n);
/*
 * Read the next count elements of the current record's data into dst,
 * converted to dtype to (as tp_convert does), a chunk at a time: no
 * memory beyond dst and a small fixed buffer.  Dies as tp_read_data.
 */
void tp_read_data_as(struct tp_reader *, void *dst, enum tp_dtype to,
    size_t count);
/* Read and drop the next n bytes of the current record's data, a chunk
 * at a time (constant memory).  Dies as tp_read_data. */
void tp_skip_data(struct tp_reader *, size_t n);
/*
 * The bytes a record's header alone is trusted with: the reader's first
 * buffer for the record, and what a tool may allocate from the header
 * before the data has arrived (tfft's plans, tblur's corner factors).
 * More needs the data, or a file that holds the record.
 */
#define TP_HEADER_TRUST ((size_t)64 << 20)
/*
 * Read the rest of the current record's data (from an element boundary)
 * into a new buffer, converted to dtype to as tp_convert does; free it
 * with free().  The buffer grows geometrically as the data arrives (from
 * TP_HEADER_TRUST), so a header that claims more than the input holds
 * ends in tp_read_data's truncation error, never in an allocation of the
 * size it claims: every read of a record whole goes through here.  Dies as
 * tp_read_data, or naming the record when its elements in dtype to
 * would not fit in the address space.
 */
void *tp_read_rest_as(struct tp_reader *, enum tp_dtype to);
/* 1 if the input is a regular file that holds the rest of the current
 * record (its size tells, without reading), else 0: a header is not
 * trusted for memory, but such a file is. */
int tp_reader_holds_record(struct tp_reader *);
/* After tp_read_header gave t, its data in dtype to (t's dtype and
 * nbytes follow): a decoded record is handed over when it is already
 * that dtype, else through tp_read_rest_as. */
void tp_read_data_in(struct tp_reader *, struct tp_tensor *t,
    enum tp_dtype to);
/* Read a whole record (header and data), through tp_read_data_in.
 * Returns 1, or 0 at the end. */
int tp_read(struct tp_reader *, struct tp_tensor *t);
/* Index of the current (last read) record, from 0. */
long tp_reader_index(const struct tp_reader *);
void tp_reader_close(struct tp_reader *);
/* Close r's descriptor and nothing else: its memory is left to the
 * caller (the public library's reader whose call failed).  Never
 * dies. */
void tp_reader_abandon(struct tp_reader *);

/* Read the single record of an operand file (-k kernel.npy); dies if
 * the file holds no record or more than one.  The progress line does
 * not count it: it is not part of the stream. */
struct tp_tensor tp_read_operand(const char *path, const char *what);

/* --- writing --------------------------------------------------------- */

struct tp_writer;

/*
 * Open the output path (NULL for stdout) in format fmt; TP_FMT_AUTO is
 * resolved from the path's extension (tp_output_format: an extension no
 * writer knows is a usage error), else NPY for a named file without
 * one, else text when stdout is a terminal, else NPY.  depth is the
 * PNG bit depth (8, 16, or 0 for the dtype's).  A named file is written
 * to a temporary file beside it and renamed by tp_writer_close, so a
 * failed run leaves no partial file (see tp_create_temp).
 */
struct tp_writer *tp_writer_open_path(const char *path, enum tp_format fmt,
    int depth);
/* Write to the descriptor fd (closed by tp_writer_close), named name in
 * messages, in format fmt (TP_FMT_AUTO: NPY); otherwise as
 * tp_writer_open_path of stdout. */
struct tp_writer *tp_writer_open_fd(int fd, const char *name,
    enum tp_format fmt, int depth);
/* The format tp_writer_open_path writes path in, fmt resolved as it
 * says: a tool that cannot write one refuses it before reading. */
enum tp_format tp_writer_format(const char *path, enum tp_format fmt);
/* tp_writer_open_path of the -o, -O and --depth options in c, and the
 * writers' other options (--quality, --compress). */
struct tp_writer *tp_writer_open(const struct tp_common *c);
/* Name the next record (a .mat variable); name NULL: the format's
 * default.  Formats without names ignore it. */
void tp_writer_name_next(struct tp_writer *, const char *name);
/* Begin a record with hdr's dtype and shape.  Dies if the format cannot
 * hold it (PNG: 2-D, or 3-D with 1-4 channels, one image). */
void tp_write_header(struct tp_writer *, const struct tp_tensor *hdr);
/* Write n bytes of the record's data (native order).  n may be any
 * count: an element split between calls is completed by the next. */
void tp_write_data(struct tp_writer *, const void *src, size_t n);
/* Header and data of t. */
void tp_write(struct tp_writer *, const struct tp_tensor *t);
/* Flush, check, close; commit the -o file.  Dies on any error. */
void tp_writer_close(struct tp_writer *);
/* Give w's output up: no more tracked for a die, the records complete
 * in its buffer written out (as a die would) and its descriptor closed,
 * or its temporary file removed; w's memory is left to the caller (the
 * public library's writer whose call failed).  Never dies. */
void tp_writer_abandon(struct tp_writer *);
/*
 * Write the next n bytes of r's current record as the data of w's current
 * record, unchanged (same dtype): spliced from input to output when both
 * are NPY in native order, else copied a chunk at a time.  Constant
 * memory.  The one place bytes go from a reader to a writer (copy.c).
 */
void tp_write_from(struct tp_writer *, struct tp_reader *, size_t n);

/*
 * A private temporary file for the output path, removed if the process
 * exits or is killed before tp_commit_file renames it into place.  A
 * symbolic link is followed to the file it names (which need not exist
 * yet): the temporary file goes beside that file and replaces it, and the
 * link stays.  A path that exists and is not a regular file (a FIFO, a
 * device) is opened and returned as it is.  At most 8 are open at once;
 * a committed one's place is taken again.
 */
int tp_create_temp(const char *path);
void tp_commit_file(int fd);
/* Close fd and remove its temporary file, if it has one: the output is
 * given up (the public library's writer whose call failed).  Never
 * dies. */
void tp_discard_file(int fd);

/* --- formats (used by the reader and writer; exposed for tests) ------ */

/*
 * Parse an NPY header dictionary (the text after the length field),
 * refusing what numpy.load refuses.  Fills hdr and *fortran and *swap.
 * Returns NULL, or a message (a literal, or formatted into m).
 */
tp_why tp_npy_parse_header(const char *text, size_t len,
    struct tp_tensor *hdr, int *fortran, int *swap, struct tp_msg *m);
/* Format an NPY header (magic to the final '\n') for hdr into buf, byte
 * for byte as numpy.save writes it; returns its length, a multiple of 64.
 * buf must hold TP_NPY_HEADER_MAX bytes. */
#define TP_NPY_HEADER_MAX 4096
size_t tp_npy_format_header(const struct tp_tensor *hdr, char *buf);

#endif
