build-dev/obj/lib/conv.o: lib/conv.c lib/tpipe.h lib/engine.h lib/fft.h \
 lib/conv.h lib/conv_impl.h
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/conv.h:
lib/conv_impl.h:
