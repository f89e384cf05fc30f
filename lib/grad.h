/*
 * grad.h - forward and backward passes of a chain of layers (the engine
 * behind tgrad).
 *
 * A net is layers applied in command-line order to X (batch first), then
 * a loss, or a given dL/dZ.  Every layer kind is one entry of a table in
 * grad_layers.c with a forward and a backward function; the backward
 * function turns dL/dZ into dL/dX and reduces each parameter's gradient
 * to the parameter's own shape.  Gradient 0 is dL/dX, named "X";
 * gradients 1.. are the parameters', in the order their layers and they
 * appear, named by the parameter's letter (W, b, M, K) and the number of
 * its layer among the layers that have parameters, from 1: affine, relu,
 * affine has X, W1, b1, W2, b2, as cs231n writes them.  A normalisation's
 * gamma and beta take the number of the last such layer before it (0
 * before any): affine, batchnorm, relu, affine has W1, b1, gamma1,
 * beta1, W2, b2.
 *
 * Matrix products go through CBLAS (OpenBLAS), conv:K through conv.h.
 * A net computes in one dtype, TP_F4 or TP_F8; its parameters are
 * converted to it when added.
 */
#ifndef TP_GRAD_H
#define TP_GRAD_H

#include <stdio.h>

#include "tpipe.h"

#define TP_GRAD_MAXPARAM 2
/* File operands of a word at most: its parameters, then the files its
 * options name (batchnorm's mean= and var=, dropout's mask=). */
#define TP_GRAD_MAXOPERAND 4
/* key=value options of a word at most. */
#define TP_GRAD_MAXOPT 6
/* Room for a shape or a multi-index as text, "(4096, 1024)". */
#define TP_GRAD_SHAPE_LEN (TP_MAXDIM * 22 + 4)

/*
 * One command-line word parsed: "affine:W.npy,b.npy", "relu", "sum",
 * "leaky_relu:0.1", "maxpool:2,stride=1", "batchnorm:g.npy,b.npy,
 * mean=m.npy,var=v.npy".  After the colon come comma-separated items:
 * first the parameters' files (or a loss's operand file), then at most
 * one argument (a number or a word, for kinds that take one), and
 * key=value options in any order.
 */
struct tp_grad_spec {
	char *word;		/* the word as tp_printable shows it */
	char *buf;		/* another, cut into the items */
	int kind;		/* index into the layer or the loss table */
	int is_loss;
	/* operand files: the parameters' (or the loss's operand), then
	 * one slot per file option of the kind, NULL when not given */
	int noperand;
	char *operand[TP_GRAD_MAXOPERAND];
	char *arg;		/* the argument, or NULL */
	int nopt;		/* numeric or word options, key=value */
	char *key[TP_GRAD_MAXOPT], *val[TP_GRAD_MAXOPT];
};

/*
 * Parse one word.  Returns NULL, or a message (an unknown name, the
 * wrong number of operands, an empty operand, an argument or an option
 * the kind does not take) naming the word.  Free with
 * tp_grad_spec_free.
 */
tp_why tp_grad_parse(const char *word, struct tp_grad_spec *s,
    struct tp_msg *m);
void tp_grad_spec_free(struct tp_grad_spec *s);
/* The layer and loss names, for messages and --help. */
#define TP_GRAD_LAYERS \
	"scale:M, matmul:W, affine:W,b, relu, sigmoid, tanh, softmax, " \
	"flatten, conv:K, leaky_relu:A, elu:A, gelu, gelu:tanh, " \
	"log_softmax, maxpool:K, avgpool:K, batchnorm:GAMMA,BETA, " \
	"layernorm:GAMMA,BETA, dropout:P, conv1d:W,b, conv2d:W,b, " \
	"conv3d:W,b"
#define TP_GRAD_LOSSES "softmax-xent:LABELS, mse:TARGET, sum, " \
	"svm:LABELS, bce-logits:TARGET, nll:LABELS, huber:TARGET"

struct tp_grad_net;

/* An empty net computing in dtype (TP_F4 or TP_F8) on threads threads
 * (the convolution engine, and OpenBLAS up to the threads it started
 * with: OPENBLAS_NUM_THREADS, or the CPUs). */
struct tp_grad_net *tp_grad_new(enum tp_dtype dtype, int threads);
/*
 * For a tool's process, never a library caller's: end the workers
 * OpenBLAS started when it was loaded (they spin in sched_yield for a
 * tenth of a second after they start and after each product, taking CPU
 * time, and the CPUs -j's threads need), unless they are the user's
 * (OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or OMP_NUM_THREADS set) or
 * OpenBLAS is not its pthreads build.  Then a net of more threads starts
 * them again for its matrix products, and ends them before a layer's
 * work on the thread pool over 4 MiB or more (grad_impl.h).
 */
void tp_grad_blas_workers_end(void);
void tp_grad_free(struct tp_grad_net *);
/*
 * Before the first forward pass: reduce_sum 1 sums the loss's terms
 * (--reduction sum) where 0 takes their mean (over the rows for
 * softmax-xent, svm and nll, over all elements for mse, bce-logits and
 * huber; sum and -g are sums anyway).  reg 2 adds lambda Σ W² over the
 * weights (the parameters named W and K) to the loss, so 2 lambda W to
 * their gradients; reg 1 adds lambda Σ |W| and lambda sign(W); 0 none.
 */
void tp_grad_options(struct tp_grad_net *, int reduce_sum, int reg,
    double lambda);
/*
 * After tp_grad_backward with every parameter's gradient: each parameter
 * P becomes P - lr dL/dP (one step of SGD), for the next forward pass.
 */
void tp_grad_update(struct tp_grad_net *, double lr);
/* Parameter i >= 1 (named tp_grad_name(i)) as it is now. */
const struct tp_tensor *tp_grad_param(const struct tp_grad_net *, int i);

/*
 * Append the layer s names (not a loss), with its operands (s->noperand
 * tensors, converted and copied).  Returns NULL, or a message when an
 * operand cannot be one (a NaN, a matrix that is not 2-D, a bias that
 * is not 1-D), naming the layer's position and the operand's shape, or
 * when the address space cannot hold OpenBLAS's buffer for a layer with
 * matrix products (matmul, affine): OpenBLAS 0.3.21 would wait for one
 * forever, so the first such layer makes OpenBLAS take it.
 */
tp_why tp_grad_add(struct tp_grad_net *, const struct tp_grad_spec *s,
    const struct tp_tensor *operands, struct tp_msg *m);
/*
 * Set the loss s names, with its operand (labels or target; NULL for
 * sum).  Returns NULL, or a message: labels that are not integers or
 * are negative, naming the value and its index.
 */
tp_why tp_grad_set_loss(struct tp_grad_net *,
    const struct tp_grad_spec *s, const struct tp_tensor *operand,
    struct tp_msg *m);
/*
 * Without a loss: dL/dZ is g (the -g file), and L = sum(g * Z).
 * Returns NULL, or a message when g is complex or holds a NaN or an
 * infinity (naming its shape and the index).
 */
tp_why tp_grad_set_dldz(struct tp_grad_net *, const struct tp_tensor *g,
    struct tp_msg *m);
/* 1 if a loss or dL/dZ is set (gradients can be computed). */
int tp_grad_has_loss(const struct tp_grad_net *);

/* Number of gradients (1 + parameters) and their names ("X", "W1"). */
int tp_grad_count(const struct tp_grad_net *);
const char *tp_grad_name(const struct tp_grad_net *, int i);
/*
 * Set want[i] (tp_grad_count entries) to 1 for each gradient named in
 * the comma-separated list ("X,W1"; "none" names none), else 0.
 * Returns NULL, or a message naming an empty or unknown name (and the
 * name it is in another case, "b1" for "B1") and the names this chain
 * has.
 */
tp_why tp_grad_select(const struct tp_grad_net *, const char *list,
    unsigned char *want, struct tp_msg *m);

/*
 * The forward pass on x, which the net takes over: x is left empty (its
 * data is kept as it is when x has the net's dtype, else converted, any
 * real dtype).  Returns NULL, or a message saying what does not fit: a
 * complex x, a parameter whose shape does not fit the incoming tensor
 * (both shapes and the layer's position), labels out of range or of
 * the wrong count, a -g of the wrong shape, a NaN or infinity in x.
 */
tp_why tp_grad_forward(struct tp_grad_net *, struct tp_tensor *x,
    struct tp_msg *m);
/* The last forward pass's output Z, or the loss as a 0-d tensor. */
const struct tp_tensor *tp_grad_output(const struct tp_grad_net *);
/* The last forward pass's loss (sum(g * Z) with -g). */
double tp_grad_loss(const struct tp_grad_net *);

/*
 * The backward pass after tp_grad_forward; needs a loss or dL/dZ.
 * want[i] says which gradients are needed (NULL: all); layers below the
 * lowest one needed are skipped.  Gradient i is then tp_grad_tensor.
 * The layers' outputs but the last are freed on the way (their shapes
 * stay): tp_grad_output stays, the inner activations do not.
 */
void tp_grad_backward(struct tp_grad_net *, const unsigned char *want);
/* Gradient i of the last backward pass (data NULL if not computed).
 * The caller may change its values (a test's deliberate error). */
struct tp_tensor *tp_grad_tensor(struct tp_grad_net *, int i);

/* --check: one gradient against central differences. */
struct tp_grad_check {
	double worst;		/* the largest error (below) of trusted ones */
	size_t at;		/* its flat index */
	char where[TP_GRAD_SHAPE_LEN];	/* and multi-index, "(2, 3)" */
	double analytic, numeric;
	double numeric_err;	/* how far numeric may be off, estimated */
	size_t checked;		/* elements compared */
	size_t kinked;		/* elements whose step moved a relu input
				 * across 0 (left out of worst) */
	double kinked_worst;	/* the worst error among those */
	size_t kinks;		/* relu inputs that some step moved across 0 */
	int fails;		/* worst is above tol (or NaN) */
};
/* The bands of the relative error, as cs231n gives them. */
const char *tp_grad_band(double err);
/*
 * Compare gradient i of the last forward and backward pass with central
 * differences of the loss: each element v of X or of the parameter is
 * moved by h = 1e-5 * max(|v|, 1) and by h/2 both ways, giving
 * D(h) = (L(v + h) - L(v - h)) / 2h and D(h/2); the numeric derivative
 * is their Richardson extrapolation n = D(h/2) + (D(h/2) - D(h)) / 3,
 * and its own error is estimated as e = |D(h) - D(h/2)| / 3 (the
 * truncation error of D(h/2), larger than n's) + 3 r / h, where
 * r = 16 eps sum|loss terms| is the rounding error of one loss.  The
 * error of analytic a is |a - n| / max(|a|, |n|, e / tol): it is above
 * tol only when |a - n| is above both tol of the derivative and e, so
 * neither a derivative that is 0 up to rounding nor a large input whose
 * difference quotient is itself off by more than tol counts as wrong.
 * The net must compute in float64.  X, the parameters and the forward
 * state are restored.
 */
void tp_grad_check(struct tp_grad_net *, int i, double tol,
    struct tp_grad_check *r);
/*
 * Print r, the check of gradient i, as one line to f: "  dL/dW1 (3, 4):
 * worst relative error 1.2e-08 at (0, 3) (analytic ..., numeric ... ±
 * 3e-10), good (< 1e-7); 0 relu inputs within a step of 0", then
 * ": FAILS" if it fails.
 */
void tp_grad_check_print(FILE *f, const struct tp_grad_net *, int i,
    const struct tp_grad_check *r);

/*
 * --explain: after tp_grad_forward, print to f the forward and backward
 * equations of the chain with every tensor's shape.
 */
void tp_grad_explain(const struct tp_grad_net *, FILE *f);

#endif
