build-dev/obj/lib/reshape_stack.o: lib/reshape_stack.c lib/tpipe.h \
 lib/reshape.h lib/reshape_impl.h
lib/tpipe.h:
lib/reshape.h:
lib/reshape_impl.h:
