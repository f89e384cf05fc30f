build-dev/obj/lib/spectrum.o: lib/spectrum.c lib/tpipe.h lib/engine.h \
 lib/fft.h lib/spectrum_impl.h lib/spectrum.h
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/spectrum_impl.h:
lib/spectrum.h:
