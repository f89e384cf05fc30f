build-dev/obj/lib/reshape_run.o: lib/reshape_run.c lib/tpipe.h \
 lib/engine.h lib/reshape.h lib/reshape_impl.h
lib/tpipe.h:
lib/engine.h:
lib/reshape.h:
lib/reshape_impl.h:
