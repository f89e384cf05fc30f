build-dev/obj/lib/reshape_parse.o: lib/reshape_parse.c lib/tpipe.h \
 lib/reshape.h lib/reshape_impl.h
lib/tpipe.h:
lib/reshape.h:
lib/reshape_impl.h:
