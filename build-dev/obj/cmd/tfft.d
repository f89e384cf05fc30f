build-dev/obj/cmd/tfft.o: cmd/tfft.c lib/tpipe.h lib/engine.h lib/fft.h \
 lib/tpipe.h lib/spectrum.h
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/tpipe.h:
lib/spectrum.h:
