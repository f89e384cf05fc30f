/*
 * formats.h - private to lib/: the codecs behind tp_reader and tp_writer
 * (PNG, text, and the decoders and encoders of the other formats).  They
 * work on whole records in memory.
 */
#ifndef TPIPE_FORMATS_H
#define TPIPE_FORMATS_H

#include "tpipe.h"

#define TP_PNG_SIGNATURE "\x89PNG\r\n\x1a\n"
/*
 * The next PNG image of a stream of images back to back, read from r
 * into a new buffer of *len bytes: its signature, then its chunks
 * (length, type, data, CRC) up to IEND; libpng checks the rest.  index
 * is the record it is (for messages); *offset counts the input bytes the
 * images so far took; *held holds the buffer while it grows (reachable
 * if r dies).  Returns NULL at a clean end of input.  Dies if the input
 * ends inside the image, or if what follows an image is not another
 * one, naming its byte offset.
 */
unsigned char *tp_png_read(struct tp_reader *r, long index, size_t *offset,
    unsigned char **held, size_t *len);
/* Decode the PNG in buf into out (u1 or u2, (H,W) or (H,W,C)).  Dies with
 * a message naming name. */
void tp_png_decode(const unsigned char *buf, size_t len, const char *name,
    struct tp_tensor *out);
/* Encode t (2-D, or 3-D with 1-4 channels) as a PNG of the given bit
 * depth (8 or 16) on up to threads threads; returns a malloc'd buffer
 * and its length in *len. */
unsigned char *tp_png_encode(const struct tp_tensor *t, int depth,
    int threads, size_t *len);
/* NULL if a tensor of hdr's shape and dtype can be written as a PNG
 * image, else a message in m: the shape is not (H, W) or (H, W, 1-4),
 * the dtype is complex, or a side exceeds libpng's limit (1000000). */
tp_why tp_png_writable(const struct tp_tensor *hdr, struct tp_msg *m);

/* Text input: the text of the record being parsed (and what follows
 * it) and how far parsing has got. */
struct tp_text {
	const char *name;
	const char *p, *end;
	long line;
	int ndim;			/* --shape, or -1 */
	size_t shape[TP_MAXDIM];
	int header;			/* --header: a row of names first */
	char **names;			/* the names it gave record 0, */
	size_t nnames;			/* nnames of them (or NULL) */
	char *buf;			/* tp_text_fill's buffer, */
	size_t cap;			/* of cap bytes and a NUL */
};
/*
 * Read text from r until x's buffer holds the next record whole: up to a
 * later complete "# shape" line that starts another record, or the end
 * of the input.  What earlier records used is dropped first, so the
 * buffer holds about one record, however long the stream.  Returns 0,
 * or -1 if the input holds a NUL byte: it is no text.
 */
int tp_text_fill(struct tp_text *x, struct tp_reader *r);
/* Parse the next record into out (allocated).  Returns 1, or 0 at the end
 * of the text.  Dies naming the line on bad input. */
int tp_text_next(struct tp_text *, long index, struct tp_tensor *out);
/* Free what x holds (its buffer and names); never dies. */
void tp_text_free(struct tp_text *x);


/*
 * The one rule for where a line's content starts, used by the reader's
 * record-boundary scan and by the parser alike: past the leading
 * separators (blanks and commas) of the line [p, eol).  A line whose
 * content starts with '#' is a comment; nothing left, a blank line.
 */
const char *tp_text_skip_blanks(const char *p, const char *eol);
/* 1 if the line [p, eol) is, after tp_text_skip_blanks, a "# shape (...)
 * dtype" comment that tp_text_next takes as the start of a record. */
int tp_text_is_shape_line(const char *p, const char *eol);
/* Format one element of type t at elem into buf (at least 80 bytes) as
 * tpipe's text writes it; returns the length. */
int tp_text_value(char *buf, enum tp_dtype t, const void *elem);

/* --- decoders: the formats the reader decodes a record at a time ---- */

/*
 * A format the reader recognises by its first bytes and decodes a whole
 * record at a time, in a file of its own (tiffio.c, ...), listed in
 * reader.c's table.  Text, PNG and NPY are the reader's own.
 */
struct tp_decoder {
	enum tp_format format;
	const char *name;		/* "TIFF", as messages say it */
	size_t magic_len;		/* bytes probe needs, if there are */
	/* 1 if the input's first len bytes (magic_len, or all the input
	 * when shorter) begin this format */
	int (*probe)(const unsigned char *p, size_t len);
	/*
	 * Decode the next record into *out (a new tensor: malloc'd data,
	 * native byte order, C order) and set *name to a malloc'd name for
	 * it (or leave it NULL).  Returns 1, or 0 at the end of the input.
	 * Dies on bad or truncated input, naming tp_reader_name and the
	 * record (tp_reader_index + 1 is the one being read).  *state is
	 * NULL at the first call and is the decoder's own.
	 */
	int (*next)(struct tp_reader *, void **state, struct tp_tensor *out,
	    char **name);
	/* Free *state (may be NULL); never dies. */
	void (*close)(void *state);
};

/* tiffio.c: TIFF pages, a record each. */
extern const struct tp_decoder tp_tiff_decoder;
/* tiff_extent.c: the bytes from p that the TIFF file starting there
 * takes (its header, directories, values and the data they point to),
 * at most len; where a file put after it would start. */
size_t tp_tiff_extent(const unsigned char *p, size_t len);
/* jpegio.c: JPEG images back to back, a record each. */
extern const struct tp_decoder tp_jpeg_decoder;
/* mrc.c: MRC2014 maps back to back, a record each. */
extern const struct tp_decoder tp_mrc_decoder;
/* matfile.c: a .mat file's numeric variables, a record each. */
extern const struct tp_decoder tp_mat_decoder;

/* The reader's input, for decoders: up to n bytes (fewer only at the
 * end of the input) into dst; returns how many. */
size_t tp_reader_take(struct tp_reader *, void *dst, size_t n);
/* Up to n bytes into dst, waiting only while none has arrived: what the
 * input holds now (one read at most), for a format whose records end at
 * a marker (JPEG), which must not wait for bytes past its end.  Returns
 * how many; 0 only at the end of the input. */
size_t tp_reader_take_some(struct tp_reader *, void *dst, size_t n);
/*
 * All the rest of the input in one new buffer (free it), *len bytes,
 * for formats read by random access (TIFF, .mat).  It grows as the
 * input arrives, so a header's claims never size it.
 */
unsigned char *tp_reader_slurp(struct tp_reader *, size_t *len);
/* The options the reader was opened with (never NULL). */
const struct tp_input *tp_reader_input(const struct tp_reader *);
/* 1 if no byte of the input is left (it reads to know), else 0. */
int tp_reader_at_end(struct tp_reader *);
/* 1 and the bytes left in *left when the input is a regular file (its
 * size tells without reading it), else 0. */
int tp_reader_size_left(struct tp_reader *, unsigned long long *left);
/* Read all the rest of the input into the reader's own buffer, from
 * which the reads that follow are served; returns the bytes it holds. */
size_t tp_reader_hold_all(struct tp_reader *);

/* --- raw.c: headerless data (tp_input's raw, --raw) ---------------- */

/*
 * Check r's options for raw data (a usage error, exit 2, if they do
 * not make a record's shape) and skip --skip bytes of its input (dies
 * if it holds fewer).  Called as r is opened.
 */
void tp_raw_open(struct tp_reader *r);
/*
 * The next record's header into hdr: the dtype and shape the options
 * give (an entry -1 of the shape inferred from the input's length, so
 * that one record takes it whole).  Returns 1, or 0 at the end of the
 * input.  Its data then flows through the reader's NPY data path, byte-
 * swapped and reordered as the options say.
 */
int tp_raw_next(struct tp_reader *r, struct tp_tensor *hdr);

/* --- encoders: the formats the writer encodes a record at a time ---- */

/*
 * A format the writer encodes a whole record at a time, in a file of its
 * own, listed in writer.c's table.  NPY, text and PNG are the writer's
 * own.
 */
struct tp_encoder {
	enum tp_format format;
	/* NULL if a record of hdr's shape and dtype can be written as o
	 * asks, else a message in m saying why not, naming the record's
	 * shape or dtype and what to do */
	tp_why (*writable)(const struct tp_tensor *hdr,
	    const struct tp_common *o, struct tp_msg *m);
	/*
	 * Encode the record t (whole, C order, native) named name (or NULL:
	 * the format's default), index from 0.  Bytes given to
	 * tp_writer_emit here belong to this record: once it returns they
	 * count as complete and reach the output even if the tool later
	 * dies.  A format that can only be written whole (a TIFF's pages)
	 * keeps them in *state (NULL at the first call) until finish.
	 */
	void (*record)(struct tp_writer *, void **state,
	    const struct tp_tensor *t, const char *name, long index,
	    const struct tp_common *o);
	/* The input ended after n records: emit what *state holds and free
	 * it.  May die (no records, say). */
	void (*finish)(struct tp_writer *, void **state, long n,
	    const struct tp_common *o);
};

/* The encoders (their files). */
extern const struct tp_encoder tp_csv_encoder;
/* tiffio.c: every page held until finish. */
extern const struct tp_encoder tp_tiff_encoder;
/* jpegio.c: one image, held until finish. */
extern const struct tp_encoder tp_jpeg_encoder;
/* mrc.c: one map, held until finish. */
extern const struct tp_encoder tp_mrc_encoder;
/* matfile_write.c: a v5 file of every record, held until finish. */
extern const struct tp_encoder tp_mat_encoder;

/* Append n bytes to w's output (buffered); for encoders. */
void tp_writer_emit(struct tp_writer *, const void *p, size_t n);
/* The name messages give w's output ("<stdout>", or the -o path). */
const char *tp_writer_name(const struct tp_writer *);

/* --- fdio.c: the bottom of the io layer ---------------------------- */

/* Die of SIGPIPE, as a filter whose reader went away should; under a
 * catch (the public library), die with a write error instead. */
void tp_end_by_sigpipe(void) __attribute__((noreturn));
/* Write all n bytes to fd; a closed pipe ends the process by SIGPIPE,
 * another error dies naming name. */
void tp_write_fd(int fd, const void *p, size_t n, const char *name);
/* Write what can be written of n bytes to fd, never dying (for paths that
 * are already dying); returns the bytes written. */
size_t tp_write_fd_quietly(int fd, const void *p, size_t n);

/* --- the hooks copy.c (tp_write_from) uses --------------------------- */

/* 1 if the current record's bytes are in native order and C order as
 * they arrive, so tp_read_move may pass them on unchanged. */
int tp_reader_raw_ok(const struct tp_reader *);
/*
 * Move up to n bytes of the current record's data to fd (named name in
 * messages) without copying them through the caller: what the input
 * buffer holds, else by splice(2).  Returns the bytes moved; 0 when
 * neither applies (the input is not a pipe and the buffer is empty), and
 * then the caller copies.  Dies if the input ends early.  Only when
 * tp_reader_raw_ok.
 */
size_t tp_read_move(struct tp_reader *, int fd, const char *name, size_t n);
/*
 * If w's output takes the next n data bytes of its record unchanged (NPY),
 * flush its buffer, count the n bytes as written, and return the file
 * descriptor they must go to (its name in *name); else return -1.
 */
int tp_writer_direct(struct tp_writer *w, size_t n, const char **name);

#endif
