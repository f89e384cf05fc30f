build-dev/obj/lib/conv_path.o: lib/conv_path.c lib/tpipe.h lib/engine.h \
 lib/fft.h lib/conv.h lib/conv_impl.h lib/conv_typed.h
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/conv.h:
lib/conv_impl.h:
lib/conv_typed.h:
