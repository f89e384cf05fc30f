build-dev/obj/lib/fdio.o: lib/fdio.c lib/formats.h lib/tpipe.h \
 lib/progress.h
lib/formats.h:
lib/tpipe.h:
lib/progress.h:
