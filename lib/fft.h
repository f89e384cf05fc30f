/*
 * fft.h - FFTW setup shared by the tools that transform (tconv, tblur).
 *
 * Call tp_fft_init once before planning: it starts FFTW's threads for
 * both precisions, sets the planner's thread count and imports wisdom
 * from the system (/etc/fftw/wisdom, /etc/fftw/wisdomf) and from
 * $XDG_CACHE_HOME/tpipe/ (default ~/.cache/tpipe/).  After planning with
 * TP_PLAN_MEASURE or TP_PLAN_PATIENT, tp_fft_save_wisdom writes the
 * accumulated wisdom back there, atomically (temporary file + rename).
 * The default, TP_PLAN_ESTIMATE, never spends seconds planning; it still
 * uses any wisdom that a measured run left behind.
 */
#ifndef TP_FFT_H
#define TP_FFT_H

#include <stddef.h>

enum tp_plan { TP_PLAN_ESTIMATE, TP_PLAN_MEASURE, TP_PLAN_PATIENT };

/* "estimate", "measure", "patient" -> enum tp_plan; -1 if unknown. */
int tp_fft_plan_parse(const char *s);
/* The choices, for messages: "estimate, measure, patient". */
#define TP_PLAN_CHOICES "estimate, measure, patient"

/* Start FFTW threads, set threads (>= 1) and the planner mode, import
 * wisdom.  May be called again to change threads or mode. */
void tp_fft_init(int threads, enum tp_plan plan);
/* The threads and mode tp_fft_init was given. */
int tp_fft_threads(void);
enum tp_plan tp_fft_plan_mode(void);
/* FFTW planner flags for the mode, plus extra (e.g. FFTW_DESTROY_INPUT). */
unsigned tp_fft_flags(unsigned extra);
/* Set both planners' thread count for the plans made next (1 for plans
 * executed concurrently from several threads).  Calls tp_fft_init (with
 * TP_PLAN_ESTIMATE) if nobody has. */
void tp_fft_plan_threads(int n);
/* Write wisdom to $XDG_CACHE_HOME/tpipe/wisdom-f64 and wisdom-f32 when
 * the mode is measure or patient and new plans were made; quietly does
 * nothing if the cache directory cannot be written (a warning only). */
void tp_fft_save_wisdom(void);
/* Note that a plan was made (so there is wisdom worth saving). */
void tp_fft_planned(void);

/* The smallest even 7-smooth length >= n (1 for n <= 1): an FFT of this
 * length is fast in FFTW.  Returns 0 on overflow. */
size_t tp_fft_fast_len(size_t n);

#endif
