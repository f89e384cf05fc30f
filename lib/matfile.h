/*
 * matfile.h - private to the MATLAB .mat files of lib/: the decoder
 * (matfile.c), the walk over the variables of a v4 or v5 file and the
 * helpers the three share (matfile_walk.c), the encoder
 * (matfile_write.c).
 */
#ifndef TPIPE_MATFILE_H
#define TPIPE_MATFILE_H

#include <matio.h>
#include <stdint.h>

#include "tpipe.h"

#define MAT_HEADER 128		/* a v5 or v7.3 file's header */

/* The bytes of a v4 or v5 file: an open file, or memory. */
struct mat_src {
	int fd;			/* the file, or -1: mem holds them */
	const unsigned char *mem;
	uint64_t size;
	int v4;			/* version 4 (no header), else 5 */
	int big;		/* v5: big-endian */
	unsigned char header[MAT_HEADER];	/* v5: its header */
};

/* One variable of a v4 or v5 file, as its own first bytes describe it. */
struct mat_elem {
	uint64_t off, len;	/* its bytes (tag or header included) */
	int compressed;		/* v5: miCOMPRESSED */
	int cls;		/* enum matio_classes */
	int complex, logical;
	int stored;		/* v4: the matio type of its data */
	int rank;
	size_t dims[TP_MAXDIM];
	size_t count;		/* the product of dims */
	char *name;		/* malloc'd; "" when it has none */
};

/*
 * The variable at byte off of src (off < src->size) into e (its name
 * malloc'd).  Returns NULL, or a message in m; then *cut says whether
 * the file ends inside the variable (else it is corrupt).  The element
 * counts the dimensions claim are checked against the bytes that hold
 * them, so no later allocation is sized by an unchecked claim.
 */
tp_why tp_mat_elem(const struct mat_src *, uint64_t off,
    struct mat_elem *e, int *cut, struct tp_msg *m);
/* 1 if the len bytes at p (len < 20 when the input is that short) begin
 * a plausible v4 variable header. */
int tp_mat_v4_probe(const unsigned char *p, size_t len);
/* n bytes at byte off of src into dst; returns how many there were. */
size_t tp_mat_read(const struct mat_src *, uint64_t off, void *dst,
    size_t n);

/*
 * libmatio's functions, called through this table: libmatio (and with
 * it HDF5, curl, GnuTLS, Kerberos: some 35 libraries, 4 to 7 ms of
 * every process's start here) is loaded by dlopen the first time a .mat
 * file is read or written (tp_mat_log_start), not when a tool starts.
 */
struct tp_matio {
	__typeof__(Mat_Close) *Mat_Close;
	__typeof__(Mat_CreateVer) *Mat_CreateVer;
	__typeof__(Mat_GetDir) *Mat_GetDir;
	__typeof__(Mat_LogInitFunc) *Mat_LogInitFunc;
	__typeof__(Mat_Open) *Mat_Open;
	__typeof__(Mat_Rewind) *Mat_Rewind;
	__typeof__(Mat_VarCreate) *Mat_VarCreate;
	__typeof__(Mat_VarFree) *Mat_VarFree;
	__typeof__(Mat_VarReadDataAll) *Mat_VarReadDataAll;
	__typeof__(Mat_VarReadInfo) *Mat_VarReadInfo;
	__typeof__(Mat_VarReadNextInfo) *Mat_VarReadNextInfo;
	__typeof__(Mat_VarWrite) *Mat_VarWrite;
};
extern struct tp_matio tp_matio;

/* Load libmatio into tp_matio if it is not yet (dies naming the library
 * if it cannot), route its (and HDF5's) messages to a buffer, never to
 * stderr; forget the last one.  Call before any of tp_matio. */
void tp_mat_log_start(void);
/* What matio said since tp_mat_log_start, one line, or dflt. */
const char *tp_mat_log_text(const char *dflt);
/* A new private file in $TMPDIR (or /tmp), its name in path (4096
 * bytes); dies naming it. */
int tp_mat_temp(char *path);
/* A MATLAB class (enum matio_classes) as messages name it. */
const char *tp_mat_class_name(int cls);
/* The tpipe dtype of a matio data type (MAT_T_...), or -1. */
int tp_mat_dtype(int type);

#endif
