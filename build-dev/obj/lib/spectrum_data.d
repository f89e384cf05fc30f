build-dev/obj/lib/spectrum_data.o: lib/spectrum_data.c lib/tpipe.h \
 lib/engine.h lib/spectrum_impl.h lib/spectrum.h
lib/tpipe.h:
lib/engine.h:
lib/spectrum_impl.h:
lib/spectrum.h:
