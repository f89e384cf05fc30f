build-dev/obj/lib/reshape_explain.o: lib/reshape_explain.c lib/tpipe.h \
 lib/reshape.h lib/reshape_impl.h
lib/tpipe.h:
lib/reshape.h:
lib/reshape_impl.h:
