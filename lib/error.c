/*
 * error.c - messages: "tool: what is wrong", then exit 1 (data) or 2
 * (usage); or, under a catch (tp_catch_push, tpipe.h), the message kept
 * and a longjmp back to the catch: the public library's entry points and
 * the thread pool's items run under one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpipe.h"

extern char *program_invocation_short_name;
static void (*die_hook)(void);
static void (*die_wait_hook)(void);
static void (*message_hook)(int phase);

/* The innermost catch of this thread, or NULL: each thread its own, so
 * a die never jumps to another thread's stack. */
static __thread struct tp_catch *catch_top;

void
tp_catch_push(struct tp_catch *c)
{
	c->status = 0;
	c->text[0] = '\0';
	c->prev = catch_top;
	catch_top = c;
}

void
tp_catch_pop(struct tp_catch *c)
{
	catch_top = c->prev;
}

int
tp_catching(void)
{
	return catch_top != NULL;
}

/* Longjmp to this thread's catch with status and the message (and
 * ": strerror(errno)" when fmt ends in ':'), if one waits. */
static void
runtime_catch(int status, const char *fmt, va_list ap)
{
	struct tp_catch *c = catch_top;
	size_t len = strlen(fmt), k;
	int saved = errno;

	if (!c)
		return;
	catch_top = c->prev;
	vsnprintf(c->text, sizeof c->text, fmt, ap);
	k = strlen(c->text);
	if (len > 0 && fmt[len - 1] == ':')
		snprintf(c->text + k, sizeof c->text - k, " %s",
		    strerror(saved));
	c->status = status;
	longjmp(c->env, 1);
}
#define RUNTIME_CATCH(status, fmt) do { \
		va_start(ap, fmt); \
		runtime_catch(status, fmt, ap); \
		va_end(ap); \
	} while (0)

void
tp_rethrow(const struct tp_catch *c)
{
	if (c->status == 2)
		tp_usage_die("%s", c->text);
	tp_die("%s", c->text);
}

#ifdef TP_FUZZ
/*
 * The fuzz build only (fuzz/fuzz.h): while a harness has set
 * tp_fuzz_catch, tp_die and tp_usage_die format their message into
 * tp_fuzz_message and longjmp there with the exit status (1 or 2)
 * instead of printing and exiting.  Normal builds have none of this.
 */
#include <setjmp.h>
jmp_buf *tp_fuzz_catch;
char tp_fuzz_message[1024];

/* Longjmp to the harness with status, the message kept, if one waits. */
static void
fuzz_catch(int status, const char *fmt, va_list ap)
{
	jmp_buf *to = tp_fuzz_catch;
	size_t len = strlen(fmt);

	if (!to)
		return;
	tp_fuzz_catch = NULL;
	vsnprintf(tp_fuzz_message, sizeof tp_fuzz_message, fmt, ap);
	if (len > 0 && fmt[len - 1] == ':')
		strncat(tp_fuzz_message, " (strerror)",
		    sizeof tp_fuzz_message - strlen(tp_fuzz_message) - 1);
	longjmp(*to, status);
}
#define FUZZ_CATCH(status, fmt) do { \
		va_start(ap, fmt); \
		fuzz_catch(status, fmt, ap); \
		va_end(ap); \
	} while (0)
#else
#define FUZZ_CATCH(status, fmt) do { } while (0)
#endif

void
tp_on_die(void (*fn)(void))
{
	die_hook = fn;
}

void
tp_on_die_wait(void (*fn)(void))
{
	die_wait_hook = fn;
}

void
tp_on_message(void (*fn)(int phase))
{
	message_hook = fn;
}

/* Before a die: the wait hook, then the hook (each once, so a die
 * inside one cannot loop), then stdout's stdio buffer. */
static void
before_die(void)
{
	void (*wait)(void) = die_wait_hook;
	void (*fn)(void) = die_hook;

	die_wait_hook = NULL;
	die_hook = NULL;
	if (wait)
		wait();
	if (fn)
		fn();
}

/* Print "tool: message" on stderr, and ": strerror(errno)" when fmt
 * ends in ':'; stdout is flushed first so the two keep their order.
 * The message hook runs around it (phase TP_MSG_BEGIN, or TP_MSG_DIE
 * when the process is about to exit). */
static void
vmessage(int phase, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t len = strlen(fmt);
	void (*hook)(int) = message_hook;

	fflush(stdout);
	if (hook)
		hook(phase);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	if (len > 0 && fmt[len - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
	if (hook && phase == TP_MSG_BEGIN)
		hook(TP_MSG_END);
}

void
tp_die(const char *fmt, ...)
{
	va_list ap;

	RUNTIME_CATCH(1, fmt);
	before_die();
	FUZZ_CATCH(1, fmt);
	va_start(ap, fmt);
	vmessage(TP_MSG_DIE, fmt, ap);
	va_end(ap);
	exit(1);
}

void
tp_usage_die(const char *fmt, ...)
{
	va_list ap;

	RUNTIME_CATCH(2, fmt);
	before_die();
	FUZZ_CATCH(2, fmt);
	va_start(ap, fmt);
	vmessage(TP_MSG_DIE, fmt, ap);
	va_end(ap);
	exit(2);
}

void
tp_warn(const char *fmt, ...)
{
	va_list ap;

	if (catch_top)		/* the library prints nothing (tpipe.h) */
		return;
	va_start(ap, fmt);
	vmessage(TP_MSG_BEGIN, fmt, ap);
	va_end(ap);
}

const char *
tp_quote(const char *s, size_t n, char *buf, size_t len)
{
	size_t i, k = 0;

	for (i = 0; i < n && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t need = c < 0x20 || c >= 0x7f ? 4 : 1;

		/* keep room for "..." and the NUL */
		if (i == 60 || k + need + 4 > len) {
			memcpy(buf + k, "...", 3);
			k += 3;
			break;
		}
		if (need == 4)
			k += (size_t)snprintf(buf + k, len - k, "\\x%02x", c);
		else
			buf[k++] = (char)c;
	}
	buf[k] = '\0';
	return buf;
}

tp_why
tp_msgf(struct tp_msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->text, sizeof m->text, fmt, ap);
	va_end(ap);
	return m->text;
}
