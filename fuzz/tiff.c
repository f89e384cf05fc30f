/*
 * tiff.c - fuzz target: the TIFF decoder (lib/tiffio.c) through the
 * reader, on the input as a file of pages, read the three ways stream.h
 * reads; and when the input is a TIFF, the pages it decodes, written as
 * a TIFF by the writer (uncompressed or deflate, by the input's length)
 * and read back, must come back the same: dtype, shape and bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "formats.h"
#include "fuzz.h"
#include "stream.h"

#define MAXPAGES 64

struct pages {
	struct tp_tensor t[MAXPAGES];
	int n;
	int deflate;
};

/* Read the pages of stdin whole (at most MAXPAGES). */
static void
read_pages(void *arg)
{
	struct pages *p = arg;
	struct tp_reader *r = tp_reader_open(NULL, -1, NULL);

	p->n = 0;
	while (p->n < MAXPAGES && tp_read(r, &p->t[p->n])) {
		check_header(&p->t[p->n]);
		p->n++;
	}
	tp_reader_close(r);
}

/* Write the pages as a TIFF to stdout (a memfd of the caller's). */
static void
write_pages(void *arg)
{
	struct pages *p = arg;
	struct tp_common c;
	struct tp_writer *w;

	memset(&c, 0, sizeof c);
	c.format = TP_FMT_TIFF;
	c.dtype = -1;
	c.compress = p->deflate ? TP_COMPRESS_DEFLATE : TP_COMPRESS_NONE;
	w = tp_writer_open(&c);
	for (int i = 0; i < p->n; i++)
		tp_write(w, &p->t[i]);
	tp_writer_close(w);
}

static void
free_pages(struct pages *p)
{
	for (int i = 0; i < p->n; i++)
		tp_free(&p->t[i]);
	p->n = 0;
}

/* The bytes the writer left in the memfd fd, in a new buffer. */
static unsigned char *
written(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	unsigned char *buf = malloc(end > 0 ? (size_t)end : 1);

	if (end < 0 || !buf || pread(fd, buf, (size_t)end, 0) != end)
		abort();
	*len = (size_t)end;
	return buf;
}

/* What decoded encodes and decodes back to the same pages. */
static void
round_trip(const uint8_t *data, size_t size)
{
	static int fd = -1, out1 = -1;	/* the memfd; the real stdout */
	struct pages a, b;
	unsigned char *out;
	size_t len;

	if (size < 8 || !tp_tiff_decoder.probe(data, size))
		return;			/* the reader's other formats */
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	fuzz_stdin(data, size);
	if (fuzz_call(read_pages, &a) != 0 || a.n == 0)
		return;
	if (fd < 0 && ((fd = memfd_create("fuzz-stdout", 0)) < 0 ||
	    (out1 = dup(1)) < 0))
		abort();
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0 ||
	    dup2(fd, 1) != 1)
		abort();
	a.deflate = size % 2;
	if (fuzz_call(write_pages, &a) != 0)
		abort();		/* every page decoded is writable */
	if (dup2(out1, 1) != 1)	/* the writer closed the memfd's copy */
		abort();
	out = written(fd, &len);
	fuzz_stdin(out, len);
	free(out);
	if (fuzz_call(read_pages, &b) != 0 || b.n != a.n)
		abort();
	for (int i = 0; i < a.n; i++)
		if (a.t[i].dtype != b.t[i].dtype || a.t[i].ndim !=
		    b.t[i].ndim || memcmp(a.t[i].shape, b.t[i].shape,
		    sizeof a.t[i].shape) || memcmp(a.t[i].data, b.t[i].data,
		    a.t[i].nbytes))
			abort();
	free_pages(&a);
	free_pages(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stream_run(data, size, NULL);
	round_trip(data, size);
	return 0;
}
