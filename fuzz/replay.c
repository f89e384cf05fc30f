/*
 * replay.c - run a fuzz target's LLVMFuzzerTestOneInput on files, without
 * libFuzzer: `replay-TARGET FILE...` (test/fuzz.bats runs it on the seed
 * corpus and fuzz/regress/TARGET/, in the normal and the sanitizer
 * builds).  Exits 0 if every file ran; a finding aborts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		size_t len = 0, cap = 0, k;

		if (f == NULL) {
			perror(argv[i]);
			return 1;
		}
		do {
			if (len == cap) {
				cap = cap ? 2 * cap : 4096;
				if ((buf = realloc(buf, cap)) == NULL)
					abort();
			}
			k = fread(buf + len, 1, cap - len, f);
			len += k;
		} while (k > 0);
		if (ferror(f)) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("replayed %d input%s\n", argc - 1, argc == 2 ? "" : "s");
	return 0;
}
