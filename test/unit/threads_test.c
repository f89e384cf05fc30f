/*
 * threads_test.c - tp_parallel (lib/threads.c): every item done exactly
 * once, tids in range and never used by two threads at once, the
 * caller's thread as tid 0, many calls in a row, n = 0 and 1, more
 * threads than items or than TP_MAXTHREADS, a call nested in an item,
 * calls from several threads at once, threads that cannot be made, and
 * a die in an item (caught on its thread, raised again on the caller's);
 * the background job and the gate that hands it a record piece by piece.
 * Prints TAP.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tpipe.h"
#include "engine.h"
#include "tap.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#endif

#define MAXN 4096

/* One call's record of what its items saw (atomics throughout). */
struct seen {
	int threads;		/* the call's threads argument */
	size_t n;
	int done[MAXN];		/* times item i ran */
	int inuse[TP_MAXTHREADS];	/* an item of tid t is running */
	int bad_tid;		/* a tid out of [0, threads) */
	int shared_tid;		/* a tid running on two threads at once */
	int tid0_elsewhere;	/* tid 0 ran off the caller's thread */
	int used[TP_MAXTHREADS];	/* tid t ran an item */
	pthread_t caller;
	size_t spin;		/* work per item, to overlap the threads */
	int nest;		/* items make a call of their own, checked */
	int nested_bad;		/* a nested call went wrong */
};

static void seen_reset(struct seen *, int threads, size_t n, size_t spin);
static int seen_good(const struct seen *, const char *what);

/* A little arithmetic that the compiler cannot drop. */
static void
spin(size_t k)
{
	volatile double x = 1;

	while (k-- > 0)
		x = x * 0.999 + 1;
}

/* parallel item: note who ran it and check its tid */
static void
note_item(void *v, size_t i, int tid)
{
	struct seen *s = v;

	if (tid < 0 || tid >= s->threads || tid >= TP_MAXTHREADS) {
		__atomic_store_n(&s->bad_tid, 1, __ATOMIC_RELAXED);
		return;
	}
	if (__atomic_exchange_n(&s->inuse[tid], 1, __ATOMIC_ACQ_REL))
		__atomic_store_n(&s->shared_tid, 1, __ATOMIC_RELAXED);
	if (tid == 0 && !pthread_equal(pthread_self(), s->caller))
		__atomic_store_n(&s->tid0_elsewhere, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->used[tid], 1, __ATOMIC_RELAXED);
	if (i < MAXN)
		__atomic_fetch_add(&s->done[i], 1, __ATOMIC_RELAXED);
	spin(s->spin);
	if (s->nest) {
		/* a call from inside an item, with its own record */
		struct seen *in = malloc(sizeof *in);

		seen_reset(in, 3, 5 + i % 7, 10);
		tp_parallel(3, in->n, note_item, in);
		if (!seen_good(in, NULL))
			__atomic_store_n(&s->nested_bad, 1, __ATOMIC_RELAXED);
		free(in);
	}
	__atomic_store_n(&s->inuse[tid], 0, __ATOMIC_RELEASE);
}

/* Ready s for a call of tp_parallel(threads, n, note_item, s) from this
 * thread, with spin units of work per item. */
static void
seen_reset(struct seen *s, int threads, size_t n, size_t spin_units)
{
	memset(s, 0, sizeof *s);
	s->threads = threads < 1 ? 1 : threads;
	s->n = n;
	s->spin = spin_units;
	s->caller = pthread_self();
}

/* 1 if the call recorded in s went right; else says why under what
 * (what NULL: silently). */
static int
seen_good(const struct seen *s, const char *what)
{
	const char *why = NULL;

	for (size_t i = 0; i < s->n && i < MAXN && !why; i++)
		if (s->done[i] != 1)
			why = "an item ran other than once";
	if (s->bad_tid)
		why = "a tid out of range";
	if (s->shared_tid)
		why = "one tid on two threads at once";
	if (s->tid0_elsewhere)
		why = "tid 0 ran off the caller's thread";
	if (s->nested_bad)
		why = "a nested call went wrong";
	if (why && what)
		printf("# %s: %s\n", what, why);
	return !why;
}

/* tp_parallel(threads, n) with note_item; 1 if it went right. */
static int
call(struct seen *s, int threads, size_t n, size_t spin_units)
{
	seen_reset(s, threads, n, spin_units);
	tp_parallel(threads, n, note_item, s);
	return seen_good(s, NULL);
}

static struct seen one;		/* too large for a thread's stack */

static void
test_sizes(void)
{
	int good = 1, past_n = 0;

	ok(call(&one, 4, 0, 0) && one.used[0] == 0, "n = 0 calls nothing");
	ok(call(&one, 4, 1, 0) && one.used[0] && !one.used[1],
	    "n = 1 runs the one item on the caller's thread");
	ok(call(&one, 8, 3, 20000), "more threads than items");
	for (int t = 3; t < 8; t++)
		past_n |= one.used[t];
	ok(!past_n, "more threads than items: tids below n");
	ok(call(&one, 0, 10, 20000) && call(&one, -3, 10, 20000),
	    "threads 0 or negative: every item once, as tid 0");
	ok(call(&one, 1000, 200, 2000), "threads above TP_MAXTHREADS");
	for (int t = 1; t <= 8; t++)
		for (size_t n = 0; n <= 40; n++)
			if (!call(&one, t, n, n % 3 ? 0 : 500)) {
				printf("# threads %d, n %zu\n", t, n);
				good = 0;
			}
	ok(good, "every item once, tids in range, for 1-8 threads, "
	    "0-40 items");
	good = 1;
	for (int c = 0; c < 20000; c++)
		if (!call(&one, 2 + c % 3, 1 + (size_t)c % 50, c % 7 ? 0 : 200))
			good = 0;
	ok(good, "20000 calls in a row, of 2-4 threads");
	ok(call(&one, 4, MAXN, 300), "4096 items on 4 threads");
}

static void
test_nested(void)
{
	seen_reset(&one, 4, 64, 100);
	one.nest = 1;
	tp_parallel(4, 64, note_item, &one);
	ok(seen_good(&one, "nested"), "a call inside every item of a call: "
	    "all items of both once, tids in range, no deadlock");
}

/* A thread making many calls of its own (the concurrent test). */
static void *
caller_main(void *v)
{
	struct seen *s = malloc(sizeof *s);
	int *good = v;

	for (int c = 0; c < 300; c++)
		if (!call(s, 3, 1 + (size_t)c % 97, 50))
			__atomic_store_n(good, 0, __ATOMIC_RELAXED);
	free(s);
	return NULL;
}

static void
test_concurrent_callers(void)
{
	pthread_t id[4];
	int good = 1, started = 0;

	for (int k = 0; k < 4; k++)
		if (pthread_create(&id[k], NULL, caller_main, &good) == 0)
			started++;
	caller_main(&good);
	for (int k = 0; k < started; k++)
		pthread_join(id[k], NULL);
	ok(good && started == 4, "5 threads calling at once, 300 calls each: "
	    "every item of every call once, tids in range");
}

#ifndef SANITIZED
/* The virtual memory of this process, in bytes. */
static size_t
vm_size(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* The threads of this process. */
static int
count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/*
 * In a child with room for `stacks` more thread stacks only, a call on
 * 6 threads: 0 if every item ran once on tids below 1 + stacks and the
 * process has 1 + stacks threads after it, 1 if not, 2 if the test
 * could not be set up.
 */
static int
run_short_of_threads(int stacks)
{
	pthread_attr_t a;
	size_t stack;
	struct rlimit r;
	pid_t pid;
	int st;

	if (pthread_getattr_default_np(&a) != 0 ||
	    pthread_attr_getstacksize(&a, &stack) != 0)
		return 2;
	pthread_attr_destroy(&a);
	fflush(stdout);
	if ((pid = fork()) < 0)
		return 2;
	if (pid == 0) {
		r.rlim_cur = r.rlim_max = vm_size() + (size_t)stacks * stack +
		    stack / 2;
		if (vm_size() == 0 || setrlimit(RLIMIT_AS, &r) != 0)
			_exit(2);
		seen_reset(&one, 6, 500, 3000);
		tp_parallel(6, 500, note_item, &one);
		for (int t = 1 + stacks; t < TP_MAXTHREADS; t++)
			if (one.used[t])
				_exit(1);
		if (count_threads() != 1 + stacks)
			_exit(1);
		_exit(seen_good(&one, NULL) ? 0 : 1);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}

#endif

/* Run first, before this process has any worker thread. */
static void
test_short_of_threads(void)
{
#ifdef SANITIZED
	/* the sanitizers' runtimes need address space of their own */
	ok(1, "# SKIP no thread can be made (under a sanitizer)");
	ok(1, "# SKIP one thread of 5 can be made (under a sanitizer)");
#else
	ok(run_short_of_threads(0) == 0, "no thread can be made: every item "
	    "once, on the caller's thread");
	ok(run_short_of_threads(1) == 0, "one thread of 5 can be made: every "
	    "item once, on tids 0 and 1, and the thread is kept");
#endif
}

/* tp_prefault: the pages of a new buffer written in by a thread of its
 * own while the caller goes on; a second start while one runs, a start
 * of 0 bytes and a wait with none running do nothing. */
static void
test_prefault(void)
{
	size_t n = (size_t)9 << 20;
	unsigned char *p = tp_big_alloc(n), *q = tp_big_alloc(n);
	int good = 1;

	tp_prefault_wait();
	tp_prefault_start(p, n);
	tp_prefault_start(q, n);	/* ignored: one runs */
	memset(q, 7, n);
	tp_prefault_wait();
	tp_prefault_wait();
	memset(p, 5, n);
	for (size_t i = 0; i < n; i += 4093)
		good &= p[i] == 5 && q[i] == 7;
	tp_prefault_start(q, 0);
	tp_prefault_wait();
	tp_prefault_start(q, n);
	tp_prefault_wait();
	good &= q[0] == 7 && q[n - 1] == 7;
	ok(good, "tp_prefault: buffers written after the wait keep their "
	    "values; a second start, 0 bytes and a lone wait are harmless");
	free(p);
	free(q);
}

/* Items that run a while; item 37 dies.  running counts the items
 * under way. */
static int running;

static void
die_item(void *arg, size_t i, int tid)
{
	(void)arg;
	(void)tid;
	__atomic_add_fetch(&running, 1, __ATOMIC_SEQ_CST);
	if (i == 37) {
		__atomic_sub_fetch(&running, 1, __ATOMIC_SEQ_CST);
		tp_die("item %zu died", i);
	}
	usleep(200);
	__atomic_sub_fetch(&running, 1, __ATOMIC_SEQ_CST);
}

/*
 * A die in an item, whichever thread runs it, reaches the caller's
 * catch with its message once no item runs any more, and the pool
 * serves the next call; without a catch the process exits 1 as before.
 */
/* 1 if a call of die_item's under a catch came back as it should. */
static int
caught_die(void)
{
	struct tp_catch c;

	tp_catch_push(&c);
	if (setjmp(c.env) == 0) {
		tp_parallel(4, 200, die_item, NULL);
		tp_catch_pop(&c);
		return 0;
	}
	return __atomic_load_n(&running, __ATOMIC_SEQ_CST) == 0 &&
	    !strcmp(c.text, "item 37 died") && c.status == 1;
}

static void
test_die_in_item(void)
{
	pid_t pid;
	int st;

	ok(caught_die() && caught_die() && caught_die(), "a die in an item "
	    "reaches the caller's catch, its message kept, no item running");
	ok(call(&one, 4, 1000, 10), "the pool serves the next call");
	fflush(stdout);
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		tp_parallel(4, 200, die_item, NULL);
		_exit(0);
	}
	ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 1, "without a catch the die exits 1");
}

/* tp_background: a job on a thread of its own, seen done after the
 * wait; a second start waits for the first; a die in the job reaches
 * the caller's catch at the wait; a lone wait does nothing. */
struct bg_job {
	int slot[2], die;
	pthread_t self;
};

static void
bg_item(void *v)
{
	struct bg_job *j = v;

	usleep(2000);
	j->self = pthread_self();
	if (j->die)
		tp_die("job %d died", j->die);
	__atomic_add_fetch(&j->slot[0], 1, __ATOMIC_SEQ_CST);
}

/* The job of the die test: writes "done" to late_fd after 100 ms. */
static int late_fd = -1;

static void
late_write(void *v)
{
	(void)v;
	usleep(100000);
	if (write(late_fd, "done", 4) != 4)
		_exit(3);
}

static void
test_background(void)
{
	struct bg_job a = { { 0, 0 }, 0, 0 }, b = a, d = a;
	struct tp_catch c;
	int good, fds[2], st;
	char buf[8], self[4096], fdtext[16];
	ssize_t n;
	pid_t pid;

	tp_background_wait();
	tp_background_start(bg_item, &a);
	tp_background_start(bg_item, &b);	/* waits for a */
	good = a.slot[0] == 1;
	tp_background_wait();
	tp_background_wait();
	good &= b.slot[0] == 1 && !pthread_equal(b.self, pthread_self());
	ok(good, "tp_background: the job runs on another thread, is done "
	    "after the wait, and a second start waits for the first");
	d.die = 3;
	good = 0;
	tp_catch_push(&c);
	if (setjmp(c.env) == 0) {
		tp_background_start(bg_item, &d);
		tp_background_wait();
		tp_catch_pop(&c);
	} else {
		good = !strcmp(c.text, "job 3 died") && c.status == 1;
	}
	tp_background_wait();
	ok(good && d.slot[0] == 0, "a die in the background job reaches "
	    "the caller's catch at the wait, once");
	/* a die on the caller's thread waits for the job, which writes
	 * after the die began: in a new process of this program (a thread
	 * started after a fork of a threaded process is not allowed under
	 * ThreadSanitizer), see die_while_background */
	if (pipe(fds) != 0) {
		ok(0, "pipe");
		return;
	}
	snprintf(fdtext, sizeof fdtext, "%d", fds[1]);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	self[n > 0 ? n : 0] = '\0';
	fflush(stdout);
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		close(fds[0]);
		execl(self, self, "die-while-background", fdtext, (char *)NULL);
		_exit(4);
	}
	close(fds[1]);
	n = pid > 0 ? read(fds[0], buf, sizeof buf) : -1;
	close(fds[0]);
	ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 1 && n == 4 && !memcmp(buf, "done", 4),
	    "a die on the caller's thread lets the background job end first");
}

/* The process of that test: starts the job, which writes "done" to fd
 * after 100 ms, and dies at once. */
static int
die_while_background(const char *fd)
{
	late_fd = atoi(fd);
	tp_background_start(late_write, NULL);
	tp_die("the caller dies while the job runs");
}

/* tp_gate: a job waits for a level the caller raises piece by piece,
 * sees each piece's data once the level covers it, and a wait for a
 * level nobody raises returns the level it stopped at after its
 * patience; tp_background_own_thread is 1 in the job only. */
#define PIECES 64
static int gate_data[PIECES];

struct gate_job {
	struct tp_gate *g;
	int sum, own, stalled;
	size_t stopped;
};

static void
gate_reader(void *v)
{
	struct gate_job *j = v;

	j->own = tp_background_own_thread();
	for (size_t i = 0; i < PIECES; i++) {
		if (tp_gate_wait(j->g, i + 1, 5000) < i + 1)
			return;
		j->sum += gate_data[i];
	}
	j->stopped = tp_gate_wait(j->g, PIECES + 1, 50);
	j->stalled = 1;
}

static void
test_gate(void)
{
	struct gate_job j = { tp_gate_new(), 0, 0, 0, 0 };
	int want = 0;

	tp_background_start(gate_reader, &j);
	for (int i = 0; i < PIECES; i++) {
		gate_data[i] = i * i + 1;	/* written before raised */
		want += gate_data[i];
		if (i % 8 == 0)
			usleep(500);
		tp_gate_raise(j.g, (size_t)i + 1);
	}
	tp_gate_raise(j.g, 3);			/* never lowers */
	tp_background_wait();
	ok(j.sum == want, "the job saw every piece once the level covered "
	    "it");
	ok(j.stalled && j.stopped == PIECES, "a wait for a level not "
	    "raised ends after its patience at the level reached");
	ok(j.own && !tp_background_own_thread(), "own thread: 1 in the job, "
	    "0 on the caller's");
	tp_gate_free(j.g);
}

int
main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "die-while-background"))
		return die_while_background(argv[2]);
	test_short_of_threads();
	test_sizes();
	test_nested();
	test_concurrent_callers();
	test_prefault();
	test_background();
	test_die_in_item();
	test_gate();
	return tap_end();
}
