/*
 * threads.c - a parallel for over n items (tp_parallel, engine.h).
 */
#include <pthread.h>
#include <stddef.h>

#include "tpipe.h"
#include "engine.h"

struct par {
	void (*fn)(void *, size_t, int);
	void *arg;
	size_t n;
	size_t next;		/* the next item to hand out (atomic) */
};

struct par_thread {
	struct par *p;
	int tid;
};

/* A worker: take items until none are left. */
static void *
par_main(void *v)
{
	struct par_thread *t = v;
	size_t i;

	while ((i = __atomic_fetch_add(&t->p->next, 1, __ATOMIC_RELAXED))
	    < t->p->n)
		t->p->fn(t->p->arg, i, t->tid);
	return NULL;
}

void
tp_parallel(int threads, size_t n, void (*fn)(void *, size_t, int),
    void *arg)
{
	struct par p = { fn, arg, n, 0 };
	struct par_thread t[TP_MAXTHREADS];
	pthread_t id[TP_MAXTHREADS];
	int i, started = 0;

	if (threads > TP_MAXTHREADS)
		threads = TP_MAXTHREADS;
	if (threads < 1)
		threads = 1;
	if ((size_t)threads > n)
		threads = (int)n;
	/* A thread that cannot be started leaves its share to the others. */
	for (i = 1; i < threads; i++) {
		t[i].p = &p;
		t[i].tid = i;
		if (pthread_create(&id[i], NULL, par_main, &t[i]) != 0)
			break;
		started = i;
	}
	t[0].p = &p;
	t[0].tid = 0;
	par_main(&t[0]);
	for (i = 1; i <= started; i++)
		pthread_join(id[i], NULL);
}
