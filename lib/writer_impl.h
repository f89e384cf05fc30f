/*
 * writer_impl.h - private to writer.c and writer_output.c: a writer's
 * state.  The encoders of the formats (formats.h) do not see it.
 */
#ifndef TPIPE_WRITER_IMPL_H
#define TPIPE_WRITER_IMPL_H

#include "formats.h"
#include "tpipe.h"

#define TP_WRITE_BUFSIZE (256 * 1024)

struct tp_writer {
	int fd;
	int is_temp;		/* fd is a temporary file for -o */
	char *name;		/* for messages (tp_printable) */
	enum tp_format format;
	int depth;
	unsigned char *buf;
	size_t len;
	size_t complete;	/* buf[0..complete) holds whole records only */
	long records;
	struct tp_tensor hdr;	/* the record being written */
	size_t done;		/* its data bytes so far */
	size_t elem;		/* text: elements so far */
	unsigned char part[16];	/* text: the bytes of an element split */
	size_t partlen;		/* between calls, and how many */
	unsigned char *mem;	/* PNG: the image's data so far, */
	size_t memcap;		/* in a buffer of this size */
	unsigned char *png;	/* PNG: the encoded image, held until close */
	size_t pnglen;
	struct tp_common opts;	/* the writers' options */
	const struct tp_encoder *enc;	/* the format's, or NULL */
	void *enc_state;	/* the encoder's */
	char *next_name;	/* tp_writer_name_next's, or NULL */
	char *rec_name;		/* the current record's */
};

/* Add w to the open writers (add 1) or remove it (add 0), whose
 * complete records a die writes out; the die hook is set while any is
 * open. */
void tp_writer_track(struct tp_writer *w, int add);
/* Write out what the buffer holds.  It counts as written before the
 * write, so a die on a write error does not repeat it. */
void tp_writer_flush(struct tp_writer *w);

#endif
