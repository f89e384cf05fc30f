/*
 * blur_axes.c - the array geometry the blur passes share: an array seen
 * as outer x axis x inner, rows unravelled into indices, an index
 * outside an axis mapped back in by the boundary, and whether an axis is
 * transformed at all.
 */
#include "blur_impl.h"

/* Axis i of array index j under the boundary, for an axis of n: the
 * sample the extended signal holds there, or -1 for zero. */
ptrdiff_t
blur_map_index(ptrdiff_t j, ptrdiff_t n, enum tp_blur_boundary b)
{
	ptrdiff_t p;

	if (j >= 0 && j < n)
		return j;
	switch (b) {
	case TP_BLUR_ZERO:
		return -1;
	case TP_BLUR_NEAREST:
		return j < 0 ? 0 : n - 1;
	case TP_BLUR_WRAP:
		return ((j % n) + n) % n;
	case TP_BLUR_MIRROR:
		if (n == 1)
			return 0;
		p = ((j % (2 * n - 2)) + 2 * n - 2) % (2 * n - 2);
		return p < n ? p : 2 * n - 2 - p;
	default:	/* reflect */
		p = ((j % (2 * n)) + 2 * n) % (2 * n);
		return p < n ? p : 2 * n - 1 - p;
	}
}

/*
 * Whether the fft path transforms axis a (sigma s, length n, derivative
 * order): not when s is 0, nor a length-1 axis that the boundary extends
 * with its own value (blurring it changes nothing, unless a derivative
 * is taken).
 */
int
blur_fft_axis(enum tp_blur_boundary bnd, double s, size_t n, int order)
{
	return s > 0 && (n > 1 || bnd == TP_BLUR_ZERO || order > 0);
}

/* The products of shape[0..a) (outer) and shape[a+1..ndim) (inner): an
 * array of ndim axes seen as outer x shape[a] x inner. */
void
blur_extent(const size_t *shape, int ndim, int a, size_t *outer, size_t *inner)
{
	*outer = *inner = 1;
	for (int j = 0; j < a; j++)
		*outer *= shape[j];
	for (int j = a + 1; j < ndim; j++)
		*inner *= shape[j];
}

/* Unravel row number row of an array of shape sh (nd axes, rows along
 * the last) into idx[0..nd-1). */
void
blur_unravel_row(size_t row, int nd, const size_t *sh, size_t *idx)
{
	for (int a = nd - 2; a >= 0; a--) {
		idx[a] = row % sh[a];
		row /= sh[a];
	}
}
