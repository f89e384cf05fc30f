/*
 * progress.c - the progress line (see progress.h): counters the reader
 * and the writer add to, and a timer thread that draws the line on
 * stderr.  The thread sleeps on a condition variable, so stopping it at
 * exit is immediate, and runs with every signal blocked, so signals
 * (SIGINT, SIGPIPE from a write) reach the tool's own thread as before.
 * It writes with write(2) under a mutex that the message hook also takes,
 * so a message never lands inside the line.  On a terminal a SIGPIPE
 * handler blanks the line before the tool dies of the signal (as in
 * "tcat big.npy | head"), so the shell's prompt does not follow it.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "tpipe.h"

#define TTY_TICK 0.25		/* seconds between redraws on a terminal */
#define TTY_DELAY 2.0		/* without --progress: seconds before the first
				 * (with it, the first is drawn at the start) */
#define LOG_TICK 5.0		/* seconds between lines elsewhere */
#define PROGRESS_COLS 256

extern char *program_invocation_short_name;

static uint64_t bytes_in, bytes_out, records_in, records_out;

void tp_progress_read(size_t n)
{
	__atomic_fetch_add(&bytes_in, n, __ATOMIC_RELAXED);
}
void tp_progress_wrote(size_t n)
{
	__atomic_fetch_add(&bytes_out, n, __ATOMIC_RELAXED);
}
void tp_progress_record_in(void)
{
	__atomic_fetch_add(&records_in, 1, __ATOMIC_RELAXED);
}
void tp_progress_record_out(void)
{
	__atomic_fetch_add(&records_out, 1, __ATOMIC_RELAXED);
}

static enum tp_progress_mode mode = TP_PROGRESS_AUTO;
static int started;		/* tp_progress_start ran */
static int running;		/* the thread runs (until tp_progress_end) */
static int tty;			/* stderr is a terminal: redraw in place */
static int stays;		/* --progress on a terminal: the line stays */
static double t0, delay, tick;	/* start; first draw after delay; period */
static int64_t total = -1;	/* input bytes, or -1 if unknown */
static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static int stopping;		/* under lock: the thread must return */
static int silenced;		/* under lock: never draw again */
static size_t shown;		/* under lock: columns of the line on screen */
/* For the SIGPIPE handler, which cannot take the lock: shown, a blank
 * line to write over it, and the flag that stops drawing.  The handler
 * runs on the tool's thread and the draws on the timer's, so both are
 * atomics (lock-free, safe in a handler), not volatile sig_atomic_t,
 * which is for a handler and the thread it interrupts alone. */
static int shown_async, dying;
static char blank[PROGRESS_COLS + 1];

void
tp_progress_set_mode(enum tp_progress_mode m)
{
	mode = m;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "1.50 GiB", "12.0 MiB", "512 KiB", "100 B" into buf (16 bytes). */
static const char *
size_str(char *buf, double v)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, 16, "%.0f B", v);
	else
		snprintf(buf, 16, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" :
		    "%.0f %s", v, unit[u]);
	return buf;
}

/* "0:04", "12:34", "1:02:03" into buf (24 bytes). */
static const char *
time_str(char *buf, double s)
{
	unsigned long long t = s < 0 ? 0 : s > 3.6e8 ? 360000000ULL :
	    (unsigned long long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, 24, "%llu:%02llu:%02llu", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, 24, "%llu:%02llu", t / 60, t % 60);
	return buf;
}

size_t
tp_progress_format(char *buf, size_t len, const char *tool,
    const struct tp_progress_state *s)
{
	char line[PROGRESS_COLS], a[16], b[24];
	size_t n;
	double rate = s->in ? (double)s->in : (double)s->out;

	n = (size_t)snprintf(line, sizeof line, "%s:", tool);
#define ADD(...) (n += n < sizeof line ? \
	(size_t)snprintf(line + n, sizeof line - n, __VA_ARGS__) : 0)
	if (s->in || s->rin)
		ADD(" in %llu record%s %s,", (unsigned long long)s->rin,
		    s->rin == 1 ? "" : "s", size_str(a, (double)s->in));
	if (s->out || s->rout)
		ADD(" out %llu record%s %s,", (unsigned long long)s->rout,
		    s->rout == 1 ? "" : "s", size_str(a, (double)s->out));
	if (rate > 0 && s->elapsed > 0)
		ADD(" %s/s,", size_str(a, rate / s->elapsed));
	ADD(" %s elapsed", time_str(b, s->elapsed));
	if (s->total >= 0 && s->in > 0 && s->in < (uint64_t)s->total)
		ADD(", %s left", time_str(b, s->elapsed *
		    (double)((uint64_t)s->total - s->in) / (double)s->in));
#undef ADD
	if (n >= sizeof line)
		n = sizeof line - 1;
	if (n >= len)
		n = len - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	return n;
}

/* Write the n bytes at p to stderr, ignoring errors (the line is a
 * courtesy: a closed stderr must not end the tool). */
static void
put(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(2, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

/* Under lock: blank the line on the terminal ("\r", spaces, "\r"). */
static void
clear_locked(void)
{
	char buf[PROGRESS_COLS + 2];

	if (!shown)
		return;
	buf[0] = '\r';
	memset(buf + 1, ' ', shown);
	buf[shown + 1] = '\r';
	put(buf, shown + 2);
	shown = 0;
	__atomic_store_n(&shown_async, 0, __ATOMIC_RELAXED);
}

/* Under lock: draw the line now: in place on a terminal (cut to its
 * width, spaces over what a longer line left), else a whole line. */
static void
draw_locked(void)
{
	struct tp_progress_state s;
	struct winsize ws;
	char buf[2 * PROGRESS_COLS + 2];
	size_t n, cols = PROGRESS_COLS;

	if (__atomic_load_n(&dying, __ATOMIC_RELAXED))
		return;
	s.in = __atomic_load_n(&bytes_in, __ATOMIC_RELAXED);
	s.out = __atomic_load_n(&bytes_out, __ATOMIC_RELAXED);
	s.rin = __atomic_load_n(&records_in, __ATOMIC_RELAXED);
	s.rout = __atomic_load_n(&records_out, __ATOMIC_RELAXED);
	s.elapsed = now() - t0;
	s.total = total;
	if (tty && ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
	    ws.ws_col <= PROGRESS_COLS)
		cols = ws.ws_col;
	buf[0] = '\r';
	n = tp_progress_format(buf + 1, tty ? cols : PROGRESS_COLS + 1,
	    program_invocation_short_name, &s);
	if (!tty) {
		buf[n + 1] = '\n';
		put(buf + 1, n + 1);
		return;
	}
	if (n < shown) {		/* "\r" line spaces "\r" line */
		memset(buf + 1 + n, ' ', shown - n);
		buf[shown + 1] = '\r';
		memcpy(buf + shown + 2, buf + 1, n);
		put(buf, shown + 2 + n);
	} else
		put(buf, n + 1);
	shown = n;
	__atomic_store_n(&shown_async, (int)n, __ATOMIC_RELAXED);
}

/* SIGPIPE on a terminal: blank the line, then die of the signal. */
static void
on_sigpipe(int sig)
{
	int n;
	ssize_t k;

	__atomic_store_n(&dying, 1, __ATOMIC_SEQ_CST);
	n = __atomic_load_n(&shown_async, __ATOMIC_SEQ_CST);
	if (n > 0) {
		k = write(2, blank, (size_t)n + 1);
		k = write(2, "\r", 1);
		(void)k;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The timer thread: a draw every tick from delay on, until stopping. */
static void *
timer(void *arg)
{
	double next = t0 + delay;

	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec ts;
		double t = now();

		if (t >= next) {
			if (!silenced)
				draw_locked();
			while (next <= t)
				next += tick;
			continue;
		}
		ts.tv_sec = (time_t)next;
		ts.tv_nsec = (long)((next - (double)ts.tv_sec) * 1e9);
		pthread_cond_timedwait(&wake, &lock, &ts);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void
tp_progress_silence(void)
{
	pthread_mutex_lock(&lock);
	clear_locked();
	silenced = 1;
	pthread_mutex_unlock(&lock);
}

/* The tp_on_message hook: no line while a message prints; after a
 * die's message, none again. */
static void
around_message(int phase)
{
	if (phase == TP_MSG_DIE)
		tp_progress_silence();
	else if (phase == TP_MSG_BEGIN) {
		pthread_mutex_lock(&lock);
		clear_locked();
	} else
		pthread_mutex_unlock(&lock);
}

/* The size in bytes of the input the operands name (see progress.h),
 * or -1 if unknown. */
static int64_t
input_size(int n, char *const *operands)
{
	struct stat st;
	int64_t sum = 0;
	int files = 0, from_stdin = 0;

	for (int i = 0; i < n; i++) {
		if (!strcmp(operands[i], "-"))
			from_stdin = 1;
		else if (stat(operands[i], &st) == 0 && S_ISREG(st.st_mode)) {
			sum += st.st_size;
			files++;
		}
	}
	if (from_stdin || files == 0) {
		off_t at;

		if (fstat(0, &st) != 0 || !S_ISREG(st.st_mode))
			return -1;
		at = lseek(0, 0, SEEK_CUR);
		sum += st.st_size - (at > 0 ? at : 0);
	}
	return sum;
}

void
tp_progress_start(int n, char *const *operands, int to_stdout)
{
	pthread_condattr_t ca;
	sigset_t all, old;

	if (started)
		return;
	started = 1;
	tty = isatty(2);
	if (mode == TP_PROGRESS_OFF ||
	    (mode == TP_PROGRESS_AUTO && (!tty || (to_stdout && isatty(1)))))
		return;
	total = input_size(n, operands);
	delay = mode == TP_PROGRESS_AUTO ? TTY_DELAY : tty ? TTY_TICK :
	    LOG_TICK;
	tick = tty ? TTY_TICK : LOG_TICK;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &ca);
	pthread_condattr_destroy(&ca);
	t0 = now();
	if (tty && mode == TP_PROGRESS_ON) {	/* the line from the start */
		stays = 1;
		pthread_mutex_lock(&lock);
		draw_locked();
		pthread_mutex_unlock(&lock);
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&thread, NULL, timer, NULL) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return;			/* no line: not worth failing for */
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	__atomic_store_n(&running, 1, __ATOMIC_RELEASE);
	tp_on_message(around_message);
	atexit(tp_progress_end);
	if (tty) {
		struct sigaction sa;

		blank[0] = '\r';
		memset(blank + 1, ' ', PROGRESS_COLS);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_sigpipe;
		sigaction(SIGPIPE, &sa, NULL);
	}
}

void
tp_progress_end(void)
{
	if (!__atomic_exchange_n(&running, 0, __ATOMIC_ACQ_REL))
		return;			/* not started, or ended already */
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	if (!pthread_equal(thread, pthread_self()))
		pthread_join(thread, NULL);
	pthread_mutex_lock(&lock);
	if (!silenced) {
		if (tty && !stays)
			clear_locked();
		else {
			draw_locked();
			if (tty) {	/* ended by a newline, it stays */
				put("\n", 1);
				shown = 0;
				__atomic_store_n(&shown_async, 0,
				    __ATOMIC_RELAXED);
			}
		}
		silenced = 1;
	}
	pthread_mutex_unlock(&lock);
	tp_on_message(NULL);
}
