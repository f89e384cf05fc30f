build-dev/obj/lib/cli.o: lib/cli.c lib/progress.h lib/tpipe.h
lib/progress.h:
lib/tpipe.h:
