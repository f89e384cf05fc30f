build-dev/obj/lib/reshape.o: lib/reshape.c lib/tpipe.h lib/reshape.h \
 lib/reshape_impl.h
lib/tpipe.h:
lib/reshape.h:
lib/reshape_impl.h:
