/*
 * mrc.c - fuzz target: the MRC reader (lib/mrc.c: header checks, the
 * extended header skipped, byte order, 4-bit unpacking, the axes put in
 * (Z, Y, X) order) on the input as a stream of records, read the three
 * ways stream.h takes in turn.  When the whole input reads, each of its
 * first records that MRC output takes (uint8 aside, which comes back as
 * uint16) is written as a map (to standard output, a memory file for
 * the while) and must read back bit for bit; a die there is a finding.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats.h"
#include "fuzz.h"
#include "stream.h"

#define MAXREC 4

struct records {
	struct tp_tensor t[MAXREC];
	int n;
};

/* Read the first records of stdin whole into the job. */
static void
read_records(void *arg)
{
	struct records *j = arg;
	struct tp_reader *r = tp_reader_open(NULL, -1, NULL);

	while (j->n < MAXREC && tp_read(r, &j->t[j->n])) {
		check_header(&j->t[j->n]);
		j->n++;
	}
	tp_reader_close(r);
}

/* Write the record as a map to standard output, made a memory file for
 * the while, and read it back from standard input. */
static void
write_back(void *arg)
{
	const struct tp_tensor *t = arg;
	int saved = dup(1), mem = memfd_create("mrc", 0);
	struct tp_writer *w;
	struct tp_reader *r;
	struct tp_tensor u;
	unsigned char *buf;
	off_t len;

	if (saved < 0 || mem < 0 || dup2(mem, 1) < 0)
		abort();
	w = tp_writer_open_path(NULL, TP_FMT_MRC, 0);
	tp_write(w, t);
	tp_writer_close(w);		/* closes fd 1 */
	if (dup2(saved, 1) < 0 || (len = lseek(mem, 0, SEEK_END)) < 0 ||
	    !(buf = malloc((size_t)len)) ||
	    pread(mem, buf, (size_t)len, 0) != len)
		abort();
	close(saved);
	close(mem);
	fuzz_stdin(buf, (size_t)len);
	free(buf);
	r = tp_reader_open(NULL, -1, NULL);
	if (!tp_read(r, &u) || u.dtype != t->dtype || u.ndim != t->ndim ||
	    memcmp(u.shape, t->shape, (size_t)t->ndim * sizeof *t->shape) ||
	    memcmp(u.data, t->data, t->nbytes))
		abort();
	tp_free(&u);
	tp_reader_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct records j;
	struct tp_common o;
	struct tp_msg m;

	memset(&j, 0, sizeof j);
	memset(&o, 0, sizeof o);
	fuzz_stdin(data, size);
	if (fuzz_call(read_records, &j) == 0) {
		for (int i = 0; i < j.n; i++) {
			if (j.t[i].dtype != TP_U1 &&
			    tp_mrc_encoder.writable(&j.t[i], &o, &m) == NULL &&
			    fuzz_call(write_back, &j.t[i]) != 0)
				abort();
			tp_free(&j.t[i]);
		}
	}
	stream_run(data, size, NULL);
	return 0;
}
