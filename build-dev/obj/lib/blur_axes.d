build-dev/obj/lib/blur_axes.o: lib/blur_axes.c lib/blur_impl.h \
 lib/tpipe.h lib/engine.h lib/fft.h lib/blur.h
lib/blur_impl.h:
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/blur.h:
