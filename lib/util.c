/*
 * util.c - errors, allocation, and output files that appear only when
 * complete.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tpipe.h"

extern char *program_invocation_short_name;

static void
vmessage(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t len = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	if (len > 0 && fmt[len - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void
tp_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	exit(1);
}

void
tp_usage_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	exit(2);
}

void
tp_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void *
tp_emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		tp_die("out of memory allocating %zu bytes", n);
	return p;
}

void *
tp_ecalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		tp_die("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *
tp_erealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		tp_die("out of memory allocating %zu bytes", n);
	return p;
}

char *
tp_estrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		tp_die("out of memory allocating %zu bytes", strlen(s) + 1);
	return p;
}

/*
 * Temporary output files: each is unlinked if the process exits or is
 * killed by a catchable signal before it is committed.
 */
#define MAXTEMP 8
static struct {
	int fd;
	char *temp;
	char *final;
} temps[MAXTEMP];
static int ntemps;
static volatile sig_atomic_t cleanup_installed;

static void
remove_temps(void)
{
	for (int i = 0; i < ntemps; i++)
		if (temps[i].temp)
			unlink(temps[i].temp);
}

static void
on_fatal_signal(int sig)
{
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_cleanup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	if (cleanup_installed)
		return;
	cleanup_installed = 1;
	atexit(remove_temps);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fatal_signal;
		sigaction(sigs[i], &sa, NULL);
	}
}

int
tp_create_temp(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
	const char *base = path + dirlen;
	char *temp;
	mode_t mask;
	int fd;

	if (ntemps == MAXTEMP)
		tp_die("too many output files");
	if (*base == '\0')
		tp_usage_die("output '%s' names a directory", path);
	install_cleanup();
	temp = tp_emalloc(strlen(path) + 16);
	sprintf(temp, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	if ((fd = mkstemp(temp)) < 0)
		tp_die("cannot create a temporary file for '%s':", path);
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	temps[ntemps].fd = fd;
	temps[ntemps].temp = temp;
	temps[ntemps].final = tp_estrdup(path);
	ntemps++;
	return fd;
}

void
tp_commit_file(int fd)
{
	for (int i = 0; i < ntemps; i++) {
		if (temps[i].fd != fd || !temps[i].temp)
			continue;
		if (close(fd) < 0)
			tp_die("%s:", temps[i].final);
		if (rename(temps[i].temp, temps[i].final) < 0)
			tp_die("cannot rename to '%s':", temps[i].final);
		free(temps[i].temp);
		free(temps[i].final);
		temps[i].temp = NULL;
		temps[i].final = NULL;
		temps[i].fd = -1;
		return;
	}
	if (close(fd) < 0)
		tp_die("close:");
}
