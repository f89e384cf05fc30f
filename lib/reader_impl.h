/*
 * reader_impl.h - private to reader.c and reader_input.c: a reader's
 * state.  The decoders of the formats (formats.h) do not see it.
 */
#ifndef TPIPE_READER_IMPL_H
#define TPIPE_READER_IMPL_H

#include "formats.h"
#include "tpipe.h"

#define TP_READ_BUFSIZE (256 * 1024)

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
	int operand;		/* an operand file: not counted as the stream */
	struct tp_input in;	/* how it was opened */
	const struct tp_decoder *dec;	/* the format's, or NULL */
	void *dec_state;	/* the decoder's */
	char *record_name;	/* the current record's, or NULL */
};

/* Count n bytes read into the progress line, unless r is an operand. */
void tp_reader_counted(const struct tp_reader *r, size_t n);
/* Read more input into the buffer; returns bytes added (0 at the end). */
size_t tp_reader_fill(struct tp_reader *r);

#endif
