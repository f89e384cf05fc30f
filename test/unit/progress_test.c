/*
 * progress_test.c - the text of the progress line (tp_progress_format):
 * which parts show when, sizes, rates, times, the remaining time and the
 * cut to the terminal's width.
 */
#include <string.h>

#include "progress.h"
#include "tap.h"

/* 1 if the line for s, in a buffer of len bytes, is want (and its
 * returned length is want's). */
static int
line_is(const char *tool, uint64_t rin, uint64_t in, uint64_t rout,
    uint64_t out, double elapsed, int64_t total, size_t len,
    const char *want)
{
	struct tp_progress_state s = { in, out, rin, rout, elapsed, total };
	char buf[512];
	size_t n = tp_progress_format(buf, len, tool, &s);

	if (n != strlen(want) || strcmp(buf, want) != 0) {
		printf("# got  '%s' (%zu)\n# want '%s'\n", buf, n, want);
		return 0;
	}
	return 1;
}

int
main(void)
{
	ok(line_is("tcat", 1, 1536, 0, 0, 2, -1, 512,
	    "tcat: in 1 record 1.50 KiB, 768 B/s, 0:02 elapsed"),
	    "input only, unknown size: no out part, no time left");
	ok(line_is("tblur", 3, 1ULL << 30, 2, 1ULL << 29, 4, 4LL << 30, 512,
	    "tblur: in 3 records 1.00 GiB, out 2 records 512 MiB, "
	    "256 MiB/s, 0:04 elapsed, 0:12 left"),
	    "a quarter of a known input read in 4 s: 12 s left");
	ok(line_is("tgen", 0, 0, 1, 100, 0.4, -1, 512,
	    "tgen: out 1 record 100 B, 250 B/s, 0:00 elapsed"),
	    "nothing read: no in part, the rate is the output's");
	ok(line_is("tinfo", 2, 10240, 0, 0, 3725, 10240, 512,
	    "tinfo: in 2 records 10.0 KiB, 3 B/s, 1:02:05 elapsed"),
	    "hours; a known input read whole: no time left");
	ok(line_is("tconv", 0, 0, 0, 0, 0, -1, 512,
	    "tconv: 0:00 elapsed"),
	    "nothing yet, no time: no rate");
	ok(line_is("treshape", 1, 123456789, 1, 123456789, 1, -1, 512,
	    "treshape: in 1 record 118 MiB, out 1 record 118 MiB, "
	    "118 MiB/s, 0:01 elapsed"),
	    "three significant digits from 100 up");
	ok(line_is("tcat", 1, 1536, 0, 0, 2, -1, 16, "tcat: in 1 reco"),
	    "cut to len - 1 characters, as to a terminal's width");
	ok(line_is("tcat", 0, 0, 0, 0, 0, -1, 1, ""),
	    "a one-byte buffer holds the empty line");
	return tap_end();
}
