/*
 * fuzz.h - what every tpipe fuzz harness shares (fuzz/README.md).
 *
 * Each harness defines LLVMFuzzerTestOneInput and runs the library code
 * it tests through fuzz_call, which catches a tp_die or tp_usage_die
 * (lib/error.c built with -DTP_FUZZ longjmps instead of exiting), frees
 * what the died call had allocated, and checks the message.
 */
#ifndef TP_FUZZ_H
#define TP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "tpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Call fn(arg).  Returns 0 if it returned, or the status (1 or 2) of a
 * tp_die or tp_usage_die it called.  On a die, every block that fn had
 * allocated and not freed (malloc, calloc, realloc, strdup,
 * posix_memalign from lib/ or the harness: the fuzz link wraps them) is
 * freed, so leak detection still reports real leaks of calls that
 * return, and the die's message is checked: one line, not empty, no
 * control bytes (abort() otherwise, a finding).  With FUZZ_VERBOSE set
 * in the environment, each caught message is printed on stderr.  Blocks fn allocated and
 * left to the caller on a normal return are the caller's to free.
 */
int fuzz_call(void (*fn)(void *), void *arg);
/* Abort (a finding) unless msg is one line of text: not empty, no
 * control bytes.  For the messages library functions return. */
void fuzz_check_message(const char *msg);
/* The message of the last die fuzz_call caught. */
const char *fuzz_message(void);

/* Make standard input (fd 0) a file holding the n bytes at p, read from
 * its start, so a tp_reader of stdin reads them as a stream. */
void fuzz_stdin(const uint8_t *p, size_t n);

/* The same through a pipe (at most 64 KiB; more goes to a file), so a
 * reader cannot tell the input's size without reading it all. */
void fuzz_stdin_pipe(const uint8_t *p, size_t n);

/* The n bytes at p as a NUL-terminated string (NUL bytes cut it short);
 * free() it. */
char *fuzz_string(const uint8_t *p, size_t n);

/* The small shape of the einops and slices layouts: byte 1 the axes
 * (mod 7), then a length byte per axis (mod 8, so zero-size axes too).
 * Sets hdr (dtype given) and returns the offset past those bytes, or 0
 * when the input is too short for them. */
size_t fuzz_small_shape(const uint8_t *data, size_t size,
    enum tp_dtype dtype, struct tp_tensor *hdr);

#endif
