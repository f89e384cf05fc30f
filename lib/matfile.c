/*
 * matfile.c - MATLAB .mat files in, through libmatio (tp_mat_decoder):
 * the numeric, logical and complex arrays of a v4, v5 (compressed or
 * not) or v7.3 (HDF5) file, as records in file order, each named for
 * its variable, with MATLAB's shape and element order as
 * scipy.io.loadmat gives them (C order here: MATLAB's column order
 * becomes the record's reversed axes, reversed back).  Cells, structs,
 * objects, sparse matrices, char and function handles are refused,
 * naming the variable and its class.
 *
 * A v4 or v5 file is walked by its own bytes (matfile_walk.c): a cut
 * or corrupt variable is found there, after the variables before it
 * are delivered, and libmatio decodes each numeric variable from a
 * private file holding the file's header and that variable alone, so
 * it never parses what tpipe refuses or skips.  A v7.3 file is HDF5:
 * libmatio (with HDF5) reads it whole, in the order HDF5 lists the
 * variables (by name).  libmatio reads files by name: input from a
 * pipe is first written to a private temporary file, unlinked as soon
 * as it is open; a regular file is opened by its path.  libmatio's and
 * HDF5's messages never reach stderr (tp_mat_log_start); the reason
 * they give ends up in tpipe's own one-line message.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats.h"
#include "matfile.h"
#include "tpipe.h"

/* The decoder's state: the input and how far it has been read. */
struct matfile {
	struct mat_src src;
	unsigned char *mem;	/* the input, when it came from a pipe */
	uint64_t next;		/* v4, v5: the next variable's byte */
	mat_t *mat;		/* v7.3: the file, open */
	char **dir;		/* v7.3: its variables' names (matio's), */
	size_t nvars, at;	/* how many read cleanly, the next */
	char bad[256];		/* v7.3: why the listing stopped, or "" */
	int done;		/* --var: the variable was read */
};

/* --- what the three .mat files share -------------------------------- */

static char logtext[160];	/* matio's first message since */
static char h5text[96];		/* and HDF5's deepest reason */
static char joined[280];
static int logged;		/* either is set */
static int troubled;		/* a message came, ever */

/* LeakSanitizer (SANITIZE=1 builds, the fuzz build): HDF5 loses memory
 * on some of the error paths a corrupt v7.3 file takes (libmatio and
 * HDF5 are not tpipe's to fix); never a leak of tpipe's own. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libhdf5_serial.so\n";
}

/* s made one printable line in place. */
static void
one_line(char *s)
{
	s[strcspn(s, "\n")] = '\0';
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = ' ';
}

/* libmatio's log function: keep its first message of its own, and the
 * reason HDF5 gives last (the deepest), each one printable line. */
static void
on_log(int level, char *msg)
{
	const char *minor = strstr(msg, "minor: ");

	if (!(level & (MATIO_LOG_LEVEL_CRITICAL | MATIO_LOG_LEVEL_ERROR)))
		return;
	if (!strncmp(msg, "HDF5", 4) && minor) {
		snprintf(h5text, sizeof h5text, "HDF5: %s", minor + 7);
		one_line(h5text);
	} else if (!logtext[0]) {
		snprintf(logtext, sizeof logtext, "%s", msg);
		one_line(logtext);
	}
	logged = troubled = 1;
}

/*
 * At exit, after a message from libmatio or HDF5: standard error goes
 * to /dev/null first.  libmatio leaves HDF5 objects open on some of
 * its error paths, and HDF5's own exit handler then prints "HDF5:
 * infinite loop closing library" and more; tpipe's one line is out
 * already.  Registered after HDF5's handler (which Mat_LogInitFunc's
 * first HDF5 call registers), so it runs before it.
 */
static void
quiet_exit(void)
{
	int fd;

	if (!troubled)
		return;
	fflush(stderr);
	if ((fd = open("/dev/null", O_WRONLY)) >= 0)
		dup2(fd, 2);
}

/* libmatio's soname, from the library the build found (Makefile) */
#ifndef TP_MATIO_SONAME
#define TP_MATIO_SONAME "libmatio.so"
#endif

struct tp_matio tp_matio;

/* tp_matio filled from libmatio, loaded now; dies if it cannot be. */
static void
load_matio(void)
{
	const char *name = TP_MATIO_SONAME[0] ? TP_MATIO_SONAME :
	    "libmatio.so";
	static const struct {
		const char *sym;
		size_t at;
	} fn[] = {
#define FN(f) { #f, offsetof(struct tp_matio, f) }
		FN(Mat_Close), FN(Mat_CreateVer), FN(Mat_GetDir),
		FN(Mat_LogInitFunc), FN(Mat_Open), FN(Mat_Rewind),
		FN(Mat_VarCreate), FN(Mat_VarFree), FN(Mat_VarReadDataAll),
		FN(Mat_VarReadInfo), FN(Mat_VarReadNextInfo), FN(Mat_VarWrite),
#undef FN
	};
	void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	struct tp_matio t;

	if (!lib)
		tp_die("MATLAB files need libmatio (%s), which cannot be "
		    "loaded: %s", name, dlerror());
	for (size_t i = 0; i < sizeof fn / sizeof *fn; i++) {
		void *f = dlsym(lib, fn[i].sym);

		if (!f)
			tp_die("%s has no %s: %s", name, fn[i].sym, dlerror());
		memcpy((char *)&t + fn[i].at, &f, sizeof f);
	}
	tp_matio = t;
}

void
tp_mat_log_start(void)
{
	static int started;

	if (!started) {
		load_matio();
		started = 1;
		tp_matio.Mat_LogInitFunc("tpipe", on_log);
		atexit(quiet_exit);
	}
	logged = 0;
	logtext[0] = h5text[0] = '\0';
}

const char *
tp_mat_log_text(const char *dflt)
{
	if (!logged)
		return dflt;
	snprintf(joined, sizeof joined, "%s%s%s%s", logtext, *logtext &&
	    *h5text ? " (" : "", h5text, *logtext && *h5text ? ")" : "");
	return joined;
}

int
tp_mat_temp(char *path)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(path, 4096, "%s/tpipe-mat-XXXXXX", dir) >= 4096)
		tp_die("TMPDIR is too long a path");
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
		char *shown = tp_printable(dir);
		tp_die("cannot make a temporary file in '%s':", shown);
	}
	return fd;
}

const char *
tp_mat_class_name(int cls)
{
	switch (cls) {
	case MAT_C_CELL: return "a cell array";
	case MAT_C_STRUCT: return "a struct";
	case MAT_C_OBJECT: return "an object";
	case MAT_C_CHAR: return "char (text)";
	case MAT_C_SPARSE: return "a sparse matrix";
	case MAT_C_FUNCTION: return "a function handle";
	case MAT_C_OPAQUE: return "an object of a class (opaque)";
	default: return "of a class libmatio does not know";
	}
}

int
tp_mat_dtype(int type)
{
	switch (type) {
	case MAT_T_DOUBLE: return TP_F8;
	case MAT_T_SINGLE: return TP_F4;
	case MAT_T_INT8: return TP_I1;
	case MAT_T_UINT8: return TP_U1;
	case MAT_T_INT16: return TP_I2;
	case MAT_T_UINT16: return TP_U2;
	case MAT_T_INT32: return TP_I4;
	case MAT_T_UINT32: return TP_U4;
	case MAT_T_INT64: return TP_I8;
	case MAT_T_UINT64: return TP_U8;
	default: return -1;
	}
}

/* --- from a variable to a record ------------------------------------ */

/* The matio type of a numeric class's data. */
static int
class_type(int cls)
{
	static const int types[] = { MAT_T_DOUBLE, MAT_T_SINGLE, MAT_T_INT8,
		MAT_T_UINT8, MAT_T_INT16, MAT_T_UINT16, MAT_T_INT32,
		MAT_T_UINT32, MAT_T_INT64, MAT_T_UINT64 };

	return types[cls - MAT_C_DOUBLE];
}

