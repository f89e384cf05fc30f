build-dev/obj/lib/fft_axes.o: lib/fft_axes.c lib/tpipe.h lib/engine.h \
 lib/fft.h
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
