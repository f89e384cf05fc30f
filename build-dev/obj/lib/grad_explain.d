build-dev/obj/lib/grad_explain.o: lib/grad_explain.c lib/tpipe.h \
 lib/grad_impl.h lib/conv.h lib/grad.h
lib/tpipe.h:
lib/grad_impl.h:
lib/conv.h:
lib/grad.h:
