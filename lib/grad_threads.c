/*
 * grad_threads.c - the gradient engine's threads (grad_impl.h): the
 * layers' work split over tp_parallel's pool (grad_split), and
 * OpenBLAS's workers, ended by a tool and started again for the matrix
 * products (tp_grad_blas_workers_end, grad_blas_new, grad_blas_begin,
 * grad_blas_rest).  Apart from grad.c and the layers so that they use it
 * without a cycle (mk/layers.txt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"
#include "conv.h"
#include "engine.h"
#include "grad_impl.h"

/* These are OpenBLAS's, not CBLAS's; the last is its pthreads build's
 * alone (weak: NULL in another). */
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
int blas_thread_shutdown_(void) __attribute__((weak));

/* OpenBLAS's threads when the first net was made (the CPUs, or
 * OPENBLAS_NUM_THREADS); 1 once a tool ended its workers, which then
 * start again for the products and end before large work on the pool's
 * threads (grad_blas_begin, grad_blas_rest). */
static int blas_started, blas_ended;

void
tp_grad_blas_workers_end(void)
{
	if (blas_started == 0)
		blas_started = openblas_get_num_threads();
	if (openblas_get_num_threads() > 1 &&
	    blas_thread_shutdown_ != NULL &&
	    getenv("OPENBLAS_NUM_THREADS") == NULL &&
	    getenv("GOTO_NUM_THREADS") == NULL &&
	    getenv("OMP_NUM_THREADS") == NULL) {
		openblas_set_num_threads(1);
		blas_thread_shutdown_();
		blas_ended = 1;
	}
}

void
grad_blas_new(const struct tp_grad_net *net)
{
	if (blas_started == 0)
		blas_started = openblas_get_num_threads();
	/* the workers a tool ended start again for the products, and end
	 * before large work on tp_parallel's threads (grad_blas_rest) */
	if (!blas_ended)
		grad_blas_begin(net);
}

/* OpenBLAS's threads for net: its own, no more than OpenBLAS started
 * with (a thread it starts takes a buffer of BLAS_BUFFER bytes, which
 * an address-space limit may not hold). */
static int
blas_want(const struct tp_grad_net *net)
{
	return net->threads < blas_started ? net->threads : blas_started;
}

void
grad_blas_begin(const struct tp_grad_net *net)
{
	/* only a change: setting the number starts the workers again */
	if (openblas_get_num_threads() != blas_want(net))
		openblas_set_num_threads(blas_want(net));
}

void
grad_blas_rest(size_t bytes)
{
	if (blas_ended && bytes >= GRAD_BLAS_REST &&
	    openblas_get_num_threads() > 1) {
		openblas_set_num_threads(1);
		blas_thread_shutdown_();
	}
}

/* grad_split's runs: the job and one item. */
struct split {
	void (*fn)(void *, size_t, size_t);
	void *arg;
	size_t n, run;
};

static void
split_item(void *arg, size_t i, int tid)
{
	const struct split *s = arg;
	size_t lo = i * s->run;

	(void)tid;
	s->fn(s->arg, lo, s->n - lo < s->run ? s->n : lo + s->run);
}

/* Runs of about n / (4 threads): a thread the machine is slow to
 * schedule leaves a few runs to the others, not half of the work. */
void
grad_split(const struct tp_grad_net *net, size_t n, size_t align,
    void (*fn)(void *arg, size_t lo, size_t hi), void *arg)
{
	struct split s = { fn, arg, n, 0 };
	size_t runs;

	if (align < 1)
		align = 1;
	if (net->threads < 2 || n < 2 * align) {
		fn(arg, 0, n);
		return;
	}
	runs = 4 * (size_t)net->threads;
	s.run = (n + runs - 1) / runs;
	s.run = (s.run + align - 1) / align * align;
	tp_parallel(net->threads, (n + s.run - 1) / s.run, split_item, &s);
}
