/*
 * threads.c - a parallel for over n items (tp_parallel, engine.h), run
 * by a pool of worker threads made on first need and kept, parked on a
 * semaphore each, for the next call: as FFTW plans once and executes
 * many, a process starts its threads once and wakes them per call.
 *
 * Worker k (1 <= k < TP_MAXTHREADS) is always tid k, the caller tid 0,
 * so a tid is never used by two threads at once.  A call publishes its
 * job, opens it, wakes workers 1 .. threads-1 and takes items along with
 * them from one atomic counter.  A worker that wakes joins the open job
 * (counted in state), takes items until none are left, and leaves.  When
 * the caller runs out of items it closes the job and waits only for the
 * workers that joined; one that wakes after the close joins nothing (or
 * the next call's job, whose items it may then share), so a busy machine
 * that is slow to schedule a worker does not hold the caller up.
 *
 * One call owns the pool at a time (busy).  A call that finds the pool
 * owned, made from another thread or nested in an item of a running
 * call, runs its items in order on its own thread as tid 0.
 *
 * A die in an item, on any thread, is caught (tp_catch, tpipe.h): the
 * first message is kept, no further item is handed out, the caller
 * waits for the workers that joined as always, and then dies on its own
 * thread with that message.  So the pool is never left owned, no worker
 * touches the data after the call returns, and a die under the public
 * library's catch reaches the thread that set it (a longjmp never
 * crosses threads).
 *
 * Workers are detached, block every signal (the tools' handlers run on
 * the main thread) and touch only this file's statics between jobs, so
 * a process exits with them parked.  No fork handling: no tool forks.
 *
 * Beside the pool, tp_prefault_start runs one thread of its own that
 * maps a new buffer's pages while the caller reads, and
 * tp_background_start one that runs a function, such as a write, while
 * the caller computes; a gate (tp_gate_raise, tp_gate_wait) hands such
 * a job a record piece by piece as the caller reads it (at the end).
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "tpipe.h"
#include "engine.h"

/* The job of the call that owns the pool. */
static struct {
	void (*fn)(void *, size_t, int);
	void *arg;
	size_t n;
	int threads;		/* tids [0, threads) take items */
	size_t next;		/* the next item to hand out (atomic) */
	int failed;		/* an item died (atomic); fail says how */
	struct tp_catch fail;
} job;

/*
 * state (atomic): the number of workers in the job, plus CLOSED once
 * the caller has run out of items.  The worker whose leaving makes it
 * exactly CLOSED posts done, for which the caller then waits.
 */
#define CLOSED ((size_t)1 << (sizeof(size_t) * 8 - 1))
static size_t state = CLOSED;
static sem_t done;

static struct worker {
	sem_t go;		/* posted to wake the worker */
	int posted;		/* go has a post not yet taken (atomic) */
} workers[TP_MAXTHREADS];
static int nworkers;		/* workers 1 .. nworkers run */
static int busy;		/* a call owns the pool (atomic) */

/* Take items of the job, as thread tid, until none are left or one
 * dies: the first die's message goes to job.fail, and the items left
 * are handed out to nobody. */
static void
take_items(int tid)
{
	struct tp_catch c;
	size_t i;

	tp_catch_push(&c);
	if (setjmp(c.env) != 0) {
		if (!__atomic_exchange_n(&job.failed, 1, __ATOMIC_ACQ_REL))
			job.fail = c;
		__atomic_store_n(&job.next, job.n, __ATOMIC_RELAXED);
		return;
	}
	while ((i = __atomic_fetch_add(&job.next, 1, __ATOMIC_RELAXED))
	    < job.n)
		job.fn(job.arg, i, tid);
	tp_catch_pop(&c);
}

/* Join the open job, if any, take its items and leave. */
static void
join_job(int tid)
{
	size_t s = __atomic_load_n(&state, __ATOMIC_ACQUIRE);

	do {
		if (s & CLOSED)
			return;
	} while (!__atomic_compare_exchange_n(&state, &s, s + 1, 1,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	if (tid < job.threads)
		take_items(tid);
	if (__atomic_sub_fetch(&state, 1, __ATOMIC_ACQ_REL) == CLOSED)
		sem_post(&done);
}

/* A worker: wait to be woken, join the job, again. */
static void *
worker_main(void *v)
{
	int tid = (int)(intptr_t)v;
	struct worker *w = &workers[tid];

	for (;;) {
		while (sem_wait(&w->go) != 0 && errno == EINTR)
			;
		/* an exchange, so that a call that saw the post still
		 * untaken (and did not post again) is seen open here */
		__atomic_exchange_n(&w->posted, 0, __ATOMIC_SEQ_CST);
		join_job(tid);
	}
	return NULL;
}

/*
 * Start workers up to tid want - 1 (the pool's owner only); returns the
 * threads a call can use, the caller included: fewer than want when a
 * thread cannot be made, whose share then goes to the others.
 */
static int
grow_pool(int want)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t id;

	if (nworkers + 1 >= want)
		return want;
	if (nworkers == 0 && sem_init(&done, 0, 0) != 0)
		return 1;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (nworkers + 1 < want) {
		struct worker *w = &workers[nworkers + 1];

		if (sem_init(&w->go, 0, 0) != 0)
			break;
		if (pthread_create(&id, &attr, worker_main,
		    (void *)(intptr_t)(nworkers + 1)) != 0) {
			sem_destroy(&w->go);
			break;
		}
		nworkers++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return nworkers + 1;
}

void
tp_parallel(int threads, size_t n, void (*fn)(void *, size_t, int),
    void *arg)
{
	size_t i;

	if (threads > TP_MAXTHREADS)
		threads = TP_MAXTHREADS;
	if (threads < 1)
		threads = 1;
	if ((size_t)threads > n)
		threads = (int)n;
	if (threads > 1 && __atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		threads = 1;		/* owned: another thread's, or nested */
	else if (threads > 1 && (threads = grow_pool(threads)) == 1)
		__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	if (threads <= 1) {
		for (i = 0; i < n; i++)
			fn(arg, i, 0);
		return;
	}
	job.fn = fn;
	job.arg = arg;
	job.n = n;
	job.threads = threads;
	__atomic_store_n(&job.next, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&state, 0, __ATOMIC_RELEASE);	/* open */
	for (int k = 1; k < threads; k++)
		if (!__atomic_exchange_n(&workers[k].posted, 1,
		    __ATOMIC_SEQ_CST))
			sem_post(&workers[k].go);
	take_items(0);
	if (__atomic_fetch_or(&state, CLOSED, __ATOMIC_ACQ_REL) != 0)
		while (sem_wait(&done) != 0 && errno == EINTR)
			;
	if (__atomic_exchange_n(&job.failed, 0, __ATOMIC_ACQ_REL)) {
		struct tp_catch fail = job.fail;	/* before the pool */
							/* is another's */
		__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
		tp_rethrow(&fail);
	}
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

/*
 * The background prefault (tp_prefault_start, engine.h): one thread that
 * has the kernel map (and zero) a new buffer's pages while the caller
 * does something else, such as reading the record that will fill it.
 */
static struct {
	pthread_t id;
	void *p;
	size_t n;
	int running;
} pf;

/* The prefault thread: populate the pages, or write one byte a page. */
static void *
prefault_main(void *v)
{
	(void)v;
#ifdef MADV_POPULATE_WRITE
	if (madvise(pf.p, pf.n, MADV_POPULATE_WRITE) == 0)
		return NULL;
#endif
	for (size_t i = 0; i < pf.n; i += 4096)
		((volatile unsigned char *)pf.p)[i] = 0;
	return NULL;
}

void
tp_prefault_start(void *p, size_t n)
{
	sigset_t all, old;

	if (pf.running || n == 0)
		return;
	pf.p = p;
	pf.n = n;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pf.running = pthread_create(&pf.id, NULL, prefault_main, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void
tp_prefault_wait(void)
{
	if (pf.running)
		pthread_join(pf.id, NULL);
	pf.running = 0;
}

/*
 * The background job (tp_background_start, engine.h): one thread that
 * runs fn(arg) under a catch, whose message tp_background_wait dies
 * with on the caller's thread.
 */
static struct {
	pthread_t id;
	void (*fn)(void *);
	void *arg;
	int running, failed;
	struct tp_catch fail;
} bg;

/* 1 on the job's own thread (tp_background_own_thread) */
static __thread int on_background;

static void *
background_main(void *v)
{
	struct tp_catch c;

	(void)v;
	on_background = 1;
	tp_catch_push(&c);
	if (setjmp(c.env) != 0) {
		bg.fail = c;
		bg.failed = 1;
		return NULL;
	}
	bg.fn(bg.arg);
	tp_catch_pop(&c);
	return NULL;
}

/* tp_on_die_wait hook: a die on another thread lets the job (a write of
 * a complete record, say) end before the writer writes out what is
 * complete and the process exits, so the two never interleave and the
 * job's record is not cut.  What the job failed with is dropped: the
 * process dies of the first error. */
static void
background_end_before_die(void)
{
	if (bg.running && !pthread_equal(pthread_self(), bg.id)) {
		pthread_join(bg.id, NULL);
		bg.running = 0;
	}
}

void
tp_background_start(void (*fn)(void *), void *arg)
{
	sigset_t all, old;

	tp_background_wait();
	tp_on_die_wait(background_end_before_die);
	bg.fn = fn;
	bg.arg = arg;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (!sigismember(&old, SIGPIPE)) {	/* a write to a closed pipe */
		sigset_t run = all;		/* ends the process there */

		sigdelset(&run, SIGPIPE);
		pthread_sigmask(SIG_SETMASK, &run, NULL);
	}
	bg.running = pthread_create(&bg.id, NULL, background_main, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!bg.running)
		fn(arg);
}

void
tp_background_wait(void)
{
	if (!bg.running)
		return;
	pthread_join(bg.id, NULL);
	bg.running = 0;
	if (bg.failed) {
		bg.failed = 0;
		tp_rethrow(&bg.fail);
	}
}

int
tp_background_own_thread(void)
{
	return on_background;
}

/* A level that only rises, and the threads waiting for it to. */
struct tp_gate {
	pthread_mutex_t lock;
	pthread_cond_t moved;
	size_t level;
	int waiting;
};

struct tp_gate *
tp_gate_new(void)
{
	struct tp_gate *g = tp_ecalloc(1, sizeof *g);
	pthread_condattr_t ca;

	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->moved, &ca);
	pthread_condattr_destroy(&ca);
	return g;
}

void
tp_gate_free(struct tp_gate *g)
{
	if (g == NULL)
		return;
	pthread_cond_destroy(&g->moved);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

void
tp_gate_raise(struct tp_gate *g, size_t level)
{
	pthread_mutex_lock(&g->lock);
	if (level > g->level)
		g->level = level;
	if (g->waiting)
		pthread_cond_broadcast(&g->moved);
	pthread_mutex_unlock(&g->lock);
}

/* ms milliseconds from now on CLOCK_MONOTONIC (the gate's). */
static void
deadline(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

size_t
tp_gate_wait(struct tp_gate *g, size_t want, int patience_ms)
{
	struct timespec until;
	size_t level, seen;
	int e;

	pthread_mutex_lock(&g->lock);
	seen = g->level;
	deadline(&until, patience_ms);
	while (g->level < want) {
		g->waiting++;
		e = pthread_cond_timedwait(&g->moved, &g->lock, &until);
		g->waiting--;
		if (e != ETIMEDOUT)
			continue;
		if (g->level == seen)
			break;		/* no move for patience_ms */
		seen = g->level;
		deadline(&until, patience_ms);
	}
	level = g->level;
	pthread_mutex_unlock(&g->lock);
	return level;
}
