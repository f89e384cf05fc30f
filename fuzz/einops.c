/*
 * einops.c - fuzz target: treshape's forms (lib/reshape.c).  The input:
 *   byte 0   bits 0-2: the form: 0-5 the operands as treshape's first
 *            operand takes them (a shape, or an einops pattern and its
 *            NAME=SIZE words) with the op rearrange, sum, mean, max,
 *            min, repeat; 6 --permute; 7 --squeeze, --unsqueeze or
 *            --transpose by bits 3-4, or --take if bit 7 is set;
 *            bits 5-6: the dtype, u1 i4 f4 f8
 *   byte 1   the input's axes (mod 7), then one byte per axis: its
 *            length (mod 8, so zero-size axes too)
 *   the rest the operands, one per line
 * What parses is resolved against that shape, explained, and run.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reshape.h"

#define MAXOPERANDS 16

struct einops_job {
	int sel;
	struct tp_tensor hdr;
	int argc;
	char *argv[MAXOPERANDS + 1];
};

static const enum tp_op ops[6] = { TP_OP_REARRANGE, TP_OP_SUM, TP_OP_MEAN,
	TP_OP_MAX, TP_OP_MIN, TP_OP_REPEAT };

/* Parse, resolve, explain and run as treshape would. */
static void
reshape(void *arg)
{
	struct einops_job *j = arg;
	struct tp_reshape rq;
	struct tp_reshape_plan plan;
	struct tp_msg m;
	const char *why;
	int used, form = j->sel & 7;
	char *text;
	unsigned char *src, *dst;

	if (form < 6) {
		if (j->argc == 0)
			return;
		why = tp_reshape_parse_operands(&rq, ops[form], j->argc,
		    j->argv, &used, &m);
		if (why == NULL && (used < 1 || used > j->argc))
			abort();
	} else if (form == 6) {
		why = tp_reshape_parse(&rq, TP_RESHAPE_PERMUTE,
		    j->argc ? j->argv[0] : "", &m);
	} else if (j->sel & 0x80) {
		why = tp_reshape_parse(&rq, TP_RESHAPE_TAKE,
		    j->argc ? j->argv[0] : "", &m);
	} else {
		static const enum tp_reshape_form f[4] = { TP_RESHAPE_SQUEEZE,
			TP_RESHAPE_SQUEEZE, TP_RESHAPE_UNSQUEEZE,
			TP_RESHAPE_TRANSPOSE };
		int k = (j->sel >> 3) & 3;

		why = tp_reshape_parse(&rq, f[k], k == 0 || !j->argc ? NULL :
		    j->argv[0], &m);
	}
	if (why != NULL) {
		fuzz_check_message(why);
		return;
	}
	if ((why = tp_reshape_resolve(&rq, &j->hdr, &plan, &m)) != NULL) {
		fuzz_check_message(why);
		return;
	}
	if (plan.in.count != j->hdr.count || plan.in.dtype != j->hdr.dtype)
		abort();
	text = tp_reshape_explain(&rq, &plan);
	free(text);
	if (plan.in.nbytes > (1 << 16) || plan.out.nbytes > (1 << 20))
		return;
	src = calloc(1, plan.in.nbytes + 1);
	dst = malloc(plan.out.nbytes + 1);
	if (src == NULL || dst == NULL)
		abort();
	for (size_t i = 0; i < plan.in.nbytes; i++)
		src[i] = (unsigned char)(i * 7 + 1);
	tp_reshape_run(&plan, dst, src, 1);
	free(src);
	free(dst);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tp_dtype dts[4] = { TP_U1, TP_I4, TP_F4, TP_F8 };
	struct einops_job j;
	size_t pos;
	char *rest, *p, *line;

	memset(&j, 0, sizeof j);
	if (size < 1 || !(pos = fuzz_small_shape(data, size,
	    dts[(data[0] >> 5) & 3], &j.hdr)))
		return 0;
	j.sel = data[0];
	rest = fuzz_string(data + pos, size - pos);
	for (p = rest; j.argc < MAXOPERANDS &&
	    (line = strsep(&p, "\n")) != NULL; )
		j.argv[j.argc++] = line;
	fuzz_call(reshape, &j);
	free(rest);
	return 0;
}
