/*
 * slices.c - fuzz target: treshape's slicing forms (lib/reshape_slice.c,
 * reshape_pad.c, reshape_stack.c).  The input:
 *   byte 0   bits 0-2: the form: 0 --slice, 1 --pad, 2 --pad with
 *            --value (the second line), 3 --unstack, 4 --split,
 *            5 --stack, 6 --concat (the group: two records of the
 *            shape, --axis by bits 3-5, -3 to 4), 7 --pad with a
 *            boundary by bits 3-5;
 *            bits 6-7: the dtype, u1 i4 f4 f8
 *   byte 1   the record's axes (mod 7), then one byte per axis: its
 *            length (mod 8, so zero-size axes too)
 *   the rest the spec, then (--value) a second line
 * What parses is resolved against that shape, explained, and run.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reshape.h"

struct slices_job {
	int sel;
	struct tp_tensor hdr;
	char *spec, *value;
};

/* Buffers for a run: *src a record of the header's size filled with a
 * pattern, *dst out bytes. */
static void
buffers(const struct tp_tensor *t, size_t out, unsigned char **src,
    unsigned char **dst)
{
	*src = malloc(t->nbytes + 1);
	*dst = malloc(out + 1);
	if (!*src || !*dst)
		abort();
	for (size_t i = 0; i < t->nbytes; i++)
		(*src)[i] = (unsigned char)(i * 7 + 1);
}

static void
run_slice(struct slices_job *j)
{
	struct tp_slice s;
	struct tp_slice_plan p;
	struct tp_slice_runs r;
	struct tp_msg m;
	const char *why;
	unsigned char *src, *dst;
	size_t off, n = 0;

	if ((why = tp_slice_parse(&s, j->spec, &m)) != NULL ||
	    (why = tp_slice_resolve(&s, &j->hdr, &p, &m)) != NULL) {
		fuzz_check_message(why);
		return;
	}
	free(tp_slice_explain(&s, &p));
	if (p.out.nbytes > (1 << 20))
		return;
	tp_slice_runs_start(&r, &p);
	while (tp_slice_next_run(&r, &off)) {
		if (off > j->hdr.nbytes || p.run > j->hdr.nbytes - off)
			abort();	/* a run outside the record */
		n += p.run;
	}
	if (n != p.out.nbytes)
		abort();
	buffers(&j->hdr, p.out.nbytes, &src, &dst);
	tp_slice_run(&p, dst, src);
	free(src);
	free(dst);
}

static void
run_pad(struct slices_job *j, int boundary)
{
	struct tp_pad pd;
	struct tp_pad_plan p;
	struct tp_msg m;
	const char *why;
	unsigned char *src, *dst;

	memset(&p, 0, sizeof p);
	if ((why = tp_pad_parse(&pd, j->spec, &m)) != NULL) {
		fuzz_check_message(why);
		return;
	}
	pd.boundary = (enum tp_pad_boundary)boundary;
	pd.value = j->value;
	/* resolve maps every output index of each axis (8 bytes each,
	 * the output's own order of size): no widths past 2^20 here */
	for (int i = 0; i < pd.n; i++)
		if (pd.before[i] > (1 << 20) || pd.after[i] > (1 << 20))
			return;
	if ((why = tp_pad_resolve(&pd, &j->hdr, &p, &m)) != NULL) {
		fuzz_check_message(why);
		tp_pad_free(&p);
		return;
	}
	free(tp_pad_explain(&pd, &p));
	if (p.out.nbytes <= (1 << 20)) {
		buffers(&j->hdr, p.out.nbytes, &src, &dst);
		tp_pad_run(&p, dst, src);
		free(src);
		free(dst);
	}
	tp_pad_free(&p);
}

static void
run_stack(struct slices_job *j, int form)
{
	struct tp_stack st;
	struct tp_stack_plan p;
	struct tp_msg m;
	const char *why;
	long long a;
	size_t len;

	memset(&st, 0, sizeof st);
	if (form <= 4)
		why = tp_stack_parse_part(&st, form == 3 ? TP_PART_UNSTACK :
		    TP_PART_SPLIT, j->spec, &m);
	else
		why = tp_stack_parse_join(&st, form == 5 ? TP_JOIN_STACK :
		    TP_JOIN_CONCAT, j->spec, &m);
	if (why != NULL) {
		fuzz_check_message(why);
		return;
	}
	if (form <= 4) {
		if ((why = tp_stack_part(&st, &j->hdr, &p, &m)) != NULL) {
			fuzz_check_message(why);
			return;
		}
		if (p.npiece * p.out.nbytes != j->hdr.nbytes)
			abort();	/* the pieces are not the record */
		free(tp_stack_explain(&st, NULL, &p));
		return;
	}
	st.axis = ((j->sel >> 3) & 7) - 3;
	a = st.axis < 0 ? st.axis + j->hdr.ndim : st.axis;
	len = a >= 0 && a < j->hdr.ndim ? 2 * j->hdr.shape[a] : 0;
	if ((why = tp_stack_fits(&st, &j->hdr, &j->hdr, &m)) != NULL ||
	    (why = tp_stack_join(&st, &j->hdr, 2, len, &p, &m)) != NULL) {
		fuzz_check_message(why);
		return;
	}
	if (p.out.nbytes != 2 * j->hdr.nbytes)
		abort();	/* two records joined are not twice one */
	free(tp_stack_explain(&st, &p, NULL));
}

static void
slices(void *arg)
{
	struct slices_job *j = arg;
	int form = j->sel & 7;

	if (form == 0)
		run_slice(j);
	else if (form == 1 || form == 2)
		run_pad(j, TP_PAD_ZERO);
	else if (form == 7)
		run_pad(j, (j->sel >> 3) % 5);
	else
		run_stack(j, form);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tp_dtype dts[4] = { TP_U1, TP_I4, TP_F4, TP_F8 };
	struct slices_job j;
	size_t pos;
	char *rest;

	memset(&j, 0, sizeof j);
	if (size < 1 || !(pos = fuzz_small_shape(data, size,
	    dts[(data[0] >> 6) & 3], &j.hdr)))
		return 0;
	j.sel = data[0];
	rest = fuzz_string(data + pos, size - pos);
	j.spec = rest;
	if ((j.sel & 7) == 2 && (j.value = strchr(rest, '\n')) != NULL)
		*j.value++ = '\0';
	fuzz_call(slices, &j);
	free(rest);
	return 0;
}
