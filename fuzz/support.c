/*
 * support.c - fuzz_call and its allocation registry, fuzz_stdin.
 *
 * The registry: the fuzz link (Makefile, FUZZ_WRAP) passes
 * -Wl,--wrap=malloc and its kin, so every allocation and free made by
 * lib/ and the harnesses comes through here.  While fuzz_call runs its
 * function, the blocks allocated are remembered until freed; a die
 * frees the rest.  A tool that dies exits, so such blocks are no leak
 * there; in a harness that goes on they would be, and would hide real
 * ones.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

extern jmp_buf *tp_fuzz_catch;		/* lib/error.c, TP_FUZZ */
extern char tp_fuzz_message[1024];

void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
char *__real_strdup(const char *);
int __real_posix_memalign(void **, size_t, size_t);

void *__wrap_malloc(size_t);
void *__wrap_calloc(size_t, size_t);
void *__wrap_realloc(void *, size_t);
void __wrap_free(void *);
char *__wrap_strdup(const char *);
int __wrap_posix_memalign(void **, size_t, size_t);

static int tracking;
static void **live;
static size_t nlive, caplive;

/* Remember p, allocated while tracking. */
static void
track(void *p)
{
	if (!tracking || p == NULL)
		return;
	if (nlive == caplive) {
		size_t cap = caplive ? 2 * caplive : 256;
		void **grown = __real_realloc(live, cap * sizeof *live);

		if (grown == NULL)
			abort();
		live = grown;
		caplive = cap;
	}
	live[nlive++] = p;
}

/* Forget p (freed or moved); the newest blocks are freed first, mostly. */
static void
untrack(void *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = nlive; i-- > 0; )
		if (live[i] == p) {
			live[i] = live[--nlive];
			live[nlive] = NULL;	/* no stale copy (see forget) */
			return;
		}
}

void *
__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);

	track(p);
	return p;
}

void *
__wrap_calloc(size_t n, size_t size)
{
	void *p = __real_calloc(n, size);

	track(p);
	return p;
}

void *
__wrap_realloc(void *p, size_t n)
{
	void *q = __real_realloc(p, n);

	if (q != NULL || n == 0) {
		untrack(p);
		track(q);
	}
	return q;
}

void
__wrap_free(void *p)
{
	untrack(p);
	__real_free(p);
}

char *
__wrap_strdup(const char *s)
{
	char *p = __real_strdup(s);

	track(p);
	return p;
}

int
__wrap_posix_memalign(void **p, size_t align, size_t n)
{
	int e = __real_posix_memalign(p, align, n);

	if (e == 0)
		track(*p);
	return e;
}

/* Forget every remembered block, leaving no copy of its address: a
 * stale one in the registry would make a real leak look reachable to
 * LeakSanitizer. */
static void
forget(void)
{
	if (nlive > 0)
		memset(live, 0, nlive * sizeof *live);
	nlive = 0;
}

int
fuzz_call(void (*fn)(void *), void *arg)
{
	jmp_buf here;
	int status;
	size_t i;

	forget();
	tracking = 1;
	status = setjmp(here);
	if (status == 0) {
		tp_fuzz_catch = &here;
		fn(arg);
		tp_fuzz_catch = NULL;
		tracking = 0;
		forget();
		return 0;
	}
	tracking = 0;
	for (i = 0; i < nlive; i++)
		__real_free(live[i]);
	forget();
	if (status != 1 && status != 2)
		abort();
	fuzz_check_message(tp_fuzz_message);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz: died (%d): %s\n", status,
		    tp_fuzz_message);
	return status;
}

void
fuzz_check_message(const char *msg)
{
	size_t i;

	if (msg == NULL || msg[0] == '\0') {
		fprintf(stderr, "fuzz: an empty message\n");
		abort();
	}
	for (i = 0; msg[i] != '\0'; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f) {
			fprintf(stderr, "fuzz: control byte 0x%02x in the "
			    "message '%s'\n", (unsigned char)msg[i], msg);
			abort();
		}
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz: message: %s\n", msg);
}

const char *
fuzz_message(void)
{
	return tp_fuzz_message;
}

void
fuzz_stdin(const uint8_t *p, size_t n)
{
	static int fd = -1;
	size_t done = 0;

	if (fd < 0 && (fd = memfd_create("fuzz-stdin", 0)) < 0) {
		perror("fuzz: memfd_create");
		abort();
	}
	if (ftruncate(fd, 0) != 0)
		abort();
	while (done < n) {
		ssize_t k = pwrite(fd, p + done, n - done, (off_t)done);

		if (k <= 0)
			abort();
		done += (size_t)k;
	}
	if (lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, 0) != 0)
		abort();
}

void
fuzz_stdin_pipe(const uint8_t *p, size_t n)
{
	int fds[2];
	size_t done = 0;

	if (n > 65536) {		/* more than a pipe holds unread */
		fuzz_stdin(p, n);
		return;
	}
	if (pipe(fds) != 0)
		abort();
	while (done < n) {
		ssize_t k = write(fds[1], p + done, n - done);

		if (k <= 0)
			abort();
		done += (size_t)k;
	}
	if (close(fds[1]) != 0 || dup2(fds[0], 0) != 0 || close(fds[0]) != 0)
		abort();
}

char *
fuzz_string(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

size_t
fuzz_small_shape(const uint8_t *data, size_t size, enum tp_dtype dtype,
    struct tp_tensor *hdr)
{
	size_t shape[TP_MAXDIM];
	struct tp_msg m;
	int ndim;

	if (size < 2)
		return 0;
	ndim = data[1] % 7;
	if (size < 2 + (size_t)ndim)
		return 0;
	for (int i = 0; i < ndim; i++)
		shape[i] = data[2 + i] % 8;
	hdr->dtype = dtype;
	if (tp_set_shape(hdr, ndim, shape, &m) != NULL)
		abort();
	return 2 + (size_t)ndim;
}
