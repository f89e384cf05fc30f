build-dev/obj/lib/grad_check.o: lib/grad_check.c lib/tpipe.h \
 lib/grad_impl.h lib/conv.h lib/grad.h
lib/tpipe.h:
lib/grad_impl.h:
lib/conv.h:
lib/grad.h:
