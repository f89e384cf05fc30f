build-dev/obj/lib/blur_edges.o: lib/blur_edges.c lib/blur_impl.h \
 lib/tpipe.h lib/engine.h lib/fft.h lib/blur.h
lib/blur_impl.h:
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/blur.h:
