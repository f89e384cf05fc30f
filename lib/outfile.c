/*
 * outfile.c - output files that appear only when complete (-o).
 *
 * A regular file (or a new one) is written to a temporary file beside it
 * and renamed onto it at the end; the temporary file is removed if the
 * process exits or is killed by a catchable signal first.  A symbolic
 * link is followed to the file it names, even when that file does not
 * exist yet (a dangling link): the temporary file goes beside that file
 * and is renamed onto it, so the link stays and a failed run leaves
 * nothing, as `sed -i --follow-symlinks` does.  A regular file the user
 * may not write is refused, as the shell's `>` refuses it, though the
 * rename would replace it.  Anything that is not a regular file (a FIFO,
 * /dev/null, a terminal) is opened and written as it is: it cannot be
 * replaced, and there is no partial file to leave behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tpipe.h"

#define MAXOUT 8
static struct {
	int fd;
	char *volatile temp;	/* NULL when written directly; read by the
				 * signal handler */
	char *volatile aside;	/* the old file's name while it is moved
				 * aside (replace_file), or NULL */
	char *final;
	char *shown;		/* the name given, for messages */
} outs[MAXOUT];
static int nouts;

/* atexit and signal handler: remove every temporary file not yet
 * renamed. */
static void
remove_temps(void)
{
	for (int i = 0; i < nouts; i++) {
		char *temp = outs[i].temp, *aside = outs[i].aside;

		/* killed between replace_file's two renames: the old file
		 * goes back */
		if (temp && aside && access(temp, F_OK) == 0)
			rename(aside, outs[i].final);
		if (temp)
			unlink(temp);
	}
}

/* Remove the temporary files, then die of the same signal. */
static void
on_fatal_signal(int sig)
{
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Arrange for remove_temps at exit and on the usual fatal signals, except
 * signals the process inherited as ignored (a background job keeps
 * ignoring SIGINT). */
static void
install_cleanup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	static int installed;

	if (installed)
		return;
	installed = 1;
	atexit(remove_temps);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa, old;

		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fatal_signal;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* Open a file that is not a regular one (FIFO, device) for writing;
 * shown names it in messages. */
static int
open_direct(const char *path, const char *shown)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		tp_die("%s:", shown);
	return fd;
}

/*
 * The file path names after following symbolic links (a malloc'd path,
 * relative links taken from the link's directory).  The last one may be
 * dangling: its target need not exist.  Dies on a loop, naming shown.
 */
static char *
follow_links(const char *path, const char *shown)
{
	char *cur = tp_estrdup(path);
	struct stat st;

	for (int hops = 0; lstat(cur, &st) == 0 && S_ISLNK(st.st_mode);
	    hops++) {
		char target[PATH_MAX], *next, *slash;
		ssize_t n;

		if (hops == 40) {
			errno = ELOOP;
			tp_die("%s:", shown);
		}
		if ((n = readlink(cur, target, sizeof target - 1)) < 0)
			tp_die("%s:", shown);
		target[n] = '\0';
		slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash)
			next = tp_estrdup(target);
		else {
			size_t dirlen = (size_t)(slash - cur + 1);
			next = tp_emalloc(dirlen + (size_t)n + 1);
			memcpy(next, cur, dirlen);
			memcpy(next + dirlen, target, (size_t)n + 1);
		}
		free(cur);
		cur = next;
	}
	return cur;
}

/*
 * Create temp ("DIR.BASE.XXXXXX", the X random) and return its fd, or -1
 * with errno set.  The name is put in the next slot of outs before the
 * file exists, so that the signal handler, on whichever thread a signal
 * lands, never misses a file that exists: mkostemp would make the file
 * first and leave a window (seen under load) where SIGTERM left it.
 * What remains is a handler on another thread running between the name
 * and the open(2) that makes the file: microseconds, not a preemption.
 */
static int
open_temp(char *temp, size_t dirlen, const char *target, const char *base,
    int slot)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct timespec ts;
	uint64_t x;
	int fd = -1;

	outs[slot].fd = -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15u ^
	    (uint64_t)getpid() << 32 ^ (uint64_t)ts.tv_sec;
	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		char *suffix;

		outs[slot].temp = NULL;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		suffix = temp + sprintf(temp, "%.*s.%s.", (int)dirlen, target,
		    base);
		for (int i = 0; i < 6; i++) {
			x = x * 6364136223846793005u + 1442695040888963407u;
			suffix[i] = chars[(x >> 33) % (sizeof chars - 1)];
		}
		suffix[6] = '\0';
		outs[slot].temp = temp;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		if (slot == nouts)
			nouts++;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		int e = errno;

		outs[slot].temp = NULL;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		if (slot == nouts - 1)
			nouts = slot;
		free(temp);
		errno = e;
	}
	return fd;
}

/* A slot no file holds (one committed before, or a new one); dies when
 * MAXOUT files are open at once. */
static int
free_slot(void)
{
	for (int i = 0; i < nouts; i++)
		if (outs[i].fd == -1 && !outs[i].final && !outs[i].temp)
			return i;
	if (nouts == MAXOUT)
		tp_die("more than %d output files open at once", MAXOUT);
	return nouts;
}

int
tp_create_temp(const char *path)
{
	char *target, *temp = NULL, *shown;
	const char *slash, *base;
	struct stat st;
	size_t dirlen;
	int fd, exists, slot = free_slot();

	shown = tp_printable(path);
	if (*path == '\0' || path[strlen(path) - 1] == '/')
		tp_usage_die("output '%s' names a directory", shown);
	install_cleanup();
	target = follow_links(path, shown);
	exists = stat(target, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		tp_usage_die("output '%s' is a directory", shown);
	if (exists && !S_ISREG(st.st_mode)) {
		fd = open_direct(target, shown);
		goto done;
	}
	if (exists && faccessat(AT_FDCWD, target, W_OK, AT_EACCESS) < 0)
		tp_die("%s:", shown);
	slash = strrchr(target, '/');
	dirlen = slash ? (size_t)(slash - target + 1) : 0;
	base = target + dirlen;
	temp = tp_emalloc(strlen(target) + 16);
	fd = open_temp(temp, dirlen, target, base, slot);
	if (fd < 0)
		tp_die("cannot create a temporary file for '%s':", shown);
	if (exists) {			/* keep the old file's mode and owner */
		if (fchown(fd, st.st_uid, st.st_gid) < 0)
			(void)0;	/* not ours to give: keep ours */
		fchmod(fd, st.st_mode & 07777);
	} else {
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	outs[slot].fd = fd;
	outs[slot].final = target;
	outs[slot].shown = shown;
	return fd;
done:
	outs[slot].fd = fd;
	outs[slot].final = target;
	outs[slot].shown = shown;
	outs[slot].temp = NULL;	/* written directly */
	if (slot == nouts)
		nouts++;
	return fd;
}

/*
 * Rename slot i's temporary file onto its final name.  An existing file
 * there is first moved aside and removed after: a rename that replaces
 * a file makes ext4 (auto_da_alloc) start writing the new file out
 * before it returns, which took longer than writing a 256 MiB output
 * (0.14 s).  Where that cannot be done (the aside name taken, a file
 * system without RENAME_NOREPLACE) the rename replaces the file.  Dies
 * if the rename fails.
 */
static void
replace_file(int i)
{
	size_t n = strlen(outs[i].temp);
	char *aside = tp_emalloc(n + 2);

	memcpy(aside, outs[i].temp, n);
	memcpy(aside + n, "~", 2);
	outs[i].aside = aside;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (renameat2(AT_FDCWD, outs[i].final, AT_FDCWD, aside,
	    RENAME_NOREPLACE) < 0) {
		outs[i].aside = NULL;	/* nothing there, or no way */
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	}
	if (rename(outs[i].temp, outs[i].final) < 0) {
		int e = errno;

		if (outs[i].aside)
			rename(aside, outs[i].final);
		errno = e;
		tp_die("cannot rename onto '%s':", outs[i].shown);
	}
	if (outs[i].aside) {
		outs[i].aside = NULL;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		unlink(aside);
	}
	free(aside);
}

/* Clear slot i, which the signal handler reads, then free its names;
 * its temporary file, if any, is removed unless keep. */
static void
clear_slot(int i, int keep)
{
	char *temp = outs[i].temp;

	outs[i].temp = NULL;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (temp && !keep)
		unlink(temp);
	free(temp);
	free(outs[i].final);
	free(outs[i].shown);
	outs[i].final = outs[i].shown = NULL;
	outs[i].fd = -1;
}

void
tp_commit_file(int fd)
{
	for (int i = 0; i < nouts; i++) {
		if (outs[i].fd != fd)
			continue;
		if (close(fd) < 0)
			tp_die("write error: %s:", outs[i].shown);
		if (outs[i].temp)
			replace_file(i);
		clear_slot(i, 1);
		return;
	}
	if (close(fd) < 0)
		tp_die("write error:");
}

void
tp_discard_file(int fd)
{
	for (int i = 0; i < nouts; i++)
		if (outs[i].fd == fd) {
			clear_slot(i, 0);
			break;
		}
	close(fd);
}
