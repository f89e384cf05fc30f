build-dev/obj/lib/copy.o: lib/copy.c lib/formats.h lib/tpipe.h \
 lib/progress.h
lib/formats.h:
lib/tpipe.h:
lib/progress.h:
