/*
 * mat.c - fuzz target: the MAT-file reader (lib/matfile.c and
 * matfile_walk.c, libmatio on a private file per variable, or per v7.3
 * file) on the input as standard input, every record read the three
 * ways (stream.h); then what it decodes is written as a MAT-file
 * (matfile_write.c) and read back, and must give the same records:
 * same dtype and values, the shape MATLAB gives it (a 1-D record comes
 * back 1 x n).
 *
 * v7.3 files are left out: they are HDF5, which libmatio reads through
 * the HDF5 library, and HDF5 is not made to survive corrupt files (its
 * allocations follow their numbers, its exit handler complains of the
 * objects libmatio leaves open).  An input whose header says v7.3
 * (version 0x0200) is skipped.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "stream.h"

#define MAXREC 64

struct records {
	struct tp_tensor t[MAXREC];
	int n;
};

/* Read the records of stdin (at most MAXREC) into arg's list. */
static void
read_records(void *arg)
{
	struct records *rs = arg;
	struct tp_reader *r = tp_reader_open(NULL, -1, NULL);

	while (rs->n < MAXREC && tp_read(r, &rs->t[rs->n]))
		rs->n++;
	tp_reader_close(r);
}

/* 1 if back is what writing t as a MAT-file must give back. */
static int
same(const struct tp_tensor *t, const struct tp_tensor *back)
{
	size_t want[TP_MAXDIM] = { 1, 1 };
	int ndim = t->ndim < 2 ? 2 : t->ndim;

	if (t->ndim == 1)
		want[1] = t->shape[0];
	else if (t->ndim >= 2)
		memcpy(want, t->shape, (size_t)t->ndim * sizeof *want);
	return back->dtype == t->dtype && back->ndim == ndim &&
	    !memcmp(back->shape, want, (size_t)ndim * sizeof *want) &&
	    back->nbytes == t->nbytes &&
	    (!t->nbytes || !memcmp(back->data, t->data, t->nbytes));
}

/* 1 if a MAT-file holds t: no float16, dimensions and size in v5's
 * limits (tp_mat_encoder's writable). */
static int
writable(const struct tp_tensor *t)
{
	for (int i = 0; i < t->ndim; i++)
		if (t->shape[i] > INT32_MAX)
			return 0;
	return t->dtype != TP_F2 && t->nbytes < (1u << 30);
}

/*
 * Write arg's records as a MAT-file, read it back, compare.  The file
 * is written to standard output made a memory file (a harness may not
 * make more than a few -o files), then read as standard input.
 */
static void
round_trip(void *arg)
{
	struct records *rs = arg;
	int mem = memfd_create("fuzz-mat", 0), saved = dup(1);
	struct tp_writer *w;
	struct tp_reader *r;
	struct tp_tensor back;
	unsigned char *file;
	off_t len;

	if (mem < 0 || saved < 0 || dup2(mem, 1) < 0)
		abort();
	w = tp_writer_open_path(NULL, TP_FMT_MAT, 0);
	for (int i = 0; i < rs->n; i++)
		tp_write(w, &rs->t[i]);
	tp_writer_close(w);	/* closes standard output */
	if (dup2(saved, 1) < 0 || (len = lseek(mem, 0, SEEK_END)) < 0)
		abort();
	file = malloc((size_t)len);
	if (!file || pread(mem, file, (size_t)len, 0) != len)
		abort();
	close(mem);
	close(saved);
	fuzz_stdin(file, (size_t)len);
	free(file);
	r = tp_reader_open(NULL, -1, NULL);
	for (int i = 0; i < rs->n; i++) {
		if (!tp_read(r, &back) || !same(&rs->t[i], &back))
			abort();
		tp_free(&back);
	}
	if (tp_read(r, &back))
		abort();
	tp_reader_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct records rs;
	int ok = 1;

	if (size >= 128 && ((!memcmp(data + 124, "\0\2IM", 4) ||
	    !memcmp(data + 124, "\2\0MI", 4))))
		return 0;	/* v7.3: see above */
	stream_run(data, size, NULL);
	rs.n = 0;
	fuzz_stdin(data, size);
	if (fuzz_call(read_records, &rs) != 0)
		return 0;	/* the records it read went with the die */
	for (int i = 0; i < rs.n; i++)
		ok &= writable(&rs.t[i]);
	if (ok && rs.n > 0 && fuzz_call(round_trip, &rs) != 0)
		abort();
	for (int i = 0; i < rs.n; i++)
		tp_free(&rs.t[i]);
	return 0;
}
