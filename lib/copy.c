/*
 * copy.c - the one place a record's bytes go from a reader to a writer
 * unchanged (tcat without -t, and any tool that passes records through).
 * It sits above reader.c and writer.c, which do not know each other, and
 * uses their hooks in formats.h.
 */
#include <stdlib.h>

#include "formats.h"
#include "progress.h"
#include "tpipe.h"

#define CHUNK (1 << 20)		/* a multiple of every element size */
#define DIRECT_MIN 65536	/* smaller go through the writer's buffer */

void
tp_write_from(struct tp_writer *w, struct tp_reader *r, size_t n)
{
	static unsigned char *chunk;
	const char *name = NULL;
	int fd = -1, moving = 0;

	if (n == 0)
		return;
	if (n >= DIRECT_MIN && tp_reader_raw_ok(r) &&
	    (fd = tp_writer_direct(w, n, &name)) >= 0)
		moving = 1;		/* input buffer or splice(2) first */
	if (!chunk)
		chunk = tp_emalloc(CHUNK);
	while (n > 0) {
		size_t k;

		if (moving && (k = tp_read_move(r, fd, name, n)) > 0) {
			tp_progress_wrote(k);
			n -= k;
			continue;
		}
		moving = 0;		/* neither end is a pipe: copy */
		k = n < CHUNK ? n : CHUNK;
		tp_read_data(r, chunk, k);
		if (fd >= 0) {
			tp_write_fd(fd, chunk, k, name);
			tp_progress_wrote(k);
		} else
			tp_write_data(w, chunk, k);
		n -= k;
	}
}
