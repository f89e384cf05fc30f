/*
 * numbers.c - fuzz target: the inline-number parsers of the command
 * line.  Byte 0 (mod 8) picks one; the rest is the option's text:
 *   0  tproject's matrix options: byte 1 picks the call (--modelview
 *      ... --scale); tp_parse_doubles, the count tproject wants
 *      (tp_mat_call_count), then tp_view_multiply and tp_project_init
 *   1  --viewport, 2 --depth-range: tp_parse_doubles of 4 and 2
 *   3  tblur's sigma list: tp_parse_doubles, tp_blur_opts_check, then
 *      tp_blur_sigmas for a tensor whose axes byte 1 gives
 *   4  shapes: tp_parse_shape (byte 1: bit 0 allows -1, the rest
 *      mod 64 the sizes the buffer holds, 0 for 64)
 *   5  tp_parse_int, 6 tp_parse_double
 *   7  dtype names: tp_dtype_lookup
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blur.h"
#include "fuzz.h"
#include "project.h"

struct numbers_job {
	int sel, arg;
	const char *s;
};

/* Parse j->s as the parser j->sel picks, and use what parses. */
static void
parse(void *arg)
{
	struct numbers_job *j = arg;
	struct tp_msg m;
	const char *why = NULL;
	double v[TP_MAXDIM];
	int n;

	switch (j->sel) {
	case 0: {
		enum tp_mat_call call = (enum tp_mat_call)(j->arg % TP_NCALLS);
		struct tp_view view;
		struct tp_project p;

		n = tp_parse_doubles(j->s, v, 16, "--matrix");
		if (call == TP_CALL_SCALE && n == 1) {
			v[1] = v[2] = v[0];
			n = 3;
		}
		if (n != tp_mat_call_count(call))
			return;
		tp_view_init(&view);
		why = tp_view_multiply(&view, call, v);
		if (why == NULL) {
			tp_project_init(&p, &view);
			why = tp_project_unprojector(&p);
		}
		break;
	}
	case 1:
	case 2:
		n = tp_parse_doubles(j->s, v, j->sel == 1 ? 4 : 2,
		    j->sel == 1 ? "--viewport" : "--depth-range");
		for (int i = 0; i < n; i++)
			if (isnan(v[i]))
				abort();	/* refused as not a number */
		break;
	case 3: {
		struct tp_blur_opts o;
		size_t shape[TP_MAXDIM];
		double sigma[TP_MAXDIM];
		int order[TP_MAXDIM], ndim = j->arg % 6;

		tp_blur_opts_init(&o);
		o.nsigma = tp_parse_doubles(j->s, o.sigma, TP_MAXDIM, "sigma");
		if ((why = tp_blur_opts_check(&o, &m)) != NULL)
			break;
		for (int i = 0; i < ndim; i++)
			shape[i] = (size_t)(j->arg >> 3) % 5 + (size_t)i;
		why = tp_blur_sigmas(&o, ndim, shape, sigma, order, &m);
		for (int i = 0; why == NULL && i < ndim; i++)
			if (!(sigma[i] >= 0) || isinf(sigma[i]))
				abort();
		break;
	}
	case 4: {
		/* exactly max sizes, so that ASan sees a write past them */
		int max = (j->arg >> 1) % TP_MAXDIM ? (j->arg >> 1) %
		    TP_MAXDIM : TP_MAXDIM;
		size_t *shape = tp_emalloc((size_t)max * sizeof *shape);

		why = tp_parse_shape(j->s, shape, max, &n, j->arg & 1, &m);
		free(shape);
		if (why == NULL && (n < 0 || n > max))
			abort();
		break;
	}
	case 5:
		(void)tp_parse_int(j->s, -1000, 1000000, "--int");
		break;
	case 6:
		if (isnan(tp_parse_double(j->s, -INFINITY, INFINITY,
		    "--double")))
			abort();
		break;
	case 7: {
		enum tp_dtype t;

		why = tp_dtype_lookup(j->s, &t, &m);
		if (why == NULL && (t < 0 || t >= TP_NDTYPES))
			abort();
		break;
	}
	}
	if (why != NULL)
		fuzz_check_message(why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct numbers_job j;
	char *s;

	if (size < 2)
		return 0;
	j.sel = data[0] % 8;
	j.arg = data[1];
	s = fuzz_string(data + 2, size - 2);
	j.s = s;
	fuzz_call(parse, &j);
	free(s);
	return 0;
}
