/*
 * project_impl.h - what lib/project.c (the pipeline) and
 * lib/project_render.c (the renderer) share: the test for the view
 * volume and the map from clip space to window coordinates.  Not for
 * other files.
 */
#ifndef TP_PROJECT_IMPL_H
#define TP_PROJECT_IMPL_H

#include <math.h>

#include "project.h"

/* 1 if the clip-space point c lies in the view volume. */
static inline int
in_volume(const double c[4])
{
	return c[3] > 0 && fabs(c[0]) <= c[3] && fabs(c[1]) <= c[3] &&
	    fabs(c[2]) <= c[3];
}

/* ndc and window coordinates of the clip-space point c (w != 0). */
static inline void
to_window(const struct tp_project *p, const double c[4], double ndc[3],
    double win[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		ndc[i] = c[i] / c[3];
		win[i] = ndc[i] * p->scale[i] + p->offset[i];
	}
}

#endif
