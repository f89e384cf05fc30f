build-dev/obj/lib/blur_response.o: lib/blur_response.c lib/blur_impl.h \
 lib/tpipe.h lib/engine.h lib/fft.h lib/blur.h
lib/blur_impl.h:
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/blur.h:
