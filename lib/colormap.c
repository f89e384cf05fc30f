/*
 * colormap.c - colour maps and normalisation (colormap.h).
 *
 * The tables are matplotlib's, in colormap_tables.c (which says where
 * each comes from), so that a picture drawn here equals plt.imsave's
 * pixel for pixel; coolwarm and gray are points that interpolate()
 * makes 256-entry tables of, as matplotlib does.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "colormap.h"
#include "colormap_impl.h"
#include "tpipe.h"

const struct tp_choice tp_cmaps[] = {
	{ "gray", TP_CMAP_GRAY }, { "viridis", TP_CMAP_VIRIDIS },
	{ "magma", TP_CMAP_MAGMA }, { "coolwarm", TP_CMAP_COOLWARM },
	{ NULL, 0 }
};

/* The interpolated maps, made on first use. */
static double segmented[2][N][3];
static int have_segmented;

/*
 * Component k of the 256-entry table for the np points p (x, r, g, b),
 * exactly as matplotlib's _create_lookup_table(256, data) computes it in
 * float64: the points' x scaled by 255, sampled at 255 * linspace(0, 1,
 * 256), each sample between the first point at or after it (numpy's
 * searchsorted) and the one before.  Each operation is a statement of
 * its own, so that no compiler fuses them into a multiply-add.
 */
static void
interpolate(const double (*p)[4], int np, int k, double lut[N][3])
{
	const double step = 1.0 / (N - 1);

	lut[0][k] = p[0][k + 1];
	lut[N - 1][k] = p[np - 1][k + 1];
	for (int i = 1; i < N - 1; i++) {
		volatile double xi = (double)i * step, d, v;
		int j = 0;

		xi = (N - 1) * xi;
		while (j < np && p[j][0] * (N - 1) < xi)
			j++;
		d = (xi - p[j - 1][0] * (N - 1)) /
		    (p[j][0] * (N - 1) - p[j - 1][0] * (N - 1));
		v = d * (p[j][k + 1] - p[j - 1][k + 1]);
		v = v + p[j - 1][k + 1];
		lut[i][k] = v < 0 ? 0 : v > 1 ? 1 : v;
	}
}

/* The 256 entries of map c. */
static const double (*table(enum tp_cmap c))[3]
{
	if (!have_segmented) {
		for (int k = 0; k < 3; k++) {
			interpolate(cmap_gray_points, 2, k, segmented[0]);
			interpolate(cmap_coolwarm_points,
			    (int)(sizeof cmap_coolwarm_points /
			    sizeof cmap_coolwarm_points[0]), k, segmented[1]);
		}
		have_segmented = 1;
	}
	switch (c) {
	case TP_CMAP_VIRIDIS:
		return cmap_viridis;
	case TP_CMAP_MAGMA:
		return cmap_magma;
	case TP_CMAP_COOLWARM:
		return (const double (*)[3])segmented[1];
	default:
		return (const double (*)[3])segmented[0];
	}
}


struct tp_range
tp_range_option(const char *s)
{
	double lohi[2];
	char q[256];

	if (tp_parse_doubles(s, lohi, 2, "--range") != 2 ||
	    !isfinite(lohi[0]) || !isfinite(lohi[1]) || !(lohi[0] < lohi[1]))
		tp_usage_die("--range takes lo,hi with lo < hi, both finite: "
		    "'%s'", tp_quote(s, strlen(s), q, sizeof q));
	return (struct tp_range){ lohi[0], lohi[1] };
}

const char *
tp_cmap_name(enum tp_cmap c)
{
	const char *w = tp_choice_word(tp_cmaps, (int)c);

	return w ? w : "?";
}

void
tp_cmap_entry(enum tp_cmap c, int i, double rgb[3])
{
	const double (*t)[3] = table(c);

	memcpy(rgb, t[i < 0 ? 0 : i > N - 1 ? N - 1 : i], 3 * sizeof *rgb);
}

int
tp_cmap_index(double t)
{
	double x = t * N;

	if (isnan(t))
		return -1;
	if (x < 0)
		return 0;		/* under: matplotlib draws entry 0 */
	if (x >= N - 1)
		return N - 1;		/* t = 1, and over */
	return (int)x;
}

void
tp_cmap_rgb(enum tp_cmap c, double t, int depth, unsigned rgb[3])
{
	double scale = depth == 16 ? 65535 : 255, v[3];
	int i = tp_cmap_index(t);

	if (i < 0) {
		v[0] = TP_NAN_R;
		v[1] = TP_NAN_G;
		v[2] = TP_NAN_B;
	} else
		tp_cmap_entry(c, i, v);
	for (int k = 0; k < 3; k++)
		rgb[k] = (unsigned)(v[k] * scale);	/* truncated, as numpy's
							 * astype(uint8) */
}

struct tp_range
tp_range_of(const double *x, size_t n, int centred)
{
	double lo = INFINITY, hi = -INFINITY;
	struct tp_range r;

	for (size_t i = 0; i < n; i++)
		if (isfinite(x[i])) {
			if (x[i] < lo)
				lo = x[i];
			if (x[i] > hi)
				hi = x[i];
		}
	if (lo > hi)		/* no finite value */
		lo = hi = 0;
	if (centred && lo < 0) {
		double m = -lo > hi ? -lo : hi;
		lo = -m;
		hi = m;
	}
	r.lo = lo;
	r.hi = hi;
	return r;
}

double
tp_normalize(double x, struct tp_range r)
{
	double t;

	if (isnan(x))
		return x;
	if (r.hi == r.lo)
		t = x > r.lo ? 1 : x < r.lo ? 0 : 0.5;
	else
		t = (x - r.lo) / (r.hi - r.lo);
	return t < 0 ? 0 : t > 1 ? 1 : t;
}

unsigned
tp_level(double t, int depth)
{
	double max = depth == 16 ? 65535 : 255;

	return isnan(t) ? 0 : (unsigned)nearbyint(t * max);
}

void
tp_picture(const double *x, size_t n, struct tp_range r, int cmap, int depth,
    void *out)
{
	uint8_t *o8 = out;
	uint16_t *o16 = out;

	for (size_t i = 0; i < n; i++) {
		double t = tp_normalize(x[i], r);
		unsigned rgb[3];

		if (cmap < 0) {
			if (depth == 16)
				o16[i] = (uint16_t)tp_level(t, 16);
			else
				o8[i] = (uint8_t)tp_level(t, 8);
			continue;
		}
		tp_cmap_rgb((enum tp_cmap)cmap, t, depth, rgb);
		for (int k = 0; k < 3; k++) {
			if (depth == 16)
				o16[3 * i + k] = (uint16_t)rgb[k];
			else
				o8[3 * i + k] = (uint8_t)rgb[k];
		}
	}
}

tp_why
tp_picture_refusal(const struct tp_tensor *hdr, int channels,
    struct tp_msg *m)
{
	char s[TP_MAXDIM * 22 + 4];
	size_t last = hdr->ndim ? hdr->shape[hdr->ndim - 1] : 0;

	tp_shape_str(hdr, s, sizeof s);
	if (hdr->ndim == 0)
		return tp_msgf(m, "shape () is a scalar, not a picture: make "
		    "it one with treshape 1,1");
	if (hdr->ndim == 1)
		return tp_msgf(m, "shape %s is not a picture: make it a row "
		    "with treshape 1,-1", s);
	if (hdr->count == 0)
		return tp_msgf(m, "shape %s is empty: nothing to draw", s);
	if (hdr->ndim == 2 || (hdr->ndim == 3 && last == 1) ||
	    (hdr->ndim == 3 && channels && last <= 4))
		return NULL;
	if (hdr->ndim == 3 && last <= 4)
		return tp_msgf(m, "shape %s has %zu channels and a colour map "
		    "draws one: average them with treshape --reduce mean "
		    "'h w c -> h w'", s, last);
	if (channels && last <= 4)
		return tp_msgf(m, "shape %s is a batch of images, not one: "
		    "pick one with treshape --take 0=0, or tile them with "
		    "treshape '... h w c -> (... h) w c'", s);
	return tp_msgf(m, "shape %s has %d axes, not 2: pick a slice with "
	    "treshape --take 0=0, or tile its slices with treshape "
	    "'... h w -> (... h) w'", s, hdr->ndim);
}
