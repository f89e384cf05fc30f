build-dev/obj/lib/grad_loss.o: lib/grad_loss.c lib/tpipe.h \
 lib/grad_impl.h lib/conv.h lib/grad.h
lib/tpipe.h:
lib/grad_impl.h:
lib/conv.h:
lib/grad.h:
