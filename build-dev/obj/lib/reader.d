build-dev/obj/lib/reader.o: lib/reader.c lib/formats.h lib/tpipe.h \
 lib/progress.h lib/reader_impl.h
lib/formats.h:
lib/tpipe.h:
lib/progress.h:
lib/reader_impl.h:
