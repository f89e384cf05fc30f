/*
 * csv.c - the writer of -O csv (RFC 4180): a 2-D record as rows of
 * comma-separated numbers, one table per output.  CSV is read as text
 * (text.c), whose --header takes the row of names.
 */
#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "tpipe.h"

/* -O csv: only a record of two axes is a table. */
static tp_why
csv_writable(const struct tp_tensor *hdr, const struct tp_common *o,
    struct tp_msg *m)
{
	char shape[TP_MAXDIM * 22 + 4], how[64];

	(void)o;
	if (hdr->ndim == 2)
		return NULL;
	if (hdr->ndim == 0)
		snprintf(how, sizeof how, "treshape 1,1");
	else if (hdr->ndim == 1)
		snprintf(how, sizeof how, "treshape 1,-1 (a row) or -1,1 "
		    "(a column)");
	else
		snprintf(how, sizeof how, "treshape -1,%zu",
		    hdr->shape[hdr->ndim - 1]);
	return tp_msgf(m, "csv output holds 2-D records (rows, columns), "
	    "not shape %s: make it one with %s",
	    tp_shape_str(hdr, shape, sizeof shape), how);
}

/* The record t as rows of numbers, each formatted as text writes it
 * (tp_text_value: they read back to the same values), separated by
 * commas; a newline ends each row. */
static void
csv_record(struct tp_writer *w, void **state, const struct tp_tensor *t,
    const char *name, long index, const struct tp_common *o)
{
	enum { CHUNK = 65536 };
	char buf[CHUNK + 200];
	size_t len = 0, cols = t->shape[1], es = tp_dtype_size(t->dtype);
	const unsigned char *e = t->data;

	(void)state, (void)name, (void)o;
	if (index > 0)
		tp_die("csv output holds one table; the input has more "
		    "records");
	if (cols == 0) {	/* rows of no numbers, as numpy writes */
		for (size_t r = 0; r < t->shape[0]; r++)
			tp_writer_emit(w, "\n", 1);
		return;
	}
	for (size_t i = 0; i < t->count; i++, e += es) {
		len += (size_t)tp_text_value(buf + len, t->dtype, e);
		buf[len++] = (i + 1) % cols ? ',' : '\n';
		if (len >= CHUNK) {
			tp_writer_emit(w, buf, len);
			len = 0;
		}
	}
	tp_writer_emit(w, buf, len);
}

/* One table: nothing is held for the end. */
static void
csv_finish(struct tp_writer *w, void **state, long n,
    const struct tp_common *o)
{
	(void)w, (void)state, (void)n, (void)o;
}

const struct tp_encoder tp_csv_encoder = {
	TP_FMT_CSV, csv_writable, csv_record, csv_finish
};