/*
 * The dtype of a variable of class cls (stored: v4's precision, else 0)
 * into *t; or a message saying why tpipe refuses it.  A class's dtype,
 * as MATLAB loads it (loadmat's mat_dtype=True): logical is bool;
 * complex single is complex64, every other complex class complex128
 * (exact for 32-bit integers and below; complex 64-bit integers are
 * refused).  v4 data keeps the precision it is stored in, as loadmat
 * gives it.
 */
static tp_why
record_dtype(int cls, int complex, int logical, int stored, int *t,
    struct tp_msg *m)
{
	if (cls < MAT_C_DOUBLE || cls > MAT_C_UINT64)
		return tp_msgf(m, "is %s; tpipe reads numeric, logical and "
		    "complex arrays", tp_mat_class_name(cls));
	*t = tp_mat_dtype(stored ? stored : class_type(cls));
	if (complex && (*t == TP_I8 || *t == TP_U8))
		return tp_msgf(m, "is complex %s, which no tpipe dtype holds "
		    "exactly", tp_dtype_name((enum tp_dtype)*t));
	if (complex)
		*t = *t == TP_F4 ? TP_C8 : TP_C16;
	else if (logical)
		*t = TP_B1;
	return NULL;
}

/* The n values (matio's type from) of one part of a complex array into
 * every other element of the parts of type p at dst. */
static void
interleave(unsigned char *dst, const void *part, enum tp_dtype from,
    enum tp_dtype p, size_t n)
{
	size_t ps = tp_dtype_size(p);
	unsigned char *tmp = tp_big_alloc(n * ps);

	tp_convert(tmp, p, part, from, n);
	for (size_t i = 0; i < n; i++)
		memcpy(dst + 2 * ps * i, tmp + ps * i, ps);
	free(tmp);
}

/*
 * The data of v (read) as a record of dtype want in *out: MATLAB's
 * dimensions, each value in want, the column-major data (the C order
 * of the reversed dimensions) reordered to C order.
 */
static tp_why
to_record(const matvar_t *v, enum tp_dtype want, struct tp_tensor *out,
    struct tp_msg *m)
{
	int from = tp_mat_dtype(v->data_type);
	size_t dims[TP_MAXDIM], rdims[TP_MAXDIM];
	const mat_complex_split_t *z = v->data;
	unsigned char *f;
	const char *why;

	if (from < 0 || v->rank < 1 || v->rank > TP_MAXDIM)
		return "libmatio gave data tpipe does not know";
	memset(out, 0, sizeof *out);
	out->dtype = want;
	for (int i = 0; i < v->rank; i++)
		rdims[v->rank - 1 - i] = dims[i] = v->dims[i];
	if ((why = tp_set_shape(out, v->rank, dims, m)))
		return why;
	if (out->count && (!v->data || (v->isComplex && (!z->Re || !z->Im))))
		return "libmatio gave no data";
	out->data = tp_big_alloc(out->nbytes ? out->nbytes : 1);
	if (out->count == 0)
		return NULL;
	f = v->data;
	if (v->isComplex) {
		enum tp_dtype p = want == TP_C8 ? TP_F4 : TP_F8;

		f = tp_big_alloc(out->nbytes);
		interleave(f, z->Re, from, p, out->count);
		interleave(f + tp_dtype_size(p), z->Im, from, p, out->count);
	} else if (from != (int)want) {
		f = tp_big_alloc(out->nbytes);
		tp_convert(f, want, v->data, from, out->count);
	}
	tp_reverse_axes(out->data, f, tp_dtype_size(want), v->rank, rdims);
	if (f != v->data)
		free(f);
	return NULL;
}

/* v's data read and made a record (of dtype want) in *out; or why not.
 * Never dies: the caller frees v. */
static tp_why
read_record(mat_t *mat, matvar_t *v, enum tp_dtype want,
    struct tp_tensor *out, struct tp_msg *m)
{
	const char *why;

	tp_mat_log_start();
	if (tp_matio.Mat_VarReadDataAll(mat, v))
		return tp_msgf(m, "libmatio cannot read the data: %s",
		    tp_mat_log_text("no reason given"));
	if ((why = to_record(v, want, out, m))) {
		free(out->data);
		out->data = NULL;
	}
	return why;
}

/* --- the decoder ---------------------------------------------------- */

/* Let go of what the file holds open (libmatio's memory too); the
 * state itself stays, for tp_reader_close or the process's end. */
static void
release(struct matfile *f)
{
	if (f->mat)
		tp_matio.Mat_Close(f->mat);
	f->mat = NULL;
	if (f->src.fd >= 0)
		close(f->src.fd);
	f->src.fd = -1;
}

/* Die: "NAME: [truncated ]record K: why", what is open let go first. */
static void __attribute__((noreturn))
fail(struct tp_reader *r, struct matfile *f, int cut, const char *why)
{
	char msg[512];

	snprintf(msg, sizeof msg, "%s", why);	/* why may be in f */
	release(f);
	tp_die("%s: %srecord %ld: %s", tp_reader_name(r), cut ?
	    "truncated " : "", tp_reader_index(r) + 1, msg);
}

/* Die: the variable named name (of the record being read) is refused
 * because it "is" why. */
static void __attribute__((noreturn))
refuse(struct tp_reader *r, struct matfile *f, const char *name,
    const char *why)
{
	char q[256], msg[512];

	snprintf(msg, sizeof msg, "variable '%s' %s (--var picks one)",
	    tp_quote(name, SIZE_MAX, q, sizeof q), why);
	fail(r, f, 0, msg);
}

/* Die: --var names no variable of the file, whose names are names. */
static void __attribute__((noreturn))
missing(struct tp_reader *r, struct matfile *f, const char *names)
{
	char q[256];
	const char *var = tp_reader_input(r)->var;

	release(f);
	tp_die("%s: no variable '%s' in the file; it holds %s",
	    tp_reader_name(r), tp_quote(var, SIZE_MAX, q, sizeof q),
	    *names ? names : "none");
}

/* Add name to the list in buf (len bytes), "a, b, c", ending it "..."
 * when full. */
static void
list_name(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);
	char q[256];

	if (n >= 3 && !strcmp(buf + n - 3, "..."))
		return;
	tp_quote(name, SIZE_MAX, q, sizeof q);
	if (n + strlen(q) + 8 > len)
		snprintf(buf + n, len - n, "%s...", n ? ", " : "");
	else
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", q);
}

/* The v4 or v5 variable e decoded by libmatio into *out (of dtype
 * want), from a private file holding the file's header and e alone. */
static tp_why
decode_elem(struct matfile *f, const struct mat_elem *e, enum tp_dtype want,
    struct tp_tensor *out, struct tp_msg *m)
{
	char path[4096];
	unsigned char buf[65536];
	int fd = tp_mat_temp(path), ok = 1;
	const char *why = NULL;
	mat_t *mat;
	matvar_t *v;

	if (!f->src.v4)
		ok = write(fd, f->src.header, MAT_HEADER) == MAT_HEADER;
	for (uint64_t done = 0; ok && done < e->len; ) {
		size_t n = tp_mat_read(&f->src, e->off + done, buf,
		    e->len - done < sizeof buf ? e->len - done : sizeof buf);
		ok = n > 0 && write(fd, buf, n) == (ssize_t)n;
		done += n;
	}
	close(fd);
	tp_mat_log_start();
	mat = ok ? tp_matio.Mat_Open(path, MAT_ACC_RDONLY) : NULL;
	unlink(path);
	if (!ok)
		return tp_msgf(m, "cannot write a temporary file (TMPDIR)");
	if (!mat)
		return tp_msgf(m, "libmatio cannot open the variable: %s",
		    tp_mat_log_text("no reason given"));
	if (!(v = tp_matio.Mat_VarReadNextInfo(mat)))
		why = tp_msgf(m, "libmatio cannot read the variable: %s",
		    tp_mat_log_text("no reason given"));
	else if ((int)v->class_type != e->cls || v->rank != e->rank ||
	    !v->isComplex != !e->complex ||
	    memcmp(v->dims, e->dims, (size_t)e->rank * sizeof *e->dims))
		why = "libmatio reads another header";
	else
		why = read_record(mat, v, want, out, m);
	tp_matio.Mat_VarFree(v);
	tp_matio.Mat_Close(mat);
	return why;
}

/* The next v4 or v5 variable (with --var, the one it names) into *e;
 * 0 at the end of the file. */
static int
walk(struct tp_reader *r, struct matfile *f, struct mat_elem *e)
{
	const char *var = tp_reader_input(r)->var, *why;
	char names[200] = "";
	struct tp_msg m;
	int cut;

	for (;;) {
		if (f->next >= f->src.size) {
			if (var)
				missing(r, f, names);
			return 0;
		}
		if ((why = tp_mat_elem(&f->src, f->next, e, &cut, &m))) {
			free(e->name);
			fail(r, f, cut, why);
		}
		f->next = e->off + e->len;
		if (!var || !strcmp(e->name, var))
			return 1;
		list_name(names, sizeof names, e->name);
		free(e->name);
	}
}

/* The next record of a v4 or v5 file. */
static int
next45(struct tp_reader *r, struct matfile *f, struct tp_tensor *out,
    char **name)
{
	struct mat_elem e;
	struct tp_msg m;
	const char *why;
	int t;

	if (!walk(r, f, &e))
		return 0;
	*name = e.name;		/* the reader's to free, even on a die */
	f->done = tp_reader_input(r)->var != NULL;
	if ((why = record_dtype(e.cls, e.complex, e.logical, e.stored, &t,
	    &m)))
		refuse(r, f, e.name, why);
	if ((why = decode_elem(f, &e, (enum tp_dtype)t, out, &m)))
		fail(r, f, 0, why);
	if (!*e.name) {		/* no name: the format's default */
		free(e.name);
		*name = NULL;
	}
	return 1;
}

/* Die unless v7.3 variable v (of the record being read) is read: its
 * class, and the elements it claims against the file's size. */
static void
check73(struct tp_reader *r, struct matfile *f, matvar_t *v, int *t)
{
	struct tp_msg m;
	const char *why;
	char name[256];
	size_t count = 1;

	snprintf(name, sizeof name, "%s", v->name ? v->name : "");
	if ((why = record_dtype(v->class_type, v->isComplex, v->isLogical, 0,
	    t, &m))) {
		tp_matio.Mat_VarFree(v);
		refuse(r, f, name, why);
	}
	for (int i = 0; i < v->rank; i++)
		if (__builtin_mul_overflow(count, v->dims[i], &count))
			count = SIZE_MAX;
	/* deflate, HDF5's filter, inflates 1032 times its size at most */
	if (v->rank < 1 || count / 1032 > f->src.size) {
		char q[256];

		tp_matio.Mat_VarFree(v);
		fail(r, f, 0, tp_msgf(&m, "variable '%s' claims more elements "
		    "than the file's %llu bytes hold", tp_quote(name, SIZE_MAX,
		    q, sizeof q), (unsigned long long)f->src.size));
	}
}

