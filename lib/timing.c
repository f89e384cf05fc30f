/*
 * timing.c - the --verbose report of where a record's time went
 * (engine.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tpipe.h"
#include "engine.h"

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void
tp_timing_start(struct tp_timing *t, int on)
{
	memset(t, 0, sizeof *t);
	t->on = on;
	if (on)
		t->mark = now();
}

void
tp_timing_charge(struct tp_timing *t, enum tp_phase p)
{
	double n;

	if (!t->on)
		return;
	n = now();
	t->spent[p] += n - t->mark;
	t->total[p] += n - t->mark;
	t->mark = n;
}

/* "tool: HEAD: METHOD; read A s, compute B s, write C s". */
static void
report(const char *head, const char *method, const double *s)
{
	tp_warn("%s%s%s%sread %.3f s, compute %.3f s, write %.3f s",
	    head ? head : "", head ? ": " : "", method ? method : "",
	    method ? "; " : "", s[TP_PHASE_READ], s[TP_PHASE_COMPUTE],
	    s[TP_PHASE_WRITE]);
}

void
tp_timing_report(struct tp_timing *t, long record, const char *method)
{
	char head[64];

	if (!t->on)
		return;
	snprintf(head, sizeof head, "record %ld", record);
	report(record >= 0 ? head : NULL, method, t->spent);
	memset(t->spent, 0, sizeof t->spent);
}

void
tp_timing_report_total(const struct tp_timing *t)
{
	if (t->on)
		report("total", NULL, t->total);
}

void
tp_timing_record_done(struct tp_timing *t, long record, const char *method)
{
	tp_timing_charge(t, TP_PHASE_WRITE);
	tp_timing_report(t, record, method);
}

void
tp_timing_run_done(struct tp_timing *t)
{
	tp_timing_charge(t, TP_PHASE_WRITE);
	tp_timing_report_total(t);
}

/* Phase stamps: off until a tool turns them on. */
static int stamps_on;
static double stamps_t0;

void
tp_timing_stamps(int on)
{
	stamps_on = on;
	stamps_t0 = now();
}

void
tp_timing_stamp(const char *what)
{
	if (stamps_on)
		tp_warn("%8.4f s %s", now() - stamps_t0, what);
}
