build-dev/obj/lib/reshape_slice.o: lib/reshape_slice.c lib/tpipe.h \
 lib/reshape.h lib/reshape_impl.h
lib/tpipe.h:
lib/reshape.h:
lib/reshape_impl.h:
