build-dev/obj/lib/reader_input.o: lib/reader_input.c lib/formats.h \
 lib/tpipe.h lib/progress.h lib/reader_impl.h
lib/formats.h:
lib/tpipe.h:
lib/progress.h:
lib/reader_impl.h:
