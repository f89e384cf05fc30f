build-dev/obj/lib/blur_setup.o: lib/blur_setup.c lib/blur_impl.h \
 lib/tpipe.h lib/engine.h lib/fft.h lib/blur.h
lib/blur_impl.h:
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/blur.h:
