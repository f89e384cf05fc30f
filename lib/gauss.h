/*
 * gauss.h - the sampled Gaussian of a given length, normalised over its
 * samples (what tgen gaussian makes).  tblur's FIR taps (blur.h) are the
 * untruncated kernel instead, normalised by the sum over every integer.
 */
#ifndef TP_GAUSS_H
#define TP_GAUSS_H

#include <stddef.h>

/*
 * Fill g[0..n) with exp(-(i-c)^2 / (2 sigma^2)), c = (n-1)/2, normalised
 * to sum 1.  Finite for every sigma > 0: a tiny sigma puts all the mass
 * on the centre sample (or the two centre samples, half each), a huge
 * one gives 1/n everywhere.
 */
void tp_gauss_profile(double *g, size_t n, double sigma);

#endif