/* The next record of a v7.3 file. */
static int
next73(struct tp_reader *r, struct matfile *f, struct tp_tensor *out,
    char **name)
{
	const char *var = tp_reader_input(r)->var, *why;
	matvar_t *v;
	struct tp_msg m;
	int t;

	if (var) {
		char names[200] = "";
		size_t i;

		for (i = 0; i < f->nvars && strcmp(f->dir[i], var); i++)
			list_name(names, sizeof names, f->dir[i]);
		if (i == f->nvars && f->bad[0])
			fail(r, f, 0, f->bad);
		if (i == f->nvars)
			missing(r, f, names);
		f->done = 1;
		tp_mat_log_start();
		v = tp_matio.Mat_VarReadInfo(f->mat, var);
	} else {
		if (f->at == f->nvars && f->bad[0])
			fail(r, f, 0, f->bad);
		if (f->at == f->nvars)
			return 0;
		f->at++;
		tp_mat_log_start();
		v = tp_matio.Mat_VarReadNextInfo(f->mat);
	}
	if (!v)
		fail(r, f, 0, tp_msgf(&m, "libmatio cannot read the variable: "
		    "%s", tp_mat_log_text("no reason given")));
	check73(r, f, v, &t);
	why = read_record(f->mat, v, (enum tp_dtype)t, out, &m);
	*name = v->name ? tp_estrdup(v->name) : NULL;
	tp_matio.Mat_VarFree(v);
	if (why)
		fail(r, f, 0, why);
	return 1;
}

/*
 * Die unless f holds an HDF5 superblock at byte 512, as a v7.3 file
 * does (its MAT-file header begins a 512-byte user block), and all the
 * bytes the superblock says the file holds: HDF5 reads what a cut file
 * holds, and says nothing of the rest.  The superblock (HDF5 File Format
 * Specification, section II.A): signature, version; for versions 0 and
 * 1 the sizes of offsets at 13 and, after the base address and the
 * free-space address, the end of file at 24 (28 in version 1) + 2 sizes;
 * for versions 2 and 3 the size at 9, the end of file at 12 + 2 sizes.
 */
static void
check_hdf5(struct tp_reader *r, struct matfile *f)
{
	static const unsigned char sig[8] = "\x89HDF\r\n\x1a\n";
	unsigned char b[64];
	size_t got = tp_mat_read(&f->src, 512, b, sizeof b), at = 0, n = 0;
	uint64_t eof = 0;
	char msg[160];

	if (memcmp(b, sig, got < 8 ? got : 8))
		fail(r, f, 0, "no HDF5 superblock at byte 512 of a v7.3 file");
	if (got >= 16) {
		n = b[8] >= 2 ? b[9] : b[13];	/* the size of offsets */
		at = (b[8] >= 2 ? 12 : b[8] ? 28 : 24) + 2 * n;
	}
	if (got < 16 || (n >= 2 && n <= 8 && got < at + n)) {
		snprintf(msg, sizeof msg, "expected an HDF5 superblock at "
		    "byte 512, got %zu bytes", got);
		fail(r, f, 1, msg);
	}
	if (n < 2 || n > 8)
		fail(r, f, 0, "a bad HDF5 superblock at byte 512");
	for (size_t i = 0; i < n; i++)
		eof |= (uint64_t)b[at + i] << 8 * i;
	if (f->src.size < eof) {
		snprintf(msg, sizeof msg, "the HDF5 superblock says %llu "
		    "bytes, the file has %llu", (unsigned long long)eof,
		    (unsigned long long)f->src.size);
		fail(r, f, 1, msg);
	}
}

/* Open the v7.3 file f holds (the reader's path, or f->mem written to
 * a private file), and list its variables. */
