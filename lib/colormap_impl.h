/*
 * colormap_impl.h - what lib/colormap.c (maps, normalisation, pictures)
 * and lib/colormap_tables.c (the numbers of the maps) share: the
 * tables.  Not for other files.
 */
#ifndef TPIPE_COLORMAP_IMPL_H
#define TPIPE_COLORMAP_IMPL_H

#define N 256		/* entries of a map */

/* red, green, blue of each entry */
extern const double cmap_viridis[N][3], cmap_magma[N][3];
/* x, red, green, blue of the points between which coolwarm and gray
 * are interpolated */
extern const double cmap_coolwarm_points[33][4], cmap_gray_points[2][4];

#endif
