build-dev/obj/lib/blur_fir.o: lib/blur_fir.c lib/blur_impl.h lib/tpipe.h \
 lib/engine.h lib/fft.h lib/blur.h
lib/blur_impl.h:
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/blur.h:
