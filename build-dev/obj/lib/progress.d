build-dev/obj/lib/progress.o: lib/progress.c lib/progress.h lib/tpipe.h
lib/progress.h:
lib/tpipe.h:
