/*
 * matfile_write.c - MATLAB .mat files out, through libmatio
 * (tp_mat_encoder): a v5 file, one variable per record, in the order
 * of the records.  Each variable is named by tp_writer_name_next (tcat
 * passes --name's, or the input's own names), else x1, x2, ... by its
 * record's number; a name that is no MATLAB variable name, or one
 * given twice, is refused.  The record's C order becomes MATLAB's
 * column order (its axes reversed, in Fortran order), so that MATLAB
 * and scipy.io.loadmat see the record's shape and values.  A 1-D record
 * of n elements is the row vector 1 x n, a 0-D one the scalar 1 x 1
 * (what scipy.io.savemat writes for them, and MATLAB has no fewer than
 * two dimensions).  bool is written as logical, complex64 and
 * complex128 as complex single and double; float16 is refused (MATLAB
 * has no half class).  Uncompressed by default; --compress deflate
 * writes each variable compressed (MATLAB's own default, -v7).
 *
 * A v5 file only grows at its end, so it is written a variable at a
 * time: libmatio writes into a private temporary file (unlinked as soon
 * as it is open), and after each record the bytes the variable added
 * are emitted as that record's output.  What is written is a valid
 * .mat file after every record, and is the same for the same records
 * (the header holds no date).
 */
#include <fcntl.h>
#include <matio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats.h"
#include "matfile.h"
#include "tpipe.h"

#define HEADER_TEXT "MATLAB 5.0 MAT-file, written by tpipe"
#define HEADER_TEXT_73 "MATLAB 7.3 MAT-file, written by tpipe"
#define MAX_NAME 63		/* MATLAB's namelengthmax */
/* a v5 variable's data is below 2 GiB (MATLAB's limit for -v7) */
#define MAX_BYTES ((size_t)INT32_MAX - 4096)

struct matw {
	mat_t *mat;		/* libmatio's file */
	int mat73;		/* v7.3 (HDF5): emitted when closed */
	int fd;			/* ours, the same file */
	off_t emitted;		/* its bytes emitted so far */
	char **names;		/* the variables written */
	size_t nnames;
};

/* MATLAB's keywords, which isvarname refuses as names. */
static const char *const keywords[] = {
	"break", "case", "catch", "classdef", "continue", "else", "elseif",
	"end", "for", "function", "global", "if", "otherwise", "parfor",
	"persistent", "return", "spmd", "switch", "try", "while", NULL
};

/* NULL if name is a MATLAB variable name (isvarname: a letter, then
 * letters, digits and underscores, at most 63, not a keyword). */
static tp_why
bad_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > MAX_NAME)
		return "not 1 to 63 characters";
	if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z')))
		return "not begun by a letter";
	for (size_t i = 1; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return "not letters, digits and underscores";
	for (int i = 0; keywords[i]; i++)
		if (!strcmp(name, keywords[i]))
			return "a MATLAB keyword";
	return NULL;
}

/* The matio class and data type of dtype t. */
static void
mat_class(enum tp_dtype t, enum matio_classes *cls, enum matio_types *type)
{
	static const struct { enum matio_classes c; enum matio_types t; }
	    map[TP_NDTYPES] = {
		[TP_B1] = { MAT_C_UINT8, MAT_T_UINT8 },
		[TP_U1] = { MAT_C_UINT8, MAT_T_UINT8 },
		[TP_I1] = { MAT_C_INT8, MAT_T_INT8 },
		[TP_U2] = { MAT_C_UINT16, MAT_T_UINT16 },
		[TP_I2] = { MAT_C_INT16, MAT_T_INT16 },
		[TP_U4] = { MAT_C_UINT32, MAT_T_UINT32 },
		[TP_I4] = { MAT_C_INT32, MAT_T_INT32 },
		[TP_U8] = { MAT_C_UINT64, MAT_T_UINT64 },
		[TP_I8] = { MAT_C_INT64, MAT_T_INT64 },
		[TP_F4] = { MAT_C_SINGLE, MAT_T_SINGLE },
		[TP_F8] = { MAT_C_DOUBLE, MAT_T_DOUBLE },
		[TP_C8] = { MAT_C_SINGLE, MAT_T_SINGLE },
		[TP_C16] = { MAT_C_DOUBLE, MAT_T_DOUBLE },
	};

	*cls = map[t].c;
	*type = map[t].t;
}

static tp_why
mat_writable(const struct tp_tensor *hdr, const struct tp_common *o,
    struct tp_msg *m)
{
	char shape[TP_MAXDIM * 22 + 4];

	if (hdr->dtype == TP_F2)
		return "a float16 record has no MATLAB class: write it as "
		    "float32 (-t f32)";
	if (o->mat73)		/* HDF5 takes 64-bit sizes */
		return NULL;
	for (int i = 0; i < hdr->ndim; i++)
		if (hdr->shape[i] > INT32_MAX)
			return tp_msgf(m, "shape %s: a .mat v5 dimension is "
			    "below 2^31", tp_shape_str(hdr, shape,
			    sizeof shape));
	if (hdr->nbytes > MAX_BYTES)
		return tp_msgf(m, "%zu bytes: a .mat v5 variable holds less "
		    "than 2 GiB (write --mat-version 7.3 or NPY)",
		    hdr->nbytes);
	return NULL;
}

/* Emit what libmatio has added to the file since the last time (all
 * of it once closed, s->mat NULL). */
static void
emit_new(struct tp_writer *w, struct matw *s)
{
	char buf[65536];
	ssize_t k;

	if (s->mat)	/* a seek: libmatio's buffer is written */
		tp_matio.Mat_Rewind(s->mat);
	while ((k = pread(s->fd, buf, sizeof buf, s->emitted)) > 0) {
		tp_writer_emit(w, buf, (size_t)k);
		s->emitted += k;
	}
	if (k < 0)
		tp_die("cannot read the temporary .mat file:");
}

/* The file, created: the v5 header, without a date; or a v7.3 file
 * (HDF5 after the same header) when mat73. */
static struct matw *
create(int mat73)
{
	struct matw *s = tp_ecalloc(1, sizeof *s);
	char path[4096];

	s->fd = tp_mat_temp(path);
	s->mat73 = mat73;
	tp_mat_log_start();
	s->mat = tp_matio.Mat_CreateVer(path,
	    mat73 ? HEADER_TEXT_73 : HEADER_TEXT,
	    mat73 ? MAT_FT_MAT73 : MAT_FT_MAT5);
	unlink(path);
	if (!s->mat)
		tp_die("libmatio cannot create a .mat file: %s",
		    tp_mat_log_text("no reason given"));
	return s;
}

/* The name of record index: name, or x1, x2, ...; dies if it is no
 * MATLAB name or was given before. */
static char *
var_name(struct matw *s, const char *name, long index)
{
	char dflt[32], q[256];
	const char *why;

	if (!name) {
		snprintf(dflt, sizeof dflt, "x%ld", index + 1);
		name = dflt;
	}
	tp_quote(name, SIZE_MAX, q, sizeof q);
	if ((why = bad_name(name)))
		tp_die("record %ld: '%s' is no MATLAB variable name (%s)",
		    index, q, why);
	for (size_t i = 0; i < s->nnames; i++)
		if (!strcmp(s->names[i], name))
			tp_die("record %ld: a variable '%s' is written already "
			    "(name the records with --name)", index, q);
	s->names = tp_erealloc(s->names, (s->nnames + 1) * sizeof *s->names);
	return s->names[s->nnames++] = tp_estrdup(name);
}

/* The column-major data of t in a new buffer (complex: the real parts
 * into it, the imaginary parts into *im). */
static void *
column_major(const struct tp_tensor *t, void **im)
{
	size_t es = tp_dtype_size(t->dtype), ps = es / 2;
	unsigned char *f = tp_big_alloc(t->nbytes ? t->nbytes : 1), *re;

	tp_reverse_axes(f, t->data, es, t->ndim, t->shape);
	if (t->dtype == TP_B1)
		for (size_t i = 0; i < t->count; i++)
			f[i] = f[i] != 0;
	*im = NULL;
	if (!tp_dtype_is_complex(t->dtype))
		return f;
	re = tp_big_alloc(t->nbytes / 2 + 1);
	*im = tp_big_alloc(t->nbytes / 2 + 1);
	for (size_t i = 0; i < t->count; i++) {
		memcpy(re + i * ps, f + i * es, ps);
		memcpy((unsigned char *)*im + i * ps, f + i * es + ps, ps);
	}
	free(f);
	return re;
}

static void
mat_record(struct tp_writer *w, void **state, const struct tp_tensor *t,
    const char *name, long index, const struct tp_common *o)
{
	struct matw *s = *state ? *state : (*state = create(o->mat73));
	size_t dims[TP_MAXDIM] = { 1, 1 };
	int rank = t->ndim < 2 ? 2 : t->ndim, flags = MAT_F_DONT_COPY_DATA;
	char *vname = var_name(s, name, index);
	enum matio_classes cls;
	enum matio_types type;
	mat_complex_split_t z;
	void *data, *im;
	matvar_t *v;
	int err;

	if (t->ndim == 1)
		dims[1] = t->shape[0];
	else if (t->ndim >= 2)
		memcpy(dims, t->shape, (size_t)t->ndim * sizeof *dims);
	mat_class(t->dtype, &cls, &type);
	data = column_major(t, &im);
	z.Re = data;
	z.Im = im;
	flags |= im ? MAT_F_COMPLEX : 0;
	flags |= t->dtype == TP_B1 ? MAT_F_LOGICAL : 0;
	tp_mat_log_start();
	v = tp_matio.Mat_VarCreate(vname, cls, type, rank, dims,
	    im ? (void *)&z : data, flags);
	err = !v || tp_matio.Mat_VarWrite(s->mat, v,
	    o->compress == TP_COMPRESS_DEFLATE ? MAT_COMPRESSION_ZLIB :
	    MAT_COMPRESSION_NONE);
	tp_matio.Mat_VarFree(v);
	free(data);
	free(im);
	if (err)
		tp_die("record %ld: libmatio cannot write it: %s", index,
		    tp_mat_log_text("no reason given"));
	if (!s->mat73)
		emit_new(w, s);
}

static void
mat_finish(struct tp_writer *w, void **state, long n,
    const struct tp_common *o)
{
	struct matw *s = *state ? *state : create(o->mat73);

	(void)n;
	if (s->mat73) {		/* HDF5 is whole when closed */
		tp_matio.Mat_Close(s->mat);
		s->mat = NULL;
		emit_new(w, s);
	} else {
		emit_new(w, s);	/* the header alone, if no record came */
		tp_matio.Mat_Close(s->mat);
	}
	close(s->fd);
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s);
	*state = NULL;
}

const struct tp_encoder tp_mat_encoder = {
	TP_FMT_MAT, mat_writable, mat_record, mat_finish
};
