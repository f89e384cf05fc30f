/*
 * raw.c - headerless data (--raw DTYPE --shape S [--skip N] [--order F]):
 * records of the shape the options give, back to back after --skip
 * bytes.  Only the headers are made here; the data flows through the
 * reader's NPY data path (reader.c), so it streams in constant memory,
 * byte-swapped as the dtype's byte order says, and a Fortran-order
 * record is read whole and reordered there.
 */
#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "tpipe.h"

/* The shape --shape gave, -1 for the entry to infer: "(-1, 3)". */
static const char *
shape_text(const struct tp_input *in, char *buf, size_t len)
{
	size_t k = (size_t)snprintf(buf, len, "(");

	for (int i = 0; i < in->ndim && k < len; i++) {
		if (in->shape[i] == SIZE_MAX)
			k += (size_t)snprintf(buf + k, len - k, "%s-1",
			    i ? ", " : "");
		else
			k += (size_t)snprintf(buf + k, len - k, "%s%zu",
			    i ? ", " : "", in->shape[i]);
	}
	if (k < len)
		snprintf(buf + k, len - k, in->ndim == 1 ? ",)" : ")");
	return buf;
}

/* The axis --shape leaves to infer (its -1), or -1. */
static int
inferred_axis(const struct tp_input *in)
{
	for (int i = 0; i < in->ndim; i++)
		if (in->shape[i] == SIZE_MAX)
			return i;
	return -1;
}

/* The bytes of one step of the inferred axis (all of a record when
 * there is none); 0 if an axis is 0.  Dies (exit 2) on overflow. */
static size_t
step_bytes(const struct tp_input *in, const char *name)
{
	size_t step = tp_dtype_size((enum tp_dtype)in->raw);
	char s[TP_MAXDIM * 24];

	for (int i = 0; i < in->ndim; i++)
		if (in->shape[i] != SIZE_MAX &&
		    __builtin_mul_overflow(step, in->shape[i], &step))
			tp_usage_die("%s: --shape %s of %s overflows", name,
			    shape_text(in, s, sizeof s),
			    tp_dtype_name((enum tp_dtype)in->raw));
	return step;
}

void
tp_raw_open(struct tp_reader *r)
{
	const struct tp_input *in = tp_reader_input(r);
	const char *name = tp_reader_name(r);
	unsigned char buf[1 << 16];
	unsigned long long left = in->skip;
	char s[TP_MAXDIM * 24];

	if (in->ndim < 0)
		tp_usage_die("%s: --raw needs --shape: headerless data does "
		    "not say its shape", name);
	if (step_bytes(in, name) == 0)
		tp_usage_die("%s: --shape %s has no elements%s", name,
		    shape_text(in, s, sizeof s), inferred_axis(in) >= 0 ?
		    ": its -1 cannot be inferred" :
		    ": raw records of no bytes cannot be counted");
	while (left > 0) {
		size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
		size_t got = tp_reader_take(r, buf, n);

		left -= got;
		if (got < n)
			tp_die("%s: --skip %llu passes the end of the input "
			    "(%llu bytes)", name, in->skip, in->skip - left);
	}
}

/*
 * The size of the inferred axis: the rest of the input (a regular
 * file's size, else all of it read into memory) over the step.  Dies
 * if the input is not a whole number of steps.
 */
static size_t
infer_size(struct tp_reader *r, const struct tp_input *in)
{
	const char *name = tp_reader_name(r);
	size_t step = step_bytes(in, name);
	unsigned long long left;
	char s[TP_MAXDIM * 24];

	if (!tp_reader_size_left(r, &left))
		left = tp_reader_hold_all(r);
	if (left % step)
		tp_die("%s: %llu bytes do not fill --shape %s of %s: not a "
		    "multiple of %zu bytes", name, left,
		    shape_text(in, s, sizeof s),
		    tp_dtype_name((enum tp_dtype)in->raw), step);
	if (left / step > SIZE_MAX)
		tp_die("%s: %llu bytes are too many for this machine", name,
		    left);
	return (size_t)(left / step);
}

int
tp_raw_next(struct tp_reader *r, struct tp_tensor *hdr)
{
	const struct tp_input *in = tp_reader_input(r);
	const char *name = tp_reader_name(r);
	int infer = inferred_axis(in);
	size_t shape[TP_MAXDIM];
	struct tp_msg m;
	const char *why;

	if (tp_reader_at_end(r))
		return 0;
	if (infer >= 0 && tp_reader_index(r) >= 0)
		tp_die("%s: record %ld: the input grew after --shape's -1 "
		    "took all of it", name, tp_reader_index(r) + 1);
	memcpy(shape, in->shape, (size_t)in->ndim * sizeof *shape);
	if (infer >= 0)
		shape[infer] = infer_size(r, in);
	memset(hdr, 0, sizeof *hdr);
	hdr->dtype = (enum tp_dtype)in->raw;
	if ((why = tp_set_shape(hdr, in->ndim, shape, &m)))
		tp_die("%s: --shape: %s", name, why);
	return 1;
}
