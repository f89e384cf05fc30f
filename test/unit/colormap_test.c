/*
 * colormap_test.c - lib/colormap.c: the tables equal matplotlib's float64
 * lookup tables bit for bit at sample entries (printed with %.17g from
 * matplotlib 3.6: matplotlib.colormaps[name](np.arange(256))), the bins,
 * the normalisation, the gray levels, the ranges and the refusals.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "colormap.h"
#include "tpipe.h"
#include "tap.h"

static const struct { int cmap, i; double rgb[3]; } entries[] = {
	{ TP_CMAP_GRAY, 0, { 0, 0, 0 } },
	{ TP_CMAP_GRAY, 1, { 0.0039215686274509803, 0.0039215686274509803,
	    0.0039215686274509803 } },
	{ TP_CMAP_GRAY, 77, { 0.30196078431372547, 0.30196078431372547,
	    0.30196078431372547 } },
	{ TP_CMAP_GRAY, 128, { 0.50196078431372548, 0.50196078431372548,
	    0.50196078431372548 } },
	{ TP_CMAP_GRAY, 255, { 1, 1, 1 } },
	{ TP_CMAP_COOLWARM, 0, { 0.2298057, 0.298717966, 0.75368315299999999 } },
	{ TP_CMAP_COOLWARM, 1, { 0.23437707945098038, 0.30554173032941179,
	    0.75967952758823531 } },
	{ TP_CMAP_COOLWARM, 77, { 0.62470323761176472, 0.74831848723529415,
	    0.99871946558039215 } },
	{ TP_CMAP_COOLWARM, 128, { 0.86742763508627452, 0.86437659977254899,
	    0.86260246201960789 } },
	{ TP_CMAP_COOLWARM, 254, { 0.71155385145882355, 0.033336854211764688,
	    0.1544847098509804 } },
	{ TP_CMAP_COOLWARM, 255, { 0.70567315799999997, 0.015556159999999999,
	    0.15023281199999999 } },
	{ TP_CMAP_VIRIDIS, 0, { 0.267004, 0.004874, 0.329415 } },
	{ TP_CMAP_VIRIDIS, 128, { 0.127568, 0.566949, 0.550556 } },
	{ TP_CMAP_VIRIDIS, 255, { 0.993248, 0.906157, 0.143936 } },
	{ TP_CMAP_MAGMA, 0, { 0.001462, 0.000466, 0.013866 } },
	{ TP_CMAP_MAGMA, 77, { 0.396467, 0.102902, 0.502658 } },
	{ TP_CMAP_MAGMA, 255, { 0.987053, 0.991438, 0.749504 } },
};

int
main(void)
{
	struct tp_range r = { -1, 3 }, flat = { 2, 2 };
	char what[128];
	unsigned rgb[3];

	for (size_t k = 0; k < sizeof entries / sizeof entries[0]; k++) {
		double v[3];
		tp_cmap_entry(entries[k].cmap, entries[k].i, v);
		snprintf(what, sizeof what, "%s entry %d is matplotlib's",
		    tp_cmap_name(entries[k].cmap), entries[k].i);
		ok(!memcmp(v, entries[k].rgb, sizeof v), what);
	}

	/* names */
	ok(tp_choice_find(tp_cmaps, "viridis")->value == TP_CMAP_VIRIDIS,
	    "viridis by name");
	ok(tp_choice_find(tp_cmaps, "coolwarm")->value == TP_CMAP_COOLWARM,
	    "coolwarm by name");
	ok(!tp_choice_find(tp_cmaps, "Viridis") && !tp_choice_find(tp_cmaps, ""),
	    "names are exact");
	for (int c = 0; c < TP_NCMAPS; c++)
		ok(strstr(TP_CMAP_NAMES, tp_cmap_name(c)) != NULL,
		    "TP_CMAP_NAMES lists each map");

	/* bins: int(t * 256), t = 1 is 255, under 0, over 255, NaN -1 */
	ok(tp_cmap_index(0) == 0 && tp_cmap_index(1.0 / 256) == 1,
	    "bin edges belong to the bin above");
	ok(tp_cmap_index(nextafter(1.0 / 256, 0)) == 0, "just below an edge");
	ok(tp_cmap_index(1) == 255 && tp_cmap_index(nextafter(1, 0)) == 255,
	    "t = 1 is the last entry");
	ok(tp_cmap_index(-0.5) == 0 && tp_cmap_index(7) == 255 &&
	    tp_cmap_index(-INFINITY) == 0 && tp_cmap_index(INFINITY) == 255,
	    "under and over clip");
	ok(tp_cmap_index(NAN) == -1, "NaN has no entry");

	/* colours: floor(v * 255), floor(v * 65535); NaN magenta */
	tp_cmap_rgb(TP_CMAP_VIRIDIS, 0, 8, rgb);
	ok(rgb[0] == 68 && rgb[1] == 1 && rgb[2] == 84, "viridis 0, 8 bits");
	tp_cmap_rgb(TP_CMAP_VIRIDIS, 0, 16, rgb);
	ok(rgb[0] == (unsigned)(0.267004 * 65535) && rgb[2] ==
	    (unsigned)(0.329415 * 65535), "viridis 0, 16 bits");
	tp_cmap_rgb(TP_CMAP_GRAY, 33.0 / 256, 8, rgb);
	ok(rgb[0] == 32, "gray entry 33 truncates to 32, as matplotlib's bytes");
	tp_cmap_rgb(TP_CMAP_GRAY, 34.0 / 256, 8, rgb);
	ok(rgb[0] == 34, "gray entry 34 is 34");
	tp_cmap_rgb(TP_CMAP_MAGMA, NAN, 8, rgb);
	ok(rgb[0] == 255 && rgb[1] == 0 && rgb[2] == 255, "NaN is magenta");
	tp_cmap_rgb(TP_CMAP_GRAY, NAN, 16, rgb);
	ok(rgb[0] == 65535 && rgb[1] == 0 && rgb[2] == 65535,
	    "NaN is magenta at 16 bits");

	/* normalisation */
	ok(tp_normalize(-1, r) == 0 && tp_normalize(3, r) == 1 &&
	    tp_normalize(1, r) == 0.5, "ends and middle");
	ok(tp_normalize(-5, r) == 0 && tp_normalize(9, r) == 1,
	    "outside the range clips");
	ok(tp_normalize(INFINITY, r) == 1 && tp_normalize(-INFINITY, r) == 0,
	    "infinities go to the ends");
	ok(isnan(tp_normalize(NAN, r)), "NaN stays NaN");
	ok(tp_normalize(2, flat) == 0.5 && tp_normalize(INFINITY, flat) == 1 &&
	    tp_normalize(-INFINITY, flat) == 0, "a constant record: the middle");
	ok(tp_level(0.5, 8) == 128 && tp_level(0.5, 16) == 32768,
	    "levels round half to even (127.5 -> 128, 32767.5 -> 32768)");
	ok(tp_level(1, 8) == 255 && tp_level(1, 16) == 65535 &&
	    tp_level(NAN, 8) == 0, "full scale; NaN is 0");

	/* ranges */
	{
		double x[] = { 3, NAN, -1, INFINITY, 2, -INFINITY };
		double pos[] = { 1, 5 }, none[] = { NAN, INFINITY };
		struct tp_range a = tp_range_of(x, 6, 0),
		    c = tp_range_of(x, 6, 1), p = tp_range_of(pos, 2, 1),
		    n = tp_range_of(none, 2, 0);
		ok(a.lo == -1 && a.hi == 3, "finite min..max");
		ok(c.lo == -3 && c.hi == 3, "centred: -m..m, m = max|x|");
		ok(p.lo == 1 && p.hi == 5, "centred without negatives: min..max");
		ok(n.lo == 0 && n.hi == 0, "no finite value: 0..0");
	}

	/* a picture: levels, and colours (NaN magenta) */
	{
		double x[] = { -1, 1, 3, NAN };
		uint8_t lv[4], col[12];
		uint16_t lv16[4];
		tp_picture(x, 4, r, -1, 8, lv);
		ok(lv[0] == 0 && lv[1] == 128 && lv[2] == 255 && lv[3] == 0,
		    "gray levels");
		tp_picture(x, 4, r, -1, 16, lv16);
		ok(lv16[1] == 32768 && lv16[2] == 65535, "16-bit levels");
		tp_picture(x, 4, r, TP_CMAP_VIRIDIS, 8, col);
		ok(col[0] == 68 && col[1] == 1 && col[2] == 84 && col[9] == 255 &&
		    col[10] == 0 && col[11] == 255, "colours");
	}

	/* what is a picture */
	{
		struct tp_tensor t = { .dtype = TP_F8 };
		struct tp_msg m;
		size_t s2[] = { 3, 4 }, s3[] = { 3, 4, 3 }, s1[] = { 3, 4, 1 },
		    b[] = { 2, 3, 4, 3 }, d3[] = { 2, 3, 5 }, e[] = { 0, 4 },
		    v[] = { 5 };
		const char *why;

		tp_eset_shape(&t, 2, s2);
		ok(!tp_picture_refusal(&t, 0, &m), "(3, 4) is a picture");
		tp_eset_shape(&t, 3, s1);
		ok(!tp_picture_refusal(&t, 0, &m), "(3, 4, 1) is one for a map");
		tp_eset_shape(&t, 3, s3);
		ok(!tp_picture_refusal(&t, 1, &m), "(3, 4, 3) is an image");
		why = tp_picture_refusal(&t, 0, &m);
		ok(why && strstr(why, "--reduce mean 'h w c -> h w'"),
		    "but not one colour map's");
		tp_eset_shape(&t, 4, b);
		why = tp_picture_refusal(&t, 1, &m);
		ok(why && !strcmp(why, "shape (2, 3, 4, 3) is a batch of images, "
		    "not one: pick one with treshape --take 0=0, or tile them with "
		    "treshape '... h w c -> (... h) w c'"),
		    "a batch of images");
		tp_eset_shape(&t, 3, d3);
		why = tp_picture_refusal(&t, 1, &m);
		ok(why && !strcmp(why, "shape (2, 3, 5) has 3 axes, not 2: pick "
		    "a slice with treshape --take 0=0, or tile its slices with "
		    "treshape '... h w -> (... h) w'"),
		    "three axes, the last not channels");
		tp_eset_shape(&t, 2, e);
		ok(tp_picture_refusal(&t, 1, &m) != NULL, "empty");
		tp_eset_shape(&t, 1, v);
		ok(tp_picture_refusal(&t, 1, &m) != NULL, "one axis");
		tp_eset_shape(&t, 0, v);
		ok(tp_picture_refusal(&t, 1, &m) != NULL, "a scalar");
	}
	return tap_end();
}
