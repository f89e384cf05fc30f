/*
 * progress.h - the progress line every tool shows on stderr (core: the
 * command line sets it up, the reader and the writer count into it).
 *
 * The line is shown when stderr is a terminal, the run has taken more
 * than 2 s and the tool's output does not go to that terminal; always
 * with --progress; never with --quiet (the last of the two wins).  On a
 * terminal it is one line redrawn in place (\r) four times a second and
 * blanked out before any message and after a failure; at a successful
 * exit it is blanked out too, except with --progress, which draws it
 * at the start and leaves its last state (ended by a newline).
 * Elsewhere (--progress with stderr a file or pipe) it is a whole line
 * every 5 s and a last one at exit.  A timer thread draws it, so it
 * moves while an engine computes without I/O.  Only the stream counts:
 * operand files (tp_read_operand) are not input records or bytes.  See
 * tpipe(7), "Common options".
 */
#ifndef TP_PROGRESS_H
#define TP_PROGRESS_H

#include <stdint.h>

enum tp_progress_mode { TP_PROGRESS_AUTO, TP_PROGRESS_ON, TP_PROGRESS_OFF };

/* --progress (TP_PROGRESS_ON) or --quiet (TP_PROGRESS_OFF). */
void tp_progress_set_mode(enum tp_progress_mode);
/*
 * Start, once, after the options are parsed: if the line is wanted,
 * start the timer thread and hook the message printer (tp_on_message)
 * and exit.  The n operands (argv after the options) name the input:
 * its size, for the remaining time, is the sum of the sizes of those
 * that are regular files, plus standard input's when it is read ("-",
 * or no operand names a file) and is a regular file; a pipe makes it
 * unknown.  to_stdout says the output goes to standard output.
 */
void tp_progress_start(int n, char *const *operands, int to_stdout);
/* Blank the line and never draw again (a tool about to die: by tp_die,
 * or by SIGPIPE in tp_end_by_sigpipe). */
void tp_progress_silence(void);
/* Stop for good: stop the thread, then blank the line on a terminal
 * (with --progress: draw it a last time and end it by a newline) or
 * write the last line elsewhere.  Safe to call more than once, and
 * before tp_progress_start.  Runs at exit by itself. */
void tp_progress_end(void);

/* The counters, safe from any thread, costing an atomic add: bytes read
 * from inputs and written to outputs, and records begun. */
void tp_progress_read(size_t nbytes);
void tp_progress_wrote(size_t nbytes);
void tp_progress_record_in(void);
void tp_progress_record_out(void);

/* What one line shows (exposed for the unit test). */
struct tp_progress_state {
	uint64_t in, out;		/* bytes */
	uint64_t rin, rout;		/* records */
	double elapsed;			/* seconds since the start */
	int64_t total;			/* input bytes in all, or -1 */
};
/*
 * Format the line for s, named for tool, into buf (len bytes, at least
 * 16), cut to len - 1 characters:
 *   "tcat: in 3 records 1.50 GiB, out 3 records 1.50 GiB, 512 MiB/s,
 *    0:03 elapsed, 0:01 left"
 * "in ..." is left out while nothing was read, "out ..." while nothing
 * was written; the rate is of the input (the output when nothing was
 * read); "left" only while a known input is partly read.  Returns the
 * length.
 */
size_t tp_progress_format(char *buf, size_t len, const char *tool,
    const struct tp_progress_state *s);

#endif
