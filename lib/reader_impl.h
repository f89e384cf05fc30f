/*
 * reader_impl.h - private to reader.c and reader_input.c: the reader's
 * state, and the buffered input both read through.  The decoders of
 * formats.h use reader_input.c's side alone (tp_reader_take,
 * tp_reader_slurp, the accessors), so that reader.c, which lists them,
 * and they use each other in no cycle (mk/layers.py).
 */
#ifndef TPIPE_READER_IMPL_H
#define TPIPE_READER_IMPL_H

#include "formats.h"
#include "tpipe.h"

#define BUFSIZE (256 * 1024)

struct tp_reader {
	int fd;
	char *name;		/* for messages (tp_printable) */
	char *path;		/* as given, or "<stdin>" */
	unsigned char *buf;
	size_t pos, len;	/* unread bytes are buf[pos..len) */
	int at_eof;
	enum tp_format format;
	long index;		/* current record, -1 before the first */
	int in_record;		/* the current record's data not all read */
	size_t want, done;	/* data bytes of the record; read so far */
	int swap;		/* data is in the other byte order */
	int complex;		/* elements are (real, imaginary) pairs */
	enum tp_dtype dtype;	/* of the current record */
	size_t elsize;
	unsigned char *scratch;	/* tp_read_data_as: SCRATCH bytes, or NULL */
	unsigned char *grown;	/* tp_read_rest_as's buffer while it grows
				   (reachable if we die) */
	unsigned char part[16];	/* swapped: the element a read ended inside */
	unsigned char *mem;	/* the record's data in memory, or NULL */
	size_t offset;		/* PNG: input bytes the images so far took */
	unsigned char *png;	/* PNG: the image read (freed if we die) */
	struct tp_text text;
	char *textbuf;		/* text: the current record and what follows */
	size_t textcap;
	int operand;		/* an operand file: not counted as the stream */
	struct tp_input in;	/* how it was opened */
	const struct tp_decoder *dec;	/* the format's, or NULL */
	void *dec_state;	/* the decoder's */
	char *record_name;	/* the current record's, or NULL */
};

/* Count n bytes read into the progress line, unless r is an operand. */
void reader_counted(const struct tp_reader *r, size_t n);
/* Read more input into the buffer; returns bytes added (0 at the end). */
size_t reader_fill(struct tp_reader *r);
/* Copy up to n bytes of input to dst; returns how many there were. */
size_t reader_take(struct tp_reader *r, void *dst, size_t n);

#endif
