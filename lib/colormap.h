/*
 * colormap.h - pictures of numbers: colour maps as matplotlib defines
 * them, and the normalisation of a record's values to [0, 1] (the
 * pictures layer, on core and io beside the engines: used by tcat's PNG
 * pictures and tinfo --show).
 *
 * A value x becomes t = (x - lo) / (hi - lo), clipped to [0, 1] (±Inf go
 * to the ends, NaN stays NaN), as matplotlib's Normalize computes it.
 * Gray levels are then round(t * max) (half to even; NaN is 0); a colour
 * map takes entry int(t * 256) of its 256 entries (t = 1 is entry 255),
 * as a matplotlib Colormap of N = 256 does, and draws NaN in TP_NAN_RGB.
 */
#ifndef TPIPE_COLORMAP_H
#define TPIPE_COLORMAP_H

#include <stddef.h>

#include "tpipe.h"

enum tp_cmap { TP_CMAP_GRAY, TP_CMAP_VIRIDIS, TP_CMAP_MAGMA, TP_CMAP_COOLWARM,
	TP_NCMAPS };

/* The names, in enum order, as usage texts list them. */
#define TP_CMAP_NAMES "gray|viridis|magma|coolwarm"

/* NaN's colour in every map: magenta, in no map's range. */
#define TP_NAN_R 1.0
#define TP_NAN_G 0.0
#define TP_NAN_B 1.0

/* The maps by name, in enum order (tp_choice: --cmap). */
extern const struct tp_choice tp_cmaps[];
const char *tp_cmap_name(enum tp_cmap);
/* Entry i (0..255) of map c, as matplotlib's float64 lookup table holds
 * it (components in [0, 1]). */
void tp_cmap_entry(enum tp_cmap c, int i, double rgb[3]);
/* The entry matplotlib draws t with: int(t * 256) clipped to 0..255, or
 * -1 for NaN. */
int tp_cmap_index(double t);
/*
 * The colour of normalised t in map c at depth bits (8 or 16): each
 * component v of the entry becomes floor(v * 255), as matplotlib's
 * bytes=True gives, or floor(v * 65535).  NaN is TP_NAN_RGB.
 */
void tp_cmap_rgb(enum tp_cmap c, double t, int depth, unsigned rgb[3]);

/* The values mapped to 0 and 1. */
struct tp_range { double lo, hi; };
/* The range an option gives (--range lo,hi): lo < hi, both finite, or a
 * usage error (exit 2) quoting s. */
struct tp_range tp_range_option(const char *s);
/*
 * The range of n values: the finite minimum and maximum, or, when
 * centred and some value is negative, -m..m with m the largest finite
 * |x| (coolwarm: zero in the middle).  With no finite value, 0..0.
 */
struct tp_range tp_range_of(const double *x, size_t n, int centred);
/*
 * (x - lo) / (hi - lo) clipped to [0, 1]; NaN stays NaN.  When hi == lo
 * (a constant record) a finite x is 0.5, the middle, and ±Inf the ends.
 */
double tp_normalize(double x, struct tp_range r);
/* The gray level of normalised t at depth bits: round(t * (2^depth - 1)),
 * half to even; NaN is 0. */
unsigned tp_level(double t, int depth);

/*
 * The picture of n values x through r: with cmap < 0, gray levels (one
 * per value); else 3 components per value from map cmap.  out holds u1
 * (depth 8) or u2 (depth 16) elements.
 */
void tp_picture(const double *x, size_t n, struct tp_range r, int cmap,
    int depth, void *out);

struct tp_tensor;
struct tp_msg;
/*
 * NULL if a record of hdr's shape can be drawn: 2-D (H, W), or, when
 * channels, (H, W, C) with C 1 to 4 (else only C 1); not empty.  Else a
 * message in m naming the shape and the treshape command that makes it
 * a picture (the tiles of a batch, or a mean over channels).
 */
tp_why tp_picture_refusal(const struct tp_tensor *hdr, int channels,
    struct tp_msg *m);

#endif
