/*
 * fft.c - FFTW: threads, planner mode, wisdom, fast lengths, and plans of
 * one transform kind along some axes of an array (fft.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fftw3.h>

#include "tpipe.h"
#include "fft.h"

static int started;		/* fftw(f)_init_threads done */
static int nthreads = 1;
static enum tp_plan mode = TP_PLAN_ESTIMATE;
static int planned;		/* plans made since the last save */

const struct tp_choice tp_fft_plans[] = {
	{ "estimate", TP_PLAN_ESTIMATE }, { "measure", TP_PLAN_MEASURE },
	{ "patient", TP_PLAN_PATIENT }, { NULL, 0 }
};

/*
 * The wisdom directory, $XDG_CACHE_HOME/tpipe or $HOME/.cache/tpipe, in
 * buf; returns 0, or -1 when neither variable is set.
 */
static int
wisdom_dir(char *buf, size_t len)
{
	const char *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(buf, len, "%s/tpipe", x);
	else if (h != NULL && h[0] != '\0')
		n = snprintf(buf, len, "%s/.cache/tpipe", h);
	else
		return -1;
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* Warn "what 'path'" and ": why" if why is not NULL, path quoted (it
 * comes from $XDG_CACHE_HOME or $HOME). */
static void
warn_path(const char *what, const char *path, const char *why)
{
	char *shown = tp_printable(path);

	tp_warn("%s '%s'%s%s", what, shown, why ? ": " : "", why ? why : "");
	free(shown);
}

/* Import the system's wisdom, then ours; warn about a bad file. */
static void
import_wisdom(void)
{
	static const char bad[] = "ignoring unreadable FFTW wisdom";
	char dir[4096], path[4200];

	fftw_import_system_wisdom();
	fftwf_import_system_wisdom();
	if (wisdom_dir(dir, sizeof dir) < 0)
		return;
	snprintf(path, sizeof path, "%s/wisdom-f64", dir);
	if (access(path, R_OK) == 0 && !fftw_import_wisdom_from_filename(path))
		warn_path(bad, path, NULL);
	snprintf(path, sizeof path, "%s/wisdom-f32", dir);
	if (access(path, R_OK) == 0 && !fftwf_import_wisdom_from_filename(path))
		warn_path(bad, path, NULL);
}

void
tp_fft_init(int threads, enum tp_plan plan)
{
	if (!started) {
		if (!fftw_init_threads() || !fftwf_init_threads())
			tp_die("cannot start FFTW threads");
		import_wisdom();
		started = 1;
	}
	nthreads = threads < 1 ? 1 : threads;
	mode = plan;
}

int
tp_fft_threads(void)
{
	return nthreads;
}

enum tp_plan
tp_fft_plan_mode(void)
{
	return mode;
}

/* mkdir -p for the two levels we may need (~/.cache, ~/.cache/tpipe). */
static int
make_dir(const char *dir)
{
	char parent[4096];
	char *slash;

	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	snprintf(parent, sizeof parent, "%s", dir);
	slash = strrchr(parent, '/');
	if (slash == NULL || slash == parent)
		return -1;
	*slash = '\0';
	if (mkdir(parent, 0777) < 0 && errno != EEXIST)
		return -1;
	return mkdir(dir, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* Write one precision's wisdom to dir/name through a temporary file. */
static void
save_one(const char *dir, const char *name, int single)
{
	char path[4200], tmp[4300];
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
	if ((fd = mkstemp(tmp)) < 0) {
		warn_path("cannot save FFTW wisdom in", dir, strerror(errno));
		return;
	}
	fchmod(fd, 0644);
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return;
	}
	if (single)
		fftwf_export_wisdom_to_file(f);
	else
		fftw_export_wisdom_to_file(f);
	if (ferror(f) | fclose(f) || rename(tmp, path) < 0) {
		warn_path("cannot save FFTW wisdom", path, strerror(errno));
		unlink(tmp);
	}
}

void
tp_fft_save_wisdom(void)
{
	char dir[4096];

	if (!planned || mode == TP_PLAN_ESTIMATE)
		return;
	planned = 0;
	if (wisdom_dir(dir, sizeof dir) < 0 || make_dir(dir) < 0) {
		tp_warn("cannot save FFTW wisdom: no cache directory");
		return;
	}
	save_one(dir, "wisdom-f64", 0);
	save_one(dir, "wisdom-f32", 1);
}


/* --- fast lengths --------------------------------------------------------- */

/*
 * The least 2^a 3^b 5^c 7^d >= n, with a >= 1 when even; n >= 2.
 * Returns 0 when no such length fits in a size_t.
 */
static size_t
smooth_len(size_t n, int even)
{
	size_t best = 0;

	for (size_t p7 = even ? 2 : 1; ; p7 *= 7) {
		for (size_t p5 = p7; ; p5 *= 5) {
			for (size_t p3 = p5; ; p3 *= 3) {
				size_t m = p3;

				while (m < n && m <= SIZE_MAX / 2)
					m *= 2;
				if (m >= n && (best == 0 || m < best))
					best = m;
				if (p3 >= n || p3 > SIZE_MAX / 3)
					break;
			}
			if (p5 >= n || p5 > SIZE_MAX / 5)
				break;
		}
		if (p7 >= n || p7 > SIZE_MAX / 7)
			break;
	}
	return best;
}

size_t
tp_fft_fast_len(enum tp_fft_kind kind, size_t n)
{
	size_t m;

	if (n <= 1)
		return 1;
	switch (kind) {
	case TP_FFT_R2C:
	case TP_FFT_C2R:
		return smooth_len(n, 1);
	case TP_FFT_DCT1:
		if (n == 2)
			return 2;
		m = smooth_len(n - 1, 0);
		return m == 0 ? 0 : m + 1;
	case TP_FFT_DST1:
		m = n == SIZE_MAX ? 0 : smooth_len(n + 1, 0);
		return m == 0 ? 0 : m - 1;
	default:
		return smooth_len(n, 0);
	}
}

/* --- problems and plans --------------------------------------------------- */

struct tp_fft_plan {
	enum tp_fft_kind kind;
	int single;
	int inplace;
	int ialign, oalign;	/* fftw_alignment_of the planned arrays */
	size_t ilen, olen;	/* reals in the input and output arrays */
	double norm;
	int from_wisdom;	/* made from wisdom alone */
	union {
		fftw_plan d;
		fftwf_plan f;
	} p;
};

/* Whether the kind's input (side 0) or output (side 1) is complex. */
static int
complex_side(enum tp_fft_kind kind, int side)
{
	switch (kind) {
	case TP_FFT_R2C:
		return side == 1;
	case TP_FFT_C2R:
		return side == 0;
	case TP_FFT_FWD:
	case TP_FFT_BWD:
		return 1;
	default:
		return 0;
	}
}

/* C-order strides of an array with shape s[0..n), in elements. */
static void
c_strides(int n, const size_t *s, ptrdiff_t *st)
{
	ptrdiff_t m = 1;

	for (int a = n - 1; a >= 0; a--) {
		st[a] = m;
		m *= (ptrdiff_t)s[a];
	}
}

void
tp_fft_problem_axes(struct tp_fft_problem *pb, enum tp_fft_kind kind,
    int ndim, const size_t *shape, int naxes, const int *axes, int inplace)
{
	size_t rs[TP_MAXDIM], cs[TP_MAXDIM];	/* real, complex sides */
	ptrdiff_t rst[TP_MAXDIM], cst[TP_MAXDIM];
	unsigned char on[TP_MAXDIM] = { 0 };
	int a, last, real_in = kind != TP_FFT_C2R;

	if (ndim < 1 || ndim > TP_MAXDIM || naxes < 1 || naxes > ndim)
		tp_die("internal error: fft problem of %d axes along %d", ndim,
		    naxes);
	for (a = 0; a < naxes; a++) {
		if (axes[a] < 0 || axes[a] >= ndim ||
		    (a > 0 && axes[a] <= axes[a - 1]))
			tp_die("internal error: fft axes not ascending in "
			    "0..%d", ndim - 1);
		on[axes[a]] = 1;
	}
	last = axes[naxes - 1];
	memcpy(rs, shape, ndim * sizeof *shape);
	memcpy(cs, shape, ndim * sizeof *shape);
	if (kind == TP_FFT_R2C || kind == TP_FFT_C2R) {
		cs[last] = shape[last] / 2 + 1;
		if (inplace)
			rs[last] = 2 * cs[last];
	}
	c_strides(ndim, rs, rst);
	c_strides(ndim, cs, cst);
	memset(pb, 0, sizeof *pb);
	for (a = 0; a < ndim; a++) {
		struct tp_fft_dim *d = on[a] ? &pb->dims[pb->rank++] :
		    &pb->loop[pb->nloop++];

		d->n = shape[a];
		if (kind == TP_FFT_R2C || kind == TP_FFT_C2R) {
			d->is = real_in ? rst[a] : cst[a];
			d->os = real_in ? cst[a] : rst[a];
		} else {
			d->is = d->os = rst[a];
		}
	}
}

/*
 * The elements an array needs for the problem's dims and loop on side
 * (0 in, 1 out); the last transformed axis has n/2+1 on a complex side
 * of R2C/C2R.
 */
static size_t
extent(const struct tp_fft_problem *pb, enum tp_fft_kind kind, int side)
{
	int half = (kind == TP_FFT_R2C || kind == TP_FFT_C2R) &&
	    complex_side(kind, side);
	size_t e = 1;

	for (int i = 0; i < pb->rank + pb->nloop; i++) {
		const struct tp_fft_dim *d = i < pb->rank ? &pb->dims[i] :
		    &pb->loop[i - pb->rank];
		size_t n = half && i == pb->rank - 1 ? d->n / 2 + 1 : d->n;

		e += (n - 1) * (size_t)(side ? d->os : d->is);
	}
	return e;
}

/* The FFTW planner flags for the mode and our flags. */
static unsigned
fftw_flags(unsigned flags)
{
	unsigned f = flags & TP_FFT_DESTROY ? FFTW_DESTROY_INPUT : 0;

	switch (mode) {
	case TP_PLAN_MEASURE:
		return f | FFTW_MEASURE;
	case TP_PLAN_PATIENT:
		return f | FFTW_PATIENT;
	default:
		return f | FFTW_ESTIMATE;
	}
}

/* Make p's FFTW plan for pb on the arrays in and out (overwritten while
 * planning, unless estimating). */
static void
plan_fftw(struct tp_fft_plan *p, const struct tp_fft_problem *pb,
    unsigned fl, void *in, void *out)
{
	fftw_iodim64 d[TP_MAXDIM], l[TP_MAXDIM];
	fftw_r2r_kind rk[TP_MAXDIM];
	fftw_r2r_kind r2r = p->kind == TP_FFT_DCT1 ? FFTW_REDFT00 :
	    p->kind == TP_FFT_DCT2 ? FFTW_REDFT10 :
	    p->kind == TP_FFT_DCT3 ? FFTW_REDFT01 :
	    p->kind == TP_FFT_DST1 ? FFTW_RODFT00 :
	    p->kind == TP_FFT_DST2 ? FFTW_RODFT10 :
	    p->kind == TP_FFT_DST3 ? FFTW_RODFT01 :
	    p->kind == TP_FFT_DCT4 ? FFTW_REDFT11 : FFTW_RODFT11;
	int r = pb->rank, nl = pb->nloop, s = p->single;
	int sign = p->kind == TP_FFT_FWD ? FFTW_FORWARD : FFTW_BACKWARD;

	for (int i = 0; i < r; i++) {
		d[i].n = (ptrdiff_t)pb->dims[i].n;
		d[i].is = pb->dims[i].is;
		d[i].os = pb->dims[i].os;
		rk[i] = r2r;
	}
	for (int i = 0; i < nl; i++) {
		l[i].n = (ptrdiff_t)pb->loop[i].n;
		l[i].is = pb->loop[i].is;
		l[i].os = pb->loop[i].os;
	}
	switch (p->kind) {
	case TP_FFT_R2C:
		if (s)
			p->p.f = fftwf_plan_guru64_dft_r2c(r, d, nl, l, in,
			    out, fl);
		else
			p->p.d = fftw_plan_guru64_dft_r2c(r, d, nl, l, in,
			    out, fl);
		break;
	case TP_FFT_C2R:
		if (s)
			p->p.f = fftwf_plan_guru64_dft_c2r(r, d, nl, l, in,
			    out, fl);
		else
			p->p.d = fftw_plan_guru64_dft_c2r(r, d, nl, l, in,
			    out, fl);
		break;
	case TP_FFT_FWD:
	case TP_FFT_BWD:
		if (s)
			p->p.f = fftwf_plan_guru64_dft(r, d, nl, l, in, out,
			    sign, fl);
		else
			p->p.d = fftw_plan_guru64_dft(r, d, nl, l, in, out,
			    sign, fl);
		break;
	default:
		if (s)
			p->p.f = fftwf_plan_guru64_r2r(r, d, nl, l, in, out,
			    rk, fl);
		else
			p->p.d = fftw_plan_guru64_r2r(r, d, nl, l, in, out,
			    rk, fl);
		break;
	}
}

/* fftw_alignment_of for p in the plan's precision (0 for NULL). */
static int
align_of(int single, const void *p)
{
	if (p == NULL)
		return 0;
	return single ? fftwf_alignment_of((float *)p) :
	    fftw_alignment_of((double *)p);
}

/* Die naming the problem FFTW could not plan. */
static void
plan_failed(const struct tp_fft_problem *pb)
{
	char buf[256];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < pb->rank && n < sizeof buf; i++)
		n += snprintf(buf + n, sizeof buf - n, "%s%zu", i ? "x" : "",
		    pb->dims[i].n);
	tp_die("FFTW could not plan a transform of %s points", buf);
}

struct tp_fft_plan *
tp_fft_plan_new(enum tp_fft_kind kind, int single,
    const struct tp_fft_problem *pb, int threads, unsigned flags,
    const void *in, const void *out)
{
	struct tp_fft_plan *p = tp_ecalloc(1, sizeof *p);
	size_t rsz = single ? sizeof(float) : sizeof(double), ib, ob;
	char *scratch, *si, *so;
	int i;

	if (pb->rank < 1 || pb->rank > TP_MAXDIM || pb->nloop < 0 ||
	    pb->nloop > TP_MAXDIM)
		tp_die("internal error: fft problem of rank %d", pb->rank);
	for (i = 0; i < pb->rank + pb->nloop; i++) {
		const struct tp_fft_dim *d = i < pb->rank ? &pb->dims[i] :
		    &pb->loop[i - pb->rank];

		if (d->n < 1 || d->is < 0 || d->os < 0 ||
		    (kind == TP_FFT_DCT1 && i < pb->rank && d->n < 2))
			tp_die("internal error: fft axis of %zu points, "
			    "strides %td, %td", d->n, d->is, d->os);
	}
	p->kind = kind;
	p->single = single;
	p->inplace = (flags & TP_FFT_INPLACE) != 0;
	p->ilen = extent(pb, kind, 0) * (complex_side(kind, 0) ? 2 : 1);
	p->olen = extent(pb, kind, 1) * (complex_side(kind, 1) ? 2 : 1);
	if (p->inplace)
		p->ilen = p->olen = p->ilen > p->olen ? p->ilen : p->olen;
	p->ialign = align_of(single, in);
	p->oalign = p->inplace ? p->ialign : align_of(single, out);
	p->norm = 1;
	for (i = 0; i < pb->rank; i++) {
		double n = (double)pb->dims[i].n;

		p->norm *= kind == TP_FFT_DCT1 ? 2 * (n - 1) :
		    kind == TP_FFT_DST1 ? 2 * (n + 1) :
		    kind == TP_FFT_DCT2 || kind == TP_FFT_DCT3 ||
		    kind == TP_FFT_DST2 || kind == TP_FFT_DST3 ||
		    kind == TP_FFT_DCT4 || kind == TP_FFT_DST4 ? 2 * n : n;
	}
	/* scratch arrays at the callers' alignment: the planner may
	 * overwrite its arrays, and the caller's data is not ours */
	ib = p->ilen * rsz + 64;
	ob = p->inplace ? 0 : p->olen * rsz + 64;
	scratch = tp_fft_alloc(ib + ob);
	si = scratch + p->ialign;
	so = p->inplace ? si : scratch + ib + p->oalign;
	if (!started)
		tp_fft_init(nthreads, mode);
	threads = threads < 1 ? nthreads : threads;
	if (single)
		fftwf_plan_with_nthreads(threads);
	else
		fftw_plan_with_nthreads(threads);
	if (mode != TP_PLAN_ESTIMATE) {
		/* wisdom alone, if it knows the problem: no measuring */
		plan_fftw(p, pb, fftw_flags(flags) | FFTW_WISDOM_ONLY, si, so);
		p->from_wisdom = single ? p->p.f != NULL : p->p.d != NULL;
	}
	if (!p->from_wisdom)
		plan_fftw(p, pb, fftw_flags(flags), si, so);
	tp_fft_free(scratch);
	if (single ? p->p.f == NULL : p->p.d == NULL)
		plan_failed(pb);
	if (!p->from_wisdom)
		planned = 1;
	return p;
}

void
tp_fft_plan_free(struct tp_fft_plan *p)
{
	if (p == NULL)
		return;
	if (p->single)
		fftwf_destroy_plan(p->p.f);
	else
		fftw_destroy_plan(p->p.d);
	free(p);
}

int
tp_fft_plan_fits(const struct tp_fft_plan *p, const void *in,
    const void *out)
{
	return (in == out) == p->inplace &&
	    align_of(p->single, in) == p->ialign &&
	    align_of(p->single, out) == p->oalign;
}

void
tp_fft_execute(const struct tp_fft_plan *p, void *in, void *out)
{
	int s = p->single;

	if (!tp_fft_plan_fits(p, in, out))
		tp_die("internal error: fft arrays %p, %p do not have the "
		    "layout planned for", in, out);
	switch (p->kind) {
	case TP_FFT_R2C:
		if (s)
			fftwf_execute_dft_r2c(p->p.f, in, out);
		else
			fftw_execute_dft_r2c(p->p.d, in, out);
		break;
	case TP_FFT_C2R:
		if (s)
			fftwf_execute_dft_c2r(p->p.f, in, out);
		else
			fftw_execute_dft_c2r(p->p.d, in, out);
		break;
	case TP_FFT_FWD:
	case TP_FFT_BWD:
		if (s)
			fftwf_execute_dft(p->p.f, in, out);
		else
			fftw_execute_dft(p->p.d, in, out);
		break;
	default:
		if (s)
			fftwf_execute_r2r(p->p.f, in, out);
		else
			fftw_execute_r2r(p->p.d, in, out);
		break;
	}
}

int
tp_fft_plan_from_wisdom(const struct tp_fft_plan *p)
{
	return p->from_wisdom;
}

size_t
tp_fft_plan_in_len(const struct tp_fft_plan *p)
{
	return p->ilen;
}

size_t
tp_fft_plan_out_len(const struct tp_fft_plan *p)
{
	return p->olen;
}

double
tp_fft_plan_norm(const struct tp_fft_plan *p)
{
	return p->norm;
}

void *
tp_fft_alloc(size_t n)
{
	void *p = fftw_malloc(n ? n : 1);

	if (p == NULL)
		tp_die("cannot allocate %zu bytes for the FFT", n);
	return p;
}

void
tp_fft_free(void *p)
{
	fftw_free(p);
}
