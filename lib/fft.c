/*
 * fft.c - FFTW setup: threads, planner flags, wisdom, fast lengths.
 */
#include <errno.h>
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

int
tp_fft_plan_parse(const char *s)
{
	if (strcmp(s, "estimate") == 0)
		return TP_PLAN_ESTIMATE;
	if (strcmp(s, "measure") == 0)
		return TP_PLAN_MEASURE;
	if (strcmp(s, "patient") == 0)
		return TP_PLAN_PATIENT;
	return -1;
}

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

static void
import_wisdom(void)
{
	char dir[4096], path[4200];

	fftw_import_system_wisdom();
	fftwf_import_system_wisdom();
	if (wisdom_dir(dir, sizeof dir) < 0)
		return;
	snprintf(path, sizeof path, "%s/wisdom-f64", dir);
	if (access(path, R_OK) == 0 && !fftw_import_wisdom_from_filename(path))
		tp_warn("ignoring unreadable FFTW wisdom '%s'", path);
	snprintf(path, sizeof path, "%s/wisdom-f32", dir);
	if (access(path, R_OK) == 0 && !fftwf_import_wisdom_from_filename(path))
		tp_warn("ignoring unreadable FFTW wisdom '%s'", path);
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
	tp_fft_plan_threads(nthreads);
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

unsigned
tp_fft_flags(unsigned extra)
{
	switch (mode) {
	case TP_PLAN_MEASURE:
		return FFTW_MEASURE | extra;
	case TP_PLAN_PATIENT:
		return FFTW_PATIENT | extra;
	default:
		return FFTW_ESTIMATE | extra;
	}
}

void
tp_fft_plan_threads(int n)
{
	if (!started) {		/* a caller that skipped tp_fft_init */
		tp_fft_init(n, mode);
		return;
	}
	fftw_plan_with_nthreads(n < 1 ? 1 : n);
	fftwf_plan_with_nthreads(n < 1 ? 1 : n);
}

void
tp_fft_planned(void)
{
	planned = 1;
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
		tp_warn("cannot save FFTW wisdom in '%s': %s", dir,
		    strerror(errno));
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
		tp_warn("cannot save FFTW wisdom '%s': %s", path,
		    strerror(errno));
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

size_t
tp_fft_fast_len(size_t n)
{
	size_t best = 0;

	if (n <= 1)
		return 1;
	/* the least 2^a 3^b 5^c 7^d >= n with a >= 1, over all b, c, d */
	for (size_t p7 = 1; ; p7 *= 7) {
		for (size_t p5 = p7; ; p5 *= 5) {
			for (size_t p3 = p5; ; p3 *= 3) {
				size_t m = 2 * p3;
				while (m < n && m <= SIZE_MAX / 2)
					m *= 2;
				if (m >= n && (best == 0 || m < best))
					best = m;
				if (p3 > SIZE_MAX / 3 / 2 || 2 * p3 >= n)
					break;
			}
			if (p5 > SIZE_MAX / 5 / 2 || 2 * p5 >= n)
				break;
		}
		if (p7 > SIZE_MAX / 7 / 2 || 2 * p7 >= n)
			break;
	}
	return best;
}