static void
open73(struct tp_reader *r, struct matfile *f, int direct)
{
	char path[4096];
	int fd, ok = 1;

	check_hdf5(r, f);
	if (direct)
		snprintf(path, sizeof path, "%s", tp_reader_path(r));
	else {
		fd = tp_mat_temp(path);
		for (size_t done = 0; ok && done < f->src.size; ) {
			ssize_t k = write(fd, f->mem + done,
			    f->src.size - done);
			ok = k > 0;
			done += ok ? (size_t)k : 0;
		}
		close(fd);
		free(f->mem);
		f->mem = NULL;
		f->src.mem = NULL;
	}
	release(f);
	tp_mat_log_start();
	f->mat = ok ? tp_matio.Mat_Open(path, MAT_ACC_RDONLY) : NULL;
	if (!direct)
		unlink(path);
	if (!ok)
		fail(r, f, 0, "cannot write a temporary file (TMPDIR)");
	if (!f->mat || logged) {	/* libmatio may miss HDF5's failure */
		char msg[320];
		snprintf(msg, sizeof msg, "libmatio cannot open the v7.3 file: "
		    "%s", tp_mat_log_text("no reason given"));
		fail(r, f, 0, msg);
	}
	tp_mat_log_start();
	f->dir = tp_matio.Mat_GetDir(f->mat, &f->nvars);
	if (logged)
		snprintf(f->bad, sizeof f->bad, "libmatio cannot list the "
		    "variables: %s", tp_mat_log_text(""));
	if (!f->dir)
		f->nvars = 0;
}

/* 1 if the 128-byte header at p is a v5 (or v7.3) one: version 0x0100
 * (0x0200) and "IM" (little-endian) or "MI" (big-endian). */
static int
v5_magic(const unsigned char *p)
{
	if (p[126] == 'I' && p[127] == 'M')
		return p[124] == 0 && (p[125] == 1 || p[125] == 2);
	if (p[126] == 'M' && p[127] == 'I')
		return (p[124] == 1 || p[124] == 2) && p[125] == 0;
	return 0;
}

/* The input of r, opened: a regular file by its path, else all of it
 * in memory. */
static struct matfile *
mat_open(struct tp_reader *r)
{
	struct matfile *f = tp_ecalloc(1, sizeof *f);
	const char *path = tp_reader_path(r);
	struct stat st;
	size_t len;
	int direct = 0;

	f->src.fd = -1;
	if (strcmp(path, "<stdin>") && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode) &&
	    (f->src.fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fstat(f->src.fd, &st) < 0 || !S_ISREG(st.st_mode))
			tp_die("%s:", tp_reader_name(r));
		f->src.size = (uint64_t)st.st_size;
		direct = 1;
	} else {
		f->src.mem = f->mem = tp_reader_slurp(r, &len);
		f->src.size = len;
	}
	len = tp_mat_read(&f->src, 0, f->src.header, MAT_HEADER);
	if (len == MAT_HEADER && v5_magic(f->src.header)) {
		f->src.big = f->src.header[126] == 'M';
		f->next = MAT_HEADER;
		if (f->src.header[124] + f->src.header[125] == 2)
			open73(r, f, direct);
	} else if (len < MAT_HEADER && len >= 6 &&
	    !memcmp(f->src.header, "MATLAB", 6)) {
		char msg[80];
		snprintf(msg, sizeof msg, "expected a 128-byte .mat header, "
		    "got %zu bytes", len);
		fail(r, f, 1, msg);
	} else
		f->src.v4 = 1;
	return f;
}

static int
mat_next(struct tp_reader *r, void **state, struct tp_tensor *out,
    char **name)
{
	struct matfile *f = *state;

	if (!f)
		*state = f = mat_open(r);
	if (f->done)
		return 0;
	return f->mat ? next73(r, f, out, name) : next45(r, f, out, name);
}

static void
mat_close(void *state)
{
	struct matfile *f = state;

	if (!f)
		return;
	release(f);
	free(f->mem);
	free(f);
}

/* The first bytes of a .mat file: a v5 or v7.3 header, the start of
 * one cut short ("MATLAB"), or a plausible v4 variable header. */
static int
mat_probe(const unsigned char *p, size_t len)
{
	if (len >= MAT_HEADER && v5_magic(p))
		return 1;
	if (len < MAT_HEADER && len >= 6 && !memcmp(p, "MATLAB", 6))
		return 1;
	return tp_mat_v4_probe(p, len);
}

const struct tp_decoder tp_mat_decoder = {
	TP_FMT_MAT, "MAT-file", MAT_HEADER, mat_probe, mat_next, mat_close
};
