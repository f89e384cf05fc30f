build-dev/obj/lib/grad.o: lib/grad.c lib/tpipe.h lib/conv.h \
 lib/grad_impl.h lib/grad.h
lib/tpipe.h:
lib/conv.h:
lib/grad_impl.h:
lib/grad.h:
