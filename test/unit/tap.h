/*
 * tap.h - the few lines of TAP the C unit tests print: ok(cond, what)
 * per check, then tap_end() prints the plan and gives the exit status.
 */
#include <stdio.h>

static int ntests, nfailed;

static void
ok(int cond, const char *what)
{
	ntests++;
	if (!cond)
		nfailed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", ntests, what);
}

static int
tap_end(void)
{
	printf("1..%d\n", ntests);
	return nfailed != 0;
}
