build-dev/obj/lib/blur_opts.o: lib/blur_opts.c lib/blur_impl.h \
 lib/tpipe.h lib/engine.h lib/fft.h lib/blur.h
lib/blur_impl.h:
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/blur.h:
