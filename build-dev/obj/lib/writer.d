build-dev/obj/lib/writer.o: lib/writer.c lib/formats.h lib/tpipe.h \
 lib/progress.h lib/writer_impl.h
lib/formats.h:
lib/tpipe.h:
lib/progress.h:
lib/writer_impl.h:
