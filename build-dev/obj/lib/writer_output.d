build-dev/obj/lib/writer_output.o: lib/writer_output.c lib/formats.h \
 lib/tpipe.h lib/progress.h lib/writer_impl.h
lib/formats.h:
lib/tpipe.h:
lib/progress.h:
lib/writer_impl.h:
