build-dev/obj/lib/reshape_pad.o: lib/reshape_pad.c lib/tpipe.h \
 lib/reshape.h lib/reshape_impl.h
lib/tpipe.h:
lib/reshape.h:
lib/reshape_impl.h:
