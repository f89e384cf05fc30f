build-dev/obj/lib/grad_parse.o: lib/grad_parse.c lib/tpipe.h \
 lib/grad_impl.h lib/conv.h lib/grad.h
lib/tpipe.h:
lib/grad_impl.h:
lib/conv.h:
lib/grad.h:
