build-dev/obj/cmd/tgrad.o: cmd/tgrad.c lib/tpipe.h lib/engine.h lib/fft.h \
 lib/tpipe.h lib/grad.h
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/tpipe.h:
lib/grad.h:
