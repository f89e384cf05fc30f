build-dev/obj/lib/blur_fft.o: lib/blur_fft.c lib/blur_impl.h lib/tpipe.h \
 lib/engine.h lib/fft.h lib/blur.h
lib/blur_impl.h:
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/blur.h:
