build-dev/obj/lib/grad_layers.o: lib/grad_layers.c lib/tpipe.h lib/conv.h \
 lib/grad_impl.h lib/grad.h
lib/tpipe.h:
lib/conv.h:
lib/grad_impl.h:
lib/grad.h:
