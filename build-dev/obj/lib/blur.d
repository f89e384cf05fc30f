build-dev/obj/lib/blur.o: lib/blur.c lib/blur_impl.h lib/tpipe.h \
 lib/engine.h lib/fft.h lib/blur.h lib/blur_typed.h
lib/blur_impl.h:
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/blur.h:
lib/blur_typed.h:
