/*
 * fdio.c - the bottom of the io layer: writing to a file descriptor, and
 * ending by SIGPIPE when the reader of our output has gone.  The reader
 * and the writer both use it; neither uses the other.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "formats.h"
#include "progress.h"
#include "tpipe.h"

void
tp_end_by_sigpipe(void)
{
	sigset_t pipe;

	if (tp_catching()) {	/* the library: an error, not a signal */
		errno = EPIPE;
		tp_die("write error: the reader has gone:");
	}
	tp_progress_silence();		/* no line left on the terminal */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &pipe, NULL);
	signal(SIGPIPE, SIG_DFL);
	raise(SIGPIPE);
	_exit(141);			/* not reached */
}

void
tp_write_fd(int fd, const void *p, size_t n, const char *name)
{
	const unsigned char *s = p;

	while (n > 0) {
		ssize_t k = write(fd, s, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				tp_end_by_sigpipe();
			tp_die("write error: %s:", name);
		}
		s += k;
		n -= (size_t)k;
	}
}

size_t
tp_write_fd_quietly(int fd, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(fd, s + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		done += (size_t)k;
	}
	return done;
}
