/*
 * engine.h - infrastructure the engines share (conv, gauss, blur,
 * reshape, project, grad): a parallel for over n items, the --verbose
 * timing report and TP_CLONES; FFT plans are fft.h's, the same layer
 * (tp_big_alloc, for large buffers, is in the core: tpipe.h).
 * Engines never parse options or open files; tools pass -j and
 * --verbose down.
 */
#ifndef TP_ENGINE_H
#define TP_ENGINE_H

#include <stddef.h>

/*
 * Call fn(arg, i, tid) for every i in [0, n) on up to threads threads
 * (the caller's own thread is one of them); tid in [0, threads) numbers
 * the thread, for per-thread buffers.  Items are handed out one at a
 * time, so they may differ in cost.  Returns when all are done.  The
 * threads are a pool, made on first need and kept for the next call.
 * A call made while another is running (from an item of it, or from
 * another thread) runs its items in order on the calling thread, as
 * tid 0.
 */
void tp_parallel(int threads, size_t n,
    void (*fn)(void *arg, size_t i, int tid), void *arg);
/*
 * Have a thread of its own write in the pages of the new buffer p of n
 * bytes (as the kernel maps and zeroes them on a first write) while the
 * caller goes on, e.g. reading the data that will fill it; then wait for
 * it.  One at a time: a start while one runs does nothing, and so does
 * a start whose thread cannot be made (the pages then fault when first
 * written, as they would have).
 */
void tp_prefault_start(void *p, size_t n);
void tp_prefault_wait(void);
/*
 * Run fn(arg) on a thread of its own while the caller goes on, e.g.
 * writing one result while the next is computed; tp_background_wait
 * waits for it and, if fn died, dies with its message on the caller's
 * thread.  One at a time: a start waits for the one before.  A start
 * whose thread cannot be made runs fn(arg) before it returns.  The
 * thread blocks every signal but SIGPIPE (unless the caller blocks it
 * too), so that its write to a closed pipe ends the process as the
 * caller's would; a tp_parallel it calls runs on the pool when the pool
 * is free, else in order on its own thread.  A die on another thread
 * (no catch) waits for the job to end before it exits.
 */
void tp_background_start(void (*fn)(void *arg), void *arg);
void tp_background_wait(void);
/* 1 when called on the background job's own thread (not by a job that
 * tp_background_start ran on the caller's, which must not wait for
 * its caller). */
int tp_background_own_thread(void);
/*
 * A gate: a level that only rises, such as the bytes of a record read
 * so far, which one thread raises as it reads and another (a background
 * job working on the record's pieces as they arrive) waits for.
 * tp_gate_wait returns the level once it is at least want, or earlier,
 * lower, when the level has not moved for patience_ms (the raiser
 * stopped, or died and is waiting for the job to end).
 */
struct tp_gate;
struct tp_gate *tp_gate_new(void);
void tp_gate_free(struct tp_gate *);
void tp_gate_raise(struct tp_gate *, size_t level);
size_t tp_gate_wait(struct tp_gate *, size_t want, int patience_ms);
/* The most threads tp_parallel runs at once. */
#define TP_MAXTHREADS 64

/*
 * TP_CLONES before a hot function: compile it also for AVX2 + FMA
 * (x86-64-v3), the version picked at load time; TP_CLONES_512 also for
 * AVX-512 (x86-64-v4: its wider loops, masks and int64 <-> double
 * conversions).  A file that must not fuse multiplies and adds into FMA
 * keeps -ffp-contract=off (the Makefile's flags for tmath's engine).
 * Both are empty off x86-64, and under ThreadSanitizer, whose runtime
 * is not ready when the picker (an ifunc resolver) runs during
 * relocation: the tools crashed before main.
 */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TP_NO_CLONES
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define TP_NO_CLONES
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(TP_NO_CLONES)
#define TP_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#define TP_CLONES_512 __attribute__((target_clones("arch=x86-64-v4", \
    "arch=x86-64-v3", "default")))
#else
#define TP_CLONES
#define TP_CLONES_512
#endif


/* --- timing for --verbose --------------------------------------------- */

enum tp_phase { TP_PHASE_READ, TP_PHASE_COMPUTE, TP_PHASE_WRITE,
	TP_NPHASES };

/* Wall time charged to reading, computing and writing. */
struct tp_timing {
	int on;				/* 0: every call does nothing */
	double mark;			/* clock at the last start or charge */
	double spent[TP_NPHASES];	/* seconds, since the last report */
	double total[TP_NPHASES];	/* seconds, over the run */
};

/* Start timing now; with on = 0 the other calls do nothing. */
void tp_timing_start(struct tp_timing *, int on);
/* Charge the time since the last start or charge to phase p. */
void tp_timing_charge(struct tp_timing *, enum tp_phase p);
/*
 * One line on stderr, named for the running tool:
 *   "tblur: record 3: dct-ii 512x512, f32; read 0.012 s, compute
 *    0.153 s, write 0.020 s"
 * (record < 0 leaves out "record N: ", method NULL leaves out the
 * method), then start the next record's counts.
 */
void tp_timing_report(struct tp_timing *, long record, const char *method);
/* The same line for the whole run ("total: ..."), at the end. */
void tp_timing_report_total(const struct tp_timing *);
/*
 * The two ends every tool's record loop has: a record written (charge
 * the time since the last charge to writing, then its line, as
 * tp_timing_report), and the run ended (charge the closing of the output
 * to writing, then the total line).  Both do nothing when timing is off.
 */
void tp_timing_record_done(struct tp_timing *, long record,
    const char *method);
void tp_timing_run_done(struct tp_timing *);
/*
 * For measuring an engine's phases (its cost model): after
 * tp_timing_stamps(1) (a tool's --verbose given twice), each
 * tp_timing_stamp prints "tool:   0.1234 s what" on stderr, seconds
 * since stamps were turned on; else it does nothing.
 */
void tp_timing_stamps(int on);
void tp_timing_stamp(const char *what);

#endif
